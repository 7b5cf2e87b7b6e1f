"""One mistake, one finding: mutate every line of the example, count the findings.

    python bench/mutations.py [ARCHITECTURE_DIR] [--worst 8]

Each mutation changes one line of one file of a valid architecture: the line
dedented (two spaces, or what it has), indented two spaces, or deleted. Each
mutated architecture is checked. A mistake must be told where it is made:
no finding in another file, and at most two in the mutated one (a deleted
comment or blank line may give none). The script prints how many mutations
gave 0, 1, 2 and 3 or more findings in the mutated file, how many gave any
finding outside it, and the worst cases with their output.

tests/test_mutations.py runs the same mutations on one file of the example.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from archatlas.check import Result, check_loaded
from archatlas.findings import Finding
from archatlas.load import Document, Loaded, Unread, architecture_files, display_path, load_text
from archatlas.report import text

EXAMPLE = Path(__file__).resolve().parents[1] / "architecture"


@dataclass(frozen=True, slots=True)
class Mutation:
    path: str  # as findings show it
    line: int  # 1-based
    how: str  # "dedent", "indent" or "delete"
    before: str  # the line as it was


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one mutation was told. The mutated text is kept, not the checked
    model: hundreds of models held at once slow every garbage collection."""

    mutation: Mutation
    inside: tuple[Finding, ...]
    outside: tuple[Finding, ...]
    file: Path
    content: str


def mutations_of(lines: Sequence[str]) -> Iterator[tuple[int, str, str]]:
    """(0-based line, how, the new line or '' for a deleted one) for each line."""
    for number, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" "))
        if line.strip() and indent:
            yield number, "dedent", line[min(indent, 2) :]
        if line.strip():
            yield number, "indent", "  " + line
        yield number, "delete", ""


@dataclass
class _Loaded:
    documents: list[Document]
    findings: list[Finding]
    unread: list[Unread]


class Mutator:
    """Checks an architecture with one file's text replaced; the other files are
    read once (a check is then a few milliseconds)."""

    def __init__(self, root: Path, base: Path | None = None) -> None:
        self.root = root
        self.base = base or Path.cwd()
        self.files = architecture_files(root)
        self.shown = {file: display_path(file, self.base) for file in self.files}
        self.texts = {file: file.read_text(encoding="utf-8") for file in self.files}
        self.loaded = {file: self._load(file, self.texts[file]) for file in self.files}

    def _load(self, file: Path, content: str) -> _Loaded:
        unread: list[Unread] = []
        documents, findings = load_text(content, file.absolute(), self.shown[file], unread=unread)
        return _Loaded(documents, findings, unread)

    def check(self, changed: Path | None = None, content: str = "") -> Result:
        parts = [
            self._load(file, content) if file == changed else self.loaded[file]
            for file in self.files
        ]
        loaded = Loaded(
            tuple(document for part in parts for document in part.documents),
            tuple(item for part in parts for item in part.findings),
            tuple(self.shown[file] for file in self.files),
            tuple(item for part in parts for item in part.unread),
        )
        return check_loaded(loaded, self.root, display_path(self.root, self.base))

    def outcomes(self, file: Path) -> Iterator[Outcome]:
        lines = self.texts[file].splitlines(keepends=True)
        for number, how, new in mutations_of(lines):
            content = "".join([*lines[:number], new, *lines[number + 1 :]])
            result = self.check(file, content)
            mine = [item for item in result.open_findings if item.path == self.shown[file]]
            others = [item for item in result.open_findings if item.path != self.shown[file]]
            mutation = Mutation(self.shown[file], number + 1, how, lines[number].rstrip("\n"))
            yield Outcome(mutation, tuple(mine), tuple(others), file, content)


def bucket(outcome: Outcome) -> str:
    count = len(outcome.inside)
    return "3+" if count >= 3 else str(count)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("architecture", nargs="?", type=Path, default=EXAMPLE)
    parser.add_argument("--worst", type=int, default=8, help="worst cases to print")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    mutator = Mutator(args.architecture)
    clean = mutator.check()
    if clean.open_findings:
        print(text(clean), end="")
        print("the architecture has findings before any mutation: fix them first")
        return 2
    outcomes = [outcome for file in mutator.files for outcome in mutator.outcomes(file)]
    elapsed = time.perf_counter() - start
    counts = Counter(bucket(outcome) for outcome in outcomes)
    by_how = Counter(outcome.mutation.how for outcome in outcomes)
    outside = [outcome for outcome in outcomes if outcome.outside]
    print(
        f"{len(outcomes):,} mutations ({by_how['dedent']:,} dedented, {by_how['indent']:,} "
        f"indented, {by_how['delete']:,} deleted lines) of {len(mutator.files)} files "
        f"in {elapsed:.1f} s"
    )
    print("findings in the mutated file:")
    for name in ("0", "1", "2", "3+"):
        print(f"  {name:>2}: {counts[name]:,}")
    print(f"mutations with a finding in another file: {len(outside):,}")
    worst = sorted(
        (outcome for outcome in outcomes if outcome.outside or len(outcome.inside) > 2),
        key=lambda outcome: (-len(outcome.outside), -len(outcome.inside)),
    )
    for outcome in worst[: args.worst]:
        mutation = outcome.mutation
        print(f"\n--- {mutation.path}:{mutation.line} {mutation.how}: {mutation.before!r}")
        print(text(mutator.check(outcome.file, outcome.content)), end="")
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
