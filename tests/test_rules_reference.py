"""The rules reference: generated from the rules' declarations, current, and true.

Every example on the page is written into an empty folder and checked there:
the output must be exactly the one the page shows, with its exit status.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from archatlas.cli import main
from archatlas.examples import Example
from archatlas.findings import RULES, Location, Rule, declare, finding
from archatlas.rules import EVERY_RULE
from archatlas.rules_doc import rules_reference

ROOT = Path(__file__).parents[1]
PAGE = ROOT / "docs" / "reference" / "rules.md"
CASES = ROOT / "tests" / "cases"

# Rules whose input cannot be a case folder, and the test that covers each instead.
COVERED_ELSEWHERE = {
    "file-too-large": ("test_golden.py", "test_file_too_large"),
    "unreadable-file": ("test_golden.py", "test_symlink_out"),
    "diagram-failed": ("test_site.py", "test_failing_dot_is_a_diagram_failed_error"),
    "input-outside-folder": ("test_hostile.py", "test_import"),
    "input-on-network": ("test_hostile.py", "test_import_never_fetches"),
    **{
        rule.id: ("test_drift.py", "test_every_drift_rule_has_a_case")
        for rule in EVERY_RULE
        if rule.group == "drift"
    },
}


def test_committed_page_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == rules_reference(), (
        "docs/reference/rules.md is out of date with the rules' declarations: "
        "regenerate it with `make rules-doc` and commit the result"
    )


def test_every_declared_rule_is_gathered() -> None:
    ids = [rule.id for rule in EVERY_RULE]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(RULES), "a module declares rules that archatlas.rules does not gather"


def examples() -> list[object]:
    return [
        pytest.param(example, id=f"{rule.id}-{number}")
        for rule in EVERY_RULE
        for number, example in enumerate(rule.examples, start=1)
    ]


def write(example: Example, folder: Path) -> None:
    (folder / "architecture").mkdir()
    for file in example.files:
        path = folder / file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if file.link:
            os.symlink(file.link, path)
        else:
            path.write_bytes(file.content())


@pytest.mark.parametrize("example", examples())
def test_example_prints_what_the_page_shows(
    example: Example,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(example, tmp_path)
    monkeypatch.chdir(tmp_path)
    status = main(list(example.command))
    assert capsys.readouterr().out == example.output
    assert status == example.exit_status


def golden_cases(rule: Rule) -> list[str]:
    """The case folders named after the rule whose expected output shows it."""
    return [
        folder.name
        for folder in sorted(CASES.iterdir())
        if (folder.name == rule.id or folder.name.startswith(rule.id + "-"))
        and f"[{rule.id}]: " in (folder / "expected.txt").read_text(encoding="utf-8")
    ]


@pytest.mark.parametrize("rule", EVERY_RULE, ids=lambda rule: rule.id)
def test_rule_is_documented_shown_and_tested(rule: Rule) -> None:
    assert rule.doc.strip(), f"{rule.id}: no documentation"
    if rule.group != "site":  # `archatlas check` draws no diagrams: the doc shows the build
        shown = [example for example in rule.examples if f"[{rule.id}]: " in example.output]
        assert shown, f"{rule.id}: no example shows the rule"
    if rule.id in COVERED_ELSEWHERE:
        module, test = COVERED_ELSEWHERE[rule.id]
        source = (ROOT / "tests" / module).read_text(encoding="utf-8")
        assert f"def {test}(" in source, f"{rule.id}: {module} no longer has {test}"
    else:
        assert golden_cases(rule), f"{rule.id}: no case in tests/cases shows the rule"


def test_a_finding_names_a_declared_rule() -> None:
    with pytest.raises(KeyError, match="no-such-rule"):
        finding("no-such-rule", Location("architecture/a.yaml", 1, 1), "message")


def test_a_rule_id_is_declared_once() -> None:
    twin = replace(RULES["orphan-element"], summary="another declaration")
    with pytest.raises(ValueError, match="orphan-element"):
        declare(twin)
    assert RULES["orphan-element"] is not twin
