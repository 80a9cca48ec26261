"""The ``crisiskit`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from crisiskit._version import __version__

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crisiskit",
        description="Customer-crisis management for CRMs: lifecycle, grading, SLA timers.",
    )
    parser.add_argument("--version", action="version", version=f"crisiskit {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = _parser()
    parser.parse_args(argv)
    parser.print_help(sys.stdout)
    return 0
