"""LTI 1.3 Advantage: an LMS (Canvas, Moodle, …) launches hwcheck, its people arrive signed in,
rosters come from it and grades go back to it.

- platforms.py     a registered platform (issuer, client id, its endpoints, deployments)
- registration.py  Dynamic Registration: the LMS registers hwcheck from an admin's invitation
- keys.py          hwcheck's own signing keys and the JWKS it publishes (/lti/jwks), rotated
- launch.py        the OIDC login and the launch: every check the specification asks of an
                   id_token, each refusal naming the check that failed
- people.py        the launch's context and person -> a course, a student or a staff member;
                   the resource link -> the assignment (or problem) it opens
- deep_linking.py  the instructor picks what a new LMS link opens (Deep Linking)
- services.py      calling the platform: access tokens (client-credentials JWT), paging
- roster.py        Names and Role Provisioning: the LMS roster, linked
- scores.py        Assignment and Grade Services: line items, and the sender of the outbox
                   (service/courses/score_outbox.py writes it with each counted submission)

The routes are thin: service/web/lti.py (login, launch, deep linking, registration, the roster
button) and service/api/lti.py (JWKS, platforms, registration URL, roster sync); the CLI is
service/cli/lti.py.
"""
