"""Where elements run (format 1.1): environments and their clusters, the
deployments of elements into them, the regions an element reaches, and the
regions each classification of data may reach in an environment.

An element's `deployments` say where it runs in each environment: a cluster
of that environment, a namespace and, optionally, its replicas there. A
deployment's `replicas` wins for its environment; the runtime's `replicas`
is the default of every deployment that gives none.

An element is in the regions it declares (`regions`, on vendors and data
stores) and in the region of each cluster it is deployed to in an
environment. An element deployed nowhere (a vendor, a managed store, an
actor) is shared by every environment. Residency is declared on the environment, per classification;
a classification that declares none is bound by the nearest less sensitive
classification that does (a restriction on confidential data binds
restricted data too, until restricted declares its own).
"""

from __future__ import annotations

from dataclasses import dataclass

from .format import (
    CLASSIFICATIONS,
    Classification,
    Cluster,
    Deployment,
    Element,
    Environment,
    Relation,
)
from .model import Architecture, title_order


def deployments(element: Element) -> tuple[Deployment, ...]:
    found: tuple[Deployment, ...] = getattr(element, "deployments", ())
    return found


def declared_regions(element: Element) -> tuple[str, ...]:
    found: tuple[str, ...] = getattr(element, "regions", ())
    return found


def environments(arch: Architecture) -> tuple[Environment, ...]:
    return tuple(env for env in arch.of_kind("environment") if isinstance(env, Environment))


def find_cluster(env: Environment | None, cluster_id: str | None) -> Cluster | None:
    if env is None or cluster_id is None:
        return None
    return next((cluster for cluster in env.clusters if cluster.id == cluster_id), None)


def replicas(element: Element, deployment: Deployment) -> int | None:
    """The replicas of `element` in the deployment's environment: the
    deployment's own, else the runtime's (its default)."""
    if deployment.replicas is not None:
        return deployment.replicas
    runtime = getattr(element, "runtime", None)
    return getattr(runtime, "replicas", None)


@dataclass(frozen=True, slots=True)
class Placement:
    """One deployment of an element into an environment."""

    element: Element
    index: int  # of the deployment in the element's `deployments`
    deployment: Deployment
    cluster: Cluster | None  # None when it names none, or one the environment lacks

    @property
    def replicas(self) -> int | None:
        return replicas(self.element, self.deployment)

    @property
    def replicas_text(self) -> str:
        """'3 replicas', or the runtime's autoscale range, which applies everywhere."""
        autoscale = getattr(getattr(self.element, "runtime", None), "autoscale", None)
        if autoscale is not None:
            return f"{autoscale.min}\N{EN DASH}{autoscale.max} replicas (autoscale)"
        count = self.replicas
        return "" if count is None else f"{count} replica{'' if count == 1 else 's'}"


def placements(arch: Architecture, env: Environment) -> tuple[Placement, ...]:
    """Every deployment into `env`, by cluster, namespace, then element name."""
    found = [
        Placement(element, index, deployment, find_cluster(env, deployment.cluster))
        for element in arch.elements
        for index, deployment in enumerate(deployments(element))
        if deployment.environment == env.id
    ]
    # Clusters in the order the environment declares them, then any it lacks.
    order = {cluster.id: number for number, cluster in enumerate(env.clusters)}

    def key(placement: Placement) -> tuple[int, str, str, str, str, int]:
        cluster = placement.deployment.cluster or ""
        namespace = placement.deployment.namespace or ""
        rank = order.get(cluster, len(order))
        return (rank, cluster, namespace, *title_order(placement.element), placement.index)

    return tuple(sorted(found, key=key))


def element_placements(arch: Architecture, element: Element) -> tuple[Placement, ...]:
    """An element's deployments, in the order written, with their clusters."""
    found = []
    for index, deployment in enumerate(deployments(element)):
        env = arch.get(deployment.environment)
        cluster = find_cluster(env, deployment.cluster) if isinstance(env, Environment) else None
        found.append(Placement(element, index, deployment, cluster))
    return tuple(found)


def deployed_in(element: Element, env: Environment) -> bool:
    return any(deployment.environment == env.id for deployment in deployments(element))


def present_in(element: Element, env: Environment) -> bool:
    """Whether `element` is part of `env`: deployed to it, or deployed nowhere
    (a vendor, a managed store, an actor), which every environment shares."""
    return deployed_in(element, env) or not deployments(element)


def regions_in(element: Element, env: Environment) -> tuple[str, ...]:
    """The regions `element` is in within `env`: those it declares and those
    of the clusters it is deployed to there, sorted."""
    found = set(declared_regions(element))
    for deployment in deployments(element):
        cluster = (
            find_cluster(env, deployment.cluster) if deployment.environment == env.id else None
        )
        if cluster is not None and cluster.region:
            found.add(cluster.region)
    return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class Restriction:
    """The regions data of one classification may reach in an environment."""

    classification: Classification
    regions: tuple[str, ...]
    declared_by: Classification  # the classification whose residency it is
    index: int  # of that residency in the environment's `residency`

    @property
    def inherited(self) -> bool:
        return self.declared_by != self.classification


def restriction(env: Environment, level: Classification) -> Restriction | None:
    """Where `level` data may go in `env`: its own residency, else that of the
    nearest less sensitive classification that declares one; None when free."""
    declared = {rule.classification: index for index, rule in enumerate(env.residency)}
    for lower in reversed(CLASSIFICATIONS[: CLASSIFICATIONS.index(level) + 1]):
        if lower in declared:
            index = declared[lower]
            return Restriction(level, env.residency[index].regions, lower, index)
    return None


def restrictions(env: Environment) -> tuple[Restriction, ...]:
    """The restriction of every classification that has one, least sensitive first."""
    return tuple(found for level in CLASSIFICATIONS if (found := restriction(env, level)))


@dataclass(frozen=True, slots=True)
class Reach:
    """An element deployed nowhere that the workloads of an environment reach
    (a vendor or a managed store), with the relations between them."""

    element: Element
    workloads: tuple[Element, ...]  # ours, by name
    relations: tuple[Relation, ...]  # either way between them

    @property
    def regions(self) -> tuple[str, ...]:
        return declared_regions(self.element)

    @property
    def data(self) -> Classification | None:
        """The highest classification the relations declare."""
        levels = [CLASSIFICATIONS.index(r.data) for r in self.relations if r.data]
        return CLASSIFICATIONS[max(levels)] if levels else None


def reached(arch: Architecture, env: Environment) -> tuple[Reach, ...]:
    """What the workloads deployed to `env` use that is deployed nowhere, and
    the vendors that use those workloads (their data leaves to them), by id."""
    here = {placement.element.id for placement in placements(arch, env)}
    found: dict[str, tuple[dict[str, Element], list[Relation]]] = {}
    for element in arch.elements:
        for relation in element.uses:
            target = arch.get(relation.to)
            if target is None:
                continue
            if element.id in here and target.id not in here and not deployments(target):
                outside, ours = target, element
            elif target.id in here and element.kind == "vendor" and not deployments(element):
                outside, ours = element, target
            else:
                continue
            workloads, relations = found.setdefault(outside.id, ({}, []))
            workloads[ours.id] = ours
            relations.append(relation)
    return tuple(
        Reach(
            arch.by_id[key],
            tuple(sorted(found[key][0].values(), key=title_order)),
            tuple(found[key][1]),
        )
        for key in sorted(found)
    )
