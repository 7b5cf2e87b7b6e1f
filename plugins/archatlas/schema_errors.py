"""Schema errors in YAML words: pydantic's validation errors as findings.

An author reads "'replica' is not a field of runtime (did you mean
'replicas'?)", placed at the key, not a pydantic location. Errors that come
from one mistake (a line at the wrong indentation, a key line deleted) are
told as one finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from .findings import Finding, Location, did_you_mean, finding
from .flow_format import FLOW_NESTED, TAG
from .format import NESTED, Element, field_names
from .load import Document
from .model_rules import BAD_ID, INVALID_VALUE, MISSING_FIELD, UNKNOWN_FIELD, WRONG_TYPE
from .yamltree import Mapping, Node, Sequence


def find_node(root: Node, path: Iterable[str | int], key: bool = False) -> Node:
    """The node at `path`, or the deepest one that exists on the way there.

    With `key`, a mapping entry's key is returned instead of its value,
    for messages about the field name itself.
    """
    return walk(root, path, key)[0]


def walk(root: Node, path: Iterable[str | int], key: bool = False) -> tuple[Node, bool]:
    """The deepest node on the way to `path`, and whether it is the one at its end."""
    node: Node = root
    steps = list(path)
    for index, step in enumerate(steps):
        child: Node | None = None
        if isinstance(node, Mapping) and isinstance(step, str):
            if key and index == len(steps) - 1:
                found = node.key(step)
                return (found, True) if found is not None else (node, False)
            child = node.get(step)
        elif isinstance(node, Sequence) and isinstance(step, int) and step < len(node.items):
            child = node.items[step]
        if child is None:
            return node, False
        node = child
    return node, True


def schema_findings(
    document: Document,
    model: type[Element],
    kind: str,
    details: list[ErrorDetails],
    element_id: str | None,
) -> list[Finding]:
    """The findings of one document's validation errors."""
    findings: list[Finding] = []
    details, moved = _moved(details)
    for group in _by_field(details):
        if len(group) > MOST_PER_FIELD:
            findings.append(_many(document, model, kind, group, element_id))
            continue
        for detail in group:
            found = _schema_finding(document, model, kind, detail, element_id)
            needed = moved.get(str(detail["loc"][-1])) if detail["loc"] else None
            if detail["type"] == "extra_forbidden" and needed is not None:
                where = document.at(find_node(document.root, needed).pos)
                found = replace(
                    found,
                    hint=f"the mapping at line {where.line} needs '{detail['loc'][-1]}': "
                    "if this line belongs there, indent it as its other fields",
                )
            findings.append(found)
    return findings


# More schema errors than this under one top-level field are most often one
# mistake (a missing or mis-indented key line, e.g. 'uses:' deleted so that its
# relations read as links): they are told as one finding.
MOST_PER_FIELD = 2


def _moved(
    details: list[ErrorDetails],
) -> tuple[list[ErrorDetails], dict[str, tuple[str | int, ...]]]:
    """A field missing in one mapping and unknown in another is one line at the
    wrong indentation: one finding, the unknown one, which says where it belongs.
    Returns the details left and, by field name, where each is missing."""
    missing = {str(d["loc"][-1]): d for d in details if d["type"] == "missing" and d["loc"]}
    moved = {
        str(d["loc"][-1]): tuple(missing[str(d["loc"][-1])]["loc"][:-1])
        for d in details
        if d["type"] == "extra_forbidden" and d["loc"] and str(d["loc"][-1]) in missing
    }
    left = [
        d
        for d in details
        if not (d["type"] == "missing" and d["loc"] and str(d["loc"][-1]) in moved)
    ]
    return left, moved


def _by_field(details: list[ErrorDetails]) -> list[list[ErrorDetails]]:
    groups: dict[object, list[ErrorDetails]] = {}
    for detail in details:
        groups.setdefault(detail["loc"][0] if detail["loc"] else None, []).append(detail)
    return list(groups.values())


def _many(
    document: Document,
    model: type[Element],
    kind: str,
    group: list[ErrorDetails],
    element_id: str | None,
) -> Finding:
    first = _schema_finding(document, model, kind, group[0], element_id)
    name = group[0]["loc"][0]
    return replace(
        first,
        message=f"{first.message} (and {len(group) - 1} more errors in '{name}')",
        hint=f"if the lines of '{name}' from line {first.line} on belong to another field, "
        "the line of its key is missing or indented wrongly",
    )


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "tuple_type": "a list",
    "list_type": "a list",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "dict_type": "a mapping of fields",
}
_QUOTED = re.compile(r"'([^']*)'")


def describe(value: object) -> str:
    """A value as a YAML author sees it."""
    if value is None:
        return "nothing (empty)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, tuple | list):
        return "a list"
    return "a mapping"


def _context(
    model: type[BaseModel], kind: str, loc: tuple[str | int, ...]
) -> tuple[type[BaseModel], str]:
    """The model and the name of the mapping that holds the last step of `loc`."""
    names = [step for step in loc[:-1] if isinstance(step, str)]
    for name in reversed(names):
        if name in NESTED:
            return NESTED[name]
        if name in FLOW_NESTED:
            return FLOW_NESTED[name]
    return model, f"a {kind}"


def _untagged(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """`loc` without the tags that name the model of each item of a flow's
    steps (see flow_format.TAG): one follows the item's index. A key that a
    file writes stays, though it starts as a tag does."""
    return tuple(
        step
        for before, step in zip((None, *loc), loc, strict=False)
        if not (isinstance(before, int) and step in FLOW_NESTED and str(step).startswith(TAG))
    )


def _field_label(loc: tuple[str | int, ...]) -> str:
    parts: list[str] = []
    for step in loc:
        if isinstance(step, int):
            parts[-1] = f"{parts[-1]}[{step}]" if parts else f"[{step}]"
        else:
            parts.append(step)
    return ".".join(parts) or "value"


def _schema_finding(
    document: Document,
    model: type[Element],
    kind: str,
    detail: ErrorDetails,
    element_id: str | None,
) -> Finding:
    tagged = tuple(detail["loc"])
    owner_model, owner_name = _context(model, kind, tagged)
    loc = _untagged(tagged)
    label = _field_label(loc)
    error_type = detail["type"]
    value = detail.get("input")

    def at(key: bool = False) -> Location:
        return document.at(find_node(document.root, loc, key=key).pos)

    if error_type == "extra_forbidden":
        name = str(loc[-1])
        fields = field_names(owner_model)
        return finding(
            UNKNOWN_FIELD,
            at(key=True),
            f"'{name}' is not a field of {owner_name}{did_you_mean(name, fields)}",
            "fields: " + ", ".join(fields),
            element_id,
        )
    if error_type == "missing":
        return finding(
            MISSING_FIELD,
            at(),
            f"{owner_name} needs the field '{loc[-1]}'",
            element=element_id,
        )
    if error_type == "string_pattern_mismatch":
        return finding(
            BAD_ID,
            at(),
            f"{label}: '{value}' is not a valid id",
            "an id starts with a lowercase letter, then lowercase letters, digits and '-'",
            element_id,
        )
    if error_type in ("literal_error", "enum"):
        allowed = _QUOTED.findall(str(detail.get("ctx", {}).get("expected", "")))
        return finding(
            INVALID_VALUE,
            at(),
            f"{label}: '{value}' is not allowed{did_you_mean(str(value), allowed)}",
            "allowed: " + ", ".join(allowed),
            element_id,
        )
    if error_type in _TYPE_WORDS:
        hint = "put quotes around it to keep it as text" if error_type == "string_type" else ""
        return finding(
            WRONG_TYPE,
            at(),
            f"{label} must be {_TYPE_WORDS[error_type]}, not {describe(value)}",
            hint,
            element_id,
        )
    return finding(
        INVALID_VALUE,
        at(),
        f"{label}: {describe(value)} is not allowed: {_lower_first(detail['msg'])}",
        element=element_id,
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
