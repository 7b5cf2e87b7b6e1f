"""The options of a site build, named once for mkdocs.yml and the command line.

The plugin's configuration and `archatlas render`'s flags take their names
and defaults from `BuildSettings`; `site.site_options` turns the settings
into what the build needs. This module imports nothing heavy, so that the
command line can describe its options without loading the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

DiagramFormat = Literal["svg", "png"]
FailOn = Literal["error", "warning"]


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
        """The settings named in `values` (a plugin config, parsed arguments)."""
        return cls(**{field.name: values[field.name] for field in fields(cls)})


DEFAULTS = BuildSettings()
