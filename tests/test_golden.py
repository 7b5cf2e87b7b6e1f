"""Golden cases: tests/cases/NAME/architecture checked, compared with NAME/expected.txt.

Each expected.txt is exactly what `archatlas check architecture` prints when run
in the case folder. A case whose name starts with a rule id covers that rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archatlas.check import check_directory
from archatlas.drift_rules import RULES as DRIFT
from archatlas.findings import RULES
from archatlas.load import DEFAULT_MAX_FILE_BYTES
from archatlas.report import text

CASES = Path(__file__).parent / "cases"
DRIFT_RULES = [rule.id for rule in DRIFT]
CASE_DIRS = sorted(path for path in CASES.iterdir() if path.is_dir())


def case_param(folder: Path) -> object:
    return pytest.param(folder, id=folder.name)


@pytest.mark.parametrize("case", [case_param(folder) for folder in CASE_DIRS])
def test_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    assert text(check_directory(Path("architecture"))) == expected


# Rules whose input cannot be committed as a case folder: tested below instead.
COVERED_BELOW = {"file-too-large": "test_file_too_large", "unreadable-file": "test_symlink_out"}
# Rules that `archatlas check` never reports: they come from building the site.
NOT_FROM_CHECK = {"diagram-failed": "test_failing_dot_is_a_diagram_failed_error"}
# Rules of other commands, and the test file and test that show each.
OTHER_COMMANDS = {
    "input-outside-folder": ("test_hostile.py", "test_import"),
    "input-on-network": ("test_hostile.py", "test_import_never_fetches"),
    # Drift's golden cases are in tests/drift/, each rule's named after it.
    **{rule: ("test_drift.py", "test_every_drift_rule_has_a_case") for rule in DRIFT_RULES},
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_has_a_case(rule: str) -> None:
    if rule in NOT_FROM_CHECK:
        # Reported by the site build, not by archatlas check: tested in test_site.py.
        source = (Path(__file__).parent / "test_site.py").read_text(encoding="utf-8")
        assert f"def {NOT_FROM_CHECK[rule]}(" in source
        return
    if rule in OTHER_COMMANDS:
        module, test = OTHER_COMMANDS[rule]
        source = (Path(__file__).parent / module).read_text(encoding="utf-8")
        assert f"def {test}(" in source
        return
    if rule in COVERED_BELOW:
        assert callable(globals()[COVERED_BELOW[rule]])
        return
    covering = [
        folder.name
        for folder in CASE_DIRS
        if (folder.name == rule or folder.name.startswith(rule + "-"))
        and f"[{rule}]: " in (folder / "expected.txt").read_text(encoding="utf-8")
    ]
    assert covering, f"no passing case in tests/cases shows the rule {rule}"


def test_every_case_has_input_and_expected_output() -> None:
    for folder in CASE_DIRS:
        assert (folder / "architecture").is_dir(), folder.name
        assert (folder / "expected.txt").is_file(), folder.name


def check_text(root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(root)
    return text(check_directory(Path("architecture")))


def test_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "architecture").mkdir()
    body = b"kind: team\nid: big-team\ndescription: " + b"x" * (3 * 1024 * 1024) + b"\n"
    (tmp_path / "architecture" / "big.yaml").write_bytes(body)
    assert check_text(tmp_path, monkeypatch) == (
        f"architecture/big.yaml:1:1: error[file-too-large]: the file is {len(body):,} bytes, "
        f"more than the limit of {DEFAULT_MAX_FILE_BYTES:,}\n"
        "    hint: split it into several files\n"
        "0 elements in 1 file: 1 error, 0 warnings\n"
    )


def test_file_at_the_size_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "architecture").mkdir()
    head = b"kind: team\nid: big-team\n# "
    body = head + b"x" * (DEFAULT_MAX_FILE_BYTES - len(head) - 1) + b"\n"
    assert len(body) == DEFAULT_MAX_FILE_BYTES
    (tmp_path / "architecture" / "big.yaml").write_bytes(body)
    assert check_text(tmp_path, monkeypatch) == "1 element in 1 file: 0 errors, 0 warnings\n"


def test_symlink_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret.yaml").write_text("kind: team\nid: secret-team\n")
    (tmp_path / "case" / "architecture").mkdir(parents=True)
    (tmp_path / "case" / "architecture" / "team.yaml").symlink_to(tmp_path / "secret.yaml")
    (tmp_path / "case" / "architecture" / "gone.yaml").symlink_to("missing.yaml")
    assert check_text(tmp_path / "case", monkeypatch) == (
        "architecture/gone.yaml:1:1: error[unreadable-file]: "
        "this link points to a file that does not exist\n"
        "architecture/team.yaml:1:1: error[unreadable-file]: "
        "this file links to a place outside the architecture directory\n"
        "    hint: copy the file into the architecture directory instead of linking to it\n"
        "0 elements in 2 files: 2 errors, 0 warnings\n"
    )


def test_utf16_file_is_told_to_save_as_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "architecture").mkdir()
    (tmp_path / "architecture" / "team.yaml").write_text("kind: team\nid: a\n", "utf-16")
    output = check_text(tmp_path, monkeypatch)
    assert "error[not-text]" in output
    assert "binary" not in output
    assert "hint: save it as UTF-8" in output
