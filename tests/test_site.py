"""The built site, as a user sees it: pages, links, diagrams, failures, safety.

Every test builds a small MkDocs project in a temporary folder (its own
`mkdocs.yml`, `docs/` and `architecture/`) with `mkdocs build` run in a
process of its own (conftest.mkdocs_build), then reads the generated HTML
with `html.parser`. Builds that
several tests read are module-scoped fixtures. The inputs live in `tests/site_cases/`; the example
site is built from the repository's own `architecture/`.
"""

from __future__ import annotations

import base64
import html
import json
import posixpath
import re
import shutil
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from archatlas.check import Result, check_directory
from archatlas.icons import resource_root
from conftest import (
    BUILD_TIMEOUT,
    EXAMPLE,
    ROOT,
    TESTS,
    VENV_BIN,
    Ran,
    fake_dot,
    mkdocs_build,
    run_cli,
)

CASES = TESTS / "site_cases"

# What must never reach a published file: paths of the build machine.
MACHINE_PATH = re.compile(r"(?<![\w.-])/(?:work|tmp|root|home)/|site-packages|\bfile:")
# A finding as the plugin logs it: `path:line:col: severity[rule]: message`.
FINDING = re.compile(r"(?P<where>\S+:\d+:\d+): (?P<severity>error|warning)\[(?P<rule>[\w-]+)\]")


# --- building -------------------------------------------------------------------------


def make_project(
    folder: Path,
    architecture: Path,
    docs: dict[str, str] | Path | None = None,
    plugin: dict[str, Any] | None = None,
    **settings: Any,
) -> Path:
    """A project in `folder`: mkdocs.yml, a copy of `architecture`, and docs/."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(architecture, folder / "architecture")
    if isinstance(docs, Path):
        shutil.copytree(docs, folder / "docs")
    else:
        for name, text in (docs or {"index.md": "# Home\n\nThe architecture site.\n"}).items():
            page = folder / "docs" / name
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(text, encoding="utf-8")
    config: dict[str, Any] = {
        "site_name": "Test site",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"archatlas": plugin} if plugin else "archatlas"],
        "markdown_extensions": ["tables", "md_in_html", "attr_list"],
        **settings,
    }
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder


@dataclass
class Build:
    project: Path
    site: Path
    returncode: int
    stdout: str
    stderr: str

    def __repr__(self) -> str:
        return f"Build({self.project}, exit {self.returncode})"

    @property
    def log(self) -> str:
        return self.stdout + self.stderr

    def findings(self) -> list[tuple[str, str, str]]:
        """(where, severity, rule) of every finding in the log."""
        return [
            (m.group("where"), m.group("severity"), m.group("rule"))
            for m in FINDING.finditer(self.log)
        ]

    def page(self, path: str) -> Page:
        return read_page(self.site / path)


def build(
    project: Path,
    *,
    strict: bool = True,
    site: str = "site",
    command: list[str] | None = None,
    path: str | None = None,
    cwd: Path | None = None,
) -> Build:
    """`mkdocs build` (or `command build`) of the project, in a process of its own."""
    done = mkdocs_build(project, site=site, strict=strict, command=command, path=path, cwd=cwd)
    return Build(project, project / site, done.returncode, done.stdout, done.stderr)


def built(build_result: Build) -> Build:
    """The build, asserted to have succeeded."""
    assert build_result.returncode == 0, build_result.log
    return build_result


# --- reading pages ---------------------------------------------------------------------

_TITLE = re.compile(r"(<title>)(.*?)(</title>)", re.DOTALL)
_DIAGRAM = re.compile(r'<figure class="archatlas-diagram[^"]*"[^>]*>(.*?)</figure>', re.DOTALL)
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")
LINK_ATTRIBUTES = frozenset({"href", "src", "xlink:href"})


@dataclass
class Page:
    """What a reader of one generated HTML page sees."""

    path: Path
    html: str
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value)
    events: list[tuple[str, str, str]] = field(default_factory=list)  # on* attributes
    scripts: list[str] = field(default_factory=list)  # inline script text
    h1: list[str] = field(default_factory=list)
    article: str = ""  # visible text of the page's content
    article_links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    nav_links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    nav_labels: list[str] = field(default_factory=list)  # section titles in the nav
    svg_texts: list[str] = field(default_factory=list)  # <text> of inline diagrams
    svg_links: list[str] = field(default_factory=list)  # <a xlink:href> of inline diagrams
    svg_labels: list[str] = field(default_factory=list)  # aria-label of inline diagrams

    def __repr__(self) -> str:
        return f"Page({self.path})"

    @property
    def diagrams(self) -> list[str]:
        """The raw markup of every archatlas diagram on the page."""
        return _DIAGRAM.findall(self.html)

    @property
    def text(self) -> str:
        return " ".join(self.article.split())


class _PageParser(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.stack: list[str] = []
        self.open: dict[str, int] = {}  # depth at which a region opened
        self.capture: list[tuple[str, list[str], dict[str, str]]] = []

    def _inside(self, region: str) -> bool:
        return region in self.open

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        classes = values.get("class", "").split()
        for name, value in values.items():
            if name in LINK_ATTRIBUTES:
                self.page.links.append((tag, name, value))
            if name.startswith("on"):
                self.page.events.append((tag, name, value))
        if tag in ("br", "img", "input", "link", "meta", "hr", "image", "path", "polygon"):
            return  # void (or, in the SVG, self-closing) elements: no end tag follows
        self.stack.append(tag)
        depth = len(self.stack)
        if tag == "article" and "md-content__inner" in classes:
            self.open["article"] = depth
        if tag == "nav" and "md-nav--primary" in classes:
            self.open["nav"] = depth
        if tag == "figure" and "archatlas-diagram" in classes:
            self.open["diagram"] = depth
        if tag == "svg" and self._inside("diagram") and "archatlas-svg" in classes:
            self.page.svg_labels.append(values.get("aria-label", ""))
        if tag == "a" and self._inside("diagram") and "xlink:href" in values:
            self.page.svg_links.append(values["xlink:href"])
        if tag in ("script", "h1", "text", "a", "label"):
            self.capture.append((tag, [], values))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name in LINK_ATTRIBUTES:
                self.page.links.append((tag, name, value))
            if name.startswith("on"):
                self.page.events.append((tag, name, value))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return
        while self.stack:
            closed = self.stack.pop()
            self._close(closed)
            if closed == tag:
                break
        depth = len(self.stack)
        for region, opened in list(self.open.items()):
            if depth < opened:
                del self.open[region]

    def _close(self, tag: str) -> None:
        for index in range(len(self.capture) - 1, -1, -1):
            if self.capture[index][0] == tag:
                _, parts, values = self.capture.pop(index)
                self._captured(tag, " ".join("".join(parts).split()), values)
                return

    def _captured(self, tag: str, text: str, values: dict[str, str]) -> None:
        classes = values.get("class", "").split()
        if tag == "script":
            self.page.scripts.append(text)
        elif tag == "h1" and self._inside("article"):
            self.page.h1.append(text)
        elif tag == "text" and self._inside("diagram"):
            self.page.svg_texts.append(text)
        elif tag == "a" and self._inside("article") and not self._inside("diagram"):
            self.page.article_links.append((values.get("href", ""), text))
        elif tag == "a" and self._inside("nav") and "md-nav__link" in classes:
            self.page.nav_links.append((values.get("href", ""), text))
        elif tag == "label" and self._inside("nav") and "md-nav__link" in classes:
            self.page.nav_labels.append(text)

    def handle_data(self, data: str) -> None:
        for _, parts, _ in self.capture:
            parts.append(data)
        if self._inside("article"):
            self.page.article += data


def read_page(path: Path) -> Page:
    source = path.read_text(encoding="utf-8")
    page = Page(path, source)
    # A browser reads <title> as text (RCDATA); html.parser would see tags in it.
    masked = _TITLE.sub(lambda m: m.group(1) + m.group(2).replace("<", "&lt;") + m.group(3), source)
    parser = _PageParser(page)
    parser.feed(masked)
    parser.close()
    return page


def read_page_fragment(html: str) -> Page:
    page = Page(Path("fragment"), html)
    parser = _PageParser(page)
    parser.feed(html)
    parser.close()
    return page


@cache
def _cached_page(path: Path, mtime: float) -> Page:
    return read_page(path)


def pages_of(site: Path) -> Iterator[Page]:
    for path in sorted(site.rglob("*.html")):
        yield _cached_page(path, path.stat().st_mtime)


def is_relative(link: str) -> bool:
    parts = urlsplit(link)
    return not (parts.scheme or link.startswith(("#", "//")) or parts.netloc)


def target_of(site: Path, page: Path, link: str) -> Path:
    """The file a relative link on `page` opens: a folder means its index.html."""
    path = unquote(urlsplit(link).path)
    if path.startswith("/"):
        return site / "absolute-path-link-not-allowed" / path.lstrip("/")
    base = page.parent.relative_to(site).as_posix()
    joined = posixpath.normpath(posixpath.join(base, path) if path else base)
    if joined.startswith(".."):
        return site / "outside-the-site" / joined
    target = site / joined if joined != "." else site
    if path.endswith("/") or path == "" or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(site: Path, pages: list[Page] | None = None) -> list[str]:
    broken = []
    for page in pages if pages is not None else pages_of(site):
        if page.path == site / "404.html":
            continue  # MkDocs links its 404 page from the site root, by design
        for tag, attribute, link in page.links:
            if not is_relative(link) or urlsplit(link).path == "":
                continue
            target = target_of(site, page.path, link)
            if not target.is_file():
                broken.append(f"{page.path.relative_to(site)}: <{tag} {attribute}={link!r}>")
    return broken


def element_page(site: Path, kind: str, element_id: str, directory_urls: bool = True) -> Path:
    if directory_urls:
        return site / "architecture" / kind / element_id / "index.html"
    return site / "architecture" / kind / f"{element_id}.html"


def machine_paths(text: str, *extra: Path) -> list[str]:
    found = [m.group(0) for m in MACHINE_PATH.finditer(text)]
    for path in (*extra, ROOT, Path(sysconfig.get_paths()["purelib"])):
        if str(path) in text:
            found.append(str(path))
    return found


# --- the example site ------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_result() -> Result:
    return check_directory(EXAMPLE)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return built(build(make_project(tmp_path_factory.mktemp("example"), EXAMPLE)))


@pytest.fixture(scope="module")
def example_pages(example: Build) -> list[Page]:
    return list(pages_of(example.site))


def test_example_builds_strict_without_findings(example: Build) -> None:
    assert example.returncode == 0
    assert not example.findings(), example.log
    assert (example.site / "index.html").is_file()


def test_a_page_per_element_with_its_name_as_title(example: Build, example_result: Result) -> None:
    elements = example_result.architecture.elements
    assert len(elements) > 40
    for element in elements:
        path = element_page(example.site, element.kind, element.id)
        assert path.is_file(), f"no page for {element.kind} {element.id}"
        assert read_page(path).h1 == [element.title], element.id


def test_catalogues_list_every_element_of_their_kind(
    example: Build, example_result: Result
) -> None:
    arch = example_result.architecture
    kinds = sorted({element.kind for element in arch.elements})
    for kind in kinds:
        catalogue = example.site / "architecture" / kind / "index.html"
        assert catalogue.is_file(), kind
        page = read_page(catalogue)
        listed = {target_of(example.site, catalogue, href) for href, _ in page.article_links}
        for element in arch.of_kind(kind):
            assert element_page(example.site, kind, element.id) in listed, (kind, element.id)


def test_landscape_and_findings_pages(example: Build) -> None:
    landscape = example.page("architecture/index.html")
    assert landscape.h1 == ["Architecture overview"]
    assert len(landscape.diagrams) == 1, "the landscape diagram"
    assert "<svg" in landscape.diagrams[0]
    findings = example.page("architecture/findings/index.html")
    assert findings.h1 == ["Findings"]


def test_every_internal_link_resolves(example: Build, example_pages: list[Page]) -> None:
    assert len(example_pages) > 50
    assert sum(len(page.links) for page in example_pages) > 1000
    assert broken_links(example.site, example_pages) == []


def test_inline_diagrams_link_to_existing_pages(
    example: Build, example_pages: list[Page], example_result: Result
) -> None:
    pages_with_diagrams = [page for page in example_pages if page.diagrams]
    # every element page (a team's when it owns something), the landscape
    # and the data-classification page
    arch = example_result.architecture
    drawn = [e for e in arch.elements if e.kind != "team" or arch.owned_by(e.id)]
    expected = len(drawn) + 2
    assert len(pages_with_diagrams) == expected
    element_pages = {element_page(example.site, e.kind, e.id) for e in arch.elements}
    catalogues = {example.site / "architecture" / e.kind / "index.html" for e in arch.elements}
    for page in pages_with_diagrams:
        assert page.svg_links, f"{page.path}: a diagram without links"
        for link in page.svg_links:
            assert is_relative(link), (page.path, link)
            target = target_of(example.site, page.path, link)
            assert target in element_pages | catalogues, (page.path, link)
            assert target.is_file()


def test_inline_diagrams_hold_no_machine_paths_or_scripts(example_pages: list[Page]) -> None:
    diagrams = [svg for page in example_pages for svg in page.diagrams]
    assert len(diagrams) > 40
    for svg in diagrams:
        assert "<svg" in svg
        assert machine_paths(svg) == []
        assert "<script" not in svg.lower()
        assert "archatlas-link:" not in svg
        assert "archatlas-icon:" not in svg


def test_diagram_icons_are_copied_into_the_site(example: Build) -> None:
    page = example.page("architecture/service/trade-recorder/index.html")
    images = [link for tag, _, link in page.links if tag == "image"]
    assert images
    for link in images:
        assert target_of(example.site, page.path, link).is_file(), link


def test_accepted_warning_is_shown_with_its_reason(example: Build, example_result: Result) -> None:
    accepted = [item for item in example_result.findings if item.accepted]
    assert accepted, "the example accepts a warning"
    for item in accepted:
        assert item.element is not None
        kind = example_result.architecture.by_id[item.element].kind
        text = read_page(element_page(example.site, kind, item.element)).text
        assert item.rule in text
        assert "accepted" in text.lower()
        assert " ".join(item.accepted.split()) in text
        findings = example.page("architecture/findings/index.html").text
        assert " ".join(item.accepted.split()) in findings


def test_auto_nav_lists_catalogues_not_element_pages(
    example: Build, example_result: Result
) -> None:
    home = example.page("index.html")
    assert "Architecture" in home.nav_labels
    targets = {target_of(example.site, home.path, href) for href, _ in home.nav_links}
    for kind in {element.kind for element in example_result.architecture.elements}:
        assert example.site / "architecture" / kind / "index.html" in targets, kind
    for element in example_result.architecture.elements:
        assert element_page(example.site, element.kind, element.id) not in targets


def test_no_machine_paths_in_pages(example_pages: list[Page]) -> None:
    for page in example_pages:
        assert machine_paths(page.html) == [], page.path


# --- catalogues, facts and navigation, as written for people ---------------------------

PYTHON_REPRESENTATIONS = ("({'", "{'", "('", "[]")


def test_no_python_representation_on_any_generated_page(
    example: Build, example_pages: list[Page]
) -> None:
    generated = [p for p in example_pages if p.path.is_relative_to(example.site / "architecture")]
    assert len(generated) > 40
    for page in generated:
        found = [bad for bad in PYTHON_REPRESENTATIONS if bad in page.text]
        assert not found, (page.path, found)


def _headers(page: Page) -> list[str]:
    return re.findall(r'<span class="archatlas-column"[^>]*>([^<]*)</span>', page.html)


def test_catalogues_show_the_columns_of_their_kind(example: Build) -> None:
    teams = _headers(example.page("architecture/team/index.html"))
    assert teams[:3] == ["Name", "Contact", "Owns"] and "System" not in teams
    vendors = _headers(example.page("architecture/vendor/index.html"))
    assert {"Mode", "Latency", "Approved data"} <= set(vendors) and "System" not in vendors
    nodes = _headers(example.page("architecture/ledger-node/index.html"))
    assert {"Organization", "Role", "Channels"} <= set(nodes)
    services = example.page("architecture/service/index.html")
    assert {"Workload", "Replicas", "Owner"} <= set(_headers(services))
    assert "**" not in services.text and "`" not in services.text  # Markdown rendered


def test_facts_are_labelled_and_the_kind_said_once(example: Build) -> None:
    page = example.page("architecture/service/settlement-reconciler/index.html")
    assert "Runtime platform" in page.text and "runtime.platform" not in page.text
    assert "single-replica: it holds the reconciliation cursor" in page.text
    assert page.text.count("Service · worker") == 1
    assert not re.search(r"<td>\s*(kind|Kind|Role)\s*</td>", page.html)
    vendor = example.page("architecture/vendor/gcp-speech-to-text/index.html")
    assert "Approved data" in vendor.text
    assert 'class="archatlas-badge archatlas-badge--confidential"' in vendor.html


def test_element_pages_show_their_path_and_highlight_their_catalogue(example: Build) -> None:
    page = example.page("architecture/service/insight-api/index.html")
    crumbs = re.search(r'<span class="archatlas-breadcrumbs">(.*?)</span>', page.html)
    assert crumbs is not None
    parts = re.findall(r'<a href="([^"]*)">([^<]*)</a>', crumbs.group(1))
    assert [text for _, text in parts] == ["Architecture", "Services", "Insight API"]
    for href, _ in parts:
        assert target_of(example.site, page.path, href).is_file(), href
    active = re.findall(
        r'<li class="md-nav__item md-nav__item--active">\s*<a href="([^"]*)"', page.html
    )
    assert [target_of(example.site, page.path, href) for href in active] == [
        example.site / "architecture" / "service" / "index.html"
    ]


def test_system_lists_its_elements_by_name(example: Build) -> None:
    page = example.page("architecture/system/market-insight/index.html")
    section = page.html[page.html.index('id="elements"') :]
    section = section[: section.index("</table>")]
    names = [html.unescape(name) for name in re.findall(r'<a href="[^"]*">([^<]*)</a>', section)]
    assert len(names) > 3 and names == sorted(names, key=str.casefold)


def test_defined_in_links_to_the_repository(tmp_path: Path) -> None:
    project = make_project(
        tmp_path / "project",
        CASES / "small" / "architecture",
        repo_url="https://github.com/example/shop",
        edit_uri="edit/main/docs/",
    )
    page = built(build(project)).page("architecture/service/shop-api/index.html")
    assert (
        "https://github.com/example/shop/blob/main/architecture/shop.yaml",
        "architecture/shop.yaml",
    ) in page.article_links


# --- the same input twice --------------------------------------------------------------


def test_two_builds_are_byte_identical(
    example: Build, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = built(build(make_project(tmp_path_factory.mktemp("example-again"), EXAMPLE)))
    first = {p.relative_to(example.site) for p in example.site.rglob("*") if p.is_file()}
    second = {p.relative_to(again.site) for p in again.site.rglob("*") if p.is_file()}
    assert first == second
    differ = [
        str(path)
        for path in sorted(first)
        if path.name not in ("sitemap.xml", "sitemap.xml.gz")
        and (example.site / path).read_bytes() != (again.site / path).read_bytes()
    ]
    assert differ == []


def test_pages_do_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", CASES / "small" / "architecture")
    result = built(build(project, cwd=Path("/")))
    page = result.page("architecture/service/shop-api/index.html")
    assert "Defined in architecture/shop.yaml" in page.text
    assert machine_paths(page.html, tmp_path) == []
    assert str(tmp_path).lstrip("/") not in page.html


# --- failing and passing builds --------------------------------------------------------


def test_broken_architecture_fails_with_positions(tmp_path: Path) -> None:
    project = make_project(tmp_path, CASES / "broken" / "architecture")
    result = build(project)
    assert result.returncode != 0
    assert ("architecture/services.yaml:7:9", "error", "unknown-reference") in result.findings()
    assert ("architecture/team.yaml:4:5", "error", "yaml-syntax") in result.findings()
    assert "did you mean 'payments-api'" in result.log
    assert not (result.site / "index.html").exists()


def test_broken_architecture_fails_without_strict_too(tmp_path: Path) -> None:
    project = make_project(tmp_path, CASES / "broken" / "architecture")
    result = build(project, strict=False)
    assert result.returncode != 0
    assert not (result.site / "index.html").exists()


@pytest.fixture(scope="module")
def warning_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("warning"), CASES / "warning" / "architecture")


def test_warning_passes_without_strict(warning_project: Path) -> None:
    result = built(build(warning_project, strict=False, site="site-lenient"))
    assert ("architecture/shop.yaml:22:13", "warning", "single-replica") in result.findings()
    text = result.page("architecture/service/shop-api/index.html").text
    assert "single-replica" in text


def test_warning_fails_with_strict(warning_project: Path) -> None:
    result = build(warning_project, strict=True, site="site-strict")
    assert result.returncode != 0
    assert ("architecture/shop.yaml:22:13", "warning", "single-replica") in result.findings()


def test_warning_fails_without_strict_when_fail_on_warning(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, CASES / "warning" / "architecture", plugin={"fail_on": "warning"}
    )
    result = build(project, strict=False)
    assert result.returncode != 0
    assert "warning[single-replica]" in result.log
    assert not (result.site / "index.html").exists()


# --- arch: references in hand-written pages ----------------------------------------------


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = make_project(
        tmp_path_factory.mktemp("references"),
        CASES / "small" / "architecture",
        CASES / "references" / "docs",
    )
    return built(build(project))


def test_reference_becomes_a_link_to_the_element(references: Build) -> None:
    home = references.page("index.html")
    links = dict((text, href) for href, text in home.article_links)
    assert links["the Shop API"] == "architecture/service/shop-api/"
    assert links["the database"] == "architecture/datastore/shop-db/"
    assert links["team"] == "architecture/team/shop-team/"
    deep = references.page("guide/deep/index.html")
    links = dict((text, href) for href, text in deep.article_links)
    assert links["the Shop Database"] == "../../architecture/datastore/shop-db/"
    assert links["the system"] == "../../architecture/system/shop/"
    assert broken_links(references.site) == []


def test_view_reference_embeds_an_inline_svg(references: Build) -> None:
    home = references.page("index.html")
    assert len(home.diagrams) == 2
    assert home.svg_labels == ["The whole landscape", "Around the Shop API"]
    assert "Shop API" in home.svg_texts
    assert "Shop Database" in home.svg_texts
    deep = references.page("guide/deep/index.html")
    assert len(deep.diagrams) == 1
    for link in home.svg_links + deep.svg_links:
        page = home if link in home.svg_links else deep
        assert target_of(references.site, page.path, link).is_file(), link


def test_references_in_code_are_left_alone(references: Build) -> None:
    text = references.page("index.html").text
    assert "[code span](arch:shop-api)" in text
    assert "![no](arch:view/landscape)" in text
    assert "[fenced link](arch:shop-api)" in text
    assert "![fenced view](arch:view/landscape)" in text
    assert "[tilde fenced](arch:shop-db)" in text


def test_unknown_reference_fails_strict_naming_the_page(tmp_path: Path) -> None:
    docs = {
        "index.md": "# Home\n",
        "bad.md": "# Bad\n\nText before [nothing here](arch:nope) after.\n\n"
        "![a view](arch:view/nope)\n\nAnd [near miss](arch:shop-apu).\n",
    }
    project = make_project(tmp_path, CASES / "small" / "architecture", docs)
    result = build(project)
    assert result.returncode != 0
    found = result.findings()
    assert ("docs/bad.md:3:13", "error", "unknown-reference") in found
    assert ("docs/bad.md:5:1", "error", "unknown-reference") in found
    assert ("docs/bad.md:7:5", "error", "unknown-reference") in found
    assert "did you mean 'shop-api'" in result.log


CODE_EXAMPLES = """# Syntax

!!! note
    Write a reference like this:

    ```markdown
    [the API](arch:shop-api) or [a missing one](arch:not-there)
    ```

- In a list:

    ```
    [listed](arch:shop-db)
    ```

Indented code:

    [indented](arch:shop-db)

A [titled link](arch:shop-api "The Shop API") here.
"""


@pytest.fixture(scope="module")
def code_examples(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = make_project(
        tmp_path_factory.mktemp("code-examples"),
        CASES / "small" / "architecture",
        {"index.md": CODE_EXAMPLES},
        markdown_extensions=["admonition", "pymdownx.superfences", "tables", "md_in_html"],
    )
    return build(project, strict=False)


def test_references_in_indented_code_are_left_alone(code_examples: Build) -> None:
    assert code_examples.returncode == 0, code_examples.log
    assert "unknown-reference" not in code_examples.log
    text = code_examples.page("index.html").text
    assert "[the API](arch:shop-api)" in text
    assert "[a missing one](arch:not-there)" in text
    assert "[listed](arch:shop-db)" in text
    assert "[indented](arch:shop-db)" in text


def test_reference_with_a_title_is_resolved(code_examples: Build) -> None:
    home = code_examples.page("index.html")
    links = dict((text, href) for href, text in home.article_links)
    assert links["titled link"] == "architecture/service/shop-api/"


def test_element_with_id_index_keeps_the_catalogue(tmp_path: Path) -> None:
    architecture = tmp_path / "input"
    shutil.copytree(CASES / "small" / "architecture", architecture)
    with (architecture / "shop.yaml").open("a", encoding="utf-8") as yaml_file:
        yaml_file.write(
            "---\nkind: service\nid: index\nname: Index Service\nsystem: shop\n"
            "runtime: {replicas: 2}\nuses:\n  - to: shop-api\n    as: calls\n"
        )
    result = build(make_project(tmp_path / "project", architecture))
    if result.returncode != 0:  # a reserved id rejected by the check is fine too
        assert "'index'" in result.log
        return
    catalogue = result.page("architecture/service/index.html")
    assert catalogue.h1 == ["Services"]
    names = [text for _, text in catalogue.article_links]
    assert "Index Service" in names and "Shop API" in names


def test_hand_written_page_at_a_generated_path_is_not_lost(tmp_path: Path) -> None:
    docs = {"index.md": "# Home\n", "architecture/index.md": "# Our own introduction\n"}
    project = make_project(tmp_path, CASES / "small" / "architecture", docs)
    result = build(project)
    if result.returncode == 0:
        assert result.page("architecture/index.html").h1 == ["Our own introduction"]
    else:
        assert "architecture/index.md" in result.log


def test_custom_icon_is_drawn(tmp_path: Path) -> None:
    architecture = tmp_path / "input"
    shutil.copytree(CASES / "small" / "architecture", architecture)
    icon = resource_root() / "onprem" / "client" / "user.png"
    shutil.copyfile(icon, architecture / "shop-icon.png")
    source = (architecture / "shop.yaml").read_text(encoding="utf-8")
    source = source.replace("id: shop-api\n", "id: shop-api\nicon: shop-icon.png\n", 1)
    (architecture / "shop.yaml").write_text(source, encoding="utf-8")
    result = built(build(make_project(tmp_path / "project", architecture)))
    page = result.page("architecture/service/shop-api/index.html")
    expected = icon.read_bytes()
    drawn = []
    for tag, _, link in page.links:
        if tag != "image":
            continue
        if link.startswith("data:"):
            drawn.append(base64.b64decode(link.partition(",")[2]))
        elif is_relative(link):
            drawn.append(target_of(result.site, page.path, link).read_bytes())
    assert expected in drawn


# --- URL styles, site_url and nav ------------------------------------------------------


@pytest.fixture(scope="module")
def flat(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = make_project(
        tmp_path_factory.mktemp("flat"),
        EXAMPLE,
        {"index.md": "# Home\n\nSee [the recorder](arch:trade-recorder).\n"},
        use_directory_urls=False,
    )
    return built(build(project))


def test_flat_urls_every_link_resolves(flat: Build, example_result: Result) -> None:
    for element in example_result.architecture.elements:
        assert element_page(flat.site, element.kind, element.id, directory_urls=False).is_file()
    assert broken_links(flat.site) == []


def test_flat_urls_diagram_links_lead_to_html_files(flat: Build) -> None:
    pages = [page for page in pages_of(flat.site) if page.diagrams]
    assert pages
    for page in pages:
        for link in page.svg_links:
            assert link.endswith(".html"), (page.path, link)
            assert target_of(flat.site, page.path, link).is_file(), (page.path, link)
    home = flat.page("index.html")
    assert ("architecture/service/trade-recorder.html", "the recorder") in home.article_links


@pytest.fixture(scope="module")
def sub_path(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = make_project(
        tmp_path_factory.mktemp("sub-path"),
        CASES / "small" / "architecture",
        CASES / "references" / "docs",
        site_url="https://example.com/docs/",
    )
    return built(build(project))


def test_site_url_with_sub_path_keeps_links_relative(sub_path: Build) -> None:
    home = sub_path.page("index.html")
    links = dict((text, href) for href, text in home.article_links)
    assert links["the Shop API"] == "architecture/service/shop-api/"
    assert broken_links(sub_path.site) == []
    for page in pages_of(sub_path.site):
        for link in page.svg_links:
            assert is_relative(link), (page.path, link)
        for href, _ in page.article_links:
            if href.startswith("mailto:"):
                continue  # a team's contact address, not a link into the site
            assert not href.startswith("/"), (page.path, href)
            assert "example.com" not in href, (page.path, href)


@pytest.fixture(scope="module")
def explicit_nav(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = make_project(
        tmp_path_factory.mktemp("nav"),
        CASES / "small" / "architecture",
        {"index.md": "# Home\n", "about.md": "# About\n"},
        nav=[{"Home": "index.md"}, {"About": "about.md"}],
    )
    return built(build(project))


def test_explicit_nav_gets_an_architecture_section(explicit_nav: Build) -> None:
    for path in ("index.html", "about/index.html", "architecture/service/shop-api/index.html"):
        page = explicit_nav.page(path)
        assert "Architecture" in page.nav_labels, path
        titles = {
            text: target_of(explicit_nav.site, page.path, href) for href, text in page.nav_links
        }
        for title, target in {
            "Home": "index.html",
            "About": "about/index.html",
            "Overview": "architecture/index.html",
            "Systems": "architecture/system/index.html",
            "Teams": "architecture/team/index.html",
            "Services": "architecture/service/index.html",
            "Datastores": "architecture/datastore/index.html",
            "Findings": "architecture/findings/index.html",
        }.items():
            assert titles.get(title) == explicit_nav.site / target, (path, title)
        assert "Shop API" not in titles, "element pages stay out of the nav"
    assert broken_links(explicit_nav.site) == []


# --- hostile input ---------------------------------------------------------------------

HOSTILE_NAMES = {
    "evil-system": ("system", "<script>alert(1)</script>"),
    "evil-team": ("team", "}"),
    "dot-quote": ("service", 'a" -> b [label="x'),
    "dot-backslash": ("service", "\\N"),
    "html-name": ("datastore", "<b>html</b>"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = make_project(tmp_path_factory.mktemp("hostile"), CASES / "hostile" / "architecture")
    return build(project, strict=False)


@pytest.fixture(scope="module")
def hostile_pages(hostile: Build) -> list[Page]:
    assert hostile.returncode == 0, hostile.log
    return list(pages_of(hostile.site))


def _from_input(value: str) -> bool:
    return "alert" in value


def _is_javascript(link: str) -> bool:
    return _IGNORED_BY_BROWSERS.sub("", link).lower().startswith(("javascript:", "vbscript:"))


def test_hostile_input_builds(hostile: Build) -> None:
    assert hostile.returncode == 0, hostile.log
    assert "error[" not in hostile.log


def test_hostile_no_script_or_handler_in_page_content(hostile_pages: list[Page]) -> None:
    """The generated Markdown (the article) carries no live markup from the input."""
    for page in hostile_pages:
        article = page.html[page.html.find("<article") : page.html.find("</article>")]
        content = read_page_fragment(article)
        assert not [s for s in content.scripts if _from_input(s)], page.path
        assert not [e for e in content.events if _from_input(e[2])], page.path
        assert "<script" not in article.lower(), page.path


def test_hostile_no_script_anywhere_in_pages(hostile_pages: list[Page]) -> None:
    for page in hostile_pages:
        assert not [s for s in page.scripts if _from_input(s)], page.path


def test_hostile_no_event_handler_attributes(hostile_pages: list[Page]) -> None:
    for page in hostile_pages:
        assert not [e for e in page.events if _from_input(e[2])], (page.path, page.events)


def test_hostile_plain_javascript_links_removed(hostile_pages: list[Page], hostile: Build) -> None:
    for page in hostile_pages:
        if page.path.parent.name == "entity-links":
            continue  # character references: see the next test
        bad = [link for _, _, link in page.links if _is_javascript(link)]
        assert bad == [], page.path
    system = hostile.page("architecture/system/evil-system/index.html")
    links = dict((text, href) for href, text in system.article_links)
    for text in ("click", "spaced one", "by reference"):
        assert not _is_javascript(links[text]), text
    # `<javascript:alert(1)>` is no autolink: as unknown raw HTML it is dropped.
    assert not any(_is_javascript(href) for href, _ in system.article_links)


def test_hostile_encoded_javascript_links_removed(hostile: Build) -> None:
    page = hostile.page("architecture/actor/entity-links/index.html")
    bad = [link for _, _, link in page.links if _is_javascript(link)]
    assert bad == []


@pytest.mark.parametrize(
    "element_id",
    [
        "evil-system",
        "evil-team",
        "dot-quote",
        "dot-backslash",
        "html-name",
    ],
)
def test_hostile_names_shown_as_text(
    element_id: str, hostile: Build, hostile_pages: list[Page]
) -> None:
    kind, name = HOSTILE_NAMES[element_id]
    page = read_page(element_page(hostile.site, kind, element_id))
    assert page.h1 == [name]
    catalogue = hostile.page(f"architecture/{kind}/index.html")
    assert name in [text for _, text in catalogue.article_links]


def test_hostile_names_escaped_in_html(hostile: Build, hostile_pages: list[Page]) -> None:
    page = hostile.page("architecture/datastore/html-name/index.html")
    article = page.html[page.html.find("<article") :]
    assert "<b>html</b>" not in article
    assert "&lt;b" in article


def test_hostile_link_title_is_text(hostile: Build) -> None:
    page = hostile.page("architecture/system/evil-system/index.html")
    titles = [text for href, text in page.article_links if href == "https://example.com/runbook"]
    assert len(titles) == 1
    assert "onerror=alert(1)" in titles[0]  # visible text, not an attribute
    assert "runbook" in titles[0]
    assert not [tag for tag, _, link in page.links if tag == "img" and link == "x"]


def test_hostile_attribute_list_is_not_applied(hostile: Build) -> None:
    page = hostile.page("architecture/system/evil-system/index.html")
    assert 'onclick="alert(1)"' in page.text  # shown, not applied


def test_hostile_diagram_renders_names_as_text(hostile: Build) -> None:
    page = hostile.page("architecture/system/evil-system/index.html")
    assert len(page.diagrams) == 1
    svg = page.diagrams[0]
    assert "<svg" in svg and "could not be drawn" not in svg
    # Cards wrap names and their tooltips hold them whole; a frame draws its name.
    titles = [html.unescape(title) for title in re.findall(r'xlink:title="([^"]*)"', svg)]
    for _, name in HOSTILE_NAMES.values():
        if name != "}":  # the team owns elements but is not drawn in a system view
            shown = name in page.svg_texts or any(t.startswith(f"{name} (") for t in titles)
            assert shown, name
    assert "<script" not in svg.lower()
    assert "<b>" not in svg
    landscape = hostile.page("architecture/index.html")
    assert "<script>alert(1)</script> (system · 3 elements)" in [
        html.unescape(title)
        for title in re.findall(r'xlink:title="([^"]*)"', landscape.diagrams[0])
    ]
    assert [t for t in landscape.svg_texts if "script" in t] == ["<script>alert(1)", "</script>"]


def test_hostile_diagram_label_is_the_name(hostile: Build) -> None:
    for element_id, (kind, name) in HOSTILE_NAMES.items():
        if kind == "team":
            continue
        page = read_page(element_page(hostile.site, kind, element_id))
        assert page.svg_labels == [f"Diagram of {name}"], element_id


def test_unsafe_link_fails_the_build(tmp_path: Path) -> None:
    project = make_project(tmp_path, CASES / "unsafe-link" / "architecture")
    result = build(project, strict=False)
    assert result.returncode != 0
    assert ("architecture/shop.yaml:10:10", "error", "unsafe-link") in result.findings()
    # A character reference hides the scheme from the eye, not from the browser.
    assert ("architecture/shop.yaml:12:10", "error", "unsafe-link") in result.findings()
    assert not (result.site / "index.html").exists()


# --- archatlas render --out ----------------------------------------------------------


def render(directory: Path, out: Path, cwd: Path) -> Ran:
    """`archatlas render DIRECTORY --out OUT` in `cwd` (see conftest.run_cli)."""
    return run_cli("render", str(directory), "--out", str(out), cwd=cwd, timeout=BUILD_TIMEOUT)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("render")
    shutil.copytree(EXAMPLE, folder / "architecture")
    done = render(Path("architecture"), folder / "out", folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "out"


def _url_to_page(out: Path, url: str) -> Path | None:
    """The Markdown page published at a directory URL (relative to the site root)."""
    stem = url.rstrip("/")
    for candidate in (f"{stem}.md", f"{stem}/index.md"):
        if (out / candidate).is_file():
            return out / candidate
    return None


def test_render_writes_the_same_pages_as_the_site(
    rendered: Path, example: Build, example_result: Result
) -> None:
    written = {p.relative_to(rendered).as_posix() for p in rendered.rglob("*.md")}
    expected = {"architecture/index.md", "architecture/findings.md"}
    expected.add("architecture/classification.md")
    for element in example_result.architecture.elements:
        expected.add(f"architecture/{element.kind}/{element.id}.md")
        expected.add(f"architecture/{element.kind}/index.md")
    assert written == expected
    site_pages = set()
    for page in (example.site / "architecture").rglob("index.html"):
        parts = page.parent.relative_to(example.site / "architecture").parts
        if not parts:
            site_pages.add("architecture/index.md")
        elif parts in (("findings",), ("classification",)):
            site_pages.add(f"architecture/{parts[0]}.md")
        elif len(parts) == 1:
            site_pages.add(f"architecture/{parts[0]}/index.md")
        else:
            site_pages.add(f"architecture/{'/'.join(parts)}.md")
    assert site_pages == written


def test_render_writes_svg_files_without_machine_paths(rendered: Path) -> None:
    svgs = sorted((rendered / "assets" / "archatlas" / "diagrams").rglob("*.svg"))
    assert len(svgs) > 40
    for svg in svgs:
        text = svg.read_text(encoding="utf-8")
        assert text.startswith("<svg"), svg
        assert "archatlas-link:" not in text and "archatlas-icon:" not in text
        assert "<script" not in text.lower()
    for path in rendered.rglob("*"):
        if path.suffix in (".md", ".svg", ".css", ".html", ".json"):
            text = path.read_text(encoding="utf-8")
            assert machine_paths(text, rendered.parent) == [], path


def test_render_pages_link_to_written_pages(rendered: Path) -> None:
    markdown_link = re.compile(r"\]\(<?([^)\s>]+)>?\)")
    for page in rendered.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        for link in markdown_link.findall(text):
            if not is_relative(link):
                continue
            target = (page.parent / unquote(urlsplit(link).path)).resolve()
            assert target.is_file(), (page, link)
        # The inline diagrams link by URL, as the site generator publishes the page.
        url = page.relative_to(rendered).as_posix().removesuffix(".md")
        url = url.removesuffix("index") if url.endswith("index") else url + "/"
        fragment = read_page_fragment(text)
        for link in fragment.svg_links:
            resolved = posixpath.normpath(posixpath.join(url, link))
            assert _url_to_page(rendered, resolved) is not None, (page, link)
        for tag, _, link in fragment.links:
            if tag == "image":
                resolved = posixpath.normpath(posixpath.join(url, link))
                assert (rendered / resolved).is_file(), (page, link)


def test_render_top_level_svg_links_resolve(rendered: Path) -> None:
    svg = rendered / "assets" / "archatlas" / "diagrams" / "landscape.svg"
    links = read_page_fragment(svg.read_text(encoding="utf-8")).links
    hrefs = [link for tag, _, link in links if tag == "a"]
    assert hrefs
    for link in hrefs:
        resolved = posixpath.normpath(posixpath.join("assets/archatlas/diagrams", link))
        assert _url_to_page(rendered, resolved) is not None, link


def test_render_nested_svg_links_resolve(rendered: Path) -> None:
    folder = rendered / "assets" / "archatlas" / "diagrams"
    for svg in sorted(folder.glob("*/*.svg")):
        base = svg.parent.relative_to(rendered).as_posix()
        links = read_page_fragment(svg.read_text(encoding="utf-8")).links
        for link in (value for tag, _, value in links if tag == "a"):
            resolved = posixpath.normpath(posixpath.join(base, link))
            assert _url_to_page(rendered, resolved) is not None, (svg, link)


def test_render_broken_architecture_writes_nothing(tmp_path: Path) -> None:
    shutil.copytree(CASES / "broken" / "architecture", tmp_path / "architecture")
    done = render(Path("architecture"), tmp_path / "out", tmp_path)
    assert done.returncode == 1
    assert "architecture/services.yaml:7:9: error[unknown-reference]" in done.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# --- ProperDocs ----------------------------------------------------------------------


def test_example_builds_under_properdocs(example: Build, example_result: Result) -> None:
    properdocs = VENV_BIN / "properdocs"
    assert properdocs.is_file()
    result = build(example.project, site="site-properdocs", command=[str(properdocs)])
    assert result.returncode == 0, result.log
    for element in example_result.architecture.elements:
        path = element_page(result.site, element.kind, element.id)
        assert path.is_file(), path
    assert read_page(result.site / "architecture/service/trade-recorder/index.html").diagrams


# --- Graphviz failing or missing -----------------------------------------------------


@pytest.fixture(scope="module")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(
        tmp_path_factory.mktemp("small"),
        CASES / "small" / "architecture",
        plugin={"dot_timeout": 1},
    )


@pytest.fixture(scope="module")
def failing_dot(small_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    path = fake_dot(
        tmp_path_factory.mktemp("fake-dot-fails"),
        'cat >/dev/null\necho "Error: fake dot cannot draw this" >&2\nexit 1',
    )
    return build(small_project, strict=False, site="site-dot-fails", path=path)


def test_failing_dot_is_a_diagram_failed_error(failing_dot: Build) -> None:
    assert failing_dot.returncode == 0, failing_dot.log
    rules = {rule for _, severity, rule in failing_dot.findings() if severity == "error"}
    assert rules == {"diagram-failed"}
    assert "view 'element/shop-api'" in failing_dot.log
    assert "view 'landscape'" in failing_dot.log
    assert "fake dot cannot draw this" in failing_dot.log


def test_failing_dot_shows_a_placeholder(failing_dot: Build) -> None:
    page = failing_dot.page("architecture/service/shop-api/index.html")
    assert len(page.diagrams) == 1
    assert "<svg" not in page.diagrams[0]
    assert "could not be drawn" in page.text
    assert "fake dot cannot draw this" in page.text
    assert "could not be drawn" in failing_dot.page("architecture/index.html").text


def test_failing_dot_fails_strict(small_project: Path, tmp_path: Path) -> None:
    path = fake_dot(tmp_path / "bin", "cat >/dev/null\necho 'Error: boom' >&2\nexit 1")
    result = build(small_project, strict=True, site="site-dot-fails-strict", path=path)
    assert result.returncode != 0
    assert "error[diagram-failed]" in result.log


def test_slow_dot_is_stopped_after_dot_timeout(small_project: Path, tmp_path: Path) -> None:
    path = fake_dot(tmp_path / "bin", "exec sleep 30")
    result = build(small_project, strict=True, site="site-dot-slow", path=path)
    assert result.returncode != 0
    assert "error[diagram-failed]" in result.log
    assert "longer than 1 s" in result.log
    assert "view 'element/shop-api'" in result.log
    page = result.site / "architecture/service/shop-api/index.html"
    if page.is_file():  # MkDocs writes the site before it aborts in strict mode
        assert "could not be drawn" in read_page(page).text


def test_missing_dot_says_how_to_install_graphviz(small_project: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = build(small_project, strict=False, site="site-no-dot", path=str(empty))
    assert result.returncode != 0
    assert "Graphviz" in result.log
    assert "apt-get install graphviz" in result.log
    assert not (result.site / "index.html").exists()


# --- PNG diagrams ----------------------------------------------------------------------


def test_png_diagrams_are_images_with_clickable_areas(tmp_path: Path) -> None:
    # A small architecture: drawing the example's every diagram as PNG would
    # test nothing more, and cost the suite ten seconds.
    project = make_project(
        tmp_path, CASES / "small" / "architecture", plugin={"diagram_format": "png"}
    )
    result = built(build(project))
    page = result.site / "architecture" / "service" / "shop-api" / "index.html"
    html = page.read_text(encoding="utf-8")
    image = re.search(r'<img src="([^"]+\.png)" alt="Diagram of Shop API" usemap="#([^"]+)"', html)
    assert image, "the element page shows its diagram as a PNG with an image map"
    assert (page.parent / image.group(1)).resolve().read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    area_map = re.search(rf'<map [^>]*name="{image.group(2)}">(.*?)</map>', html, re.DOTALL)
    assert area_map, "the image map the picture names is on the page"
    areas = re.findall(r'<area [^>]*href="([^"]+)"', area_map.group(1))
    assert "../../datastore/shop-db/" in areas
    for link in areas:
        assert target_of(result.site, page, link).is_file(), link
    figure = html.split('<figure class="archatlas-diagram"')[1].split("</figure>")[0]
    assert "<svg" not in figure.split("<figcaption")[0], "the drawing is the PNG"
    assert broken_links(result.site) == []


def test_search_indexes_the_legend_not_the_drawing(example: Build) -> None:
    index = json.loads((example.site / "search" / "search_index.json").read_text("utf-8"))
    system = [
        doc["text"]
        for doc in index["docs"]
        if doc["location"].startswith("architecture/system/market-insight/")
    ]
    assert any("Legend" in text for text in system), "the legend is searchable"
    assert not any("gateway · deployment" in text for text in system), "cards are not indexed"
    page = read_page(example.site / "architecture" / "system" / "market-insight" / "index.html")
    assert "archatlas-deferred" not in page.html
    assert "gateway · deployment" in page.svg_texts, "the drawing is in the published page"
