"""The settings file: read, written back with a chosen theme, and a bad one named by its line. Every test uses a
file under tmp_path: the real config directory is never read or written."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from index import Library
from reader.app import BylineApp
from reader.screens.article import ArticleScreen
from reader.screens.help import HelpScreen
from reader.settings import (
    CONFIG_ENV,
    DEFAULT_READING_WIDTH,
    SettingsError,
    load_settings,
    parse_settings,
    save_theme,
    settings_path,
)
from reader.widgets.article_view import ArticleView

SETTINGS = """\
# My reader
theme = "textual-dark"   # dark, please
reading_width = 90

[keymap]
"app.help" = "f2"
"""


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_a_settings_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('corpus = "~/news"\n' + SETTINGS, encoding="utf-8")
    settings = load_settings(path)
    assert (settings.theme, settings.reading_width, settings.keymap) == ("textual-dark", 90, {"app.help": "f2"})
    assert settings.corpus == "~/news"
    assert settings.problem == "" and settings.path == path


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none.toml")
    assert (settings.theme, settings.corpus, settings.keymap, settings.problem) == ("", "", {}, "")
    assert settings.reading_width == DEFAULT_READING_WIDTH


@pytest.mark.parametrize(
    "text, line",
    [
        ('theme = "nord"\nreading_width = \n', 2),  # not TOML
        ('# comment\ntheme = "nord"\nreading_width = "wide"\n', 3),
        ('theme = 3\n', 1),
        ('[keymap]\n"app.quit" = 5\n', 2),
    ],
)
def test_a_bad_file_is_named_by_its_line_and_the_defaults_used(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    settings = load_settings(path)
    assert f"line {line}" in settings.problem and str(path) in settings.problem
    assert "default" in settings.problem
    assert (settings.theme, settings.keymap) == ("", {})
    with pytest.raises(SettingsError):
        parse_settings(text)


def test_saving_a_theme_changes_its_line_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    save_theme(path, "nord")
    text = path.read_text(encoding="utf-8")
    assert text == SETTINGS.replace('theme = "textual-dark"   # dark, please', 'theme = "nord"')
    assert load_settings(path).theme == "nord"


def test_saving_a_theme_creates_the_file_or_adds_the_line(tmp_path: Path) -> None:
    new = tmp_path / "a" / "b" / "settings.toml"
    save_theme(new, "gruvbox")
    assert load_settings(new).theme == "gruvbox"
    path = tmp_path / "settings.toml"
    path.write_text("# mine\n\n[keymap]\n\"app.quit\" = \"ctrl+q\"\n", encoding="utf-8")
    save_theme(path, 'odd "name"')
    settings = load_settings(path)
    assert settings.theme == 'odd "name"' and settings.keymap == {"app.quit": "ctrl+q"}
    assert path.read_text(encoding="utf-8").startswith("# mine\ntheme = ")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_where_the_settings_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "env.toml"))
    assert settings_path() == tmp_path / "env.toml"
    assert settings_path(tmp_path / "given.toml") == tmp_path / "given.toml"
    monkeypatch.delenv(CONFIG_ENV)
    assert settings_path().name == "settings.toml" and "byline" in settings_path().parts


async def test_a_theme_chosen_in_the_reader_is_there_next_time(seeds_library: Library, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    app = BylineApp(seeds_library, settings=load_settings(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        app.theme = "nord"
        await settle(pilot)
    assert load_settings(path).theme == "nord"
    assert "# My reader" in path.read_text(encoding="utf-8")

    again = BylineApp(seeds_library, settings=load_settings(path))
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_the_keymap_remaps_a_binding_by_its_id(seeds_library: Library, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    app = BylineApp(seeds_library, settings=load_settings(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_a_bad_settings_file_is_reported_in_the_reader(seeds_library: Library, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('theme = "nord"\nreading_width = "wide"\n', encoding="utf-8")
    app = BylineApp(seeds_library, settings=load_settings(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("line 2" in m and "reading_width" in m for m in messages), messages
        assert app.theme != "nord"  # the defaults, not half of the file


async def test_an_unknown_theme_is_reported(seeds_library: Library, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('theme = "no-such-theme"\n', encoding="utf-8")
    app = BylineApp(seeds_library, settings=load_settings(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert any("no-such-theme" in n.message for n in app._notifications)


@pytest.mark.parametrize("width, measure", [(None, DEFAULT_READING_WIDTH), (60, 60), (0, 200 - 32 - 4)])
async def test_article_lines_keep_to_the_reading_width(seeds_library: Library, tmp_path: Path,
                                                       width: int | None, measure: int) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("" if width is None else f"reading_width = {width}\n", encoding="utf-8")
    app = BylineApp(seeds_library, settings=load_settings(path))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        app.open_article(app.summaries[0].id)
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        view = app.screen.query_one(ArticleView)
        longest = max(len(view.text[start:end].rstrip()) for start, end in view._lines)
        assert measure - 15 <= longest <= measure


def test_byline_opens_the_corpus_the_settings_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from reader import cli

    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("A title\n\nSome text.", encoding="utf-8")
    path = tmp_path / "settings.toml"
    path.write_text(f"corpus = {str(news)!r}\nreading_width = 72\n", encoding="utf-8")
    seen: dict[str, object] = {}

    def run(app: BylineApp) -> None:
        seen["corpus"], seen["settings"] = Path(app.library.corpus), app.settings

    monkeypatch.setattr(BylineApp, "run", run)
    try:
        assert cli.main(["--config", str(path), "--index-dir", str(tmp_path / "idx")]) == 0
    finally:
        gc.unfreeze()
    assert seen["corpus"] == news and seen["settings"].reading_width == 72
