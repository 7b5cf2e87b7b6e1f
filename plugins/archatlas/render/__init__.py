"""Render stage: views to DOT source to SVG, the one place that talks to
Graphviz.

`dot` builds DOT sources with the `diagrams` library, `run` runs Graphviz
(time limit, cache, remembered failures), `layout` chooses the best of a
view's layouts; this module renders diagrams, in parallel, and cleans the
SVG: no comments or machine paths, ids unique per diagram, and placeholders
for links and icons that each page resolves relative to itself
(`place_svg`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..icons import icon_file, png_source
from ..settings import DEFAULTS, DiagramFormat
from ..svg import clean_markup, clean_svg, data_uri, standalone_svg
from ..views import SequenceView, View
from . import sequence as sequence_module
from .dot import (
    ARROWS,
    DATA_COLOURS,
    EDGE_STYLES,
    STATUS_CARD,
    CardStyle,
    LabelPlacement,
    carried,
    coloured,
    dot_source,
    grouped_edges,
    spread,
    wrap,
)
from .layout import Layout, best_layout, fit, layouts
from .run import (
    DotNotFound,
    DotTimeout,
    RenderError,
    RenderOptions,
    cached_dot,
    diagram_cache,
    find_dot,
    graphviz_version,
    run_dot,
    trusted,
)
from .sequence import SequenceTooLarge, sequence_svg

__all__ = [
    "ARROWS",
    "DATA_COLOURS",
    "EDGE_STYLES",
    "STATUS_CARD",
    "CardStyle",
    "DotNotFound",
    "DotTimeout",
    "LabelPlacement",
    "Layout",
    "Progress",
    "RenderError",
    "RenderOptions",
    "Rendered",
    "carried",
    "coloured",
    "diagram_cache",
    "diagram_file",
    "dot_source",
    "find_dot",
    "fit",
    "graphviz_version",
    "grouped_edges",
    "layouts",
    "render_all",
    "render_sequences",
    "render_source",
    "run_dot",
    "spread",
    "wrap",
]


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
            image, cached_image = cached_dot(source, "png", options)
            cmapx, cached_map = cached_dot(source, "cmapx", options)
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
        svg, _ = best_layout(tried, options)
        return clean_svg(svg.decode("utf-8"), key, icons), False
    entry = cache.key(tried[0].source, f"chosen for {key} with {sorted(icons.items())}")
    found = cache.get(entry)
    if found is not None and trusted(found, "svg"):
        return found.decode("utf-8"), True
    svg, cached = best_layout(tried, options)
    markup = clean_svg(svg.decode("utf-8"), key, icons)
    cache.put(entry, markup.encode("utf-8"))
    return markup, cached


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


def render_sequences(
    views: Iterable[SequenceView], options: RenderOptions = RenderOptions()
) -> dict[str, Rendered]:
    """Sequence diagrams, drawn in Python: a few milliseconds each, so not in
    parallel; cached all the same, so that a warm build draws nothing. The
    cache key holds the renderer's own code, which the drawing depends on."""
    found: dict[str, Rendered] = {}
    for view in views:
        try:
            found[view.key] = _sequence(view, options)
        except SequenceTooLarge as error:
            found[view.key] = Rendered(view.key, "svg", "", error=f"not drawn: {error}")
    return found


def _sequence(view: SequenceView, options: RenderOptions) -> Rendered:
    cache = options.cache
    if cache is None:
        return Rendered(view.key, "svg", sequence_svg(view))
    entry = cache.key(repr(view), f"sequence {SEQUENCE_CODE}")
    found = cache.get(entry)
    if found is not None and trusted(found, "svg"):
        return Rendered(view.key, "svg", found.decode("utf-8"), cached=True)
    markup = sequence_svg(view)
    cache.put(entry, markup.encode("utf-8"))
    return Rendered(view.key, "svg", markup)


SEQUENCE_CODE = hashlib.sha256(Path(sequence_module.__file__).read_bytes()).hexdigest()[:16]


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
