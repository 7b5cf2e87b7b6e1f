"""Sequence diagrams, drawn as SVG by this module: no Graphviz (which cannot
lay out a sequence), no browser, no network, no subprocess.

The layout is a grid: one column per participant, one row per message or
wait, and a row more for each frame's tab and each branch's divider, so
that no text shares a row with other text. The SVG follows the markup the
viewer reads (`g.node[data-node]` cards that link to element pages through
`svg.LINK_PREFIX` placeholders, `g.edge[data-source][data-target]` arrows),
and all user text is escaped here.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..flow_format import MAX_DEPTH, MAX_PARTICIPANTS, MAX_ROWS
from ..svg import CHARACTER_WIDTH, LINK_PREFIX, id_prefix
from ..views.sequence import Group, Message, Participant, Row, SequenceView, Wait
from .dot import wrap

# What a sequence may hold before it is refused (see flow_format): beyond
# these a diagram is no longer readable, and its drawing would grow without bound.

FONT = "DejaVu Sans, Verdana, sans-serif"
NAME_SIZE = 12
CAPTION_SIZE = 10
LABEL_SIZE = 11
SMALL_SIZE = 10
LINE = "#6E7781"  # lifelines, arrows: readable on both palettes
TEXT = "#1F2328"
CARD_FILL = "#FFFFFF"
CARD_BORDER = "#AEB7C2"
FRAME = "#57606A"
WAIT_FILL = "#FFF3CD"
WAIT_BORDER = "#B7791F"

MARGIN = 16
CARD_WIDTH = 120
CARD_HEIGHT = 54
CLUSTER_LABEL = 20  # room above the cards for a system's name
MIN_GAP = 132  # between the centres of two neighbouring columns
MAX_GAP = 280
LABEL_LINES = 2
MESSAGE_WRAP = 22  # characters: a label of two lines fits between neighbours
TAB = 22  # a frame's tab row
DIVIDER = 20  # a branch's divider row
FRAME_END = 10
# Characters of a card's name (bold) and caption per line: what the card's
# width holds at svg.CHARACTER_WIDTH of the font size, with room to spare.
NAME_WRAP = 15
CAPTION_WRAP = 20
SELF_LOOP = 34  # how far a message to oneself goes right
SYSTEM_GAP = 20  # more room between two columns of different systems: their frames


class SequenceTooLarge(ValueError):
    """A sequence beyond the limits above: it is not drawn."""


def check_size(view: SequenceView) -> None:
    if len(view.rows) > MAX_ROWS:
        raise SequenceTooLarge(f"{len(view.rows)} steps, more than the {MAX_ROWS} drawn")
    if len(view.participants) > MAX_PARTICIPANTS:
        raise SequenceTooLarge(
            f"{len(view.participants)} participants, more than the {MAX_PARTICIPANTS} drawn"
        )
    if any(group.depth >= MAX_DEPTH for group in view.groups):
        raise SequenceTooLarge(f"groups nested more than {MAX_DEPTH} deep")


# --- the order of participants ------------------------------------------------------------


def ordered(view: SequenceView) -> tuple[Participant, ...]:
    """Participants framed by system, each system's members side by side,
    ordered to keep arrows short (so that fewer cross other lifelines): by
    first appearance, then improved by swapping neighbours while that
    shortens the arrows in total."""
    weight: dict[tuple[str, str], int] = defaultdict(int)
    for row in view.rows:
        if isinstance(row, Message) and row.source != row.target:
            weight[(row.source, row.target)] += 1
    blocks: dict[str, list[Participant]] = {}
    for participant in view.participants:  # in the order they first appear
        blocks.setdefault(participant.cluster or f"~{participant.id}", []).append(participant)
    order = _improved(list(blocks.values()), weight)
    return tuple(participant for block in order for participant in block)


STEPS = 60  # the best swap each time: a few steps reach the best order nearby


def _improved(
    blocks: list[list[Participant]], weight: dict[tuple[str, str], int]
) -> list[list[Participant]]:
    """The best swap of neighbouring systems, or of neighbours within a
    system, while one makes the arrows shorter in total (in columns crossed);
    the first of equally good swaps, so that the order stays that of first
    appearance where nothing is gained."""

    def cost(candidate: list[list[Participant]]) -> int:
        position = {p.id: i for i, p in enumerate(p for block in candidate for p in block)}
        return sum(count * abs(position[a] - position[b]) for (a, b), count in weight.items())

    best = [list(block) for block in blocks]
    best_cost = cost(best)
    for _ in range(STEPS):
        candidate = min(_swaps(best), key=cost, default=best)
        if cost(candidate) >= best_cost:
            break
        best, best_cost = candidate, cost(candidate)
    return best


def _swaps(blocks: list[list[Participant]]) -> list[list[list[Participant]]]:
    found = []
    for index in range(len(blocks) - 1):
        found.append([*blocks[:index], blocks[index + 1], blocks[index], *blocks[index + 2 :]])
    for index, block in enumerate(blocks):
        for inner in range(len(block) - 1):
            swapped = [*block[:inner], block[inner + 1], block[inner], *block[inner + 2 :]]
            found.append([*blocks[:index], swapped, *blocks[index + 1 :]])
    return found


# --- geometry --------------------------------------------------------------------------


def text_width(text: str, size: float) -> float:
    return CHARACTER_WIDTH * size * len(text)


@dataclass(frozen=True, slots=True)
class Placed:
    """Where each row and frame lies, top to bottom."""

    y: tuple[float, ...]  # each row's arrow
    tops: dict[int, float]  # a group (by index) -> its frame's top
    bottoms: dict[int, float]
    dividers: dict[tuple[int, int], float]  # (group, row) -> a divider's y
    height: float


def message_lines(message: Message) -> list[str]:
    # The number goes before the first line: it never takes a line of its own.
    first, *rest = wrap(message.label, MESSAGE_WRAP, LABEL_LINES)
    return [f"{message.number}. {first}", *rest]


def row_height(row: Row) -> float:
    if isinstance(row, Wait):
        return 34.0
    lines = len(message_lines(row))
    extra = 16.0 if row.source == row.target else 0.0
    return lines * 14.0 + (14.0 if row.duration else 4.0) + 14.0 + extra


def place_rows(view: SequenceView, top: float) -> Placed:
    starts: dict[int, list[int]] = defaultdict(list)
    ends: dict[int, list[int]] = defaultdict(list)
    splits: dict[int, list[int]] = defaultdict(list)
    for index, group in enumerate(view.groups):
        starts[group.first].append(index)
        ends[group.last].append(index)
        for branch_row, _ in group.branches:
            splits[branch_row].append(index)
    y = top
    ys: list[float] = []
    tops: dict[int, float] = {}
    bottoms: dict[int, float] = {}
    dividers: dict[tuple[int, int], float] = {}
    for number, row in enumerate(view.rows):
        for index in sorted(starts[number], key=lambda i: view.groups[i].depth):
            tops[index] = y
            y += TAB
        for index in splits[number]:
            if number != view.groups[index].first:
                dividers[(index, number)] = y
            y += DIVIDER
        height = row_height(row)
        label_room = height - 14.0 - (14.0 if isinstance(row, Message) and row.duration else 0.0)
        ys.append(y + (label_room if isinstance(row, Message) else 10.0))
        y += height
        for index in sorted(ends[number], key=lambda i: -view.groups[i].depth):
            y += FRAME_END
            bottoms[index] = y
    return Placed(tuple(ys), tops, bottoms, dividers, y)


def column_x(participants: tuple[Participant, ...], rows: Iterable[Row]) -> dict[str, float]:
    """Each column's centre: far enough apart for the cards and for the
    labels of the messages between neighbours."""
    index = {p.id: i for i, p in enumerate(participants)}
    need = [float(MIN_GAP)] * max(len(participants) - 1, 0)
    for row in rows:
        if not isinstance(row, Message) or row.source == row.target:
            continue
        low, high = sorted((index[row.source], index[row.target]))
        if high - low == 1:
            widest = max(text_width(line, LABEL_SIZE) for line in message_lines(row))
            need[low] = min(float(MAX_GAP), max(need[low], widest + 24))
    for i in range(len(need)):
        if participants[i].cluster != participants[i + 1].cluster:
            need[i] += SYSTEM_GAP
    xs: dict[str, float] = {}
    x = MARGIN + 8 + CARD_WIDTH / 2
    for i, participant in enumerate(participants):
        xs[participant.id] = x
        x += need[i] if i < len(need) else 0
    return xs


# --- drawing -------------------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _text(x: float, y: float, text: str, size: float, anchor: str = "start", **attrs: str) -> str:
    # Attributes in Graphviz' order, so that svg.text_faults measures this text too.
    extra = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{value}"' for name, value in attrs.items()
    )
    return (
        f'<text text-anchor="{anchor}" x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" '
        f'font-size="{size}"{extra}>{_e(text)}</text>'
    )


def sequence_svg(view: SequenceView) -> str:
    """The diagram's SVG markup, with link placeholders for the page to resolve."""
    check_size(view)
    participants = ordered(view)
    xs = column_x(participants, view.rows)
    rows_top = MARGIN + CLUSTER_LABEL + CARD_HEIGHT + 18 + (22 if view.trigger else 0)
    placed = place_rows(view, rows_top)
    right = max([*xs.values(), 0.0]) + CARD_WIDTH / 2 + MARGIN + 8
    right = max(right, _self_labels_right(view, xs), _frames_right(view, xs))
    bottom = placed.height + (34 if view.total else 12)
    parts = [
        f'<svg class="archatlas-svg archatlas-sequence" xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink" width="{right:.0f}" height="{bottom:.0f}" '
        f'viewBox="0 0 {right:.0f} {bottom:.0f}">',
        f"<title>{_e(view.title)}</title>",
    ]
    parts += _clusters(view, participants, xs, bottom)
    parts += _lifelines(participants, xs, bottom)
    if view.trigger:
        parts.append(
            _text(
                MARGIN, rows_top - 12, f"Trigger: {view.trigger}", SMALL_SIZE, font_style="italic"
            )
        )
    parts += _frames(view, xs, placed)
    prefix = id_prefix(view.key)
    for number, (row, y) in enumerate(zip(view.rows, placed.y, strict=True)):
        if isinstance(row, Message):
            parts += _message(row, xs, y, f"{prefix}r{number}")
        else:
            parts += _wait(row, xs, y)
    parts += _cards(participants, xs, prefix)
    if view.total:
        parts.append(_text(MARGIN, bottom - 12, view.total, LABEL_SIZE, font_weight="bold"))
    parts.append("</svg>")
    return "\n".join(parts)


def _self_labels_right(view: SequenceView, xs: dict[str, float]) -> float:
    """How far the labels of messages to oneself reach, right of their lifeline."""
    return (
        max(
            (
                xs[row.source]
                + SELF_LOOP
                + 6
                + max(text_width(t, LABEL_SIZE) for t in message_lines(row))
                for row in view.rows
                if isinstance(row, Message) and row.source == row.target
            ),
            default=0.0,
        )
        + MARGIN
    )


def _frame_edges(group: Group, view: SequenceView, xs: dict[str, float]) -> tuple[float, float]:
    """A frame's left and right: around the lifelines of what happens in it,
    inset by how deep it is nested."""
    involved = _involved(view.rows[group.first : group.last + 1])
    centres = [xs[pid] for pid in involved if pid in xs] or [min(xs.values(), default=0.0)]
    inside = [g.depth for g in view.groups if group.first <= g.first and g.last <= group.last]
    margin = FRAME_MARGIN + FRAME_STEP * (max(inside, default=group.depth) - group.depth)
    left, right = min(centres) - margin, max(centres) + margin
    return left, max(right, left + text_width(frame_tab(group), SMALL_SIZE) + 24)


def frame_tab(group: Group) -> str:
    """The words in a frame's tab: its kind, what it waits for, how long it takes."""
    words = [group.kind, group.label, group.duration]
    return wrap(" · ".join(word for word in words if word), 60, 1)[0]


FRAME_MARGIN = 40  # from the outermost lifeline in a frame to its side
FRAME_STEP = 7  # more for each frame nested inside it


def _frames_right(view: SequenceView, xs: dict[str, float]) -> float:
    return max((_frame_edges(g, view, xs)[1] for g in view.groups), default=0.0) + MARGIN


def _clusters(
    view: SequenceView, participants: tuple[Participant, ...], xs: dict[str, float], bottom: float
) -> list[str]:
    labels = {cluster.id: cluster.label for cluster in view.clusters}
    found: list[str] = []
    members: dict[str, list[float]] = defaultdict(list)
    for participant in participants:
        if participant.cluster in labels:
            members[participant.cluster].append(xs[participant.id])
    for cluster_id, centres in members.items():
        left = min(centres) - CARD_WIDTH / 2 - 8
        width = max(centres) - min(centres) + CARD_WIDTH + 16
        found += [
            '<g class="cluster" aria-hidden="true">',
            f'<path d="M{left:.1f},{MARGIN} h{width:.1f} V{bottom - 4:.1f} H{left:.1f} Z" '
            f'fill="#F6F8FA" stroke="{CARD_BORDER}" stroke-dasharray="4 3"/>',
            _text(left + 6, MARGIN + 14, wrap(labels[cluster_id], 30, 1)[0], CAPTION_SIZE),
            "</g>",
        ]
    return found


def _lifelines(
    participants: tuple[Participant, ...], xs: dict[str, float], bottom: float
) -> list[str]:
    top = MARGIN + CLUSTER_LABEL + CARD_HEIGHT
    return [
        f'<path class="archatlas-lifeline" d="M{xs[p.id]:.1f},{top} V{bottom - 8:.1f}" '
        f'stroke="{LINE}" stroke-width="1" stroke-dasharray="2 4" aria-hidden="true"/>'
        for p in participants
    ]


def _cards(participants: tuple[Participant, ...], xs: dict[str, float], prefix: str) -> list[str]:
    found: list[str] = []
    top = MARGIN + CLUSTER_LABEL
    for participant in participants:
        x = xs[participant.id]
        name = wrap(participant.label, NAME_WRAP, 2)
        caption = wrap(participant.caption, CAPTION_WRAP, 1)[0]
        name_y = top + (22 if len(name) == 1 else 18)
        lines = [
            _text(
                x,
                name_y + 14 * i,
                line,
                NAME_SIZE,
                anchor="middle",
                font_weight="bold",
                fill=TEXT,
            )
            for i, line in enumerate(name)
        ]
        found += [
            f'<g id="{prefix}n~{_e(participant.id)}" class="node" data-node="{_e(participant.id)}" '
            'role="listitem">',
            f'<a xlink:href="{LINK_PREFIX}{_e(participant.link)}" '
            f'xlink:title="{_e(participant.label)}">',
            _box(x - CARD_WIDTH / 2, top, x + CARD_WIDTH / 2, top + CARD_HEIGHT),
            *lines,
            _text(
                x,
                top + CARD_HEIGHT - 7,
                caption,
                CAPTION_SIZE,
                anchor="middle",
                fill="#57606A",
            ),
            "</a>",
            "</g>",
        ]
    return found


def _box(left: float, top: float, right: float, bottom: float) -> str:
    """A card's outline, as the polygon that svg.text_faults reads a card's box from."""
    corners = " ".join(
        f"{x:.1f},{y:.1f}" for x, y in ((left, top), (right, top), (right, bottom), (left, bottom))
    )
    return (
        f'<polygon points="{corners}" fill="{CARD_FILL}" stroke="{CARD_BORDER}" '
        'stroke-linejoin="round"/>'
    )


def _frames(view: SequenceView, xs: dict[str, float], placed: Placed) -> list[str]:
    found: list[str] = []
    for index, group in enumerate(view.groups):
        left, right = _frame_edges(group, view, xs)
        top, bottom = placed.tops[index], placed.bottoms[index]
        tab = frame_tab(group)
        tab_width = text_width(tab, SMALL_SIZE) + 14
        found += [
            f'<g class="archatlas-frame" data-kind="{group.kind}" aria-hidden="true">',
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" '
            f'height="{bottom - top:.1f}" fill="none" stroke="{FRAME}" stroke-width="1"/>',
            f'<path d="M{left:.1f},{top:.1f} h{tab_width:.1f} v12 l-6,6 H{left:.1f} Z" '
            f'fill="{CARD_FILL}" stroke="{FRAME}" stroke-width="1"/>',
            _text(
                left + 5,
                top + 13,
                tab,
                SMALL_SIZE,
                font_weight="bold",
                fill=TEXT,
                class_="archatlas-tab",
            ),
        ]
        for row, label in group.branches:
            y = placed.dividers.get((index, row))
            if y is not None:
                found.append(
                    f'<path d="M{left:.1f},{y:.1f} H{right:.1f}" stroke="{FRAME}" '
                    'stroke-dasharray="6 4"/>'
                )
            label_y = (y if y is not None else top + TAB) + 14
            if label:
                found.append(_text(left + 8, label_y, f"[{wrap(label, 50, 1)[0]}]", SMALL_SIZE))
        found.append("</g>")
    return found


def _involved(rows: Iterable[Row]) -> set[str]:
    found: set[str] = set()
    for row in rows:
        if isinstance(row, Message):
            found.update((row.source, row.target))
        else:
            found.add(row.participant)
    return found


DASH = {"call": "", "event": "", "async": "7 4", "reply": "2 3"}


def _message(message: Message, xs: dict[str, float], y: float, element_id: str) -> list[str]:
    x1, x2 = xs[message.source], xs[message.target]
    dash = DASH[message.style]
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    lines = message_lines(message)
    found = [
        f'<g id="{element_id}" class="edge archatlas-step" data-source="{_e(message.source)}" '
        f'data-target="{_e(message.target)}" data-style="{message.style}" aria-hidden="true">',
        f"<title>{_e(message.detail or ' '.join(lines))}</title>",
    ]
    if x1 == x2:  # to itself: out to the right and back
        end_y = y + 16
        found.append(
            f'<path d="M{x1:.1f},{y:.1f} h{SELF_LOOP} V{end_y:.1f} H{x1 + 6:.1f}" fill="none" '
            f'stroke="{LINE}" stroke-width="1.5"{dashed}/>'
        )
        found.append(_head(x1 + 1, end_y, -1, message.style))
        text_x, anchor = x1 + SELF_LOOP + 6, "start"
        label_bottom = y - 4
    else:
        direction = 1 if x2 > x1 else -1
        found.append(
            f'<path d="M{x1:.1f},{y:.1f} H{x2 - direction * 2:.1f}" fill="none" '
            f'stroke="{LINE}" stroke-width="1.5"{dashed}/>'
        )
        found.append(_head(x2, y, direction, message.style))
        text_x, anchor = (x1 + x2) / 2, "middle"
        label_bottom = y - 5
        end_y = y
    for i, line in enumerate(lines):
        line_y = label_bottom - 14 * (len(lines) - 1 - i)
        found.append(_text(text_x, line_y, line, LABEL_SIZE, anchor=anchor))
    if message.duration:
        found.append(
            _text(
                text_x,
                end_y + 13,
                message.duration,
                SMALL_SIZE,
                anchor=anchor,
                font_style="italic",
            )
        )
    found.append("</g>")
    return found


def _head(x: float, y: float, direction: int, style: str) -> str:
    """An arrowhead at (x, y) pointing `direction`: filled for a call or an
    event, open for asynchronous work and replies."""
    back = x - direction * 9
    points = f"{back:.1f},{y - 4.5:.1f} {x:.1f},{y:.1f} {back:.1f},{y + 4.5:.1f}"
    if style in ("call", "event"):
        return f'<polygon points="{points}" fill="{LINE}" stroke="{LINE}"/>'
    return f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="1.5"/>'


def _wait(wait: Wait, xs: dict[str, float], y: float) -> list[str]:
    x = xs[wait.participant]
    top = y - 8
    return [
        f'<g class="archatlas-wait" data-participant="{_e(wait.participant)}" aria-hidden="true">',
        f'<rect x="{x - 5:.1f}" y="{top:.1f}" width="10" height="24" fill="{WAIT_FILL}" '
        f'stroke="{WAIT_BORDER}" stroke-dasharray="3 2"/>',
        f'<circle cx="{x + 16:.1f}" cy="{top + 12:.1f}" r="6" fill="none" stroke="{WAIT_BORDER}"/>',
        f'<path d="M{x + 16:.1f},{top + 8:.1f} V{top + 12:.1f} h3" fill="none" '
        f'stroke="{WAIT_BORDER}"/>',
        _text(x + 26, top + 16, wrap(wait.label, 40, 1)[0], SMALL_SIZE, font_style="italic"),
        "</g>",
    ]


def sequence_file(view: SequenceView) -> bytes:
    """The diagram as a file of its own: no page to resolve its links against."""
    markup = sequence_svg(view).replace(f'"{LINK_PREFIX}', '"#')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + markup + "\n").encode("utf-8")
