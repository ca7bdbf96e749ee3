"""SVG snapshots of the reader's screens at 100x30 and 80x24 (``pytest --snapshot-update`` to accept changes).

Only deterministic things are on screen: the seed corpus, the default theme, no clock, no timings.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from index import Library
from reader.app import BylineApp

SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((80, 24), id="80x24")]


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def reader(library: Library) -> BylineApp:
    app = BylineApp(library)
    app.theme = "textual-dark"
    return app


@pytest.mark.parametrize("size", SIZES)
def test_library(snap_compare, seeds_library: Library, size: tuple[int, int]) -> None:
    assert snap_compare(reader(seeds_library), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_search_results(snap_compare, seeds_library: Library, size: tuple[int, int]) -> None:
    async def search(pilot: Pilot) -> None:
        await pilot.press("slash", *"mujahid")
        await settle(pilot)
        await pilot.press("enter")

    assert snap_compare(reader(seeds_library), terminal_size=size, run_before=search)


@pytest.mark.parametrize("size", SIZES)
def test_article_with_entities(snap_compare, seeds_library: Library, size: tuple[int, int]) -> None:
    async def open_article(pilot: Pilot) -> None:
        await pilot.press("slash", *"mujahid")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("n")  # the first search match, shown as the current one

    assert snap_compare(reader(seeds_library), terminal_size=size, run_before=open_article)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, seeds_library: Library, size: tuple[int, int]) -> None:
    assert snap_compare(reader(seeds_library), terminal_size=size, press=["question_mark"])
