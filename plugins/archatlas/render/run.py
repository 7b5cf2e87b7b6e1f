"""Running Graphviz: with a time limit, through the content-addressed cache,
failures remembered."""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..cache import DiagramCache
from ..settings import DEFAULTS, DiagramFormat
from ..svg import is_plain_drawing


class DotNotFound(RuntimeError):
    """Graphviz is not installed."""


INSTALL_HINT = (
    "Graphviz's 'dot' command was not found: install Graphviz "
    "(Debian/Ubuntu: sudo apt-get install graphviz fonts-dejavu-core; "
    "macOS: brew install graphviz) and build again"
)


def find_dot() -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise DotNotFound(INSTALL_HINT)
    return dot


class RenderError(Exception):
    pass


class DotTimeout(RenderError):
    """Graphviz ran out of time: another layout of the same view would too."""


def run_dot(source: str, output: str = "svg", timeout: float = DEFAULTS.dot_timeout) -> bytes:
    """Run Graphviz on `source`; raise RenderError when it fails or runs too long."""
    try:
        done = subprocess.run(
            [find_dot(), f"-T{output}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise DotTimeout(f"Graphviz took longer than {timeout:g} s and was stopped") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(
            "Graphviz failed: " + (message[-1] if message else f"exit {done.returncode}")
        )
    return done.stdout


@dataclass(frozen=True)
class RenderOptions:
    output: DiagramFormat = DEFAULTS.diagram_format
    timeout: float = DEFAULTS.dot_timeout
    cache: DiagramCache | None = None
    jobs: int | None = None  # parallel dot runs; None: one per core


@functools.lru_cache(maxsize=1)
def graphviz_version() -> str:
    """`dot -V` as Graphviz prints it: part of every cache key."""
    try:
        done = subprocess.run([find_dot(), "-V"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "graphviz version unknown"  # the drawing itself will say what is wrong
    return (done.stderr or done.stdout).decode("utf-8", "replace").strip()


def diagram_cache(folder: Path) -> DiagramCache:
    """The cache in `folder`, for this Graphviz and this archatlas."""
    return DiagramCache(folder, f"{graphviz_version()}\0archatlas {__version__}")


def cached_dot(source: str, output: str, options: RenderOptions) -> tuple[bytes, bool]:
    """Graphviz' output for `source`, and whether it came from the cache.

    A failure is cached too, for the same source and time limit: a diagram
    that Graphviz cannot draw costs one attempt, not one per build."""
    cache = options.cache
    if cache is None:
        return run_dot(source, output, options.timeout), False
    key = cache.key(source, output)
    found = cache.get(key)
    if found is not None and trusted(found, output):
        return found, True
    failed = cache.key(source, f"{output} failed within {options.timeout:g} s")
    remembered = cache.get(failed)
    if remembered is not None:
        kind, _, message = remembered.decode("utf-8", "replace").partition("\n")
        error_type = DotTimeout if kind == DotTimeout.__name__ else RenderError
        raise error_type(message + REMEMBERED)
    try:
        data = run_dot(source, output, options.timeout)
    except RenderError as error:
        cache.put(failed, f"{type(error).__name__}\n{error}".encode())
        raise
    cache.put(key, data)
    return data, False


REMEMBERED = " (remembered from an earlier build: change the view or the time limit to retry)"


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def trusted(payload: bytes, output: str) -> bool:
    """A cache entry that is what Graphviz would write: a forged one is drawn again."""
    if output == "png":
        return payload.startswith(PNG_SIGNATURE)
    try:
        return is_plain_drawing(payload.decode("utf-8"))
    except UnicodeDecodeError:
        return False
