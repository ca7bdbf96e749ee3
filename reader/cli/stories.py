"""``byline stories`` and ``byline similar``: the corpus grouped into stories, and an article's look-alikes.

Registered into the main parser by :func:`register`. Grouping happens in the engine
(:mod:`index.stories`); this prints it, as text (untrusted fields neutralised) or ``--json``.
"""

from __future__ import annotations

import argparse

from ..safe import one_line
from ..words import counted
from .common import (
    add_location,
    console,
    dump_json,
    ensure_index,
    fail,
    open_corpus,
    piece,
    print_lines,
    with_progress,
)


def register(subparsers) -> None:
    """Add ``stories`` and ``similar`` to the ``byline`` command's subparsers."""
    from index import SORTS

    p = subparsers.add_parser(
        "stories", help="the corpus grouped into stories (events)",
        description="Group the corpus into stories: articles about the same event, found by shared terms, "
                    "shared entities and closeness in date. Each story has a label (its most telling entities "
                    "and terms), its dates, its sources and its articles; syndicated copies are marked, and "
                    "the sources that left it out are named. Articles that belong to no story are listed "
                    "as singles. Grouping is cached with the index and redone after it changes.")
    add_location(p, positional=True)
    p.add_argument("--sort", choices=SORTS, default="size",
                   help="largest first (size), newest first (date) or most outlets first (sources)")
    p.add_argument("--story", metavar="ID", default=None, help="print only this story (a unique id prefix)")
    p.add_argument("--limit", "-n", type=int, default=0, help="print at most N stories and N singles")
    p.add_argument("--json", action="store_true", help="stories, who left each out, singles and figures as JSON")
    p.set_defaults(handler=cmd_stories)

    p = subparsers.add_parser(
        "similar", help="the articles most similar to one",
        description="Print the articles most like one (terms, entities and date together), best first, "
                    "marking those in its story and syndicated copies of it. ID may be a unique prefix.")
    p.add_argument("id", help="article id (or a unique prefix)")
    add_location(p)
    p.add_argument("--limit", "-n", type=int, default=10, help="number of articles (default 10, at most 20)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_similar)


def _story_map(args: argparse.Namespace):
    lib = open_corpus(args)
    with lib:
        ensure_index(lib, quiet=args.json)
        return lib, with_progress(lambda progress: lib.stories(progress=progress), show=not args.json)


def cmd_stories(args: argparse.Namespace) -> int:
    _, stories = _story_map(args)
    if args.story:
        try:
            chosen = [stories.story(stories.resolve_story(args.story))]
        except KeyError as exc:
            return fail(str(exc.args[0]), 2)
        if args.json:
            dump_json({**chosen[0].to_dict(), "left_out": [lo.to_dict() for lo in stories.left_out(chosen[0].id)]})
            return 0
        singles = []
    else:
        everything = stories.stories(args.sort)
        chosen = [s for s in everything if not s.single]
        singles = [s for s in everything if s.single]
        if args.limit > 0:
            chosen, singles = chosen[: args.limit], singles[: args.limit]
        if args.json:
            data = stories.to_dict(args.sort)
            if args.limit > 0:
                data["stories"], data["singles"] = data["stories"][: args.limit], data["singles"][: args.limit]
            dump_json(data)
            return 0
    print_lines(_listing(stories, chosen, singles, show_stats=not args.story))
    return 0


def _listing(stories, chosen, singles, *, show_stats: bool):
    """The lines of ``byline stories``, as :func:`print_lines` takes them."""
    stats = stories.stats
    if show_stats:
        grouped = counted(stats.get("stories", 0), "story", "stories")
        alone = counted(stats.get("singles", 0), "single")
        yield (piece(f"{grouped} and {alone} in {counted(stats.get('articles', 0), 'article')}", "bold"),)
    for story in chosen:
        yield ()
        dates = story.first if story.first == story.last else f"{story.first} .. {story.last}"
        copies = f", {story.copies} cop{'y' if story.copies == 1 else 'ies'}" if story.copies else ""
        head = f"{story.id}  {counted(story.size, 'article')}, {counted(len(story.sources), 'source')}{copies}  " \
               f"{dates or 'undated'}"
        yield (piece(head, "bold"),)
        yield (piece("  " + one_line(story.label), "italic"),)
        yield (piece(one_line("  timeline: " + timeline_text(story.timeline)), "dim"),)
        for article in story.articles:
            copy = f"  [copy of {article.copy_of}]" if article.copy_of else ""
            yield (piece(_article_line(article) + one_line(copy), "dim" if article.copy_of else ""),)
        left = stories.left_out(story.id)
        if left:
            parts = [f"{lo.source} ({'covered related' if lo.reason == 'related' else 'published then'}: "
                     f"{', '.join(a.id for a in lo.articles[:3])})" for lo in left[:6]]
            yield (piece(one_line("  left out by: " + "; ".join(parts)), "yellow"),)
    if singles:
        yield ()
        yield (piece(f"singles ({stats.get('singles', len(singles)):,}):", "bold"),)
        for story in singles:
            yield (piece(_article_line(story.articles[0])),)


def timeline_text(rows) -> str:
    """``AFP 2021-08-29 (first), BBC +2d, Le Monde undated``: who ran the story when, first first."""
    parts = []
    for row in rows:
        name = row.source or "unknown source"
        if not row.published:
            parts.append(f"{name} undated")
        elif row.after_days == 0:
            parts.append(f"{name} {row.first} (first)")
        else:
            parts.append(f"{name} +{row.after_days}d")
    return ", ".join(parts)


def _article_line(article) -> str:
    return one_line(f"    {article.id}  {article.published or 'undated':<10}  {article.source or '-':<22}  "
                    f"{article.title}")


def cmd_similar(args: argparse.Namespace) -> int:
    from rich.text import Text

    lib, stories = _story_map(args)
    try:
        article_id = lib.resolve_id(args.id)
    except KeyError as exc:
        return fail(str(exc.args[0]), 2)
    found = stories.similar(article_id, limit=max(1, args.limit))
    story = stories.story_of(article_id)
    if args.json:
        dump_json({"id": article_id, "story": story.id, "similar": [n.to_dict() for n in found]})
        return 0
    out = console()
    row = lib.catalog[article_id]
    out.print(Text(one_line(f"like {article_id}: {row.get('title', '')}"), style="bold"))
    out.print(Text(f"story {story.id}: {one_line(story.label)}", style="dim"))
    if not found:
        out.print(Text("nothing in the corpus is similar enough"))
    for n in found:
        marks = "".join(("  [same story]" if n.same_story else "", "  [copy]" if n.copy else ""))
        out.print(Text(one_line(f"  {n.similarity:.2f}  {n.id}  {n.published or 'undated':<10}  "
                                f"{n.source or '-':<22}  {n.title}{marks}")))
    return 0
