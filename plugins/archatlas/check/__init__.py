"""Check stage: the rules that need the whole architecture, and the full pipeline.

Each rule is a function from the Architecture to findings, in one of the
modules beside this one; `check_directory` reads a folder through a source,
builds the model, runs every rule and returns all findings in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..collector import without_cycle_collection
from ..findings import Finding, Severity
from ..load import Loaded, LoadLimits, display_path
from ..model import Architecture, build
from ..sources import SOURCES, Source
from .dataflow import check_data_classification, check_declassification
from .deployment import check_deployments
from .fields import check_acceptances, check_icons, check_links, check_orphans, check_runtimes
from .flows import check_flows
from .ledgers import check_ledgers
from .references import VERB_TARGETS, check_element_references, check_relations
from .residency import check_residency

__all__ = ["CHECKS", "VERB_TARGETS", "Result", "check", "check_directory", "check_loaded"]


Check = Callable[[Architecture, Path], Iterator[Finding]]


@dataclass(frozen=True)
class Result:
    architecture: Architecture
    findings: tuple[Finding, ...]
    files: tuple[str, ...]
    root: str = "."  # the architecture folder, as finding paths name it
    digest: str = ""  # of the files read (see Loaded.digest)

    @property
    def open_findings(self) -> tuple[Finding, ...]:
        """The findings not accepted by their element."""
        return tuple(item for item in self.findings if not item.accepted)

    def count(self, severity: Severity) -> int:
        return sum(1 for item in self.open_findings if item.severity is severity)

    def fails(self, strict: bool = False) -> bool:
        failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
        return any(item.severity in failing for item in self.open_findings)


def check_directory(
    root: Path,
    limits: LoadLimits = LoadLimits(),
    base: Path | None = None,
    source: Source = SOURCES["yaml"],
) -> Result:
    """Read `root` with `source`, validate and check it; findings name files
    relative to `base` (default: the current directory)."""
    with without_cycle_collection():
        loaded = source.read((root,), limits, base)
        return check_loaded(loaded, root, display_path(root, base))


def check_loaded(loaded: Loaded, root: Path, shown_root: str = ".") -> Result:
    """Validate and check what a source read from `root` (shown as `shown_root`)."""
    architecture, schema_findings = build(loaded.documents, loaded.unread)
    findings = [*loaded.findings, *schema_findings, *check(architecture, root)]
    findings = apply_acceptances(architecture, findings)
    ordered = tuple(sorted(findings, key=lambda f: f.sort_key))
    return Result(architecture, ordered, loaded.files, shown_root, loaded.digest)


def apply_acceptances(arch: Architecture, findings: list[Finding]) -> list[Finding]:
    """Mark the warnings that their element accepts, with its reason."""
    reasons: dict[tuple[str | None, str], str] = {
        (element.id, acceptance.rule): acceptance.reason
        for element in arch.elements
        for acceptance in element.accept
    }
    return [
        replace(item, accepted=reasons[(item.element, item.rule)])
        if item.severity is Severity.WARNING and (item.element, item.rule) in reasons
        else item
        for item in findings
    ]


def check(architecture: Architecture, root: Path) -> list[Finding]:
    """Every rule's findings, each once: the nodes that take one value from
    their ledger's node-defaults would each report it at the same place."""
    found: dict[tuple[str, str, int, int, str], Finding] = {}
    for rule in CHECKS:
        for item in rule(architecture, root):
            found.setdefault((item.rule, item.path, item.line, item.col, item.message), item)
    return list(found.values())


CHECKS: tuple[Check, ...] = (
    check_element_references,
    check_relations,
    check_data_classification,
    check_declassification,
    check_ledgers,
    check_deployments,
    check_residency,
    check_flows,
    check_links,
    check_icons,
    check_runtimes,
    check_orphans,
    check_acceptances,
)
