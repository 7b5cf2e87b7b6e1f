"""Shared by the fuzz harnesses: how one fuzz input stands for several files.

A fuzz input is the bytes of one or more YAML files joined by `SEPARATOR`,
so that a seed can be a whole architecture (cross-file rules: references,
duplicate ids) and the fuzzer can still cut, splice and mutate it as bytes.
"""

from __future__ import annotations

from pathlib import Path

SEPARATOR = b"\n#@file\n"
MAX_FILES = 8
ROOT = Path(__file__).resolve().parents[1]
# A tiny PNG (signature and IHDR only is enough for the icon rule).
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def split_files(data: bytes) -> list[bytes]:
    """The files a fuzz input stands for (at most MAX_FILES; the rest joins the last)."""
    return data.split(SEPARATOR, MAX_FILES - 1)


def join_files(files: list[bytes]) -> bytes:
    return SEPARATOR.join(files)


def make_root(folder: Path) -> Path:
    """An architecture directory with icons for `icon:` fields to point at.

    The harness never writes the fuzzed YAML to disk: only the files that
    the icon rule opens are real.
    """
    root = folder / "architecture"
    (root / "icons").mkdir(parents=True, exist_ok=True)
    (root / "icons" / "icon.png").write_bytes(PNG)
    (root / "icons" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    (root / "icons" / "notes.txt").write_text("not an image\n")
    (folder / "outside.png").write_bytes(PNG)
    link = root / "icons" / "out.png"
    if not link.is_symlink():
        link.symlink_to(folder / "outside.png")
    return root
