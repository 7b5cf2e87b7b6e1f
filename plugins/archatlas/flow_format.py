"""The format of a flow: work that takes time, step by step.

A flow is an element of its own kind: a trigger, and ordered steps between
the elements that take part, each matching a declared relation. Steps can
be grouped the way the platforms' work is: polled until done (`loop`), a
`callback`, `alternatives` (on failure), work in `parallel`. A `wait` is a
pause of one participant. Each item of `steps` is told apart by its first
key, so that a mistake in one is reported in the words of that one.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from .format import Element, Id, Strict, Text, Verb

# What a flow may hold and still be drawn: beyond these a sequence diagram is
# no longer readable (flow-too-large), and the renderer refuses it.
MAX_ROWS = 400  # steps and waits
MAX_PARTICIPANTS = 40
MAX_DEPTH = 8  # groups inside groups

DurationText = Annotated[
    str, Field(min_length=1, description="e.g. 30s, p95 4min (see the duration grammar)")
]


class Trigger(Strict):
    """What starts the flow: a schedule, an actor, or an event."""

    schedule: str | None = Field(None, description="cron expression or prose")
    actor: Id | None = Field(None, description="id of the element that starts it")
    event: str | None = Field(None, description="the event that starts it")


class Step(Strict):
    source: Id = Field(alias="from", description="id of the element that sends")
    to: Id = Field(description="id of the element that receives")
    verb: Verb | None = Field(None, alias="as", description="the relation's verb")
    sends: str | None = Field(None, description="what is sent")
    is_async: bool = Field(False, alias="async", description="the sender does not wait")
    reply: bool = Field(False, description="an answer to an earlier step: runs against it")
    duration: DurationText | None = None


class Wait(Strict):
    wait: DurationText = Field(description="how long: 30s")
    by: Id | None = Field(None, description="who waits; the sender of the step before")


class Loop(Strict):
    loop: Text = Field(description="until when: 'until the operation is done'")
    every: DurationText | None = Field(None, description="the time between two rounds")
    duration: DurationText | None = Field(None, description="how long until done")
    steps: tuple[FlowItem, ...] = ()


class Callback(Strict):
    callback: Text = Field(description="what the callback says: 'when the job is done'")
    duration: DurationText | None = Field(None, description="how long until it comes")
    steps: tuple[FlowItem, ...] = ()


class Branch(Strict):
    when: str | None = Field(None, description="the condition of this branch")
    steps: tuple[FlowItem, ...] = ()


class Alternatives(Strict):
    alternatives: tuple[Branch, ...] = Field((), description="one of them runs")
    duration: DurationText | None = None


class Parallel(Strict):
    parallel: tuple[Branch, ...] = Field((), description="they run at once")
    duration: DurationText | None = None


Group = Loop | Callback | Alternatives | Parallel
GROUP_KEYS = ("loop", "callback", "alternatives", "parallel")
ItemKind = Literal["step", "wait", "loop", "callback", "alternatives", "parallel"]

# Tags name each item's model in validation errors; '~' cannot start a
# field's name, so model.py leaves them out of the paths it shows.
TAG = "~"


def item_kind(value: Any) -> str:
    """Which model an item of `steps` is, by its keys: a step by default."""
    keys = value.keys() if isinstance(value, dict) else dir(value)
    for name in ("wait", *GROUP_KEYS):
        if name in keys:
            return TAG + name
    return TAG + "step"


FlowItem = Annotated[
    Annotated[Step, Tag(TAG + "step")]
    | Annotated[Wait, Tag(TAG + "wait")]
    | Annotated[Loop, Tag(TAG + "loop")]
    | Annotated[Callback, Tag(TAG + "callback")]
    | Annotated[Alternatives, Tag(TAG + "alternatives")]
    | Annotated[Parallel, Tag(TAG + "parallel")],
    Discriminator(item_kind),
]

for _model in (Loop, Callback, Branch, Alternatives, Parallel):
    _model.model_rebuild()


class Flow(Element):
    kind: Literal["flow"]
    trigger: Trigger | None = None
    steps: tuple[FlowItem, ...] = Field((), description="in the order they happen")


# The models behind each nested field name or tag, for messages that name
# the mapping a mistake is in (see format.NESTED).
FLOW_NESTED: dict[str, tuple[type[Strict], str]] = {
    "trigger": (Trigger, "a trigger"),
    TAG + "step": (Step, "a step"),
    TAG + "wait": (Wait, "a wait"),
    TAG + "loop": (Loop, "a loop"),
    TAG + "callback": (Callback, "a callback"),
    TAG + "alternatives": (Alternatives, "alternatives"),
    TAG + "parallel": (Parallel, "parallel steps"),
    "alternatives": (Branch, "a branch"),
    "parallel": (Branch, "a branch"),
}
