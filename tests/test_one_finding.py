"""One mistake, one finding: what `archatlas check` says about one broken line.

A YAML error leaves out the document it stands in, with a hint; the file's
other documents are read at their real positions; the ids that the broken
document names may exist, so that no other file gets a finding for them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archatlas.check import check_directory
from archatlas.findings import Finding
from archatlas.load import load_text
from archatlas.yaml_hints import (
    COLON_IN_VALUE,
    FLOW,
    INDENTATION,
    LIST_ITEM,
    QUOTE,
    TEXT_LINE,
    TOP_LEVEL,
)
from archatlas.yamltree import Mapping, Scalar

FILE = Path("/virtual/arch/element.yaml")


def findings_of(files: dict[str, str], tmp_path: Path) -> list[Finding]:
    for name, text in files.items():
        path = tmp_path / "arch" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(check_directory(tmp_path / "arch", base=tmp_path).open_findings)


def brief(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return [(item.path, item.line, item.rule) for item in findings]


THREE = """\
kind: team
id: first
---
kind: team
id: second
  name: Second
---
# the third
kind: team
id: third
name: Third
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_the_documents_after_a_yaml_error_are_read_at_their_real_positions(
    newline: str,
) -> None:
    documents, findings = load_text(THREE.replace("\n", newline), FILE, "element.yaml")
    assert [(f.rule, f.line, f.col) for f in findings] == [("yaml-syntax", 6, 7)]
    assert [document.index for document in documents] == [0, 2]
    third = documents[1].root
    name = third.get("name")
    assert isinstance(name, Scalar)
    assert (name.value, name.pos.line, name.pos.col) == ("Third", 11, 7)
    key = third.key("kind")
    assert key is not None
    assert key.pos.line == 9


def test_an_error_on_a_document_start_line_keeps_the_next_document() -> None:
    # The list is never closed: the parser stops at the '---' line itself.
    text = "kind: team\nid: a\ntags: [x, y\n---\nkind: team\nid: b\n"
    documents, findings = load_text(text, FILE, "element.yaml")
    assert [(f.rule, f.line) for f in findings] == [("yaml-syntax", 4)]
    assert findings[0].hint == FLOW
    ids = [document.root.get("id") for document in documents]
    assert [node.text for node in ids if isinstance(node, Scalar)] == ["b"]


def test_a_first_key_indented_leaves_out_that_document_only() -> None:
    # The indented first line is a document of its own for YAML, until the next line.
    text = "kind: team\nid: a\n---\n  kind: team\nid: b\n---\nkind: team\nid: c\n"
    documents, findings = load_text(text, FILE, "element.yaml")
    assert [(f.rule, f.line, f.hint) for f in findings] == [("yaml-syntax", 5, TOP_LEVEL)]
    roots = [document.root for document in documents]
    assert all(isinstance(root, Mapping) for root in roots)
    assert [to_id(root) for root in roots] == ["a", "c"]


def to_id(root: Mapping) -> str:
    node = root.get("id")
    assert isinstance(node, Scalar)
    return node.text


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        ("kind: team\nid: a\n  name: A\n", 3, INDENTATION),
        ("kind: service\nid: a\nuses:\n  - to: b\n  as: calls\n", 5, LIST_ITEM),
        ("kind: team\nid: a\nname: see: here\n", 3, COLON_IN_VALUE),
        ("kind: team\nid: a\ndescription: |\n  One\nTwo lines\nname: A\n", 5, TEXT_LINE),
        ("kind: team\nid: a\nname: 'A\n", 4, QUOTE),
        ("kind: team\nid: a\nruntime:\n    replicas: 2\n  platform: vm\n", 5, INDENTATION),
    ],
    ids=["indented-key", "dedented-as", "colon-in-value", "dedented-text", "quote", "dedent"],
)
def test_a_yaml_error_has_one_finding_with_a_hint(text: str, line: int, hint: str) -> None:
    _, findings = load_text(text, FILE, "element.yaml")
    assert [(f.rule, f.line, f.hint) for f in findings] == [("yaml-syntax", line, hint)]


LEDGER = """\
kind: ledger
id: trade-fabric
platform: fabric
consensus: raft
organizations:
  - id: bank
channels:
  - id: trades
    members: [bank]
"""

NODES = "".join(
    f"---\nkind: ledger-node\nid: orderer-{n}\nledger: trade-fabric\norganization: bank\n"
    f"role: {'orderer' if n else 'peer'}\n"
    for n in range(4)
)

USERS = """\
kind: service
id: recorder
runtime:
  replicas: 2
uses:
  - to: trade-fabric
    as: submits
    channel: trades
    organization: bank
  - to: archive
    as: writes
---
kind: datastore
id: archive
engine: postgres
"""


def test_the_valid_architecture_has_no_finding(tmp_path: Path) -> None:
    files = {"ledger.yaml": LEDGER + NODES, "users.yaml": USERS}
    assert findings_of(files, tmp_path) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("    members: [bank]", "  members: [bank]"),  # dedented: YAML error
        ("  - id: bank", "  - id: bank\n  name: x"),  # YAML error in the list
        ("consensus: raft", "consensus: raft\nreplicas: 3"),  # schema error
        ("id: trade-fabric", "id: trade-fabric\nid: again"),  # duplicate key
        ("id: trade-fabric\n", ""),  # no id at all
    ],
    ids=["dedented-key", "indented-key", "unknown-field", "duplicate-key", "no-id"],
)
def test_references_to_a_broken_ledger_are_not_unknown(tmp_path: Path, old: str, new: str) -> None:
    ledger = LEDGER.replace(old, new, 1)
    assert ledger != LEDGER
    found = findings_of({"ledger.yaml": ledger + NODES, "users.yaml": USERS}, tmp_path)
    assert len(found) == 1, brief(found)
    assert found[0].path == "arch/ledger.yaml"


def test_a_broken_node_leaves_the_ledger_unjudged(tmp_path: Path) -> None:
    # Without its node, the ledger would have 2 orderers (no fault tolerance)
    # and no peer: the node's own error is the one finding.
    nodes = NODES.replace("id: orderer-1\nledger: trade-fabric\n", "id: orderer-1\n")
    found = findings_of({"ledger.yaml": LEDGER, "nodes.yaml": nodes, "users.yaml": USERS}, tmp_path)
    assert brief(found) == [("arch/nodes.yaml", 8, "missing-field")]


def test_what_a_broken_document_uses_is_not_an_orphan(tmp_path: Path) -> None:
    users = USERS.replace("    as: writes", "  as: writes")
    found = findings_of({"ledger.yaml": LEDGER + NODES, "users.yaml": users}, tmp_path)
    assert brief(found) == [("arch/users.yaml", 11, "yaml-syntax")]
    assert found[0].hint == LIST_ITEM


def test_a_mistyped_target_is_told_once(tmp_path: Path) -> None:
    users = USERS.replace("to: archive", "to: archiv")
    found = findings_of({"ledger.yaml": LEDGER + NODES, "users.yaml": users}, tmp_path)
    assert brief(found) == [("arch/users.yaml", 10, "unknown-reference")]
    assert "did you mean 'archive'?" in found[0].message


def test_a_relation_without_its_target_line_leaves_orphans_unjudged(tmp_path: Path) -> None:
    users = USERS.replace("  - to: archive\n    as: writes\n", "  - as: writes\n")
    found = findings_of({"ledger.yaml": LEDGER + NODES, "users.yaml": users}, tmp_path)
    assert brief(found) == [("arch/users.yaml", 10, "missing-field")]


def test_an_unknown_reference_far_from_any_broken_document_is_still_told(tmp_path: Path) -> None:
    users = USERS.replace("to: archive", "to: nowhere")
    ledger = LEDGER.replace("    members: [bank]", "  members: [bank]")
    found = findings_of({"ledger.yaml": ledger + NODES, "users.yaml": users}, tmp_path)
    assert brief(found) == [
        ("arch/ledger.yaml", 9, "yaml-syntax"),
        ("arch/users.yaml", 10, "unknown-reference"),
        ("arch/users.yaml", 14, "orphan-element"),
    ]


def test_many_schema_errors_under_one_field_are_one_finding(tmp_path: Path) -> None:
    # 'uses:' deleted: the relations read as items of 'links'.
    users = USERS.replace(
        "  replicas: 2\nuses:\n",
        "  replicas: 2\nlinks:\n  - title: a\n    url: https://a.example\n",
    )
    found = findings_of({"ledger.yaml": LEDGER + NODES, "users.yaml": users}, tmp_path)
    assert brief(found) == [("arch/users.yaml", 8, "missing-field")]
    assert "more errors in 'links'" in found[0].message
    assert "the line of its key is missing or indented wrongly" in found[0].hint


def test_two_elements_run_together_are_one_finding(tmp_path: Path) -> None:
    users = USERS.replace("---\n", "")
    found = findings_of({"ledger.yaml": LEDGER + NODES, "users.yaml": users}, tmp_path)
    assert brief(found) == [("arch/users.yaml", 12, "duplicate-key")]
    assert "a second 'kind'" in found[0].message
    assert found[0].hint == "start each element after a line '---'"


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_a_file_in_another_encoding_is_one_finding(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "arch").mkdir()
    ledger = LEDGER.replace("kind: ledger\n", "kind: ledger\nname: Zürich\n")
    (tmp_path / "arch" / "ledger.yaml").write_bytes((ledger + NODES).encode(encoding))
    found = findings_of({"users.yaml": USERS}, tmp_path)
    assert brief(found) == [("arch/ledger.yaml", 2 if encoding == "latin-1" else 1, "not-text")]


def test_an_element_without_its_id_is_told_which_ids_are_missing(tmp_path: Path) -> None:
    ledger = LEDGER.replace("id: trade-fabric\n", "")
    found = findings_of({"ledger.yaml": ledger + NODES, "users.yaml": USERS}, tmp_path)
    assert brief(found) == [("arch/ledger.yaml", 1, "missing-field")]
    assert found[0].message == "a ledger needs the field 'id'"
    assert found[0].hint == (
        "other elements refer to 'trade-fabric', which no element has: "
        "if this element is one of them, give it that id"
    )
