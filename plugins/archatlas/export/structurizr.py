"""The architecture as a Structurizr DSL workspace.

Systems become software systems with their members as containers;
elements outside any system become software systems (vendors tagged
`Vendor`, datastores `Database`), actors people. Each element's kind,
owner and archatlas id are properties. Views: the system landscape, and a
system context and a container view per system.

Not expressed: teams (an owner is a property), environments and
deployments (no deployment model is written), datasets, ledger channels and
organizations, data classifications (kept as a relation property), accepted
warnings.
"""

from __future__ import annotations

from ..format import Element
from ..model import Architecture
from .c4 import Node, edges, label, nodes, one_line, technology

TAGS = {
    "datastore": "Database",
    "datalake": "Database",
    "vendor": "Vendor",
    "ledger": "Ledger",
    "ledger-node": "Ledger",
}


def quoted(text: str | None) -> str:
    """A DSL string: one line, backslashes and quotes escaped."""
    return '"' + one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def workspace(architecture: Architecture) -> str:
    drawn = nodes(architecture)
    lines = ['workspace "Architecture" "Exported by archatlas." {', "    !identifiers flat", ""]
    lines.append("    model {")
    for node in drawn:
        if node.parent is None:
            lines.extend(_element(architecture, node, drawn, 8))
    parents = {node.element.id: node.parent for node in drawn}
    for element, relation in edges(architecture):
        if relation.to == parents.get(element.id) or element.id == parents.get(relation.to):
            continue  # Structurizr refuses relations between an element and its own system
        parts = [f"{element.id} -> {relation.to}", quoted(label(relation))]
        if relation.protocol:
            parts.append(quoted(relation.protocol))
        lines.append("        " + " ".join(parts) + (" {" if relation.data else ""))
        if relation.data:
            lines += ["            properties {", f'                "data" {quoted(relation.data)}']
            lines += ["            }", "        }"]
    lines.append("    }")
    lines.extend(_views(drawn))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _element(architecture: Architecture, node: Node, drawn: list[Node], indent: int) -> list[str]:
    element = node.element
    pad = " " * indent
    if element.kind == "actor":
        head = f"{element.id} = person {quoted(element.title)} {quoted(element.description)}"
    elif node.parent is None:
        head = (
            f"{element.id} = softwareSystem {quoted(element.title)} {quoted(element.description)}"
        )
    else:
        head = (
            f"{element.id} = container {quoted(element.title)} {quoted(element.description)} "
            f"{quoted(technology(element))}"
        )
    tags = _tags(element)
    if tags:
        head += " " + quoted(",".join(tags))
    lines = [f"{pad}{head} {{", *_properties(element, indent + 4)]
    for child in drawn:
        if child.parent == element.id:
            lines.extend(_element(architecture, child, drawn, indent + 4))
    lines.append(f"{pad}}}")
    return lines


def _tags(element: Element) -> list[str]:
    tags = [TAGS[element.kind]] if element.kind in TAGS else []
    return [*tags, *(one_line(tag) for tag in element.tags if one_line(tag))]


def _properties(element: Element, indent: int) -> list[str]:
    pad = " " * indent
    values = [("archatlas.kind", element.kind), ("archatlas.id", element.id)]
    if element.owner:
        values.append(("owner", element.owner))
    lines = [f"{pad}properties {{"]
    lines.extend(f"{pad}    {quoted(key)} {quoted(value)}" for key, value in values)
    lines.append(f"{pad}}}")
    return lines


def _views(drawn: list[Node]) -> list[str]:
    lines = ["", "    views {", '        systemLandscape "landscape" {', "            include *"]
    lines += ["            autoLayout", "        }"]
    for node in drawn:
        element = node.element
        if node.parent is not None or element.kind == "actor":
            continue
        key = element.id
        lines += [f'        systemContext {key} "{key}-context" {{', "            include *"]
        lines += ["            autoLayout", "        }"]
        if any(child.parent == key for child in drawn):
            lines += [f'        container {key} "{key}-containers" {{', "            include *"]
            lines += ["            autoLayout", "        }"]
    lines += [
        "        styles {",
        '            element "Person" {',
        "                shape person",
        "            }",
        '            element "Database" {',
        "                shape cylinder",
        "            }",
        "        }",
        "    }",
    ]
    return lines
