"""Compose variables: `.env` files and `${VAR}` interpolation.

Only the `.env` files are read, never the environment of the shell that
runs archatlas: the same files give the same architecture on every machine.
A variable that no file sets stays as written (`${VAR}`) and is reported.
"""

from __future__ import annotations

import re

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$")
_VARIABLE = re.compile(
    r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)


def parse(text: str) -> dict[str, str]:
    """`KEY=value` lines, with comments, quotes and `export`; later keys see earlier ones."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        matched = _LINE.match(line)
        if not matched:
            continue
        key, raw = matched.group(1), matched.group(2).strip()
        if raw[:1] in ("'", '"') and raw.endswith(raw[0]) and len(raw) >= 2:
            value = raw[1:-1]
            if raw[0] == '"':
                values[key] = interpolate(value, values)
            else:
                values[key] = value
            continue
        value = re.split(r"\s+#", raw, maxsplit=1)[0]
        values[key] = interpolate(value, values)
    return values


def interpolate(text: str, values: dict[str, str]) -> str:
    """`text` with each `${VAR}`, `${VAR:-default}`, `$VAR` set from `values`."""

    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, argument = match.group(2), match.group(3) or ""
        value = values.get(name)
        if operator in (":-", "-"):
            empty = value is None or (operator == ":-" and value == "")
            return interpolate(argument, values) if empty else str(value)
        if operator in (":+", "+"):
            present = value is not None and (operator == "+" or value != "")
            return interpolate(argument, values) if present else ""
        return whole if value is None else value

    return _VARIABLE.sub(replace, text)
