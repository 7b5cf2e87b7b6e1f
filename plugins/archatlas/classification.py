"""Where each classification of data goes: the relations that carry it, the
datasets that hold it and the vendors it reaches, for the site's
classification page and its diagram.

What a relation carries is `sensitivity.relation_classification`, the same
function the checker's rules use, so the page and `archatlas check` cannot
disagree: its `data`, else its dataset's classification, else, for a data
lake named without `dataset`, the lake's highest; a read carries the
dataset's when that is higher than its `data`. A vendor handles the data of
every relation it is at either end of: one to the vendor, or one of the
vendor's own `uses` (what it reads, writes, calls...). Our element at the
other end is the boundary. Data recorded on a ledger channel reaches every
node of the network that serves or orders the channel
(`membership.channel_part`: the channels a node declares, or those derived
from its role).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .format import CLASSIFICATIONS, Classification, Datalake, Element, Ledger, Relation
from .membership import channel_part
from .model import Architecture, title_order
from .network import network_nodes
from .sensitivity import Carried, Origin, more_sensitive, relation_classification

# The page's order: the most sensitive first, then relations and datasets
# that declare no classification.
LEVELS: tuple[Classification | None, ...] = (*reversed(CLASSIFICATIONS), None)
# The levels whose flows the diagram draws.
SENSITIVE: frozenset[Classification] = frozenset({"confidential", "restricted"})
# Verbs that put data on a ledger channel.
RECORDING_VERBS = frozenset({"submits", "writes"})

Verdict = Literal["within", "above", "no-approval", "undeclared"]


def level_name(level: Classification | None) -> str:
    return level or "not declared"


@dataclass(frozen=True, slots=True)
class Flow:
    """One relation, with the classification it carries."""

    source: str  # the element that uses
    relation: Relation
    level: Classification | None
    # Where the level comes from: `data`, the dataset, or the lake's highest.
    origin: Origin | None = None
    # The dataset the level comes from (for "lake": the lake's highest).
    dataset: str | None = None

    @property
    def from_dataset(self) -> bool:
        """The classification is the dataset's (or the lake's) rather than `data`'s."""
        return self.origin in ("dataset", "lake")

    @property
    def target(self) -> str:
        return self.relation.to

    @property
    def verb(self) -> str:
        return self.relation.verb or "uses"

    @property
    def carrying(self) -> Relation:
        """The relation as it would read had it declared what it carries."""
        return self.relation.model_copy(update={"data": self.level})


@dataclass(frozen=True, slots=True)
class HeldDataset:
    lake: str
    dataset: str
    level: Classification | None
    zone: str | None = None
    retention: str | None = None


@dataclass(frozen=True, slots=True)
class VendorReach:
    """Data of one classification reaching a vendor through one relation."""

    vendor: str
    boundary: str  # our element the data leaves from
    flow: Flow
    approved: Classification | None  # the vendor's approved-data

    @property
    def verdict(self) -> Verdict:
        if self.flow.level is None:
            return "undeclared"
        if self.approved is None:
            return "no-approval"
        return "above" if more_sensitive(self.flow.level, self.approved) else "within"

    @property
    def verdict_text(self) -> str:
        return {
            "within": "within approved",
            "above": f"above approved: {self.approved}",
            "no-approval": "the vendor declares no approved data",
            "undeclared": "classification not declared",
        }[self.verdict]


@dataclass(frozen=True, slots=True)
class HeldChannel:
    """A ledger channel that data is recorded on, and the nodes it reaches there."""

    ledger: str
    channel: str
    level: Classification | None  # the highest its recording relations declare
    nodes: tuple[str, ...]  # the nodes that serve or order it, by name


@dataclass(frozen=True, slots=True)
class LevelSection:
    """Everything the page says about one classification."""

    level: Classification | None
    flows: tuple[Flow, ...]
    datasets: tuple[HeldDataset, ...]
    vendors: tuple[VendorReach, ...]
    channels: tuple[HeldChannel, ...] = ()

    @property
    def name(self) -> str:
        return level_name(self.level)

    @property
    def anchor(self) -> str:
        return self.level or "not-declared"

    @property
    def above_approved(self) -> tuple[VendorReach, ...]:
        return tuple(reach for reach in self.vendors if reach.verdict == "above")

    @property
    def vendor_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(reach.vendor for reach in self.vendors))


# --- what relations carry ------------------------------------------------------------


def _flow(arch: Architecture, source: str, relation: Relation) -> Flow:
    found: Carried | None = relation_classification(arch, relation)
    if found is None:
        return Flow(source, relation, None)
    return Flow(source, relation, found.level, found.origin, found.dataset)


def flows(arch: Architecture) -> tuple[Flow, ...]:
    """Every relation of the architecture with what it carries, sorted by the
    names of its ends, then verb, dataset and channel."""
    found = []
    for element in arch.elements:
        for relation in element.uses:
            found.append(_flow(arch, element.id, relation))
    return tuple(sorted(found, key=lambda flow: _flow_order(arch, flow)))


def _flow_order(arch: Architecture, flow: Flow) -> tuple[str, ...]:
    return (
        _title(arch, flow.source),
        _title(arch, flow.target),
        flow.verb,
        flow.relation.dataset or "",
        flow.relation.channel or "",
    )


def _title(arch: Architecture, element_id: str) -> str:
    element = arch.get(element_id)
    return (element.title if element else element_id).casefold()


# --- datasets and vendors ------------------------------------------------------------


def held_datasets(arch: Architecture) -> tuple[HeldDataset, ...]:
    """Every dataset of every lake, sorted by dataset id, then lake name."""
    found = [
        HeldDataset(lake.id, dataset.id, dataset.classification, dataset.zone, dataset.retention)
        for lake in arch.of_kind("datalake")
        if isinstance(lake, Datalake)
        for dataset in lake.datasets
    ]
    return tuple(sorted(found, key=lambda held: (held.dataset, _title(arch, held.lake))))


def held_channels(arch: Architecture, found: Iterable[Flow]) -> tuple[HeldChannel, ...]:
    """Every ledger channel some relation records data on, by ledger and channel id."""
    levels: dict[tuple[str, str], list[Classification | None]] = {}
    for flow in found:
        if flow.verb in RECORDING_VERBS and flow.relation.channel:
            levels.setdefault((flow.target, flow.relation.channel), []).append(flow.level)
    held = []
    for (ledger_id, channel_id), recorded in sorted(levels.items()):
        ledger = arch.get(ledger_id)
        channels = {c.id: c for c in ledger.channels} if isinstance(ledger, Ledger) else {}
        channel = channels.get(channel_id)
        if channel is None:
            continue  # an unknown channel: its own finding
        nodes = sorted(
            (node for node in network_nodes(arch, ledger_id) if channel_part(node, channel)),
            key=title_order,
        )
        held.append(
            HeldChannel(ledger_id, channel_id, _highest(recorded), tuple(n.id for n in nodes))
        )
    return tuple(held)


def _highest(levels: Iterable[Classification | None]) -> Classification | None:
    declared = [level for level in levels if level is not None]
    return max(declared, key=CLASSIFICATIONS.index) if declared else None


def vendor_reach(arch: Architecture, flow: Flow) -> VendorReach | None:
    """The vendor that handles a flow's data, with our element at the other end
    (the boundary), if any: the flow's target, or its source, since a vendor
    holds what it reads, writes or sends as much as what it is sent."""
    source, target = arch.get(flow.source), arch.get(flow.target)
    if source is None or target is None:
        return None
    if _is_vendor(target) and not _is_vendor(source):
        return VendorReach(target.id, source.id, flow, _approved(target))
    if _is_vendor(source) and not _is_vendor(target):
        return VendorReach(source.id, target.id, flow, _approved(source))
    return None


def _is_vendor(element: Element) -> bool:
    return element.kind == "vendor"


def _approved(vendor: Element) -> Classification | None:
    return getattr(vendor, "approved_data", None)


def sections(arch: Architecture) -> tuple[LevelSection, ...]:
    """One section per classification, the most sensitive first, then 'not declared'."""
    every_flow = flows(arch)
    every_dataset = held_datasets(arch)
    every_channel = held_channels(arch, every_flow)
    reaches = [reach for flow in every_flow if (reach := vendor_reach(arch, flow))]
    reaches.sort(key=lambda reach: (_title(arch, reach.vendor), _title(arch, reach.boundary)))
    return tuple(
        LevelSection(
            level,
            _at(level, every_flow),
            tuple(held for held in every_dataset if held.level == level),
            tuple(reach for reach in reaches if reach.flow.level == level),
            tuple(held for held in every_channel if held.level == level),
        )
        for level in LEVELS
    )


def _at(level: Classification | None, found: Iterable[Flow]) -> tuple[Flow, ...]:
    return tuple(flow for flow in found if flow.level == level)


def sensitive_flows(arch: Architecture) -> tuple[Flow, ...]:
    """The flows the diagram draws: those of confidential and restricted data."""
    return tuple(flow for flow in flows(arch) if flow.level in SENSITIVE)
