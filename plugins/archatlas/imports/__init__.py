"""Importers: architecture from another project's files.

Each importer is declared once, in `IMPORTERS`: `archatlas import NAME`,
`archatlas drift --NAME` and the source of the same name in `sources.py`
come from it. An importer reads paths into `Found` (draft elements, what it
could not resolve, what it skipped); the rest is shared.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..load import LoadLimits
from .draft import Found, slug


@dataclass(frozen=True, slots=True)
class Options:
    system: str = ""  # the id of the system the elements belong to; from the paths when empty
    profiles: tuple[str, ...] = ()  # Compose profiles to activate
    env_files: tuple[Path, ...] = field(default=())  # Compose: .env files besides the default
    environment: str = ""  # Kubernetes: the environment the namespaces are deployments in


DEFAULT_ENVIRONMENT = "production"

Read = Callable[[list[Path], LoadLimits, Path, Options], Found]


@dataclass(frozen=True, slots=True)
class Importer:
    name: str
    summary: str
    read: Read
    platform: str | None  # the runtime platform of the elements it finds, for drift


def system_id(paths: Sequence[Path], options: Options) -> str:
    """The system's id: as given, else the name of the first path's folder."""
    if options.system:
        return slug(options.system)
    first = paths[0].absolute() if paths else Path.cwd()
    folder = first if first.is_dir() else first.parent
    return slug(folder.name, "imported")


def _kubernetes(paths: list[Path], limits: LoadLimits, base: Path, options: Options) -> Found:
    from .kubernetes import read_kubernetes

    environment = slug(options.environment) if options.environment else DEFAULT_ENVIRONMENT
    return read_kubernetes(paths, limits, base, system_id(paths, options), environment)


def _compose(paths: list[Path], limits: LoadLimits, base: Path, options: Options) -> Found:
    from .compose import read_compose

    system = system_id(paths, options)
    return read_compose(paths, limits, base, system, options.profiles, options.env_files)


def _backstage(paths: list[Path], limits: LoadLimits, base: Path, options: Options) -> Found:
    from .backstage import read_backstage

    return read_backstage(paths, limits, base, system_id(paths, options))


IMPORTERS: dict[str, Importer] = {
    importer.name: importer
    for importer in (
        Importer(
            "kubernetes",
            "Kubernetes manifests: files, folders, a Kustomize base",
            _kubernetes,
            "kubernetes",
        ),
        Importer(
            "compose",
            "Compose files, merged in the order given, with .env and profiles",
            _compose,
            "docker",
        ),
        Importer(
            "backstage",
            "a Backstage catalog: its entities, and the Locations inside the folder",
            _backstage,
            None,
        ),
    )
}
