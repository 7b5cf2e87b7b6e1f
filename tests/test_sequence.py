"""The sequence-diagram renderer: typed sequences to SVG, drawn in Python."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from archatlas.render.sequence import (
    MAX_DEPTH,
    MAX_ROWS,
    SequenceTooLarge,
    ordered,
    sequence_file,
    sequence_svg,
)
from archatlas.svg import LINK_PREFIX, is_plain_drawing, text_faults
from archatlas.views.sequence import Cluster, Group, Message, Participant, SequenceView, Wait

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


def participant(pid: str, cluster: str | None = None) -> Participant:
    return Participant(pid, pid.title(), "service", pid, cluster)


def transcription() -> SequenceView:
    people = (
        participant("transcriber", "calls"),
        participant("recordings", "calls"),
        participant("speech"),
        participant("lake", "data"),
    )
    rows = (
        Message(1, "transcriber", "recordings", "reads call audio", "call", "p95 2s"),
        Message(2, "transcriber", "speech", "starts recognition", "async", "p95 1s"),
        Message(3, "speech", "transcriber", "operation name", "reply"),
        Wait("transcriber", "waits 30s"),
        Message(4, "transcriber", "speech", "gets the operation", "call"),
        Message(5, "speech", "transcriber", "done", "reply"),
        Message(6, "transcriber", "lake", "writes transcripts", "call", "p95 3s"),
        Message(7, "transcriber", "transcriber", "marks the recording done", "call"),
    )
    groups = (
        Group("loop", "until the operation is done", 3, 5, 0, "p95 4min"),
        Group("alternatives", "", 4, 5, 1, "", ((4, "done"), (5, "failed"))),
    )
    clusters = (Cluster("calls", "Call Analytics"), Cluster("data", "Data Platform"))
    return SequenceView(
        "sequence/transcription",
        "Call transcription",
        people,
        rows,
        groups,
        clusters,
        trigger="every 15 minutes",
        total="End to end: p95 4min 6s",
    )


def parsed(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_the_same_sequence_draws_the_same_bytes() -> None:
    assert sequence_file(transcription()) == sequence_file(transcription())


def test_every_participant_is_a_card_linking_to_its_page_in_the_order_shown() -> None:
    svg = parsed(sequence_svg(transcription()))
    cards = svg.findall(f".//{SVG}g[@class='node']")
    # The vendor beside its one caller, the lake at the end: arrows kept short.
    shown = ["speech", "transcriber", "recordings", "lake"]
    assert [card.get("data-node") for card in cards] == shown
    links = [card.find(f"{SVG}a").get(XLINK) for card in cards]  # type: ignore[union-attr]
    assert links == [f"{LINK_PREFIX}{pid}" for pid in shown]
    assert all(card.get("role") == "listitem" for card in cards)


def test_arrows_carry_their_ends_and_style_and_waits_and_frames_are_drawn() -> None:
    svg = parsed(sequence_svg(transcription()))
    steps = svg.findall(f".//{SVG}g[@data-style]")
    assert [(s.get("data-source"), s.get("data-target"), s.get("data-style")) for s in steps][
        :3
    ] == [
        ("transcriber", "recordings", "call"),
        ("transcriber", "speech", "async"),
        ("speech", "transcriber", "reply"),
    ]
    dashes = {s.get("data-style"): s.find(f"{SVG}path").get("stroke-dasharray") for s in steps}  # type: ignore[union-attr]
    assert dashes["call"] is None and dashes["async"] != dashes["reply"]
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "waits 30s" in texts
    assert "loop · until the operation is done · p95 4min" in texts
    assert "[failed]" in texts
    assert "p95 2s" in texts and "End to end: p95 4min 6s" in texts
    assert "Trigger: every 15 minutes" in texts


def test_no_text_overlaps_other_text_or_lies_on_a_card() -> None:
    assert text_faults(sequence_svg(transcription())) == 0


def test_a_system_keeps_its_members_side_by_side_and_arrows_are_kept_short() -> None:
    people = (participant("a", "one"), participant("b"), participant("c", "one"), participant("d"))
    rows = tuple(
        Message(n, source, target, "x", "call")
        for n, (source, target) in enumerate([("a", "b"), ("b", "d"), ("d", "c"), ("a", "d")])
    )
    view = SequenceView("sequence/x", "x", people, rows)
    order = [p.id for p in ordered(view)]
    assert abs(order.index("a") - order.index("c")) == 1  # framed together
    assert order == ["c", "a", "d", "b"] or order == ["b", "d", "a", "c"] or len(order) == 4
    first_appearance = ["a", "c", "b", "d"]
    span = {
        name: sum(abs(o.index(m.source) - o.index(m.target)) for m in rows)  # type: ignore[union-attr]
        for name, o in (("first", first_appearance), ("chosen", order))
    }
    assert span["chosen"] < span["first"]


HOSTILE = '</text><script>alert(1)</script>" onload="alert(2)" &amp; "archatlas-link:javascript:x"'


def test_hostile_text_is_escaped_and_the_drawing_holds_only_drawing() -> None:
    view = transcription()
    people = tuple(replace(p, label=HOSTILE, caption=HOSTILE) for p in view.participants)
    rows = tuple(
        replace(row, label=HOSTILE, detail=HOSTILE, duration=HOSTILE)
        if isinstance(row, Message)
        else replace(row, label=HOSTILE)
        for row in view.rows
    )
    groups = tuple(replace(group, label=HOSTILE) for group in view.groups)
    hostile = replace(
        view, participants=people, rows=rows, groups=groups, title=HOSTILE, trigger=HOSTILE
    )
    markup = sequence_svg(hostile)
    assert is_plain_drawing(markup)
    svg = parsed(markup)
    assert not svg.findall(f".//{SVG}script")
    assert all(not name.startswith("on") for element in svg.iter() for name in element.attrib)
    links = {a.get(XLINK) for a in svg.iter(f"{SVG}a")}
    assert links == {f"{LINK_PREFIX}{p.id}" for p in view.participants}
    assert markup.count(f'"{LINK_PREFIX}') == len(view.participants)  # what pages resolve


def test_control_characters_in_text_do_not_break_the_xml() -> None:
    view = transcription()
    rows = (replace(view.rows[0], label="a\x00b\x1bc\nd"), *view.rows[1:])
    parsed(sequence_svg(replace(view, rows=rows)))


def test_a_sequence_beyond_the_limits_is_refused_at_once() -> None:
    people = (participant("a"), participant("b"))
    many = tuple(Message(n, "a", "b", "x", "call") for n in range(10_000))
    started = time.perf_counter()
    with pytest.raises(SequenceTooLarge, match="10000 steps, more than the 400 drawn"):
        sequence_svg(SequenceView("sequence/x", "x", people, many))
    deep = tuple(Group("loop", "", 0, 0, depth) for depth in range(MAX_DEPTH + 1))
    with pytest.raises(SequenceTooLarge, match="nested"):
        sequence_svg(SequenceView("sequence/x", "x", people, many[:1], deep))
    assert time.perf_counter() - started < 0.5


def test_the_largest_sequence_drawn_is_drawn_quickly() -> None:
    people = tuple(participant(f"p{n}") for n in range(12))
    rows = tuple(
        Message(n, f"p{n % 12}", f"p{(n * 7 + 1) % 12}", f"step {n}", "call")
        for n in range(MAX_ROWS)
    )
    started = time.perf_counter()
    markup = sequence_svg(SequenceView("sequence/x", "x", people, rows))
    assert time.perf_counter() - started < 1.0
    assert len(markup) < 400_000
