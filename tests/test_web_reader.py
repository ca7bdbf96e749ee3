"""Pilot tests: adding a URL and updating feeds from the reader, against the local test server of test_web.

The reader starts on an empty corpus folder (a new user's ``byline ~/news``), whose index builds without
spaCy; each test then runs one incremental build over what it added.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_web import POLICY, FixtureServer, server  # noqa: F401  (server is a fixture)
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from index import Library, open_library
from index.feeds import subscribe
from reader.app import BylineApp
from reader.screens.article import ArticleScreen
from reader.screens.library import LibraryScreen
from reader.screens.web import WebScreen

SIZE = (110, 32)


@pytest.fixture(autouse=True)
def _local_server_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test server is on 127.0.0.1, an address the reader fetches from only when allowed."""
    monkeypatch.setenv("BYLINE_ALLOW_PRIVATE", "1")


@pytest.fixture
def empty_library(tmp_path: Path) -> Library:
    corpus = tmp_path / "news"
    corpus.mkdir()
    with open_library(corpus, tmp_path / "index") as lib:
        lib.build()
        yield lib


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def results(screen: WebScreen) -> list[str]:
    options = screen.query_one("#web-results", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def status(screen: WebScreen) -> str:
    return str(screen.query_one("#web-status", Static).render())


async def test_add_a_url_from_the_reader_and_open_it(server: FixtureServer, empty_library: Library) -> None:  # noqa: F811
    app = BylineApp(empty_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_add_from_web()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WebScreen)
        screen.query_one("#web-urls", Input).value = f"{server.url('/news/ferry.html')} {server.url('/gone')}"
        await pilot.press("enter")
        await settle(pilot)

        assert results(screen) == [
            "added   Island ferry to resume sailings on Monday",
            f"failed  {server.url('/gone')} — HTTP 404 Not Found",
        ]
        assert status(screen).startswith("1 article added, 0 skipped, 1 failed")
        await pilot.press("enter")  # open the added article
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.article.title == "Island ferry to resume sailings on Monday"
        assert app.screen.article.url == server.url("/news/ferry.html")
        heading = str(app.screen.query_one("#article-heading", Static).render())
        assert server.url("/news/ferry.html") in heading  # the reader shows where it came from
        await pilot.press("y")  # and copies it
        assert app.clipboard == server.url("/news/ferry.html")
        assert [s.title for s in app.summaries] == ["Island ferry to resume sailings on Monday"]


async def test_update_feeds_from_the_reader(server: FixtureServer, empty_library: Library) -> None:  # noqa: F811
    subscribe(empty_library.corpus, server.url("/feeds/atom.xml"), policy=POLICY)
    app = BylineApp(empty_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_update_feeds()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WebScreen)
        assert results(screen) == [
            "added   Covered market stallholders win rent freeze",
            "added   Island ferry to resume sailings on Monday",
        ]
        assert status(screen).startswith("1 feed: 2 articles added, 0 skipped, 0 failed")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert sorted(s.source for s in app.summaries) == ["Island Courier", "Valley Post"]

        app.action_update_feeds()  # nothing new the second time, and no index build
        await settle(pilot)
        assert results(app.screen) == []
        assert status(app.screen).startswith("1 feed: 0 articles added, 0 skipped, 0 failed")


async def test_the_bundled_seeds_are_not_added_to(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_add_from_web()
        await pilot.pause()
        assert app.screen.query_one("#web-urls", Input).disabled
        assert status(app.screen).startswith("The bundled seed corpus is not added to.")
