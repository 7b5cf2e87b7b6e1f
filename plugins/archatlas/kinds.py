"""The element kinds: each declared once, with everything the site derives from it.

A kind is its model (in `format.py`, which validates it and gives the JSON
Schema) plus one `KindSpec` here: how catalogues and the navigation name
it, the icon drawn when nothing more specific is known, the views its page
shows and the kind-specific sections of that page. Every other module reads
this table; `tests/test_registries.py` names whatever a new kind still lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from .flow_format import Flow
from .format import (
    Actor,
    Datalake,
    Datastore,
    Element,
    Environment,
    Ledger,
    LedgerNode,
    Service,
    System,
    Team,
    Vendor,
)


@dataclass(frozen=True, slots=True)
class KindSpec:
    model: type[Element]
    title: str  # one element of the kind, in prose: "Data lake"
    plural: str  # catalogue title and navigation entry
    icon: str  # default icon key: one of archatlas' own icons (see icons.py)
    views: tuple[str, ...] = ("element",)  # the views its page shows, by view name
    sections: tuple[str, ...] = ()  # its page's own sections: templates/sections/<name>.md.j2
    # Its catalogue's columns after the name, by column name (see cells.COLUMNS);
    # a column empty for every element of the architecture is left out.
    columns: tuple[str, ...] = ("tags", "description")
    # Whether its elements are cards in the graphs of elements (landscape,
    # system, team and element views). A kind that is a view of the others
    # (an environment, a flow) is drawn by views of its own instead.
    card: bool = True

    @property
    def name(self) -> str:
        """The kind as YAML writes it: the one value of the model's `kind` field."""
        (value,) = get_args(self.model.model_fields["kind"].annotation)
        return str(value)


SPECS: tuple[KindSpec, ...] = (
    KindSpec(
        System,
        "System",
        "Systems",
        "archatlas/kind-system.svg",
        views=("system",),
        sections=("members",),
        columns=("domain", "owner", "elements", "tags", "description"),
    ),
    KindSpec(
        Team,
        "Team",
        "Teams",
        "archatlas/kind-team.svg",
        views=("team",),
        sections=("team",),
        columns=("contact", "owns", "tags", "description"),
    ),
    KindSpec(Actor, "Actor", "Actors", "archatlas/kind-actor.svg"),
    KindSpec(
        Service,
        "Service",
        "Services",
        "archatlas/kind-service.svg",
        sections=("deployments",),
        columns=("system", "owner", "role", "workload", "replicas", "tags", "description"),
    ),
    KindSpec(
        Vendor,
        "Vendor",
        "Vendors",
        "archatlas/kind-vendor.svg",
        columns=(
            "provider",
            "product",
            "mode",
            "latency",
            "approved-data",
            "regions",
            "owner",
            "tags",
        ),
    ),
    KindSpec(
        Datastore,
        "Datastore",
        "Datastores",
        "archatlas/kind-datastore.svg",
        sections=("deployments",),
        columns=("engine", "system", "owner", "regions", "tags", "description"),
    ),
    KindSpec(
        Datalake,
        "Data lake",
        "Data lakes",
        "archatlas/kind-datalake.svg",
        views=("datalake", "lineage"),
        sections=("datasets", "lineage", "deployments"),
        columns=("engine", "datasets", "classifications", "system", "owner", "description"),
    ),
    KindSpec(
        Ledger,
        "Ledger",
        "Ledgers",
        "archatlas/kind-ledger.svg",
        views=("ledger",),
        sections=("fault-tolerance", "channels", "organizations"),
        columns=("platform", "consensus", "organizations", "channels", "owner", "description"),
    ),
    KindSpec(
        LedgerNode,
        "Ledger node",
        "Ledger nodes",
        "archatlas/kind-ledger-node.svg",
        sections=("ledger-node", "deployments"),
        columns=("ledger", "organization", "role", "serves", "owner"),
    ),
    KindSpec(
        Environment,
        "Environment",
        "Environments",
        "archatlas/kind-environment.svg",
        views=("deployment",),
        sections=("clusters", "deployment", "residency"),
        columns=("clusters", "regions", "owner", "description"),
        card=False,
    ),
    KindSpec(
        Flow,
        "Flow",
        "Flows",
        "archatlas/kind-flow.svg",
        views=("sequence", "flow"),
        sections=("flow",),
        columns=("owner", "tags", "description"),
        card=False,
    ),
)

KIND_SPECS: dict[str, KindSpec] = {spec.name: spec for spec in SPECS}
KINDS: tuple[str, ...] = tuple(KIND_SPECS)  # in the order catalogues list them
MODELS: dict[str, type[Element]] = {name: spec.model for name, spec in KIND_SPECS.items()}
