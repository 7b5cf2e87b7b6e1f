"""The rule that building the site reports (site.py): a diagram Graphviz could not draw.

Declared apart from site.py so that `archatlas check`, which draws nothing,
knows the rule without importing the renderer (an element may name it in
`accept`, to be told that an error cannot be accepted).
"""

from __future__ import annotations

from .example_fixtures import WRITES_PAYMENTS_DB
from .findings import E, Rule, declare

DIAGRAM_FAILED = Rule(
    "diagram-failed",
    E,
    "Graphviz could not draw a diagram",
    "site",
    doc=f"""
Graphviz could not draw a diagram: `dot` failed, or took longer than the time
limit (the plugin's [`dot_timeout`](../site.md#options) option, 30 seconds
by default) and was stopped. The finding points at the element whose view
failed; the page shows a short notice in place of the diagram, and the rest
of the site is built. `mkdocs build --strict` fails on it, and so does
`archatlas render`.

`mkdocs.yml`, with a time limit far too short for any diagram:

```yaml
site_name: Example
theme:
  name: material
plugins:
  - archatlas:
      dot_timeout: 0.001
```

`architecture/payments.yaml`:

```yaml
kind: service
id: payments-api
{WRITES_PAYMENTS_DB}```

Findings logged by `mkdocs build` (its `INFO` lines left out):

```console
$ mkdocs build
ERROR   -  archatlas: architecture/payments.yaml:2:5: error[diagram-failed]: view 'element/payments-api': Graphviz took longer than 0.001 s and was stopped
ERROR   -  archatlas: architecture/payments.yaml:8:5: error[diagram-failed]: view 'element/payments-db': Graphviz took longer than 0.001 s and was stopped
ERROR   -  archatlas: architecture/index.md:1:1: error[diagram-failed]: view 'landscape': Graphviz took longer than 0.001 s and was stopped
```

A view that belongs to no element (here the landscape) is reported at line 1
of the generated overview page.
""",
)

RULES = declare(DIAGRAM_FAILED)
