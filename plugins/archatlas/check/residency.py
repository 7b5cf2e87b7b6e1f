"""The residency rule: data of a restricted classification stays in the
regions its environment allows (format 1.1).

A relation is checked in each environment that restricts the classification
it carries and that one of its ends is part of: deployed to it, or deployed
nowhere (a vendor, a managed store, an actor: shared by every environment).
The data reaches the regions of both ends there: the target's (a vendor's
or store's `regions`, the region of its clusters) and the source's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..deploy import Restriction, environments, present_in, regions_in, restriction
from ..findings import Finding, finding
from ..format import Classification, Element, Environment, Relation
from ..model import Architecture
from ..sensitivity import relation_classification
from .deployment_rules import DATA_RESIDENCY


def carried(arch: Architecture, relation: Relation) -> Classification | None:
    """The classification a relation carries, as every data rule judges it
    (`sensitivity.relation_classification`)."""
    found = relation_classification(arch, relation)
    return found.level if found else None


def check_residency(arch: Architecture, root: Path) -> Iterator[Finding]:
    restricting = [env for env in environments(arch) if env.residency]
    for source in arch.elements:
        for index, relation in enumerate(source.uses):
            target = arch.get(relation.to)
            level = carried(arch, relation)
            if target is None or level is None:
                continue
            for env in restricting:
                rule = restriction(env, level)
                if rule is not None and (present_in(source, env) or present_in(target, env)):
                    yield from _flow(arch, source, index, relation, target, env, rule)


def _flow(
    arch: Architecture,
    source: Element,
    index: int,
    relation: Relation,
    target: Element,
    env: Environment,
    rule: Restriction,
) -> Iterator[Finding]:
    ends = {end.id: regions_in(end, env) for end in (source, target)}
    outside = sorted({region for found in ends.values() for region in found} - set(rule.regions))
    if not outside:
        return
    allowed = ", ".join(rule.regions)
    inherited = (
        f" (the residency of {rule.declared_by} data, which binds {rule.classification} data too)"
        if rule.inherited
        else ""
    )
    where = "; ".join(
        f"'{end}' is in {', '.join(found)}"
        for end, found in ends.items()
        if set(found) - set(rule.regions)
    )
    field = "data" if relation.data is not None else "to"
    yield finding(
        DATA_RESIDENCY,
        arch.locate(source.id, "uses", index, field),
        f"{rule.classification} data reaches {_and(outside)} in environment '{env.id}', "
        f"which allows it only in {allowed}{inherited}",
        f"{where}: keep the data in {allowed}, or change the residency of '{env.id}'",
        source.id,
    )


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
