"""Coverage-guided fuzzing of the escaping of user text, in pages and in diagrams.

The first byte of an input picks the field, the rest is the text (UTF-8,
undecodable bytes replaced; NUL kept):

    0 name   1 description   2 tag   3 link title   4 link URL   5 relation protocol

Pages: the text goes through archatlas.markdown (text, code, description,
link_target) into the Markdown contexts the templates use (heading, table
cell, link list, tag line, image alt, description block), is rendered by
Python-Markdown with the extensions of the project's mkdocs.yml, and the HTML
is parsed with html.parser. A crash is: a script-capable element, an on*
or style attribute, an href/src whose scheme is not http(s)/mailto/relative
(after the browser drops tabs and newlines), a snippet include reaching a
file, or user text leaving its place (a second heading, a broken table row,
a second link).

Diagrams: names, captions and relation labels go through
archatlas.render.dot_source; the DOT is tokenised here and every label must
be one quoted string that decodes back to the text. One input in
DOT_SAMPLE (when the text is one Graphviz can draw) is also drawn by `dot`,
and its SVG must hold no script element or on* attribute.

    .venv/bin/python fuzz/fuzz_render.py fuzz/corpus/render -atheris_runs=200000

KNOWN: set ARCHATLAS_FUZZ_KNOWN=skip to ignore the bugs already pinned in
tests/test_hostile.py (see KNOWN_BUGS), so that a campaign can find new ones.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import atheris

# The markdown_extensions of the project's mkdocs.yml.
EXTENSIONS = [
    "admonition",
    "attr_list",
    "tables",
    "toc",
    "md_in_html",
    "pymdownx.superfences",
    "pymdownx.details",
    "def_list",
    "pymdownx.snippets",
]

# Coverage of archatlas' escaping and of the parsers it must agree with
# (Python-Markdown and its extensions, graphviz' quoting) guides the fuzzer.
with atheris.instrument_imports(
    include=["archatlas.markdown", "archatlas.urls", "markdown", "pymdownx", "graphviz.quoting"]
):
    import markdown as python_markdown

    for _extension in EXTENSIONS:  # imported here to be instrumented
        importlib.import_module(
            _extension if "." in _extension else f"markdown.extensions.{_extension}"
        )
    from archatlas import markdown as escaping
    from archatlas.render import _one_line as one_line_label
    from archatlas.render import dot_source
    from archatlas.urls import is_safe_url
    from archatlas.views import View, ViewCluster, ViewEdge, ViewNode

FIELDS = ("name", "description", "tag", "title", "url", "protocol")
DOT_SAMPLE = int(os.environ.get("ARCHATLAS_FUZZ_DOT_SAMPLE", "500"))
SKIP_KNOWN = os.environ.get("ARCHATLAS_FUZZ_KNOWN") == "skip"

# The project's mkdocs.yml extensions; snippets reads from a folder holding
# a canary: a description must never pull a file into the page.
SNIPPETS = Path(tempfile.mkdtemp(prefix="archatlas-fuzz-snippets-"))
CANARY = "ARCHATLAS-CANARY-SECRET"
(SNIPPETS / "secret.txt").write_text(CANARY + "\n", encoding="utf-8")
(SNIPPETS / ".env").write_text(CANARY + "\n", encoding="utf-8")
MARKDOWN = python_markdown.Markdown(
    extensions=EXTENSIONS,
    extension_configs={
        "toc": {"permalink": True},
        "pymdownx.snippets": {"base_path": [str(SNIPPETS)], "check_paths": False},
    },
)

SCRIPT_ELEMENTS = frozenset(
    [
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "style",
        "link",
        "meta",
        "base",
        "form",
        "svg",
        "math",
        "template",
        "noscript",
        "input",
        "button",
        "textarea",
        "select",
    ]
)
URL_ATTRIBUTES = frozenset(
    [
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "background",
        "srcset",
        "data",
        "srcdoc",
    ]
)


class Failure(AssertionError):
    pass


class Elements(HTMLParser):
    """Every element with its attributes, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.found if tag == name]


def render(source: str) -> str:
    MARKDOWN.reset()
    return MARKDOWN.convert(source)


def parse(page: str, lenient: bool = False) -> Elements:
    """The elements of `page`; html.parser asserts on some raw markup ('<![' junk).

    Pages that carry no raw HTML never reach that; with `lenient` (allow_html,
    where raw HTML is trusted) the elements read so far are kept.
    """
    parser = Elements()
    try:
        parser.feed(page)
        parser.close()
    except AssertionError as error:
        if not lenient:
            raise Failure(f"html.parser cannot read the page ({error}): {page!r}") from error
    return parser


# The placeholder the site resolves into an inline diagram (site.resolve_html).
PLACEHOLDERS = frozenset({"arch:view/landscape"})


def safe(page: str, what: str, source: str) -> Elements:
    """The parsed HTML, after checking it can run no script."""
    elements = parse(page)

    def fail(reason: str) -> None:
        raise Failure(f"{what}: {reason}\nMarkdown: {source!r}\nHTML: {page!r}")

    if CANARY in page:
        fail("a snippet include read a file")
    for tag, attrs in elements.found:
        if tag in SCRIPT_ELEMENTS:
            fail(f"<{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                fail(f"{name} attribute on <{tag}>")
            if name in URL_ATTRIBUTES and not is_safe_url(value) and value not in PLACEHOLDERS:
                fail(f"unsafe {name}={value!r} on <{tag}>")
    return elements


def check_text(value: str, field: str) -> None:
    """Plain text (names, titles, protocols): escaped wherever a template puts it."""
    escaped = escaping.text(value)
    heading = safe(render(f"# {escaped}\n\nafter\n"), f"{field} in a heading", escaped)
    if len(heading.tags("h1")) != 1:
        raise Failure(f"{field} in a heading makes {len(heading.tags('h1'))} headings: {value!r}")
    table = f"| Field | Value |\n|---|---|\n| name | {escaped} |\n| next | row |\n"
    cells = safe(render(table), f"{field} in a table cell", table)
    if len(cells.tags("tr")) != 3 or len(cells.tags("td")) != 4:
        raise Failure(f"{field} leaves its table cell: {value!r}")
    listing = f"- [{escaped}](https://example.com/x)\n"
    links = safe(render(listing), f"{field} as a link title", listing)
    if [a.get("href") for a in links.tags("a")] != ["https://example.com/x"]:
        raise Failure(f"{field} as a link title adds or breaks links: {value!r}")
    image = f"![Diagram of {escaped}](arch:view/landscape)\n"
    images = safe(render(image), f"{field} as image alt text", image)
    if [img.get("src") for img in images.tags("img")] != ["arch:view/landscape"]:
        raise Failure(f"{field} as image alt text breaks the image: {value!r}")


def check_tag(value: str) -> None:
    line = f"*service* · `shop-api` · {escaping.code(value)} · {escaping.code('other')}\n"
    elements = safe(render(line), "tag", line)
    codes = len(elements.tags("code"))
    # A blank tag is written as nothing at all.
    if codes != (3 if escaping.one_line(value).strip() else 2):
        raise Failure(f"tag leaves its code span ({codes} code elements): {value!r}")


def check_description(value: str) -> None:
    for allow_html in (False, True):
        source = escaping.description(value, allow_html)
        page = render(f"# Title\n\n{source}\n\n| a | b |\n|---|---|\n| c | d |\n")
        if allow_html:
            # Raw HTML is trusted then; links written in Markdown stay checked.
            elements = parse(page, lenient=True)
            for tag, attrs in elements.found:
                if tag == "a" and not is_safe_url(attrs.get("href", "")):
                    markdown_link = f"]({attrs.get('href')}" in source
                    if markdown_link:
                        raise Failure(f"allow_html: unsafe Markdown link: {source!r} -> {page!r}")
        else:
            safe(page, "description", source)


def check_url(value: str) -> None:
    target = escaping.link_target(value)
    listing = f"- [runbook]({target})\n"
    links = safe(render(listing), "link URL", listing)
    hrefs = [a.get("href", "") for a in links.tags("a")]
    if len(hrefs) != 1:
        raise Failure(f"link URL makes {len(hrefs)} links: {value!r} -> {listing!r}")
    check_description(f"[x]({value})")


# --- DOT --------------------------------------------------------------------------

_DOT_TOKEN = re.compile(
    r'\s+|//[^\n]*|/\*.*?\*/|"(?:[^"\\]|\\.)*"|<|->|--|[\[\]{};,=:]|[^\s"<\[\]{};,=:-]+|-',
    re.DOTALL,
)


def dot_tokens(source: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(source):
        match = _DOT_TOKEN.match(source, position)
        if match is None:
            raise Failure(f"untokenisable DOT at {position}: {source[position : position + 40]!r}")
        token = match.group(0)
        if token == "<":
            raise Failure(f"an HTML-like string in the DOT source:\n{source}")
        if not token.isspace() and not token.startswith(("//", "/*")):
            tokens.append(token)
        position = match.end()
    return tokens


_DOT_ID = re.compile(r"[A-Za-z_\x80-\U0010ffff][\w\x80-\U0010ffff]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?)")


def unquote(token: str) -> str:
    """A DOT quoted string's text, with escString escapes read as Graphviz draws them."""
    if _DOT_ID.fullmatch(token):
        return token  # a plain DOT id needs no quotes
    if not (token.startswith('"') and token.endswith('"') and len(token) >= 2):
        raise Failure(f"a label is not one quoted string: {token!r}")
    body = token[1:-1]
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            if following == "\n":
                pass  # a continued line
            elif following in "nlr":
                out.append("\n")
            elif following in '\\"':
                out.append(following)
            else:
                raise Failure(f"a label holds the DOT escape \\{following}: {token!r}")
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def attributes(tokens: list[str]) -> list[tuple[str, str]]:
    """(name, value) of every `name=value` in the token stream."""
    return [
        (tokens[index - 1], tokens[index + 1])
        for index, token in enumerate(tokens)
        if token == "=" and 0 < index < len(tokens) - 1
    ]


def dot_view(value: str) -> View:
    return View(
        key="element/a",
        title=value,
        nodes=(
            ViewNode("a", value, "service", "k8s/compute/pod.png", "a", cluster="s", focus=True),
            ViewNode("b", "plain", value, "k8s/compute/pod.png", "b"),
        ),
        edges=(ViewEdge("a", "b", value, "sync", "internal"),),
        clusters=(ViewCluster("s", value),),
    )


def check_dot(value: str) -> None:
    source = dot_source(dot_view(value))
    tokens = dot_tokens(source)
    if tokens.count("{") != tokens.count("}") or tokens.count("[") != tokens.count("]"):
        raise Failure(f"unbalanced DOT for {value!r}:\n{source}")
    labels = [unquote(v) for name, v in attributes(tokens) if name in ("label", "xlabel")]
    # Labels are drawn on one line and shortened (render._one_line): the page
    # holds the whole text.
    shown = one_line_label(value)
    edge = one_line_label(f"{value} [internal]")
    wanted = {
        f"{shown}\nservice" if shown else "service",
        f"plain\n{shown}" if shown else "plain",
        edge,
    }
    if shown:
        wanted.add(shown)  # the cluster's label
    missing = wanted - set(labels)
    if missing:
        raise Failure(f"labels {sorted(missing)!r} not in the DOT for {value!r}:\n{source}")
    nodes = [
        token
        for index, token in enumerate(tokens[:-1])
        if tokens[index + 1] == "["
        and tokens[index - 1] not in ("->", "--")
        and token not in ("graph", "node", "edge")
    ]
    if sorted(nodes) != ["a", "b"] or tokens.count("->") != 1 or "--" in tokens:
        raise Failure(f"node statements {nodes!r} for {value!r}:\n{source}")
    if drawable(value) and zlib.crc32(value.encode("utf-8", "replace")) % DOT_SAMPLE == 0:
        draw(source, value)


def drawable(value: str) -> bool:
    """Text that Graphviz can draw at all (see KNOWN_BUGS: dot-nul, dot-long-label)."""
    return "\x00" not in value and len(value.encode("utf-8")) < 8000


def draw(source: str, value: str) -> None:
    done = subprocess.run(
        ["dot", "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=30, check=False
    )
    if done.returncode != 0:
        raise Failure(f"dot failed on {value!r}: {done.stderr.decode('utf-8', 'replace')}")
    svg = done.stdout.decode("utf-8")
    elements = parse(svg)
    for tag, attrs in elements.found:
        if tag in ("script", "foreignobject"):
            raise Failure(f"<{tag}> in the SVG for {value!r}")
        if any(name.startswith("on") for name in attrs):
            raise Failure(f"event handler in the SVG for {value!r}")


# --- known bugs, pinned in tests/test_hostile.py ----------------------------------------

_GRAPHVIZ_ID_NEWLINE = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))\n")

KNOWN_BUGS = {
    # tag-double-backtick: code() cannot hold a run of two backticks.
    "tag-backticks": lambda field, value: field == "tag" and "`" in value,
    # tag-empty: code("") is two backticks, shown as such.
    # (Python-Markdown drops \x02 and \x03, its own placeholder marks, first.)
    "tag-empty": lambda field, value: (
        field == "tag" and not value.replace("\x02", "").replace("\x03", "").strip(" ")
    ),
    # description-escaped-backtick / -unclosed-fence: code found where Markdown sees none.
    "description-code": lambda field, value: "`" in value or "~~~" in value,
    # description-nested-reference: a reference definition inside a quote or list.
    "description-nested-reference": lambda field, value: "]:" in value,
    # description-link-newline: a line break inside a link target.
    "link-target-break": lambda field, value: "](" in value or field == "url",
    # name-dot-keyword-trailing-newline (found by this harness): graphviz.quote's id
    # pattern ends in '$', which matches before a final newline, so "p\n" stays an
    # unquoted DOT id (the newline is lost) and "node\n" is the keyword node.
    "dot-id-trailing-newline": lambda field, value: bool(_GRAPHVIZ_ID_NEWLINE.fullmatch(value)),
    # text-carriage-return / tag-carriage-return: Markdown reads \r as a line break.
    "carriage-return": lambda field, value: field != "description" and "\r" in value,
}


def known(field: str, value: str) -> bool:
    return SKIP_KNOWN and any(rule(field, value) for rule in KNOWN_BUGS.values())


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    field = FIELDS[data[0] % len(FIELDS)]
    value = data[1:].decode("utf-8", "replace")
    if known(field, value):
        return
    if field in ("name", "title", "protocol"):
        check_text(value, field)
        check_dot(value)
    elif field == "tag":
        check_tag(value)
    elif field == "description":
        check_description(value)
    else:
        check_url(value)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
