"""Which URLs written in the YAML may reach the published site."""

from __future__ import annotations

import html
import re

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# Browsers drop control characters and spaces before reading a scheme, so
# "java\tscript:" is javascript:; entities are decoded first ("&#106;avascript:").
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")


def url_scheme(url: str) -> str | None:
    """The scheme as a browser reads it, lower-cased, or None for a relative URL."""
    decoded = _IGNORED_BY_BROWSERS.sub("", html.unescape(url))
    match = _SCHEME.match(decoded)
    return match.group(1).lower() if match else None


def is_safe_url(url: str) -> bool:
    scheme = url_scheme(url)
    return scheme is None or scheme in SAFE_SCHEMES
