"""The hostile-input catalogue: one row per hostile input, each with its expected outcome.

Inputs live in tests/hostile/ (one file, or one small folder, per case);
inputs too large or too odd to commit (50,000-deep nesting, 30 MB, pipes,
symlinks, unreadable files, file names with quotes) are made by the rows
themselves. Rows run through the real commands, each in a process of its own
(forked from a server that has archatlas and MkDocs imported: see
conftest.run_forked):

- CHECK_CASES: `archatlas check` with a timeout: no traceback, the expected
  `path:line:col: severity[rule]` lines, the expected exit code.
- SITE_CASES, DOT_CASES: one real `mkdocs build` of tests/hostile/site-escaping
  with the project's own markdown extensions: hostile names, descriptions,
  tags, link titles and URLs stay text, and DOT labels stay labels.
- RENDER_CASES: `archatlas render` with a dot that hangs, crashes or is
  missing, and inputs that make Graphviz fail.
- Cache rows: corrupt entries and a build killed midway.

A row may name a known bug in plugins/ (`bug=`): it is then xfail(strict)
with the exact reason, so fixing the bug turns the row into a failure to
update. None is open.
Details live in the other test files (test_load, test_site, test_cache...);
this file is the list. docs/security.md maps each threat to these rows.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown as python_markdown
import pytest
import yaml

from archatlas import markdown
from conftest import (
    ROOT,
    TESTS,
    Ran,
    archatlas_command,
    environment,
    fake_dot,
    mkdocs_build,
    run_cli,
    run_cli_all,
)

HOSTILE = TESTS / "hostile"
PNG = (HOSTILE / "binary.yaml").read_bytes()  # a real PNG, committed as a hostile "YAML" file
CANARY = "ARCHATLAS-CANARY-SECRET"

Setup = Callable[[Path, Path], None]  # (architecture directory, case folder)


def no_traceback(output: str) -> None:
    assert "Traceback (most recent call last)" not in output, output[-3000:]


# --- archatlas check ----------------------------------------------------------------


def _gen(name: str, text: str | bytes) -> Setup:
    def setup(arch: Path, case: Path) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        (arch / name).write_bytes(data)

    return setup


def _deep(opening: str, closing: str, depth: int) -> str:
    return "kind: team\nid: deep\ncontact: " + opening * depth + closing * depth + "\n"


FLOW_ELEMENTS = (
    "kind: service\nid: api\nuses: [{to: db, as: reads}]\n---\nkind: datastore\nid: db\n"
)


def _flow_steps(count: int) -> str:
    steps = "".join("  - {from: api, to: db, sends: rows}\n" for _ in range(count))
    return FLOW_ELEMENTS + "---\nkind: flow\nid: long\nsteps:\n" + steps


def _flow_nesting(depth: int) -> str:
    text, indent = FLOW_ELEMENTS + "---\nkind: flow\nid: deep\nsteps:\n", "  "
    for level in range(depth):
        text += f"{indent}- loop: level {level}\n{indent}  steps:\n"
        indent += "    "
    return text + f"{indent}- {{from: api, to: db}}\n"


def _huge(arch: Path, case: Path) -> None:
    with (arch / "huge.yaml").open("wb") as file:
        file.write(b"kind: team\nid: huge\ndescription: ")
        file.write(b"x" * (30 * 1024 * 1024))


def _pipe(arch: Path, case: Path) -> None:
    os.mkfifo(arch / "pipe.yaml")


def _unreadable(arch: Path, case: Path) -> None:
    (arch / "secret.yaml").write_text("kind: team\nid: secret\n")
    (arch / "secret.yaml").chmod(0)


def _link_file_out(arch: Path, case: Path) -> None:
    (case / "outside.yaml").write_text("kind: team\nid: outside-team\n")
    (arch / "team.yaml").symlink_to(case / "outside.yaml")


def _link_folder_out(arch: Path, case: Path) -> None:
    (case / "outside").mkdir()
    (case / "outside" / "bad.yaml").write_text("kind: wizard\nid: outside-wizard\n")
    (arch / "linked").symlink_to(case / "outside", target_is_directory=True)
    (arch / "team.yaml").write_text("kind: team\nid: inside-team\n")


def _link_system(target: str) -> Setup:
    def setup(arch: Path, case: Path) -> None:
        (arch / "system.yaml").symlink_to(target)

    return setup


def _link_loop(arch: Path, case: Path) -> None:
    (arch / "a.yaml").symlink_to(arch / "b.yaml")
    (arch / "b.yaml").symlink_to(arch / "a.yaml")


def _link_broken(arch: Path, case: Path) -> None:
    (arch / "gone.yaml").symlink_to(arch / "nowhere.yaml")


def _icon_link_out(arch: Path, case: Path) -> None:
    (case / "outside.png").write_bytes(PNG)
    (arch / "logo.png").symlink_to(case / "outside.png")
    (arch / "element.yaml").write_text("kind: actor\nid: icon-link\nicon: logo.png\n")


IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True)
class CheckCase:
    id: str
    source: str | Setup  # a file or folder under tests/hostile, or a function making the case
    expect: tuple[str, ...]  # "path:line:col: severity[rule]" lines (prefixes) of the output
    exit: int = 1
    absent: tuple[str, ...] = ()  # must not appear in stdout (nor exist as a file: see run_check)
    bug: str = ""  # a known bug in plugins/: the row is xfail(strict) for this reason
    skip: str = ""


def E(where: str, rule: str) -> str:
    return f"architecture/{where}: error[{rule}]"


CHECK_CASES = [
    # Code execution through YAML tags: refused, and nothing runs.
    CheckCase(
        "tag-python-object-apply",
        "tag-python-object-apply.yaml",
        (E("tag-python-object-apply.yaml:4:10", "yaml-tag"),),
        absent=("pwned",),
    ),
    CheckCase(
        "tag-python-object-new",
        "tag-python-object-new.yaml",
        (E("tag-python-object-new.yaml:3:10", "yaml-tag"),),
        absent=("pwned",),
    ),
    CheckCase(
        "tag-python-name",
        "tag-python-name.yaml",
        (E("tag-python-name.yaml:3:10", "yaml-tag"),),
    ),
    CheckCase(
        "tag-python-module",
        "tag-python-module.yaml",
        (E("tag-python-module.yaml:3:10", "yaml-tag"),),
    ),
    CheckCase(
        "tag-python-object-mapping",
        "tag-python-object-mapping.yaml",
        (E("tag-python-object-mapping.yaml:3:10", "yaml-tag"),),
    ),
    CheckCase(
        "tag-verbatim",
        "tag-verbatim.yaml",
        (E("tag-verbatim.yaml:3:10", "yaml-tag"),),
        absent=("pwned",),
    ),
    CheckCase(
        "tag-local-handle",
        "tag-local-handle.yaml",
        (E("tag-local-handle.yaml:5:10", "yaml-tag"),),
        absent=("pwned",),
    ),
    CheckCase("tag-custom", "tag-custom.yaml", (E("tag-custom.yaml:3:10", "yaml-tag"),)),
    CheckCase("tag-on-key", "tag-on-key.yaml", (E("tag-on-key.yaml:3:3", "yaml-tag"),)),
    CheckCase(
        "tag-on-root-mapping",
        "tag-on-root-mapping.yaml",
        (E("tag-on-root-mapping.yaml:1:5", "yaml-tag"),),
    ),
    CheckCase("tag-binary", "tag-binary.yaml", (E("tag-binary.yaml:3:10", "yaml-tag"),)),
    # Resource exhaustion.
    CheckCase(
        "billion-laughs", "billion-laughs.yaml", (E("billion-laughs.yaml:8:4", "alias-expansion"),)
    ),
    CheckCase(
        "alias-mapping-bomb",
        "alias-mapping-merge.yaml",
        (E("alias-mapping-merge.yaml:7:5", "alias-expansion"),),
    ),
    CheckCase(
        "undefined-alias", "undefined-alias.yaml", (E("undefined-alias.yaml:3:10", "yaml-syntax"),)
    ),
    CheckCase(
        "nesting-50000-flow-sequences",
        _gen("deep.yaml", _deep("[", "]", 50_000)),
        (E("deep.yaml:3:1009", "too-deep"),),
    ),
    CheckCase(
        "nesting-50000-flow-mappings",
        _gen("deep.yaml", _deep("{a: ", "}", 50_000)),
        (E("deep.yaml:3:262", "too-deep"),),
    ),
    CheckCase(
        "nesting-25000-mixed",
        _gen("deep.yaml", _deep("[{a: ", "}]", 25_000)),
        (E("deep.yaml:3:166", "too-deep"),),
    ),
    CheckCase(
        "nesting-50000-block-sequences",
        _gen("deep.yaml", "kind: team\nid: deep\ncontact:\n" + "- " * 50_000 + "x\n"),
        (E("deep.yaml:4:127", "too-deep"),),
    ),
    CheckCase("file-30-mb", _huge, (E("huge.yaml:1:1", "file-too-large"),)),
    # Flows: one clear finding, however large or deep, and text stays text.
    CheckCase(
        "flow-10000-steps",
        _gen("flow.yaml", _flow_steps(10_000)),
        (E("flow.yaml:11:3", "flow-too-large"),),
    ),
    CheckCase(
        "flow-nesting-12-groups",
        "flow-deep-nesting.yaml",
        (E("flow-deep-nesting.yaml:28:37", "flow-too-large"),),
    ),
    CheckCase(
        "flow-nesting-40-groups",
        _gen("flow.yaml", _flow_nesting(40)),
        (E("flow.yaml:73:129", "too-deep"),),
    ),
    CheckCase(
        "flow-injection-in-step-text",
        "flow-injection.yaml",
        (E("flow-injection.yaml:23:11", "bad-id"),),
        absent=("alert(1)</script>",),
    ),
    CheckCase(
        "values-150000",
        _gen("many.yaml", "kind: team\nid: many\ncontact: [" + "0," * 150_000 + "0]\n"),
        (E("many.yaml:3:10", "file-too-large"),),
    ),
    CheckCase(
        "named-pipe",
        _pipe,
        (E("pipe.yaml:1:1", "unreadable-file"),),
        skip="" if hasattr(os, "mkfifo") else "needs named pipes",
    ),
    CheckCase("huge-integer", "huge-integer.yaml", (E("huge-integer.yaml:4:13", "wrong-type"),)),
    # Bytes and encodings.
    CheckCase("binary", "binary.yaml", (E("binary.yaml:3:1", "not-text"),)),
    CheckCase("latin-1", "latin-1.yaml", (E("latin-1.yaml:3:7", "not-text"),)),
    CheckCase("overlong-utf-8", "overlong-utf-8.yaml", (E("overlong-utf-8.yaml:3:7", "not-text"),)),
    CheckCase("utf-16-le-bom", "utf-16-le.yaml", (E("utf-16-le.yaml:1:1", "not-text"),)),
    CheckCase("utf-16-be-bom", "utf-16-be.yaml", (E("utf-16-be.yaml:1:1", "not-text"),)),
    CheckCase("utf-16-no-bom", "utf-16-no-bom.yaml", (E("utf-16-no-bom.yaml:1:1", "not-text"),)),
    CheckCase(
        "utf-32",
        "utf-32.yaml",
        (E("utf-32.yaml:1:1", "not-text"),),
        absent=("UTF-16",),
    ),
    CheckCase("utf-8-bom-positions", "utf-8-bom.yaml", (E("utf-8-bom.yaml:3:1", "unknown-field"),)),
    CheckCase("crlf-positions", "crlf.yaml", (E("crlf.yaml:3:1", "unknown-field"),)),
    CheckCase("cr-only-positions", "cr-only.yaml", (E("cr-only.yaml:3:1", "unknown-field"),)),
    CheckCase("tab-indentation", "tabs.yaml", (E("tabs.yaml:4:1", "yaml-syntax"),)),
    CheckCase(
        "control-character",
        "control-character.yaml",
        (E("control-character.yaml:3:12", "not-text"),),
    ),
    CheckCase("nul-byte", "nul-in-text.yaml", (E("nul-in-text.yaml:3:1", "not-text"),)),
    CheckCase(
        "lone-surrogate-escape",
        "lone-surrogate-escape.yaml",
        (E("lone-surrogate-escape.yaml:3:10", "yaml-syntax"),),
    ),
    CheckCase("empty-file", "empty.yaml", ("0 elements in 1 file: 0 errors",), exit=0),
    CheckCase("only-comments", "only-comments.yaml", ("0 elements in 1 file: 0 errors",), exit=0),
    CheckCase(
        "terminal-escapes-in-output",
        "terminal-escape.yaml",
        (E("terminal-escape.yaml:3:1", "unknown-field"),),
        absent=("\x1b", "\x07", "\r"),
    ),
    # Documents that are not mappings; values hidden by duplicate keys.
    CheckCase(
        "document-list", "document-list.yaml", (E("document-list.yaml:1:1", "not-a-mapping"),)
    ),
    CheckCase(
        "document-scalar", "document-scalar.yaml", (E("document-scalar.yaml:1:1", "not-a-mapping"),)
    ),
    CheckCase(
        "second-document-list",
        "document-second-is-list.yaml",
        (E("document-second-is-list.yaml:4:1", "not-a-mapping"),),
    ),
    CheckCase(
        "duplicate-key-hides-javascript-url",
        "duplicate-key-hides-value.yaml",
        (E("duplicate-key-hides-value.yaml:6:5", "duplicate-key"),),
    ),
    CheckCase(
        "id-dot-injection",
        "id-dot-injection.yaml",
        (
            E("id-dot-injection.yaml:3:5", "bad-id"),
            E("id-dot-injection.yaml:6:5", "bad-id"),
            E("id-dot-injection.yaml:9:5", "bad-id"),
        ),
    ),
    CheckCase(
        "key-not-scalar", "key-not-scalar.yaml", (E("key-not-scalar.yaml:3:3", "wrong-type"),)
    ),
    # Files outside the architecture directory, and files that cannot be read.
    CheckCase(
        "unreadable-file",
        _unreadable,
        (E("secret.yaml:1:1", "unreadable-file"),),
        skip="root reads a chmod 000 file anyway" if IS_ROOT else "",
    ),
    CheckCase(
        "symlink-file-out",
        _link_file_out,
        (E("team.yaml:1:1", "unreadable-file"),),
        absent=("outside-team",),
    ),
    CheckCase(
        "symlink-etc-passwd",
        _link_system("/etc/passwd"),
        (E("system.yaml:1:1", "unreadable-file"),),
        absent=("root:",),
    ),
    CheckCase(
        "symlink-dev-zero",
        _link_system("/dev/zero"),
        (E("system.yaml:1:1", "unreadable-file"),),
    ),
    CheckCase(
        "symlink-folder-out",
        _link_folder_out,
        ("1 element in 1 file: 0 errors",),
        exit=0,
        absent=("wizard", "linked/"),
    ),
    CheckCase("symlink-loop", _link_loop, (E("a.yaml:1:1", "unreadable-file"),)),
    CheckCase("symlink-broken", _link_broken, (E("gone.yaml:1:1", "unreadable-file"),)),
    # Icons: confined to the architecture directory, and images only.
    CheckCase("icon-dotdot", "icon-dotdot", (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase("icon-dotdot-image", "icon-dotdot-image", (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase("icon-absolute", "icon-absolute", (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase("icon-url", "icon-url", (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase("icon-file-url", "icon-file-url", (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase("icon-backslash", "icon-backslash", (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase("icon-not-an-image", "icon-not-image", (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase("icon-folder", "icon-folder", (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase("icon-yaml-file", "icon-yaml-self", (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase("icon-nul", "icon-nul", (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase("icon-missing", "icon-missing", (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase("icon-symlink-out", _icon_link_out, (E("element.yaml:3:7", "bad-icon"),)),
    CheckCase(
        "icon-svg-with-script",
        "icon-svg-script",
        (E("element.yaml:3:7", "bad-icon"),),
    ),
    # Link URLs: only http(s), mailto and relative URLs.
    *[
        CheckCase(name, f"{name}.yaml", (E(f"{name}.yaml:5:10", "unsafe-link"),))
        for name in (
            "link-javascript",
            "link-javascript-mixed-case",
            "link-javascript-tab",
            "link-javascript-leading-space",
            "link-javascript-entity",
            "link-javascript-entity-colon",
            "link-data",
            "link-vbscript",
            "link-file",
        )
    ],
]


def _params(cases: list[Any]) -> list[Any]:
    params = []
    for case in cases:
        marks: list[Any] = []
        if getattr(case, "bug", ""):
            marks.append(pytest.mark.xfail(strict=True, reason=case.bug))
        if getattr(case, "skip", ""):
            marks.append(pytest.mark.skip(reason=case.skip))
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def make_check_case(case: CheckCase, folder: Path) -> None:
    """The case's architecture folder in `folder`."""
    arch = folder / "architecture"
    if isinstance(case.source, str):
        source = HOSTILE / case.source
        if source.is_dir():
            shutil.copytree(source, arch, symlinks=True)
        else:
            arch.mkdir(parents=True)
            shutil.copy(source, arch / source.name)
    else:
        arch.mkdir(parents=True)
        case.source(arch, folder)


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Ran, Path]]:
    """Every CHECK_CASES row run once (`archatlas check architecture` in its folder)."""
    base = tmp_path_factory.mktemp("check")
    cases = [case for case in CHECK_CASES if not case.skip]
    for case in cases:
        make_check_case(case, base / case.id)
    runs = run_cli_all([(["check", "architecture"], base / case.id) for case in cases])
    return {case.id: (ran, base / case.id) for case, ran in zip(cases, runs, strict=True)}


@pytest.mark.parametrize("case", _params(CHECK_CASES))
def test_check(case: CheckCase, checked: dict[str, tuple[Ran, Path]]) -> None:
    ran, folder = checked[case.id]
    no_traceback(ran.stderr)
    assert ran.stderr == "", ran.stderr
    assert ran.returncode == case.exit, ran.stdout
    for line in case.expect:
        assert line in ran.stdout, (line, ran.stdout)
    for text in case.absent:
        assert text not in ran.stdout, (text, ran.stdout)
        assert not (folder / text).exists(), f"{text} was created: code ran"
    assert ran.seconds < 20, f"took {ran.seconds:.1f} s"


def test_every_corpus_file_has_a_row() -> None:
    """Each case under tests/hostile/ is the source of a row (or the site build)."""
    used = {case.source for case in CHECK_CASES if isinstance(case.source, str)}
    used |= {case.source for case in RENDER_CASES if case.source}
    used.add("site-escaping")
    descriptors = {c.source for c in IMPORT_CASES if isinstance(c.source, str)}
    used |= {source.split("/")[0] for source in descriptors}
    manifests = {path.name for path in (HOSTILE / "manifests").iterdir()}
    assert sorted(manifests - {source.split("/")[1] for source in descriptors}) == []
    present = {path.name for path in HOSTILE.iterdir() if not path.name.startswith((".", "README"))}
    assert sorted(present - used) == []


# --- the site: escaping in pages and in diagrams ----------------------------------------

_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:image/svg")
_TITLE = re.compile(r"(<title>)(.*?)(</title>)", re.DOTALL)


class Page(HTMLParser):
    """What a browser makes of a page: scripts, handlers, links, headings, diagram text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.scripts: list[str] = []
        self.handlers: list[tuple[str, str, str]] = []
        self.links: list[tuple[str, str, str]] = []
        self.embedded: list[str] = []  # iframe, object, embed elements
        self.h1: list[str] = []
        self.svg_texts: list[str] = []
        self.article_links: list[tuple[str, str]] = []
        self._capture: list[tuple[str, list[str], dict[str, str]]] = []
        self._stack: list[str] = []
        self._diagram_depth: int | None = None
        self._article_depth: int | None = None
        # A browser reads <title> as text; html.parser would see tags in it.
        self.feed(
            _TITLE.sub(lambda m: m.group(1) + m.group(2).replace("<", "&lt;") + m.group(3), html)
        )
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.handlers.append((tag, name, value))
            if name in ("href", "src", "xlink:href", "action", "formaction", "data"):
                self.links.append((tag, name, value))
        if tag in ("iframe", "object", "embed"):
            self.embedded.append(tag)
        if tag in ("br", "img", "input", "link", "meta", "hr", "image", "path", "polygon"):
            return
        self._stack.append(tag)
        classes = values.get("class", "").split()
        if tag == "figure" and "archatlas-diagram" in classes and self._diagram_depth is None:
            self._diagram_depth = len(self._stack)
        if tag == "article" and self._article_depth is None:
            self._article_depth = len(self._stack)
        if tag in ("script", "h1", "text", "a"):
            self._capture.append((tag, [], values))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._stack:
            return
        while self._stack:
            closed = self._stack.pop()
            for index in range(len(self._capture) - 1, -1, -1):
                if self._capture[index][0] == closed:
                    _, parts, values = self._capture.pop(index)
                    self._captured(closed, "".join(parts), values)
                    break
            if self._diagram_depth is not None and len(self._stack) < self._diagram_depth:
                self._diagram_depth = None
            if self._article_depth is not None and len(self._stack) < self._article_depth:
                self._article_depth = None
            if closed == tag:
                break

    def _captured(self, tag: str, text: str, values: dict[str, str]) -> None:
        if tag == "script":
            self.scripts.append(text)
        elif tag == "h1" and self._article_depth is not None:
            self.h1.append(" ".join(text.replace("¶", "").split()))
        elif tag == "text" and self._diagram_depth is not None:
            self.svg_texts.append(text)
        elif tag == "a" and self._article_depth is not None and self._diagram_depth is None:
            self.article_links.append((values.get("href", ""), " ".join(text.split())))

    def handle_data(self, data: str) -> None:
        for _, parts, _ in self._capture:
            parts.append(data)

    @property
    def diagrams(self) -> list[str]:
        return re.findall(
            r'<figure class="archatlas-diagram[^"]*"[^>]*>(.*?)</figure>', self.html, re.DOTALL
        )


def unsafe_links(page: Page) -> list[tuple[str, str, str]]:
    """Links a browser would run as script (it drops tabs and newlines first)."""
    return [
        (tag, name, value)
        for tag, name, value in page.links
        if _IGNORED_BY_BROWSERS.sub("", value).lower().startswith(_UNSAFE_SCHEMES)
    ]


def assert_runs_no_script(page: Page) -> None:
    """No script, handler, embedded frame or script URL that came from the input."""
    assert [s for s in page.scripts if "alert" in s] == [], page.scripts
    assert [h for h in page.handlers if "alert" in h[2]] == [], page.handlers
    assert page.embedded == []
    assert unsafe_links(page) == []


@dataclass
class Build:
    project: Path
    site: Path
    returncode: int
    log: str

    def page(self, kind: str, element_id: str) -> Page:
        path = self.site / "architecture" / kind / element_id / "index.html"
        return Page(path.read_text(encoding="utf-8"))


def site_config() -> dict[str, Any]:
    """A site configured like the project's own mkdocs.yml (its markdown extensions)."""
    project = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return {
        "site_name": "Hostile site",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", "archatlas"],
        "markdown_extensions": project["markdown_extensions"],
    }


def build_site(project: Path) -> Build:
    done = mkdocs_build(project, strict=False)
    return Build(project, project / "site", done.returncode, done.stdout + done.stderr)


FILE_NAME_WITH_BACKTICKS = "x`<img src=x onerror=alert(1)>`.yaml"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = tmp_path_factory.mktemp("site")
    shutil.copytree(HOSTILE / "site-escaping", project / "architecture")
    # Names git would carry but Windows checkouts cannot: made here, not committed.
    (project / "architecture" / FILE_NAME_WITH_BACKTICKS).write_text(
        "kind: actor\nid: bug-file-name-backticks\nuses: [{to: dot-quote, as: calls}]\n"
    )
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Home\n")
    (project / "secret.txt").write_text(CANARY + "\n")  # what a snippet include would leak
    (project / "mkdocs.yml").write_text(yaml.safe_dump(site_config(), sort_keys=False))
    return build_site(project)


def test_site_builds(site: Build) -> None:
    assert site.returncode == 0, site.log
    no_traceback(site.log)


@dataclass(frozen=True)
class SiteCase:
    id: str  # the element, an actor of tests/hostile/site-escaping
    name: str | None = None  # the name, when the page's heading must show it verbatim
    check: Callable[[Page], None] | None = None
    bug: str = ""


def _no_canary(page: Page) -> None:
    assert CANARY not in page.html
    assert "--8&lt;--" in page.html or "--8<--" in page.html  # shown as text


def _one_whole_link(page: Page) -> None:
    links = [href for href, text in page.article_links if text == "breaking out"]
    assert len(links) == 1, page.article_links
    assert links[0].startswith("https://example.com/a%20b"), links
    assert "onerror" not in [h[1] for h in page.handlers]


def _link_titles_are_text(page: Page) -> None:
    texts = [text for _, text in page.article_links]
    assert "<img src=x onerror=alert(1)> runbook" in texts, texts
    assert "](javascript:alert(1)) [x" in texts, texts


def _tags_are_code(page: Page) -> None:
    for tag in ("<script>alert(1)</script>", '"><svg onload=alert(1)>'):
        assert f"<code>{tag.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}" in (
            page.html.replace("&quot;", '"')
        ), tag


def _attr_list_shown(page: Page) -> None:
    assert 'onclick="alert(1)"' in page.html.replace("&quot;", '"')  # as text


def _has_diagram(page: Page) -> None:
    assert len(page.diagrams) == 1 and "<svg" in page.diagrams[0], page.diagrams


SITE_CASES = [
    SiteCase("esc-name-script", name="<script>alert(1)</script>"),
    SiteCase("esc-name-handler", name="<img src=x onerror=alert(1)>"),
    SiteCase(
        "esc-name-entities",
        name="&lt;script&gt;alert(1)&lt;/script&gt; &#106;avascript:alert(1)",
    ),
    SiteCase(
        "esc-name-markdown",
        name="[click](javascript:alert(1)) **bold** | cell | # not a heading {: onclick=alert(1)}",
    ),
    SiteCase("esc-description-html"),
    SiteCase("esc-description-links"),
    SiteCase("esc-description-entity-links"),
    SiteCase("esc-description-attr-list", check=_attr_list_shown),
    SiteCase("esc-description-snippet", check=_no_canary),
    SiteCase("esc-tags", check=_tags_are_code),
    SiteCase("esc-link-title", check=_link_titles_are_text),
    SiteCase("esc-link-url", check=_one_whole_link),
    SiteCase(
        "bug-tag-backticks",
    ),
    SiteCase(
        "bug-tag-carriage-return",
    ),
    SiteCase(
        "bug-description-escaped-backtick",
    ),
    SiteCase(
        "bug-description-unclosed-fence",
    ),
    SiteCase(
        "bug-description-quote-reference",
    ),
    SiteCase(
        "bug-description-list-reference",
    ),
    SiteCase(
        "bug-description-link-newline",
    ),
    SiteCase(
        "bug-file-name-backticks",
    ),
    SiteCase(
        "bug-name-carriage-return",
        name="Safe name\r# Injected heading",
    ),
    SiteCase(
        "bug-name-right-bracket",
        check=_has_diagram,
    ),
]


@pytest.mark.parametrize("case", _params(SITE_CASES))
def test_site_escapes(case: SiteCase, site: Build) -> None:
    assert site.returncode == 0, site.log
    page = site.page("actor", case.id)
    assert_runs_no_script(page)
    if case.name is not None:
        assert page.h1 == [" ".join(case.name.split())], page.h1
    if case.check is not None:
        case.check(page)


def test_site_catalogues_and_landscape_run_no_script(site: Build) -> None:
    for path in ("architecture/index.html", "architecture/actor/index.html", "index.html"):
        assert_runs_no_script(Page((site.site / path).read_text(encoding="utf-8")))


@dataclass(frozen=True)
class DotCase:
    id: str
    page: tuple[str, str]  # (kind, id) of the page whose diagram shows the text
    text: str  # a name, cluster or edge label as written in the YAML


DOT_CASES = [
    DotCase("dot-quote-arrow", ("service", "dot-quote"), 'a" -> b [label="x'),
    DotCase("dot-backslashes", ("service", "dot-backslash"), 'back\\slash \\N \\G \\L \\" end\\'),
    DotCase("dot-braces-arrows", ("service", "dot-brackets"), "} { [ ; x -> y -- z"),
    DotCase("dot-html-like-label", ("service", "dot-html-label"), "<<b>bold</b>>"),
    DotCase("dot-newlines", ("service", "dot-newline"), "line one\nline two\n\\n"),
    DotCase(
        "dot-cluster-label", ("service", "dot-quote"), '"; subgraph cluster_x { evil }; x [label="'
    ),
    # A relation's protocol shows in its edge's tooltip.
    DotCase("dot-edge-label", ("service", "dot-quote"), '"] ; x -> y [label="z'),
    DotCase("dot-edge-escapes", ("service", "dot-backslash"), "\\l\\r\\G"),
    DotCase("dot-edge-html", ("service", "dot-html-label"), "<i>html</i>"),
]


def test_flow_text_stays_text(site: Build) -> None:
    """A flow's hostile text, on its page, in its sequence diagram and over the graph."""
    assert site.returncode == 0, site.log
    page = site.page("flow", "esc-flow")
    assert_runs_no_script(page)
    assert len(page.diagrams) == 2, page.diagrams
    shown = [" ".join(html.unescape(text).split()) for text in page.svg_texts]
    for text in ("[<img src=x onerror=alert(1)>]", 'Trigger: "><svg onload=alert(1)>'):
        assert text in shown, (text, shown)
    # A step's whole text is its tooltip, escaped.
    sequence = page.diagrams[0]
    assert html.escape("</text><script>alert(1)</script> [x](javascript:alert(1))") in sequence
    assert '"archatlas-link:javascript' not in sequence
    links = [value for tag, name, value in page.links if tag == "a" and "href" in name]
    assert not [link for link in links if "javascript" in link.lower()], links


@pytest.mark.parametrize("case", _params(DOT_CASES))
def test_diagram_label_is_the_text(case: DotCase, site: Build) -> None:
    page = site.page(*case.page)
    _has_diagram(page)
    assert_runs_no_script(page)
    svg = page.diagrams[0]
    # Markup in a name stays text: no bold or italic but the card's own
    # bold name lines, which are exactly the lines of the names drawn.
    assert "<b>" not in svg and "<i>" not in svg
    bold = re.findall(r'<text[^>]*font-weight="bold"[^>]*>', svg)
    names = re.findall(r'<text[^>]*font-size="12.00" fill="#1f2328"[^>]*>', svg)
    assert bold and len(bold) == len(names), "only the cards' names are bold"
    assert "evil" not in re.findall(r'<g id="[^"]*" class="(?:node|cluster)">', svg)
    # A name or relation is one line in its tooltip (line breaks drawn as
    # spaces); a frame's name is drawn as it is.
    expected = " ".join(case.text.split())
    titles = re.findall(r'xlink:title="([^"]*)"', svg)
    shown = [" ".join(html.unescape(text).split()) for text in [*titles, *page.svg_texts]]
    assert any(expected in text for text in shown), (expected, shown)


# --- Graphviz failing, and inputs that make it fail --------------------------------------

SMALL = """\
kind: service
id: shop-api
name: NAME
runtime: {replicas: 2}
uses: [{to: shop-db, as: writes}]
---
kind: datastore
id: shop-db
engine: postgres
runtime: {replicas: 2}
---
kind: actor
id: buyer
uses: [{to: shop-api, as: calls}]
"""


def render(folder: Path, *args: str, path: str | None = None) -> Ran:
    """`archatlas render architecture --out out ARGS` in `folder`, with PATH `path`."""
    return run_cli(
        "render", "architecture", "--out", "out", *args, cwd=folder, env=environment(path)
    )


def small_project(folder: Path, name: str = "Shop API") -> Path:
    (folder / "architecture").mkdir(parents=True)
    (folder / "architecture" / "shop.yaml").write_text(
        SMALL.replace("NAME", name), encoding="utf-8"
    )
    return folder


def _quote_icon(folder: Path) -> None:
    arch = folder / "architecture"
    (arch / 'i.png" onload="alert(1)').write_bytes(PNG)
    (arch / "icon.yaml").write_text(
        "kind: actor\nid: quoted-icon\nicon: 'i.png\" onload=\"alert(1)'\n"
        "uses: [{to: shop-api, as: calls}]\n"
    )


@dataclass(frozen=True)
class RenderCase:
    id: str
    name: str = "Shop API"
    dot: str | None = None  # a fake dot script; "" for no dot on PATH
    args: tuple[str, ...] = ("--no-cache",)
    exit: int = 0
    expect: tuple[str, ...] = ()
    absent: tuple[str, ...] = ("error[diagram-failed]",)
    setup: Callable[[Path], None] | None = None
    source: str = ""  # a file under tests/hostile: the architecture, instead of SMALL
    bug: str = ""


RENDER_CASES = [
    RenderCase(
        "dot-hangs",
        dot="exec sleep 60",
        args=("--no-cache", "--dot-timeout", "1"),
        exit=1,
        expect=("error[diagram-failed]", "longer than 1 s and was stopped"),
        absent=(),
    ),
    RenderCase(
        "dot-killed-by-sigsegv",
        dot="cat >/dev/null\nkill -SEGV $$",
        exit=1,
        expect=("error[diagram-failed]", "Graphviz failed: exit -11"),
        absent=(),
    ),
    RenderCase(
        "dot-missing",
        dot="",
        exit=2,
        expect=("apt-get install graphviz",),
    ),
    RenderCase("name-with-dot-syntax", name="'\"; a -> b [label=\"x\\'"),
    RenderCase(
        "name-with-nul",
        name='"a\\0b"',
    ),
    RenderCase(
        "name-17000-characters",
        name="x" * 17_000,
    ),
    RenderCase(
        "name-dot-keyword-trailing-newline",
        source="name-dot-keyword-trailing-newline.yaml",
    ),
    RenderCase(
        "icon-file-name-with-quote",
        setup=_quote_icon,
        # The file name would reach Graphviz and the page: refused by check.
        exit=1,
        expect=("error[bad-icon]",),
        absent=("Traceback",),
    ),
]


@pytest.mark.parametrize("case", _params(RENDER_CASES))
def test_render(case: RenderCase, tmp_path: Path) -> None:
    folder = small_project(tmp_path, case.name)
    if case.source:
        shutil.copy(HOSTILE / case.source, folder / "architecture" / "shop.yaml")
    if case.setup is not None:
        case.setup(folder)
    path = None
    if case.dot == "":
        (tmp_path / "empty").mkdir()
        path = str(tmp_path / "empty")
    elif case.dot is not None:
        path = fake_dot(tmp_path / "bin", case.dot)
    ran = render(folder, *case.args, path=path)
    output = ran.stdout + ran.stderr
    no_traceback(output)
    assert ran.returncode == case.exit, output
    for text in case.expect:
        assert text in output, (text, output)
    for text in case.absent:
        assert text not in output, (text, output)
    assert ran.seconds < 30, f"took {ran.seconds:.1f} s"


# --- the diagram cache -------------------------------------------------------------------


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_cache_corrupt_entries_are_drawn_again(tmp_path: Path) -> None:
    folder = small_project(tmp_path)
    first = render(folder, "--cache-dir", "cache")
    assert first.returncode == 0, first.stderr
    expected = files_of(folder / "out")
    entries = sorted(path for path in (folder / "cache").rglob("*") if path.is_file())
    assert len(entries) >= 4
    entries[0].write_bytes(entries[0].read_bytes()[:100])  # truncated: killed mid-write
    entries[1].write_bytes(os.urandom(4096))  # garbage
    data = bytearray(entries[2].read_bytes())
    data[-10] ^= 0xFF  # one flipped byte: the checksum no longer matches
    entries[2].write_bytes(bytes(data))
    entries[3].unlink()
    entries[3].mkdir()  # an entry that is a folder
    (entries[0].parent / ".tmp-left-by-a-killed-build").write_bytes(b"<svg")
    shutil.rmtree(folder / "out")
    second = render(folder, "--cache-dir", "cache")
    no_traceback(second.stderr)
    assert second.returncode == 0, second.stderr
    assert files_of(folder / "out") == expected


def test_build_killed_midway_then_rebuilt(tmp_path: Path) -> None:
    clean = small_project(tmp_path / "clean")
    assert render(clean).returncode == 0
    folder = small_project(tmp_path / "killed")
    dot = shutil.which("dot")
    assert dot is not None
    slow = fake_dot(tmp_path / "bin", f'sleep 0.4\nexec "{dot}" "$@"')
    process = subprocess.Popen(
        [*archatlas_command(), "render", "architecture", "--out", "out", "--cache-dir", "cache"],
        cwd=folder,
        env=environment(slow),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGKILL)  # the build and its dot runs, midway
    process.wait(timeout=10)
    shutil.rmtree(folder / "out", ignore_errors=True)
    again = render(folder, "--cache-dir", "cache")
    no_traceback(again.stderr)
    assert again.returncode == 0, again.stderr
    assert files_of(folder / "out") == files_of(clean / "out")


def test_cache_entry_committed_with_a_script_is_not_published(tmp_path: Path) -> None:
    folder = small_project(tmp_path)
    assert render(folder).returncode == 0  # the default cache: .cache/archatlas
    entries = [path for path in (folder / ".cache").rglob("*") if path.is_file()]
    assert entries
    for entry in entries:  # what a pull request could commit, checksums and all
        payload = (
            entry.read_bytes()[65:].replace(b"<svg ", b"<svg onload=\"alert('cache')\" ", 1)
            + b"<script>alert('cache')</script>"
        )
        entry.write_bytes(hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload)
    shutil.rmtree(folder / "out")
    again = render(folder)
    assert again.returncode == 0, again.stderr
    published = "".join(
        text.decode("utf-8")
        for text in files_of(folder / "out").values()
        if text.startswith((b"<", b"#", b"-"))
    )
    assert "alert('cache')" not in published


# --- unit-level rows ---------------------------------------------------------------------


def test_empty_tag_shows_nothing() -> None:
    html = python_markdown.markdown(f"tags: {markdown.code('')} {markdown.code('x')}")
    assert html == "<p>tags:  <code>x</code></p>", html


# --- archatlas import: hostile descriptors ------------------------------------------


@dataclass(frozen=True)
class ImportCase:
    id: str
    source: str | Setup  # a file or folder under tests/hostile/, or a function making `input/`
    importer: str  # kubernetes, compose
    expect: tuple[str, ...]  # "path:line:col: severity[rule]" lines (prefixes) of the output
    exit: int = 1
    absent: tuple[str, ...] = ()  # must not appear in stdout, nor exist as a file


def _input_file(name: str, text: str | bytes) -> Setup:
    def setup(folder: Path, case: Path) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        (folder / name).write_bytes(data)

    return setup


def _huge_manifest(folder: Path, case: Path) -> None:
    with (folder / "huge.yaml").open("wb") as file:
        file.write(b"kind: Deployment\nmetadata:\n  name: huge\n  annotations:\n    a: ")
        file.write(b"x" * (30 * 1024 * 1024))


def I(where: str, rule: str) -> str:  # noqa: E743 - reads like E() above
    return f"input/{where}: error[{rule}]"


IMPORT_CASES = [
    ImportCase(
        "k8s-billion-laughs",
        "manifests/k8s-billion-laughs.yaml",
        "kubernetes",
        (I("k8s-billion-laughs.yaml:11:8", "alias-expansion"), "1 service"),
    ),
    ImportCase(
        "k8s-python-tag",
        "manifests/k8s-python-tag.yaml",
        "kubernetes",
        (I("k8s-python-tag.yaml:4:9", "yaml-tag"),),
        absent=("pwned",),
    ),
    ImportCase(
        "compose-python-tag",
        "manifests/compose-python-tag.yaml",
        "compose",
        (I("compose-python-tag.yaml:5:16", "yaml-tag"),),
        absent=("pwned",),
    ),
    ImportCase(
        "k8s-nesting-50000",
        _input_file("deep.yaml", "kind: Deployment\nmetadata: " + "[" * 50_000 + "]" * 50_000),
        "kubernetes",
        (I("deep.yaml:2:1010", "too-deep"),),
    ),
    ImportCase(
        "compose-nesting-50000",
        _input_file("compose.yaml", "services:\n  web:\n    image: " + "{a: " * 50_000),
        "compose",
        (I("compose.yaml:3:256", "too-deep"),),
    ),
    ImportCase(
        "k8s-file-30-mb", _huge_manifest, "kubernetes", (I("huge.yaml:1:1", "file-too-large"),)
    ),
    ImportCase(
        "kustomize-resources-outside-and-remote",
        "manifests/kustomize-escape",
        "kubernetes",
        (
            I("kustomization.yaml:3:5", "input-outside-folder"),
            I("kustomization.yaml:4:5", "input-outside-folder"),
            I("kustomization.yaml:5:5", "input-on-network"),
            I("kustomization.yaml:6:5", "input-on-network"),
            "1 service",
        ),
        absent=("root:",),
    ),
    ImportCase(
        "backstage-locations-outside-remote-and-looping",
        "manifests/backstage-escape",
        "backstage",
        (
            I("catalog-info.yaml:7:7", "input-outside-folder"),
            I("catalog-info.yaml:8:7", "input-outside-folder"),
            I("catalog-info.yaml:9:7", "input-on-network"),
            I("catalog-info.yaml:19:11", "input-on-network"),
            "read 1 file: 1 service",
        ),
        absent=("root:",),
    ),
]


def make_import_case(case: ImportCase, folder: Path) -> None:
    target = folder / "input"
    if isinstance(case.source, str):
        source = HOSTILE / case.source
        if source.is_dir():
            shutil.copytree(source, target, symlinks=True)
        else:
            target.mkdir(parents=True)
            shutil.copy(source, target / source.name)
    else:
        target.mkdir(parents=True)
        case.source(target, folder)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Ran, Path]]:
    """Every IMPORT_CASES row run once (`archatlas import NAME input --out out`)."""
    base = tmp_path_factory.mktemp("import")
    for case in IMPORT_CASES:
        make_import_case(case, base / case.id)
    runs = run_cli_all(
        [
            (["import", case.importer, "input", "--out", "out"], base / case.id)
            for case in IMPORT_CASES
        ]
    )
    return {case.id: (ran, base / case.id) for case, ran in zip(IMPORT_CASES, runs, strict=True)}


@pytest.mark.parametrize("case", _params(IMPORT_CASES))
def test_import(case: ImportCase, imported: dict[str, tuple[Ran, Path]]) -> None:
    ran, folder = imported[case.id]
    no_traceback(ran.stderr)
    assert ran.stderr == "", ran.stderr
    assert ran.returncode == case.exit, ran.stdout
    for line in case.expect:
        assert line in ran.stdout, (line, ran.stdout)
    for text in case.absent:
        assert text not in ran.stdout, (text, ran.stdout)
        assert not (folder / text).exists(), f"{text} was created: code ran"
    assert ran.seconds < 20, f"took {ran.seconds:.1f} s"


def test_import_never_fetches(tmp_path: Path) -> None:
    """A remote resource naming a port that listens here: no connection is ever made."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    base = tmp_path / "input"
    base.mkdir()
    (base / "kustomization.yaml").write_text(
        f"resources:\n  - http://127.0.0.1:{port}/app.yaml\n  - https://127.0.0.1:{port}/x\n"
    )
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog-info.yaml").write_text(
        f"kind: Location\nmetadata: {{name: remote}}\n"
        f"spec:\n  targets: [http://127.0.0.1:{port}/catalog-info.yaml]\n"
    )
    ran = run_cli("import", "kubernetes", "input", "--out", "out", cwd=tmp_path)
    assert ran.returncode == 1, ran.stdout
    assert f"input/kustomization.yaml:2:5: error[input-on-network]: 'http://127.0.0.1:{port}" in (
        ran.stdout
    )
    ran = run_cli("drift", "out", "--backstage", "catalog", cwd=tmp_path)
    assert ran.returncode == 1, ran.stdout
    assert "catalog/catalog-info.yaml:4:13: error[input-on-network]" in ran.stdout
    with pytest.raises(BlockingIOError):
        listener.accept()
    listener.close()
