"""Exporters: the architecture in another tool's format.

Each exporter is declared once, in `EXPORTERS`: `archatlas export NAME`
offers it, and its module says what the target cannot express. An exporter
is a function from the Architecture to files (name -> text), pure and
deterministic: the same architecture gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Architecture

Write = Callable[[Architecture], dict[str, str]]


@dataclass(frozen=True, slots=True)
class Exporter:
    name: str
    summary: str
    write: Write


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
        Exporter("backstage", "Backstage catalog entities (catalog-info.yaml)", _backstage),
        Exporter("structurizr", "a Structurizr DSL workspace (workspace.dsl)", _structurizr),
        Exporter("likec4", "a LikeC4 model (model.c4)", _likec4),
    )
}
