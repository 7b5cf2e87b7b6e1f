"""The diagram cache: hits, corruption, pruning, sharing, and parallel rendering."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from archatlas.cache import DiagramCache
from archatlas.check import check_directory
from archatlas.render import RenderOptions, dot_source, render_all
from archatlas.views import View, build_view, view_keys
from conftest import EXAMPLE, TESTS, fake_dot, run_forked


def test_entry_round_trip_and_key(tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path, "dot 2.43")
    key = cache.key("digraph { a -> b }", "svg")
    assert cache.get(key) is None
    cache.put(key, b"<svg/>")
    assert cache.get(key) == b"<svg/>"
    # What is drawn, how, and by which versions all make the key.
    assert cache.key("digraph { a -> c }", "svg") != key
    assert cache.key("digraph { a -> b }", "png") != key
    assert DiagramCache(tmp_path, "dot 9.0").key("digraph { a -> b }", "svg") != key
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [key]  # no temp file left


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty"])
def test_corrupt_entry_is_a_miss_and_is_removed(tmp_path: Path, damage: str) -> None:
    cache = DiagramCache(tmp_path, "v")
    key = cache.key("source", "svg")
    cache.put(key, b"<svg>" + b"x" * 1000 + b"</svg>")
    entry = next(path for path in tmp_path.rglob("*") if path.is_file())
    data = entry.read_bytes()
    damaged = {"truncate": data[:-10], "flip": data[:-1] + b"?", "empty": b""}[damage]
    entry.write_bytes(damaged)
    assert cache.get(key) is None
    assert not entry.exists()


def test_prune_removes_the_least_recently_used(tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path, "v", max_bytes=3 * 1100)
    keys = [cache.key(f"source {n}", "svg") for n in range(5)]
    for age, key in enumerate(keys):
        cache.put(key, b"x" * 1000)
        entry = tmp_path / key[:2] / key
        os.utime(entry, (1_000_000 + age, 1_000_000 + age))
    assert cache.get(keys[0]) is not None  # used now: the newest
    assert cache.prune() == 2
    kept = [key for key in keys if (tmp_path / key[:2] / key).exists()]
    assert kept == [keys[0], keys[3], keys[4]]


def test_parallel_rendering_equals_serial(tmp_path: Path) -> None:
    arch = check_directory(EXAMPLE).architecture
    # Graphviz' views: sequence diagrams are drawn in Python, not in parallel.
    views = [view for key in view_keys(arch) if isinstance(view := build_view(arch, key), View)]
    serial = render_all(views, RenderOptions(jobs=1))
    cached = DiagramCache(tmp_path, "v")
    first = render_all(views, RenderOptions(jobs=4, cache=cached))
    assert list(serial) == list(first)
    assert {k: d.markup for k, d in first.items()} == {k: d.markup for k, d in serial.items()}
    again = render_all(views, RenderOptions(jobs=4, cache=cached))
    # Graphviz runs are cached by DOT source: of two views drawn alike, the one
    # that finishes second may take the other's entry. No other is a hit.
    sources = Counter(dot_source(view) for view in views)
    shared = {view.key for view in views if sources[dot_source(view)] > 1}
    assert {key for key, d in first.items() if d.cached} <= shared
    assert all(d.cached for d in again.values())
    assert {k: d.markup for k, d in again.items()} == {k: d.markup for k, d in serial.items()}


def test_a_warm_render_builds_no_dot_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arch = check_directory(EXAMPLE).architecture
    views = [view for key in view_keys(arch) if isinstance(view := build_view(arch, key), View)]
    options = RenderOptions(cache=DiagramCache(tmp_path, "v"))
    first = render_all(views, options)

    def no_source(*_: object) -> str:
        raise AssertionError("a cached view had its DOT source built")

    monkeypatch.setattr("archatlas.render.layout.dot_source", no_source)
    again = render_all(views, options)
    assert all(d.cached for d in again.values())
    assert {k: d.markup for k, d in again.items()} == {k: d.markup for k, d in first.items()}
    # A view that changes is drawn again: here its DOT source is asked for.
    changed = replace(views[0], title=views[0].title + " (renamed)")
    with pytest.raises(AssertionError, match="DOT source built"):
        render_all([changed], options)


# --- builds ---------------------------------------------------------------------------


def project(folder: Path, cache_dir: Path, architecture: Path = EXAMPLE) -> Path:
    shutil.copytree(architecture, folder / "architecture")
    (folder / "docs").mkdir()
    (folder / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    config = {
        "site_name": "Cache test",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"archatlas": {"cache_dir": str(cache_dir)}}],
    }
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return folder


BUILD = ["build", "--strict", "-d", "site"]


def build_logs(*folders: Path) -> list[str]:
    """The logs of `mkdocs build --strict` of the projects in `folders`, which all pass.

    Each build runs in a process of its own (conftest.run_forked), two at a time.
    """
    runs = run_forked("mkdocs", [(BUILD, folder) for folder in folders], timeout=300)
    for ran in runs:
        assert ran.returncode == 0, ran.stdout + ran.stderr
    return [ran.stdout + ran.stderr for ran in runs]


def build_log(folder: Path) -> str:
    (log,) = build_logs(folder)
    return log


def pages(folder: Path) -> dict[str, bytes]:
    site = folder / "site" / "architecture"
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*.html")}


def test_warm_build_draws_nothing_and_a_corrupt_entry_is_drawn_again(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    # A small architecture: three builds of the example would test nothing more.
    folder = project(
        tmp_path / "project", cache_dir, TESTS / "site_cases" / "small" / "architecture"
    )
    cold = build_log(folder)
    # Every diagram its pages show: one per element page, the landscape, the
    # data-classification page... Two views drawn alike share one entry.
    found = re.search(r"(\d+) diagrams rendered, (\d+) from cache", cold)
    assert found, cold
    counts = found.group(0)
    rendered, shared = int(found.group(1)), int(found.group(2))
    assert rendered >= 5
    first = pages(folder)
    assert f"0 diagrams rendered, {rendered + shared} from cache" in build_log(folder)
    entries = sorted(p for p in cache_dir.rglob("*") if p.is_file())
    # One entry per layout tried (small views are tried both ways), and the
    # cleaned drawing chosen for each diagram.
    assert len(entries) >= 2 * rendered
    for entry in entries:  # builds killed mid-write
        entry.write_bytes(entry.read_bytes()[:100])
    assert counts in build_log(folder)
    assert pages(folder) == first


def test_two_builds_sharing_a_cache_both_finish_correct(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    folders = [project(tmp_path / name, cache_dir) for name in ("one", "two")]
    one, two = run_forked("mkdocs", [(BUILD, folder) for folder in folders], timeout=300)
    for ran in (one, two):
        assert ran.returncode == 0, ran.stdout + ran.stderr
    # The two ran at the same time.
    assert one.started < two.started + two.seconds and two.started < one.started + one.seconds
    assert pages(folders[0]) == pages(folders[1])
    assert not [p for p in cache_dir.rglob(".tmp-*")], "no temporary file is left behind"


@pytest.mark.parametrize(
    ("script", "error"),
    [
        ('echo "Error: syntax error in line 1" >&2; exit 1', "Graphviz failed"),
        ("exec sleep 5", "longer than 0.5 s"),
    ],
)
def test_a_diagram_that_fails_is_remembered_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, error: str
) -> None:
    calls = tmp_path / "calls"
    path = fake_dot(tmp_path / "bin", f'echo run >> "{calls}"\n{script}')
    monkeypatch.setenv("PATH", path)
    view = build_view(check_directory(EXAMPLE).architecture, "element/news-scraper")
    assert view is not None
    cache = DiagramCache(tmp_path / "cache", "fake dot")
    options = RenderOptions(timeout=0.5, cache=cache)
    first = render_all([view], options)["element/news-scraper"]
    tried = calls.read_text().count("run")
    assert error in first.error and tried >= 1
    again = render_all([view], options)["element/news-scraper"]
    assert calls.read_text().count("run") == tried, "not run again for the same drawing"
    assert error in again.error and "remembered from an earlier build" in again.error
    # A longer time limit is another question: it is tried again.
    render_all([view], RenderOptions(timeout=0.6, cache=cache))
    assert calls.read_text().count("run") > tried
