"""Choosing how to lay out a view: the layouts to try, and the best drawing
of them for a page's column."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..svg import natural_size, text_faults
from ..views import View
from .dot import LabelPlacement, dot_source, spread
from .run import REMEMBERED, DotTimeout, RenderError, RenderOptions, cached_dot


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
GOOD_FIT = 0.5


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


def best_layout(candidates: list[Layout], options: RenderOptions) -> tuple[bytes, bool]:
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
                svg, cached = cached_dot(layout.source, "svg", options)
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
