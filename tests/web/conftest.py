"""The browser every page test drives: Debian's Chromium through Playwright, with axe-core.

Skipped locally (with the reason) when Chromium, Playwright or axe-core is missing; CI
(.ci/run sets HWCHECK_REQUIRE_BROWSER=1 after installing them) fails instead of skipping."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browsing import ROOT

CHROMIUM = os.environ.get("HWCHECK_CHROMIUM", "/usr/bin/chromium")
AXE = Path(os.environ.get("HWCHECK_AXE_JS", ROOT / ".ci/node_modules/axe-core/axe.min.js"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REQUIRED = os.environ.get("HWCHECK_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"HWCHECK_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def sync_playwright():
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    return sync_playwright


@pytest.fixture(scope="module")
def browser(sync_playwright):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        _unavailable(f"axe-core is not at {AXE} (npm install --prefix .ci axe-core)")
    return AXE.read_text()


