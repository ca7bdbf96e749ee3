"""An edit rewrites only what it changed: the seal (FORMAT.json), the table columns and the skip notes stay as they
were when they would be written the same (each write is a sync to disk: a hundredth of a second each), and are
written when they change."""

from __future__ import annotations

import json
from pathlib import Path

from index import open_library, store


def _build(corpus: Path, index_dir: Path, **options):
    with open_library(corpus, index_dir, **options) as lib:
        return lib.build()


def _inodes(generation: Path) -> dict[str, int]:
    return {name: (generation / name).stat().st_ino for name in (store.FORMAT, store.COLUMNS, store.SCAN_NOTES)}


def test_an_edit_naming_no_one_new_leaves_the_seal_columns_and_notes(seeds_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    _build(seeds_copy, index_dir)
    generation = store.current_generation(index_dir)
    before, seal = _inodes(generation), store.read_format(generation)
    edited = sorted(seeds_copy.glob("*.txt"))[0]
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("\nA line naming no one at all.\n")
    report = _build(seeds_copy, index_dir)
    assert report.changed == 1 and store.current_generation(index_dir) == generation
    assert _inodes(generation) == before and store.read_format(generation) == seal
    with open_library(seeds_copy, index_dir) as lib:
        assert lib.search("naming no one").total == 1


def test_what_changes_is_written(seeds_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    _build(seeds_copy, index_dir)
    generation = store.current_generation(index_dir)
    before = _inodes(generation)
    (seeds_copy / "broken.txt").write_bytes(b"\xff\xfe\x00garbage\x00" * 10)
    edited = sorted(seeds_copy.glob("0*.txt"))[1]
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("\nAngela Merkel met Sabine Weberling of Globexina Corp in Brussels.\n")
    _build(seeds_copy, index_dir)
    after = _inodes(generation)
    assert after[store.FORMAT] != before[store.FORMAT]  # a new entity table, sealed anew
    notes = store.read_scan_notes(generation)
    assert notes is not None and any(s.path == "broken.txt" for s in (*notes[0], *notes[1]))
    store.write_columns(generation, {"body": "text"})
    assert store.read_columns(generation) == {"body": "text"}


def test_updates_that_merge_segments_keep_every_document(seeds_copy: Path, tmp_path: Path) -> None:
    """The writer reads the segments it replaces documents in mapped, as a search does: ten updates in a row (Whoosh
    merges the small segments they write) leave every edit and addition found, every deletion gone."""
    index_dir = tmp_path / "index"
    files = sorted(seeds_copy.glob("*.txt"))
    with open_library(seeds_copy, index_dir) as lib:
        lib.build()
        for n in range(10):
            with files[n % len(files)].open("a", encoding="utf-8") as handle:
                handle.write(f"\nZorblax{n} revision.\n")
            (seeds_copy / f"new{n}.txt").write_text(f"New {n}\n\nQuuxwort{n} in Kabul.\n", encoding="utf-8")
            if n >= 3:
                (seeds_copy / f"new{n - 3}.txt").unlink()
            lib.build()
        assert [lib.search(f"Zorblax{n}").total for n in range(10)] == [1] * 10
        assert [lib.search(f"Quuxwort{n}").total for n in range(10)] == [0] * 7 + [1] * 3
        assert len(lib.articles()) == len(files) + 3
        segments = [p for p in store.current_generation(index_dir).glob("*.seg")]
        assert len(segments) < 10


def test_file_stats_are_recorded_as_flat_lists_and_the_old_map_still_reads(tmp_path: Path) -> None:
    stats = {"a.txt": (10, 1_700_000_000_000_000_000), "d/b.md": (0, 5), "byline.toml": (3, 7)}
    store.write_file_stats(tmp_path, stats)
    written = json.loads((tmp_path / store.FILE_STATS).read_text(encoding="utf-8"))
    assert written["paths"] == list(stats) and written["sizes"] == [10, 0, 3]
    assert store.read_file_stats(tmp_path) == stats and list(store.read_file_stats(tmp_path)) == list(stats)
    (tmp_path / store.FILE_STATS).write_text(json.dumps({p: list(s) for p, s in stats.items()}), encoding="utf-8")
    assert store.read_file_stats(tmp_path) == stats  # as Byline wrote it before
    for damaged in ('{"format": 2, "paths": ["a.txt"], "sizes": [1], "mtimes": ["x"]}',
                    '{"format": 2, "paths": ["a.txt"], "sizes": [1]}', '{"format": 2, "paths": ["a.txt", "b.txt"], '
                    '"sizes": [1], "mtimes": [2]}', "[1, 2]", "{not json"):
        (tmp_path / store.FILE_STATS).write_text(damaged, encoding="utf-8")
        assert store.read_file_stats(tmp_path) is None, damaged
