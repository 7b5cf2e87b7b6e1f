"""Draft elements as documents, so that the model validates them like any other.

Each node keeps the place in the imported file it came from (the image, the
replicas, the env value naming a relation's target), so that a check of
imported elements, and drift, can point into the descriptors.
"""

from __future__ import annotations

from pathlib import Path

from ..findings import Location
from ..load import Document, Loaded
from ..yamltree import Mapping, Node, Pos, Scalar, ScalarValue, Sequence
from .draft import Draft, Found, Path_
from .write import draft_data


def loaded(found: Found) -> Loaded:
    """The drafts as documents, with the findings of reading the input."""
    return Loaded(tuple(_document(d) for d in found.drafts), found.findings, found.files)


def _document(draft: Draft) -> Document:
    positions: dict[Path_, Location] = dict(draft.positions)
    for number, relation in enumerate(draft.uses):
        positions[("uses", number)] = relation.at
    at = draft.at if draft.at.path else Location("(imported)", 1, 1)
    root = _node(draft_data(draft), (), positions, at)
    assert isinstance(root, Mapping)
    return Document(at.path, Path(at.path).absolute(), 0, root)


def _node(value: object, path: Path_, positions: dict[Path_, Location], at: Location) -> Node:
    where = positions.get(path, at)
    pos = Pos(where.line, where.col)
    if isinstance(value, dict):
        entries = tuple(
            (Scalar(key, pos, key), _node(item, (*path, key), positions, where))
            for key, item in value.items()
        )
        return Mapping(entries, pos)
    if isinstance(value, list | tuple):
        items = tuple(_node(item, (*path, n), positions, where) for n, item in enumerate(value))
        return Sequence(items, pos)
    scalar: ScalarValue = value if isinstance(value, str | int | float | bool) else None
    return Scalar(scalar, pos, str(value))
