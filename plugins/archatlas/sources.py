"""Sources of architecture: where the documents that become elements come from.

A source takes paths (files or folders) and returns the documents it read,
each with the positions findings point at, plus the findings of reading
them. Today's one source is archatlas' own YAML; a source that reads another
project's files (Kubernetes manifests, Compose files, a Backstage catalog)
is declared here the same way, and the rest of the pipeline is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .load import Loaded, LoadLimits, load_paths

Read = Callable[[Sequence[Path], LoadLimits, Path | None], Loaded]


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    summary: str
    read: Read  # (paths, limits, base for shown paths) -> documents and findings


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        Source("yaml", "archatlas YAML files; a folder is read recursively", load_paths),
    )
}
