"""bench/build_bench.py: the plain-MkDocs baseline builds the same pages, and
the results page says, target by target, whether it is met."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import load_config
from mkdocs.structure.files import get_files

from archatlas.check import check_directory
from archatlas.pages import Layout, generate_pages, nav_section
from conftest import load_bench

synthetic = load_bench("synthetic")  # first: build_bench imports it
bench = load_bench("build_bench")
X = "\N{MULTIPLICATION SIGN}"


def test_the_plain_baseline_has_the_same_pages_and_nav_without_diagrams(tmp_path: Path) -> None:
    synthetic.write_architecture(tmp_path / "architecture", 120, 0)
    result = check_directory(tmp_path / "architecture")
    arch, layout = result.architecture, Layout()
    pages = generate_pages(arch, result.findings, layout)
    elements = {layout.element(element) for element in arch.elements}
    bench.write_plain(tmp_path / "plain", pages, nav_section(arch, layout), elements)

    config = load_config(str(tmp_path / "plain" / "mkdocs.yml"))
    files = {file.src_uri: file for file in get_files(config).documentation_pages()}
    assert set(files) == {"index.md", *pages}
    out_of_nav = {path for path, file in files.items() if file.inclusion.is_not_in_nav()}
    assert out_of_nav == elements  # as the plugin marks them
    nav = yaml.safe_load((tmp_path / "plain" / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert nav == [{"Home": "index.md"}, {"Architecture": nav_section(arch, layout)}]
    assert not any("arch:view/" in file.content_string for file in files.values())
    assert any("arch:view/" in markdown for markdown in pages.values())


def build(wall: float, rss: float = 200.0, failed: tuple[str, ...] = ()) -> Any:
    return bench.Build(
        wall=wall, cpu=wall, rss_mib=rss, rendered=2, cached=8, pages=12, failed=failed
    )


def figures(elements: int, warm: float, failed: tuple[str, ...] = ()) -> Any:
    found = bench.Figures(bench.Variant(f"default-{elements}", elements), 1, elements, 10, 12, 10)
    found.check = [0.8]
    found.cold, found.warm = [build(22.0)], [build(warm, failed=failed)]
    found.replicas, found.rename, found.plain = [build(warm)], [build(warm)], [build(10.0)]
    found.serial = found.parallel = [bench.DotRun(20.0, "landscape", 1.0, 0)]
    return found


def test_the_results_page_states_each_target_met_or_missed(tmp_path: Path) -> None:
    small, large = figures(1000, 11.0), figures(5000, 14.0, failed=("landscape",))
    small.serve_dirty, small.serve = [2.5, 2.0, 3.5], [None]
    results = bench.Results(
        [small, large],
        3,
        {"CPU": "test"},
        "2026-01-02",
        2,
    )
    page = bench.results_page(results)
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ")[1:] for line in page.splitlines()}
    assert rows[f"warm build ≤ 1.2{X} plain MkDocs"] == [
        f"met: 1.10{X} (11.0 s / 10.0 s)",
        f"**MISSED**: 1.40{X} (14.0 s / 10.0 s) |",
    ]
    assert rows["edit to refreshed page under serve --dirty ≤ 3 s"] == ["met: 2.00 s", "- |"]
    assert rows["serve: edit to refreshed page"] == ["timed out (> 120 s)", "- |"]
    assert rows["archatlas check ≤ 1 s at 5,000 elements"] == ["-", "met: 0.80 s |"]
    assert rows["diagrams that fail: none"][1] == "**MISSED**: 1 of 10: landscape |"
    assert "Missed at 5,000 elements: warm build, failed diagrams." in page
    assert "Measured on 2026-01-02" in page

    results.save(tmp_path / "results.json")
    again = bench.Results.load(tmp_path / "results.json")
    assert bench.results_page(again) == page  # the same figures, the same bytes
    assert bench.results_page(replace(results, date="2026-01-03")) != page
