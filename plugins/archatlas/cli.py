"""The `archatlas` command: glue from arguments to the library and exit codes."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .collector import without_cycle_collection_until_exit
from .diff_report import DIFF_FORMATS
from .findings import plural
from .report import CHECK_FORMATS, OutputFormat
from .settings import DEFAULTS, DIAGRAM_FORMATS, BuildSettings

if TYPE_CHECKING:
    from .check import Result

# Each command imports the stages it runs, inside its function: `check`, which
# pre-commit runs on every commit, does not load the renderer or Jinja2.

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DIRECTORY: dict[str, Any] = {
    "nargs": "?",
    "type": Path,
    "help": "the architecture folder (default: from mkdocs.yml, else 'architecture')",
}


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="archatlas", description="Validate and render architecture described in YAML."
    )
    main.add_argument("--version", action="version", version=f"archatlas {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate an architecture directory")
    check.add_argument("directory", **DIRECTORY)
    check.add_argument("--format", **_format_choices(CHECK_FORMATS, "text"))
    check.add_argument("--strict", action="store_true", help="warnings fail too")

    commands.add_parser("schema", help="print the JSON Schema of the format")

    render = commands.add_parser(
        "render", help="write the generated pages and diagrams into a folder"
    )
    render.add_argument("directory", **DIRECTORY)
    render.add_argument("--out", required=True, type=Path, help="folder to write into")
    render.add_argument("--url-prefix", default=DEFAULTS.url_prefix, help="folder of the pages")
    render.add_argument("--allow-html", action="store_true", help="keep raw HTML in descriptions")
    render.add_argument(
        "--diagram-format", choices=DIAGRAM_FORMATS, default=DEFAULTS.diagram_format
    )
    render.add_argument(
        "--dot-timeout", type=float, default=DEFAULTS.dot_timeout, metavar="SECONDS"
    )
    render.add_argument("--cache-dir", default=DEFAULTS.cache_dir, help="the diagram cache")
    render.add_argument(
        "--no-cache", dest="cache", action="store_false", help="draw every diagram anew"
    )

    diff = commands.add_parser(
        "diff", help="what changed between two revisions (or directories) of the architecture"
    )
    diff.add_argument("base", help="git revision or directory before the change")
    diff.add_argument("head", nargs="?", help="git revision or directory (default: working tree)")
    diff.add_argument("--architecture-dir", help=DIRECTORY["help"])
    diff.add_argument("--format", **_format_choices(DIFF_FORMATS, "markdown"))
    diff.add_argument("--image", type=Path, help="write a diff diagram (.svg or .png)")
    diff.add_argument(
        "--fail-on-new-errors", action="store_true", help="exit 1 when the change adds errors"
    )

    _import_commands(commands)
    return main


def _import_commands(commands: Any) -> None:
    from .imports import IMPORTERS

    names = tuple(IMPORTERS)
    read = commands.add_parser(
        "import", help="write architecture YAML from Kubernetes, Compose or Backstage files"
    )
    read.add_argument(
        "source",
        choices=names,
        help="; ".join(f"{item.name}: {item.summary}" for item in IMPORTERS.values()),
    )
    read.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a file or folder")
    read.add_argument("--out", required=True, type=Path, help="folder to write the YAML into")
    read.add_argument("--merge", action="store_true", help="keep what the folder already holds")
    _import_options(read)

    from .drift_report import DRIFT_FORMATS

    drift = commands.add_parser(
        "drift", help="compare the architecture with Kubernetes, Compose or Backstage files"
    )
    drift.add_argument("directory", **DIRECTORY)
    sources = drift.add_mutually_exclusive_group(required=True)
    for name in names:
        sources.add_argument(
            f"--{name}", nargs="+", type=Path, metavar="PATH", help=IMPORTERS[name].summary
        )
    drift.add_argument("--format", **_format_choices(DRIFT_FORMATS, "text"))
    _import_options(drift)

    from .export import EXPORTERS

    export = commands.add_parser(
        "export", help="write the architecture as Backstage entities, Structurizr or LikeC4"
    )
    export.add_argument(
        "target",
        choices=tuple(EXPORTERS),
        help="; ".join(f"{item.name}: {item.summary}" for item in EXPORTERS.values()),
    )
    export.add_argument("directory", **DIRECTORY)
    export.add_argument("--out", required=True, type=Path, help="folder to write into")


def _import_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--system", default="", help="id of the system (default: folder name)")
    command.add_argument(
        "--profile", action="append", default=[], help="a Compose profile to activate"
    )
    command.add_argument(
        "--env-file", action="append", default=[], type=Path, help="a Compose .env file"
    )
    command.add_argument(
        "--environment",
        default="",
        help="Kubernetes: the environment each namespace is a deployment in (default: production)",
    )


def _format_choices(formats: dict[str, OutputFormat[Any]], default: str) -> dict[str, Any]:
    described = "; ".join(f"{item.name}: {item.summary}" for item in formats.values())
    return {"choices": tuple(formats), "default": default, "help": described}


def default_directory() -> Path:
    """The plugin's architecture_dir in ./mkdocs.yml, else 'architecture'."""
    from .revisions import architecture_dir_from_config

    configured = architecture_dir_from_config(Path("mkdocs.yml"))
    return Path(configured or DEFAULTS.architecture_dir)


def architecture_directory(args: argparse.Namespace) -> Path | None:
    """The folder the command reads (DIR, else as mkdocs.yml says), or None
    once it is reported not to be one."""
    directory: Path = args.directory or default_directory()
    if directory.is_dir():
        return directory
    print(f"archatlas: error: '{directory}' is not a directory", file=sys.stderr)
    return None


def run_check(args: argparse.Namespace) -> int:
    directory = architecture_directory(args)
    if directory is None:
        return EXIT_USAGE
    from .check import check_directory

    result = check_directory(directory)
    sys.stdout.write(CHECK_FORMATS[args.format].write(result))
    return EXIT_FINDINGS if result.fails(strict=args.strict) else EXIT_OK


def valid_or_reported(directory: Path) -> Result | None:
    """The checked architecture of `directory`, or None once its errors are
    printed: the commands that write files write nothing from an invalid one."""
    from .check import check_directory

    result = check_directory(directory)
    if not result.fails():
        return result
    sys.stderr.write(CHECK_FORMATS["text"].write(result))
    print("archatlas: nothing written: fix the errors first", file=sys.stderr)
    return None


def run_render(args: argparse.Namespace) -> int:
    directory = architecture_directory(args)
    if directory is None:
        return EXIT_USAGE
    from .render import DotNotFound, find_dot
    from .report import format_finding
    from .site import build_site, output_files, site_options

    try:
        find_dot()
    except DotNotFound as error:
        print(f"archatlas: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    result = valid_or_reported(directory)
    if result is None:
        return EXIT_FINDINGS
    settings = BuildSettings.from_mapping({**vars(args), "architecture_dir": str(directory)})
    site = build_site(result, site_options(settings, Path.cwd()))
    problems = site.diagram_findings()
    for path, content in output_files(site).items():
        target = args.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    for problem in problems:
        print(format_finding(problem), file=sys.stderr)
    pages, diagrams = plural(len(site.pages), "page"), plural(len(site.diagrams), "diagram")
    print(f"{pages} and {diagrams} written to {args.out}")
    return EXIT_FINDINGS if problems else EXIT_OK


def run_diff(args: argparse.Namespace) -> int:
    image: Path | None = args.image
    if image is not None and image.suffix not in (".svg", ".png"):
        print(f"archatlas: error: --image must end in .svg or .png: '{image}'", file=sys.stderr)
        return EXIT_USAGE
    from .render import DotNotFound, RenderError, diagram_file
    from .revisions import SideError, compare_sides
    from .views import diff_view

    folder = args.architecture_dir or str(default_directory())
    with tempfile.TemporaryDirectory(prefix="archatlas-diff-") as scratch:
        try:
            found = compare_sides(args.base, args.head, folder, Path(scratch))
        except SideError as error:
            print(f"archatlas: error: {error}", file=sys.stderr)
            return EXIT_USAGE
        report = DIFF_FORMATS[args.format].write
        sys.stdout.write(report(found.diff, found.base.label, found.head.label))
        if image is not None:
            changed = [change.element.id for change in found.diff.changed]
            view = diff_view(found.before.architecture, found.after.architecture, changed)
            try:
                image.write_bytes(diagram_file(view, "png" if image.suffix == ".png" else "svg"))
            except (DotNotFound, RenderError) as error:
                print(f"archatlas: error: no diff image: {error}", file=sys.stderr)
                return EXIT_USAGE
    return EXIT_FINDINGS if args.fail_on_new_errors and found.diff.introduces_errors else EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    from .imports import Options
    from .imports.run import missing_paths
    from .imports.run import run_import as do_import

    missing = missing_paths(args.paths)
    if missing:
        print(f"archatlas: error: no such file or folder: '{missing[0]}'", file=sys.stderr)
        return EXIT_USAGE
    options = Options(args.system, tuple(args.profile), tuple(args.env_file), args.environment)
    outcome = do_import(args.source, args.paths, args.out, options, args.merge)
    sys.stdout.write(outcome.output)
    return outcome.status


def run_drift(args: argparse.Namespace) -> int:
    from .drift_report import DRIFT_FORMATS
    from .drift_report import run_drift as do_drift
    from .imports import IMPORTERS, Options
    from .imports.run import missing_paths

    directory = architecture_directory(args)
    if directory is None:
        return EXIT_USAGE
    source = next(name for name in IMPORTERS if getattr(args, name) is not None)
    paths: list[Path] = getattr(args, source)
    missing = missing_paths(paths)
    if missing:
        print(f"archatlas: error: no such file or folder: '{missing[0]}'", file=sys.stderr)
        return EXIT_USAGE
    options = Options(args.system, tuple(args.profile), tuple(args.env_file), args.environment)
    found = do_drift(directory, source, paths, options)
    if found.check_errors:
        errors = plural(found.check_errors, "error")
        print(f"archatlas: the architecture has {errors}: run archatlas check", file=sys.stderr)
    sys.stdout.write(DRIFT_FORMATS[args.format].write(found.result))
    return EXIT_FINDINGS if found.differs else EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    directory = architecture_directory(args)
    if directory is None:
        return EXIT_USAGE
    from .export import EXPORTERS

    result = valid_or_reported(directory)
    if result is None:
        return EXIT_FINDINGS
    exporter = EXPORTERS[args.target]
    files = exporter.write(result.architecture)
    for name, content in files.items():
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / name).write_text(content, encoding="utf-8")
    written = ", ".join(str(args.out / name) for name in files)
    left_out = exporter.left_out(result.architecture)
    print(f"{plural(len(result.architecture.elements), 'element')} in {written}{left_out}")
    return EXIT_OK


# The commands that read architectures, report and end: see collector.
READ_AND_EXIT = ("check", "diff")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command `argv` names; without `argv`, the process's own
    arguments, in a process that ends with the command."""
    args = parser().parse_args(argv)
    if argv is None and args.command in READ_AND_EXIT:
        without_cycle_collection_until_exit()
    if args.command == "export":
        return run_export(args)
    if args.command == "import":
        return run_import(args)
    if args.command == "drift":
        return run_drift(args)
    if args.command == "check":
        return run_check(args)
    if args.command == "render":
        return run_render(args)
    if args.command == "diff":
        return run_diff(args)
    from .schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
