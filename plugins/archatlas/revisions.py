"""The two sides of a diff: a git revision or a directory, as a folder to check.

A revision's architecture is exported with `git archive` into a temporary
folder (never checked out over the working tree), so that both sides go
through the same load and check as any architecture.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .check import Result, check_directory
from .diff import Diff, compare
from .settings import DEFAULTS

GIT_TIMEOUT = 60.0


class SideError(Exception):
    """A side that does not exist: the message says which and why."""


@dataclass(frozen=True)
class Side:
    label: str  # as the user named it: "main", "HEAD~1", "the working tree"
    architecture: Path  # the folder to check
    base: Path  # findings name files relative to this folder
    exists: bool = True  # False: a revision without the folder (all is added)


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose Python tags (emoji functions) we do not need."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_ConfigLoader.add_multi_constructor("!", _ignore_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def architecture_dir_from_config(config_file: Path) -> str | None:
    """The plugin's `architecture_dir` in mkdocs.yml, when it is configured there."""
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    plugins: Any = config.get("plugins") if isinstance(config, dict) else None
    entries = plugins.items() if isinstance(plugins, dict) else (plugins or [])
    for entry in entries:
        name, options = entry if isinstance(entry, tuple) else _plugin_entry(entry)
        if name == "archatlas":
            folder = options.get("architecture_dir") if isinstance(options, dict) else None
            return str(folder) if folder else DEFAULTS.architecture_dir
    return None


def _plugin_entry(entry: Any) -> tuple[str, Any]:
    if isinstance(entry, dict) and len(entry) == 1:
        return next(iter(entry.items()))
    return (str(entry), None)


def working_tree(architecture_dir: str) -> Side:
    folder = Path(architecture_dir)
    if not folder.is_dir():
        raise SideError(f"the working tree has no architecture directory '{architecture_dir}'")
    return Side("the working tree", folder, Path.cwd())


def open_side(spec: str, architecture_dir: str, scratch: Path) -> Side:
    """The side named `spec`: a directory, or else a git revision exported into `scratch`
    (a folder of its own: it must not exist yet)."""
    folder = Path(spec)
    if folder.is_dir():
        inner = folder / architecture_dir
        if inner.is_dir():
            return Side(spec, inner, folder)
        return Side(spec, folder, folder.parent)
    return _revision(spec, architecture_dir, scratch)


def _git(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args], input=stdin, capture_output=True, timeout=GIT_TIMEOUT, check=False
        )
    except FileNotFoundError as error:
        raise SideError("git is not installed, so revisions cannot be read") from error
    except subprocess.TimeoutExpired as error:
        raise SideError(f"git did not answer within {GIT_TIMEOUT:g} s") from error


def _revision(spec: str, architecture_dir: str, scratch: Path) -> Side:
    if spec.startswith("-"):
        raise SideError(f"'{spec}' is neither a directory nor a git revision")
    commit = _git("rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    if commit.returncode != 0:
        raise SideError(f"'{spec}' is neither a directory nor a git revision")
    prefix = _git("rev-parse", "--show-prefix").stdout.decode().strip()
    path = f"{prefix}{Path(architecture_dir).as_posix().strip('/')}"
    target = scratch
    target.mkdir(parents=True)
    exported = _git("archive", "--format=tar", commit.stdout.decode().strip(), "--", path)
    if exported.returncode == 0:
        with tarfile.open(fileobj=io.BytesIO(exported.stdout)) as archive:
            archive.extractall(target, filter="data")
    elif b"did not match" not in exported.stderr:
        message = exported.stderr.decode("utf-8", "replace").strip()
        raise SideError(f"cannot read '{spec}' from git: {message}")
    # A revision without the folder has an empty architecture: all is added.
    root = target / prefix
    folder = root / architecture_dir
    exists = folder.is_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return Side(spec, folder, root, exists)


@dataclass(frozen=True)
class Comparison:
    base: Side
    head: Side
    before: Result
    after: Result
    diff: Diff


def compare_sides(
    base_spec: str, head_spec: str | None, architecture_dir: str, scratch: Path
) -> Comparison:
    """Check both sides (HEAD defaults to the working tree) and compare their models."""
    try:
        base = open_side(base_spec, architecture_dir, scratch / "base")
    except SideError as error:
        raise SideError(f"BASE: {error}") from error
    try:
        head = (
            open_side(head_spec, architecture_dir, scratch / "head")
            if head_spec
            else working_tree(architecture_dir)
        )
    except SideError as error:
        raise SideError(f"HEAD: {error}") from error
    if not base.exists and not head.exists:
        raise SideError(
            f"neither {base.label} nor {head.label} has an architecture folder "
            f"'{architecture_dir}' (see --architecture-dir)"
        )
    before = check_directory(base.architecture, base=base.base)
    after = check_directory(head.architecture, base=head.base)
    return Comparison(base, head, before, after, compare(before, after))
