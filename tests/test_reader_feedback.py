"""Every action answers: an update that had nothing to do, an update that did, a search that found nothing, a
build on a small corpus, the web extra missing, a screenshot."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.widgets import ProgressBar, Static

from conftest import SEEDS, write_files
from index import BuildProgress, Library, SearchResult, open_library
from reader.app import BylineApp, build_summary
from reader.screens import web
from reader.screens.build import BuildScreen, corpus_name, overall_progress
from reader.screens.library import LibraryScreen
from reader.widgets.empty_state import NoHits, suggestions


class QuietApp(BylineApp):
    WATCH_SECONDS = 3600.0


def messages(app: BylineApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# -- updating the index ---------------------------------------------------------------------------------------


async def test_ctrl_r_with_nothing_changed_says_so_without_a_dialog(seeds_library: Library) -> None:
    pushed: list[object] = []

    class Recording(QuietApp):
        def push_screen(self, screen, *args, **kwargs):
            pushed.append(screen)
            return super().push_screen(screen, *args, **kwargs)

    app = Recording(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert not any(isinstance(screen, BuildScreen) for screen in pushed)
        assert any(n.title == "Index up to date" and "No corpus file was added" in n.message
                   for n in app._notifications)


@pytest.mark.parametrize("counts, said", [
    ((2, 1, 0), "2 articles added, 1 changed."),
    ((1, 0, 0), "1 article added."),
    ((0, 1, 3), "1 article changed, 3 deleted."),
    ((0, 0, 0), "Index up to date: nothing was added, changed or deleted."),
])
def test_an_update_says_what_it_did(counts: tuple[int, int, int], said: str) -> None:
    added, changed, deleted = counts
    report = SimpleNamespace(full=False, articles=9, added=added, changed=changed, deleted=deleted)
    assert build_summary(report) == said
    assert build_summary(SimpleNamespace(full=True, articles=1)) == "1 article indexed."


async def test_after_an_update_the_reader_says_what_was_added(seeds_copy: Path, tmp_path: Path) -> None:
    lib = open_library(seeds_copy, tmp_path / "idx")
    lib.build()
    app = QuietApp(lib)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        write_files(seeds_copy, {"herat.txt": "Herat attack\n\nA report from Herat.",
                                 "kunduz.txt": "Kunduz\n\nA report from Kunduz."})
        path = seeds_copy / "004_e8aa0ffba7751739.txt"
        path.write_text(path.read_text(encoding="utf-8") + "\nKandahar was quiet.\n", encoding="utf-8")
        await pilot.press("ctrl+r")
        for _ in range(100):
            await settle(pilot)
            if isinstance(app.screen, LibraryScreen) and any("added" in m for m in messages(app)):
                break
        assert "2 articles added, 1 changed." in messages(app)


# -- the build dialog -----------------------------------------------------------------------------------------


def test_the_build_bar_moves_through_the_phases_of_a_small_corpus() -> None:
    steps = [BuildProgress("reading", 0, 5, "a.txt"), BuildProgress("reading", 5, 5, ""),
             BuildProgress("annotating", 0, 5, "loading the spaCy model"), BuildProgress("annotating", 3, 5, "c"),
             BuildProgress("indexing", 0, 5, ""), BuildProgress("indexing", 5, 5, ""), BuildProgress("done", 5, 5, "")]
    shown = [overall_progress(step) for step in steps]
    assert shown[2] is None  # loading the model: the bar pulses
    numbers = [value for value in shown if value is not None]
    assert numbers == sorted(numbers) and numbers[0] == 0 and numbers[-1] == 100
    assert 10 < shown[3] < 85


def test_the_build_dialog_names_the_corpus_for_a_reader(tmp_path: Path) -> None:
    assert corpus_name(SEEDS) == "the bundled corpus"
    assert corpus_name(Path.home() / "news") == "~/news"
    assert corpus_name(tmp_path) == str(tmp_path)


async def test_the_build_dialog_shows_the_bundled_corpus(tmp_path: Path) -> None:
    lib = open_library(SEEDS, tmp_path / "idx")
    app = QuietApp(lib)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        if isinstance(app.screen, BuildScreen):  # annotations already cached: the build may be over by now
            phase = str(app.screen.query_one("#build-phase", Static).render())  # the corpus, or a phase
            assert "site-packages" not in phase and "byline_seeds" not in phase
            app.screen.query_one(ProgressBar)
        for _ in range(200):
            await settle(pilot)
            if isinstance(app.screen, LibraryScreen):
                break
        assert "5 articles indexed." in messages(app)


# -- a search that finds nothing ------------------------------------------------------------------------------


def test_no_hits_suggests_what_to_try() -> None:
    def tried(query: str, suggestion: str = "") -> list[str]:
        return [text for text, _ in suggestions(SearchResult(query=query, total=0, hits=(), suggestion=suggestion))]

    assert tried("mujahd", "mujahid") == ["mujahid", "mujahd~", "mujahd*"]
    assert tried('kabul source:"AFP"') == ["kabul"]
    assert 'entity:"Sabihulah Mujahid"' in tried("Sabihulah Mujahid")
    assert "kabul OR zebra" in tried("kabul zebra")


async def test_no_hits_shows_an_empty_state_instead_of_empty_panes(seeds_library: Library) -> None:
    app = QuietApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Zabihula Mujahd")
        await settle(pilot)
        empty = app.screen.query_one(NoHits)
        assert empty.display and empty.region.height > 0
        text = str(empty.render())
        assert "No article matches" in text and 'entity:"Zabihula Mujahd"' in text
        assert app.screen.query_one("#facets").region.width == 0


# -- the web extra, screenshots -------------------------------------------------------------------------------


async def test_add_from_the_web_says_the_extra_is_missing_before_asking(seeds_library: Library,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "missing_modules", lambda extra: ["trafilatura"] if extra == "web" else [])
    app = QuietApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_add_from_web()
        await settle(pilot)
        status = str(app.screen.query_one("#web-status", Static).render())
        assert "web extra" in status and "trafilatura" in status
        assert "pip install '.[web]'" in status  # the tests run from a checkout
        assert app.screen.query_one("#web-urls").disabled


def test_the_install_hint_outside_a_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import index.extras

    monkeypatch.setattr(index.extras, "__file__", str(tmp_path / "site-packages" / "index" / "extras.py"))
    for extra in ("web", "parquet", "cluster"):
        assert index.extras.install_hint(extra).startswith(f"pip install 'byline[{extra}]'")


def test_the_install_hint_in_a_checkout_names_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import index.extras

    for part in ("index", "reader"):
        (tmp_path / part).mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'byline'\n")
    monkeypatch.setattr(index.extras, "__file__", str(tmp_path / "index" / "extras.py"))
    assert index.extras.install_hint("cluster") == f"pip install '.[cluster]' in {tmp_path.resolve()}"


async def test_a_screenshot_is_saved_where_it_says(seeds_library: Library, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reader.app.screenshot_folder", lambda: tmp_path)
    app = QuietApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        saved = app.deliver_screenshot()
        assert saved and Path(saved).parent == tmp_path and Path(saved).is_file()
        await pilot.pause()
        assert any(m == f"Saved to {saved}" for m in messages(app))
        assert app.deliver_screenshot(path=str(tmp_path / "no" / "such")) is None
        await pilot.pause()
        assert any("Not saved in" in m and "No such file" in m for m in messages(app))


def test_screenshots_go_to_a_folder_that_exists(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from reader.app import screenshot_folder

    monkeypatch.setattr("platformdirs.user_downloads_dir", lambda: str(tmp_path / "Downloads"))
    monkeypatch.chdir(tmp_path)
    assert screenshot_folder() == tmp_path
    (tmp_path / "Downloads").mkdir()
    assert screenshot_folder() == tmp_path / "Downloads"
