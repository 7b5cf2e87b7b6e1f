"""Measure the site build on synthetic architectures, against plain MkDocs and raw `dot`.

    .venv/bin/python bench/build_bench.py [--sizes 1000 5000] [--landscape 1000]
                                          [--repeat 3] [--full] [--only NAME ...]
                                          [--json FILE | --from-json FILE] [--write-docs]

docs/performance.md says what each figure is, how it is measured and what the
targets are; `--write-docs` writes docs/performance-results.md, which it includes.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

import pathspec
import yaml
from synthetic import write_architecture

import archatlas
from archatlas import render
from archatlas.check import check_directory
from archatlas.pages import Layout, generate_pages, nav_section
from archatlas.references import view_references
from archatlas.render import run as render_run
from archatlas.settings import DEFAULTS
from archatlas.views import SequenceView, View, build_view

REPO = Path(__file__).resolve().parent.parent
RESULTS_PAGE = REPO / "docs" / "performance-results.md"
ARCHATLAS = Path(sys.executable).with_name("archatlas")
BIG = 5000  # variants from here on run once, unless --full
CACHE_DIR = ".cache/archatlas"
SERVE_VARIANT = "default-1000"
SERVE_TIMEOUT = 120.0  # seconds a server may take to start, or to show an edit
BUILD_TIMEOUT = 1800.0
TARGET_RATIO, TARGET_SERVE_S, TARGET_CHECK_S, TARGET_RSS_MIB = 1.2, 3.0, 1.0, 1024.0
TARGET_SIZE = 5000
X = "\N{MULTIPLICATION SIGN}"
INDEX = "# Platform architecture\n\nThe [architecture](architecture/index.md) of the platform.\n"
# Element pages (architecture/KIND/ID.md) are out of the nav, as the plugin marks them.
ELEMENT_PAGES = ["/architecture/*/*.md", "!/architecture/*/index.md"]

PLUGIN_LINE = re.compile(
    r"archatlas: ([\d,]+) pages?, ([\d,]+) diagrams? rendered, ([\d,]+) from cache, ([\d.]+) s"
)
PEAK_LINE = re.compile(r"^build_bench peak RSS KiB: (\d+)$", re.MULTILINE)
FAILED_DIAGRAM = re.compile(r"\[diagram-failed\].*?view '([^']+)'")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
DIAGRAM_REFERENCE = re.compile(r"^!\[[^\]\n]*\]\(arch:view/[^)\s]*\)\n\n?", re.MULTILINE)
REPLICAS = re.compile(r"^(  replicas: )(\d+)$", re.MULTILINE)
FIRST_NAME = re.compile(r"^name: .*$", re.MULTILINE)
FIRST_ID = re.compile(r"^id: (\S+)$", re.MULTILINE)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fastest(values: Sequence[float]) -> float:
    """The figure of a measure taken several times: on a shared machine other
    work only ever adds time, so the fastest round is closest to the cost."""
    return float(min(values)) if values else float("nan")


# --- one build in a child process ------------------------------------------------------------

# `python -m mkdocs ARGS` that logs, at exit, its peak RSS: the high-water mark of
# its own memory since exec (VmHWM), or of the largest dot it waited for. Not
# ru_maxrss from wait4: Linux hands a parent's high-water mark down to the child
# it starts, so the bench's own memory would count.
MKDOCS_WITH_PEAK = """
import atexit, resource, runpy, sys
def peak():
    with open("/proc/self/status") as status:
        own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    dot = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"build_bench peak RSS KiB: {max(own, dot)}", file=sys.stderr, flush=True)
atexit.register(peak)
sys.argv = ["mkdocs", *sys.argv[1:]]
runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Build:
    wall: float  # seconds, from spawn to exit
    cpu: float  # user + system seconds of the build and of the dot runs it waited for
    rss_mib: float  # peak RSS of the build process or of any one dot it ran
    rendered: int = -1  # from the plugin's INFO line; -1 without it
    cached: int = -1
    pages: int = -1
    plugin_s: float = float("nan")  # from on_files to the last drawing, as the INFO line says
    load: float = float("nan")  # 1-minute load average at the start
    errors: int = 0  # ERROR lines in the log
    failed: tuple[str, ...] = ()  # views the plugin could not draw (diagram-failed)
    html_mib: float = 0.0  # HTML written


def run_build(project: Path) -> Build:
    """`mkdocs build` in `project`, timed, with the child's CPU time from wait4."""
    site = project / "site"
    shutil.rmtree(site, ignore_errors=True)  # every build starts without a site folder
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", MKDOCS_WITH_PEAK, "build", "-d", "site"],
            **child_options(project, output),
        )
        timer = threading.Timer(BUILD_TIMEOUT, stop, (child,))
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        timer.cancel()
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        text = tail(output, None)
    if child.returncode != 0:
        raise SystemExit(f"the build in {project} failed ({child.returncode}):\n{text[-3000:]}")
    found, peak = PLUGIN_LINE.search(text), PEAK_LINE.search(text)
    counts = [int(group.replace(",", "")) for group in found.groups()[:3]] if found else [-1] * 3
    return Build(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mib=int(peak.group(1)) / 1024 if peak else float("nan"),
        pages=counts[0],
        rendered=counts[1],
        cached=counts[2],
        plugin_s=float(found.group(4)) if found else float("nan"),
        load=load,
        errors=sum(1 for line in text.splitlines() if line.startswith("ERROR")),
        failed=tuple(sorted(set(FAILED_DIAGRAM.findall(text)))),
        html_mib=sum(path.stat().st_size for path in site.rglob("*.html")) / 2**20,
    )


def child_options(project: Path, output: IO[bytes]) -> dict[str, Any]:
    """A child in `project`, logging to `output`, in a session of its own (see `stop`)."""
    return {
        "cwd": project,
        "env": environment(),
        "stdout": output,
        "stderr": subprocess.STDOUT,
        "start_new_session": True,
    }


def environment() -> dict[str, str]:
    """This process' environment (PYTHONPATH chooses the archatlas measured), quieter."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def stop(child: subprocess.Popen[bytes]) -> None:
    """Stop a child and everything it started: SIGTERM, then SIGKILL after 10 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(child.pid, sig)
            child.wait(timeout=10)
            return
        except (ProcessLookupError, ChildProcessError):  # gone, or reaped by os.wait4
            return
        except subprocess.TimeoutExpired:
            continue


def tail(output: IO[bytes], length: int | None = 1500) -> str:
    output.seek(0)
    text = ANSI.sub("", output.read().decode("utf-8", "replace"))
    return text[-length:] if length else text


# --- the projects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    name: str
    elements: int
    systems: int | None = None
    vendors: int | None = None

    @property
    def label(self) -> str:
        shape = f", {self.systems} systems, {self.vendors} vendors" if self.systems else ""
        return f"{self.elements:,} elements{shape}"


def variants(sizes: Sequence[int], landscape: Sequence[int]) -> list[Variant]:
    """The default shape at each size; a hard landscape (50 systems and 70
    vendors per 1,000 elements) at each `landscape` size."""
    found = [Variant(f"default-{size}", size) for size in sorted(sizes)]
    hard = [Variant(f"landscape-{n}", n, 50 * n // 1000, 70 * n // 1000) for n in sorted(landscape)]
    return found + hard


def config(nav: list[object], plugins: list[object], **extra: object) -> str:
    """mkdocs.yml of a synthetic project: the theme and Markdown extensions of
    the repository's own mkdocs.yml, without snippets (it reads this repository)."""
    own = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions = [item for item in own["markdown_extensions"] if "snippets" not in str(item)]
    document = {"site_name": "Synthetic architecture", "docs_dir": "docs", "theme": own["theme"]}
    document |= {"nav": nav, "plugins": plugins, "markdown_extensions": extensions, **extra}
    return yaml.safe_dump(document, sort_keys=False)


@dataclass
class Project:
    """The archatlas project and the plain-MkDocs baseline of one variant."""

    archatlas: Path
    plain: Path
    edited: Path  # the services file whose first service the edits change
    original: str  # its text
    element_page: str  # URL path of that service's page
    sources: list[tuple[str, str]]  # (view key, DOT source) of every dot run the plugin made


def make_project(root: Path, variant: Variant, seed: int, figures: Figures) -> Project:
    """Write both projects; count pages, diagrams and dot runs into `figures`."""
    site_project, plain = root / "with-archatlas", root / "plain-mkdocs"
    architecture = site_project / "architecture"
    written = write_architecture(
        architecture, variant.elements, seed, variant.systems, variant.vendors
    )
    (site_project / "docs").mkdir(parents=True)
    (site_project / "docs" / "index.md").write_text(INDEX, encoding="utf-8")
    plugin = {"archatlas": {"architecture_dir": "architecture", "cache_dir": CACHE_DIR}}
    (site_project / "mkdocs.yml").write_text(
        config([{"Home": "index.md"}], ["search", plugin]), encoding="utf-8"
    )
    result = check_directory(architecture, base=site_project)
    arch, layout = result.architecture, Layout()
    if result.fails() or len(arch.elements) != written.elements:
        raise SystemExit(f"the synthetic architecture {variant.name} does not check")
    pages = generate_pages(arch, result.findings, layout)
    write_plain(plain, pages, nav_section(arch, layout), {layout.element(e) for e in arch.elements})

    wanted = set[str]().union(*(view_references(markdown) for markdown in pages.values()))
    views = [view for key in sorted(wanted) if (view := build_view(arch, key)) is not None]
    started = time.perf_counter()
    sources = plugin_dot_runs([view for view in views if isinstance(view, View)])
    figures.drawing = time.perf_counter() - started
    figures.elements, figures.files, figures.pages = written.elements, written.files, len(pages)
    figures.diagrams = len(views)
    figures.sequences = sum(1 for view in views if isinstance(view, SequenceView))
    per_view = collections.Counter(key for key, _ in sources)
    figures.dot_runs, figures.dot_runs_max = len(sources), max(per_view.values(), default=0)

    edited = next(
        path
        for path in sorted(architecture.rglob("services-*.yaml"))
        if REPLICAS.search(path.read_text(encoding="utf-8"))
    )
    original = edited.read_text(encoding="utf-8")
    found = FIRST_ID.search(original)
    element = arch.get(found.group(1)) if found else None
    assert element is not None, f"no element id in {edited}"
    page = layout.element(element).removesuffix(".md") + "/"
    return Project(site_project, plain, edited, original, page, sources)


def write_plain(plain: Path, pages: dict[str, str], section: object, elements: set[str]) -> None:
    """Plain MkDocs: the same Markdown without diagram references, the same
    nav, element pages out of it."""
    (plain / "docs").mkdir(parents=True)
    (plain / "docs" / "index.md").write_text(INDEX, encoding="utf-8")
    for path, markdown in pages.items():
        target = plain / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(DIAGRAM_REFERENCE.sub("", markdown), encoding="utf-8")
    spec = pathspec.GitIgnoreSpec.from_lines(ELEMENT_PAGES)
    if {path for path in pages if spec.match_file(path)} != elements:
        raise SystemExit("the not_in_nav patterns do not match the element pages")
    nav = [{"Home": "index.md"}, {"Architecture": section}]
    text = config(nav, ["search"], not_in_nav="\n".join(ELEMENT_PAGES))
    (plain / "mkdocs.yml").write_text(text, encoding="utf-8")


def plugin_dot_runs(graphs: list[View]) -> list[tuple[str, str]]:
    """(view key, DOT source) of each dot run `render_all` makes without a
    cache: every layout the plugin tries, as a cold build tries them."""
    runs: list[tuple[str, str]] = []
    current = threading.local()
    run_dot, render_source = render_run.run_dot, render.render_source

    def recording_source(key: str, *args: Any, **kwargs: Any) -> render.Rendered:
        current.key = key
        return render_source(key, *args, **kwargs)

    def recording_dot(
        source: str, output: str = "svg", timeout: float = DEFAULTS.dot_timeout
    ) -> bytes:
        runs.append((current.key, source))
        return run_dot(source, output, timeout)

    # In threads: worker processes would record the runs in their own memory.
    processes_from = render.PROCESSES_FROM
    render_run.run_dot, render.render_source = recording_dot, recording_source
    render.PROCESSES_FROM = sys.maxsize
    try:
        render.render_all(graphs, render.RenderOptions(cache=None))
    finally:
        render_run.run_dot, render.render_source = run_dot, render_source
        render.PROCESSES_FROM = processes_from
    if graphs and not runs:
        raise SystemExit("no dot run went through archatlas.render.run.run_dot: update the bench")
    return runs


def with_replicas(text: str, round_: int) -> str:
    """The file's first `replicas` changed: no diagram shows it."""
    edited = REPLICAS.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1 + round_}", text, count=1)
    assert edited != text, "no replicas to edit"
    return edited


def renamed(text: str, name: str) -> str:
    """The file's first element renamed: its name is in several diagrams."""
    return FIRST_NAME.sub(f"name: {name}", text, count=1)


# --- raw dot, archatlas check, serve ---------------------------------------------------------


@dataclass(frozen=True)
class DotRun:
    seconds: float  # wall time of the whole run
    slowest: str  # the view of the slowest source
    slowest_s: float
    timeouts: int  # sources stopped at the plugin's time limit


def dot_once(item: tuple[str, str]) -> tuple[str, float, bool]:
    key, source = item
    started = time.perf_counter()
    command = [render.find_dot(), "-Tsvg"]
    try:
        subprocess.run(
            command, input=source.encode(), capture_output=True, timeout=DEFAULTS.dot_timeout
        )
    except subprocess.TimeoutExpired:
        return key, time.perf_counter() - started, True
    return key, time.perf_counter() - started, False


def dot_run(sources: list[tuple[str, str]], jobs: int) -> DotRun:
    """Every source through `dot -Tsvg`, `jobs` at a time."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        done = list(pool.map(dot_once, sources))
    key, slowest, _ = max(done, key=lambda item: item[1])
    return DotRun(time.perf_counter() - started, key, slowest, sum(out for *_, out in done))


def check_seconds(architecture: Path) -> float:
    """`archatlas check` as a whole process, from spawn to exit."""
    started = time.perf_counter()
    command = [str(ARCHATLAS), "check", str(architecture)]
    done = subprocess.run(command, env=environment(), capture_output=True, timeout=300)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"archatlas check failed:\n{done.stdout.decode()[-2000:]}")
    return seconds


def fetch(url: str, timeout: float) -> str:
    try:
        with urllib.request.urlopen(url, timeout=max(timeout, 0.1)) as response:
            return str(response.read().decode("utf-8", "replace"))
    except OSError:
        return ""


def wait_for(url: str, text: str, server: subprocess.Popen[bytes]) -> float | None:
    """perf_counter once the page holds `text`, polled every 50 ms; None when
    the server stops or SERVE_TIMEOUT passes."""
    deadline = time.perf_counter() + SERVE_TIMEOUT
    while (left := deadline - time.perf_counter()) > 0 and server.poll() is None:
        if text in fetch(url, left):  # a request made during a rebuild waits for its end
            return time.perf_counter()
        time.sleep(0.05)
    return None


def serve_edits(project: Project, dirty: bool, rounds: int) -> list[float | None]:
    """Seconds from saving a renamed service to its page, served, showing the
    new name; None for a round that timed out (the last)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
    url = f"http://127.0.0.1:{port}/{project.element_page}"
    found: list[float | None] = []
    with tempfile.TemporaryFile() as output:
        server = subprocess.Popen(
            command + ["--dirty"] * dirty, **child_options(project.archatlas, output)
        )
        try:
            if wait_for(url, "</html>", server) is None:
                raise SystemExit(f"mkdocs serve did not serve {url}:\n{tail(output)}")
            for round_ in range(rounds):
                time.sleep(1.0)  # the watcher has seen the files at rest
                name = f"Renamed {'dirty' if dirty else 'serve'} {round_}"
                started = time.perf_counter()
                project.edited.write_text(renamed(project.original, name), encoding="utf-8")
                shown = wait_for(url, name, server)
                found.append(None if shown is None else shown - started)
                if shown is None:
                    log(f"  serve: {name!r} not shown in {SERVE_TIMEOUT:g} s:\n{tail(output)}")
                    break
        finally:
            stop(server)
            project.edited.write_text(project.original, encoding="utf-8")
    return found


# --- measuring one variant -------------------------------------------------------------------


@dataclass
class Figures:
    variant: Variant
    runs: int
    elements: int = 0
    files: int = 0
    pages: int = 0
    diagrams: int = 0  # graph views and sequences the pages embed
    sequences: int = 0  # drawn in Python, not by dot
    dot_runs: int = 0  # dot runs of a cold build (every layout tried)
    dot_runs_max: int = 0  # most dot runs for one diagram
    drawing: float = float("nan")  # render_all in-process, no cache
    check: list[float] = field(default_factory=list)
    cold: list[Build] = field(default_factory=list)
    warm: list[Build] = field(default_factory=list)
    replicas: list[Build] = field(default_factory=list)
    rename: list[Build] = field(default_factory=list)
    plain: list[Build] = field(default_factory=list)
    serial: list[DotRun] = field(default_factory=list)
    parallel: list[DotRun] = field(default_factory=list)
    serve_dirty: list[float | None] = field(default_factory=list)
    serve: list[float | None] = field(default_factory=list)

    def wall(self, name: str) -> float:
        return fastest([build.wall for build in getattr(self, name)])

    def builds(self) -> list[Build]:
        return [*self.cold, *self.warm, *self.replicas, *self.rename]


def measure(variant: Variant, runs: int, repeat: int, seed: int, work: Path) -> Figures:
    figures = Figures(variant, runs)
    log(f"{variant.name}: writing the projects, recording the plugin's dot runs")
    project = make_project(work / variant.name, variant, seed, figures)
    checks = -(-repeat // runs)  # the check is quick: `repeat` times even when builds run once
    for round_ in range(runs):  # interleaved: a busy machine slows every figure alike
        project.edited.write_text(project.original, encoding="utf-8")
        figures.check += [check_seconds(project.archatlas / "architecture") for _ in range(checks)]
        shutil.rmtree(project.archatlas / CACHE_DIR, ignore_errors=True)
        replicas = with_replicas(project.original, round_)
        edits = {"cold": project.original, "warm": project.original, "replicas": replicas}
        edits["rename"] = renamed(replicas, f"Renamed {round_}")
        for name, text in edits.items():
            project.edited.write_text(text, encoding="utf-8")
            build = run_build(project.archatlas)
            getattr(figures, name).append(build)
            log(f"  {variant.name} {round_ + 1}/{runs}: {name} {build.wall:.1f} s")
        project.edited.write_text(project.original, encoding="utf-8")
        figures.plain.append(run_build(project.plain))
        figures.serial.append(dot_run(project.sources, 1))
        figures.parallel.append(dot_run(project.sources, cores()))
        log(f"  plain {figures.plain[-1].wall:.1f} s, dot {figures.serial[-1].seconds:.1f} s")
    if variant.name == SERVE_VARIANT:
        figures.serve_dirty = serve_edits(project, True, runs)
        figures.serve = serve_edits(project, False, runs)
        log(f"  serve --dirty {figures.serve_dirty}, serve {figures.serve}")
    shutil.rmtree(work / variant.name, ignore_errors=True)
    return figures


# --- reporting -------------------------------------------------------------------------------


def seconds(value: float | None) -> str:
    if value is None:
        return f"timed out (> {SERVE_TIMEOUT:g} s)"
    return f"{value:,.2f} s" if value < 10 else f"{value:,.1f} s"


def served(values: list[float | None]) -> float | None:
    return None if None in values else fastest([v for v in values if v is not None])


def of(builds: list[Build], attribute: str) -> float:
    return fastest([getattr(build, attribute) for build in builds])


TARGETS = {  # short name: the target
    "warm build": f"warm build ≤ {TARGET_RATIO}{X} plain MkDocs",
    "cold build": f"cold build ≤ {TARGET_RATIO}{X} (plain MkDocs + raw dot serial ÷ cores)",
    "rebuild after an edit": f"rebuild after editing one element ≤ {TARGET_RATIO}{X} warm",
    "serve --dirty": f"edit to refreshed page under serve --dirty ≤ {TARGET_SERVE_S:g} s",
    "check": f"archatlas check ≤ {TARGET_CHECK_S:g} s at {TARGET_SIZE:,} elements",
    "peak memory": f"peak memory ≤ 1 GiB at {TARGET_SIZE:,} elements",
    "failed diagrams": "diagrams that fail: none",
}
Verdict = tuple[bool, str] | None  # (met, the figures), None where a target does not apply


def targets(f: Figures, jobs: int) -> list[Verdict]:
    """A verdict per TARGETS."""
    r, warm, plain, cold = TARGET_RATIO, f.wall("warm"), f.wall("plain"), f.wall("cold")
    serial = fastest([run.seconds for run in f.serial])
    goal = plain + serial / jobs
    goal_text = f"({seconds(plain)} + {seconds(serial)} ÷ {jobs})"
    edits = (f.wall("replicas") / warm, f.wall("rename") / warm)
    at_size, check, dirty = (
        f.variant.elements == TARGET_SIZE,
        fastest(f.check),
        served(f.serve_dirty),
    )
    rss = max(build.rss_mib for build in f.builds())
    failed = sorted({key for build in f.builds() for key in build.failed})
    drawn = sorted({build.rendered + build.cached for build in f.builds()})
    fails = f"{len(failed)} of {f.diagrams:,}: {', '.join(failed[:5])}" if failed else ""
    if not failed and drawn != [f.diagrams]:
        fails = f"the plugin drew {'/'.join(map(str, drawn))} of {f.diagrams:,}"
    return [
        (warm <= r * plain, f"{warm / plain:.2f}{X} ({seconds(warm)} / {seconds(plain)})"),
        (cold <= r * goal, f"{cold / goal:.2f}{X} ({seconds(cold)} / {goal_text})"),
        (max(edits) <= r, f"{edits[0]:.2f}{X} replicas edited, {edits[1]:.2f}{X} renamed"),
        (dirty is not None and dirty <= TARGET_SERVE_S, seconds(dirty)) if f.serve_dirty else None,
        (check <= TARGET_CHECK_S, seconds(check)) if at_size else None,
        (rss <= TARGET_RSS_MIB, f"{rss:,.0f} MiB") if at_size else None,
        (not fails, fails or f"none of {f.diagrams:,}"),
    ]


def figure_rows(f: Figures, jobs: int) -> list[tuple[str, str]]:
    def dot(runs: list[DotRun]) -> str:
        stopped = max(run.timeouts for run in runs)
        return seconds(fastest([run.seconds for run in runs])) + f", {stopped} stopped" * bool(
            stopped
        )

    graphs, slowest = f.diagrams - f.sequences, max(f.serial, key=lambda run: run.slowest_s)
    rss, plain_rss = max(b.rss_mib for b in f.builds()), max(b.rss_mib for b in f.plain)
    html = f"{of(f.warm, 'html_mib'):,.0f} / {of(f.plain, 'html_mib'):,.0f} MiB"
    cpu = " / ".join(seconds(of(getattr(f, name), "cpu")) for name in ("cold", "warm", "plain"))
    serve = [seconds(served(found)) if found else "-" for found in (f.serve_dirty, f.serve)]
    return [
        ("elements / YAML files", f"{f.elements:,} / {f.files:,}"),
        ("pages / diagrams (of which sequences)", f"{f.pages:,} / {f.diagrams:,} ({f.sequences})"),
        ("runs (fastest of)", str(f.runs)),
        ("archatlas check, whole process", seconds(fastest(f.check))),
        ("cold build (diagram cache emptied)", seconds(f.wall("cold"))),
        ("  of which archatlas, to its last drawing", seconds(of(f.cold, "plugin_s"))),
        ("warm build (nothing changed)", seconds(f.wall("warm"))),
        ("  of which archatlas, to its last drawing", seconds(of(f.warm, "plugin_s"))),
        ("rebuild, one service's replicas edited", seconds(f.wall("replicas"))),
        ("  diagrams redrawn", f"{of(f.replicas, 'rendered'):,.0f}"),
        ("rebuild, one service renamed", seconds(f.wall("rename"))),
        ("  diagrams redrawn", f"{of(f.rename, 'rendered'):,.0f}"),
        ("plain MkDocs, same pages and nav", seconds(f.wall("plain"))),
        ("dot runs of a cold build", f"{f.dot_runs:,}"),
        (
            "  per graph diagram: mean / most",
            f"{f.dot_runs / max(graphs, 1):.2f} / {f.dot_runs_max}",
        ),
        ("raw dot, serial", dot(f.serial)),
        ("  slowest source", f"{slowest.slowest}, {seconds(slowest.slowest_s)}"),
        (f"raw dot, {jobs} at a time", dot(f.parallel)),
        ("the plugin's drawing in-process, no cache", seconds(f.drawing)),
        ("serve --dirty: edit to refreshed page", serve[0]),
        ("serve: edit to refreshed page", serve[1]),
        ("peak RSS, archatlas builds / plain", f"{rss:,.0f} / {plain_rss:,.0f} MiB"),
        ("HTML written, archatlas / plain", html),
        ("CPU time, cold / warm / plain", cpu),
        ("ERROR lines in build logs", str(max(build.errors for build in f.builds()))),
        (
            "load average (1 min) at build starts, median",
            f"{statistics.median(b.load for b in [*f.builds(), *f.plain]):.1f}",
        ),
    ]


def table(results: Results, markdown: bool) -> list[str]:
    """A row per target, then per figure; a column per variant."""
    found, jobs = results.variants, results.cores
    columns = [
        [cell(verdict, markdown) for verdict in targets(f, jobs)]
        + [value for _, value in figure_rows(f, jobs)]
        for f in found
    ]
    names = [*TARGETS.values(), *(name for name, _ in figure_rows(found[0], jobs))]
    if markdown:
        names = [f"&nbsp;&nbsp;{n.strip()}" if n.startswith("  ") else n for n in names]
    rows = [["target", *(f.variant.label for f in found)]]
    rows += [[name, *(column[i] for column in columns)] for i, name in enumerate(names)]
    rows.insert(len(TARGETS) + 1, ["**figure**" if markdown else "figure", *("" for _ in found)])
    if markdown:
        rows.insert(1, ["---", *("---" for _ in found)])
        return ["| " + " | ".join(row).rstrip() + " |" for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def cell(verdict: Verdict, markdown: bool) -> str:
    if verdict is None:
        return "-"
    met, text = verdict
    return f"{'met' if met else '**MISSED**' if markdown else 'MISSED'}: {text}"


def summary(results: Results) -> str:
    """The targets missed, by variant."""
    missed = []
    for f in results.variants:
        names = [
            n for n, v in zip(TARGETS, targets(f, results.cores), strict=True) if v and not v[0]
        ]
        missed += [f"at {f.variant.label}: {', '.join(names)}"] if names else []
    return f"Missed {'; '.join(missed)}." if missed else "Every target measured is met."


def runs_note(results: Results) -> str:
    def runs(count: int) -> str:
        return f"{count} run" + "s" * (count != 1)

    fewer = [
        f"{f.variant.label}: {runs(f.runs)}" for f in results.variants if f.runs < results.repeat
    ]
    note = f"every time is the fastest of {runs(results.repeat)}"
    return note + (f", except at {'; '.join(fewer)}" if fewer else "")


def results_page(results: Results) -> str:
    facts = "\n".join(f"| {name} | {value} |" for name, value in results.facts.items())
    return (
        "<!-- Written by bench/build_bench.py --write-docs: run it again, do not edit. -->\n\n"
        f"Measured on {results.date}; {runs_note(results)}. {summary(results)}\n\n"
        + "\n".join(table(results, markdown=True))
        + f"\n\n| machine | |\n|---|---|\n{facts}\n"
    )


def report(results: Results) -> str:
    facts = "; ".join(f"{name} {value}" for name, value in results.facts.items())
    lines = [f"{results.date}: {runs_note(results)}", "", *table(results, markdown=False)]
    return "\n".join([*lines, "", summary(results), f"Machine: {facts}"])


def machine() -> dict[str, str]:
    with open("/proc/cpuinfo", encoding="utf-8") as file:
        model = next((line for line in file if line.startswith("model name")), ": unknown")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    dot = subprocess.run([render.find_dot(), "-V"], capture_output=True, text=True, check=False)
    sources = sorted(Path(archatlas.__file__).parent.rglob("*.py"))
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:12]
    return {
        "CPU": f"{model.split(':', 1)[1].strip()}, {cores()} cores available",
        "RAM": f"{memory:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "MkDocs / Material": f"{version('mkdocs')} / {version('mkdocs-material')}",
        "Graphviz": (dot.stderr or dot.stdout).strip(),
        "archatlas": f"{archatlas.__version__} (sources sha256 {digest})",
    }


@dataclass
class Results:
    variants: list[Figures]
    repeat: int
    facts: dict[str, str]
    date: str
    cores: int

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Results:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = []
        for item in data.pop("variants"):
            item["variant"] = Variant(**item["variant"])
            for name in ("cold", "warm", "replicas", "rename", "plain"):
                item[name] = [Build(**{**b, "failed": tuple(b["failed"])}) for b in item[name]]
            for name in ("serial", "parallel"):
                item[name] = [DotRun(**run) for run in item[name]]
            found.append(Figures(**item))
        return cls(variants=found, **data)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--landscape", type=int, nargs="*", default=[1000], metavar="SIZE")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full", action="store_true", help=f"--repeat runs at {BIG:,}+ too")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="e.g. default-1000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, metavar="FILE", help="save the raw figures")
    parser.add_argument("--from-json", type=Path, metavar="FILE", help="report saved figures")
    parser.add_argument("--write-docs", action="store_true", help=f"write {RESULTS_PAGE.name}")
    args = parser.parse_args(argv)
    results = Results.load(args.from_json) if args.from_json else run(args)
    print(report(results), flush=True)
    if args.write_docs:
        RESULTS_PAGE.write_text(results_page(results), encoding="utf-8")
        log(f"wrote {RESULTS_PAGE.relative_to(REPO)}")
    return 0


def run(args: argparse.Namespace) -> Results:
    chosen = [v for v in variants(args.sizes, args.landscape) if v.name in (args.only or [v.name])]
    if not chosen:
        raise SystemExit("no variant chosen: see --sizes, --landscape and --only")
    results = Results([], args.repeat, machine(), time.strftime("%Y-%m-%d"), cores())
    with tempfile.TemporaryDirectory(prefix="archatlas-build-bench-") as work:
        for variant in chosen:
            runs = args.repeat if args.full or variant.elements < BIG else 1
            results.variants.append(measure(variant, runs, args.repeat, args.seed, Path(work)))
            if args.json:
                results.save(args.json)  # what is done so far survives a later failure
    return results


if __name__ == "__main__":
    sys.exit(main())
