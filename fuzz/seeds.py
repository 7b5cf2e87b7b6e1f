"""Write the seed corpora: tests/cases/**/*.yaml and the example architecture/.

    .venv/bin/python fuzz/seeds.py            # -> fuzz/corpus/check, fuzz/corpus/render

Seeds for fuzz_check: every YAML file alone, and every case (and the whole
example) as one multi-file input, so cross-file rules are reached from the
start. Seeds for fuzz_render: the names, descriptions, tags and link titles
and URLs found in those files, plus tests/hostile/ and a few known-hostile
strings, as `field-byte + text` inputs.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, join_files

CORPUS = Path(__file__).resolve().parent / "corpus"
HOSTILE_STRINGS = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "[x](javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\nscript:alert(1))",
    "[r]\n\n[r]: javascript:alert(1)",
    "> [r]: javascript:alert(1)\n\n[r]",
    "`` ` ``<img src=x onerror=alert(1)>",
    "\\`<img src=x onerror=alert(1)>`",
    "```\n<img src=x onerror=alert(1)>",
    '**b**{: onclick="alert(1)" }',
    'a" -> b [label="x',
    "\\N \\G \\L \\",
    "<<b>html</b>>",
    "} subgraph { x",
    "a\r# b\x85c\u2028d",
    "data:text/html,<script>alert(1)</script>",
    "JaVaScRiPt:alert(1)",
    " \tjavascript:alert(1)",
]


def write(folder: Path, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def yaml_files() -> list[Path]:
    found = sorted((ROOT / "tests" / "cases").rglob("*.y*ml"))
    found += sorted((ROOT / "architecture").rglob("*.y*ml"))
    found += sorted(
        path for path in (ROOT / "tests" / "hostile").rglob("*.y*ml") if path.stat().st_size < 65536
    )
    return found


def check_seeds() -> int:
    folder = CORPUS / "check"
    files = yaml_files()
    for path in files:
        write(folder, path.read_bytes())
    groups: dict[Path, list[Path]] = {}
    for path in files:
        parts = path.relative_to(ROOT).parts
        top = ROOT / Path(*parts[:3]) if parts[0] == "tests" else ROOT / "architecture"
        groups.setdefault(top, []).append(path)
    for members in groups.values():
        if len(members) > 1:
            write(folder, join_files([path.read_bytes() for path in members[:8]]))
    return len(list(folder.iterdir()))


def strings_of(value: object) -> list[tuple[str, str]]:
    """(field, text) for every name, description, tag and link in loaded YAML."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("name", "description", "protocol", "title", "url") and isinstance(
                inner, str
            ):
                found.append((str(key), inner))
            elif key == "tags" and isinstance(inner, list):
                found.extend(("tags", str(tag)) for tag in inner)
            else:
                found.extend(strings_of(inner))
    elif isinstance(value, list):
        for inner in value:
            found.extend(strings_of(inner))
    return found


FIELD_BYTE = {"name": 0, "description": 1, "tags": 2, "title": 3, "url": 4, "protocol": 5}


def render_seeds() -> int:
    folder = CORPUS / "render"
    for path in yaml_files():
        try:
            documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, UnicodeDecodeError, ValueError):
            continue
        for field, text in strings_of(documents):
            write(folder, bytes([FIELD_BYTE[field]]) + text.encode("utf-8", "replace"))
    for index, text in enumerate(HOSTILE_STRINGS):
        for field in range(6):
            write(folder, bytes([(field + index) % 6]) + text.encode("utf-8"))
    return len(list(folder.iterdir()))


def main() -> None:
    print(f"fuzz/corpus/check: {check_seeds()} seeds")
    print(f"fuzz/corpus/render: {render_seeds()} seeds")


if __name__ == "__main__":
    main()
