"""Arbitrary text through everything that shows it: ``reader.safe``, the results' and article view's renderers,
the CLI (text neutralised, ``--json`` exact), and hostile JSON records through a real build.

Hypothesis generates the text, weighted towards what attacks a terminal: escape sequences, C0/C1 controls,
bidi overrides, zero-width and combining characters, wide CJK and emoji, lone surrogates and markup.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.content import Content

from conftest import write_files
from index import Library, open_library
from index.models import Fragment, Hit
from reader.cli import main
from reader.safe import escape_for_json, needs_neutralising, neutralise, one_line
from reader.widgets.article_view import ArticleView, StyledSpan, wrap_offsets
from reader.widgets.results_list import hit_prompt

NASTY = ["\x1b", "\x1b[31m", "\x1b]0;t\x07", "\x1b]52;c;ZXZpbA==\x07", "\x1b]8;;http://e\x07", "\x9b", "\x9d", "\x85",
         "\x00", "\x07", "\x08", "\r", "\t", "\x7f", "\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200d",
         "\ufeff", "\u2028", "\u2029", "\u0301", "\u0300\u0301", "漢字", "タ", "🙂", "👨\u200d👩\u200d👧", "\ufe0f",
         "مرحبا", "עברית", "[/]", "[bold]", "[@click=app.quit]", "[link=http://x]", "\ud800", "\udfff", "\ue000",
         "\U000e0001", "\n", "\n\n", " ", "word", "Kabul"]
TEXT = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(NASTY), max_size=20).map("".join),
                 st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=4)), max_size=15).map("".join))


def emitted(text: str) -> bool:
    """Whether ``text`` holds anything that would act on a terminal or be invisible there."""
    return needs_neutralising(text)


@given(TEXT)
def test_neutralise_keeps_length_and_lets_nothing_through(text: str) -> None:
    safe = neutralise(text)
    assert len(safe) == len(text)  # offsets computed on the text stay valid
    assert not emitted(safe)
    assert neutralise(safe) == safe
    line = one_line(text)
    assert len(line) == len(text) and "\n" not in line and not emitted(line)
    assert [a == b for a, b in zip(safe, text, strict=True)].count(False) == sum(
        1 for ch in text if ch != "\n" and emitted(ch))


#: Text the engine can hold: ingest replaces lone surrogates (JSON could not keep two apart from a pair anyway).
STORED = TEXT.map(lambda text: re.sub("[\ud800-\udfff]", "\ufffd", text))


@given(st.recursive(st.one_of(STORED, st.integers(), st.none()),
                    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(STORED, inner, max_size=4)),
                    max_leaves=12))
def test_json_output_is_exact_and_inert(data) -> None:
    raw = escape_for_json(json.dumps(data, ensure_ascii=False, indent=2))
    assert json.loads(raw) == data
    assert not emitted(raw)


def test_json_output_escapes_a_lone_surrogate() -> None:
    raw = escape_for_json(json.dumps({"t": "a\ud800b"}, ensure_ascii=False))
    raw.encode("utf-8")  # written raw, it could not even be encoded
    assert json.loads(raw) == {"t": "a\ud800b"}


@given(TEXT, TEXT, st.lists(st.tuples(st.integers(0, 90), st.integers(0, 90)), max_size=4))
def test_result_entries_never_parse_or_emit(title: str, snippet: str, spans: list[tuple[int, int]]) -> None:
    matches = tuple((min(a, b), max(a, b)) for a, b in spans if min(a, b) < max(a, b) <= len(snippet))
    hit = Hit(id="x", rank=1, score=1.0, title=title, source=snippet, published="",
              fragments=(Fragment(text=snippet, start=0, matches=matches),), title_matches=())
    prompt = hit_prompt(hit, "A")
    assert isinstance(prompt, Content)
    assert not emitted(prompt.plain.replace("\n", ""))
    assert one_line(title.replace("\n", " ")) in prompt.plain  # shown literally: markup is text


@given(TEXT, st.integers(1, 50))
def test_wrapping_covers_every_character_once(text: str, width: int) -> None:
    lines = wrap_offsets(neutralise(text), width)
    assert lines[0][0] == 0 and lines[-1][1] == len(text)
    for (_, end), (start, _) in itertools.pairwise(lines):
        assert start in (end, end + 1)  # the next line starts where this one ended, or after its newline


@pytest.mark.parametrize(("text", "width"), [("x" * 1_000_000, 100), ("漢" * 300_000, 7)])
def test_wrapping_a_megabyte_without_a_space_does_not_hang(text: str, width: int) -> None:
    """Opening an article that is one long run (a pasted blob, a file of one line) froze the reader for half a
    minute: each fold measured the whole rest of the word again. Not a timing test: 5 s catches the hang."""
    started = time.perf_counter()
    lines = wrap_offsets(text, width)
    assert time.perf_counter() - started < 5.0
    assert lines[0][0] == 0 and lines[-1][1] == len(text)
    assert all(0 < cell_len(text[start:end]) <= width for start, end in lines)


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ArticleView(id="view")


@pytest.mark.parametrize("width", [1, 7, 40])
async def test_article_view_renders_random_hostile_text_inertly(width: int) -> None:
    rng = random.Random(width)
    app = ViewApp()
    async with app.run_test(size=(width, 12)) as pilot:
        view = app.query_one(ArticleView)
        for _ in range(30):
            text = "".join(rng.choice(NASTY) for _ in range(rng.randint(0, 40)))
            if rng.random() < 0.3:
                text = "".join(chr(rng.randint(0, 0x3000)) for _ in range(rng.randint(0, 60)))
            view.set_text(text)
            spans = sorted(rng.randint(0, len(text)) for _ in range(2))
            view.set_layer("fuzz", [StyledSpan(spans[0], spans[1], "article-view--match")])
            await pilot.pause()
            for y in range(view.size.height):
                strip = view.render_line(y)
                assert strip.cell_length == view.scrollable_content_region.width, repr(text)
                assert not any(emitted(segment.text) for segment in strip), repr(text)


# -- hostile records through a real build and the CLI --------------------------------------------------------

RECORDS = [
    {"id": "sur", "title": "Lone \ud800 surrogate", "body": "Body with \udfff lone surrogate in Kabul.",
     "source": "S\udbff"},
    {"id": "nul", "title": "NUL\x00title \x9b2J", "body": "Body\x00with NUL in Kabul.", "source": "Src\x00"},
    {"id": "esc\x1b[31m", "title": "\u202eevil\u202c \x1b]0;pwned\x07", "body": "Escape id body in Kabul."},
    {"id": "cjk", "title": "漢字タイトル 🙂 e\u0301", "body": "CJK 漢字 in Kabul.", "source": "新聞"},
]


@pytest.fixture(scope="module")
def hostile_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("jsonl")
    lines = "".join(json.dumps(record) + "\n" for record in RECORDS)  # JSON escapes keep the surrogates
    corpus = write_files(root / "corpus", {"c.jsonl": lines})
    with open_library(corpus, root / "idx") as lib:
        lib.build()  # a lone surrogate used to stop spaCy (UnicodeEncodeError) and with it the whole build
        yield lib


def run(capsys: pytest.CaptureFixture[str], lib: Library, *args: str) -> str:
    assert main([*args, "-C", str(lib.corpus), "--index-dir", str(lib.index_dir)]) == 0
    return capsys.readouterr().out


def test_hostile_records_are_indexed(hostile_jsonl: Library) -> None:
    assert {s.id for s in hostile_jsonl.articles()} == {r["id"] for r in RECORDS}
    assert hostile_jsonl.article("sur").title == "Lone \ufffd surrogate"
    assert hostile_jsonl.search("Kabul").total == len(RECORDS)


@pytest.mark.parametrize("command", [["list"], ["search", "Kabul"], ["show", "nul"], ["show", "esc"], ["show", "cjk"]])
def test_cli_text_output_is_neutralised(hostile_jsonl: Library, capsys, command: list[str]) -> None:
    out = run(capsys, hostile_jsonl, *command)
    assert out and not emitted(out.replace("\n", ""))


@pytest.mark.parametrize("command", [["list"], ["search", "Kabul"], ["show", "nul"], ["show", "esc"]])
def test_cli_json_output_is_exact_and_inert(hostile_jsonl: Library, capsys, command: list[str]) -> None:
    out = run(capsys, hostile_jsonl, *command, "--json")
    assert not emitted(out.replace("\n", ""))  # raw C1 controls and bidi overrides used to be written as they are
    data = json.loads(out)
    by_id = {r["id"]: r for r in RECORDS}
    items = data if isinstance(data, list) else data.get("hits", [data])
    assert items
    for item in items:
        original = by_id[item["id"]]
        if item["id"] != "sur":  # the surrogate was replaced at ingest: it cannot be stored or shown
            assert item["title"] == original["title"]


def test_json_of_a_whole_article_keeps_its_text(hostile_jsonl: Library, capsys) -> None:
    data = json.loads(run(capsys, hostile_jsonl, "show", "nul", "--json"))
    assert data["text"] == "Body\x00with NUL in Kabul." and data["source"] == "Src\x00"
    assert Path(data["path"]).name == "c.jsonl:2"


def test_lines_written_to_a_pipe_are_those_a_terminal_shows(hostile_jsonl: Library, monkeypatch) -> None:
    """Long listings skip Rich when stdout is not a terminal: the bytes are the ones Rich writes for the same
    (neutralised) lines, and nothing in them acts on a terminal."""
    import io

    from reader.cli.common import write_lines
    from reader.safe import one_line

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    lines = [one_line(f"{s.id}  {s.title}")[:70] for s in hostile_jsonl.articles()]
    written = {}
    for name, stream in (("terminal", Terminal()), ("pipe", io.StringIO())):
        monkeypatch.setattr("sys.stdout", stream)
        write_lines(iter(lines))
        written[name] = stream.getvalue()
    assert written["pipe"] == "".join(f"{line}\n" for line in lines)
    assert written["terminal"] == written["pipe"]
    assert not emitted(written["pipe"].replace("\n", ""))
