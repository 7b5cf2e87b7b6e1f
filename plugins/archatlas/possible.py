"""What may exist beyond the model: the ids named by documents it had to leave out.

A document with a YAML syntax error, or one whose schema errors keep it out
of the model, still names ids: its own, and its relations' targets. Rules
take those ids as possibly existing, so that one mistake gives one finding:
the document's own, not an unknown reference in every file that names it,
nor a warning that nothing uses an element the lost document used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .yamltree import Mapping, Node, Scalar, Sequence

# `id: x`, `- to: x`, `{to: x, as: calls}`, quoted or not, at any indentation:
# the text may be broken anywhere, so each line is read on its own.
_FIELD = re.compile(
    r"(?:^|[\s{,\[-])([A-Za-z_][\w-]*)[ \t]*:[ \t]+[\"'\[{ ]*([A-Za-z0-9_.-]+)", re.M
)
# No relation verb takes these as its target: a document of theirs without an
# id cannot be what an unknown relation target means.
_NEVER_TARGETS = frozenset({"team", "system", "actor"})


@dataclass(frozen=True)
class Possible:
    ids: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()  # of relations the model lost
    # Kinds of the documents left out whose id cannot be read (None: no kind
    # either): such a document may be the element any unknown reference means.
    anonymous: frozenset[str | None] = frozenset()
    # Verbs of lost relations whose target cannot be read (None: no verb).
    open_verbs: frozenset[str | None] = frozenset()
    # Every value written in those documents: a node's `ledger: x` says that
    # what is counted of x (its nodes) may be short.
    named: frozenset[str] = frozenset()
    kinds: frozenset[str | None] = frozenset()  # of those documents (None: unreadable)
    # (id, path, first line, last line) of each id read from a document's text.
    places: tuple[tuple[str, str, int, int], ...] = ()

    def may_exist(self, element_id: str, kind: str | None = None) -> bool:
        """Whether `element_id` (of `kind`, when the reference says) may be
        described by a document left out of the model."""
        if element_id in self.ids:
            return True
        if kind is None:
            return any(other not in _NEVER_TARGETS for other in self.anonymous)
        return None in self.anonymous or kind in self.anonymous


NOTHING_LEFT_OUT = Possible()


@dataclass(frozen=True, slots=True)
class _Named:
    ids: tuple[str, ...]
    targets: tuple[str, ...]
    anonymous: bool
    kind: str | None
    open_verbs: tuple[str | None, ...]
    named: frozenset[str]
    place: tuple[str, int, int] | None = None  # path, first and last line of the text


def in_text(text: str, path: str = "", first: int = 1) -> _Named:
    """What a document's text (in `path` from line `first`) names, read line by
    line whatever its YAML."""
    fields: dict[str, list[str]] = {"id": [], "to": [], "as": [], "kind": []}
    named: set[str] = set()
    for match in _FIELD.finditer(text):
        named.add(match.group(2))
        if match.group(1) in fields:
            fields[match.group(1)].append(match.group(2))
    # More verbs than targets: a relation lost its 'to' line.
    lost = tuple(fields["as"]) if len(fields["as"]) > len(fields["to"]) else ()
    kind = fields["kind"][0] if fields["kind"] else None
    place = (path, first, first + text.count("\n"))
    return _Named(
        tuple(fields["id"]),
        tuple(fields["to"]),
        not fields["id"],
        kind,
        lost,
        frozenset(named),
        place,
    )


def in_tree(root: Mapping) -> _Named:
    """What a document that YAML could read, but the schema refused, names."""
    ids = tuple(_values(root, "id"))
    targets = tuple(_values(root, "to"))
    own = root.get("id")
    kind = root.get("kind")
    return _Named(
        ids,
        targets,
        not (isinstance(own, Scalar) and own.text),
        kind.text if isinstance(kind, Scalar) else None,
        tuple(_open_verbs(root.get("uses"))),
        frozenset(_scalars(root)),
    )


def _values(node: Node, key: str) -> Iterator[str]:
    """The texts of every `key` field in the tree, at any depth."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            for name, value in node.entries:
                if name.text == key and isinstance(value, Scalar) and value.text:
                    yield value.text
                elif name.text == key and isinstance(value, Sequence):
                    yield from (i.text for i in value.items if isinstance(i, Scalar) and i.text)
                stack.append(value)
        elif isinstance(node, Sequence):
            stack.extend(node.items)


def _scalars(node: Node) -> Iterator[str]:
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, Scalar):
            yield node.text
        elif isinstance(node, Sequence):
            stack.extend(node.items)
        else:
            stack.extend(value for _, value in node.entries)


def _open_verbs(uses: Node | None) -> Iterator[str | None]:
    """The verbs of the `uses` items that have no readable target."""
    if uses is None or (isinstance(uses, Scalar) and uses.value is None):
        return
    items = uses.items if isinstance(uses, Sequence) else (uses,)
    for item in items:
        target = item.get("to") if isinstance(item, Mapping) else None
        if not (isinstance(target, Scalar) and target.text):
            verb = item.get("as") if isinstance(item, Mapping) else None
            yield verb.text if isinstance(verb, Scalar) else None


def gather(named: Iterable[_Named]) -> Possible:
    ids: set[str] = set()
    targets: set[str] = set()
    anonymous: set[str | None] = set()
    open_verbs: set[str | None] = set()
    values: set[str] = set()
    kinds: set[str | None] = set()
    places: list[tuple[str, str, int, int]] = []
    for item in named:
        values.update(item.named)
        kinds.add(item.kind)
        if item.place is not None:
            places.extend((element_id, *item.place) for element_id in item.ids)
        ids.update(item.ids)
        targets.update(item.targets)
        open_verbs.update(item.open_verbs)
        if item.anonymous:
            anonymous.add(item.kind)
    return Possible(
        frozenset(ids),
        frozenset(targets),
        frozenset(anonymous),
        frozenset(open_verbs),
        frozenset(values),
        frozenset(kinds),
        tuple(places),
    )
