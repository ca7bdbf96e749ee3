"""What fits where: the footer's Help and Quit at 80 columns, rows that do not wrap, the entity browser's enter."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey

from index import Library
from reader.app import BylineApp
from reader.screens.article import ArticleScreen
from reader.screens.entities import EntitiesScreen
from reader.screens.library import LibraryScreen


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def footer_keys_in_view(app: BylineApp) -> dict[str, str]:
    """The footer's keys wholly on screen, left of the command palette's key (docked right, over the rest):
    description -> key."""
    keys = list(app.screen.query(FooterKey))
    palette = [key for key in keys if key.action == "app.command_palette" or key.description == "palette"]
    edge = min((key.region.x for key in palette), default=app.size.width)
    return {key.description: key.key for key in keys if key not in palette and key.region.width
            and key.region.right <= edge}


@pytest.mark.parametrize("where", ["library", "article", "entities"])
async def test_help_and_quit_stay_in_the_footer_at_80_columns(seeds_library: Library, where: str) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if where == "article":
            await pilot.press("slash", *"taliban")  # with search matches: the article's footer at its fullest
            await settle(pilot)
            await pilot.press("enter", "enter")
            await settle(pilot)
            assert isinstance(app.screen, ArticleScreen) and app.screen.matches
        elif where == "entities":
            await pilot.press("ctrl+e")
            await settle(pilot)
            assert isinstance(app.screen, EntitiesScreen)
            app.screen.query_one("#entity-list").focus()
            await pilot.pause()
        shown = footer_keys_in_view(app)
        quit_key = "ctrl+q" if where == "library" else "q"  # on the library, q is typed into the query
        assert shown.get("Help") == "question_mark" and shown.get("Quit") == quit_key, shown


async def test_entity_rows_do_not_wrap_at_80_columns(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        for list_id in ("#entity-list", "#entity-articles"):
            listing = app.screen.query_one(list_id, OptionList)
            assert listing.option_count
            # one line per option: the virtual height is the number of options (no wrapped second lines)
            assert listing.virtual_size.height == listing.option_count, list_id


async def test_enter_in_an_empty_entity_filter_goes_to_the_entity_list(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntitiesScreen)
        assert screen.focused is screen.query_one("#entity-filter")  # typing filters at once
        await pilot.press("enter")
        await settle(pilot)
        assert screen.focused is screen.query_one("#entity-list")
        await pilot.press("enter")  # on an entity: its articles
        await settle(pilot)
        assert screen.focused is screen.query_one("#entity-articles")
        await pilot.press("slash", "escape")  # an empty filter: escape leaves the browser
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)


async def test_an_entity_named_from_the_palette_opens_on_the_list(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_entities("Mujahid")
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#entity-list")
