"""Pilot tests of the reader: what a person does with the keyboard, and what they then see."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import ContentSwitcher, Input, Static

from conftest import write_files
from index import Library, open_library
from reader.app import BylineApp
from reader.screens.article import ArticleScreen
from reader.screens.build import BuildScreen
from reader.screens.help import HelpScreen, binding_rows
from reader.screens.library import LibraryScreen
from reader.widgets.article_table import ArticleTable
from reader.widgets.article_view import ArticleView
from reader.widgets.entity_legend import EntityLegend
from reader.widgets.entity_panel import EntityPanel
from reader.widgets.facet_list import FacetList
from reader.widgets.results_list import MATCH_STYLE, ResultsList

SIZE = (100, 30)


async def settle(pilot: Pilot) -> None:
    """Let queued messages run, then every search/article worker finish and its result be drawn."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(widget) -> str:
    """What ``widget`` shows on the terminal, line by line."""
    strips = widget.render_lines(Region(0, 0, widget.outer_size.width, widget.outer_size.height))
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def status(app: BylineApp) -> str:
    screen_id = "#search-status" if isinstance(app.screen, LibraryScreen) else "#article-status"
    return str(app.screen.query_one(screen_id, Static).render())


async def type_query(pilot: Pilot, text: str) -> None:
    await pilot.press("slash", *text)
    await settle(pilot)


async def open_first_hit(pilot: Pilot, query: str) -> ArticleScreen:
    await type_query(pilot, query)
    await pilot.press("enter", "enter")  # to the results, then open the highlighted one
    await settle(pilot)
    assert isinstance(pilot.app.screen, ArticleScreen)
    return pilot.app.screen


# -- library ----------------------------------------------------------------------------------------------


async def test_library_lists_every_article_newest_first_and_sorts(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(ArticleTable)
        summaries = {s.id: s for s in seeds_library.articles()}
        assert sorted(table.row_ids) == sorted(summaries)
        dates = [summaries[i].published for i in table.row_ids]
        dated = [d for d in dates if d]
        assert dated == sorted(dated, reverse=True) and dates[: len(dated)] == dated  # undated last
        text = screen_text(table)
        assert "Source" in text and "Date ↓" in text and "Southfront.org" in text

        await pilot.press("ctrl+s")
        sources = [summaries[i].source.casefold() for i in table.row_ids]
        assert sources == sorted(sources)
        assert "by source" in status(app)
        await pilot.press("ctrl+s")
        assert [summaries[i].source.casefold() for i in table.row_ids] == sorted(sources, reverse=True)
        await pilot.press("ctrl+d")
        assert [summaries[i].published for i in table.row_ids] == dates


async def test_keys_move_the_cursor_and_enter_opens(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(ArticleTable)
        await pilot.press("end")
        assert table.cursor == table.row_count - 1
        await pilot.press("home", "down", "down", "up")
        assert table.cursor == 1
        chosen = table.current_id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and app.screen.article_id == chosen
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


# -- searching ------------------------------------------------------------------------------------------------


async def test_typing_a_query_shows_hits_with_highlighted_snippets(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "mujahid")
        results = app.screen.query_one(ResultsList)
        assert results.display and results.hits
        assert status(app).startswith(f"{len(results.hits)} hit")
        prompt = results.get_option_at_index(0).prompt
        highlighted = {prompt.plain[s.start : s.end].casefold() for s in prompt.spans if s.style == MATCH_STYLE}
        assert highlighted and all("mujahid" in word for word in highlighted)
        assert "score" in prompt.plain


async def test_down_then_enter_at_once_opens_the_first_hit(seeds_library: Library) -> None:
    """Down and Enter typed in one burst (no frame between them): the Enter is the results list's and opens the
    highlighted hit; it is not left to the query box, searching again."""
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "kabul")
        first = app.screen.query_one(ResultsList).hits[0].id
        app.post_message(events.Key("down", None))
        app.post_message(events.Key("enter", "\r"))
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and app.screen.article_id == first


@pytest.mark.parametrize("word", ["kabul", "daesh", "german", "spacex", "jalalabad", "Germany", "2021", "quetta"])
async def test_every_letter_typed_on_the_table_starts_the_query(seeds_library: Library, word: str) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.focused, ArticleTable)
        await pilot.press(*word)
        assert app.screen.query_one("#query", Input).value == word
        assert app.is_running and isinstance(app.screen, LibraryScreen)


async def test_typing_on_the_results_goes_on_with_the_query(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "taliban")
        await pilot.press("enter")
        assert isinstance(app.focused, ResultsList)
        await pilot.press(*"kjgGcds")
        assert app.screen.query_one("#query", Input).value == "talibankjgGcds"
        assert app.marks == ()


async def test_typing_on_the_table_goes_to_the_query_box(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.focused, ArticleTable)
        await pilot.press("t", "a", "l", "i", "b", "a", "n")
        await settle(pilot)
        assert app.screen.query_one("#query", Input).value == "taliban"
        assert app.screen.query_one(ResultsList).hits


async def test_a_newer_query_replaces_an_older_one(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"mujahid")
        await pilot.press(*["backspace"] * 7, *"biden")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert screen.last_result is not None and screen.last_result.query == "biden"


async def test_results_of_a_query_no_longer_in_the_box_are_not_shown(seeds_library: Library) -> None:
    """Threads may finish in any order: a search's results show only while the box holds its query."""
    from reader.screens.library import SearchDone

    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "biden")
        screen = app.screen
        assert isinstance(screen, LibraryScreen) and screen.last_result is not None
        shown = screen.last_result
        screen.post_message(SearchDone("mujahid", seeds_library.search("mujahid")))
        await settle(pilot)
        assert screen.last_result is shown
        assert [hit.id for hit in screen.query_one(ResultsList).hits] == [hit.id for hit in shown.hits]
        again = seeds_library.search("biden")
        screen.post_message(SearchDone("biden", again))
        await settle(pilot)
        assert screen.last_result is again


async def test_a_catalog_read_for_a_library_no_longer_shown_is_dropped(seeds_library: Library) -> None:
    from reader.screens.library import CatalogRead

    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        old = app.screen
        assert isinstance(old, LibraryScreen) and len(app.summaries) == 5
        app.build_finished(None)  # the library is shown anew, on a new screen
        await settle(pilot)
        assert app.screen is not old and isinstance(app.screen, LibraryScreen)
        old._catalog_read(CatalogRead([], []))  # as if it had been queued before the screen went
        app.screen.post_message(CatalogRead(app.summaries[:2], app.summaries[:2]))
        await settle(pilot)
        assert len(app.summaries) == 2


async def test_a_facet_narrows_the_results(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "taliban")
        before = app.screen.last_result
        facets = app.screen.query_one(FacetList)
        assert facets.display
        source = before.facets["source"][0]
        facets.focus()
        facets.highlighted = facets.get_option_index(source.clause)
        await pilot.press("enter")
        await settle(pilot)
        after = app.screen.last_result
        assert app.screen.query_one("#query", Input).value == f"taliban {source.clause}"
        assert after.total == source.count < before.total
        assert {hit.source for hit in after.hits} == {source.value}
        # Choosing it again takes the clause out.
        facets.highlighted = facets.get_option_index(source.clause)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#query", Input).value == "taliban"
        # The cursor is after the rewritten query: what is typed next goes at its end.
        facets.highlighted = facets.get_option_index(source.clause)
        await pilot.press("enter", *"X")  # typed on the facets, where the focus still is
        assert app.screen.query_one("#query", Input).value == f"taliban {source.clause}X"


async def test_a_malformed_query_shows_the_error_and_keeps_the_results(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "taliban")
        good = app.screen.query_one(ResultsList).hits
        assert good
        await pilot.press(*" AND )")
        await settle(pilot)
        assert app.screen.has_class("-error")
        assert "⚠" in status(app) and "last good results" in status(app)
        assert app.screen.query_one(ResultsList).hits == good
        # Fixing the query clears the error.
        await pilot.press("backspace")
        await pilot.press(*"kabul")
        await settle(pilot)
        assert not app.screen.has_class("-error")
        assert app.screen.last_result.query == "taliban AND kabul"


@pytest.mark.parametrize(("typed", "waits_for"), [(' NOT', "nothing after NOT"), (' "We hope', "unclosed quote"),
                                                  (" (kabul", "unclosed '('")])
async def test_a_query_being_typed_keeps_the_results_quietly(seeds_library: Library, typed: str,
                                                             waits_for: str) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "taliban")
        good = app.screen.query_one(ResultsList).hits
        await pilot.press(*typed)
        await settle(pilot)
        assert not app.screen.has_class("-error") and "⚠" not in status(app)
        assert waits_for in status(app) and "last results" in status(app)
        assert app.screen.query_one(ContentSwitcher).current == "results"
        assert app.screen.query_one(ResultsList).hits == good


async def test_an_open_quote_typed_on_the_library_waits_for_the_phrase(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*'"We hope')  # typed on the table: the quote starts the query too
        await settle(pilot)
        assert app.screen.query_one("#query", Input).value == '"We hope'
        assert not app.screen.has_class("-error") and "unclosed quote" in status(app)
        await pilot.press(*' that the Afghans"')
        await settle(pilot)
        assert {hit.id[:3] for hit in app.screen.query_one(ResultsList).hits} == {"001", "002"}


async def test_escape_clears_the_query_and_shows_the_library_again(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "taliban")
        await pilot.press("escape")
        assert app.screen.query_one("#query", Input).value == ""
        assert app.screen.query_one(ArticleTable).display
        assert isinstance(app.focused, ArticleTable)


async def test_initial_query_starts_with_results(seeds_library: Library) -> None:
    app = BylineApp(seeds_library, initial_query="kabul")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(ResultsList).hits


# -- reading -------------------------------------------------------------------------------------------------


async def test_opening_a_result_shows_the_article_and_n_steps_through_matches(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_hit(pilot, "mujahid")
        article = screen.article
        assert article is not None
        view = screen.query_one(ArticleView)
        assert view.text == article.text
        assert article.title in str(screen.query_one("#article-heading", Static).render())
        matches = screen.matches
        assert matches and all("mujahid" in article.text[a:b].casefold() for a, b in matches)
        await pilot.press("n")
        assert view.layer_spans("focus")[0].start == matches[0][0]
        assert status(app).startswith(f"match 1 of {len(matches)}")
        await pilot.press("n")
        assert view.layer_spans("focus")[0].start == matches[1 % len(matches)][0]
        await pilot.press("N")
        assert view.layer_spans("focus")[0].start == matches[0][0]


async def test_entities_are_highlighted_and_a_label_toggles(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_hit(pilot, "mujahid")
        view = screen.query_one(ArticleView)
        person_spans = [s for s in view.layer_spans("entities") if s.component == "article-view--person"]
        assert person_spans
        assert {(s.start, s.end) for s in person_spans} == {
            (e.start, e.end) for e in screen.article.entities if e.kind == "person"
        }
        await pilot.press("1")
        assert "person" in app.hidden_kinds
        assert not [s for s in view.layer_spans("entities") if s.component == "article-view--person"]
        legend = screen.query_one(EntityLegend).render()
        person = legend.plain.index(" person ")
        assert any("strike" in str(span.style) for span in legend.spans if span.start <= person < span.end)
        await pilot.press("1")
        assert "person" not in app.hidden_kinds
        assert len([s for s in view.layer_spans("entities") if s.component == "article-view--person"]) == len(
            person_spans
        )


async def test_entity_panel_jumps_through_mentions(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_hit(pilot, "mujahid")
        panel = screen.query_one(EntityPanel)
        group = panel.selected_group
        assert group is not None and len(group.mentions) >= 2  # most mentioned first
        await pilot.press("tab")
        assert app.focused is panel
        view = screen.query_one(ArticleView)
        await pilot.press("enter")
        assert (view.layer_spans("focus")[0].start, view.layer_spans("focus")[0].end) == group.mentions[0]
        assert f"mention 1 of {len(group.mentions)}" in status(app)
        await pilot.press("enter")
        assert (view.layer_spans("focus")[0].start, view.layer_spans("focus")[0].end) == group.mentions[1]
        await pilot.press("left_square_bracket")
        assert (view.layer_spans("focus")[0].start, view.layer_spans("focus")[0].end) == group.mentions[0]
        await pilot.press("left_square_bracket")  # wraps round to the last
        assert (view.layer_spans("focus")[0].start, view.layer_spans("focus")[0].end) == group.mentions[-1]


async def test_e_searches_the_corpus_for_the_selected_entity(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_hit(pilot, "mujahid")
        group = screen.query_one(EntityPanel).selected_group
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert app.screen.query_one("#query", Input).value == f'entity:"{group.name}"'
        results = app.screen.query_one(ResultsList)
        assert screen.article_id in {hit.id for hit in results.hits}
        assert app.focused is results
        # Typing on goes at the end of the rewritten query, never inside the field name.
        await pilot.press("X")
        assert app.screen.query_one("#query", Input).value == f'entity:"{group.name}"X'


# -- marking and comparing ----------------------------------------------------------------------------------


async def test_marking_two_articles_and_comparing(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    calls: list[tuple[str, str]] = []
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(ArticleTable)
        first, second, third = table.row_ids[:3]
        await pilot.press("space", "down", "space")
        assert app.marks == (first, second)
        rows = ["".join(segment.text for segment in table.render_line(y)) for y in (1, 2, 3)]
        assert [row[1] for row in rows] == ["A", "B", " "]
        await pilot.press("down", "space")  # a third mark replaces the oldest
        assert app.marks == (second, third)
        await pilot.press("space")  # and unmarking works
        assert app.marks == (second,)
        app.action_compare = lambda a, b: calls.append((a, b))
        await pilot.press("up", "up", "ctrl+o")  # one marked: ctrl+o compares it with the article under the cursor
        assert calls == [(second, first)]


async def test_marks_from_results_and_compare_twice_compares(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    calls: list[tuple[str, str]] = []
    async with app.run_test(size=SIZE) as pilot:
        app.action_compare = lambda a, b: calls.append((a, b))
        await type_query(pilot, "taliban")
        await pilot.press("enter")
        results = app.screen.query_one(ResultsList)
        first, second = results.hits[0].id, results.hits[1].id
        await pilot.press("ctrl+o")
        assert app.marks == (first,) and not calls
        assert results.get_option_at_index(0).prompt.plain.startswith("A ")
        await pilot.press("down", "ctrl+o")
        assert calls == [(first, second)]


async def test_compare_without_a_compare_screen_says_so(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        ids = app.screen.query_one(ArticleTable).row_ids
        app.action_compare(ids[0], ids[1])
        await pilot.pause()
        try:
            from reader.screens.compare import CompareScreen
        except ModuleNotFoundError:
            assert any("Comparing" in str(n.message) for n in app._notifications)
        else:
            assert isinstance(app.screen, CompareScreen)


# -- help, palette, quitting -----------------------------------------------------------------------------------


async def test_help_lists_every_key(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(static.render()) for static in app.screen.query(Static))
        for _title, bindings in app.help_sections():
            for keys, description in binding_rows(bindings, app.get_key_display):
                assert keys in shown and description in shown
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_palette_toggles_a_label_and_opens_an_article(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"toggle label: place")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.hidden_kinds == {"place"}
        title = seeds_library.articles()[0].title
        await pilot.press("ctrl+p", *title[:25])
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and app.screen.article.title == title


async def test_q_types_in_the_library_and_ctrl_q_quits(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "q")
        assert app.screen.query_one("#query", Input).value == "q"
        await pilot.press("escape", "escape")
        assert isinstance(app.focused, ArticleTable)
        await pilot.press(*"quetta")  # on the table q is a letter like any other: "quetta", "qatar"
        assert app.screen.query_one("#query", Input).value == "quetta"
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


# -- building, small terminals -------------------------------------------------------------------------------


async def test_without_an_index_the_build_screen_runs_then_the_library_shows(tmp_path: Path) -> None:
    corpus = write_files(
        tmp_path / "corpus",
        {"a.txt": "Kabul airport\n\nThe Taliban spoke in Kabul on Monday.", "b.txt": "Berlin\n\nMerkel spoke."},
    )
    library = open_library(corpus, index_dir=tmp_path / "idx")
    app = BylineApp(library)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, BuildScreen)
        await settle(pilot)
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert sorted(app.screen.query_one(ArticleTable).row_ids) == sorted(s.id for s in library.articles())
        # The palette's "Rebuild index" goes through the build screen and back to a working library.
        before = library.generation
        await pilot.press("ctrl+p", *"rebuild index")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert library.generation != before  # a new index generation was built and swapped in
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await type_query(pilot, "kabul")
        assert [hit.id for hit in app.screen.query_one(ResultsList).hits] == ["a"]
    library.close()


async def test_an_index_from_another_version_is_rebuilt_with_the_reason_shown(tmp_path: Path) -> None:
    corpus = write_files(tmp_path / "corpus", {"a.txt": "Kabul airport\n\nThe Taliban spoke in Kabul."})
    library = open_library(corpus, index_dir=tmp_path / "idx")
    library.build()
    marker = library.generation / "FORMAT.json"
    marker.write_text('{"index": 0}', encoding="utf-8")  # as if written by an older Byline
    library.close()
    library = open_library(corpus, index_dir=tmp_path / "idx")
    app = BylineApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause()
        assert any("another version" in str(n.message) for n in app._notifications)
        assert isinstance(app.screen, LibraryScreen)
        assert app.screen.query_one(ArticleTable).row_ids == ["a"]
    library.close()


@pytest.mark.parametrize("size", [(20, 6), (40, 12), (60, 16), (80, 24)])
async def test_small_terminals_collapse_panes_and_never_crash(seeds_library: Library, size: tuple[int, int]) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=size) as pilot:
        await type_query(pilot, "taliban")
        facets = app.screen.query_one(FacetList)
        assert (facets.region.width > 0) == (size[0] >= 64)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        view, panel = app.screen.query_one(ArticleView), app.screen.query_one(EntityPanel)
        assert (panel.region.width > 0) == (size[0] >= 64)
        assert not view.region.overlaps(panel.region)
        await pilot.press("n", "j", "pagedown", "1", "tab", "enter", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, LibraryScreen)
