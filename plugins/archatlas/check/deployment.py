"""Rules on where elements run: deployments into environments and their
clusters, and the ids an environment declares once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..deploy import deployments, environments
from ..findings import Finding
from ..format import Deployment, Element, Environment
from ..model import Architecture
from .deployment_rules import UNKNOWN_CLUSTER
from .ledgers import _duplicate_members as duplicate_members
from .references import _reference as reference
from .references import unknown_member


def check_deployments(arch: Architecture, root: Path) -> Iterator[Finding]:
    for env in environments(arch):
        yield from duplicate_members(arch, env, "clusters", [c.id for c in env.clusters])
        levels: list[str] = [rule.classification for rule in env.residency]
        yield from duplicate_members(arch, env, "residency", levels, path=("residency",))
    for element in arch.elements:
        placed = deployments(element)
        for index, deployment in enumerate(placed):
            yield from _deployment(arch, element, index, deployment)
        keys = [_key(deployment) for deployment in placed]
        yield from duplicate_members(arch, element, "deployments", keys, path=("deployments",))


def _key(deployment: Deployment) -> str:
    """What tells two deployments apart: environment, cluster and namespace."""
    parts = (deployment.environment, deployment.cluster, deployment.namespace)
    return "/".join(part for part in parts if part)


def _deployment(
    arch: Architecture, element: Element, index: int, deployment: Deployment
) -> Iterator[Finding]:
    at = arch.locate(element.id, "deployments", index, "environment")
    yield from reference(arch, at, "environment", deployment.environment, "environment", element.id)
    env = arch.get(deployment.environment)
    if not isinstance(env, Environment) or deployment.cluster is None:
        return
    clusters = [cluster.id for cluster in env.clusters]
    if deployment.cluster not in clusters:
        yield unknown_member(
            UNKNOWN_CLUSTER,
            arch.locate(element.id, "deployments", index, "cluster"),
            deployment.cluster,
            env,
            clusters,
            element.id,
        )
