"""The architecture as Backstage catalog entities, in one catalog-info.yaml.

system -> System (its `domain` a Domain entity); team -> Group; service ->
Component (`role: ui` as `type: website`, else `service`); datastore,
datalake, ledger, ledger node -> Resource (`type` database, data-lake,
ledger, ledger-node); vendor -> API (`type: vendor`), which its users
consume. `uses` become `dependsOn` (to components and resources) or
`consumesApis` (to vendors).

Not expressed: actors and environments (no entity; skipped), the verb,
protocol and data classification of a relation, runtimes and deployments,
datasets, ledger channels and organizations. Backstage requires an owner
and a lifecycle: an element without `owner` is owned by `unknown`, and every
lifecycle is `unknown`, since archatlas does not say.
"""

from __future__ import annotations

import re

import yaml

from ..format import Element
from ..model import Architecture

ENTITY = {
    "system": "System",
    "team": "Group",
    "service": "Component",
    "datastore": "Resource",
    "datalake": "Resource",
    "ledger": "Resource",
    "ledger-node": "Resource",
    "vendor": "API",
}
RESOURCE_TYPES = {
    "datastore": "database",
    "datalake": "data-lake",
    "ledger": "ledger",
    "ledger-node": "ledger-node",
}
_TAG = re.compile(r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$")
API_VERSION = "backstage.io/v1alpha1"


def ref(element: Element) -> str:
    return f"{ENTITY[element.kind].lower()}:{element.id}"


def catalog(architecture: Architecture) -> str:
    entities = [_entity(architecture, e) for e in architecture.elements if e.kind in ENTITY]
    domains = sorted(
        {d for e in architecture.of_kind("system") if (d := getattr(e, "domain", None))}
    )
    entities += [_domain(name) for name in domains]
    text = yaml.safe_dump_all(entities, sort_keys=False, allow_unicode=True, width=1000)
    return "# Exported by archatlas.\n" + text


def _metadata(element: Element) -> dict[str, object]:
    metadata: dict[str, object] = {"name": element.id}
    if element.name:
        metadata["title"] = element.name
    if element.description:
        metadata["description"] = element.description
    tags = sorted({tag.lower().replace(" ", "-") for tag in element.tags} & _valid_tags(element))
    if tags:
        metadata["tags"] = tags
    if element.links:
        metadata["links"] = [{"url": link.url, "title": link.title} for link in element.links]
    return metadata


def _valid_tags(element: Element) -> set[str]:
    shaped = {tag.lower().replace(" ", "-") for tag in element.tags}
    return {tag for tag in shaped if _TAG.match(tag) and len(tag) <= 63}


def _entity(architecture: Architecture, element: Element) -> dict[str, object]:
    kind = ENTITY[element.kind]
    spec: dict[str, object] = {}
    if kind == "Group":
        spec = {"type": "team", "children": []}
        contact = getattr(element, "contact", None)
        if contact:
            spec["profile"] = {"email": contact} if "@" in contact else {"displayName": contact}
    else:
        if kind == "Component":
            spec["type"] = "website" if getattr(element, "role", None) == "ui" else "service"
            spec["lifecycle"] = "unknown"
        elif kind == "Resource":
            spec["type"] = RESOURCE_TYPES[element.kind]
        elif kind == "API":
            spec.update(
                {"type": "vendor", "lifecycle": "unknown", "definition": _definition(element)}
            )
        spec["owner"] = f"group:{element.owner}" if element.owner else "unknown"
        system = getattr(element, "system", None)
        if system and kind != "System":
            spec["system"] = system
        domain = getattr(element, "domain", None)
        if kind == "System" and domain:
            spec["domain"] = _domain_name(domain)
        spec.update(_relations(architecture, element))
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": _metadata(element), "spec": spec}


def _definition(element: Element) -> str:
    product = getattr(element, "product", None) or element.title
    return f"{product}: an external provider's service, described in archatlas"


def _relations(architecture: Architecture, element: Element) -> dict[str, list[str]]:
    depends: set[str] = set()
    consumes: set[str] = set()
    for relation in element.uses:
        target = architecture.get(relation.to)
        if target is None or target.kind not in ENTITY or target.kind in ("team", "system"):
            continue
        (consumes if target.kind == "vendor" else depends).add(ref(target))
    found: dict[str, list[str]] = {}
    if depends:
        found["dependsOn"] = sorted(depends)
    if consumes and ENTITY[element.kind] == "Component":
        found["consumesApis"] = sorted(consumes)
    return found


def _domain(name: str) -> dict[str, object]:
    return {
        "apiVersion": API_VERSION,
        "kind": "Domain",
        "metadata": {"name": _domain_name(name), "title": name},
        "spec": {"owner": "unknown"},
    }


def _domain_name(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "domain"
