"""The rules on where elements run that deployment.py and residency.py report."""

from __future__ import annotations

from ..examples import Example, File
from ..findings import E, Rule, declare

# An environment with one cluster in each of two regions, and a residency
# that keeps confidential (and so restricted) data in the EU.
PRODUCTION = """\
kind: environment
id: production
clusters:
  - id: prod-eu
    provider: aws
    region: eu-west-1
    account: "111122223333"
    platform: kubernetes
  - id: prod-us
    provider: aws
    region: us-east-1
    account: "444455556666"
    platform: kubernetes
residency:
  - classification: confidential
    regions: [eu-west-1, eu-central-1]
"""

UNKNOWN_CLUSTER = Rule(
    "unknown-cluster",
    E,
    "a deployment to a cluster its environment does not have",
    "deployment",
    doc="""
A deployment whose `cluster` is not one of the `clusters` of its
`environment`. The message suggests the closest cluster id; the hint lists
the environment's clusters. (A deployment to an environment that does not
exist is [`unknown-reference`](#unknown-reference).)
""",
    examples=(
        Example(
            files=(
                File("architecture/production.yaml", PRODUCTION),
                File(
                    "architecture/payments.yaml",
                    """\
kind: service
id: payments-api
deployments:
  - environment: production
    cluster: prod-eu-1
    namespace: payments
    replicas: 3
  - environment: prodution
    cluster: prod-eu
uses:
  - to: payments-db
    as: writes
---
kind: datastore
id: payments-db
engine: postgres
regions: [eu-west-1]
""",
                ),
            ),
            output="""\
architecture/payments.yaml:5:14: error[unknown-cluster]: environment 'production' has no cluster 'prod-eu-1' (did you mean 'prod-eu'?)
    hint: its clusters: prod-eu, prod-us
architecture/payments.yaml:8:18: error[unknown-reference]: environment: no environment has the id 'prodution' (did you mean 'production'?)
    hint: known environment ids: production
3 elements in 2 files: 2 errors, 0 warnings
""",
        ),
    ),
)

DATA_RESIDENCY = Rule(
    "data-residency",
    E,
    "data that reaches a region its classification may not reach",
    "deployment",
    doc="""
An environment's `residency` keeps data of a classification in a list of
regions. A relation that carries data of that classification (its `data`,
else the classification of its dataset, else the highest its data lake
holds) is checked in each environment that one of its two ends is part of:
deployed to it, or deployed nowhere (a vendor, a managed store or an actor
is shared by every environment). The data reaches the regions of both ends there: a vendor's or a
store's `regions`, and the region of each cluster the element is deployed to
in that environment. A region outside the allowed ones is an error, naming
the classification, the regions reached and the regions allowed.

A classification without a residency of its own is bound by the nearest less
sensitive classification that has one: a residency for `confidential` binds
`restricted` data too, until `restricted` declares its own.
""",
    examples=(
        Example(
            files=(
                File("architecture/production.yaml", PRODUCTION),
                File(
                    "architecture/payments.yaml",
                    """\
kind: service
id: payments-api
deployments:
  - environment: production
    cluster: prod-eu
    namespace: payments
uses:
  - to: fraud-screening
    as: calls
    data: restricted
  - to: payments-db
    as: writes
    data: confidential
---
kind: vendor
id: fraud-screening
provider: aws
regions: [us-east-1]
---
kind: datastore
id: payments-db
engine: postgres
deployments:
  - environment: production
    cluster: prod-eu
    namespace: payments
---
kind: service
id: statement-builder
deployments:
  - environment: production
    cluster: prod-us
    namespace: reporting
uses:
  - to: payments-db
    as: reads
    data: confidential
""",
                ),
            ),
            output="""\
architecture/payments.yaml:10:11: error[data-residency]: restricted data reaches us-east-1 in environment 'production', which allows it only in eu-west-1, eu-central-1 (the residency of confidential data, which binds restricted data too)
    hint: 'fraud-screening' is in us-east-1: keep the data in eu-west-1, eu-central-1, or change the residency of 'production'
architecture/payments.yaml:37:11: error[data-residency]: confidential data reaches us-east-1 in environment 'production', which allows it only in eu-west-1, eu-central-1
    hint: 'statement-builder' is in us-east-1: keep the data in eu-west-1, eu-central-1, or change the residency of 'production'
5 elements in 2 files: 2 errors, 0 warnings
""",
        ),
    ),
)

RULES = declare(UNKNOWN_CLUSTER, DATA_RESIDENCY)
