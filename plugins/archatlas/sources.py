"""Sources of architecture: where the documents that become elements come from.

A source takes paths (files or folders) and returns the documents it read,
each with the positions findings point at, plus the findings of reading
them. archatlas' own YAML is one; each importer of another project's files
(Kubernetes manifests, Compose files, a Backstage catalog: `imports/`) is
another, whose documents point into those files, and the rest of the
pipeline is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .imports import IMPORTERS, Importer, Options
from .load import Loaded, LoadLimits, load_paths

Read = Callable[[Sequence[Path], LoadLimits, Path | None], Loaded]


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    summary: str
    read: Read  # (paths, limits, base for shown paths) -> documents and findings


def _imported(importer: Importer) -> Read:
    def read(paths: Sequence[Path], limits: LoadLimits, base: Path | None) -> Loaded:
        from .imports.documents import loaded

        found = importer.read(list(paths), limits, base or Path.cwd(), Options())
        return loaded(found)

    return read


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        Source("yaml", "archatlas YAML files; a folder is read recursively", load_paths),
        *(Source(item.name, item.summary, _imported(item)) for item in IMPORTERS.values()),
    )
}
