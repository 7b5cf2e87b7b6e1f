"""What several test files share: paths, the commands under test, fakes.

- `environment()`: the environment a command under test runs in.
- `fake_dot()`: a `dot` that answers `dot -V` as Graphviz does, then runs a script.
- `run_cli()`, `mkdocs_build()`: `archatlas ...` and `mkdocs build` in a
  process of their own, forked from a server process that has archatlas and
  MkDocs imported already: each run gets its own working directory,
  environment, exit code, stdout and stderr (file descriptors 1 and 2, as a
  subprocess's), and a hang or a crash fails its own run only, without the
  interpreter start and imports of a subprocess (about a second each).
  Tests of the installed commands themselves (the console script, the CI
  examples, pre-commit, `mkdocs serve`) run them as subprocesses.
- The browser tests' fixtures (test_browser.py, test_viewer.py): the example
  site built once, one HTTP server for the sites under test, one Chromium
  (`site`, `server`, `browser`, `page`, `reader`).
"""

from __future__ import annotations

import atexit
import hashlib
import http.server
import importlib.util
import io
import multiprocessing
import multiprocessing.pool
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
EXAMPLE = ROOT / "architecture"
BENCH = ROOT / "bench"


def load_bench(name: str) -> ModuleType:
    """The script bench/NAME.py as a module: the tests use its functions."""
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


# Builds under test sign their site memo with a key of their own, kept here
# rather than in the user's cache folder (see site_memo).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="archatlas-tests-user-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)

VENV_BIN = Path(sys.executable).parent
BUILD_TIMEOUT = 180
CLI_TIMEOUT = 60


# The test files that take longest, in that order, run first: with pytest-xdist
# (pyproject.toml: -n 2 --dist loadfile --no-loadscope-reorder) a worker starts
# on each, and the shorter files fill in around them, so both workers finish
# at about the same time. The other files follow in their usual order.
LONGEST_FIRST = (
    "test_browser.py",
    "test_site.py",
    "test_viewer.py",
    "test_cache.py",
    "test_diff.py",
    "test_properties.py",
    "test_hostile.py",
    "test_serve.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


def environment(path: str | None = None, **extra: str) -> dict[str, str]:
    """The machine's environment for a command under test.

    Without PYTHONPATH (the installed archatlas runs), without Material's
    end-of-life banner, without the user's git configuration; `path`
    replaces PATH, and `extra` sets more variables.
    """
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    if path is not None:
        env["PATH"] = path
    env.update(extra)
    return env


def fake_dot(folder: Path, script: str) -> str:
    """A PATH whose first folder holds a fake `dot`.

    Like Graphviz's, it prints its version on stderr for `dot -V` and exits 0
    (archatlas asks it for the diagram cache's key); otherwise it runs `script`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    dot = folder / "dot"
    # Each fake is a Graphviz of its own, as the diagram cache keys by
    # version: one fake's failures are not remembered for another.
    name = hashlib.sha1(script.encode()).hexdigest()[:8]
    reply = f"dot - graphviz version 0.0.0 (fake {name})"
    version = f'case "$1" in -V) echo "{reply}" >&2; exit 0;; esac\n'
    dot.write_text("#!/bin/sh\n" + version + script + "\n", encoding="utf-8")
    dot.chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"


def archatlas_command() -> list[str]:
    """The installed `archatlas` console script (or the module, without one)."""
    script = VENV_BIN / "archatlas"
    return [str(script)] if script.exists() else [sys.executable, "-m", "archatlas.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- commands in forked processes -------------------------------------------------------


@dataclass
class Ran:
    """What a run of a command left: as subprocess.run's result, and its duration."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    started: float = 0.0  # time.time() when it started


def _exit_code(code: object) -> int:
    """The exit status that `sys.exit(code)` gives a process."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _main(program: str, argv: list[str]) -> object:
    """Run `program argv` as its console script does; what it returns or exits with."""
    if program == "archatlas":
        from archatlas.cli import main

        return main(argv)
    if program == "mkdocs":
        from mkdocs.__main__ import cli

        return cli.main(args=argv, prog_name="mkdocs")
    raise ValueError(program)


def _child(
    program: str, argv: list[str], cwd: str, env: dict[str, str]
) -> tuple[int, bytes, bytes, float, float]:
    """Runs in a fresh process of the pool: `program argv` in `cwd` with `env`.

    stdout and stderr are file descriptors 1 and 2, as in a subprocess, and an
    exception ends the run as it ends a Python program: traceback and exit 1.
    """
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = [program, *argv]
    encoding, errors = sys.__stdout__.encoding, sys.__stdout__.errors  # type: ignore[union-attr]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout = io.TextIOWrapper(
            io.FileIO(1, "w", closefd=False), encoding=encoding, errors=errors
        )
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False),
            encoding=encoding,
            errors="backslashreplace",
            line_buffering=True,
        )
        started, wall = time.monotonic(), time.time()
        try:
            code = _exit_code(_main(program, argv))
        except SystemExit as exit:
            code = _exit_code(exit.code)
        except BaseException:
            traceback.print_exc()
            code = 1
        seconds = time.monotonic() - started
        sys.stdout.flush()
        sys.stderr.flush()
        out.seek(0)
        err.seek(0)
        return code, out.read(), err.read(), seconds, wall


# What the server imports once; a module that is missing (renamed, say) is
# skipped, and a child that needs it imports it.
PRELOAD = [
    "conftest",
    "archatlas.cli",
    "archatlas.check",
    "archatlas.render",
    "archatlas.diff",
    "archatlas.plugin",
    "mkdocs.__main__",
    "mkdocs.commands.build",
    "material.plugins.search.plugin",
]
_pool: multiprocessing.pool.Pool | None = None


def _forked_pool() -> multiprocessing.pool.Pool:
    """Two workers, each used once, forked from a server that imported PRELOAD.

    Each child imports the parent's main module, as multiprocessing does: call
    this from pytest, or from a script whose work sits under
    `if __name__ == "__main__":`. The pool starts once per test session (per
    xdist worker) and is checked
    with `archatlas --version`, so that a pool whose processes cannot start
    fails the first run at once instead of every run after a timeout.
    """
    global _pool
    if _pool is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        # The server imports conftest from the PATH it starts with (Python 3.11's
        # forkserver does not take the parent's sys.path): each child then has it.
        pythonpath = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), pythonpath]))
        try:
            pool = context.Pool(processes=2, maxtasksperchild=1)
        finally:
            if pythonpath is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = pythonpath
        try:
            code, out, err, *_ = pool.apply_async(
                _child, ("archatlas", ["--version"], str(ROOT), environment())
            ).get(timeout=CLI_TIMEOUT)
        except BaseException:
            pool.terminate()
            raise
        assert code == 0 and out.startswith(b"archatlas "), (code, out, err)
        _pool = pool
    return _pool


@pytest.fixture(scope="session", autouse=True)
def _close_forked_pool() -> Iterator[None]:
    yield
    global _pool
    if _pool is not None:
        _pool.terminate()
        _pool.join()
        _pool = None


def run_forked(
    program: str,
    runs: Sequence[tuple[Sequence[str], Path]],
    *,
    env: dict[str, str] | None = None,
    timeout: float = CLI_TIMEOUT,
    errors: str = "replace",
) -> list[Ran]:
    """`program ARGS` in folder CWD for each (ARGS, CWD), two at a time.

    `program` is "archatlas" or "mkdocs". A run that does not finish within
    `timeout` seconds (it hangs, or its process died) is reported as exit -1
    with the reason on stderr. Output is decoded as UTF-8 with `errors`.
    """
    env = environment() if env is None else env
    pool = _forked_pool()
    pending = [
        (list(argv), pool.apply_async(_child, (program, list(argv), str(cwd), env)))
        for argv, cwd in runs
    ]
    results = []
    for argv, waiting in pending:
        try:
            code, out, err, seconds, started = waiting.get(timeout=timeout)
        except multiprocessing.TimeoutError:
            message = f"{program} {' '.join(argv)} did not finish in {timeout:g} s"
            results.append(Ran(argv, -1, "", message, timeout))
            continue
        stdout, stderr = out.decode("utf-8", errors), err.decode("utf-8", errors)
        results.append(Ran(argv, code, stdout, stderr, seconds, started))
    return results


def run_cli_all(
    runs: Sequence[tuple[Sequence[str], Path]],
    *,
    env: dict[str, str] | None = None,
    timeout: float = CLI_TIMEOUT,
    errors: str = "replace",
) -> list[Ran]:
    """`archatlas ARGS` in folder CWD for each (ARGS, CWD), two at a time (see run_forked)."""
    return run_forked("archatlas", runs, env=env, timeout=timeout, errors=errors)


def run_cli(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = CLI_TIMEOUT,
    errors: str = "replace",
) -> Ran:
    """`archatlas ARGS` run in `cwd` (see run_forked)."""
    (ran,) = run_cli_all([(args, cwd)], env=env, timeout=timeout, errors=errors)
    return ran


# --- MkDocs -----------------------------------------------------------------------------


def mkdocs_build(
    project: Path,
    *,
    site: str | Path = "site",
    strict: bool = True,
    command: Sequence[str] | None = None,
    path: str | None = None,
    cwd: Path | None = None,
) -> Ran | subprocess.CompletedProcess[str]:
    """`mkdocs build` of project/mkdocs.yml into project/site, in `cwd` (the project).

    MkDocs runs in a forked process (see run_forked); with `command`, that
    command (`properdocs`, say) runs `build` as a subprocess. `path` replaces PATH.
    """
    args = ["build", "-f", str(project / "mkdocs.yml"), "-d", str(project / site)]
    if strict:
        args.append("--strict")
    if command is not None:
        return subprocess.run(
            [*command, *args],
            cwd=cwd or project,
            env=environment(path),
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    (ran,) = run_forked(
        "mkdocs",
        [(args, cwd or project)],
        env=environment(path),
        timeout=BUILD_TIMEOUT,
        errors="strict",
    )
    return ran


# --- the browser tests ----------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
# The sites' host names: both are served by the one local test server.
SITE_HOSTS = ("example.localhost", "hostile.localhost")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # The sites' names lead to the test server, and nowhere else (no DNS).
    "--host-resolver-rules=" + ", ".join(f"MAP {host} 127.0.0.1" for host in SITE_HOSTS),
]
VIEWPORT = {"width": 1280, "height": 900}


class _Sites(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SitesHandler)
        self.sites: dict[str, Path] = {}  # host name: the site's folder

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the browser stopped reading: it navigated away, or closed
        super().handle_error(request, client_address)


class _SitesHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site that the request's host name names; 404 for any other host."""

    server: _Sites

    def translate_path(self, path: str) -> str:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        site = self.server.sites.get(host)
        if site is None:
            return "/nonexistent/no-such-site"
        self.directory = str(site)
        return super().translate_path(path)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server:
    """The one HTTP server of the browser tests, on 127.0.0.1."""

    def __init__(self) -> None:
        self.server = _Sites()
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, host: str, site: Path) -> Served:
        assert host in SITE_HOSTS, host
        self.server.sites[host] = site
        return Served(site, f"http://{host}:{self.port}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class Served:
    """A built site, served over HTTP by the test server under a host name of its own."""

    def __init__(self, site: Path, base: str) -> None:
        self.site = site
        self.base = base

    def url(self, path: str) -> str:
        return self.base + "/" + path.lstrip("/")

    def pages(self) -> list[str]:
        """The URL path of every HTML page of the site."""
        found = []
        for path in sorted(self.site.rglob("*.html")):
            relative = path.relative_to(self.site).as_posix()
            if relative == "index.html":
                found.append("/")
            elif relative.endswith("/index.html"):
                found.append("/" + relative.removesuffix("index.html"))
            else:
                found.append("/" + relative)
        return found


def build(root: Path, *, strict: bool = True) -> Path:
    """The site of root/mkdocs.yml, built by `mkdocs build` run in `root`."""
    done = mkdocs_build(root, strict=strict)
    assert done.returncode == 0, f"mkdocs build failed:\n{done.stdout}\n{done.stderr}"
    return root / "site"


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    started = Server()
    yield started
    started.close()


@pytest.fixture(scope="session")
def site(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Served:
    root = tmp_path_factory.mktemp("example-site")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copytree(ROOT / "architecture", root / "architecture")
    return server.serve("example.localhost", build(root))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (skips without either)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    playwright = sync_api.sync_playwright().start()
    try:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
    except Exception:
        playwright.stop()
        raise
    yield launched
    launched.close()
    playwright.stop()


def new_page(browser: Any) -> Any:
    """A fresh page in a context of its own (no palette or search state carried over)."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page in a context of its own, for a test that clicks or types."""
    opened = new_page(browser)
    yield opened
    opened.context.close()


@pytest.fixture(scope="session")
def _reading_page(browser: Any) -> Iterator[Any]:
    opened = new_page(browser)
    yield opened
    opened.context.close()


@pytest.fixture
def reader(_reading_page: Any) -> Iterator[Any]:
    """One page, in a context of its own, kept for the tests that only open pages and read them.

    They neither click nor type, so no state is carried from one to the next;
    web storage is emptied after each all the same. A page already open has
    the theme's scripts compiled: opening a page in it costs far less than
    in a new one.
    """
    yield _reading_page
    if _reading_page.url.startswith("http"):
        _reading_page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")


# --- colours -------------------------------------------------------------------------


def _luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: list[float], background: list[float]) -> float:
    """WCAG contrast ratio; a translucent foreground is composited over the background."""
    alpha = foreground[3] if len(foreground) > 3 else 1
    shown = [foreground[i] * alpha + background[i] * (1 - alpha) for i in range(3)]
    light, dark = sorted((_luminance(shown), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
