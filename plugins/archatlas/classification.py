"""Where each classification of data goes: the relations that carry it, the
datasets that hold it and the vendors it reaches, for the site's
classification page and its diagram.

A relation carries the classification its `data` declares. One that names a
dataset and declares none carries the dataset's; one that reads a dataset
carries the higher of the two, as the checker's `unapproved-data` rule
assumes (reading a dataset gives its data). Data leaves to a vendor through
a relation to the vendor, or one by which the vendor reads, queries,
subscribes to or calls an element of ours; that element of ours is the
boundary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .check.references import more_sensitive
from .format import CLASSIFICATIONS, Classification, Datalake, Element, Relation
from .model import Architecture

# The page's order: the most sensitive first, then relations and datasets
# that declare no classification.
LEVELS: tuple[Classification | None, ...] = (*reversed(CLASSIFICATIONS), None)
# The levels whose flows the diagram draws.
SENSITIVE: frozenset[Classification] = frozenset({"confidential", "restricted"})
# Verbs by which the user of an element receives its data.
RECEIVING_VERBS = frozenset({"reads", "queries", "subscribes", "calls"})

Verdict = Literal["within", "above", "no-approval", "undeclared"]


def level_name(level: Classification | None) -> str:
    return level or "not declared"


@dataclass(frozen=True, slots=True)
class Flow:
    """One relation, with the classification it carries."""

    source: str  # the element that uses
    relation: Relation
    level: Classification | None
    # The classification comes from the dataset rather than from `data`.
    from_dataset: bool = False

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
class LevelSection:
    """Everything the page says about one classification."""

    level: Classification | None
    flows: tuple[Flow, ...]
    datasets: tuple[HeldDataset, ...]
    vendors: tuple[VendorReach, ...]

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


def carried(arch: Architecture, relation: Relation) -> tuple[Classification | None, bool]:
    """The classification a relation carries, and whether it comes from its dataset."""
    held = _dataset_level(arch, relation)
    if held is None:
        return relation.data, False
    if relation.data is None:
        return held, True
    if relation.verb == "reads" and more_sensitive(held, relation.data):
        return held, True
    return relation.data, False


def _dataset_level(arch: Architecture, relation: Relation) -> Classification | None:
    lake = arch.get(relation.to)
    if relation.dataset is None or not isinstance(lake, Datalake):
        return None
    for dataset in lake.datasets:
        if dataset.id == relation.dataset:
            return dataset.classification
    return None


def flows(arch: Architecture) -> tuple[Flow, ...]:
    """Every relation of the architecture with what it carries, sorted by the
    names of its ends, then verb, dataset and channel."""
    found = []
    for element in arch.elements:
        for relation in element.uses:
            level, from_dataset = carried(arch, relation)
            found.append(Flow(element.id, relation, level, from_dataset))
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


def vendor_reach(arch: Architecture, flow: Flow) -> VendorReach | None:
    """The vendor a flow hands data to, with the boundary it leaves from, if any."""
    source, target = arch.get(flow.source), arch.get(flow.target)
    if source is None or target is None:
        return None
    if _is_vendor(target) and not _is_vendor(source):
        return VendorReach(target.id, source.id, flow, _approved(target))
    if _is_vendor(source) and not _is_vendor(target) and flow.verb in RECEIVING_VERBS:
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
    reaches = [reach for flow in every_flow if (reach := vendor_reach(arch, flow))]
    reaches.sort(key=lambda reach: (_title(arch, reach.vendor), _title(arch, reach.boundary)))
    return tuple(
        LevelSection(
            level,
            _at(level, every_flow),
            tuple(held for held in every_dataset if held.level == level),
            tuple(reach for reach in reaches if reach.flow.level == level),
        )
        for level in LEVELS
    )


def _at(level: Classification | None, found: Iterable[Flow]) -> tuple[Flow, ...]:
    return tuple(flow for flow in found if flow.level == level)


def sensitive_flows(arch: Architecture) -> tuple[Flow, ...]:
    """The flows the diagram draws: those of confidential and restricted data."""
    return tuple(flow for flow in flows(arch) if flow.level in SENSITIVE)
