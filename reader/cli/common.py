"""What every command of the command line shares: the corpus options, opening a corpus, building its index
with progress, printing (untrusted text neutralised, JSON kept exact) and failing with one line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from ..safe import escape_for_json, neutralise, one_line

T = TypeVar("T")


def add_location(parser: argparse.ArgumentParser, *, positional: bool = False) -> None:
    """The corpus, as ``--corpus`` (``-C``) and, with ``positional``, as the command's word too (``byline index
    ~/news``, ``byline list ~/news``: a command that takes no other word), its index and columns."""
    if positional:
        parser.add_argument("corpus_path", nargs="?", type=Path, default=None, metavar="corpus",
                            help="folder (or .jsonl/.jsonl.gz file) of articles (or give it as --corpus); "
                                 "default: the bundled seed corpus")
    parser.add_argument("--corpus", "-C", type=Path, default=None,
                        help="corpus folder or file (default: the bundled seed corpus)")
    parser.add_argument("--index-dir", type=Path, default=None,
                        help="where the index lives (default: one per corpus under your cache directory)")
    parser.add_argument("--columns", default=None, metavar="FIELD=COLUMN,...",
                        help="which columns of a CSV/TSV/JSON/Parquet corpus hold what, e.g. body=text,source=site "
                             "(fields: body, title, source, published, url, author, id, language); remembered "
                             "by the index")



def console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, highlight=False, soft_wrap=not stream.isatty(), emoji=False)


def plain_stdout() -> bool:
    """Whether what is printed goes to stdout as it is: stdout is not a terminal (so Rich would not wrap it) and no
    variable has Rich style it anyway (``FORCE_COLOR``, ``TTY_COMPATIBLE``). There Rich gives the same characters
    at about a tenth of the speed, after importing itself: a tenth of a whole ``byline search`` process."""
    if sys.stdout.isatty():
        return False
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "0"
    return not os.environ.get("FORCE_COLOR")


#: A piece of a line to print: its text (untrusted text neutralised, on one line), its style, and spans of it
#: (offsets into the text) shown in a second style: ``(text, style, spans, span_style)``.
Piece = tuple[str, str, Sequence[tuple[int, int]], str]


def piece(text: str, style: str = "", spans: Sequence[tuple[int, int]] = (), span_style: str = "") -> Piece:
    return (text, style, spans, span_style)


def print_lines(lines: Iterable[Sequence[Piece]]) -> None:
    """Each line (its pieces, none for a blank line) on stdout: through Rich where it would style or wrap them (a
    terminal), written as they are where it would not (:func:`plain_stdout`). Never parsed as markup."""
    if plain_stdout():
        write = sys.stdout.write
        for line in lines:
            write("".join(text for text, _style, _spans, _span_style in line))
            write("\n")
        return
    from rich.text import Text

    out = console()
    # A thousand lines a call: Rich's work on each call (is the stream a terminal, how wide, its buffer) was most
    # of the time of a long listing, a call a line (Reuters' 11,000 stories: 3.6 s a process against 2.3 s).
    batch: list[Text] = []
    for line in lines:
        shown = Text()
        for text, style, spans, span_style in line:
            part = styled(text, spans, span_style)
            part.style = style
            shown.append_text(part)
        batch.append(shown)
        if len(batch) == 1000:
            out.print(Text("\n").join(batch))
            batch.clear()
    if batch:
        out.print(Text("\n").join(batch))


def write_lines(lines: Iterable[str]) -> None:
    """One line each on stdout, each already on one line and neutralised (:func:`one_line`): see
    :func:`print_lines` (19,000 articles listed through Rich: ~3 s)."""
    print_lines((piece(line),) for line in lines)


def fail(message: str, status: int = 1) -> int:
    print(f"byline: {one_line(message)}", file=sys.stderr)
    return status


def open_corpus(args: argparse.Namespace):
    """The library for the command line's corpus/index options."""
    from index import open_library

    corpus = given_corpus(args)
    try:
        return open_library(corpus, args.index_dir, columns=getattr(args, "columns", None))
    except ValueError as exc:
        raise BadColumns(f"--columns: {exc}") from None


def given_corpus(args: argparse.Namespace) -> Path | None:
    """The corpus the command line names, as the command's word or as ``--corpus`` (the same one if both)."""
    corpus, path = args.corpus, getattr(args, "corpus_path", None)
    if path is None:
        return corpus
    if corpus is not None and corpus != path:
        raise BadCommandLine(f"two corpora given ({path} and --corpus {corpus}): give one")
    return path


class BadCommandLine(Exception):
    """A command line that parses but cannot be run as given (status 2, like argparse's own errors)."""


class BadColumns(BadCommandLine):
    """``--columns`` that cannot be read."""


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
    return with_progress(lambda progress: lib.build(progress=progress, **options), show=show_progress)


def with_progress(work: Callable[[Callable | None], T], *, show: bool = True) -> T:
    """``work(progress)``, drawing what ``progress`` hears (:class:`index.BuildProgress`) as a bar on stderr
    when it is a terminal; ``work(None)`` otherwise."""
    if not show or not sys.stderr.isatty():
        return work(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[current]}", markup=False))
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        task, counting = bar.add_task("reading", total=None, current=""), 0

        def on_progress(event) -> None:
            nonlocal task, counting
            if event.total != counting:  # Rich cannot take a total back to "not counted": a new bar then
                bar.remove_task(task)
                task, counting = bar.add_task(event.phase, total=event.total or None, current=""), event.total
            bar.update(task, description=event.phase, completed=event.done, current=one_line(event.current)[-50:])

        return work(on_progress)


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
