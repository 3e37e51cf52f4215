"""What the page tests do in the browser: open a page in a fresh context (console errors
collected), and check a page (a screenshot into test-artifacts/, then axe-core)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def check_page(page, name: str, axe_source: str) -> None:
    """A full-page screenshot into test-artifacts/, then axe-core: no serious or critical
    violations."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    # evaluate() runs outside the page's Content-Security-Policy, which stays on for the page.
    page.evaluate(axe_source)
    report = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    (ARTIFACTS / f"{name}.axe.json").write_text(json.dumps(report, indent=2))
    serious = [v for v in report if v["impact"] in ("serious", "critical")]
    assert not serious, f"{name}: accessibility violations {json.dumps(serious, indent=2)}"


def new_page(browser, base: str, **options):
    options.setdefault("viewport", {"width": 1100, "height": 900})
    context = browser.new_context(base_url=base, **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    # Errors in the console (a CSP refusal, a failing script); the sign-in page's own 401 for a
    # wrong token is expected.
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and "status of 401" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return context, page, problems


