"""The one place that talks to Graphviz: views to DOT source to SVG.

The graph is built with the `diagrams` library (its nodes, clusters, edges
and icons) but never rendered by it: `diagrams` runs `dot` without a time
limit, writes files into the working directory and draws random node ids.
We take its DOT source and run `dot` ourselves, with a time limit and in
parallel, then clean the SVG: no comments or machine paths, ids unique per
diagram, and placeholders for links and icons that each page resolves
relative to itself (`place_svg`).
"""

from __future__ import annotations

import functools
import html
import math
import os
import shutil
import subprocess
import textwrap
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, NamedTuple

import graphviz

from . import __version__
from .cache import DiagramCache
from .format import Classification
from .icons import icon_file, png_source
from .markdown import one_line
from .settings import DEFAULTS, DiagramFormat
from .svg import (
    CHARACTER_WIDTH,
    LINK_PREFIX,
    clean_markup,
    clean_svg,
    data_uri,
    is_plain_drawing,
    natural_size,
    standalone_svg,
    text_faults,
)
from .views import EdgeStyle, Status, View, ViewEdge, ViewNode

FONT = "DejaVu Sans"
NODE_TEXT = "#2D3436"

EDGE_STYLES: dict[EdgeStyle, dict[str, str]] = {
    "sync": {"style": "solid", "color": "#6E7781"},
    "async": {"style": "dashed", "color": "#6E7781"},
    "ledger": {"style": "bold", "color": "#7E57C2"},
    "member": {"style": "dotted", "color": "#6E7781"},
    "consensus": {"style": "bold", "color": "#00897B", "arrowsize": "0.7"},
}
# Which way arrows point (forward, back): a node serving a channel has no
# arrow; consensus replicates both ways.
ARROWS: dict[EdgeStyle, tuple[bool, bool]] = {"member": (False, False), "consensus": (True, True)}
DATA_COLOURS: dict[Classification, str] = {
    "public": "#43A047",
    "internal": "#1E88E5",
    "confidential": "#FB8C00",
    "restricted": "#E53935",
}


class DotNotFound(RuntimeError):
    """Graphviz is not installed."""


INSTALL_HINT = (
    "Graphviz's 'dot' command was not found: install Graphviz "
    "(Debian/Ubuntu: sudo apt-get install graphviz fonts-dejavu-core; "
    "macOS: brew install graphviz) and build again"
)


def find_dot() -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise DotNotFound(INSTALL_HINT)
    return dot


@dataclass(frozen=True, slots=True)
class Rendered:
    key: str
    format: DiagramFormat
    # SVG: the cleaned SVG; PNG: the <map> of its clickable areas. Both hold
    # placeholders for links and icons; "" when rendering failed.
    markup: str
    image: bytes = b""  # the PNG
    error: str = ""
    cached: bool = False  # taken from the diagram cache, not drawn


# --- DOT source --------------------------------------------------------------------


MAX_LABEL = 60  # characters of a name drawn in a node; the page holds it whole

# A card: a small icon beside the name (bold, wrapped to at most three lines)
# and a second, smaller line saying what the element is and runs on. Graphviz
# sizes the card to its text, so text never leaves it; the wrap widths keep
# cards compact and alike.
CARD_TEXT = "#1F2328"
CARD_CAPTION = "#57606A"
CARD_FILL = "#FFFFFF"
CARD_BORDER = "#AEB7C2"
NAME_SIZE = 12
CAPTION_SIZE = 9
NAME_LINES = 3
CAPTION_LINES = 2
ICON_SIZE = 24  # points
TEXT_WIDTH = 118  # points: the text column of a card, at least
CELL_PADDING = 3
# Lines are wrapped to what fits the text column at svg.CHARACTER_WIDTH of
# the font size per character: real text is narrower, and a wider name
# (bold) widens its card instead.
NAME_WRAP = int((TEXT_WIDTH - 2 * CELL_PADDING) / (CHARACTER_WIDTH * NAME_SIZE))
CAPTION_WRAP = int((TEXT_WIDTH - 2 * CELL_PADDING) / (CHARACTER_WIDTH * CAPTION_SIZE))


def _one_line(text: str) -> str:
    """A label line: no control characters (dot refuses some), not too long."""
    line = one_line(text).strip()
    return line if len(line) <= MAX_LABEL else line[: MAX_LABEL - 1] + "…"


def wrap(text: str, width: int, lines: int) -> list[str]:
    """`text` in at most `lines` lines of about `width` characters, the last
    one cut with an ellipsis when the text is longer."""
    wrapped = textwrap.wrap(_one_line(text), width, break_on_hyphens=True) or [""]
    if len(wrapped) <= lines:
        return wrapped
    last = " ".join(wrapped[lines - 1 :])
    return [*wrapped[: lines - 1], last[: width - 1].rstrip() + "…"]


def _label(*lines: str) -> str:
    # graphviz.escape stops user text from being read as an HTML-like label
    # or as DOT escapes; the joining "\n" is DOT's own line break.
    parts = (graphviz.escape(line) for line in map(_one_line, lines) if line)
    joined: str = graphviz.nohtml("\\n".join(parts))
    return joined


def tooltip(*lines: str) -> str:
    """A tooltip's DOT value. Graphviz unescapes a tooltip twice (as an
    escString, then again when it expands \\N, \\G and \\L), so each
    backslash goes as four; quotes are escaped by graphviz.quote."""
    text = "\\n".join(_one_line(line).replace("\\", "\\" * 4) for line in lines)
    escaped: str = graphviz.nohtml(text)
    return escaped


def _html_lines(lines: list[str], bold: bool = False) -> str:
    """Lines for an HTML-like label: escaped, each its own text line."""
    escaped = [html.escape(line, quote=True) for line in lines]
    if bold:
        escaped = [f"<B>{line}</B>" for line in escaped]
    return "<BR/>".join(escaped)


def card(node: ViewNode, icon: str) -> str:
    """The HTML-like label that draws a node as a card."""
    style = STATUS_CARD.get(node.status, PLAIN_CARD)
    border = 2 if node.focus and style == PLAIN_CARD else style.border
    name = _html_lines(wrap(node.label, NAME_WRAP, NAME_LINES), bold=True)
    caption = _html_lines(wrap(node.caption, CAPTION_WRAP, CAPTION_LINES))
    return (
        f'<<TABLE BORDER="{border}" COLOR="{style.colour}" BGCOLOR="{style.fill}" '
        f'CELLBORDER="0" CELLSPACING="0" CELLPADDING="{CELL_PADDING}" STYLE="{style.outline}">'
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_SIZE}" HEIGHT="{ICON_SIZE}" VALIGN="TOP">'
        f'<IMG SRC="{html.escape(icon, quote=True)}" SCALE="TRUE"/></TD>'
        f'<TD ALIGN="LEFT" BALIGN="LEFT" WIDTH="{TEXT_WIDTH}">'
        f'<FONT POINT-SIZE="{NAME_SIZE}" COLOR="{CARD_TEXT}">{name}</FONT></TD></TR>'
        '<TR><TD></TD><TD ALIGN="LEFT" BALIGN="LEFT">'
        f'<FONT POINT-SIZE="{CAPTION_SIZE}" COLOR="{CARD_CAPTION}">{caption}</FONT></TD></TR>'
        "</TABLE>>"
    )


EDGE_LABEL_SIZE = 10


def edge_label(text: str) -> str:
    """An edge's label, one line, in a box as wide as the line is taken to be
    (see CHARACTER_WIDTH): dot keeps that room clear of other labels and cards."""
    line = _one_line(text)
    width = math.ceil(CHARACTER_WIDTH * EDGE_LABEL_SIZE * len(line)) + 2
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
        f'<TR><TD WIDTH="{width}">{html.escape(line, quote=True)}</TD></TR></TABLE>>'
    )


def edge_id(edge: ViewEdge, group: int | None) -> str:
    """An edge's SVG id: its ends and, for a grouped edge, its group's number.
    '~' cannot occur in a node id, so svg.py can read the parts back."""
    parts = ["e", edge.source, edge.target]
    return "~".join([*parts, f"g{group}"] if group is not None else parts)


def node_id(node: ViewNode) -> str:
    return f"n~{node.id}"


def graph_attrs(view: View) -> dict[str, str]:
    """Layout settings by the view's size: curved lines while dot can afford
    them, and a spring layout for a large view without frames, which dot
    would draw as a long chain of ranks."""
    common = {"pad": "0.2", "bgcolor": "transparent", "fontname": FONT, "label": ""}
    if spread(view):
        return {**common, "layout": "neato", "overlap": "prism", "sep": "+12", "splines": "true"}
    large = len(view.nodes) > LARGE_NODES or len(view.edges) > LARGE_EDGES
    return {
        **common,
        "nodesep": "0.3",
        "ranksep": "0.6" if large else "0.45",
        "splines": "polyline" if large else "spline",
        "newrank": "true",
        # Bounds on dot's network simplex and crossing minimisation: a large
        # view is drawn a little less tidily instead of not at all.
        **({"nslimit": "4", "nslimit1": "4", "mclimit": "0.5"} if large else {}),
    }


LARGE_NODES = 40
LARGE_EDGES = 120


def spread(view: View) -> bool:
    """Whether a view is laid out as a network, not in ranks: a large or
    densely linked one without frames, such as the landscape of many systems
    or domains. Its lines carry no label (they would cross each other's);
    their width counts relations."""
    dense = len(view.edges) > DENSE * len(view.nodes)
    return not view.clusters and (len(view.nodes) > LARGE_NODES or dense)


DENSE = 3  # edges per node


def dot_source(view: View, edge_labels: LabelPlacement = "label") -> str:
    """The DOT source of a view, built with `diagrams` and never rendered by it,
    its edge labels placed as `edge_labels` says."""
    import diagrams

    drawing = diagrams.Diagram(
        name="",
        show=False,
        direction=view.direction,
        graph_attr=graph_attrs(view),
        # The library's defaults fix every node's size for a big icon: a
        # card is as large as its label instead.
        node_attr={
            "fontname": FONT,
            "fontsize": str(NAME_SIZE),
            "shape": "plain",
            "fixedsize": "false",
            "width": "0",
            "height": "0",
            "margin": "0",
            "labelloc": "c",
            "imagescale": "false",
            "style": "",
        },
        edge_attr={"fontname": FONT, "fontsize": str(EDGE_LABEL_SIZE), "fontcolor": NODE_TEXT},
    )
    # Entered by hand: leaving a `with Diagram` block renders and writes files.
    diagrams.setdiagram(drawing)
    try:
        drawn: dict[str, diagrams.Node] = {}
        for cluster in view.clusters:
            with diagrams.Cluster(cluster.label, graph_attr=_cluster_attrs(cluster.label)) as group:
                # Named by id: clusters with equal names would merge into one.
                group.dot.name = f"cluster_{cluster.id}"
                for node in view.nodes:
                    if node.cluster == cluster.id:
                        drawn[node.id] = diagrams.Node(**_node_args(node))
        for node in view.nodes:
            if node.id not in drawn:
                drawn[node.id] = diagrams.Node(**_node_args(node))
        colour, network = coloured(view), spread(view)
        groups = grouped_edges(view)
        for edge in view.edges:
            group = groups.get((edge.source, edge.target))
            attrs = _edge_attrs(edge, colour, group, edge_labels, network)
            forward, reverse = ARROWS.get(edge.style, (True, False))
            line = diagrams.Edge(forward=forward, reverse=reverse, **attrs)
            drawn[edge.source].connect(drawn[edge.target], line)
        return str(drawing.dot.source)
    finally:
        diagrams.setcluster(None)
        diagrams.setdiagram(None)


def coloured(view: View) -> bool:
    """Whether the view's edges are coloured by classification: only where
    its relations carry more than one (or some declare none), or a colour
    would say nothing."""
    return len(carried(view)) > 1


def carried(view: View) -> set[Classification | None]:
    """The classifications the view's relations carry (None: not declared)."""
    return {edge.data for edge in view.edges if edge.style in RELATION_STYLES}


RELATION_STYLES = frozenset({"sync", "async", "ledger"})  # the styles that carry data


def grouped_edges(view: View) -> dict[tuple[str, str], int]:
    """The number of each edge that stands for several relations, from 1."""
    pairs = [(edge.source, edge.target) for edge in view.edges if edge.grouped]
    return {pair: number for number, pair in enumerate(pairs, start=1)}


def _cluster_attrs(label: str) -> dict[str, str]:
    return {"label": _label(label), "fontname": FONT, "fontsize": "12", "margin": "12"}


def _node_args(node: ViewNode) -> dict[str, str]:
    args = {
        "label": card(node, node.icon_file or str(icon_file(node.icon))),
        "nodeid": node.id,
        "id": node_id(node),
        "shape": "plain",
        "URL": LINK_PREFIX + node.link,
        "tooltip": tooltip(f"{node.label} ({node.caption})"),
    }
    if node.focus:
        args["class"] = "focus"
    return args


class CardStyle(NamedTuple):
    colour: str  # of the border
    fill: str
    border: int  # width in points
    outline: str = "ROUNDED"  # the table's STYLE


# Diff views: green for added, red and dashed for removed, amber for changed.
STATUS_CARD: dict[Status, CardStyle] = {
    "added": CardStyle("#2E7D32", "#E8F5E9", 3),
    "removed": CardStyle("#C62828", "#FFEBEE", 3, "ROUNDED,DASHED"),
    "changed": CardStyle("#F9A825", "#FFF8E1", 3),
}
PLAIN_CARD = CardStyle(CARD_BORDER, CARD_FILL, 1)
STATUS_EDGE = {
    "added": {"color": "#2E7D32", "penwidth": "2"},
    "removed": {"color": "#C62828", "style": "dashed", "penwidth": "2"},
}


def _edge_attrs(
    edge: ViewEdge, colour: bool, group: int | None, labels: LabelPlacement, network: bool
) -> dict[str, str]:
    attrs = {
        "id": edge_id(edge, group),
        "fontname": FONT,
        "fontsize": str(EDGE_LABEL_SIZE),
        "tooltip": tooltip(*edge.details),
        **EDGE_STYLES[edge.style],
    }
    if edge.label and not network and labels != "none":
        attrs[labels] = edge_label(edge.label)
        attrs["labeltooltip"] = attrs["tooltip"]
    if network and edge.weight > 1:
        attrs["penwidth"] = f"{min(4.0, 1 + math.log2(edge.weight)):.1f}"
    if colour and edge.data:
        attrs["color"] = DATA_COLOURS[edge.data]
    attrs.update(STATUS_EDGE.get(edge.status, {}))
    return attrs


# --- running dot -------------------------------------------------------------------


class RenderError(Exception):
    pass


class DotTimeout(RenderError):
    """Graphviz ran out of time: another layout of the same view would too."""


def run_dot(source: str, output: str = "svg", timeout: float = DEFAULTS.dot_timeout) -> bytes:
    """Run Graphviz on `source`; raise RenderError when it fails or runs too long."""
    try:
        done = subprocess.run(
            [find_dot(), f"-T{output}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise DotTimeout(f"Graphviz took longer than {timeout:g} s and was stopped") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(
            "Graphviz failed: " + (message[-1] if message else f"exit {done.returncode}")
        )
    return done.stdout


@dataclass(frozen=True)
class RenderOptions:
    output: DiagramFormat = DEFAULTS.diagram_format
    timeout: float = DEFAULTS.dot_timeout
    cache: DiagramCache | None = None
    jobs: int | None = None  # parallel dot runs; None: one per core


@functools.lru_cache(maxsize=1)
def graphviz_version() -> str:
    """`dot -V` as Graphviz prints it: part of every cache key."""
    try:
        done = subprocess.run([find_dot(), "-V"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "graphviz version unknown"  # the drawing itself will say what is wrong
    return (done.stderr or done.stdout).decode("utf-8", "replace").strip()


def diagram_cache(folder: Path) -> DiagramCache:
    """The cache in `folder`, for this Graphviz and this archatlas."""
    return DiagramCache(folder, f"{graphviz_version()}\0archatlas {__version__}")


def _dot(source: str, output: str, options: RenderOptions) -> tuple[bytes, bool]:
    """Graphviz' output for `source`, and whether it came from the cache.

    A failure is cached too, for the same source and time limit: a diagram
    that Graphviz cannot draw costs one attempt, not one per build."""
    cache = options.cache
    if cache is None:
        return run_dot(source, output, options.timeout), False
    key = cache.key(source, output)
    found = cache.get(key)
    if found is not None and _trusted(found, output):
        return found, True
    failed = cache.key(source, f"{output} failed within {options.timeout:g} s")
    remembered = cache.get(failed)
    if remembered is not None:
        kind, _, message = remembered.decode("utf-8", "replace").partition("\n")
        error_type = DotTimeout if kind == DotTimeout.__name__ else RenderError
        raise error_type(message + REMEMBERED)
    try:
        data = run_dot(source, output, options.timeout)
    except RenderError as error:
        cache.put(failed, f"{type(error).__name__}\n{error}".encode())
        raise
    cache.put(key, data)
    return data, False


REMEMBERED = " (remembered from an earlier build: change the view or the time limit to retry)"


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _trusted(payload: bytes, output: str) -> bool:
    """A cache entry that is what Graphviz would write: a forged one is drawn again."""
    if output == "png":
        return payload.startswith(PNG_SIGNATURE)
    try:
        return is_plain_drawing(payload.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def render_source(
    key: str,
    candidates: str | Sequence[Layout],
    options: RenderOptions = RenderOptions(),
    custom_icons: dict[str, str] | None = None,
) -> Rendered:
    """One diagram, from the best of its layouts (see `layouts`) or from one
    DOT source; a Graphviz failure becomes a Rendered with its error.

    The cleaned SVG of the chosen layout is cached under the first layout's
    source: a warm build reads one entry per diagram, and neither lays out,
    compares nor cleans again."""
    icons = custom_icons or {}
    tried = [Layout.of(candidates)] if isinstance(candidates, str) else list(candidates)
    try:
        if options.output == "png":
            # Same source, same layout: the image map matches the picture.
            source = png_source(tried[0].source)
            image, cached_image = _dot(source, "png", options)
            cmapx, cached_map = _dot(source, "cmapx", options)
            markup = clean_markup(cmapx.decode("utf-8"), key, icons)
            return Rendered(key, "png", markup, image, cached=cached_image and cached_map)
        markup, cached = _chosen_svg(key, tried, options, icons)
        return Rendered(key, "svg", markup, cached=cached)
    except RenderError as error:
        return Rendered(key, options.output, "", error=str(error))


def _chosen_svg(
    key: str, tried: list[Layout], options: RenderOptions, icons: dict[str, str]
) -> tuple[str, bool]:
    """The cleaned SVG of the best layout, and whether it came from the cache."""
    cache = options.cache
    if cache is None:
        svg, _ = _best_layout(tried, options)
        return clean_svg(svg.decode("utf-8"), key, icons), False
    entry = cache.key(tried[0].source, f"chosen for {key} with {sorted(icons.items())}")
    found = cache.get(entry)
    if found is not None and _trusted(found, "svg"):
        return found.decode("utf-8"), True
    svg, cached = _best_layout(tried, options)
    markup = clean_svg(svg.decode("utf-8"), key, icons)
    cache.put(entry, markup.encode("utf-8"))
    return markup, cached


# How edge labels are placed: by dot, in room kept clear of cards and of
# each other; after layout (which dot 2.x survives where it crashes placing
# labels among clusters, but which may overlap); or not drawn at all.
LabelPlacement = Literal["label", "xlabel", "none"]


class Layout:
    """One way to lay out a view. Its DOT source is built when first asked
    for, under a lock: `diagrams` keeps one global drawing context."""

    def __init__(self, build: Callable[[], str], labels: LabelPlacement = "label") -> None:
        self._build = build
        self.labels = labels

    @classmethod
    def of(cls, source: str) -> Layout:
        return cls(lambda: source)

    @functools.cached_property
    def source(self) -> str:
        with _LIBRARY:
            return self._build()


_LIBRARY = threading.Lock()


# The content column of a Material page, in CSS pixels: a layout that fits
# it at this share of its natural size or more, with no text overlapping,
# is taken without trying more.
COLUMN = (690.0, 720.0)
GOOD_FIT = 0.8


@dataclass(frozen=True, order=True)
class Drawn:
    """A layout Graphviz drew, ranked: fewest faults (overlapping lines, labels
    on cards), best fit."""

    faults: int
    misfit: float  # 1 - fit
    svg: bytes = field(compare=False)

    @property
    def good(self) -> bool:
        return self.faults == 0 and 1 - self.misfit >= GOOD_FIT


def _best_layout(candidates: list[Layout], options: RenderOptions) -> tuple[bytes, bool]:
    """The best drawing of the candidates with labels placed by dot; those
    with labels placed after layout only when dot draws none of the first;
    and those without edge labels only when every drawing so far has text
    overlapping or a label on a card. A layout that runs out of time ends the search. Cached when
    every layout tried came from the cache: nothing was drawn."""
    drawn: list[Drawn] = []
    failures: list[RenderError] = []
    fresh = False

    def draw(placement: LabelPlacement) -> None:
        nonlocal fresh
        for layout in (c for c in candidates if c.labels == placement):
            if drawn and min(drawn).good:
                return
            try:
                svg, cached = _dot(layout.source, "svg", options)
            except DotTimeout:
                if not drawn:
                    raise
                return
            except RenderError as error:
                failures.append(error)
                fresh = fresh or not str(error).endswith(REMEMBERED)
                continue
            fresh = fresh or not cached
            text = svg.decode("utf-8", "replace")
            drawn.append(Drawn(text_faults(text), 1 - fit(text), svg))

    draw("label")
    if not drawn:
        draw("xlabel")
    if drawn and min(drawn).faults:
        draw("none")
    if not drawn:
        raise failures[0]
    return min(drawn).svg, not fresh


def fit(svg: str) -> float:
    """The share of its natural size at which a drawing fits the column."""
    width, height = natural_size(svg)
    if width <= 0 or height <= 0:
        return 1.0
    return min(1.0, COLUMN[0] / width, COLUMN[1] / height)


def layouts(view: View) -> tuple[Layout, ...]:
    """The layouts to try for a view, best guess first: its own direction,
    then the other one for a view small enough that trying costs little; each
    with edge labels placed by dot, after layout, or not drawn."""
    views = [view]
    if len(view.nodes) <= FLIP_NODES and not spread(view):
        views.append(replace(view, direction="TB" if view.direction == "LR" else "LR"))
    placements: tuple[LabelPlacement, ...] = ("label", "xlabel", "none")
    return tuple(
        Layout(functools.partial(dot_source, v, labels), labels)
        for labels in placements
        for v in views
    )


FLIP_NODES = 40


Progress = Callable[[int, int], None]


def render_all(
    views: Iterable[View],
    options: RenderOptions = RenderOptions(),
    progress: Progress | None = None,
) -> dict[str, Rendered]:
    """Render every view, several at once: `dot` runs in parallel, and each
    DOT source is built when its diagram needs it.

    `progress(done, total)` is called from this thread as diagrams finish.
    """
    find_dot()
    sources = [(view.key, layouts(view), view.custom_icons) for view in views]  # not built yet
    results: dict[str, Rendered] = {}
    with ThreadPoolExecutor(max_workers=options.jobs or os.cpu_count() or 1) as pool:
        futures = [
            pool.submit(render_source, key, source, options, icons)
            for key, source, icons in sources
        ]
        for done, future in enumerate(as_completed(futures), start=1):
            rendered = future.result()
            results[rendered.key] = rendered
            if progress is not None:
                progress(done, len(futures))
    return {key: results[key] for key, _, _ in sources}


def diagram_file(view: View, output: DiagramFormat, timeout: float = DEFAULTS.dot_timeout) -> bytes:
    """A view as an SVG or PNG file that needs no site: icons embedded, no links."""
    options = RenderOptions(output=output, timeout=timeout)
    rendered = render_source(view.key, layouts(view), options, view.custom_icons)
    if rendered.error:
        raise RenderError(rendered.error)
    if output == "png":
        return rendered.image
    files = {key: Path(path) for path, key in view.custom_icons.items()}
    svg = standalone_svg(
        rendered.markup,
        lambda _: "#",
        lambda key: data_uri(files.get(key) or icon_file(key)),
    )
    return svg.encode("utf-8")
