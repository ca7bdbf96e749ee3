"""The ``byline add`` and ``byline feeds`` commands: bring web articles and feeds into a corpus.

The commands only parse arguments and print; fetching, extraction and storing are the engine's
(:mod:`index.web`, :mod:`index.feeds`). After adding, the index is updated incrementally unless
``--no-index`` is given.

They write into a corpus folder named with ``--corpus DIR`` and refuse the bundled seed corpus: that folder
belongs to the installed package (it may be read-only, is replaced on upgrade and is shared by every user),
and the seeds are a fixed example set, so mixing today's news into it would lose the news and muddle the
example. A folder that does not exist yet is created.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from reader.safe import one_line

EXIT_OK = 0
EXIT_FAILURES = 1
EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    """Add the ``add`` and ``feeds`` subcommands to the CLI's subparsers.

    Each gets ``--corpus``/``-C``, ``--index-dir`` and ``--json`` like the other subcommands; handlers
    return an exit status: 0 all went well, 1 something failed (the rest was still added), 2 a bad command.
    """
    add = subparsers.add_parser(
        "add", help="add web articles (URLs or saved .html pages) to a corpus",
        description="Fetch each page, extract its article (title, author, outlet, date, body without "
                    "navigation, ads and comments), store it in the corpus folder and update the index.")
    add.add_argument("targets", nargs="+", metavar="URL_OR_FILE", help="http(s) address or saved .html file")
    _options(add, fetching=True)
    add.set_defaults(handler=run_add)

    feeds = subparsers.add_parser("feeds", help="follow RSS and Atom feeds",
                                  description="Subscribe a corpus to RSS/Atom feeds and add their new items.")
    actions = feeds.add_subparsers(dest="feeds_command", metavar="{add,list,remove,update}", required=True)
    follow = actions.add_parser("add", help="subscribe to a feed (or to the feed a web page advertises)")
    follow.add_argument("url")
    _options(follow)
    _fetch_options(follow)
    follow.set_defaults(handler=run_feeds_add)
    listing = actions.add_parser("list", help="show the feeds a corpus follows")
    _options(listing)
    listing.set_defaults(handler=run_feeds_list)
    remove = actions.add_parser("remove", help="stop following a feed (its articles stay)")
    remove.add_argument("url")
    _options(remove)
    remove.set_defaults(handler=run_feeds_remove)
    update = actions.add_parser("update", help="add the new items of every followed feed, then index them")
    update.add_argument("urls", nargs="*", metavar="URL", help="only these feeds (default: all)")
    _options(update, fetching=True)
    update.set_defaults(handler=run_feeds_update)


def _options(parser: argparse.ArgumentParser, *, fetching: bool = False) -> None:
    parser.add_argument("--corpus", "-C", type=Path, default=None,
                        help="the corpus folder to add to (required; created when missing)")
    parser.add_argument("--index-dir", type=Path, default=None,
                        help="where the index lives (default: one per corpus under your cache directory)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    if fetching:
        parser.add_argument("--no-index", action="store_true",
                            help="store the articles but do not update the index")
        _fetch_options(parser)


def _fetch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=_seconds, default=20.0, metavar="SECONDS",
                        help="give up on a download after this long, whole response included (default 20)")
    parser.add_argument("--allow-private", action="store_true",
                        help="allow fetching from this machine and private networks (localhost, 10.x, 192.168.x, "
                             "...); a feed added with it keeps the permission")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive number of seconds")
    return value


# --- handlers ---------------------------------------------------------------------------------------------

def run_add(args: argparse.Namespace) -> int:
    corpus = _corpus(args, "add")
    if corpus is None:
        return EXIT_USAGE
    from index import add_urls

    try:
        report = add_urls(corpus, args.targets, progress=_progress_printer(), policy=_policy(args))
    except _user_errors() as exc:
        return _fail(exc)
    if args.json:
        data = report.to_dict()
    else:
        data = None
        for outcome in report.outcomes:
            _print_outcome(outcome)
        _say(f"{len(report.added)} added, {len(report.skipped)} skipped, {len(report.failed)} failed.")
    status = EXIT_FAILURES if report.failed else EXIT_OK
    index_status = _update_index(args, corpus, bool(report.added), data)
    if data is not None:
        print(json.dumps(data, indent=2))
    return max(status, index_status)


def run_feeds_add(args: argparse.Namespace) -> int:
    corpus = _corpus(args, "feeds add")
    if corpus is None:
        return EXIT_USAGE
    from index import FeedError, subscribe

    try:
        feed, new, notes = subscribe(corpus, args.url, policy=_policy(args))
    except FeedError as exc:
        _err(f"byline feeds add: {exc}")
        return EXIT_FAILURES
    except _user_errors() as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps({"feed": feed.to_dict(), "new": new, "notes": notes}, indent=2))
        return EXIT_OK
    for note in notes:
        _say(f"note: {note}")
    what = "following" if new else "already following"
    _say(f"{what} {feed.title or '(untitled feed)'} <{feed.url}>")
    if new:
        _say("run `byline feeds update` to add its articles")
    return EXIT_OK


def run_feeds_list(args: argparse.Namespace) -> int:
    from index import list_feeds

    try:
        feeds = list_feeds(args.corpus.expanduser()) if args.corpus is not None else []
    except _user_errors() as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps([f.to_dict() for f in feeds], indent=2))
        return EXIT_OK
    if not feeds:
        _say("no feeds followed; add one with `byline feeds add URL --corpus DIR`")
    for feed in feeds:
        checked = f"last update {feed.checked}: {feed.status}" if feed.checked else "not updated yet"
        _say(f"{feed.title or '(untitled feed)'} <{feed.url}>")
        _say(f"    {feed.articles} articles added; {checked}")
    return EXIT_OK


def run_feeds_remove(args: argparse.Namespace) -> int:
    corpus = _corpus(args, "feeds remove")
    if corpus is None:
        return EXIT_USAGE
    from index import FeedError, unsubscribe

    try:
        feed = unsubscribe(corpus, args.url)
    except FeedError as exc:
        _err(f"byline feeds remove: {exc}")
        return EXIT_FAILURES
    except _user_errors() as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps({"removed": feed.to_dict()}, indent=2))
    else:
        _say(f"no longer following {feed.title or '(untitled feed)'} <{feed.url}>; its {feed.articles} "
             "articles stay in the corpus")
    return EXIT_OK


def run_feeds_update(args: argparse.Namespace) -> int:
    corpus = _corpus(args, "feeds update")
    if corpus is None:
        return EXIT_USAGE
    from index import FeedError, update_feeds

    try:
        report = update_feeds(corpus, args.urls or None, progress=_progress_printer(), policy=_policy(args))
    except FeedError as exc:
        _err(f"byline feeds update: {exc}")
        return EXIT_FAILURES
    except _user_errors() as exc:
        return _fail(exc)
    if args.json:
        data: dict[str, Any] | None = report.to_dict()
    else:
        data = None
        if not report.feeds:
            _say("no feeds followed; add one with `byline feeds add URL --corpus DIR`")
        for feed in report.feeds:
            counts = f": {len(feed.items)} new" if feed.status == "updated" else ""
            reason = f": {feed.reason}" if feed.reason else ""
            _say(f"{feed.title or feed.url} — {feed.status}{reason}{counts}")
            for note in feed.notes:
                _say(f"    note: {note}")
            for outcome in feed.items:
                _print_outcome(outcome, indent="  ")
        failed_feeds = len(report.failed_feeds)
        _say(f"{len(report.added)} added, {len(report.skipped)} skipped, {len(report.failed)} failed"
             + (f"; {failed_feeds} feed{'s' if failed_feeds != 1 else ''} failed." if failed_feeds else "."))
    status = EXIT_FAILURES if report.failed or report.failed_feeds else EXIT_OK
    index_status = _update_index(args, corpus, bool(report.added), data)
    if data is not None:
        print(json.dumps(data, indent=2))
    return max(status, index_status)


# --- helpers ----------------------------------------------------------------------------------------------

def _corpus(args: argparse.Namespace, command: str) -> Path | None:
    """The corpus folder to write into, or ``None`` (after saying why) when none was named."""
    from index import bundled_corpus

    corpus = args.corpus
    if corpus is None or Path(corpus).expanduser().resolve() == bundled_corpus().resolve():
        _err(f"byline {command}: name the corpus folder to add to with --corpus DIR "
             "(the bundled seed corpus is part of the installed program and is not added to)")
        return None
    corpus = Path(corpus).expanduser()
    if corpus.exists() and not corpus.is_dir():
        _err(f"byline {command}: {corpus} is a file; --corpus must name a folder")
        return None
    return corpus


def _policy(args: argparse.Namespace) -> Any:
    from index import FetchPolicy

    return FetchPolicy(timeout=args.timeout, allow_private=args.allow_private)


def _update_index(args: argparse.Namespace, corpus: Path, changed: bool, data: dict[str, Any] | None) -> int:
    """Build the index incrementally after adding; say how to do it later when that fails."""
    if not changed or args.no_index:
        return EXIT_OK
    from index import open_library

    quiet = data is not None
    if not quiet:
        _say("updating the index…")
    try:
        with open_library(corpus, args.index_dir) as lib:
            report = lib.build()
    except Exception as exc:  # the articles are stored whatever went wrong with the index: say so, go on
        message = f"the articles are stored, but the index was not updated: {exc}"
        if data is not None:
            data["index"] = {"error": str(exc)}
        _err(f"byline: {one_line(message)}")
        return EXIT_FAILURES
    if data is not None:
        data["index"] = report.to_dict()
    else:
        _say(f"index updated: {report.added} new, {report.changed} changed, {report.articles} articles in all")
    return EXIT_OK


def _print_outcome(outcome: Any, indent: str = "") -> None:
    if outcome.status == "added":
        _say(f"{indent}added    {outcome.path}  {outcome.title}")
    else:
        _say(f"{indent}{outcome.status:<8} {outcome.target}  {outcome.reason}")
    for note in outcome.notes:
        _say(f"{indent}         note: {note}")


def _progress_printer() -> Any:
    """Progress lines on stderr when it is a terminal (kept off pipes and JSON output)."""
    if not sys.stderr.isatty():
        return None

    def show(step: Any) -> None:
        if step.current:
            sys.stderr.write(f"\r\x1b[K[{step.done + 1}/{step.total}] {one_line(step.message)[:100]}")
        else:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()

    return show


def _user_errors() -> tuple[type[Exception], ...]:
    """Errors a user can fix and that stop a whole command: missing web extras, an unreadable state file,
    a corpus folder that cannot be written, another process writing the corpus."""
    from index import IndexProblem, WebStateError, WebUnavailable

    return (WebUnavailable, WebStateError, IndexProblem, OSError)


def _fail(exc: Exception) -> int:
    _err(f"byline: {exc}")
    return EXIT_FAILURES


def _say(text: str) -> None:
    """Print a line whose parts may come from the web: control and escape characters are neutralised."""
    print(one_line(text))


def _err(text: str) -> None:
    print(one_line(text), file=sys.stderr)
