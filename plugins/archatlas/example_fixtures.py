"""YAML that the examples of several rules share, written once here.

Each piece is a whole document or the end of one; an example joins them with
`+`, and the rules reference shows the file it makes, whole.
"""

from __future__ import annotations

# The database of the payments examples, as the document after a service's.
PAYMENTS_DB = """\
---
kind: datastore
id: payments-db
engine: postgres
"""

# The end of a payments service: it writes to payments-db, which follows.
WRITES_PAYMENTS_DB = (
    """\
uses:
  - to: payments-db
    as: writes
"""
    + PAYMENTS_DB
)

# A Fabric ledger with two organizations and a channel for both. The
# examples add its peer nodes and a service that submits to it.
TRADE_FABRIC_LEDGER = """\
kind: ledger
id: trade-fabric
platform: fabric
organizations:
  - id: bank
  - id: broker
channels:
  - id: trades
    members: [bank, broker]
"""


def peer(organization: str) -> str:
    """The peer node `peer0-<organization>` of trade-fabric, as a document."""
    return f"""\
---
kind: ledger-node
id: peer0-{organization}
ledger: trade-fabric
organization: {organization}
role: peer
"""


# The ledger with a peer for each of its organizations.
TRADE_FABRIC = TRADE_FABRIC_LEDGER + peer("bank") + peer("broker")


def submits(service: str, channel: str, organization: str) -> str:
    """A service that submits to trade-fabric on the channel as the organization."""
    return f"""\
---
kind: service
id: {service}
uses:
  - to: trade-fabric
    as: submits
    channel: {channel}
    organization: {organization}
"""
