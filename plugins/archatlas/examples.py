"""A rule's examples: the files an author writes and what `archatlas check` prints
(or, for the rules of other commands, what that command prints).

The rules reference shows each example, and a test writes its files into an
empty folder and runs the check there, so the page cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

# The sections of the rules reference, in the order of the page.
Group = Literal[
    "files",
    "schema",
    "references",
    "ledgers",
    "data",
    "deployment",
    "fields",
    "flows",
    "site",
    "warnings",
    "imports",
    "drift",
]


@dataclass(frozen=True, slots=True)
class File:
    """One file of an example, as the page shows it and as the test writes it."""

    path: str  # relative to the folder the check runs in, e.g. "architecture/teams.yaml"
    text: str = ""  # the YAML shown on the page (a tab is shown as '→')
    note: str = ""  # said of the file after its path, e.g. ", saved as Latin-1"
    encoding: str = "utf-8"  # how the text is saved
    # The bytes saved instead of the text, when the page cannot show them:
    # binary data, or a file too large to print.
    data: bytes | Callable[[], bytes] | None = None
    link: str = ""  # the file is a symbolic link to this path

    def content(self) -> bytes:
        if callable(self.data):
            return self.data()
        return self.data if self.data is not None else self.text.encode(self.encoding)


@dataclass(frozen=True, slots=True)
class Example:
    """Files that make a rule fire, and exactly what `archatlas check architecture` prints."""

    files: tuple[File, ...]
    output: str
    intro: str = ""  # Markdown before the files
    outro: str = ""  # Markdown after the output
    # The command run in the folder, after `archatlas`: `check` unless the rule is another's.
    command: tuple[str, ...] = ("check", "architecture")
    exit: int | None = None  # the exit status, when the output has no summary line to tell it

    @property
    def exit_status(self) -> int:
        """1 when the summary line counts errors, as the check's exit status is."""
        if self.exit is not None:
            return self.exit
        summary = self.output.rstrip("\n").rpartition("\n")[2]
        return 0 if ": 0 errors," in summary else 1
