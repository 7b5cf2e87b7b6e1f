"""`mkdocs serve` rebuilds when an architecture file changes."""

from __future__ import annotations

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
