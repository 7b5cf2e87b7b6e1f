"""DOT sources of views: cards, lines and frames, built with the `diagrams`
library (its nodes, clusters and edges), which never renders them itself:
it would run `dot` without a time limit, write files into the working
directory and draw random node ids."""

from __future__ import annotations

import html
import math
import textwrap
from typing import TYPE_CHECKING, Literal, NamedTuple

import graphviz

from ..format import Classification
from ..icons import icon_file
from ..markdown import one_line
from ..svg import CHARACTER_WIDTH, LINK_PREFIX
from ..views import EdgeStyle, Status, View, ViewEdge, ViewNode

if TYPE_CHECKING:
    import diagrams

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


# How edge labels are placed: by dot, in room kept clear of cards and of
# each other; after layout (which dot 2.x survives where it crashes placing
# labels among clusters, but which may overlap); or not drawn at all.
LabelPlacement = Literal["label", "xlabel", "none"]

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
        _draw_clusters(view, None, drawn)
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


def _draw_clusters(view: View, parent: str | None, drawn: dict[str, diagrams.Node]) -> None:
    """The clusters inside `parent` (None: the top level), each with its nodes
    and, inside it, its own clusters."""
    import diagrams

    known = {cluster.id for cluster in view.clusters}
    for cluster in view.clusters:
        inside = cluster.parent if cluster.parent in known else None
        if inside != parent:
            continue
        with diagrams.Cluster(cluster.label, graph_attr=_cluster_attrs(cluster.label)) as group:
            # Named by id: clusters with equal names would merge into one.
            group.dot.name = f"cluster_{cluster.id}"
            for node in view.nodes:
                if node.cluster == cluster.id:
                    drawn[node.id] = diagrams.Node(**_node_args(node))
            _draw_clusters(view, cluster.id, drawn)


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


# Diff views: green for added, red and dashed for removed, amber for changed,
# purple and dotted for invalid in the head (drawn as in the base).
STATUS_CARD: dict[Status, CardStyle] = {
    "added": CardStyle("#2E7D32", "#E8F5E9", 3),
    "removed": CardStyle("#C62828", "#FFEBEE", 3, "ROUNDED,DASHED"),
    "changed": CardStyle("#F9A825", "#FFF8E1", 3),
    "invalid": CardStyle("#6A1B9A", "#F3E5F5", 3, "ROUNDED,DOTTED"),
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
