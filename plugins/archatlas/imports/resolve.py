"""From workloads that name hosts to draft elements and relations.

Shared by the Kubernetes and Compose importers: each reads its files into
`Workload`s (with the hosts their configuration names) and `Endpoint`s (the
names that reach a workload: a Kubernetes Service and its selector, a
Compose service name or alias). A host that no endpoint defines is
reported by name, never invented.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from ..findings import Location
from .draft import (
    ENVIRONMENT_ORIGIN,
    SYSTEM_ORIGIN,
    Draft,
    DraftRelation,
    Found,
    Path_,
    Unresolved,
    slug,
    unique_ids,
)
from .hosts import candidates, placeholders
from .images import engine_of

_CLUSTER_SUFFIXES = ((), ("svc",), ("svc", "cluster", "local"))


@dataclass(frozen=True, slots=True)
class Reference:
    name: str  # the variable, or "" for a reference by service name (depends_on)
    value: str
    via: str
    at: Location
    direct: bool = False  # the value is a service name, not a configuration value


@dataclass(frozen=True, slots=True)
class Workload:
    name: str
    group: str  # namespace, or Compose project
    at: Location
    origin: str
    workload: str | None
    image: str | None
    replicas: int | None
    schedule: str | None
    labels: tuple[tuple[str, str], ...]
    references: tuple[Reference, ...]
    positions: dict[Path_, Location] = field(default_factory=dict)
    user_of: str | None = None  # a datastore beside this workload in its pod
    autoscale: tuple[int, int] | None = None  # (min, max)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    group: str
    selector: tuple[tuple[str, str], ...] = ()
    external: str | None = None  # a Kubernetes ExternalName
    target: str | None = None  # the workload it reaches, when known by name


def resolve(
    source: str,
    workloads: list[Workload],
    endpoints: list[Endpoint],
    system: str,
    platform: str,
    environment: str = "",
) -> Found:
    """Drafts for the workloads; with an `environment`, each group (namespace) is a
    deployment of its elements in it."""
    ids = _ids(workloads)
    by_name: dict[tuple[str, str], int] = {}
    for index, workload in enumerate(workloads):
        by_name.setdefault((workload.group, workload.name), index)
    known = frozenset(e.name.lower() for e in endpoints)
    table: dict[tuple[str, str], Endpoint] = {(e.group, e.name.lower()): e for e in endpoints}
    first = workloads[0].at.path if workloads else ""
    drafts: list[Draft] = [_system(system, first)]
    if environment:
        drafts.append(_environment(environment, system, first))
    unresolved: list[Unresolved] = []
    seen_placeholders: set[str] = set()
    for index, workload in enumerate(workloads):
        source_id = ids[index]
        relations: dict[str, DraftRelation] = {}
        if workload.image:
            seen_placeholders.update(placeholders(workload.image))
        for reference in workload.references:
            seen_placeholders.update(placeholders(reference.value))
            for host, protocol in _hosts(reference, known):
                targets = _lookup(host, workload.group, table, by_name, workloads)
                if isinstance(targets, str):
                    unresolved.append(
                        Unresolved(source_id, host, reference.via, reference.at, targets)
                    )
                    continue
                for target in targets:
                    target_id = ids[target]
                    if target_id == source_id or target_id in relations:
                        continue
                    verb = None if engine_of(workloads[target].image) else "calls"
                    relations[target_id] = DraftRelation(
                        target_id, verb, reference.at, reference.via, protocol
                    )
        draft = _draft(workload, source_id, relations, system, platform)
        if environment:
            deployment = {"environment": environment, "namespace": workload.group}
            draft = replace(draft, fields={**draft.fields, "deployments": [deployment]})
        drafts.append(draft)
    drafts = _pod_relations(drafts, workloads, ids)
    return Found(
        source,
        tuple(sorted(drafts, key=lambda d: d.id)),
        tuple(sorted(unresolved, key=lambda u: (u.source, u.host, u.via))),
        placeholders=tuple(sorted(seen_placeholders)),
    )


def _ids(workloads: list[Workload]) -> list[str]:
    """Stable ids: the name's, told apart by namespace, then by folder, then by number."""
    base = unique_ids([(w.group, w.name) for w in workloads])
    repeated = Counter((w.group, w.name) for w in workloads)
    ids = []
    for workload in workloads:
        element_id = base[(workload.group, workload.name)]
        if repeated[(workload.group, workload.name)] > 1:
            element_id = f"{element_id}-{slug(PurePath(workload.at.path).parent.name)}"
        ids.append(element_id)
    seen: Counter[str] = Counter()
    unique = []
    for element_id in ids:
        seen[element_id] += 1
        unique.append(element_id if seen[element_id] == 1 else f"{element_id}-{seen[element_id]}")
    return unique


def _hosts(reference: Reference, known: frozenset[str]) -> Iterable[tuple[str, str | None]]:
    if reference.direct:
        return [(reference.value.lower(), None)]
    return [(c.host, c.protocol) for c in candidates(reference.name, reference.value, known)]


def _lookup(
    host: str,
    group: str,
    table: dict[tuple[str, str], Endpoint],
    by_name: dict[tuple[str, str], int],
    workloads: list[Workload],
) -> list[int] | str:
    """The workloads `host` reaches, or why none: 'dangling' or 'external'."""
    endpoint = table.get((group, host)) or _cluster_name(host, group, table)
    if endpoint is None:
        labels = host.split(".")
        cluster_local = labels[-2:] == ["cluster", "local"] or labels[-1:] == ["svc"]
        return "external" if len(labels) > 1 and not cluster_local else "dangling"
    if endpoint.target is not None:
        target = by_name.get((endpoint.group, endpoint.target))
        return [target] if target is not None else "dangling"
    if endpoint.external:
        return "external"
    if not endpoint.selector:
        return "dangling"
    selector = set(endpoint.selector)
    chosen = [
        n
        for n, w in enumerate(workloads)
        if w.group == endpoint.group and selector <= set(w.labels)
    ]
    return chosen or "dangling"


def _cluster_name(host: str, group: str, table: dict[tuple[str, str], Endpoint]) -> Endpoint | None:
    """`svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`: a Service of another namespace."""
    labels = host.split(".")
    if len(labels) < 2:
        return None
    name, namespace, rest = labels[0], labels[1], tuple(labels[2:])
    if rest not in _CLUSTER_SUFFIXES:
        return None
    if placeholders(namespace):  # `svc.${NS}.svc.cluster.local`: the one Service of that name
        matches = [e for (g, n), e in table.items() if n == name]
        return matches[0] if len(matches) == 1 else table.get((group, name))
    return table.get((namespace, name))


def _system(system: str, path: str) -> Draft:
    return Draft(
        system,
        "system",
        Location(path, 1, 1),
        {},
        group=system,
        origin=SYSTEM_ORIGIN,
    )


def _environment(environment: str, system: str, path: str) -> Draft:
    return Draft(
        environment,
        "environment",
        Location(path, 1, 1),
        {},
        group=system,
        origin=ENVIRONMENT_ORIGIN,
        notes=("rename it to the environment they run in: import with --environment ID",),
    )


def _draft(
    workload: Workload,
    element_id: str,
    relations: dict[str, DraftRelation],
    system: str,
    platform: str,
) -> Draft:
    engine = engine_of(workload.image)
    runtime = {
        key: value
        for key, value in (
            ("platform", platform),
            ("workload", workload.workload),
            ("image", workload.image),
            ("replicas", workload.replicas),
            ("autoscale", _autoscale(workload.autoscale)),
            ("schedule", workload.schedule),
        )
        if value is not None
    }
    fields: dict[str, object] = {"name": workload.name, "system": system}
    if workload.user_of:
        fields["description"] = f"Runs in the pod of {workload.user_of}."
    if engine:
        fields["engine"] = engine
    fields["runtime"] = runtime
    return Draft(
        element_id,
        "datastore" if engine else "service",
        workload.at,
        fields,
        tuple(relations[key] for key in sorted(relations)),
        group=workload.group,
        origin=workload.origin,
        positions=dict(workload.positions),
        notes=workload.notes,
    )


def _autoscale(scale: tuple[int, int] | None) -> dict[str, int] | None:
    return {"min": scale[0], "max": scale[1]} if scale else None


def _pod_relations(drafts: list[Draft], workloads: list[Workload], ids: list[str]) -> list[Draft]:
    """A datastore in a workload's pod is used by that workload."""
    extra: dict[str, list[DraftRelation]] = {}
    user = ""
    for index, workload in enumerate(workloads):
        if workload.user_of is None:
            user = ids[index]  # a pod's datastores follow its workload
            continue
        target = ids[index]
        extra.setdefault(user, []).append(
            DraftRelation(target, None, workload.at, "a container of the same pod")
        )
    result = []
    for draft in drafts:
        more = [r for r in extra.get(draft.id, []) if r.to not in {u.to for u in draft.uses}]
        if more:
            uses = sorted((*draft.uses, *more), key=lambda r: r.to)
            draft = replace(draft, uses=tuple(uses))
        result.append(draft)
    return result
