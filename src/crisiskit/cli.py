"""The ``crisiskit`` command line.

Exit codes: 0 on success; 2 for bad input, with a one-line reason on stderr and no
traceback. Anything else is a bug in crisiskit.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from crisiskit._version import __version__
from crisiskit.errors import CrisisKitError
from crisiskit.lifecycle import to_dot, to_mermaid

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input on the command line: the message is shown on one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


Handler = Callable[[argparse.Namespace], int]


def _diagram(args: argparse.Namespace) -> int:
    print(to_mermaid() if args.format == "mermaid" else to_dot())
    return EXIT_OK


def _parser() -> _Parser:
    parser = _Parser(
        prog="crisiskit",
        description="Customer-crisis management for CRMs: lifecycle, grading, SLA timers.",
    )
    parser.add_argument("--version", action="version", version=f"crisiskit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    diagram = commands.add_parser("diagram", help="print the lifecycle as a Mermaid or DOT diagram")
    diagram.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")
    diagram.set_defaults(handler=_diagram)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help(sys.stdout)
            return EXIT_OK
        return handler(args)
    except (UsageError, CrisisKitError, OSError) as exc:
        message = " ".join(str(exc).split())
        print(
            f"crisiskit: {message}" if not message.startswith("crisiskit") else message,
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
