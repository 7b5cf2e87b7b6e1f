"""Putting user text into Markdown safely.

Names, tags and titles are plain text: every character that Markdown or
HTML would read as syntax is escaped. Descriptions are Markdown: they keep
their formatting, but raw HTML and attribute lists are escaped outside code
(unless the site allows HTML) and links with a script scheme are dropped.
"""

from __future__ import annotations

import html
import re

from .urls import is_safe_url

# '<', '>' and '&' are left to html.escape: a backslash before an entity
# would stay visible.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~])")
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})", re.MULTILINE)
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.DOTALL)
_LINK_TARGET = re.compile(r"(\]\(\s*<?)([^)\s>]*)")
_REFERENCE = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*<?)(\S+?)(>?)(?=\s|$)", re.MULTILINE)
REMOVED_LINK = "#link-removed"


def text(value: object) -> str:
    """Plain text for a Markdown paragraph or table cell."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")
    return html.escape(escaped, quote=False)


def code(value: object) -> str:
    """A code span: Markdown and HTML stay literal inside it."""
    content = str(value).replace("\n", " ")
    fence = "``" if "`" in content else "`"
    return f"{fence} {content} {fence}" if fence == "``" else f"`{content}`"


def plain(escaped: str) -> str:
    """The text that `text()` escaped, for an HTML attribute."""
    return html.unescape(_ESCAPED.sub(r"\1", escaped))


def safe_url(url: str) -> str:
    return url if is_safe_url(url) else REMOVED_LINK


_NOT_IN_LINK_TARGET = re.compile(r"[\s<>()\\]")


def link_target(url: str) -> str:
    """A safe URL as a Markdown link target: characters that would end it are %-encoded."""
    return _NOT_IN_LINK_TARGET.sub(lambda m: f"%{ord(m.group(0)):02X}", safe_url(url))


def description(value: str, allow_html: bool = False) -> str:
    """A Markdown description, made safe for the published site."""
    return "".join(
        part if is_code else _safe_prose(part, allow_html) for part, is_code in _split_code(value)
    )


def _safe_prose(prose: str, allow_html: bool) -> str:
    if not allow_html:
        # '<' opens raw HTML and '{:' an attribute list (event handlers).
        prose = prose.replace("<", "&lt;").replace("{", "&#123;")
    prose = _LINK_TARGET.sub(lambda m: m.group(1) + safe_url(m.group(2)), prose)
    return _REFERENCE.sub(lambda m: m.group(1) + safe_url(m.group(2)) + m.group(3), prose)


def _split_code(value: str) -> list[tuple[str, bool]]:
    """The text cut into (part, is_code): fenced blocks and code spans are code."""
    parts: list[tuple[str, bool]] = []
    position = 0
    while position < len(value):
        opening = _FENCE.search(value, position)
        if opening is None:
            parts.extend(_split_spans(value[position:]))
            break
        parts.extend(_split_spans(value[position : opening.start()]))
        fence = opening.group("fence")
        closing = re.compile(
            rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", re.MULTILINE
        ).search(value, opening.end())
        end = closing.end() if closing else len(value)
        parts.append((value[opening.start() : end], True))
        position = end
    return parts


def _split_spans(prose: str) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    position = 0
    for span in _CODE_SPAN.finditer(prose):
        parts.append((prose[position : span.start()], False))
        parts.append((span.group(0), True))
        position = span.end()
    parts.append((prose[position:], False))
    return parts
