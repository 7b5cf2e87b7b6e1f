"""Build settings: one set of names and defaults, one place that assembles a build."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from archatlas.cache import DiagramCache
from archatlas.check import check_directory
from archatlas.cli import parser
from archatlas.render import RenderOptions
from archatlas.settings import DEFAULTS, BuildSettings
from archatlas.site import SiteOptions, build_site, site_options


def test_defaults_give_the_documented_build(tmp_path: Path) -> None:
    options = site_options(DEFAULTS, tmp_path)
    assert options.layout.prefix == "architecture"
    assert options.render.output == "svg"
    assert options.render.timeout == 30
    assert options.render.cache is not None
    assert options.render.cache.folder == tmp_path / ".cache" / "archatlas"
    assert options.use_directory_urls


def test_settings_are_read_by_name_and_shape_the_build(tmp_path: Path) -> None:
    given = {
        **{name: getattr(DEFAULTS, name) for name in BuildSettings.__slots__},
        "url_prefix": "/platform/",
        "diagram_format": "png",
        "dot_timeout": 5,
        "cache": False,
        "allow_html": True,
        "unrelated": "ignored",
    }
    options = site_options(BuildSettings.from_mapping(given), tmp_path, use_directory_urls=False)
    assert options.layout.prefix == "platform"
    assert options.render.output == "png"
    assert options.render.timeout == 5.0
    assert options.render.cache is None
    assert options.allow_html
    assert not options.use_directory_urls


def test_an_absolute_cache_dir_is_kept(tmp_path: Path) -> None:
    settings = BuildSettings(cache_dir=str(tmp_path / "elsewhere"))
    options = site_options(settings, tmp_path / "project")
    assert options.render.cache is not None
    assert options.render.cache.folder == tmp_path / "elsewhere"


def test_every_build_prunes_the_diagram_cache(tmp_path: Path) -> None:
    """The plugin and `archatlas render` both build through build_site."""
    architecture = tmp_path / "architecture"
    architecture.mkdir()
    (architecture / "actor.yaml").write_text("kind: actor\nid: someone\n", encoding="utf-8")
    result = check_directory(architecture, base=tmp_path)
    cache = DiagramCache(tmp_path / "cache", "v", max_bytes=0)
    stale = tmp_path / "cache" / "ab" / ("ab" + "0" * 62)
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an entry of an older build")
    site = build_site(result, SiteOptions(render=RenderOptions(cache=cache)))
    assert site.diagrams, "the pages embed diagrams"
    assert not [path for path in (tmp_path / "cache").rglob("*") if path.is_file()]


def test_the_plugin_configuration_is_the_build_settings() -> None:
    from archatlas.plugin import ArchatlasConfig

    configured = {name: option.default for name, option in ArchatlasConfig._schema}
    assert configured == {field.name: getattr(DEFAULTS, field.name) for field in fields(DEFAULTS)}


def test_render_flags_are_named_and_defaulted_after_build_settings() -> None:
    given = vars(parser().parse_args(["render", "--out", "site"]))
    flags = {
        name: value for name, value in given.items() if name not in ("command", "directory", "out")
    }
    assert flags == {name: getattr(DEFAULTS, name) for name in flags}
