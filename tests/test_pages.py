"""Catalogue columns, facts and description summaries, without building a site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archatlas import cells
from archatlas.cells import COLUMNS, Badges, Code, Number, Refs, Text, catalogue, facts
from archatlas.check import check_directory
from archatlas.kinds import KIND_SPECS, KINDS
from archatlas.load import load_text
from archatlas.markdown import ELLIPSIS, summary
from archatlas.model import Architecture, build
from archatlas.pages import BREADCRUMB, Layout, generate_pages, nav_parents, source_url
from conftest import EXAMPLE


def architecture(text: str) -> Architecture:
    documents, problems = load_text(text, Path("test.yaml").absolute(), "test.yaml")
    arch, findings = build(documents)
    assert not problems and not findings, [*problems, *findings]
    return arch


@pytest.fixture(scope="module")
def example() -> Architecture:
    return check_directory(EXAMPLE).architecture


# --- column declarations ---------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_declared_column_exists(kind: str) -> None:
    unknown = [name for name in KIND_SPECS[kind].columns if name not in COLUMNS]
    assert not unknown, f"kind '{kind}' declares unknown columns: {unknown}"
    assert "name" not in KIND_SPECS[kind].columns, "the name comes first by itself"


def test_the_columns_a_reader_asks_for(example: Architecture) -> None:
    def labels(kind: str) -> list[str]:
        return [column.label for _, column in catalogue(example, kind).columns]

    assert labels("team")[:3] == ["Name", "Contact", "Owns"]
    assert "System" not in labels("team") and "Owner" not in labels("team")
    vendor = ["Name", "Provider", "Product", "Mode", "Latency", "Approved data"]
    assert labels("vendor")[:6] == vendor
    assert "System" not in labels("vendor")  # no vendor of the example has one
    for label in ("System", "Owner", "Role", "Workload", "Replicas"):
        assert label in labels("service")
    assert labels("datastore")[:4] == ["Name", "Engine", "System", "Owner"]
    assert labels("ledger-node")[:5] == ["Name", "Ledger", "Organization", "Role", "Channels"]


def test_a_column_empty_for_every_element_is_left_out() -> None:
    arch = architecture(
        "kind: service\nid: a\nrole: api\n---\nkind: service\nid: b\n---\nkind: team\nid: t\n"
    )
    names = [name for name, _ in catalogue(arch, "service").columns]
    assert names == ["name", "role"]
    assert [name for name, _ in catalogue(arch, "team").columns] == ["name", "owns"]


def test_catalogue_rows_sorted_by_the_name_shown() -> None:
    arch = architecture(
        "kind: actor\nid: a-zed\nname: Zed\n---\nkind: actor\nid: z-alpha\nname: alpha\n"
        "---\nkind: actor\nid: m-beta\nname: Beta\n"
    )
    assert [element.title for element, _ in catalogue(arch, "actor").rows] == [
        "alpha",
        "Beta",
        "Zed",
    ]


def test_cells_are_typed(example: Architecture) -> None:
    table = catalogue(example, "vendor")
    names = [name for name, _ in table.columns]
    values = dict(zip(names, table.rows[0][1], strict=True))
    assert isinstance(values["name"], Refs)
    assert isinstance(values["approved-data"], Badges)
    assert isinstance(values["tags"], Code)
    teams = catalogue(example, "team")
    owns = [values[[n for n, _ in teams.columns].index("owns")] for _, values in teams.rows]
    assert all(isinstance(value, Number) and value.value > 0 for value in owns)


def test_filter_columns_are_owner_system_tags_and_classification() -> None:
    offered = {name for name, column in COLUMNS.items() if column.filter}
    assert {"owner", "system", "tags", "approved-data", "classifications"} <= offered


def test_catalogue_header_marks_columns_for_the_script(example: Architecture) -> None:
    pages = generate_pages(example, [], Layout())
    page = pages[Layout().catalogue("service")]
    owner = '<span class="archatlas-column" data-column="owner" data-sort data-filter>Owner</span>'
    assert owner in page
    assert re.search(r"^\|( <span [^|]*\|)+$", page, re.MULTILINE), "one header row"


# --- descriptions cut for a table --------------------------------------------------------


def test_summary_keeps_a_short_paragraph_whole() -> None:
    assert summary("A short one.") == "A short one."


def test_summary_renders_inline_markdown_and_marks_the_rest() -> None:
    shown = summary("Runs the **market lake** and `kafka`.\n\nSecond paragraph.")
    assert shown == f"Runs the <strong>market lake</strong> and <code>kafka</code>. {ELLIPSIS}"


def test_summary_joins_the_lines_of_a_paragraph() -> None:
    assert summary("One line\nand the next.") == "One line and the next."


def test_summary_cuts_a_long_paragraph_after_its_first_sentence() -> None:
    text = "First sentence here. " + "More words follow here. " * 10
    assert summary(text) == f"First sentence here. {ELLIPSIS}"


def test_summary_cuts_a_long_sentence_at_a_word_with_an_ellipsis() -> None:
    shown = summary("word " * 80)
    assert shown.endswith("word" + ELLIPSIS)
    assert len(shown) < 200


def test_summary_does_not_end_a_sentence_inside_code_or_at_an_abbreviation() -> None:
    text = "Reads `a. B` and e.g. more " + "words " * 30 + "end. Next sentence " + "x " * 40
    shown = summary(text)
    assert "<code>a. B</code>" in shown and "e.g. more" in shown


def test_summary_of_a_list_or_heading_is_its_first_item() -> None:
    assert summary("- one\n- two") == f"one {ELLIPSIS}"
    assert summary("# Title\n\nText.") == f"Title {ELLIPSIS}"


def test_summary_closes_an_element_it_cuts() -> None:
    shown = summary("**" + ("bold " * 60).strip() + "**")
    assert shown.startswith("<strong>") and shown.endswith("</strong>" + ELLIPSIS)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>x",
        "[x](javascript:alert(1))",
        "a | b | c",
        "`a|b` and *x*",
        "<img src=x onerror=alert(1)>",
        "\\*not bold\\* [not a link]",
    ],
)
def test_summary_is_safe_in_a_markdown_table(text: str) -> None:
    shown = summary(text)
    assert "|" not in shown
    assert "<script" not in shown and "javascript:" not in shown and "onerror" not in shown
    outside_tags = re.sub(r"<[^>]*>", "", shown)
    assert not re.search(r"[*_`\[\]\\]", outside_tags), shown


def test_summary_of_nothing_is_empty() -> None:
    assert summary("") == ""


# --- facts -------------------------------------------------------------------------------


def test_facts_have_labels_and_no_kind_or_role(example: Architecture) -> None:
    rows = dict(facts(example, example.by_id["settlement-reconciler"]))
    assert "Runtime platform" in rows and "Workload" in rows
    assert "kind" not in rows and "Kind" not in rows and "Role" not in rows
    accepted = rows["Accepted findings"]
    rendered = cells.render(accepted, lambda element_id: element_id)
    assert rendered.startswith("`single-replica`: it holds the reconciliation cursor")
    vendor = dict(facts(example, example.by_id["gcp-speech-to-text"]))
    assert isinstance(vendor["Approved data"], Badges)


def test_facts_put_where_it_belongs_first_and_accepted_last(example: Architecture) -> None:
    labels = [label for label, _ in facts(example, example.by_id["settlement-reconciler"])]
    assert labels[:2] == ["System", "Owner"]
    assert labels[-1] == "Accepted findings"


def test_an_undeclared_field_gets_a_label_in_words() -> None:
    assert cells.label("approved-data") == "Approved data"
    assert cells.label("some_new.field-name") == "Some new field name"


def test_no_python_representation_in_any_value(example: Architecture) -> None:
    for element in example.elements:
        for label, value in facts(example, element):
            shown = cells.render(value, lambda element_id: element_id)
            for bad in ("({'", "{'", "('", "[]"):
                assert bad not in shown, (element.id, label, shown)


def test_contact_becomes_a_link_when_it_is_an_address() -> None:
    mail = cells.render(cells.Contact("team@example.com"), str)
    assert mail == "[team@example\\.com](mailto:team@example.com)"
    assert cells.render(cells.Contact("#chan on Slack"), str) == "\\#chan on Slack"
    assert "](" not in cells.render(cells.Contact("javascript:alert(1)"), str)  # text, no link


def test_badge_class_is_from_the_closed_vocabulary() -> None:
    assert 'class="archatlas-badge archatlas-badge--restricted"' in cells.badge("restricted")
    assert "archatlas-badge--unknown" in cells.badge('x" onclick="y')
    assert "onclick=" not in cells.badge('x" onclick="y').split(">")[0]


def test_text_is_escaped() -> None:
    assert cells.render(Text("a|b *c*"), str) == "a\\|b \\*c\\*"


# --- navigation --------------------------------------------------------------------------


def test_element_pages_sit_under_their_catalogue(example: Architecture) -> None:
    layout = Layout()
    parents = nav_parents(example, layout)
    api = example.by_id["insight-api"]
    assert parents[layout.element(api)] == layout.catalogue("service")
    assert len(parents) == len(example.elements)


def test_breadcrumbs_and_sorted_members(example: Architecture) -> None:
    pages = generate_pages(example, [], Layout())
    page = pages["architecture/service/insight-api.md"]
    path = f" {BREADCRUMB} ".join(
        ["[Architecture](../index.md)", "[Services](index.md)", "[Insight API](insight-api.md)"]
    )
    assert path in page
    system = pages["architecture/system/market-insight.md"]
    section = system[system.index("## Elements") :]
    names = re.findall(r"^\| \[([^\]]+)\]", section, re.MULTILINE)
    assert names and names == sorted(names, key=str.casefold)


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "docs_dir", "expected"),
    [
        ("https://github.com/o/r", "edit/main/docs/", "docs", "https://github.com/o/r/blob/main/"),
        ("https://github.com/o/r/", "blob/main/docs/", "docs", "https://github.com/o/r/blob/main/"),
        (
            "https://gitlab.com/o/r",
            "-/edit/main/docs/",
            "docs",
            "https://gitlab.com/o/r/-/blob/main/",
        ),
        (
            "https://git.example/r",
            "src/main/site/docs/",
            "site/docs",
            "https://git.example/r/src/main/",
        ),
        ("https://github.com/o/r", "", "docs", None),
        (None, "edit/main/docs/", "docs", None),
        ("javascript:alert(1)", "edit/main/docs/", "docs", None),
    ],
)
def test_source_url_from_repo_url_and_edit_uri(
    repo_url: str | None, edit_uri: str, docs_dir: str, expected: str | None
) -> None:
    assert source_url(repo_url, edit_uri, docs_dir) == expected


def test_defined_in_links_to_the_repository_when_known(example: Architecture) -> None:
    plain = generate_pages(example, [], Layout())["architecture/service/insight-api.md"]
    assert "*Defined in `architecture/market-insight/insight-api.yaml`.*" in plain
    linked = generate_pages(example, [], Layout(), source_url="https://github.com/o/r/blob/main/")
    assert (
        "[`architecture/market-insight/insight-api.yaml`]"
        "(https://github.com/o/r/blob/main/architecture/market-insight/insight-api.yaml)"
    ) in linked["architecture/service/insight-api.md"]


def test_a_node_links_to_its_organization_on_the_ledger_page(example: Architecture) -> None:
    pages = generate_pages(example, [], Layout())
    page = pages["architecture/ledger-node/peer0-bank.md"]
    assert "| Organization | [Example Bank plc](../ledger/trade-fabric.md#organization-bank) |" in (
        page
    )
    ledger = pages["architecture/ledger/trade-fabric.md"]
    assert 'id="organization-bank"' in ledger
