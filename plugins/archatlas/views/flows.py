"""The views of a flow: its sequence diagram, and its steps numbered over
the graph of its participants (a dynamic view, as Structurizr draws one)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..flow_format import (
    Alternatives,
    Callback,
    Flow,
    FlowItem,
    Loop,
    Parallel,
    Step,
    Wait,
)
from ..flows import branches, participants, total, trigger_text
from ..format import Element
from ..model import Architecture
from .graph import View, ViewEdge, cluster_for, element_node, view_clusters
from .sequence import (
    Cluster,
    Group,
    GroupKind,
    Message,
    MessageStyle,
    Participant,
    Row,
    SequenceView,
)
from .sequence import Wait as WaitRow


def _flow(arch: Architecture, flow_id: str) -> Flow:
    flow = arch.by_id[flow_id]
    assert isinstance(flow, Flow)
    return flow


def style(arch: Architecture, step: Step, in_callback: bool) -> MessageStyle:
    """How a step is drawn: a reply or callback against its relation, an event
    delivered to a subscriber, asynchronous work, or a call that waits."""
    if step.reply or (in_callback and _declared(arch, step.to, step.source)):
        return "reply"
    if not _declared(arch, step.source, step.to) and _subscribed(arch, step):
        return "event"
    return "async" if step.is_async else "call"


def _declared(arch: Architecture, source: str, target: str) -> bool:
    element = arch.get(source)
    return element is not None and any(r.to == target for r in element.uses)


def _subscribed(arch: Architecture, step: Step) -> bool:
    element = arch.get(step.to)
    return element is not None and any(
        r.to == step.source and r.verb == "subscribes" for r in element.uses
    )


def step_label(step: Step) -> str:
    return step.sends or step.verb or "uses"


@dataclass
class _Rows:
    """Rows and frames as a flow's items are read, numbering its steps."""

    arch: Architecture
    rows: list[Row] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    last_sender: str = ""

    def add(self, items: tuple[FlowItem, ...], depth: int, in_callback: bool) -> None:
        for item in items:
            if isinstance(item, Step):
                self._step(item, in_callback)
            elif isinstance(item, Wait):
                self.rows.append(WaitRow(item.by or self.last_sender, f"waits {item.wait}"))
            elif isinstance(item, Loop | Callback):
                first = len(self.rows)
                self.add(item.steps, depth + 1, in_callback or isinstance(item, Callback))
                kind: GroupKind = "loop" if isinstance(item, Loop) else "callback"
                label = item.loop if isinstance(item, Loop) else item.callback
                if isinstance(item, Loop) and item.every:
                    label += f", every {item.every}"
                self._frame(Group(kind, label, first, -1, depth, item.duration or ""))
            else:
                self._branches(item, depth, in_callback)

    def _branches(self, item: Alternatives | Parallel, depth: int, in_callback: bool) -> None:
        first = len(self.rows)
        starts: list[tuple[int, str]] = []
        for branch in branches(item):
            starts.append((len(self.rows), branch.when or ""))
            self.add(branch.steps, depth + 1, in_callback)
        kind: GroupKind = "alternatives" if isinstance(item, Alternatives) else "parallel"
        self._frame(Group(kind, "", first, -1, depth, item.duration or "", tuple(starts)))

    def _frame(self, group: Group) -> None:
        last = len(self.rows) - 1
        if last >= group.first:  # a frame around nothing is not drawn
            kept = tuple((row, label) for row, label in group.branches if row <= last)
            self.groups.append(
                Group(group.kind, group.label, group.first, last, group.depth, group.duration, kept)
            )

    def _step(self, step: Step, in_callback: bool) -> None:
        number = sum(1 for row in self.rows if isinstance(row, Message)) + 1
        drawn = style(self.arch, step, in_callback)
        self.rows.append(
            Message(
                number,
                step.source,
                step.to,
                step_label(step),
                drawn,
                step.duration or "",
                detail(number, step),
            )
        )
        self.last_sender = step.source


def detail(number: int, step: Step) -> str:
    """A step in one line of prose, for tooltips."""
    words = f"{number}. {step.source} {step.verb or 'uses'} {step.to}"
    extras = [w for w in ("reply" if step.reply else "", "async" if step.is_async else "") if w]
    extras += [step.duration] if step.duration else []
    said = words + (f" ({', '.join(extras)})" if extras else "")
    return said + (f": {step.sends}" if step.sends else "")


def _participant(arch: Architecture, element: Element) -> Participant:
    node = element_node(arch, element)
    return Participant(element.id, node.label, node.caption, element.id, cluster_for(arch, element))


def sequence_view(arch: Architecture, flow_id: str) -> SequenceView:
    flow = _flow(arch, flow_id)
    known = [arch.by_id[pid] for pid in participants(flow) if pid in arch.by_id]
    found = _Rows(arch)
    found.add(flow.steps, 0, False)
    drawn = {element.id for element in known}
    rows = tuple(
        row
        for row in found.rows
        if (isinstance(row, Message) and {row.source, row.target} <= drawn)
        or (isinstance(row, WaitRow) and row.participant in drawn)
    )
    groups = tuple(found.groups) if len(rows) == len(found.rows) else ()
    people = tuple(_participant(arch, element) for element in known)
    clusters = tuple(
        Cluster(c, arch.by_id[c].title) for c in sorted({p.cluster for p in people if p.cluster})
    )
    notes = ("Click a card to open its page; hover an arrow for the step in full.",)
    return SequenceView(
        f"sequence/{flow_id}",
        flow.title,
        people,
        rows,
        groups,
        clusters,
        trigger_text(arch, flow),
        str(total(flow)),
        notes,
    )


def dynamic_view(arch: Architecture, flow_id: str) -> View:
    """The flow over the graph: its participants framed by system, and one
    line per ordered pair of them, labelled with the numbers of its steps."""
    sequence = sequence_view(arch, flow_id)
    nodes = tuple(
        element_node(arch, arch.by_id[p.id], cluster_for(arch, arch.by_id[p.id]))
        for p in sorted(sequence.participants, key=lambda p: p.id)
    )
    by_pair: dict[tuple[str, str], list[Message]] = defaultdict(list)
    for row in sequence.rows:
        if isinstance(row, Message) and row.source != row.target:
            by_pair[(row.source, row.target)].append(row)
    edges = tuple(_numbered(messages) for _, messages in sorted(by_pair.items()))
    notes = ("Numbers are the order of the steps, as in the sequence diagram above.",)
    return View(
        f"flow/{flow_id}",
        sequence.title,
        nodes,
        edges,
        view_clusters(arch, nodes),
        notes=notes,
    )


def _numbered(messages: list[Message]) -> ViewEdge:
    first = messages[0]
    numbers = ", ".join(str(m.number) for m in messages[:4])
    numbers += ", …" if len(messages) > 4 else ""
    label = f"{numbers}. {first.label}" if len(messages) == 1 else numbers
    asynchronous = all(m.style in ("async", "event", "reply") for m in messages)
    return ViewEdge(
        first.source,
        first.target,
        label,
        "async" if asynchronous else "sync",
        details=tuple(m.detail for m in messages),
    )
