"""Views that draw what a reader asks about as nodes: a lake's datasets with
their writers and readers, a ledger's channels, organizations and nodes."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..format import Channel, Datalake, Dataset, Ledger, LedgerNode, Relation
from ..icons import icon_for_kind
from ..lineage import lineage_steps
from ..membership import ORDERING_ROLES, channel_part
from ..model import Architecture
from ..network import network_nodes
from .graph import (
    View,
    ViewCluster,
    ViewEdge,
    ViewNode,
    cluster_for,
    element_node,
    merge_edges,
    relation_edge,
    unique_nodes,
    view_clusters,
)

# --- a data lake --------------------------------------------------------------------


def dataset_node_id(lake_id: str, dataset_id: str) -> str:
    # '.' cannot occur in an element id: a dataset node never clashes with one.
    return f"{lake_id}.{dataset_id}"


def datalake_view(arch: Architecture, lake_id: str) -> View:
    """The lake as a frame of its datasets, writers on one side and readers on
    the other: arrows follow the data, so raw-to-curated lineage shows."""
    lake = arch.by_id[lake_id]
    assert isinstance(lake, Datalake)
    nodes = [_dataset_node(lake, dataset) for dataset in lake.datasets]
    known = {dataset.id for dataset in lake.datasets}
    edges: list[ViewEdge] = []
    whole_lake = not lake.datasets
    for user, relation in arch.used_by(lake_id):
        nodes.append(element_node(arch, user, cluster_for(arch, user)))
        if relation.dataset in known:
            edges.append(_flow(user.id, relation, dataset_node_id(lake_id, relation.dataset or "")))
        else:
            whole_lake = True
            edges.append(_flow(user.id, relation, lake_id))
    if whole_lake:
        nodes.append(element_node(arch, lake, lake_id, focus=True))
    note = "Arrows follow the data: from the writer to the dataset, and on to its readers."
    return _lake_view(arch, lake, f"datalake/{lake_id}", "data flows", nodes, edges, note)


def lineage_view(arch: Architecture, lake_id: str) -> View:
    """Only the lake's lineage: the datasets made from others, and the
    elements that read the one to write the other, raw to curated."""
    lake = arch.by_id[lake_id]
    assert isinstance(lake, Datalake)
    steps = {step.via.id: step for step in lineage_steps(arch, lake)}
    involved = {d for step in steps.values() for d in (*step.reads, *step.writes)}
    nodes = [_dataset_node(lake, d) for d in lake.datasets if d.id in involved]
    edges = []
    for user, relation in arch.used_by(lake_id):
        step = steps.get(user.id)
        if step and (relation.dataset in step.reads or relation.dataset in step.writes):
            nodes.append(element_node(arch, user, cluster_for(arch, user)))
            edges.append(_flow(user.id, relation, dataset_node_id(lake_id, relation.dataset or "")))
    note = "Arrows follow the data: read from one dataset, written to the next."
    return _lake_view(arch, lake, f"lineage/{lake_id}", "lineage", nodes, edges, note)


def _lake_view(
    arch: Architecture,
    lake: Datalake,
    key: str,
    what: str,
    nodes: list[ViewNode],
    edges: list[ViewEdge],
    note: str,
) -> View:
    """A view of the lake's frame of datasets and the elements around it."""
    drawn = unique_nodes(nodes)
    clusters = (ViewCluster(lake.id, lake.title), *view_clusters(arch, drawn))
    return View(
        key,
        f"{lake.title} {what}",
        drawn,
        merge_edges(edges),
        tuple(sorted(set(clusters), key=lambda cluster: cluster.id)),
        notes=(note,),
    )


def _dataset_node(lake: Datalake, dataset: Dataset) -> ViewNode:
    facts = [dataset.zone, dataset.format, dataset.classification]
    return ViewNode(
        dataset_node_id(lake.id, dataset.id),
        dataset.id,
        " · ".join(["dataset", *(fact for fact in facts if fact)]),
        icon_for_kind("datalake"),
        lake.id,
        cluster=lake.id,
    )


def _flow(user: str, relation: Relation, node: str) -> ViewEdge:
    """A relation to the lake as data moves: into the dataset, or out of it."""
    edge = relation_edge(user, relation, target=node)
    if relation.verb == "reads":
        return ViewEdge(node, user, "", edge.style, edge.data, details=edge.details)
    return ViewEdge(user, node, "", edge.style, edge.data, details=edge.details)


# --- a ledger network -----------------------------------------------------------------


def channel_node_id(ledger_id: str, channel_id: str) -> str:
    return f"{ledger_id}.channel.{channel_id}"


def ledger_view(arch: Architecture, ledger_id: str) -> View:
    """The network: organizations as frames of their nodes, the ordering
    nodes linked by consensus, peers joined to the channels they serve, and
    the services that submit, query or call into it."""
    ledger = arch.by_id[ledger_id]
    assert isinstance(ledger, Ledger)
    members = network_nodes(arch, ledger_id)
    nodes = [_member_node(arch, node) for node in members]
    nodes += [_channel_node(ledger, channel) for channel in ledger.channels]
    edges = _channel_edges(ledger, members) + _consensus_edges(arch, ledger, members)
    needs_ledger_node = not ledger.channels
    for target in [ledger_id, *(node.id for node in members)]:
        for user, relation in arch.used_by(target):
            if isinstance(user, LedgerNode) and user.ledger == ledger_id:
                continue  # among the network's own nodes: drawn as consensus above
            nodes.append(element_node(arch, user, cluster_for(arch, user)))
            channel = relation.channel if target == ledger_id else None
            known = channel in {c.id for c in ledger.channels}
            redirect = channel_node_id(ledger_id, channel or "") if known else None
            needs_ledger_node |= target == ledger_id and redirect is None
            edges.append(relation_edge(user.id, relation, target=redirect))
    if needs_ledger_node:
        nodes.append(element_node(arch, ledger, focus=True))
    drawn = unique_nodes(nodes)
    names = {org.id: org.name or org.id for org in ledger.organizations}
    organizations = sorted({n.cluster for n in drawn if n.cluster and n.cluster.startswith("org-")})
    clusters = [ViewCluster(c, names.get(c.removeprefix("org-"), c)) for c in organizations]
    clusters += [c for c in view_clusters(arch, drawn) if not c.id.startswith("org-")]
    return View(
        f"ledger/{ledger_id}",
        f"{ledger.title} topology",
        drawn,
        merge_edges(edges),
        tuple(clusters),
        notes=(
            "A frame is an organization of the network; a channel is drawn as its own node.",
            _serving_note(members),
            *_operator_note(members),
        ),
    )


def _serving_note(members: Sequence[LedgerNode]) -> str:
    declared = [node for node in members if node.channels is not None]
    if not declared:
        return "A peer serves every channel its organization is a member of."
    if len(declared) == len(members):
        return "A node is linked to the channels it joins."
    return (
        "A node is linked to the channels it joins; one that names none, to every "
        "channel its organization is a member of (an ordering node: to every channel)."
    )


def _operator_note(members: Sequence[LedgerNode]) -> tuple[str, ...]:
    if any(node.operator and node.operator != node.organization for node in members):
        return ("'run by' names the organization that operates a node for another.",)
    return ()


def _member_node(arch: Architecture, node: LedgerNode) -> ViewNode:
    cluster = f"org-{node.organization}" if node.organization else None
    return element_node(arch, node, cluster)


def _channel_node(ledger: Ledger, channel: Channel) -> ViewNode:
    members = len(channel.members)
    return ViewNode(
        channel_node_id(ledger.id, channel.id),
        channel.id,
        f"channel · {members} organization{'s' if members != 1 else ''}",
        icon_for_kind("ledger"),
        ledger.id,
    )


def _channel_edges(ledger: Ledger, members: Iterable[LedgerNode]) -> list[ViewEdge]:
    """A channel to each node that serves it: its organization's peers, and the
    ordering nodes, which order every channel."""
    edges = []
    for channel in ledger.channels:
        channel_id = channel_node_id(ledger.id, channel.id)
        for node in members:
            part = channel_part(node, channel)
            if part == "orders":
                line = f"{node.id} orders the blocks of channel {channel.id}"
            elif part == "serves":
                line = f"{node.id} serves channel {channel.id} for {node.organization}"
            else:
                continue
            edges.append(ViewEdge(channel_id, node.id, "", "member", details=(line,)))
    return edges


def _consensus_edges(
    arch: Architecture, ledger: Ledger, members: Iterable[LedgerNode]
) -> list[ViewEdge]:
    """The ordering nodes' consensus links: the relations declared between
    them, and a ring through the rest, as replication runs among them all."""
    ordering = sorted((n for n in members if n.role in ORDERING_ROLES), key=lambda n: n.id)
    ids = {node.id for node in ordering}
    consensus = ledger.consensus or "consensus"
    edges = [
        replace(relation_edge(node.id, relation), label="", style="consensus")
        for node in ordering
        for relation in node.uses
        if relation.to in ids
    ]
    joined = {frozenset((edge.source, edge.target)) for edge in edges}
    for first, second in _ring(ordering):
        if frozenset((first.id, second.id)) not in joined:
            line = f"{first.id} and {second.id} replicate by {consensus}"
            edges.append(ViewEdge(first.id, second.id, "", "consensus", details=(line,)))
    return edges


def _ring(nodes: Sequence[LedgerNode]) -> list[tuple[LedgerNode, LedgerNode]]:
    """Each node to the next, and the last back to the first (two nodes: one link)."""
    if len(nodes) < 2:
        return []
    pairs = list(itertools.pairwise(nodes))
    return [*pairs, (nodes[-1], nodes[0])] if len(nodes) > 2 else pairs
