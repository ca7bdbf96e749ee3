"""Building and updating the index: incremental, cached, atomic, one writer at a time."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from conftest import write_files
from index import IndexLocked, open_library, store


def test_first_build_then_incremental_update_reannotates_only_what_changed(seeds_copy: Path, tmp_path: Path) -> None:
    lib = open_library(seeds_copy, tmp_path / "idx")
    first = lib.build()
    assert (first.full, first.articles, first.annotated) == (True, 5, 5)
    assert first.entities > 20

    again = lib.build()
    assert (again.full, again.annotated, again.unchanged) == (False, 0, 5)

    path = seeds_copy / "004_e8aa0ffba7751739.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nKandahar was quiet.\n", encoding="utf-8")
    write_files(seeds_copy, {"new.txt": "Herat news\n\nA report from Herat."})
    (seeds_copy / "001_4953294115b9d26d.txt").unlink()
    update = lib.build()
    assert (update.full, update.added, update.changed, update.deleted) == (False, 1, 1, 1)
    assert update.annotated == 2  # the changed file and the new one, nothing else
    assert {h.id for h in lib.search("Kandahar").hits} == {"004_e8aa0ffba7751739"}
    assert {h.id for h in lib.search("Herat").hits} == {"new"}
    assert not lib.search("Sabihullah").hits
    assert len(lib.articles()) == 5


def test_metadata_change_updates_without_spacy(seeds_copy: Path, tmp_path: Path) -> None:
    lib = open_library(seeds_copy, tmp_path / "idx")
    lib.build()
    sidecar = seeds_copy / "byline.toml"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace('"German outlet"', '"Die Zeitung"'),
                       encoding="utf-8")
    report = lib.build()
    assert (report.changed, report.annotated) == (1, 0)
    assert [h.id[:3] for h in lib.search('source:"Die Zeitung"').hits] == ["001"]


def test_rebuild_reuses_cached_annotations(seeds_copy: Path, tmp_path: Path) -> None:
    lib = open_library(seeds_copy, tmp_path / "idx")
    lib.build()
    report = lib.build(rebuild=True)
    assert report.full and report.annotated == 0 and report.articles == 5


def test_interrupted_build_leaves_the_previous_index_searchable(
    seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = open_library(seeds_copy, tmp_path / "idx")
    lib.build()
    before = store.current_generation(lib.index_dir)
    write_files(seeds_copy, {"extra.txt": "Extra\n\nMazar-i-Sharif"})

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # as if the user pressed ctrl+c half way through writing

    monkeypatch.setattr(store, "write_documents", crash)
    with pytest.raises(KeyboardInterrupt):
        lib.build(rebuild=True)
    monkeypatch.undo()

    assert store.current_generation(lib.index_dir) == before
    assert sorted(p.name for p in lib.index_dir.glob("gen-*")) == [before.name]  # the half-built one is gone
    fresh = open_library(seeds_copy, lib.index_dir)
    assert {h.id[:3] for h in fresh.search("Jalalabad").hits} == {"004"}
    assert fresh.build().added == 1  # and the next run completes


def _hold_lock(index_dir: str, ready, release) -> None:
    with store.writer_lock(Path(index_dir)):
        ready.set()
        release.wait(10)


def test_a_second_writer_is_told_who_holds_the_lock(tmp_path: Path) -> None:
    write_files(tmp_path / "c", {"a.txt": "A\n\nAlpha"})
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(tmp_path / "idx"), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        lib = open_library(tmp_path / "c", tmp_path / "idx")
        with pytest.raises(IndexLocked) as info:
            lib.build(lock_wait=0.3)
        assert f"process {holder.pid}" in str(info.value)
    finally:
        release.set()
        holder.join(10)
    # The holder is gone, so is its lock: the next build goes through.
    assert open_library(tmp_path / "c", tmp_path / "idx").build().articles == 1


def test_reader_picks_up_a_new_index(seeds_copy: Path, tmp_path: Path) -> None:
    reader = open_library(seeds_copy, tmp_path / "idx")
    writer = open_library(seeds_copy, tmp_path / "idx")
    writer.build()
    assert not reader.search("Herat").hits
    write_files(seeds_copy, {"herat.txt": "Herat\n\nNews from Herat."})
    writer.build()
    time.sleep(0.01)
    assert reader.refresh()
    assert [h.id for h in reader.search("Herat").hits] == ["herat"]


def _entity_view(lib) -> dict[str, tuple]:
    return {e.id: (e.name, e.label, e.names, e.articles, e.merges, e.related) for e in lib.entities()}


def test_update_gives_the_entities_a_rebuild_gives(seeds_copy: Path, tmp_path: Path) -> None:
    """An update regroups the names from the previous build's table, changed where the corpus changed; the
    result must be what grouping every article again gives."""
    lib = open_library(seeds_copy, tmp_path / "idx")
    lib.build()
    path = seeds_copy / "004_e8aa0ffba7751739.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nAngela Merkel called Zabiullah Mujahid in Kabul.\n",
                    encoding="utf-8")
    write_files(seeds_copy, {"new.txt": "Berlin news\n\nAngela Merkel spoke in Berlin about the Taliban."})
    (seeds_copy / "001_4953294115b9d26d.txt").unlink()
    update = lib.build()
    assert (update.full, update.added, update.changed, update.deleted) == (False, 1, 1, 1)
    merkel = lib.entity("Angela Merkel")
    assert set(merkel.articles) == {"004_e8aa0ffba7751739", "new"}
    assert "001_4953294115b9d26d" not in lib.entity("Taliban").articles

    fresh = open_library(seeds_copy, tmp_path / "fresh")
    fresh.build()
    assert _entity_view(lib) == _entity_view(fresh)
    assert update.entities == len(fresh.entities())


def test_an_edit_that_names_no_one_new_keeps_the_entities(seeds_copy: Path, tmp_path: Path) -> None:
    lib = open_library(seeds_copy, tmp_path / "idx")
    lib.build()
    before = _entity_view(lib)
    path = seeds_copy / "002_d39dd3bf9bf62004.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nThe report was corrected.\n", encoding="utf-8")
    update = lib.build()
    assert (update.changed, update.annotated) == (1, 1)
    assert lib.search('"report was corrected"').hits[0].id == "002_d39dd3bf9bf62004"
    assert _entity_view(lib) == before


def test_an_update_still_reports_what_it_did_not_read_again(seeds_copy: Path, tmp_path: Path) -> None:
    write_files(seeds_copy, {"broken.txt": b"\x00\x01\x02binary\x00" * 50,
                             "latin.txt": "Caf\xe9 news\n\nA report from a caf\xe9.".encode("latin-1")})
    lib = open_library(seeds_copy, tmp_path / "idx")
    first = lib.build()
    assert [s.path for s in first.skipped] == ["broken.txt"] and [s.path for s in first.flagged] == ["latin.txt"]
    write_files(seeds_copy, {"other.txt": "Other news\n\nNothing else."})
    update = lib.build()
    assert update.added == 1
    assert [s.path for s in update.skipped] == ["broken.txt"] and [s.path for s in update.flagged] == ["latin.txt"]
    (seeds_copy / "broken.txt").unlink()
    assert not lib.build().skipped


def test_a_corpus_that_is_one_jsonl_file_updates_in_place(tmp_path: Path) -> None:
    corpus = tmp_path / "wire.jsonl"
    lines = [f'{{"id": "a{n}", "title": "Story {n}", "body": "Wire story {n} from Kabul about the Taliban."}}'
             for n in range(3)]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    lib = open_library(corpus, tmp_path / "idx")
    assert lib.build().articles == 3
    again = lib.build()
    assert (again.articles, again.unchanged, again.annotated) == (3, 3, 0)
    assert len(lib.articles()) == 3
    corpus.write_text("\n".join([*lines, '{"id": "a3", "title": "Story 3", "body": "Herat story."}']) + "\n",
                      encoding="utf-8")
    update = lib.build()
    assert (update.articles, update.added, update.annotated) == (4, 1, 1)
    assert {h.id for h in lib.search("Herat").hits} == {"a3"} and len(lib.articles()) == 4
