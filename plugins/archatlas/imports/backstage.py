"""A Backstage catalog to draft elements.

Component -> service (a `website` has the role `ui`); Resource -> datastore;
System -> system (its Domain as `domain`); Group -> team; an API is the
relation between the components that consume and provide it, and becomes a
vendor when no component of the catalog provides it. `dependsOn` and
`consumesApis` give the relations, `owner` and `system` the fields of the
same names, `subcomponentOf` its parent's system. References to entities
the catalog does not hold are reported, never invented.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..load import Document, LoadLimits
from ..yamltree import Mapping, Node
from .draft import Draft, DraftRelation, Found, Skipped, Unresolved, slug
from .images import ENGINES
from .locations import read_catalog
from .read import dig, items, text

KINDS = {"Component": "service", "Resource": "datastore", "System": "system", "Group": "team"}
SKIPPED = {
    "User": "people are not elements: their groups are teams",
    "Location": "followed: its targets are read",
    "Template": "a scaffolder template, not architecture",
}
ROLES = {"website": "ui", "frontend": "ui", "service": None}
SAFE_LINKS = ("http://", "https://", "mailto:")


@dataclass(frozen=True, slots=True)
class _Entity:
    kind: str
    name: str
    namespace: str
    doc: Document
    root: Mapping

    def field(self, *keys: str) -> Node | None:
        return dig(self.root, "spec", *keys)

    @property
    def ref(self) -> str:
        return f"{self.kind.lower()}:{self.namespace}/{self.name}"


def read_backstage(paths: list[Path], limits: LoadLimits, base: Path, catalog_id: str) -> Found:
    catalog = read_catalog(paths, limits, base)
    entities, skipped = _entities(catalog.documents)
    provided = _provided(entities)
    ids = _ids(
        [e for e in entities if e.kind in KINDS or (e.kind == "API" and e.ref not in provided)]
    )
    builder = _Builder(entities, ids, provided, catalog_id)
    drafts = [builder.draft(entity) for entity in entities if entity.kind in KINDS]
    drafts.extend(builder.vendors())
    for entity in entities:
        if entity.kind == "Domain":
            systems = ", ".join(sorted(builder.domain_systems.get(entity.name, []))) or "none"
            skipped.append(
                Skipped(f"Domain {entity.name}", f"the domain of its systems ({systems})")
            )
        elif entity.kind == "API" and entity.name not in builder.vendor_apis:
            skipped.append(
                Skipped(f"API {entity.name}", "a relation from its consumers to its providers")
            )
    return Found(
        "backstage",
        tuple(sorted(builder.finish(drafts), key=lambda d: d.id)),
        tuple(sorted(builder.unresolved, key=lambda u: (u.source, u.host, u.via))),
        tuple(skipped),
        (),
        tuple(catalog.findings),
        tuple(catalog.files),
    )


def _entities(documents: Iterable[Document]) -> tuple[list[_Entity], list[Skipped]]:
    entities: list[_Entity] = []
    skipped: list[Skipped] = []
    for doc in documents:
        kind, name = text(doc.root.get("kind")), text(dig(doc.root, "metadata", "name"))
        if kind is None or name is None:
            skipped.append(Skipped("a document", "no kind or metadata.name", doc.at(doc.root.pos)))
            continue
        if kind in KINDS or kind in ("API", "Domain"):
            namespace = text(dig(doc.root, "metadata", "namespace")) or "default"
            entities.append(_Entity(kind, name, namespace, doc, doc.root))
        else:
            why = SKIPPED.get(kind, "not a kind archatlas imports")
            skipped.append(Skipped(f"{kind} {name}", why, doc.at(doc.root.pos)))
    return entities, skipped


def _ids(entities: list[_Entity]) -> dict[str, str]:
    """Entity ref -> id: the name's slug, with the kind after it where two kinds share a name."""
    taken: dict[str, int] = {}
    for entity in entities:
        taken[slug(entity.name)] = taken.get(slug(entity.name), 0) + 1
    return {
        e.ref: slug(e.name) if taken[slug(e.name)] == 1 else f"{slug(e.name)}-{slug(e.kind)}"
        for e in entities
    }


def _provided(entities: list[_Entity]) -> dict[str, list[str]]:
    """API ref -> the refs of the components that provide it."""
    provided: dict[str, list[str]] = {}
    for entity in entities:
        for node in items(entity.field("providesApis")):
            kind, namespace, name = parse_ref(text(node) or "", "api")
            provided.setdefault(f"{kind}:{namespace}/{name}", []).append(entity.ref)
    return provided


def parse_ref(ref: str, default_kind: str) -> tuple[str, str, str]:
    """'[kind:][namespace/]name' -> (kind, namespace, name), kind in lower case."""
    kind, _, rest = ref.rpartition(":")
    namespace, _, name = rest.rpartition("/")
    return (kind or default_kind).lower(), namespace or "default", name


class _Builder:
    def __init__(
        self,
        entities: list[_Entity],
        ids: dict[str, str],
        provided: dict[str, list[str]],
        catalog_id: str,
    ) -> None:
        self.entities = {e.ref: e for e in entities}
        self.ids = ids
        self.catalog_id = catalog_id
        self.unresolved: list[Unresolved] = []
        # API ref -> the ids of the elements that provide it
        self.providers = {
            api: [ids[ref] for ref in refs if ref in ids] for api, refs in provided.items()
        }
        self.vendor_apis: set[str] = set()
        self.domain_systems: dict[str, list[str]] = {}

    def _ref(self, ref: str, default_kind: str) -> str:
        kind, namespace, name = parse_ref(ref, default_kind)
        return f"{kind}:{namespace}/{name}"

    def _lookup(self, entity: _Entity, node: Node | None, default: str, via: str) -> str | None:
        """The id of the entity `node` names, or None after reporting it unresolved."""
        ref = text(node)
        if not ref or node is None:
            return None
        full = self._ref(ref, default)
        if full in self.ids:
            return self.ids[full]
        self.unresolved.append(
            Unresolved(self.ids[entity.ref], ref, via, entity.doc.at(node.pos), "dangling")
        )
        return None

    def draft(self, entity: _Entity) -> Draft:
        kind = KINDS[entity.kind]
        fields = _common(entity)
        owner = self._owner(entity)
        if owner:
            fields["owner"] = owner
        if kind == "service":
            role = ROLES.get(text(entity.field("type")) or "")
            if role:
                fields["role"] = role
        if kind == "datastore":
            engine = ENGINES.get((text(entity.field("type")) or "").lower())
            if engine:
                fields["engine"] = engine
        if kind == "team":
            email = text(entity.field("profile", "email"))
            if email:
                fields["contact"] = email
        if kind == "system":
            domain = text(entity.field("domain"))
            if domain:
                name = parse_ref(domain, "domain")[2]
                fields["domain"] = name
                self.domain_systems.setdefault(name, []).append(entity.name)
        system = self._lookup(entity, entity.field("system"), "system", "system")
        if system and kind in ("service", "datastore"):
            fields["system"] = system
        uses = self._uses(entity) if kind in ("service", "datastore", "system") else ()
        name_node = dig(entity.root, "metadata", "name")
        return Draft(
            self.ids[entity.ref],
            kind,
            entity.doc.at(name_node.pos if name_node else entity.root.pos),
            fields,
            uses,
            group=self._group(entity, fields),
            origin=f"{entity.kind} {entity.name}",
            decide=() if kind == "team" else ("owner",),
        )

    def _group(self, entity: _Entity, fields: dict[str, object]) -> str:
        if entity.kind == "Group":
            return "teams"
        if entity.kind == "System":
            return self.ids[entity.ref]
        system = fields.get("system")
        return str(system) if isinstance(system, str) else self.catalog_id

    def _owner(self, entity: _Entity) -> str | None:
        ref = text(entity.field("owner"))
        node = entity.field("owner")
        if not ref or node is None:
            return None
        kind, _, _ = parse_ref(ref, "group")
        if kind != "group":
            at = entity.doc.at(node.pos)
            self.unresolved.append(
                Unresolved(self.ids[entity.ref], ref, "owner: a User, not a Group", at, "dangling")
            )
            return None
        return self._lookup(entity, node, "group", "owner")

    def _uses(self, entity: _Entity) -> tuple[DraftRelation, ...]:
        relations: dict[str, DraftRelation] = {}
        source = self.ids[entity.ref]
        for node in items(entity.field("dependsOn")):
            target = self._lookup(entity, node, "component", "dependsOn")
            if target and target != source:
                verb = "calls" if self._kind_of(target) == "service" else None
                relations.setdefault(
                    target, DraftRelation(target, verb, entity.doc.at(node.pos), "dependsOn")
                )
        for node in items(entity.field("consumesApis")):
            api = self._ref(text(node) or "", "api")
            at = entity.doc.at(node.pos)
            if api not in self.entities and api not in self.providers:
                self.unresolved.append(
                    Unresolved(source, text(node) or "", "consumesApis", at, "dangling")
                )
                continue
            targets = self.providers.get(api) or [self._vendor(api)]
            for target in targets:
                if target != source:
                    via = f"consumesApis {text(node)}"
                    relations.setdefault(
                        target,
                        DraftRelation(target, "calls", at, via, _protocol(self.entities.get(api))),
                    )
        return tuple(relations[key] for key in sorted(relations))

    def _kind_of(self, element_id: str) -> str:
        for ref, value in self.ids.items():
            if value == element_id:
                return KINDS.get(self.entities[ref].kind, "vendor")
        return "service"

    def _vendor(self, api: str) -> str:
        self.vendor_apis.add(self.entities[api].name)
        return self.ids[api]

    def vendors(self) -> list[Draft]:
        """APIs that no component of the catalog provides, as vendors their consumers call."""
        found = []
        for ref, entity in sorted(self.entities.items()):
            if entity.kind != "API" or self.providers.get(ref):
                continue
            fields = _common(entity)
            fields["product"] = f"{text(entity.field('type')) or 'an'} API"
            name_node = dig(entity.root, "metadata", "name")
            found.append(
                Draft(
                    self.ids[ref],
                    "vendor",
                    entity.doc.at(name_node.pos if name_node else entity.root.pos),
                    fields,
                    group=self.catalog_id,
                    origin=f"API {entity.name}, which no component of the catalog provides",
                    notes=("change its kind if a component of yours provides it",),
                )
            )
            self.vendor_apis.add(entity.name)
        return found

    def finish(self, drafts: list[Draft]) -> list[Draft]:
        """Subcomponents take their parent's system; a catalog system holds the rest."""
        by_id = {draft.id: draft for draft in drafts}
        for entity in self.entities.values():
            parent = entity.field("subcomponentOf")
            draft = by_id.get(self.ids.get(entity.ref, ""))
            if parent is None or draft is None:
                continue
            parent_id = self._lookup(entity, parent, "component", "subcomponentOf")
            parent_draft = by_id.get(parent_id or "")
            if parent_draft is None:
                continue
            fields = dict(draft.fields)
            tags = list(fields.get("tags", ()))  # type: ignore[call-overload]
            fields["tags"] = [*tags, f"subcomponent-of:{parent_id}"]
            system = parent_draft.fields.get("system")
            if system and "system" not in fields:
                fields["system"] = system
            by_id[draft.id] = replace(draft, fields=fields, group=str(system or draft.group))
        return list(by_id.values())


def _common(entity: _Entity) -> dict[str, object]:
    metadata = entity.root.get("metadata")
    fields: dict[str, object] = {"name": text(dig(metadata, "title")) or entity.name}
    description = text(dig(metadata, "description"))
    if description:
        fields["description"] = description
    tags = [t for t in (text(node) for node in items(dig(metadata, "tags"))) if t]
    if tags:
        fields["tags"] = tags
    links = []
    for node in items(dig(metadata, "links")):
        url = text(dig(node, "url"))
        if url and url.lower().startswith(SAFE_LINKS):
            links.append({"title": text(dig(node, "title")) or url, "url": url})
    if links:
        fields["links"] = links
    return fields


def _protocol(api: _Entity | None) -> str | None:
    kind = text(api.field("type")) if api else None
    return {"openapi": "https", "graphql": "graphql", "grpc": "grpc", "asyncapi": None}.get(
        kind or ""
    )
