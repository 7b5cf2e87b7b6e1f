"""How readable a Graphviz SVG diagram is, measured from its coordinates.

Pure functions over one SVG string (as Graphviz writes it, or as archatlas
publishes it) and over the HTML of the page that holds it:

- `text_boxes(svg)`: every `<text>` line as a box, estimated from its font
  size: 0.55 x font size x characters wide, one font size high (from
  baseline - 0.8 x font size to baseline + 0.2 x font size), placed by its
  `text-anchor`. Graphviz draws each line of a label as its own `<text>`.
- `overlapping_labels(svg)`: pairs of text boxes that intersect.
- `spilled_text(svg)`: text of a node that is not inside the node's card
  (the bounding box of the node's path, polygon, ellipse and rect shapes).
- `labels_on_cards(svg)`: text of an edge or a cluster lying on a node's card.
- `duplicate_pairs(svg)`: ordered pairs of nodes joined by more than one edge.
- `page_legends(html)`: for each diagram figure of a page, whether it
  carries a legend (an element of class `archatlas-legend`).
- `measure(svg)`: all of the above for one diagram.

Coordinates are those of the graph group (Graphviz puts a single transform
on it): every comparison is within one SVG, so transforms are ignored.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
EPSILON = 0.01  # boxes that only touch, or overlap by rounding, do not count
WIDTH_PER_CHARACTER = 0.55  # of the font size
ASCENT = 0.8  # of the font size, above the baseline
DESCENT = 0.2  # below it
DEFAULT_FONT_SIZE = 14.0  # Graphviz' default
SHAPES = frozenset({"path", "polygon", "polyline", "ellipse", "circle", "rect"})
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned box: x grows to the right, y downwards (SVG)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def intersects(self, other: Box, epsilon: float = EPSILON) -> bool:
        """Whether the two boxes share an area (more than `epsilon` each way)."""
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0) > epsilon
            and min(self.y1, other.y1) - max(self.y0, other.y0) > epsilon
        )

    def inside(self, other: Box, epsilon: float = EPSILON) -> bool:
        """Whether this box lies within `other` (up to `epsilon`)."""
        return (
            self.x0 >= other.x0 - epsilon
            and self.y0 >= other.y0 - epsilon
            and self.x1 <= other.x1 + epsilon
            and self.y1 <= other.y1 + epsilon
        )


@dataclass(frozen=True, slots=True)
class TextBox:
    """One `<text>` line, its estimated box, and the group it belongs to."""

    text: str
    box: Box
    font_size: float
    group: str  # "node", "edge", "cluster" or "graph"
    owner: str  # the node's, edge's or cluster's name ("" for the graph)


@dataclass(frozen=True, slots=True)
class Overlap:
    first: TextBox
    second: TextBox


@dataclass(frozen=True, slots=True)
class Spill:
    """A line of a node's text that leaves the node's card."""

    node: str
    text: TextBox
    card: Box


@dataclass(frozen=True, slots=True)
class LabelOnCard:
    """A line of an edge's or a cluster's text lying on a node's card."""

    text: TextBox
    node: str


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """An ordered pair of nodes joined by `edges` edges (more than one)."""

    source: str
    target: str
    edges: int


@dataclass(frozen=True, slots=True)
class Card:
    node: str
    box: Box


@dataclass(frozen=True, slots=True)
class Metrics:
    """What `measure` finds in one diagram."""

    texts: int
    overlaps: tuple[Overlap, ...]
    spills: tuple[Spill, ...]
    labels_on_cards: tuple[LabelOnCard, ...]
    duplicates: tuple[DuplicatePair, ...]
    smallest_font: float  # the smallest font size of its text (0 without text)
    edges: int = 0
    unlabelled_edges: int = 0  # edges drawn without any text


# --- reading the SVG ----------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def _number(value: str | None, default: float = 0.0) -> float:
    found = _NUMBER.search(value or "")
    return float(found.group()) if found else default


def _font_size(value: str | None) -> float | None:
    if value is None:
        return None
    found = _NUMBER.search(value)
    return float(found.group()) if found else None


def _style(element: ET.Element, name: str) -> str | None:
    """A presentation attribute, or the same property in the style attribute."""
    for declaration in element.get("style", "").split(";"):
        key, _, value = declaration.partition(":")
        if key.strip() == name and value.strip():
            return value.strip()
    return element.get(name)


def _root(svg: str) -> ET.Element:
    return ET.fromstring(svg.strip())


def _name(group: ET.Element) -> str:
    """A node's, edge's or cluster's name: its data attribute, else its <title>."""
    for attribute in ("data-node", "data-cluster"):
        if group.get(attribute):
            return group.get(attribute, "")
    title = group.find(f"{SVG}title")
    if title is None:
        title = group.find("title")
    return "".join(title.itertext()).strip() if title is not None else ""


def _walk(
    element: ET.Element, group: tuple[str, str, ET.Element | None], size: float, anchor: str
) -> Iterator[tuple[ET.Element, tuple[str, str, ET.Element | None], float, str]]:
    """Every element with its enclosing node/edge/cluster group and inherited text style."""
    classes = _classes(element) if _local(element.tag) == "g" else set()
    for kind in ("node", "edge", "cluster"):
        if kind in classes:
            group = (kind, _name(element), element)
            break
    size = _font_size(_style(element, "font-size")) or size
    anchor = _style(element, "text-anchor") or anchor
    yield element, group, size, anchor
    for child in element:
        yield from _walk(child, group, size, anchor)


def _elements(
    svg: str,
) -> Iterator[tuple[ET.Element, tuple[str, str, ET.Element | None], float, str]]:
    yield from _walk(_root(svg), ("graph", "", None), DEFAULT_FONT_SIZE, "start")


def text_box(text: str, x: float, y: float, font_size: float, anchor: str = "start") -> Box:
    """The estimated box of one line of text whose baseline starts at (x, y)."""
    width = WIDTH_PER_CHARACTER * font_size * len(text)
    left = {"middle": x - width / 2, "end": x - width}.get(anchor, x)
    return Box(left, y - ASCENT * font_size, left + width, y + DESCENT * font_size)


def text_boxes(svg: str) -> tuple[TextBox, ...]:
    """Every non-empty `<text>` of the diagram, as a box.

    Two `<text>` with the same content at the same place (a halo drawn
    under a label, say) count as one.
    """
    found: dict[tuple[str, Box, str, str], TextBox] = {}
    for element, (kind, owner, _), size, anchor in _elements(svg):
        if _local(element.tag) != "text":
            continue
        content = "".join(element.itertext())
        if not content.strip():
            continue
        box = text_box(content, _number(element.get("x")), _number(element.get("y")), size, anchor)
        found.setdefault((content, box, kind, owner), TextBox(content, box, size, kind, owner))
    return tuple(found.values())


def _shape_points(element: ET.Element) -> list[tuple[float, float]]:
    tag = _local(element.tag)
    if tag in ("path", "polygon", "polyline"):
        numbers = [float(n) for n in _NUMBER.findall(element.get("d") or element.get("points", ""))]
        return list(zip(numbers[0::2], numbers[1::2], strict=False))
    if tag in ("ellipse", "circle"):
        cx, cy = _number(element.get("cx")), _number(element.get("cy"))
        rx = _number(element.get("rx") or element.get("r"))
        ry = _number(element.get("ry") or element.get("r"))
        return [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    if tag == "rect":
        x, y = _number(element.get("x")), _number(element.get("y"))
        return [(x, y), (x + _number(element.get("width")), y + _number(element.get("height")))]
    return []


def _bounds(points: list[tuple[float, float]]) -> Box | None:
    if not points:
        return None
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return Box(min(xs), min(ys), max(xs), max(ys))


def node_cards(svg: str) -> tuple[Card, ...]:
    """Each node's card: the bounding box of its shapes (nodes without one are left out)."""
    points: dict[int, tuple[str, list[tuple[float, float]]]] = {}
    for element, (kind, owner, group), _, _ in _elements(svg):
        if kind != "node" or group is None or _local(element.tag) not in SHAPES:
            continue
        if element.get("fill", "").lower() == "none" and element.get("stroke", "") in (
            "none",
            "transparent",
        ):
            continue  # drawn invisible: no card
        points.setdefault(id(group), (owner, []))[1].extend(_shape_points(element))
    cards = []
    for owner, found in points.values():
        box = _bounds(found)
        if box is not None:
            cards.append(Card(owner, box))
    return tuple(cards)


# --- the figures -----------------------------------------------------------------------------


def _pairs(boxes: tuple[TextBox, ...]) -> Iterator[tuple[TextBox, TextBox]]:
    """Pairs of boxes that intersect, by a sweep along x."""
    ordered = sorted(boxes, key=lambda item: item.box.x0)
    active: list[TextBox] = []
    for current in ordered:
        active = [other for other in active if other.box.x1 - current.box.x0 > EPSILON]
        for other in active:
            if other.box.intersects(current.box):
                yield other, current
        active.append(current)


def overlapping_labels(svg: str) -> tuple[Overlap, ...]:
    """Pairs of text lines whose boxes intersect."""
    return tuple(Overlap(first, second) for first, second in _pairs(text_boxes(svg)))


def spilled_text(svg: str) -> tuple[Spill, ...]:
    """Lines of a node's text that are not inside that node's card."""
    cards = {card.node: card.box for card in node_cards(svg)}
    return tuple(
        Spill(text.owner, text, cards[text.owner])
        for text in text_boxes(svg)
        if text.group == "node" and text.owner in cards and not text.box.inside(cards[text.owner])
    )


def labels_on_cards(svg: str) -> tuple[LabelOnCard, ...]:
    """Lines of an edge's or a cluster's text that lie on some node's card."""
    cards = node_cards(svg)
    return tuple(
        LabelOnCard(text, card.node)
        for text in text_boxes(svg)
        if text.group in ("edge", "cluster")
        for card in cards
        if text.box.intersects(card.box)
    )


def edge_ends(svg: str) -> tuple[tuple[str, str], ...]:
    """(source, target) of every edge: data-source/data-target, else its title `a->b`."""
    ends = []
    for element in _root(svg).iter():
        if _local(element.tag) != "g" or "edge" not in _classes(element):
            continue
        source, target = element.get("data-source"), element.get("data-target")
        if source is None or target is None:
            title = _name(element)
            arrow = "->" if "->" in title else "--"
            source, _, target = title.partition(arrow)
        ends.append((_node_name(source), _node_name(target)))
    return tuple(ends)


def unlabelled_edges(svg: str) -> int:
    """How many edges are drawn without any text (no label, or one left out)."""
    count = 0
    for element in _root(svg).iter():
        if _local(element.tag) == "g" and "edge" in _classes(element):
            texts = (t for t in element.iter() if _local(t.tag) == "text")
            count += not any("".join(text.itertext()).strip() for text in texts)
    return count


def _node_name(end: str) -> str:
    """A node's name without the port Graphviz may append (`a:port`)."""
    return end.strip().split(":", 1)[0]


def duplicate_pairs(svg: str) -> tuple[DuplicatePair, ...]:
    """Ordered pairs of nodes that more than one edge joins."""
    counts = Counter(edge_ends(svg))
    return tuple(
        DuplicatePair(source, target, count)
        for (source, target), count in sorted(counts.items())
        if count > 1
    )


def measure(svg: str) -> Metrics:
    """Every figure of one diagram."""
    texts = text_boxes(svg)
    return Metrics(
        texts=len(texts),
        overlaps=overlapping_labels(svg),
        spills=spilled_text(svg),
        labels_on_cards=labels_on_cards(svg),
        duplicates=duplicate_pairs(svg),
        smallest_font=min((text.font_size for text in texts), default=0.0),
        edges=len(edge_ends(svg)),
        unlabelled_edges=unlabelled_edges(svg),
    )


# --- the page around the diagram --------------------------------------------------------------


def id_prefix(key: str) -> str:
    """The id prefix archatlas gives a diagram's elements (as archatlas.svg.id_prefix)."""
    return "a-" + hashlib.sha1(key.encode()).hexdigest()[:8] + "-"


@dataclass(frozen=True, slots=True)
class Figure:
    """A diagram as a page holds it."""

    view: str  # its data-view, "" when the markup has none
    prefix: str  # the id prefix of its graph group ("a-1234abcd-"), "" without one
    svg: str  # the <svg> element's markup, "" when the figure holds none
    has_legend: bool
    failed: bool  # archatlas said it could not draw it


_GRAPH_ID = re.compile(r'<g id="(a-[0-9a-f]{8}-)graph0"')


@dataclass
class _Open:
    """A figure being read."""

    tag: str
    view: str
    failed: bool
    depth: int = 1
    legend: bool = False
    svg_start: tuple[int, int] | None = None
    svg_end: tuple[int, int] | None = None


class _Figures(HTMLParser):
    """Finds the elements of class archatlas-diagram and what each holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[_Open] = []
        self._figure: _Open | None = None

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        attributes = {name: value or "" for name, value in attrs}
        classes = set(attributes.get("class", "").split())
        figure = self._figure
        if figure is None:
            if "archatlas-diagram" in classes:
                self._figure = _Open(
                    tag, attributes.get("data-view", ""), "archatlas-failed" in classes
                )
                if closed:
                    self._end(tag)
            return
        if "archatlas-legend" in classes:
            figure.legend = True
        if tag == "svg" and figure.svg_start is None:
            figure.svg_start = self.getpos()
        if tag == figure.tag and not closed:
            figure.depth += 1

    def _end(self, tag: str) -> None:
        figure = self._figure
        if figure is None:
            return
        if tag == "svg" and figure.svg_start is not None and figure.svg_end is None:
            figure.svg_end = self.getpos()
        if tag == figure.tag:
            figure.depth -= 1
            if figure.depth == 0:
                self.found.append(figure)
                self._figure = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        self._end(tag)


def page_figures(html: str) -> tuple[Figure, ...]:
    """The diagrams of a page (elements of class archatlas-diagram), in order."""
    parser = _Figures()
    parser.feed(html)
    parser.close()
    starts = [0]  # where each line starts (HTMLParser counts lines by "\n")
    for line in html.split("\n"):
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: tuple[int, int]) -> int:
        line, column = position
        return starts[line - 1] + column

    figures = []
    for figure in parser.found:
        svg = ""
        if figure.svg_start is not None and figure.svg_end is not None:
            close = html.find(">", offset(figure.svg_end)) + 1
            svg = html[offset(figure.svg_start) : close]
        found = _GRAPH_ID.search(svg)
        prefix = found.group(1) if found else ""
        figures.append(Figure(figure.view, prefix, svg, figure.legend, figure.failed))
    return tuple(figures)


def page_legends(html: str) -> dict[str, bool]:
    """For each diagram of the page, by its view (or id prefix), whether it has a legend."""
    return {(figure.view or figure.prefix): figure.has_legend for figure in page_figures(html)}
