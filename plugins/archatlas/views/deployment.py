"""The deployment view of an environment: its clusters as frames, their
namespaces as frames inside them, each workload deployed there as a card
with its replicas, and, outside the frames, what those workloads reach that
runs nowhere in particular (vendors, managed stores) with its regions."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from ..deploy import Placement, declared_regions, placements, reached, restrictions
from ..findings import plural
from ..format import Element, Environment, Relation
from ..icons import icon_for_kind
from ..kinds import KIND_SPECS
from ..model import Architecture
from .graph import (
    MAX_NODES,
    View,
    ViewCluster,
    ViewEdge,
    ViewNode,
    element_node,
    merge_edges,
    relation_edge,
)


def deployment_view(arch: Architecture, env_id: str) -> View:
    env = arch.by_id[env_id]
    assert isinstance(env, Environment)
    placed = placements(arch, env)
    copies: dict[str, list[tuple[str, Placement]]] = defaultdict(list)
    for placement in placed:
        copies[placement.element.id].append((workload_node_id(placement), placement))
    nodes = [_workload_node(arch, node_id, p) for node_id, p in _every(copies)]
    outside = reached(arch, env)
    nodes += [_reached_node(arch, reach.element) for reach in outside]
    shared = {reach.element.id for reach in outside}
    edges: list[ViewEdge] = []
    for source_id, placement in _every(copies):
        for relation in placement.element.uses:
            if relation.to in copies:
                for target_id in _nearest(copies[relation.to], placement):
                    edges.append(_edge(source_id, relation, target_id))
            elif relation.to in shared:
                edges.append(_edge(source_id, relation, relation.to))
    for reach in outside:
        for relation in reach.element.uses:
            for target_id, _ in copies.get(relation.to, ()):
                edges.append(_edge(reach.element.id, relation, target_id))
    view = View(
        f"deployment/{env.id}",
        f"{env.title} deployment",
        tuple(nodes),
        merge_edges(edges),
        _clusters(placed),
        notes=_notes(env),
    )
    return _by_namespace(view, env) if len(view.nodes) > MAX_NODES else view


def _by_namespace(view: View, env: Environment) -> View:
    """A view too large to read: one card per namespace (or per cluster, for
    workloads in none), counting its workloads, inside its cluster's frame."""
    frames = {cluster.id: cluster for cluster in view.clusters}
    group_of = {node.id: node.cluster or node.id for node in view.nodes}
    counts = Counter(group_of[node.id] for node in view.nodes if node.cluster)
    nodes = [node for node in view.nodes if not node.cluster]
    for group, count in sorted(counts.items()):
        frame = frames[group]
        nodes.append(
            ViewNode(
                group,
                frame.label.removeprefix("namespace "),
                f"namespace · {plural(count, 'workload')}"
                if frame.parent
                else plural(count, "workload"),
                icon_for_kind("service"),
                env.id,
                cluster=frame.parent if frame.parent else group,
            )
        )
    edges = merge_edges(
        replace(edge, source=group_of[edge.source], target=group_of[edge.target])
        for edge in view.edges
        if group_of[edge.source] != group_of[edge.target]
    )
    edges = tuple(replace(edge, label=plural(edge.weight, "relation")) for edge in edges)
    clusters = tuple(cluster for cluster in view.clusters if cluster.parent is None)
    notes = (
        "A card in a frame is a namespace, with the number of workloads it runs.",
        *view.notes[1:],
    )
    return replace(
        view, nodes=tuple(nodes), edges=edges, clusters=clusters, collapsed=True, notes=notes
    )


def workload_node_id(placement: Placement) -> str:
    # '.' cannot occur in an element id: one node per deployment never clashes.
    return f"{placement.element.id}.{placement.index}"


def _every(copies: dict[str, list[tuple[str, Placement]]]) -> list[tuple[str, Placement]]:
    return [pair for key in sorted(copies) for pair in copies[key]]


def _nearest(targets: list[tuple[str, Placement]], source: Placement) -> list[str]:
    """The target's copies a workload talks to: the one in its own cluster
    and namespace, else those in its cluster, else every copy."""
    for same in (_same_namespace, _same_cluster):
        near = [node_id for node_id, target in targets if same(target, source)]
        if near:
            return near
    return [node_id for node_id, _ in targets]


def _same_cluster(one: Placement, other: Placement) -> bool:
    return one.deployment.cluster == other.deployment.cluster


def _same_namespace(one: Placement, other: Placement) -> bool:
    return _same_cluster(one, other) and one.deployment.namespace == other.deployment.namespace


def _edge(source: str, relation: Relation, target: str) -> ViewEdge:
    edge = relation_edge(source, relation, target)
    # The label names the dataset or channel as in the element's own view.
    return replace(edge, label=relation_edge(source, relation).label)


def _workload_node(arch: Architecture, node_id: str, placement: Placement) -> ViewNode:
    element = placement.element
    node = element_node(arch, element, cluster=_cluster_id(placement))
    what = getattr(element, "role", None) or KIND_SPECS[element.kind].title.lower()
    caption = " · ".join(part for part in (what, placement.replicas_text) if part)
    return replace(node, id=node_id, caption=caption)


def _reached_node(arch: Architecture, element: Element) -> ViewNode:
    node = element_node(arch, element)
    regions = declared_regions(element)
    where = ", ".join(regions) if regions else "region not declared"
    what = KIND_SPECS[element.kind].title.lower()
    provider = getattr(element, "provider", None)
    return replace(node, caption=" · ".join(p for p in (what, provider, where) if p))


def _cluster_id(placement: Placement) -> str | None:
    cluster = placement.cluster.id if placement.cluster else None
    namespace = placement.deployment.namespace
    if namespace:
        return f"{cluster or ''}.ns.{_slug(namespace)}"
    return cluster


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split()) or "ns"


def _clusters(placed: tuple[Placement, ...]) -> tuple[ViewCluster, ...]:
    found: dict[str, ViewCluster] = {}
    for placement in placed:
        cluster = placement.cluster
        if cluster is not None:
            facts = [cluster.provider, cluster.region]
            label = " · ".join([cluster.name or cluster.id, *(f for f in facts if f)])
            found[cluster.id] = ViewCluster(cluster.id, label)
        namespace = placement.deployment.namespace
        node_cluster = _cluster_id(placement)
        if namespace and node_cluster:
            parent = cluster.id if cluster else None
            found[node_cluster] = ViewCluster(node_cluster, f"namespace {namespace}", parent)
    return tuple(found.values())  # in the order of the placements: clusters as declared


def _notes(env: Environment) -> tuple[str, ...]:
    notes = [
        "A frame is a cluster, with its provider and region; a frame inside it, a namespace.",
        "Cards outside the frames run in no cluster of the environment: "
        "vendors and managed stores, with their regions.",
    ]
    for rule in restrictions(env):
        if not rule.inherited:
            notes.append(
                f"Residency: {rule.classification} data, and more sensitive data without a "
                f"residency of its own, stays in {', '.join(rule.regions)}."
            )
    return tuple(notes)
