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

from .findings import Location

# `[text](arch:ID)`, `[text](<arch:ID>)` and `![alt](arch:view/KEY)`, with or
# without a title in double or single quotes (Python-Markdown reads no other).
REFERENCE = re.compile(
    r"(?P<image>!?)\[(?P<text>(?:\\.|[^\]\\\n])*)\]"
    r"\((?P<open><)?arch:(?P<target>[^)\s>]*)(?(open)>)"
    r"(?P<title>\s+(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'))?\)"
)
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")
# Lines whose content goes on indented by four: a list item, an admonition,
# collapsible details, a content tab.
_CONTAINER = re.compile(r"^(?:[-*+]|\d+[.)]|!!!|\?\?\?\+?|===[+!]*)(?:\s|$)")
# Python-Markdown's block-level tags: a line opening one, indented by three
# spaces at most, starts a raw HTML block.
_BLOCK_TAGS = (
    "address|article|aside|blockquote|body|canvas|center|colgroup|dd|details|div|dl|dt"
    "|fieldset|figcaption|figure|footer|form|group|h[1-6]|header|hgroup|hr|html|iframe"
    "|legend|li|main|map|math|menu|nav|noscript|object|ol|option|output|p|pre|progress"
    "|script|section|style|summary|table|tbody|td|textarea|tfoot|th|thead|tr|ul|video"
)
_HTML_BLOCK = re.compile(rf"^ {{0,3}}<(?P<tag>{_BLOCK_TAGS})(?=[\s/>]|$)", re.IGNORECASE)
_VOID_TAGS = frozenset({"hr"})
# With md_in_html (Material sites enable it), such a block holds Markdown.
_MARKDOWN_INSIDE = re.compile(
    r"\smarkdown(?:\s*=\s*(?:\"(?:1|block|span)\"|'(?:1|block|span)'|1|block|span))?(?=[\s/>])"
)


@dataclass(frozen=True, slots=True)
class Reference:
    line: int  # 1-based
    start: int  # 0-based column of '!' or '['
    end: int
    image: bool
    text: str  # as written: Markdown-escaped
    target: str  # after 'arch:'
    title: str  # ' "title"' as written, or ""

    def at(self, path: str) -> Location:
        """Where the reference is written, for a finding about it."""
        return Location(path, self.line, self.start + 1)


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
    fence: str | None = None  # the fence of the open code block
    html_tag: str | None = None  # the tag of the open raw HTML block, and its depth
    depth = 0
    containers: list[int] = []  # content indents of the open lists, admonitions, tabs
    after_blank = True
    in_code = False  # inside an indented code block
    for line in source.split("\n"):
        stripped = line.strip()
        indent = _indent(line)
        if after_blank and stripped:
            while containers and indent < containers[-1]:
                containers.pop()
        base = containers[-1] if containers else 0
        indented_code = bool(stripped) and (after_blank or in_code) and indent >= base + 4
        if fence is not None:
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                fence = None
            shown.append(None)
        elif html_tag is not None:
            depth += _opens(line, html_tag) - _closes(line, html_tag)
            html_tag = html_tag if depth > 0 else None
            shown.append(None)
        elif not stripped:
            shown.append(line)
        elif indented_code:
            shown.append(None)
        elif opening := _FENCE.match(stripped):
            fence = opening.group(1)
            shown.append(None)
        elif (block := _HTML_BLOCK.match(line)) and not _MARKDOWN_INSIDE.search(line):
            tag = block.group("tag").lower()
            depth = _opens(line, tag) - _closes(line, tag)
            html_tag = tag if depth > 0 and tag not in _VOID_TAGS else None
            shown.append(None)
        else:
            if _CONTAINER.match(stripped):
                containers.append(indent + 4)
            shown.append(line)
        if stripped:  # an indented code block goes on past blank lines
            in_code = indented_code and fence is None and html_tag is None
        after_blank = not stripped
    return shown


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def _opens(line: str, tag: str) -> int:
    return len(re.findall(rf"<{tag}\b", line, re.IGNORECASE))


def _closes(line: str, tag: str) -> int:
    return len(re.findall(rf"</{tag}\s*>", line, re.IGNORECASE))
