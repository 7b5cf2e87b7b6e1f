"""SVG from Graphviz, made fit for pages: cleaned once, placed per page.

Cleaning drops what varies by machine (comments, icon paths), makes ids
unique per diagram and sizes the drawing; placing resolves the link and icon
placeholders relative to the page (or embeds icons, for a file on its own).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from .icons import MEDIA_TYPES, resource_root

LINK_PREFIX = "archatlas-link:"
ICON_PREFIX = "archatlas-icon:"
SCALE = 0.75

_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.DOTALL)
_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')
_ID = re.compile(r'\bid="([^"]+)"')
_NAME = re.compile(r'\bname="[^"]*"')
_PLACEHOLDER = re.compile(rf'"({LINK_PREFIX}|{ICON_PREFIX})([^"]*)"')


def id_prefix(key: str) -> str:
    """A prefix that keeps ids unique when several diagrams share a page."""
    return "a-" + hashlib.sha1(key.encode()).hexdigest()[:8] + "-"


def clean_markup(markup: str, key: str, custom_icons: dict[str, str] | None = None) -> str:
    """Drop comments, prolog and machine paths; make ids unique."""
    markup = _PROLOG.sub("", markup).strip()
    markup = markup.replace(f'"{resource_root()}/', f'"{ICON_PREFIX}')
    for path, icon in (custom_icons or {}).items():
        markup = markup.replace(f'"{path}"', f'"{ICON_PREFIX}{icon}"')
    prefix = id_prefix(key)
    markup = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', markup)
    markup = _NAME.sub(f'name="{prefix}map"', markup)
    return "\n".join(line for line in markup.splitlines() if line.strip())


def clean_svg(svg: str, key: str, custom_icons: dict[str, str] | None = None) -> str:
    """Clean markup, drawn at a fixed scale of its natural size."""
    svg = clean_markup(svg, key, custom_icons)
    # Three quarters of Graphviz' size keeps 12 pt labels readable; a wider
    # diagram scrolls sideways instead of shrinking to the column.
    return _SIZE.sub(
        lambda m: (
            f'<svg class="archatlas-svg" width="{float(m.group(1)) * SCALE:.0f}pt" '
            f'height="{float(m.group(2)) * SCALE:.0f}pt"'
        ),
        svg,
        count=1,
    )


def place_svg(svg: str, link: Callable[[str], str], icon: Callable[[str], str]) -> str:
    """Resolve link and icon placeholders for the page the SVG is placed in."""

    def replace(match: re.Match[str]) -> str:
        prefix, value = match.groups()
        return '"' + (link(value) if prefix == LINK_PREFIX else icon(value)) + '"'

    return _PLACEHOLDER.sub(replace, svg)


def standalone_svg(markup: str, link: Callable[[str], str], icon: Callable[[str], str]) -> str:
    """A cleaned SVG as a file of its own: placeholders resolved, namespace declared."""
    return place_svg(markup, link, icon) + "\n"  # Graphviz declares the namespaces


def data_uri(path: Path) -> str:
    """A file as a data: URI, for a diagram that stands alone."""
    media_type = MEDIA_TYPES.get(path.suffix.lower(), "image/png")
    return f"data:{media_type};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def icon_paths(svgs: Iterable[str]) -> set[str]:
    """The icons (resource paths) that the SVGs use."""
    found: set[str] = set()
    for svg in svgs:
        found.update(m.group(2) for m in _PLACEHOLDER.finditer(svg) if m.group(1) == ICON_PREFIX)
    return found


# --- what a drawing may hold ------------------------------------------------------------------

DRAWING_ELEMENTS = frozenset(
    {"svg", "g", "title", "a", "image", "path", "polygon", "polyline", "ellipse", "circle"}
    | {"rect", "text", "tspan", "defs", "linearGradient", "radialGradient", "stop", "clipPath"}
    | {"map", "area"}
)
_TAG = re.compile(r"<\s*/?\s*([A-Za-z][\w:.-]*)")
_ATTRIBUTE = re.compile(r'\s([A-Za-z_:][\w:.-]*)\s*=\s*"([^"]*)"')
_LINK_ATTRIBUTES = frozenset({"href", "xlink:href"})


def is_plain_drawing(markup: str) -> bool:
    """Whether Graphviz output holds only drawing: no script, no event handler,
    no link other than ours, no entity declaration. Used on cache entries, which
    anyone able to write the cache folder could have forged."""
    if "<!ENTITY" in markup or "<![CDATA[" in markup:
        return False
    body = _PROLOG.sub("", markup)
    for tag in _TAG.findall(body):
        if tag.split(":")[-1] not in DRAWING_ELEMENTS:
            return False
    for name, value in _ATTRIBUTE.findall(body):
        if name.lower().startswith("on") or (name.lower() == "style" and "url(" in value):
            return False
        if name in _LINK_ATTRIBUTES and not value.startswith((LINK_PREFIX, "/")):
            return False
    return True
