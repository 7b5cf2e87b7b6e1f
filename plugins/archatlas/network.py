"""Ledger networks as pages and diagrams read them: the nodes of a network,
the channels each node serves, the channel-by-organization matrix and how
many failures the ordering service survives.

One place answers "which channels does a node serve" (`membership.py`), so
the checks, the ledger view and the pages cannot disagree: the channels a
node declares, or, without `channels`, those derived from its role.
"""

from __future__ import annotations

from dataclasses import dataclass

from .check.ledgers import QUORUMS, tolerated_failures
from .findings import plural
from .format import Channel, Ledger, LedgerNode
from .membership import ORDERING_ROLES, ChannelPart, channel_part
from .model import Architecture, title_order

CONSENSUS_NAMES = {
    "raft": "Raft",
    "pbft": "PBFT",
    "ibft": "IBFT",
    "qbft": "QBFT",
    "poa": "Proof of authority",
    "pos": "Proof of stake",
    "pow": "Proof of work",
}
# The rule QUORUMS encodes, in words (a test holds the two together).
TOLERANCE_RULE = "Raft tolerates (n-1)//2 failed orderers; BFT kinds (n-1)//3 validators"


def consensus_name(consensus: str) -> str:
    """A consensus kind as prose names it: 'Raft', 'Proof of authority'."""
    return CONSENSUS_NAMES.get(consensus, consensus)


def network_nodes(arch: Architecture, ledger_id: str) -> tuple[LedgerNode, ...]:
    """The nodes of the ledger `ledger_id`, by id."""
    return tuple(
        node
        for node in arch.of_kind("ledger-node")
        if isinstance(node, LedgerNode) and node.ledger == ledger_id
    )


def channels_of(ledger: Ledger, node: LedgerNode, part: ChannelPart) -> tuple[Channel, ...]:
    """The channels of `ledger` that `node` orders or serves, as the ledger lists them."""
    return tuple(channel for channel in ledger.channels if channel_part(node, channel) == part)


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One channel of the matrix: per organization (in the ledger's order),
    the nodes that serve it, or None where the organization is no member."""

    channel: Channel
    cells: tuple[tuple[LedgerNode, ...] | None, ...]


def channel_matrix(arch: Architecture, ledger: Ledger) -> tuple[MatrixRow, ...]:
    """Channels by organizations: the nodes of each organization that serve each channel."""
    nodes = sorted(network_nodes(arch, ledger.id), key=title_order)
    rows = []
    for channel in ledger.channels:
        cells = tuple(
            tuple(
                node
                for node in nodes
                if node.organization == org.id and channel_part(node, channel) == "serves"
            )
            if org.id in channel.members
            else None
            for org in ledger.organizations
        )
        rows.append(MatrixRow(channel, cells))
    return tuple(rows)


def ordering_nodes(arch: Architecture, ledger: Ledger) -> tuple[LedgerNode, ...]:
    ordering = (node for node in network_nodes(arch, ledger.id) if node.role in ORDERING_ROLES)
    return tuple(sorted(ordering, key=title_order))


@dataclass(frozen=True, slots=True)
class FaultTolerance:
    """How many ordering nodes may fail while the network keeps ordering."""

    consensus: str
    role: str  # the role that orders: "orderer" or "validator"
    nodes: int
    tolerated: int

    @property
    def summary(self) -> str:
        """E.g. 'Raft, 3 orderers: tolerates 1 failure'."""
        failures = plural(self.tolerated, "failure") if self.tolerated else "no failure"
        nodes = plural(self.nodes, self.role)
        return f"{consensus_name(self.consensus)}, {nodes}: tolerates {failures}"

    @property
    def rule(self) -> str:
        return TOLERANCE_RULE

    @property
    def needed(self) -> int:
        """The nodes needed to tolerate one more failure than now."""
        return (self.tolerated + 1) * QUORUMS[self.consensus][1] + 1


def fault_tolerance(arch: Architecture, ledger: Ledger) -> FaultTolerance | None:
    """The ledger's fault tolerance, for the consensus kinds whose rule is known."""
    if ledger.consensus not in QUORUMS:
        return None
    role = QUORUMS[ledger.consensus][0]
    count = sum(1 for node in network_nodes(arch, ledger.id) if node.role == role)
    return FaultTolerance(
        ledger.consensus, role, count, tolerated_failures(ledger.consensus, count)
    )
