"""The ``byline entities`` command: the corpus's canonical entities, who mentions them, and corrections.

::

    byline entities [--label L] [--sort mentions|sources] [--limit N] [--json]   every entity
    byline entities show NAME [--json]              its names as found, articles, sources and why names merged
    byline entities missing NAME [--query Q]        which sources mention it and which leave it out
    byline entities merge NAME NAME...              these are one entity (saved to the corpus's alias file)
    byline entities split NAME --from ENTITY        NAME is not ENTITY (a wrong merge)
    byline entities drop NAME                       NAME is no name at all (a mis-tag)

Corrections are saved to the corpus's ``aliases.toml`` (or beside the index when the corpus is read-only, as
the bundled seeds are) and apply at once, without re-indexing; they survive re-indexing. The command only
parses arguments and prints; the engine (:mod:`index.entities`) does the work.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from reader.safe import one_line

KINDS = ("person", "org", "place", "group", "other")


def register(subparsers: Any, parents: Sequence[argparse.ArgumentParser] = ()) -> None:
    """Add ``entities`` (and its actions) to the CLI's subparsers.

    ``parents`` are passed to each parser (one holding ``--corpus``/``--index-dir``); without them this adds
    those options itself. Handlers read ``args.corpus``, ``args.index_dir`` and ``args.json``.
    """
    parents = list(parents) or [_location_parser()]
    main = subparsers.add_parser(
        "entities", parents=parents, help="list the corpus's people, groups and places; fix wrong merges",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Every canonical entity of the corpus: one entity however the articles spell or name it "
                    "(spelling variants, acronyms the text defines, a lone surname, the corpus's alias file). "
                    "Corrections (merge, split, drop) are saved to the corpus's aliases.toml and apply at once.",
        epilog="examples:\n"
               "  byline entities --label PERSON --sort sources\n"
               "  byline entities show 'Sabihullah Mujahid'\n"
               "  byline entities missing IS-K --query taliban\n"
               "  byline entities merge 'Afghans' 'Afghan'\n"
               "  byline entities split Mohammad --from 'Feda Mohammad'")
    _list_options(main)
    main.set_defaults(handler=run_list)
    actions = main.add_subparsers(dest="entities_command", metavar="{list,show,missing,merge,split,drop}")

    listing = actions.add_parser("list", parents=parents, help="every entity (the default)")
    _list_options(listing)
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", parents=parents, help="one entity: names, articles, sources, merges")
    show.add_argument("name", help="any of its names, or its id")
    _kind_option(show)
    _json_option(show)
    show.set_defaults(handler=run_show)

    missing = actions.add_parser("missing", parents=parents, help="who mentions an entity and who leaves it out",
                                 description="Over a group of articles (a search's hits, or the whole corpus), "
                                             "the sources that mention the entity and those that do not.")
    missing.add_argument("name")
    missing.add_argument("--query", "-q", default="", help="the group: articles matching this search")
    _kind_option(missing)
    _json_option(missing)
    missing.set_defaults(handler=run_missing)

    merge = actions.add_parser("merge", parents=parents, help="make several entities one (the first one)")
    merge.add_argument("names", nargs="+", metavar="NAME")
    _json_option(merge)
    merge.set_defaults(handler=run_merge)

    split = actions.add_parser("split", parents=parents, help="take a name out of an entity it was merged into")
    split.add_argument("name", help="the name to take out, as found in the articles")
    split.add_argument("--from", dest="entity", required=True, metavar="ENTITY", help="the entity it is not")
    _json_option(split)
    split.set_defaults(handler=run_split)

    drop = actions.add_parser("drop", parents=parents, help="say an entity is no name at all (a mis-tag)")
    drop.add_argument("name")
    _json_option(drop)
    drop.set_defaults(handler=run_drop)


def _location_parser() -> argparse.ArgumentParser:
    from pathlib import Path

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--corpus", "-C", type=Path, default=None,
                        help="corpus folder or file (default: the bundled seed corpus)")
    parser.add_argument("--index-dir", type=Path, default=None, help="where the index lives")
    return parser


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def _kind_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=KINDS, default=None, help="when entities of several kinds share the name")


def _list_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--label", "-l", action="append", default=None, metavar="L",
                        help="only this label (PERSON, ORG, GPE, NORP, ...) or kind (person, org, place, group); "
                             "repeatable")
    parser.add_argument("--sort", choices=("mentions", "sources", "articles", "name"), default="mentions",
                        help="order (default: mentions)")
    parser.add_argument("--limit", "-n", type=int, default=50, help="at most this many (0: all; default 50)")
    _json_option(parser)


# --- handlers ---------------------------------------------------------------------------------------------

def _open(args: argparse.Namespace):
    from reader.cli.common import ensure_index, open_corpus

    lib = open_corpus(args)
    ensure_index(lib, quiet=args.json)
    return lib


def _labels(values: Sequence[str] | None) -> set[str] | None:
    from index import LABEL_KINDS

    if not values:
        return None
    labels: set[str] = set()
    for value in values:
        if value.lower() in KINDS:
            labels |= {label for label, kind in LABEL_KINDS.items() if kind == value.lower()}
        else:
            labels.add(value.upper())
    return labels


def _sources(entity, source_of: dict[str, str]) -> list[str]:
    return sorted({source_of.get(a) or "(unknown source)" for a in entity.articles})


def run_list(args: argparse.Namespace) -> int:
    from reader.cli.common import console, dump_json, write_lines

    with _open(args) as lib:
        entities = lib.entities(_labels(args.label))
        source_of = {a.id: a.source for a in lib.articles()}
    rows = [(entity, _sources(entity, source_of)) for entity in entities]
    order = {
        "mentions": lambda r: (-r[0].mentions, r[0].name.casefold()),
        "sources": lambda r: (-len(r[1]), -r[0].mentions, r[0].name.casefold()),
        "articles": lambda r: (-len(r[0].articles), -r[0].mentions, r[0].name.casefold()),
        "name": lambda r: (r[0].name.casefold(), -r[0].mentions),
    }[args.sort]
    rows.sort(key=order)
    if args.limit > 0:
        rows = rows[:args.limit]
    if args.json:
        dump_json([{**entity.to_dict(), "sources": sources} for entity, sources in rows])
        return 0
    from rich.text import Text

    out = console()
    out.print(Text(f"{len(entities):,} entities; showing {len(rows):,} by {args.sort}", style="bold"))
    out.print(Text(f"{'mentions':>8} {'sources':>7} {'articles':>8}  {'label':<11} name  (other names)", style="dim"))

    def line(entity, sources) -> str:
        others = [form for form, _ in entity.names if form != entity.name][:4]
        text = f"{entity.mentions:>8} {len(sources):>7} {len(entity.articles):>8}  {entity.label:<11} {entity.name}"
        if others:
            text += f"  ({', '.join(others)}{', ...' if len(entity.names) > len(others) + 1 else ''})"
        return one_line(text)

    write_lines(line(entity, sources) for entity, sources in rows)
    return 0


def _entity(lib, name: str, kind: str | None):
    return lib.entity(name, {kind} if kind else None)


def run_show(args: argparse.Namespace) -> int:
    from reader.cli.common import console, dump_json, fail

    with _open(args) as lib:
        try:
            entity = _entity(lib, args.name, args.kind)
        except KeyError as exc:
            return fail(str(exc.args[0]), 2)
        summaries = {a.id: a for a in lib.articles()}
        related = [(lib.registry.get(i), relation) for i, relation in entity.related]
    articles = [summaries[a] for a in entity.articles if a in summaries]
    sources = sorted({a.source or "(unknown source)" for a in articles})
    if args.json:
        dump_json({**entity.to_dict(), "sources": sources,
                   "related": [{"id": e.id, "name": e.name, "relation": r} for e, r in related if e is not None],
                   "article_summaries": [a.to_dict() for a in articles]})
        return 0
    from rich.text import Text

    out = console()
    out.print(Text(one_line(f"{entity.name}  ({entity.label}, {entity.id})"), style="bold"))
    out.print(Text(f"{entity.mentions} mentions in {len(articles)} articles from {len(sources)} sources"))
    out.print(Text("names as found: " + one_line(", ".join(f"{n} ({c})" for n, c in entity.names))))
    for merge in entity.merges:
        out.print(Text(one_line(f"  {merge.name}: {merge.reason}: {merge.detail}"), style="dim"))
    for other, relation in related:
        if other is not None:
            out.print(Text(one_line(f"{relation.replace('-', ' ')} {other.name} ({other.id})")))
    out.print(Text("sources: " + one_line(", ".join(sources))))
    for article in articles:
        out.print(Text(one_line(f"  {article.id}  {article.published or 'undated':<10}  {article.source or '-':<22}"
                                f"  {article.title}")))
    return 0


def run_missing(args: argparse.Namespace) -> int:
    from reader.cli.common import console, dump_json, fail

    with _open(args) as lib:
        try:
            ids = None
            if args.query:
                result = lib.search(args.query, limit=max(len(lib), 1), highlight=False, facets=False)
                ids = [hit.id for hit in result.hits]
            coverage = lib.entity_coverage(args.name, ids, {args.kind} if args.kind else None)
        except KeyError as exc:
            return fail(str(exc.args[0]), 2)
    if args.json:
        dump_json({**coverage.to_dict(), "query": args.query})
        return 0
    from rich.text import Text

    out = console()
    group = f"the {len(coverage.mentioning) + len(coverage.silent)} articles" + \
        (f" matching {args.query!r}" if args.query else " of the corpus")
    out.print(Text(one_line(f"{coverage.entity.name} ({coverage.entity.label}) in {group}"), style="bold"))
    out.print(Text("mentioned by: " + one_line(", ".join(coverage.sources_mentioning) or "no source")))
    out.print(Text("left out by:  " + one_line(", ".join(coverage.sources_silent) or "no source"),
                   style="bold" if coverage.sources_silent else ""))
    for title, articles in (("mention it", coverage.mentioning), ("do not", coverage.silent)):
        out.print(Text(f"{len(articles)} articles {title}:", style="dim"))
        for article in articles:
            out.print(Text(one_line(f"  {article.id}  {article.source or '-':<22}  {article.title}")))
    return 0


def _print_correction(args: argparse.Namespace, lib, message: str, entity) -> None:
    from reader.cli.common import dump_json

    path = lib.corrections_file()
    if args.json:
        dump_json({"entity": entity.to_dict(), "saved_to": str(path)})
        return
    print(one_line(message))
    print(one_line(f"saved to {path}" + ("" if path.parent == lib.corpus else
                                         " (beside the index: the corpus folder is read-only or shared)")))


def run_merge(args: argparse.Namespace) -> int:
    from reader.cli.common import fail

    with _open(args) as lib:
        try:
            entity = lib.merge_entities(args.names)
        except (KeyError, ValueError) as exc:
            return fail(str(exc.args[0]), 2)
        names = ", ".join(form for form, _ in entity.names)
        _print_correction(args, lib, f"{entity.name} ({entity.label}) is now known as: {names}", entity)
    return 0


def run_split(args: argparse.Namespace) -> int:
    from reader.cli.common import fail

    with _open(args) as lib:
        try:
            entity = lib.split_entity(args.name, args.entity)
        except (KeyError, ValueError) as exc:
            return fail(str(exc.args[0]), 2)
        _print_correction(args, lib, f"{args.name!r} is now {entity.name} ({entity.label}), not {args.entity!r}",
                          entity)
    return 0


def run_drop(args: argparse.Namespace) -> int:
    from reader.cli.common import fail

    with _open(args) as lib:
        try:
            entity = lib.drop_entity(args.name)
        except (KeyError, ValueError) as exc:
            return fail(str(exc.args[0]), 2)
        _print_correction(args, lib, f"{entity.name} ({entity.label}) is no longer an entity", entity)
    return 0
