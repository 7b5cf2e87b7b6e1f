"""Findings: what checking an architecture reports, and the registry of rules."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .examples import Example, Group


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule, declared once beside the code that reports it.

    Its summary, doc (Markdown) and examples are its entry in the rules
    reference, which `archatlas.rules_doc` generates from them.
    """

    id: str
    severity: Severity
    summary: str
    group: Group
    doc: str = ""
    examples: tuple[Example, ...] = ()


E, W = Severity.ERROR, Severity.WARNING

# Every declared rule, by its stable id. Users grep for the ids, CI annotations
# carry them and the rules reference documents each one: rename none of them.
# Each module that reports findings declares its own rules, so that they are
# known wherever it runs; `archatlas.rules` gathers them all.
RULES: dict[str, Rule] = {}


def declare(*rules: Rule) -> tuple[Rule, ...]:
    """Add `rules` to RULES: the one place a rule's id, severity and docs are given."""
    for rule in rules:
        if RULES.setdefault(rule.id, rule) is not rule:
            raise ValueError(f"the rule id {rule.id!r} is declared twice")
    return rules


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int
    col: int

    def __str__(self) -> str:
        """`path:line:col`, the form editors and CI jump to."""
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    element: str | None = None
    accepted: str = ""  # the reason, when the element accepts this warning

    @property
    def severity(self) -> Severity:
        return RULES[self.rule].severity

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.col)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.col, self.rule, self.message)


def finding(
    rule: Rule | str, at: Location, message: str, hint: str = "", element: str | None = None
) -> Finding:
    rule_id = rule if isinstance(rule, str) else rule.id
    if rule_id not in RULES:
        raise KeyError(f"unknown rule id {rule_id!r}")
    return Finding(rule_id, at.path, at.line, at.col, message, hint, element)


def article(word: str) -> str:
    """'a service', 'an actor'."""
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def plural(count: int, word: str, many: str = "") -> str:
    """'1 diagram', '2 diagrams'; `many` for a word not made plural by an 's'."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` is most likely a typo of, if one is close enough."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''."""
    close = closest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""
