"""What an importer found, before it becomes YAML: draft elements and the report.

An importer reads another project's files (Kubernetes manifests, Compose
files, a Backstage catalog) into `Found`: draft elements in archatlas' own
fields, each field with the place in the input it came from, plus what could
not be resolved and what was skipped. `documents.py` turns the drafts into
documents the model validates like any other, `write.py` into YAML files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..findings import Finding, Location

Path_ = tuple[str | int, ...]  # a field's path in the element: ("runtime", "replicas")


@dataclass(frozen=True, slots=True)
class DraftRelation:
    to: str  # the target's id
    verb: str | None
    at: Location  # where the input names the target
    via: str  # how it was found: "env CART_SERVICE_ADDR", "depends_on"
    protocol: str | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    """One element as an importer found it: fields in archatlas' format."""

    id: str
    kind: str
    at: Location  # where the input declares it
    fields: dict[str, object]  # every field but kind, id and uses, as plain data
    uses: tuple[DraftRelation, ...] = ()
    group: str = ""  # the output file it goes to (namespace or system), without suffix
    origin: str = ""  # one line for the comment above it: "Deployment frontend"
    positions: dict[Path_, Location] = field(default_factory=dict)
    decide: tuple[str, ...] = ("owner",)  # fields a person must fill in
    notes: tuple[str, ...] = ()  # more lines for the comment above it


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A name the input uses that nothing in it defines."""

    source: str  # the element id that names it
    host: str
    via: str
    at: Location
    reason: str  # "dangling" (nothing defines it) or "external" (outside the input)


@dataclass(frozen=True, slots=True)
class Skipped:
    what: str  # "Secret rabbitmq-secrets"
    why: str
    at: Location | None = None


@dataclass(frozen=True, slots=True)
class Found:
    source: str  # the importer's name
    drafts: tuple[Draft, ...]
    unresolved: tuple[Unresolved, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    placeholders: tuple[str, ...] = ()  # ${VAR} kept as written, sorted
    findings: tuple[Finding, ...] = ()  # problems reading the input
    files: tuple[str, ...] = ()


SYSTEM_ORIGIN = "the system the imported elements belong to"
ENVIRONMENT_ORIGIN = "the environment the manifests deploy to; each namespace is a deployment in it"

_NOT_ID = re.compile(r"[^a-z0-9]+")


def slug(name: str, fallback: str = "unnamed") -> str:
    """A stable archatlas id for a name from another tool: 'peer0.org1' -> 'peer0-org1'."""
    text = _NOT_ID.sub("-", name.lower()).strip("-")
    if not text:
        return fallback
    return text if text[0].isalpha() else f"x-{text}"


def unique_ids(names: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Ids for (group, name) pairs: the slug of the name, and of the group too
    where two groups (namespaces) hold the same name."""
    by_slug: dict[str, set[tuple[str, str]]] = {}
    for pair in names:
        by_slug.setdefault(slug(pair[1]), set()).add(pair)
    ids: dict[tuple[str, str], str] = {}
    for base, pairs in by_slug.items():
        for group, name in pairs:
            ids[(group, name)] = base if len(pairs) == 1 else f"{base}-{slug(group)}"
    return ids
