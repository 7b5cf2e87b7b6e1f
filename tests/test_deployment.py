"""Environments and deployments: where the replicas and regions come from,
the deployment view an environment draws and the pages that list them."""

from __future__ import annotations

from pathlib import Path

import pytest

from archatlas.check import check_directory
from archatlas.deploy import placements, reached, regions_in, restriction, restrictions
from archatlas.diff import field_changes
from archatlas.format import Environment
from archatlas.legend import legend
from archatlas.load import load_text
from archatlas.model import Architecture, build
from archatlas.pages import Layout, generate_pages
from archatlas.render import dot_source
from archatlas.views import View, ViewEdge, build_view
from conftest import EXAMPLE

ESTATE = """\
kind: environment
id: production
name: Production
clusters:
  - id: prod-eu
    name: Prod EU
    provider: aws
    region: eu-west-1
    account: "111122223333"
    platform: kubernetes
  - {id: prod-de, provider: aws, region: eu-central-1}
residency:
  - {classification: internal, regions: [eu-west-1, eu-central-1, us-east-1]}
  - {classification: confidential, regions: [eu-west-1, eu-central-1]}
---
kind: environment
id: staging
clusters:
  - {id: stage, provider: aws, region: eu-west-1}
---
kind: service
id: api
name: Orders API
role: api
runtime: {replicas: 2}
deployments:
  - {environment: production, cluster: prod-eu, namespace: orders, replicas: 6}
  - {environment: production, cluster: prod-de, namespace: orders}
  - {environment: staging, cluster: stage, namespace: orders}
uses:
  - {to: db, as: writes, data: confidential}
  - {to: db, as: reads, data: confidential}
  - {to: scoring, as: calls, data: internal}
---
kind: datastore
id: db
name: Orders DB
deployments:
  - {environment: production, cluster: prod-eu, namespace: orders}
---
kind: vendor
id: scoring
name: Scoring
provider: aws
regions: [us-east-1]
---
kind: vendor
id: reporting
name: Reporting
regions: [eu-west-1]
uses:
  - {to: db, as: reads, data: internal}
"""


def architecture(text: str = ESTATE) -> Architecture:
    documents, problems = load_text(text, Path("a.yaml").absolute(), "a.yaml")
    assert not problems
    arch, problems = build(documents)
    assert not problems
    return arch


def environment(arch: Architecture, env_id: str) -> Environment:
    env = arch.by_id[env_id]
    assert isinstance(env, Environment)
    return env


def deployment(arch: Architecture, env_id: str = "production") -> View:
    view = build_view(arch, f"deployment/{env_id}")
    assert view is not None
    return view


def edges_of(view: View) -> dict[tuple[str, str], ViewEdge]:
    found = {(edge.source, edge.target): edge for edge in view.edges}
    assert len(found) == len(view.edges), "one edge per ordered pair"
    return found


# --- replicas, regions and residency ---------------------------------------------------------


def test_a_deployments_replicas_win_and_the_runtimes_are_the_default() -> None:
    arch = architecture()
    counts = {
        (p.deployment.environment, p.deployment.cluster): p.replicas
        for env in ("production", "staging")
        for p in placements(arch, environment(arch, env))
        if p.element.id == "api"
    }
    assert counts == {
        ("production", "prod-eu"): 6,
        ("production", "prod-de"): 2,
        ("staging", "stage"): 2,
    }


def test_an_element_is_in_its_regions_and_those_of_its_clusters_there() -> None:
    arch = architecture()
    production, staging = environment(arch, "production"), environment(arch, "staging")
    assert regions_in(arch.by_id["api"], production) == ("eu-central-1", "eu-west-1")
    assert regions_in(arch.by_id["api"], staging) == ("eu-west-1",)
    assert regions_in(arch.by_id["scoring"], staging) == ("us-east-1",)
    assert regions_in(arch.by_id["db"], staging) == ()


@pytest.mark.parametrize(
    ("level", "regions", "declared_by"),
    [
        ("public", None, None),
        ("internal", ("eu-west-1", "eu-central-1", "us-east-1"), "internal"),
        ("confidential", ("eu-west-1", "eu-central-1"), "confidential"),
        # Restricted declares none: confidential's binds it.
        ("restricted", ("eu-west-1", "eu-central-1"), "confidential"),
    ],
)
def test_a_classification_inherits_the_nearest_less_sensitive_residency(
    level: str, regions: tuple[str, ...] | None, declared_by: str | None
) -> None:
    env = environment(architecture(), "production")
    found = restriction(env, level)  # type: ignore[arg-type]
    if regions is None:
        assert found is None
        return
    assert found is not None
    assert (found.regions, found.declared_by) == (regions, declared_by)
    assert found.inherited == (declared_by != level)
    assert [rule.classification for rule in restrictions(env)] == [
        "internal",
        "confidential",
        "restricted",
    ]


def test_the_estate_keeps_its_residency() -> None:
    # Internal data to a vendor in us-east-1 is allowed; confidential data stays in the EU.
    arch = architecture()
    env = environment(arch, "production")
    assert [reach.element.id for reach in reached(arch, env)] == ["reporting", "scoring"]


# --- the deployment view --------------------------------------------------------------------


def test_clusters_are_frames_and_namespaces_frames_inside_them() -> None:
    view = deployment(architecture())
    frames = {cluster.id: (cluster.label, cluster.parent) for cluster in view.clusters}
    assert frames == {
        "prod-eu": ("Prod EU · aws · eu-west-1", None),
        "prod-eu.ns.orders": ("namespace orders", "prod-eu"),
        "prod-de": ("prod-de · aws · eu-central-1", None),
        "prod-de.ns.orders": ("namespace orders", "prod-de"),
    }
    source = dot_source(view)
    # Graphviz draws the namespace inside its cluster's subgraph.
    outer = source.index('subgraph "cluster_prod-eu" {')
    inner = source.index('subgraph "cluster_prod-eu.ns.orders" {')
    assert outer < inner < source.index("}", inner)


def test_each_deployment_is_a_card_with_its_replicas() -> None:
    view = deployment(architecture())
    cards = {node.id: (node.label, node.caption, node.cluster, node.link) for node in view.nodes}
    assert cards["api.0"] == ("Orders API", "api · 6 replicas", "prod-eu.ns.orders", "api")
    assert cards["api.1"] == ("Orders API", "api · 2 replicas", "prod-de.ns.orders", "api")
    assert cards["db.0"][1] == "datastore"
    # Vendors run in no cluster: their regions are on the card.
    assert cards["scoring"] == ("Scoring", "vendor · aws · us-east-1", None, "scoring")
    assert cards["reporting"][1] == "vendor · eu-west-1"
    staging = deployment(architecture(), "staging")
    assert [node.id for node in staging.nodes] == ["api.2", "scoring"]


def test_a_workload_talks_to_the_copy_in_its_namespace_else_every_copy() -> None:
    pairs = edges_of(deployment(architecture()))
    # Reads and writes to the one database merge into one line per copy of the API.
    assert pairs[("api.0", "db.0")].label == "reads, writes"
    assert pairs[("api.1", "db.0")].weight == 2
    assert pairs[("api.0", "scoring")].label == "calls"
    # A vendor reading a store of the environment: its data leaves there.
    assert pairs[("reporting", "db.0")].data == "internal"


def test_the_legend_explains_frames_and_residency() -> None:
    notes = legend(deployment(architecture())).notes
    assert any("a frame inside it, a namespace" in note for note in notes)
    assert (
        "Residency: confidential data, and more sensitive data without a residency of its "
        "own, stays in eu-west-1, eu-central-1." in notes
    )


# --- pages ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return generate_pages(architecture(), [], Layout())


def test_the_environment_page_lists_clusters_workloads_reach_and_residency(
    pages: dict[str, str],
) -> None:
    page = pages["architecture/environment/production.md"]
    assert '<span id="cluster-prod-eu"></span>Prod EU `prod-eu` | aws |' in page
    assert '<span class="archatlas-nowrap">`111122223333`</span> | kubernetes | 2 |' in page
    assert "![Deployment of Production](arch:view/deployment/production)" in page
    assert "### Prod EU\n\naws · eu\\-west\\-1\n" in page
    assert (
        "| [Orders API](../service/api.md) | `orders` | "
        "[Service](../service/index.md) | 6 replicas |" in page
    )
    assert "| [Scoring](../vendor/scoring.md) | [Vendor](../vendor/index.md) |" in page
    assert "restricted</span> |" in page and "as for <span" in page
    # The view is drawn in its section, not again below the facts.
    assert page.count("arch:view/deployment/production") == 1


def test_an_element_page_lists_its_deployments(pages: dict[str, str]) -> None:
    page = pages["architecture/service/api.md"]
    assert "## Deployments" in page
    assert (
        "| [Production](../environment/production.md) | "
        "[Prod EU](../environment/production.md#cluster-prod-eu) | "
        '<span class="archatlas-nowrap">`eu-west-1`</span> | '
        "`orders` | 6 replicas |"
    ) in page
    assert "| Replicas (default) | 2 |" in page
    assert "## Deployments" not in pages["architecture/vendor/scoring.md"]


def test_an_environment_without_deployments_says_how_to_add_them() -> None:
    pages = generate_pages(architecture("kind: environment\nid: dr\n"), [], Layout())
    page = pages["architecture/environment/dr.md"]
    assert "The environment declares no clusters." in page
    assert "give an element `deployments` with `environment: dr`" in page
    assert "The environment keeps no classification of data to a list of regions." in page


def test_the_example_keeps_its_residency_and_draws_both_environments() -> None:
    result = check_directory(EXAMPLE)
    assert not [item for item in result.findings if item.rule == "data-residency"]
    for env in ("production", "staging"):
        view = build_view(result.architecture, f"deployment/{env}")
        assert view is not None and view.nodes


def test_a_large_environment_draws_one_card_per_namespace() -> None:
    services = "".join(
        f"---\nkind: service\nid: s{index}\n"
        f"deployments: [{{environment: production, cluster: prod-eu, namespace: ns{index % 3}}}]\n"
        f"uses: [{{to: s{(index + 1) % 70}, as: calls}}]\n"
        for index in range(70)
    )
    view = deployment(architecture(ESTATE + services))
    assert view.collapsed
    cards = {node.id: (node.label, node.caption, node.cluster) for node in view.nodes}
    assert cards["prod-eu.ns.ns0"] == ("ns0", "namespace · 24 workloads", "prod-eu")
    assert cards["prod-eu.ns.orders"] == ("orders", "namespace · 2 workloads", "prod-eu")
    assert "scoring" in cards, "what runs outside the clusters stays as it is"
    assert [cluster.id for cluster in view.clusters] == ["prod-eu", "prod-de"]
    assert edges_of(view)[("prod-eu.ns.ns0", "prod-eu.ns.ns1")].label == "23 relations"


def test_a_diff_tells_one_deployment_from_the_next() -> None:
    before = architecture().by_id["api"]
    fewer = ESTATE.replace("namespace: orders, replicas: 6", "namespace: orders")
    after = architecture(fewer).by_id["api"]
    (change,) = field_changes(before, after)
    assert change.field == "deployments"
    assert change.before.startswith(
        "environment: production, cluster: prod-eu, namespace: orders, replicas: 6; "
        "environment: production, cluster: prod-de"
    )
