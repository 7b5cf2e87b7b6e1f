"""Plain data to YAML text, in archatlas' field order, with comments.

Written by hand rather than with `yaml.dump` for three reasons: the field
order of the format reference (kind, id, name, ... uses), comments where a
person must decide (owner, data classification), and the same bytes for the
same input. Strings are quoted whenever YAML 1.1 or 1.2 could read them as
anything but a string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from ..yamltree import resolve_plain

ORDER = (
    "kind",
    "id",
    "name",
    "description",
    "system",
    "owner",
    "domain",
    "contact",
    "role",
    "engine",
    "provider",
    "product",
    "mode",
    "ledger",
    "organization",
    "endpoint",
    "tags",
    "links",
    "runtime",
    "to",
    "as",
    "protocol",
    "platform",
    "workload",
    "image",
    "environment",
    "cluster",
    "namespace",
    "replicas",
    "autoscale",
    "min",
    "max",
    "schedule",
    "deployments",
    "uses",
)
_RANK = {key: number for number, key in enumerate(ORDER)}
_PLAIN = re.compile(r"^[A-Za-z0-9_/(]([A-Za-z0-9_./:@+(), -]*[A-Za-z0-9_./@+)-])?$")
_YAML_11_WORDS = {"y", "n", "yes", "no", "on", "off"}

Comments = Mapping[tuple[str | int, ...], tuple[str, ...]]  # after the field at this path


def scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    plain = (
        _PLAIN.match(text)
        and resolve_plain(text) == text
        and text.lower() not in _YAML_11_WORDS
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def ordered(data: Mapping[str, object]) -> list[tuple[str, object]]:
    return sorted(data.items(), key=lambda item: (_RANK.get(item[0], len(ORDER)), item[0]))


def document(
    data: Mapping[str, object], header: tuple[str, ...] = (), comments: Comments | None = None
) -> str:
    """One YAML document (with its `---`), comments first, then the fields."""
    lines = ["---", *(f"# {line}" if line else "#" for line in header)]
    _mapping(data, 0, (), comments or {}, lines, first_prefix="")
    return "\n".join(lines) + "\n"


def _mapping(
    data: Mapping[str, object],
    indent: int,
    path: tuple[str | int, ...],
    comments: Comments,
    lines: list[str],
    first_prefix: str,
) -> None:
    pad = " " * indent
    for number, (key, value) in enumerate(ordered(data)):
        prefix = first_prefix if number == 0 and first_prefix else pad
        here = (*path, key)
        if isinstance(value, Mapping):
            lines.append(f"{prefix}{key}:" + (" {}" if not value else ""))
            _mapping(value, indent + 2, here, comments, lines, "")
        elif isinstance(value, list | tuple):
            _sequence(key, value, prefix, indent, here, comments, lines)
        else:
            lines.append(f"{prefix}{key}: {scalar(value)}")
        lines.extend(f"{pad}# {line}" for line in comments.get(here, ()))


def _sequence(
    key: str,
    values: list[object] | tuple[object, ...],
    prefix: str,
    indent: int,
    path: tuple[str | int, ...],
    comments: Comments,
    lines: list[str],
) -> None:
    if not values:
        lines.append(f"{prefix}{key}: []")
        return
    if all(not isinstance(v, Mapping | list | tuple) for v in values):
        lines.append(f"{prefix}{key}: [" + ", ".join(scalar(v) for v in values) + "]")
        return
    lines.append(f"{prefix}{key}:")
    pad = " " * (indent + 2)
    for number, value in enumerate(values):
        if isinstance(value, Mapping) and value:
            _mapping(value, indent + 4, (*path, number), comments, lines, pad + "- ")
        else:
            lines.append(f"{pad}- {scalar(value)}")
