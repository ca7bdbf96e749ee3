"""What the reader's first frame is made of: one title line (not Textual's four-widget header) and only the
library's stylesheet; every other screen's rules are read when the screen is first shown, and style it as before.
"""

from __future__ import annotations

import threading

from textual.app import App
from textual.command import CommandPalette
from textual.geometry import Region
from textual.pilot import Pilot

from conftest import write_files
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


# -- a reader given a function that opens its library (``byline``'s command line) --------------------------


async def test_the_library_is_drawn_before_the_index_is_opened_and_what_is_typed_meanwhile_is_searched(
    seeds_index_dir, monkeypatch
) -> None:
    """The library's screen comes first; the index is opened just after, in a thread. A query typed before it
    is open stays in the box and is searched once it is."""

    from textual.widgets import Input

    from conftest import SEEDS
    from index import open_library
    from reader.widgets.article_table import ArticleTable

    release = threading.Event()
    opened: list[Library] = []

    def opener() -> Library:
        assert release.wait(10), "the test never let the library open"
        opened.append(open_library(SEEDS, seeds_index_dir))
        return opened[0]

    app = BylineApp(opener)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen) and app.opening and not opened
        assert not app.screen.query_one(ArticleTable).loaded
        await pilot.press(*"kabul")
        assert app.screen.query_one("#query", Input).value == "kabul"
        release.set()
        for _ in range(40):
            await settle(pilot)
            if app.screen.last_result is not None:
                break
        assert opened and not app.opening
        assert app.screen.last_result is not None and app.screen.last_result.query == "kabul"
        assert app.screen.last_result.hits
        assert app.screen.query_one(ArticleTable).loaded and "seeds · 5 articles" in title_line(app)
    opened[0].close()


async def test_a_corpus_with_no_index_yet_goes_to_the_build_screen(tmp_path) -> None:
    from functools import partial

    from conftest import SEEDS
    from index import open_library
    from reader.screens.build import BuildScreen

    app = BylineApp(partial(open_library, SEEDS, tmp_path / "idx"))
    built = []
    app.build_finished = built.append  # type: ignore[method-assign]  # no need to see the build through
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(20):
            await pilot.pause(0.05)
            if isinstance(app.screen, BuildScreen) and app.screen.query("#build-phase"):
                break
        assert isinstance(app.screen, BuildScreen)
        assert len(app.screen_stack) == 2  # the library shown first is gone
        await pilot.pause()  # let the screen's mount run before the app is taken down


async def test_a_query_typed_while_a_corpus_with_no_index_opens_is_searched_after_the_build(tmp_path) -> None:
    """Typed before the reader found there is no index yet: the build screen comes, and the library after it
    has the query in its box and its results."""
    from functools import partial

    from textual.widgets import Input

    from conftest import SEEDS
    from index import open_library
    from reader.screens.build import BuildScreen

    release = threading.Event()
    open_seeds = partial(open_library, SEEDS, tmp_path / "idx")

    def opener() -> Library:
        assert release.wait(10), "the test never let the library open"
        return open_seeds()

    app = BylineApp(opener)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"kabul")
        release.set()
        seen_build = False
        for _ in range(600):
            await pilot.pause(0.1)
            seen_build = seen_build or isinstance(app.screen, BuildScreen)
            if seen_build and isinstance(app.screen, LibraryScreen) and app.screen.last_result is not None:
                break
        assert seen_build
        assert isinstance(app.screen, LibraryScreen)
        assert app.screen.query_one("#query", Input).value == "kabul"
        assert app.screen.last_result is not None and app.screen.last_result.hits
    app.library.close()


async def run_until_it_ends(app: BylineApp, seconds: float = 2.0) -> None:
    """Run ``app`` until it ends by itself (or ``seconds`` pass)."""
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(int(seconds / 0.05)):
            await pilot.pause(0.05)
            if not app.is_running:
                break


async def test_a_library_that_cannot_be_opened_ends_the_reader_with_the_reason(tmp_path) -> None:
    from functools import partial

    from index import open_library

    app = BylineApp(partial(open_library, tmp_path / "nowhere", tmp_path / "idx"))
    await run_until_it_ends(app)
    assert app.return_code == 1
    assert isinstance(app.open_error, FileNotFoundError) and "no such corpus" in str(app.open_error)


async def test_the_index_of_another_corpus_ends_the_reader_and_is_left_as_it_was(tmp_path, seeds_index_dir) -> None:
    """``byline OTHER --index-dir FOLDER`` where FOLDER holds the seeds' index: the reader neither shows the
    seeds' articles as OTHER's nor rebuilds that index unasked (the "unusable index" path would); it ends with
    the reason, which names both corpora."""
    import shutil
    from functools import partial

    from index import IndexOfAnotherCorpus, open_library
    from index.store import current_generation

    index_dir = tmp_path / "idx"
    shutil.copytree(seeds_index_dir, index_dir)
    generation = current_generation(index_dir)
    other = write_files(tmp_path / "other", {"a.txt": "Alpha\n\nThe harbour reopened on Monday."})
    app = BylineApp(partial(open_library, other, index_dir))
    await run_until_it_ends(app)
    assert app.return_code == 1
    assert isinstance(app.open_error, IndexOfAnotherCorpus) and str(other.resolve()) in str(app.open_error)
    assert current_generation(index_dir) == generation


def test_the_reader_draws_its_first_frame_before_importing_the_engine(seeds_index_dir, tmp_path) -> None:
    """Started as ``byline`` starts it (with a function that opens the corpus), the reader's first frame is drawn
    before the engine's library, index store and data classes are imported; they are loaded just after."""
    from test_lean_start import modules_at_first_frame

    from conftest import SEEDS

    loaded = modules_at_first_frame(f"""
        def opener():
            from index import open_library
            return open_library({str(SEEDS)!r}, {str(seeds_index_dir)!r})
    """, "BylineApp(opener)", """
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.summaries_loaded, "the library did open after the first frame"
    """)
    assert "textual" in loaded and "reader.screens.library" in loaded  # the probe did start the reader
    engine = {"index.library", "index.store", "index.models", "index.storage"}
    assert not loaded & engine, sorted(loaded & engine)
