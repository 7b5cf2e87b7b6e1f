"""One page of each kind in Chromium: it fits the screen and logs no error.

For each page, in Material's light and dark palettes at 1440x900 and at a
phone's 390x844: neither the document nor any table scrolls sideways, and
the page logs no console error and throws none. One browser page (the shared
`reader`) serves every test; bench/page_check.py checks every page the same
way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import CHROMIUM, VIEWPORT, Served

if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

PAGES = {
    "catalogue": "/architecture/service/",
    "system": "/architecture/system/market-insight/",
    "ledger": "/architecture/ledger/trade-fabric/",
    "lake": "/architecture/datalake/market-lake/",
    "team": "/architecture/team/data-platform/",
    "vendor": "/architecture/vendor/gcp-speech-to-text/",
    "classification": "/architecture/classification/",
}
# (palette, width, height)
STYLESHEET = "/assets/archatlas/archatlas.css"
SCREENS = (("light", 1440, 900), ("dark", 1440, 900), ("light", 390, 844))

OVERFLOW = """
() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll('.md-content table')]
    .map((table, index) => {
      // Material wraps each table in a box that scrolls sideways.
      const box = table.closest('.md-typeset__scrollwrap') || table;
      return [index + 1, Math.max(table.scrollWidth, box.scrollWidth), box.clientWidth];
    })
    .filter(([, scroll, client]) => scroll > client + 1);
  return {
    document: root.scrollWidth > root.clientWidth + 1 ? [root.scrollWidth, root.clientWidth] : null,
    tables: wide,
  };
}
"""


@pytest.fixture
def screens(reader: Any) -> Iterator[Any]:
    """The shared reading page, put back to the suite's screen and light palette after."""
    yield reader
    reader.set_viewport_size(VIEWPORT)
    reader.emulate_media(color_scheme="light")


@pytest.mark.parametrize("kind", PAGES)
def test_page_fits_and_logs_no_error(site: Served, screens: Any, kind: str) -> None:
    errors: list[str] = []

    def console(message: Any) -> None:
        where = (message.location or {}).get("url", "")
        # Chromium asks for /favicon.ico when it opens the stylesheet below.
        if message.type == "error" and not where.endswith("/favicon.ico"):
            errors.append(f"console: {message.text} ({where})")

    def thrown(error: Any) -> None:
        errors.append(f"page error: {error}")

    screens.on("console", console)
    screens.on("pageerror", thrown)
    problems = []
    try:
        for palette, width, height in SCREENS:
            # Material keeps the palette it last showed: forget it on a page
            # of the site without Material's scripts.
            screens.goto(site.url(STYLESHEET))
            screens.evaluate("() => localStorage.clear()")
            screens.set_viewport_size({"width": width, "height": height})
            screens.emulate_media(color_scheme=palette)
            response = screens.goto(site.url(PAGES[kind]), wait_until="load")
            assert response is not None and response.ok, PAGES[kind]
            scheme = screens.evaluate("() => document.body.dataset.mdColorScheme")
            assert scheme == ("slate" if palette == "dark" else "default"), (palette, scheme)
            found = screens.evaluate(OVERFLOW)
            where = f"{palette} {width}x{height}"
            if found["document"]:
                problems.append(f"{where}: the document scrolls sideways {found['document']}")
            for number, scroll, client in found["tables"]:
                problems.append(f"{where}: table {number} scrolls ({scroll} > {client} px)")
            problems += [f"{where}: {error}" for error in errors]
            errors.clear()
    finally:
        screens.remove_listener("console", console)
        screens.remove_listener("pageerror", thrown)
    assert not problems, problems
