"""Which files a Backstage PATH stands for: the files given, and the Location targets they name.

A Location's targets are followed when they are files inside the folder
given (globs included), never when they are URLs or lie outside it: those
are findings of their rules, and the rest of the catalog is still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, finding
from ..load import Document, LoadLimits
from .import_rules import INPUT_ON_NETWORK, INPUT_OUTSIDE_FOLDER, NETWORK_HINT, OUTSIDE_HINT
from .kustomize import is_remote
from .read import dig, items, read_files, text, yaml_files

MAX_FILES = 10_000  # a glob or a loop of Locations cannot make the read endless


@dataclass
class Catalog:
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def read_catalog(paths: list[Path], limits: LoadLimits, base: Path) -> Catalog:
    catalog = Catalog()
    seen: set[Path] = set()
    pending = [pair for path in paths for pair in yaml_files(path)]
    while pending and len(seen) < MAX_FILES:
        file, root = pending.pop(0)
        key = file.resolve()
        if key in seen:
            continue
        seen.add(key)
        read = read_files([(file, root)], limits, base)
        catalog.findings.extend(read.findings)
        catalog.files.extend(read.files)
        for doc in read.documents:
            catalog.documents.append(doc)
            if text(doc.root.get("kind")) == "Location":
                pending.extend(_targets(doc, file, root, catalog))
    return catalog


def _targets(doc: Document, file: Path, root: Path, catalog: Catalog) -> list[tuple[Path, Path]]:
    spec = dig(doc.root, "spec")
    nodes = [*items(dig(spec, "targets"))]
    single = dig(spec, "target")
    if single is not None:
        nodes.append(single)
    kind = text(dig(spec, "type")) or "file"
    found: list[tuple[Path, Path]] = []
    for node in nodes:
        target = text(node)
        if target is None:
            continue
        at = doc.at(node.pos)
        if kind == "url" or is_remote(target):
            message = f"'{target}' is on the network: never fetched"
            catalog.findings.append(finding(INPUT_ON_NETWORK, at, message, NETWORK_HINT))
            continue
        matches = _matches(file.parent, target)
        inside = [m for m in matches if _inside(m, root)]
        if len(inside) < len(matches) or (not matches and not _inside(file.parent / target, root)):
            message = f"'{target}' is outside the folder given: not read"
            catalog.findings.append(finding(INPUT_OUTSIDE_FOLDER, at, message, OUTSIDE_HINT))
        found.extend((match, root) for match in inside if match.is_file())
    return found


def _matches(folder: Path, target: str) -> list[Path]:
    if any(char in target for char in "*?["):
        if Path(target).is_absolute():
            return [Path(target)]
        return sorted(folder.glob(target))[:MAX_FILES]
    return [folder / target]


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False
