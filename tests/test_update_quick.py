"""An update that finds nothing changed writes nothing it would write the same (the catalog, 6 MB on Reuters); one
that finds a file touched but not changed records its new time, so the next look finds nothing to do."""

from __future__ import annotations

import os
from pathlib import Path

from index import open_library, store


def _build(corpus: Path, index_dir: Path):
    with open_library(corpus, index_dir) as lib:
        return lib.build()


def test_an_update_with_nothing_changed_leaves_the_catalog_as_it_was(seeds_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    _build(seeds_copy, index_dir)
    generation = store.current_generation(index_dir)
    catalog = generation / store.CATALOG
    before = catalog.stat().st_ino, catalog.read_bytes()
    files_before = (generation / store.FILE_STATS).stat().st_ino
    report = _build(seeds_copy, index_dir)
    assert (report.added, report.changed, report.deleted) == (0, 0, 0)
    assert store.current_generation(index_dir) == generation
    assert (catalog.stat().st_ino, catalog.read_bytes()) == before  # not written again
    assert (generation / store.FILE_STATS).stat().st_ino == files_before
    with open_library(seeds_copy, index_dir) as lib:
        assert not lib.changes()
        assert len(lib.articles()) == len(store.read_catalog(generation)[0]) > 0


def test_a_file_touched_but_not_changed_is_recorded_with_its_new_time(seeds_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    _build(seeds_copy, index_dir)
    touched = sorted(seeds_copy.rglob("*.txt"))[0]
    later = touched.stat().st_mtime_ns + 5 * 10**9
    os.utime(touched, ns=(later, later))
    with open_library(seeds_copy, index_dir) as lib:
        assert lib.changes().changed
    generation = store.current_generation(index_dir)
    catalog = generation / store.CATALOG
    before = catalog.read_bytes()
    report = _build(seeds_copy, index_dir)
    assert (report.added, report.changed, report.deleted) == (0, 0, 0)
    assert catalog.read_bytes() == before
    with open_library(seeds_copy, index_dir) as lib:
        assert not lib.changes()  # the new time is recorded
        assert lib.search("Taliban").total > 0


def test_an_edit_after_an_update_that_wrote_nothing_is_found(seeds_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    _build(seeds_copy, index_dir)
    _build(seeds_copy, index_dir)
    edited = sorted(seeds_copy.rglob("*.txt"))[1]
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("\nQuixotically zanzibarine postscript.\n")
    report = _build(seeds_copy, index_dir)
    assert report.changed == 1
    with open_library(seeds_copy, index_dir) as lib:
        assert lib.search("zanzibarine").total == 1
        assert not lib.changes()
