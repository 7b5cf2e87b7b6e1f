"""Findings: what checking an architecture reports, and the catalogue of rules."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    summary: str


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.id: rule for rule in rules}


E, W = Severity.ERROR, Severity.WARNING

# The stable rule ids. Users grep for them, CI annotations carry them and the
# format reference documents each one: rename none of them.
RULES = _rules(
    # Files
    Rule("yaml-syntax", E, "the file is not valid YAML"),
    Rule("yaml-tag", E, "a YAML tag that would build an object"),
    Rule("duplicate-key", E, "the same key twice in one mapping"),
    Rule("not-a-mapping", E, "a document that is not a mapping of fields"),
    Rule("file-too-large", E, "a file above the size limit"),
    Rule("too-deep", E, "nesting deeper than the limit"),
    Rule("alias-expansion", E, "aliases that expand beyond the limit"),
    Rule("not-text", E, "a file that is not UTF-8 text"),
    Rule("unreadable-file", E, "a file that cannot be read"),
    # Schema
    Rule("unknown-kind", E, "a kind that archatlas does not know"),
    Rule("unknown-field", E, "a field that the kind does not have"),
    Rule("missing-field", E, "a required field is missing"),
    Rule("wrong-type", E, "a value of the wrong type"),
    Rule("invalid-value", E, "a value outside the allowed ones"),
    Rule("bad-id", E, "an id that does not match ^[a-z][a-z0-9-]*$"),
    # References
    Rule("duplicate-id", E, "two elements with the same id"),
    Rule("unknown-reference", E, "a reference to an id that does not exist"),
    Rule("wrong-target-kind", E, "a reference to an element of the wrong kind"),
    Rule("invalid-verb", E, "a relation verb that the target kind does not accept"),
    Rule("misplaced-field", E, "a relation field that does not apply to its target"),
    Rule("unknown-dataset", E, "a dataset that the data lake does not have"),
    Rule("unknown-channel", E, "a channel that the ledger does not have"),
    Rule("unknown-organization", E, "an organization that the ledger does not have"),
    Rule("duplicate-member", E, "a dataset, organization or channel id used twice"),
    Rule("not-channel-member", E, "submitting as an organization outside the channel"),
    Rule("unapproved-data", E, "data sent to a vendor above its approved classification"),
    Rule("member-without-peer", E, "a channel member organization with no peer node"),
    Rule("unsafe-link", E, "a link URL whose scheme is not http(s), mailto or relative"),
    Rule("bad-icon", E, "an icon outside the architecture directory, missing or not an image"),
    Rule("schedule-without-cronjob", E, "a schedule on a workload that is not a cronjob"),
    # Site
    Rule("diagram-failed", E, "Graphviz could not draw a diagram"),
    # Warnings
    Rule("no-fault-tolerance", W, "a ledger whose ordering nodes tolerate no failure"),
    Rule("orphan-element", W, "an element nobody uses and that uses nothing"),
    Rule("single-replica", W, "a service with one replica and no autoscale"),
    Rule("cronjob-without-schedule", W, "a cronjob without a schedule"),
)


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
    rule: str, at: Location, message: str, hint: str = "", element: str | None = None
) -> Finding:
    if rule not in RULES:
        raise KeyError(f"unknown rule id {rule!r}")
    return Finding(rule, at.path, at.line, at.col, message, hint, element)


def article(word: str) -> str:
    """'a service', 'an actor'."""
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def plural(count: int, word: str, many: str = "") -> str:
    """'1 diagram', '2 diagrams'; `many` for a word not made plural by an 's'."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''."""
    names = sorted(choices)
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
