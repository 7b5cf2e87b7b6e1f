"""Which channels of its ledger a node takes part in, and how.

The one answer that the checks, the ledger view and the pages read. A node
that declares `channels` takes part in those. A node that does not keeps
the meaning of format 1.0, derived from its role: an ordering node orders
every channel, and a peer (or another node that serves reads) serves every
channel its organization is a member of.
"""

from __future__ import annotations

from typing import Literal

from .format import Channel, LedgerNode

# Ordering nodes by consensus family: Raft and the BFT kinds order with
# orderers or validators; the nodes that serve a channel's reads and
# endorsements are peers, validators, observers and RPC gateways.
ORDERING_ROLES = frozenset({"orderer", "validator"})
SERVING_ROLES = frozenset({"peer", "validator", "observer", "rpc"})

ChannelPart = Literal["orders", "serves"]  # what a node does for a channel


def channel_part(node: LedgerNode, channel: Channel) -> ChannelPart | None:
    """What `node` does for `channel`: orders its blocks, serves it, or nothing."""
    if node.channels is not None:
        if channel.id not in node.channels:
            return None
        return "orders" if node.role in ORDERING_ROLES else "serves"
    if node.role in ORDERING_ROLES:
        return "orders"
    if node.role in SERVING_ROLES and node.organization in channel.members:
        return "serves"
    return None
