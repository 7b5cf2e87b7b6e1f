"""The `archatlas` command: glue from arguments to the library and exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .check import check_directory
from .report import FORMATS, REPORTERS
from .schema import schema_text

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="archatlas", description="Validate and render architecture described in YAML."
    )
    main.add_argument("--version", action="version", version=f"archatlas {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate an architecture directory")
    check.add_argument("directory", nargs="?", default="architecture", type=Path)
    check.add_argument("--format", choices=FORMATS, default="text")
    check.add_argument("--strict", action="store_true", help="warnings fail too")

    commands.add_parser("schema", help="print the JSON Schema of the format")
    return main


def run_check(args: argparse.Namespace) -> int:
    directory: Path = args.directory
    if not directory.is_dir():
        print(f"archatlas: error: '{directory}' is not a directory", file=sys.stderr)
        return EXIT_USAGE
    result = check_directory(directory)
    sys.stdout.write(REPORTERS[args.format](result))
    return EXIT_FINDINGS if result.fails(strict=args.strict) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "check":
        return run_check(args)
    sys.stdout.write(schema_text())
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
