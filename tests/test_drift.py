"""`archatlas drift`: golden cases, the round trip from import, the output formats.

Each folder in tests/drift/ holds an `architecture/`, the descriptors, the
command (`command.txt`, after `archatlas`) and its exact output
(`expected.txt`). Set ARCHATLAS_UPDATE_GOLDEN=1 to rewrite the outputs.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from archatlas.cli import main
from archatlas.drift_rules import RULES
from conftest import TESTS

CASES = TESTS / "drift"
CASE_DIRS = sorted(path for path in CASES.iterdir() if path.is_dir())
UPDATE = os.environ.get("ARCHATLAS_UPDATE_GOLDEN") == "1"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().out


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda path: path.name)
def test_case(
    case: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(case)
    command = (case / "command.txt").read_text(encoding="utf-8").split()
    code, out = run(command, capsys)
    if UPDATE:
        (case / "expected.txt").write_text(out, encoding="utf-8")
    assert out == (case / "expected.txt").read_text(encoding="utf-8")
    assert code == (0 if "drift: 0 differences" in out else 1)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_every_drift_rule_has_a_case(rule: object) -> None:
    rule_id = rule.id
    covering = [
        folder.name
        for folder in CASE_DIRS
        if (folder.name == rule_id or folder.name.startswith(rule_id + "-"))
        and f"[{rule_id}]: " in (folder / "expected.txt").read_text(encoding="utf-8")
    ]
    assert covering, f"no case in tests/drift shows the rule {rule_id}"


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(TESTS / "imports" / "kubernetes", tmp_path / "kubernetes")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_round_trip_import_then_drift_reports_nothing(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["import", "kubernetes", "kubernetes/shop", "--out", "arch"], capsys)[0] == 0
    code, out = run(["drift", "arch", "--kubernetes", "kubernetes/shop"], capsys)
    assert (code, out) == (0, "drift: 0 differences between arch and 2 files\n")


def test_a_relation_removed_by_hand_is_the_one_difference(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["import", "kubernetes", "kubernetes/shop", "--out", "arch"], capsys)
    file = shop / "arch" / "shop.yaml"
    text = file.read_text(encoding="utf-8")
    head, web = text.split("id: web\n")
    web = web.replace("uses:\n  - to: api\n    as: calls\n", "")
    file.write_text(head + "id: web\n" + web, encoding="utf-8")
    code, out = run(["drift", "arch", "--kubernetes", "kubernetes/shop"], capsys)
    assert code == 1
    assert out.splitlines() == [
        "arch/shop.yaml:90:5: error[drift-undeclared-relation]: the Kubernetes manifests show "
        "'web' using 'api' (env API_ADDR at kubernetes/shop/apps.yaml:20:22), which 'web' "
        "does not declare",
        "    hint: add '- to: api' to the uses of 'web'",
        "drift: 1 difference between arch and 2 files",
    ]


def test_backstage_round_trip_and_a_component_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(TESTS / "imports" / "backstage", tmp_path / "backstage")
    monkeypatch.chdir(tmp_path)
    run(["import", "backstage", "backstage/catalog", "--out", "arch"], capsys)
    argv = ["drift", "arch", "--backstage", "backstage/catalog"]
    assert run(argv, capsys) == (0, "drift: 0 differences between arch and 4 files\n")
    (tmp_path / "backstage" / "catalog" / "components" / "web.yaml").unlink()
    code, out = run(argv, capsys)
    assert code == 1
    assert out.splitlines() == [
        "arch/shop.yaml:39:1: error[drift-missing-workload]: 'web' is a service here, but the "
        "Backstage catalog holds no workload 'web'",
        "    hint: remove the element, rename it after its workload, or add its descriptors to "
        "the paths drift reads",
        "drift: 1 difference between arch and 3 files",
    ]


def test_formats(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "drift-replicas")
    argv = ["drift", "architecture", "--kubernetes", "k8s"]
    code, out = run([*argv, "--format", "json"], capsys)
    assert code == 1
    [item] = json.loads(out)["findings"]
    assert (item["rule"], item["path"], item["line"], item["col"]) == (
        "drift-replicas",
        "architecture/shop.yaml",
        7,
        13,
    )
    out = run([*argv, "--format", "github"], capsys)[1]
    assert out.splitlines() == [
        "::error file=architecture/shop.yaml,line=7,col=13,title=drift-replicas::'web' declares "
        "3 replicas, the Kubernetes manifests run 2%0Aset 'replicas: 2', or change the descriptors",
        "drift: 1 difference between architecture and 1 file",
    ]
    sarif = json.loads(run([*argv, "--format", "sarif"], capsys)[1])
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "drift-replicas"
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7,
        "startColumn": 13,
    }


def test_usage_errors(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "clean")
    assert main(["drift", "architecture", "--kubernetes", "nowhere"]) == 2
    assert "no such file or folder: 'nowhere'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as raised:
        main(["drift", "architecture", "--kubernetes", "k8s", "--compose", "k8s"])
    assert raised.value.code == 2


def test_errors_in_the_architecture_are_counted_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(CASES / "clean", tmp_path / "case")
    monkeypatch.chdir(tmp_path / "case")
    (tmp_path / "case" / "architecture" / "bad.yaml").write_text("kind: wizard\nid: x\n")
    code = main(["drift", "architecture", "--kubernetes", "k8s"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out == "drift: 0 differences between architecture and 1 file\n"
    assert captured.err == "archatlas: the architecture has 1 error: run archatlas check\n"


WORKFLOW = TESTS.parent / "docs" / "examples" / "drift-workflow.yml"


def test_the_documented_workflow_runs_drift_on_manifest_and_architecture_changes(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess
    import sys

    import yaml

    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    paths = workflow[True]["pull_request"]["paths"]  # YAML 1.1 reads the key `on` as true
    assert "architecture/**" in paths and "deploy/**" in paths
    shutil.copytree(shop / "kubernetes" / "shop", shop / "deploy")
    run(["import", "kubernetes", "deploy", "--out", "architecture", "--system", "shop"], capsys)
    bin_folder = shop / "bin"
    bin_folder.mkdir()
    plugins = TESTS.parent / "plugins"
    (bin_folder / "archatlas").write_text(
        f'#!/bin/sh\nPYTHONPATH={plugins} exec {sys.executable} -m archatlas.cli "$@"\n'
    )
    (bin_folder / "archatlas").chmod(0o755)
    (step,) = [
        s for s in workflow["jobs"]["drift"]["steps"] if "--format github" in s.get("run", "")
    ]
    env = {**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"}

    def ci() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=shop, env=env, capture_output=True, text=True
        )

    clean = ci()
    assert (clean.returncode, clean.stdout) == (
        0,
        "drift: 0 differences between architecture and 2 files\n",
    )
    apps = shop / "deploy" / "apps.yaml"
    apps.write_text(apps.read_text().replace("replicas: 2", "replicas: 3"), encoding="utf-8")
    drifted = ci()
    assert drifted.returncode == 1
    assert drifted.stdout.startswith(
        "::error file=architecture/shop.yaml,line=98,col=13,title=drift-replicas::'web' declares 2"
    )
