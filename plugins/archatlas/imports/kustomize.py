"""Which files a Kubernetes PATH stands for: a folder, a file, or a Kustomize base.

A folder holding a `kustomization.yaml` is read as Kustomize reads it: its
listed `resources` only (files, or folders that are bases themselves), with
its `namespace`. Resources outside the folder or on the network are not
read, and patches, generators and components are not applied: each is
reported as skipped, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, Location, finding
from ..load import LoadLimits, display_path
from .draft import Skipped
from .import_rules import INPUT_ON_NETWORK, INPUT_OUTSIDE_FOLDER, NETWORK_HINT, OUTSIDE_HINT
from .read import items, read_files, text, yaml_files

NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
NOT_APPLIED = (
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "components",
    "configMapGenerator",
    "secretGenerator",
    "images",
    "replicas",
    "namePrefix",
    "nameSuffix",
)
MAX_DEPTH = 16  # bases that include bases


@dataclass
class Plan:
    files: list[tuple[Path, Path]] = field(default_factory=list)  # (file, the folder it stays in)
    namespaces: dict[Path, str] = field(default_factory=dict)  # file -> kustomization namespace
    skipped: list[Skipped] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def kustomization(folder: Path) -> Path | None:
    return next((folder / name for name in NAMES if (folder / name).is_file()), None)


def plan(paths: list[Path], limits: LoadLimits, base: Path) -> Plan:
    result = Plan()
    for path in paths:
        target = path.parent if path.name in NAMES else path
        if target.is_dir() and kustomization(target):
            _base(target, target.resolve(), limits, base, result, None, 0)
        else:
            result.files.extend(yaml_files(path))
    return result


def _base(
    folder: Path,
    root: Path,
    limits: LoadLimits,
    base: Path,
    result: Plan,
    namespace: str | None,
    depth: int,
) -> None:
    file = kustomization(folder)
    assert file is not None
    read = read_files([(file, folder)], limits, base)
    result.findings.extend(read.findings)
    if not read.documents:
        return
    doc = read.documents[0]
    namespace = text(doc.root.get("namespace")) or namespace
    for key in NOT_APPLIED:
        node = doc.root.key(key)
        if node is not None:
            result.skipped.append(
                Skipped(
                    f"kustomization '{key}'",
                    "not applied: the base is read as listed",
                    doc.at(node.pos),
                )
            )
    listed: set[Path] = {file.resolve()}
    for item in (*items(doc.root.get("resources")), *items(doc.root.get("bases"))):
        entry = text(item)
        if entry is None:
            continue
        at = doc.at(item.pos)
        resource = _resource(folder, entry, root, at, result)
        if resource is None:
            continue
        listed.add(resource.resolve())
        if resource.is_dir():
            if depth >= MAX_DEPTH or not kustomization(resource):
                why = (
                    "a folder resource must be a Kustomize base"
                    if depth < MAX_DEPTH
                    else (f"bases nest more than {MAX_DEPTH} deep")
                )
                result.skipped.append(Skipped(f"resource '{entry}'", why, at))
                continue
            _base(resource, root, limits, base, result, namespace, depth + 1)
            continue
        result.files.append((resource, root))
        if namespace:
            result.namespaces[resource.resolve()] = namespace
    for other, _ in yaml_files(folder):
        if other.parent == folder and other.resolve() not in listed:
            result.skipped.append(
                Skipped(
                    display_path(other, base),
                    f"not listed in the resources of {display_path(file, base)}",
                )
            )


def is_remote(entry: str) -> bool:
    return "://" in entry or entry.startswith(("github.com/", "gitlab.com/", "git@", "git::"))


def _resource(folder: Path, entry: str, root: Path, at: Location, result: Plan) -> Path | None:
    if is_remote(entry):
        message = f"'{entry}' is on the network: never fetched"
        result.findings.append(finding(INPUT_ON_NETWORK, at, message, NETWORK_HINT))
        return None
    resource = folder / entry
    try:
        inside = resource.resolve().is_relative_to(root)
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        message = f"'{entry}' is outside the folder given: not read"
        result.findings.append(finding(INPUT_OUTSIDE_FOLDER, at, message, OUTSIDE_HINT))
        return None
    if not resource.exists():
        result.skipped.append(Skipped(f"resource '{entry}'", "no such file", at))
        return None
    return resource
