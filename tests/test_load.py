"""Unit tests of the load stage: YAML text and files to documents with positions."""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path

import pytest

from archatlas.check import check_directory
from archatlas.findings import RULES, Finding
from archatlas.load import Document, LoadLimits, load_paths, load_text
from archatlas.yamlstream import UnreadText, parse_documents
from archatlas.yamltree import (
    Limits,
    Mapping,
    ParsedDocument,
    Pos,
    Problem,
    Scalar,
    Sequence,
    to_python,
)

FILE = Path("/virtual/arch/element.yaml")
SHOWN = "arch/element.yaml"


def load(text: str, limits: Limits = Limits()) -> tuple[list[Document], list[Finding]]:
    return load_text(text, FILE, SHOWN, limits)


def only_document(text: str) -> Mapping:
    documents, findings = load(text)
    assert findings == []
    assert len(documents) == 1
    return documents[0].root


def value(root: Mapping, key: str) -> object:
    node = root.get(key)
    assert node is not None, f"no key {key!r}"
    return to_python(node)


def rules(findings: list[Finding]) -> list[str]:
    return [item.rule for item in findings]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


# --- scalars: YAML 1.2 core schema, strings as written ------------------------------


@pytest.mark.parametrize("text", ["NO", "no", "No", "yes", "Yes", "on", "off", "ON", "y", "n"])
def test_yaml_1_1_booleans_stay_strings(text: str) -> None:
    root = only_document(f"name: {text}\n")
    assert value(root, "name") == text
    assert isinstance(value(root, "name"), str)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("false", False), ("True", True), ("FALSE", False)],
)
def test_true_and_false_are_booleans(text: str, expected: bool) -> None:
    assert value(only_document(f"async: {text}\n"), "async") is expected


def test_numbers_and_quoted_numbers() -> None:
    root = only_document("replicas: 3\nquoted: \"3\"\nsingle: '3'\nversion: 1.10\nneg: -7\n")
    assert value(root, "replicas") == 3
    assert type(value(root, "replicas")) is int
    assert value(root, "quoted") == "3"
    assert value(root, "single") == "3"
    version = value(root, "version")
    assert type(version) is float
    assert version == pytest.approx(1.1)
    assert value(root, "neg") == -7


def test_other_core_schema_scalars() -> None:
    root = only_document(
        "empty:\ntilde: ~\nnull: null\nhex: 0x1F\noct: 0o17\nexp: 1e3\ninf: -.inf\n"
        "nan: .nan\ndate: 2024-01-31\nsexagesimal: 1:30\nversion: 2.5.9\n"
    )
    assert value(root, "empty") is None
    assert value(root, "tilde") is None
    assert value(root, "null") is None
    assert value(root, "hex") == 31
    assert value(root, "oct") == 15
    assert value(root, "exp") == 1000.0
    assert value(root, "inf") == -math.inf
    nan = value(root, "nan")
    assert isinstance(nan, float)
    assert math.isnan(nan)
    # YAML 1.1 timestamps and base-60 numbers are plain text in the core schema.
    assert value(root, "date") == "2024-01-31"
    assert value(root, "sexagesimal") == "1:30"
    assert value(root, "version") == "2.5.9"


@pytest.mark.parametrize("style", ["|", "|-", ">", ">-", "|+"])
def test_block_scalars_are_strings(style: str) -> None:
    root = only_document(f"description: {style}\n  true\n  3\ntags: []\n")
    description = value(root, "description")
    assert isinstance(description, str)
    assert "true" in description
    assert "3" in description


def test_block_scalar_keeps_its_lines() -> None:
    root = only_document("description: |\n  NO\n  1.10\n")
    assert value(root, "description") == "NO\n1.10\n"


def test_safe_standard_tags_are_resolved() -> None:
    root = only_document('a: !!str 3\nb: !!int "7"\nc: !!float 2\nd: !!bool true\ne: ! 12\n')
    assert value(root, "a") == "3"
    assert value(root, "b") == 7
    assert value(root, "c") == 2.0
    assert type(value(root, "c")) is float
    assert value(root, "d") is True
    assert value(root, "e") == "12"


def test_standard_tag_with_a_wrong_value_is_a_finding() -> None:
    documents, findings = load("replicas: !!int two\n")
    assert documents == []
    assert rules(findings) == ["wrong-type"]
    assert (findings[0].line, findings[0].col) == (1, 11)


# --- positions ---------------------------------------------------------------------

POSITIONED = """\
kind: service
id: api
tags: [fast, small]
uses:
  - to: db
    as: reads
  - to: cache
runtime:
  replicas: 2
"""


def test_positions_of_keys_and_values() -> None:
    root = only_document(POSITIONED)
    assert root.pos == Pos(1, 1)
    kind_key = root.key("kind")
    assert kind_key is not None
    assert kind_key.pos == Pos(1, 1)
    kind = root.get("kind")
    assert isinstance(kind, Scalar)
    assert kind.pos == Pos(1, 7)
    identifier = root.get("id")
    assert identifier is not None
    assert identifier.pos == Pos(2, 5)
    runtime_key = root.key("runtime")
    assert runtime_key is not None
    assert runtime_key.pos == Pos(8, 1)
    runtime = root.get("runtime")
    assert isinstance(runtime, Mapping)
    assert runtime.pos == Pos(9, 3)
    replicas_key = runtime.key("replicas")
    replicas = runtime.get("replicas")
    assert replicas_key is not None
    assert replicas is not None
    assert replicas_key.pos == Pos(9, 3)
    assert replicas.pos == Pos(9, 13)


def test_positions_of_list_items() -> None:
    root = only_document(POSITIONED)
    tags = root.get("tags")
    assert isinstance(tags, Sequence)
    assert tags.pos == Pos(3, 7)
    assert [item.pos for item in tags.items] == [Pos(3, 8), Pos(3, 14)]
    uses = root.get("uses")
    assert isinstance(uses, Sequence)
    assert uses.pos == Pos(5, 3)
    first, second = uses.items
    assert isinstance(first, Mapping)
    assert isinstance(second, Mapping)
    assert first.pos == Pos(5, 5)
    assert second.pos == Pos(7, 5)
    verb_key = first.key("as")
    verb = first.get("as")
    assert verb_key is not None
    assert verb is not None
    assert verb_key.pos == Pos(6, 5)
    assert verb.pos == Pos(6, 9)


def test_positions_count_characters_not_bytes() -> None:
    root = only_document("name: Zürich café\nid: x\ntags: [é, ü]\n")
    tags = root.get("tags")
    assert isinstance(tags, Sequence)
    assert [item.pos for item in tags.items] == [Pos(3, 8), Pos(3, 11)]


def test_positions_in_later_documents_count_from_the_file_start() -> None:
    documents, findings = load("kind: team\nid: a\n---\n# second\nkind: team\nid: b\n")
    assert findings == []
    assert [document.index for document in documents] == [0, 1]
    second_id = documents[1].root.get("id")
    assert second_id is not None
    assert second_id.pos == Pos(6, 5)


# --- duplicate keys -------------------------------------------------------------


def test_duplicate_key_at_the_second_key_naming_the_first_line() -> None:
    _, findings = load("kind: team\nid: a\nname: One\ncontact: x\nname: Two\n")
    assert rules(findings) == ["duplicate-key"]
    duplicate = findings[0]
    assert (duplicate.path, duplicate.line, duplicate.col) == (SHOWN, 5, 1)
    assert "'name'" in duplicate.message
    assert "line 3" in duplicate.message


def test_duplicate_key_in_a_nested_mapping() -> None:
    text = "kind: service\nid: a\nuses:\n  - to: b\n    as: calls\n    to: c\n"
    _, findings = load(text)
    assert rules(findings) == ["duplicate-key"]
    assert (findings[0].line, findings[0].col) == (6, 5)
    assert "line 4" in findings[0].message


def test_quoted_and_plain_spellings_of_a_key_are_the_same_key() -> None:
    _, findings = load('id: a\n"id": b\n')
    assert rules(findings) == ["duplicate-key"]
    assert findings[0].line == 2


def test_equal_keys_in_different_mappings_are_fine() -> None:
    text = "uses:\n  - to: a\n  - to: b\nruntime:\n  to: c\n"
    only_document(text)


# --- tags never build objects ------------------------------------------------------


def test_python_tag_is_refused_and_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args) or 0)
    marker = tmp_path / "marker"
    text = (
        "kind: team\nid: a\n"
        f'name: !!python/object/apply:os.system ["echo hi > {marker}"]\n'
        'contact: !!python/object/apply:os.system ["echo hi"]\n'
    )
    documents, findings = load(text)
    assert documents == []
    assert rules(findings) == ["yaml-tag"]
    assert (findings[0].line, findings[0].col) == (3, 7)
    assert "python/object/apply:os.system" in findings[0].message
    assert calls == []
    assert not marker.exists()
    assert "hi" not in capfd.readouterr().out


def test_python_tag_through_check_directory(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    write(
        tmp_path / "arch" / "evil.yaml",
        f'!!python/object/apply:os.system ["touch {marker}"]\n',
    )
    result = check_directory(tmp_path / "arch")
    assert [item.rule for item in result.findings] == ["yaml-tag"]
    assert result.architecture.elements == ()
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        "name: !foo bar\n",
        "runtime: !foo {replicas: 2}\n",
        "tags: !foo [a]\n",
        "!foo\nkind: team\n",
        "name: !!binary aGk=\n",
        "name: !!python/name:os.system\n",
        "tags: !!set {a, b}\n",
        "runtime: !!omap [a: 1]\n",
    ],
)
def test_custom_and_unsafe_tags_are_refused(text: str) -> None:
    documents, findings = load(text)
    assert documents == []
    assert rules(findings) == ["yaml-tag"]
    assert findings[0].hint


# --- aliases -----------------------------------------------------------------------


def test_small_aliases_are_expanded() -> None:
    root = only_document("base: &tags [a, b]\ntags: *tags\n")
    assert value(root, "tags") == ("a", "b")


def billion_laughs(levels: int = 10) -> str:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_stopped() -> None:
    # 9**10 values if expanded: the test finishing at all is the assertion.
    documents, findings = load(billion_laughs())
    assert documents == []
    assert rules(findings) == ["alias-expansion"]
    assert findings[0].line >= 1


def test_billion_laughs_through_check_directory(tmp_path: Path) -> None:
    write(tmp_path / "arch" / "laughs.yaml", "kind: team\nid: a\n---\n" + billion_laughs())
    result = check_directory(tmp_path / "arch")
    assert [item.rule for item in result.findings] == ["alias-expansion"]
    assert [element.id for element in result.architecture.elements] == ["a"]


def test_alias_expansion_limit_is_configurable() -> None:
    text = "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n"
    assert load(text)[1] == []
    _, findings = load(text, Limits(max_nodes=10))
    assert rules(findings) == ["alias-expansion"]


def test_many_values_without_aliases_do_not_blame_aliases() -> None:
    text = "kind: team\nid: a\ntags: [" + ", ".join(["x"] * 200) + "]\n"
    documents, findings = load(text, Limits(max_nodes=100))
    assert documents == []
    assert len(findings) == 1
    assert "alias" not in (findings[0].message + findings[0].hint).lower()


# --- nesting -----------------------------------------------------------------------


def test_50000_deep_flow_nesting_is_too_deep_without_recursion_error() -> None:
    text = "[" * 50000 + "]" * 50000
    documents, findings = load(text)
    assert documents == []
    assert rules(findings) == ["too-deep"]
    assert (findings[0].line, findings[0].col) >= (1, 1)


@pytest.mark.parametrize(
    "text",
    ["[" * 50000 + "]" * 50000, "- " * 50000 + "x\n", "{a: " * 1200 + "1" + "}" * 1200],
    ids=["flow-seq-50000", "block-seq-50000", "flow-map-1200"],
)
def test_nesting_beyond_libyaml_limit_is_too_deep(text: str) -> None:
    _, findings = load(text)
    assert rules(findings) == ["too-deep"]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100 + "]" * 100,
        "{a: " * 200 + "1" + "}" * 200,
        "- " * 900 + "x\n",
        "".join(" " * level + "a:\n" for level in range(200)) + " " * 200 + "b: 1\n",
    ],
    ids=["flow-seq", "flow-map", "block-seq", "block-map"],
)
def test_too_deep(text: str) -> None:
    documents, findings = load(text)
    assert documents == []
    assert rules(findings) == ["too-deep"]
    assert findings[0].line >= 1
    assert findings[0].col >= 1


def test_depth_limit_is_configurable() -> None:
    text = "runtime:\n  autoscale:\n    min: 1\n"
    assert load(text, Limits(max_depth=3))[1] == []
    assert rules(load(text, Limits(max_depth=2))[1]) == ["too-deep"]


# --- line ends, BOM --------------------------------------------------------------------


def test_utf8_bom_and_crlf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    content = (
        "\ufeffkind: team\r\nid: core\r\ndescription: |\r\n  one\r\n  two\r\n"
        "name: Core\r\n---\r\nkind: team\r\nid: edge\r\nowner: nobody-here\r\n"
    )
    write(tmp_path / "arch" / "teams.yaml", content)
    loaded = load_paths([Path("arch")])
    assert loaded.findings == ()
    assert loaded.files == ("arch/teams.yaml",)
    first, second = loaded.documents
    assert to_python(first.root) == {
        "kind": "team",
        "id": "core",
        "description": "one\ntwo\n",
        "name": "Core",
    }
    kind_key = first.root.key("kind")
    name_key = first.root.key("name")
    owner = second.root.get("owner")
    assert kind_key is not None
    assert name_key is not None
    assert owner is not None
    assert kind_key.pos == Pos(1, 1)
    assert name_key.pos == Pos(6, 1)
    assert owner.pos == Pos(10, 8)
    result = check_directory(Path("arch"))
    [unknown] = result.findings
    assert (unknown.rule, unknown.path, unknown.line, unknown.col) == (
        "unknown-reference",
        "arch/teams.yaml",
        10,
        8,
    )


# --- syntax errors ------------------------------------------------------------------


def test_tab_indentation_is_a_syntax_error_with_a_hint() -> None:
    documents, findings = load("kind: team\n\tid: a\n")
    assert documents == []
    assert rules(findings) == ["yaml-syntax"]
    assert findings[0].line == 2
    assert "tab" in findings[0].hint.lower()


@pytest.mark.parametrize(
    "text",
    ["uses:\n\t- to: x\n", "runtime:\n\treplicas: 2\n", "\tkind: team\n"],
    ids=["nested-list", "nested-map", "first-line"],
)
def test_every_tab_indentation_gets_the_hint(text: str) -> None:
    _, findings = load(text)
    assert rules(findings) == ["yaml-syntax"]
    assert "tab" in findings[0].hint.lower()


def test_tab_after_a_colon_is_fine() -> None:
    assert to_python(only_document("kind:\tteam\nid:\tx\n")) == {"kind": "team", "id": "x"}


def test_documents_before_a_syntax_error_are_kept() -> None:
    text = "kind: team\nid: a\n---\nkind: team\nid: b\n---\nkind: team\nid: [c\nname: x\n"
    documents, findings = load(text)
    assert [to_python(document.root)["id"] for document in documents] == ["a", "b"]  # type: ignore[index]
    assert rules(findings) == ["yaml-syntax"]
    assert findings[0].line >= 8


def test_a_refused_document_does_not_hide_the_next_ones() -> None:
    text = "kind: team\nid: a\n---\nkind: team\nid: !foo b\n---\nkind: team\nid: c\n"
    documents, findings = load(text)
    assert rules(findings) == ["yaml-tag"]
    assert findings[0].line == 5
    assert [to_python(document.root)["id"] for document in documents] == ["a", "c"]  # type: ignore[index]
    assert [document.index for document in documents] == [0, 2]


def test_syntax_error_position() -> None:
    _, findings = load("kind: team\nid: a\nname: 'unclosed\n")
    assert rules(findings) == ["yaml-syntax"]
    assert findings[0].line >= 3
    assert findings[0].message


def test_undefined_alias_is_a_syntax_error() -> None:
    _, findings = load("kind: team\nid: *nowhere\n")
    assert rules(findings) == ["yaml-syntax"]
    assert (findings[0].line, findings[0].col) == (2, 5)


def test_mapping_key_must_be_a_scalar() -> None:
    _, findings = load("? [a, b]\n: 1\n")
    assert rules(findings) == ["wrong-type"]


# --- empty and non-mapping documents ---------------------------------------------------


def assert_empty(text: str, tmp_path: Path) -> None:
    assert load(text) == ([], [])
    write(tmp_path / "arch" / "empty.yaml", text)
    result = check_directory(tmp_path / "arch")
    assert result.findings == ()
    assert result.architecture.elements == ()
    assert len(result.files) == 1


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only a comment\n# and another\n", "  # indented comment"],
    ids=["empty", "blank", "comments", "indented-comment"],
)
def test_empty_files_give_nothing(text: str, tmp_path: Path) -> None:
    assert_empty(text, tmp_path)


@pytest.mark.parametrize(
    "text",
    ["---\n", "---\n# nothing here\n", "---\n...\n---\n"],
    ids=["one-marker", "marker-comment", "markers"],
)
def test_empty_documents_give_nothing(text: str, tmp_path: Path) -> None:
    assert_empty(text, tmp_path)


def test_trailing_document_marker_is_fine() -> None:
    documents, findings = load("kind: team\nid: a\n---\n")
    assert findings == []
    assert len(documents) == 1


def test_document_end_marker_is_fine() -> None:
    documents, findings = load("kind: team\nid: a\n...\n")
    assert findings == []
    assert len(documents) == 1


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("- kind: team\n  id: a\n", "a list"),
        ("just text\n", "a single value"),
        ("42\n", "a single value"),
    ],
)
def test_document_that_is_not_a_mapping(text: str, what: str) -> None:
    documents, findings = load(text)
    assert documents == []
    assert rules(findings) == ["not-a-mapping"]
    assert (findings[0].line, findings[0].col) == (1, 1)
    assert what in findings[0].message


def test_not_a_mapping_in_a_later_document() -> None:
    documents, findings = load("kind: team\nid: a\n---\n- x\n")
    assert len(documents) == 1
    assert rules(findings) == ["not-a-mapping"]
    assert findings[0].line == 4


# --- bytes that are not text ---------------------------------------------------------


def test_nul_bytes_are_not_text(tmp_path: Path) -> None:
    write(tmp_path / "arch" / "blob.yaml", b"kind: team\nid: a\n\x89PNG\x00\x00\x1a\n")
    loaded = load_paths([tmp_path / "arch"])
    assert loaded.documents == ()
    [found] = loaded.findings
    assert (found.rule, found.line, found.col) == ("not-text", 3, 1)


def test_latin1_is_not_text(tmp_path: Path) -> None:
    content = "kind: team\nid: a\nname: Zürich\n".encode("latin-1")
    write(tmp_path / "arch" / "latin.yaml", content)
    loaded = load_paths([tmp_path / "arch"])
    assert loaded.documents == ()
    [found] = loaded.findings
    assert (found.rule, found.line, found.col) == ("not-text", 3, 8)
    assert "UTF-8" in found.hint


def test_utf16_is_not_text(tmp_path: Path) -> None:
    write(tmp_path / "arch" / "wide.yaml", "kind: team\nid: a\n".encode("utf-16"))
    [found] = load_paths([tmp_path / "arch"]).findings
    assert (found.rule, found.line, found.col) == ("not-text", 1, 1)


def test_other_files_still_load_after_a_bad_one(tmp_path: Path) -> None:
    write(tmp_path / "arch" / "a.yaml", b"\xff\xfe\x00k\x00")
    write(tmp_path / "arch" / "b.yaml", "kind: team\nid: b\n")
    loaded = load_paths([tmp_path / "arch"])
    assert [item.rule for item in loaded.findings] == ["not-text"]
    assert len(loaded.documents) == 1


@pytest.mark.parametrize("char", ["\x07", "\x7f", "\ufffe", "\x9b"])
def test_control_character_is_a_finding(char: str, tmp_path: Path) -> None:
    write(tmp_path / "arch" / "bell.yaml", f"kind: team\nid: a\nname: ring{char}\n")
    result = check_directory(tmp_path / "arch")
    [found] = result.findings
    assert (found.rule, found.line, found.col) == ("not-text", 3, 11)
    assert f"U+{ord(char):04X}" in found.message


def test_huge_integer_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path / "arch" / "big.yaml", "kind: service\nid: a\nrole: " + "9" * 5000 + "\n")
    result = check_directory(tmp_path / "arch")
    assert any(item.line == 3 for item in result.findings)


# --- files: size, links -----------------------------------------------------------------


def test_file_above_the_size_limit(tmp_path: Path) -> None:
    write(tmp_path / "arch" / "big.yaml", "kind: team\nid: big\ndescription: " + "x" * 200 + "\n")
    write(tmp_path / "arch" / "small.yaml", "kind: team\nid: small\n")
    loaded = load_paths([tmp_path / "arch"], LoadLimits(max_file_bytes=100))
    [found] = loaded.findings
    assert (found.rule, found.line, found.col) == ("file-too-large", 1, 1)
    assert found.path.endswith("big.yaml")
    assert [to_python(document.root)["id"] for document in loaded.documents] == ["small"]  # type: ignore[index]


def test_file_at_the_size_limit_loads(tmp_path: Path) -> None:
    content = "kind: team\nid: a\n"
    write(tmp_path / "arch" / "a.yaml", content)
    loaded = load_paths([tmp_path / "arch"], LoadLimits(max_file_bytes=len(content)))
    assert loaded.findings == ()
    assert len(loaded.documents) == 1


def test_yaml_limits_pass_through_load_limits(tmp_path: Path) -> None:
    write(tmp_path / "arch" / "a.yaml", "kind: team\nid: a\ntags: [[[x]]]\n")
    limits = LoadLimits(yaml=Limits(max_depth=2))
    assert [item.rule for item in load_paths([tmp_path / "arch"], limits).findings] == ["too-deep"]


def test_symlink_to_a_file_outside_the_directory(tmp_path: Path) -> None:
    secret = write(tmp_path / "outside" / "secret.yaml", "kind: team\nid: secret\n")
    arch = tmp_path / "arch"
    write(arch / "ok.yaml", "kind: team\nid: ok\n")
    (arch / "link.yaml").symlink_to(secret)
    loaded = load_paths([arch])
    [found] = loaded.findings
    assert (found.rule, found.line, found.col) == ("unreadable-file", 1, 1)
    assert found.path.endswith("link.yaml")
    assert [to_python(document.root)["id"] for document in loaded.documents] == ["ok"]  # type: ignore[index]


def test_symlink_to_a_file_inside_the_directory_loads(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    target = write(arch / "real" / "a.txt", "kind: team\nid: a\n")
    (arch / "alias.yaml").symlink_to(target)
    loaded = load_paths([arch])
    assert loaded.findings == ()
    assert len(loaded.documents) == 1


def test_symlinked_folder_is_not_followed(tmp_path: Path) -> None:
    write(tmp_path / "outside" / "secret.yaml", "kind: team\nid: secret\n")
    arch = tmp_path / "arch"
    write(arch / "ok.yaml", "kind: team\nid: ok\n")
    (arch / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    (arch / "loop").symlink_to(arch, target_is_directory=True)
    loaded = load_paths([arch])
    assert loaded.findings == ()
    assert [Path(name).name for name in loaded.files] == ["ok.yaml"]
    assert [to_python(document.root)["id"] for document in loaded.documents] == ["ok"]  # type: ignore[index]


def test_broken_symlink_is_unreadable(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    arch.mkdir()
    (arch / "gone.yaml").symlink_to(arch / "missing.yaml")
    [found] = load_paths([arch]).findings
    assert found.rule == "unreadable-file"


def test_symlink_loop_is_unreadable(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    arch.mkdir()
    (arch / "loop.yaml").symlink_to("loop.yaml")
    [found] = load_paths([arch]).findings
    assert found.rule == "unreadable-file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_does_not_hang(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    arch.mkdir()
    pipe = arch / "pipe.yaml"
    os.mkfifo(pipe)
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(load_paths([arch])), daemon=True)
    worker.start()
    worker.join(timeout=2)
    hung = worker.is_alive()
    if hung:  # unblock the reader so that the thread ends
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=5)
    assert not hung, "load_paths hung on a named pipe"
    [found] = outcome[0].findings  # type: ignore[attr-defined]
    assert found.rule == "unreadable-file"


def test_only_yaml_suffixes_are_read_in_a_stable_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    arch = Path("arch")
    write(arch / "b" / "x.yml", "kind: team\nid: bx\n")
    write(arch / "a.yaml", "kind: team\nid: a\n")
    write(arch / "b.yaml", "kind: team\nid: b\n")
    write(arch / "notes.md", "# not yaml\n")
    write(arch / "c.json", "{}")
    loaded = load_paths([arch])
    assert loaded.files == ("arch/a.yaml", "arch/b.yaml", "arch/b/x.yml")
    assert loaded.documents[0].file == (tmp_path / "arch" / "a.yaml").absolute()
    assert [to_python(document.root)["id"] for document in loaded.documents] == ["a", "b", "bx"]  # type: ignore[index]


# --- parse_documents directly ------------------------------------------------------------


def test_parse_documents_yields_documents_and_problems_in_order() -> None:
    items = list(parse_documents("a: 1\n---\nb: 2\nb: 3\n---\nc: [1, 2]\n", Limits()))
    kinds = [type(item).__name__ for item in items]
    # The document with a duplicate key is left out: its text, for the ids it names.
    assert kinds == ["ParsedDocument", "Problem", "UnreadText", "ParsedDocument"]
    first, problem, unread, third = items
    assert isinstance(first, ParsedDocument)
    assert isinstance(problem, Problem)
    assert isinstance(unread, UnreadText)
    assert isinstance(third, ParsedDocument)
    assert problem.rule == "duplicate-key"
    assert problem.pos == Pos(4, 1)
    assert (first.index, unread.index, third.index) == (0, 1, 2)
    assert unread.first == 2
    assert "b: 2\nb: 3\n" in unread.text
    assert first.size == 3
    assert third.size == 5


def test_every_problem_rule_is_known() -> None:
    texts = ["a: !x 1", "[" * 100, "a: 1\na: 2", "a: *b", billion_laughs(), "a: b: c"]
    for text in texts:
        for item in parse_documents(text, Limits()):
            if isinstance(item, Problem):
                assert item.rule in RULES
                assert item.pos.line >= 1
                assert item.pos.col >= 1
