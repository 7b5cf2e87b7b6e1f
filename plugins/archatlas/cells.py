"""What tables show: values typed by what they are, and rendered by type.

A catalogue's columns and an element's facts are both lists of `Value`s:
a link to an element, a classification, a count, a contact... Each is
rendered to Markdown in one place (`render`), so that a reader never sees a
raw key or a Python representation. The catalogue columns are declared once
here (`COLUMNS`) and chosen per kind in `kinds.py`; the facts labels are
declared once too (`FACT_LABELS`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import markdown
from .format import CLASSIFICATIONS, Acceptance, Classification, Element, Ledger, LedgerNode
from .kinds import KIND_SPECS
from .membership import channel_part
from .model import Architecture, title_order

# --- values -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    value: str


@dataclass(frozen=True, slots=True)
class Code:
    """Literal text: an image, an endpoint, a cron expression, an id."""

    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Number:
    value: int


@dataclass(frozen=True, slots=True)
class Refs:
    """Links to elements, by id."""

    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Part:
    """A named part of an element's page: a ledger's organization, say."""

    element_id: str
    anchor: str  # the id of the part on the element's page
    text: str


@dataclass(frozen=True, slots=True)
class Badges:
    """Data classifications, shown as small badges."""

    values: tuple[Classification, ...]


@dataclass(frozen=True, slots=True)
class Contact:
    """An e-mail address or URL becomes a link; anything else ("#channel on Slack") is text."""

    value: str


@dataclass(frozen=True, slots=True)
class Accepted:
    """Warnings an element accepts, each with its rule and reason."""

    items: tuple[Acceptance, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """A description's first sentence or paragraph."""

    description: str


Value = Text | Code | Number | Refs | Part | Badges | Contact | Accepted | Summary


def is_empty(value: Value | None) -> bool:
    if value is None:
        return True
    if isinstance(value, Number):
        return False
    if isinstance(value, Accepted):
        return not value.items
    if isinstance(value, Code):
        return not any(item.strip() for item in value.values)
    if isinstance(value, Refs):
        return not value.ids
    if isinstance(value, Badges):
        return not value.values
    if isinstance(value, Summary):
        return not value.description.strip()
    if isinstance(value, Part):
        return not value.text.strip()
    return not value.value.strip()


def _no_href(element_id: str) -> str | None:
    return None


_EMAIL = re.compile(r"^[^@\s/:]+@[^@\s/:]+\.[^@\s/:]+$")


def badge(classification: str) -> str:
    """A classification as a badge: its class names a closed vocabulary, never user text."""
    known = classification if classification in CLASSIFICATIONS else "unknown"
    return (
        f'<span class="archatlas-badge archatlas-badge--{known}">'
        f"{markdown.text(classification)}</span>"
    )


def render(
    value: Value | None, link: Callable[[str], str], href: Callable[[str], str | None] = _no_href
) -> str:
    """A value as Markdown for a table cell; `link` makes an element id a link,
    `href` gives the URL of an element's page (None for no page)."""
    if is_empty(value) or value is None:
        return ""
    if isinstance(value, Text):
        return markdown.text(value.value)
    if isinstance(value, Code):
        return " ".join(markdown.code(item) for item in value.values if item.strip())
    if isinstance(value, Number):
        return str(value.value)  # plain digits: the catalogue script sorts them as numbers
    if isinstance(value, Refs):
        return ", ".join(link(element_id) for element_id in value.ids)
    if isinstance(value, Part):
        page = href(value.element_id)
        text = markdown.text(value.text)
        return f"[{text}]({page}#{value.anchor})" if page else text
    if isinstance(value, Badges):
        return " ".join(badge(item) for item in value.values)
    if isinstance(value, Contact):
        return _contact(value.value)
    if isinstance(value, Accepted):
        return "<br>".join(
            f"{markdown.code(item.rule)}: {markdown.text(item.reason)}" for item in value.items
        )
    # A span of its own: the stylesheet keeps the column wide enough to read.
    return f'<span class="archatlas-summary">{markdown.summary(value.description)}</span>'


def _contact(value: str) -> str:
    address = value.strip()
    if _EMAIL.match(address):
        target = markdown.link_target("mailto:" + address)
    elif address.startswith(("https://", "http://", "mailto:")):
        target = markdown.link_target(address)
    else:
        return markdown.text(value)
    return f"[{markdown.text(address.removeprefix('mailto:'))}]({target})"


# --- catalogue columns ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    value: Callable[[Architecture, Element], Value | None]
    # Offered as a filter above the catalogue: who owns it, where it belongs,
    # how it is tagged, which data it may hold.
    filter: bool = False


def _field(name: str, make: Callable[[str], Value] = Text) -> Callable[..., Value | None]:
    def value(arch: Architecture, element: Element) -> Value | None:
        found = getattr(element, name, None)
        return None if found is None else make(str(found))

    return value


def _reference(name: str) -> Callable[[Architecture, Element], Value | None]:
    def value(arch: Architecture, element: Element) -> Value | None:
        found = getattr(element, name, None)
        return Refs((found,)) if found else None

    return value


def _runtime(name: str) -> Callable[[Architecture, Element], Value | None]:
    def value(arch: Architecture, element: Element) -> Value | None:
        runtime = getattr(element, "runtime", None)
        found = getattr(runtime, name, None) if runtime else None
        return None if found is None else Text(str(found))

    return value


def span(low: object, high: object) -> str:
    """A range of numbers, as typeset: joined by an en dash."""
    return f"{low}\N{EN DASH}{high}"


def _replicas(arch: Architecture, element: Element) -> Value | None:
    runtime = getattr(element, "runtime", None)
    if runtime is None:
        return None
    if runtime.autoscale is not None:
        return Text(f"{span(runtime.autoscale.min, runtime.autoscale.max)} (autoscale)")
    return None if runtime.replicas is None else Number(runtime.replicas)


def _count(of: Callable[[Architecture, Element], Iterable[object]]) -> Callable[..., Value]:
    return lambda arch, element: Number(len(list(of(arch, element))))


def _classifications(arch: Architecture, element: Element) -> Value | None:
    held = {dataset.classification for dataset in getattr(element, "datasets", ())}
    return Badges(tuple(level for level in CLASSIFICATIONS if level in held))


def _organization(arch: Architecture, element: Element) -> Value | None:
    return organization_part(arch, element)


def _serves(arch: Architecture, element: Element) -> Value | None:
    return Code(node_channels(arch, element))


def _approved(arch: Architecture, element: Element) -> Value | None:
    level = getattr(element, "approved_data", None)
    return Badges((level,)) if level else None


def _regions(arch: Architecture, element: Element) -> Value | None:
    """The regions an element declares, or an environment's clusters are in."""
    declared = getattr(element, "regions", ())
    clusters = [cluster.region for cluster in getattr(element, "clusters", ()) if cluster.region]
    return Code(tuple(sorted(set(declared) | set(clusters))))


COLUMNS: dict[str, Column] = {
    "name": Column("Name", lambda arch, element: Refs((element.id,))),
    "domain": Column("Domain", _field("domain")),
    "system": Column("System", _reference("system"), filter=True),
    "owner": Column("Owner", _reference("owner"), filter=True),
    "elements": Column("Elements", _count(lambda arch, e: arch.in_system(e.id))),
    "contact": Column("Contact", _field("contact", Contact)),
    "owns": Column("Owns", _count(lambda arch, e: arch.owned_by(e.id))),
    "role": Column("Role", _field("role")),
    "workload": Column("Workload", _runtime("workload")),
    "replicas": Column("Replicas", _replicas),
    "provider": Column("Provider", _field("provider")),
    "product": Column("Product", _field("product")),
    "mode": Column("Mode", _field("mode")),
    "latency": Column("Latency", _field("latency")),
    "approved-data": Column("Approved data", _approved, filter=True),
    "engine": Column("Engine", _field("engine")),
    "datasets": Column("Datasets", _count(lambda arch, e: getattr(e, "datasets", ()))),
    "classifications": Column("Classification", _classifications, filter=True),
    "platform": Column("Platform", _field("platform")),
    "consensus": Column("Consensus", _field("consensus")),
    "organizations": Column(
        "Organizations", _count(lambda arch, e: getattr(e, "organizations", ()))
    ),
    "channels": Column("Channels", _count(lambda arch, e: getattr(e, "channels", ()))),
    "ledger": Column("Ledger", _reference("ledger"), filter=True),
    "organization": Column("Organization", _organization),
    "serves": Column("Channels", _serves),
    "clusters": Column("Clusters", _count(lambda arch, e: getattr(e, "clusters", ()))),
    "regions": Column("Regions", _regions, filter=True),
    "tags": Column("Tags", lambda arch, element: Code(element.tags), filter=True),
    "description": Column("Description", lambda arch, e: Summary(e.description or "")),
}


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A kind's catalogue: the columns that some element fills, a row per element by name."""

    columns: tuple[tuple[str, Column], ...]  # (column name, column)
    rows: tuple[tuple[Element, tuple[Value | None, ...]], ...]


def catalogue(arch: Architecture, kind: str) -> Catalogue:
    names = ("name", *KIND_SPECS[kind].columns)
    elements = by_title(arch.of_kind(kind))
    table = [[COLUMNS[name].value(arch, element) for name in names] for element in elements]
    kept = [i for i in range(len(names)) if any(not is_empty(row[i]) for row in table)]
    return Catalogue(
        tuple((names[i], COLUMNS[names[i]]) for i in kept),
        tuple(
            (element, tuple(row[i] for i in kept))
            for element, row in zip(elements, table, strict=True)
        ),
    )


def by_title(elements: Iterable[Element]) -> tuple[Element, ...]:
    """Elements in the order a reader looks for them: by the name shown, then id."""
    return tuple(sorted(elements, key=title_order))


# --- ledgers, as tables show them ------------------------------------------------------------


def organization_part(
    arch: Architecture, node: Element, field: str = "organization"
) -> Value | None:
    """A ledger node's organization (or `operator`): a link to it on its ledger's
    page (see templates/sections/organizations.md.j2), or its id when the
    ledger does not declare it."""
    organization = getattr(node, field, None)
    if not organization:
        return None
    ledger = arch.get(getattr(node, "ledger", ""))
    declared = {org.id for org in getattr(ledger, "organizations", ())}
    if ledger is None or organization not in declared:
        return Text(organization)
    return Part(ledger.id, f"organization-{organization}", organization_name(arch, node, field))


def organization_name(arch: Architecture, node: Element, field: str = "organization") -> str:
    """A ledger node's organization (or `operator`) by its name in the ledger
    (its id if it has none)."""
    organization = str(getattr(node, field, None) or "")
    ledger = arch.get(getattr(node, "ledger", ""))
    for declared in getattr(ledger, "organizations", ()):
        if declared.id == organization:
            return str(declared.name or declared.id)
    return organization


def node_channels(arch: Architecture, node: Element) -> tuple[str, ...]:
    """The channels a node orders or serves (see `network.channel_part`)."""
    ledger = arch.get(getattr(node, "ledger", ""))
    if not isinstance(node, LedgerNode) or not isinstance(ledger, Ledger):
        return ()
    return tuple(channel.id for channel in ledger.channels if channel_part(node, channel))


# --- facts ------------------------------------------------------------------------------

# What a facts row is called, by field path as YAML writes it.
FACT_LABELS: dict[str, str] = {
    "system": "System",
    "owner": "Owner",
    "domain": "Domain",
    "contact": "Contact",
    "runtime.platform": "Runtime platform",
    "runtime.workload": "Workload",
    "runtime.image": "Image",
    "runtime.replicas": "Replicas",
    "runtime.autoscale": "Autoscale",
    "runtime.schedule": "Schedule",
    "provider": "Provider",
    "product": "Product",
    "mode": "Mode",
    "latency": "Latency",
    "approved-data": "Approved data",
    "engine": "Engine",
    "platform": "Platform",
    "consensus": "Consensus",
    "ledger": "Ledger",
    "organization": "Organization",
    "operator": "Operated by",
    "endpoint": "Endpoint",
    "regions": "Regions",
    "accept": "Accepted findings",
}
# Fields the page says elsewhere: in its title, its header line or a section of its own.
NOT_FACTS = frozenset(
    {"kind", "id", "name", "description", "uses", "links", "tags", "icon", "role"}
    | {"datasets", "organizations", "channels", "node-defaults"}
    | {"deployments", "clusters", "residency"}
)
_REFERENCES = frozenset({"system", "owner", "ledger"})
_LITERAL = frozenset({"runtime.image", "runtime.schedule", "endpoint"})


def label(path: str) -> str:
    """A field's label: declared above, or its name in words ("some-field" -> "Some field")."""
    if path in FACT_LABELS:
        return FACT_LABELS[path]
    words = re.sub(r"[-_.]+", " ", path).strip()
    return words[:1].upper() + words[1:]


def facts(arch: Architecture, element: Element) -> list[tuple[str, Value]]:
    """(label, value) for every field of the element the facts table shows, as written."""
    data = element.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
    # Where it belongs first, what it accepts last, the kind's own fields between.
    order = {"system": 0, "owner": 1, "accept": 3}
    rows: list[tuple[str, Value]] = []
    for name, value in sorted(data.items(), key=lambda item: order.get(item[0], 2)):
        if name in NOT_FACTS:
            continue
        if name == "accept":
            rows.append((label(name), Accepted(element.accept)))
        elif name in ("organization", "operator"):
            part = organization_part(arch, element, name)
            rows.append((label(name), part or Text(str(value))))
        elif name == "runtime" and isinstance(value, dict):
            rows.extend(
                (_runtime_label(element, path), inner) for path, inner in _runtime_facts(value)
            )
        else:
            rows.extend((label(path), inner) for path, inner in _typed(name, value))
    return [(name, value) for name, value in rows if not is_empty(value)]


def _runtime_label(element: Element, path: str) -> str:
    """With deployments, the runtime's replicas are the default of those that give none."""
    if path == "runtime.replicas" and getattr(element, "deployments", None):
        return "Replicas (default)"
    return label(path)


def _runtime_facts(runtime: dict[str, object]) -> list[tuple[str, Value]]:
    rows: list[tuple[str, Value]] = []
    for key, value in runtime.items():
        path = f"runtime.{key}"
        if key == "autoscale" and isinstance(value, dict):
            rows.append((path, Text(f"{span(value.get('min'), value.get('max'))} replicas")))
        else:
            rows.extend(_typed(path, value))
    return rows


def _typed(path: str, value: object) -> list[tuple[str, Value]]:
    """A field's value by its type; nested mappings become one row per field."""
    if isinstance(value, dict):
        return [row for key, inner in value.items() for row in _typed(f"{path}.{key}", inner)]
    if isinstance(value, list | tuple):
        items = [str(item) for item in value if not isinstance(item, dict | list | tuple)]
        return [(path, Text(", ".join(items)))]
    if path in _REFERENCES:
        return [(path, Refs((str(value),)))]
    if path == "approved-data":
        return (
            [(path, Badges((value,)))] if value in CLASSIFICATIONS else [(path, Text(str(value)))]
        )
    if path == "contact":
        return [(path, Contact(str(value)))]
    if path in _LITERAL:
        return [(path, Code((str(value),)))]
    if isinstance(value, bool):
        return [(path, Text("yes" if value else "no"))]
    if isinstance(value, int):
        return [(path, Number(value))]
    return [(path, Text(str(value)))]
