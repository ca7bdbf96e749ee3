"""What fits where: the footer's Help and Quit at 80 columns, rows that do not wrap, the entity browser's enter."""

from __future__ import annotations

import re

import pytest
from textual.geometry import Region
from textual.widgets import Input, OptionList
from textual.widgets._footer import FooterKey

from index import Library
from reader.app import BylineApp
from reader.screens.article import ArticleScreen
from reader.screens.entities import EntitiesScreen
from reader.screens.help import HelpScreen
from reader.screens.library import LibraryScreen
from reader.widgets.results_list import ResultsList


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


@pytest.mark.parametrize("where", ["library", "article", "entities", "compare"])
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
        elif where == "compare":
            app.action_compare(app.summaries[0].id, app.summaries[1].id)
            await settle(pilot)
            assert app.screen.comparison is not None
        elif where == "entities":
            await pilot.press("ctrl+e")
            await settle(pilot)
            assert isinstance(app.screen, EntitiesScreen)
            app.screen.query_one("#entity-list").focus()
            await pilot.pause()
        shown = footer_keys_in_view(app)
        for _ in range(40):  # the footer is composed again after a change of focus: wait for it (a busy machine)
            if shown.get("Help"):
                break
            await pilot.pause(0.05)
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


async def test_the_footer_shows_the_help_key_that_works_where_the_focus_is(seeds_library: Library) -> None:
    """? opens the help from the library's lists but is typed in its query box: there the footer says F1."""
    app = BylineApp(seeds_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        help_key = next(key for key in app.screen.query(FooterKey) if key.description == "Help")
        assert help_key.key_display == "?"
        await pilot.press(*"kabul")  # typed on the table: the focus moves to the query box
        await settle(pilot)
        assert isinstance(app.focused, Input)
        help_key = next(key for key in app.screen.query(FooterKey) if key.description == "Help")
        assert help_key.key_display == "F1"
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen) and app.screen.query_text == "kabul?"
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_a_hit_s_first_line_does_not_wrap_at_80_columns(seeds_library: Library) -> None:
    """Rank, source, date and score stay on one line beside the facets; a long source is clipped instead."""
    app = BylineApp(seeds_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"taliban")
        await settle(pilot)
        results = app.screen.query_one(ResultsList)
        assert len(results.hits) > 1 and results.line_width
        size = results.outer_size
        lines = ["".join(segment.text for segment in strip)
                 for strip in results.render_lines(Region(0, 0, size.width, size.height))]
        facts = [line for line in lines if re.search(r"\d+\. .* · score \d+\.\d\d", line)]
        assert len(facts) >= 2, lines
        assert not [line for line in lines if re.fullmatch(r"[│ ]*(score )?\d+\.\d\d[│ ▆▁]*", line)], lines
        for hit in results.hits:  # every hit's, also those scrolled out of view
            prompt = results.get_option(hit.id).prompt
            assert prompt.split("\n")[0].cell_length <= results.line_width
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert "…" not in str(results.get_option(results.hits[0].id).prompt).split("\n")[0]
