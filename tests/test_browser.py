"""The published site in a real browser: navigation, search, palettes, safety.

These tests build the example site with MkDocs, serve it on 127.0.0.1 and
drive Debian's Chromium through Playwright (no browser download, no network).
The builds, the HTTP server (one for both sites, each site on a host name of
its own under .localhost) and the browser are made once per test session;
each test gets a fresh browser context.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pathspec
import pytest
import yaml

from conftest import CHROMIUM, ROOT, SITE_HOSTS, Served, Server, build, contrast, new_page

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's Chromium is not installed at /usr/bin/chromium: "
        "install it with `make browser-deps` (apt-get install chromium)",
        allow_module_level=True,
    )

pytest.importorskip("playwright.sync_api")

# Hosts a page may load anything from: only the local test server.
LOCAL_HOSTS = {"127.0.0.1", *SITE_HOSTS}
# Schemes that never reach the network.
INERT_SCHEMES = {"data", "blob", "about"}
# visit_all: after its first batch of pages, a Worker that does nothing.
IDLE_WORKERS = """
window.Worker = class {
  postMessage() {}
  addEventListener() {}
  removeEventListener() {}
  terminate() {}
};
"""


class Watcher:
    """Records what a page reports: console errors, page errors, dialogs, requests."""

    def __init__(self, page: Any) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.external: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("dialog", self._dialog)
        page.on("request", self._request)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.console_errors.append(f"{message.text} ({where})")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in INERT_SCHEMES and parts.hostname not in LOCAL_HOSTS:
            self.external.append(request.url)

    def reset(self) -> None:
        for found in (self.console_errors, self.page_errors, self.dialogs, self.external):
            found.clear()

    def problems(self) -> dict[str, list[str]]:
        found = {
            "console errors": list(self.console_errors),
            "page errors": list(self.page_errors),
            "dialogs": list(self.dialogs),
            "requests to other hosts": list(self.external),
        }
        return {kind: items for kind, items in found.items() if items}


# --- navigation and search --------------------------------------------------------


def test_diagram_node_links_to_the_element_page(site: Served, page: Any) -> None:
    # The landscape shows systems: one click to the system, one to the element.
    page.goto(site.url("/architecture/"))
    system = page.locator('.archatlas-diagram svg a[*|href$="system/market-insight/"]')
    assert system.count() == 1, "the landscape should have one node for Market Insight"
    system.click()
    page.wait_for_url("**/architecture/system/market-insight/")
    node = page.locator('.archatlas-diagram svg a[*|href$="news-scraper/"]')
    assert node.count() == 1, "the system view should have one node linking to news-scraper"
    node.click()
    page.wait_for_url("**/architecture/service/news-scraper/")
    assert page.url == site.url("/architecture/service/news-scraper/")
    heading = page.locator(".md-content h1").inner_text()
    assert heading.removesuffix("¶").strip() == "News Scraper"  # ¶: the permalink


def test_sequence_participant_links_to_its_page(site: Served, page: Any) -> None:
    page.goto(site.url("/architecture/flow/call-transcription/"))
    figure = page.locator('figure.archatlas-diagram[data-view="sequence/call-transcription"]')
    assert figure.locator(".archatlas-toolbar").count() == 1, "the viewer set the diagram up"
    card = figure.locator('g.node[data-node="gcp-speech-to-text"] a')
    assert card.count() == 1, "the sequence diagram should have one card for the vendor"
    card.hover()
    lit = figure.locator("g.edge.archatlas-lit")
    assert lit.count() == 4, "hovering a participant lights its four arrows"
    card.click()
    page.wait_for_url("**/architecture/vendor/gcp-speech-to-text/")
    heading = page.locator(".md-content h1").inner_text()
    assert heading.removesuffix("¶").strip() == "Google Cloud Speech-to-Text"
    waiting = page.locator("#flows-that-wait-for-it + ul a")
    assert waiting.inner_text() == "Call transcription"


def test_search_finds_an_element_by_name(site: Served, page: Any) -> None:
    page.goto(site.url("/"))
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("Settlement Reconciler", delay=20)
    page.locator(".md-search-result__item").first.wait_for()
    targets = page.eval_on_selector_all(
        ".md-search-result__item a.md-search-result__link", "links => links.map(a => a.href)"
    )
    wanted = site.url("/architecture/service/settlement-reconciler/")
    # Material adds the query (?h=...) and, for sections, an anchor.
    assert any(urlsplit(t)._replace(query="", fragment="").geturl() == wanted for t in targets), (
        targets
    )


# --- every page loads cleanly -----------------------------------------------------


def visit_all(
    page: Any,
    site: Served,
    paths: list[str],
    inspect: Callable[[str, Any, Watcher], None],
    tabs: int = 4,
) -> None:
    """Open every page, `tabs` at a time, and inspect each once its network is idle.

    Each page gets a fresh Watcher; 404.html is the only page allowed a non-2xx status.
    The first batch runs the theme's search worker; the pages after it get one
    that does nothing. The worker and the index it builds are the same on every
    page, and building that index again for each page took a quarter of the time.
    """
    opened = [page, *(page.context.new_page() for _ in range(min(tabs, len(paths)) - 1))]
    watchers = [Watcher(tab) for tab in opened]
    try:
        for start in range(0, len(paths), len(opened)):
            if start == len(opened):
                page.context.add_init_script(IDLE_WORKERS)
            batch = list(zip(paths[start : start + len(opened)], opened, watchers, strict=False))
            for path, tab, watcher in batch:
                watcher.reset()
                response = tab.goto(site.url(path), wait_until="commit")
                assert response is not None, path
                if not path.endswith("/404.html"):
                    assert response.ok, f"{path}: HTTP {response.status}"
            for path, tab, watcher in batch:
                # Let the theme's scripts (search worker, palette) finish starting.
                tab.wait_for_load_state("load")
                tab.wait_for_load_state("networkidle")
                inspect(path, tab, watcher)
    finally:
        for tab in opened[1:]:
            tab.close()


def _docs_pages() -> set[str]:
    """The URL path of every hand-written page under docs/ (not the files
    mkdocs.yml excludes, which pages include)."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    excluded = pathspec.GitIgnoreSpec.from_lines(config.get("exclude_docs", "").splitlines())
    found = set()
    for md in (ROOT / "docs").rglob("*.md"):
        stem = md.relative_to(ROOT / "docs").with_suffix("").as_posix()
        if excluded.match_file(md.relative_to(ROOT / "docs").as_posix()):
            continue
        found.add("/" + (stem.removesuffix("index") if md.name == "index.md" else stem + "/"))
    return found


def test_every_page_loads_without_errors_or_external_requests(site: Served, page: Any) -> None:
    pages = site.pages()
    generated = [p for p in pages if p.startswith("/architecture/")]
    assert len(generated) >= 50, generated
    docs = _docs_pages()
    assert docs <= set(pages), sorted(docs - set(pages))
    failures: dict[str, dict[str, list[str]]] = {}

    def inspect(path: str, tab: Any, watcher: Watcher) -> None:
        if found := watcher.problems():
            failures[path] = found

    visit_all(page, site, pages, inspect)
    assert not failures, json.dumps(failures, indent=1)


# --- palettes ---------------------------------------------------------------------

_COLOURS_JS = """
() => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const parts = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  // Edge and cluster labels sit on the page; node names sit on white cards.
  const onPage = ".archatlas-diagram svg .edge text, .archatlas-diagram svg .cluster text";
  const onCards = ".archatlas-diagram svg .node text";
  // The page's background: every ancestor's background, composited over white.
  const text = document.querySelector(onPage);
  const layers = [];
  for (let el = text.parentElement; el; el = el.parentElement) {
    const colour = parse(getComputedStyle(el).backgroundColor);
    if (colour && colour[3] > 0) layers.push(colour);
  }
  let background = [255, 255, 255, 1];
  for (const layer of layers.reverse()) background = over(layer, background);
  const main = parse(getComputedStyle(document.querySelector(".md-main")).backgroundColor);
  const fills = Array.from(document.querySelectorAll(onPage))
    .map((t) => getComputedStyle(t).fill);
  const cardFills = Array.from(document.querySelectorAll(onCards))
    .map((t) => parse(getComputedStyle(t).fill));
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    fill: getComputedStyle(text).fill,
    fills: Array.from(new Set(fills)),
    cardFills,
    rawFill: parse(getComputedStyle(text).fill),
    main,
    background,
  };
}
"""


def _colours(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(_COLOURS_JS)
    return result


def test_diagram_text_is_readable_in_light_and_dark_palettes(site: Served, page: Any) -> None:
    page.goto(site.url("/architecture/service/news-scraper/"))
    light = _colours(page)
    assert light["scheme"] == "default", light
    toggle = page.locator('label.md-header__button[for^="__palette"]:visible')
    toggle.first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.wait_for_timeout(300)  # the theme fades colours in
    dark = _colours(page)
    assert dark["scheme"] == "slate", dark

    assert light["fill"] != dark["fill"], (light, dark)
    assert light["background"] != dark["background"], (light, dark)
    for name, seen in (("light", light), ("dark", dark)):
        assert len(seen["fills"]) == 1, f"{name}: diagram text has several colours {seen}"
        ratio = contrast(seen["rawFill"], seen["background"])
        assert ratio >= 3, f"{name}: text {seen['fill']} on {seen['background']}: {ratio:.2f}"
        assert seen["cardFills"], f"{name}: no node names found"
        for fill in seen["cardFills"]:
            ratio = contrast(fill, [255, 255, 255, 1])
            assert ratio >= 4.5, f"{name}: node name {fill} on its white card: {ratio:.2f}"


def test_diagram_accessible_name_is_plain_text(site: Served, reader: Any) -> None:
    """A diagram's accessible name is the element's name, without Markdown escapes.

    Regression: aria-label read 'Diagram of Google Cloud Speech\\-to\\-Text'."""
    reader.goto(site.url("/architecture/vendor/gcp-speech-to-text/"))
    # The diagram is a list of its nodes' links (see CONTRACT: role="list").
    name = "Diagram of Google Cloud Speech-to-Text"
    diagram = reader.get_by_role("list", name=name, exact=True)
    assert diagram.count() == 1, reader.locator(
        ".archatlas-diagram svg.archatlas-svg"
    ).get_attribute("aria-label")


# --- screenshots ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("landscape", "/architecture/"),
        ("service-news-scraper", "/architecture/service/news-scraper/"),
        ("ledger-trade-fabric", "/architecture/ledger/trade-fabric/"),
    ],
)
def test_screenshot(site: Served, reader: Any, name: str, path: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    target.unlink(missing_ok=True)
    response = reader.goto(site.url(path), wait_until="networkidle")
    assert response is not None and response.ok
    assert reader.locator(".archatlas-diagram svg").count() >= 1
    reader.screenshot(path=str(target), full_page=True)
    data = target.read_bytes()
    assert len(data) > 1000 and data.startswith(PNG_SIGNATURE), target


# --- hostile input ----------------------------------------------------------------

HOSTILE_MKDOCS = """\
site_name: hostile
docs_dir: docs
theme:
  name: material
  font: false
plugins:
  - search
  - archatlas:
      architecture_dir: architecture
"""

# Hand-written pages are the author's own Markdown (raw HTML allowed by MkDocs):
# only what archatlas puts in them, here a diagram's alt text, is tested.
HOSTILE_DOCS = """\
# Hostile

![<img src=x onerror=alert(20)>](arch:view/landscape)

See [the service](arch:evil-service).
"""

XSS_IMG = "<img src=x onerror=alert(1)>"

HOSTILE_ARCHITECTURE = r"""
kind: team
id: evil-team
name: "<img src=x onerror=alert(1)>"
description: |
  <script>alert(2)</script>

  [x](javascript:alert(3)) [y](JaVaScRiPt:alert(3)) [z]( javascript:alert(3))
  [t](java	script:alert(3)) [d](data:text/html,<script>alert(3)</script>)
  [ref][evil] <javascript:alert(3)> {: onclick="alert(3)" }

  [evil]: javascript:alert(3)
contact: "<img src=x onerror=alert(4)>"
links:
  - title: "<b onmouseover=alert(5)>hover</b>"
    url: "https://example.com/"
---
kind: system
id: evil-system
name: "<script>window.__pwned=1</script>"
owner: evil-team
description: "<img src=x onerror=\"window.__pwned=1\">"
---
kind: vendor
id: evil-vendor
name: "<img src=x onerror=alert(1)>"
description: |
  <script>alert(2)</script> [x](javascript:alert(3))
owner: evil-team
product: "\"><svg onload=alert(6)>"
tags: ["<svg onload=alert(7)>"]
---
kind: service
id: evil-service
name: "</title><script>window.__pwned=1</script>"
description: "`<script>alert(8)</script>` is code"
system: evil-system
owner: evil-team
role: api
runtime:
  image: "<script>window.__pwned=1</script>"
uses:
  - to: evil-vendor
    as: calls
    description: "<img src=x onerror=alert(9)>"
    protocol: "<script>window.__pwned=1</script>"
---
kind: service
id: entity-service
name: "&lt;img src=x onerror=alert(10)&gt;"
description: "&lt;script&gt;window.__pwned=1&lt;/script&gt;"
system: evil-system
owner: evil-team
uses:
  - to: evil-service
    as: calls
---
kind: service
id: encoded-links
name: Encoded links
description: |
  Links whose scheme is spelled with HTML character references:
  [e](java&#115;cript:alert(11)) [f](&#106;avascript:alert(11))
  [c](javascript&colon;alert(11))
system: evil-system
owner: evil-team
uses:
  - to: evil-service
    as: calls
"""

# Elements of the hostile architecture whose page gets a diagram or content.
HOSTILE_ELEMENTS = [
    "/architecture/team/evil-team/",
    "/architecture/system/evil-system/",
    "/architecture/vendor/evil-vendor/",
    "/architecture/service/evil-service/",
    "/architecture/service/entity-service/",
]

_UNSAFE_LINKS_JS = """
(scope) => Array.from(document.querySelectorAll(scope + " a"))
  .map((a) => a.getAttribute("href") ??
    a.getAttributeNS("http://www.w3.org/1999/xlink", "href"))
  .filter((href) => href !== null)
  .filter((href) => {
    let protocol;
    try { protocol = new URL(href, location.href).protocol; } catch { return true; }
    return !["http:", "https:", "mailto:"].includes(protocol);
  })
"""

_INJECTED_JS = """
(scope) => {
  const found = [];
  for (const el of document.querySelectorAll(scope)) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith("on")) {
        found.push(`<${el.tagName.toLowerCase()} ${attr.name}="${attr.value}">`);
      }
    }
    if (el.tagName.toLowerCase() === "img" && el.getAttribute("src") === "x") {
      found.push("<img src=x>");
    }
    if (el.tagName.toLowerCase() === "script" && /alert|__pwned/.test(el.textContent)) {
      found.push("<script>" + el.textContent + "</script>");
    }
  }
  return found;
}
"""


@pytest.fixture(scope="session")
def hostile_site(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Served:
    root = tmp_path_factory.mktemp("hostile-site")
    (root / "mkdocs.yml").write_text(HOSTILE_MKDOCS, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(HOSTILE_DOCS, encoding="utf-8")
    (root / "architecture").mkdir()
    (root / "architecture" / "evil.yaml").write_text(
        textwrap.dedent(HOSTILE_ARCHITECTURE).lstrip(), encoding="utf-8"
    )
    # Not --strict: the hostile architecture has warnings (elements nothing uses).
    return server.serve("hostile.localhost", build(root, strict=False))


def _visit(site: Served, page: Any, watcher: Watcher, path: str) -> None:
    watcher.reset()
    response = page.goto(site.url(path), wait_until="load")
    assert response is not None and response.ok, path
    page.wait_for_load_state("networkidle")


@dataclass
class Seen:
    """What one page of the hostile site showed once loaded (see hostile_visits)."""

    dialogs: list[str]
    pwned: Any  # the value of window.__pwned, or "undefined"
    injected: list[str]  # markup from the input anywhere in the page
    injected_in_content: list[str]  # ... in what archatlas writes (.md-content)
    unsafe_links_in_content: list[str]


@pytest.fixture(scope="session")
def hostile_visits(browser: Any, hostile_site: Served) -> Iterator[dict[str, Seen]]:
    """Every page of the hostile site, opened once as visit_all opens pages: what each showed."""
    opened = new_page(browser)
    seen: dict[str, Seen] = {}

    def inspect(path: str, tab: Any, watcher: Watcher) -> None:
        defined = tab.evaluate("typeof window.__pwned") != "undefined"
        seen[path] = Seen(
            dialogs=list(watcher.dialogs),
            pwned=tab.evaluate("window.__pwned") if defined else "undefined",
            injected=tab.evaluate(_INJECTED_JS, "*"),
            injected_in_content=tab.evaluate(_INJECTED_JS, ".md-content *"),
            unsafe_links_in_content=tab.evaluate(_UNSAFE_LINKS_JS, ".md-content"),
        )

    try:
        visit_all(opened, hostile_site, hostile_site.pages(), inspect)
    finally:
        opened.context.close()
    yield seen


def test_hostile_input_runs_no_script(
    hostile_site: Served, hostile_visits: dict[str, Seen]
) -> None:
    """No page runs a script or shows a dialog, even with HTML in element names.

    Regression: names were published raw in <title> and Material's header
    (front-matter title rendered unescaped by the theme)."""
    pages = hostile_site.pages()
    assert set(HOSTILE_ELEMENTS) <= set(pages), pages
    assert sorted(hostile_visits) == sorted(pages)
    failures: dict[str, Any] = {}
    for path, seen in hostile_visits.items():
        found: dict[str, Any] = {}
        if seen.dialogs:
            found["dialogs"] = seen.dialogs
        if seen.pwned != "undefined":
            found["window.__pwned"] = seen.pwned
        if seen.injected:
            found["injected markup"] = seen.injected
        if found:
            failures[path] = found
    assert not failures, json.dumps(failures, indent=1)


def test_hostile_input_is_escaped_in_the_content(
    hostile_site: Served, hostile_visits: dict[str, Seen], reader: Any
) -> None:
    """What archatlas writes into the page (text, tables, diagrams) stays text."""
    failures: dict[str, Any] = {}
    paths = ["/", "/architecture/", "/architecture/service/", *HOSTILE_ELEMENTS]
    for path in paths:
        seen = hostile_visits[path]
        found: dict[str, Any] = {}
        if seen.injected_in_content:
            found["injected markup"] = seen.injected_in_content
        if seen.unsafe_links_in_content:
            found["unsafe links"] = seen.unsafe_links_in_content
        if found:
            failures[path] = found
    assert not failures, json.dumps(failures, indent=1)

    # The names are drawn as text in the diagrams (a card wraps a long name).
    reader.goto(hostile_site.url("/architecture/vendor/evil-vendor/"))
    drawn = reader.locator(".archatlas-diagram svg .node text").all_text_contents()
    assert XSS_IMG.replace(" ", "") in "".join(drawn).replace(" ", ""), drawn


def test_hostile_names_are_shown_verbatim(hostile_site: Served, reader: Any) -> None:
    """A name with HTML characters is shown as written.

    Regression: '>' was shown as '\\>' (a Markdown escape that was HTML-escaped)."""
    reader.goto(hostile_site.url("/architecture/vendor/evil-vendor/"))
    heading = reader.locator(".md-content h1").inner_text().removesuffix("¶").strip()
    assert heading == XSS_IMG


def test_hostile_entity_encoded_links_are_removed(hostile_site: Served, reader: Any) -> None:
    """Script links spelled with HTML character references are dropped too.

    Regression: java&#115;cript:, &#106;avascript: and javascript&colon; passed the
    scheme check and were published as javascript: links."""
    reader.goto(hostile_site.url("/architecture/service/encoded-links/"))
    assert reader.locator(".md-content h1").count() == 1
    assert reader.evaluate(_UNSAFE_LINKS_JS, ".md-content") == []


def test_hostile_search_results_run_no_script(hostile_site: Served, page: Any) -> None:
    watcher = Watcher(page)
    _visit(hostile_site, page, watcher, "/")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("onerror", delay=20)
    page.locator(".md-search-result__item").first.wait_for()
    page.wait_for_timeout(200)
    assert watcher.dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate(_INJECTED_JS, ".md-search-result *") == []
