"""Format 1.1 for ledgers: the channels a node joins, its operator, a ledger's
node-defaults and subscriptions to its events, as the model, the checks, the
ledger view and the pages read them.

The findings' wording is held by the golden cases (tests/cases/peer-not-in-
channel*, unknown-channel-node-channels, ...); this file holds what they
cannot show: the completed nodes, the diagram and the pages.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from archatlas.check import check
from archatlas.classification import sections
from archatlas.format import Ledger, LedgerNode, Runtime
from archatlas.load import load_text
from archatlas.model import Architecture, build
from archatlas.network import channel_matrix, channels_of
from archatlas.pages import Layout, generate_pages
from archatlas.views import build_view

NETWORK = """\
kind: team
id: ledger-ops
---
kind: ledger
id: net
consensus: raft
organizations: [{id: bank, name: Bank}, {id: broker, name: Broker}, {id: custody, name: Custody}]
channels:
  - {id: trades, members: [bank, broker, custody]}
  - {id: settlement, members: [bank, custody]}
node-defaults:
  role: peer
  owner: ledger-ops
  tags: [fabric]
  runtime: {platform: kubernetes, workload: statefulset, image: peer:2.5, replicas: 1}
---
kind: ledger-node
id: orderer-bank
ledger: net
organization: bank
role: orderer
runtime: {image: orderer:2.5}
---
kind: ledger-node
id: orderer-custody
ledger: net
organization: custody
operator: custody
owner: null
role: orderer
channels: [settlement]
---
kind: ledger-node
id: peer-bank
ledger: net
organization: bank
---
kind: ledger-node
id: peer-broker
ledger: net
organization: broker
operator: custody
owner: null
tags: [external]
channels: [trades]
---
kind: ledger-node
id: peer-custody
ledger: net
organization: custody
operator: custody
owner: null
channels: [settlement]
---
kind: service
id: watcher
uses:
  - {to: net, as: subscribes, channel: settlement, organization: bank, events: block}
  - {to: net, as: submits, channel: settlement, organization: bank, data: restricted}
"""


def architecture(text: str = NETWORK) -> Architecture:
    documents, problems = load_text(textwrap.dedent(text), Path("a.yaml").absolute(), "a.yaml")
    assert not problems
    arch, problems = build(documents)
    assert not problems
    return arch


def node(arch: Architecture, node_id: str) -> LedgerNode:
    found = arch.by_id[node_id]
    assert isinstance(found, LedgerNode)
    return found


def ledger(arch: Architecture) -> Ledger:
    found = arch.by_id["net"]
    assert isinstance(found, Ledger)
    return found


# --- node-defaults ------------------------------------------------------------------


def test_a_node_takes_the_defaults_it_does_not_set_and_merges_its_runtime() -> None:
    arch = architecture()
    peer = node(arch, "peer-bank")
    assert (peer.role, peer.owner, peer.tags) == ("peer", "ledger-ops", ("fabric",))
    assert peer.runtime == Runtime(
        platform="kubernetes", workload="statefulset", image="peer:2.5", replicas=1
    )
    orderer = node(arch, "orderer-bank")
    assert orderer.role == "orderer"
    assert orderer.runtime is not None
    assert (orderer.runtime.image, orderer.runtime.workload) == ("orderer:2.5", "statefulset")


def test_a_node_field_replaces_the_default_whole_and_null_takes_none() -> None:
    broker = node(architecture(), "peer-broker")
    assert broker.tags == ("external",)
    assert broker.owner is None
    assert architecture().owned_by("ledger-ops") == (
        node(architecture(), "orderer-bank"),
        node(architecture(), "peer-bank"),
    )


def line_of(text: str, after: str = "") -> int:
    """The line of NETWORK that starts with `text` (after the line `after`)."""
    lines = NETWORK.splitlines()
    start = lines.index(after) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and line.startswith(text)) + 1


def test_a_finding_about_a_default_points_at_the_default() -> None:
    arch = architecture()
    # Its own field: the node's document; one taken from the defaults: the ledger's.
    assert arch.locate("orderer-bank", "runtime", "image").line == line_of(
        "runtime: {image", after="id: orderer-bank"
    )
    assert arch.locate("orderer-bank", "runtime", "workload").line == line_of("  runtime:")
    assert arch.locate("peer-bank", "owner").line == line_of("  owner: ledger-ops")
    assert arch.locate("peer-broker", "owner").line == line_of(
        "owner: null", after="id: peer-broker"
    )


def test_nodes_that_share_a_wrong_default_report_it_once() -> None:
    arch = architecture(NETWORK.replace("owner: ledger-ops", "owner: ledger-opz"))
    findings = [f for f in check(arch, Path(".")) if f.rule == "unknown-reference"]
    assert [(f.line, f.message) for f in findings] == [
        (
            line_of("  owner: ledger-ops"),
            "owner: no team has the id 'ledger-opz' (did you mean 'ledger-ops'?)",
        )
    ]


def test_a_network_without_defaults_is_unchanged() -> None:
    arch = architecture(
        NETWORK.split("node-defaults:")[0] + "---\nkind: ledger-node\nid: n\n"
        "ledger: net\nrole: peer\n"
    )
    assert arch.defaulted == {}
    assert node(arch, "n").owner is None and node(arch, "n").channels is None


# --- the channels a node joins -------------------------------------------------------


def test_declared_channels_replace_the_derived_ones() -> None:
    arch = architecture()
    net = ledger(arch)

    def ids(node_id: str, part: str) -> list[str]:
        return [c.id for c in channels_of(net, node(arch, node_id), part)]  # type: ignore[arg-type]

    assert ids("peer-bank", "serves") == ["trades", "settlement"]  # derived: bank's channels
    assert ids("peer-custody", "serves") == ["settlement"]  # declared: not trades
    assert ids("orderer-bank", "orders") == ["trades", "settlement"]
    assert ids("orderer-custody", "orders") == ["settlement"]


def test_the_matrix_and_the_member_rule_count_only_the_peers_that_join() -> None:
    arch = architecture()
    rows = {
        row.channel.id: [None if c is None else [n.id for n in c] for c in row.cells]
        for row in channel_matrix(arch, ledger(arch))
    }
    assert rows == {
        "trades": [["peer-bank"], ["peer-broker"], []],
        "settlement": [["peer-bank"], None, ["peer-custody"]],
    }
    missing = [f.message for f in check(arch, Path(".")) if f.rule == "member-without-peer"]
    assert missing == [
        "organization 'custody' is a member of channel 'trades' but none of its peers joins it"
    ]


def test_the_ledger_view_links_nodes_to_the_channels_they_join() -> None:
    view = build_view(architecture(), "ledger/net")
    assert view is not None
    members = {
        (e.source.removeprefix("net.channel."), e.target) for e in view.edges if e.style == "member"
    }
    assert ("trades", "peer-custody") not in members
    assert ("settlement", "peer-custody") in members and ("trades", "peer-broker") in members
    assert ("trades", "orderer-custody") not in members
    assert "A node is linked to the channels it joins; one that names none" in view.notes[1]
    assert "'run by' names the organization that operates a node for another." in view.notes
    cards = {n.id: n.caption for n in view.nodes}
    assert cards["peer-broker"] == "peer · broker · run by custody"
    assert cards["peer-custody"] == "peer · custody · statefulset"
    events = next(e for e in view.edges if e.source == "watcher")
    assert events.style == "ledger" and "subscribes" in events.label
    assert any("block events" in line for line in events.details)


# --- pages ---------------------------------------------------------------------------


def pages() -> dict[str, str]:
    return generate_pages(architecture(), [], Layout())


def test_the_node_page_shows_its_operator_and_declared_channels() -> None:
    page = pages()["architecture/ledger-node/peer-broker.md"]
    assert "| Operated by | [Custody](../ledger/net.md#organization-custody) |" in page
    assert "- Serves: [`trades`](../ledger/net.md#channel-trades)\n" in page
    assert ", with the `node-defaults` of [net](../ledger/net.md).*" in page
    orderer = pages()["architecture/ledger-node/orderer-custody.md"]
    assert "- Orders: [`settlement`](../ledger/net.md#channel-settlement)\n" in orderer


def test_the_ledger_page_lists_what_each_organization_operates() -> None:
    page = pages()["architecture/ledger/net.md"]
    assert "| Organization | Channels | Nodes | Operates |" in page
    custody = next(line for line in page.splitlines() if 'id="organization-custody"' in line)
    assert custody.endswith(
        "| [orderer\\-custody](../ledger-node/orderer-custody.md), "
        "[peer\\-broker](../ledger-node/peer-broker.md) (for broker), "
        "[peer\\-custody](../ledger-node/peer-custody.md) |"
    )
    assert "The ordering nodes order the blocks of the channels they join:" in page
    assert "- [orderer\\-custody](../ledger-node/orderer-custody.md): [`settlement`]" in page


def test_the_classification_page_names_the_nodes_a_channel_reaches() -> None:
    (restricted,) = [s for s in sections(architecture()) if s.level == "restricted"]
    (held,) = restricted.channels
    assert (held.ledger, held.channel) == ("net", "settlement")
    # peer-broker joins trades only; the bank's orderer and peer derive both.
    assert held.nodes == ("orderer-bank", "orderer-custody", "peer-bank", "peer-custody")
    page = pages()["architecture/classification.md"]
    assert "### Ledger channels" in page
    assert "[`settlement`](ledger/net.md#channel-settlement)" in page
