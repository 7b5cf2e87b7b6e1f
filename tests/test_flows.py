"""Flows: the duration grammar, the end-to-end duration, the example's flows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archatlas import durations
from archatlas.check import check_directory
from archatlas.diff import compare
from archatlas.diff_report import as_json, as_markdown
from archatlas.flow_format import Flow
from archatlas.flows import participants, total
from archatlas.model import Architecture
from archatlas.pages import Layout, generate_pages
from archatlas.views.flows import dynamic_view, sequence_view
from archatlas.views.sequence import Message
from archatlas.views.sequence import Wait as WaitRow

EXAMPLE = Path(__file__).parents[1] / "architecture"


@pytest.mark.parametrize(
    ("text", "seconds", "percentile", "qualifier"),
    [
        ("30s", 30, None, ""),
        ("p95 4min", 240, "95", ""),
        ("p99 50ms", 0.05, "99", ""),
        ("1.5h", 5400, None, ""),
        ("p95 4min per hour of audio", 240, "95", "per hour of audio"),
        ("2 d", 172800, None, ""),
    ],
)
def test_durations_are_read_by_one_grammar(
    text: str, seconds: float, percentile: str | None, qualifier: str
) -> None:
    assert durations.parse(text) == durations.Duration(seconds, percentile, qualifier)


@pytest.mark.parametrize("text", ["a few seconds", "fast", "p95", "4 minutes", "10 mins", ""])
def test_other_text_is_no_duration(text: str) -> None:
    assert durations.parse(text) is None


def test_durations_agree_within_a_factor_of_two() -> None:
    four = durations.Duration(240)
    assert four.agrees(durations.Duration(480)) and four.agrees(durations.Duration(120))
    assert not four.agrees(durations.Duration(481)) and not four.agrees(durations.Duration(0))


def test_durations_are_shown_in_two_units_at_most() -> None:
    assert [durations.shown(s) for s in (0.35, 6, 246, 3720, 90061)] == [
        "350ms",
        "6s",
        "4min 6s",
        "1h 2min",
        "1d 1h",
    ]


def test_the_example_flows_check_clean_and_add_up_along_their_critical_path() -> None:
    result = check_directory(EXAMPLE)
    assert not [f for f in result.findings if f.rule.startswith("flow")]
    flows = {flow.id: flow for flow in result.architecture.of_kind("flow")}
    transcription = flows["call-transcription"]
    assert isinstance(transcription, Flow)
    # 5s + 1s + the loop's 4min + the longer branch's 3s; the reply has no duration.
    assert str(total(transcription)) == (
        "End to end: 4min 9s along the critical path (1 without a duration)"
    )
    trade = flows["trade-recording"]
    assert isinstance(trade, Flow)
    assert participants(trade)[:3] == ["transactions-topic", "trade-recorder", "ledger-rpc-bank"]


# --- views and pages ---------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> Architecture:
    return check_directory(EXAMPLE).architecture


@pytest.fixture(scope="module")
def pages(example: Architecture) -> dict[str, str]:
    return generate_pages(example, [], Layout())


def test_the_sequence_view_numbers_steps_and_frames_what_waits(example: Architecture) -> None:
    view = sequence_view(example, "call-transcription")
    messages = [row for row in view.rows if isinstance(row, Message)]
    assert [m.number for m in messages] == list(range(1, 8))
    assert [(m.source, m.target, m.style) for m in messages[1:3]] == [
        ("call-transcriber", "gcp-speech-to-text", "async"),
        ("gcp-speech-to-text", "call-transcriber", "reply"),
    ]
    loop = next(group for group in view.groups if group.kind == "loop")
    assert (loop.label, loop.duration) == ("until the operation is done, every 30s", "p95 4min")
    waited = view.rows[loop.first]
    assert isinstance(waited, WaitRow) and waited.label == "waits 30s"
    assert {p.id: p.cluster for p in view.participants}["market-lake"] == "lakehouse"
    assert view.total.startswith("End to end: 4min 9s")
    assert view.trigger == "a call recording is uploaded to the Call Recordings Store"


def test_an_event_delivered_to_a_subscriber_is_drawn_as_one(example: Architecture) -> None:
    view = sequence_view(example, "trade-recording")
    first = view.rows[0]
    assert isinstance(first, Message)
    assert (first.source, first.target, first.style) == (
        "transactions-topic",
        "trade-recorder",
        "event",
    )


def test_the_dynamic_view_numbers_each_line_by_its_steps(example: Architecture) -> None:
    view = dynamic_view(example, "call-transcription")
    labels = {(edge.source, edge.target): edge.label for edge in view.edges}
    assert labels[("call-transcriber", "call-recordings")] == "1. call audio (Opus)"
    assert labels[("call-transcriber", "gcp-speech-to-text")] == "2, 4"
    assert labels[("gcp-speech-to-text", "call-transcriber")] == "3, 5"
    assert ("call-transcriber", "call-transcriber") not in labels  # work inside one element
    assert {cluster.id for cluster in view.clusters} == {"call-analytics", "lakehouse"}


def test_a_flow_page_lists_its_steps_and_embeds_both_diagrams(pages: dict[str, str]) -> None:
    page = pages["architecture/flow/call-transcription.md"]
    assert "![Diagram of Call transcription](arch:view/sequence/call-transcription)" in page
    assert "(arch:view/flow/call-transcription)" in page
    assert "**End to end: 4min 9s along the critical path \\(1 without a duration\\).**" in page
    row = (
        "| 2 | [Call Transcriber](../service/call-transcriber.md) | "
        "[Google Cloud Speech\\-to\\-Text](../vendor/gcp-speech-to-text.md) | "
        "calls (async): LongRunningRecognize request | p95 1s |  |"
    )
    assert row in page
    assert "| calls: GetOperation |  | loop |" in page
    assert "| keeps the recording for the next run |  | alternatives |" in page


def test_the_flows_catalogue_lists_every_flow(pages: dict[str, str]) -> None:
    catalogue = pages["architecture/flow/index.md"]
    assert "# Flows" in catalogue
    assert "[Call transcription](call-transcription.md)" in catalogue
    assert "[Trade recording](trade-recording.md)" in catalogue


def test_elements_list_their_flows_and_a_long_running_vendor_those_waiting(
    pages: dict[str, str],
) -> None:
    transcriber = pages["architecture/service/call-transcriber.md"]
    assert "## Flows\n\n- [Call transcription](../flow/call-transcription.md)\n" in transcriber
    vendor = pages["architecture/vendor/gcp-speech-to-text.md"]
    assert "## Flows that wait for it\n\n- [Call transcription](../flow/call-transcription.md)" in (
        vendor
    )
    assert "\n## Flows\n" not in vendor
    assert (
        "[Trade recording](../flow/trade-recording.md)"
        in pages["architecture/datalake/market-lake.md"]
    )
    system = pages["architecture/system/call-analytics.md"]  # through its elements
    assert "## Flows\n\n- [Call transcription](../flow/call-transcription.md)\n" in system


def test_the_diff_reports_flows_changed_with_their_steps_and_duration(tmp_path: Path) -> None:
    head = tmp_path / "architecture"
    shutil.copytree(EXAMPLE, head)
    flows_file = head / "call-analytics" / "flows.yaml"
    text = flows_file.read_text(encoding="utf-8").replace(
        "duration: p95 4min", "duration: p95 6min"
    )
    flows_file.write_text(text, encoding="utf-8")
    (head / "trade-ledger" / "flows.yaml").unlink()
    diff = compare(check_directory(EXAMPLE), check_directory(head))
    report = as_markdown(diff, "main", "change")
    assert "### Flows\n\n| Flow | Change | Steps | End to end |\n" in report
    assert (
        "| Call transcription (`call-transcription`) | changed | 7 | 4min 9s → 6min 9s |" in report
    )
    assert "| Trade recording (`trade-recording`) | removed | 12 → — | 5s → — |" in report
    data = json.loads(as_json(diff, "main", "change"))
    assert data["flows"][0] == {
        "id": "call-transcription",
        "name": "Call transcription",
        "change": "changed",
        "steps": {"before": 7, "after": 7},
        "end_to_end": {"before": "4min 9s", "after": "6min 9s"},
    }
