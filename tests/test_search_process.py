"""A whole ``byline search`` process: what it imports and does for its answer, and that the quicker ways it
prints and reads give what the slower ones gave.

A search is a whole process (a script's, a shell's), so every module it imports and everything it sets up
is paid by every search. These checks name what a search with enough hits does not need, so that an import
added for another feature shows up here rather than as a slower search. Each process check runs in a fresh
interpreter.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
from array import array
from collections import Counter
from pathlib import Path

import pytest

from conftest import SEEDS, write_files

REPO = Path(__file__).resolve().parents[1]


def run_probe(script: str, env: dict[str, str] | None = None) -> dict:
    """What ``script`` (run in a new interpreter, stdout a pipe) prints as ``PROBE=<json>``."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          cwd=REPO, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("PROBE="))
    return json.loads(line.removeprefix("PROBE="))


#: Modules a search with hits never needs: fuzzy matching and Whoosh's spelling corrector (a suggestion, a fuzzy
#: word), Whoosh's highlighter and facet sorting, the standard library's introspection (dataclasses' docstrings),
#: Whoosh's fuzzy automata and phonetic filter, Rich (text to a pipe), and OpenSSL (the term dictionary's MD5).
UNNEEDED = ("rapidfuzz", "whoosh.spelling", "whoosh.highlight", "html.entities", "whoosh.sorting", "inspect", "ast",
            "dis", "tokenize", "whoosh.automata.lev", "whoosh.lang.dmetaphone", "random", "calendar", "rich",
            "_hashlib")


@pytest.mark.parametrize("json_output", [True, False], ids=["json", "text"])
def test_a_search_with_hits_imports_only_what_its_answer_needs(seeds_index_dir: Path, json_output: bool) -> None:
    probe = run_probe(f"""
        import io, json, sys
        from contextlib import redirect_stdout
        from reader.cli import main
        out = io.StringIO()
        with redirect_stdout(out):
            status = main(["search", "taliban", "--corpus", {str(SEEDS)!r}, "--index-dir", {str(seeds_index_dir)!r},
                           *{["--json"] if json_output else []!r}])
        def real(name):  # imported, and not a stand-in waiting to be used
            module = sys.modules.get(name)
            return module is not None and "Stands in" not in (module.__doc__ or "")
        print("PROBE=" + json.dumps({{"status": status, "out": out.getvalue(),
                                     "loaded": [name for name in {UNNEEDED!r} if real(name)]}}))
    """)
    assert probe["status"] == 0
    assert "5 hits" in probe["out"] or '"total": 5' in probe["out"]  # the probe did search
    assert probe["loaded"] == []


def test_what_a_search_defers_is_there_when_a_search_needs_it(seeds_index_dir: Path) -> None:
    """A misspelt word gets its suggestion (Whoosh's corrector, rapidfuzz), a fuzzy word its matches, a date range
    its days (calendar), and Whoosh's own highlighter still highlights: each imported when used."""
    probe = run_probe(f"""
        import json, sys
        from index import open_library
        with open_library({str(SEEDS)!r}, {str(seeds_index_dir)!r}) as lib:
            suggestion = lib.search("talibn").suggestion
            fuzzy = lib.search("talibn~").total
            dated = lib.search("date:[2021-08-01 TO 2021-08-31]").total
            searcher = lib._search_engine().searcher
        import whoosh.highlight, whoosh.searching
        from whoosh.qparser import QueryParser
        with lib._search_engine().ix.searcher() as whoosh_searcher:
            results = whoosh_searcher.search(QueryParser("body", lib._search_engine().ix.schema).parse("kabul"))
            results.fragmenter = whoosh.highlight.SentenceFragmenter()
            marked = results[0].highlights("body")
        print("PROBE=" + json.dumps({{"suggestion": suggestion, "fuzzy": fuzzy, "dated": dated, "marked": marked,
                                     "rapidfuzz": "rapidfuzz" in sys.modules, "calendar": "calendar" in sys.modules}}))
    """)
    assert probe["suggestion"] == "taliban"
    assert probe["fuzzy"] == 5 and probe["dated"] == 2
    assert "<b" in probe["marked"].lower() and "kabul" in probe["marked"].lower()
    assert probe["rapidfuzz"] and probe["calendar"]


def test_only_dataclasses_sees_the_stand_in_for_inspect() -> None:
    """``inspect`` is stood in for only inside ``dataclasses`` (which uses it to write a missing docstring): any
    other module importing it gets the real one, and a dataclass without a docstring still gets one."""
    probe = run_probe("""
        import json, sys
        import index.models
        import dataclasses, inspect
        @dataclasses.dataclass(frozen=True)
        class Point:
            x: int
            y: int = 0
        print("PROBE=" + json.dumps({"real": "Stands in" not in (inspect.__doc__ or ""),
                                     "signature": str(inspect.signature(Point)), "doc": Point.__doc__}))
    """)
    assert probe == {"real": True, "signature": "(x: int, y: int = 0) -> None", "doc": "Point(x: int, y: int = 0)"}


def test_the_engine_records_have_docstrings() -> None:
    """A record class without a docstring would have dataclasses import ``inspect`` (and ``ast``, ``dis``...) to
    write one, in every process that imports the engine's models."""
    import dataclasses

    import index.models as models

    records = [value for value in vars(models).values()
               if dataclasses.is_dataclass(value) and value.__module__ == models.__name__]
    assert len(records) >= 10
    # dataclasses writes "Name(field: type, ...)" where a class has none
    assert [cls.__name__ for cls in records if cls.__doc__.startswith(f"{cls.__name__}(")] == []



def test_the_engine_records_are_frozen_dataclasses_made_without_compiling_code() -> None:
    """Importing the records compiles nothing (dataclasses writes and compiles each method of each record in every
    process, 7 ms of a search), and each record still behaves as a frozen dataclass: equality, hash, repr,
    ``replace``/``asdict``/``astuple``, pickling and copying, no assignment."""
    probe = run_probe("""
        import copy, dataclasses, json, pickle, sys
        compiled = []
        sys.addaudithook(lambda event, args: compiled.append(args) if event == "compile" and args[1] == "<string>"
                         else None)
        import index.models as m
        made = len(compiled)
        span = m.EntitySpan(1, 5, "PERSON", "Bob")
        hit = m.Hit("a", 1, 2.5, "T", "S", "", (m.Fragment("t", 0, ((0, 1),)),))
        result = m.SearchResult("q", 1, (hit,))
        checks = {
            "repr": repr(span),
            "equal": span == m.EntitySpan(1, 5, "PERSON", "Bob") and span != m.EntitySpan(1, 6, "PERSON", "Bob"),
            "other": span.__eq__(("x",)) is NotImplemented,
            "hash": hash(span) == hash((1, 5, "PERSON", "Bob", "", "")),
            "replace": dataclasses.replace(span, label="ORG") == m.EntitySpan(1, 5, "ORG", "Bob"),
            "asdict": dataclasses.asdict(hit)["fragments"] == ({"text": "t", "start": 0, "matches": ((0, 1),)},),
            "astuple": dataclasses.astuple(m.FacetCount("v", 2)) == ("v", 2, ""),
            "fields": [f.name for f in dataclasses.fields(m.Skipped)] == ["path", "reason", "line"],
            "pickled": pickle.loads(pickle.dumps(result)) == result and copy.deepcopy(hit) == hit,
            "facets": result.facets == {} and result.facets is not m.SearchResult("q", 1, ()).facets,
            "unhashable": True,
        }
        for attempt in (lambda: setattr(span, "label", "ORG"), lambda: delattr(span, "end")):
            try:
                attempt()
                checks["frozen"] = False
            except dataclasses.FrozenInstanceError:
                checks.setdefault("frozen", True)
        try:
            hash(result)  # its facets are a dict
            checks["unhashable"] = False
        except TypeError:
            pass
        print("PROBE=" + json.dumps({"compiled": made, **checks}))
    """)
    assert probe.pop("repr") == "EntitySpan(start=1, end=5, label='PERSON', text='Bob', entity_id='', canonical='')"
    assert probe == {"compiled": 0, "equal": True, "other": True, "hash": True, "replace": True, "asdict": True,
                     "astuple": True, "fields": True, "pickled": True, "facets": True, "unhashable": True,
                     "frozen": True}


# --- printing -------------------------------------------------------------------------------------------

def _rich_print(lines) -> str:
    """What Rich printed for ``lines`` to a file that is not a terminal, as ``byline search`` did before."""
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    out = Console(file=buffer, highlight=False, soft_wrap=True, emoji=False)
    for line in lines:
        if not line:
            out.print()
            continue
        shown = Text(line[0][0], style=line[0][1])
        for start, end in line[0][2]:
            shown.stylize(line[0][3], start, end)
        for text, style, spans, span_style in line[1:]:
            part = Text(text, style=style)
            for start, end in spans:
                part.stylize(span_style, start, end)
            shown = shown + part
        out.print(shown)
    return buffer.getvalue()


def test_text_for_a_pipe_is_what_rich_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Written without Rich, the lines are the characters Rich gave for a file: no wrapping past 80 columns, no
    trailing spaces dropped, wide characters and untrusted text (already neutralised) as they are."""
    from reader.cli.common import piece, print_lines
    from reader.safe import neutralise, one_line

    hostile = "Evil \x1b]0;pwned\x07title\t[bold]x[/bold] \u202eoverride 日本語 😀 e\u0301cole   "
    lines = [
        (piece("3 hits for evil (2 ms)", "bold"),),
        (),
        (piece("  1. "), piece(one_line(hostile), spans=((0, 4), (30, 33)), span_style="bold underline")),
        (piece(one_line("     id  undated  Src\x9b31m  score 1.00" + " " * 90), "dim"),),
        (piece("     … "), piece(neutralise(("word " * 40 + hostile).replace("\n", " ")), spans=((0, 4),),
                                   span_style="bold reverse"), piece(" …")),
        (),
        (piece("by source: x (1)", "dim"),),
    ]
    for variable in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(variable, raising=False)
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buffer)
    print_lines(lines)
    assert buffer.getvalue() == _rich_print(lines)
    assert "\x1b" not in buffer.getvalue() and "\x07" not in buffer.getvalue()


@pytest.mark.parametrize(("variables", "plain"), [
    ({}, True),
    ({"FORCE_COLOR": "1"}, False),
    ({"FORCE_COLOR": ""}, True),
    ({"TTY_COMPATIBLE": "1"}, False),
    ({"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, True),
])
def test_rich_still_prints_wherever_it_would_style(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str],
                                                   plain: bool) -> None:
    """Where a variable has Rich style what goes to a pipe, Rich prints it, styles and all."""
    from reader.cli.common import piece, plain_stdout, print_lines

    for variable in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in variables.items():
        monkeypatch.setenv(variable, value)
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buffer)
    assert plain_stdout() is plain
    print_lines([(piece("12 hits", "bold"),)])
    assert ("\x1b[1m" in buffer.getvalue()) is not plain


def test_json_is_escaped_exactly_as_before() -> None:
    """Whether JSON needs escaping is asked of its distinct characters: the same answer, the same bytes."""
    from reader.cli.common import dump_json
    from reader.safe import escape_for_json

    samples = [{"text": "plain ascii", "n": 1}, {"text": "no\u00a0break and é and 日本"},
               {"text": "csi \x9b31m, osc \x1b]0;x\x07, bidi \u202e, zero width \u200b, tab\t, nul \x00"},
               ["\ud800 lone", "emoji 😀", "line\u2028sep"]]
    for data in samples:
        buffer = io.StringIO()
        stdout, sys.stdout = sys.stdout, buffer
        try:
            dump_json(data)
        finally:
            sys.stdout = stdout
        assert buffer.getvalue() == escape_for_json(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def test_a_search_builds_only_its_own_parser() -> None:
    """``byline search`` builds the parser of ``search`` alone: its help and its errors are those of the whole
    command line."""
    from reader.cli.main import build_parser

    alone, whole = build_parser(command="search"), build_parser()
    assert list(alone._subparsers._group_actions[0].choices) == ["search"]
    assert alone.format_usage() == whole.format_usage()
    for parser in (alone, whole):
        assert parser._subparsers._group_actions[0].choices["search"].format_help() == \
            whole._subparsers._group_actions[0].choices["search"].format_help()
    args = alone.parse_args(["search", "oil", "--lim", "3", "--json", "-C", "x"])
    assert (args.query, args.limit, args.json, str(args.corpus)) == ("oil", 3, True, "x")


# --- reading columns ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cutoff", [2**15, 0], ids=["lengths-only", "offsets-stored"])
def test_a_column_of_variable_length_values_reads_as_whoosh_reads_it(tmp_path: Path, cutoff: int) -> None:
    """The quicker reader of a column (offsets worked out in C) gives every value Whoosh's reader gives, whether
    the column holds its offsets (over 32,768 documents) or only the lengths."""
    from whoosh.columns import VarBytesColumn
    from whoosh.filedb.filestore import FileStorage

    from index.search.terms import _VarBytesReader

    values = [b"", b"Reuters", "日本語".encode(), b"AFP", b"", b"x" * 300, b"AFP"] * 40
    storage = FileStorage(str(tmp_path))
    handle = storage.create_file("column")
    writer = VarBytesColumn(write_offsets_cutoff=cutoff).writer(handle)
    for docnum, value in enumerate(values):
        writer.add(docnum, value)
    writer.finish(len(values))
    length = handle.tell()
    handle.close()
    whoosh_reader = VarBytesColumn.Reader(storage.open_file("column"), 0, length, len(values))
    quick = _VarBytesReader(storage.open_file("column"), 0, length, len(values))
    assert whoosh_reader.had_stored_offsets is (cutoff == 0)
    assert [quick[i] for i in range(len(values))] == [whoosh_reader[i] for i in range(len(values))] == values
    assert list(quick._offsets) == list(whoosh_reader._offsets)
    assert isinstance(quick._offsets, array)


def test_the_source_facet_column_reads_as_whoosh_reads_it(tmp_path: Path) -> None:
    """Every document's source as the facets count them: the values Whoosh's own column reader gives."""
    from index import open_library
    from index.search.terms import column_values

    write_files(tmp_path / "c", {f"{n:03}.jsonl": json.dumps({"id": f"a{n}", "title": f"T {n}", "text": "Body text.",
                                                             "source": ["AFP", "Reuters", "", "日本"][n % 4]}) + "\n"
                                 for n in range(12)})
    with open_library(tmp_path / "c", tmp_path / "idx") as lib:
        lib.build()
        reader = lib._search_engine().searcher.reader()
        expected = [reader.schema["source_facet"].from_column_value(value)
                    for value in reader.column_reader("source_facet", translate=False)]
        assert column_values(reader, "source_facet") == expected
        assert sorted(set(expected)) == ["(unknown source)", "AFP", "Reuters", "日本"]



def test_the_sources_of_a_searchs_few_hits_are_read_alone_and_counted_as_before(tmp_path: Path) -> None:
    """A search matching few documents reads only its matches' sources (in an index of two segments, each read
    at its own place), and its source facets count what reading every document's source counts."""
    from index import open_library
    from index.search.searcher import SOURCES_ALL_FROM
    from index.search.terms import column_values

    sources = ["AFP", "Reuters", "", "日本"]
    write_files(tmp_path / "c", {f"{n:03}.jsonl": json.dumps({"id": f"a{n}", "title": f"T {n}",
                                                             "source": sources[n % 4],
                                                             "text": "Body text." + " rare" * (n % 10 == 0)}) + "\n"
                                 for n in range(40)})
    with open_library(tmp_path / "c", tmp_path / "idx") as lib:
        lib.build()
    write_files(tmp_path / "c", {f"1{n:02}.jsonl": json.dumps({"id": f"b{n}", "title": f"U {n}",
                                                              "source": sources[n % 3],
                                                              "text": "More text." + " rare" * (n == 1)})
                                 + "\n" for n in range(5)})
    with open_library(tmp_path / "c", tmp_path / "idx") as lib:
        lib.build()
        searcher = lib._search_engine()
        reader = searcher.searcher.reader()
        assert len(list(reader.leaf_readers())) == 2
        every = column_values(reader, "source_facet")
        for docnums in ({0, 3, 41}, {44, 2}, set(), set(range(reader.doc_count_all()))):
            assert column_values(reader, "source_facet", docnums) == [every[d] for d in sorted(docnums)]
        result = lib.search("rare")
        hits = searcher.searcher.search(searcher.parser.parse("rare"), limit=None).docs()
        expected = sorted(Counter(every[d] for d in hits).items(), key=lambda kv: (-kv[1], kv[0]))
        assert 0 < result.total < reader.doc_count_all() * SOURCES_ALL_FROM
        assert [(c.value, c.count) for c in result.facets["source"]] == expected


# --- highlighting ---------------------------------------------------------------------------------------

def test_where_a_wanted_word_may_begin_is_found_as_before() -> None:
    """The pattern of where a wanted word may begin, written as the ASCII characters it leaves out, finds the
    places the pattern naming U+0080-U+10FFFF found."""
    import random

    from index.analysis import MARKS
    from index.search.snippets import _candidates, _may_begin

    def before(initials):
        ascii_ = "".join(re.escape(c) for c in map(chr, range(128)) if _may_begin(c, initials))
        first = f"[{ascii_}\\u0080-\\U0010ffff]" if ascii_ else "[\\u0080-\\U0010ffff]"
        return re.compile(rf"(?:{first}|[\x00-\x7f](?=[{MARKS}]))(?<!\w.)")

    rng = random.Random(19)
    alphabet = [chr(c) for c in range(0x250)] + ["\u0301", "\u20d0", "\ufe20", "é", "É", "日", "😀", "\u200b"]
    choices = [frozenset(), frozenset("o"), frozenset("oO=t"), frozenset("é"), frozenset(map(chr, range(128)))]
    choices += [frozenset(rng.sample("abcdefxyzABC=0-_.'é\"ö\x00~ ", rng.randint(1, 6))) for _ in range(20)]
    for initials in choices:
        text = "".join(rng.choice(alphabet) if rng.random() < 0.3 else rng.choice("ab cd Oil. o'e\n")
                       for _ in range(4000))
        assert [m.span() for m in _candidates(initials).finditer(text)] == \
            [m.span() for m in before(initials).finditer(text)], sorted(initials)


def test_a_fields_terms_read_in_one_piece_are_whooshs(seeds_library) -> None:
    """The terms of each field of each segment, read from the term dictionary in one loop (what fuzzy words and
    suggestions look words up in), are Whoosh's own, in its order; a field that is not indexed is refused alike."""
    from whoosh.reading import TermNotFound

    from index.search.terms import _lexicon

    reader = seeds_library._search_engine().searcher.reader()
    segments = [segment for segment, _offset in reader.leaf_readers()]
    for segment in segments:
        for field in segment.schema.names():
            try:
                expected = list(segment.lexicon(field))
            except TermNotFound:
                with pytest.raises(TermNotFound):
                    _lexicon(segment, field)
                continue
            assert _lexicon(segment, field) == expected, field
    assert any(_lexicon(segment, "body") for segment in segments)
