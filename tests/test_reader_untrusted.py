"""Article text is untrusted: markup and escape sequences in it must show literally and do nothing.

A small hostile corpus is indexed for real; its title, source and body carry Rich/Textual markup (which would
style text, crash on ``[/]``, or run an action on click) and ANSI/OSC escapes (which would recolour the
terminal or set its title). The library row, the search results and the reader must all show the characters
as they are, with the escapes replaced by visible stand-ins.
"""

from __future__ import annotations

import pytest
from rich.segment import Segment
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from conftest import write_files
from index import Library, open_library
from reader.app import BylineApp
from reader.screens.article import ArticleScreen
from reader.widgets.article_table import ArticleTable
from reader.widgets.article_view import ArticleView
from reader.widgets.results_list import ResultsList

MARKUP = ["[bold]x[/bold]", "[/]", "[@click=app.quit]", "[link=http://x]y[/link]"]
ESCAPES = "\x1b[31mred\x1b]0;title\x07"
HOSTILE = " ".join(MARKUP) + " " + ESCAPES

SIZE = (160, 40)


@pytest.fixture(scope="module")
def hostile_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("hostile")
    corpus = write_files(
        root / "corpus",
        {
            "hostile.txt": f"Hostile {HOSTILE}\n\nThe hostile body says {HOSTILE} and then Kabul.\n",
            "calm.txt": "A calm article\n\nNothing to see in Kabul today.\n",
            # The source comes from the metadata sidecar, so it is untrusted too.
            "byline.toml": '[files."hostile.txt"]\nsource = "Src [bold]b[/bold] [/] \\u001b[2J"\n',
        },
    )
    with open_library(corpus, index_dir=root / "idx") as library:
        library.build()
        yield library


def strips_of(widget: Widget) -> list[list[Segment]]:
    region = Region(0, 0, widget.outer_size.width, widget.outer_size.height)
    return [list(strip) for strip in widget.render_lines(region)]


def assert_harmless(widget: Widget, *expected: str) -> None:
    """``widget`` shows each of ``expected`` literally, and nothing it draws is an escape, a link or an action."""
    lines = strips_of(widget)
    text = "\n".join("".join(segment.text for segment in line) for line in lines)
    for literal in expected:
        assert literal in text, f"{literal!r} not shown literally in {type(widget).__name__}:\n{text}"
    assert "\x1b" not in text and "\x07" not in text
    for line in lines:
        for segment in line:
            if segment.style is not None:
                assert not segment.style.link
                assert "@click" not in (segment.style.meta or {})


async def test_hostile_text_is_shown_literally_everywhere(hostile_library: Library) -> None:
    app = BylineApp(hostile_library)
    async with app.run_test(size=SIZE) as pilot:
        # The library row: the title and the source.
        table = app.screen.query_one(ArticleTable)
        assert_harmless(table, *MARKUP, "Src [bold]b[/bold] [/]")

        # The search results: title and snippets.
        await pilot.press("slash", *"hostile")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        results = app.screen.query_one(ResultsList)
        assert results.hits
        assert_harmless(results, "[bold]x[/bold]", "[/]", "[@click=app.quit]", "[link=http://x]y[/link]")

        # The reader: heading and text.
        await pilot.press("enter", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert_harmless(app.screen.query_one("#article-heading", Static), *MARKUP)
        assert_harmless(app.screen.query_one(ArticleView), *MARKUP, "␛[31mred␛]0;title␇")
        assert app.is_running  # nothing ran app.quit

