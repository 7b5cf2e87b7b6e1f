"""Drift: the declared architecture against what deployment descriptors say.

The descriptors are read by an importer (`imports/`) into a second
architecture, and the two are compared element by element: a workload on
one side only, a relation on one side only, replicas, schedule or image
that differ, a datastore declared as something else. Each difference is a
finding located in the declared architecture, at the line that declares it,
or at the place that should.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .drift_rules import (
    IMAGE_DIFFERS,
    MISSING_WORKLOAD,
    REPLICAS_DIFFER,
    SCHEDULE_DIFFERS,
    UNDECLARED_DATASTORE,
    UNDECLARED_RELATION,
    UNDECLARED_WORKLOAD,
    UNSEEN_RELATION,
)
from .findings import Finding, Location, finding
from .format import Element, Runtime
from .imports.draft import Draft, Found
from .imports.hosts import placeholders
from .imports.images import repository
from .model import Architecture

WORKLOAD_KINDS = ("service", "datastore")
WHERE = {"kubernetes": "the Kubernetes manifests", "docker": "the Compose files"}
SOURCES = {"backstage": "the Backstage catalog"}


@dataclass(frozen=True, slots=True)
class Sides:
    declared: Architecture
    observed: Architecture
    found: Found
    platform: str | None  # the runtime platform of the source's workloads
    root: str  # the architecture folder, as shown

    def says(self, plural: str, singular: str) -> str:
        """The source, then the verb that agrees with it: 'the Compose files run'."""
        verb = singular if self.found.source in SOURCES else plural
        return f"{self.source} {verb}"

    @property
    def source(self) -> str:
        default = SOURCES.get(self.found.source, f"the {self.found.source} descriptors")
        return WHERE.get(self.platform or "", default)


def compare(sides: Sides) -> list[Finding]:
    matches = match(sides.declared, sides.observed)
    findings = [
        *_workloads(sides, matches),
        *_missing(sides, matches),
        *_relations(sides, matches),
        *_runtimes(sides, matches),
    ]
    return sorted(findings, key=lambda item: item.sort_key)


def match(declared: Architecture, observed: Architecture) -> dict[str, str]:
    """Observed id -> declared id: the same id, else a declared name equal to the one found."""
    by_name = {
        element.name: element.id
        for element in declared.elements
        if element.name and element.kind in WORKLOAD_KINDS
    }
    matches: dict[str, str] = {}
    for element in observed.elements:
        if element.kind not in WORKLOAD_KINDS:
            continue
        twin = declared.get(element.id)
        if twin is not None and twin.kind in WORKLOAD_KINDS:
            matches[element.id] = twin.id
        elif element.name in by_name:
            matches[element.id] = by_name[str(element.name)]
    return matches


def _drafts(sides: Sides) -> dict[str, Draft]:
    return {draft.id: draft for draft in sides.found.drafts}


def _should_declare(sides: Sides, draft: Draft, matches: dict[str, str]) -> Location:
    """Beside an element of the same namespace or system, else its system, else the folder."""
    drafts = _drafts(sides)
    for observed_id, declared_id in sorted(matches.items()):
        if drafts[observed_id].group == draft.group:
            return sides.declared.locate(declared_id)
    system = draft.fields.get("system")
    if isinstance(system, str) and sides.declared.get(system) is not None:
        return sides.declared.locate(system)
    if sides.declared.elements:
        return sides.declared.locate(sides.declared.elements[0].id)
    return Location(sides.root, 1, 1)


def _workloads(sides: Sides, matches: dict[str, str]) -> Iterator[Finding]:
    for observed_id, draft in sorted(_drafts(sides).items()):
        if draft.kind not in WORKLOAD_KINDS:
            continue
        declared_id = matches.get(observed_id)
        what = f"{draft.origin} ({draft.at})"
        if declared_id is None:
            rule = UNDECLARED_DATASTORE if draft.kind == "datastore" else UNDECLARED_WORKLOAD
            yield finding(
                rule,
                _should_declare(sides, draft, matches),
                f"{sides.says('run', 'holds')} {what}, which the architecture does not declare",
                f"declare {_article(draft.kind)} with the id '{observed_id}' "
                f"(`archatlas import {sides.found.source} ... --merge` adds it)",
            )
            continue
        element = sides.declared.by_id[declared_id]
        if draft.kind == "datastore" and element.kind != "datastore":
            engine = draft.fields.get("engine")
            yield finding(
                UNDECLARED_DATASTORE,
                sides.declared.locate(declared_id, "kind"),
                f"'{declared_id}' is declared as {_article(element.kind)}, but "
                f"{sides.says('run', 'holds')} a {engine} datastore for it: {what}",
                f"make it 'kind: datastore' with 'engine: {engine}'",
                declared_id,
            )


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _missing(sides: Sides, matches: dict[str, str]) -> Iterator[Finding]:
    """Declared workloads of the source's platform (every service and datastore, for a
    catalog, which has no platform) that the descriptors do not hold."""
    seen = set(matches.values())
    for element in sides.declared.elements:
        runtime = getattr(element, "runtime", None)
        if element.kind not in WORKLOAD_KINDS or element.id in seen:
            continue
        platform = runtime.platform if isinstance(runtime, Runtime) else None
        if sides.platform is not None and platform != sides.platform:
            continue
        where = f"runs on {sides.platform}" if sides.platform else f"is {_article(element.kind)}"
        yield finding(
            MISSING_WORKLOAD,
            sides.declared.locate(element.id, "runtime", "platform"),
            f"'{element.id}' {where} here, but {sides.says('run', 'holds')} no "
            f"workload '{element.name or element.id}'",
            "remove the element, rename it after its workload, or add its descriptors "
            "to the paths drift reads",
            element.id,
        )


def _relations(sides: Sides, matches: dict[str, str]) -> Iterator[Finding]:
    drafts = _drafts(sides)
    observed_pairs: dict[tuple[str, str], str] = {}
    for observed_id, draft in drafts.items():
        for seen in draft.uses:
            if observed_id in matches and seen.to in matches:
                pair = (matches[observed_id], matches[seen.to])
                observed_pairs.setdefault(pair, f"{seen.via} at {seen.at}")
    declared_pairs: dict[tuple[str, str], int] = {}
    compared = set(matches.values())
    for element in sides.declared.elements:
        for index, relation in enumerate(element.uses):
            if element.id in compared and relation.to in compared:
                declared_pairs.setdefault((element.id, relation.to), index)
    for (source, target), via in sorted(observed_pairs.items()):
        if (source, target) not in declared_pairs:
            yield _undeclared_relation(sides, sides.declared.by_id[source], target, via)
    for (source, target), index in sorted(declared_pairs.items()):
        if (source, target) not in observed_pairs:
            yield finding(
                UNSEEN_RELATION,
                sides.declared.locate(source, "uses", index, "to"),
                f"'{source}' uses '{target}' here, but {sides.says('do', 'does')} not show it",
                "remove the relation if it is gone; if the descriptors cannot show it "
                "(an address in code), accept this warning on the element",
                source,
            )


def _undeclared_relation(sides: Sides, element: Element, target: str, via: str) -> Finding:
    where = sides.declared.locate(element.id, "uses", key=True) if element.uses else None
    return finding(
        UNDECLARED_RELATION,
        where or sides.declared.locate(element.id, "id"),
        f"{sides.says('show', 'shows')} '{element.id}' using '{target}' ({via}), "
        f"which '{element.id}' does not declare",
        f"add '- to: {target}' to the uses of '{element.id}'",
        element.id,
    )


def _runtimes(sides: Sides, matches: dict[str, str]) -> Iterator[Finding]:
    for observed_id, declared_id in sorted(matches.items()):
        seen = getattr(sides.observed.by_id[observed_id], "runtime", None)
        declared = getattr(sides.declared.by_id[declared_id], "runtime", None)
        if not isinstance(seen, Runtime) or not isinstance(declared, Runtime):
            continue
        yield from _runtime(sides, declared_id, declared, seen)


def _runtime(sides: Sides, element_id: str, declared: Runtime, seen: Runtime) -> Iterator[Finding]:
    locate = sides.declared.locate
    if _replicas_differ(declared, seen):
        yield finding(
            REPLICAS_DIFFER,
            locate(element_id, "runtime", "replicas"),
            f"'{element_id}' declares {declared.replicas} replicas, "
            f"{sides.says('run', 'runs')} {seen.replicas}",
            f"set 'replicas: {seen.replicas}', or change the descriptors",
            element_id,
        )
    if declared.schedule and seen.schedule and declared.schedule != seen.schedule:
        yield finding(
            SCHEDULE_DIFFERS,
            locate(element_id, "runtime", "schedule"),
            f"'{element_id}' declares the schedule '{declared.schedule}', "
            f"{sides.says('say', 'says')} '{seen.schedule}'",
            f"set 'schedule: \"{seen.schedule}\"', or change the descriptors",
            element_id,
        )
    if _images_differ(declared.image, seen.image):
        yield finding(
            IMAGE_DIFFERS,
            locate(element_id, "runtime", "image"),
            f"'{element_id}' declares the image '{declared.image}', "
            f"{sides.says('run', 'runs')} '{seen.image}'",
            f"set 'image: {seen.image}', or write the image without its tag to compare "
            "the repository only",
            element_id,
        )


def _replicas_differ(declared: Runtime, seen: Runtime) -> bool:
    if declared.replicas is None or seen.replicas is None:
        return False
    return declared.replicas != seen.replicas


def _images_differ(declared: str | None, seen: str | None) -> bool:
    """A declared image without a tag compares the repository only; placeholders never differ."""
    if not declared or not seen or placeholders(seen) or placeholders(declared):
        return False
    if ":" not in declared.rsplit("/", 1)[-1] and "@" not in declared:
        return _without_tag(declared) != _without_tag(seen)
    return declared != seen


def _without_tag(image: str) -> str:
    name = image.split("@", 1)[0]
    folder, _, last = name.rpartition("/")
    return f"{folder}/{repository(last)}" if folder else repository(last)
