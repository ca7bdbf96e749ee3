"""The corpus and the index changing under an open reader: it notices, says so, and updates on ctrl+r."""

from __future__ import annotations

from pathlib import Path

from conftest import write_files
from index import open_library
from reader.app import BylineApp
from reader.screens.article import ArticleScreen
from reader.screens.library import LibraryScreen


class QuietApp(BylineApp):
    WATCH_SECONDS = 3600.0  # the tests call watch_corpus() themselves


def messages(app: BylineApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def settle(app: BylineApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_changed_files_are_reported_and_ctrl_r_indexes_them(seeds_copy: Path, tmp_path: Path) -> None:
    lib = open_library(seeds_copy, tmp_path / "idx")
    lib.build()
    app = QuietApp(lib)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.open_article("004_e8aa0ffba7751739")
        await settle(app, pilot)
        assert isinstance(app.screen, ArticleScreen)
        write_files(seeds_copy, {"herat.txt": "Herat attack\n\nA report from Herat."})
        path = seeds_copy / "004_e8aa0ffba7751739.txt"
        path.write_text(path.read_text(encoding="utf-8") + "\nKandahar was quiet.\n", encoding="utf-8")

        app.watch_corpus()
        await settle(app, pilot)
        said = messages(app)
        assert any("Corpus files changed since indexing (1 added, 1 changed)" in m for m in said)
        assert any("This article's file changed" in m for m in said)

        await pilot.press("ctrl+r")
        for _ in range(100):
            await settle(app, pilot)
            if isinstance(app.screen, LibraryScreen):
                break
        assert isinstance(app.screen, LibraryScreen)
        assert "herat" in {s.id for s in app.summaries}
        assert [h.id for h in app.library.search("Kandahar").hits] == ["004_e8aa0ffba7751739"]


async def test_an_index_built_by_another_process_is_picked_up(seeds_copy: Path, tmp_path: Path) -> None:
    lib = open_library(seeds_copy, tmp_path / "idx")
    lib.build()
    app = QuietApp(lib)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert len(app.summaries) == 5
        write_files(seeds_copy, {"herat.txt": "Herat attack\n\nA report from Herat."})
        other = open_library(seeds_copy, tmp_path / "idx")  # as another process would
        other.build()
        other.close()

        app.watch_corpus()
        await settle(app, pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert len(app.summaries) == 6
        assert any("updated by another process" in m for m in messages(app))


def test_a_search_does_not_wait_while_the_corpus_files_are_looked_at(seeds_copy: Path, tmp_path: Path,
                                                                     monkeypatch) -> None:
    # A million files take seconds to stat; the reader looks every few seconds, and its searches share the
    # library: looking at the files must not hold the library while a search waits.
    import threading

    import index.ingest

    lib = open_library(seeds_copy, tmp_path / "idx")
    lib.build()
    looking, done = threading.Event(), threading.Event()
    searched_meanwhile: list[bool] = []
    real = index.ingest.corpus_file_stats

    def slow_stats(corpus):
        looking.set()
        searched_meanwhile.append(done.wait(5))
        return real(corpus)

    monkeypatch.setattr(index.ingest, "corpus_file_stats", slow_stats)
    watcher = threading.Thread(target=lib.changes)
    watcher.start()
    assert looking.wait(10)
    hits = lib.search("Mujahid").hits  # on this thread, while the other is still looking at the files
    done.set()
    watcher.join(10)
    assert hits and not watcher.is_alive()
    assert searched_meanwhile == [True]
    monkeypatch.setattr(index.ingest, "corpus_file_stats", real)
    write_files(seeds_copy, {"herat.txt": "Herat attack\n\nA report from Herat."})
    assert [Path(p).name for p in lib.changes().added] == ["herat.txt"]
