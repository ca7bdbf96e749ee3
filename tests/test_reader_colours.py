"""Entity colours stay distinct on the terminal the reader runs in: truecolor, 256 colours (tmux's default)
and 16, on dark and light themes."""

from __future__ import annotations

import pytest
from rich.color import ColorSystem
from textual.geometry import Region
from textual.pilot import Pilot

from index import Library
from reader.app import KIND_COLOURS, BylineApp, kind_backgrounds
from reader.screens.article import ArticleScreen
from reader.widgets.article_view import ENTITY_KINDS
from reader.widgets.entity_legend import EntityLegend

SYSTEMS = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT, "standard": ColorSystem.STANDARD}


def shown(colour, system: ColorSystem):
    """What a terminal of ``system`` is sent for ``colour`` (Rich downgrades by nearest colour)."""
    return colour.downgrade(system)


@pytest.mark.parametrize("name", SYSTEMS)
@pytest.mark.parametrize("dark, background", [(True, "#121212"), (False, "#efefef")])
def test_every_kind_has_its_own_colour_after_downgrade(name: str, dark: bool, background: str) -> None:
    from rich.color import Color

    colours = kind_backgrounds(name, dark, background)
    assert set(colours) == set(KIND_COLOURS)
    downgraded = {shown(Color.parse(colour), SYSTEMS[name]) for colour in colours.values()}
    assert len(downgraded) == len(KIND_COLOURS)


async def _legend_backgrounds(library: Library, name: str, theme: str) -> list:
    app = BylineApp(library, colour_system=name)
    app.theme = theme
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_an_article(pilot)
        legend = app.screen.query_one(EntityLegend)
        strips = legend.render_lines(Region(0, 0, legend.outer_size.width, 1))
        backgrounds = {}
        for segment in strips[0]:
            style = segment.style
            word = segment.text.strip().split(" ")[0] if segment.text.strip() else ""
            if word in ENTITY_KINDS and style is not None and style.bgcolor is not None:
                backgrounds[word] = style.bgcolor
        return [backgrounds.get(kind) for kind in ENTITY_KINDS]


async def _open_an_article(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    pilot.app.open_article(pilot.app.summaries[0].id)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, ArticleScreen)


@pytest.mark.parametrize("name", SYSTEMS)
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_legend_shows_seven_distinct_colours(seeds_library: Library, name: str, theme: str) -> None:
    system = SYSTEMS[name]
    backgrounds = await _legend_backgrounds(seeds_library, name, theme)
    assert all(colour is not None for colour in backgrounds), backgrounds
    downgraded = [shown(colour, system) for colour in backgrounds]
    assert len(set(downgraded)) == len(ENTITY_KINDS), downgraded


async def test_headless_draws_truecolor_whatever_the_terminal(seeds_library: Library) -> None:
    app = BylineApp(seeds_library)
    app.console._color_system = ColorSystem.STANDARD  # as Rich detects TERM=xterm
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.colour_system == "truecolor"
        assert app.theme_variables["kind-person-background"] == kind_backgrounds(
            "truecolor", True, app.theme_variables["background"])["person"]
