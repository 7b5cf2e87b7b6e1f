"""Reporters for a diff: Markdown for a pull-request comment, JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import markdown
from .findings import Finding, plural
from .report import OutputFormat, finding_data, output_formats

if TYPE_CHECKING:  # the command line reads the formats before it diffs anything
    from .diff import Diff, FlowChange, InvalidElement, RelationChange
    from .format import Element

NOT_SET = "—"


def summary(diff: Diff) -> str:
    invalid = f", {len(diff.invalid):,} invalid in head" if diff.invalid else ""
    now_valid = f", {len(diff.now_valid):,} now valid" if diff.now_valid else ""
    return (
        f"{plural(len(diff.added), 'element')} added, {len(diff.removed):,} removed, "
        f"{len(diff.changed):,} changed{invalid}{now_valid}; "
        f"{plural(len(diff.relations_added), 'relation')} added, "
        f"{len(diff.relations_removed):,} removed; "
        f"{plural(len(diff.findings_introduced), 'finding')} introduced, "
        f"{len(diff.findings_fixed):,} fixed"
    )


def _cell(value: object) -> str:
    return markdown.text(value) if value not in (None, "") else NOT_SET


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _element_row(element: Element) -> list[str]:
    return [
        f"{_cell(element.title)} (`{element.id}`)",
        element.kind,
        _cell(getattr(element, "system", None)),
    ]


def _relation_row(change: RelationChange) -> list[str]:
    relation = change.relation
    detail = relation.dataset or relation.channel or relation.description
    return [
        f"`{change.source}`",
        relation.verb or "uses",
        f"`{relation.to}`",
        _cell(relation.protocol),
        _cell(relation.data),
        _cell(detail),
    ]


def _finding_row(item: Finding) -> list[str]:
    return [
        item.severity.value,
        f"`{item.rule}`",
        f"`{item.location}`",
        _cell(item.message),
    ]


def _flow_row(change: FlowChange) -> list[str]:
    def sides(pair: tuple[object, object]) -> str:
        before, after = (_cell(value) for value in pair)
        return after if before == after else f"{before} → {after}"

    return [
        f"{_cell(change.flow.title)} (`{change.flow.id}`)",
        change.status,
        sides(change.steps),
        sides(change.total),
    ]


def _invalid_rows(items: Iterable[InvalidElement]) -> list[list[str]]:
    """One row per finding that tells why the element is invalid."""
    rows = []
    for item in items:
        name = f"{_cell(item.element.title)} (`{item.element.id}`)"
        for found in item.findings or (None,):
            rows.append(
                [name, item.element.kind]
                + (_finding_row(found)[1:] if found else [NOT_SET, NOT_SET, NOT_SET])
            )
    return rows


ELEMENT_HEADER = ["Element", "Kind", "System"]
FLOW_HEADER = ["Flow", "Change", "Steps", "End to end"]
INVALID_HEADER = ["Element", "Kind", "Rule", "Where", "Message"]
# What the reader is told under a section's title.
NOTES = {
    "Invalid in head": "These elements exist in the base; in the head their documents fail "
    "to read or validate, for the reasons given. They are not removed: their fields and "
    "relations are compared again once they are valid.",
    "Now valid": "These elements exist in the head; in the base their documents failed, for "
    "the reasons listed under *Findings fixed*. Their fields and relations are not compared.",
}
RELATION_HEADER = ["From", "As", "To", "Protocol", "Data", "Detail"]
FINDING_HEADER = ["Severity", "Rule", "Where", "Message"]


def _sections(diff: Diff) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of each table the Markdown may hold, in order."""
    changes = [
        [
            f"{_cell(c.element.title)} (`{c.element.id}`)",
            f"`{f.field}`",
            _cell(f.before),
            _cell(f.after),
        ]
        for c in diff.changed
        for f in c.fields
    ]
    return [
        ("Added", ELEMENT_HEADER, [_element_row(e) for e in diff.added]),
        ("Removed", ELEMENT_HEADER, [_element_row(e) for e in diff.removed]),
        ("Invalid in head", INVALID_HEADER, _invalid_rows(diff.invalid)),
        ("Now valid", ELEMENT_HEADER, [_element_row(item.element) for item in diff.now_valid]),
        ("Changed", ["Element", "Field", "Before", "After"], changes),
        ("Flows", FLOW_HEADER, [_flow_row(f) for f in diff.flows]),
        ("Relations added", RELATION_HEADER, [_relation_row(r) for r in diff.relations_added]),
        ("Relations removed", RELATION_HEADER, [_relation_row(r) for r in diff.relations_removed]),
        (
            "Findings introduced",
            FINDING_HEADER,
            [_finding_row(f) for f in diff.findings_introduced],
        ),
        ("Findings fixed", FINDING_HEADER, [_finding_row(f) for f in diff.findings_fixed]),
    ]


def as_markdown(diff: Diff, base: str, head: str) -> str:
    lines = [f"## Architecture changes: {markdown.text(base)} → {markdown.text(head)}", ""]
    if diff.is_empty and not diff.findings_introduced and not diff.findings_fixed:
        return "\n".join([*lines, "No change to the architecture.", ""])
    lines += [f"**{summary(diff)}.**", ""]
    for title, header, rows in _sections(diff):
        if rows:
            note = [NOTES[title], ""] if title in NOTES else []
            lines += [f"### {title}", "", *note, *_table(header, rows)]
    return "\n".join(lines)


def _element_data(element: Element) -> dict[str, Any]:
    return {
        "id": element.id,
        "kind": element.kind,
        "name": element.title,
        "system": getattr(element, "system", None),
    }


def _relation_data(change: RelationChange) -> dict[str, Any]:
    data = change.relation.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
    return {"from": change.source, **data, "as": change.relation.verb or "uses"}


def _invalid_data(item: InvalidElement) -> dict[str, Any]:
    return {**_element_data(item.element), "findings": [finding_data(f) for f in item.findings]}


def as_json(diff: Diff, base: str, head: str) -> str:
    data = {
        "base": base,
        "head": head,
        "summary": summary(diff),
        "added": [_element_data(e) for e in diff.added],
        "removed": [_element_data(e) for e in diff.removed],
        "changed": [
            {
                **_element_data(change.element),
                "fields": [
                    {"field": f.field, "before": f.before, "after": f.after} for f in change.fields
                ],
            }
            for change in diff.changed
        ],
        "invalid_in_head": [_invalid_data(item) for item in diff.invalid],
        "now_valid": [_invalid_data(item) for item in diff.now_valid],
        "flows": [
            {
                "id": f.flow.id,
                "name": f.flow.title,
                "change": f.status,
                "steps": {"before": f.steps[0], "after": f.steps[1]},
                "end_to_end": {"before": f.total[0], "after": f.total[1]},
            }
            for f in diff.flows
        ],
        "relations_added": [_relation_data(c) for c in diff.relations_added],
        "relations_removed": [_relation_data(c) for c in diff.relations_removed],
        "findings_introduced": [finding_data(f) for f in diff.findings_introduced],
        "findings_fixed": [finding_data(f) for f in diff.findings_fixed],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


DIFF_FORMATS: dict[str, OutputFormat[Callable[[Diff, str, str], str]]] = output_formats(
    OutputFormat("markdown", "for a pull-request comment", as_markdown),
    OutputFormat("json", "for tools", as_json),
)
