"""Compose files to draft elements.

Several files are merged in the order given (a folder: its Compose files in
name order), as `docker compose -f a -f b` merges them: mappings key by key,
`environment` and `depends_on` by name, the rest replaced. `.env` sets the
variables; profiles not activated leave their services out. Relations come
from `depends_on`, `links` and the hosts that environment values name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Location
from ..load import Document, LoadLimits, display_path
from ..yamltree import Mapping, Node, Scalar, Sequence
from . import dotenv
from .draft import Found, Path_, Skipped
from .read import dig, items, read_files, text, yaml_files
from .resolve import Endpoint, Reference, Workload, resolve

ENV_FILE = ".env"
MAX_ENV_BYTES = 1024 * 1024


@dataclass
class _Service:
    """One service, merged across files: each value with where it was written."""

    name: str
    at: Location
    image: tuple[str, Location] | None = None
    replicas: tuple[str, Location] | None = None
    environment: dict[str, tuple[str | None, Location]] = field(default_factory=dict)
    depends: dict[str, tuple[str, Location]] = field(default_factory=dict)  # name -> (key, where)
    names: set[str] = field(default_factory=set)  # hostname, container_name, aliases
    profiles: tuple[str, ...] = ()
    build: str | None = None
    extends: Location | None = None


def read_compose(
    paths: list[Path],
    limits: LoadLimits,
    base: Path,
    system: str,
    profiles: tuple[str, ...] = (),
    env_files: tuple[Path, ...] = (),
) -> Found:
    files = [pair for path in paths for pair in _compose_files(path)]
    read = read_files(files, limits, base)
    skipped: list[Skipped] = []
    project = paths[0] if paths and paths[0].is_dir() else (paths[0].parent if paths else base)
    values = _env_values([project / ENV_FILE, *env_files], skipped, base)
    services: dict[str, _Service] = {}
    for doc in read.documents:
        if not isinstance(doc.root.get("services"), Mapping):
            skipped.append(Skipped(doc.path, "no 'services': not a Compose file"))
            continue
        _merge_file(doc, services, values)
    workloads: list[Workload] = []
    endpoints: list[Endpoint] = []
    for service in sorted(services.values(), key=lambda s: s.name):
        if service.profiles and not set(service.profiles) & set(profiles):
            shown = ", ".join(service.profiles)
            skipped.append(
                Skipped(
                    f"service {service.name}",
                    f"in profile {shown}, not activated (pass --profile {service.profiles[0]})",
                    service.at,
                )
            )
            continue
        if service.extends is not None:
            skipped.append(
                Skipped(
                    f"extends of {service.name}",
                    "not followed: write the fields out",
                    service.extends,
                )
            )
        workloads.append(_workload(service, system, values))
        endpoints.extend(
            Endpoint(name, system, target=service.name)
            for name in sorted({service.name, *service.names})
        )
    found = resolve("compose", workloads, endpoints, system, "docker")
    return Found(
        "compose",
        found.drafts,
        found.unresolved,
        tuple(skipped),
        found.placeholders,
        read.findings,
        read.files,
    )


# A folder's files in the order `docker compose` reads its defaults: the file, then its override.
DEFAULT_NAMES = ("compose", "docker-compose")


def _compose_files(path: Path) -> list[tuple[Path, Path]]:
    def rank(pair: tuple[Path, Path]) -> tuple[int, str]:
        relative = pair[0].relative_to(path).as_posix()
        stem = relative.rsplit(".", 1)[0]
        for number, name in enumerate(DEFAULT_NAMES):
            if stem == name:
                return (2 * number, relative)
            if stem == f"{name}.override":
                return (2 * number + 1, relative)
        return (len(DEFAULT_NAMES) * 2, relative)

    files = yaml_files(path)
    return sorted(files, key=rank) if path.is_dir() else files


def _env_values(files: list[Path], skipped: list[Skipped], base: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for file in files:
        if not file.is_file():
            continue
        if file.stat().st_size > MAX_ENV_BYTES:
            skipped.append(Skipped(display_path(file, base), "larger than 1 MB: not read"))
            continue
        try:
            text_ = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            skipped.append(Skipped(display_path(file, base), "not UTF-8 text: not read"))
            continue
        values.update(dotenv.parse(text_))
    return values


def _with_merge_keys(node: Mapping) -> list[tuple[Scalar, Node]]:
    """The entries of a mapping, with those of its YAML merge key (`<<: *base`) under them."""
    own = [(key, value) for key, value in node.entries if key.text != "<<"]
    merged = node.get("<<")
    bases = [merged] if isinstance(merged, Mapping) else list(items(merged))
    names = {key.text for key, _ in own}
    for base_node in bases:
        if isinstance(base_node, Mapping):
            for key, value in _with_merge_keys(base_node):
                if key.text not in names:
                    own.append((key, value))
                    names.add(key.text)
    return own


def _merge_file(doc: Document, services: dict[str, _Service], values: dict[str, str]) -> None:
    block = doc.root.get("services")
    assert isinstance(block, Mapping)
    for key, node in block.entries:
        if not isinstance(node, Mapping):
            continue
        service = services.setdefault(key.text, _Service(key.text, doc.at(key.pos)))
        for name, value in _with_merge_keys(node):
            _merge_field(service, name.text, value, doc, values)


def _merge_field(
    service: _Service, name: str, value: Node, doc: Document, values: dict[str, str]
) -> None:
    at = doc.at(value.pos)
    if name == "image" and text(value):
        service.image = (dotenv.interpolate(str(text(value)), values), at)
    elif name == "build":
        service.build = text(value) or text(dig(value, "context"))
    elif name == "deploy" and isinstance(value, Mapping) and value.get("replicas") is not None:
        node = value.get("replicas")
        assert node is not None
        service.replicas = (dotenv.interpolate(str(text(node)), values), doc.at(node.pos))
    elif name == "scale" and text(value):
        service.replicas = (dotenv.interpolate(str(text(value)), values), at)
    elif name == "environment":
        service.environment.update(_environment(value, doc, values))
    elif name in ("depends_on", "links"):
        for item, where in _names(value, doc):
            service.depends.setdefault(item.split(":", 1)[0], (name, where))
    elif name in ("hostname", "container_name") and text(value):
        service.names.add(dotenv.interpolate(str(text(value)), values).lower())
    elif name == "networks" and isinstance(value, Mapping):
        for _, network in value.entries:
            for alias in items(dig(network, "aliases")):
                if text(alias):
                    service.names.add(str(text(alias)).lower())
    elif name == "profiles":
        service.profiles = tuple(str(text(item)) for item in items(value) if text(item))
    elif name == "extends":
        service.extends = at


def _environment(
    node: Node, doc: Document, values: dict[str, str]
) -> dict[str, tuple[str | None, Location]]:
    found: dict[str, tuple[str | None, Location]] = {}
    if isinstance(node, Mapping):
        for key, value in _with_merge_keys(node):
            raw = text(value)
            found[key.text] = (
                None if raw is None else dotenv.interpolate(raw, values),
                doc.at(value.pos),
            )
    elif isinstance(node, Sequence):
        for item in node.items:
            entry = text(item)
            if entry is None:
                continue
            name, has_value, raw = entry.partition("=")
            setting = dotenv.interpolate(raw, values) if has_value else None
            found[name.strip()] = (setting, doc.at(item.pos))
    return found


def _names(node: Node, doc: Document) -> list[tuple[str, Location]]:
    if isinstance(node, Mapping):
        return [(key.text, doc.at(key.pos)) for key, _ in node.entries]
    return [(str(text(item)), doc.at(item.pos)) for item in items(node) if text(item)]


def _workload(service: _Service, system: str, values: dict[str, str]) -> Workload:
    references = [
        Reference(name, name, key, where, direct=True)
        for name, (key, where) in sorted(service.depends.items())
    ]
    for key, (value, where) in sorted(service.environment.items()):
        if value is None:  # `- KEY`: the value comes from .env
            value = values.get(key)
        if value:
            references.append(Reference(key, value, f"environment {key}", where))
    replicas = None
    if service.replicas and service.replicas[0].isdigit():
        replicas = int(service.replicas[0])
    positions: dict[Path_, Location] = {}
    if service.image:
        positions[("runtime", "image")] = service.image[1]
    if service.replicas:
        positions[("runtime", "replicas")] = service.replicas[1]
    notes = (f"built from {service.build}",) if service.build and not service.image else ()
    return Workload(
        name=service.name,
        group=system,
        at=service.at,
        origin=f"Compose service {service.name}",
        workload=None,
        image=service.image[0] if service.image else None,
        replicas=replicas,
        schedule=None,
        labels=(),
        references=tuple(references),
        positions=positions,
        notes=notes,
    )
