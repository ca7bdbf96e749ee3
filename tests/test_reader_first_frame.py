"""What the reader's first frame is made of: one title line (not Textual's four-widget header) and only the
library's stylesheet; every other screen's rules are read when the screen is first shown, and style it as before.
"""

from __future__ import annotations

from textual.app import App
from textual.command import CommandPalette
from textual.geometry import Region
from textual.pilot import Pilot

from index import Library
from reader.app import BylineApp
from reader.screens.article import ArticleScreen
from reader.screens.library import LibraryScreen
from reader.widgets.title_bar import TitleBar

SIZE = (100, 30)


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def title_line(app: App) -> str:
    bar = app.screen.query_one(TitleBar)
    strips = bar.render_lines(Region(0, 0, bar.outer_size.width, 1))
    return "".join(segment.text for segment in strips[0])


def selectors(app: App) -> str:
    return " ".join(rule.selectors for rule in app.stylesheet.rules)


async def test_the_title_line_shows_the_corpus_then_the_article_source(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = title_line(app)
        assert len(line) == SIZE[0] and line.startswith(" ⭘ ")
        title = "Byline — seeds · 5 articles"
        # Centred between the icon's 8 cells and the 10 of the clock space, as Textual's Header draws it.
        assert line.index(title) == 8 + (SIZE[0] - 18 - len(title)) // 2
        article = seeds_library.articles()[0]
        app.open_article(article.id)
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert f"Byline — {article.source}" in title_line(app)
        app.pop_screen()
        await settle(pilot)
        assert "Byline — seeds · 5 articles" in title_line(app)


async def test_a_long_title_is_cut_with_an_ellipsis(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(40, 20)) as pilot:
        await settle(pilot)
        app.sub_title = "x" * 60
        await pilot.pause()
        line = title_line(app)
        assert len(line) == 40 and line[8:30].endswith("…") and line[30:] == " " * 10


async def test_a_click_on_the_icon_opens_the_command_palette(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click(TitleBar, offset=(20, 0))  # the title: nothing
        await pilot.pause()
        assert not isinstance(app.screen, CommandPalette)
        await pilot.click(TitleBar, offset=(1, 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_a_short_terminal_has_no_title_line(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 15)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one(TitleBar).display


async def test_the_first_frame_parses_only_the_librarys_rules(seeds_library: Library, monkeypatch) -> None:
    """The article, comparison, build and help rules are not parsed before the library's first frame; the
    article's are read when an article is first opened, and style it (its text has its rounded border)."""
    at_first_frame: list[str] = []
    display = App._display

    def noted(self, screen, renderable) -> None:
        display(self, screen, renderable)
        if renderable is not None and isinstance(screen, LibraryScreen) and not at_first_frame:
            at_first_frame.append(selectors(self))

    monkeypatch.setattr(App, "_display", noted)
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "#search-status" in at_first_frame[0]  # the library's own rules are there
        for other in ("ArticleView", "#article-status", "#compare-panes", "#build-box", "#help-body"):
            assert other not in at_first_frame[0], other
        app.open_article(seeds_library.articles()[0].id)
        await settle(pilot)
        text = app.screen.query_one("#text")
        assert text.styles.border_top[0] == "round"
        assert "ArticleView" in selectors(app) and "#compare-panes" not in selectors(app)
        sources = len(app.stylesheet.source)
        app.pop_screen()
        app.open_article(seeds_library.articles()[1].id)  # read once
        await settle(pilot)
        assert len(app.stylesheet.source) == sources


async def test_a_screens_rules_survive_a_change_of_theme(seeds_library: Library) -> None:
    """A theme re-parses every stylesheet the app holds: a screen's, read later, stays."""
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_article(seeds_library.articles()[0].id)
        await settle(pilot)
        app.theme = "nord" if app.theme != "nord" else "textual-dark"
        await settle(pilot)
        assert app.screen.query_one("#text").styles.border_top[0] == "round"
        assert "ArticleView" in selectors(app)


async def test_the_first_frame_is_styled_as_a_full_restyle_would(seeds_library: Library, monkeypatch) -> None:
    """The library's widgets are styled once, as they are mounted (Textual would style them all again when the
    screen is first shown): at the first frame every widget has the styles a full restyle gives it."""
    seen: list[tuple[list[str], list[str]]] = []
    display = App._display

    def styles(screen) -> list[str]:
        return [f"{node!r} {node.styles.css}" for node in screen.walk_children(with_self=True)]

    def noted(self, screen, renderable) -> None:
        display(self, screen, renderable)
        if renderable is not None and isinstance(screen, LibraryScreen) and not seen:
            before = styles(screen)
            self.stylesheet.update(screen, animate=False)
            seen.append((before, styles(screen)))

    monkeypatch.setattr(App, "_display", noted)
    for size in ((100, 30), (60, 15)):
        seen.clear()
        app = BylineApp(seeds_library)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            before, after = seen[0]
            assert before == after
