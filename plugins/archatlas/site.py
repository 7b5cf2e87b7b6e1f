"""The site as a whole: generated pages, their diagrams, and `arch:` references.

Both the MkDocs plugin and `archatlas render --out` use this module: it
decides which views to draw, renders them, and turns `[text](arch:ID)` and
`![alt](arch:view/KEY)` in any page into links and inline diagrams.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import markdown
from .check import Result
from .check.references_rules import UNKNOWN_REFERENCE
from .collector import without_cycle_collection
from .findings import Finding, Location, did_you_mean, finding
from .icons import icon_file
from .legend import legend_html
from .model import Architecture
from .pages import Layout, generate_pages, relative, relative_path
from .references import Reference, find_references, view_references
from .render import (
    Drawings,
    Progress,
    Rendered,
    RenderOptions,
    diagram_cache,
    identity,
    render_sequences,
    start_drawing,
)
from .settings import BuildSettings
from .site_memo import Memo, memo_key, read_memo, vouched_drawings, write_memo
from .site_rules import DIAGRAM_FAILED
from .svg import data_uri, id_prefix, place_svg, standalone_svg
from .views import VIEW_SPECS, SequenceView, View, build_view

ICON_FOLDER = "assets/archatlas/icons"
STYLESHEET = "assets/archatlas/archatlas.css"
# The diagram viewer, in the order pages load them: Panzoom (vendored), then
# archatlas.js, which uses it; then the catalogues' sorting and filtering.
SCRIPTS = (
    "assets/archatlas/panzoom.min.js",
    "assets/archatlas/archatlas.js",
    "assets/archatlas/archatlas-tables.js",
)
# Every file a site gets from the package's assets/ folder, by its path in the
# site: the stylesheet, the scripts, and the vendored library's licence.
SITE_ASSETS = (STYLESHEET, *SCRIPTS, "assets/archatlas/panzoom-LICENSE.txt")
DIAGRAM_FOLDER = "assets/archatlas/diagrams"


@dataclass(frozen=True)
class SiteOptions:
    layout: Layout = field(default_factory=Layout)
    allow_html: bool = False
    use_directory_urls: bool = True
    render: RenderOptions = field(default_factory=RenderOptions)
    source_url: str | None = None  # see pages.source_url: "Defined in" links into the repository


def site_options(
    settings: BuildSettings,
    project: Path,
    use_directory_urls: bool = True,
    source_url: str | None = None,
) -> SiteOptions:
    """What a build needs, from the settings of mkdocs.yml or the command line.

    The diagram cache lives in `project` (the folder of mkdocs.yml, or the
    current one) unless `cache_dir` is absolute.
    """
    cache = diagram_cache(project / settings.cache_dir) if settings.cache else None
    return SiteOptions(
        layout=Layout(settings.layout_prefix),
        allow_html=settings.allow_html,
        use_directory_urls=use_directory_urls,
        render=RenderOptions(settings.diagram_format, float(settings.dot_timeout), cache),
        source_url=source_url,
    )


@dataclass(frozen=True)
class Site:
    architecture: Architecture
    options: SiteOptions
    pages: dict[str, str]  # generated pages: docs-relative path -> Markdown
    diagrams: Drawings  # view key -> rendered SVG, some perhaps still being drawn
    legends: dict[str, str]  # view key -> its legend, as a figure caption
    custom_icons: dict[str, Path]  # custom icon key -> the element's image file
    icon_keys: frozenset[str]  # the icons the SVG drawings show
    # The memo key to keep this site under once drawn (see finish_site);
    # None for a site taken from the memo, or one not to keep.
    keep_as: str | None = None
    # View key -> what its drawing is made of (see render.identity): a page
    # is built again, and a drawing drawn again, when that changes.
    identities: dict[str, str] = field(default_factory=dict)

    @property
    def element_pages(self) -> frozenset[str]:
        """The generated pages of single elements (the rest are overviews)."""
        layout = self.options.layout
        return frozenset(layout.element(element) for element in self.architecture.elements)

    @property
    def icons(self) -> dict[str, Path]:
        """The icons the diagrams show: key -> file to publish under ICON_FOLDER."""
        return {key: self.icon_file(key) for key in sorted(self.icon_keys)}

    def url_to(self, link: str, from_url: str) -> str | None:
        """The URL, relative to `from_url`, of the page a link names (an id or
        'kind:KIND'), or None when there is no such page."""
        path = self.options.layout.target(self.architecture, link)
        return href(url_of(path, self.options.use_directory_urls), from_url) if path else None

    def view_key(self, target: str) -> str | None:
        """The key of the view an `arch:view/KEY` target names, when the
        site draws it; None otherwise. Never waits for the drawing."""
        key = target.removeprefix("view/")
        return key if target.startswith("view/") and key in self.diagrams else None

    def icon_file(self, key: str) -> Path:
        return self.custom_icons.get(key) or icon_file(key)

    def icon_data_uri(self, key: str) -> str:
        return data_uri(self.icon_file(key))

    def images(self) -> dict[str, bytes]:
        """The PNG diagrams as site files: docs-relative path to bytes."""
        if self.options.render.output != "png":
            return {}  # nor wait for SVG drawings still under way
        return {
            image_path(key): rendered.image
            for key, rendered in sorted(self.diagrams.items())
            if rendered.image
        }

    def diagram_findings(self) -> list[Finding]:
        """A finding for each diagram that Graphviz could not draw."""
        found = []
        for key, rendered in sorted(self.diagrams.items()):
            if rendered.error:
                element_id = key.partition("/")[2] or None
                where = (
                    self.architecture.locate(element_id, "id")
                    if element_id in self.architecture.sources
                    else Location(self.options.layout.index, 1, 1)
                )
                found.append(
                    finding(
                        DIAGRAM_FAILED, where, f"view '{key}': {rendered.error}", "", element_id
                    )
                )
        return found


def build_site(
    result: Result,
    options: SiteOptions,
    documents: Iterable[str] = (),
    progress: Progress | None = None,
    keep_memo: bool = True,
    background: bool = False,
    previous: Site | None = None,
) -> Site:
    """Generate the pages and draw every view that any page embeds; or, when
    nothing they are made of changed since the last build, take them from its
    memo (see site_memo). Without `keep_memo`, a site built is not kept as the
    memo: a server that builds on every edit would write it for nothing.

    With `background`, SVG drawings not in the cache are still being drawn
    when this returns (see render.start_drawing), so that pages can be built
    meanwhile; `finish_site` then waits for them and keeps the memo.

    A server passes the `previous` site it built, finished: the drawings of
    the views an edit left as they were are taken from it."""
    arch = result.architecture
    found: dict[str, None] = {}  # an ordered set
    for source in documents:
        found.update(dict.fromkeys(sorted(view_references(source))))
    in_documents = list(found)
    cache = options.render.cache
    key = memo_key(result, options, in_documents)
    memo = read_memo(cache, key) if cache is not None and key is not None else None
    if memo is not None:
        drawings = Drawings(list(memo.diagrams), memo.diagrams)
        return Site(
            arch,
            options,
            memo.pages,
            drawings,
            memo.legends,
            memo.custom_icons,
            memo.icon_keys,
            identities=memo.identities,
        )
    keep_as = key if keep_memo else None
    site = _built(result, options, in_documents, progress, keep_as, previous)
    if not background:
        finish_site(site)
    return site


def _built(
    result: Result,
    options: SiteOptions,
    in_documents: list[str],
    progress: Progress | None,
    keep_as: str | None,
    previous: Site | None,
) -> Site:
    arch = result.architecture
    with without_cycle_collection():
        pages = generate_pages(
            arch, result.findings, options.layout, options.allow_html, options.source_url
        )
        # In the order a build embeds them: the hand-written pages, then the
        # generated ones by path; the first drawn are the first needed.
        wanted = dict.fromkeys(in_documents)
        for path in sorted(pages):
            wanted.update(dict.fromkeys(sorted(view_references(pages[path]))))
        views = [view for key in wanted if (view := build_view(arch, key)) is not None]
    graphs = [view for view in views if isinstance(view, View)]
    sequences = render_sequences((v for v in views if isinstance(v, SequenceView)), options.render)
    identities = {view.key: identity(view) for view in views}
    unchanged = _unchanged(previous, options, graphs, identities)
    # A server has its last site's drawings: the few an edit changed are checked.
    cache = options.render.cache
    vouched = vouched_drawings(cache) if cache is not None and previous is None else {}
    drawings = start_drawing(
        (view for view in graphs if view.key not in unchanged), options.render, progress, vouched
    ).including(unchanged)
    if options.render.output != "svg":
        # PNG images are site files, listed before any page is built.
        drawings = Drawings(list(drawings), dict(drawings))
    legends = {view.key: legend_html(view, id_prefix(view.key)) for view in views}
    custom = {key: Path(path) for view in graphs for path, key in view.custom_icons.items()}
    icon_keys = frozenset(
        node.icon for view in graphs for node in view.nodes if options.render.output == "svg"
    )
    drawn = drawings.including(sequences)
    return Site(arch, options, pages, drawn, legends, custom, icon_keys, keep_as, identities)


def _unchanged(
    previous: Site | None, options: SiteOptions, views: list[View], identities: dict[str, str]
) -> dict[str, Rendered]:
    """The drawings of `previous` whose views are as they were: equal views
    draw the same (the drawing code is the same, in one process)."""
    if previous is None or previous.options != options:
        return {}
    return {
        view.key: replace(previous.diagrams[view.key], cached=True)
        for view in views
        if previous.identities.get(view.key) == identities[view.key]
    }


def finish_site(site: Site) -> None:
    """Wait for the site's drawings; keep it as the memo (see build_site) and
    prune the cache, which only a build that wrote to it can have outgrown."""
    drawn = dict(site.diagrams)  # every drawing, waited for
    cache = site.options.render.cache
    if cache is None:
        return
    wrote = any(not rendered.cached for rendered in drawn.values())
    if site.keep_as is not None:
        memo = Memo(
            site.pages, drawn, site.legends, site.custom_icons, site.icon_keys, site.identities
        )
        write_memo(cache, site.keep_as, memo)
        wrote = True
    if wrote:
        cache.prune()


def generated_clashes(site: Site, existing: Iterable[str]) -> list[str]:
    """The hand-written pages (docs-relative paths) that a generated page would replace."""
    return sorted(set(existing) & site.pages.keys())


def page_digest(site: Site, page: str, source: str) -> str:
    """What the built HTML of a page is made of, beyond the theme: its
    Markdown, the views it embeds, and where its links into the architecture
    lead. `serve --dirty` builds again only the pages whose digest changed:
    file times cannot tell, for a generated page has none and a hand-written
    one embeds drawings that change without it. Never waits for a drawing:
    a view and the options draw the same, so a page can be chosen while
    its drawings are still being drawn."""
    digest = hashlib.sha256("\0".join((repr(site.options), source)).encode("utf-8"))
    if page in site.pages:
        # A generated page names the views it embeds; the elements it links
        # to are in its Markdown, and one that no longer exists fails the check.
        made_of = [(key, _made_of(site, key)) for key in sorted(view_references(source))]
    else:
        made_of = [
            (
                reference.target,
                _made_of(site, site.view_key(reference.target))
                if reference.image
                else site.options.layout.target(site.architecture, reference.target) or "",
            )
            for reference in find_references(source)
        ]
    for parts in made_of:
        digest.update("\0".join(parts).encode("utf-8"))
    return digest.hexdigest()


def _made_of(site: Site, key: str | None) -> str:
    """What an embedded view's drawing and legend are made of (see render.identity)."""
    return site.identities.get(key, "no such view") if key is not None else "no such view"


def url_of(path: str, use_directory_urls: bool) -> str:
    """The URL (relative to the site root) a Markdown page is published at."""
    stem = path.removesuffix(".md")
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def href(target_url: str, page_url: str) -> str:
    """A URL relative to the page's URL."""
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    link = relative_path(target_url, base)
    return link + "/" if target_url.endswith("/") and not link.endswith("/") else link


def resolve_page(
    site: Site, page: str, source: str, shown: str | None = None
) -> tuple[str, list[Finding]]:
    """The page's Markdown with its `arch:` references resolved, and a finding
    per unknown one. `shown` is the page's path as findings name it."""
    page_url = url_of(page, site.options.use_directory_urls)
    problems: list[Finding] = []
    lines = source.split("\n")
    by_line: dict[int, list[Reference]] = {}
    for reference in find_references(source):
        by_line.setdefault(reference.line, []).append(reference)
    for number, references in by_line.items():
        line, pieces, last = lines[number - 1], [], 0
        for reference in references:
            resolved = _resolve(site, page, page_url, reference)
            if resolved is None:
                where = reference.at(shown or page)
                problems.append(_unknown_target(site.architecture, where, reference))
                resolved = line[reference.start : reference.end]
            pieces.append(line[last : reference.start] + resolved)
            last = reference.end
        lines[number - 1] = "".join(pieces) + line[last:]
    return "\n".join(lines), problems


# The same references after Markdown has made them HTML: no code block or
# span can hold one any more, and a link may carry a title.
_HTML_LINK = re.compile(r'<a href="arch:(?P<target>[^"]*)"')
_HTML_IMAGE = re.compile(
    r'(?P<open><p>\s*)?<img\b(?P<attrs>[^>]*\bsrc="arch:(?P<target>[^"]*)"[^>]*)>(?P<close>\s*</p>)?'
)
_ALT = re.compile(r'\balt="([^"]*)"')


def resolve_html(
    site: Site, page: str, content: str, source: str, shown: str, defer: bool = False
) -> tuple[str, list[Finding]]:
    """Rendered HTML with its `arch:` links and diagrams resolved (with
    `defer`, each diagram's SVG left for `place_deferred`).

    `source` is the page's Markdown, to say where an unknown reference stands.
    """
    page_url = url_of(page, site.options.use_directory_urls)
    problems: list[Finding] = []

    def unknown(target: str, image: bool) -> None:
        reference = _written(source, target, image)
        problems.append(_unknown_target(site.architecture, reference.at(shown), reference))

    def link(match: re.Match[str]) -> str:
        target = html.unescape(match.group("target"))
        url = site.url_to(target, page_url)
        if url is None:
            unknown(target, image=False)
            return match.group(0)
        return f'<a href="{html.escape(url)}"'

    def image(match: re.Match[str]) -> str:
        target = html.unescape(match.group("target"))
        key = site.view_key(target)
        if key is None:
            unknown(target, image=True)
            return match.group(0)
        alt = _ALT.search(match.group("attrs"))
        text = html.unescape(alt.group(1)) if alt else ""
        block = diagram_html(site, key, text, page_url, defer)
        if match.group("open") and match.group("close"):
            return block  # the diagram was the whole paragraph
        return (match.group("open") or "") + block + (match.group("close") or "")

    content = _HTML_LINK.sub(link, content)
    return _HTML_IMAGE.sub(image, content), problems


def _written(source: str, target: str, image: bool) -> Reference:
    """The reference to `target` as the page's Markdown writes it."""
    for reference in find_references(source):
        if reference.target == target and reference.image == image:
            return reference
    # Markdown found a reference the scanner does not parse (a reference-style
    # link's definition, raw HTML): point at where the target is written.
    for number, line in enumerate(source.split("\n"), start=1):
        column = line.find(f"arch:{target}")
        if column >= 0:
            return Reference(number, column, column, image, "", target, "")
    return Reference(1, 0, 0, image, "", target, "")


def _resolve(site: Site, page: str, page_url: str, reference: Reference) -> str | None:
    if reference.image:
        key = site.view_key(reference.target)
        if key is None:
            return None
        return diagram_html(site, key, markdown.plain(reference.text), page_url)
    path = site.options.layout.target(site.architecture, reference.target)
    if path is None:
        return None
    return f"[{reference.text}]({relative(path, page)}{reference.title})"


def diagram_html(site: Site, key: str, alt: str, page_url: str, defer: bool = False) -> str:
    """The inline SVG of a diagram, its links and icons relative to the page,
    with its legend. With `defer`, the SVG itself is a placeholder that
    `place_deferred` fills in the finished page: a search index that reads
    the page's content then parses the legend, not the drawing, and the
    drawing may still be under way while the page is built.

    `alt` is plain text: it is escaped here.
    """
    label = html.escape(alt)
    if defer and site.options.render.output == "svg":
        placeholder = (
            f'<svg class="{DEFERRED}" data-view="{html.escape(key)}" aria-label="{label}"></svg>'
        )
        return _figure(site, key, _canvas(placeholder))
    rendered = site.diagrams[key]
    if rendered.error:
        return _failed(rendered)
    if rendered.format == "png":
        image = href(image_path(rendered.key), page_url)
        drawing = (
            f'<img src="{html.escape(image)}" alt="{label}" '
            f'usemap="#{id_prefix(rendered.key)}map">\n{_placed(site, rendered, page_url)}'
        )
        return _figure(site, key, drawing)
    return _figure(site, key, _canvas(inline_svg(site, rendered, label, page_url)))


def _figure(site: Site, key: str, drawing: str) -> str:
    caption = site.legends.get(key, "")
    return (
        f'<figure class="archatlas-diagram" data-view="{html.escape(key)}" '
        f'markdown="0">\n{drawing}\n{caption}\n</figure>'
    )


def _canvas(svg: str) -> str:
    # The drawing's text stays out of the search index; its legend is in.
    return f'<div class="archatlas-canvas" data-search-exclude>\n{svg}\n</div>'


def _failed(rendered: Rendered) -> str:
    return (
        '<figure class="archatlas-diagram archatlas-failed"><p>'
        f"The diagram {html.escape(rendered.key)} could not be drawn: "
        f"{html.escape(rendered.error)}</p></figure>"
    )


DEFERRED = "archatlas-deferred"
# A deferred figure, whole: a diagram that could not be drawn replaces it all.
_DEFERRED = re.compile(
    r'<figure class="archatlas-diagram" data-view="[^"]*" markdown="0">\n'
    r'<div class="archatlas-canvas" data-search-exclude>\n'
    rf'(?P<svg><svg class="{DEFERRED}" data-view="(?P<key>[^"]*)" '
    r'aria-label="(?P<label>[^"]*)"></svg>)'
    r"\n</div>\n.*?</figure>",
    re.DOTALL,
)


def inline_svg(site: Site, rendered: Rendered, label: str, page_url: str) -> str:
    """A diagram's SVG for a page at `page_url`; `label` is escaped already."""
    markup = _placed(site, rendered, page_url)
    return markup.replace("<svg ", f'<svg role="list" aria-label="{label}" ', 1)


def _placed(site: Site, rendered: Rendered, page_url: str) -> str:
    """A drawing's links and icons resolved relative to the page."""

    def link(value: str) -> str:
        return site.url_to(value, page_url) or "#"

    def icon(value: str) -> str:
        return href(f"{ICON_FOLDER}/{value}", page_url)

    return place_svg(rendered.markup, link, icon)


def place_deferred(site: Site, page: str, output: str) -> str:
    """The finished HTML of a page with its deferred diagrams drawn in."""
    page_url = url_of(page, site.options.use_directory_urls)

    def place(match: re.Match[str]) -> str:
        rendered = site.diagrams.get(html.unescape(match["key"]))
        if rendered is None:
            return match[0]
        if rendered.error:
            return _failed(rendered)
        figure, start = match[0], match.start("svg") - match.start()
        svg = inline_svg(site, rendered, match["label"], page_url)
        return figure[:start] + svg + figure[start + len(match["svg"]) :]

    return _DEFERRED.sub(place, output)


def image_path(key: str) -> str:
    return f"{DIAGRAM_FOLDER}/{key}.png"


def _unknown_target(arch: Architecture, where: Location, reference: Reference) -> Finding:
    if reference.image:
        message = f"no view '{reference.target.removeprefix('view/')}'"
        hint = "views: " + ", ".join(spec.pattern for spec in VIEW_SPECS.values())
    else:
        target = reference.target
        message = f"no element has the id '{target}'" + did_you_mean(target, arch.by_id)
        hint = "link to an element with [text](arch:ID)"
    return finding(UNKNOWN_REFERENCE, where, message, hint)


def site_assets() -> dict[str, bytes]:
    """The files of SITE_ASSETS, by their path in the site."""
    folder = Path(__file__).parent / "assets"
    return {path: (folder / posixpath.basename(path)).read_bytes() for path in SITE_ASSETS}


def site_diagram_svg(site: Site, rendered: Rendered, folder: str) -> str:
    """A diagram as its own file in `folder`: icons embedded, links to the pages."""
    folder_url = folder.rstrip("/") + "/"

    def link(value: str) -> str:
        return site.url_to(value, folder_url) or "#"

    return standalone_svg(rendered.markup, link, site.icon_data_uri)


def output_files(site: Site) -> dict[str, bytes]:
    """Every file of the generated part of the site, for a plain folder."""
    files: dict[str, bytes] = {}
    for path, source in sorted(site.pages.items()):
        resolved, _ = resolve_page(site, path, source)
        files[path] = resolved.encode("utf-8")
    for key, rendered in sorted(site.diagrams.items()):
        if rendered.format == "svg" and not rendered.error:
            folder = posixpath.dirname(f"{DIAGRAM_FOLDER}/{key}")
            svg = site_diagram_svg(site, rendered, folder)
            files[f"{DIAGRAM_FOLDER}/{key}.svg"] = svg.encode("utf-8")
    files.update(site.images())
    for icon, icon_path in site.icons.items():
        files[f"{ICON_FOLDER}/{icon}"] = icon_path.read_bytes()
    files.update(site_assets())
    return files
