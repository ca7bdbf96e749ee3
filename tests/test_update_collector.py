"""An update frees the tables it made (the entity table before and after, the corpus's files and their times: a few
hundred thousand objects on Reuters) when it returns, with no help from the cycle collector: collecting them would
walk every one (a tenth of a second a time on Reuters) to find nothing in a cycle. The collector is paused while
an update runs, and runs again after any build."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from index import open_library
from index.entities import EntityRegistry


def _edit_naming_someone_new(corpus: Path) -> None:
    first = sorted(corpus.glob("*.txt"))[0]
    with first.open("a", encoding="utf-8") as handle:
        handle.write("\nEdited: Angela Merkel met Sabine Weber of Globex Corp in Brussels.\n")


def test_the_tables_an_update_made_are_freed_when_it_returns(seeds_copy: Path, tmp_path: Path,
                                                                    monkeypatch) -> None:
    index_dir = tmp_path / "index"
    with open_library(seeds_copy, index_dir) as lib:
        lib.build()
    from index.build import _ReadPlan

    made: list[weakref.ref] = []
    save, plan = EntityRegistry.save, _ReadPlan.of.__func__

    def saved(registry: EntityRegistry, path: Path) -> str:
        made.append(weakref.ref(registry))
        return save(registry, path)

    def planned(cls, corpus: Path, previous: Path | None) -> _ReadPlan | None:
        made.append(weakref.ref(found := plan(cls, corpus, previous)))  # the corpus's files and their times
        return found

    monkeypatch.setattr(EntityRegistry, "save", saved)
    monkeypatch.setattr(_ReadPlan, "of", classmethod(planned))
    _edit_naming_someone_new(seeds_copy)
    with open_library(seeds_copy, index_dir) as lib:
        gc.collect()
        gc.disable()  # what is freed now is freed without the collector
        try:
            report = lib.build()
            alive = [ref for ref in made if ref() is not None]
        finally:
            gc.enable()
        assert report.changed == 1 and not report.full
        assert len(made) == 2, "the update planned, regrouped and saved the entities"
        assert not alive
        assert lib.entities(), "the saved table reads back"


def test_the_collector_runs_again_after_a_build_and_an_update(seeds_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    assert gc.isenabled()
    with open_library(seeds_copy, index_dir) as lib:
        lib.build()
        assert gc.isenabled()
        _edit_naming_someone_new(seeds_copy)
        lib.build()
        assert gc.isenabled()
        lib.build()  # nothing changed
        assert gc.isenabled()


def test_an_edit_is_updated_without_a_cycle_collection(seeds_copy: Path, tmp_path: Path, monkeypatch) -> None:
    """Each collection during an update would walk every object the process holds (a reader's interface, the
    catalog's rows, the entity tables), to find nothing in a cycle: an update of an edited file runs without one,
    spaCy's annotation of it included, and the collector runs again after it."""
    from index import build, store

    index_dir = tmp_path / "index"
    with open_library(seeds_copy, index_dir) as lib:
        lib.build()
    collections: list[int] = []
    inside = [False]  # from the update's reading the catalog (its first read) to its return

    def count(phase: str, info: dict) -> None:
        if phase == "start" and inside[0]:
            collections.append(info["generation"])

    run, read_catalog = build.Build._run, store.read_catalog

    def observed(self, **options):
        try:
            return run(self, **options)
        finally:
            inside[0] = False

    def reading(*args, **options):
        inside[0] = True
        return read_catalog(*args, **options)

    monkeypatch.setattr(build.Build, "_run", observed)
    monkeypatch.setattr(store, "read_catalog", reading)
    threshold = gc.get_threshold()
    gc.set_threshold(10)  # a collection as soon as ten objects are made outside a pause (on the seeds, few are)
    gc.callbacks.append(count)
    try:
        _edit_naming_someone_new(seeds_copy)
        with open_library(seeds_copy, index_dir) as lib:
            report = lib.build()
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)
    assert report.changed == 1 and report.annotated == 1
    assert collections == []
    assert gc.isenabled()
