"""Each extension point is one declaration: these tests name what a new one lacks."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import get_args

import pytest

from archatlas.diff_report import DIFF_FORMATS
from archatlas.drift_report import DRIFT_FORMATS
from archatlas.format import Element
from archatlas.icons import icon_file
from archatlas.kinds import KIND_SPECS, KINDS, KindSpec
from archatlas.load import LoadLimits, load_text
from archatlas.model import Architecture, build
from archatlas.pages import Layout, diagram_views, generate_pages
from archatlas.report import CHECK_FORMATS
from archatlas.settings import DEFAULTS, BuildSettings
from archatlas.sources import SOURCES
from archatlas.views import VIEW_SPECS, build_view, view_keys

TEMPLATES = Path(__file__).parents[1] / "plugins" / "archatlas" / "templates"


def _concrete_models(base: type[Element]) -> set[type[Element]]:
    found: set[type[Element]] = set()
    for model in base.__subclasses__():
        if len(get_args(model.model_fields["kind"].annotation)) == 1:
            found.add(model)
        found |= _concrete_models(model)
    return found


def test_every_element_model_is_a_declared_kind() -> None:
    declared = {spec.model for spec in KIND_SPECS.values()}
    missing = sorted(model.__name__ for model in _concrete_models(Element) - declared)
    assert not missing, f"models with no KindSpec in kinds.py: {missing}"


def _architecture(*kinds: str) -> Architecture:
    """One element of each kind, with only the fields it needs."""
    text = "---\n".join(
        f"kind: {kind}\nid: a-{kind}\n" + ("ledger: a-ledger\n" if kind == "ledger-node" else "")
        for kind in kinds
    )
    documents, problems = load_text(text, Path("minimal.yaml").absolute(), "minimal.yaml")
    arch, findings = build(documents)
    assert not problems and not findings, [*problems, *findings]
    return arch


@pytest.mark.parametrize("kind", KINDS)
def test_kind_has_icon_views_sections_and_pages(kind: str) -> None:
    spec: KindSpec = KIND_SPECS[kind]
    assert spec.plural, f"kind '{kind}' has no plural"
    assert icon_file(spec.icon).is_file(), f"kind '{kind}': no icon file {spec.icon}"
    for section in spec.sections:
        template = TEMPLATES / "sections" / f"{section}.md.j2"
        assert template.is_file(), f"kind '{kind}': no template {template.name}"
    arch = _architecture(kind)
    (element,) = arch.elements
    for view in spec.views:
        assert view in VIEW_SPECS, f"kind '{kind}' shows the undeclared view '{view}'"
        assert build_view(arch, f"{view}/{element.id}") is not None, (
            f"kind '{kind}': the view '{view}' cannot be drawn for it"
        )
    layout = Layout()
    pages = generate_pages(arch, [], layout)
    assert f"# {spec.plural}" in pages[layout.catalogue(kind)]
    page = pages[layout.element(element)]
    for key in diagram_views(element):
        assert f"(arch:view/{key})" in page


def test_every_declared_view_is_drawn_for_some_kind_or_the_site() -> None:
    keys = view_keys(_architecture(*KINDS))
    for name in VIEW_SPECS:
        assert any(key.partition("/")[0] == name for key in keys), f"view '{name}' is never drawn"


CLI_REFERENCE = (Path(__file__).parents[1] / "docs" / "reference" / "cli.md").read_text("utf-8")


FORMATS = {"check": CHECK_FORMATS, "diff": DIFF_FORMATS, "drift": DRIFT_FORMATS}


@pytest.mark.parametrize(
    ("command", "name"),
    [(command, name) for command, formats in FORMATS.items() for name in formats],
)
def test_every_output_format_is_documented(command: str, name: str) -> None:
    assert f"### `--format {name}` {{#{command}-format-{name}}}" in CLI_REFERENCE, (
        f"docs/reference/cli.md has no section for `archatlas {command} --format {name}`"
    )
    summary = FORMATS[command][name].summary
    assert f"`{name}`: {summary}" in CLI_REFERENCE, (
        f"docs/reference/cli.md's options of `archatlas {command}` do not say `{name}`: {summary}"
    )


# One small file each source reads: a new source names its own here.
SOURCE_FILES = {
    "yaml": "kind: actor\nid: one\n",
    "kubernetes": "kind: Deployment\nmetadata: {name: one}\nspec: {replicas: 2}\n",
    "compose": "services:\n  one: {image: example/one}\n",
    "backstage": "kind: Component\nmetadata: {name: one}\nspec: {type: service}\n",
}


@pytest.mark.parametrize("name", SOURCES)
def test_every_source_reads_a_file_and_a_folder(name: str, tmp_path: Path) -> None:
    assert name in SOURCE_FILES, f"source '{name}' has no sample file in SOURCE_FILES"
    folder = tmp_path / "architecture"
    (folder / "inner").mkdir(parents=True)
    (folder / "inner" / "one.yaml").write_text(SOURCE_FILES[name], encoding="utf-8")
    source = SOURCES[name]
    assert source.summary, f"source '{name}' has no summary"
    for path in (folder, folder / "inner" / "one.yaml"):
        loaded = source.read([path], LoadLimits(), tmp_path)
        assert loaded.documents
        assert {document.path for document in loaded.documents} == {"architecture/inner/one.yaml"}
        assert not loaded.findings


SITE_PAGE = (Path(__file__).parents[1] / "docs" / "site.md").read_text("utf-8")


def _as_written(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.mark.parametrize("option", [field.name for field in fields(BuildSettings)])
def test_every_build_option_is_documented_with_its_default(option: str) -> None:
    default = _as_written(getattr(DEFAULTS, option))
    assert f"| `{option}` | `{default}` |" in SITE_PAGE, (
        f"docs/site.md's options table has no row for `{option}` with its default `{default}`"
    )
