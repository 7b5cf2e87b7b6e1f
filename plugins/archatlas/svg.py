"""SVG from Graphviz, made fit for pages: cleaned once, placed per page.

Cleaning drops what varies by machine (comments, icon paths), makes ids
unique per diagram and sizes the drawing; placing resolves the link and icon
placeholders relative to the page (or embeds icons, for a file on its own).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from .icons import MEDIA_TYPES, icon_folders

LINK_PREFIX = "archatlas-link:"
ICON_PREFIX = "archatlas-icon:"
SCALE = 0.75

_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.DOTALL)
_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')
_ID = re.compile(r'\bid="([^"]+)"')
_NAME = re.compile(r'\bname="[^"]*"')
_PLACEHOLDER = re.compile(rf'"({LINK_PREFIX}|{ICON_PREFIX})([^"]*)"')


def id_prefix(key: str) -> str:
    """A prefix that keeps ids unique when several diagrams share a page."""
    return "a-" + hashlib.sha1(key.encode()).hexdigest()[:8] + "-"


def clean_markup(markup: str, key: str, custom_icons: dict[str, str] | None = None) -> str:
    """Drop comments, prolog and machine paths; make ids unique."""
    markup = _PROLOG.sub("", markup).strip()
    for folder, key_prefix in icon_folders().items():
        markup = markup.replace(f'"{folder}/', f'"{ICON_PREFIX}{key_prefix}')
    for path, icon in (custom_icons or {}).items():
        markup = markup.replace(f'"{path}"', f'"{ICON_PREFIX}{icon}"')
    prefix = id_prefix(key)
    markup = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', markup)
    markup = _NAME.sub(f'name="{prefix}map"', markup)
    return "\n".join(line for line in markup.splitlines() if line.strip())


def clean_svg(svg: str, key: str, custom_icons: dict[str, str] | None = None) -> str:
    """Clean markup, drawn at a fixed scale of its natural size (pages fit it
    to their column), its parts marked for readers and the viewer."""
    svg = structure(clean_markup(svg, key, custom_icons))
    # Three quarters of Graphviz' size keeps 12 pt labels readable.
    return _SIZE.sub(
        lambda m: (
            f'<svg class="archatlas-svg" width="{float(m.group(1)) * SCALE:.0f}pt" '
            f'height="{float(m.group(2)) * SCALE:.0f}pt"'
        ),
        svg,
        count=1,
    )


# Ids that render.py gives nodes and edges: "n~ID" and "e~SOURCE~TARGET[~gN]",
# after the diagram's prefix ('~' cannot occur in an id).
_NODE_GROUP = re.compile(r'<g id="[^"]*?n~(?P<node>[^"~]+)" class="node(?P<more>[^"]*)">')
_EDGE_GROUP = re.compile(
    r'<g id="[^"]*?e~(?P<source>[^"~]+)~(?P<target>[^"~]+)(?:~(?P<group>g\d+))?" class="edge">'
)
_CLUSTER_GROUP = re.compile(r'(<g id="[^"]*" class="cluster")>')
_POINT = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


def structure(svg: str) -> str:
    """Mark the drawing's parts and put its nodes in reading order.

    Nodes become a list of links for assistive technology (edges and frames
    are hidden from it: the page's tables say the same), carry their ids for
    the viewer, and move after the edges, top to bottom and left to right, so
    that the tab order follows the picture and cards sit above lines."""
    svg = _CLUSTER_GROUP.sub(r'\1 aria-hidden="true">', svg)
    svg = _EDGE_GROUP.sub(_edge_group, svg)
    svg = _NODE_GROUP.sub(_node_group, svg)
    lines = svg.split("\n")
    nodes: list[tuple[tuple[float, float], list[str]]] = []
    rest: list[str] = []
    index = 0
    while index < len(lines):
        if 'class="node' in lines[index] and lines[index].startswith("<g "):
            block = _block(lines, index)
            nodes.append((_top_left(block), block))
            index += len(block)
        else:
            rest.append(lines[index])
            index += 1
    ordered = [line for _, block in sorted(nodes, key=lambda item: item[0]) for line in block]
    end = len(rest) - 1 - rest[::-1].index("</g>")  # the graph's own group closes last
    return "\n".join(rest[:end] + ordered + rest[end:])


def _edge_group(match: re.Match[str]) -> str:
    source, target = html.unescape(match["source"]), html.unescape(match["target"])
    group = f' data-group="{match["group"]}"' if match["group"] else ""
    return (
        f'{match[0][:-1]} data-source="{html.escape(source)}" '
        f'data-target="{html.escape(target)}"{group} aria-hidden="true">'
    )


def _node_group(match: re.Match[str]) -> str:
    node = html.escape(html.unescape(match["node"]))
    return f'{match[0][:-1]} data-node="{node}" role="listitem">'


def _block(lines: list[str], start: int) -> list[str]:
    """The lines of the group that opens at `start`, through its closing tag."""
    depth = 0
    for end in range(start, len(lines)):
        depth += lines[end].count("<g ") + lines[end].count("<g>") - lines[end].count("</g>")
        if depth == 0:
            return lines[start : end + 1]
    return lines[start:]


# Nodes whose tops lie within this many points read as one row.
ROW = 30.0

Box = tuple[float, float, float, float]  # left, right, top, bottom, in points


def _top_left(block: list[str]) -> tuple[float, float]:
    """Where a node's card starts: the row it reads in, then its left edge."""
    card = _card(block)
    if card is None:
        return (0.0, 0.0)
    left, _, top, _ = card
    return (round(top / ROW), left)


def _card(block: list[str]) -> Box | None:
    """The box of a node's card: its first shape, the table's outline that
    Graphviz draws before the icon and the text."""
    shape = next((line for line in block if line.startswith(("<path", "<polygon"))), "")
    points = [(float(x), float(y)) for x, y in _POINT.findall(shape)]
    if not points:
        return None
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return (min(xs), max(xs), min(ys), max(ys))


def natural_size(svg: str) -> tuple[float, float]:
    """Graphviz output's size as a page shows it at 100 %, in CSS pixels
    (points drawn at SCALE, four CSS pixels to three points)."""
    match = _SIZE.search(svg)
    if match is None:
        return (0.0, 0.0)
    return (float(match[1]) * SCALE * 4 / 3, float(match[2]) * SCALE * 4 / 3)


_TEXT = re.compile(
    r'<text text-anchor="(?P<anchor>start|middle|end)" x="(?P<x>-?[\d.]+)" y="(?P<y>-?[\d.]+)"'
    r'[^>]*font-size="(?P<size>[\d.]+)"[^>]*>(?P<text>[^<]*)</text>'
)
_GROUP = re.compile(r'<g id="[^"]*" class="(node|edge)')
# A line of text is taken to be 0.55 of its font size wide per character and
# one font size high: a generous estimate for DejaVu Sans, which render.py
# wraps and reserves room by.
CHARACTER_WIDTH = 0.55


def text_faults(svg: str) -> int:
    """What makes a drawing hard to read, by that estimate: pairs of text
    lines that overlap, and edge labels that lie on a card."""
    lines = svg.split("\n")
    cards: list[Box] = []
    labels: list[Box] = []
    index = 0
    while index < len(lines):
        group = _GROUP.match(lines[index])
        if group is None:
            index += 1
            continue
        block = _block(lines, index)
        if group[1] == "node" and (card := _card(block)) is not None:
            cards.append(card)
        elif group[1] == "edge":
            labels += _text_boxes("\n".join(block))
        index += len(block)
    on_cards = sum(1 for label in labels if any(_overlap(label, card) for card in cards))
    return _overlapping_pairs(_text_boxes(svg)) + on_cards


def _text_boxes(svg: str) -> list[Box]:
    boxes = []
    for match in _TEXT.finditer(svg):
        size, x, y = float(match["size"]), float(match["x"]), float(match["y"])
        width = CHARACTER_WIDTH * size * len(html.unescape(match["text"]))
        left = {"start": x, "middle": x - width / 2, "end": x - width}[match["anchor"]]
        boxes.append((left, left + width, y - 0.8 * size, y + 0.2 * size))
    return boxes


def _overlap(first: Box, second: Box) -> bool:
    return (
        first[0] < second[1] - EPSILON
        and second[0] < first[1] - EPSILON
        and first[2] < second[3] - EPSILON
        and second[2] < first[3] - EPSILON
    )


def _overlapping_pairs(boxes: list[Box]) -> int:
    """How many pairs of boxes overlap: swept left to right."""
    boxes = sorted(boxes)
    found = 0
    for index, box in enumerate(boxes):
        for other in boxes[index + 1 :]:
            if other[0] >= box[1] - EPSILON:
                break
            found += _overlap(box, other)
    return found


EPSILON = 0.01  # points: lines that touch do not overlap


def place_svg(svg: str, link: Callable[[str], str], icon: Callable[[str], str]) -> str:
    """Resolve link and icon placeholders for the page the SVG is placed in."""

    def replace(match: re.Match[str]) -> str:
        prefix, value = match.groups()
        return '"' + (link(value) if prefix == LINK_PREFIX else icon(value)) + '"'

    return _PLACEHOLDER.sub(replace, svg)


def standalone_svg(markup: str, link: Callable[[str], str], icon: Callable[[str], str]) -> str:
    """A cleaned SVG as a file of its own: placeholders resolved, namespace declared."""
    return place_svg(markup, link, icon) + "\n"  # Graphviz declares the namespaces


def data_uri(path: Path) -> str:
    """A file as a data: URI, for a diagram that stands alone."""
    media_type = MEDIA_TYPES.get(path.suffix.lower(), "image/png")
    return f"data:{media_type};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def icon_paths(svgs: Iterable[str]) -> set[str]:
    """The icons (resource paths) that the SVGs use."""
    found: set[str] = set()
    for svg in svgs:
        found.update(m.group(2) for m in _PLACEHOLDER.finditer(svg) if m.group(1) == ICON_PREFIX)
    return found


# --- what a drawing may hold ------------------------------------------------------------------

DRAWING_ELEMENTS = frozenset(
    {"svg", "g", "title", "a", "image", "path", "polygon", "polyline", "ellipse", "circle"}
    | {"rect", "text", "tspan", "defs", "linearGradient", "radialGradient", "stop", "clipPath"}
    | {"map", "area"}
)
_TAG = re.compile(r"<\s*/?\s*([A-Za-z][\w:.-]*)")
# Searched, not enumerated, in one pass: a cache hit is checked on every
# build, and a drawing holds thousands of attributes. Quoted or not, an
# event handler, a style that loads a URL or a link of another site is
# found; escaped text (`on=&quot;`) is not an attribute.
_FORBIDDEN = re.compile(
    r"\s(?:[oO][nN][\w:.-]*\s*=\s*(?!&)"
    r"|[sS][tT][yY][lL][eE]\s*=[^>]*url\("
    rf'|(?:xlink:)?href\s*=\s*(?!"(?:{re.escape(LINK_PREFIX)}|{re.escape(ICON_PREFIX)}|/)|&))'
)


def is_plain_drawing(markup: str) -> bool:
    """Whether Graphviz output, raw or cleaned, holds only drawing: no script,
    no event handler, no link other than ours, no entity declaration. Used on
    cache entries, which anyone able to write the cache folder could have forged."""
    if "<!ENTITY" in markup or "<![CDATA[" in markup:
        return False
    body = _PROLOG.sub("", markup)
    tags = {tag.rpartition(":")[2] for tag in set(_TAG.findall(body))}
    if not tags <= DRAWING_ELEMENTS:
        return False
    return _FORBIDDEN.search(body) is None
