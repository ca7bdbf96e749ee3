"""The comparison screen, driven with the keyboard as a person would: Pilot tests on the indexed seeds, and SVG
snapshots (``pytest --snapshot-update`` to accept a change of looks) at 100x30 and 80x24.

On the seeds, ``001`` (German outlet) and ``002`` (French outlet, AFP) share the spokesman's "We hope that
..." statement and several other sentences; ``001`` and ``003`` (English outlet, AFP) also disagree on the death
toll ("more than a hundred people" against "thousands and thousands ... as well as 13"), in aligned sentences.
"""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static

from conftest import write_files
from index import Library, open_library
from reader.app import BylineApp
from reader.screens.compare import CompareScreen
from reader.screens.compare_details import CompareDetailsScreen
from reader.screens.compare_pick import PickArticleScreen
from reader.screens.help import HelpScreen, binding_rows
from reader.screens.library import LibraryScreen
from reader.widgets.article_table import ArticleTable

SIZE = (120, 40)
SNAPSHOT_SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((80, 24), id="80x24")]


async def settle(pilot: Pilot) -> None:
    """Let queued messages run, then every worker (the comparison, the picker's story map) finish and draw."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def screen_text(widget: Widget) -> str:
    """What ``widget`` shows on the terminal (borders and their titles included), line by line."""
    strips = widget.render_lines(Region(0, 0, widget.outer_size.width, widget.outer_size.height))
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def status(screen: CompareScreen) -> str:
    return str(screen.query_one("#compare-status", Static).render())


def prompts(options: OptionList) -> str:
    return "\n".join(str(options.get_option_at_index(n).prompt) for n in range(options.option_count))


def reader(library: Library) -> BylineApp:
    app = BylineApp(library)
    app.theme = "textual-dark"
    return app


async def open_compare(pilot: Pilot, a_prefix: str, b_prefix: str) -> CompareScreen:
    """In the library, mark article ``a_prefix`` then ``b_prefix`` with space, and press ctrl+o."""
    table = pilot.app.screen.query_one(ArticleTable)
    ids = table.row_ids
    cursor = 0
    for prefix in (a_prefix, b_prefix):
        row = next(n for n, article_id in enumerate(ids) if article_id.startswith(prefix))
        await pilot.press(*["down" if row > cursor else "up"] * abs(row - cursor), "space")
        cursor = row
    await pilot.press("ctrl+o")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    assert screen.comparison is not None
    return screen


async def step_to(pilot: Pilot, screen: CompareScreen, side: str, sentences: tuple[int, ...]) -> None:
    """Press ``)`` until the sentence being read on ``side`` is one of ``sentences``."""
    for _ in range(80):
        if screen.position is not None and screen.current_sentence(side) in sentences:
            return
        await pilot.press("right_parenthesis")
    raise AssertionError(f"never reached sentence {sentences} of {side}")


# -- opening --------------------------------------------------------------------------------------------------


async def test_marking_two_seeds_opens_them_side_by_side(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "001", "002")
        a, b = screen.pane("a"), screen.pane("b")
        assert a.article.id.startswith("001") and b.article.id.startswith("002")
        assert b.region.x > a.region.x and b.region.y == a.region.y  # side by side
        # Each pane is the reader's article view, with its entities coloured.
        assert a.layer_spans("entities") and b.layer_spans("entities")
        text_a, text_b = screen_text(a), screen_text(b)
        assert "A German outlet" in text_a and "B French outlet (AFP)" in text_b
        assert "After the US military has withdrawn" in text_a
        # The first pair carries the number 1 in both gutters; a sentence only B has carries "+".
        assert "│1 After the US military" in text_a and "│1 " in text_b and "│+ " in text_b
        summary = str(screen.query_one("#compare-summary", Static).render())
        s = screen.comparison.summary
        assert f"A {s.a_share:.0%}" in summary and f"B {s.b_share:.0%}" in summary
        assert f"{s.shared_quotes} shared quotes" in summary and "only A" in summary and "only B" in summary
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_an_unknown_article_is_reported_and_the_screen_closes(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        ids = app.screen.query_one(ArticleTable).row_ids
        app.action_compare(ids[0], "no-such-article [/] [@click=app.quit]")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        toast = next(n for n in app._notifications if "Could not compare" in n.message)
        # The id is shown as written, not taken for markup (where "[/]" would crash the toast).
        assert "[/] [@click=app.quit]" in toast.message and not toast.markup
        assert toast.severity == "error"


# -- keeping in step --------------------------------------------------------------------------------------------


async def test_scrolling_one_pane_brings_the_other_to_the_counterpart(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "001", "002")
        a, b = screen.pane("a"), screen.pane("b")
        comparison = screen.comparison
        aligned = unique = 0
        for presses in range(1, a.max_scroll_y + 1):
            await pilot.press("j")
            await pilot.wait_for_scheduled_animations()
            # The reader's pane is where the reader put it: B following never moves A back (no feedback loop).
            assert a.scroll_offset.y == presses
            index = a.top_sentence
            assert screen.position == ("a", index)
            pair = comparison.counterpart("a", index)
            if pair is not None:
                first, stop = b.lines_of(*pair.b_span)
                assert first <= b.scroll_offset.y < stop or b.scroll_offset.y == b.max_scroll_y
                assert {span.start for span in b.layer_spans("current")} == {
                    b.sentence_span(j)[0] for j in pair.b
                }
                aligned += 1
            elif (second := comparison.second_counterpart("a", index)) is not None:
                # Said again: B is at (and tints) the paired sentence this one is much like.
                assert {span.start for span in b.layer_spans("current")} == {b.sentence_span(second.like[0])[0]}
                assert "said again" in status(screen)
            else:
                assert a.is_unique(index) and not b.layer_spans("current")
                assert "only in A" in status(screen)
                unique += 1
        assert aligned >= 5 and unique >= 5

        # Now B leads: the reader moves over to it and scrolls; A follows, B stays where it was put.
        await pilot.press("g", "tab")
        assert app.focused is b
        for presses in range(1, 25):
            await pilot.press("j")
            await pilot.wait_for_scheduled_animations()
            assert b.scroll_offset.y == presses
            pair = comparison.counterpart("b", b.top_sentence)
            if pair is not None:
                first, stop = a.lines_of(*pair.a_span)
                assert first <= a.scroll_offset.y < stop or a.scroll_offset.y == a.max_scroll_y


async def test_resizing_keeps_the_sentence_being_read(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "001", "002")
        pair = next(p for p in screen.comparison.pairs if "We hope that the Afghans" in p.a_text)
        await step_to(pilot, screen, "a", pair.a)
        await pilot.resize_terminal(90, 30)
        await settle(pilot)
        a, b = screen.pane("a"), screen.pane("b")
        assert screen.position == ("a", pair.a[0])
        assert a.top_sentence == pair.a[0] or a.scroll_offset.y == a.max_scroll_y
        first, stop = b.lines_of(*pair.b_span)
        assert first <= b.scroll_offset.y < stop or b.scroll_offset.y == b.max_scroll_y


async def test_a_key_jumps_to_the_counterpart_and_back(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "001", "002")
        a, b = screen.pane("a"), screen.pane("b")
        pair = next(p for p in screen.comparison.pairs if "We hope that the Afghans" in p.a_text)
        await step_to(pilot, screen, "a", pair.a)
        assert "pair" in status(screen) and "same speaker's quote" in status(screen)

        await pilot.press("tab")  # over to B by hand, then jump back with enter: A at the statement again
        await pilot.press("enter")
        assert app.focused is a and screen.position == ("a", pair.a[0])
        await pilot.press("enter")
        assert app.focused is b and screen.position == ("b", pair.b[0])
        assert b.top_sentence == pair.b[0] or b.scroll_offset.y == b.max_scroll_y
        assert "We hope that the Afghans who are under the influence" in screen_text(b)

        # A sentence with no counterpart has nowhere to jump to: the reader is told, nothing moves.
        only_b = next(i for i in b.readable if b.is_unique(i))
        await pilot.press("g")
        await step_to(pilot, screen, "b", (only_b,))
        await pilot.press("enter")
        assert app.focused is b and screen.position == ("b", only_b)
        assert any("no counterpart" in str(n.message) for n in app._notifications)


async def test_a_sentence_said_again_shows_what_it_is_like_and_is_no_difference(seeds_library: Library) -> None:
    # 001 tells the rocket attack twice; 002 once, paired with 001's first telling: the second is said again.
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "001", "002")
        a, b = screen.pane("a"), screen.pane("b")
        second = next(x for x in screen.comparison.second_a if "rocket attack" in x.text)
        number = next(n for n, p in enumerate(screen.comparison.pairs, start=1) if second.like[0] in p.b)
        await step_to(pilot, screen, "a", second.indices)
        assert f"said again · much like B's sentence of pair {number}" in status(screen)
        assert "not counted as only in A" in status(screen)
        assert "≈ " in screen_text(a)
        assert b.top_sentence == second.like[0] or b.scroll_offset.y == b.max_scroll_y
        assert second.index not in screen.differences("a")
        await pilot.press("enter")
        assert app.focused is b and screen.position == ("b", second.like[0])


async def test_next_difference_steps_through_unique_runs_and_conflicts(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "001", "003")
        a = screen.pane("a")
        comparison = screen.comparison
        conflict_sentences = {comparison.figures_a[c.a].sentence for c in comparison.conflicts}
        assert conflict_sentences  # the death toll
        stops = screen.differences("a")
        start = screen.position[1]
        expected = [i for i in stops if i > start] + [stops[0]]
        seen = []
        for _ in expected:
            await pilot.press("n")
            seen.append(screen.position[1])
            # The status line says where the reader is among the differences.
            number = stops.index(screen.position[1]) + 1
            assert status(screen).startswith(f"difference {number} of {len(stops)}")
        assert seen == expected
        assert "(wrapped)" in status(screen)
        await pilot.resize_terminal(SIZE[0] - 20, SIZE[1])  # the panes wrap again; the status line still says where
        await settle(pilot)
        assert status(screen).startswith(f"difference {stops.index(screen.position[1]) + 1} of {len(stops)}")
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        for index in stops:
            assert index in conflict_sentences or a.is_unique(index)
            # A stop that is a unique sentence starts a run: the sentence before it is not unique too.
            before = [i for i in a.readable if i < index]
            assert index in conflict_sentences or not before or not a.is_unique(before[-1])
        assert conflict_sentences <= set(stops)
        await pilot.press("N")
        assert screen.position[1] == stops[-1]


async def test_conflicting_figures_stand_out_and_show_the_other_side(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "001", "003")
        a, b = screen.pane("a"), screen.pane("b")
        conflict = screen.comparison.conflicts[0]
        assert "more than a hundred" in conflict.a_text and "thousands and thousands" in conflict.b_text
        assert [(s.start, s.end) for s in a.layer_spans("conflicts")] == [conflict.a_span]
        assert [(s.start, s.end) for s in b.layer_spans("conflicts")] == [conflict.b_span]

        await pilot.press("f")  # from the top: goes to the conflict and shows B's figure
        index = screen.comparison.figures_a[conflict.a].sentence
        assert screen.position == ("a", index)
        assert [(s.start, s.end) for s in b.layer_spans("focus")] == [conflict.b_span]
        first, _ = b.lines_of(*conflict.b_span)
        assert b.scroll_offset.y <= first < b.scroll_offset.y + b.scrollable_content_region.height
        shown = status(screen)
        assert conflict.a_range in shown and conflict.b_range in shown and "thousands and thousands" in shown
        # Moving on clears the marks of the figure shown.
        await pilot.press("right_parenthesis")
        assert not b.layer_spans("focus")


async def test_swap_exchanges_the_sides_and_keeps_the_sentence_being_read(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "001", "002")
        a_id, b_id = screen.a_id, screen.b_id
        old = screen.comparison.summary
        pair = next(p for p in screen.comparison.pairs if "We hope that the Afghans" in p.a_text)
        await step_to(pilot, screen, "a", pair.a)
        await pilot.press("s")
        await settle(pilot)
        assert (screen.a_id, screen.b_id) == (b_id, a_id)
        assert screen.pane("a").article.id == b_id and screen.pane("b").article.id == a_id
        # The German article, now B, is still being read at the same statement, and has the focus.
        assert app.focused is screen.pane("b") and screen.position == ("b", pair.a[0])
        new = screen.comparison.summary
        assert (new.a_sentences, new.b_sentences) == (old.b_sentences, old.a_sentences)
        summary = str(screen.query_one("#compare-summary", Static).render())
        assert f"A {new.a_share:.0%}" in summary
        assert "B German outlet" in screen_text(screen.pane("b"))


async def test_pick_another_article_for_one_side(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "001", "002")
        b_id = screen.b_id
        await pilot.press("p")  # A has the focus: choose another A, B stays
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickArticleScreen)
        options = picker.query_one(OptionList)
        prompts = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        # The other coverage of B's story first (the seeds are one story), then everything by date.
        assert prompts[0].startswith("Other coverage") and "same story" in prompts[1]
        assert not any(b_id in (options.get_option_at_index(n).id or "") for n in range(options.option_count))
        await pilot.press(*"southfront")
        assert picker.query_one(Input).value == "southfront"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.a_id.startswith("004") and screen.b_id == b_id
        assert "A Southfront.org" in screen_text(screen.pane("a"))

        await pilot.press("p", "escape")  # changing one's mind changes nothing
        await settle(pilot)
        assert app.screen is screen and screen.a_id.startswith("004")


async def test_details_list_everything_and_go_to_an_entry(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "001", "003")
        comparison = screen.comparison
        await pilot.press("i")
        details = app.screen
        assert isinstance(details, CompareDetailsScreen)
        options = details.query_one(OptionList)
        prompts = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        listing = "\n".join(prompts)
        assert prompts[0] == f"Conflicting figures ({len(comparison.conflicts)})"
        assert f"Shared quotes ({len(comparison.shared_quotes)})" in listing
        count = len(comparison.entities_only_a)
        assert f"Only in A: {count} {'entity' if count == 1 else 'entities'}" in listing
        assert "1 entities" not in listing and "(0)" not in listing
        # A conflict shows both sentences that hold its figures.
        conflict_prompt = prompts[1]
        assert comparison.conflicts[0].a_sentence.split()[0] in conflict_prompt
        assert "\nA “" in conflict_prompt and "\nB “" in conflict_prompt
        for ref in comparison.entities_only_b:
            assert ref.name in listing
        await pilot.press("enter")  # the conflict, highlighted first
        conflict = comparison.conflicts[0]
        assert app.screen is screen
        assert screen.position == ("a", comparison.figures_a[conflict.a].sentence)
        assert [(s.start, s.end) for s in screen.pane("b").layer_spans("focus")] == [conflict.b_span]


async def test_entity_labels_toggle_in_both_panes(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "001", "002")
        persons = {s for s in screen.pane("b").layer_spans("entities") if s.component.endswith("person")}
        assert persons
        await pilot.press("1")
        for side in "ab":
            assert not any(s.component.endswith("person") for s in screen.pane(side).layer_spans("entities"))
        await pilot.press("1")
        assert {s for s in screen.pane("b").layer_spans("entities") if s.component.endswith("person")} == persons


async def test_help_lists_the_compare_keys(seeds_library: Library) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot, "001", "002")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(static.render()) for static in app.screen.query(Static))
        for keys, description in binding_rows(CompareScreen.BINDINGS, app.get_key_display):
            assert keys in shown and description in shown
        await pilot.press("escape")
        assert isinstance(app.screen, CompareScreen)


@pytest.mark.parametrize("size", [(20, 6), (40, 12), (60, 16), (80, 24)])
async def test_small_terminals_stack_the_panes_and_never_crash(seeds_library: Library, size: tuple[int, int]) -> None:
    app = reader(seeds_library)
    async with app.run_test(size=size) as pilot:
        ids = app.screen.query_one(ArticleTable).row_ids
        app.action_compare(*sorted(ids)[1:3])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        a, b = screen.pane("a"), screen.pane("b")
        assert not a.region.overlaps(b.region)
        if size[0] < 64:
            assert b.region.y > a.region.y  # stacked
        else:
            assert b.region.x > a.region.x  # side by side
        await pilot.press("j", "right_parenthesis", "n", "enter", "f", "pagedown", "tab", "N", "s")
        await settle(pilot)
        await pilot.press("i", "enter", "p", "escape", "question_mark", "escape")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


# -- untrusted text -------------------------------------------------------------------------------------------

MARKUP = "[bold]x[/bold] [/] [@click=app.quit]"
ESCAPES = "\x1b[31mred\x1b]0;title\x07"


@pytest.fixture(scope="module")
def hostile_pair(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """Two articles that tell one story in markup and escapes (spaCy runs once, for this module)."""
    root = tmp_path_factory.mktemp("hostile-compare")
    said = f"The mayor of Kabul said “{MARKUP} we will rebuild the market”. {ESCAPES}"
    corpus = write_files(
        root / "corpus",
        {
            "one.txt": f"Fire {MARKUP}\n\n{said} More than 170 people were killed in the fire on Thursday.\n",
            "two.txt": f"Blaze {MARKUP}\n\n{said} Hundreds of people were killed in the fire on Thursday.\n",
            "byline.toml": '[files."one.txt"]\nsource = "Src [bold]b[/bold] [/] \\u001b[2J"\n',
        },
    )
    with open_library(corpus, index_dir=root / "idx") as library:
        library.build()
        yield library


async def test_hostile_text_shows_literally_in_the_comparison(hostile_pair: Library) -> None:
    app = reader(hostile_pair)
    async with app.run_test(size=(160, 40)) as pilot:
        ids = sorted(summary.id for summary in hostile_pair.articles())
        app.action_compare(*ids)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.comparison.pairs  # the shared sentence is aligned
        shown = "\n".join(screen_text(widget) for widget in (screen.pane("a"), screen.pane("b")))
        assert MARKUP in shown and "Src [bold]b[/bold] [/]" in shown
        assert "␛[31mred␛]0;title␇" in shown
        await pilot.press("i")
        details = prompts(app.screen.query_one(OptionList))
        assert "\x1b" not in details and "\x07" not in details
        await pilot.press("escape", "p")
        await settle(pilot)
        listed = prompts(app.screen.query_one(OptionList))
        assert MARKUP in listed and "\x1b" not in listed
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, LibraryScreen)


# -- snapshots -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_snapshot_reading_a_statement_side_by_side(snap_compare, seeds_library: Library, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        screen = await open_compare(pilot, "001", "002")
        pair = next(p for p in screen.comparison.pairs if "We hope that the Afghans" in p.a_text)
        await step_to(pilot, screen, "a", pair.a)
        await settle(pilot)

    assert snap_compare(reader(seeds_library), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_snapshot_a_conflicting_figure(snap_compare, seeds_library: Library, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await open_compare(pilot, "001", "003")
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(reader(seeds_library), terminal_size=size, run_before=run_before)
