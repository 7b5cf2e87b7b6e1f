"""`arch:` references: `render --out` (Markdown) and the plugin (HTML) agree on each one."""

from __future__ import annotations

from pathlib import Path

import markdown as python_markdown
import pytest

from archatlas.load import load_text
from archatlas.model import build
from archatlas.render import Drawings
from archatlas.site import Site, SiteOptions, resolve_html, resolve_page

# Every reference names an id that does not exist, so each live one gives a
# finding: the findings say which references each path saw, and where.
PAGE = """\
# Page

A live link to [one](arch:live-link) and a view ![two](arch:view/live-view).

A [titled link](arch:live-titled "The title").

- an item with [a link](arch:live-in-list)

    its second paragraph, [still a link](arch:live-list-paragraph)

        code inside the item: [not a link](arch:code-in-list)

Inline `[code](arch:code-span)` is not a link.

```yaml
[fenced](arch:code-fenced)
```

    [indented code](arch:code-indented)

    still code after a blank line: [x](arch:code-indented-2)

<div class="note" markdown="0">
<pre><code>[raw html](arch:raw-html)

[after a blank line](arch:raw-html-2)
</code></pre>
</div>

A paragraph
    [lazy continuation, not code](arch:live-lazy)

<div class="grid" markdown="1">
Markdown inside: [a link](arch:live-md-in-html)
</div>

<div markdown>
[bare attribute](arch:live-md-bare) and <span>[quoted](arch:live-md-span)</span>
</div>

!!! note "An admonition"
    Its first paragraph.

    Its second, with a diagram: ![d](arch:view/live-admonition)

        code in the admonition: [x](arch:code-in-admonition)

??? tip
    Details: [y](arch:live-details)

Titles: [s](arch:live-single 'one') [a](<arch:live-angle>)

<hr>
After a rule: [z](arch:live-after-hr)

A paragraph
<div>
[raw block without a blank line](arch:raw-no-blank)
</div>

<script>
[script](arch:raw-script)
</script>
"""

LIVE = {
    "live-link",
    "view/live-view",
    "live-titled",
    "live-in-list",
    "live-list-paragraph",
    "live-lazy",
    "live-md-in-html",
    "live-md-bare",
    "live-md-span",
    "view/live-admonition",
    "live-details",
    "live-single",
    "live-angle",
    "live-after-hr",
}
EXTENSIONS = [
    "toc",
    "tables",
    "attr_list",
    "md_in_html",
    "admonition",
    "pymdownx.details",
    "pymdownx.superfences",
]


@pytest.fixture(scope="module")
def site() -> Site:
    documents, _ = load_text("kind: actor\nid: someone\n", Path("a.yaml").absolute(), "a.yaml")
    arch, _ = build(documents)
    return Site(arch, SiteOptions(), {}, Drawings([], {}), {}, {}, frozenset())


def _named(message: str) -> str:
    return message.split("'")[1]


def test_render_out_resolves_exactly_the_live_references(site: Site) -> None:
    _, problems = resolve_page(site, "guide.md", PAGE, "docs/guide.md")
    named = {
        ("view/" if p.message.startswith("no view") else "") + _named(p.message) for p in problems
    }
    assert named == LIVE


def test_the_plugin_and_render_out_report_the_same_references_at_the_same_places(
    site: Site,
) -> None:
    html = python_markdown.markdown(PAGE, extensions=EXTENSIONS)
    _, from_html = resolve_html(site, "guide.md", html, PAGE, "docs/guide.md")
    _, from_markdown = resolve_page(site, "guide.md", PAGE, "docs/guide.md")
    assert sorted(map(str, from_html)) == sorted(map(str, from_markdown))
    assert len(from_markdown) == len(LIVE)
    assert {str(p.location) for p in from_markdown} >= {
        "docs/guide.md:3:16",
        "docs/guide.md:3:49",
        "docs/guide.md:5:3",
        "docs/guide.md:9:27",
        "docs/guide.md:31:5",
    }


@pytest.mark.parametrize(
    ("written", "resolved"),
    [
        ('[who](arch:someone "Who")', '[who](architecture/actor/someone.md "Who")'),
        ("[who](arch:someone 'Who')", "[who](architecture/actor/someone.md 'Who')"),
        ("[who](<arch:someone>)", "[who](architecture/actor/someone.md)"),
    ],
)
def test_a_resolved_link_keeps_its_title(site: Site, written: str, resolved: str) -> None:
    assert resolve_page(site, "guide.md", written, "guide.md") == (resolved, [])
