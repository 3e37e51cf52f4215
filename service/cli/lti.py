"""`hwcheck lti …`: register an LMS as an LTI 1.3 platform, list them, rotate hwcheck's key."""

from __future__ import annotations

from typing import Annotated

import typer

from service.cli.admin import cli_session, printed_refusals

lti = typer.Typer(help="LTI 1.3: the LMS platforms that launch hwcheck, and hwcheck's signing key.",
                  no_args_is_help=True)


@lti.command("add-platform")
def add_platform(
    issuer: Annotated[str, typer.Option(help="The platform's issuer (iss), e.g. https://canvas.instructure.com.")],
    client_id: Annotated[str, typer.Option(help="The client id the platform gave hwcheck.")],
    auth_login_url: Annotated[str, typer.Option(help="The platform's OIDC authorization endpoint.")],
    token_url: Annotated[str, typer.Option(help="The platform's OAuth2 token endpoint (for AGS and NRPS).")],
    jwks_url: Annotated[str, typer.Option(help="The platform's public key set (JWKS) URL.")],
    deployment_id: Annotated[list[str], typer.Option(help="A deployment id launches may come from (repeatable).")],
) -> None:
    """Register a platform (or update the one with this issuer and client id)."""
    from service.lti import platforms

    with cli_session() as session, printed_refusals():
        platform = platforms.add_platform(session, issuer=issuer, client_id=client_id, auth_login_url=auth_login_url,
                                          token_url=token_url, jwks_url=jwks_url, deployment_ids=deployment_id)
        typer.echo(f"platform {platform.id}: {platform.issuer} (client {platform.client_id}), "
                   f"deployments {', '.join(platform.deployment_ids)}")


@lti.command("platforms")
def list_platforms() -> None:
    """The registered platforms."""
    from sqlalchemy import select

    from service.store.models import LtiPlatform

    with cli_session() as session:
        for platform in session.scalars(select(LtiPlatform).order_by(LtiPlatform.id)):
            typer.echo(f"{platform.id}\t{platform.issuer}\t{platform.client_id}\t{','.join(platform.deployment_ids)}")


@lti.command("rotate-key")
def rotate_key() -> None:
    """A new signing key; the old one stays published at /lti/jwks for two days."""
    from service.lti import keys

    with cli_session() as session:
        key = keys.rotate(session)
        typer.echo(f"signing with key {key.kid}; the previous key stays published for {keys.KEY_GRACE}")


@lti.command("sync-roster")
def sync_roster(course: Annotated[int, typer.Argument(help="The hwcheck course id.")]) -> None:
    """Read the course's roster from the LMS (Names and Role Provisioning) and link everyone on it."""
    from service.lti import roster
    from service.store.models import Course

    with cli_session() as session, printed_refusals():
        found = session.get(Course, course)
        if found is None:
            raise typer.BadParameter(f"there is no course {course}")
        typer.echo(roster.sync_roster(session, found).summary())


@lti.command("sync-grades")
def sync_grades(
    course: Annotated[int, typer.Argument(help="The hwcheck course id.")],
    assignment: Annotated[str, typer.Argument(help="The assignment's slug.")],
) -> None:
    """Send every LMS student's score on ASSIGNMENT to the LMS gradebook again, now."""
    from sqlalchemy import select

    from service.lti import scores
    from service.store.models import Assignment

    with cli_session() as session, printed_refusals():
        found = session.scalar(select(Assignment).where(Assignment.course_id == course, Assignment.slug == assignment))
        if found is None:
            raise typer.BadParameter(f"course {course} has no assignment {assignment!r}")
        resent = scores.resend_now(session, found)
        typer.echo(f"{resent.queued} students queued; {resent.sent} scores sent; {resent.waiting} waiting to be retried")
        if resent.waiting:
            raise typer.Exit(1)


@lti.command("registration-url")
def registration_url(
    base_url: Annotated[str, typer.Argument(help="hwcheck's public base URL, e.g. https://hwcheck.example.edu.")],
) -> None:
    """A URL to paste into the LMS for LTI Dynamic Registration (valid for seven days)."""
    from service.lti import registration

    with cli_session() as session:
        typer.echo(registration.invitation_url(session, base_url))
