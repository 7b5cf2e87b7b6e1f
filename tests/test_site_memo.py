"""The site memo: a build with nothing changed reuses the last site built,
and only a memo signed with this user's key is reused."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from archatlas.cache import DiagramCache
from archatlas.check import check_directory
from archatlas.pages import generate_pages
from archatlas.render import RenderOptions
from archatlas.render.run import trusted
from archatlas.site import Site, SiteOptions, build_site
from conftest import EXAMPLE


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    shutil.copytree(EXAMPLE, tmp_path / "architecture")
    return tmp_path


def _build(project: Path) -> Site:
    result = check_directory(project / "architecture", base=project)
    cache = DiagramCache(project / ".cache", "v")
    return build_site(
        result, SiteOptions(render=RenderOptions(cache=cache)), ["![x](arch:view/landscape)"]
    )


def _shown(site: Site) -> tuple[object, ...]:
    drawings = {key: (d.markup, d.error) for key, d in site.diagrams.items()}
    return site.pages, drawings, site.legends, site.custom_icons


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""


def _no_pages(*_: object) -> dict[str, str]:
    raise AssertionError("pages were generated again")


def test_a_build_with_nothing_changed_reuses_the_last_site(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _build(project)
    monkeypatch.setattr("archatlas.site.generate_pages", _no_pages)
    again = _build(project)
    assert _shown(again) == _shown(first)
    assert all(d.cached for d in again.diagrams.values())


def test_an_edit_builds_the_site_again(project: Path) -> None:
    first = _build(project)
    scrapers = project / "architecture" / "market-insight" / "scrapers.yaml"
    text = scrapers.read_text(encoding="utf-8")
    scrapers.write_text(text.replace("name: News Scraper", "name: Headline Scraper"), "utf-8")
    edited = _build(project)
    page = "architecture/service/news-scraper.md"
    assert "Headline Scraper" in edited.pages[page]
    assert "Headline Scraper" not in first.pages[page]
    assert "Headline Scraper" in edited.diagrams["element/news-scraper"].markup


@pytest.mark.parametrize("forgery", ["payload", "key"])
def test_a_memo_not_signed_with_this_users_key_is_not_used(
    project: Path, monkeypatch: pytest.MonkeyPatch, forgery: str
) -> None:
    first = _build(project)
    (entry,) = [path for path in (project / ".cache").rglob("*") if b'"legends"' in _read(path)]
    if forgery == "payload":
        # A page rewritten by whoever could write the cache folder.
        data = entry.read_bytes()
        forged = data.replace(b"News Scraper", b"<script>alert(1)</script>")
        entry.write_bytes(hashlib.sha256(forged[65:]).hexdigest().encode() + forged[64:])
    else:
        # A cache folder restored on another machine: another user's key.
        key = project / "user-cache" / "archatlas" / "memo-key"
        key.write_bytes(b"k" * 32)
    again = _build(project)
    assert _shown(again) == _shown(first)
    assert not any("<script>" in page for page in again.pages.values())


def test_a_drawing_changed_in_the_cache_since_the_memo_is_drawn_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _build(project)
    memo = next(path for path in (project / ".cache").rglob("*") if b'"legends"' in _read(path))
    landscape = first.diagrams["landscape"]
    # The memo names the drawings, and does not hold them.
    assert landscape.entry.encode() in memo.read_bytes()
    assert json.dumps(landscape.markup[-300:])[1:-1].encode() not in memo.read_bytes()
    (drawing,) = (project / ".cache").rglob(landscape.entry)
    # Its entry rewritten whole, checksum included, by whoever could write the cache.
    forged = landscape.markup.replace("</svg>", "<script>alert(1)</script></svg>").encode()
    drawing.write_bytes(hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)

    generated = []
    monkeypatch.setattr(
        "archatlas.site.generate_pages",
        lambda *args: generated.append(args) or generate_pages(*args),
    )
    again = _build(project)
    assert generated  # the memo was not used
    assert "<script>" not in again.diagrams["landscape"].markup
    assert _shown(again) == _shown(first)


def test_a_rebuild_checks_again_only_the_drawings_the_last_memo_does_not_vouch_for(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _build(project)
    landscape = first.diagrams["landscape"]
    (drawing,) = (project / ".cache").rglob(landscape.entry)
    forged = landscape.markup.replace("</svg>", "<script>alert(1)</script></svg>").encode()
    drawing.write_bytes(hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)
    scrapers = project / "architecture" / "market-insight" / "scrapers.yaml"
    text = scrapers.read_text(encoding="utf-8")
    scrapers.write_text(text.replace("name: News Scraper", "name: Headline Scraper"), "utf-8")

    checked: list[bytes] = []

    def checking(payload: bytes, output: str) -> bool:
        checked.append(payload)
        return trusted(payload, output)

    monkeypatch.setattr("archatlas.render.trusted", checking)
    edited = _build(project)
    # The forged drawing is checked, and drawn again; the others are vouched for.
    assert forged in checked
    assert "<script>" not in edited.diagrams["landscape"].markup
    assert edited.diagrams["landscape"].markup == landscape.markup
    assert len(checked) < len(first.diagrams) / 2
