"""The data-classification page: where each classification goes, which vendors
it reaches (checked against their approved data), and the boundary."""

from __future__ import annotations

import re
from pathlib import Path

from archatlas.classification import flows, sections, vendor_reach
from archatlas.format import Relation
from archatlas.load import load_text
from archatlas.model import Architecture, build
from archatlas.pages import Layout, generate_pages, nav_section
from archatlas.sensitivity import Carried, relation_classification
from archatlas.views import build_view, view_keys
from conftest import Served

SMALL = """\
kind: datalake
id: lake
name: Lake
datasets:
  - {id: calls-raw, zone: raw, classification: restricted, retention: 1y}
  - {id: calls-curated, zone: curated, classification: internal}
  - {id: notes}
---
kind: service
id: recorder
name: Recorder
uses:
  - {to: lake, as: writes, dataset: calls-raw}
  - {to: speech, as: calls, data: confidential}
  - {to: cache, as: writes}
---
kind: datastore
id: cache
name: Cache
---
kind: vendor
id: speech
name: Speech API
approved-data: internal
---
kind: vendor
id: dashboards
name: Dashboards
approved-data: confidential
uses:
  - {to: lake, as: reads, dataset: calls-raw, data: internal}
  - {to: lake, as: reads, dataset: calls-curated}
  - {to: cache, as: writes, data: restricted}
"""


def small() -> Architecture:
    documents, problems = load_text(SMALL, Path("small.yaml").absolute(), "small.yaml")
    arch, findings = build(documents)
    assert not problems and not findings, [*problems, *findings]
    return arch


def test_a_relation_carries_its_data_or_its_datasets_classification() -> None:
    arch = small()
    carrying = {
        (flow.source, flow.target, flow.relation.dataset): (flow.level, flow.from_dataset)
        for flow in flows(arch)
    }
    assert carrying[("recorder", "lake", "calls-raw")] == ("restricted", True)
    assert carrying[("recorder", "speech", None)] == ("confidential", False)
    assert carrying[("recorder", "cache", None)] == (None, False)
    # Reading a dataset gives its data, whatever the relation declares.
    assert carrying[("dashboards", "lake", "calls-raw")] == ("restricted", True)
    assert carrying[("dashboards", "lake", "calls-curated")] == ("internal", True)
    relation = arch.by_id["dashboards"].uses[2]
    assert relation_classification(arch, relation) == Carried("restricted", "data")


def test_a_relation_to_a_lake_without_dataset_carries_the_lakes_highest() -> None:
    text = SMALL + "---\nkind: service\nid: reporter\nuses:\n  - {to: lake, as: reads}\n"
    documents, _ = load_text(text, Path("small.yaml").absolute(), "small.yaml")
    arch, _ = build(documents)
    (read,) = arch.by_id["reporter"].uses
    assert relation_classification(arch, read) == Carried("restricted", "lake", "calls-raw")
    (flow,) = [flow for flow in flows(arch) if flow.source == "reporter"]
    assert (flow.level, flow.origin, flow.dataset, flow.from_dataset) == (
        "restricted",
        "lake",
        "calls-raw",
        True,
    )
    layout = Layout()
    page = generate_pages(arch, [], layout)[layout.classification]
    row = "| [reporter](service/reporter.md) | [Lake](datalake/lake.md) | reads | "
    assert row + "no dataset named: the lake's highest, `calls-raw` |" in page


def test_sections_run_from_restricted_to_not_declared() -> None:
    names = [section.name for section in sections(small())]
    assert names == ["restricted", "confidential", "internal", "public", "not declared"]


def test_each_classification_lists_its_relations_and_datasets() -> None:
    found = {section.name: section for section in sections(small())}
    restricted = found["restricted"]
    assert [(f.source, f.target) for f in restricted.flows] == [
        ("dashboards", "cache"),
        ("dashboards", "lake"),
        ("recorder", "lake"),
    ]
    assert [held.dataset for held in restricted.datasets] == ["calls-raw"]
    assert [held.dataset for held in found["not declared"].datasets] == ["notes"]
    assert [(f.source, f.target) for f in found["not declared"].flows] == [("recorder", "cache")]
    assert found["public"].flows == () and found["public"].datasets == ()


def test_vendors_reached_are_checked_against_their_approved_data() -> None:
    found = {section.name: section for section in sections(small())}
    (speech,) = found["confidential"].vendors
    assert (speech.vendor, speech.boundary) == ("speech", "recorder")
    assert speech.verdict_text == "above approved: internal"
    # The vendor reads the lake: the lake is the boundary. It writes into the
    # cache data it holds: that counts against its approval as much.
    write, read = found["restricted"].vendors
    assert (read.vendor, read.boundary, read.approved) == ("dashboards", "lake", "confidential")
    assert read.verdict_text == "above approved: confidential"
    assert (write.vendor, write.boundary, write.flow.verb) == ("dashboards", "cache", "writes")
    (curated,) = found["internal"].vendors
    assert curated.verdict_text == "within approved"
    assert found["restricted"].above_approved == (write, read)


def test_the_page_and_the_check_agree_on_what_is_above_approved() -> None:
    """Every relation the page shows above a vendor's approval is an
    unapproved-data error of the check, and the other way round."""
    from archatlas.check import check

    arch = small()
    # Each relation of SMALL is written on one line: a finding on any of its
    # fields is on the line of the relation.
    page = {
        (reach.flow.source, _line(arch, reach.flow.source, reach.flow.relation))
        for section in sections(arch)
        for reach in section.above_approved
    }
    errors = {
        (item.element, item.line)
        for item in check(arch, Path("."))
        if item.rule == "unapproved-data"
    }
    assert len(page) == 3
    assert errors == page


def _line(arch: Architecture, source: str, relation: Relation) -> int:
    index = arch.by_id[source].uses.index(relation)
    return arch.locate(source, "uses", index).line


def test_a_vendor_without_approved_data_or_a_flow_without_classification_says_so() -> None:
    text = SMALL.replace("approved-data: internal\n", "") + (
        "---\nkind: service\nid: caller\nuses:\n  - {to: speech, as: calls}\n"
    )
    documents, _ = load_text(text, Path("small.yaml").absolute(), "small.yaml")
    arch, _ = build(documents)
    reaches = [reach for flow in flows(arch) if (reach := vendor_reach(arch, flow))]
    texts = {(reach.boundary, reach.vendor): reach.verdict_text for reach in reaches}
    assert texts[("recorder", "speech")] == "the vendor declares no approved data"
    assert texts[("caller", "speech")] == "classification not declared"


def test_the_view_draws_confidential_and_restricted_flows_coloured_by_classification() -> None:
    arch = small()
    assert "classification" in view_keys(arch)
    view = build_view(arch, "classification")
    assert view is not None
    assert {node.id for node in view.nodes} == {"recorder", "lake", "speech", "dashboards", "cache"}
    colours = {(edge.source, edge.target): edge.data for edge in view.edges}
    assert colours == {
        ("dashboards", "cache"): "restricted",
        ("dashboards", "lake"): "restricted",  # the restricted read, merged with the internal one
        ("recorder", "lake"): "restricted",
        ("recorder", "speech"): "confidential",
    }


def test_the_page_is_generated_and_in_the_navigation() -> None:
    arch = small()
    layout = Layout()
    page = generate_pages(arch, [], layout)[layout.classification]
    assert page.startswith("---\ntitle: Data classification\n---\n")
    assert "![Where confidential and restricted data goes](arch:view/classification)" in page
    assert "| [Speech API](vendor/speech.md) | internal | **above approved: internal** |" in page
    assert "[`calls-raw`](datalake/lake.md" in page
    assert {"Data classification": layout.classification} in nav_section(arch, layout)
    assert layout.classification == "architecture/classification.md"


def test_the_built_example_page(site: Served) -> None:
    html = (site.site / "architecture" / "classification" / "index.html").read_text("utf-8")
    headings = re.findall(r'<h2 id="([^"]+)"', html)
    assert headings == ["restricted", "confidential", "internal", "public", "not-declared"]
    assert "<title>Data classification" in html
    assert html.count('class="archatlas-diagram') >= 1, "the classification diagram"
    assert "Google Cloud Speech-to-Text" in html and "within approved" in html
    assert "above approved" not in html.split("<h2", 1)[1], "the example sends nothing unapproved"
    # The boundary of the call to the speech vendor is the transcriber.
    row = re.search(r"<tr>\s*<td><a [^>]*>Google Cloud Speech-to-Text</a></td>.*?</tr>", html, re.S)
    assert row and "Call Transcriber" in row.group(0)
