"""Diagrams drawn in the background while MkDocs builds the pages: in worker
processes for many diagrams, in threads for a few; the site is the same."""

from __future__ import annotations

import os
import re
import shutil
import sys
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import cast

from archatlas.check import check_directory
from archatlas.render import PROCESSES_FROM, Drawings, Rendered, RenderOptions
from archatlas.site import SiteOptions, build_site, page_digest
from archatlas.views import View, build_view
from conftest import EXAMPLE, load_bench, mkdocs_build

synthetic = load_bench("synthetic")

DOT = shutil.which("dot")
DRAWN = re.compile(r"archatlas: [\d,]+ pages, ([\d,]+) diagrams rendered, ([\d,]+) from cache")


def project(root: Path, cache: bool) -> Path:
    synthetic.write_architecture(root / "architecture", 70, 3)
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    plugin = "  - archatlas:\n      architecture_dir: architecture\n"
    plugin += "" if cache else "      cache: false\n"
    config = f"site_name: Drawn\ntheme:\n  name: material\nplugins:\n  - search\n{plugin}"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


def pages(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(site.rglob("*.html"))
    }


def test_many_diagrams_drawn_in_worker_processes_make_the_same_site_as_threads(
    tmp_path: Path,
) -> None:
    forked = project(tmp_path / "forked", cache=True)
    threaded = project(tmp_path / "threaded", cache=False)
    # Graphviz, saying which process ran it: first the build's own (`dot -V`).
    runs, bin = tmp_path / "dot-parents", tmp_path / "bin"
    bin.mkdir()
    (bin / "dot").write_text(f'#!/bin/sh\necho $PPID >> "{runs}"\nexec {DOT} "$@"\n', "utf-8")
    (bin / "dot").chmod(0o755)
    path = f"{bin}{os.pathsep}{os.environ['PATH']}"

    # Its own process runs one thread: the diagrams are drawn by worker processes.
    done = mkdocs_build(forked, command=[sys.executable, "-m", "mkdocs"], path=path)
    assert done.returncode == 0, done.stderr
    drawn = DRAWN.search(done.stderr)
    assert drawn is not None, done.stderr
    assert int(drawn[1].replace(",", "")) >= PROCESSES_FROM
    build, *drawing = runs.read_text(encoding="utf-8").split()
    assert build not in drawing and len(set(drawing)) == min(os.cpu_count() or 1, len(drawing))
    cold = pages(forked / "site")

    # A forked test runner's child may not have children: threads draw.
    runs.unlink()
    done = mkdocs_build(threaded, path=path)
    assert done.returncode == 0, done.stderr
    assert len(set(runs.read_text(encoding="utf-8").split())) == 1  # the build's own
    assert pages(threaded / "site") == cold

    page = cold["architecture/service/" + _services(forked)[0] + "/index.html"]
    assert '<svg role="list"' in page
    assert not any("archatlas-deferred" in html for html in cold.values())

    # Nothing changed: the memo the first build kept gives the same pages.
    shutil.rmtree(forked / "site")
    done = mkdocs_build(forked, command=[sys.executable, "-m", "mkdocs"], path=path)
    assert done.returncode == 0, done.stderr
    assert "0 diagrams rendered" in done.stderr
    assert pages(forked / "site") == cold


def _services(root: Path) -> list[str]:
    result = check_directory(root / "architecture")
    return [element.id for element in result.architecture.elements if element.kind == "service"]


def test_only_a_drawing_looked_up_is_waited_for_and_a_broken_worker_costs_nothing() -> None:
    arch = check_directory(EXAMPLE).architecture
    views = [build_view(arch, key) for key in ("landscape", "system/market-insight")]
    first, second = (view for view in views if isinstance(view, View))
    under_way: Future[Rendered] = Future()
    broken: Future[Rendered] = Future()
    options = RenderOptions()
    drawings = Drawings(
        [first.key, second.key],
        {},
        {first.key: (under_way, first, options), second.key: (broken, second, options)},
    )

    # Which views there are is known while both are drawn.
    assert list(drawings) == [first.key, second.key] and first.key in drawings
    assert len(drawings) == 2 and "no/such-view" not in drawings

    # A worker process that died: its diagram is drawn by the one who asks.
    broken.set_exception(BrokenProcessPool("a worker was killed"))
    redrawn = drawings[second.key]
    assert redrawn.key == second.key and redrawn.markup.startswith("<svg") and not redrawn.error
    assert not under_way.done()

    under_way.set_result(Rendered(first.key, "svg", "<svg/>"))
    assert drawings[first.key].markup == "<svg/>"


def test_the_pages_a_dirty_build_rebuilds_are_chosen_before_their_diagrams_are_drawn(
    tmp_path: Path,
) -> None:
    site = build_site(check_directory(EXAMPLE), SiteOptions())
    never: dict[str, tuple[Future[Rendered], View, RenderOptions]] = {
        key: (Future(), cast(View, None), RenderOptions()) for key in site.diagrams
    }
    drawing = replace(site, diagrams=Drawings(list(site.diagrams), {}, never))
    overview = "# Overview\n\n![Insight](arch:view/system/market-insight)\n"

    # No drawing is done, and none is waited for: each page digests the same.
    for path, markdown in [*site.pages.items(), ("overview.md", overview)]:
        assert page_digest(drawing, path, markdown) == page_digest(site, path, markdown)
    assert not any(future.done() for future, _, _ in never.values())

    # A renamed service: the pages that draw it digest differently, others not.
    shutil.copytree(EXAMPLE, tmp_path / "architecture")
    source = tmp_path / "architecture" / "market-insight" / "insight-api.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("name: Signal Loader", "name: Signal Joiner"), "utf-8")
    renamed = build_site(check_directory(tmp_path / "architecture"), SiteOptions())

    def changed(path: str, markdown: str) -> bool:
        return page_digest(renamed, path, markdown) != page_digest(site, path, markdown)

    assert changed("overview.md", overview)
    assert not changed("overview.md", "# Overview\n\n![Trades](arch:view/system/trade-ledger)\n")
    assert changed(
        "architecture/service/signal-loader.md", site.pages["architecture/service/signal-loader.md"]
    )
