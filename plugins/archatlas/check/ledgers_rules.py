"""The rules that ledgers.py reports: duplicate members, peers and fault tolerance."""

from __future__ import annotations

from ..example_fixtures import TRADE_FABRIC_LEDGER, peer, submits
from ..examples import Example, File
from ..findings import E, Rule, W, declare

DUPLICATE_MEMBER = Rule(
    "duplicate-member",
    E,
    "a dataset, organization or channel id used twice",
    "references",
    doc="""
A dataset id given twice in one data lake, an organization or channel id
given twice in one ledger, an organization listed twice in one channel's
`members`, a cluster id or a residency classification given twice in one
environment, or two deployments of one element to the same environment,
cluster and namespace.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/lake.yaml",
                    """\
kind: datalake
id: market-lake
engine: s3
datasets:
  - id: news-raw
    zone: raw
  - id: news-raw
    zone: curated
---
kind: service
id: news-scraper
uses:
  - to: market-lake
    as: writes
    dataset: news-raw
""",
                ),
            ),
            output="""\
architecture/lake.yaml:7:9: error[duplicate-member]: datasets: 'news-raw' is given twice (first as item 1)
2 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

# A ledger with a channel for both organizations and one for the bank alone.
_TWO_CHANNELS = """\
kind: ledger
id: trade-fabric
platform: fabric
organizations:
  - id: bank
  - id: broker
channels:
  - id: trades
    members: [bank, broker]
  - id: settlement
    members: [bank]
"""

MEMBER_WITHOUT_PEER = Rule(
    "member-without-peer",
    E,
    "a channel member organization with no peer node",
    "ledgers",
    doc="""
An organization that is a member of a channel but runs no `ledger-node` with
`role: peer` on that ledger: no node would hold the channel's ledger for it.
Each organization is reported once, at its first channel membership. A
network with no peer node at all is one finding, at the first membership,
naming every member: its nodes most likely lost their `role` (say, from the
ledger's `node-defaults`).

When its peers declare the `channels` they join, an organization that has
peers but none joined to one of its channels is reported at that channel.
A peer without `channels` serves every channel its organization is a member
of.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/ledger.yaml",
                    TRADE_FABRIC_LEDGER
                    + peer("bank")
                    + submits("trade-recorder", channel="trades", organization="bank"),
                ),
            ),
            output="""\
architecture/ledger.yaml:9:21: error[member-without-peer]: organization 'broker' is a member of channel 'trades' but runs no peer node
    hint: add a ledger-node with ledger: trade-fabric, organization: broker, role: peer
3 elements in 1 file: 1 error, 0 warnings
""",
        ),
        Example(
            intro="""
The broker's only peer joins `trades`, not `settlement`:
""",
            files=(
                File(
                    "architecture/ledger.yaml",
                    _TWO_CHANNELS.replace("members: [bank]", "members: [bank, broker]")
                    + peer("bank")
                    + peer("broker")
                    + "channels: [trades]\n"
                    + submits("trade-recorder", channel="trades", organization="bank"),
                ),
            ),
            output="""\
architecture/ledger.yaml:11:21: error[member-without-peer]: organization 'broker' is a member of channel 'settlement' but none of its peers joins it
    hint: add settlement to the channels of one of its peers: peer0-broker
4 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

NO_FAULT_TOLERANCE = Rule(
    "no-fault-tolerance",
    W,
    "a ledger whose ordering nodes tolerate no failure",
    "warnings",
    doc="""
A ledger whose ordering or validating nodes tolerate no failure. archatlas
counts the `ledger-node` elements of the ledger with the role that orders or
validates for its `consensus`, and computes how many of them may fail while
the network keeps working:

| consensus | nodes counted | failures tolerated by n nodes | nodes needed to tolerate one failure |
|---|---|---|---|
| `raft` | `role: orderer` | (n-1)//2 | 3 |
| `pbft`, `ibft`, `qbft` | `role: validator` | (n-1)//3 | 4 |

Raft is crash-fault tolerant: it needs a majority of the orderers, so 2
orderers tolerate no failure (losing one loses the majority) and 3 tolerate
one. The Byzantine-fault-tolerant protocols need more than two thirds of the
validators to agree, so 3 validators tolerate no failure and 4 tolerate one.
A ledger with no such nodes described at all gets the warning too (n = 0).
Ledgers with another consensus (`poa`, `pos`, `pow`) or none are not checked.

The warning is reported on the ledger's `consensus` field.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/ledger.yaml",
                    """\
kind: ledger
id: trade-fabric
platform: fabric
consensus: raft
organizations:
  - id: bank
---
kind: ledger-node
id: orderer0-bank
ledger: trade-fabric
organization: bank
role: orderer
---
kind: ledger-node
id: orderer1-bank
ledger: trade-fabric
organization: bank
role: orderer
---
kind: ledger
id: payments-besu
platform: besu
consensus: qbft
---
kind: ledger-node
id: validator1
ledger: payments-besu
role: validator
---
kind: ledger-node
id: validator2
ledger: payments-besu
role: validator
---
kind: ledger-node
id: validator3
ledger: payments-besu
role: validator
---
kind: service
id: trade-recorder
uses:
  - to: trade-fabric
    as: submits
  - to: payments-besu
    as: submits
""",
                ),
            ),
            output="""\
architecture/ledger.yaml:4:12: warning[no-fault-tolerance]: raft with 2 orderer nodes tolerates no failure
    hint: run at least 3 orderer nodes so that one may fail
architecture/ledger.yaml:23:12: warning[no-fault-tolerance]: qbft with 3 validator nodes tolerates no failure
    hint: run at least 4 validator nodes so that one may fail
8 elements in 1 file: 0 errors, 2 warnings
""",
        ),
    ),
)

PEER_NOT_IN_CHANNEL = Rule(
    "peer-not-in-channel",
    E,
    "a node joined to a channel its organization is not a member of",
    "ledgers",
    doc="""
A `ledger-node` whose `channels` name a channel of its ledger that the node's
`organization` is not a member of: the channel's configuration would not let
the node join. The message names the node, its organization, the channel and
the channel's members. Ordering nodes (`role: orderer` or `validator`) are not
checked: an ordering organization orders channels it is no member of.

A channel that lists no members and that nodes join is one finding, at the
channel: its `members` line is the likely mistake. (Where relations also sign
on it, [`not-channel-member`](#not-channel-member) tells it.)
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/ledger.yaml",
                    _TWO_CHANNELS
                    + """\
---
kind: ledger-node
id: peer0-bank
ledger: trade-fabric
organization: bank
role: peer
channels: [trades, settlement]
---
kind: ledger-node
id: peer0-broker
ledger: trade-fabric
organization: broker
role: peer
channels: [trades, settlement]
"""
                    + submits("trade-recorder", channel="trades", organization="bank"),
                ),
            ),
            output="""\
architecture/ledger.yaml:25:20: error[peer-not-in-channel]: ledger-node 'peer0-broker' of organization 'broker' joins channel 'settlement', whose members are bank
    hint: add broker to the members of channel 'settlement' of ledger 'trade-fabric', or remove the channel from this node
4 elements in 1 file: 1 error, 0 warnings
""",
        ),
        Example(
            intro="""
A channel that a node takes from its ledger's `node-defaults` is reported at
the default, for each node whose organization is not a member:
""",
            files=(
                File(
                    "architecture/ledger.yaml",
                    _TWO_CHANNELS
                    + """\
node-defaults:
  role: peer
  channels: [trades, settlement]
---
kind: ledger-node
id: peer0-bank
ledger: trade-fabric
organization: bank
---
kind: ledger-node
id: peer0-broker
ledger: trade-fabric
organization: broker
"""
                    + submits("trade-recorder", channel="trades", organization="bank"),
                ),
            ),
            output="""\
architecture/ledger.yaml:14:22: error[peer-not-in-channel]: ledger-node 'peer0-broker' of organization 'broker' joins channel 'settlement', whose members are bank
    hint: add broker to the members of channel 'settlement' of ledger 'trade-fabric', or remove the channel from this node
4 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

RULES = declare(DUPLICATE_MEMBER, MEMBER_WITHOUT_PEER, NO_FAULT_TOLERANCE, PEER_NOT_IN_CHANNEL)
