"""Exporters: the architecture in another tool's format.

Each exporter is declared once, in `EXPORTERS`: `archatlas export NAME`
offers it, and its module says what the target cannot express. An exporter
is a function from the Architecture to files (name -> text), pure and
deterministic: the same architecture gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..findings import plural
from ..model import Architecture

Write = Callable[[Architecture], dict[str, str]]


@dataclass(frozen=True, slots=True)
class Exporter:
    name: str
    summary: str
    write: Write
    leaves_out: tuple[str, ...]  # the kinds the target has no place for

    def left_out(self, architecture: Architecture) -> str:
        """'(not exported: 3 actors, 1 environment)', or ''."""
        counts = [
            plural(len(architecture.of_kind(kind)), kind)
            for kind in self.leaves_out
            if architecture.of_kind(kind)
        ]
        return f" (not exported: {', '.join(counts)})" if counts else ""


def _backstage(architecture: Architecture) -> dict[str, str]:
    from .backstage import catalog

    return {"catalog-info.yaml": catalog(architecture)}


def _structurizr(architecture: Architecture) -> dict[str, str]:
    from .structurizr import workspace

    return {"workspace.dsl": workspace(architecture)}


def _likec4(architecture: Architecture) -> dict[str, str]:
    from .likec4 import model

    return {"model.c4": model(architecture)}


EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        Exporter(
            "backstage",
            "Backstage catalog entities (catalog-info.yaml)",
            _backstage,
            ("actor", "environment"),
        ),
        Exporter(
            "structurizr",
            "a Structurizr DSL workspace (workspace.dsl)",
            _structurizr,
            ("team", "environment"),
        ),
        Exporter("likec4", "a LikeC4 model (model.c4)", _likec4, ("team", "environment")),
    )
}
