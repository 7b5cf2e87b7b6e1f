"""The C4 shape both Structurizr and LikeC4 exports share.

A `system` is a software system whose members are its containers; an
element outside every system is a software system of its own (an actor a
person); teams and environments are not C4 elements. Relations keep their
verb and description as a label and their protocol as the technology.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..format import Element, Relation
from ..model import Architecture

NOT_ELEMENTS = ("team", "environment")


@dataclass(frozen=True, slots=True)
class Node:
    element: Element
    parent: str | None  # the id of its system, when it is a container


def nodes(architecture: Architecture) -> list[Node]:
    """The elements drawn, each with its parent system, systems first, in id order."""
    found: list[Node] = []
    for element in architecture.elements:
        if element.kind in NOT_ELEMENTS:
            continue
        system = getattr(element, "system", None)
        parent = system if system and architecture.get(system) is not None else None
        found.append(Node(element, parent))
    return found


def edges(architecture: Architecture) -> list[tuple[Element, Relation]]:
    drawn = {node.element.id for node in nodes(architecture)}
    return [
        (element, relation)
        for element in architecture.elements
        if element.id in drawn
        for relation in element.uses
        if relation.to in drawn
    ]


def label(relation: Relation) -> str:
    parts: list[str] = [relation.verb or "uses"]
    if relation.description:
        parts = [relation.description]
    if relation.dataset:
        parts.append(f"dataset {relation.dataset}")
    if relation.channel:
        parts.append(f"channel {relation.channel}")
    return ", ".join(parts)


def technology(element: Element) -> str:
    """What the element runs on: its engine, image or product."""
    for name in ("engine", "product", "platform"):
        value = getattr(element, name, None)
        if isinstance(value, str) and value:
            return value
    runtime = getattr(element, "runtime", None)
    image = getattr(runtime, "image", None)
    return image if isinstance(image, str) else ""


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())
