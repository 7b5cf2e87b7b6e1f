"""The diagram viewer (assets/archatlas.js) in a real browser, on the example site.

Fit on load, the toolbar, zoom, full screen, download, highlight, keyboard
order, grouped edges and the legend, in the light and dark palettes. The
site, the server and the browser are the browser tests' (see conftest.py);
each palette and screen size gets one browser context for the whole module,
and each test opens its page afresh.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from archatlas.site import SCRIPTS, STYLESHEET, site_assets
from conftest import CHROMIUM, EXAMPLE, ROOT, Served, contrast, run_cli

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's Chromium is not installed at /usr/bin/chromium: "
        "install it with `make browser-deps` (apt-get install chromium)",
        allow_module_level=True,
    )

pytest.importorskip("playwright.sync_api")

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# A system view: wider than the column, with grouped edges and a legend.
SYSTEM = "/architecture/system/market-insight/"
SYSTEM_FILE = "system-market-insight.svg"
# The widest view, and a small element view.
LANDSCAPE = "/architecture/"
SMALL = "/architecture/actor/portfolio-manager/"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
FIGURE = "figure.archatlas-diagram"
FULL = "archatlas-fullscreen"
SVG = f"{FIGURE} svg.archatlas-svg"
TOOLS = {
    "zoom-in": "Zoom in",
    "zoom-out": "Zoom out",
    "fit": "Fit to width",
    "fullscreen": "Full screen",
    "download": "Download as SVG",
}
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

Opener = Callable[..., Any]


@pytest.fixture(scope="module")
def opener(browser: Any) -> Iterator[Opener]:
    """`open(path, palette="light", screen=DESKTOP)`: the page, loaded afresh.

    One context and one page per palette and screen size, kept for the module.
    """
    pages: dict[tuple[str, int, int], Any] = {}

    def open_page(site: Served, path: str, palette: str = "light", screen: Any = DESKTOP) -> Any:
        key = (palette, screen["width"], screen["height"])
        if key not in pages:
            scheme = "dark" if palette == "dark" else "light"
            # Reduced motion: the highlight's fade is off, its end state shows at once.
            context = browser.new_context(
                viewport=screen, color_scheme=scheme, reduced_motion="reduce"
            )
            context.set_default_timeout(15_000)
            pages[key] = context.new_page()
        page = pages[key]
        if page.url.startswith("http"):
            page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        # The viewer starts with the theme's scripts: no need to wait for the icons.
        page.goto(site.url(path), wait_until="domcontentloaded")
        page.wait_for_selector(f"{FIGURE} .archatlas-toolbar")
        expected = "slate" if palette == "dark" else "default"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
        return page

    yield open_page
    for page in pages.values():
        page.context.close()


# Panzoom sets the transform in the next animation frame.
_FRAMES_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
_TRANSFORM_JS = """
async (svg) => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return svg.style.transform;
}
"""


def _scale(page: Any, index: int = 0) -> float:
    transform = page.locator(SVG).nth(index).evaluate(_TRANSFORM_JS)
    found = re.search(r"scale\(([\d.]+)\)", transform)
    assert found, transform
    return float(found.group(1))


def _translate(page: Any) -> tuple[float, float]:
    transform = page.locator(SVG).first.evaluate(_TRANSFORM_JS)
    found = re.search(r"translate\(([-\d.e]+)px, ([-\d.e]+)px\)", transform)
    assert found, transform
    return float(found.group(1)), float(found.group(2))


# --- fit on load -----------------------------------------------------------------------

_FIT_JS = """
() => Array.from(document.querySelectorAll("figure.archatlas-diagram")).map((figure) => {
  const svg = figure.querySelector("svg.archatlas-svg");
  const column = figure.closest(".md-content__inner") || figure.parentElement;
  const style = getComputedStyle(column);
  const inner = column.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {
    view: figure.dataset.view,
    width: svg.getBoundingClientRect().width,
    natural: svg.width.baseVal.value,
    column: inner,
    toolbar: figure.querySelectorAll(".archatlas-toolbar").length,
  };
})
"""


@pytest.mark.parametrize(
    ("palette", "screen", "paths"),
    [
        ("light", DESKTOP, [LANDSCAPE, SMALL, SYSTEM]),
        ("dark", DESKTOP, [SYSTEM]),
        ("light", PHONE, [LANDSCAPE, SYSTEM]),
    ],
    ids=["light-1440", "dark-1440", "phone-390"],
)
def test_diagrams_fit_their_column_on_load(
    site: Served, opener: Opener, palette: str, screen: Any, paths: list[str]
) -> None:
    """Each diagram is at most its column's width, and at most its natural size.

    Regression: diagrams kept their natural width and scrolled sideways."""
    for path in paths:
        page = opener(site, path, palette, screen)
        figures = page.evaluate(_FIT_JS)
        assert figures, f"{path}: no diagram"
        for seen in figures:
            assert seen["toolbar"] == 1, f"{path}: the viewer did not set up {seen}"
            assert seen["width"] <= seen["column"] + 0.5, f"{path}: wider than its column {seen}"
            assert seen["width"] <= seen["natural"] + 0.5, f"{path}: drawn larger {seen}"
        for index in range(len(figures)):
            assert _scale(page, index) == 1
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path}: the page scrolls sideways by {overflow}px"
    # The system view (the last page), scrolled into sight, for a look at it.
    page.locator(FIGURE).first.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = f"viewer-{palette}-{screen['width']}x{screen['height']}.png"
    page.screenshot(path=str(SCREENSHOTS / name))


# --- the toolbar -----------------------------------------------------------------------

_TOOL_COLOURS_JS = """
(button) => {
  const parse = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  let background = "rgba(0, 0, 0, 0)";
  for (let el = button; el && /rgba\\(.*, 0\\)|transparent/.test(background); el = el.parentElement)
    background = getComputedStyle(el).backgroundColor;
  return { colour: parse(getComputedStyle(button).color), background: parse(background) };
}
"""


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_toolbar_buttons_are_labelled_and_visible(
    site: Served, opener: Opener, palette: str
) -> None:
    page = opener(site, SYSTEM, palette)
    toolbar = page.locator(f"{FIGURE} .archatlas-toolbar").first
    for action, label in TOOLS.items():
        button = toolbar.get_by_role("button", name=label, exact=True)
        assert button.count() == 1, f"no button '{label}'"
        assert button.is_visible()
        assert button.get_attribute("data-action") == action
        assert button.get_attribute("title"), f"'{label}' has no title"
        seen = button.evaluate(_TOOL_COLOURS_JS)
        ratio = contrast(seen["colour"], seen["background"])
        assert ratio >= 3, f"{palette}: '{label}' icon {seen}: contrast {ratio:.2f}"


# --- zoom and pan ----------------------------------------------------------------------


def test_zoom_buttons_ctrl_wheel_and_fit(site: Served, opener: Opener) -> None:
    page = opener(site, SYSTEM)
    tools = page.locator(f"{FIGURE} .archatlas-toolbar").first
    tools.get_by_role("button", name="Zoom in").click()
    zoomed = _scale(page)
    assert zoomed > 1.2, zoomed
    tools.get_by_role("button", name="Zoom out").click()
    assert _scale(page) < zoomed
    tools.get_by_role("button", name="Fit to width").click()
    assert _scale(page) == 1

    # A plain wheel scrolls the page; Ctrl + wheel zooms where the pointer is.
    box = page.locator(SVG).first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 200)
    page.wait_for_function("window.scrollY > 0")
    assert _scale(page) == 1
    box = page.locator(SVG).first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    page.wait_for_function(
        "() => !/scale\\(1\\)/.test(document.querySelector('svg.archatlas-svg').style.transform)"
    )
    assert _scale(page) > 1


_CENTRAL_LINK_JS = """
() => {
  // The middle of the node link nearest the middle of the canvas.
  const canvas = document.querySelector("figure.archatlas-diagram .archatlas-canvas");
  const frame = canvas.getBoundingClientRect();
  const mid = [frame.x + frame.width / 2, frame.y + frame.height / 2];
  const points = Array.from(canvas.querySelectorAll("g.node[data-node] a")).map((a) => {
    const box = a.getBoundingClientRect();
    return [box.x + box.width / 2, box.y + box.height / 2];
  });
  const away = (p) => Math.hypot(p[0] - mid[0], p[1] - mid[1]);
  return points.sort((a, b) => away(a) - away(b))[0];
}
"""


def test_dragging_a_zoomed_diagram_pans_it_and_follows_no_link(
    site: Served, opener: Opener
) -> None:
    page = opener(site, SYSTEM)
    page.locator(f"{FIGURE} .archatlas-toolbar").first.get_by_role("button", name="Zoom in").click()
    page.wait_for_timeout(250)  # the zoom's transition
    start = _translate(page)
    x, y = page.evaluate(_CENTRAL_LINK_JS)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=5)
    page.mouse.up()
    page.wait_for_timeout(100)
    assert _translate(page) != start
    assert page.url == site.url(SYSTEM), "a drag that ended on a link followed it"


# --- full screen -----------------------------------------------------------------------


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_full_screen_shows_the_diagram_fitted_to_the_screen(
    site: Served, opener: Opener, palette: str
) -> None:
    page = opener(site, SYSTEM, palette)
    figure = page.locator(FIGURE).first
    figure.get_by_role("button", name="Full screen").click()
    # The viewer sets its class once the browser reports the change.
    page.wait_for_function(f"document.querySelector('{FIGURE}').classList.contains('{FULL}')")
    assert figure.evaluate("(f) => document.fullscreenElement === f")
    shown = page.locator(SVG).first.bounding_box()
    screen = page.viewport_size
    # Fitted: inside the screen, and filling most of its width or of its height.
    assert shown["x"] >= 0 and shown["x"] + shown["width"] <= screen["width"] + 0.5, shown
    assert shown["y"] >= 0 and shown["y"] + shown["height"] <= screen["height"] + 0.5, shown
    assert shown["width"] >= 0.9 * screen["width"] or shown["height"] >= 0.5 * screen["height"]
    background = figure.evaluate("(f) => getComputedStyle(f).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
    if palette == "light":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "viewer-fullscreen.png"))
    exit_button = figure.get_by_role("button", name="Exit full screen")
    assert exit_button.get_attribute("aria-pressed") == "true"
    exit_button.click()
    page.wait_for_function(f"!document.querySelector('{FIGURE}').classList.contains('{FULL}')")
    assert page.evaluate("document.fullscreenElement") is None
    assert _scale(page) == 1


_TEXT_HEIGHTS_JS = """
(figure) => Array.from(figure.querySelectorAll("svg.archatlas-svg text"))
  .map((t) => t.getBoundingClientRect().height)
"""


@pytest.mark.parametrize("path", [LANDSCAPE, "/architecture/ledger/trade-fabric/"])
def test_wide_diagram_text_is_legible_in_full_screen(
    site: Served, opener: Opener, path: str
) -> None:
    """Fitted to its column a wide diagram's text is small; full screen shows it at 8 px or more."""
    page = opener(site, path)
    figure = page.locator(FIGURE).first
    figure.get_by_role("button", name="Full screen").click()
    page.wait_for_function(f"document.querySelector('{FIGURE}').classList.contains('{FULL}')")
    heights = figure.evaluate(_TEXT_HEIGHTS_JS)
    assert heights, "the page should have a diagram with text"
    assert min(heights) >= 8, f"smallest diagram text is {min(heights):.1f}px tall"
    figure.get_by_role("button", name="Exit full screen").click()


# --- download --------------------------------------------------------------------------


def test_download_is_a_self_contained_svg(site: Served, opener: Opener) -> None:
    page = opener(site, SYSTEM)
    with page.expect_download() as waiting:
        page.locator(FIGURE).first.get_by_role("button", name="Download as SVG").click()
    download = waiting.value
    assert download.suggested_filename == SYSTEM_FILE
    with open(download.path(), encoding="utf-8") as saved:
        text = saved.read()
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("style") is None, "the viewer's transform was kept"
    images = root.iter("{http://www.w3.org/2000/svg}image")
    hrefs = [image.get(XLINK_HREF) or image.get("href") or "" for image in images]
    assert hrefs, "the system view should have icons"
    assert all(href.startswith("data:image/") for href in hrefs), hrefs[:3]
    links = [a.get(XLINK_HREF) for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert any(link and link.startswith(site.base + "/") for link in links), links[:3]
    assert "archatlas-hit" not in text and "archatlas-lit" not in text


# --- highlight, keyboard, grouped edges, legend ----------------------------------------

_LIT_JS = """
(id) => {
  const svg = document.querySelector("figure.archatlas-diagram svg.archatlas-svg");
  const lit = (el) => el.classList.contains("archatlas-lit");
  const edges = Array.from(svg.querySelectorAll("g.edge[data-source]"));
  const mine = edges.filter((e) => e.dataset.source === id || e.dataset.target === id);
  const near = new Set(mine.flatMap((e) => [e.dataset.source, e.dataset.target]));
  const nodes = Array.from(svg.querySelectorAll("g.node[data-node]"));
  return {
    dimmed: svg.classList.contains("archatlas-dim"),
    edges: mine.length,
    edgesLit: mine.every(lit),
    othersLit: edges.filter((e) => !mine.includes(e) && lit(e)).length,
    neighboursLit: nodes.filter((n) => near.has(n.dataset.node)).every(lit),
    strangersLit: nodes.filter((n) => !near.has(n.dataset.node) && lit(n)).length,
    anyLit: svg.querySelectorAll(".archatlas-lit").length,
  };
}
"""


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_hovering_a_node_lights_its_edges_and_neighbours(
    site: Served, opener: Opener, palette: str
) -> None:
    page = opener(site, SYSTEM, palette)
    node = page.locator(f'{SVG} g.node[data-node="insight-api"]')
    node.locator("a").hover()
    seen = page.evaluate(_LIT_JS, "insight-api")
    assert seen["dimmed"] and seen["edges"] >= 2, seen
    assert seen["edgesLit"] and seen["neighboursLit"], seen
    assert seen["othersLit"] == 0 and seen["strangersLit"] == 0, seen
    dimmed = page.locator(f"{SVG} g.node:not(.archatlas-lit)").first
    assert float(dimmed.evaluate("(n) => getComputedStyle(n).opacity")) < 0.5
    page.mouse.move(1, 1)
    assert page.evaluate(_LIT_JS, "insight-api")["anyLit"] == 0


_FOCUSED_NODE_JS = """
() => {
  const node = document.activeElement && document.activeElement.closest("g.node[data-node]");
  return node ? node.dataset.node : null;
}
"""


def test_tab_reaches_node_links_in_reading_order(site: Served, opener: Opener) -> None:
    page = opener(site, SYSTEM)
    order = page.eval_on_selector_all(
        f"{SVG} g.node[data-node]",
        "(nodes) => nodes.filter((n) => n.querySelector('a[href], a[*|href]'))"
        ".map((n) => n.dataset.node)",
    )
    assert len(order) >= 5, order
    page.locator(FIGURE).first.get_by_role("button", name="Download as SVG").focus()
    reached = []
    for _ in order:
        page.keyboard.press("Tab")
        reached.append(page.evaluate(_FOCUSED_NODE_JS))
    assert reached == order
    # The focused node is highlighted, and its link has a visible focus ring.
    last = page.locator(f'{SVG} g.node[data-node="{order[-1]}"]')
    assert "archatlas-lit" in (last.get_attribute("class") or "")
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert ring != "none"


_INSIDE_CANVAS_JS = """
() => {
  const canvas = document.querySelector("figure.archatlas-diagram .archatlas-canvas");
  const frame = canvas.getBoundingClientRect();
  const node = document.activeElement.closest("g.node[data-node]");
  const box = node.getBoundingClientRect();
  const inside = box.left >= frame.left - 1 && box.right <= frame.right + 1 &&
    box.top >= frame.top - 1 && box.bottom <= frame.bottom + 1;
  return inside ? null : { node: node.dataset.node, box: box.toJSON(), frame: frame.toJSON() };
}
"""


def test_tab_brings_a_node_into_sight_when_zoomed(site: Served, opener: Opener) -> None:
    page = opener(site, SYSTEM)
    zoom_in = page.locator(FIGURE).first.get_by_role("button", name="Zoom in")
    zoom_in.click()
    zoom_in.click()
    assert _scale(page) > 1.5
    page.locator(FIGURE).first.get_by_role("button", name="Download as SVG").focus()
    count = page.locator(f"{SVG} g.node[data-node] a").count()
    hidden = []
    for _ in range(count):
        page.keyboard.press("Tab")
        page.evaluate(_FRAMES_JS)
        if outside := page.evaluate(_INSIDE_CANVAS_JS):
            hidden.append(outside)
    assert not hidden, hidden


_GROUPED_EDGE_POINT_JS = """
() => {
  // A point on a grouped edge's line that nothing else covers.
  for (const edge of document.querySelectorAll("figure.archatlas-diagram g.edge[data-group]")) {
    const path = edge.querySelector("path:not(.archatlas-hit)");
    const length = path.getTotalLength();
    for (const at of [0.5, 0.4, 0.6, 0.3, 0.7]) {
      const local = path.getPointAtLength(length * at);
      const point = local.matrixTransform(path.getScreenCTM());
      const hit = document.elementFromPoint(point.x, point.y);
      if (hit && edge.contains(hit)) return { group: edge.dataset.group, x: point.x, y: point.y };
    }
  }
  return null;
}
"""


def test_clicking_a_grouped_edge_opens_its_relations(site: Served, opener: Opener) -> None:
    page = opener(site, SYSTEM)
    page.locator(SVG).first.scroll_into_view_if_needed()
    target = page.evaluate(_GROUPED_EDGE_POINT_JS)
    assert target, "no grouped edge can be clicked"
    details = page.locator(f'{FIGURE} details[data-group="{target["group"]}"]')
    assert details.count() == 1
    assert not details.evaluate("(d) => d.open")
    page.mouse.click(target["x"], target["y"])
    assert details.evaluate("(d) => d.open")
    assert details.evaluate("(d) => d.contains(document.activeElement)")
    assert page.url == site.url(SYSTEM)


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_legend_is_visible_and_labelled(site: Served, opener: Opener, palette: str) -> None:
    page = opener(site, SYSTEM, palette)
    legend = page.locator(f"{FIGURE} figcaption.archatlas-legend").first
    assert legend.is_visible()
    title = legend.locator(".archatlas-legend-title")
    assert title.inner_text().strip() == "Legend"
    items = legend.locator(".archatlas-legend-items > li")
    assert items.count() >= 2
    assert all(item.is_visible() for item in items.all())
    seen = title.evaluate(_TOOL_COLOURS_JS)
    ratio = contrast(seen["colour"], seen["background"])
    assert ratio >= 4.5, f"{palette}: the legend's title {seen}: contrast {ratio:.2f}"
    # Items sit in rows, several to a row, not one per line.
    tops = {round(item.bounding_box()["y"]) for item in items.all()}
    assert len(tops) < items.count(), tops


def test_setting_up_again_changes_nothing(site: Served, opener: Opener) -> None:
    """init() runs on every page Material shows (instant navigation): it sets up once."""
    page = opener(site, SYSTEM)
    page.evaluate("() => { window.archatlasViewer.init(); window.archatlasViewer.init(); }")
    counts = page.eval_on_selector_all(
        FIGURE,
        "(figures) => figures.map((f) => [f.querySelectorAll('.archatlas-toolbar').length,"
        " f.querySelectorAll('.archatlas-hit').length,"
        " f.querySelectorAll('g.edge[data-group]').length])",
    )
    assert counts
    for toolbars, hits, grouped in counts:
        assert toolbars == 1 and hits == grouped, counts


# --- the files -------------------------------------------------------------------------


def test_the_viewer_is_published_by_the_plugin_and_by_render(site: Served, tmp_path: Any) -> None:
    """The stylesheet, the scripts and Panzoom's licence, in the site and in render --out."""
    assets = site_assets()
    assert sorted(posixpath.basename(path) for path in assets) == [
        "archatlas-tables.js",
        "archatlas.css",
        "archatlas.js",
        "panzoom-LICENSE.txt",
        "panzoom.min.js",
    ]
    licence = assets["assets/archatlas/panzoom-LICENSE.txt"]
    assert b"Permission is hereby granted" in licence  # MIT
    for path, content in assets.items():
        assert (site.site / path).read_bytes() == content, path
    page = (site.site / SYSTEM.strip("/") / "index.html").read_text(encoding="utf-8")
    scripts = [src for src in re.findall(r'<script src="([^"]+)"', page) if "archatlas/" in src]
    # Panzoom first: archatlas.js uses it.
    assert [posixpath.basename(src) for src in scripts] == [
        posixpath.basename(path) for path in SCRIPTS
    ]
    assert posixpath.basename(STYLESHEET) in page

    out = tmp_path / "out"
    ran = run_cli("render", str(EXAMPLE), "--out", str(out), "--no-cache", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    for path, content in assets.items():
        assert (out / path).read_bytes() == content, path
