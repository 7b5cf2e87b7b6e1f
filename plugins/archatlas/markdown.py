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

import functools
import html
import re
import threading
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
    try:
        body = _Filter(allow_html).run(_rendered(value))
    except AssertionError:
        # html.parser gives up on some malformed declarations ("<![junk"):
        # such a description is shown as the text it is.
        body = f"<p>{html.escape(one_line(value), quote=False)}</p>"
    return f'<div class="archatlas-description" markdown="0">\n{body}\n</div>'


@functools.lru_cache(maxsize=8192)
def _rendered(value: str) -> str:
    """Python-Markdown's HTML for a description. A description is shown on
    its page and summed up in catalogues, and setting up a converter costs
    more than converting: one converter per thread is reset and reused."""
    renderer = getattr(_CONVERTERS, "markdown", None)
    if renderer is None:
        import markdown as python_markdown  # only pages need it: `archatlas check` does not

        renderer = python_markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
        _CONVERTERS.markdown = renderer
    try:
        return renderer.convert(value)
    finally:
        renderer.reset()


_CONVERTERS = threading.local()


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


# --- summaries --------------------------------------------------------------------------

# The inline elements a summary keeps: bold, italics, code and links.
INLINE_TAGS = frozenset({"strong", "em", "b", "i", "code", "a", "del", "sup", "sub"})
BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "table", "tr"}
    | {"td", "th", "ul", "ol", "hr", "div"}
)
PARAGRAPH_LIMIT = 160  # characters: a longer first paragraph is cut after its first sentence
SENTENCE_LIMIT = 200  # characters: a longer first sentence is cut at a word, with an ellipsis
ELLIPSIS = "…"
# A sentence ends at '.', '!' or '?' followed by a space and a capital or digit
# ("e.g. a" goes on; "v2. Next" ends).
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z0-9])")
# Characters a table cell's Markdown would read as syntax, as entities the
# browser shows as themselves.
_SPACES = re.compile(r"\s+")
_INLINE_SPECIAL = re.compile(r"[\\`*_{}\[\]|~]")


def summary(value: str) -> str:
    """A description's first sentence or paragraph as inline HTML for a table cell.

    Bold, italics, code and links stay; everything else becomes its text. An
    ellipsis marks what is left out. The result holds no Markdown syntax and
    no '|', so it is safe in a Markdown table.
    """
    try:
        safe = _Filter(allow_html=False).run(_rendered(value))
        blocks = _Blocks().run(safe)
    except AssertionError:  # see description(): malformed declarations
        blocks = [[("text", one_line(value))]]
    if not blocks:
        return ""
    tokens, more = blocks[0], len(blocks) > 1
    plain = "".join(token[1] for token in tokens if token[0] == "text")
    cut = _cut_at(plain, tokens)
    shown = _inline(tokens, cut)
    whole = cut >= len(plain.rstrip())
    if whole and not more:
        return shown
    # After a sentence or a block the ellipsis stands apart; after a word, it joins it.
    return shown + (" " + ELLIPSIS if whole or plain[:cut].rstrip()[-1:] in ".!?" else ELLIPSIS)


def _cut_at(plain: str, tokens: list[tuple[str, str]]) -> int:
    """Where the shown text ends: the paragraph, its first sentence, or a word."""
    if len(plain) <= PARAGRAPH_LIMIT:
        return len(plain)
    in_code = _code_ranges(tokens)
    for match in _SENTENCE_END.finditer(plain):
        if not any(start <= match.start() < end for start, end in in_code):
            if match.end() <= SENTENCE_LIMIT:
                return match.end()
            break
    if len(plain) <= SENTENCE_LIMIT:
        return len(plain)  # one sentence, a little long: cutting it would save little
    space = plain.rfind(" ", 0, PARAGRAPH_LIMIT)
    return space if space > 0 else PARAGRAPH_LIMIT


def _code_ranges(tokens: list[tuple[str, str]]) -> list[tuple[int, int]]:
    ranges, position, start = [], 0, None
    for kind, content in tokens:
        if kind == "open" and content.startswith("<code"):
            start = position
        elif kind == "close" and content == "</code>" and start is not None:
            ranges.append((start, position))
            start = None
        elif kind == "text":
            position += len(content)
    return ranges


def _inline(tokens: list[tuple[str, str]], cut: int) -> str:
    """The tokens up to `cut` characters of text, with every open element closed."""
    out: list[str] = []
    open_tags: list[str] = []
    position = 0
    for kind, content in tokens:
        if kind == "text":
            shown = content[: max(0, cut - position)]
            position += len(content)
            escaped = html.escape(shown, quote=False)
            out.append(_INLINE_SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", escaped))
            if position >= cut:
                break
        elif kind == "open":
            out.append(content)
            open_tags.append(content[1:].split(" ", 1)[0].rstrip(">"))
        elif open_tags:
            open_tags.pop()
            out.append(content)
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out).strip()


class _Blocks(HTMLParser):
    """Safe HTML read as blocks of inline tokens: ("text", text), ("open", "<a href=..>"),
    ("close", "</a>"). Only the inline elements a summary keeps are tokens."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[tuple[str, str]]] = []
        self.current: list[tuple[str, str]] = []

    def run(self, markup: str) -> list[list[tuple[str, str]]]:
        self.feed(markup)
        self.close()
        self._end_block()
        return self.blocks

    def _end_block(self) -> None:
        if any(kind == "text" and content.strip() for kind, content in self.current):
            self.blocks.append(self.current)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self._end_block()
        elif tag == "br":
            self.handle_data(" ")
        elif tag in INLINE_TAGS:
            kept = "".join(
                f' {name}="{_attribute(value or "")}"'
                for name, value in attrs
                if (tag, name) in (("a", "href"), ("a", "title"))
            )
            self.current.append(("open", f"<{tag}{kept}>"))

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._end_block()
        elif tag in INLINE_TAGS:
            self.current.append(("close", f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.current.append(("text", _SPACES.sub(" ", data)))


def _attribute(value: str) -> str:
    """An attribute value that neither HTML nor a Markdown table can misread."""
    return html.escape(value, quote=True).replace("|", "%7C")
