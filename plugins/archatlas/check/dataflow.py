"""Rules on the data relations carry: vendors' approval, datasets' classification,
and declassification along the lineage.

Every rule here asks `sensitivity.relation_classification` what a relation
carries, the function the data-classification page uses too: a relation's
`data`, else its dataset's classification, else, for a data lake named
without `dataset`, the lake's highest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..findings import Finding, Location, finding
from ..format import Classification, Datalake, Element, Relation
from ..model import Architecture
from ..sensitivity import (
    Carried,
    dataset_of,
    lake_highest,
    more_sensitive,
    rank,
    relation_classification,
)
from .dataflow_rules import (
    DECLASSIFIED_DATA,
    UNAPPROVED_DATA,
    UNDERSTATED_DATA,
    WRITE_ABOVE_DATASET,
)

At = Callable[..., Location]

# The verbs by which an element takes data in, and those by which it puts
# data out; a call brings its data to the element called.
INPUT_VERBS = frozenset({"reads", "subscribes", "queries"})
OUTPUT_VERBS = frozenset({"writes", "publishes", "submits"})


def check_data_classification(arch: Architecture, root: Path) -> Iterator[Finding]:
    for element in arch.elements:
        for index, relation in enumerate(element.uses):
            target = arch.get(relation.to)
            if target is None:
                continue  # an unknown reference, reported on its own
            at = partial(arch.locate, element.id, "uses", index)
            carried = relation_classification(arch, relation)
            if carried is not None:
                yield from _unapproved(element, relation, target, carried, at)
            if isinstance(target, Datalake) and relation.data is not None:
                yield from _against_datasets(element.id, relation, relation.data, target, at)


# --- unapproved-data -----------------------------------------------------------------


def _unapproved(
    source: Element, relation: Relation, target: Element, carried: Carried, at: At
) -> Iterator[Finding]:
    """A vendor handles the data of every relation at either end of it."""
    approved = getattr(target, "approved_data", None)
    if approved is not None and more_sensitive(carried.level, approved):
        yield finding(
            UNAPPROVED_DATA,
            at("data"),
            f"{carried.level} data is sent to '{target.id}', "
            f"which is approved for {approved} data at most",
            "send less sensitive data, or have the vendor approved for it",
            source.id,
        )
    approved = getattr(source, "approved_data", None)
    if approved is not None and more_sensitive(carried.level, approved):
        where, message, hint = _handled(source.id, relation, carried, approved)
        yield finding(
            UNAPPROVED_DATA,
            at(where),
            message,
            hint,
            source.id,
        )


def _handled(
    vendor: str, relation: Relation, carried: Carried, approved: Classification
) -> tuple[str, str, str]:
    """Where a vendor's own relation is at fault, what it does, and the hint;
    by where the classification comes from."""
    level, verb = carried.level, relation.verb or "uses"
    limit = f"approved for {approved} data at most"
    if carried.origin == "dataset":
        return (
            "dataset",
            f"'{vendor}' {verb} {level} dataset '{carried.dataset}', and is {limit}",
            f"{verb.removesuffix('s')} a less sensitive dataset, "
            "or have the vendor approved for it",
        )
    if carried.origin == "lake":
        return (
            "to",
            f"'{vendor}' {verb} '{relation.to}' without naming a dataset: the relation "
            f"carries the lake's highest classification, {level} (dataset '{carried.dataset}'), "
            f"and '{vendor}' is {limit}",
            f"name the dataset with 'dataset:', one classified {approved} at most, "
            f"or have the vendor approved for {level} data",
        )
    return (
        "data",
        f"'{vendor}' {moves(relation.verb, level, relation.to)}, and is {limit}",
        f"have the vendor handle less sensitive data, or have it approved for {level} data",
    )


# How a sentence says that a relation moves data, by verb.
MOVES = {
    "reads": "reads {level} data from '{target}'",
    "writes": "writes {level} data to '{target}'",
    "publishes": "publishes {level} data to '{target}'",
    "subscribes": "receives {level} data from '{target}'",
    "submits": "submits {level} data to '{target}'",
    "queries": "queries {level} data from '{target}'",
    "calls": "calls '{target}' with {level} data",
}


def moves(verb: str | None, level: Classification, target: str) -> str:
    """'writes restricted data to 'positions-db''."""
    phrase = MOVES.get(verb or "", "uses '{target}' with {level} data")
    return phrase.format(level=level, target=target)


# --- understated-data, write-above-dataset ------------------------------------------


def _against_datasets(
    source: str, relation: Relation, data: Classification, lake: Datalake, at: At
) -> Iterator[Finding]:
    """A relation's `data` against the dataset it names, or, for a write that
    names none, against the lake's datasets."""
    if relation.dataset is None:
        yield from _written_into_lake(source, relation, data, lake, at)
        return
    dataset = dataset_of(lake, relation.dataset)
    held = dataset.classification if dataset is not None else None
    if held is None:
        return  # an unknown or unclassified dataset says nothing
    if more_sensitive(held, data):
        yield finding(
            UNDERSTATED_DATA,
            at("data"),
            f"'data: {data}' understates dataset '{relation.dataset}' of '{lake.id}', "
            f"which is classified {held}",
            f"declare 'data: {held}', or leave 'data' out: "
            "the relation then takes the dataset's classification",
            source,
        )
    elif relation.verb == "writes" and more_sensitive(data, held):
        yield finding(
            WRITE_ABOVE_DATASET,
            at("data"),
            f"{data} data is written into dataset '{relation.dataset}' of '{lake.id}', "
            f"which is classified {held}",
            f"write {held} data at most into it, or classify the dataset {data}",
            source,
        )


def _written_into_lake(
    source: str, relation: Relation, data: Classification, lake: Datalake, at: At
) -> Iterator[Finding]:
    """Data above every dataset of the lake fits in none of them. (When one
    dataset declares no classification, the data may be meant for it.)"""
    top = lake_highest(lake)
    if relation.verb != "writes" or top is None or top.classification is None:
        return
    if any(dataset.classification is None for dataset in lake.datasets):
        return
    if more_sensitive(data, top.classification):
        yield finding(
            WRITE_ABOVE_DATASET,
            at("data"),
            f"{data} data is written into '{lake.id}', and its most sensitive dataset, "
            f"'{top.id}', is classified {top.classification}",
            f"name the dataset with 'dataset:' and classify it {data}, "
            "or write less sensitive data",
            source,
        )


# --- declassified-data ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Input:
    """The most sensitive data an element takes in, and how it takes it."""

    level: Classification
    phrase: str  # e.g. "reads confidential data from dataset 'transcripts' of 'lake'"
    lake: str | None = None  # a lake read without a dataset, judged by its highest


def check_declassification(arch: Architecture, root: Path) -> Iterator[Finding]:
    for element in arch.elements:
        top = _highest_input(arch, element)
        if top is None:
            continue
        for index, relation in enumerate(element.uses):
            if relation.verb in OUTPUT_VERBS:
                at = partial(arch.locate, element.id, "uses", index)
                yield from _declassified(arch, element, relation, top, at)


def _highest_input(arch: Architecture, element: Element) -> Input | None:
    """What the element reads, subscribes to, queries or is called with, the
    most sensitive first; the first declared of equals."""
    found: list[Input] = []
    for relation in element.uses:
        carried = relation_classification(arch, relation)
        if relation.verb in INPUT_VERBS and carried is not None:
            found.append(_input(relation, carried))
    for caller, relation in arch.used_by(element.id):
        carried = relation_classification(arch, relation)
        if relation.verb == "calls" and carried is not None:
            found.append(
                Input(carried.level, f"is called by '{caller.id}' with {carried.level} data")
            )
    return max(found, key=lambda item: rank(item.level), default=None)


def _input(relation: Relation, carried: Carried) -> Input:
    level, target = carried.level, relation.to
    if carried.origin == "lake":
        return Input(
            level,
            f"reads '{target}' without naming a dataset, which carries the lake's highest "
            f"classification, {level} (dataset '{carried.dataset}')",
            target,
        )
    if relation.dataset is not None:
        return Input(level, f"reads {level} data from dataset '{relation.dataset}' of '{target}'")
    return Input(level, moves(relation.verb, level, target))


@dataclass(frozen=True, slots=True)
class Output:
    """What one relation of an element writes, and at which classification."""

    level: Classification
    phrase: str  # e.g. "writes internal dataset 'sentiment' of 'lake'"
    field: str  # the relation's field a finding points at
    dataset: str | None = None  # the classified dataset written into


def _output(arch: Architecture, relation: Relation) -> Output | None:
    """A write into a classified dataset is at the dataset's classification:
    where the data lands (its `data`, if different, is an error of its own).
    Any other output is at what the relation carries."""
    lake = arch.get(relation.to)
    dataset = dataset_of(lake, relation.dataset) if isinstance(lake, Datalake) else None
    if dataset is not None and dataset.classification is not None:
        level = dataset.classification
        phrase = f"writes {level} dataset '{dataset.id}' of '{relation.to}'"
        return Output(level, phrase, "dataset", dataset.id)
    carried = relation_classification(arch, relation)
    if carried is None:
        return None
    phrase = moves(relation.verb, carried.level, relation.to)
    if relation.dataset:  # a dataset without classification
        phrase += f" (dataset '{relation.dataset}')"
    return Output(carried.level, phrase, "to" if carried.origin == "lake" else "data")


def _declassified(
    arch: Architecture, element: Element, relation: Relation, top: Input, at: At
) -> Iterator[Finding]:
    written = _output(arch, relation)
    if written is None or not more_sensitive(top.level, written.level):
        return
    named = f"name the dataset it reads from '{top.lake}' with 'dataset:'; " if top.lake else ""
    remedy = (
        f"classify '{written.dataset}' {top.level}"
        if written.dataset
        else f"declare 'data: {top.level}'"
    )
    yield finding(
        DECLASSIFIED_DATA,
        at(written.field),
        f"'{element.id}' {top.phrase}, and {written.phrase}: "
        f"{top.level} data declassified to {written.level} without saying so",
        f"{named}if what it writes is anonymised or aggregated, accept 'declassified-data' "
        f"on '{element.id}' with the reason; otherwise {remedy}",
        element.id,
    )
