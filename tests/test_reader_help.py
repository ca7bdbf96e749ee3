"""`?` shows the keys of the screen the reader is on first, then the rest; remapped keys show as remapped."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from index import Library
from reader.app import BylineApp
from reader.screens.article import ArticleScreen
from reader.screens.entities import EntitiesScreen
from reader.screens.help import HelpScreen, section_title
from reader.screens.library import LibraryScreen
from reader.screens.stories import StoriesScreen
from reader.settings import load_settings
from reader.widgets.entity_panel import EntityPanel


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def help_titles(app: BylineApp) -> list[str]:
    assert isinstance(app.screen, HelpScreen)
    return [str(static.render()).split("\n", 1)[0] for static in app.screen.query(".help-section").results(Static)]


def help_text(app: BylineApp) -> str:
    return "\n".join(str(static.render()) for static in app.screen.query(Static))


def test_section_titles_say_where() -> None:
    assert section_title(StoriesScreen) == "Stories"
    assert section_title(EntityPanel) == "Entity panel"
    assert section_title(EntitiesScreen) == "Entities"


async def test_help_on_the_library_starts_with_the_library(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        titles = help_titles(app)
        assert titles[0] == "Library"
        assert titles.index("Everywhere") > titles.index("Article list")
        assert "Article" in titles[titles.index("Everywhere"):]  # the rest follows
        assert app.screen.query_one("#help-body").border_title.startswith("Keys: Library first")


async def test_help_on_an_article_starts_with_its_keys(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_article(app.summaries[0].id)
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("question_mark")
        titles = help_titles(app)
        assert titles[:3] == ["Article", "Article text", "Entity panel"]
        assert titles[3] == "Everywhere" and "Library" in titles
        assert titles.count("Article") == 1


@pytest.mark.parametrize("key, screen", [("ctrl+t", StoriesScreen), ("ctrl+e", EntitiesScreen)])
async def test_help_on_a_screen_lists_all_of_its_keys(seeds_library: Library, key: str, screen: type) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        await pilot.press("question_mark")
        first = str(next(iter(app.screen.query(".help-section").results(Static))).render()).split("\n")
        assert first[0] == section_title(screen)
        assert [line.split("  ")[-1].strip() for line in first[1:]] == [b.description for b in screen.BINDINGS]


async def test_help_shows_remapped_keys(seeds_library: Library, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('[keymap]\n"app.quit" = "ctrl+q"\n', encoding="utf-8")
    app = BylineApp(seeds_library, settings=load_settings(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        everywhere = next(str(s.render()) for s in app.screen.query(".help-section").results(Static)
                          if str(s.render()).startswith("Everywhere"))
        quit_line = next(line for line in everywhere.split("\n") if line.endswith("Quit"))
        assert "^q" in quit_line or "ctrl+q" in quit_line
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_a_section_listed_first_is_not_listed_again(seeds_library: Library) -> None:
    from reader.screens.compare import CompareScreen

    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(HelpScreen([("Compare", CompareScreen.BINDINGS), *app.help_sections()]))
        await settle(pilot)
        titles = help_titles(app)
        assert titles[0] == "Compare" and len(titles) == len(set(titles))


async def test_help_on_compare_is_the_reader_s_help_with_compare_first(seeds_library: Library) -> None:
    from reader.screens.compare import CompareScreen

    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_compare(app.summaries[0].id, app.summaries[1].id)
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("f1")
        titles = help_titles(app)
        assert titles[:3] == ["Compare", "Compare text", "Everywhere"] and "Library" in titles
        assert app.screen.query_one("#help-body").border_title.startswith("Keys: Compare first")
        await pilot.press("escape", "question_mark")
        assert help_titles(app)[0] == "Compare"


@pytest.mark.parametrize("key, screen", [("ctrl+t", StoriesScreen), ("ctrl+e", EntitiesScreen)])
async def test_keys_listed_everywhere_work_from_the_query_box(seeds_library: Library, key: str,
                                                              screen: type) -> None:
    from textual.widgets import Input

    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "k", "a", "b")
        await settle(pilot)
        query = app.screen.query_one(Input)
        assert query.has_focus and query.value == "kab"
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert app.screen.query_one(Input).value == "kab"
