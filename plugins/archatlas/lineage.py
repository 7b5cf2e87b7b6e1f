"""A data lake's lineage: which datasets are made from which, and by whom.

Lineage is derived, never declared: an element that reads one dataset of the
lake and writes another turns the first into the second. Steps are ordered
from raw to curated: a step comes after the steps that write what it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .format import Datalake, Element
from .model import Architecture


@dataclass(frozen=True, slots=True)
class LineageStep:
    """One element that makes datasets of the lake out of others."""

    via: Element
    reads: tuple[str, ...]  # dataset ids, as the lake lists them
    writes: tuple[str, ...]
    depth: int = 0  # 0: reads only datasets no step writes


def lineage_pairs(arch: Architecture, lake: Datalake) -> tuple[tuple[str, str, str], ...]:
    """(dataset read, element, dataset written) for every element that does both."""
    return tuple(
        (source, step.via.id, target)
        for step in lineage_steps(arch, lake)
        for source in step.reads
        for target in step.writes
        if source != target
    )


def lineage_steps(arch: Architecture, lake: Datalake) -> tuple[LineageStep, ...]:
    """The lake's transformations, from raw to curated, then by element name."""
    order = {dataset.id: index for index, dataset in enumerate(lake.datasets)}
    used: dict[str, tuple[Element, set[str], set[str]]] = {}
    for user, relation in arch.used_by(lake.id):
        if relation.dataset in order and relation.verb in ("reads", "writes"):
            _, reads, writes = used.setdefault(user.id, (user, set(), set()))
            (reads if relation.verb == "reads" else writes).add(relation.dataset or "")
    steps = [
        LineageStep(user, _ordered(reads, order), _ordered(writes - reads, order))
        for user, reads, writes in used.values()
        if reads and writes - reads
    ]
    depths = _depths(steps)
    ranked = [replace(step, depth=depths[step.via.id]) for step in steps]
    return tuple(sorted(ranked, key=lambda s: (s.depth, s.via.title.casefold(), s.via.id)))


def _ordered(ids: set[str], order: dict[str, int]) -> tuple[str, ...]:
    return tuple(sorted(ids, key=order.__getitem__))


def _depths(steps: list[LineageStep]) -> dict[str, int]:
    """Each step's distance from raw data: one more than the deepest step
    that writes a dataset it reads. Cycles stop after one round per step."""
    writers: dict[str, list[str]] = {}
    for step in steps:
        for dataset in step.writes:
            writers.setdefault(dataset, []).append(step.via.id)
    depth = {step.via.id: 0 for step in steps}
    for _ in steps:
        changed = False
        for step in steps:
            before = [
                depth[w] + 1 for d in step.reads for w in writers.get(d, ()) if w != step.via.id
            ]
            deepest = max(before, default=0)
            if deepest > depth[step.via.id]:
                depth[step.via.id], changed = deepest, True
        if not changed:
            break
    return depth
