"""``kill -9`` of ``byline index`` at any point leaves the previous index searchable and the lock free, and the
next run completes; a second writer is told who holds the index (or waits for it); a reader picks up the new
index when it lands.

The builds run as real ``byline index`` processes on a generated corpus large enough to take a few seconds.
Their stderr is a pseudo-terminal, so they draw their progress bar; the test reads it to kill each build in the
phase it wants (reading, annotating, indexing).
"""

from __future__ import annotations

import json
import os
import pty
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index import IndexLocked, Library, open_library, store
from reader.cli import main

REPO = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
#: What the first index holds; the builds that get killed add the rest.
FIRST, TOTAL = 20, 150


def write_articles(root: Path, start: int, stop: int) -> None:
    rng = random.Random(start)
    people = ["Zabihullah Mujahid", "Joe Biden", "Ashraf Ghani", "Hamid Karzai", "Lloyd Austin"]
    places = ["Kabul", "Kandahar", "Herat", "Jalalabad", "Washington", "Doha", "Islamabad"]
    groups = ["the Taliban", "the Pentagon", "NATO", "the United Nations", "the World Bank"]
    root.mkdir(parents=True, exist_ok=True)
    for number in range(start, stop):
        sentences = [
            f"{rng.choice(people)} said in {rng.choice(places)} that {rng.choice(groups)} would meet officials "
            f"on day {rng.randint(1, 28)} of talks about aid and security."
            for _ in range(8)
        ]
        (root / f"article-{number:04d}.txt").write_text(
            f"Dispatch {number} from {rng.choice(places)}\n\n{' '.join(sentences)}\n", encoding="utf-8"
        )


class Build:
    """``byline index`` in a child process whose stderr is a terminal, so it shows its progress.

    A thread reads the terminal all the time: a child whose terminal is not read blocks once the terminal's
    buffer is full (a slow machine redraws the progress bar often), and would then hold the lock forever."""

    def __init__(self, corpus: Path, index_dir: Path, *args: str) -> None:
        master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reader.cli", "index", str(corpus), "--index-dir", str(index_dir), *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, cwd=REPO,
            env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"},
        )
        os.close(slave)
        self.master = master
        self.seen = ""
        self.closed = False  # the child (and whatever it started) closed the terminal
        self._news = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the child closed the terminal
                chunk = b""
            with self._news:
                if chunk:
                    self.seen += ANSI.sub("\n", chunk.decode("utf-8", "replace"))
                else:
                    self.closed = True
                self._news.notify_all()
            if not chunk:
                return

    def wait_for(self, pattern: str, timeout: float = 120.0) -> re.Match[str] | None:
        """Wait until ``pattern`` shows on the child's terminal (the match), or it exits (None)."""
        compiled = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._news:
            while True:
                if match := compiled.search(self.seen):
                    return match
                if self.closed:
                    return None
                if self.process.poll() is not None:  # exited: what it printed last is read within a moment
                    self._news.wait_for(lambda: self.closed, timeout=1)
                    return compiled.search(self.seen)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{pattern!r} never showed; the build printed:\n{self.seen[-2000:]}")
                self._news.wait(min(remaining, 0.05))

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def finish(self) -> int:
        self.wait_for(r"\Z.")  # read everything until it exits (the pattern never matches)
        return self.process.wait()

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        self._reader.join(timeout=10)  # the terminal closes with the child; its fd is closed after the reader
        os.close(self.master)


def lock_holder(index_dir: Path) -> int | None:
    try:
        return json.loads((index_dir / store.LOCK).read_text(encoding="utf-8") or "{}").get("pid")
    except (OSError, ValueError):
        return None


def assert_previous_index_intact(lib: Library, index_dir: Path) -> None:
    """The first index still answers (in this process, as a reader would), and nobody holds the lock."""
    lib.refresh()
    assert lib.search("Dispatch", limit=500).total == FIRST
    assert lib.article("article-0003").entities
    with store.writer_lock(index_dir, wait=0):  # a lock left by a killed process is no lock
        pass


@pytest.fixture()
def crash_site(tmp_path: Path) -> tuple[Path, Path, Library]:
    corpus, index_dir = tmp_path / "corpus", tmp_path / "idx"
    write_articles(corpus, 0, FIRST)
    lib = open_library(corpus, index_dir)
    lib.build()
    write_articles(corpus, FIRST, TOTAL)
    yield corpus, index_dir, lib
    lib.close()


def test_kill_at_any_point_keeps_the_previous_index_and_the_next_run_completes(
    crash_site: tuple[Path, Path, Library], capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, index_dir, lib = crash_site
    builds: list[Build] = []
    try:
        # 1. While it reads the corpus and loads spaCy: as soon as it holds the lock.
        build = Build(corpus, index_dir)
        builds.append(build)
        deadline = time.monotonic() + 60
        while lock_holder(index_dir) != build.process.pid:
            assert time.monotonic() < deadline and build.process.poll() is None, build.seen
            time.sleep(0.01)
        build.kill()
        assert_previous_index_intact(lib, index_dir)

        # 2. Half-way through spaCy; meanwhile a second writer is told who holds the index.
        build = Build(corpus, index_dir)
        builds.append(build)
        assert build.wait_for(r"annotating[\s━╸╺]*[1-9]\d+/")
        assert main(["index", str(corpus), "--index-dir", str(index_dir), "--wait", "0"]) == 1
        err = capsys.readouterr().err
        assert f"is being written by process {build.process.pid}" in err and "try again when it has finished" in err
        assert lib.search("Dispatch", limit=500).total == FIRST  # reading goes on meanwhile
        build.kill()
        assert_previous_index_intact(lib, index_dir)

        # 3. A full rebuild, killed while Whoosh writes the new generation.
        build = Build(corpus, index_dir, "--rebuild")
        builds.append(build)
        assert build.wait_for(r"indexing")
        build.kill()
        assert_previous_index_intact(lib, index_dir)

        # 4. An update killed while Whoosh writes into the current generation (Whoosh's commit is atomic).
        build = Build(corpus, index_dir)
        builds.append(build)
        build.wait_for(r"indexing")  # may also finish first: then the update simply landed
        build.kill()
        lib.refresh()
        assert lib.search("Dispatch", limit=500).total in (FIRST, TOTAL)

        # 5. The next run completes, and the reader picks up what it wrote.
        build = Build(corpus, index_dir)
        builds.append(build)
        assert build.finish() == 0, build.seen
        lib.refresh()
        assert lib.search("Dispatch", limit=500).total == TOTAL
        assert len(lib.articles()) == TOTAL
        assert lib.article(f"article-{TOTAL - 1:04d}").entities
        report = lib.build()
        assert (report.added, report.changed, report.deleted, report.annotated) == (0, 0, 0, 0)
        assert len(list(index_dir.glob("gen-*"))) <= 2  # what killed builds left behind is cleared away
    finally:
        for build in builds:
            build.close()


def test_a_second_writer_waits_for_the_first(crash_site: tuple[Path, Path, Library]) -> None:
    corpus, index_dir, lib = crash_site
    build = Build(corpus, index_dir)
    try:
        assert build.wait_for(r"annotating")
        with pytest.raises(IndexLocked, match=f"process {build.process.pid} on "):
            lib.build(lock_wait=0)
        assert lock_holder(index_dir) == build.process.pid  # the one who waited used to wipe the holder's name
        report = lib.build(lock_wait=120)  # waits for the other process, then finds nothing left to do
        assert build.process.wait() == 0
        assert (report.articles, report.added, report.annotated) == (TOTAL, 0, 0)
        assert lib.search("Dispatch", limit=500).total == TOTAL
    finally:
        build.close()


def test_killing_a_build_with_spacy_workers_frees_the_lock_and_the_workers(
    crash_site: tuple[Path, Path, Library],
) -> None:
    """With ``--jobs 2`` spaCy forks workers; they used to keep the lock (inherited) and live on, orphaned, so
    every later build was refused as "being written"."""
    corpus, index_dir, lib = crash_site
    build = Build(corpus, index_dir, "--jobs", "2")
    try:
        assert build.wait_for(r"annotating[\s━╸╺]*[1-9]\d+/")
        workers = [int(pid) for pid in Path(f"/proc/{build.process.pid}/task/{build.process.pid}/children")
                   .read_text().split()]
        assert workers  # spaCy's worker processes
        build.kill()
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in workers):
            assert time.monotonic() < deadline, "spaCy's workers outlived the killed build"
            time.sleep(0.05)
        assert_previous_index_intact(lib, index_dir)
    finally:
        build.close()


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped by init counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"
    except OSError:
        return False


def test_a_reader_keeps_its_generation_while_another_process_rebuilds(seeds_copy: Path, tmp_path: Path) -> None:
    """Builds keep only the current and the previous generation; two rebuilds used to remove the one a reader
    still had open, and what it loads on demand (the entity details) was gone: IndexError in entities()."""
    index_dir = tmp_path / "idx"
    with open_library(seeds_copy, index_dir) as builder:
        builder.build()
    reader = open_library(seeds_copy, index_dir)
    try:
        assert reader.search("kabul").total == 5
        pinned = reader.generation
        with open_library(seeds_copy, index_dir) as builder:  # another process, as far as locks go
            builder.build(rebuild=True)
            builder.build(rebuild=True)
        assert pinned.is_dir()
        assert reader.entities()
        assert reader.refresh() and reader.generation != pinned
        assert reader.search("kabul").total == 5
        with open_library(seeds_copy, index_dir) as builder:
            builder.build(rebuild=True)
        assert not pinned.exists()  # let go of: the next build removes it
    finally:
        reader.close()
