"""The documents of a YAML file, one at a time: each read whole or left out.

The composer (yamltree) builds one document's tree from libyaml's events;
this module drives it over a file. A problem in a document leaves that
document out; a syntax error too, and reading starts again at the next line
'---' after it, so that the file's other documents are read, with the
positions of the whole file. Each document left out is given back as its
text, whose ids may exist (see possible.py).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass

import yaml

from .load_rules import NOT_TEXT, TOO_DEEP, YAML_SYNTAX
from .yaml_hints import syntax_hint
from .yamltree import (
    Composer,
    Limits,
    ParsedDocument,
    Pos,
    Problem,
    YamlError,
    event_pos,
    scalar_node,
)

try:  # libyaml is much faster; the pure-Python parser gives the same events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class UnreadText:
    """The text of a document that could not be read, or not whole (a problem in
    it): lines from `first` on (1-based).

    What it describes is lost, yet its text still tells which ids it may
    hold: rules stay quiet about those, so that one mistake gives one finding."""

    index: int
    first: int
    text: str


# A line that starts a document: libyaml ends any value at such a line.
_DOCUMENT_START = re.compile(r"---(?=[ \t\r\n\x85\u2028\u2029]|$)")
# The line breaks libyaml counts: positions of later documents must agree.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def parse_documents(text: str, limits: Limits) -> Iterator[ParsedDocument | Problem | UnreadText]:
    """Yield each document of `text`, or the problems found in it.

    A problem inside a document (a tag, a limit) skips that document only.
    A syntax error skips the document it stands in: reading starts again at
    the next line '---' after it, with the positions of the whole file.
    """
    lines: list[str] | None = None
    first, index = 0, 0  # 0-based line the reading starts at; documents so far
    while True:
        source = text if first == 0 else "\n" * first + "".join(lines[first:])  # type: ignore[index]
        stopped = yield from _parse_from(source, limits, first, index)
        if stopped is None:
            return
        error_line, index, region = stopped
        if lines is None:
            lines = _split_lines(text)
        restart = next(
            (
                number
                for number in range(max(error_line, first + 1), len(lines))
                if _DOCUMENT_START.match(lines[number])
            ),
            len(lines),
        )
        yield UnreadText(index, region + 1, "".join(lines[region:restart]))
        if restart >= len(lines):
            return
        first, index = restart, index + 1


def _split_lines(text: str) -> list[str]:
    """The lines of `text` with their breaks, as libyaml counts them."""
    lines, start = [], 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def _parse_from(
    text: str, limits: Limits, first: int, index: int
) -> Generator[ParsedDocument | Problem | UnreadText, None, tuple[int, int, int] | None]:
    """Yield the documents of `text`; on a syntax error, return its 0-based line,
    the index of the document it stands in and the line that document starts at.

    A document that ends without '...' is held until the next one starts: a
    syntax error before that (a first key indented, then the next one not)
    is in that same document, which is then not read.
    """
    composer = Composer(limits)
    failed: Problem | None = None
    region = first  # where the current document's text starts
    held: tuple[int, list[ParsedDocument | Problem | UnreadText]] | None = None
    parser = _Loader(text)
    next_event = parser.get_event  # called directly: a generator costs more
    try:
        while True:
            event = next_event()
            if isinstance(event, yaml.ScalarEvent):  # most events
                if failed is None:
                    try:
                        composer.scalar(event)
                    except YamlError as error:
                        failed = error.problem
            elif event is None or isinstance(event, yaml.StreamEndEvent):
                break
            elif isinstance(event, yaml.DocumentStartEvent):
                composer, failed = Composer(limits), None
                if held is not None:
                    yield from held[1]
                    held = None
            elif isinstance(event, yaml.DocumentEndEvent):
                end = event.end_mark.line if event.end_mark else region
                # A document with a problem is left out, as one with schema errors.
                items: list[ParsedDocument | Problem | UnreadText] = [*composer.problems]
                if failed is not None:
                    items.append(failed)
                if failed is not None or composer.problems:
                    items.append(UnreadText(index, region + 1, _lines(text, region, end + 1)))
                else:
                    root = composer.root
                    items.append(
                        ParsedDocument(index, root[0] if root else None, root[1] if root else 0)
                    )
                if getattr(event, "explicit", False):
                    yield from items
                else:
                    held = (region, items)
                index += 1
                region = end
            elif failed is None:
                try:
                    _feed(composer, event)
                except YamlError as error:
                    failed = error.problem
        if held is not None:
            yield from held[1]
    except yaml.MarkedYAMLError as error:
        problem = _syntax_problem(error, text)
        if held is not None:  # the error is in the document held
            yield problem
            return (problem.pos.line - 1, index - 1, held[0])
        yield from composer.problems
        if failed is not None:
            yield failed
        if failed is None or failed.rule != problem.rule:
            yield problem
        return (problem.pos.line - 1, index, region)
    except yaml.reader.ReaderError as error:
        if held is not None:
            yield from held[1]
        yield from composer.problems
        yield _reader_problem(error, text)
        yield UnreadText(index, region + 1, _lines(text, region, None))
    finally:
        parser.dispose()
    return None


def _lines(text: str, start: int, stop: int | None) -> str:
    return "".join(_split_lines(text)[start:stop])


def _feed(composer: Composer, event: yaml.Event) -> None:
    if isinstance(event, yaml.ScalarEvent):
        composer.add(scalar_node(event, event_pos(event)), 1, event.anchor)
    elif isinstance(event, yaml.MappingStartEvent):
        composer.open(event, is_mapping=True)
    elif isinstance(event, yaml.SequenceStartEvent):
        composer.open(event, is_mapping=False)
    elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
        composer.close()
    elif isinstance(event, yaml.AliasEvent):
        composer.alias(event)


def _reader_problem(error: yaml.reader.ReaderError, text: str) -> Problem:
    """A character YAML does not allow in a document (a control character)."""
    offset = min(max(error.position, 0), len(text))
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    character = error.character  # libyaml gives the code point, PyYAML the character
    code = ord(character) if isinstance(character, str) else int(character)
    return Problem(
        NOT_TEXT.id,
        Pos(line, col),
        f"the file holds the control character U+{code:04X}, which YAML does not allow",
        "remove it; to write it in a value, quote the value and use an escape such as \\t",
    )


def _syntax_problem(error: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    if "could not find expected ':'" in str(error.problem) and error.context_mark:
        mark = error.context_mark  # where the line without a colon starts
    pos = Pos(mark.line + 1, mark.column + 1) if mark else Pos(1, 1)
    message = " ".join(part for part in (error.context, error.problem) if part)
    if "nesting depth" in message:  # libyaml's own limit, deeper than ours
        return Problem(
            TOO_DEEP.id,
            pos,
            "values are nested too deep for YAML to read",
            "flatten the structure; no field of the format nests this deep",
        )
    return Problem(YAML_SYNTAX.id, pos, message or "invalid YAML", syntax_hint(message, text, pos))
