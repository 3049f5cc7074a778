"""The command line: ``python -m bot <command>`` (the ``vestka`` script is the same).

Each command lives in a small module of this package (``feeds``, ``registry``, ``scan``, and the
process roles ``run``, ``serve``, ``send``, ``watch``) that registers its parser and a handler; this
module only assembles them. Exit codes: 0 ok, 1 done but some input rejected, 2 usage or
configuration error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import feeds, registry, run, scan, send, serve, watch

COMMANDS = (run, serve, send, watch, registry, feeds, scan)


class Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; this only keeps its message to one clear line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="vestka",
        description="Vestka: Telegram alerts when a political prisoner or a prison is in the news.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    for module in COMMANDS:
        module.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 0
