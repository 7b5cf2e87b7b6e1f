"""How readable the diagrams are, on the example and on large synthetic architectures.

    .venv/bin/python bench/diagram_bench.py [--sizes 1000 5000] [--no-example]
                                            [--pages 150] [--jobs 2] [--json FILE]

For the example architecture (the repository's mkdocs.yml, docs/ and
architecture/, copied into a temporary folder) and for a synthetic
architecture of each size (bench/synthetic.py; 1,000 elements as 50 systems
and 70 vendors, other sizes in proportion), it builds the MkDocs site, finds
every diagram its pages hold, and reports for each:

- overlapping labels, spilled text, labels on cards and duplicate ordered
  pairs, computed from the SVG as the page holds it (bench/diagram_metrics.py);
- whether its page gives it a legend;
- how long archatlas took to draw it: `render_source` (the `dot` runs of
  the layouts the plugin tries, and the SVG's cleaning), timed alone,
  `--jobs` at a time, without the diagram cache;
  whether that failed, or the page says the diagram could not be drawn;
- overflow at load: the page opened in Chromium at 1440x900 and, right after
  the load event, nothing scrolled, whether the SVG is as wide as its figure
  at most, the figure does not scroll sideways and no scroll box inside it
  overflows. At 1,000 elements and more, `--pages` pages are opened (all
  system, ledger and data-lake pages, the landscape, then element pages in a
  fixed sample), and the report says how many.

It prints a table per architecture with its worst offenders, then a summary
side by side against the targets: 0 overlapping labels and 0 spilled text on
every diagram, every diagram fits on load and has a legend, none fails.
`--json FILE` keeps every figure, diagram by diagram.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import diagram_metrics as metrics
import yaml
from synthetic import write_architecture

from archatlas import render
from archatlas.check import check_directory
from archatlas.model import Architecture
from archatlas.render import RenderOptions, dot_source, find_dot, render_source
from archatlas.settings import DEFAULTS
from archatlas.views import build_view, view_keys

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1440, "height": 900}
SHAPE = {1000: (50, 70)}  # elements: (systems, vendors); other sizes in proportion
TINY_PX = 7.0  # text drawn smaller than this at load is hard to read
PAGES = 150  # pages opened in the browser for a synthetic architecture
THEME = {
    "name": "material",
    "font": False,
    "features": ["navigation.sections", "navigation.top", "content.code.copy"],
}
MARKDOWN_EXTENSIONS = [
    "admonition",
    "attr_list",
    "tables",
    {"toc": {"permalink": True}},
    "md_in_html",
    "pymdownx.superfences",
    "pymdownx.details",
    "def_list",
]
INDEX = "# Platform architecture\n\nThe [architecture](architecture/index.md) of the platform.\n"

# Read in the page right after load, for each diagram: its drawing's box against its
# figure's width, and the boxes between them that scroll or clip (pan and zoom
# viewers clip: a drawing larger than its box is then hidden, not scrolled).
OVERFLOW_SCRIPT = """
() => Array.from(document.querySelectorAll('.archatlas-diagram')).map((figure) => {
  const svg = figure.querySelector('svg.archatlas-svg')
    || figure.querySelector('.archatlas-canvas svg') || figure.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : null;
  const graph = svg ? svg.querySelector('g.graph') : null;
  const scrolls = (value) => value === 'auto' || value === 'scroll';
  const scrolling = [figure, ...figure.querySelectorAll('*:not(svg, svg *)')].filter((el) => {
    const style = getComputedStyle(el);
    return (scrolls(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      || (scrolls(style.overflowY) && el.scrollHeight > el.clientHeight + 1);
  });
  let clipped = 0;
  for (let el = svg ? svg.parentElement : null; el; el = el.parentElement) {
    const style = getComputedStyle(el);
    if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
      const edge = el.getBoundingClientRect();
      if (box.left < edge.left - 1 || box.right > edge.right + 1
          || box.top < edge.top - 1 || box.bottom > edge.bottom + 1) clipped += 1;
    }
    if (el === figure) break;
  }
  return {
    view: figure.dataset.view || '',
    prefix: graph && graph.id.endsWith('graph0') ? graph.id.slice(0, -'graph0'.length) : '',
    failed: figure.classList.contains('archatlas-failed'),
    svg_width: box ? box.width : 0,
    svg_height: box ? box.height : 0,
    view_box_width: svg && svg.viewBox.baseVal ? svg.viewBox.baseVal.width : 0,
    client_width: figure.clientWidth,
    scroll_width: figure.scrollWidth,
    scroll_boxes: scrolling.length,
    clipped: clipped,
  };
})
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- what is measured ------------------------------------------------------------------


@dataclass
class Diagram:
    key: str
    pages: list[str] = field(default_factory=list)  # site paths of the pages holding it
    seconds: float = 0.0  # render_source: dot and cleaning
    failed: str = ""  # why it could not be drawn
    texts: int = 0
    overlaps: int = 0
    spills: int = 0
    labels_on_cards: int = 0
    duplicates: int = 0
    edges: int = 0
    unlabelled_edges: int = 0  # edges drawn without any text
    legend: bool = False
    measured: str = ""  # "page" (the SVG as the page holds it) or "render" (ours)
    opened: bool = False  # its page was opened in the browser
    fits: bool | None = None  # None: not opened
    overflow: str = ""  # why it does not fit
    svg_width: float = 0.0
    figure_width: float = 0.0
    svg_height: float = 0.0
    smallest_font: float = 0.0  # of its text, in the SVG's units
    smallest_on_screen: float = 0.0  # that text's size in CSS pixels at load (0: not opened)


@dataclass
class Report:
    name: str
    elements: int
    systems: int
    vendors: int
    pages: int = 0  # pages holding a diagram
    opened: int = 0  # of which opened in the browser
    sampled: bool = False
    sample_note: str = ""  # which pages were opened, when not all
    build_s: float = 0.0
    render_s: float = 0.0  # wall time of all render_source runs
    browser_s: float = 0.0
    diagrams: list[Diagram] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(int(getattr(diagram, name)) for diagram in self.diagrams)

    @property
    def failed(self) -> int:
        return sum(1 for diagram in self.diagrams if diagram.failed)

    @property
    def without_legend(self) -> int:
        return sum(1 for diagram in self.diagrams if not diagram.legend and not diagram.failed)

    @property
    def checked(self) -> list[Diagram]:
        return [diagram for diagram in self.diagrams if diagram.fits is not None]

    @property
    def overflowing(self) -> int:
        return sum(1 for diagram in self.checked if not diagram.fits)

    def worst(self, name: str, count: int = 5) -> list[tuple[str, float]]:
        found = [(diagram.key, float(getattr(diagram, name))) for diagram in self.diagrams]
        found = [item for item in found if item[1]]
        return sorted(found, key=lambda item: (-item[1], item[0]))[:count]


# --- the projects ----------------------------------------------------------------------------


def example_project(work: Path) -> Path:
    """The repository's site (mkdocs.yml, docs/, architecture/) in a folder of its own."""
    project = work / "example"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "docs", project / "docs")
    shutil.copytree(REPO / "architecture", project / "architecture")
    return project


def shape(size: int) -> tuple[int, int]:
    """Systems and vendors of a synthetic architecture of `size` elements."""
    if size in SHAPE:
        return SHAPE[size]
    systems, vendors = SHAPE[1000]
    return max(1, round(systems * size / 1000)), max(0, round(vendors * size / 1000))


def synthetic_project(work: Path, size: int, seed: int) -> Path:
    """A synthetic architecture and a minimal MkDocs site around it."""
    project = work / f"synthetic-{size}"
    systems, vendors = shape(size)
    write_architecture(project / "architecture", size, seed, systems=systems, vendors=vendors)
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text(INDEX, encoding="utf-8")
    config = {
        "site_name": f"Synthetic architecture of {size:,} elements",
        "docs_dir": "docs",
        "theme": THEME,
        "nav": [{"Home": "index.md"}],
        "plugins": ["search", {"archatlas": {"architecture_dir": "architecture"}}],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
    }
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return project


def build(project: Path) -> tuple[Path, float]:
    """`mkdocs build` of the project (a cold diagram cache of its own); the site and seconds."""
    site = project / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml", "-d", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        raise SystemExit(f"the build in {project} failed ({done.returncode}):\n{tail}")
    return site, seconds


# --- measuring ------------------------------------------------------------------------------


def page_url(site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return "/" + relative.removesuffix("index.html")


def read_pages(site: Path, arch: Architecture) -> tuple[dict[str, Diagram], dict[str, str]]:
    """The diagrams the site's pages hold, by view, and the SVG of each as a page holds it."""
    by_prefix = {metrics.id_prefix(key): key for key in view_keys(arch)}
    diagrams: dict[str, Diagram] = {}
    svgs: dict[str, str] = {}
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if "archatlas-diagram" not in html:
            continue
        url = page_url(site, page)
        for number, figure in enumerate(metrics.page_figures(html)):
            key = figure.view or by_prefix.get(figure.prefix, "") or f"{url}#{number}"
            diagram = diagrams.setdefault(key, Diagram(key))
            if url not in diagram.pages:
                diagram.pages.append(url)
            diagram.legend = diagram.legend or figure.has_legend
            if figure.failed and not diagram.failed:
                diagram.failed = "the page says it could not be drawn"
            if figure.svg and key not in svgs:
                svgs[key] = figure.svg
    return diagrams, svgs


def render_all(
    arch: Architecture, keys: Sequence[str], jobs: int
) -> dict[str, tuple[float, str, str]]:
    """Each view drawn alone, timed: (seconds, error, SVG markup) by key."""

    def one(key: str) -> tuple[str, float, str, str]:
        view = build_view(arch, key)
        if view is None:
            return key, 0.0, "no such view", ""
        # The candidate layouts the site tries, where the plugin has them; else the one source.
        candidates = render.layouts(view) if hasattr(render, "layouts") else dot_source(view)
        options = RenderOptions(cache=None, timeout=DEFAULTS.dot_timeout)
        started = time.perf_counter()
        rendered = render_source(key, candidates, options, view.custom_icons)
        return key, time.perf_counter() - started, rendered.error, rendered.markup

    find_dot()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return {key: (s, error, svg) for key, s, error, svg in pool.map(one, keys)}


def measure_svgs(report: Report, svgs: dict[str, str], ours: dict[str, str]) -> None:
    for diagram in report.diagrams:
        svg, where = svgs.get(diagram.key, ""), "page"
        if not svg:
            svg, where = ours.get(diagram.key, ""), "render"
        if not svg:
            continue
        try:
            found = metrics.measure(svg)
        except Exception as error:
            diagram.failed = diagram.failed or f"unreadable SVG: {error}"
            continue
        diagram.measured = where
        diagram.texts = found.texts
        diagram.overlaps = len(found.overlaps)
        diagram.spills = len(found.spills)
        diagram.labels_on_cards = len(found.labels_on_cards)
        diagram.duplicates = len(found.duplicates)
        diagram.edges = found.edges
        diagram.unlabelled_edges = found.unlabelled_edges
        diagram.smallest_font = found.smallest_font


@dataclass(frozen=True)
class Sample:
    """The pages opened in the browser."""

    pages: list[str]
    views: int  # of which pages holding a landscape, system, ledger or data-lake view
    views_in_all: int  # such pages in the site
    elements: int  # element pages opened
    elements_in_all: int


def pages_to_open(report: Report, limit: int | None) -> Sample:
    """The pages to open in the browser: all, or `limit` of them in a fixed sample.

    A sample gives up to two thirds of its pages to those holding a view
    other than an element's neighbourhood (the landscape, systems, ledgers,
    data lakes), the site's index pages first, and the rest to element pages,
    each drawn at random with a fixed seed.
    """
    views: dict[str, set[str]] = {}
    for diagram in report.diagrams:
        for page in diagram.pages:
            views.setdefault(page, set()).add(diagram.key)
    pages = sorted(views)
    wide = [page for page in pages if any(not key.startswith("element/") for key in views[page])]
    narrow = [page for page in pages if page not in set(wide)]
    if limit is None or len(pages) <= limit:
        return Sample(pages, len(wide), len(wide), len(narrow), len(narrow))
    rng = random.Random(0)
    share = min(len(wide), max(limit - len(narrow), limit * 2 // 3))
    first = [page for page in wide if page.count("/") <= 3]  # /architecture/, /architecture/x/
    chosen = first[:share]
    others = [page for page in wide if page not in set(chosen)]
    chosen += rng.sample(others, share - len(chosen))
    elements = rng.sample(narrow, min(len(narrow), limit - len(chosen)))
    return Sample(sorted(chosen + elements), len(chosen), len(wide), len(elements), len(narrow))


def overflow(found: dict[str, Any]) -> str:
    """Why a diagram, as OVERFLOW_SCRIPT found it, does not fit; "" when it fits."""
    reasons = []
    if found["svg_width"] > found["client_width"] + 1:
        reasons.append("wider than its figure")
    if found["scroll_width"] > found["client_width"] + 1:
        reasons.append("the figure scrolls")
    if found["scroll_boxes"]:
        reasons.append("a box inside scrolls")
    if found["clipped"]:
        reasons.append("clipped by its box")
    return ", ".join(reasons)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection the browser dropped (it stops loading a page it leaves) is no error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """The site on 127.0.0.1, in a thread; its base URL."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def check_overflow(report: Report, site: Path, limit: int | None) -> None:
    """Open the pages at 1440x900 and read, right after load, whether each diagram fits."""
    from playwright.sync_api import sync_playwright

    sample = pages_to_open(report, limit)
    pages = sample.pages
    report.pages = sample.views_in_all + sample.elements_in_all
    report.opened, report.sampled = len(pages), len(pages) < report.pages
    report.sample_note = (
        f"{sample.views:,} of {sample.views_in_all:,} pages with a landscape, system, ledger "
        f"or data-lake view, {sample.elements:,} of {sample.elements_in_all:,} element pages"
    )
    by_key = {diagram.key: diagram for diagram in report.diagrams}
    by_prefix = {metrics.id_prefix(key): key for key in by_key}
    started = time.perf_counter()
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
        context.set_default_timeout(30_000)
        page = context.new_page()
        for number, url in enumerate(pages, start=1):
            if number % 50 == 0:
                log(f"  {report.name}: {number} of {len(pages)} pages opened")
            page.goto(base + url, wait_until="load")
            for found in page.evaluate(OVERFLOW_SCRIPT):
                key = found["view"] or by_prefix.get(found["prefix"], "")
                diagram = by_key.get(key)
                if diagram is None or found["failed"]:
                    continue
                why = overflow(found)
                if diagram.fits is None or (diagram.fits and why):  # the worst of its pages
                    diagram.fits = not why
                    diagram.overflow = why
                    diagram.svg_width = round(found["svg_width"], 1)
                    diagram.figure_width = float(found["client_width"])
                    diagram.svg_height = round(found["svg_height"], 1)
                    if found["view_box_width"]:
                        scale = found["svg_width"] / found["view_box_width"]
                        diagram.smallest_on_screen = round(diagram.smallest_font * scale, 1)
                diagram.opened = True
        context.close()
        browser.close()
    report.browser_s = time.perf_counter() - started


def measure(name: str, project: Path, limit: int | None, jobs: int, browser: bool = True) -> Report:
    log(f"{name}: checking")
    result = check_directory(project / "architecture")
    if result.fails():
        raise SystemExit(f"{name}: the architecture has errors")
    arch = result.architecture
    report = Report(
        name,
        elements=len(arch.elements),
        systems=len(arch.of_kind("system")),
        vendors=len(arch.of_kind("vendor")),
    )
    log(f"{name}: building the site")
    site, report.build_s = build(project)
    diagrams, svgs = read_pages(site, arch)
    report.diagrams = [diagrams[key] for key in sorted(diagrams)]
    log(f"{name}: drawing {len(diagrams)} diagrams one by one, {jobs} at a time")
    started = time.perf_counter()
    drawn = render_all(arch, [key for key in sorted(diagrams) if "#" not in key], jobs)
    report.render_s = time.perf_counter() - started
    for key, (seconds, error, _) in drawn.items():
        diagrams[key].seconds = seconds
        if error:
            diagrams[key].failed = error
    measure_svgs(report, svgs, {key: svg for key, (_, _, svg) in drawn.items()})
    if browser:
        log(f"{name}: opening pages in Chromium")
        check_overflow(report, site, limit)
    return report


# --- reporting ------------------------------------------------------------------------------

FIGURES = (
    ("overlapping labels", "overlaps"),
    ("spilled text", "spills"),
    ("labels on cards", "labels_on_cards"),
    ("duplicate pairs", "duplicates"),
)


def _count(value: float) -> str:
    return f"{value:,.0f}"


def overflow_cell(report: Report) -> str:
    if not report.checked:
        return "not measured"
    cell = f"{report.overflowing:,} of {len(report.checked):,}"
    if report.sampled:
        cell += f" (pages opened: {report.opened:,} of {report.pages:,})"
    return cell


def smallest_cell(report: Report) -> str:
    """The smallest text on screen at load, over the diagrams opened, and how many are tiny."""
    sizes = [d.smallest_on_screen for d in report.checked if d.smallest_on_screen]
    if not sizes:
        return "not measured"
    tiny = sum(1 for size in sizes if size < TINY_PX)
    return f"{min(sizes):.1f} px; {tiny:,} diagrams under {TINY_PX:g} px"


def slowest(report: Report) -> tuple[str, float]:
    drawn = [diagram for diagram in report.diagrams if diagram.seconds]
    if not drawn:
        return "-", 0.0
    top = max(drawn, key=lambda diagram: diagram.seconds)
    return top.key, top.seconds


def table(report: Report) -> str:
    key, top = slowest(report)
    rows = [
        (
            "elements / systems / vendors",
            f"{report.elements:,} / {report.systems} / {report.vendors}",
        ),
        ("diagrams", _count(len(report.diagrams))),
        ("failed", _count(report.failed)),
        ("dot, max", f"{top:.2f} s ({key})"),
        (
            "dot, total",
            f"{sum(d.seconds for d in report.diagrams):.1f} s ({report.render_s:.1f} s wall)",
        ),
        *((label, _count(report.total(name))) for label, name in FIGURES),
        ("legend missing", _count(report.without_legend)),
        (
            "edges without a label",
            f"{report.total('unlabelled_edges'):,} of {report.total('edges'):,}",
        ),
        ("overflow at load", overflow_cell(report)),
        ("smallest text at load", smallest_cell(report)),
        ("site build (cold)", f"{report.build_s:.1f} s"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"== {report.name} =="]
    lines += [f"  {label:<{width}}  {value}" for label, value in rows]
    offenders = [(label, report.worst(name)) for label, name in FIGURES]
    offenders.append(("dot seconds", [(k, round(s, 2)) for k, s in report.worst("seconds")]))
    missing = [d.key for d in report.diagrams if not d.legend and not d.failed]
    over = sorted((d for d in report.checked if not d.fits), key=lambda d: (-d.svg_width, d.key))
    failed = [(d.key, d.failed) for d in report.diagrams if d.failed]
    shrunk = sorted(
        (d for d in report.checked if d.smallest_on_screen),
        key=lambda d: (d.smallest_on_screen, d.key),
    )
    lines.append("  worst offenders:")
    for label, worst in offenders:
        if worst:
            found = ", ".join(f"{key} {value:g}" for key, value in worst)
            lines.append(f"    {label}: {found}")
    if missing:
        lines.append(f"    legend missing: {', '.join(missing[:5])}{' ...' * (len(missing) > 5)}")
    if over:
        found = ", ".join(
            f"{d.key} {d.svg_width:g}px in {d.figure_width:g}px ({d.overflow})" for d in over[:5]
        )
        lines.append(f"    overflow at load: {found}")
    if shrunk:
        found = ", ".join(f"{d.key} {d.smallest_on_screen:g}px" for d in shrunk[:5])
        lines.append(f"    smallest text at load: {found}")
    for key, error in failed[:5]:
        lines.append(f"    failed: {key}: {error}")
    return "\n".join(lines)


def verdicts(report: Report) -> list[str]:
    """The targets this architecture misses."""
    missed = []
    for label, name in (("overlapping labels", "overlaps"), ("spilled text", "spills")):
        if report.total(name):
            missed.append(f"{report.total(name):,} {label}")
    if report.overflowing:
        missed.append(f"{report.overflowing:,} diagrams overflow at load")
    if report.without_legend:
        missed.append(f"{report.without_legend:,} diagrams without a legend")
    if report.failed:
        missed.append(f"{report.failed:,} diagrams failed")
    return missed


def summary(reports: Sequence[Report]) -> str:
    """Side by side, one column per architecture: easy to compare before and after."""
    names = [report.name for report in reports]
    rows: list[tuple[str, list[str]]] = [
        ("diagrams", [_count(len(r.diagrams)) for r in reports]),
        ("failed", [_count(r.failed) for r in reports]),
        ("dot, max s", [f"{slowest(r)[1]:.2f}" for r in reports]),
        ("dot, total s", [f"{sum(d.seconds for d in r.diagrams):.1f}" for r in reports]),
        *((label, [_count(r.total(name)) for r in reports]) for label, name in FIGURES),
        ("legend missing", [_count(r.without_legend) for r in reports]),
        (
            "unlabelled edges",
            [f"{r.total('unlabelled_edges'):,}/{r.total('edges'):,}" for r in reports],
        ),
        (
            "overflow at load",
            [f"{r.overflowing:,}/{len(r.checked):,}" if r.checked else "-" for r in reports],
        ),
    ]
    width = max(len(label) for label, _ in rows)
    columns = [
        max(len(name), *(len(cells[i]) for _, cells in rows)) for i, name in enumerate(names)
    ]
    lines = [
        "== summary ==",
        " " * (width + 2) + "  ".join(f"{n:>{w}}" for n, w in zip(names, columns, strict=True)),
    ]
    for label, cells in rows:
        lines.append(
            f"{label:<{width}}  "
            + "  ".join(f"{c:>{w}}" for c, w in zip(cells, columns, strict=True))
        )
    lines.append("")
    lines.append(
        "targets: 0 overlapping labels and 0 spilled text on every diagram; every diagram "
        "fits on load and has a legend; none fails"
    )
    for report in reports:
        missed = verdicts(report)
        lines.append(
            f"  {report.name}: " + ("all met" if not missed else "missed: " + "; ".join(missed))
        )
        if report.sampled:
            lines.append(
                f"    (overflow measured on {report.opened:,} of {report.pages:,} pages holding "
                f"a diagram, a fixed sample: {report.sample_note})"
            )
    return "\n".join(lines)


# --- the command ----------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000], help="synthetic sizes")
    parser.add_argument("--no-example", action="store_true", help="skip the example")
    parser.add_argument(
        "--pages", type=int, default=PAGES, help="pages opened per synthetic architecture (0: all)"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the overflow check")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="dot runs at a time")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic architectures")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    reports: list[Report] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="archatlas-diagram-bench-") as scratch:
        work = Path(scratch)
        if not args.no_example:
            reports.append(
                measure("example", example_project(work), None, args.jobs, not args.no_browser)
            )
            print(table(reports[-1]) + "\n", flush=True)
        for size in args.sizes:
            project = synthetic_project(work, size, args.seed)
            limit = args.pages or None
            report = measure(f"{size:,} elements", project, limit, args.jobs, not args.no_browser)
            reports.append(report)
            print(table(report) + "\n", flush=True)
    print(summary(reports))
    print(f"\n({time.perf_counter() - started:.0f} s in all, {time.strftime('%Y-%m-%d')})")
    if args.json:
        document = {"date": time.strftime("%Y-%m-%d"), "reports": [asdict(r) for r in reports]}
        args.json.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
