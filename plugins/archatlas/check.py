"""Check stage: the rules that need the whole architecture, and the full pipeline.

Each rule is a function from the Architecture to findings; `check_directory`
runs load, model and every rule, and returns all findings in one pass.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from .findings import RULES, Finding, Location, Severity, article, did_you_mean, finding
from .format import (
    CLASSIFICATIONS,
    AnyElement,
    Classification,
    Datalake,
    Ledger,
    LedgerNode,
    Relation,
    Runtime,
)
from .load import LoadLimits, load_directory
from .model import Architecture, build
from .urls import is_safe_url, url_scheme

# Which target kinds each relation verb accepts.
VERB_TARGETS: dict[str, frozenset[str]] = {
    "calls": frozenset({"service", "vendor", "ledger-node"}),
    "reads": frozenset({"datastore", "datalake", "ledger"}),
    "writes": frozenset({"datastore", "datalake", "ledger"}),
    "publishes": frozenset({"datastore"}),
    "subscribes": frozenset({"datastore"}),
    "submits": frozenset({"ledger"}),
    "queries": frozenset({"ledger"}),
}
CONNECTED_KINDS = frozenset({"actor", "service", "vendor", "datastore", "datalake", "ledger"})
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")

Check = Callable[[Architecture, Path], Iterator[Finding]]


@dataclass(frozen=True)
class Result:
    architecture: Architecture
    findings: tuple[Finding, ...]
    files: tuple[str, ...]

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
    root: Path, limits: LoadLimits = LoadLimits(), base: Path | None = None
) -> Result:
    """Load, validate and check `root`; findings name files relative to `base` (cwd)."""
    with _without_cycle_collection():
        loaded = load_directory(root, limits, base)
        architecture, schema_findings = build(loaded.documents)
        findings = [*loaded.findings, *schema_findings, *check(architecture, root)]
        findings = apply_acceptances(architecture, findings)
    return Result(architecture, tuple(sorted(findings, key=lambda f: f.sort_key)), loaded.files)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while the model is built.

    The trees and models built here hold no reference cycles, yet the
    collector walks them again each time they grow: half of the check's time
    at 5,000 elements. Memory is still freed by reference counting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def check_acceptances(arch: Architecture, root: Path) -> Iterator[Finding]:
    warnings = sorted(rule.id for rule in RULES.values() if rule.severity is Severity.WARNING)
    for element in arch.elements:
        for index, acceptance in enumerate(element.accept):
            known = RULES.get(acceptance.rule)
            if known is not None and known.severity is Severity.WARNING:
                continue
            problem = "is an error, which cannot be accepted" if known else "is not a rule"
            yield finding(
                "invalid-value",
                arch.locate(element.id, "accept", index, "rule"),
                f"accept: '{acceptance.rule}' {problem}"
                + ("" if known else did_you_mean(acceptance.rule, warnings)),
                "warnings that can be accepted: " + ", ".join(warnings),
                element.id,
            )


def check(architecture: Architecture, root: Path) -> list[Finding]:
    return [item for rule in CHECKS for item in rule(architecture, root)]


# --- references ------------------------------------------------------------------


def _reference(
    arch: Architecture, at: Location, field: str, target_id: str, kind: str, source: str
) -> Iterator[Finding]:
    target = arch.get(target_id)
    if target is None and target_id in arch.broken:
        return  # its own schema error is reported
    if target is None:
        candidates = [element.id for element in arch.of_kind(kind)]
        yield finding(
            "unknown-reference",
            at,
            f"{field}: no {kind} has the id '{target_id}'{did_you_mean(target_id, candidates)}",
            f"known {kind} ids: " + _listing(candidates),
            source,
        )
    elif target.kind != kind:
        yield finding(
            "wrong-target-kind",
            at,
            f"{field}: '{target_id}' is {article(target.kind)}, not {article(kind)}",
            element=source,
        )


def _listing(ids: list[str], most: int = 12) -> str:
    if not ids:
        return "(none)"
    shown = ", ".join(sorted(ids)[:most])
    return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")


def check_element_references(arch: Architecture, root: Path) -> Iterator[Finding]:
    for element in arch.elements:
        system = getattr(element, "system", None)
        if system is not None:
            at = arch.locate(element.id, "system")
            yield from _reference(arch, at, "system", system, "system", element.id)
        if element.owner is not None:
            at = arch.locate(element.id, "owner")
            yield from _reference(arch, at, "owner", element.owner, "team", element.id)
        if isinstance(element, LedgerNode):
            yield from _node_membership(arch, element)


def _node_membership(arch: Architecture, node: LedgerNode) -> Iterator[Finding]:
    yield from _reference(
        arch, arch.locate(node.id, "ledger"), "ledger", node.ledger, "ledger", node.id
    )
    ledger = arch.get(node.ledger)
    if isinstance(ledger, Ledger) and node.organization is not None:
        organizations = [org.id for org in ledger.organizations]
        if node.organization not in organizations:
            yield _unknown_member(
                "unknown-organization",
                arch.locate(node.id, "organization"),
                node.organization,
                ledger,
                organizations,
                node.id,
            )


def _unknown_member(
    rule: str, at: Location, name: str, owner: AnyElement, known: list[str], source: str
) -> Finding:
    what = rule.removeprefix("unknown-")
    return finding(
        rule,
        at,
        f"{owner.kind} '{owner.id}' has no {what} '{name}'{did_you_mean(name, known)}",
        f"its {what}s: " + _listing(known),
        source,
    )


# --- relations ------------------------------------------------------------------


def check_relations(arch: Architecture, root: Path) -> Iterator[Finding]:
    for element in arch.elements:
        for index, relation in enumerate(element.uses):
            yield from _relation(arch, element, index, relation)


def _relation(
    arch: Architecture, source: AnyElement, index: int, relation: Relation
) -> Iterator[Finding]:
    def at(*field: str) -> Location:
        return arch.locate(source.id, "uses", index, *field)

    target = arch.get(relation.to)
    if target is None and relation.to in arch.broken:
        return  # its own schema error is reported
    if target is None:
        yield finding(
            "unknown-reference",
            at("to"),
            f"uses: no element has the id '{relation.to}'" + did_you_mean(relation.to, arch.by_id),
            "add the element, or correct the id",
            source.id,
        )
        return
    if relation.verb is not None and target.kind not in VERB_TARGETS[relation.verb]:
        allowed = _either(sorted(VERB_TARGETS[relation.verb]))
        verbs = [verb for verb, kinds in VERB_TARGETS.items() if target.kind in kinds]
        yield finding(
            "invalid-verb",
            at("as"),
            f"'{relation.verb}' needs {article(allowed)} as target, "
            f"and '{target.id}' is {article(target.kind)}",
            f"{article(target.kind)} can be used with: {', '.join(verbs)}"
            if verbs
            else f"no relation can point at {article(target.kind)}: turn the relation around",
            source.id,
        )
    yield from _misplaced_fields(relation, target, at, source.id)
    yield from _vendor_reads(source, relation, target, at)
    if isinstance(target, Datalake) and relation.dataset is not None:
        datasets = [dataset.id for dataset in target.datasets]
        if relation.dataset not in datasets:
            yield _unknown_member(
                "unknown-dataset", at("dataset"), relation.dataset, target, datasets, source.id
            )
    if isinstance(target, Ledger):
        yield from _ledger_relation(target, relation, at, source.id)
    approved = getattr(target, "approved_data", None)
    if approved is not None and relation.data is not None and _above(relation.data, approved):
        yield finding(
            "unapproved-data",
            at("data"),
            f"{relation.data} data is sent to '{target.id}', "
            f"which is approved for {approved} data at most",
            "send less sensitive data, or have the vendor approved for it",
            source.id,
        )


def _either(words: list[str]) -> str:
    """'a, b or c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _vendor_reads(
    source: AnyElement, relation: Relation, target: AnyElement, at: Callable[..., Location]
) -> Iterator[Finding]:
    """A vendor that reads a dataset receives its data: the same limit applies."""
    approved = getattr(source, "approved_data", None)
    if approved is None or not isinstance(target, Datalake) or relation.verb != "reads":
        return
    datasets = {dataset.id: dataset for dataset in target.datasets}
    dataset = datasets.get(relation.dataset or "")
    if dataset is not None and dataset.classification and _above(dataset.classification, approved):
        yield finding(
            "unapproved-data",
            at("dataset"),
            f"'{source.id}' reads {dataset.classification} dataset '{dataset.id}', "
            f"and is approved for {approved} data at most",
            "read a less sensitive dataset, or have the vendor approved for it",
            source.id,
        )


def _above(classification: Classification, approved: Classification) -> bool:
    return CLASSIFICATIONS.index(classification) > CLASSIFICATIONS.index(approved)


def _misplaced_fields(
    relation: Relation, target: AnyElement, at: Callable[..., Location], source: str
) -> Iterator[Finding]:
    wanted = {"dataset": "datalake", "channel": "ledger", "organization": "ledger"}
    for field, kind in wanted.items():
        if getattr(relation, field) is not None and target.kind != kind:
            yield finding(
                "misplaced-field",
                at(field),
                f"'{field}' applies to {article(kind)} target, "
                f"and '{target.id}' is {article(target.kind)}",
                f"remove '{field}' from this relation",
                source,
            )


def _ledger_relation(
    ledger: Ledger, relation: Relation, at: Callable[..., Location], source: str
) -> Iterator[Finding]:
    channels = {channel.id: channel for channel in ledger.channels}
    organizations = [org.id for org in ledger.organizations]
    channel = channels.get(relation.channel) if relation.channel else None
    if relation.channel is not None and channel is None:
        yield _unknown_member(
            "unknown-channel", at("channel"), relation.channel, ledger, list(channels), source
        )
    if relation.organization is None:
        return
    if relation.organization not in organizations:
        yield _unknown_member(
            "unknown-organization",
            at("organization"),
            relation.organization,
            ledger,
            organizations,
            source,
        )
    elif channel is not None and relation.organization not in channel.members:
        yield finding(
            "not-channel-member",
            at("organization"),
            f"'{relation.organization}' is not a member of channel '{channel.id}' "
            f"of ledger '{ledger.id}'",
            "members of the channel: " + _listing(list(channel.members)),
            source,
        )


# --- ledgers ---------------------------------------------------------------------


def check_ledgers(arch: Architecture, root: Path) -> Iterator[Finding]:
    for ledger in arch.of_kind("ledger"):
        assert isinstance(ledger, Ledger)
        yield from _duplicate_members(
            arch, ledger, "organizations", [o.id for o in ledger.organizations]
        )
        yield from _duplicate_members(arch, ledger, "channels", [c.id for c in ledger.channels])
        yield from _channel_members(arch, ledger)
        for index, channel in enumerate(ledger.channels):
            yield from _duplicate_members(
                arch,
                ledger,
                f"channels[{index}].members",
                list(channel.members),
                path=("channels", index, "members"),
            )
        yield from _fault_tolerance(arch, ledger)
    for lake in arch.of_kind("datalake"):
        assert isinstance(lake, Datalake)
        yield from _duplicate_members(arch, lake, "datasets", [d.id for d in lake.datasets])


def _duplicate_members(
    arch: Architecture,
    owner: AnyElement,
    field: str,
    ids: list[str],
    path: tuple[str | int, ...] | None = None,
) -> Iterator[Finding]:
    """Ids given twice in one list; `path` locates the list (default: items' ids)."""
    seen: dict[str, int] = {}
    for index, member in enumerate(ids):
        if member in seen:
            where = (*path, index) if path else (field, index, "id")
            yield finding(
                "duplicate-member",
                arch.locate(owner.id, *where),
                f"{field}: '{member}' is given twice (first as item {seen[member] + 1})",
                element=owner.id,
            )
        else:
            seen[member] = index


def _nodes_of(arch: Architecture, ledger: Ledger) -> list[LedgerNode]:
    return [
        node
        for node in arch.of_kind("ledger-node")
        if isinstance(node, LedgerNode) and node.ledger == ledger.id
    ]


def _channel_members(arch: Architecture, ledger: Ledger) -> Iterator[Finding]:
    organizations = [org.id for org in ledger.organizations]
    peers = {node.organization for node in _nodes_of(arch, ledger) if node.role == "peer"}
    reported: set[str] = set()
    for c_index, channel in enumerate(ledger.channels):
        for m_index, member in enumerate(channel.members):
            at = arch.locate(ledger.id, "channels", c_index, "members", m_index)
            if member not in organizations:
                yield _unknown_member(
                    "unknown-organization", at, member, ledger, organizations, ledger.id
                )
            elif member not in peers and member not in reported:
                reported.add(member)
                yield finding(
                    "member-without-peer",
                    at,
                    f"organization '{member}' is a member of channel '{channel.id}' "
                    "but runs no peer node",
                    f"add a ledger-node with ledger: {ledger.id}, organization: {member}, "
                    "role: peer",
                    ledger.id,
                )


# Per consensus: the node role that orders or validates, and how many of
# those nodes must agree (crash faults need a majority, BFT two thirds).
QUORUMS: dict[str, tuple[str, int]] = {
    "raft": ("orderer", 2),
    "pbft": ("validator", 3),
    "ibft": ("validator", 3),
    "qbft": ("validator", 3),
}


def tolerated_failures(consensus: str, nodes: int) -> int:
    """n orderers tolerate (n-1)//2 failures under raft, validators (n-1)//3 under BFT."""
    return max(nodes - 1, 0) // QUORUMS[consensus][1]


def _fault_tolerance(arch: Architecture, ledger: Ledger) -> Iterator[Finding]:
    if ledger.consensus not in QUORUMS:
        return
    role, divisor = QUORUMS[ledger.consensus]
    count = sum(1 for node in _nodes_of(arch, ledger) if node.role == role)
    if tolerated_failures(ledger.consensus, count) == 0:
        needed = divisor + 1
        yield finding(
            "no-fault-tolerance",
            arch.locate(ledger.id, "consensus"),
            f"{ledger.consensus} with {count} {role} node(s) tolerates no failure",
            f"run at least {needed} {role} nodes so that one may fail",
            ledger.id,
        )


# --- element fields ---------------------------------------------------------------


def check_links(arch: Architecture, root: Path) -> Iterator[Finding]:
    for element in arch.elements:
        for index, link in enumerate(element.links):
            scheme = url_scheme(link.url)
            if not is_safe_url(link.url):
                yield finding(
                    "unsafe-link",
                    arch.locate(element.id, "links", index, "url"),
                    f"the link '{link.title}' uses the scheme '{scheme}:'",
                    "links may use http(s), mailto or a relative URL",
                    element.id,
                )


def check_icons(arch: Architecture, root: Path) -> Iterator[Finding]:
    resolved_root = root.resolve()
    for element in arch.elements:
        if element.icon is None:
            continue
        problem = icon_problem(element.icon, arch.sources[element.id].file.parent, resolved_root)
        if problem:
            yield finding(
                "bad-icon",
                arch.locate(element.id, "icon"),
                f"icon '{element.icon}' {problem}",
                "give the path of a PNG, JPEG, GIF, WebP or SVG file inside the architecture "
                "directory, relative to this YAML file",
                element.id,
            )


def icon_problem(icon: str, folder: Path, root: Path) -> str | None:
    """Why `icon` is not a usable image inside `root`, or None when it is."""
    if Path(icon).is_absolute() or "\\" in icon or url_scheme(icon):
        return "is not a relative path"
    try:
        path = (folder / icon).resolve()
        if not path.is_relative_to(root):
            return "is outside the architecture directory"
        if not path.is_file():
            return "does not exist"
        with path.open("rb") as handle:
            head = handle.read(512)
    except (OSError, ValueError, RuntimeError):  # NUL, too long, a link loop
        return "is not a usable path"
    if head.startswith(IMAGE_SIGNATURES) or head[8:12] == b"WEBP" or b"<svg" in head:
        return None
    return "is not a PNG, JPEG, GIF, WebP or SVG image"


def check_runtimes(arch: Architecture, root: Path) -> Iterator[Finding]:
    for element in arch.elements:
        runtime = getattr(element, "runtime", None)
        if isinstance(runtime, Runtime):
            yield from _runtime(arch, element, runtime)


def _runtime(arch: Architecture, element: AnyElement, runtime: Runtime) -> Iterator[Finding]:
    if runtime.schedule is not None and runtime.workload != "cronjob":
        yield finding(
            "schedule-without-cronjob",
            arch.locate(element.id, "runtime", "schedule"),
            "a schedule applies to a cronjob, and this runtime "
            + (f"is a {runtime.workload}" if runtime.workload else "sets no workload"),
            "set 'workload: cronjob', or remove the schedule",
            element.id,
        )
    if runtime.workload == "cronjob" and runtime.schedule is None:
        yield finding(
            "cronjob-without-schedule",
            arch.locate(element.id, "runtime", "workload"),
            "this cronjob has no schedule",
            "add 'schedule' with a cron expression, e.g. '*/15 * * * *'",
            element.id,
        )
    autoscale = runtime.autoscale
    if autoscale is not None and autoscale.min > autoscale.max:
        yield finding(
            "invalid-value",
            arch.locate(element.id, "runtime", "autoscale", "min"),
            f"autoscale min {autoscale.min} is above max {autoscale.max}",
            element=element.id,
        )
    single = runtime.replicas == 1 and autoscale is None
    if element.kind == "service" and single and runtime.workload not in ("job", "cronjob"):
        yield finding(
            "single-replica",
            arch.locate(element.id, "runtime", "replicas"),
            f"'{element.id}' runs one replica without autoscale: one failure stops it",
            "run two replicas or more, or add autoscale",
            element.id,
        )


def check_orphans(arch: Architecture, root: Path) -> Iterator[Finding]:
    for element in arch.elements:
        used = arch.used_by(element.id) or element.id in arch.broken_targets
        if element.kind in CONNECTED_KINDS and not element.uses and not used:
            yield finding(
                "orphan-element",
                arch.locate(element.id, "id"),
                f"nothing uses '{element.id}' and it uses nothing",
                "add the relations that connect it, or remove it",
                element.id,
            )


CHECKS: tuple[Check, ...] = (
    check_element_references,
    check_relations,
    check_ledgers,
    check_links,
    check_icons,
    check_runtimes,
    check_orphans,
    check_acceptances,
)
