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

import gc
import hashlib
import importlib.metadata
import itertools
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import (
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from dataclasses import dataclass
from pathlib import Path

from ..cache import DiagramCache
from ..icons import icon_file, png_source
from ..settings import DEFAULTS, DiagramFormat
from ..svg import clean_markup, clean_svg, data_uri, standalone_svg
from ..views import SequenceView, View
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
    "Drawings",
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
    "drawing_digest",
    "find_dot",
    "fit",
    "graphviz_version",
    "grouped_edges",
    "identity",
    "layouts",
    "render_all",
    "render_sequences",
    "render_source",
    "run_dot",
    "spread",
    "start_drawing",
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
    entry: str = ""  # the diagram-cache entry that holds `markup`, if any


def render_source(
    key: str,
    candidates: str | Sequence[Layout],
    options: RenderOptions = RenderOptions(),
    custom_icons: dict[str, str] | None = None,
    identity: str | None = None,
) -> Rendered:
    """One diagram, from the best of its layouts (see `layouts`) or from one
    DOT source; a Graphviz failure becomes a Rendered with its error.

    The cleaned SVG of the chosen layout is cached under `identity`, what
    the drawing is a function of (the first layout's DOT source when not
    given): a warm build reads one entry per diagram, and neither builds a
    DOT source, lays out, compares nor cleans again."""
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
        if options.cache is None:
            svg, _ = best_layout(tried, options)
            return Rendered(key, "svg", clean_svg(svg.decode("utf-8"), key, icons))
        entry = _chosen_entry(options.cache, key, identity or tried[0].source, icons)
        found = _cached_entry(options.cache, key, entry)
        if found is not None:
            return found
        svg, cached = best_layout(tried, options)
        markup = clean_svg(svg.decode("utf-8"), key, icons)
        options.cache.put(entry, markup.encode("utf-8"))
        return Rendered(key, "svg", markup, cached=cached, entry=entry)
    except RenderError as error:
        return Rendered(key, options.output, "", error=str(error))


def _chosen_entry(cache: DiagramCache, key: str, identity: str, icons: dict[str, str]) -> str:
    """The cache entry of a diagram's cleaned SVG, ready to place in a page."""
    return cache.key(identity, f"chosen for {key} with {sorted(icons.items())} by {RENDER_CODE}")


def _cached_entry(
    cache: DiagramCache, key: str, entry: str, vouched: Mapping[str, str] | None = None
) -> Rendered | None:
    """The cleaned SVG kept in `entry`, or None when it must be drawn. An
    entry `vouched` for (entry -> digest) that still matches is not checked again."""
    found = cache.get(entry)
    if found is None:
        return None
    known = (vouched or {}).get(entry)
    if known != drawing_digest(found) and not trusted(found, "svg"):
        return None
    return Rendered(key, "svg", found.decode("utf-8"), cached=True, entry=entry)


def drawing_digest(markup: bytes) -> str:
    """The digest a drawing is vouched for by (see start_drawing)."""
    return hashlib.sha256(markup).hexdigest()


def _cached_svg(
    view: View, options: RenderOptions, vouched: Mapping[str, str] | None
) -> Rendered | None:
    """A view's cleaned SVG from the cache, or None when it must be drawn."""
    if options.cache is None or options.output != "svg":
        return None
    entry = _chosen_entry(options.cache, view.key, repr(view), view.custom_icons)
    return _cached_entry(options.cache, view.key, entry, vouched)


def identity(view: View | SequenceView) -> str:
    """What a view's drawing and legend are made of, beyond the options and
    this package's code: the view itself (its repr: plain, ordered data),
    as a digest."""
    return hashlib.sha256(repr(view).encode("utf-8")).hexdigest()


Progress = Callable[[int, int], None]


class Drawings(Mapping[str, Rendered]):
    """The diagrams of a build by view key, those not cached still being
    drawn in the background: looking one up waits for that one alone, and
    iterating over the drawings waits for each. Which views there are is
    known at once (`in`, `len` and the keys never wait)."""

    def __init__(
        self,
        keys: Sequence[str],
        ready: Mapping[str, Rendered],
        pending: Mapping[str, tuple[Future[Rendered], View, RenderOptions]] | None = None,
        pool: Executor | None = None,
    ) -> None:
        self._keys = tuple(keys)
        self._ready = dict(ready)
        self._pending = dict(pending or {})
        self._pool = pool

    def __getitem__(self, key: str) -> Rendered:
        if key not in self._ready:
            future, view, options = self._pending.pop(key)
            try:
                self._ready[key] = future.result()
            except BrokenExecutor:  # a worker process was killed: draw it here
                self._ready[key] = _draw(view, options)
        return self._ready[key]

    def __contains__(self, key: object) -> bool:
        return key in self._ready or key in self._pending

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def including(self, ready: Mapping[str, Rendered]) -> Drawings:
        """These drawings and `ready` ones, drawn another way, as one."""
        keys = [*self._keys, *(key for key in ready if key not in self)]
        return Drawings(keys, {**self._ready, **ready}, self._pending, self._pool)

    def cancel(self) -> None:
        """Draw no more (a build that failed): the dot runs under way finish
        within their time limit, the rest never start."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


# Many diagrams are drawn in worker processes: threads share one interpreter
# lock with the page building they overlap, and each wait for it stalls a
# `dot` run. A few are not worth starting the processes for.
PROCESSES_FROM = 64


def start_drawing(
    views: Iterable[View],
    options: RenderOptions = RenderOptions(),
    progress: Progress | None = None,
    vouched: Mapping[str, str] | None = None,
) -> Drawings:
    """Every view's drawing: cached ones are read here, the rest are drawn
    several at once in the background, in the order given, while the caller
    goes on (`dot` runs in parallel, and each DOT source is built when its
    diagram needs it).

    The cache is keyed by the view itself (its repr: plain, ordered data)
    and by this package's drawing code, so a warm build builds no DOT
    source at all. `progress(done, total)` is called as diagrams finish,
    from a thread of the pool's. Cache entries are checked to hold only
    drawing (see run.trusted), except those `vouched` for: entry -> the
    digest of a drawing this user's builds drew or checked.
    """
    find_dot()
    ordered = list(views)
    ready = {v.key: found for v in ordered if (found := _cached_svg(v, options, vouched))}
    missing = [view for view in ordered if view.key not in ready]
    keys = [view.key for view in ordered]
    if not missing:
        return Drawings(keys, ready)
    pool = _pool(options.jobs or os.cpu_count() or 1, len(missing) >= PROCESSES_FROM)
    finished = itertools.count(len(ready) + 1)  # next() is atomic: no lock needed

    def report(_: Future[Rendered]) -> None:
        if progress is not None:
            progress(next(finished), len(keys))

    pending = {}
    for view in missing:
        future = pool.submit(_draw, view, options)
        future.add_done_callback(report)
        pending[view.key] = (future, view, options)
    pool.shutdown(wait=False)  # its workers end when the last diagram is drawn
    return Drawings(keys, ready, pending, pool)


def _pool(jobs: int, many: bool) -> Executor:
    """Worker processes for `many` diagrams, forked, when forking is safe: in
    a process that runs no other thread (a server's would be copied in any
    state) and may have children; threads otherwise."""
    if (
        many
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        # A worker leaves the memory it shares with the build alone: the
        # collector would write to every object it walks, copying its page.
        context = multiprocessing.get_context("fork")
        return ProcessPoolExecutor(jobs, mp_context=context, initializer=gc.freeze)
    return ThreadPoolExecutor(jobs, thread_name_prefix="archatlas-draw")


def _draw(view: View, options: RenderOptions) -> Rendered:
    return render_source(view.key, layouts(view), options, view.custom_icons, repr(view))


def render_all(
    views: Iterable[View],
    options: RenderOptions = RenderOptions(),
    progress: Progress | None = None,
) -> dict[str, Rendered]:
    """Every view's drawing (see `start_drawing`), once all are drawn."""
    return dict(start_drawing(views, options, progress))


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
    entry = cache.key(repr(view), f"sequence by {RENDER_CODE}")
    found = cache.get(entry)
    if found is not None and trusted(found, "svg"):
        return Rendered(view.key, "svg", found.decode("utf-8"), cached=True, entry=entry)
    markup = sequence_svg(view)
    cache.put(entry, markup.encode("utf-8"))
    return Rendered(view.key, "svg", markup, entry=entry)


def _code_digest() -> str:
    """A digest of the code a drawing depends on, beyond the view it draws:
    this package, the SVG cleaning and the icons, and the `diagrams` library."""
    package = Path(__file__).parent
    files = [*sorted(package.glob("*.py")), package.parent / "svg.py", package.parent / "icons.py"]
    digest = hashlib.sha256(importlib.metadata.version("diagrams").encode("utf-8"))
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


RENDER_CODE = _code_digest()


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
