"""Catalogues in Chromium: sorting and filtering (archatlas-tables.js), in both
palettes, and the plain table without JavaScript.

Uses the shared example site, server and browser (tests/conftest.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from archatlas.check import check_directory
from conftest import CHROMIUM, EXAMPLE, VIEWPORT, Served

if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

SERVICES = "/architecture/service/"
VENDORS = "/architecture/vendor/"

# The text of each shown row's cell in the column headed `label`.
COLUMN = """
(label) => {
  const table = document.querySelector('.md-content table');
  const headers = [...table.tHead.rows[0].cells].map(c => c.textContent.trim());
  const index = headers.indexOf(label);
  return [...table.tBodies[0].rows]
    .filter(row => !row.hidden)
    .map(row => row.cells[index].textContent.trim());
}
"""


def header(page: Any, label: str) -> Any:
    return page.locator(".md-content table th", has_text=re.compile(f"^{label}$"))


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_catalogue_sorts_and_filters(site: Served, page: Any, palette: str) -> None:
    page.emulate_media(color_scheme=palette)
    page.goto(site.url(SERVICES))
    scheme = page.evaluate("() => document.body.dataset.mdColorScheme")
    assert scheme == ("slate" if palette == "dark" else "default")
    names = page.evaluate(COLUMN, "Name")
    assert names == sorted(names, key=str.casefold)
    assert header(page, "Name").get_attribute("aria-sort") == "ascending"

    header(page, "Name").locator("button").click()
    assert header(page, "Name").get_attribute("aria-sort") == "descending"
    assert page.evaluate(COLUMN, "Name") == names[::-1]
    header(page, "Owner").locator("button").click()
    assert header(page, "Owner").get_attribute("aria-sort") == "ascending"
    assert header(page, "Name").get_attribute("aria-sort") == "none"
    owners = [owner for owner in page.evaluate(COLUMN, "Owner") if owner]
    assert owners == sorted(owners, key=str.casefold)

    page.get_by_label("Owner").select_option("Quant Research")
    shown = page.evaluate(COLUMN, "Owner")
    assert shown and set(shown) == {"Quant Research"} and len(shown) < len(names)
    assert f"of {len(names)} shown" in page.locator(".archatlas-filter-count").inner_text()
    page.get_by_label("Owner").select_option("")
    page.get_by_role("searchbox").fill("kafka consumer")
    assert page.evaluate(COLUMN, "Name") == ["Transactions Lake Sink"]
    page.get_by_role("searchbox").fill("")
    assert len(page.evaluate(COLUMN, "Name")) == len(names)


def test_badges_and_filters_read_in_both_palettes(site: Served, page: Any) -> None:
    colours = {}
    for palette in ("light", "dark"):
        # Material keeps the palette it last showed: forget it, on a page of
        # the site without Material's scripts.
        page.goto(site.url("/assets/archatlas/archatlas.css"))
        page.evaluate("() => localStorage.clear()")
        page.emulate_media(color_scheme=palette)
        page.goto(site.url(VENDORS))
        scheme = page.evaluate("() => document.body.dataset.mdColorScheme")
        assert scheme == ("slate" if palette == "dark" else "default")
        badge = page.locator(".archatlas-badge--confidential").first
        colours[palette] = badge.evaluate(
            "(b) => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]"
        )
        page.get_by_label("Approved data").select_option("confidential")
        assert set(page.evaluate(COLUMN, "Approved data")) == {"confidential"}
    assert colours["light"] != colours["dark"]


def test_catalogue_is_a_plain_table_without_javascript(site: Served, browser: Any) -> None:
    services = check_directory(EXAMPLE).architecture.of_kind("service")
    html = (site.site / SERVICES.strip("/") / "index.html").read_text(encoding="utf-8")
    table = html[html.index("<table>") : html.index("</table>")]
    assert table.count("<tr>") == len(services) + 1
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.url(SERVICES))
        rows = page.locator(".md-content table tbody tr")
        assert rows.count() == len(services)
        assert page.locator(".md-content table th button").count() == 0
        assert page.locator(".archatlas-filters").count() == 0
        assert page.locator(".md-content table a", has_text="Insight API").is_visible()
    finally:
        context.close()
