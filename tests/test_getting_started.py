"""Getting started, run as written: its files, its fix and its commands' output.

The page's files are the code blocks after "in `PATH`:"; its commands are the
`console` blocks, each compared with what the command prints. Installing
archatlas (the page's first step) is left out: the suite runs in an
environment where it is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT, mkdocs_build, run_cli

PAGE = ROOT / "docs" / "getting-started.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
FILE_BEFORE = re.compile(r"in `([^`]+)`:\s*\Z")
FIX = re.compile(r"Correct the owner to `([a-z-]+)` on line (\d+)")
# What differs from one run to the next in MkDocs' log: times and the site's folder.
VARYING = (
    (re.compile(r"\d+\.\d+ (s|seconds)\b"), r"N \1"),
    (re.compile(r"directory: \S+"), "directory: SITE"),
)


@dataclass(frozen=True)
class Step:
    kind: str  # "file", "command" or "fix"
    text: str
    target: str = ""


def steps(page: str) -> list[Step]:
    """The page's files, commands and fix, in the order a reader meets them."""
    found: list[tuple[int, Step]] = []
    for match in BLOCK.finditer(page):
        language, body = match.groups()
        before = FILE_BEFORE.search(page[: match.start()])
        if language == "console":
            found.append((match.start(), Step("command", body)))
        elif before:
            found.append((match.start(), Step("file", body, before.group(1))))
    found += [(m.start(), Step("fix", m.group(1), m.group(2))) for m in FIX.finditer(page)]
    return [step for _, step in sorted(found, key=lambda pair: pair[0])]


def normalised(log: str) -> list[str]:
    lines = [line for line in log.splitlines() if re.match(r"(INFO|WARNING|ERROR) ", line)]
    for pattern, replacement in VARYING:
        lines = [pattern.sub(replacement, line) for line in lines]
    return lines


def test_the_page_runs_as_written(tmp_path: Path) -> None:
    page = PAGE.read_text(encoding="utf-8")
    project = tmp_path / "platform-docs"
    project.mkdir()
    payments_file = ""
    commands = 0
    for step in steps(page):
        if step.kind == "file":
            path = project / step.target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(step.text, encoding="utf-8")
            payments_file = step.target if "owner:" in step.text else payments_file
        elif step.kind == "fix":
            path = project / payments_file
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            line = int(step.target) - 1
            assert lines[line].startswith("owner: "), lines[line]
            lines[line] = f"owner: {step.text}\n"
            path.write_text("".join(lines), encoding="utf-8")
        else:
            command, _, shown = step.text.partition("\n")
            program, *args = command.removeprefix("$ ").split()
            commands += 1
            if program == "archatlas":
                ran = run_cli(*args, cwd=project)
                assert ran.stdout == shown, command
            else:
                assert (program, args) == ("mkdocs", ["build", "--strict"])
                built = mkdocs_build(project)
                assert built.returncode == 0, built.stderr
                assert normalised(built.stderr) == normalised(shown)
                assert (project / "site" / "architecture" / "service" / "payments-api").is_dir()
    assert commands == 3  # the check with its mistake, the check once fixed, the build
