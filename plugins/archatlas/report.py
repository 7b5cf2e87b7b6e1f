"""Reporters: findings as text for people, JSON for tools, GitHub annotations, SARIF.

Each output format is declared once, in `CHECK_FORMATS`: the command line
offers its name and summary, and the docs are tested to describe it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from . import __version__
from .findings import Finding, Severity, plural

if TYPE_CHECKING:  # the command line reads the formats before it checks anything
    from .check import Result

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: str) -> str:
    """User text for a terminal or log: control characters shown, not obeyed."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", value)


def format_finding(item: Finding) -> str:
    """`path:line:col: severity[rule]: message`, the hint indented below."""
    message = printable(item.message).replace("\n", "\\n")
    where = printable(str(item.location))
    line = f"{where}: {item.severity.value}[{item.rule}]: {message}"
    return f"{line}\n    hint: {printable(item.hint)}" if item.hint else line


def summary(result: Result) -> str:
    elements = len(result.architecture.elements)
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    accepted = len(result.findings) - len(result.open_findings)
    return (
        f"{plural(elements, 'element')} in {plural(len(result.files), 'file')}: "
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
        + (f" ({accepted:,} accepted)" if accepted else "")
    )


def text(result: Result) -> str:
    shown = result.open_findings
    return "".join(format_finding(item) + "\n" for item in shown) + summary(result) + "\n"


def finding_data(item: Finding) -> dict[str, object]:
    """A finding as JSON data."""
    return {
        "rule": item.rule,
        "severity": item.severity.value,
        "path": item.path,
        "line": item.line,
        "col": item.col,
        "message": item.message,
        "hint": item.hint,
        "element": item.element,
        "accepted": item.accepted or None,
    }


def as_json(result: Result) -> str:
    data = {
        "elements": len(result.architecture.elements),
        "files": len(result.files),
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "findings": [finding_data(item) for item in result.findings],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    # GitHub's workflow-command encoding: these characters end a field.
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(result: Result) -> str:
    lines = []
    for item in result.open_findings:
        message = f"{item.message}\n{item.hint}" if item.hint else item.message
        lines.append(
            f"::{item.severity.value} file={_escape_property(item.path)},line={item.line},"
            f"col={item.col},title={_escape_property(item.rule)}::{_escape_data(message)}"
        )
    return "".join(line + "\n" for line in lines) + summary(result) + "\n"


def _suppressions(item: Finding) -> dict[str, object]:
    """An accepted warning is reported as suppressed, with the element's reason."""
    if not item.accepted:
        return {}
    return {"suppressions": [{"kind": "inSource", "justification": item.accepted}]}


def sarif(result: Result) -> str:
    """SARIF 2.1.0, as GitHub code scanning reads it: one run, every rule, every finding."""
    from .rules import EVERY_RULE

    rules = sorted(EVERY_RULE, key=lambda rule: rule.id)
    index = {rule.id: number for number, rule in enumerate(rules)}
    data = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archatlas",
                        "version": __version__,
                        "rules": [
                            {
                                "id": rule.id,
                                "shortDescription": {"text": rule.summary},
                                "defaultConfiguration": {"level": rule.severity.value},
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": [
                    {
                        **_suppressions(item),
                        "ruleId": item.rule,
                        "ruleIndex": index[item.rule],
                        "level": item.severity.value,
                        "message": {
                            "text": f"{item.message}\n{item.hint}" if item.hint else item.message
                        },
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": item.path},
                                    "region": {"startLine": item.line, "startColumn": item.col},
                                }
                            }
                        ],
                    }
                    for item in result.findings
                ],
            }
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


Writer = TypeVar("Writer", bound=Callable[..., str])


@dataclass(frozen=True, slots=True)
class OutputFormat(Generic[Writer]):
    name: str
    summary: str  # for --help
    write: Writer


def output_formats(*formats: OutputFormat[Writer]) -> dict[str, OutputFormat[Writer]]:
    return {item.name: item for item in formats}


CHECK_FORMATS: dict[str, OutputFormat[Callable[[Result], str]]] = output_formats(
    OutputFormat("text", "for people, one line per finding with its hint below", text),
    OutputFormat("json", "one JSON document, for tools", as_json),
    OutputFormat(
        "github",
        "GitHub Actions workflow commands, shown as annotations on the pull request",
        github,
    ),
    OutputFormat("sarif", "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers", sarif),
)
