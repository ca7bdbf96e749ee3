"""The ``byline`` command: the reader, and the engine from the shell.

``byline`` with no arguments opens the reader on the bundled corpus; ``byline PATH`` on any corpus. The
subcommands print what the reader shows, as text for people (untrusted text neutralised) or ``--json`` for
scripts (text kept exactly). Exit status: 0 success, 1 a problem with the index or corpus, 2 a bad command
line or query.

One module a command group (:mod:`.reading`, :mod:`.compare`, :mod:`.entities`, :mod:`.stories`, :mod:`.web`),
each adding its commands with ``register``; what they share is in :mod:`.common`; none imports another.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import reading
from .common import BadCommandLine, fail


class _VersionAction(argparse.Action):
    """``--version``, with the version looked up only when asked for (``importlib.metadata`` takes 10 ms, which
    every start of the reader would pay)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: object = argparse.SUPPRESS, help: str = "show program's version number and exit") -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        print(f"byline {_version()}")
        parser.exit()


def build_parser(everything: bool = True, command: str | None = None) -> argparse.ArgumentParser:
    """The ``byline`` command line; with ``everything`` false only its ``open`` command (what starting the reader
    needs: the other commands' parsers import parts of the engine, 25 ms of the reader's start-up). A ``command``
    of the reading group (``search``, ``show``, ...) gets only its own parser: the comparison commands import the
    comparison engine (a third of a whole ``byline search`` process), and each parser built costs a search
    process a millisecond or two. Only the ``byline COMMAND`` part is parsed by the top parser, whose usage
    names no command, so a command's help, errors and parsing are the same either way."""
    parser = argparse.ArgumentParser(
        prog="byline",
        description="Byline: read how different outlets tell the same story, side by side, in your terminal.",
        epilog=reading.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    if everything and command in reading.COMMANDS:
        reading.register(sub, command)
        return parser
    reading.register_open(sub)
    if not everything:
        return parser
    reading.register(sub)
    from . import compare, entities, stories, web

    for module in (compare, entities, stories, web):
        module.register(sub)
    return parser


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("byline")
    except Exception:
        return "unknown"



def _opens_reader(argv: Sequence[str]) -> bool:
    """Whether ``argv`` surely means ``byline open``, without knowing every command's name: nothing, ``open``,
    an option of ``open``, or a path (command names are plain words: no separator, no dot)."""
    if not argv:
        return True
    first = argv[0]
    if first.startswith("-"):
        return first not in ("-h", "--help", "--version")
    return first == "open" or any(mark in first for mark in {os.sep, "/", "."})


def _with_default_command(argv: list[str], commands: Sequence[str]) -> list[str]:
    """``byline`` and ``byline PATH`` mean ``byline open [PATH]``."""
    if not argv:
        return ["open"]
    first = argv[0]
    if first in commands or first in ("-h", "--help", "--version"):
        return argv
    return ["open", *argv]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(everything=not _opens_reader(argv), command=argv[0] if argv else None)
    commands = list(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    args = parser.parse_args(_with_default_command(argv, commands))
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except Exception as exc:
        return _failed(exc)


def _failed(exc: Exception) -> int:
    """The exit status of a command that raised ``exc``, with one line on stderr saying what went wrong; ``exc``
    itself when no line can (a bug, whose traceback is wanted). The error classes are imported here, once
    something failed: a command that succeeds does not load the annotator's module or SQLite to name them."""
    import sqlite3

    from index import IndexProblem, ModelError, QueryError

    if isinstance(exc, QueryError):
        return fail(f"bad query: {exc}", 2)
    if isinstance(exc, BadCommandLine):
        return fail(str(exc), 2)
    if isinstance(exc, (IndexProblem, ModelError, FileNotFoundError, PermissionError)):
        return fail(str(exc))
    if isinstance(exc, BrokenPipeError):
        return 0
    if isinstance(exc, sqlite3.DatabaseError):  # a cache beside the index, damaged or locked by another program
        return fail(f"a cache file in the index folder cannot be used ({exc}); rebuild the index with "
                    "`byline index --rebuild`, or delete the index folder if that does not help")
    if isinstance(exc, OSError):  # the last resort: what failed, on which file, never a traceback
        where = f": {exc.filename}" if exc.filename else ""
        return fail(f"{exc.strerror or exc}{where}")
    raise exc
