"""`archatlas export backstage|structurizr|likec4`: golden files, and their structure.

tests/export/architecture is exported into a fresh folder and compared with
tests/export/expected (ARCHATLAS_UPDATE_GOLDEN=1 rewrites it). Structural
tests read each export back as its target does: Backstage entities and
their references, DSL braces and identifiers, LikeC4 names.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from archatlas.cli import main
from archatlas.export import EXPORTERS
from conftest import TESTS

CASE = TESTS / "export"
UPDATE = os.environ.get("ARCHATLAS_UPDATE_GOLDEN") == "1"
FILES = {"backstage": "catalog-info.yaml", "structurizr": "workspace.dsl", "likec4": "model.c4"}
# Backstage's own rules for names and tags (catalog-model's validators).
NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
TAG = re.compile(r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("export")
    cwd = Path.cwd()
    os.chdir(CASE)
    try:
        for name in EXPORTERS:
            assert main(["export", name, "architecture", "--out", str(out)]) == 0
    finally:
        os.chdir(cwd)
    return {name: (out / FILES[name]).read_text(encoding="utf-8") for name in EXPORTERS}


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("backstage", "7 elements in out/catalog-info.yaml (not exported: 1 actor)\n"),
        ("structurizr", "7 elements in out/workspace.dsl (not exported: 1 team)\n"),
        ("likec4", "7 elements in out/model.c4 (not exported: 1 team)\n"),
    ],
)
def test_export_says_what_it_wrote_and_left_out(
    name: str,
    said: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shutil.copytree(CASE / "architecture", tmp_path / "architecture")
    monkeypatch.chdir(tmp_path)
    assert main(["export", name, "architecture", "--out", "out"]) == 0
    assert capsys.readouterr().out == said


@pytest.mark.parametrize("name", sorted(FILES))
def test_export_is_the_expected_file(name: str, exported: dict[str, str]) -> None:
    expected = CASE / "expected" / FILES[name]
    if UPDATE:
        expected.write_text(exported[name], encoding="utf-8")
    assert exported[name] == expected.read_text(encoding="utf-8")


def test_every_exporter_is_tested() -> None:
    assert sorted(EXPORTERS) == sorted(FILES)


def test_backstage_entities_are_valid_and_their_references_resolve(
    exported: dict[str, str],
) -> None:
    entities = list(yaml.safe_load_all(exported["backstage"]))
    refs = {f"{e['kind'].lower()}:{e['metadata']['name']}" for e in entities}
    kinds = sorted(e["kind"] for e in entities)
    assert kinds == ["API", "Component", "Component", "Domain", "Group", "Resource", "System"]
    for entity in entities:
        assert entity["apiVersion"] == "backstage.io/v1alpha1"
        assert NAME.match(entity["metadata"]["name"]) and len(entity["metadata"]["name"]) <= 63
        assert all(TAG.match(tag) for tag in entity["metadata"].get("tags", []))
        spec = entity["spec"]
        if entity["kind"] in ("Component", "API"):
            assert spec["type"] and spec["lifecycle"] and spec["owner"]
        for target in [*spec.get("dependsOn", []), *spec.get("consumesApis", [])]:
            assert target in refs, target
        if "owner" in spec and spec["owner"] != "unknown":
            assert spec["owner"] in refs
    web = next(e for e in entities if e["metadata"]["name"] == "web")
    assert web["spec"]["type"] == "website"
    assert web["spec"]["dependsOn"] == ["component:api"]
    api = next(e for e in entities if e["metadata"]["name"] == "api")
    assert api["spec"]["consumesApis"] == ["api:payments"]


def _balanced(text: str) -> bool:
    depth = 0
    for line in text.splitlines():
        unquoted = re.sub(r"\"(\\.|[^\"\\])*\"|'(\\.|[^'\\])*'", "", line)
        depth += unquoted.count("{") - unquoted.count("}")
        if depth < 0:
            return False
    return depth == 0


def test_structurizr_relations_name_declared_identifiers(exported: dict[str, str]) -> None:
    text = exported["structurizr"]
    assert _balanced(text)
    declared = set(
        re.findall(r"^\s*([a-z][a-z0-9-]*) = (?:person|softwareSystem|container) ", text, re.M)
    )
    relations = re.findall(r"^\s*([a-z][a-z0-9-]*) -> ([a-z][a-z0-9-]*) ", text, re.M)
    assert declared == {"customer", "payments", "shop", "api", "orders-db", "web"}
    assert len(relations) == 4
    assert all(a in declared and b in declared for a, b in relations)
    assert 'web = container "Web" "" "example/web:1.4" "frontend,Customer Facing" {' in text
    assert '\\"storefront\\"' in text  # quotes escaped inside DSL strings


def test_likec4_relations_use_the_full_names_of_declared_elements(exported: dict[str, str]) -> None:
    text = exported["likec4"]
    assert _balanced(text)
    kinds = set(re.findall(r"^  element ([A-Za-z]+)", text, re.M))
    found = re.findall(r"^(\s*)([a-z][a-z0-9-]*) = ([A-Za-z]+) '", text, re.M)
    assert {kind for _, _, kind in found} <= kinds
    names, stack = set(), []
    for indent, name, _ in found:
        level = len(indent) // 2 - 1
        stack[level:] = [name]
        names.add(".".join(stack))
    relations = re.findall(r"^  ([a-z][a-z0-9.-]*) -> ([a-z][a-z0-9.-]*) '", text, re.M)
    assert len(relations) == 4
    assert all(a in names and b in names for a, b in relations)


def test_export_refuses_an_architecture_with_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "architecture").mkdir()
    (tmp_path / "architecture" / "bad.yaml").write_text("kind: service\nid: a\nowner: nobody\n")
    monkeypatch.chdir(tmp_path)
    assert main(["export", "likec4", "architecture", "--out", "out"]) == 1
    assert "nothing written: fix the errors first" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_example_architecture_exports_the_same_bytes_twice(name: str) -> None:
    from archatlas.check import check_directory

    architecture = check_directory(TESTS.parent / "architecture").architecture
    first = EXPORTERS[name].write(architecture)
    assert first == EXPORTERS[name].write(architecture)
    assert list(first) == [FILES[name]]
