"""Coverage-guided fuzzing of `archatlas check`: bytes in, findings out, nothing else.

Each input is one or more YAML files (joined by common.SEPARATOR). They go
through the same stages as `archatlas check` -- decode, load_text, build,
check, acceptances, every reporter -- in memory, with a fixed architecture
directory for the icon rule. When the architecture checks clean, the pages
and view graphs of the site are generated too (without running dot), as the
MkDocs plugin would.

Any exception, and any finding that is not well formed, is a crash.

    .venv/bin/python fuzz/fuzz_check.py fuzz/corpus/check -atheris_runs=1000000

See fuzz/README.md.
"""

from __future__ import annotations

import sys
import tempfile
import zlib
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import make_root, split_files

with atheris.instrument_imports(include=["archatlas"]):
    from archatlas.check import Result, apply_acceptances, check
    from archatlas.findings import RULES, Finding
    from archatlas.load import decode, load_text
    from archatlas.model import build
    from archatlas.pages import Layout, generate_pages
    from archatlas.references import view_references
    from archatlas.report import CHECK_FORMATS
    from archatlas.views import build_view

ROOT = make_root(Path(tempfile.mkdtemp(prefix="archatlas-fuzz-")))
LAYOUT = Layout()


def run(data: bytes) -> Result:
    """`check_directory`, in memory: the files of `data` under ROOT."""
    findings: list[Finding] = []
    documents = []
    shown_paths = []
    for index, content in enumerate(split_files(data)):
        shown = f"architecture/f{index}.yaml"
        shown_paths.append(shown)
        text = decode(content, shown, findings)
        if text is not None:
            docs, problems = load_text(text, ROOT / f"f{index}.yaml", shown)
            documents.extend(docs)
            findings.extend(problems)
    architecture, schema_findings = build(documents)
    everything = [*findings, *schema_findings, *check(architecture, ROOT)]
    everything = apply_acceptances(architecture, everything)
    ordered = tuple(sorted(everything, key=lambda item: item.sort_key))
    result = Result(architecture, ordered, tuple(shown_paths))
    for item in result.findings:
        assert isinstance(item, Finding), item
        assert item.rule in RULES, item
        assert item.path in shown_paths, item
        assert item.line >= 1 and item.col >= 1, item
        assert isinstance(item.message, str) and item.message, item
    return result


def TestOneInput(data: bytes) -> None:
    result = run(data)
    assert isinstance(CHECK_FORMATS["text"].write(result), str)
    if zlib.crc32(data) % 32 == 0:  # JSON and SARIF cost more than the check: sample them
        for output in CHECK_FORMATS.values():
            assert isinstance(output.write(result), str)
    if result.fails():
        return  # the plugin stops here: nothing is rendered
    pages = generate_pages(result.architecture, result.findings, LAYOUT)
    for key in sorted(set().union(*map(view_references, pages.values()))):
        build_view(result.architecture, key)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
