"""What the checks, the views and the pages read from a flow: its items in
order with where each is written, its participants, and its end-to-end
duration along the critical path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from . import durations
from .flow_format import (
    Alternatives,
    Branch,
    Callback,
    Flow,
    FlowItem,
    Loop,
    Parallel,
    Step,
    Wait,
)
from .model import Architecture

Path = tuple[str | int, ...]  # where an item is written, as model.find_node reads it


@dataclass(frozen=True, slots=True)
class Visited:
    item: FlowItem
    path: Path
    enclosing: tuple[FlowItem, ...]  # the groups around it, outermost first

    @property
    def depth(self) -> int:
        return len(self.enclosing)


def walk(flow: Flow) -> Iterator[Visited]:
    """Every item of the flow, groups before what they hold, in order."""
    yield from _walk(flow.steps, ("steps",), ())


def _walk(items: tuple[FlowItem, ...], at: Path, around: tuple[FlowItem, ...]) -> Iterator[Visited]:
    for index, item in enumerate(items):
        path = (*at, index)
        yield Visited(item, path, around)
        inner = (*around, item)
        if isinstance(item, Loop | Callback):
            yield from _walk(item.steps, (*path, "steps"), inner)
        elif isinstance(item, Alternatives | Parallel):
            key = "alternatives" if isinstance(item, Alternatives) else "parallel"
            for number, branch in enumerate(branches(item)):
                yield from _walk(branch.steps, (*path, key, number, "steps"), inner)


def branches(item: Alternatives | Parallel) -> tuple[Branch, ...]:
    return item.alternatives if isinstance(item, Alternatives) else item.parallel


def steps(flow: Flow) -> list[Visited]:
    return [visited for visited in walk(flow) if isinstance(visited.item, Step)]


def participants(flow: Flow) -> list[str]:
    """The ids that take part, in the order they first appear."""
    found: dict[str, None] = {}
    if flow.trigger and flow.trigger.actor:
        found[flow.trigger.actor] = None
    for visited in walk(flow):
        item = visited.item
        if isinstance(item, Step):
            found.setdefault(item.source)
            found.setdefault(item.to)
        elif isinstance(item, Wait) and item.by:
            found.setdefault(item.by)
    return list(found)


@dataclass(frozen=True, slots=True)
class Total:
    seconds: float
    unknown: int  # steps on the way with no duration (counted as nothing)

    def __str__(self) -> str:
        said = f"End to end: {durations.shown(self.seconds)} along the critical path"
        if self.unknown:
            said += f" ({self.unknown} without a duration)"
        return said


def total(flow: Flow) -> Total:
    """The end-to-end duration: steps one after another add up; of parallel
    work and of alternatives, the longest branch counts; a group that says
    how long it takes counts as that, otherwise as its steps once."""
    return _sequence(flow.steps)


def _sequence(items: tuple[FlowItem, ...]) -> Total:
    seconds, unknown = 0.0, 0
    for item in items:
        part = _item(item)
        seconds += part.seconds
        unknown += part.unknown
    return Total(seconds, unknown)


def _item(item: FlowItem) -> Total:
    declared = _seconds(getattr(item, "duration", None))
    if isinstance(item, Wait):
        return Total(_seconds(item.wait) or 0.0, 0)
    if declared is not None:
        return Total(declared, 0)
    if isinstance(item, Step):
        return Total(0.0, 1)
    if isinstance(item, Loop | Callback):
        return _sequence(item.steps)
    assert isinstance(item, Alternatives | Parallel)
    options = [_sequence(branch.steps) for branch in branches(item)]
    return max(options, key=lambda option: (option.seconds, -option.unknown), default=Total(0, 0))


def _seconds(text: str | None) -> float | None:
    parsed = durations.parse(text) if text else None
    return parsed.seconds if parsed else None


def waits_for(flow: Flow, vendor: str) -> bool:
    """Whether the flow waits for work at `vendor`: a loop that polls it, or a
    callback that comes from it."""
    return any(finishes(v, vendor, flow) for v in walk(flow) if isinstance(v.item, Loop | Callback))


def finishes(group: Visited, vendor: str, flow: Flow) -> bool:
    inner = [
        v.item
        for v in walk(flow)
        if isinstance(v.item, Step) and any(outer is group.item for outer in v.enclosing)
    ]
    if isinstance(group.item, Loop):
        return any(vendor in (step.source, step.to) for step in inner)
    return isinstance(group.item, Callback) and any(step.source == vendor for step in inner)


@dataclass(frozen=True, slots=True)
class StepRow:
    """A step as the flow's page lists it."""

    number: int
    source: str
    target: str
    verb: str
    sends: str
    duration: str
    group: str  # the frames it is in, outermost first


def step_rows(flow: Flow) -> list[StepRow]:
    rows = []
    for number, visited in enumerate(steps(flow), start=1):
        step = visited.item
        assert isinstance(step, Step)
        inside = step.source == step.to and not step.verb  # work inside one element
        verb = "replies" if step.reply else ("" if inside else step.verb or "uses")
        rows.append(
            StepRow(
                number,
                step.source,
                step.to,
                verb + (" (async)" if step.is_async else ""),
                step.sends or "",
                step.duration or "",
                INSIDE.join(_frame_name(group) for group in visited.enclosing),
            )
        )
    return rows


INSIDE = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "  # between nested frames


def _frame_name(group: FlowItem) -> str:
    """A frame in a word: the table stays narrow, the diagram says the rest."""
    if isinstance(group, Loop | Callback):
        return "loop" if isinstance(group, Loop) else "callback"
    return "alternatives" if isinstance(group, Alternatives) else "parallel"


def trigger_text(arch: Architecture, flow: Flow) -> str:
    trigger = flow.trigger
    if trigger is None:
        return ""
    said = []
    if trigger.schedule:
        said.append(f"schedule {trigger.schedule}")
    if trigger.actor:
        actor = arch.get(trigger.actor)
        said.append(actor.title if actor else trigger.actor)
    if trigger.event:
        said.append(trigger.event)
    return "; ".join(said)
