"""Rules on ledger networks: members, duplicate ids, peers, the channels nodes
join, fault tolerance."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..findings import Finding, finding, plural
from ..format import Datalake, Element, Ledger, LedgerNode
from ..membership import ORDERING_ROLES, channel_part
from ..model import Architecture
from .ledgers_rules import (
    DUPLICATE_MEMBER,
    MEMBER_WITHOUT_PEER,
    NO_FAULT_TOLERANCE,
    PEER_NOT_IN_CHANNEL,
)
from .references import listing, unknown_member
from .references_rules import NOT_CHANNEL_MEMBER, UNKNOWN_CHANNEL, UNKNOWN_ORGANIZATION


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
        yield from _memberless_channels(arch, ledger)
        for node in _nodes_of(arch, ledger):
            yield from _node_channels(arch, ledger, node)
        yield from _memberless_joined(arch, ledger)
    for lake in arch.of_kind("datalake"):
        assert isinstance(lake, Datalake)
        yield from _duplicate_members(arch, lake, "datasets", [d.id for d in lake.datasets])


def _duplicate_members(
    arch: Architecture,
    owner: Element,
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
                DUPLICATE_MEMBER,
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
    peers = [node for node in _nodes_of(arch, ledger) if node.role == "peer"]
    with_peer = {node.organization for node in peers}
    lost_nodes = arch.may_have_more(ledger.id, "ledger-node")  # its own finding tells why
    if not with_peer:
        yield from _no_peer_at_all(arch, ledger, lost_nodes)
        return
    reported: set[str] = set()
    for c_index, channel in enumerate(ledger.channels):
        serving = {node.organization for node in peers if channel_part(node, channel)}
        for m_index, member in enumerate(channel.members):
            at = arch.locate(ledger.id, "channels", c_index, "members", m_index)
            if member not in organizations:
                yield unknown_member(
                    UNKNOWN_ORGANIZATION, at, member, ledger, organizations, ledger.id
                )
            elif member not in with_peer and member not in reported and not lost_nodes:
                reported.add(member)  # once: one peer node fixes every channel
                yield finding(
                    MEMBER_WITHOUT_PEER,
                    at,
                    f"organization '{member}' is a member of channel '{channel.id}' "
                    "but runs no peer node",
                    f"add a ledger-node with ledger: {ledger.id}, organization: {member}, "
                    "role: peer",
                    ledger.id,
                )
            elif member in with_peer and member not in serving and not lost_nodes:
                own = [node.id for node in peers if node.organization == member]
                yield finding(
                    MEMBER_WITHOUT_PEER,
                    at,
                    f"organization '{member}' is a member of channel '{channel.id}' "
                    "but none of its peers joins it",
                    f"add {channel.id} to the channels of one of its peers: {listing(own)}",
                    ledger.id,
                )


def _no_peer_at_all(arch: Architecture, ledger: Ledger, lost_nodes: bool) -> Iterator[Finding]:
    """A network with channel members and no peer node at all: one finding, at
    the first membership (a role missing from node-defaults takes every peer)."""
    organizations = [org.id for org in ledger.organizations]
    members = [
        (c_index, m_index, member)
        for c_index, channel in enumerate(ledger.channels)
        for m_index, member in enumerate(channel.members)
        if member in organizations
    ]
    if not members or lost_nodes:
        return
    c_index, m_index, _ = members[0]
    named = list(dict.fromkeys(member for _, _, member in members))
    yield finding(
        MEMBER_WITHOUT_PEER,
        arch.locate(ledger.id, "channels", c_index, "members", m_index),
        f"ledger '{ledger.id}' has no peer node, and its channels have members: "
        + listing(named, most=len(named)),
        f"add ledger-nodes with ledger: {ledger.id}, role: peer, one per member "
        "organization (or role: peer in the ledger's node-defaults)",
        ledger.id,
    )


def _node_channels(arch: Architecture, ledger: Ledger, node: LedgerNode) -> Iterator[Finding]:
    """The channels a node declares: the ledger's, and its organization's."""
    if node.channels is None:
        return
    yield from _duplicate_members(arch, node, "channels", list(node.channels), path=("channels",))
    channels = {channel.id: channel for channel in ledger.channels}
    for index, name in enumerate(node.channels):
        at = arch.locate(node.id, "channels", index)
        channel = channels.get(name)
        if channel is None:
            yield unknown_member(UNKNOWN_CHANNEL, at, name, ledger, list(channels), node.id)
        elif not channel.members:
            continue  # told once, at the channel (_memberless_joined)
        # An ordering organization orders channels it is no member of.
        elif (
            node.organization is not None
            and node.role not in ORDERING_ROLES
            and node.organization not in channel.members
        ):
            yield finding(
                PEER_NOT_IN_CHANNEL,
                at,
                f"ledger-node '{node.id}' of organization '{node.organization}' joins "
                f"channel '{channel.id}', whose members are " + listing(list(channel.members)),
                f"add {node.organization} to the members of channel '{channel.id}' of "
                f"ledger '{ledger.id}', or remove the channel from this node",
                node.id,
            )


def _memberless_joined(arch: Architecture, ledger: Ledger) -> Iterator[Finding]:
    """A channel that lists no members and that nodes join: one finding at the
    channel, its missing 'members' line being the likely mistake. Where relations
    also sign on it, the finding of _memberless_channels tells it."""
    joining = [
        node
        for node in _nodes_of(arch, ledger)
        if node.channels is not None and node.role not in ORDERING_ROLES and node.organization
    ]
    for index, channel in enumerate(ledger.channels):
        joined = [node for node in joining if channel.id in (node.channels or ())]
        signed = any(
            relation.channel == channel.id and relation.organization is not None
            for _, relation in arch.used_by(ledger.id)
        )
        if channel.members or not joined or signed:
            continue
        first = joined[0]
        where = arch.locate(first.id, "channels", list(first.channels or ()).index(channel.id))
        organizations = sorted({str(node.organization) for node in joined})
        yield finding(
            PEER_NOT_IN_CHANNEL,
            arch.locate(ledger.id, "channels", index, "id"),
            f"channel '{channel.id}' of ledger '{ledger.id}' lists no members, and "
            + (
                f"{len(joined)} nodes join it (the first, '{first.id}', at {where})"
                if len(joined) > 1
                else f"ledger-node '{first.id}' joins it at {where}"
            ),
            f"list its members: members: [{', '.join(organizations)}]",
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
    if ledger.consensus not in QUORUMS or arch.may_have_more(ledger.id, "ledger-node"):
        return
    role, divisor = QUORUMS[ledger.consensus]
    count = sum(1 for node in _nodes_of(arch, ledger) if node.role == role)
    if tolerated_failures(ledger.consensus, count) == 0:
        needed = divisor + 1
        yield finding(
            NO_FAULT_TOLERANCE,
            arch.locate(ledger.id, "consensus"),
            f"{ledger.consensus} with {plural(count, role + ' node')} tolerates no failure",
            f"run at least {needed} {role} nodes so that one may fail",
            ledger.id,
        )


def _memberless_channels(arch: Architecture, ledger: Ledger) -> Iterator[Finding]:
    """A channel that lists no members, and relations that sign on it as a member:
    one finding at the channel (its 'members' line is most likely what is missing),
    not one at each relation."""
    for index, channel in enumerate(ledger.channels):
        if channel.members:
            continue
        signing = [
            (user, relation)
            for user, relation in arch.used_by(ledger.id)
            if relation.channel == channel.id and relation.organization is not None
        ]
        if not signing:
            continue
        user, relation = signing[0]
        where = arch.locate(user.id, "uses", user.uses.index(relation), "organization")
        organizations = sorted({str(relation.organization) for _, relation in signing})
        yield finding(
            NOT_CHANNEL_MEMBER,
            arch.locate(ledger.id, "channels", index, "id"),
            f"channel '{channel.id}' of ledger '{ledger.id}' lists no members, and "
            + (
                f"{len(signing)} relations sign on it as one "
                f"(the first as '{relation.organization}' at {where})"
                if len(signing) > 1
                else f"a relation signs on it as '{relation.organization}' at {where}"
            ),
            f"list its members: members: [{', '.join(organizations)}]",
            ledger.id,
        )
