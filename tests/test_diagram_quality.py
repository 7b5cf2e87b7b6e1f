"""Diagram readability, measured: the figures of bench/diagram_metrics.py.

The metrics are tried first on tiny hand-written SVGs (each can find what it
looks for), then run on every diagram of the example architecture, as
`archatlas render --out` writes them, against the targets of the diagram
readability work: no overlapping labels, no text spilling out of its card,
one edge per ordered pair of nodes, a legend beside every diagram.
bench/diagram_bench.py measures the same on larger architectures, and
whether each diagram fits its column in a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from conftest import EXAMPLE, load_bench, run_cli

DIAGRAMS = "assets/archatlas/diagrams"


metrics = load_bench("diagram_metrics")

# --- hand-written SVGs --------------------------------------------------------------------


def svg(*groups: str) -> str:
    """An SVG as Graphviz writes it, holding `groups` in its graph group."""
    return (
        '<svg width="400pt" height="300pt" viewBox="0 0 400 300" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        '<g id="a-00000000-graph0" class="graph" transform="translate(4 296)">\n'
        '<polygon fill="white" stroke="none" points="-4,4 -4,-296 396,-296 396,4 -4,4"/>\n'
        + "\n".join(groups)
        + "\n</g>\n</svg>\n"
    )


def text(x: float, y: float, content: str, size: float = 10, anchor: str = "middle") -> str:
    return (
        f'<text text-anchor="{anchor}" x="{x}" y="{y}" font-family="DejaVu Sans" '
        f'font-size="{size:.2f}">{content}</text>'
    )


def card(x0: float, y0: float, x1: float, y1: float) -> str:
    """A rounded card as archatlas draws it (a path)."""
    return (
        f'<path fill="#ffffff" stroke="#c9d1d9" d="M{x1 - 6},{y0}C{x1 - 6},{y0} {x0 + 6},{y0} '
        f"{x0 + 6},{y0} {x0},{y0} {x0},{y0 + 6} {x0},{y0 + 6} {x0},{y1 - 6} {x0},{y1 - 6} "
        f'{x0},{y1} {x0 + 6},{y1} {x1 - 6},{y1} {x1},{y1} {x1},{y1 - 6} {x1},{y0 + 6}"/>'
    )


def node(name: str, *body: str) -> str:
    inner = "\n".join(body)
    return (
        f'<g id="a-00000000-{name}" class="node">\n<title>{name}</title>\n'
        f'<g><a xlink:href="archatlas-link:{name}" xlink:title="{name}">\n{inner}\n</a></g>\n</g>'
    )


def edge(title: str, *body: str, attributes: str = "") -> str:
    inner = "\n".join(body)
    return (
        f'<g class="edge"{attributes}>\n<title>{title}</title>\n'
        f'<path fill="none" stroke="#1e88e5" d="M10,-10C20,-20 30,-30 40,-40"/>\n{inner}\n</g>'
    )


def cluster(title: str, *body: str) -> str:
    return f'<g class="cluster">\n<title>{title}</title>\n' + "\n".join(body) + "\n</g>"


def test_a_text_box_is_placed_by_its_anchor_and_sized_by_its_font() -> None:
    boxes = metrics.text_boxes(
        svg(
            text(100, -50, "abcd", size=10, anchor="start"),
            text(100, -80, "abcd", size=10, anchor="middle"),
            text(100, -110, "abcd", size=20, anchor="end"),
        )
    )
    assert [box.box for box in boxes] == [
        metrics.Box(100, -58, 122, -48),
        metrics.Box(89, -88, 111, -78),
        metrics.Box(56, -126, 100, -106),
    ]
    assert [box.group for box in boxes] == ["graph"] * 3


def test_entities_count_as_one_character_and_sizes_are_inherited() -> None:
    (box,) = metrics.text_boxes(
        svg('<g font-size="20"><text text-anchor="start" x="0" y="0">a&amp;&#45;b</text></g>')
    )
    assert box.text == "a&-b"
    assert box.font_size == 20
    assert box.box == metrics.Box(0, -16, 44, 4)
    (default,) = metrics.text_boxes(svg('<text x="0" y="0">ab</text>'))
    assert default.font_size == metrics.DEFAULT_FONT_SIZE


def test_overlapping_labels_are_found() -> None:
    drawing = svg(
        node("a", card(0, -60, 100, 0), text(50, -20, "Insight API")),
        edge("a->b", text(60, -22, "calls https")),
    )
    (found,) = metrics.overlapping_labels(drawing)
    assert {found.first.text, found.second.text} == {"Insight API", "calls https"}
    assert {found.first.group, found.second.group} == {"node", "edge"}


def test_lines_of_one_label_and_boxes_that_only_touch_do_not_overlap() -> None:
    drawing = svg(
        # Graphviz's line spacing for 12 pt text: 13 units, more than one font size.
        node(
            "a",
            card(0, -60, 150, 0),
            text(75, -32.4, "Call Transcriber", 12),
            text(75, -19.4, "service · worker", 12),
        ),
        text(0, -100, "abcd", 10, "start"),  # x 0..22, y -108..-98
        text(22, -100, "efgh", 10, "start"),  # touches it at x = 22
        text(0, -90, "ijkl", 10, "start"),  # touches it at y = -98
    )
    assert metrics.overlapping_labels(drawing) == ()


def test_a_halo_drawn_under_a_label_is_not_an_overlap() -> None:
    label = text(60, -22, "calls https")
    assert len(metrics.text_boxes(svg(edge("a->b", label, label)))) == 1
    assert metrics.overlapping_labels(svg(edge("a->b", label, label))) == ()


def test_overlaps_among_many_labels_are_each_found_once() -> None:
    lines = [text(0, -12 * row, f"label {row:02}", 10, "start") for row in range(40)]
    lines += [text(10, -12 * row - 5, f"other {row:02}", 10, "start") for row in range(40)]
    found = metrics.overlapping_labels(svg(*lines))
    pairs = {frozenset((item.first.text, item.second.text)) for item in found}
    assert len(pairs) == len(found)
    assert frozenset(("label 05", "other 05")) in pairs
    assert frozenset(("label 05", "label 06")) not in pairs


def test_spilled_text_is_found() -> None:
    drawing = svg(
        node(
            "lake",
            card(0, -100, 80, 0),
            text(40, -32.4, "Data Platform Lakehouse", 12),  # 152 wide: spills
            text(40, -19.4, "datalake", 12),  # 53 wide: fits
        )
    )
    (spill,) = metrics.spilled_text(drawing)
    assert spill.node == "lake"
    assert spill.text.text == "Data Platform Lakehouse"
    assert spill.card == metrics.Box(0, -100, 80, 0)


def test_text_below_its_card_spills_and_nodes_without_a_shape_are_ignored() -> None:
    drawing = svg(
        node(
            "a",
            '<polygon fill="white" stroke="black" points="0,-100 80,-100 80,-40 0,-40"/>',
            text(40, -20, "ab", 10),
        ),
        node(
            "b",
            '<image xlink:href="x.png" width="60" height="60" x="100" y="-100"/>',
            text(130, -20, "a very long label under an icon", 10),
        ),
        node(
            "c",
            '<ellipse fill="white" stroke="black" cx="300" cy="-50" rx="40" ry="20"/>',
            text(300, -46, "fits", 10),
        ),
    )
    assert [(spill.node, spill.text.text) for spill in metrics.spilled_text(drawing)] == [
        ("a", "ab")
    ]
    assert [card.node for card in metrics.node_cards(drawing)] == ["a", "c"]


def test_labels_on_cards_are_found() -> None:
    drawing = svg(
        cluster("cluster_x", card(0, -300, 390, 0), text(50, -285, "Market Insight", 13)),
        node("a", card(10, -100, 110, -10), text(60, -20, "A")),
        node("b", card(200, -100, 300, -10), text(250, -20, "B")),
        edge("a->b", text(150, -50, "calls")),  # between the cards
        edge("b->a", text(205, -60, "reads, writes")),  # on b's card
    )
    (found,) = metrics.labels_on_cards(drawing)
    assert (found.text.text, found.node) == ("reads, writes", "b")


def test_duplicate_ordered_pairs_are_found_from_titles() -> None:
    drawing = svg(
        edge("insight&#45;api&#45;&gt;insight&#45;db"),
        edge("insight&#45;api&#45;&gt;insight&#45;db"),
        edge("insight&#45;db&#45;&gt;insight&#45;api"),  # the other way: not a duplicate
        edge("insight&#45;api:s&#45;&gt;cache"),
        edge("insight&#45;api&#45;&gt;cache:n"),
    )
    assert metrics.edge_ends(drawing)[0] == ("insight-api", "insight-db")
    assert metrics.duplicate_pairs(drawing) == (
        metrics.DuplicatePair("insight-api", "cache", 2),
        metrics.DuplicatePair("insight-api", "insight-db", 2),
    )


def test_duplicate_pairs_read_data_attributes_first() -> None:
    drawing = svg(
        edge("x->y", attributes=' data-source="a" data-target="b"'),
        edge("x->z", attributes=' data-source="a" data-target="b" data-group="g3"'),
        edge("x->y", attributes=' data-source="b" data-target="a"'),
    )
    assert metrics.duplicate_pairs(drawing) == (metrics.DuplicatePair("a", "b", 2),)
    assert metrics.duplicate_pairs(svg(edge("a->b"), edge("b->a"))) == ()


def test_measure_counts_everything() -> None:
    drawing = svg(
        node("a", card(0, -60, 60, 0), text(30, -20, "A much too long name")),
        edge("a->b", text(30, -21, "calls")),
        edge("a->b"),
    )
    found = metrics.measure(drawing)
    assert found.texts == 2
    assert (len(found.overlaps), len(found.spills), len(found.labels_on_cards)) == (1, 1, 1)
    assert found.duplicates == (metrics.DuplicatePair("a", "b", 2),)
    assert found.smallest_font == 10
    assert (found.edges, found.unlabelled_edges) == (2, 1)


PAGE = """<h1>Market Insight</h1>
<figure class="archatlas-diagram" data-view="system/market-insight" markdown="0">
<div class="archatlas-canvas">
{svg}
</div>
<figcaption class="archatlas-legend"><span class="archatlas-legend-title">Legend</span>
<ul class="archatlas-legend-items"><li>sync</li></ul></figcaption>
</figure>
<p>Between the diagrams.</p>
<div class="archatlas-diagram" markdown="0" data-search-exclude>
<div class="archatlas-canvas"><div>nested</div>{svg}</div>
</div>
<div class="archatlas-legend">outside any diagram</div>
<div class="archatlas-diagram archatlas-failed"><p>The diagram x could not be drawn</p></div>
"""


def test_page_figures_say_which_diagram_has_a_legend() -> None:
    drawing = svg(node("a", card(0, -60, 60, 0), text(30, -20, "A")))
    first, second, failed = metrics.page_figures(PAGE.format(svg=drawing.strip()))
    assert (first.view, first.has_legend, first.failed) == ("system/market-insight", True, False)
    assert (second.view, second.prefix, second.has_legend) == ("", "a-00000000-", False)
    assert failed.failed and not failed.has_legend and failed.svg == ""
    assert first.svg == second.svg == drawing.strip()
    assert metrics.measure(first.svg).texts == 1
    assert metrics.page_legends(PAGE.format(svg=drawing.strip())) == {
        "system/market-insight": True,
        "a-00000000-": False,
        "": False,
    }


def test_the_id_prefix_is_archatlas_own() -> None:
    from archatlas.svg import id_prefix

    assert metrics.id_prefix("system/market-insight") == id_prefix("system/market-insight")


# --- the example architecture ------------------------------------------------------------


@dataclass(frozen=True)
class Diagram:
    key: str
    svg: str = field(repr=False)
    has_legend: bool = False  # some page holds it, with a legend


@pytest.fixture(scope="module")
def example_diagrams(tmp_path_factory: pytest.TempPathFactory) -> list[Diagram]:
    """Every diagram of the example, as `archatlas render --out` writes it."""
    out = tmp_path_factory.mktemp("rendered")
    cache = tmp_path_factory.mktemp("cache")
    ran = run_cli("render", str(EXAMPLE), "--out", str(out), "--cache-dir", str(cache), cwd=out)
    assert ran.returncode == 0, ran.stderr
    folder = out / DIAGRAMS
    keys = sorted(
        path.relative_to(folder).with_suffix("").as_posix() for path in folder.rglob("*.svg")
    )
    by_prefix = {metrics.id_prefix(key): key for key in keys}
    legends: dict[str, bool] = {}
    for page in out.rglob("*.md"):
        for figure in metrics.page_figures(page.read_text(encoding="utf-8")):
            key = figure.view or by_prefix.get(figure.prefix, "")
            legends[key] = legends.get(key, False) or figure.has_legend
    return [
        Diagram(key, (folder / f"{key}.svg").read_text(encoding="utf-8"), legends.get(key, False))
        for key in keys
    ]


def _worst(counts: dict[str, int]) -> str:
    found = sorted(((count, key) for key, count in counts.items() if count), reverse=True)
    return ", ".join(f"{key} {count}" for count, key in found[:8])


def test_every_diagram_of_the_example_is_measured(example_diagrams: list[Diagram]) -> None:
    keys = {diagram.key for diagram in example_diagrams}
    assert {"landscape", "system/market-insight", "ledger/trade-fabric"} <= keys
    assert "datalake/market-lake" in keys
    for diagram in example_diagrams:
        found = metrics.measure(diagram.svg)
        assert found.texts > 0, diagram.key
        assert metrics.node_cards(diagram.svg), diagram.key


def test_no_overlapping_labels_in_the_example(example_diagrams: list[Diagram]) -> None:
    counts = {d.key: len(metrics.overlapping_labels(d.svg)) for d in example_diagrams}
    assert sum(counts.values()) == 0, f"{sum(counts.values())} overlaps: {_worst(counts)}"


def test_no_text_spills_out_of_its_card_in_the_example(example_diagrams: list[Diagram]) -> None:
    counts = {d.key: len(metrics.spilled_text(d.svg)) for d in example_diagrams}
    assert sum(counts.values()) == 0, f"{sum(counts.values())} spilled lines: {_worst(counts)}"


def test_one_edge_per_ordered_pair_in_the_example(example_diagrams: list[Diagram]) -> None:
    # A sequence diagram draws each step: two participants exchange several.
    graphs = [d for d in example_diagrams if not d.key.startswith("sequence/")]
    counts = {d.key: len(metrics.duplicate_pairs(d.svg)) for d in graphs}
    assert sum(counts.values()) == 0, f"{sum(counts.values())} duplicate pairs: {_worst(counts)}"


def test_every_diagram_of_the_example_has_a_legend(example_diagrams: list[Diagram]) -> None:
    missing = [d.key for d in example_diagrams if not d.has_legend]
    assert missing == [], f"{len(missing)} diagrams without a legend: {', '.join(missing[:8])}"
