"""Every generated page of a site, checked in Chromium at three screens.

    .venv/bin/python bench/page_check.py [--synthetic 1000] [--no-example] [--json FILE]

Builds the example site (the repository's mkdocs.yml, docs/ and
architecture/, in a temporary folder) and, with --synthetic N, a synthetic
architecture of N elements (bench/synthetic.py), serves each on 127.0.0.1
and opens every page under architecture/ at 1440x900 in the light palette,
1440x900 dark and 390x844 (a phone). For each page and screen it reports:

- overflow: the document scrolls sideways (`scrollWidth > clientWidth + 1`
  on the root element), or a table does (its content is wider than the
  table's box, so part of it hides behind a scrollbar);
- console errors and uncaught page errors;
- on catalogue pages (`architecture/<kind>/`), whether the tables have sort
  and filter controls (a button in a header cell, a search field near a
  table), and, where they do, whether clicking a header reorders the rows
  and typing in the field hides rows. Pages without controls say "no
  controls": that is reported, not counted as a failure.

It prints totals and the worst pages, and with --json FILE writes every
figure. The exit code is 1 when any page overflows or logs an error.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from diagram_bench import (
    CHROMIUM,
    CHROMIUM_ARGS,
    build,
    example_project,
    log,
    serve,
    synthetic_project,
)


@dataclass(frozen=True)
class Screen:
    name: str
    width: int
    height: int
    scheme: str  # "light" or "dark"
    phone: bool = False


SCREENS = (
    Screen("light", 1440, 900, "light"),
    Screen("dark", 1440, 900, "dark"),
    Screen("phone", 390, 844, "light", phone=True),
)

# What overflows sideways once the page has loaded.
OVERFLOW_SCRIPT = """
() => {
  const root = document.documentElement;
  const tables = [...document.querySelectorAll('.md-content table')];
  // Material wraps each table in a box that scrolls sideways: measure both.
  const box = table => table.closest('.md-typeset__scrollwrap') || table;
  const wide = tables
    .map((table, index) => ({
      index: index,
      heading: [...table.querySelectorAll('th')].map(th => th.textContent.trim()).join(' | '),
      scroll_width: Math.max(table.scrollWidth, box(table).scrollWidth),
      client_width: box(table).clientWidth,
    }))
    .filter(found => found.scroll_width > found.client_width + 1);
  return {
    document_overflow: root.scrollWidth > root.clientWidth + 1,
    document_scroll_width: root.scrollWidth,
    document_client_width: root.clientWidth,
    tables: tables.length,
    wide_tables: wide,
  };
}
"""

# The sort and filter controls of a catalogue's tables, found generically:
# a button (or a role=button) in a header cell, a search field in the content.
CONTROLS_SCRIPT = """
() => {
  const content = document.querySelector('.md-content') || document.body;
  const sort = content.querySelectorAll('table th button, table th [role="button"]').length;
  const filter = content.querySelectorAll('input[type="search"]').length;
  return {sort: sort, filter: filter, tables: content.querySelectorAll('table').length};
}
"""

ROW_TEXTS = """
() => {
  const table = document.querySelector('.md-content table');
  if (!table) return [];
  return [...table.querySelectorAll('tbody tr')]
    .filter(row => row.offsetParent !== null)
    .map(row => row.textContent.trim());
}
"""


@dataclass
class Visit:
    """One page at one screen."""

    page: str
    screen: str
    document_overflow: bool = False
    document_width: str = ""  # scrollWidth/clientWidth where it overflows
    wide_tables: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return (
            int(self.document_overflow)
            + len(self.wide_tables)
            + len(self.console_errors)
            + len(self.page_errors)
        )


@dataclass
class Controls:
    """The sort and filter controls of one catalogue page (light palette, desktop)."""

    page: str
    sort_buttons: int
    search_fields: int
    sorts: bool | None = None  # None: not tried (no control)
    filters: bool | None = None

    @property
    def summary(self) -> str:
        if not self.sort_buttons and not self.search_fields:
            return "no controls"
        parts = []
        if self.sort_buttons:
            parts.append(f"sort ({self.sort_buttons} buttons): {_worked(self.sorts)}")
        if self.search_fields:
            parts.append(f"filter: {_worked(self.filters)}")
        return ", ".join(parts)


def _worked(value: bool | None) -> str:
    return {True: "works", False: "does nothing", None: "not tried"}[value]


@dataclass
class Report:
    name: str
    pages: int = 0
    build_s: float = 0.0
    browser_s: float = 0.0
    visits: list[Visit] = field(default_factory=list)
    controls: list[Controls] = field(default_factory=list)

    def count(self, attribute: str) -> int:
        return sum(bool(getattr(visit, attribute)) for visit in self.visits)

    @property
    def failed_pages(self) -> list[str]:
        return sorted({visit.page for visit in self.visits if visit.problems})


def architecture_pages(site: Path) -> list[str]:
    """The URL of every page under architecture/."""
    found = []
    for path in sorted((site / "architecture").rglob("index.html")):
        relative = path.parent.relative_to(site).as_posix()
        found.append(f"/{relative}/")
    return found


def is_catalogue(url: str) -> bool:
    parts = url.strip("/").split("/")
    return len(parts) == 2 and parts[1] not in ("findings", "classification")


def visit(page: Any, base: str, url: str, screen: Screen) -> Visit:
    found = Visit(url, screen.name)

    def console(message: Any) -> None:
        if message.type == "error":
            found.console_errors.append(message.text)

    def error(exception: Any) -> None:
        found.page_errors.append(str(exception))

    page.on("console", console)
    page.on("pageerror", error)
    try:
        page.goto(base + url, wait_until="load")
        page.wait_for_timeout(50)  # the viewer fits diagrams in the next frame
        measured = page.evaluate(OVERFLOW_SCRIPT)
    finally:
        page.remove_listener("console", console)
        page.remove_listener("pageerror", error)
    found.document_overflow = measured["document_overflow"]
    if found.document_overflow:
        found.document_width = (
            f"{measured['document_scroll_width']}/{measured['document_client_width']} px"
        )
    found.wide_tables = [
        f"table {table['index'] + 1} ({table['heading'][:60]}): "
        f"{table['scroll_width']}/{table['client_width']} px"
        for table in measured["wide_tables"]
    ]
    return found


def try_controls(page: Any, base: str, url: str) -> Controls:
    """Whether a catalogue's controls exist, and whether they sort and filter."""
    page.goto(base + url, wait_until="load")
    counted = page.evaluate(CONTROLS_SCRIPT)
    controls = Controls(url, counted["sort"], counted["filter"])
    if controls.sort_buttons:
        before = page.evaluate(ROW_TEXTS)
        button = page.locator(".md-content table th button, .md-content table th [role=button]")
        button.first.click()
        after = page.evaluate(ROW_TEXTS)
        if after == before:  # already sorted by that column: the other way round
            button.first.click()
            after = page.evaluate(ROW_TEXTS)
        sorted_attribute = page.locator(".md-content table th[aria-sort]").count()
        controls.sorts = after != before or (len(before) < 2 and sorted_attribute > 0)
    if controls.search_fields:
        page.goto(base + url, wait_until="load")
        before = page.evaluate(ROW_TEXTS)
        field_ = page.locator('.md-content input[type="search"]').first
        field_.fill("zz-no-such-row-qq")
        page.wait_for_timeout(100)
        hidden = page.evaluate(ROW_TEXTS)
        field_.fill("")
        page.wait_for_timeout(100)
        back = page.evaluate(ROW_TEXTS)
        controls.filters = len(hidden) < len(before) and len(back) == len(before)
    return controls


def check_site(name: str, site: Path) -> Report:
    from playwright.sync_api import sync_playwright

    report = Report(name)
    urls = architecture_pages(site)
    report.pages = len(urls)
    started = time.perf_counter()
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        for screen in SCREENS:
            context = browser.new_context(
                viewport={"width": screen.width, "height": screen.height},
                color_scheme=screen.scheme,
                is_mobile=screen.phone,
                has_touch=screen.phone,
            )
            context.set_default_timeout(30_000)
            page = context.new_page()
            for number, url in enumerate(urls, start=1):
                if number % 100 == 0:
                    log(f"  {name}, {screen.name}: {number} of {len(urls)} pages")
                report.visits.append(visit(page, base, url, screen))
            if screen.name == "light":
                report.controls = [try_controls(page, base, u) for u in urls if is_catalogue(u)]
            context.close()
        browser.close()
    report.browser_s = time.perf_counter() - started
    return report


def summary(report: Report, worst: int) -> str:
    visits = len(report.visits)
    lines = [
        f"## {report.name}: {report.pages:,} pages, {visits:,} openings "
        f"(build {report.build_s:.1f} s, browser {report.browser_s:.1f} s)",
        "",
        "| screen | document overflows | tables overflow | console errors | page errors |",
        "|---|---|---|---|---|",
    ]
    for screen in SCREENS:
        chosen = [v for v in report.visits if v.screen == screen.name]
        lines.append(
            f"| {screen.name} {screen.width}x{screen.height} "
            f"| {sum(v.document_overflow for v in chosen)} "
            f"| {sum(len(v.wide_tables) for v in chosen)} "
            f"({sum(bool(v.wide_tables) for v in chosen)} pages) "
            f"| {sum(len(v.console_errors) for v in chosen)} "
            f"| {sum(len(v.page_errors) for v in chosen)} |"
        )
    failed = report.failed_pages
    lines += ["", f"Pages with a problem: {len(failed):,} of {report.pages:,}."]
    ranked = sorted(
        (visit for visit in report.visits if visit.problems),
        key=lambda visit: (-visit.problems, visit.page, visit.screen),
    )
    if ranked:
        lines += ["", f"Worst {min(worst, len(ranked))}:", ""]
        for item in ranked[:worst]:
            what = []
            if item.document_overflow:
                what.append(f"document {item.document_width}")
            what += item.wide_tables
            what += [f"console: {text[:100]}" for text in item.console_errors]
            what += [f"page error: {text[:100]}" for text in item.page_errors]
            lines.append(f"- {item.page} ({item.screen}): " + "; ".join(what))
    if report.controls:
        lines += ["", "Catalogue controls:", ""]
        lines += [f"- {controls.page}: {controls.summary}" for controls in report.controls]
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, metavar="N", help="also a synthetic site")
    parser.add_argument("--no-example", action="store_true", help="skip the example site")
    parser.add_argument("--seed", type=int, default=7, help="of the synthetic architecture")
    parser.add_argument("--worst", type=int, default=15, help="how many worst pages to list")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every figure here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"Chromium is not installed at {CHROMIUM}")
    reports = []
    with tempfile.TemporaryDirectory(prefix="archatlas-pages-") as folder:
        work = Path(folder)
        projects = [] if options.no_example else [("example", example_project(work))]
        if options.synthetic:
            size = options.synthetic
            projects.append((f"synthetic {size:,}", synthetic_project(work, size, options.seed)))
        for name, project in projects:
            log(f"{name}: building")
            site, seconds = build(project)
            log(f"{name}: opening every page under architecture/")
            report = check_site(name, site)
            report.build_s = seconds
            reports.append(report)
            print(summary(report, options.worst), flush=True)
            print(flush=True)
    if options.json:
        figures = [
            {
                **asdict(report),
                "controls": [{**asdict(c), "summary": c.summary} for c in report.controls],
                "failed_pages": report.failed_pages,
            }
            for report in reports
        ]
        options.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 1 if any(report.failed_pages for report in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
