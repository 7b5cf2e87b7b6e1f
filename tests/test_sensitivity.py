"""What classification a relation carries: the one function the checks, the
classification page and every other reader share."""

from __future__ import annotations

from pathlib import Path

import pytest

from archatlas.format import Datalake
from archatlas.load import load_text
from archatlas.model import Architecture, build
from archatlas.sensitivity import Carried, highest, lake_highest, relation_classification

LAKE = """\
kind: datalake
id: lake
datasets:
  - {id: open, classification: public}
  - {id: calls, classification: confidential}
  - {id: trades, classification: confidential}
  - {id: notes}
---
kind: datalake
id: empty-lake
datasets:
  - {id: notes}
---
kind: datastore
id: db
---
kind: service
id: user
uses:
"""

CASES = {
    "data declared": ("{to: db, as: writes, data: internal}", Carried("internal", "data")),
    "nothing declared": ("{to: db, as: reads}", None),
    "the dataset's": (
        "{to: lake, as: writes, dataset: calls}",
        Carried("confidential", "dataset", "calls"),
    ),
    "data over the dataset": (
        "{to: lake, as: writes, dataset: open, data: internal}",
        Carried("internal", "data"),
    ),
    "a read gives the dataset's": (
        "{to: lake, as: reads, dataset: calls, data: public}",
        Carried("confidential", "dataset", "calls"),
    ),
    "a read above the dataset": (
        "{to: lake, as: reads, dataset: open, data: internal}",
        Carried("internal", "data"),
    ),
    "a dataset without classification": ("{to: lake, as: reads, dataset: notes}", None),
    "an unknown dataset": (
        "{to: lake, as: reads, dataset: nope, data: public}",
        Carried("public", "data"),
    ),
    "the lake's highest, its first": (
        "{to: lake, as: reads}",
        Carried("confidential", "lake", "calls"),
    ),
    "a read of the whole lake above its data": (
        "{to: lake, as: reads, data: internal}",
        Carried("confidential", "lake", "calls"),
    ),
    "a write of the whole lake keeps its data": (
        "{to: lake, as: writes, data: internal}",
        Carried("internal", "data"),
    ),
    "a lake with nothing classified": ("{to: empty-lake, as: reads}", None),
}


def architecture(relation: str) -> Architecture:
    text = LAKE + f"  - {relation}\n"
    documents, problems = load_text(text, Path("a.yaml").absolute(), "a.yaml")
    arch, findings = build(documents)
    assert not problems and not findings, [*problems, *findings]
    return arch


@pytest.mark.parametrize(("relation", "expected"), CASES.values(), ids=list(CASES))
def test_what_a_relation_carries(relation: str, expected: Carried | None) -> None:
    arch = architecture(relation)
    (used,) = arch.by_id["user"].uses
    assert relation_classification(arch, used) == expected


def test_the_lakes_highest_is_its_first_dataset_of_the_highest_classification() -> None:
    arch = architecture("{to: db}")
    lake = arch.by_id["lake"]
    assert isinstance(lake, Datalake)
    top = lake_highest(lake)
    assert top is not None and top.id == "calls"
    assert highest(["public", None, "restricted", "internal"]) == "restricted"
    assert highest([None]) is None
