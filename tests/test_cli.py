"""The `archatlas` command: exit codes, output formats and the schema command."""

from __future__ import annotations

import gc
import json
import re
import subprocess
from pathlib import Path

import pytest

from archatlas.cli import main
from conftest import EXAMPLE, TESTS, archatlas_command, environment

CASES = TESTS / "cases"
SUMMARY = re.compile(r"\d+ elements? in \d+ files?: \d+ errors?, \d+ warnings?( \(\d+ accepted\))?")


def case_dir(name: str) -> str:
    return str(CASES / name / "architecture")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_example_architecture_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", str(EXAMPLE)], capsys)
    assert code == 0
    last = out.splitlines()[-1]
    assert SUMMARY.fullmatch(last)
    assert ": 0 errors, " in last
    assert not re.search(r"^\S+:\d+:\d+: error\[", out, re.MULTILINE)


def test_check_run_by_another_program_in_its_process_leaves_the_garbage_collector_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command stops the cyclic collector only in a process of its own
    (main() without arguments), which ends with the command."""
    assert gc.isenabled()
    code, _, _ = run(["check", str(EXAMPLE)], capsys)
    assert code == 0
    assert gc.isenabled()


def test_default_directory_is_architecture(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CASES / "unknown-reference-uses")
    code, out, _ = run(["check"], capsys)
    assert code == 1
    assert out == (CASES / "unknown-reference-uses" / "expected.txt").read_text()


def test_errors_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", case_dir("unknown-kind")], capsys)
    assert code == 1
    assert "error[unknown-kind]" in out
    assert out.splitlines()[-1].endswith(": 1 error, 0 warnings")


@pytest.mark.parametrize("case", ["single-replica", "orphan-element", "no-fault-tolerance"])
def test_strict_fails_on_warnings(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    directory = case_dir(case)
    code, out, _ = run(["check", directory], capsys)
    assert code == 0
    assert re.search(r": 0 errors, [1-9]\d* warnings?$", out.splitlines()[-1])
    assert run(["check", "--strict", directory], capsys)[0] == 1


def test_strict_passes_a_clean_architecture(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--strict", case_dir("valid")], capsys)[0] == 0


@pytest.mark.parametrize("name", ["no-such-dir", "expected.txt"])
def test_missing_directory_exits_2(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CASES / "valid")
    code, out, err = run(["check", name], capsys)
    assert code == 2
    assert out == ""
    assert f"'{name}'" in err
    assert "not a directory" in err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["check", "--format", "xml"])
    assert raised.value.code == 2
    assert "xml" in capsys.readouterr().err


def test_json_format(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "unknown-reference-uses")
    code, out, _ = run(["check", "--format", "json"], capsys)
    assert code == 1
    data = json.loads(out)
    assert (data["elements"], data["files"], data["errors"], data["warnings"]) == (2, 1, 1, 0)
    [item] = data["findings"]
    assert item == {
        "rule": "unknown-reference",
        "severity": "error",
        "path": "architecture/services.yaml",
        "line": 4,
        "col": 9,
        "message": "uses: no element has the id 'paymnets-api' (did you mean 'payments-api'?)",
        "hint": "add the element, or correct the id",
        "element": "checkout-api",
        "accepted": None,
    }


def test_json_format_warnings_and_clean(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(run(["check", "--format", "json", case_dir("valid")], capsys)[1])
    assert data["findings"] == [] and data["errors"] == data["warnings"] == 0
    out = run(["check", "--format", "json", case_dir("single-replica")], capsys)[1]
    [item] = json.loads(out)["findings"]
    assert (item["rule"], item["severity"], item["line"], item["col"]) == (
        "single-replica",
        "warning",
        5,
        13,
    )


def test_github_format(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "unknown-reference-uses")
    code, out, _ = run(["check", "--format", "github"], capsys)
    assert code == 1
    assert out.splitlines() == [
        "::error file=architecture/services.yaml,line=4,col=9,title=unknown-reference::"
        "uses: no element has the id 'paymnets-api' (did you mean 'payments-api'?)"
        "%0Aadd the element, or correct the id",
        "2 elements in 1 file: 1 error, 0 warnings",
    ]


def test_github_format_warning(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(["check", "--format", "github", case_dir("single-replica")], capsys)[1]
    assert out.startswith("::warning file=")
    assert ",line=5,col=13,title=single-replica::" in out


def test_github_format_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "arch,v1:draft"
    folder.mkdir()
    (folder / "team.yaml").write_text(
        'kind: team\nid: t\nlinks:\n  - title: "100% evil,\\nreally: yes"\n'
        "    url: javascript:alert(1)\n"
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["check", "--format", "github", "arch,v1:draft"], capsys)
    assert code == 1
    annotation = out.splitlines()[0]
    assert annotation == (
        "::error file=arch%2Cv1%3Adraft/team.yaml,line=5,col=10,title=unsafe-link::"
        "the link '100%25 evil,%0Areally: yes' uses the scheme 'javascript:'"
        "%0Alinks may use http(s), mailto or a relative URL"
    )


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schema"], capsys)
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "oneOf" in schema or "anyOf" in schema


def test_console_script() -> None:
    command = archatlas_command()
    case = CASES / "unknown-dataset"
    done = subprocess.run(
        [*command, "check", "architecture"],
        cwd=case,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == (case / "expected.txt").read_text()
    version = subprocess.run(
        [*command, "--version"],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert version.stdout.startswith("archatlas ")
