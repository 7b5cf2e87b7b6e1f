"""Where a Markdown page writes `[text](arch:ID)` and `![alt](arch:view/KEY)`.

One scanner decides which references are live, with Markdown's own block
rules: nothing in fenced or indented code, in a code span or in a raw HTML
block (a generated page's descriptions are such blocks) is a reference,
unless the block asks for Markdown inside (`markdown="1"`, md_in_html).
`archatlas render --out` rewrites what it finds; the MkDocs plugin, which
resolves references once Markdown has made them HTML, uses it to say where
an unknown one is written. Tests hold the two to the same answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

REFERENCE = re.compile(
    r"(?P<image>!?)\[(?P<text>(?:\\.|[^\]\\\n])*)\]"
    r"\(arch:(?P<target>[^)\s]*)(?P<title>\s+\"(?:[^\"\\]|\\.)*\")?\)"
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])\s")
# Python-Markdown's block-level tags: a line opening one starts a raw HTML block.
_HTML_BLOCK = re.compile(
    r"^<(?P<tag>address|article|aside|blockquote|details|div|dl|fieldset|figure|footer|form"
    r"|h[1-6]|header|hr|main|nav|ol|p|pre|section|table|ul)\b",
    re.IGNORECASE,
)

# With md_in_html (Material sites enable it), such a block holds Markdown.
_MARKDOWN_INSIDE = re.compile(r'\bmarkdown="(?:1|block|span)"')


@dataclass(frozen=True, slots=True)
class Reference:
    line: int  # 1-based
    start: int  # 0-based column of '!' or '['
    end: int
    image: bool
    text: str  # as written: Markdown-escaped
    target: str  # after 'arch:'
    title: str  # ' "title"' as written, or ""


def find_references(source: str) -> Iterator[Reference]:
    """The live references of a page, in reading order."""
    for number, line in enumerate(prose_lines(source), start=1):
        if line is not None and "arch:" in line:
            masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
            for found in REFERENCE.finditer(masked):
                match = REFERENCE.fullmatch(line, found.start(), found.end())
                assert match is not None  # masking only blanks code spans
                yield Reference(
                    number,
                    found.start(),
                    found.end(),
                    bool(match.group("image")),
                    match.group("text"),
                    match.group("target"),
                    match.group("title") or "",
                )


def view_references(source: str) -> set[str]:
    """The view keys that a page embeds."""
    return {
        reference.target.removeprefix("view/")
        for reference in find_references(source)
        if reference.image and reference.target.startswith("view/")
    }


def prose_lines(source: str) -> list[str | None]:
    """The page's lines, with None for each line that is code or raw HTML."""
    shown: list[str | None] = []
    fence: str | None = None
    html_tag: str | None = None
    depth = 0
    after_blank = True
    in_list = False
    for line in source.split("\n"):
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                fence = None
            shown.append(None)
        elif html_tag is not None:
            depth += _opens(line, html_tag) - _closes(line, html_tag)
            if depth <= 0:
                html_tag = None
            shown.append(None)
        elif opening := _FENCE.match(line):
            fence = opening.group(1)
            shown.append(None)
        elif (
            after_blank and (block := _HTML_BLOCK.match(line)) and not _MARKDOWN_INSIDE.search(line)
        ):
            html_tag = block.group("tag").lower()
            depth = _opens(line, html_tag) - _closes(line, html_tag)
            if depth <= 0:
                html_tag = None
            shown.append(None)
        elif after_blank and stripped and _indent(line) >= (8 if in_list else 4):
            shown.append(None)  # an indented code block
            continue  # the code block goes on past blank lines
        else:
            if _LIST_ITEM.match(line):
                in_list = True
            elif stripped and _indent(line) == 0:
                in_list = False
            shown.append(line)
        after_blank = not stripped
    return shown


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def _opens(line: str, tag: str) -> int:
    return len(re.findall(rf"<{tag}\b", line, re.IGNORECASE))


def _closes(line: str, tag: str) -> int:
    return len(re.findall(rf"</{tag}\s*>", line, re.IGNORECASE))
