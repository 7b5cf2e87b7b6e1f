"""Views stage: the graphs that diagrams draw, as plain immutable data.

`graph` holds the data types and the views of elements and their relations;
`topology` the views that draw what a reader asks about as nodes (a lake's
datasets, a ledger's channels and organizations). This module declares
which views a site can show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..kinds import KIND_SPECS
from ..model import Architecture
from .classification import classification_view
from .deployment import deployment_view
from .flows import dynamic_view, sequence_view
from .graph import (
    MAX_NODES,
    EdgeStyle,
    Status,
    View,
    ViewCluster,
    ViewEdge,
    ViewNode,
    diff_view,
    element_view,
    landscape,
    system_view,
    team_view,
)
from .sequence import SequenceView
from .topology import datalake_view, ledger_view, lineage_view

__all__ = [
    "MAX_NODES",
    "VIEW_SPECS",
    "EdgeStyle",
    "SequenceView",
    "Status",
    "View",
    "ViewCluster",
    "ViewEdge",
    "ViewNode",
    "ViewSpec",
    "build_view",
    "diff_view",
    "view_keys",
]

# "site": one view of the whole architecture, keyed by its name; "element":
# drawn for any element; "kind": drawn for the kinds whose page shows it
# (their `views` in kinds.py).
ViewScope = Literal["site", "element", "kind"]


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """A view, declared once: pages embed it as `arch:view/NAME` or `arch:view/NAME/ID`."""

    name: str
    # (architecture, element id) -> the view: a graph, or a sequence
    build: Callable[[Architecture, str], View | SequenceView]
    scope: ViewScope

    @property
    def pattern(self) -> str:
        return self.name if self.scope == "site" else f"{self.name}/ID"

    def draws(self, kind: str) -> bool:
        """Whether the view is drawn for an element of `kind`."""
        if self.scope == "kind":
            return self.name in KIND_SPECS[kind].views
        return self.scope == "element"


VIEW_SPECS: dict[str, ViewSpec] = {
    spec.name: spec
    for spec in (
        ViewSpec("landscape", lambda arch, _: landscape(arch), "site"),
        ViewSpec("element", element_view, "element"),
        ViewSpec("system", system_view, "kind"),
        ViewSpec("ledger", ledger_view, "kind"),
        ViewSpec("datalake", datalake_view, "kind"),
        ViewSpec("lineage", lineage_view, "kind"),
        ViewSpec("team", team_view, "kind"),
        ViewSpec("deployment", deployment_view, "kind"),
        ViewSpec("classification", lambda arch, _: classification_view(arch), "site"),
        ViewSpec("sequence", sequence_view, "kind"),
        ViewSpec("flow", dynamic_view, "kind"),
    )
}


def view_keys(arch: Architecture) -> list[str]:
    """Every view the site can show, by key."""
    keys = [name for name, spec in VIEW_SPECS.items() if spec.scope == "site"]
    for element in arch.elements:
        keys.extend(
            f"{name}/{element.id}" for name, spec in VIEW_SPECS.items() if spec.draws(element.kind)
        )
    return keys


def build_view(arch: Architecture, key: str) -> View | SequenceView | None:
    """The view named `key`, or None when no such view exists."""
    name, _, element_id = key.partition("/")
    spec = VIEW_SPECS.get(name)
    if spec is None:
        return None
    if spec.scope == "site":
        return spec.build(arch, "") if key == name else None
    element = arch.get(element_id)
    if element is None or not spec.draws(element.kind):
        return None
    return spec.build(arch, element_id)
