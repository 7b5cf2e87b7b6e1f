"""Every rule archatlas reports, gathered from the modules that declare them.

Each rule is declared once beside the code that reports it: `load_rules.py`
beside load.py, `model_rules.py` beside model.py, `check/*_rules.py` beside
the checks and `site_rules.py` beside site.py. What needs all of them reads
them here: accepting a warning, the rules reference and its tests.
"""

from __future__ import annotations

from . import drift_rules, load_rules, model_rules, site_rules
from .check import (
    dataflow_rules,
    deployment_rules,
    fields_rules,
    flows_rules,
    ledgers_rules,
    references_rules,
)
from .findings import Rule
from .imports import import_rules

# In the order of the pipeline: loading, the model, the checks, the site; then the
# rules of the other commands.
EVERY_RULE: tuple[Rule, ...] = (
    *load_rules.RULES,
    *model_rules.RULES,
    *references_rules.RULES,
    *ledgers_rules.RULES,
    *dataflow_rules.RULES,
    *deployment_rules.RULES,
    *fields_rules.RULES,
    *flows_rules.RULES,
    *site_rules.RULES,
    *import_rules.RULES,
    *drift_rules.RULES,
)
