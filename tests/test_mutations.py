"""One mistake, one finding: every line of one example file dedented, indented or deleted.

Each mutation is one mistake. It must be told in the file where it is made,
by at most two findings (most by one; a deleted comment or blank line by
none), and by no finding in another file: no unknown reference to the ids of
a document that cannot be read, no orphan warning for what it uses. The file
is trade-ledger/network.yaml: a ledger and its nodes, in several documents,
which the other files reference. bench/mutations.py runs the same on every
file of the example and prints the distribution.
"""

from __future__ import annotations

import pytest

from conftest import EXAMPLE, ROOT, load_bench

MUTATED = EXAMPLE / "trade-ledger" / "network.yaml"


mutations = load_bench("mutations")


@pytest.fixture(scope="module")
def mutator() -> object:
    return mutations.Mutator(EXAMPLE, base=ROOT)


def shown(outcome: object) -> str:
    mutation = outcome.mutation  # type: ignore[attr-defined]
    found = [*outcome.inside, *outcome.outside]  # type: ignore[attr-defined]
    return f"{mutation.path}:{mutation.line} {mutation.how} {mutation.before!r}: " + "; ".join(
        f"{item.location} {item.rule}: {item.message}" for item in found
    )


def test_the_example_has_no_finding_to_start_with(mutator: object) -> None:
    assert mutator.check().open_findings == ()  # type: ignore[attr-defined]


def test_mutations_are_listed_for_each_line() -> None:
    lines = ["kind: team\n", "  # a comment\n", "\n"]
    assert list(mutations.mutations_of(lines)) == [
        (0, "indent", "  kind: team\n"),
        (0, "delete", ""),
        (1, "dedent", "# a comment\n"),
        (1, "indent", "    # a comment\n"),
        (1, "delete", ""),
        (2, "delete", ""),
    ]


def test_each_mistake_in_a_file_is_told_there_once_or_twice(mutator: object) -> None:
    outcomes = list(mutator.outcomes(MUTATED))  # type: ignore[attr-defined]
    lines = MUTATED.read_text(encoding="utf-8").splitlines()
    assert len(outcomes) >= 2 * len(lines)
    assert [shown(o) for o in outcomes if o.outside] == []
    assert [shown(o) for o in outcomes if len(o.inside) > 2] == []
    # Nearly every mutation of a line that means something is told.
    meaningful = [
        o
        for o in outcomes
        if o.mutation.before.strip() and not o.mutation.before.lstrip().startswith("#")
    ]
    told = [o for o in meaningful if o.inside]
    assert len(told) / len(meaningful) > 0.5
