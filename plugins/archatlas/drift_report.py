"""`archatlas drift`: read both sides, compare, report in the formats of `check`.

The findings of drift are reported like those of `check` (`text`, `json`,
`github`, `sarif`), with a summary line of their own; the findings of
`check` itself are not repeated, only counted on standard error when the
architecture has errors, which would make the comparison unreliable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import report
from .check import Result, apply_acceptances, check_directory
from .drift import Sides, compare
from .findings import Severity, plural
from .imports import IMPORTERS, Options
from .imports.documents import loaded
from .load import LoadLimits, display_path
from .model import build
from .report import OutputFormat, output_formats


@dataclass(frozen=True, slots=True)
class Drift:
    result: Result  # the declared architecture, with the drift findings only
    check_errors: int  # errors `archatlas check` reports on the declared side

    @property
    def differs(self) -> bool:
        return bool(self.result.open_findings)


def run_drift(
    directory: Path,
    source: str,
    paths: list[Path],
    options: Options | None = None,
    limits: LoadLimits = LoadLimits(),
) -> Drift:
    checked = check_directory(directory, limits)
    importer = IMPORTERS[source]
    found = importer.read(paths, limits, Path.cwd(), options or Options())
    observed, _ = build(loaded(found).documents)
    root = display_path(directory)
    sides = Sides(checked.architecture, observed, found, importer.platform, root)
    findings = apply_acceptances(checked.architecture, [*found.findings, *compare(sides)])
    ordered = tuple(sorted(findings, key=lambda item: item.sort_key))
    result = Result(checked.architecture, ordered, found.files, root)
    return Drift(result, checked.count(Severity.ERROR))


def summary(result: Result) -> str:
    accepted = len(result.findings) - len(result.open_findings)
    differences = plural(len(result.open_findings), "difference")
    files = plural(len(result.files), "file")
    shown = f" ({accepted:,} accepted)" if accepted else ""
    return f"drift: {differences} between {result.root} and {files}{shown}"


def _with_summary(write: Callable[[Result], str]) -> Callable[[Result], str]:
    """A check writer whose last line, the check's summary, is drift's instead."""

    def written(result: Result) -> str:
        lines = write(result).splitlines(keepends=True)
        return "".join(lines[:-1]) + summary(result) + "\n"

    return written


DRIFT_FORMATS: dict[str, OutputFormat[Callable[[Result], str]]] = output_formats(
    OutputFormat(
        "text",
        "for people, one line per difference with its hint below",
        _with_summary(report.text),
    ),
    OutputFormat("json", "one JSON document, for tools", report.as_json),
    OutputFormat(
        "github",
        "GitHub Actions workflow commands, shown as annotations on the pull request",
        _with_summary(report.github),
    ),
    OutputFormat("sarif", "SARIF 2.1.0, for GitHub code scanning", report.sarif),
)
