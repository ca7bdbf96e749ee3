"""Every screen of the reader, fed hostile text, at sizes from roomy to absurd and through resize storms.

What the terminal would receive is checked directly: the compositor's strips for the whole screen (what
Textual writes to the terminal) must hold no control or format character (so no escape sequence, bidi override
or NUL reaches the terminal), no link and no click action but the app's own, and every line must be exactly
as wide as the screen (wide CJK characters, emoji and combining marks keep columns aligned).
"""

from __future__ import annotations

import json

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets._toast import Toast

from conftest import write_files
from index import Library, open_library
from reader.app import BylineApp
from reader.safe import needs_neutralising
from reader.screens.article import ArticleScreen
from reader.screens.compare import CompareScreen
from reader.screens.entities import EntitiesScreen
from reader.screens.help import HelpScreen
from reader.screens.library import LibraryScreen
from reader.screens.stories import StoriesScreen
from reader.widgets.article_table import ArticleTable

MARKUP = "[bold]x[/bold] [/] [@click=app.quit]q[/] [link=http://evil]l[/link]"
ESCAPES = ("\x1b[31mred \x1b]0;title\x07 \x1b]52;c;ZXZpbA==\x07 \x1b]8;;http://e\x07link\x1b]8;;\x07 \x9b2J "
           "\u202eRTL-override\u202c \u200bzw \u2066iso\u2069 \x7f")
WIDE = "漢字タイトル 🙂 e\u0301\u0301 مرحبا"
SHARED = "The Taliban spokesman Zabihullah Mujahid said in Kabul on Tuesday that 170 people died."
#: The app's own click actions (the entity legend toggles kinds); anything else came from untrusted text.
OWN_ACTIONS = ("toggle_kind",)


@pytest.fixture(scope="module")
def hostile_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("screens")
    corpus = write_files(root / "corpus", {
        "a.txt": f"Hostile A {MARKUP} {ESCAPES}\n\n{SHARED} {MARKUP}\n\nOnly A says the airport closed. {ESCAPES}\n",
        "b.txt": f"Hostile B {WIDE}\n\n{SHARED}\n\nOnly B says 13 \x1b[2Jsoldiers died near Kabul. {WIDE}\n",
        "c.jsonl": json.dumps({"id": "j1", "title": "JSON \x00 nul \x9b1m C1 \ud800 lone", "source": "J\x1b[5msrc",
                               "body": "JSON body \x00 in Kabul \u2028 separated."}) + "\n",
        "byline.toml": '[files."a.txt"]\nsource = "Src [bold]b[/] \\u001b[2J 漢字漢字漢字漢字漢字漢字漢字"\n'
                       '[files."b.txt"]\nsource = "\\u202eevil 🙂"\n',
        # The alias file is part of the corpus: its names reach the entity screens and their messages.
        "aliases.toml": '[[entity]]\nname = "[/] Evil [@click=app.quit]Corp[/]"\nlabel = "ORG"\n'
                        'aliases = ["Kabul Airport Authority"]\n',
    })
    (corpus / "b.txt").write_text((corpus / "b.txt").read_text(encoding="utf-8")
                                  + "\nThe Kabul Airport Authority said so.\n", encoding="utf-8")
    with open_library(corpus, root / "idx") as lib:
        lib.build()
        yield lib


def screen_problems(app: BylineApp) -> list[str]:
    """What is wrong with what the terminal would receive for the current screen (and its toasts)."""
    width, _ = app.size
    problems: list[str] = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        if strip.cell_length != width:
            problems.append(f"row {y} is {strip.cell_length} cells wide, not {width}")
        for segment in strip:
            if needs_neutralising(segment.text):
                problems.append(f"row {y} emits {segment.text!r}")
            style = segment.style
            if style is not None and style.link:
                problems.append(f"row {y} links to {style.link}")
            action = str((style.meta or {}).get("@click", "")) if style is not None else ""
            if action and not action.startswith(tuple(f"screen.{a}" for a in OWN_ACTIONS)):
                problems.append(f"row {y} runs {action}")
    return problems


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def tour(pilot: Pilot) -> list[str]:
    """Visit every screen the keyboard reaches; the problems found on each."""
    app = pilot.app
    found: list[str] = []

    def look(where: str) -> None:
        found.extend(f"{where} ({type(app.screen).__name__}): {p}" for p in screen_problems(app))

    await settle(pilot)
    look("library")
    await pilot.press("slash", *"kabul")
    await settle(pilot)
    look("results")
    await pilot.press("enter", "enter")
    await settle(pilot)
    look("article")
    await pilot.press("o")  # the other coverage of its story
    await settle(pilot)
    look("other coverage")
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    app.search_corpus("")  # back to the article table
    await settle(pilot)
    await pilot.press("ctrl+e")
    await settle(pilot)
    look("entities")
    app.screen.query_one("#entity-list").focus()  # the browser opens on its filter box
    await pilot.press("m")  # mark the highlighted entity: a toast names it
    await settle(pilot)
    look("entities after m")
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("ctrl+t")
    await settle(pilot)
    look("stories")
    await pilot.press("escape")
    await settle(pilot)
    table = app.screen.query_one(ArticleTable)
    table.focus()
    await pilot.press("home", "space", "down", "ctrl+o")
    await settle(pilot)
    look("compare")
    await pilot.press("question_mark")
    await settle(pilot)
    look("help")
    return found


@pytest.mark.parametrize("size", [(160, 40), (80, 24), (40, 12), (20, 6)])
async def test_every_screen_shows_hostile_text_harmlessly(hostile_library: Library, size: tuple[int, int]) -> None:
    app = BylineApp(hostile_library)
    async with app.run_test(size=size) as pilot:
        problems = await tour(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert app.is_running, "something ran app.quit"
    assert not problems, "\n".join(problems[:20])


async def test_hostile_text_is_shown_not_dropped(hostile_library: Library) -> None:
    app = BylineApp(hostile_library)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        text = "\n".join("".join(s.text for s in strip) for strip in app.screen._compositor.render_strips())
        assert MARKUP in text  # the markup, literally
        assert "J␛[5msrc" in text and "JSON ␀ nul \ufffd1m C1 \ufffd lone" in text
        # Columns stay aligned with wide and zero-width characters: every date cell starts at one column.
        rows = [line for line in text.splitlines() if "—  " in line or "  20" in line]
        table = app.screen.query_one(ArticleTable)
        starts = {cell_len(line[: line.index("—", 8)]) for line in rows if "—" in line[8:]}
        assert len(rows) >= table.row_count and len(starts) == 1, rows


async def test_toasts_never_parse_untrusted_text(hostile_library: Library) -> None:
    """A toast naming an entity from the corpus: '[/]' in the name used to be parsed as markup (an error),
    and '[@click=app.quit]' as an action."""
    app = BylineApp(hostile_library)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(EntitiesScreen("evil"))  # filtered to the alias file's entity
        await settle(pilot)
        app.screen.query_one("#entity-list").focus()
        await pilot.press("m")
        await settle(pilot)
        toasts = list(app.screen.query(Toast))
        assert toasts
        shown = " ".join(str(toast.render()) for toast in toasts)
        assert "[/] Evil [@click=app.quit]Corp[/]" in shown
        assert app.is_running


@pytest.mark.parametrize("screen_class", [LibraryScreen, ArticleScreen, EntitiesScreen, StoriesScreen, CompareScreen,
                                          HelpScreen])
async def test_resize_storm_on_every_screen(hostile_library: Library, screen_class: type) -> None:
    app = BylineApp(hostile_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if screen_class is ArticleScreen:
            app.open_article("b")
        elif screen_class is EntitiesScreen:
            await pilot.press("ctrl+e")
        elif screen_class is StoriesScreen:
            await pilot.press("ctrl+t")
        elif screen_class is CompareScreen:
            app.action_compare("a", "b")
        elif screen_class is HelpScreen:
            await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, screen_class)
        for width, height in [(20, 6), (1, 1), (200, 60), (3, 80), (120, 2), (80, 24)]:
            await pilot.resize_terminal(width, height)
            await pilot.press("pagedown", "down")  # page keys on a list squeezed to no height used to crash
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, screen_class)
        assert not screen_problems(app)


async def test_corpus_folder_name_in_the_header_is_neutralised(tmp_path) -> None:
    """The header showed the corpus folder's name as it is: an escape sequence in it reached the terminal."""
    corpus = write_files(tmp_path / "news \x1b[31m [bold]", {"a.txt": "Title\n\nKabul.\n"})
    with open_library(corpus, tmp_path / "idx") as lib:
        lib.build()
        app = BylineApp(lib)
        async with app.run_test(size=(100, 20)) as pilot:
            await settle(pilot)
            header = "".join(segment.text for segment in app.screen._compositor.render_strips()[0])
            assert "news ␛[31m [bold]" in header
            assert not screen_problems(app)


async def test_an_unusable_index_in_a_bracketed_folder_is_rebuilt_not_a_crash(tmp_path) -> None:
    """The toast that says the index is rebuilt quotes its path; '[/b]' in the path was parsed as markup."""
    from index import store

    corpus = write_files(tmp_path / "corpus", {"a.txt": "Title\n\nKabul.\n"})
    index_dir = tmp_path / "x [" / "b]" / "idx"  # the path reads ".../x [/b]/idx"
    with open_library(corpus, index_dir) as lib:
        lib.build()
        (store.current_generation(index_dir) / store.FORMAT).write_text("{}", encoding="utf-8")
    with open_library(corpus, index_dir) as lib:
        app = BylineApp(lib)
        async with app.run_test(size=(100, 24), notifications=True) as pilot:
            await settle(pilot)
            await settle(pilot)
            assert isinstance(app.screen, LibraryScreen)  # rebuilt, and on to the library
            shown = " ".join(str(toast.render()) for toast in app.screen.query(Toast))
            assert "x [/b]/idx" in shown


async def test_the_command_palette_shows_entity_names_literally(hostile_library: Library) -> None:
    """The palette offers "Search entity: NAME" for the open article's entities; Textual parses a plain string
    prompt as markup, so '[/]' in a name (from the alias file, or the text) crashed the reader."""
    from textual.command import CommandList, CommandPalette

    app = BylineApp(hostile_library)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.open_article("b")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        for _ in range(5):
            await pilot.pause(0.05)
        assert isinstance(app.screen, CommandPalette)
        assert app.is_running
        assert not screen_problems(app)
        prompts = [str(option.prompt) for option in app.screen.query_one(CommandList).options]
        assert any("Search entity: [/] Evil [@click=app.quit]Corp[/]" in prompt for prompt in prompts), prompts
