"""The rules of `archatlas drift`: each a difference between the architecture and the descriptors."""

from __future__ import annotations

from .examples import Example, File
from .findings import E, Rule, W, declare

_COMMAND = ("drift", "architecture", "--kubernetes", "k8s")


def _deployment(name: str, image: str, replicas: int = 2, env: str = "") -> str:
    containers = f"        - name: {name}\n          image: {image}\n" + env
    return (
        "---\napiVersion: apps/v1\nkind: Deployment\n"
        f"metadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n"
        f"  selector:\n    matchLabels: {{app: {name}}}\n"
        f"  template:\n    metadata:\n      labels: {{app: {name}}}\n"
        f"    spec:\n      containers:\n{containers}"
        f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n"
        f"spec:\n  selector: {{app: {name}}}\n"
    )


_API_ENV = "          env:\n            - name: DATABASE_URL\n              value: postgres://db:5432/shop\n"
_WEB_ENV = "          env:\n            - name: API_ADDR\n              value: api:8080\n"
_CRONJOB = """\
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
              image: example/report:1.0
"""
MANIFESTS = File(
    "k8s/shop.yaml",
    _deployment("web", "example/web:1.4", env=_WEB_ENV)
    + _deployment("api", "example/api:2.0", env=_API_ENV)
    + _deployment("db", "postgres:16", replicas=1)
    + _CRONJOB,
)

ARCHITECTURE = """\
---
kind: service
id: web
runtime:
  platform: kubernetes
  image: example/web:1.4
  replicas: 2
uses:
  - to: api
    as: calls
---
kind: service
id: api
runtime:
  platform: kubernetes
  image: example/api:2.0
  replicas: 2
uses:
  - to: db
---
kind: datastore
id: db
engine: postgres
runtime:
  platform: kubernetes
---
kind: service
id: report
runtime:
  platform: kubernetes
  workload: cronjob
  schedule: "0 3 * * *"
"""


def _example(old: str, new: str, output: str, intro: str = "") -> Example:
    architecture = ARCHITECTURE.replace(old, new, 1)
    assert architecture != ARCHITECTURE or not old
    return Example(
        files=(File("architecture/shop.yaml", architecture), MANIFESTS),
        command=_COMMAND,
        output=output + "drift: 1 difference between architecture and 1 file\n",
        intro=intro,
        exit=1,
    )


UNDECLARED_WORKLOAD = Rule(
    "drift-undeclared-workload",
    E,
    "the descriptors run a workload the architecture does not declare",
    "drift",
    doc="""
A Deployment, StatefulSet, DaemonSet, Job or CronJob (or a Compose service,
or a Backstage component) has no element in the architecture: no element
has its id (the importer's id for it) or its `name`. The finding points
beside an element of the same namespace or system, where the new element
belongs.
""",
    examples=(
        _example(
            "---\nkind: service\nid: web\nruntime:\n  platform: kubernetes\n"
            "  image: example/web:1.4\n  replicas: 2\nuses:\n  - to: api\n    as: calls\n",
            "",
            (
                "architecture/shop.yaml:2:1: error[drift-undeclared-workload]: the Kubernetes manifests run Deployment web (k8s/shop.yaml:5:9), which the architecture does not declare\n"
                "    hint: declare a service with the id 'web' (`archatlas import kubernetes ... --merge` adds it)\n"
            ),
        ),
    ),
)

UNDECLARED_DATASTORE = Rule(
    "drift-undeclared-datastore",
    E,
    "the descriptors run a datastore the architecture does not declare as one",
    "drift",
    doc="""
A workload runs a well-known datastore image (Postgres, Redis, Kafka, ...;
the list is in [Start from your Kubernetes
manifests](../how-to/import-kubernetes.md#what-becomes-what)), and the
architecture has no element for it, or declares it as another kind.
""",
    examples=(
        _example(
            "kind: datastore\nid: db\nengine: postgres\n",
            "kind: service\nid: db\n",
            (
                "architecture/shop.yaml:21:7: error[drift-undeclared-datastore]: 'db' is declared as a service, but the Kubernetes manifests run a postgres datastore for it: Deployment db (k8s/shop.yaml:57:9)\n"
                "    hint: make it 'kind: datastore' with 'engine: postgres'\n"
            ),
        ),
    ),
)

MISSING_WORKLOAD = Rule(
    "drift-missing-workload",
    E,
    "the architecture declares a workload the descriptors do not run",
    "drift",
    doc="""
An element whose `runtime.platform` is the descriptors' platform
(`kubernetes` for manifests, `docker` for Compose files) matches no
workload in them, by id or by `name`. Elements on other platforms, and
elements without a runtime, are not compared.
""",
    examples=(
        _example(
            "kind: service\nid: report\n",
            "kind: service\nid: legacy\nruntime:\n  platform: kubernetes\n---\n"
            "kind: service\nid: report\n",
            (
                "architecture/shop.yaml:30:13: error[drift-missing-workload]: 'legacy' runs on kubernetes here, but the Kubernetes manifests run no workload 'legacy'\n"
                "    hint: remove the element, rename it after its workload, or add its descriptors to the paths drift reads\n"
            ),
        ),
    ),
)

UNDECLARED_RELATION = Rule(
    "drift-undeclared-relation",
    E,
    "the descriptors show a relation the architecture does not declare",
    "drift",
    doc="""
A workload's configuration names another workload's host (an env value, a
ConfigMap read with `envFrom`, a Compose `depends_on` or `links`, a
Backstage `dependsOn` or `consumesApis`), and the declared element does not
use that element. The finding points at its `uses` (or its `id` when it has
none), where the relation goes.
""",
    examples=(
        _example(
            "  replicas: 2\nuses:\n  - to: api\n    as: calls\n",
            "  replicas: 2\n",
            (
                "architecture/shop.yaml:3:5: error[drift-undeclared-relation]: the Kubernetes manifests show 'web' using 'api' (env API_ADDR at k8s/shop.yaml:19:22), which 'web' does not declare\n"
                "    hint: add '- to: api' to the uses of 'web'\n"
            ),
        ),
    ),
)

UNSEEN_RELATION = Rule(
    "drift-unseen-relation",
    W,
    "the architecture declares a relation the descriptors do not show",
    "drift",
    doc="""
A declared relation between two elements that the descriptors run, which
their configuration does not show. Either it is gone, or the descriptors
cannot show it: an address written in code, or a call through a gateway.
In the second case the element can accept the warning with the reason
([Accepting a warning](format.md#accepting-a-warning)), and drift no longer
reports it. Relations to elements the descriptors do not run (vendors,
lakes, ledgers) are not compared.
""",
    examples=(
        _example(
            "  - to: api\n    as: calls\n",
            "  - to: api\n    as: calls\n  - to: report\n    as: calls\n",
            (
                "architecture/shop.yaml:11:9: warning[drift-unseen-relation]: 'web' uses 'report' here, but the Kubernetes manifests do not show it\n"
                "    hint: remove the relation if it is gone; if the descriptors cannot show it (an address in code), accept this warning on the element\n"
            ),
        ),
        Example(
            intro="Accepted, with the reason, it is counted and no longer fails:",
            files=(
                File(
                    "architecture/shop.yaml",
                    ARCHITECTURE.replace(
                        "  - to: api\n    as: calls\n",
                        "  - to: api\n    as: calls\n  - to: report\n    as: calls\n"
                        "accept:\n  - rule: drift-unseen-relation\n"
                        "    reason: web starts the report through the scheduler's API\n",
                    ),
                ),
                MANIFESTS,
            ),
            command=_COMMAND,
            output="drift: 0 differences between architecture and 1 file (1 accepted)\n",
            exit=0,
        ),
    ),
)

REPLICAS_DIFFER = Rule(
    "drift-replicas",
    E,
    "declared replicas differ from the descriptors'",
    "drift",
    doc="""
Both sides give a number of replicas, and they differ. An element that
declares no `replicas` is not compared.
""",
    examples=(
        _example(
            "  image: example/web:1.4\n  replicas: 2\n",
            "  image: example/web:1.4\n  replicas: 3\n",
            (
                "architecture/shop.yaml:7:13: error[drift-replicas]: 'web' declares 3 replicas, the Kubernetes manifests run 2\n"
                "    hint: set 'replicas: 2', or change the descriptors\n"
            ),
        ),
    ),
)

SCHEDULE_DIFFERS = Rule(
    "drift-schedule",
    E,
    "a declared cron schedule differs from the descriptors'",
    "drift",
    doc="""
Both sides give a CronJob's schedule, and they differ (compared as written).
""",
    examples=(
        _example(
            '  schedule: "0 3 * * *"',
            '  schedule: "0 4 * * *"',
            (
                "architecture/shop.yaml:32:13: error[drift-schedule]: 'report' declares the schedule '0 4 * * *', the Kubernetes manifests say '0 3 * * *'\n"
                "    hint: set 'schedule: \"0 3 * * *\"', or change the descriptors\n"
            ),
        ),
    ),
)

IMAGE_DIFFERS = Rule(
    "drift-image",
    E,
    "a declared image differs from the one the descriptors run",
    "drift",
    doc="""
Both sides give an image, and they differ. A declared image without a tag
(`example/api`) is compared by repository only, so that the architecture
need not follow every release; an image with a `${VAR}` placeholder is not
compared.
""",
    examples=(
        _example(
            "  image: example/api:2.0\n",
            "  image: example/api:1.9\n",
            (
                "architecture/shop.yaml:16:10: error[drift-image]: 'api' declares the image 'example/api:1.9', the Kubernetes manifests run 'example/api:2.0'\n"
                "    hint: set 'image: example/api:2.0', or write the image without its tag to compare the repository only\n"
            ),
            intro="The architecture still names the last release:",
        ),
    ),
)

RULES = declare(
    UNDECLARED_WORKLOAD,
    UNDECLARED_DATASTORE,
    MISSING_WORKLOAD,
    UNDECLARED_RELATION,
    UNSEEN_RELATION,
    REPLICAS_DIFFER,
    SCHEDULE_DIFFERS,
    IMAGE_DIFFERS,
)
