"""Reading another project's YAML files with archatlas' own safe loader and limits.

Descriptors go through the same reader as architecture files: sizes,
nesting, alias expansion and tags are bounded the same way, and a file that
breaks a limit is a finding, never a crash. Linked files must stay inside
the folder given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..findings import Finding
from ..load import Document, LoadLimits, architecture_files, display_path, load_text, read_text
from ..yamltree import Mapping, Node, Scalar, Sequence


@dataclass(frozen=True, slots=True)
class Read:
    documents: tuple[Document, ...]
    findings: tuple[Finding, ...]
    files: tuple[str, ...]


def read_files(files: Iterable[tuple[Path, Path]], limits: LoadLimits, base: Path) -> Read:
    """Each (file, the folder it must stay in) read into documents."""
    documents: list[Document] = []
    findings: list[Finding] = []
    shown_files: list[str] = []
    for file, root in files:
        shown = display_path(file, base)
        shown_files.append(shown)
        text = read_text(file, root.resolve(), shown, limits, findings)
        if text is not None:
            docs, problems = load_text(text, file.absolute(), shown, limits.yaml)
            documents.extend(docs)
            findings.extend(problems)
    return Read(tuple(documents), tuple(findings), tuple(shown_files))


def yaml_files(path: Path) -> list[tuple[Path, Path]]:
    """A folder's YAML files, recursively, or the one file, each with its root."""
    if path.is_dir():
        return [(file, path) for file in architecture_files(path)]
    return [(path, path.parent)]


# --- reading the node tree ----------------------------------------------------


def text(node: Node | None) -> str | None:
    """A scalar's value as text (numbers as written), else None."""
    if isinstance(node, Scalar) and node.value is not None:
        return node.text if not isinstance(node.value, str) else node.value
    return None


def integer(node: Node | None) -> int | None:
    if (
        isinstance(node, Scalar)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    return None


def mapping(node: Node | None) -> Mapping | None:
    return node if isinstance(node, Mapping) else None


def items(node: Node | None) -> tuple[Node, ...]:
    return node.items if isinstance(node, Sequence) else ()


def dig(node: Node | None, *keys: str) -> Node | None:
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node
