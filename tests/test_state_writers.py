"""One writer at a time for every file Byline keeps, attacked with real concurrent processes.

Each test does what a user (or a cron job beside a user) can do: run several writers on one corpus at once,
kill one between two writes, hold the lock while another waits. Nothing may be lost or written twice, a refused
command must change nothing, and every file must read back afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from index import IndexLocked, open_library, storage, store
from index.aliases import read_aliases
from index.ingest import read_sidecar
from index.storage import FileInvalid, corpus_lock, write_atomic

sys_python = sys.executable


def _page(number: int) -> str:
    words = " ".join(f"word{number}x{k}" for k in range(80))
    return (f"<html><head><title>Story number {number}</title></head><body><article><h1>Story number {number}</h1>"
            f"<p>The council met on day {number} and decided things. {words}.</p>"
            f"<p>A second paragraph about story {number}, long enough to be an article. {words}.</p>"
            "</article></body></html>")


def _byline(*args: str, cwd: Path | None = None) -> subprocess.Popen:
    code = "import sys; from reader.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys_python, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=cwd)


def test_ten_concurrent_adds_lose_nothing(tmp_path: Path) -> None:
    """Ten ``byline add`` processes at once on one corpus: ten articles, ten records, one valid byline.toml."""
    pytest.importorskip("trafilatura")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "byline.toml").write_text("# my notes\n[files.\"mine.txt\"]\nsource = \"Me\"\n", encoding="utf-8")
    pages = []
    for number in range(10):
        page = tmp_path / f"page{number}.html"
        page.write_text(_page(number), encoding="utf-8")
        pages.append(page)
    runs = [_byline("add", str(page), "-C", str(corpus), "--no-index") for page in pages]
    results = [(*run.communicate(timeout=300), run.returncode) for run in runs]
    assert all(code == 0 for _, _, code in results), results
    state = json.loads((corpus / ".byline" / "web.json").read_text(encoding="utf-8"))
    assert len(state["articles"]) == 10
    sidecar, problems = read_sidecar(corpus)
    assert not problems
    assert sidecar["mine.txt"]["source"] == "Me"
    stored = sorted((corpus / "web").rglob("*.txt"))
    assert len(stored) == 10
    assert {p.relative_to(corpus).as_posix() for p in stored} <= set(sidecar)
    assert "# my notes" in (corpus / "byline.toml").read_text(encoding="utf-8")
    assert not list(corpus.rglob("*.tmp"))


def test_the_same_page_added_twice_at_once_is_stored_once(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    corpus = tmp_path / "corpus"
    page = tmp_path / "page.html"
    page.write_text(_page(1), encoding="utf-8")
    runs = [_byline("add", str(page), "-C", str(corpus), "--no-index") for _ in range(4)]
    for run in runs:
        run.communicate(timeout=300)
    assert len(list((corpus / "web").rglob("*.txt"))) == 1
    assert len(json.loads((corpus / ".byline" / "web.json").read_text(encoding="utf-8"))["articles"]) == 1


@pytest.fixture()
def built_copy(seeds_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    index_dir = tmp_path / "index"
    with open_library(seeds_copy, index_dir) as lib:
        lib.build()
    return seeds_copy, index_dir


def test_two_merges_at_once_both_land(built_copy: tuple[Path, Path]) -> None:
    corpus, index_dir = built_copy
    with open_library(corpus, index_dir) as lib:
        names = [e.name for e in lib.entities(["GPE"])][:4]
    assert len(names) == 4
    runs = [_byline("entities", "merge", names[0], names[1], "--corpus", str(corpus), "--index-dir", str(index_dir)),
            _byline("entities", "merge", names[2], names[3], "--corpus", str(corpus), "--index-dir", str(index_dir))]
    results = [(*run.communicate(timeout=300), run.returncode) for run in runs]
    assert all(code == 0 for _, _, code in results), results
    merges = read_aliases(corpus / "aliases.toml").merges
    assert len(merges) == 2
    with open_library(corpus, index_dir) as lib:
        assert lib.entity(names[0]) == lib.entity(names[1])
        assert lib.entity(names[2]) == lib.entity(names[3])


def test_a_refused_merge_saves_nothing(built_copy: tuple[Path, Path]) -> None:
    """The index is being written by another process: the merge is refused, and no correction was saved (a
    retry must not store it twice)."""
    corpus, index_dir = built_copy
    before = (corpus / "aliases.toml").read_bytes()
    holder = subprocess.Popen([sys_python, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from index import store
        with store.writer_lock(Path({str(index_dir)!r})):
            print("held", flush=True)
            sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with open_library(corpus, index_dir) as lib:
            names = [e.name for e in lib.entities(["GPE"])][:2]
            with pytest.raises(IndexLocked, match=f"process {holder.pid} on "):
                lib.merge_entities(names, lock_wait=0)
    finally:
        holder.communicate("", timeout=30)
    assert (corpus / "aliases.toml").read_bytes() == before


def test_the_corpus_lock_names_its_holder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    holder = subprocess.Popen([sys_python, "-c", textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from index.storage import corpus_lock
        with corpus_lock(Path({str(corpus)!r})):
            print("held", flush=True)
            sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(IndexLocked, match=f"corpus at .* is being written by process {holder.pid} on "), \
                corpus_lock(corpus, wait=0):
            pass
    finally:
        holder.communicate("", timeout=30)
    with corpus_lock(corpus, wait=0):  # released with its holder
        pass


def test_a_thread_may_take_its_own_lock_again(tmp_path: Path) -> None:
    with corpus_lock(tmp_path, wait=0), corpus_lock(tmp_path, wait=0):
        pass
    with corpus_lock(tmp_path, wait=0):
        pass


def test_an_atomic_write_that_does_not_read_back_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text('{"old": true}', encoding="utf-8")
    with pytest.raises(FileInvalid):
        write_atomic(target, "{not json", check=json.loads)
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert os.listdir(tmp_path) == ["state.json"]


def test_json_that_cannot_be_read_back_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "table.json"
    storage.write_json(target, {"names": ["Kabul"]})
    with pytest.raises(FileInvalid):  # a lone surrogate passed through as a raw byte is not UTF-8
        storage.write_json(target, {"names": ["Kabul \udcff"]})
    assert json.loads(target.read_text(encoding="utf-8")) == {"names": ["Kabul"]}
    assert sorted(os.listdir(tmp_path)) == ["table.json"]


def test_a_damaged_feature_cache_is_started_afresh(tmp_path: Path) -> None:
    from index.stories import FeatureStore

    path = tmp_path / storage.FEATURES_DB
    path.write_bytes(b"this is not a database" * 100)
    with FeatureStore.open(path, repair=True) as cache:
        assert cache.get_many(["x"]) == {}
    assert (tmp_path / (storage.FEATURES_DB + ".damaged")).exists()


def test_index_names_have_one_home() -> None:
    assert store.CATALOG is storage.CATALOG and store.ENTITIES is storage.ENTITIES


def test_a_corpus_that_is_one_file_gets_no_lock_folder_beside_it(tmp_path: Path, capsys) -> None:
    """Indexing ``news.jsonl`` writes nothing into the folder that holds it (a shared or read-only data folder,
    often): no ``.byline`` lock folder; its index is still locked against a second writer by its own lock."""
    from reader.cli import main

    data = tmp_path / "data"
    data.mkdir()
    corpus = data / "news.jsonl"
    corpus.write_text('{"id": "a", "title": "Harbour", "body": "The harbour reopened on Monday."}\n', encoding="utf-8")
    with corpus_lock(corpus, wait=0), corpus_lock(corpus, wait=0):
        pass
    assert main(["index", str(corpus), "--index-dir", str(tmp_path / "idx")]) == 0
    assert sorted(p.name for p in data.iterdir()) == ["news.jsonl"]
