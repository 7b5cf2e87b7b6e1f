"""The rules that building the model reports (model.py): the schema, and unique ids."""

from __future__ import annotations

from .example_fixtures import WRITES_PAYMENTS_DB
from .examples import Example, File
from .findings import E, Rule, declare

UNKNOWN_KIND = Rule(
    "unknown-kind",
    E,
    "a kind that archatlas does not know",
    "schema",
    doc="""
A `kind` that archatlas does not know, with the closest kind as a
suggestion.
""",
    examples=(
        Example(
            files=(File("architecture/payments.yaml", "kind: servce\nid: payments-api\n"),),
            output="""\
architecture/payments.yaml:1:7: error[unknown-kind]: 'servce' is not a kind (did you mean 'service'?)
    hint: allowed kinds: system, team, actor, service, vendor, datastore, datalake, ledger, ledger-node, environment, flow
0 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

UNKNOWN_FIELD = Rule(
    "unknown-field",
    E,
    "a field that the kind does not have",
    "schema",
    doc="""
A field that the element's kind (or the nested mapping: `runtime`, a
relation, a link, a dataset, ...) does not have. The message suggests the
closest field and the hint lists all of them. `system` on a `system`, `team`
or `actor` is reported by this rule too.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    """\
kind: team
id: payments
name: Payments
onwer: platform
""",
                ),
            ),
            output="""\
architecture/teams.yaml:4:1: error[unknown-field]: 'onwer' is not a field of a team (did you mean 'owner'?)
    hint: fields: kind, id, name, description, owner, tags, links, icon, uses, accept, contact
0 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

MISSING_FIELD = Rule(
    "missing-field",
    E,
    "a required field is missing",
    "schema",
    doc="""
A required field is missing: `kind` or `id` on an element, `ledger` on a
`ledger-node`, `to` in a relation, `title` or `url` in a link, `id` in a
dataset, organization or channel, `min` or `max` in `autoscale`. A document
without `kind` is reported once, since its fields cannot be checked without
it.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    """\
kind: team
name: Payments
---
id: risk
name: Risk
""",
                ),
            ),
            output="""\
architecture/teams.yaml:1:1: error[missing-field]: a team needs the field 'id'
architecture/teams.yaml:4:1: error[missing-field]: this element has no 'kind'
    hint: allowed kinds: system, team, actor, service, vendor, datastore, datalake, ledger, ledger-node, environment, flow
0 elements in 1 file: 2 errors, 0 warnings
""",
        ),
        Example(
            intro="Required fields of a kind and of nested mappings:",
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: ledger-node
id: peer0-bank
role: peer
uses:
  - as: calls
    protocol: grpcs
""",
                ),
            ),
            output="""\
architecture/payments.yaml:1:1: error[missing-field]: a ledger-node needs the field 'ledger'
architecture/payments.yaml:5:5: error[missing-field]: a relation (uses item) needs the field 'to'
0 elements in 1 file: 2 errors, 0 warnings
""",
        ),
    ),
)

WRONG_TYPE = Rule(
    "wrong-type",
    E,
    "a value of the wrong type",
    "schema",
    doc="""
A value of the wrong type: a number where text is expected, text where a
number, `true`/`false`, a list or a mapping is expected. The hint to add
quotes appears when text is expected. See [YAML notes](format.md#yaml-notes)
for how values are read: `replicas: "3"` is text, `async: yes` is text, and
`domain: 2024` is a number.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    """\
kind: team
id: payments
contact: 5551234
tags: payments
""",
                ),
            ),
            output="""\
architecture/teams.yaml:3:10: error[wrong-type]: contact must be text, not the number 5551234
    hint: put quotes around it to keep it as text
architecture/teams.yaml:4:7: error[wrong-type]: tags must be a list, not the text 'payments'
0 elements in 1 file: 2 errors, 0 warnings
""",
        ),
        Example(
            intro="""
The same rule reports a value whose explicit tag does not match it and a
list or mapping used as a key:
""",
            files=(
                File("architecture/payments.yaml", "kind: team\nid: payments\nname: !!int abc\n"),
                File("architecture/risk.yaml", "kind: team\nid: risk\n? [a, b]\n: c\n"),
            ),
            output="""\
architecture/payments.yaml:3:7: error[wrong-type]: 'abc' is not a valid int
architecture/risk.yaml:3:3: error[wrong-type]: a key must be plain text, not a list or mapping
0 elements in 2 files: 2 errors, 0 warnings
""",
        ),
    ),
)

INVALID_VALUE = Rule(
    "invalid-value",
    E,
    "a value outside the allowed ones",
    "schema",
    doc="""
A value outside the allowed ones: a `role`, `platform`, `workload`, `mode`,
`engine` (of a data lake), `platform` or `consensus` (of a ledger), verb
(`as`) or classification that is not in the list, with the closest allowed
value as a suggestion. It also reports numbers out of range (`replicas` below
0, `autoscale.min` below 0, `autoscale.max` below 1), an empty link `title`
or `url`, an `autoscale` whose `min` is above its `max`, and an
[`accept`](format.md#accepting-a-warning) that names an error rule or a rule
that does not exist.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: service
id: payments-api
role: worke
uses:
  - to: payments-db
    as: writes
---
kind: service
id: payments-worker
role: worker
runtime:
  platform: kubernetes
  workload: deployment
  autoscale:
    min: 6
    max: 2
"""
                    + WRITES_PAYMENTS_DB,
                ),
            ),
            output="""\
architecture/payments.yaml:3:7: error[invalid-value]: role: 'worke' is not allowed (did you mean 'worker'?)
    hint: allowed: api, worker, model, scraper, pipeline, ui, gateway
architecture/payments.yaml:15:10: error[invalid-value]: autoscale min 6 is above max 2
2 elements in 1 file: 2 errors, 0 warnings
""",
        ),
        Example(
            intro="Numbers out of range and empty link fields:",
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: service
id: payments-api
runtime:
  replicas: -1
  autoscale:
    min: 0
    max: 0
links:
  - title: ""
    url: https://wiki.example.com/payments
""",
                ),
            ),
            output="""\
architecture/payments.yaml:4:13: error[invalid-value]: runtime.replicas: the number -1 is not allowed: input should be greater than or equal to 0
architecture/payments.yaml:7:10: error[invalid-value]: runtime.autoscale.max: the number 0 is not allowed: input should be greater than or equal to 1
architecture/payments.yaml:9:12: error[invalid-value]: links[0].title: the text '' is not allowed: string should have at least 1 character
0 elements in 1 file: 3 errors, 0 warnings
""",
        ),
        Example(
            intro="Acceptances that name an error or an unknown rule:",
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: service
id: payments-api
accept:
  - rule: singel-replica
    reason: one replica by design
  - rule: unknown-reference
    reason: the team is created next quarter
"""
                    + WRITES_PAYMENTS_DB,
                ),
            ),
            output="""\
architecture/payments.yaml:4:11: error[invalid-value]: accept: 'singel-replica' is not a rule (did you mean 'single-replica'?)
    hint: warnings that can be accepted: cronjob-without-schedule, declassified-data, drift-unseen-relation, flow-latency, no-fault-tolerance, orphan-element, single-replica
architecture/payments.yaml:6:11: error[invalid-value]: accept: 'unknown-reference' is an error, which cannot be accepted
    hint: warnings that can be accepted: cronjob-without-schedule, declassified-data, drift-unseen-relation, flow-latency, no-fault-tolerance, orphan-element, single-replica
2 elements in 1 file: 2 errors, 0 warnings
""",
        ),
    ),
)

BAD_ID = Rule(
    "bad-id",
    E,
    "an id that does not match ^[a-z][a-z0-9-]*$",
    "schema",
    doc="""
An id that does not match `^[a-z][a-z0-9-]*$`: it must start with a
lowercase letter, followed by lowercase letters, digits and `-`. The rule
applies to element ids and to every field that holds an id: `system`,
`owner`, `ledger`, `organization`, relation `to`, `dataset`, `channel`,
`organization`, and the ids of datasets, organizations, channels and channel
members. The element id `index` is reserved: it names the catalogue page of
each kind in the site.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: team
id: Payments_Team
---
kind: team
id: index
""",
                ),
            ),
            output="""\
architecture/payments.yaml:2:5: error[bad-id]: id: 'Payments_Team' is not a valid id
    hint: an id starts with a lowercase letter, then lowercase letters, digits and '-'
architecture/payments.yaml:5:5: error[bad-id]: id: 'index' is reserved: it names the catalogue page of each kind
    hint: choose another id
0 elements in 1 file: 2 errors, 0 warnings
""",
        ),
    ),
)

DUPLICATE_ID = Rule(
    "duplicate-id",
    E,
    "two elements with the same id",
    "references",
    doc="""
Two elements with the same id, whatever their kinds. The finding points at
the second one (in path order) and names the place of the first; the second
element is left out.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/payments/team.yaml", "kind: team\nid: payments\nname: Payments\n"
                ),
                File("architecture/risk/team.yaml", "kind: team\nid: payments\nname: Risk\n"),
            ),
            output="""\
architecture/risk/team.yaml:2:5: error[duplicate-id]: the id 'payments' is already used at architecture/payments/team.yaml:2:5
    hint: ids are unique across the whole architecture: rename one of the two
1 element in 2 files: 1 error, 0 warnings
""",
        ),
    ),
)

RULES = declare(
    UNKNOWN_KIND,
    UNKNOWN_FIELD,
    MISSING_FIELD,
    WRONG_TYPE,
    INVALID_VALUE,
    BAD_ID,
    DUPLICATE_ID,
)
