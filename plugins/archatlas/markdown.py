"""Putting user text into pages safely.

Names, tags and titles are plain text: control characters become spaces and
every character that Markdown or HTML would read as syntax is escaped.
Descriptions are Markdown: they are rendered here, on their own, and the
HTML is then cut down to a short list of harmless elements and attributes,
with links whose scheme could run script removed. Deciding after rendering
leaves no room for the parser and the filter to disagree about what is code
or a link. With `allow_html` the site owner trusts the input: raw HTML stays,
script links still go.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from .urls import is_safe_url

# '<', '>' and '&' are left to html.escape: a backslash before an entity
# would stay visible.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_BACKTICKS = re.compile(r"`+")
REMOVED_LINK = "#link-removed"


def one_line(value: object) -> str:
    """The text on one line: line breaks and other control characters become spaces."""
    return _CONTROL.sub(" ", str(value))


def text(value: object) -> str:
    """Plain text for a Markdown paragraph or table cell."""
    escaped = html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", one_line(value)), quote=False)
    # Brackets as entities: Python-Markdown reads "[a\]: b" at the start of a
    # line as a link reference definition despite the backslash.
    return escaped.replace("\\[", "&#91;").replace("\\]", "&#93;")


def code(value: object) -> str:
    """A code span: Markdown and HTML stay literal inside it.

    The fence is one backtick longer than the longest run inside, so no
    backtick in the value can close the span early.
    """
    content = one_line(value)
    if not content.strip():
        return ""  # an empty code span would show its backticks
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {content} {fence}" if longest else f"{fence}{content}{fence}"


def plain(escaped: str) -> str:
    """The text that `text()` escaped, for an HTML attribute."""
    return html.unescape(_ESCAPED.sub(r"\1", escaped))


def safe_url(url: str) -> str:
    return url if is_safe_url(url) else REMOVED_LINK


_NOT_IN_LINK_TARGET = re.compile(r"[\s<>()\\]")


def link_target(url: str) -> str:
    """A safe URL as a Markdown link target: characters that would end it are %-encoded."""
    return _NOT_IN_LINK_TARGET.sub(lambda m: f"%{ord(m.group(0)):02X}", safe_url(url))


# --- descriptions ---------------------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    {"p", "br", "hr", "em", "strong", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li"}
    | {"a", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
    | {"del", "sup", "sub", "span"}
)
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
    "code": frozenset({"class"}),
}
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template"})
# HTML's void elements have no end tag and no content: `<embed src=x>` must
# not swallow the text after it while waiting for an `</embed>` that never comes.
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "background"})


def description(value: str, allow_html: bool = False) -> str:
    """A Markdown description as safe HTML, in a block the page leaves alone."""
    import markdown as python_markdown  # only pages need it: `archatlas check` does not

    renderer = python_markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    rendered = renderer.convert(value)
    try:
        body = _Filter(allow_html).run(rendered)
    except AssertionError:
        # html.parser gives up on some malformed declarations ("<![junk"):
        # such a description is shown as the text it is.
        body = f"<p>{html.escape(one_line(value), quote=False)}</p>"
    return f'<div class="archatlas-description" markdown="0">\n{body}\n</div>'


class _Filter(HTMLParser):
    """Re-writes HTML keeping only allowed elements and attributes (or, when HTML
    is allowed, every element but script links), with all text escaped again."""

    def __init__(self, allow_html: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.allow_html = allow_html
        self.out: list[str] = []
        self.dropping = 0  # depth inside an element dropped with its content

    def run(self, markup: str) -> str:
        self.feed(markup)
        self.close()
        return "".join(self.out).strip()

    def _keeps(self, tag: str) -> bool:
        return self.allow_html or tag in ALLOWED_TAGS

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        kept = []
        allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            if name.startswith("on") or not (self.allow_html or name in allowed):
                continue
            if name in URL_ATTRIBUTES and not is_safe_url(value or ""):
                value = REMOVED_LINK
            kept.append(f' {name}="{html.escape(value or "", quote=True)}"')
        return "".join(kept)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            self.handle_startendtag(tag, attrs)
        elif tag in DROPPED_WITH_CONTENT:
            self.dropping += 1
        elif not self.dropping and self._keeps(tag):
            self.out.append(f"<{tag}{self._attributes(tag, attrs)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.dropping and self._keeps(tag) and tag not in DROPPED_WITH_CONTENT:
            self.out.append(f"<{tag}{self._attributes(tag, attrs)}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return  # a stray `</br>` or `</embed>` ends nothing
        if tag in DROPPED_WITH_CONTENT:
            self.dropping = max(0, self.dropping - 1)
        elif not self.dropping and self._keeps(tag):
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))
