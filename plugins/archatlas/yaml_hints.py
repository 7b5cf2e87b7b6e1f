"""What to do about a YAML syntax error, in the words of a YAML author.

The parser says what it expected ("did not find expected key"); the author
wants to know which line to look at and what to change. Nearly every syntax
error in an architecture file is a line indented one step too far or too
little, a value that needs quotes, or an unclosed bracket or quote.
"""

from __future__ import annotations

from typing import Protocol

INDENTATION = (
    "check the indentation of this line and the one before: "
    "the keys of one mapping start in the same column"
)
LIST_ITEM = (
    "check the indentation of this line and the one before: the fields of a list item "
    "start in the column of the first one, after its '- '"
)
TEXT_LINE = (
    "check the indentation of this line and the one before: each line is 'key: value', "
    "and the lines of a long text stand indented under their key "
    "(e.g. under 'description: |')"
)
COLON_IN_VALUE = "a value that holds ': ' must be in quotes, e.g. \"see: the runbook\""
TOP_LEVEL = (
    "check the indentation of this line and the one before: the fields of an element "
    "start in column 1, and each element after the first starts after a line '---'"
)
FLOW = "close the list with ']' (or the mapping with '}') and separate its items with ','"
QUOTE = "close the quote: a quoted value ends with the same quote it starts with"
RESERVED_START = (
    "a value that starts with '`', '@' or '%' must be in quotes; "
    "if this line continues a text, indent it like the lines above"
)
ANCHOR = "'&' and '*' start an anchor or an alias: put a value that starts with them in quotes"
LIST_AFTER_KEY = (
    "a list after a key starts on the next line, indented ('  - item'), "
    "or stands in brackets ('[a, b]')"
)
TABS = "YAML indents with spaces, never tabs"
GENERIC = (
    "check the indentation of this line and the one before, and that every quote "
    "and bracket is closed"
)


class _Position(Protocol):
    @property
    def line(self) -> int: ...  # 1-based

    @property
    def col(self) -> int: ...  # 1-based


def syntax_hint(message: str, text: str, pos: _Position) -> str:
    """The hint for the parser's `message`, reported at `pos` in `text`."""
    line = _line(text, pos.line)
    said = message.lower()
    if "\t" in line[: pos.col] or "tab" in said:
        return TABS
    if "mapping values are not allowed" in said:
        # A colon after a key on the same line: the value holds ': '.
        return COLON_IN_VALUE if ": " in line[: pos.col - 1] else INDENTATION
    if "could not find expected ':'" in said:
        return TEXT_LINE
    if "<document start>" in said:
        return TOP_LEVEL
    if "expected ',' or ']'" in said or "expected ',' or '}'" in said:
        return FLOW
    if "quoted scalar" in said:
        return QUOTE
    if "cannot start any token" in said:
        return RESERVED_START
    if "anchor" in said or "alias" in said:
        return ANCHOR
    if "sequence entries are not allowed" in said:
        return LIST_AFTER_KEY
    if "'-' indicator" in said or "block collection" in said:
        return LIST_ITEM
    if "expected key" in said or "<block end>" in said or "block mapping" in said:
        return INDENTATION
    return GENERIC


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""
