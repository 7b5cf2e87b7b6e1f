"""The architecture as a LikeC4 model: a specification of archatlas' kinds, the model, views.

Each kind is an element kind of the specification (`ledger-node` is
`ledgerNode`, the one kind whose name LikeC4 would read as two); systems
hold their members, relations use full names (`shop.web`). Views: the
landscape (`index`) and one per system.

Not expressed: teams (an owner is metadata), environments and deployments
(no LikeC4 deployment model is written), datasets, ledger channels and
organizations, accepted warnings.
"""

from __future__ import annotations

from ..format import Element
from ..model import Architecture
from .c4 import Node, edges, label, nodes, one_line, technology

SHAPES = {"datastore": "storage", "datalake": "storage", "actor": "person"}
KIND_NAMES = {"ledger-node": "ledgerNode"}
KINDS = ("system", "actor", "service", "vendor", "datastore", "datalake", "ledger", "ledger-node")


def quoted(text: str | None) -> str:
    return "'" + one_line(text).replace("\\", "\\\\").replace("'", "\\'") + "'"


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)


def model(architecture: Architecture) -> str:
    drawn = nodes(architecture)
    parents = {node.element.id: node.parent for node in drawn}
    lines = ["// Exported by archatlas.", "specification {"]
    for kind in KINDS:
        shape = SHAPES.get(kind)
        body = f" {{\n    style {{\n      shape {shape}\n    }}\n  }}" if shape else ""
        lines.append(f"  element {kind_name(kind)}{body}")
    lines += ["}", "", "model {"]
    for node in drawn:
        if node.parent is None:
            lines.extend(_element(node, drawn, 2))
    for element, relation in edges(architecture):
        if relation.to == parents.get(element.id) or element.id == parents.get(relation.to):
            continue  # LikeC4 draws membership; a relation to one's own system adds nothing
        source, target = _path(element.id, parents), _path(relation.to, parents)
        head = f"  {source} -> {target} {quoted(label(relation))}"
        if relation.protocol:
            head += f" {{\n    technology {quoted(relation.protocol)}\n  }}"
        lines.append(head)
    lines += ["}", "", "views {", "  view index {", "    title 'Landscape'", "    include *", "  }"]
    for node in drawn:
        if node.parent is None and node.element.kind == "system":
            key = node.element.id
            lines += [f"  view {_view(key)} of {key} {{", "    include *", "  }"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _view(element_id: str) -> str:
    return "view_" + element_id.replace("-", "_")


def _path(element_id: str, parents: dict[str, str | None]) -> str:
    parent = parents.get(element_id)
    return f"{parent}.{element_id}" if parent else element_id


def _element(node: Node, drawn: list[Node], indent: int) -> list[str]:
    element = node.element
    pad = " " * indent
    lines = [f"{pad}{element.id} = {kind_name(element.kind)} {quoted(element.title)} {{"]
    inner = " " * (indent + 2)
    if element.description:
        lines.append(f"{inner}description {quoted(element.description)}")
    tech = technology(element)
    if tech:
        lines.append(f"{inner}technology {quoted(tech)}")
    lines.extend(_metadata(element, inner))
    for child in drawn:
        if child.parent == element.id:
            lines.extend(_element(child, drawn, indent + 2))
    lines.append(f"{pad}}}")
    return lines


def _metadata(element: Element, pad: str) -> list[str]:
    values = [("archatlas_kind", element.kind)]
    if element.owner:
        values.append(("owner", element.owner))
    lines = [f"{pad}metadata {{"]
    lines.extend(f"{pad}  {key} {quoted(value)}" for key, value in values)
    lines.append(f"{pad}}}")
    return lines
