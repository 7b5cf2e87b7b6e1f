"""The committed JSON Schema: current, valid, and strict enough for editors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from archatlas.kinds import KINDS
from archatlas.schema import json_schema, schema_text

ROOT = Path(__file__).parents[1]
ARCH = ROOT / "architecture"
SCHEMA_FILE = ROOT / "schema" / "archatlas.schema.json"
EXAMPLE_FILES = sorted(path for path in ARCH.rglob("*") if path.suffix in (".yaml", ".yml"))
MARKER = "# yaml-language-server: $schema="
# PyYAML's safe loader, in C when PyYAML has libyaml (the documents are the same).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def example_documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in EXAMPLE_FILES:
        for document in yaml.load_all(path.read_text(encoding="utf-8"), SAFE_LOADER):
            found.append((f"{path.relative_to(ARCH)}:{document.get('id')}", document))
    return found


def test_committed_schema_is_current() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "schema/archatlas.schema.json is out of date with plugins/archatlas/format.py: "
        "regenerate it with `make schema` and commit the result"
    )


def test_schema_text_is_deterministic_json() -> None:
    assert schema_text() == schema_text()
    assert json.loads(schema_text()) == json_schema()
    assert schema_text().endswith("}\n")


def test_schema_is_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert set(schema["discriminator"]["mapping"]) == set(KINDS)


@pytest.mark.parametrize(
    "document",
    [doc for _, doc in example_documents()],
    ids=[name for name, _ in example_documents()],
)
def test_every_example_document_validates(
    validator: Draft202012Validator, document: dict[str, Any]
) -> None:
    problems = [error.message for error in validator.iter_errors(document)]
    assert problems == []


def test_example_covers_every_kind() -> None:
    assert {doc["kind"] for _, doc in example_documents()} == set(KINDS)


# --- what the schema rejects --------------------------------------------------------------

SERVICE: dict[str, Any] = {
    "kind": "service",
    "id": "quote-api",
    "name": "Quote API",
    "role": "api",
    "runtime": {"platform": "kubernetes", "workload": "deployment", "replicas": 2},
    "uses": [{"to": "quotes-db", "as": "reads", "data": "internal"}],
    "links": [{"title": "Runbook", "url": "https://runbooks.example.com/quote-api"}],
}


def kind_validator(schema: dict[str, Any], definition: str) -> Draft202012Validator:
    """A validator for one kind alone, so that errors name the precise keyword."""
    return Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})


def keywords(validator: Draft202012Validator, document: dict[str, Any]) -> set[str]:
    """The keywords of every error, including those inside anyOf / oneOf branches."""
    found: set[str] = set()
    pending = list(validator.iter_errors(document))
    while pending:
        error = pending.pop()
        found.add(str(error.validator))
        pending.extend(error.context or ())
    return found


def mutate(path: list[str | int], value: Any = None, *, delete: bool = False) -> dict[str, Any]:
    document = copy.deepcopy(SERVICE)
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


def test_the_base_document_is_valid(validator: Draft202012Validator) -> None:
    assert list(validator.iter_errors(SERVICE)) == []


@pytest.mark.parametrize(
    ("document", "keyword"),
    [
        pytest.param(mutate(["colour"], "blue"), "additionalProperties", id="unknown-field"),
        pytest.param(
            mutate(["runtime", "cpu"], 2), "additionalProperties", id="unknown-nested-field"
        ),
        pytest.param(
            mutate(["uses", 0, "via"], "https"), "additionalProperties", id="unknown-uses-field"
        ),
        pytest.param(mutate(["id"], "Quote_API"), "pattern", id="bad-id"),
        pytest.param(mutate(["id"], "9lives"), "pattern", id="bad-id-digit"),
        pytest.param(mutate(["uses", 0, "to"], "Quotes DB"), "pattern", id="bad-reference"),
        pytest.param(mutate(["runtime", "replicas"], "two"), "type", id="replicas-two"),
        pytest.param(mutate(["tags"], "fast"), "type", id="tags-not-a-list"),
        pytest.param(mutate(["role"], "wizard"), "enum", id="role-wizard"),
        pytest.param(mutate(["uses", 0, "as"], "eats"), "enum", id="verb"),
        pytest.param(mutate(["uses", 0, "data"], "secret"), "enum", id="classification"),
        pytest.param(mutate(["id"], delete=True), "required", id="missing-id"),
        pytest.param(mutate(["uses", 0, "to"], delete=True), "required", id="missing-to"),
        pytest.param(mutate(["runtime", "replicas"], -1), "minimum", id="negative-replicas"),
    ],
)
def test_schema_rejects(
    schema: dict[str, Any],
    validator: Draft202012Validator,
    document: dict[str, Any],
    keyword: str,
) -> None:
    assert not validator.is_valid(document)
    found = keywords(kind_validator(schema, "Service"), document)
    # Literal enums may be written as `enum` or, for a single value, `const`.
    if keyword == "enum":
        assert found & {"enum", "const"}, found
    else:
        assert keyword in found, found


@pytest.mark.parametrize("kind", ["wizard", "Service", "", None, 3])
def test_schema_rejects_an_unknown_kind(validator: Draft202012Validator, kind: Any) -> None:
    assert not validator.is_valid({**SERVICE, "kind": kind})


def test_schema_rejects_a_missing_kind(validator: Draft202012Validator) -> None:
    document = dict(SERVICE)
    del document["kind"]
    assert not validator.is_valid(document)


def test_schema_rejects_fields_of_another_kind(validator: Draft202012Validator) -> None:
    assert not validator.is_valid({**SERVICE, "consensus": "raft"})
    assert not validator.is_valid({"kind": "team", "id": "a", "system": "s"})


def test_schema_accepts_a_minimal_element_of_every_kind(
    validator: Draft202012Validator,
) -> None:
    for kind in KINDS:
        document: dict[str, Any] = {"kind": kind, "id": "a"}
        if kind == "ledger-node":
            document["ledger"] = "l"
        assert validator.is_valid(document), kind


# --- the example files point editors at the schema --------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: str(path.relative_to(ARCH)))
def test_example_file_names_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MARKER), f"{path}: first line should be '{MARKER}<relative path>'"
    reference = first.removeprefix(MARKER).strip()
    assert not Path(reference).is_absolute()
    assert "://" not in reference
    assert (path.parent / reference).resolve() == SCHEMA_FILE.resolve()
