"""Rules on references: ids, relation verbs and targets, datasets, channels.

What data a relation carries is checked in dataflow.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ..findings import Finding, Location, Rule, article, did_you_mean, finding
from ..format import (
    Datalake,
    Element,
    Ledger,
    LedgerNode,
    Relation,
)
from ..model import Architecture
from .references_rules import (
    INVALID_VERB,
    MISPLACED_FIELD,
    NOT_CHANNEL_MEMBER,
    UNKNOWN_CHANNEL,
    UNKNOWN_DATASET,
    UNKNOWN_ORGANIZATION,
    UNKNOWN_REFERENCE,
    WRONG_TARGET_KIND,
)

# Which target kinds each relation verb accepts.
VERB_TARGETS: dict[str, frozenset[str]] = {
    "calls": frozenset({"service", "vendor", "ledger-node"}),
    "reads": frozenset({"datastore", "datalake", "ledger"}),
    "writes": frozenset({"datastore", "datalake", "ledger"}),
    "publishes": frozenset({"datastore"}),
    "subscribes": frozenset({"datastore", "ledger"}),  # a ledger's events
    "submits": frozenset({"ledger"}),
    "queries": frozenset({"datastore", "ledger"}),
}


def _reference(
    arch: Architecture, at: Location, field: str, target_id: str, kind: str, source: str
) -> Iterator[Finding]:
    target = arch.get(target_id)
    if target is None and arch.may_exist(target_id, kind):
        return  # its document's own finding is reported
    if target is None:
        candidates = [element.id for element in arch.of_kind(kind)]
        yield finding(
            UNKNOWN_REFERENCE,
            at,
            f"{field}: no {kind} has the id '{target_id}'{did_you_mean(target_id, candidates)}",
            f"known {kind} ids: " + listing(candidates),
            source,
        )
    elif target.kind != kind:
        yield finding(
            WRONG_TARGET_KIND,
            at,
            f"{field}: '{target_id}' is {article(target.kind)}, not {article(kind)}",
            element=source,
        )


def listing(ids: list[str], most: int = 12) -> str:
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
    if not isinstance(ledger, Ledger):
        return
    organizations = [org.id for org in ledger.organizations]
    # The organization the node belongs to, and the one that runs it.
    for field in ("organization", "operator"):
        name = getattr(node, field)
        if name is not None and name not in organizations:
            yield unknown_member(
                UNKNOWN_ORGANIZATION,
                arch.locate(node.id, field),
                name,
                ledger,
                organizations,
                node.id,
            )


def unknown_member(
    rule: Rule, at: Location, name: str, owner: Element, known: list[str], source: str
) -> Finding:
    what = rule.id.removeprefix("unknown-")
    return finding(
        rule,
        at,
        f"{owner.kind} '{owner.id}' has no {what} '{name}'{did_you_mean(name, known)}",
        f"its {what}s: " + listing(known),
        source,
    )


# --- relations ------------------------------------------------------------------


def check_relations(arch: Architecture, root: Path) -> Iterator[Finding]:
    for element in arch.elements:
        for index, relation in enumerate(element.uses):
            yield from _relation(arch, element, index, relation)


def _relation(
    arch: Architecture, source: Element, index: int, relation: Relation
) -> Iterator[Finding]:
    def at(*field: str) -> Location:
        return arch.locate(source.id, "uses", index, *field)

    target = arch.get(relation.to)
    if target is None and arch.may_exist(relation.to):
        return  # its document's own finding is reported
    if target is None:
        yield finding(
            UNKNOWN_REFERENCE,
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
            INVALID_VERB,
            at("as"),
            f"'{relation.verb}' needs {article(allowed)} as target, "
            f"and '{target.id}' is {article(target.kind)}",
            f"{article(target.kind)} can be used with: {', '.join(verbs)}"
            if verbs
            else f"no relation can point at {article(target.kind)}: turn the relation around",
            source.id,
        )
    yield from _misplaced_fields(relation, target, at, source.id)
    if isinstance(target, Datalake) and relation.dataset is not None:
        datasets = [dataset.id for dataset in target.datasets]
        if relation.dataset not in datasets:
            yield unknown_member(
                UNKNOWN_DATASET, at("dataset"), relation.dataset, target, datasets, source.id
            )
    if isinstance(target, Ledger):
        yield from _ledger_relation(target, relation, at, source.id)


def _either(words: list[str]) -> str:
    """'a, b or c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _misplaced_fields(
    relation: Relation, target: Element, at: Callable[..., Location], source: str
) -> Iterator[Finding]:
    wanted = {
        "dataset": "datalake",
        "channel": "ledger",
        "organization": "ledger",
        "events": "ledger",
    }
    for field, kind in wanted.items():
        if getattr(relation, field) is not None and target.kind != kind:
            yield finding(
                MISPLACED_FIELD,
                at(field),
                f"'{field}' applies to {article(kind)} target, "
                f"and '{target.id}' is {article(target.kind)}",
                f"remove '{field}' from this relation",
                source,
            )
    if relation.events is not None and target.kind == "ledger" and relation.verb != "subscribes":
        yield finding(
            MISPLACED_FIELD,
            at("events"),
            f"'events' applies to a relation that subscribes to a ledger, "
            f"and this one {relation.verb or 'names no verb'}",
            "write 'as: subscribes', or remove 'events' from this relation",
            source,
        )


def _ledger_relation(
    ledger: Ledger, relation: Relation, at: Callable[..., Location], source: str
) -> Iterator[Finding]:
    channels = {channel.id: channel for channel in ledger.channels}
    organizations = [org.id for org in ledger.organizations]
    channel = channels.get(relation.channel) if relation.channel else None
    if relation.channel is not None and channel is None:
        yield unknown_member(
            UNKNOWN_CHANNEL, at("channel"), relation.channel, ledger, list(channels), source
        )
    if relation.organization is None:
        return
    if relation.organization not in organizations:
        yield unknown_member(
            UNKNOWN_ORGANIZATION,
            at("organization"),
            relation.organization,
            ledger,
            organizations,
            source,
        )
    elif channel is not None and channel.members and relation.organization not in channel.members:
        # (A channel that lists no members is one finding, at the channel: ledgers.py.)
        yield finding(
            NOT_CHANNEL_MEMBER,
            at("organization"),
            f"'{relation.organization}' is not a member of channel '{channel.id}' "
            f"of ledger '{ledger.id}'",
            "members of the channel: " + listing(list(channel.members)),
            source,
        )
