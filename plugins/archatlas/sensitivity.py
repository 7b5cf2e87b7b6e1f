"""What classification of data a relation carries: the one answer the checks,
the data-classification page and every other reader share.

A relation carries, in this order:

1. its own `data`, when it declares one;
2. else the classification of the dataset it names;
3. else, for a data lake named without `dataset`, the highest classification
   among the lake's datasets: the relation may touch any of them, so it is
   judged by the most sensitive;
4. else nothing: the classification is not known.

One exception keeps a read honest: a relation that `reads` a dataset (or a
lake without `dataset`) carries that classification when it is above the
relation's `data`. Reading a dataset gives its data, whatever the relation
says; the checker reports the understatement separately (`understated-data`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .format import CLASSIFICATIONS, Classification, Datalake, Dataset, Relation
from .model import Architecture

# Where a relation's classification comes from: its own `data`, the dataset it
# names, or the lake's most sensitive dataset when it names none.
Origin = Literal["data", "dataset", "lake"]


@dataclass(frozen=True, slots=True)
class Carried:
    """The classification a relation carries, and where it comes from."""

    level: Classification
    origin: Origin
    # The dataset the level comes from: the one named, or, for origin "lake",
    # the lake's first dataset of the highest classification. None for "data".
    dataset: str | None = None


def relation_classification(arch: Architecture, relation: Relation) -> Carried | None:
    """The classification of the data `relation` carries, or None when unknown.

    The relation's `data`; else the classification of its dataset; else, for
    a data lake without `dataset`, the lake's highest; else None. A read of a
    dataset or lake more sensitive than its `data` carries the dataset's (or
    lake's): reading gives that data. Pure: it reads only the architecture.
    """
    held = held_by_target(arch, relation)
    if relation.data is None:
        return held
    if held is not None and relation.verb == "reads" and more_sensitive(held.level, relation.data):
        return held
    return Carried(relation.data, "data")


def held_by_target(arch: Architecture, relation: Relation) -> Carried | None:
    """The classification the relation's target holds for it: its named
    dataset's, or the lake's highest when it names none; None for a target
    that is not a data lake, or a dataset without classification."""
    lake = arch.get(relation.to)
    if not isinstance(lake, Datalake):
        return None
    if relation.dataset is None:
        top = lake_highest(lake)
        if top is None or top.classification is None:
            return None
        return Carried(top.classification, "lake", top.id)
    named = dataset_of(lake, relation.dataset)
    if named is None or named.classification is None:
        return None
    return Carried(named.classification, "dataset", named.id)


def dataset_of(lake: Datalake, dataset_id: str | None) -> Dataset | None:
    """The lake's dataset of that id; None for no id or an unknown one."""
    return next((dataset for dataset in lake.datasets if dataset.id == dataset_id), None)


def lake_highest(lake: Datalake) -> Dataset | None:
    """The lake's first dataset of the highest classification, if any is classified."""
    classified = [dataset for dataset in lake.datasets if dataset.classification]
    return max(
        classified, key=lambda dataset: rank(dataset.classification), default=None
    )  # max keeps the first of equals


def more_sensitive(classification: Classification, than: Classification) -> bool:
    """Whether `classification` is above `than`: data a vendor approved for
    `than` may not receive, a dataset classified `than` may not hold."""
    return rank(classification) > rank(than)


def rank(classification: Classification | None) -> int:
    """0 for public up to 3 for restricted; -1 for no classification."""
    return CLASSIFICATIONS.index(classification) if classification else -1


def highest(values: Iterable[Classification | None]) -> Classification | None:
    """The highest data classification among `values`, if any is set."""
    ranked = [rank(value) for value in values if value]
    return CLASSIFICATIONS[max(ranked)] if ranked else None
