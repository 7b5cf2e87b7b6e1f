"""Compare the site build of two revisions of archatlas on the same architectures.

    .venv/bin/python bench/compare_revisions.py BASE_PLUGINS HEAD_PLUGINS
                                                [--size 1000] [--rounds 3]
                                                [--work DIR] [--json FILE]

BASE_PLUGINS and HEAD_PLUGINS are the `plugins` folders of two checkouts
(for instance git worktrees of two commits). Every build is a child
`python -m mkdocs build` with PYTHONPATH set to one of them, so that it
imports that revision's `archatlas` instead of the editable install; the
same venv runs both.

Two synthetic architectures (bench/synthetic.py) are written: the default
one, and one with 50 systems and 70 vendors shared across them. Each
revision gets its own copy of every architecture, project and diagram
cache. Round by round (the revision that goes first alternates), it
measures the wall time of the whole build process:

- cold: the diagram cache emptied first;
- warm: the same again, nothing changed;
- rebuild: after editing the description of one service.

It then prints, per architecture and figure, the median of each revision,
the ratio HEAD / baseline, how many diagrams each drew and which it could not
draw (`diagram-failed`), with the load average and the date.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from build_bench import INDEX, Build, config, run_build
from synthetic import write_architecture

CACHE_DIR = ".cache/archatlas"
FIGURES = ("cold", "warm", "rebuild")
CASES: dict[str, dict[str, int]] = {
    "default": {},
    "50 systems, 70 vendors": {"systems": 50, "vendors": 70},
}
FIRST_DESCRIPTION = re.compile(r"^(description: \|\n  )(.*)$", re.MULTILINE)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Project:
    """One revision's project for one architecture."""

    revision: str
    plugins: Path
    root: Path
    edited: Path  # the services file whose first description the rebuild edits
    original: str
    builds: dict[str, list[Build]] = field(default_factory=lambda: {name: [] for name in FIGURES})

    @property
    def cache(self) -> Path:
        return self.root / CACHE_DIR

    def build(self) -> Build:
        environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        environment["PYTHONPATH"] = str(self.plugins)
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(environment)  # run_build's child inherits the environment
        try:
            return run_build(self.root)
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def edit(self, round_: int) -> None:
        def append(match: re.Match[str]) -> str:
            return f"{match.group(1)}{match.group(2)} Edited in round {round_}."

        text = FIRST_DESCRIPTION.sub(append, self.original, count=1)
        if text == self.original:
            raise SystemExit(f"no description to edit in {self.edited}")
        self.edited.write_text(text, encoding="utf-8")

    def restore(self) -> None:
        self.edited.write_text(self.original, encoding="utf-8")


def make_project(
    root: Path, revision: str, plugins: Path, size: int, knobs: dict[str, int]
) -> Project:
    write_architecture(root / "architecture", size, 0, **knobs)
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(INDEX, encoding="utf-8")
    plugin = {"archatlas": {"architecture_dir": "architecture", "cache_dir": CACHE_DIR}}
    (root / "mkdocs.yml").write_text(
        config([{"Home": "index.md"}], ["search", plugin]), encoding="utf-8"
    )
    edited = min((root / "architecture").rglob("services-*.yaml"))
    return Project(revision, plugins, root, edited, edited.read_text(encoding="utf-8"))


def check_import(plugins: Path) -> str:
    """Which plugin module a build with this PYTHONPATH loads through mkdocs' entry point."""
    code = (
        "import sys, importlib.metadata as m;"
        "e = [e for e in m.entry_points(group='mkdocs.plugins') if e.name == 'archatlas'][0];"
        "print(sys.modules[e.load().__module__].__file__)"
    )
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment["PYTHONPATH"] = str(plugins)
    found = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    ).stdout.strip()
    if not Path(found).resolve().is_relative_to(plugins.resolve()):
        raise SystemExit(f"PYTHONPATH={plugins} loads the plugin from {found}")
    return found


def measure(projects: list[Project], rounds: int) -> None:
    for round_ in range(rounds):
        order = projects if round_ % 2 == 0 else projects[::-1]
        for project in order:
            project.restore()
            shutil.rmtree(project.cache, ignore_errors=True)
        for name in FIGURES:
            for project in order:
                if name == "rebuild":
                    project.edit(round_)
                build = project.build()
                project.builds[name].append(build)
                log(
                    f"  round {round_ + 1}: {project.revision} {name} {build.wall:.1f} s, "
                    f"{build.rendered} drawn, {build.cached} cached, {len(build.failed)} failed"
                )
        for project in order:
            project.restore()


def median(builds: list[Build], cpu: bool = False) -> float:
    return float(statistics.median(build.cpu if cpu else build.wall for build in builds))


def failed(builds: list[Build]) -> str:
    views = sorted({view for build in builds for view in build.failed})
    return ", ".join(views) if views else "none"


def table(results: dict[str, list[Project]]) -> str:
    """Medians of wall time (the figure compared) and of CPU time (steadier under load)."""
    lines = [
        f"{'architecture':<24} {'figure':<8} {'baseline':>9} {'HEAD':>9} {'ratio':>6}"
        f"   {'CPU: baseline':>13} {'HEAD':>7} {'ratio':>6}"
    ]
    for case, (base, head) in results.items():
        for name in FIGURES:
            before, after = median(base.builds[name]), median(head.builds[name])
            cpu_before = median(base.builds[name], cpu=True)
            cpu_after = median(head.builds[name], cpu=True)
            lines.append(
                f"{case:<24} {name:<8} {before:>8.1f}s {after:>8.1f}s {after / before:>6.2f}"
                f"   {cpu_before:>12.1f}s {cpu_after:>6.1f}s {cpu_after / cpu_before:>6.2f}"
            )
    lines.append("")
    for case, pair in results.items():
        for project in pair:
            cold = project.builds["cold"][0]
            every = [build for builds in project.builds.values() for build in builds]
            lines.append(
                f"{case}, {project.revision}: {cold.rendered} diagrams drawn cold, "
                f"{cold.pages} pages; diagram-failed: {failed(every)}"
            )
    loads = [
        build.load
        for pair in results.values()
        for project in pair
        for builds in project.builds.values()
        for build in builds
    ]
    now = ", ".join(f"{load:.1f}" for load in os.getloadavg())
    lines.append("")
    lines.append(
        f"load average (1 min) at the builds' starts: {min(loads):.1f} to {max(loads):.1f} "
        f"(median {statistics.median(loads):.1f}); now {now}; {os.cpu_count()} CPUs; "
        f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="the baseline's plugins folder")
    parser.add_argument("head", type=Path, help="the plugins folder to compare with it")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, help="a folder to build in (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="write the raw figures to this file")
    args = parser.parse_args(argv)
    if args.size < 420:
        parser.error("--size must be 420 or more: the second architecture has 50 systems")
    for revision, plugins in (("baseline", args.base), ("HEAD", args.head)):
        log(f"{revision}: {check_import(plugins)}")
    work = args.work or Path(tempfile.mkdtemp(prefix="archatlas-compare-"))
    results: dict[str, list[Project]] = {}
    for index, (case, knobs) in enumerate(CASES.items()):
        log(f"{case}: {args.size} elements in {work / f'case-{index}'}")
        pair = [
            make_project(work / f"case-{index}" / revision, revision, plugins, args.size, knobs)
            for revision, plugins in (("baseline", args.base), ("HEAD", args.head))
        ]
        measure(pair, args.rounds)
        results[case] = pair
    print(table(results))
    if args.json:
        raw = {
            case: {
                p.revision: {n: [asdict(b) for b in bs] for n, bs in p.builds.items()} for p in pair
            }
            for case, pair in results.items()
        }
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
