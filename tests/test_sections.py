"""The kinds' own page sections: a ledger's fault tolerance and channel
matrix, a node's network, a lake's datasets and lineage, a team's holdings.

The pure parts (what the sections compute) run on small architectures; the
built example site (conftest's shared `site`) shows them as a reader sees
them, and one browser test checks the matrix and the search for a dataset.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from archatlas.check import check
from archatlas.check.ledgers import QUORUMS, tolerated_failures
from archatlas.findings import Finding
from archatlas.format import Datalake, Ledger, LedgerNode
from archatlas.lineage import lineage_pairs, lineage_steps
from archatlas.load import load_text
from archatlas.model import Architecture, build
from archatlas.network import (
    TOLERANCE_RULE,
    FaultTolerance,
    channel_matrix,
    channels_of,
    fault_tolerance,
)
from archatlas.pages import ElementFacts, Layout, generate_pages
from archatlas.views import build_view
from conftest import Served


def architecture(text: str) -> Architecture:
    documents, problems = load_text(textwrap.dedent(text), Path("a.yaml").absolute(), "a.yaml")
    assert not problems
    arch, problems = build(documents)
    assert not problems
    return arch


LEDGER = """\
kind: ledger
id: net
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
name: Bank peer
ledger: net
organization: bank
role: peer
---
kind: ledger-node
id: gateway-bank
name: Audit gateway
ledger: net
organization: bank
role: rpc
---
kind: ledger-node
id: peer-broker
ledger: net
organization: broker
role: peer
---
kind: ledger-node
id: boot-broker
ledger: net
organization: broker
role: bootnode
"""


def ledger_of(arch: Architecture, ledger_id: str = "net") -> Ledger:
    ledger = arch.by_id[ledger_id]
    assert isinstance(ledger, Ledger)
    return ledger


def node(arch: Architecture, node_id: str) -> LedgerNode:
    found = arch.by_id[node_id]
    assert isinstance(found, LedgerNode)
    return found


# --- fault tolerance ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("consensus", "role", "count", "summary"),
    [
        ("raft", "orderer", 3, "Raft, 3 orderers: tolerates 1 failure"),
        ("raft", "orderer", 5, "Raft, 5 orderers: tolerates 2 failures"),
        ("raft", "orderer", 1, "Raft, 1 orderer: tolerates no failure"),
        ("qbft", "validator", 4, "QBFT, 4 validators: tolerates 1 failure"),
        ("pbft", "validator", 3, "PBFT, 3 validators: tolerates no failure"),
    ],
)
def test_fault_tolerance_says_consensus_count_and_failures(
    consensus: str, role: str, count: int, summary: str
) -> None:
    nodes = "".join(
        f"---\nkind: ledger-node\nid: n{index}\nledger: net\nrole: {role}\n"
        for index in range(count)
    )
    arch = architecture(f"kind: ledger\nid: net\nconsensus: {consensus}\n{nodes}")
    tolerance = fault_tolerance(arch, ledger_of(arch))
    assert tolerance is not None
    assert tolerance.summary == summary
    assert tolerance.tolerated == tolerated_failures(consensus, count), "the checker's rule"


def test_fault_tolerance_rule_is_the_one_the_checker_applies() -> None:
    assert QUORUMS["raft"] == ("orderer", 2) and "Raft tolerates (n-1)//2 failed orderers" in (
        TOLERANCE_RULE
    )
    assert {QUORUMS[kind] for kind in ("pbft", "ibft", "qbft")} == {("validator", 3)}
    assert "BFT kinds (n-1)//3 validators" in TOLERANCE_RULE


def test_one_more_failure_takes_the_next_quorum() -> None:
    assert FaultTolerance("raft", "orderer", 3, 1).needed == 5
    assert FaultTolerance("qbft", "validator", 4, 1).needed == 7


def test_no_fault_tolerance_for_consensus_kinds_without_a_rule() -> None:
    arch = architecture("kind: ledger\nid: net\nconsensus: poa\n")
    assert fault_tolerance(arch, ledger_of(arch)) is None


# --- channels, organizations and peers --------------------------------------------------


def test_matrix_rows_are_channels_and_cells_the_serving_nodes_of_each_organization() -> None:
    arch = architecture(LEDGER)
    rows = channel_matrix(arch, ledger_of(arch))
    cells = {
        row.channel.id: [None if cell is None else [n.id for n in cell] for cell in row.cells]
        for row in rows
    }
    # Columns: bank, broker (the ledger's order); cells by name; orderers and
    # the bootnode serve no channel.
    assert cells == {
        "trades": [["gateway-bank", "peer-bank"], ["peer-broker"]],
        "settlement": [["gateway-bank", "peer-bank"], None],
    }


def test_a_peer_serves_the_channels_of_its_organization_and_an_orderer_orders_all() -> None:
    arch = architecture(LEDGER)
    ledger = ledger_of(arch)

    def ids(node_id: str, part: str) -> list[str]:
        return [c.id for c in channels_of(ledger, node(arch, node_id), part)]  # type: ignore[arg-type]

    assert ids("peer-broker", "serves") == ["trades"]
    assert ids("peer-bank", "serves") == ["trades", "settlement"]
    assert ids("orderer-b", "orders") == ["trades", "settlement"]
    assert ids("orderer-b", "serves") == [] and ids("boot-broker", "serves") == []


def test_the_ledger_view_joins_each_channel_to_the_nodes_the_pages_list() -> None:
    arch = architecture(LEDGER)
    view = build_view(arch, "ledger/net")
    assert view is not None
    drawn = {(e.source, e.target) for e in view.edges if e.style == "member"}
    ledger = ledger_of(arch)
    listed = {
        (f"net.channel.{channel.id}", member.id)
        for member in arch.of_kind("ledger-node")
        for part in ("serves", "orders")
        for channel in channels_of(ledger, node(arch, member.id), part)  # type: ignore[arg-type]
    }
    assert drawn == listed


def pages_of(arch: Architecture, findings: list[Finding] | None = None) -> dict[str, str]:
    return generate_pages(arch, findings or [], Layout())


def test_ledger_page_shows_tolerance_matrix_and_organization_anchors() -> None:
    page = pages_of(architecture(LEDGER))["architecture/ledger/net.md"]
    assert "**Raft, 3 orderers: tolerates 1 failure.**" in page
    assert "Raft tolerates \\(n\\-1\\)//2 failed orderers" in page
    assert "| Channel | [Bank](#organization-bank) | [Broker](#organization-broker) |" in page
    trades = next(line for line in page.splitlines() if 'id="channel-trades"' in line)
    assert "[Audit gateway](../ledger-node/gateway-bank.md)<br>[Bank peer]" in trades
    settlement = next(line for line in page.splitlines() if 'id="channel-settlement"' in line)
    assert settlement.rstrip().endswith("| \N{EN DASH} |"), "broker is no member of settlement"
    assert '<span id="organization-broker"></span>Broker' in page


def test_node_page_links_its_organization_and_channels_on_the_ledger_page() -> None:
    pages = pages_of(architecture(LEDGER))
    peer = pages["architecture/ledger-node/peer-broker.md"]
    assert "- Organization: [Broker](../ledger/net.md#organization-broker)" in peer
    assert "- Serves: [`trades`](../ledger/net.md#channel-trades)\n" in peer
    orderer = pages["architecture/ledger-node/orderer-a.md"]
    assert "- Orders every channel: [`trades`]" in orderer and "#channel-settlement" in orderer


# --- datasets and lineage ------------------------------------------------------------------

LAKE = """\
kind: datalake
id: lake
datasets:
  - {id: calls-raw, zone: raw, format: json, classification: confidential, retention: 1y}
  - {id: calls-curated, zone: curated}
  - {id: calls-scored, zone: curated}
  - {id: unused}
---
kind: service
id: recorder
uses:
  - {to: lake, as: writes, dataset: calls-raw}
---
kind: service
id: scorer
name: A Scorer
uses:
  - {to: lake, as: reads, dataset: calls-curated}
  - {to: lake, as: writes, dataset: calls-scored}
---
kind: service
id: curator
name: Z Curator
uses:
  - {to: lake, as: reads, dataset: calls-raw}
  - {to: lake, as: writes, dataset: calls-curated}
---
kind: vendor
id: dashboards
uses:
  - {to: lake, as: reads, dataset: calls-scored}
"""


def lake_of(arch: Architecture) -> Datalake:
    lake = arch.by_id["lake"]
    assert isinstance(lake, Datalake)
    return lake


def test_lineage_pairs_come_from_reading_one_dataset_and_writing_another() -> None:
    arch = architecture(LAKE)
    assert lineage_pairs(arch, lake_of(arch)) == (
        ("calls-raw", "curator", "calls-curated"),
        ("calls-curated", "scorer", "calls-scored"),
    )


def test_lineage_runs_from_raw_to_curated_whatever_the_names() -> None:
    arch = architecture(LAKE)
    steps = lineage_steps(arch, lake_of(arch))
    assert [(step.via.id, step.depth) for step in steps] == [("curator", 0), ("scorer", 1)]


def test_lineage_of_a_cycle_ends() -> None:
    arch = architecture(
        """\
        kind: datalake
        id: lake
        datasets: [{id: a}, {id: b}]
        ---
        kind: service
        id: forth
        uses: [{to: lake, as: reads, dataset: a}, {to: lake, as: writes, dataset: b}]
        ---
        kind: service
        id: back
        uses: [{to: lake, as: reads, dataset: b}, {to: lake, as: writes, dataset: a}]
        """
    )
    assert len(lineage_steps(arch, lake_of(arch))) == 2


def test_lineage_view_draws_only_the_transformations() -> None:
    arch = architecture(LAKE)
    view = build_view(arch, "lineage/lake")
    assert view is not None
    assert {n.id for n in view.nodes} == {
        "lake.calls-raw",
        "lake.calls-curated",
        "lake.calls-scored",
        "curator",
        "scorer",
    }
    assert {(e.source, e.target) for e in view.edges} == {
        ("lake.calls-raw", "curator"),
        ("curator", "lake.calls-curated"),
        ("lake.calls-curated", "scorer"),
        ("scorer", "lake.calls-scored"),
    }


def test_lake_page_gives_each_dataset_a_heading_and_a_lineage_section() -> None:
    page = pages_of(architecture(LAKE))["architecture/datalake/lake.md"]
    assert "### calls\\-raw\n" in page and "### unused\n" in page
    assert (
        "- Zone: **raw** · Format: **json** · Classification: <span class="
        '"archatlas-badge archatlas-badge--confidential">confidential</span>'
        " · Retention: **1y**" in page
    )
    assert "- Written by: [recorder](../service/recorder.md)\n" in page
    assert "- Read by: *none declared*" in page
    lineage = page.split("## Lineage", 1)[1]
    assert "- [calls\\-raw](#calls-raw) → **[Z Curator](../service/curator.md)** → " in lineage
    assert lineage.index("Z Curator") < lineage.index("A Scorer"), "raw to curated"
    assert "(arch:view/lineage/lake)" in lineage
    assert page.count("(arch:view/lineage/lake)") == 1, "drawn in its section only"


# --- teams ----------------------------------------------------------------------------------

TEAM = """\
kind: team
id: crew
contact: crew@example.com
---
kind: service
id: zeta
name: Alpha service
owner: crew
uses:
  - {to: maps, as: calls, data: internal}
  - {to: maps, as: calls, data: confidential}
  - {to: other, as: calls}
---
kind: service
id: alpha
name: Zulu service
owner: crew
uses: [{to: maps, as: calls, data: public}]
---
kind: service
id: other
---
kind: vendor
id: maps
approved-data: internal
"""


def test_team_owns_by_name_and_depends_on_the_vendors_its_elements_use() -> None:
    arch = architecture(TEAM)
    info = ElementFacts(arch, arch.by_id["crew"])
    assert [element.id for element in info.owned] == ["zeta", "alpha"]
    ((vendor, users),) = info.vendors
    assert vendor.id == "maps" and [user.id for user in users] == ["zeta", "alpha"]
    assert info.vendor_data("maps") == "confidential"


def test_team_view_draws_what_it_owns_as_focus_and_what_that_talks_to() -> None:
    arch = architecture(TEAM)
    view = build_view(arch, "team/crew")
    assert view is not None
    assert {n.id: n.focus for n in view.nodes} == {
        "zeta": True,
        "alpha": True,
        "maps": False,
        "other": False,
    }
    assert ("zeta", "maps") in {(e.source, e.target) for e in view.edges}


def test_team_view_draws_an_owned_system_as_the_frame_of_its_elements() -> None:
    arch = architecture(
        TEAM.replace("id: zeta\n", "id: zeta\nsystem: sys\n")
        + "---\nkind: system\nid: sys\nowner: crew\n---\nkind: system\nid: empty\nowner: crew\n"
    )
    view = build_view(arch, "team/crew")
    assert view is not None
    nodes = {node.id for node in view.nodes}
    assert "sys" not in nodes and "sys" in {cluster.id for cluster in view.clusters}
    assert "empty" in nodes, "a system with nothing drawn stays a card"


def test_team_page_lists_findings_on_what_it_owns() -> None:
    arch = architecture(TEAM)
    page = pages_of(arch, check(arch, Path(".")))["architecture/team/crew.md"]
    assert "## Owns" in page and "## Vendors it depends on" in page
    assert page.index("[Alpha service]") < page.index("[Zulu service]")
    assert (
        "- [maps](../vendor/maps.md), used by [Alpha service](../service/zeta.md) and "
        "[Zulu service](../service/alpha.md): sends <span class="
        '"archatlas-badge archatlas-badge--confidential">confidential</span> data, approved for'
    ) in page
    assert "## Findings on what it owns" in page
    assert "- [Alpha service](../service/zeta.md): error `unapproved-data`: " in page


# --- the built example site -----------------------------------------------------------------


def html_of(site: Served, path: str) -> str:
    return (site.site / path / "index.html").read_text(encoding="utf-8")


def test_example_ledger_page_has_tolerance_and_a_peer_matrix(site: Served) -> None:
    page = html_of(site, "architecture/ledger/trade-fabric")
    assert "Raft, 3 orderers: tolerates 1 failure." in page
    row = re.search(r'<tr>\s*<td><span id="channel-settlement"></span>.*?</tr>', page, re.S)
    assert row, "a matrix row per channel"
    assert 'href="../../ledger-node/peer0-custodian/"' in row.group(0)
    assert "peer0-broker" not in row.group(0), "the broker is no member of settlement"


def test_example_node_page_links_its_organization(site: Served) -> None:
    page = html_of(site, "architecture/ledger-node/peer0-broker")
    assert 'href="../../ledger/trade-fabric/#organization-broker"' in page
    assert 'href="../../ledger/trade-fabric/#channel-trades"' in page
    assert "#channel-settlement" not in page


def test_example_lake_page_anchors_each_dataset_and_shows_lineage(site: Served) -> None:
    page = html_of(site, "architecture/datalake/market-lake")
    assert re.search(r'<h3 id="[^"]*transcripts-raw[^"]*"', page)
    assert 'id="lineage"' in page and "lineage/market-lake" not in page.split('id="lineage"')[0]
    index = json.loads((site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    sections = [doc["location"] for doc in index["docs"] if doc["title"] == "transcripts-raw"]
    assert sections == ["architecture/datalake/market-lake/#transcripts-raw"]


def test_example_team_page_has_a_diagram_and_a_mailto_contact(site: Served) -> None:
    page = html_of(site, "architecture/team/data-platform")
    assert 'href="mailto:data-platform@bank.example.com"' in page
    assert 'class="archatlas-diagram' in page
    owns = page.split('id="owns"', 1)[1].split("</table>", 1)[0]
    names = re.findall(r'<tr>\s*<td><a href="[^"]*">([^<]*)</a></td>', owns)
    assert names == sorted(names, key=str.casefold) and "Market Lake" in names


def test_example_matrix_is_visible_and_search_finds_the_dataset_first(
    site: Served, page: Any
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.url("/architecture/ledger/trade-fabric/"))
    matrix = page.locator("table:has(#channel-trades)")
    assert matrix.is_visible()
    box = matrix.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, "fits a phone"
    page.set_viewport_size({"width": 1440, "height": 900})
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("transcripts-raw")
    # Results follow each key typed, and those of "transcripts" already hold the
    # lake: wait for the whole query's, whose section links highlight both words.
    page.locator('.md-search-result__item a[href*="h=transcripts+raw"]').first.wait_for()
    # Material groups results by page: the page first, then its matching sections.
    links = page.eval_on_selector_all(
        ".md-search-result__item:first-child a.md-search-result__link",
        "links => links.map(link => link.href)",
    )
    found = [(urlsplit(link).path, urlsplit(link).fragment) for link in links[:2]]
    lake = "/architecture/datalake/market-lake/"
    assert found == [(lake, ""), (lake, "transcripts-raw")], links
