"""Property tests: whatever the input, checking reports findings and never raises.

(a) random YAML (structured, free text, raw bytes) through `check_directory`;
(b) random mutations of the example architecture, judged against pydantic;
(c) every example element survives a dump and a re-validation unchanged;
(d) links between pages are the relative paths posixpath would compute.
"""

from __future__ import annotations

import copy
import posixpath
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from archatlas.check import Result, check_directory
from archatlas.findings import RULES, Finding, Severity
from archatlas.format import CLASSIFICATIONS, NESTED, VERBS, field_names
from archatlas.kinds import KINDS, MODELS
from archatlas.pages import relative_path
from archatlas.yamltree import resolve_plain

ROOT = Path(__file__).parents[1]
ARCH = ROOT / "architecture"

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SCHEMA_RULES = frozenset(
    {"unknown-kind", "unknown-field", "missing-field", "wrong-type", "bad-id", "invalid-value"}
)
ID_RE = re.compile(r"[a-z][a-z0-9-]*")

# --- writing YAML that archatlas reads back exactly ----------------------------------


class Dumper(yaml.SafeDumper):
    """safe_dump, plus quotes for strings that YAML 1.2 would read as something else.

    PyYAML resolves by YAML 1.1 and so leaves `1e5` or `0o17` plain; archatlas
    reads those as numbers.
    """


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = None
    if resolve_plain(data) != data or not isinstance(resolve_plain(data), str):
        style = "'"
    elif "\n" in data.rstrip("\n"):
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_tuple(dumper: yaml.SafeDumper, data: tuple[Any, ...]) -> yaml.SequenceNode:
    return dumper.represent_list(list(data))


Dumper.add_representer(str, _represent_str)
Dumper.add_representer(tuple, _represent_tuple)


def dump(documents: list[Any], *, flow: bool = False, header: str = "") -> str:
    body = yaml.dump_all(
        documents,
        Dumper=Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=flow,
        explicit_start=False,
    )
    return header + body


# --- running the checker -----------------------------------------------------------------


def check_files(files: dict[str, bytes]) -> tuple[Result, dict[str, list[Finding]]]:
    """Check a fresh directory holding `files`; findings grouped by relative file name."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "arch"
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        result = check_directory(root)
        by_file: dict[str, list[Finding]] = {name: [] for name in files}
        for item in result.findings:
            name = Path(item.path).resolve().relative_to(root.resolve()).as_posix()
            assert name in by_file, f"finding for a file that was not written: {item}"
            by_file[name].append(item)
        assert_well_formed(result, files, by_file)
        return result, by_file


def assert_well_formed(
    result: Result, files: dict[str, bytes], by_file: dict[str, list[Finding]]
) -> None:
    for name, findings in by_file.items():
        text = files[name].decode("utf-8", errors="replace")
        most = len(text.splitlines()) + 1
        for item in findings:
            assert item.rule in RULES, item
            assert item.severity in (Severity.ERROR, Severity.WARNING)
            assert 1 <= item.line <= most, item
            assert item.col >= 1, item
            assert item.message, item
    assert len(result.files) == len(files)


def errors(findings: list[Finding]) -> list[Finding]:
    return [item for item in findings if item.severity is Severity.ERROR]


# --- (a) random YAML never makes check_directory raise ----------------------------------

NESTED_MODELS: list[type[BaseModel]] = [model for model, _ in NESTED.values()]
FIELD_NAMES = sorted(
    {name for model in [*MODELS.values(), *NESTED_MODELS] for name in field_names(model)}
)
WORDS = sorted(
    {
        *KINDS,
        *VERBS,
        *CLASSIFICATIONS,
        "kubernetes",
        "cronjob",
        "peer",
        "orderer",
        "raft",
        "fabric",
        "https",
        "NO",
        "yes",
        "on",
        "1.10",
        "0o17",
        "1e5",
        "javascript:alert(1)",
        "../../etc/passwd",
        "icon.png",
    }
)
# Lone surrogates are left out: no UTF-8 file can hold one.
safe_text = st.text(st.characters(codec="utf-8"), max_size=20)
ids = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    safe_text,
    ids,
    st.sampled_from(WORDS),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), safe_text)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=15,
)


@st.composite
def elements(draw: st.DrawFn) -> dict[str, Any]:
    element: dict[str, Any] = {
        "kind": draw(st.sampled_from(KINDS) | scalars),
        "id": draw(ids | scalars),
    }
    element.update(draw(st.dictionaries(keys, values, max_size=6)))
    return element


documents = st.one_of(elements(), values)
structured_files = st.dictionaries(
    st.sampled_from(["a.yaml", "b.yml", "sub/c.yaml", "sub/deeper/d.yaml"]),
    st.tuples(st.lists(documents, max_size=4), st.booleans()).map(
        lambda docs: dump(docs[0], flow=docs[1]).encode("utf-8")
    ),
    min_size=1,
    max_size=3,
)

TOKENS = [
    *"-:[]{}&*!|>'\"#%@`,? \n\t\r.0123456789abcdez",
    "kind: ",
    "id: ",
    "service",
    "uses:\n",
    "  - to: ",
    "  ",
    "---\n",
    "...\n",
    "&a ",
    "*a",
    "!!str ",
    "!!int ",
    "!foo ",
    "<<: ",
    "%YAML 1.2\n",
    "\ufeff",
    "\u2028",
    "\x85",
    "é",
    "😀",
]
yamlish_text = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)
any_text = st.one_of(st.text(st.characters(codec="utf-8"), max_size=200), yamlish_text)


raw_bytes = st.one_of(
    st.binary(max_size=200),
    any_text.map(lambda text: text.encode("utf-16")),
    any_text.map(lambda text: text.encode("latin-1", errors="replace")),
)


@SETTINGS
@given(structured_files)
def test_random_structured_yaml_never_raises(files: dict[str, bytes]) -> None:
    check_files(files)


@SETTINGS
@given(st.lists(any_text, min_size=1, max_size=3))
def test_random_text_never_raises(texts: list[str]) -> None:
    check_files({f"f{index}.yaml": text.encode("utf-8") for index, text in enumerate(texts)})


@SETTINGS
@given(raw_bytes, any_text)
def test_random_bytes_never_raise(data: bytes, text: str) -> None:
    _, by_file = check_files({"bytes.yaml": data, "text.yaml": text.encode("utf-8")})
    if b"\x00" in data:
        assert [item.rule for item in by_file["bytes.yaml"]] == ["not-text"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        pytest.param('kind: actor\nid: a\nicon: "\\x01.png"\n', "bad-icon", id="icon-control"),
        pytest.param('kind: actor\nid: a\nicon: "/etc/passwd"\n', "bad-icon", id="icon-absolute"),
        pytest.param('kind: actor\nid: a\nicon: "../../x.png"\n', "bad-icon", id="icon-outside"),
        pytest.param('kind: actor\nid: a\nicon: "."\n', "bad-icon", id="icon-dot"),
        pytest.param('kind: actor\nid: a\nicon: "a\\0b.png"\n', "bad-icon", id="icon-nul"),
        pytest.param(
            "kind: actor\nid: a\nicon: " + "a" * 300 + ".png\n", "bad-icon", id="icon-too-long"
        ),
        pytest.param(
            'kind: actor\nid: a\nicon: "' + "a/" * 3000 + 'x.png"\n', "bad-icon", id="icon-deep"
        ),
        pytest.param(
            'kind: actor\nid: a\nlinks: [{title: t, url: "java\\0script:alert(1)"}]\n',
            "unsafe-link",
            id="link-nul",
        ),
        pytest.param('kind: actor\nid: a\nname: "\\0"\n', "orphan-element", id="name-nul"),
        pytest.param("kind: team\nid: a\nname: \x07\n", "not-text", id="raw-control"),
        pytest.param('kind: team\nid: a\nname: "\\ud800"\n', "yaml-syntax", id="surrogate"),
        pytest.param(
            "kind: service\nid: a\nruntime:\n  replicas: " + "9" * 5000 + "\n",
            "wrong-type",
            id="bigint",
        ),
    ],
)
def test_check_never_raises_on(text: str, rule: str) -> None:
    _, by_file = check_files({"x.yaml": text.encode("utf-8")})
    assert rule in {item.rule for item in by_file["x.yaml"]}, by_file["x.yaml"]


# --- (b) mutations of the example architecture -------------------------------------------


def _example() -> dict[str, list[dict[str, Any]]]:
    files: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(ARCH.rglob("*.y*ml")):
        text = path.read_text(encoding="utf-8")
        files[path.relative_to(ARCH).as_posix()] = list(yaml.load_all(text, yaml.CSafeLoader))
    return files


EXAMPLE = _example()
HEADERS = {
    name: (ARCH / name).read_text(encoding="utf-8").splitlines(keepends=True)[0] for name in EXAMPLE
}
DUMPED = {name: dump(docs, header=HEADERS[name]).encode("utf-8") for name, docs in EXAMPLE.items()}
# Flows are left to test_flows.py and the golden cases: their items are told
# apart by their first key, which this test's renames would change.
LOCATED = [
    (name, index)
    for name, docs in EXAMPLE.items()
    for index in range(len(docs))
    if docs[index].get("kind") != "flow"
]


def _known_names() -> set[str]:
    names: set[str] = set()
    for docs in EXAMPLE.values():
        for doc in docs:
            names.add(doc["id"])
            for field in ("datasets", "organizations", "channels"):
                # A ledger's channels are mappings; a ledger-node's are channel ids.
                names.update(
                    item["id"] if isinstance(item, dict) else item for item in doc.get(field, ())
                )
    return names


KNOWN_NAMES = _known_names()


def tuplify(value: Any) -> Any:
    """Python data as archatlas hands it to pydantic: sequences as tuples."""
    if isinstance(value, list | tuple):
        return tuple(tuplify(item) for item in value)
    if isinstance(value, dict):
        return {key: tuplify(item) for key, item in value.items()}
    return value


def pydantic_accepts(doc: Any) -> bool:
    kind = doc.get("kind") if isinstance(doc, dict) else None
    if not isinstance(kind, str) or kind not in MODELS:
        return False
    try:
        MODELS[kind].model_validate(tuplify(doc))
    except ValidationError:
        return False
    return True


def mappings(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The paths of every mapping inside a document, the root first."""
    if isinstance(value, dict):
        yield path
        for key, item in value.items():
            yield from mappings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from mappings(item, (*path, index))


def get(doc: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def model_at(doc: dict[str, Any], path: tuple[str | int, ...]) -> type[BaseModel]:
    names = [step for step in path if isinstance(step, str)]
    return NESTED[names[-1]][0] if names else MODELS[doc["kind"]]


def required_fields(model: type[BaseModel]) -> set[str]:
    return {info.alias or name for name, info in model.model_fields.items() if info.is_required()}


# Reference fields and the rule that an unknown, well-formed id there breaks.
REFERENCES = {
    "system": "unknown-reference",
    "owner": "unknown-reference",
    "ledger": "unknown-reference",
    "to": "unknown-reference",
    "dataset": "unknown-dataset",
    "channel": "unknown-channel",
    "organization": "unknown-organization",
    "members": "unknown-organization",
}


def references(doc: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """(path of the value, rule) for every id reference in a document."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for path in mappings(doc):
        mapping = get(doc, path)
        in_list = bool(path) and isinstance(path[-1], int)
        for key, item in mapping.items():
            if key not in REFERENCES:
                continue
            if not path and key == "organization" and doc["kind"] != "ledger-node":
                continue
            if path and not in_list:
                continue  # runtime / autoscale hold no references
            if isinstance(item, list):
                found.extend(((*path, key, index), REFERENCES[key]) for index in range(len(item)))
            else:
                found.append(((*path, key), REFERENCES[key]))
    return found


def line_and_col(text: str, name: str) -> tuple[int, int]:
    pattern = re.compile(rf"^[ -]*{re.escape(name)}:")
    hits = [
        (number, line.index(name) + 1)
        for number, line in enumerate(text.splitlines(), start=1)
        if pattern.match(line)
    ]
    assert len(hits) == 1, (name, hits)
    return hits[0]


def check_mutated(name: str, docs: list[dict[str, Any]]) -> tuple[str, dict[str, list[Finding]]]:
    text = dump(docs, header=HEADERS[name])
    _, by_file = check_files({**DUMPED, name: text.encode("utf-8")})
    return text, by_file


def test_example_survives_the_dump() -> None:
    """The harness itself: the dumped example checks exactly like the original."""
    original = check_directory(ARCH)
    _, by_file = check_files(DUMPED)
    dumped = sorted((name, item.rule) for name, items in by_file.items() for item in items)
    assert dumped == sorted(
        (Path(item.path).resolve().relative_to(ARCH).as_posix(), item.rule)
        for item in original.findings
    )
    assert not errors([item for items in by_file.values() for item in items])


unknown_names = st.from_regex(r"zz[a-z][a-z0-9_]{0,10}", fullmatch=True)


@settings(SETTINGS, max_examples=200)
@given(st.data())
def test_mutations_of_the_example(data: st.DataObject) -> None:
    name, index = data.draw(st.sampled_from(LOCATED), label="document")
    docs = copy.deepcopy(EXAMPLE[name])
    doc = docs[index]
    path = data.draw(st.sampled_from(list(mappings(doc))), label="mapping")
    mapping = get(doc, path)
    model = model_at(doc, path)
    operation = data.draw(st.sampled_from(["delete", "set", "rename", "reference"]), label="op")
    expect: Callable[[list[Finding], str], None] | None = None

    if operation == "reference" and references(doc):
        ref_path, rule = data.draw(st.sampled_from(references(doc)), label="reference")
        old = get(doc, ref_path)
        new = data.draw(st.one_of(ids, safe_text), label="new id")
        get(doc, ref_path[:-1])[ref_path[-1]] = new
        if new == old or new in KNOWN_NAMES:
            expect = None
        elif not ID_RE.fullmatch(new):

            def expect(found: list[Finding], text: str) -> None:
                assert "bad-id" in {item.rule for item in found}

        else:

            def expect(found: list[Finding], text: str) -> None:
                assert rule in {item.rule for item in found}

    elif operation == "rename":
        key = data.draw(st.sampled_from(sorted(mapping)), label="key")
        new_key = data.draw(
            st.one_of(unknown_names, st.sampled_from(field_names(model))), label="new key"
        )
        entries = list(mapping.items())
        mapping.clear()
        for old_key, item in entries:
            mapping[new_key if old_key == key else old_key] = item
        if new_key.startswith("zz"):
            if not path and key == "kind":

                def expect(found: list[Finding], text: str) -> None:
                    assert "missing-field" in {item.rule for item in found}

            else:

                def expect(found: list[Finding], text: str) -> None:
                    where = line_and_col(text, new_key)
                    unknown = [
                        (item.line, item.col) for item in found if item.rule == "unknown-field"
                    ]
                    assert where in unknown, (where, found)

    elif operation == "delete":
        key = data.draw(st.sampled_from(sorted(mapping)), label="key")
        del mapping[key]
        if key in required_fields(model):

            def expect(found: list[Finding], text: str) -> None:
                assert "missing-field" in {item.rule for item in found}

    else:  # set, or a reference in a document without any
        key = data.draw(st.sampled_from(sorted({*mapping, *field_names(model)})), label="key")
        mapping[key] = data.draw(values, label="value")

    text, by_file = check_mutated(name, docs)
    found = by_file[name]
    accepted = pydantic_accepts(doc)
    event(f"{operation}: {'expectation' if expect else 'oracle only'}, valid={accepted}")
    all_errors = errors([item for items in by_file.values() for item in items])
    if expect is not None:
        expect(found, text)
        assert all_errors
    # Judge the schema side against pydantic on the same data.
    if accepted:
        assert not [item for item in found if item.rule in SCHEMA_RULES - {"invalid-value"}]
    else:
        assert any(item.rule in SCHEMA_RULES for item in errors(found)), found


# --- (c) model round trip -------------------------------------------------------------------

EXAMPLE_RESULT = check_directory(ARCH)


@pytest.mark.parametrize(
    "element", EXAMPLE_RESULT.architecture.elements, ids=lambda element: element.id
)
def test_model_round_trip(element: BaseModel) -> None:
    dumped = element.model_dump(by_alias=True, exclude_defaults=True)
    again = type(element).model_validate(dumped)
    assert again == element
    assert again.model_dump(by_alias=True, exclude_defaults=True) == dumped


def test_round_trip_through_yaml_text() -> None:
    """Elements written back as YAML load as the same elements."""
    files = {
        "all.yaml": dump(
            [
                element.model_dump(mode="json", by_alias=True, exclude_defaults=True)
                for element in EXAMPLE_RESULT.architecture.elements
            ]
        ).encode("utf-8")
    }
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "all.yaml").write_bytes(files["all.yaml"])
        again = check_directory(Path(tmp))
    assert again.architecture.elements == EXAMPLE_RESULT.architecture.elements

    # The same findings, in another order: one file puts them on other lines.
    def found(result: Result) -> list[tuple[str, str | None, str]]:
        return sorted((item.rule, item.element, item.message) for item in result.findings)

    assert found(again) == found(EXAMPLE_RESULT)


def test_example_has_every_kind() -> None:
    assert {element.kind for element in EXAMPLE_RESULT.architecture.elements} == set(KINDS)


# --- links between pages ------------------------------------------------------------------

_PART = st.sampled_from(["a", "b", "architecture", "index.md", "services", "."])


@given(
    st.lists(_PART, max_size=4),
    st.lists(_PART, max_size=4),
    st.booleans(),
    st.booleans(),
)
def test_relative_path_is_posix_relpath(
    target: list[str], start: list[str], target_slash: bool, start_slash: bool
) -> None:
    target_path = "/".join(target) + ("/" if target and target_slash else "")
    start_path = "/".join(start) + ("/" if start and start_slash else "")
    expected = posixpath.relpath(target_path or ".", start_path or ".")
    assert relative_path(target_path, start_path) == expected
