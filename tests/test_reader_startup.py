"""The reader's start-up: the library is drawn before a large catalog is read, and nothing is lost meanwhile.

A catalog above ``SMALL_CATALOG_BYTES`` is read in a thread once the library is on screen. These tests lower
that limit so the seed corpus takes that path, and hold the real catalog read until they let it go, so what
the reader shows while it waits is seen, not raced.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input, Static

import reader.app
from conftest import SEEDS
from index import Library, open_library
from index.store import CATALOG
from reader.app import BylineApp
from reader.cli import _opens_reader, _with_default_command, build_parser
from reader.screens.build import BuildScreen
from reader.screens.library import LibraryScreen
from reader.widgets.article_table import LOADING, ArticleTable
from reader.widgets.results_list import ResultsList

SIZE = (100, 30)


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(widget) -> str:
    strips = widget.render_lines(Region(0, 0, widget.outer_size.width, widget.outer_size.height))
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


@pytest.fixture()
def large_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every catalog counts as large: it is read after the first frame."""
    monkeypatch.setattr(reader.app, "SMALL_CATALOG_BYTES", -1)


@pytest.fixture()
def held_library(seeds_library: Library, large_catalogs: None) -> Iterator[tuple[Library, threading.Event]]:
    """The seed library, whose catalog read waits until the event is set."""
    release = threading.Event()
    read = seeds_library.articles

    def held() -> list:
        assert release.wait(10), "the test never released the catalog read"
        return read()

    seeds_library.articles = held  # type: ignore[method-assign]
    yield seeds_library, release
    release.set()


async def test_the_library_is_drawn_before_a_large_catalog_is_read(held_library) -> None:
    library, release = held_library
    app = BylineApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one(ArticleTable)
        assert not table.loaded and table.row_count == 0
        assert LOADING in shown(table) and "Source" in shown(table)
        assert "Loading" in str(app.screen.query_one("#search-status", Static).render())
        assert app.screen.query_one("#query", Input).display

        release.set()
        await settle(pilot)
        assert table.loaded
        assert sorted(table.row_ids) == sorted(s.id for s in library.articles())
        dates = [s.published for s in sorted(library.articles(), key=lambda s: s.published, reverse=True)]
        assert [{s.id: s for s in library.articles()}[i].published for i in table.row_ids] == dates
        assert LOADING not in shown(table)
        assert "5 articles" in str(app.screen.query_one("#search-status", Static).render())
        assert "5 articles" in app.sub_title


async def test_keys_typed_while_the_catalog_is_read_are_kept(held_library) -> None:
    library, release = held_library
    app = BylineApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ArticleTable)
        assert not table.loaded
        await pilot.press("ctrl+s")  # sort by source before there is anything to sort
        await pilot.press(*"mujahid")  # and a search, typed on the table: it goes to the query box
        assert app.screen.query_one("#query", Input).value == "mujahid"

        release.set()
        await settle(pilot)
        sources = [{s.id: s for s in library.articles()}[i].source.casefold() for i in table.row_ids]
        assert sources == sorted(sources)
        results = app.screen.query_one(ResultsList)
        assert results.hits and app.screen.last_result.query == "mujahid"


async def test_an_unreadable_large_catalog_is_rebuilt(tmp_path: Path, seeds_index_dir: Path, large_catalogs) -> None:
    import shutil

    index_dir = tmp_path / "idx"
    shutil.copytree(seeds_index_dir, index_dir)
    library = open_library(SEEDS, index_dir)
    (library.generation / CATALOG).write_text("{not json", encoding="utf-8")
    app = BylineApp(library)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(10):  # catalog read fails -> build screen -> rebuild -> library -> catalog read
            await settle(pilot)
            if isinstance(app.screen, LibraryScreen) and app.screen.query_one(ArticleTable).loaded:
                break
        assert any("Rebuilding" in str(n.message) for n in app._notifications)
        assert not isinstance(app.screen, BuildScreen)
        assert sorted(app.screen.query_one(ArticleTable).row_ids) == sorted(s.id for s in library.articles())
    library.close()


@pytest.mark.parametrize("size", [(20, 6), (63, 15), (64, 16), (99, 30), (100, 40)])
async def test_the_library_screen_starts_with_the_classes_of_the_terminal_size(
    seeds_library: Library, size: tuple[int, int]
) -> None:
    """Created with its breakpoint classes, the screen is not restyled whole on its first resize."""
    app = BylineApp(seeds_library)
    async with app.run_test(size=size):
        assert set(app.breakpoint_classes().split()) == set(app.screen.classes) & {
            name for _, name in app.HORIZONTAL_BREAKPOINTS + app.VERTICAL_BREAKPOINTS
        }


@pytest.mark.parametrize(
    "argv",
    [[], ["open"], ["/some/corpus"], ["news.jsonl.gz"], ["-q", "kabul"], ["open", "x", "--index-dir", "y", "-q", "z"],
     ["./news", "--query", "taliban"]],
)
def test_starting_the_reader_parses_like_the_full_command_line(argv: list[str]) -> None:
    assert _opens_reader(argv)
    full, light = build_parser(), build_parser(everything=False)
    commands = list(full._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert vars(light.parse_args(_with_default_command(argv, ["open"]))) == vars(
        full.parse_args(_with_default_command(argv, commands))
    )


@pytest.mark.parametrize("argv", [["stories"], ["search", "x"], ["--version"], ["-h"], ["news"], ["index", "."]])
def test_other_commands_and_bare_words_get_the_full_command_line(argv: list[str]) -> None:
    assert not _opens_reader(argv)
