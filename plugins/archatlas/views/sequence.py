"""What a sequence diagram draws, as plain immutable data.

A sequence is a row of participants (each a card linking to its element's
page, framed by its system), the messages between them in the order they
happen, the waits on a participant's lifeline, and the frames that group
rows: a loop polled until done, a callback, alternatives, work in parallel.
It knows nothing of the drawing: `render/sequence.py` lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# call: a call that waits for its answer; async: fire-and-forget or the start
# of long-running work; reply: an answer, or a callback, against the call's
# direction; event: an event delivered to a subscriber.
MessageStyle = Literal["call", "async", "reply", "event"]
GroupKind = Literal["loop", "callback", "alternatives", "parallel"]


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    label: str
    caption: str  # what it is: kind or role
    link: str  # the element id whose page the card opens
    cluster: str | None = None  # its system's id


@dataclass(frozen=True, slots=True)
class Message:
    """One step: a message from one participant to another (or to itself)."""

    number: int  # the step's number, shown before its label
    source: str
    target: str
    label: str
    style: MessageStyle
    duration: str = ""  # as written: "p95 4min"
    detail: str = ""  # the tooltip: the step in one line of prose


@dataclass(frozen=True, slots=True)
class Wait:
    """A participant waiting: a pause drawn on its lifeline."""

    participant: str
    label: str  # "waits 30s"


Row = Message | Wait


@dataclass(frozen=True, slots=True)
class Group:
    """A frame around rows `first` to `last` (inclusive, indexes of `rows`).

    `branches` are the rows where a new branch starts (alternatives and
    parallel work), each with its label: a dashed line divides them."""

    kind: GroupKind
    label: str
    first: int
    last: int
    depth: int = 0  # how many frames enclose this one
    duration: str = ""
    branches: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Cluster:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class SequenceView:
    key: str  # "sequence/<flow id>"
    title: str
    participants: tuple[Participant, ...]  # in the order the diagram shows them
    rows: tuple[Row, ...]
    groups: tuple[Group, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    trigger: str = ""  # what starts the flow, drawn above the first row
    total: str = ""  # the end-to-end duration along the critical path
    notes: tuple[str, ...] = ()  # how to read it, for its legend
