"""`mkdocs serve` rebuilds when an architecture file changes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from conftest import TESTS, environment, free_port

SMALL = TESTS / "site_cases" / "small" / "architecture"
DEADLINE = 60.0


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def wait_for(url: str, text: str) -> str:
    """The page once it holds `text`; fails after DEADLINE seconds."""
    deadline = time.monotonic() + DEADLINE
    page = None
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{url} did not show {text!r} within {DEADLINE:g} s")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SMALL, tmp_path / "architecture")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    config = {
        "site_name": "Serve test",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", "archatlas"],
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp_path


def test_serve_rebuilds_when_an_architecture_file_changes(project: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        source = project / "architecture" / "shop.yaml"
        text = source.read_text(encoding="utf-8")
        url = f"http://127.0.0.1:{port}/architecture/service/shop-api/"
        assert "Shop API" in wait_for(url, "</html>")
        source.write_text(text.replace("name: Shop API", "name: Renamed Live"), encoding="utf-8")
        page = wait_for(url, "Renamed Live")
        assert "<h1" in page
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _built_pages(site: Path) -> dict[str, int]:
    # 404.html is the theme's own page, written on every build.
    pages = (path for path in site.rglob("*.html") if path.name != "404.html")
    return {path.relative_to(site).as_posix(): path.stat().st_mtime_ns for path in pages}


def test_a_dirty_rebuild_builds_only_the_pages_an_edit_changed(project: Path) -> None:
    """`serve --dirty` in one process: MkDocs keeps the plugin between builds."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = project / "docs"
    (docs / "overview.md").write_text("# Overview\n\n![The shop](arch:view/system/shop)\n", "utf-8")
    (docs / "plain.md").write_text("# Plain\n\nNo architecture here.\n", "utf-8")
    site = project / "site"

    def rebuilt() -> set[str]:
        before = _built_pages(site)
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
        build(config, dirty=True)
        return {path for path, time in _built_pages(site).items() if time != before.get(path)}

    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    source = project / "architecture" / "shop.yaml"
    text = source.read_text(encoding="utf-8")

    # Replicas are on the service's page and in the catalogue of services only.
    source.write_text(text.replace("replicas: 2", "replicas: 3"), encoding="utf-8")
    changed = rebuilt()
    assert "architecture/service/shop-api/index.html" in changed
    assert not changed & {"index.html", "overview/index.html", "plain/index.html"}
    assert len(changed) < len(_built_pages(site)) / 2

    # A new name is in the system view too: the page that embeds it is built again.
    source.write_text(text.replace("name: Shop API", "name: Storefront API"), encoding="utf-8")
    changed = rebuilt()
    assert {"architecture/service/shop-api/index.html", "overview/index.html"} <= changed
    assert "plain/index.html" not in changed
    assert "Storefront API" in (site / "overview/index.html").read_text("utf-8")


def test_a_server_draws_again_only_the_views_an_edit_changed(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The server keeps the last site it built: an edit redraws what it
    changed, even with the diagram cache gone."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    def built() -> tuple[int, int]:
        caplog.clear()
        with caplog.at_level("INFO", logger="mkdocs.plugins.archatlas"):
            config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
            build(config)
        found = re.search(r"(\d+) diagrams? rendered, (\d+) from cache", caplog.text)
        assert found is not None, caplog.text
        return int(found[1]), int(found[2])

    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    config.plugins.on_startup(command="serve", dirty=False)
    drawn, cached = built()
    assert drawn > 2
    source = project / "architecture" / "shop.yaml"
    text = source.read_text(encoding="utf-8")

    shutil.rmtree(project / ".cache")
    source.write_text(text.replace("name: Shop API", "name: Storefront API"), encoding="utf-8")
    redrawn, kept = built()
    assert 0 < redrawn < drawn and redrawn + kept == drawn + cached
    assert "Storefront API" in (
        project / "site/architecture/service/shop-api/index.html"
    ).read_text("utf-8")
