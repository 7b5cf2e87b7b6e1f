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
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import graphviz

from . import __version__
from .cache import DiagramCache
from .icons import resource_root
from .markdown import one_line
from .settings import DEFAULTS, DiagramFormat
from .svg import (
    LINK_PREFIX,
    clean_markup,
    clean_svg,
    data_uri,
    is_plain_drawing,
    standalone_svg,
)
from .views import View, ViewEdge, ViewNode

FONT = "DejaVu Sans"
NODE_TEXT = "#2D3436"

EDGE_STYLES = {
    "sync": {"style": "solid"},
    "async": {"style": "dashed"},
    "ledger": {"style": "bold", "color": "#7E57C2"},
    "member": {"style": "dotted", "arrowhead": "none"},
}
DATA_COLOURS = {
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


def _one_line(text: str) -> str:
    """A label line: no control characters (dot refuses some), not too long."""
    line = one_line(text).strip()
    return line if len(line) <= MAX_LABEL else line[: MAX_LABEL - 1] + "…"


def _label(*lines: str) -> str:
    # graphviz.escape stops user text from being read as an HTML-like label
    # or as DOT escapes; the joining "\n" is DOT's own line break.
    parts = (graphviz.escape(line) for line in map(_one_line, lines) if line)
    joined: str = graphviz.nohtml("\\n".join(parts))
    return joined


def dot_source(view: View) -> str:
    """The DOT source of a view, built with `diagrams` and never rendered by it."""
    import diagrams
    from diagrams.custom import Custom

    drawing = diagrams.Diagram(
        name="",
        show=False,
        direction=view.direction,
        graph_attr={
            "pad": "0.3",
            "nodesep": "0.8",
            "ranksep": "1.8",
            "forcelabels": "true",
            "splines": "spline",
            "bgcolor": "transparent",
            "fontname": FONT,
            "label": "",
        },
        node_attr={"fontname": FONT, "fontsize": "12"},
        edge_attr={"fontname": FONT, "fontsize": "10", "fontcolor": "#2D3436"},
    )
    # Entered by hand: leaving a `with Diagram` block renders and writes files.
    diagrams.setdiagram(drawing)
    try:
        drawn: dict[str, Custom] = {}
        for cluster in view.clusters:
            with diagrams.Cluster(cluster.label, graph_attr=_cluster_attrs(cluster.label)) as group:
                # Named by id: clusters with equal names would merge into one.
                group.dot.name = f"cluster_{cluster.id}"
                for node in view.nodes:
                    if node.cluster == cluster.id:
                        drawn[node.id] = Custom(**_node_args(node))
        for node in view.nodes:
            if node.id not in drawn:
                drawn[node.id] = Custom(**_node_args(node))
        for edge in view.edges:
            drawn[edge.source].connect(
                drawn[edge.target], diagrams.Edge(forward=True, **_edge_attrs(edge))
            )
        return str(drawing.dot.source)
    finally:
        diagrams.setcluster(None)
        diagrams.setdiagram(None)


def _cluster_attrs(label: str) -> dict[str, str]:
    return {"label": _label(label), "fontname": FONT, "fontsize": "13"}


def _node_args(node: ViewNode) -> dict[str, str]:
    args = {
        "label": _label(node.label, node.caption),
        "icon_path": node.icon_file or str(resource_root() / node.icon),
        "nodeid": node.id,
        # A white card behind icon and name: dark icons stay visible on
        # Material's dark palette, and the name reads on the card in both.
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": "#FFFFFF",
        "color": "#C9D1D9",
        "fontcolor": NODE_TEXT,
        # The icon fills the top square, the two-line name the band below.
        "width": "1.7",
        "height": "2.3",
        "imagepos": "tc",
        "URL": LINK_PREFIX + node.link,
        "tooltip": graphviz.nohtml(graphviz.escape(_one_line(node.label))),
    }
    if node.focus:
        args["class"] = "focus"
    args.update(STATUS_NODE.get(node.status, {}))
    return args


# Diff views: green for added, red and dashed for removed, amber for changed.
STATUS_NODE = {
    "added": {"color": "#2E7D32", "fillcolor": "#E8F5E9", "penwidth": "3"},
    "removed": {
        "color": "#C62828",
        "fillcolor": "#FFEBEE",
        "penwidth": "3",
        "style": "rounded,filled,dashed",
    },
    "changed": {"color": "#F9A825", "fillcolor": "#FFF8E1", "penwidth": "3"},
}
STATUS_EDGE = {
    "added": {"color": "#2E7D32", "penwidth": "2"},
    "removed": {"color": "#C62828", "style": "dashed", "penwidth": "2"},
}


def _edge_attrs(edge: ViewEdge) -> dict[str, str]:
    # xlabel, not label: an edge label inside clusters can crash dot.
    attrs = {
        "xlabel": _label(edge.label),
        "fontname": FONT,
        "fontsize": "10",
        **EDGE_STYLES[edge.style],
    }
    if edge.data:
        attrs["color"] = DATA_COLOURS[edge.data]
        attrs["xlabel"] = _label(f"{edge.label} [{edge.data}]")
    attrs.update(STATUS_EDGE.get(edge.status, {}))
    return attrs


# --- running dot -------------------------------------------------------------------


class RenderError(Exception):
    pass


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
        raise RenderError(f"Graphviz took longer than {timeout:g} s and was stopped") from error
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
    """Graphviz' output for `source`, and whether it came from the cache."""
    cache = options.cache
    key = cache.key(source, output) if cache else ""
    if cache is not None:
        found = cache.get(key)
        if found is not None and _trusted(found, output):
            return found, True
    data = run_dot(source, output, options.timeout)
    if cache is not None:
        cache.put(key, data)
    return data, False


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
    source: str,
    options: RenderOptions = RenderOptions(),
    custom_icons: dict[str, str] | None = None,
) -> Rendered:
    """One diagram; a Graphviz failure becomes a Rendered with its error."""
    icons = custom_icons or {}
    try:
        if options.output == "png":
            # Same source, same layout: the image map matches the picture.
            image, cached_image = _dot(source, "png", options)
            cmapx, cached_map = _dot(source, "cmapx", options)
            markup = clean_markup(cmapx.decode("utf-8"), key, icons)
            return Rendered(key, "png", markup, image, cached=cached_image and cached_map)
        svg, cached = _dot(source, "svg", options)
        return Rendered(key, "svg", clean_svg(svg.decode("utf-8"), key, icons), cached=cached)
    except RenderError as error:
        return Rendered(key, options.output, "", error=str(error))


Progress = Callable[[int, int], None]


def render_all(
    views: Iterable[View],
    options: RenderOptions = RenderOptions(),
    progress: Progress | None = None,
) -> dict[str, Rendered]:
    """Render every view: DOT sources are built in order, `dot` runs in parallel.

    `progress(done, total)` is called from this thread as diagrams finish.
    """
    find_dot()
    sources = [(view.key, dot_source(view), view.custom_icons) for view in views]
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
    rendered = render_source(view.key, dot_source(view), options, view.custom_icons)
    if rendered.error:
        raise RenderError(rendered.error)
    if output == "png":
        return rendered.image
    files = {key: Path(path) for path, key in view.custom_icons.items()}
    svg = standalone_svg(
        rendered.markup,
        lambda _: "#",
        lambda key: data_uri(files.get(key) or resource_root() / key),
    )
    return svg.encode("utf-8")
