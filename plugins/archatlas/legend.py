"""A diagram's legend: what each colour and line style it uses means, and
the relations behind each grouped edge, as HTML beside the SVG.

The legend is built from the view with the same rules the renderer draws
by, so it names exactly what the picture shows, no more.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .findings import plural
from .format import CLASSIFICATIONS
from .render import (
    DATA_COLOURS,
    EDGE_STYLES,
    STATUS_CARD,
    CardStyle,
    carried,
    coloured,
    grouped_edges,
    spread,
)
from .views import EdgeStyle, Status, View
from .views.sequence import GroupKind, Message, MessageStyle, SequenceView, Wait

STYLE_MEANINGS: dict[EdgeStyle, str] = {
    "sync": "a call or access that waits for its answer",
    "async": "asynchronous: fire-and-forget or long-running work",
    "ledger": "a transaction submitted to, a query of, or events from a ledger",
    "member": "a node serving a channel (no arrow)",
    "consensus": "replication among the ordering nodes (consensus)",
}
STATUS_MEANINGS: dict[Status, str] = {
    "added": "added by the change",
    "removed": "removed by the change",
    "changed": "changed by the change",
    "invalid": "invalid after the change (drawn as before it): see its findings",
    "unchanged": "",
}
SWATCH = 'class="archatlas-swatch" aria-hidden="true"'
UNCLASSIFIED = "#6E7781"  # the colour of a line that declares no classification


@dataclass(frozen=True, slots=True)
class LegendItem:
    swatch: str  # an inline SVG sample of the line or card
    meaning: str


@dataclass(frozen=True, slots=True)
class Group:
    """A grouped edge: one line in the picture for several relations."""

    number: int
    summary: str
    relations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Legend:
    items: tuple[LegendItem, ...]
    notes: tuple[str, ...]
    groups: tuple[Group, ...]


def legend(view: View) -> Legend:
    """The legend of what `view` draws."""
    styles = sorted({edge.style for edge in view.edges}, key=list(EDGE_STYLES).index)
    items = [LegendItem(_line(style), STYLE_MEANINGS[style]) for style in styles]
    notes = list(view.notes)
    data = carried(view)
    if coloured(view):
        for level in CLASSIFICATIONS:
            if level in data:
                items.append(LegendItem(_line("sync", DATA_COLOURS[level]), f"{level} data"))
        if None in data:
            items.append(LegendItem(_line("sync", UNCLASSIFIED), "no classification declared"))
    elif len(data) == 1 and (only := next(iter(data))):
        notes.append(f"Every relation drawn carries {only} data.")
    for status in ("added", "removed", "changed", "invalid"):
        if any(node.status == status for node in view.nodes):
            items.append(LegendItem(_card(STATUS_CARD[status]), STATUS_MEANINGS[status]))
    titles = {node.id: node.label for node in view.nodes}
    numbers = grouped_edges(view)
    groups = tuple(
        Group(
            numbers[(edge.source, edge.target)],
            f"{titles[edge.source]} → {titles[edge.target]}: {plural(edge.weight, 'relation')}",
            edge.details,
        )
        for edge in view.edges
        if edge.grouped
    )
    if view.edges:
        notes.append("Hover a line to list the relations it stands for.")
    if groups and spread(view):
        notes.append("The more relations a line stands for, the wider it is.")
    if groups:
        notes.append("A line that stands for several relations is listed below; click it to open.")
    return Legend(tuple(items), tuple(notes), groups)


def _line(style: EdgeStyle, colour: str | None = None) -> str:
    """A sample of a line: the style's own colour, or a classification's."""
    dash = {"async": "5 3", "member": "1.5 3"}.get(style, "")
    width = 3 if style in ("ledger", "consensus") else 1.5
    stroke = colour or EDGE_STYLES[style]["color"]
    dasharray = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg {SWATCH} width="32" height="10" viewBox="0 0 32 10">'
        f'<line x1="1" y1="5" x2="31" y2="5" stroke="{stroke}" stroke-width="{width}"{dasharray}/>'
        "</svg>"
    )


def _card(style: CardStyle) -> str:
    dashed = ' stroke-dasharray="4 2"' if "DASHED" in style.outline else ""
    dashed = ' stroke-dasharray="1 2"' if "DOTTED" in style.outline else dashed
    return (
        f'<svg {SWATCH} width="32" height="14" viewBox="0 0 32 14">'
        f'<rect x="1" y="1" width="30" height="12" rx="3" fill="{style.fill}" '
        f'stroke="{style.colour}" stroke-width="2"{dashed}/></svg>'
    )


SEQUENCE_MEANINGS: dict[MessageStyle, str] = {
    "call": "a call that waits for its answer",
    "async": "asynchronous: the sender does not wait (work started, a message sent)",
    "reply": "a reply, or a callback, against the direction of the call",
    "event": "an event delivered to a subscriber",
}
FRAME_MEANINGS: dict[GroupKind, str] = {
    "loop": "loop: steps repeated until done (polling)",
    "callback": "callback: steps that come back later from the one called",
    "alternatives": "alternatives: one of the branches runs",
    "parallel": "parallel: the branches run at once",
}


def sequence_legend(view: SequenceView) -> Legend:
    """The legend of what a sequence diagram draws."""
    styles = {row.style for row in view.rows if isinstance(row, Message)}
    items = [
        LegendItem(_arrow(style), meaning)
        for style, meaning in SEQUENCE_MEANINGS.items()
        if style in styles
    ]
    if any(isinstance(row, Wait) for row in view.rows):
        items.append(LegendItem(_wait(), "a wait on the participant's lifeline"))
    kinds = {group.kind for group in view.groups}
    items += [
        LegendItem(_frame(), meaning) for kind, meaning in FRAME_MEANINGS.items() if kind in kinds
    ]
    notes = [*view.notes]
    if any(isinstance(row, Message) and row.duration for row in view.rows):
        notes.append("A duration in italics under an arrow is how long the step takes.")
    return Legend(tuple(items), tuple(notes), ())


def _arrow(style: MessageStyle) -> str:
    dash = {"async": "5 3", "reply": "2 3"}.get(style, "")
    dasharray = f' stroke-dasharray="{dash}"' if dash else ""
    colour = EDGE_STYLES["sync"]["color"]
    head = (
        f'<polygon points="24,1 31,5 24,9" fill="{colour}"/>'
        if style in ("call", "event")
        else f'<polyline points="24,1 31,5 24,9" fill="none" stroke="{colour}" stroke-width="1.5"/>'
    )
    return (
        f'<svg {SWATCH} width="32" height="10" viewBox="0 0 32 10">'
        f'<line x1="1" y1="5" x2="30" y2="5" stroke="{colour}" stroke-width="1.5"{dasharray}/>'
        f"{head}</svg>"
    )


def _wait() -> str:
    return (
        f'<svg {SWATCH} width="32" height="14" viewBox="0 0 32 14">'
        '<rect x="12" y="1" width="8" height="12" fill="#FFF3CD" stroke="#B7791F" '
        'stroke-dasharray="3 2"/></svg>'
    )


def _frame() -> str:
    return (
        f'<svg {SWATCH} width="32" height="14" viewBox="0 0 32 14">'
        '<rect x="1" y="1" width="30" height="12" fill="none" stroke="#57606A"/>'
        '<path d="M1,1 h12 v4 l-3,3 H1 Z" fill="#FFFFFF" stroke="#57606A"/></svg>'
    )


def legend_html(view: View | SequenceView, id_prefix: str) -> str:
    """The legend as a figure caption; grouped edges open as lists."""
    if isinstance(view, SequenceView):
        shown = sequence_legend(view)
        card = (
            "a card is a participant, framed by its system, with its lifeline below; "
            "click it to open its page"
        )
    else:
        shown = legend(view)
        card = (
            "a card is an element: its name, then what it is and runs on; click it to open its page"
        )
    parts = [
        '<figcaption class="archatlas-legend">',
        '<span class="archatlas-legend-title">Legend</span>',
    ]
    parts.append('<ul class="archatlas-legend-items">')
    parts.append(f'<li><span class="archatlas-legend-card" aria-hidden="true"></span>{card}</li>')
    for item in shown.items:
        parts.append(f"<li>{item.swatch} {html.escape(item.meaning)}</li>")
    parts.append("</ul>")
    parts += [f'<p class="archatlas-legend-note">{html.escape(note)}</p>' for note in shown.notes]
    for group in shown.groups:
        relations = "".join(f"<li>{html.escape(line)}</li>" for line in group.relations)
        parts.append(
            f'<details class="archatlas-group" id="{id_prefix}g{group.number}" '
            f'data-group="g{group.number}"><summary>{html.escape(group.summary)}</summary>'
            f"<ul>{relations}</ul></details>"
        )
    parts.append("</figcaption>")
    return "\n".join(parts)
