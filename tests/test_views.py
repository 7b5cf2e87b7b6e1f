"""What the diagrams draw: one edge per pair, datasets and channels as nodes,
the legend of what is drawn, and the layout chosen by the view's shape."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from archatlas.check import check_directory
from archatlas.kinds import KIND_SPECS
from archatlas.legend import legend, legend_html
from archatlas.load import load_text
from archatlas.model import Architecture, build
from archatlas.render import coloured, dot_source, layouts, spread, wrap
from archatlas.svg import text_faults
from archatlas.views import View, ViewCluster, ViewEdge, ViewNode, build_view, view_keys
from archatlas.views.graph import merge_edges
from conftest import EXAMPLE

LAKE = """\
kind: datalake
id: lake
name: Market Lake
engine: s3
datasets:
  - {id: calls-raw, zone: raw, classification: confidential}
  - {id: calls-curated, zone: curated, classification: internal}
---
kind: service
id: recorder
uses:
  - {to: lake, as: writes, dataset: calls-raw, data: confidential}
---
kind: service
id: curator
uses:
  - {to: lake, as: reads, dataset: calls-raw, data: confidential}
  - {to: lake, as: writes, dataset: calls-curated, data: internal}
---
kind: vendor
id: dashboards
provider: tableau
uses:
  - {to: lake, as: reads, dataset: calls-curated, data: internal}
  - {to: lake, as: reads, dataset: calls-raw, data: confidential}
"""

LEDGER = """\
kind: ledger
id: net
platform: fabric
consensus: raft
organizations: [{id: bank, name: Bank}, {id: broker, name: Broker}]
channels:
  - {id: trades, members: [bank, broker]}
  - {id: settlement, members: [bank]}
---
kind: ledger-node
id: orderer-a
ledger: net
organization: bank
role: orderer
uses: [{to: orderer-b, as: calls, description: Raft replication}]
---
kind: ledger-node
id: orderer-b
ledger: net
organization: broker
role: orderer
---
kind: ledger-node
id: orderer-c
ledger: net
organization: broker
role: orderer
---
kind: ledger-node
id: peer-bank
ledger: net
organization: bank
role: peer
---
kind: ledger-node
id: peer-broker
ledger: net
organization: broker
role: peer
---
kind: service
id: recorder
uses:
  - {to: net, as: submits, channel: trades, organization: bank, data: restricted}
  - {to: net, as: queries, channel: trades, organization: bank, data: restricted}
"""


def architecture(text: str) -> Architecture:
    documents, problems = load_text(text, Path("a.yaml").absolute(), "a.yaml")
    assert not problems
    arch, problems = build(documents)
    assert not problems
    return arch


def edges_of(view: View) -> dict[tuple[str, str], ViewEdge]:
    found = {(edge.source, edge.target): edge for edge in view.edges}
    assert len(found) == len(view.edges), "one edge per ordered pair"
    return found


# --- one edge per pair ------------------------------------------------------------------


def edge(target: str, label: str, **values: object) -> ViewEdge:
    return ViewEdge("a", target, label, "sync", details=(f"a {label} {target}",), **values)  # type: ignore[arg-type]


def test_relations_between_two_nodes_merge_into_one_edge() -> None:
    (merged,) = merge_edges(
        [edge("b", "reads", data="public"), edge("b", "writes", data="confidential")]
    )
    assert merged.label == "reads, writes"
    assert merged.data == "confidential", "the highest classification"
    assert merged.weight == 2 and merged.grouped
    assert merged.details == ("a reads b", "a writes b")


def test_one_verb_on_several_datasets_counts_them() -> None:
    (merged,) = merge_edges([edge("b", "reads news-raw"), edge("b", "reads social-raw")])
    assert merged.label == "reads 2 datasets"


def test_an_edge_is_asynchronous_only_when_all_its_relations_are() -> None:
    sync = ViewEdge("a", "b", "calls", "sync")
    later = ViewEdge("a", "b", "calls", "async")
    assert merge_edges([sync, later])[0].style == "sync"
    assert merge_edges([later, later])[0].style == "async"


def test_a_system_view_draws_one_edge_per_pair() -> None:
    arch = architecture(LAKE)
    view = build_view(arch, "element/curator")
    assert view is not None
    assert edges_of(view)[("curator", "lake")].label == "reads, writes"


# --- a lake's datasets -------------------------------------------------------------------


def test_datasets_are_nodes_inside_their_lake() -> None:
    view = build_view(architecture(LAKE), "datalake/lake")
    assert view is not None
    datasets = {node.id: node for node in view.nodes if node.cluster == "lake"}
    assert set(datasets) == {"lake.calls-raw", "lake.calls-curated"}
    assert datasets["lake.calls-raw"].label == "calls-raw"
    assert datasets["lake.calls-raw"].link == "lake", "a dataset opens its lake's page"
    assert "lake" not in {node.id for node in view.nodes}, "every relation names its dataset"


def test_the_lake_view_draws_lineage_from_writer_to_reader() -> None:
    view = build_view(architecture(LAKE), "datalake/lake")
    assert view is not None
    pairs = set(edges_of(view))
    # raw -> curator -> curated -> dashboards: arrows follow the data.
    assert ("recorder", "lake.calls-raw") in pairs
    assert ("lake.calls-raw", "curator") in pairs
    assert ("curator", "lake.calls-curated") in pairs
    assert ("lake.calls-curated", "dashboards") in pairs
    assert all(not edge.label for edge in view.edges), "the direction says reads or writes"


# --- a ledger network --------------------------------------------------------------------


def test_the_ledger_view_is_a_network_of_organizations_and_channels() -> None:
    view = build_view(architecture(LEDGER), "ledger/net")
    assert view is not None
    assert [cluster.label for cluster in view.clusters] == ["Bank", "Broker"]
    pairs = edges_of(view)
    # A peer serves every channel its organization is a member of.
    assert ("net.channel.trades", "peer-bank") in pairs
    assert ("net.channel.trades", "peer-broker") in pairs
    assert ("net.channel.settlement", "peer-bank") in pairs
    assert ("net.channel.settlement", "peer-broker") not in pairs
    assert pairs[("net.channel.trades", "peer-bank")].style == "member"
    # Orderers order every channel.
    assert ("net.channel.settlement", "orderer-c") in pairs


def test_orderers_are_linked_by_consensus_once_per_pair() -> None:
    view = build_view(architecture(LEDGER), "ledger/net")
    assert view is not None
    consensus = {
        frozenset(pair): edge for pair, edge in edges_of(view).items() if edge.style == "consensus"
    }
    # The declared replication and a ring through the others.
    assert set(consensus) == {
        frozenset(("orderer-a", "orderer-b")),
        frozenset(("orderer-b", "orderer-c")),
        frozenset(("orderer-c", "orderer-a")),
    }
    declared = consensus[frozenset(("orderer-a", "orderer-b"))]
    assert "Raft replication" in declared.details[0]


def test_a_service_submits_to_the_channel_it_names() -> None:
    view = build_view(architecture(LEDGER), "ledger/net")
    assert view is not None
    submits = edges_of(view)[("recorder", "net.channel.trades")]
    assert submits.label == "submits, queries"
    assert submits.style == "ledger"
    assert "net" not in {node.id for node in view.nodes}, "every relation names its channel"


# --- the legend -----------------------------------------------------------------------------


def test_the_legend_names_only_what_the_view_draws() -> None:
    view = build_view(architecture(LEDGER), "ledger/net")
    assert view is not None
    meanings = [item.meaning for item in legend(view).items]
    assert any("ledger" in meaning for meaning in meanings)
    assert any("consensus" in meaning for meaning in meanings)
    assert not any("asynchronous" in meaning for meaning in meanings)
    # Every relation carries restricted data: no colour, a note instead.
    assert not coloured(view)
    assert "Every relation drawn carries restricted data." in legend(view).notes


def test_the_legend_shows_each_classification_drawn() -> None:
    view = build_view(architecture(LAKE), "datalake/lake")
    assert view is not None
    assert coloured(view)
    meanings = [item.meaning for item in legend(view).items]
    assert "confidential data" in meanings and "internal data" in meanings
    assert "restricted data" not in meanings
    assert "Arrows follow the data" in legend(view).notes[0]


def test_the_legend_lists_the_relations_of_a_grouped_edge() -> None:
    view = build_view(architecture(LAKE), "element/curator")
    assert view is not None
    (group,) = legend(view).groups
    assert group.summary == "curator → Market Lake: 2 relations"
    shown = legend_html(view, "p-")
    assert '<details class="archatlas-group" id="p-g1" data-group="g1">' in shown
    assert "curator reads lake dataset calls-raw (confidential)" in shown


def test_the_legend_escapes_what_users_wrote() -> None:
    arch = architecture(LAKE.replace("name: Market Lake", "name: <b>lake</b>"))
    view = build_view(arch, "element/curator")
    assert view is not None
    shown = legend_html(view, "p-")
    assert "&lt;b&gt;lake&lt;/b&gt;" in shown and "<b>" not in shown


# --- layout by shape --------------------------------------------------------------------------


def star(count: int, clusters: bool = False) -> View:
    nodes = [
        ViewNode(f"n{index}", f"node {index}", "service", "x.png", f"n{index}")
        for index in range(count)
    ]
    edges = [ViewEdge("n0", f"n{index}", "calls", "sync") for index in range(1, count)]
    frames = (ViewCluster("c", "c"),) if clusters else ()
    return View("landscape", "Landscape", tuple(nodes), tuple(edges), frames)


def test_a_small_view_is_tried_both_ways_a_large_one_as_a_network() -> None:
    small, large = star(5), star(45)
    # Both directions, each with labels placed by dot, after layout, or none.
    assert [layout.labels for layout in layouts(small)] == [
        *("label", "label"),
        *("xlabel", "xlabel"),
        *("none", "none"),
    ]
    assert len(layouts(large)) == 3, "a network has one direction"
    assert not spread(small) and spread(large)
    assert "layout=neato" in dot_source(large)
    assert "label=<" not in dot_source(large).split("->", 1)[1], "a network's lines have no label"


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Insight API", ["Insight API"]),
        ("Google Cloud Speech-to-Text", ["Google Cloud", "Speech-to-Text"]),
        ("a" * 60, ["a" * 16, "a" * 16, "a" * 15 + "…"]),
    ],
)
def test_names_wrap_to_three_lines_at_most(text: str, lines: list[str]) -> None:
    assert wrap(text, 16, 3) == lines


def test_a_card_draws_each_line_of_its_name_inside_it() -> None:
    arch = architecture(
        textwrap.dedent(
            """\
            kind: vendor
            id: speech
            name: Google Cloud Speech-to-Text
            provider: gcp
            product: Speech-to-Text
            mode: long-running
            """
        )
    )
    view = build_view(arch, "element/speech")
    assert view is not None
    source = dot_source(view)
    assert "<B>Google Cloud</B><BR/><B>Speech-to-Text</B>" in source
    assert "vendor · gcp · long-running" in source


def drawing(*parts: str) -> str:
    return (
        '<svg width="100pt" height="100pt">\n<g id="graph0" class="graph">\n'
        + "\n".join(parts)
        + "\n</g>\n</svg>"
    )


CARD = (
    '<g id="n~a" class="node">\n<title>a</title>\n'
    '<polygon fill="#ffffff" points="0,0 0,-40 100,-40 100,0 0,0"/>\n'
    '<text text-anchor="start" x="30" y="-20" font-family="DejaVu Sans" font-size="12.00">'
    "Alpha</text>\n"
    "</g>"
)


def label(x: float, y: float, text: str) -> str:
    return (
        f'<g id="e~a~b" class="edge">\n<title>a-&gt;b</title>\n'
        f'<text text-anchor="middle" x="{x}" y="{y}" font-family="DejaVu Sans" '
        f'font-size="10.00">{text}</text>\n</g>'
    )


def test_text_faults_count_overlapping_lines_and_labels_on_cards() -> None:
    assert text_faults(drawing(CARD, label(300, -20, "calls"))) == 0
    # Touching is not overlapping: "calls" is 27.5 points wide.
    assert text_faults(drawing(label(300, -20, "calls"), label(327.5, -20, "calls"))) == 0
    assert text_faults(drawing(label(300, -20, "calls"), label(310, -22, "reads"))) == 1
    # On the card, clear of its text: a label on a card.
    assert text_faults(drawing(CARD, label(20, -5, "calls"))) == 1


def test_a_large_system_view_folds_the_systems_around_it() -> None:
    services = "\n---\n".join(
        f"kind: service\nid: s{index}\nsystem: home\nuses: [{{to: o{index}, as: calls}}]"
        for index in range(20)
    )
    others = "\n---\n".join(
        f"kind: service\nid: o{index}\nsystem: {'left' if index % 2 else 'right'}"
        for index in range(20)
    )
    systems = "\n---\n".join(f"kind: system\nid: {name}" for name in ("home", "left", "right"))
    view = build_view(architecture(f"{systems}\n---\n{services}\n---\n{others}"), "system/home")
    assert view is not None
    outside = {node.id: node for node in view.nodes if node.cluster != "home"}
    assert set(outside) == {"left", "right"}, "one card per other system"
    assert outside["left"].caption == "system · 10 elements"
    assert [cluster.id for cluster in view.clusters] == ["home"]
    assert edges_of(view)[("s1", "left")].label == "1 relation"


def test_flows_and_environments_are_never_cards_in_the_graphs_of_elements() -> None:
    arch = check_directory(EXAMPLE).architecture
    not_cards = {e.id for e in arch.elements if not KIND_SPECS[e.kind].card}
    assert {arch.by_id[i].kind for i in not_cards} == {"environment", "flow"}
    graphs = [
        key
        for key in view_keys(arch)
        if key.partition("/")[0] in ("landscape", "system", "team", "element")
    ]
    drawn = {
        key: sorted(not_cards & {node.id for node in view.nodes})
        for key in graphs
        if isinstance(view := build_view(arch, key), View)
    }
    assert len(drawn) > 20
    assert {key: ids for key, ids in drawn.items() if ids} == {}
