"""The rules on an element's own fields that fields.py reports, and its warnings."""

from __future__ import annotations

from ..example_fixtures import PAYMENTS_DB, WRITES_PAYMENTS_DB
from ..examples import Example, File
from ..findings import E, Rule, W, declare

UNSAFE_LINK = Rule(
    "unsafe-link",
    E,
    "a link URL whose scheme is not http(s), mailto or relative",
    "fields",
    doc="""
A link whose URL has a scheme other than `http`, `https` or `mailto`:
`javascript:`, `data:`, `file:`, `ftp:`, ... Such links could run script in the
published site. Relative URLs (no scheme) are accepted. Spaces and control
characters are ignored when reading the scheme, as browsers do, so
`"java\\tscript:"` is caught too, and so are HTML entities such as
`&#106;avascript:`.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    """\
kind: team
id: payments
links:
  - title: Runbook
    url: https://runbooks.example.com/payments
  - title: Dashboard
    url: "javascript:alert(document.cookie)"
""",
                ),
            ),
            output="""\
architecture/teams.yaml:7:10: error[unsafe-link]: the link 'Dashboard' uses the scheme 'javascript:'
    hint: links may use http(s), mailto or a relative URL
1 element in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

BAD_ICON = Rule(
    "bad-icon",
    E,
    "an icon outside the architecture directory, missing or not an image",
    "fields",
    doc="""
An `icon` that archatlas cannot use. The path is relative to the YAML file
that names it, and the message says what is wrong with it:

- `is not a relative path`: an absolute path, a URL or a Windows path with
  `\\`;
- `has characters other than letters, digits, '.', '_', '-' and '/'`: the
  path reaches Graphviz and the site, so spaces, quotes and markup are
  refused;
- `is outside the architecture directory`: the path leaves it, with `..` or
  through a symbolic link;
- `does not exist`, or `is not a usable path`;
- `is not a PNG, JPEG, GIF, WebP or SVG image`, judged by the file's content,
  not its name;
- `is an SVG that holds script, event handlers or external content`: an SVG
  is published as it is, so script in it would run on the site.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/teams.yaml",
                    """\
kind: team
id: payments
icon: ../../logo.png
---
kind: team
id: risk
icon: icons/risk.txt
---
kind: team
id: fraud
icon: icons/fraud.png
---
kind: team
id: alerts
icon: icons/alerts.svg
""",
                ),
                File("architecture/icons/risk.txt", note=" is a text file", data=b"not an image\n"),
                File(
                    "architecture/icons/alerts.svg",
                    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n',
                ),
            ),
            output="""\
architecture/teams.yaml:3:7: error[bad-icon]: icon '../../logo.png' is outside the architecture directory
    hint: give the path of a PNG, JPEG, GIF, WebP or SVG file inside the architecture directory, relative to this YAML file
architecture/teams.yaml:7:7: error[bad-icon]: icon 'icons/risk.txt' is not a PNG, JPEG, GIF, WebP or SVG image
    hint: give the path of a PNG, JPEG, GIF, WebP or SVG file inside the architecture directory, relative to this YAML file
architecture/teams.yaml:11:7: error[bad-icon]: icon 'icons/fraud.png' does not exist
    hint: give the path of a PNG, JPEG, GIF, WebP or SVG file inside the architecture directory, relative to this YAML file
architecture/teams.yaml:15:7: error[bad-icon]: icon 'icons/alerts.svg' is an SVG that holds script, event handlers or external content
    hint: give the path of a PNG, JPEG, GIF, WebP or SVG file inside the architecture directory, relative to this YAML file
4 elements in 1 file: 4 errors, 0 warnings
""",
        ),
    ),
)

SCHEDULE_WITHOUT_CRONJOB = Rule(
    "schedule-without-cronjob",
    E,
    "a schedule on a workload that is not a cronjob",
    "fields",
    doc="""
A `runtime.schedule` on a workload that is not a `cronjob` (or has no
`workload`). Only a cronjob runs on a schedule.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: service
id: payments-report
role: pipeline
runtime:
  platform: kubernetes
  workload: job
  schedule: "0 6 * * *"
uses:
  - to: payments-db
    as: reads
"""
                    + PAYMENTS_DB,
                ),
            ),
            output="""\
architecture/payments.yaml:7:13: error[schedule-without-cronjob]: a schedule applies to a cronjob, and this runtime is a job
    hint: set 'workload: cronjob', or remove the schedule
2 elements in 1 file: 1 error, 0 warnings
""",
        ),
    ),
)

ORPHAN_ELEMENT = Rule(
    "orphan-element",
    W,
    "an element nobody uses and that uses nothing",
    "warnings",
    doc="""
An `actor`, `service`, `vendor`, `datastore`, `datalake` or `ledger` that no
relation targets and that has no relations itself: it is disconnected from
the rest of the architecture, often a leftover or a forgotten `uses`.
Systems, teams and ledger nodes are not checked (they are connected through
`system`, `owner` and `ledger`).
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/payments.yaml",
                    "kind: datastore\nid: legacy-payments-db\nengine: postgres\n",
                ),
            ),
            output="""\
architecture/payments.yaml:2:5: warning[orphan-element]: nothing uses 'legacy-payments-db' and it uses nothing
    hint: add the relations that connect it, or remove it
1 element in 1 file: 0 errors, 1 warning
""",
        ),
    ),
)

SINGLE_REPLICA = Rule(
    "single-replica",
    W,
    "a service with one replica and no autoscale",
    "warnings",
    doc="""
A `service` whose runtime has `replicas: 1` and no `autoscale`: one crash or
one node drain stops it. Services with `workload: job` or `workload: cronjob`
are not checked, nor are datastores and ledger nodes.

A service with [`deployments`](format.md#deployments) is checked in each
environment it is deployed to: a deployment's `replicas` wins for its
environment, and the runtime's `replicas` is the default of a deployment that
gives none. The warning names the environment and points at the number that
applies there. The runtime's `autoscale` applies in every environment.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: service
id: payments-api
runtime:
  platform: kubernetes
  workload: deployment
  replicas: 1
"""
                    + WRITES_PAYMENTS_DB,
                ),
            ),
            output="""\
architecture/payments.yaml:6:13: warning[single-replica]: 'payments-api' runs one replica without autoscale: one failure stops it
    hint: run two replicas or more, or add autoscale
2 elements in 1 file: 0 errors, 1 warning
""",
        ),
        Example(
            intro="""
When a single replica is intended (a singleton that must never run twice),
accept the warning on the service, with the reason:
""",
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: service
id: payments-api
runtime:
  platform: kubernetes
  workload: deployment
  replicas: 1
accept:
  - rule: single-replica
    reason: holds the settlement cursor and must never run twice at once
"""
                    + WRITES_PAYMENTS_DB,
                ),
            ),
            output="2 elements in 1 file: 0 errors, 0 warnings (1 accepted)\n",
        ),
        Example(
            intro="""
With deployments, each environment counts its own replicas:
""",
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: environment
id: production
---
kind: environment
id: staging
---
kind: service
id: payments-api
runtime:
  platform: kubernetes
  workload: deployment
  replicas: 1
deployments:
  - environment: production
    replicas: 3
  - environment: staging
"""
                    + WRITES_PAYMENTS_DB,
                ),
            ),
            output="""\
architecture/payments.yaml:12:13: warning[single-replica]: 'payments-api' runs one replica in 'staging' without autoscale: one failure stops it
    hint: run two replicas or more, or add autoscale
4 elements in 1 file: 0 errors, 1 warning
""",
        ),
    ),
)

CRONJOB_WITHOUT_SCHEDULE = Rule(
    "cronjob-without-schedule",
    W,
    "a cronjob without a schedule",
    "warnings",
    doc="""
A runtime with `workload: cronjob` and no `schedule`: the architecture does
not say when it runs.
""",
    examples=(
        Example(
            files=(
                File(
                    "architecture/payments.yaml",
                    """\
kind: service
id: payments-report
role: pipeline
runtime:
  platform: kubernetes
  workload: cronjob
uses:
  - to: payments-db
    as: reads
"""
                    + PAYMENTS_DB,
                ),
            ),
            output="""\
architecture/payments.yaml:6:13: warning[cronjob-without-schedule]: this cronjob has no schedule
    hint: add 'schedule' with a cron expression, e.g. '*/15 * * * *'
2 elements in 1 file: 0 errors, 1 warning
""",
        ),
    ),
)

RULES = declare(
    UNSAFE_LINK,
    BAD_ICON,
    SCHEDULE_WITHOUT_CRONJOB,
    ORPHAN_ELEMENT,
    SINGLE_REPLICA,
    CRONJOB_WITHOUT_SCHEDULE,
)
