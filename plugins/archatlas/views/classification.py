"""The classification view: where confidential and restricted data goes.

It draws the elements that send, receive or hold such data and the vendors
it reaches, one line per pair coloured by the highest classification it
carries (as `sensitivity.relation_classification` gives it: a relation
reading a dataset carries the dataset's, one naming a lake without a dataset
the lake's highest).
"""

from __future__ import annotations

from ..classification import sensitive_flows
from ..model import Architecture
from .graph import (
    MAX_NODES,
    View,
    cluster_for,
    collapse,
    element_node,
    merge_edges,
    relation_edge,
    view_clusters,
)


def classification_view(arch: Architecture) -> View:
    found = sensitive_flows(arch)
    ids = sorted({flow.source for flow in found} | {flow.target for flow in found})
    members = [element for element_id in ids if (element := arch.get(element_id))]
    nodes = tuple(element_node(arch, element, cluster_for(arch, element)) for element in members)
    drawn = {node.id for node in nodes}
    edges = merge_edges(
        relation_edge(flow.source, flow.carrying)
        for flow in found
        if flow.source in drawn and flow.target in drawn
    )
    view = View(
        "classification",
        "Confidential and restricted data",
        nodes,
        edges,
        view_clusters(arch, nodes),
        notes=(
            "Only relations that carry confidential or restricted data are drawn; "
            "a relation reading a dataset carries the dataset's classification, "
            "and one naming a data lake without a dataset the lake's highest.",
        ),
    )
    return collapse(arch, view) if len(nodes) > MAX_NODES else view
