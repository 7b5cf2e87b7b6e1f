"""Load stage: architecture files to YAML documents with source positions.

Nothing here raises on bad input: every problem becomes a finding that
names the file, and the documents that could be read are kept.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding, Location, finding
from .load_rules import FILE_TOO_LARGE, NOT_A_MAPPING, NOT_TEXT, UNREADABLE_FILE
from .yamlstream import UnreadText, parse_documents
from .yamltree import Limits, Mapping, Pos, Problem, Scalar

SUFFIXES = (".yaml", ".yml")
DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LoadLimits:
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    yaml: Limits = Limits()


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document: the source of one element."""

    path: str  # as shown to the user, relative to the current directory
    file: Path  # absolute, to resolve paths written in the document
    index: int  # 0-based position of the document in its file
    root: Mapping

    def at(self, pos: Pos) -> Location:
        return Location(self.path, pos.line, pos.col)


@dataclass(frozen=True, slots=True)
class Unread:
    """The text of a document that could not be read whole, from line `first`:
    the ids written in it may exist (see model.Possible)."""

    path: str
    first: int
    text: str


@dataclass(frozen=True, slots=True)
class Loaded:
    documents: tuple[Document, ...]
    findings: tuple[Finding, ...]
    files: tuple[str, ...]
    unread: tuple[Unread, ...] = ()
    # A digest of every file read, by its absolute path: what was read, for a
    # build that reuses its last result when nothing changed. "" when unknown.
    digest: str = ""


def display_path(path: Path, base: Path | None = None) -> str:
    """The path relative to `base` (the current directory) when inside it."""
    base = (base or Path.cwd()).resolve()
    absolute = path.absolute()
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:
        return os.path.relpath(absolute, base) if absolute.anchor == base.anchor else str(path)


def architecture_files(root: Path) -> list[Path]:
    """Every YAML file under `root`, recursively, in a stable order.

    Linked folders are not followed, so a link cannot make the walk loop or
    leave the directory; linked files are checked in `read_text`.
    """
    found: list[Path] = []
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        found.extend(Path(folder, name) for name in names if name.endswith(SUFFIXES))
    return sorted(found, key=lambda path: path.relative_to(root).as_posix())


def load_paths(
    paths: Sequence[Path], limits: LoadLimits = LoadLimits(), base: Path | None = None
) -> Loaded:
    """Every document in `paths`, shown relative to `base` (default: the current
    directory): a folder is read recursively, a file as it is.

    A linked file must stay inside the folder given (for a file: its folder).
    """
    documents: list[Document] = []
    findings: list[Finding] = []
    unread: list[Unread] = []
    base = (base or Path.cwd()).resolve()
    shown_paths: list[str] = []
    digest = hashlib.sha256()
    for path in paths:
        root = path if path.is_dir() else path.parent
        files = architecture_files(path) if path.is_dir() else [path]
        resolved_root = root.resolve()
        for file in files:
            shown = display_path(file, base)
            shown_paths.append(shown)
            text = read_text(file, resolved_root, shown, limits, findings, unread)
            digest.update(f"{file.absolute()}\0{shown}\0{text}\0".encode("utf-8", "replace"))
            if text is not None:
                docs, problems = load_text(text, file.absolute(), shown, limits.yaml, unread)
                documents.extend(docs)
                findings.extend(problems)
    return Loaded(
        tuple(documents), tuple(findings), tuple(shown_paths), tuple(unread), digest.hexdigest()
    )


def read_text(
    file: Path,
    root: Path,
    shown: str,
    limits: LoadLimits,
    findings: list[Finding],
    unread: list[Unread] | None = None,
) -> str | None:
    """The file's text, or None after adding the finding that says why not (and,
    to `unread`, what can be made of the text of a file in another encoding)."""
    start = Location(shown, 1, 1)
    try:
        inside = file.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop: Python 3.11 raises RuntimeError
        findings.append(finding(UNREADABLE_FILE, start, "this file is a link that loops"))
        return None
    if not inside:
        findings.append(
            finding(
                UNREADABLE_FILE,
                start,
                "this file links to a place outside the architecture directory",
                "copy the file into the architecture directory instead of linking to it",
            )
        )
        return None
    try:
        if not file.exists():
            missing = "this link points to a file that" if file.is_symlink() else "this file"
            findings.append(finding(UNREADABLE_FILE, start, f"{missing} does not exist"))
            return None
        if not file.is_file():  # a pipe or device would block or never end
            findings.append(finding(UNREADABLE_FILE, start, "this is not a regular file"))
            return None
        size = file.stat().st_size
        if size > limits.max_file_bytes:
            findings.append(_too_large(start, size, limits.max_file_bytes))
            return None
        data = file.read_bytes()
    except OSError as error:
        findings.append(finding(UNREADABLE_FILE, start, f"cannot read the file: {error.strerror}"))
        return None
    text = decode(data, shown, findings)
    if text is None and unread is not None:
        # Text in another encoding is not read, yet the ids it names may exist.
        encoding = next((name for bom, name in OTHER_ENCODINGS if data.startswith(bom)), None)
        if encoding is not None or b"\x00" not in data:
            unread.append(Unread(shown, 1, data.decode(encoding or "utf-8", "replace")))
    return text


def _too_large(at: Location, size: int, limit: int) -> Finding:
    return finding(
        FILE_TOO_LARGE,
        at,
        f"the file is {size:,} bytes, more than the limit of {limit:,}",
        "split it into several files",
    )


OTHER_ENCODINGS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def decode(data: bytes, shown: str, findings: list[Finding]) -> str | None:
    encoding = next((name for bom, name in OTHER_ENCODINGS if data.startswith(bom)), None)
    if encoding:
        findings.append(
            finding(
                NOT_TEXT,
                Location(shown, 1, 1),
                f"the file is {encoding} text, not UTF-8",
                "save it as UTF-8 (in PowerShell: Out-File -Encoding utf8)",
            )
        )
        return None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        findings.append(
            finding(
                NOT_TEXT,
                Location(shown, line, 1),
                "the file holds binary data, not text",
                "architecture files are YAML text: remove this file or rename it",
            )
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data[:line_start].count(b"\n") + 1
        col = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        findings.append(
            finding(
                NOT_TEXT,
                Location(shown, line, col),
                "the file is not UTF-8 text",
                "save it as UTF-8",
            )
        )
        return None


def load_text(
    text: str,
    file: Path,
    shown: str,
    limits: Limits = Limits(),
    unread: list[Unread] | None = None,
) -> tuple[list[Document], list[Finding]]:
    """The documents of `text` and the findings of reading it; the texts of the
    documents not read whole are added to `unread`."""
    documents: list[Document] = []
    findings: list[Finding] = []
    for item in parse_documents(text, limits):
        if isinstance(item, UnreadText):
            if unread is not None:
                unread.append(Unread(shown, item.first, item.text))
        elif isinstance(item, Problem):
            findings.append(finding(item.rule, _at(shown, item.pos), item.message, item.hint))
        elif item.root is None or (isinstance(item.root, Scalar) and item.root.value is None):
            continue  # an empty document, e.g. after a trailing '---'
        elif isinstance(item.root, Mapping):
            documents.append(Document(shown, file, item.index, item.root))
        else:
            findings.append(_not_a_mapping(shown, item.root.pos, type(item.root).__name__))
    return documents, findings


def _at(shown: str, pos: Pos) -> Location:
    return Location(shown, pos.line, pos.col)


def _not_a_mapping(shown: str, pos: Pos, node_type: str) -> Finding:
    what = "a list" if node_type == "Sequence" else "a single value"
    return finding(
        NOT_A_MAPPING,
        _at(shown, pos),
        f"this document is {what}, not a mapping of fields",
        "each document describes one element: start it with 'kind:' and 'id:'",
    )
