"""Rules on flows: each step is a declared relation, long-running work is
waited for, durations follow the grammar and agree with vendors' latency.

A flow too large to draw gets that one finding and no other: ten thousand
steps would otherwise bury it under ten thousand more.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .. import durations
from ..findings import Finding, Location, did_you_mean, finding, plural
from ..flow_format import (
    MAX_DEPTH,
    MAX_PARTICIPANTS,
    MAX_ROWS,
    Callback,
    Flow,
    Loop,
    Step,
    Wait,
)
from ..flows import Visited, finishes, participants, walk
from ..format import Relation, Vendor
from ..model import Architecture
from .flows_rules import (
    BAD_DURATION,
    FLOW_AGAINST_RELATION,
    FLOW_LATENCY,
    FLOW_STEP_VERB,
    FLOW_TOO_LARGE,
    FLOW_UNDECLARED_STEP,
    FLOW_UNFINISHED,
    FLOW_UNKNOWN_PARTICIPANT,
)

# A step's verb and a relation's verb that say the same thing: a ledger is
# queried where a datastore is read.
SAME_VERB = {frozenset(("reads", "queries"))}


def check_flows(arch: Architecture, root: Path) -> Iterator[Finding]:
    for flow in arch.of_kind("flow"):
        assert isinstance(flow, Flow)
        visited = list(walk(flow))
        too_large = _too_large(arch, flow, visited)
        if too_large is not None:
            yield too_large
            continue
        yield from _durations(arch, flow, visited)
        yield from _participants(arch, flow, visited)
        yield from _steps(arch, flow, visited)
        yield from _unfinished(arch, flow, visited)
        yield from _latencies(arch, flow, visited)


def _too_large(arch: Architecture, flow: Flow, visited: list[Visited]) -> Finding | None:
    rows = sum(1 for v in visited if isinstance(v.item, Step | Wait))
    deep = next((v for v in visited if v.depth >= MAX_DEPTH and _is_group(v)), None)
    taking_part = len(participants(flow))
    at: tuple[str | int, ...] = ("steps",)
    if rows > MAX_ROWS:
        problem = f"has {plural(rows, 'step')}, more than the {MAX_ROWS} a diagram draws"
    elif taking_part > MAX_PARTICIPANTS:
        problem = f"has {taking_part} participants, more than the {MAX_PARTICIPANTS} drawn"
    elif deep is not None:
        problem, at = f"nests groups more than {MAX_DEPTH} deep", deep.path
    else:
        return None
    return finding(
        FLOW_TOO_LARGE,
        arch.locate(flow.id, *at),
        f"the flow '{flow.id}' {problem}",
        "split it into several flows, each a part of the work",
        flow.id,
    )


def _is_group(visited: Visited) -> bool:
    return not isinstance(visited.item, Step | Wait)


def _durations(arch: Architecture, flow: Flow, visited: list[Visited]) -> Iterator[Finding]:
    for v in visited:
        for name in ("duration", "every", "wait"):
            text = getattr(v.item, name, None)
            if isinstance(text, str) and durations.parse(text) is None:
                yield finding(
                    BAD_DURATION,
                    arch.locate(flow.id, *v.path, name),
                    f"{name}: '{text}' is not a duration",
                    "write an amount and a unit (ms, s, min, h, d), "
                    "after a percentile if it is one: 30s, p95 4min",
                    flow.id,
                )


def _participants(arch: Architecture, flow: Flow, visited: list[Visited]) -> Iterator[Finding]:
    named: list[tuple[str, tuple[str | int, ...]]] = []
    if flow.trigger and flow.trigger.actor:
        named.append((flow.trigger.actor, ("trigger", "actor")))
    for v in visited:
        if isinstance(v.item, Step):
            named += [(v.item.source, (*v.path, "from")), (v.item.to, (*v.path, "to"))]
        elif isinstance(v.item, Wait) and v.item.by:
            named.append((v.item.by, (*v.path, "by")))
    for element_id, path in named:
        if element_id not in arch.by_id and not arch.may_exist(element_id):
            yield finding(
                FLOW_UNKNOWN_PARTICIPANT,
                arch.locate(flow.id, *path),
                f"no element has the id '{element_id}'{did_you_mean(element_id, arch.by_id)}",
                "a flow's steps go between elements of the architecture",
                flow.id,
            )


def _known(arch: Architecture, step: Step) -> bool:
    return step.source in arch.by_id and step.to in arch.by_id


def relations(arch: Architecture, source: str, target: str) -> list[Relation]:
    return [relation for relation in arch.by_id[source].uses if relation.to == target]


def compatible(step: Step, relation: Relation) -> bool:
    if step.verb is None or relation.verb is None or step.verb == relation.verb:
        return True
    return frozenset((step.verb, relation.verb)) in SAME_VERB


def matched(arch: Architecture, v: Visited) -> tuple[list[Relation], bool]:
    """The relations a step stands for, and whether it runs against them: a
    reply, an event delivered to a subscriber, or a callback."""
    step = v.item
    assert isinstance(step, Step)
    forward = relations(arch, step.source, step.to)
    backward = relations(arch, step.to, step.source)
    if step.reply:
        return backward, True
    if forward:
        return forward, False
    in_callback = any(isinstance(group, Callback) for group in v.enclosing)
    against = [r for r in backward if r.verb == "subscribes" or in_callback]
    return against, True


def _steps(arch: Architecture, flow: Flow, visited: list[Visited]) -> Iterator[Finding]:
    for v in visited:
        step = v.item
        if not isinstance(step, Step) or not _known(arch, step) or step.source == step.to:
            continue
        if _maybe_declared(arch, step):
            continue  # a document left out may hold the relation: its own finding tells it
        found, _ = matched(arch, v)
        where = arch.locate(flow.id, *v.path)
        if not found:
            yield _undeclared(arch, flow, step, where)
        elif not any(compatible(step, relation) for relation in found):
            verbs = sorted({relation.verb or "uses" for relation in found})
            yield finding(
                FLOW_STEP_VERB,
                arch.locate(flow.id, *v.path, "as"),
                f"the step {step.source} → {step.to} '{step.verb}', but the relation it stands "
                f"for {'says' if len(verbs) == 1 else 'say'} '{', '.join(verbs)}'",
                f"write as: {verbs[0]}, or declare the relation with the verb the step uses",
                flow.id,
            )


def _maybe_declared(arch: Architecture, step: Step) -> bool:
    """Whether the step's relation may be in a part of the architecture that
    its mistakes kept out of the model."""
    return arch.may_be_used(step.to) or arch.may_be_used(step.source)


def _undeclared(arch: Architecture, flow: Flow, step: Step, where: Location) -> Finding:
    if not step.reply and relations(arch, step.to, step.source):
        return finding(
            FLOW_AGAINST_RELATION,
            where,
            f"the step {step.source} → {step.to} runs against the relation "
            f"{step.to} → {step.source}",
            "mark it `reply: true` if it answers an earlier step, put it in a `callback`, "
            f"or declare the relation in {step.source}'s uses",
            flow.id,
        )
    source, target = (step.to, step.source) if step.reply else (step.source, step.to)
    verb = step.verb or "calls"
    return finding(
        FLOW_UNDECLARED_STEP,
        where,
        f"no relation {source} → {target} for the "
        f"{'reply' if step.reply else 'step'} {step.source} → {step.to}",
        f"declare it in {source}'s uses: - to: {target}, as: {verb}",
        flow.id,
    )


def _long_running(arch: Architecture, element_id: str) -> bool:
    element = arch.get(element_id)
    return isinstance(element, Vendor) and element.mode == "long-running"


def _finishes(group: Visited, vendor: str, flow: Flow) -> bool:
    return finishes(group, vendor, flow)


def _unfinished(arch: Architecture, flow: Flow, visited: list[Visited]) -> Iterator[Finding]:
    for index, v in enumerate(visited):
        step = v.item
        if not isinstance(step, Step) or step.reply or not _long_running(arch, step.to):
            continue
        if not _known(arch, step) or any(isinstance(g, Loop | Callback) for g in v.enclosing):
            continue  # a step inside a loop or callback is the waiting itself
        found, _ = matched(arch, v)
        if not (step.is_async or any(relation.is_async for relation in found)):
            continue
        later = visited[index + 1 :]
        if any(_finishes(group, step.to, flow) for group in later):
            continue
        yield finding(
            FLOW_UNFINISHED,
            arch.locate(flow.id, *v.path),
            f"'{step.to}' works in long-running mode, and nothing in the flow waits "
            f"for the work that {step.source} starts here",
            f"after this step, poll it in a `loop` with a step to {step.to}, "
            f"or add a `callback` with a step from {step.to}",
            flow.id,
        )


def _latencies(arch: Architecture, flow: Flow, visited: list[Visited]) -> Iterator[Finding]:
    for v in visited:
        text = getattr(v.item, "duration", None)
        said = durations.parse(text) if isinstance(text, str) else None
        if said is None:
            continue
        for vendor in _vendors_timed(arch, v, flow):
            latency = durations.parse(vendor.latency or "")
            if latency is None or not _comparable(said, latency) or said.agrees(latency):
                continue
            yield finding(
                FLOW_LATENCY,
                arch.locate(flow.id, *v.path, "duration"),
                f"duration: {text} does not agree with the latency of '{vendor.id}' "
                f"({vendor.latency})",
                f"within a factor of {durations.TOLERANCE:g} they agree: correct the flow "
                "or the vendor's latency",
                flow.id,
            )


def _comparable(one: durations.Duration, other: durations.Duration) -> bool:
    return one.percentile is None or other.percentile is None or one.percentile == other.percentile


def _vendors_timed(arch: Architecture, v: Visited, flow: Flow) -> list[Vendor]:
    """The vendors whose latency an item's duration states: a step's, for a
    vendor that answers at once; a loop's or callback's, for the
    long-running vendor it waits for."""
    item = v.item
    if isinstance(item, Step):
        target = arch.get(item.to)
        if isinstance(target, Vendor) and target.mode != "long-running" and not item.reply:
            return [target]
        return []
    if isinstance(item, Loop | Callback):
        found = {
            element.id: element
            for element in arch.of_kind("vendor")
            if isinstance(element, Vendor)
            and element.mode == "long-running"
            and _finishes(v, element.id, flow)
        }
        return [found[key] for key in sorted(found)]
    return []
