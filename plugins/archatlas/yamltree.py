"""YAML text to an immutable node tree that remembers where every value stands.

PyYAML's `safe_load` forgets positions, keeps the last of two equal keys and
reads `NO` as false. We read libyaml's event stream instead and build the
tree ourselves, one event at a time (no recursion, so deep nesting cannot
exhaust the stack): that gives line and column for every node, lets us
refuse duplicate keys and object-building tags, bound nesting and alias
expansion, and resolve plain scalars by the YAML 1.2 core schema.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import yaml

from .load_rules import (
    ALIAS_EXPANSION,
    DUPLICATE_KEY,
    FILE_TOO_LARGE,
    TOO_DEEP,
    YAML_SYNTAX,
    YAML_TAG,
)
from .model_rules import WRONG_TYPE

ScalarValue = str | int | float | bool | None


# Pos and Scalar are named tuples, not frozen dataclasses: a file has a scalar
# for nearly every token, and a frozen dataclass sets each field through
# object.__setattr__ (reading 5,000 elements took 15% longer with them).
class Pos(NamedTuple):
    line: int  # 1-based
    col: int  # 1-based


class Scalar(NamedTuple):
    value: ScalarValue
    pos: Pos
    text: str  # the scalar as written, for keys and messages


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple[Node, ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class Mapping:
    entries: tuple[tuple[Scalar, Node], ...]
    pos: Pos

    def get(self, key: str) -> Node | None:
        for name, value in self.entries:
            if name.text == key:
                return value
        return None

    def key(self, key: str) -> Scalar | None:
        for name, _ in self.entries:
            if name.text == key:
                return name
        return None


Node = Scalar | Sequence | Mapping


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in the YAML itself, with the rule it breaks."""

    rule: str
    pos: Pos
    message: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    index: int  # 0-based position of the document in its file
    root: Node | None  # None for an empty document
    size: int  # nodes after alias expansion


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 64
    max_nodes: int = 100_000  # per document, after alias expansion


class YamlError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def to_python(node: Node) -> object:
    """Plain data for validation: mappings become dicts, sequences tuples."""
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Sequence):
        return tuple(to_python(item) for item in node.items)
    return {key.text: to_python(value) for key, value in node.entries}


# --- scalar resolution (YAML 1.2 core schema) ---------------------------------

# Plain scalars that are not numbers and not strings: null and the booleans.
_WORDS: dict[str, ScalarValue] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")

_CORE = "tag:yaml.org,2002:"
_SAFE_TAGS = {"!", _CORE + "str", _CORE + "int", _CORE + "float", _CORE + "bool", _CORE + "null"}
_COLLECTION_TAGS = {None, "!", _CORE + "map", _CORE + "seq"}


# Only these characters start a number; most values ("kind", "news-scraper")
# skip the patterns below.
_NUMBER_START = frozenset("0123456789+-.")


def resolve_plain(text: str) -> ScalarValue:
    if text in _WORDS:
        return _WORDS[text]
    if not text or text[0] not in _NUMBER_START:
        return text
    if _INT.match(text):
        try:
            return int(text)
        except ValueError:  # beyond Python's digit limit: no field wants it as a number
            return text
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def _resolve_tagged(tag: str, text: str, pos: Pos) -> ScalarValue:
    if tag in ("!", _CORE + "str"):
        return text
    value = resolve_plain(text)
    expected = {
        _CORE + "int": int,
        _CORE + "float": float,
        _CORE + "bool": bool,
        _CORE + "null": type(None),
    }[tag]
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if type(value) is not expected:
        raise YamlError(Problem(WRONG_TYPE.id, pos, f"'{text}' is not a valid {tag[len(_CORE) :]}"))
    return value


def scalar_node(event: yaml.ScalarEvent, pos: Pos) -> Scalar:
    tag = event.tag
    if tag is not None and tag not in _SAFE_TAGS:
        raise YamlError(_tag_problem(tag, pos))
    if tag is not None:
        return Scalar(_resolve_tagged(tag, event.value, pos), pos, event.value)
    plain = not event.style  # quoted and block scalars are always strings
    value = resolve_plain(event.value) if plain else event.value
    return Scalar(value, pos, event.value)


def _tag_problem(tag: str, pos: Pos) -> Problem:
    shown = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
    return Problem(
        YAML_TAG.id,
        pos,
        f"the YAML tag '{shown}' is not allowed",
        "archatlas reads plain data only: remove the tag",
    )


# --- the composer ------------------------------------------------------------


@dataclass(slots=True)
class _Open:
    """A mapping or sequence being filled, with its expanded size so far."""

    pos: Pos
    anchor: str | None
    is_mapping: bool
    items: list[Node] = field(default_factory=list)
    size: int = 1


def event_pos(event: yaml.Event) -> Pos:
    mark = event.start_mark
    return Pos(mark.line + 1, mark.column + 1) if mark else Pos(1, 1)


class Composer:
    """Builds one document's tree from events, checking limits as it goes."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Node, int]] = {}
        self.root: tuple[Node, int] | None = None
        self.problems: list[Problem] = []
        self.aliased = False

    def add(self, node: Node, size: int, anchor: str | None) -> None:
        if anchor is not None:
            self.anchors[anchor] = (node, size)
        if not self.stack:
            self.root = (node, size)
            return
        parent = self.stack[-1]
        parent.items.append(node)
        parent.size += size
        if parent.size > self.limits.max_nodes:
            raise YamlError(self._too_many(parent.pos))

    def _too_many(self, pos: Pos) -> Problem:
        limit = f"{self.limits.max_nodes:,}"
        if self.aliased:
            return Problem(
                ALIAS_EXPANSION.id,
                pos,
                f"this document expands to more than {limit} values",
                "aliases (*name) that repeat large anchors multiply the document's size",
            )
        return Problem(
            FILE_TOO_LARGE.id,
            pos,
            f"this document holds more than {limit} values",
            "split it into several documents or files",
        )

    def scalar(self, event: yaml.ScalarEvent) -> None:
        """`add` for a scalar, written out: most events of a file are plain scalars."""
        mark = event.start_mark
        pos = Pos(mark.line + 1, mark.column + 1) if mark else Pos(1, 1)
        stack = self.stack
        if event.tag is not None or event.anchor is not None or not stack:
            self.add(scalar_node(event, pos), 1, event.anchor)
            return
        value = event.value
        parent = stack[-1]
        parent.items.append(Scalar(value if event.style else resolve_plain(value), pos, value))
        parent.size += 1
        if parent.size > self.limits.max_nodes:
            raise YamlError(self._too_many(parent.pos))

    def open(self, event: yaml.CollectionStartEvent, is_mapping: bool) -> None:
        pos = event_pos(event)
        if event.tag not in _COLLECTION_TAGS:
            raise YamlError(_tag_problem(str(event.tag), pos))
        if len(self.stack) >= self.limits.max_depth:
            raise YamlError(
                Problem(
                    TOO_DEEP.id,
                    pos,
                    f"values are nested more than {self.limits.max_depth} levels deep",
                    "flatten the structure; no field of the format nests this deep",
                )
            )
        self.stack.append(_Open(pos, event.anchor, is_mapping))

    def close(self) -> None:
        done = self.stack.pop()
        node: Node
        if done.is_mapping:
            node = Mapping(self._entries(done, root=not self.stack), done.pos)
        else:
            node = Sequence(tuple(done.items), done.pos)
        self.add(node, done.size, done.anchor)

    def _entries(self, done: _Open, root: bool) -> tuple[tuple[Scalar, Node], ...]:
        entries: list[tuple[Scalar, Node]] = []
        seen: dict[str, Scalar] = {}
        twice: list[tuple[Scalar, Scalar]] = []
        for key, value in zip(done.items[0::2], done.items[1::2], strict=True):
            if not isinstance(key, Scalar):
                raise YamlError(
                    Problem(
                        WRONG_TYPE.id, key.pos, "a key must be plain text, not a list or mapping"
                    )
                )
            first = seen.get(key.text)
            if first is not None:
                twice.append((key, first))
                continue
            seen[key.text] = key
            entries.append((key, value))
        if twice:
            self.problems.append(_duplicates(twice, root))
        return tuple(entries)

    def alias(self, event: yaml.AliasEvent) -> None:
        target = self.anchors.get(str(event.anchor))
        if target is None:  # libyaml reports undefined aliases itself
            raise YamlError(
                Problem(YAML_SYNTAX.id, event_pos(event), f"unknown alias '*{event.anchor}'")
            )
        self.aliased = True
        self.add(target[0], target[1], None)


def _duplicates(twice: list[tuple[Scalar, Scalar]], root: bool) -> Problem:
    """One finding for the keys given twice in one mapping: several at once are
    most often two mappings run together, one mistake."""
    kinds = [pair for pair in twice if pair[0].text == "kind"]
    if root and kinds:
        second, first = kinds[0]
        return Problem(
            DUPLICATE_KEY.id,
            second.pos,
            f"a second 'kind' in this document (the first is at line {first.pos.line}): "
            "it describes two elements",
            "start each element after a line '---'",
        )
    second, first = twice[0]
    others = [f"'{key.text}'" for key, _ in twice[1:]]
    also = ""
    if others:
        shown = ", ".join(others[:-1]) + " and " + others[-1] if len(others) > 1 else others[0]
        also = f", and so {'are' if len(others) > 1 else 'is'} {shown}"
    hint = "keep one of them: YAML does not allow the same key twice"
    if others:
        hint = "if two items of a list ran together, start the second with '- '; else " + hint
    return Problem(
        DUPLICATE_KEY.id,
        second.pos,
        f"'{second.text}' is given twice in this mapping (first at line {first.pos.line}){also}",
        hint,
    )
