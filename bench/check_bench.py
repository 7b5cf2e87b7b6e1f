"""Benchmark `archatlas check` on synthetic architectures.

    python bench/check_bench.py [--sizes 1000 5000] [--repeat 5] [--profile]

For each size it writes a synthetic architecture into a temporary folder and
times, in the same run: `check_directory` in-process (median and min), the
`archatlas check` command as a subprocess (interpreter start and imports
included), and as baselines plain `yaml.load_all(..., Loader=CSafeLoader)`
over the same files, which keeps no positions and checks nothing, and
libyaml's events alone, from which nothing is built: the floor of any reader
on libyaml's Python binding. The goal from the design is `check` on 5,000
elements in under a second.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from synthetic import write_architecture

from archatlas.check import check_directory
from archatlas.findings import Severity

GOAL_SECONDS = 1.0


@dataclass
class Row:
    elements: int
    files: int
    errors: int
    warnings: int
    check: list[float]
    command: list[float]
    baseline: list[float]
    events: list[float]


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def yaml_baseline(files: list[Path]) -> int:
    """Parse every document with libyaml's safe loader: no positions, no checks."""
    count = 0
    for file in files:
        for _ in yaml.load_all(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader):
            count += 1
    return count


def events_floor(texts: list[str]) -> int:
    """Take every event of every file from libyaml, and build nothing: what any
    reader built on libyaml's Python binding pays before its first value."""
    count = 0
    for text in texts:
        parser = yaml.CSafeLoader(text)
        try:
            while not isinstance(parser.get_event(), yaml.StreamEndEvent):
                count += 1
        finally:
            parser.dispose()
    return count


def command() -> list[str]:
    script = Path(sys.executable).with_name("archatlas")
    if script.exists():
        return [str(script)]
    found = shutil.which("archatlas")
    return [found] if found else [sys.executable, "-m", "archatlas.cli"]


def run_command(root: Path) -> None:
    done = subprocess.run([*command(), "check", str(root)], capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"archatlas check failed ({done.returncode}):\n{done.stdout.decode()}")


def measure(size: int, repeat: int, seed: int, profile: bool) -> Row:
    with tempfile.TemporaryDirectory(prefix="archatlas-bench-") as tmp:
        root = Path(tmp) / "architecture"
        written = write_architecture(root, size, seed)
        files = sorted(path for path in root.rglob("*") if path.suffix in (".yaml", ".yml"))
        result = check_directory(root)  # warm-up, and the counts
        if len(result.architecture.elements) != written.elements:
            raise SystemExit(
                f"{written.elements} elements written, {len(result.architecture.elements)} read"
            )
        if yaml_baseline(files) != written.elements:
            raise SystemExit("the baseline did not read every document")
        row = Row(
            elements=written.elements,
            files=len(files),
            errors=result.count(Severity.ERROR),
            warnings=result.count(Severity.WARNING),
            check=[],
            command=[],
            baseline=[],
            events=[],
        )
        texts = [file.read_text(encoding="utf-8") for file in files]
        del result  # a live result doubles the heap that each GC pass walks
        gc.collect()
        # Interleaved rounds, so that a busy machine slows all four alike.
        for _ in range(repeat):
            row.check += timed(lambda: check_directory(root), 1)
            row.baseline += timed(lambda: yaml_baseline(files), 1)
            row.events += timed(lambda: events_floor(texts), 1)
            row.command += timed(lambda: run_command(root), 1)
        if profile:
            print_profile(root, size)
        return row


def print_profile(root: Path, size: int, top: int = 20) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(check_directory, root)
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        lines = out.getvalue().splitlines()
        start = next(index for index, line in enumerate(lines) if "ncalls" in line)
        print(f"\n--- check_directory on {size} elements, top {top} by {order} ---")
        print("\n".join(lines[start:]).rstrip())
    gc.disable()
    try:
        without_gc = timed(lambda: check_directory(root), 3)
    finally:
        gc.enable()
    print(
        f"\ncheck_directory on {size} elements with the cyclic GC off: "
        f"median {ms(statistics.median(without_gc))}"
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def table(rows: Sequence[Row], startup: float) -> str:
    header = (
        "elements",
        "files",
        "errors / warnings",
        "check median",
        "check min",
        "cli median",
        "CSafeLoader median",
        "libyaml events median",
        "check / yaml",
        "goal 1 s",
    )
    lines = []
    for row in rows:
        check = statistics.median(row.check)
        baseline = statistics.median(row.baseline)
        lines.append(
            (
                f"{row.elements:,}",
                f"{row.files:,}",
                f"{row.errors} / {row.warnings}",
                ms(check),
                ms(min(row.check)),
                ms(statistics.median(row.command)),
                ms(baseline),
                ms(statistics.median(row.events)),
                f"{check / baseline:.1f}x",
                "ok" if check <= GOAL_SECONDS else "MISSED",
            )
        )
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]
    rule = "-+-".join("-" * width for width in widths)
    render = [" | ".join(cell.rjust(width) for cell, width in zip(header, widths, strict=True))]
    render.append(rule)
    render += [
        " | ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
        for line in lines
    ]
    render.append(f"cli start-up (archatlas check on an empty folder): {ms(startup)}")
    return "\n".join(render)


def startup_time(repeat: int) -> float:
    with tempfile.TemporaryDirectory(prefix="archatlas-bench-empty-") as tmp:
        return statistics.median(timed(lambda: run_command(Path(tmp)), repeat))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile hot spots of each size"
    )
    args = parser.parse_args(argv)
    rows = [measure(size, args.repeat, args.seed, args.profile) for size in args.sizes]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\narchatlas check, {args.repeat} runs each, Python {sys.version.split()[0]}, "
        f"PyYAML {yaml.__version__} (libyaml {'yes' if yaml.__with_libyaml__ else 'no'}), "
        f"{os.cpu_count()} CPUs, load average {load:.1f}\n"
    )
    print(table(rows, startup_time(args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
