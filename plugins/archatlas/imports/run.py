"""`archatlas import`: read, write the files, report. The command line calls this."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..findings import Severity
from ..load import LoadLimits, display_path
from ..report import format_finding
from . import IMPORTERS, Options
from .draft import Found
from .summary import summary
from .write import merge, render


@dataclass(frozen=True, slots=True)
class Outcome:
    output: str
    status: int  # 0 written; 1 the input had errors (what could be read is written)
    found: Found | None = None


def missing_paths(paths: list[Path]) -> list[Path]:
    return [path for path in paths if not path.exists()]


def run_import(
    name: str,
    paths: list[Path],
    out: Path,
    options: Options,
    do_merge: bool = False,
    limits: LoadLimits = LoadLimits(),
) -> Outcome:
    base = Path.cwd()
    found = IMPORTERS[name].read(paths, limits, base, options)
    shown = " ".join(display_path(p, base) for p in paths)
    flags = [f"--system {options.system}"] if options.system else []
    flags += [f"--profile {profile}" for profile in options.profiles]
    flags += [f"--env-file {display_path(file, base)}" for file in options.env_files]
    flags += [f"--environment {options.environment}"] if options.environment else []
    command = " ".join(["archatlas import", name, shown, *flags])
    if do_merge:
        merged = merge(found, out, command, limits)
        if merged.findings:
            lines = [format_finding(item) for item in merged.findings]
            lines.append(f"archatlas: nothing merged: fix the files in {out} first")
            return Outcome("\n".join(lines) + "\n", 1, found)
        files = merged.files
    else:
        files = render(found, command)
    for file_name, content in files.items():
        target = out / file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    errors = any(item.severity is Severity.ERROR for item in found.findings)
    text = summary(found, sorted(files), display_path(out, base))
    return Outcome(text, 1 if errors else 0, found)
