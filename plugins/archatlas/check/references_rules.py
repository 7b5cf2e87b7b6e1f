"""The rules on references that references.py reports: ids, verbs, datasets, channels."""

from __future__ import annotations

from ..example_fixtures import PAYMENTS_DB, TRADE_FABRIC, WRITES_PAYMENTS_DB, peer, submits
from ..examples import Example, File
from ..findings import E, Rule, declare

UNKNOWN_REFERENCE = Rule(
    "unknown-reference",
    E,
    "a reference to an id that does not exist",
    "references",
    doc="""
A `system`, `owner`, `ledger`, relation `to` or deployment `environment`
that names an id no element has. The message suggests the closest id; for
`system`, `owner`, `ledger` and `environment` the hint lists the known ids of
the expected kind.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: team
id: payments
---
kind: service
id: payments-api
owner: payment
uses:
  - to: payments-dbb
    as: writes
---
kind: datastore
id: payments-db
engine: postgres
owner: payments
""",
                ),
            ),
            output="""\
architecture/payments.yaml:6:8: error[unknown-reference]: owner: no team has the id 'payment' (did you mean 'payments'?)
    hint: known team ids: payments
architecture/payments.yaml:8:9: error[unknown-reference]: uses: no element has the id 'payments-dbb' (did you mean 'payments-db'?)
    hint: add the element, or correct the id
3 elements in 1 file: 2 errors, 0 warnings
""",
            outro="""
The site build (`mkdocs build`) reports with this rule a hand-written page
that links to an element or embeds a view that does not exist, with
`[text](arch:ID)` or `![alt](arch:view/KEY)`. `docs/index.md`:

```markdown
# Payments

Orders go through the [Payments API](arch:payments-ap).

![Payments](arch:view/system/payments)
```

Findings logged by `mkdocs build` (its `INFO` lines left out), with an
architecture that holds `payments-api` and `payments-db` and no system:

```console
$ mkdocs build
ERROR   -  archatlas: docs/index.md:3:23: error[unknown-reference]: no element has the id 'payments-ap' (did you mean 'payments-api'?)
    hint: link to an element with [text](arch:ID)
ERROR   -  archatlas: docs/index.md:5:1: error[unknown-reference]: no view 'system/payments'
    hint: views: landscape, element/ID, system/ID, ledger/ID, datalake/ID
```

`mkdocs build --strict` fails on these findings.
""",
        ),
    ),
)

WRONG_TARGET_KIND = Rule(
    "wrong-target-kind",
    E,
    "a reference to an element of the wrong kind",
    "references",
    doc="""
A `system` that names an element that is not a `system`, an `owner` that
names an element that is not a `team`, a `ledger` (on a `ledger-node`)
that names an element that is not a `ledger`, or a deployment's
`environment` that names an element that is not an `environment`. (A relation to an element of
the wrong kind is [`invalid-verb`](#invalid-verb).)
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: system
id: payments
---
kind: service
id: payments-api
system: payments
owner: payments
"""
                    + WRITES_PAYMENTS_DB,
                ),
            ),
            output="""\
architecture/payments.yaml:7:8: error[wrong-target-kind]: owner: 'payments' is a system, not a team
3 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

INVALID_VERB = Rule(
    "invalid-verb",
    E,
    "a relation verb that the target kind does not accept",
    "references",
    doc="""
A relation verb (`as`) that the target's kind does not accept. The hint lists
the verbs the target accepts. See
[Verbs and target kinds](format.md#verbs-and-target-kinds) for the full
table. A `system`, `team` or `actor` accepts no verb: the relation belongs
on the other element, pointing the other way.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: service
id: payments-api
uses:
  - to: fraud-api
    as: reads
  - to: retail-customer
    as: calls
---
kind: service
id: fraud-api
---
kind: actor
id: retail-customer
""",
                ),
            ),
            output="""\
architecture/payments.yaml:5:9: error[invalid-verb]: 'reads' needs a datalake, datastore or ledger as target, and 'fraud-api' is a service
    hint: a service can be used with: calls
architecture/payments.yaml:7:9: error[invalid-verb]: 'calls' needs a ledger-node, service or vendor as target, and 'retail-customer' is an actor
    hint: no relation can point at an actor: turn the relation around
3 elements in 1 file: 2 errors, 0 warnings
""",
        ),
    ),
)

MISPLACED_FIELD = Rule(
    "misplaced-field",
    E,
    "a relation field that does not apply to its target",
    "references",
    doc="""
A relation field that does not apply to its target: `dataset` on a relation
whose target is not a `datalake`, `channel` or `organization` on a relation
whose target is not a `ledger`, and `events` on a relation that does not
subscribe to a `ledger`.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: service
id: payments-api
uses:
  - to: payments-db
    as: writes
    dataset: payments
"""
                    + PAYMENTS_DB,
                ),
            ),
            output="""\
architecture/payments.yaml:6:14: error[misplaced-field]: 'dataset' applies to a datalake target, and 'payments-db' is a datastore
    hint: remove 'dataset' from this relation
2 elements in 1 file: 1 error, 0 warnings
""",
        ),
        Example(
            intro="""
`events` (which events a subscription receives) applies only to a relation
that `subscribes` to a ledger:
""",
            files=(
                File(
                    "architecture/ledger.yaml",
                    TRADE_FABRIC
                    + """\
---
kind: service
id: trade-watcher
uses:
  - to: trade-fabric
    as: queries
    channel: trades
    events: chaincode
""",
                ),
            ),
            output="""\
architecture/ledger.yaml:29:13: error[misplaced-field]: 'events' applies to a relation that subscribes to a ledger, and this one queries
    hint: write 'as: subscribes', or remove 'events' from this relation
4 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

UNKNOWN_DATASET = Rule(
    "unknown-dataset",
    E,
    "a dataset that the data lake does not have",
    "references",
    doc="""
A relation to a `datalake` whose `dataset` is not one of the lake's
datasets.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/lake.yaml",
                    """\
kind: datalake
id: market-lake
engine: delta
datasets:
  - id: news-raw
  - id: news-curated
---
kind: service
id: news-scraper
uses:
  - to: market-lake
    as: writes
    dataset: news-rwa
""",
                ),
            ),
            output="""\
architecture/lake.yaml:13:14: error[unknown-dataset]: datalake 'market-lake' has no dataset 'news-rwa' (did you mean 'news-raw'?)
    hint: its datasets: news-curated, news-raw
2 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

UNKNOWN_CHANNEL = Rule(
    "unknown-channel",
    E,
    "a channel that the ledger does not have",
    "ledgers",
    doc="""
A relation to a `ledger` whose `channel` is not one of the ledger's channels,
or a `ledger-node` whose `channels` name one that its ledger does not have.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/ledger.yaml",
                    TRADE_FABRIC + submits("trade-recorder", channel="trade", organization="bank"),
                ),
            ),
            output="""\
architecture/ledger.yaml:28:14: error[unknown-channel]: ledger 'trade-fabric' has no channel 'trade' (did you mean 'trades'?)
    hint: its channels: trades
4 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

UNKNOWN_ORGANIZATION = Rule(
    "unknown-organization",
    E,
    "an organization that the ledger does not have",
    "ledgers",
    doc="""
An organization that the ledger does not have, named by a `ledger-node`'s
`organization` or `operator`, a relation's `organization`, or a channel's
`members`.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/ledger.yaml",
                    TRADE_FABRIC
                    + peer("custodian")
                    + submits("trade-recorder", channel="trades", organization="bnak"),
                ),
            ),
            output="""\
architecture/ledger.yaml:26:15: error[unknown-organization]: ledger 'trade-fabric' has no organization 'custodian'
    hint: its organizations: bank, broker
architecture/ledger.yaml:35:19: error[unknown-organization]: ledger 'trade-fabric' has no organization 'bnak' (did you mean 'bank'?)
    hint: its organizations: bank, broker
5 elements in 1 file: 2 errors, 0 warnings
""",
        ),
    ),
)

NOT_CHANNEL_MEMBER = Rule(
    "not-channel-member",
    E,
    "submitting as an organization outside the channel",
    "ledgers",
    doc="""
A relation to a `ledger` that names both a `channel` and an `organization`,
where the organization is not a member of that channel: its identity could
not sign transactions on it, nor receive the channel's events (`subscribes`).
When the channel lists no members at all, its `members` line is the likely
mistake: one finding, at the channel, names the relations' organizations.
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
organizations:
  - id: bank
  - id: broker
  - id: custodian
channels:
  - id: trades
    members: [bank, broker, custodian]
  - id: settlement
    members: [bank, custodian]
"""
                    + peer("bank")
                    + peer("broker")
                    + peer("custodian")
                    + submits("broker-gateway", channel="settlement", organization="broker"),
                ),
            ),
            output="""\
architecture/ledger.yaml:38:19: error[not-channel-member]: 'broker' is not a member of channel 'settlement' of ledger 'trade-fabric'
    hint: members of the channel: bank, custodian
5 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

RULES = declare(
    UNKNOWN_REFERENCE,
    WRONG_TARGET_KIND,
    INVALID_VERB,
    MISPLACED_FIELD,
    UNKNOWN_DATASET,
    UNKNOWN_CHANNEL,
    UNKNOWN_ORGANIZATION,
    NOT_CHANNEL_MEMBER,
)
