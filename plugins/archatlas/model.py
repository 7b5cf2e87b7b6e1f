"""Model stage: validated documents to one immutable Architecture.

Schema errors become findings phrased for YAML authors; documents that fail
are left out of the model, so later rules see only well-formed elements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property

from pydantic import ValidationError

from .defaults import apply_node_defaults
from .findings import Finding, Location, closest, did_you_mean, finding
from .format import Element, Relation
from .kinds import KINDS, MODELS
from .load import Document, Unread
from .model_rules import (
    BAD_ID,
    DUPLICATE_ID,
    MISSING_FIELD,
    UNKNOWN_KIND,
)
from .possible import NOTHING_LEFT_OUT, Possible, gather, in_text, in_tree
from .schema_errors import find_node, schema_findings, walk
from .yamltree import Mapping, Scalar, to_python


@dataclass(frozen=True)
class Architecture:
    elements: tuple[Element, ...]  # sorted by id
    sources: dict[str, Document] = field(repr=False)
    # What every document left out (by its YAML or its schema) may describe:
    # rules stay quiet about those ids, so one mistake gives one finding.
    possible: Possible = NOTHING_LEFT_OUT
    # Ledger-nodes that took fields from their ledger's node-defaults: node id
    # -> ledger id, so that a finding about such a field points at the default.
    defaulted: dict[str, str] = field(default_factory=dict, repr=False)

    def may_exist(self, element_id: str, kind: str | None = None) -> bool:
        """Whether a reference to `element_id`, which no element has, may mean an
        element of a document left out of the model: its own finding tells it."""
        return self.possible.may_exist(element_id, kind)

    @cached_property
    def meant(self) -> frozenset[str]:
        """The elements that unknown relation targets are taken for: the reference
        check says "did you mean" them (both use `closest` on every id), so their
        own "nothing uses it" would tell the same mistake twice."""
        return frozenset(
            meant
            for element in self.elements
            for relation in element.uses
            if relation.to not in self.by_id and not self.may_exist(relation.to)
            if (meant := closest(relation.to, self.by_id)) is not None
        )

    def left_out(self, element_id: str) -> bool:
        """Whether a document left out of the model (by its YAML or its schema)
        gives `element_id` as an id: the element may be there, invalid."""
        return element_id in self.possible.ids

    def may_have_more(self, element_id: str, part_kind: str) -> bool:
        """Whether the parts of `element_id` that rules count (a ledger's nodes,
        of `part_kind`) may be short: a document left out names it, or is of
        that kind (its reference may be the broken line)."""
        kinds = self.possible.kinds
        return element_id in self.possible.named or part_kind in kinds or None in kinds

    def may_be_used(self, element_id: str) -> bool:
        """Whether a relation the model does not hold may point at `element_id`:
        one in a document left out, or a mistyped one meant for it."""
        return element_id in self.possible.targets or element_id in self.meant

    @cached_property
    def by_id(self) -> dict[str, Element]:
        return {element.id: element for element in self.elements}

    def get(self, element_id: str) -> Element | None:
        return self.by_id.get(element_id)

    @cached_property
    def _by_kind(self) -> dict[str, tuple[Element, ...]]:
        return _group(self.elements, lambda element: element.kind)

    def of_kind(self, kind: str) -> tuple[Element, ...]:
        return self._by_kind.get(kind, ())

    @cached_property
    def _by_system(self) -> dict[str, tuple[Element, ...]]:
        return _group(self.elements, lambda element: getattr(element, "system", None))

    def in_system(self, system_id: str) -> tuple[Element, ...]:
        return self._by_system.get(system_id, ())

    @cached_property
    def _by_owner(self) -> dict[str, tuple[Element, ...]]:
        return _group(self.elements, lambda element: element.owner)

    def owned_by(self, team_id: str) -> tuple[Element, ...]:
        return self._by_owner.get(team_id, ())

    @cached_property
    def _used_by(self) -> dict[str, tuple[tuple[Element, Relation], ...]]:
        users: dict[str, list[tuple[Element, Relation]]] = defaultdict(list)
        for element in self.elements:
            for relation in element.uses:
                users[relation.to].append((element, relation))
        return {target: tuple(pairs) for target, pairs in users.items()}

    def used_by(self, element_id: str) -> tuple[tuple[Element, Relation], ...]:
        """The elements that use `element_id`, each with its relation."""
        return self._used_by.get(element_id, ())

    def locate(self, element_id: str, *path: str | int, key: bool = False) -> Location:
        """Where a field of an element is written (the nearest existing parent);
        for a field a node took from its ledger's node-defaults, the default."""
        document = self.sources[element_id]
        node, whole = walk(document.root, path, key)
        ledger = self.defaulted.get(element_id)
        if ledger is not None and not whole:
            defaults = self.sources[ledger]
            default, found = walk(defaults.root, ("node-defaults", *path), key)
            if found:
                return defaults.at(default.pos)
        return document.at(node.pos)


def title_order(element: Element) -> tuple[str, str]:
    """The order a reader looks for elements in: by the name shown, then id."""
    return (element.title.casefold(), element.id)


def _group(elements: Iterable[Element], key: object) -> dict[str, tuple[Element, ...]]:
    groups: dict[str, list[Element]] = defaultdict(list)
    for element in elements:
        value = key(element)  # type: ignore[operator]
        if value is not None:
            groups[value].append(element)
    return {name: tuple(members) for name, members in groups.items()}


# --- building ------------------------------------------------------------------


def build(
    documents: Iterable[Document], unread: Iterable[Unread] = ()
) -> tuple[Architecture, list[Finding]]:
    """The model of `documents`; `unread` are the texts of the documents that
    could not be read, whose ids may exist."""
    findings: list[Finding] = []
    elements: dict[str, Element] = {}
    sources: dict[str, Document] = {}
    named = [in_text(item.text, item.path, item.first) for item in unread]
    for document in documents:
        element = validate(document, findings)
        if element is None:
            named.append(in_tree(document.root))
            continue
        first = sources.get(element.id)
        if first is not None:
            findings.append(_duplicate(document, first, element.id))
            continue
        elements[element.id] = element
        sources[element.id] = document
    completed, defaulted = apply_node_defaults(elements)
    ordered = tuple(completed[key] for key in sorted(completed))
    possible = gather(named)
    if possible.anonymous:
        findings = _which_id(findings, _unresolved(ordered, set(possible.ids)))
    return Architecture(ordered, sources, possible, defaulted=defaulted), findings


def _unresolved(elements: tuple[Element, ...], left_out: set[str]) -> list[str]:
    """The ids that elements refer to and that no element, nor document left out, has."""
    known = {element.id for element in elements} | left_out
    named = {relation.to for element in elements for relation in element.uses}
    for element in elements:
        for name in ("system", "owner", "ledger"):
            value = getattr(element, name, None)
            if isinstance(value, str):
                named.add(value)
    return sorted(named - known)


def _which_id(findings: list[Finding], unresolved: list[str]) -> list[Finding]:
    """A document without an id may be the element that references name in vain:
    its finding says which ids they are (their own findings are held back)."""
    if not unresolved:
        return findings
    shown = ", ".join(f"'{name}'" for name in unresolved[:3])
    more = f" and {len(unresolved) - 3} more" if len(unresolved) > 3 else ""
    hint = (
        f"other elements refer to {shown}{more}, which no element has: "
        "if this element is one of them, give it that id"
    )
    return [
        replace(item, hint=hint)
        if item.rule == MISSING_FIELD.id
        and item.element is None
        and item.message.endswith("needs the field 'id'")
        else item
        for item in findings
    ]


def _duplicate(document: Document, first: Document, element_id: str) -> Finding:
    here = document.at(find_node(document.root, ["id"]).pos)
    there = first.at(find_node(first.root, ["id"]).pos)
    return finding(
        DUPLICATE_ID,
        here,
        f"the id '{element_id}' is already used at {there}",
        "ids are unique across the whole architecture: rename one of the two",
        element=element_id,
    )


def validate(document: Document, findings: list[Finding]) -> Element | None:
    root = document.root
    kind_node = root.get("kind")
    if kind_node is None:
        findings.append(
            finding(
                MISSING_FIELD,
                document.at(root.pos),
                "this element has no 'kind'",
                "allowed kinds: " + ", ".join(KINDS),
            )
        )
        return None
    kind = kind_node.value if isinstance(kind_node, Scalar) else None
    if not isinstance(kind, str) or kind not in MODELS:
        shown = kind_node.text if isinstance(kind_node, Scalar) else "a list or mapping"
        findings.append(
            finding(
                UNKNOWN_KIND,
                document.at(kind_node.pos),
                f"'{shown}' is not a kind{did_you_mean(str(shown), KINDS)}",
                "allowed kinds: " + ", ".join(KINDS),
            )
        )
        return None
    model = MODELS[kind]
    try:
        element = model.model_validate(to_python(root))
    except ValidationError as error:
        findings.extend(schema_findings(document, model, kind, error.errors(), _id_of(root)))
        return None
    assert isinstance(element, Element)
    if element.id in RESERVED_IDS:
        findings.append(
            finding(
                BAD_ID,
                document.at(find_node(root, ["id"]).pos),
                f"id: '{element.id}' is reserved: it names the catalogue page of each kind",
                "choose another id",
                element.id,
            )
        )
        return None
    return element


RESERVED_IDS = frozenset({"index"})


def _id_of(root: Mapping) -> str | None:
    node = root.get("id")
    return node.text if isinstance(node, Scalar) else None
