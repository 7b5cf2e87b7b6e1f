"""Diff stage: what a change does to the architecture, model against model.

Files are not compared: an element moved to another file, or documents
reordered, is no change. Elements are matched by id, relations by
(source, target, verb), findings by (rule, element, message).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from . import durations, flows
from .check import Result
from .findings import Finding, Severity
from .flow_format import Flow
from .format import Element, Relation, relation_key
from .model import Architecture

# Lists of mappings that carry their own id: compared item by item.
KEYED_LISTS = frozenset({"datasets", "organizations", "channels"})


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str  # e.g. "runtime.replicas", "datasets[news-raw].zone"
    before: str | None  # None: the field was not set
    after: str | None


@dataclass(frozen=True, slots=True)
class ElementChange:
    element: Element  # as it is after the change
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class RelationChange:
    source: str
    relation: Relation


@dataclass(frozen=True, slots=True)
class InvalidElement:
    """An element valid on one side whose document fails (YAML or schema) on the
    other: neither removed nor added, and its relations are not compared."""

    element: Element  # as it is on the side where it is valid
    findings: tuple[Finding, ...]  # on the other side: why it is invalid there


@dataclass(frozen=True)
class FlowChange:
    """A flow added, removed or changed: its steps and end-to-end duration on each side."""

    flow: Element  # the head's, or the base's when removed
    status: Literal["added", "removed", "changed"]
    steps: tuple[int | None, int | None]  # before, after; None where it does not exist
    total: tuple[str | None, str | None]  # the end-to-end duration, before and after


@dataclass(frozen=True)
class Diff:
    added: tuple[Element, ...]
    removed: tuple[Element, ...]
    changed: tuple[ElementChange, ...]
    relations_added: tuple[RelationChange, ...]
    relations_removed: tuple[RelationChange, ...]
    findings_introduced: tuple[Finding, ...]
    findings_fixed: tuple[Finding, ...]
    invalid: tuple[InvalidElement, ...] = ()  # valid in base, invalid in head
    now_valid: tuple[InvalidElement, ...] = ()  # invalid in base, valid in head
    flows: tuple[FlowChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.added,
                self.removed,
                self.changed,
                self.relations_added,
                self.relations_removed,
                self.invalid,
                self.now_valid,
            )
        )

    @property
    def introduces_errors(self) -> bool:
        return any(item.severity is Severity.ERROR for item in self.findings_introduced)


def compare(base: Result, head: Result) -> Diff:
    before = base.architecture.by_id
    after = head.architecture.by_id
    invalid = invalid_in(head, before.keys() - after.keys())
    now_valid = invalid_in(base, after.keys() - before.keys())
    changed = []
    for element_id in sorted(before.keys() & after.keys()):
        fields = field_changes(before[element_id], after[element_id])
        if fields:
            changed.append(ElementChange(after[element_id], tuple(fields)))
    relations_before = _relations(e for e in base.architecture.elements if e.id not in invalid)
    relations_after = _relations(e for e in head.architecture.elements if e.id not in now_valid)
    findings_before = _findings(base)
    findings_after = _findings(head)
    return Diff(
        added=tuple(after[i] for i in sorted(after.keys() - before.keys() - now_valid)),
        removed=tuple(before[i] for i in sorted(before.keys() - after.keys() - invalid)),
        changed=tuple(changed),
        relations_added=_pick(relations_after, relations_after.keys() - relations_before.keys()),
        relations_removed=_pick(relations_before, relations_before.keys() - relations_after.keys()),
        findings_introduced=_pick_findings(findings_after, findings_before),
        findings_fixed=_pick_findings(findings_before, findings_after),
        invalid=tuple(InvalidElement(before[i], findings_about(head, i)) for i in sorted(invalid)),
        now_valid=tuple(
            InvalidElement(after[i], findings_about(base, i)) for i in sorted(now_valid)
        ),
        flows=flow_changes(base.architecture, head.architecture, {c.element.id for c in changed}),
    )


def invalid_in(side: Result, ids: Iterable[str]) -> set[str]:
    """The `ids` that a document of `side` gives, which its YAML or schema errors
    kept out of the model: there, yet invalid."""
    return {element_id for element_id in ids if side.architecture.left_out(element_id)}


def findings_about(side: Result, element_id: str) -> tuple[Finding, ...]:
    """The findings that tell why `element_id` is invalid on `side`: its schema
    errors, or those within the text of its document that YAML could not read."""
    places = [place[1:] for place in side.architecture.possible.places if place[0] == element_id]
    return tuple(
        item
        for item in side.open_findings
        if item.element == element_id
        or any(item.path == path and first <= item.line <= last for path, first, last in places)
    )


def flow_changes(
    base: Architecture, head: Architecture, changed: set[str]
) -> tuple[FlowChange, ...]:
    """The flows the change adds, removes or changes, by id."""
    ids = {f.id for f in base.of_kind("flow")} | {f.id for f in head.of_kind("flow")}
    found = []
    for flow_id in sorted(ids):
        before, after = base.get(flow_id), head.get(flow_id)
        if before is not None and after is not None and flow_id not in changed:
            continue
        status: Literal["added", "removed", "changed"] = (
            "added" if before is None else "removed" if after is None else "changed"
        )
        shown = after or before
        assert shown is not None
        found.append(
            FlowChange(
                shown,
                status,
                (_step_count(before), _step_count(after)),
                (_total(before), _total(after)),
            )
        )
    return tuple(found)


def _step_count(flow: Element | None) -> int | None:
    return len(flows.steps(flow)) if isinstance(flow, Flow) else None


def _total(flow: Element | None) -> str | None:
    return durations.shown(flows.total(flow).seconds) if isinstance(flow, Flow) else None


# --- elements -------------------------------------------------------------------------


def field_changes(before: Element, after: Element) -> list[FieldChange]:
    """Every field whose value differs, flattened to a path.

    A relation's own fields count only while the relation exists on both
    sides: an added or removed relation is listed as such, not field by field.
    """
    old, new = _flat(before), _flat(after)
    both = {_relation_path(r) for r in before.uses} & {_relation_path(r) for r in after.uses}
    return [
        FieldChange(path, old.get(path), new.get(path))
        for path in sorted(old.keys() | new.keys(), key=_field_order)
        if old.get(path) != new.get(path)
        and (not path.startswith("uses[") or path.split(".", 1)[0] in both)
    ]


def _relation_path(relation: Relation) -> str:
    return "uses[" + " ".join(relation_key(relation)) + "]"


def _field_order(path: str) -> tuple[int, str]:
    # The kind first, so that a change of kind reads before its consequences.
    return (0 if path == "kind" else 1, path)


def _flat(element: Element) -> dict[str, str]:
    data = element.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
    data.pop("uses", None)
    flat: dict[str, str] = {}
    for relation in element.uses:
        key = _relation_path(relation)
        for name, value in relation.model_dump(
            by_alias=True, exclude_none=True, exclude_defaults=True
        ).items():
            if name not in ("to", "as", "dataset", "channel", "organization", "events"):
                flat[f"{key}.{name}"] = _show(value)
    _flatten("", data, flat)
    return flat


def _flatten(prefix: str, value: Any, into: dict[str, str]) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            _flatten(f"{prefix}.{name}" if prefix else name, inner, into)
    elif (
        prefix in KEYED_LISTS
        and isinstance(value, list | tuple)
        and all(isinstance(item, dict) for item in value)
    ):
        # A ledger's channels are mappings with ids; a node's are ids alone.
        for item in value:
            item_id = item.get("id", "?")
            rest = {k: v for k, v in item.items() if k != "id"}
            into[f"{prefix}[{item_id}]"] = "present"
            _flatten(f"{prefix}[{item_id}]", rest, into)
    else:
        into[prefix] = _show(value)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | tuple):
        # Items that are mappings (deployments, datasets) apart by more than their fields.
        apart = "; " if any(isinstance(item, dict) for item in value) else ", "
        return apart.join(_show(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    return str(value)


# --- relations and findings ---------------------------------------------------------------

RelationKey = tuple[str, ...]


def _relations(elements: Iterable[Element]) -> dict[RelationKey, RelationChange]:
    return {
        (element.id, *relation_key(relation)): RelationChange(element.id, relation)
        for element in elements
        for relation in element.uses
    }


def _pick(
    items: dict[RelationKey, RelationChange], keys: set[RelationKey]
) -> tuple[RelationChange, ...]:
    return tuple(items[key] for key in sorted(keys))


FindingKey = tuple[str, str, str]
_POSITION = re.compile(r"\S+:\d+:\d+")


def _findings(result: Result) -> dict[FindingKey, list[Finding]]:
    """Open findings grouped by what they say, wherever they stand.

    Findings about an element follow it when it moves between files; the
    others (a file's YAML) are tied to their file, within the architecture
    folder. Positions quoted in messages ("already used at a.yaml:2:5") are
    left out: an edit above them moves them without changing the finding.
    """
    groups: dict[FindingKey, list[Finding]] = {}
    for item in result.open_findings:
        where = item.element or posixpath.relpath(item.path, result.root)
        key = (item.rule, where, _POSITION.sub("…", item.message))
        groups.setdefault(key, []).append(item)
    return groups


def _pick_findings(
    side: dict[FindingKey, list[Finding]], other: dict[FindingKey, list[Finding]]
) -> tuple[Finding, ...]:
    """The findings of `side` beyond those `other` has: a second identical error counts."""
    picked = [item for key, items in side.items() for item in items[len(other.get(key, [])) :]]
    return tuple(sorted(picked, key=lambda f: f.sort_key))
