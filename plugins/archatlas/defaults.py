"""A ledger's `node-defaults`, applied to its ledger-nodes in the model stage.

Documents are one element each, so YAML anchors cannot carry the fields that
every node of a network repeats from one document to the next. A ledger says
them once instead; each of its nodes takes every default it does not set
itself, so that the checks, views and pages after the model see complete
nodes. A node's own field replaces the default whole (`owner: null` takes no
owner), except `runtime`, which is merged field by field: the nodes of one
network share where and how they run and differ in their image.
"""

from __future__ import annotations

from collections.abc import Mapping

from .format import Element, Ledger, LedgerNode, NodeDefaults, Runtime


def apply_node_defaults(
    elements: Mapping[str, Element],
) -> tuple[dict[str, Element], dict[str, str]]:
    """The elements with each ledger-node completed from its ledger's defaults,
    and, for every node that took some, the id of that ledger."""
    completed = dict(elements)
    taken_from: dict[str, str] = {}
    for element in elements.values():
        if not isinstance(element, LedgerNode):
            continue
        ledger = elements.get(element.ledger)
        if not isinstance(ledger, Ledger) or ledger.node_defaults is None:
            continue
        update = _taken(element, ledger.node_defaults)
        if update:
            completed[element.id] = element.model_copy(update=update)
            taken_from[element.id] = ledger.id
    return completed, taken_from


def _taken(node: LedgerNode, defaults: NodeDefaults) -> dict[str, object]:
    """The fields `node` takes from `defaults`: those it does not set itself."""
    update: dict[str, object] = {}
    own = node.model_fields_set
    for name in sorted(defaults.model_fields_set):
        value = getattr(defaults, name)
        if value is None:
            continue  # a default of nothing is no default
        if name not in own:
            update[name] = value
        elif name == "runtime" and isinstance(value, Runtime) and node.runtime is not None:
            merged = _merged_runtime(value, node.runtime)
            if merged != node.runtime:
                update[name] = merged
    return update


def _merged_runtime(default: Runtime, own: Runtime) -> Runtime:
    """The default runtime with the node's own runtime fields put over it."""
    fields = {name: getattr(own, name) for name in own.model_fields_set}
    return default.model_copy(update=fields)
