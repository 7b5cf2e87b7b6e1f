"""The options of a site build, named once for mkdocs.yml and the command line.

The plugin's configuration and `archatlas render`'s flags take their names
and defaults from `BuildSettings`; `site.site_options` turns the settings
into what the build needs. This module imports nothing heavy, so that the
command line can describe its options without loading the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

DiagramFormat = Literal["svg", "png"]
FailOn = Literal["error", "warning"]
DIAGRAM_FORMATS: tuple[DiagramFormat, ...] = get_args(DiagramFormat)
FAIL_ON: tuple[FailOn, ...] = get_args(FailOn)


@dataclass(frozen=True, slots=True)
class BuildSettings:
    architecture_dir: str = "architecture"
    url_prefix: str = "architecture"  # the folder of the generated pages
    diagram_format: DiagramFormat = "svg"
    fail_on: FailOn = "error"  # with "warning", warnings stop the build too
    allow_html: bool = False  # keep raw HTML in descriptions
    dot_timeout: float = 30.0  # seconds for one Graphviz run
    cache: bool = True
    cache_dir: str = ".cache/archatlas"  # relative to the project folder

    @classmethod
    def from_mapping(cls, values: Any) -> BuildSettings:
        """The settings named in `values` (a plugin config, parsed arguments);
        a setting `values` does not name keeps its default."""
        return cls(
            **{field.name: values[field.name] for field in fields(cls) if field.name in values}
        )

    @property
    def layout_prefix(self) -> str:
        """The folder of the generated pages, as a relative path."""
        return self.url_prefix.strip("/")


DEFAULTS = BuildSettings()
