"""The stories screen: its timeline chart as a picture (SVG snapshots at 100x30 and 80x24; ``pytest
--snapshot-update`` to accept changes), and what the chart says, read from the widget.

The seeds' Kabul story: AFP's French service ran it on 30 August 2021, AFP's English one a day later; the German
and Korean outlets' articles print no date, so they are shown as undated.
"""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.pilot import Pilot

from index import Library
from index.stories import Story, StoryArticle
from reader.app import BylineApp
from reader.screens.stories import timeline_lines

SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((80, 24), id="80x24")]


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def reader(library: Library) -> BylineApp:
    app = BylineApp(library)
    app.theme = "textual-dark"
    return app


async def open_stories(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("ctrl+t")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_stories_with_their_timeline(snap_compare, seeds_library: Library, size: tuple[int, int]) -> None:
    assert snap_compare(reader(seeds_library), terminal_size=size, run_before=open_stories)


async def test_the_timeline_shows_who_ran_the_story_first_and_who_is_undated(seeds_library: Library) -> None:
    from reader.screens.stories import StoriesScreen, StoryTimeline

    app = reader(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_stories(pilot)
        assert isinstance(app.screen, StoriesScreen)
        lines = str(app.screen.query_one("#story-timeline", StoryTimeline).render()).splitlines()
        assert lines[0].startswith("French outlet (AFP)  │●") and lines[0].endswith("│ first")
        assert lines[1].startswith("English outlet (AFP) │") and lines[1].endswith("●│ +1d")
        assert lines[2] == "German outlet        │ undated"
        assert lines[3] == "Korean outlet        │ undated"
        assert lines[4].startswith("                     └2021-08-30 ") and lines[4].endswith(" 2021-08-31")
        status = str(app.screen.query_one("#stories-status").render())
        assert status.startswith("1 story · 1 single (hidden, u) · 5 articles")


def _story(*articles: tuple[str, str]) -> Story:
    return Story(id="S1", entities=(), terms=(), articles=tuple(
        StoryArticle(id=f"a{n}", title="t", source=source, published=published)
        for n, (source, published) in enumerate(articles)))


def test_timeline_markers_fall_on_a_shared_date_axis() -> None:
    story = _story(("Wire", "2021-05-01"), ("Daily", "2021-05-11"), ("Wire", "2021-05-01"), ("Weekly", "2021-05-06"),
                   ("", ""))
    lines = [line.plain for line in timeline_lines(story.timeline, 50)]
    names = [line.split("│")[0].strip() for line in lines[:4]]
    assert names == ["Wire", "Weekly", "Daily", "unknown source"]
    axis = [line.split("│")[1] for line in lines[:3]]
    assert axis[0].startswith("2") and set(axis[0][1:]) == {"·"}  # two articles on the first day
    assert axis[1][len(axis[1]) // 2] == "●" and axis[2].endswith("●")
    assert lines[:3][1].endswith("+5d") and lines[2].endswith("+10d") and lines[0].endswith("first")
    assert lines[3].endswith("│ undated")
    one_day = [line.plain for line in timeline_lines(_story(("A", "2021-05-01"), ("B", "2021-05-01")).timeline, 40)]
    assert one_day[-1].endswith("└all on 2021-05-01")


def test_timeline_text_is_never_markup() -> None:
    story = _story(("[bold]Evil[/] \x1b[31mNews", "2021-05-01"), ("[@click=app.quit]x", "2021-05-02"))
    plain = "\n".join(line.plain for line in timeline_lines(story.timeline, 60))
    assert "[bold]Evil[/]" in plain and "[@click=app.quit]x" in plain and "\x1b" not in plain


def test_a_long_list_of_outlets_is_cut_and_counted() -> None:
    story = _story(*((f"Outlet {n:02d}", f"2021-05-{n + 1:02d}") for n in range(12)))
    lines = [line.plain for line in timeline_lines(story.timeline, 60)]
    assert len(lines) == 8 + 2 and lines[8].strip() == "and 4 more outlets"


async def test_help_lists_every_key_of_the_stories_screen(seeds_library: Library) -> None:
    from reader.screens.help import binding_rows

    app = reader(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_stories(pilot)
        sections = dict(app.help_sections())
        keys = {keys for keys, _ in binding_rows(sections["Stories"], app.get_key_display)}
        for key in ("esc", "s", "u", "space", "c", app.get_key_display(Binding("enter", "")), "tab", "j", "k"):
            assert key in keys, (key, sorted(keys))
        await pilot.press("tab")  # the articles pane; enter opens the article under the cursor
        await pilot.press("enter")
        await settle(pilot)
        from reader.screens.article import ArticleScreen

        assert isinstance(app.screen, ArticleScreen)
