"""User text in generated Markdown: escaped as text, descriptions made safe."""

from __future__ import annotations

import html as html_module
import re
from html.parser import HTMLParser

import markdown as python_markdown
import pytest

from archatlas import markdown


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def parsed(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element of `html` with its attributes, as a browser would see them."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


def rendered(source: str) -> str:
    return python_markdown.markdown(source, extensions=["tables", "attr_list", "md_in_html"])


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert(1)</script>",
        "a | b",
        "*not emphasis* _nor this_",
        "[not](a-link)",
        "# not a heading",
        "> not a quote",
        "1. not a list",
        "back\\slash and `tick`",
        "AT&T <b>",
    ],
)
def test_text_shows_exactly_what_was_written(name: str) -> None:
    html = rendered(markdown.text(name))
    assert "<script" not in html and "<b>" not in html and "<a" not in html
    assert markdown.plain(markdown.text(name)) == name
    assert html_module.unescape(re.sub(r"<[^>]+>", "", html)).strip() == name


@pytest.mark.parametrize(
    "description",
    [
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[ref]\n\n[ref]: javascript:alert(1)",
        "![i](data:text/html,<script>alert(1)</script>)",
        '**bold**{: onclick="alert(1)" }',
        "<a href='x' onmouseover='alert(1)'>x</a>",
    ],
)
def test_descriptions_carry_no_script(description: str) -> None:
    elements = parsed(rendered(markdown.description(description)))
    for tag, attrs in elements:
        assert tag not in ("script", "iframe", "object", "embed"), (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert markdown.is_safe_url(value or ""), (tag, name, value)


def test_descriptions_keep_markdown_and_code() -> None:
    source = "Uses **Kafka**.\n\n```yaml\nname: <b>kept</b>\n```\n\nand `<i>code</i>` [docs](https://example.com)"
    html = rendered(markdown.description(source))
    assert "<strong>Kafka</strong>" in html
    assert "&lt;b&gt;kept&lt;/b&gt;" in html  # the code block shows the text as written
    assert "<code>&lt;i&gt;code&lt;/i&gt;</code>" in html
    assert '<a href="https://example.com">docs</a>' in html


def test_allow_html_keeps_html_but_not_script_urls() -> None:
    html = rendered(markdown.description("<b>bold</b> [x](javascript:alert(1))", allow_html=True))
    assert "<b>bold</b>" in html
    assert "javascript:" not in html


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://example.com/?q=<b>", "https://example.com/?q=%3Cb%3E"),
        ("https://example.com/(x)", "https://example.com/%28x%29"),
        ("mailto:team@example.com", "mailto:team@example.com"),
        ("../runbooks/api.md", "../runbooks/api.md"),
        ("javascript:alert(1)", "#link-removed"),
        ("JaVa\tScRiPt:alert(1)", "#link-removed"),
        ("data:text/html,x", "#link-removed"),
    ],
)
def test_link_targets_are_safe_and_whole(url: str, href: str) -> None:
    html = rendered(f"[title]({markdown.link_target(url)})")
    assert f'<a href="{href}">title</a>' in html


def test_a_description_html_parser_gives_up_on_is_shown_as_text() -> None:
    # Found by fuzz/fuzz_render.py: Python's html.parser asserts on "<![" junk
    # ("unknown status keyword ... in marked section").
    source = 'Raw HTML: t>\n<iframe s</>rc="ja\'<<!lit(1!>h)"> <<<![hslickascrip<p\nlt(1!>h)"*'
    html = rendered(markdown.description(source))
    assert [tag for tag, _ in parsed(html)] == ["div", "p"]
    assert "hslickascrip" in html


@pytest.mark.parametrize("title", ["r]: javascript:alert(1)", "[x]: y", "a] [b"])
def test_a_link_title_cannot_become_a_link_reference(title: str) -> None:
    # Found by fuzz/fuzz_render.py: "[ r\]: x](url)" was read as a reference definition.
    html = rendered(f"- [{markdown.text(title)}](https://example.com/x)\n")
    links = [dict(attrs).get("href") for tag, attrs in parsed(html) if tag == "a"]
    assert links == ["https://example.com/x"], html
    assert html_module.unescape(re.sub(r"<[^>]+>", "", html)).strip() == title


@pytest.mark.parametrize("allow_html", [False, True])
@pytest.mark.parametrize(
    "tag", ["<embed src=movie.swf>", "<embed src=x></embed>", "<br></br>", "<source src=a>"]
)
def test_void_elements_do_not_swallow_the_text_after_them(tag: str, allow_html: bool) -> None:
    shown = markdown.description(f"Before {tag} after, **still here**.", allow_html)
    assert "Before" in shown
    assert "after, <strong>still here</strong>." in shown
    assert "<embed" not in shown
