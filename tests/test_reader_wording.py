"""What the reader says reads as English: one entity, two entities; no internal ids; one theme command."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from index import Library
from reader.app import BylineApp
from reader.screens.article import ArticleScreen
from reader.screens.entities import EntitiesScreen
from reader.words import counted, plural


@pytest.mark.parametrize("number, word, said", [
    (0, "entity", "0 entities"), (1, "entity", "1 entity"), (2, "story", "2 stories"), (1, "story", "1 story"),
    (1, "single", "1 single"), (3, "single", "3 singles"), (1, "match", "1 match"), (2, "match", "2 matches"),
    (1234, "article", "1,234 articles"), (2, "feed", "2 feeds"), (2, "day", "2 days"),
])
def test_counts_in_words(number: int, word: str, said: str) -> None:
    assert counted(number, word) == said


def test_plurals() -> None:
    assert [plural(w) for w in ("source", "mention", "box", "copy", "entity")] == \
        ["sources", "mentions", "boxes", "copies", "entities"]


def test_a_story_whose_outlets_are_unknown_says_so_not_zero_sources() -> None:
    """ECB+'s articles name no outlet: its stories read "source unknown", not "0 sources"."""
    from types import SimpleNamespace

    from reader.screens.stories import story_prompt

    article = SimpleNamespace(title="Quake hits the coast")
    unknown = SimpleNamespace(size=3, sources=(), first="", last="", label="Quake", articles=[article])
    known = SimpleNamespace(size=3, sources=("AP", "AFP"), first="2011-11-11", last="2011-11-15", label="Quake",
                            articles=[article])
    assert story_prompt(unknown).plain == "  3 · source unknown · undated · Quake"
    assert story_prompt(known).plain == "  3 · 2 sources · 2011-11-11..11-15 · Quake"


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_article_status_counts_in_words(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_article(app.summaries[0].id)
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        text = str(app.screen.query_one("#article-status", Static).render())
        groups, mentions = len(app.screen._groups), len(app.screen.article.entities)
        assert text == f"{counted(groups, 'entity')}, {counted(mentions, 'mention')}"


async def test_the_entity_browser_shows_no_internal_ids(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, EntitiesScreen)
        summary = str(app.screen.query_one("#entity-summary", Static).render())
        entity = app.screen._current.entity
        assert entity.id not in summary and f"{entity.label} ·" not in summary
        assert " 1 mentions" not in summary and " 1 articles" not in summary and " 1 sources" not in summary
        status = str(app.screen.query_one("#entity-status", Static).render())
        assert "entities" in status or "1 entity" in status


async def test_one_theme_command_in_the_palette(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        names = [command.title for command in app.get_system_commands(app.screen)]
        from reader.app import BylineCommands

        ours = [name for name, _help, _callback in BylineCommands(app.screen)._commands()]
        themes = [name for name in [*names, *ours] if "theme" in name.casefold()]
        assert themes == ["Theme"]
