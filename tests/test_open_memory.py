"""What an open library keeps: the catalog and the entity table, read as before, in a fraction of the memory.

A reader keeps both as long as it is open (every article's metadata: 19,000 rows on Reuters; 32,000 entities),
so what repeats across rows is kept once and the catalog is held in columns. What a caller reads must not
change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SEEDS
from index import Library, open_library
from index.store import CATALOG


def file_rows(library: Library) -> list[dict]:
    return json.loads((library.generation / CATALOG).read_text(encoding="utf-8"))["articles"]


def test_every_row_reads_as_the_file_holds_it(seeds_library: Library) -> None:
    rows = file_rows(seeds_library)
    catalog = seeds_library.catalog
    assert list(catalog) == [row["id"] for row in rows]
    assert len(catalog) == len(rows)
    for row in rows:
        kept = catalog[row["id"]]
        for name in ("id", "title", "source", "published", "published_from", "source_from", "language", "url",
                     "author", "path", "words", "content_hash"):
            assert kept[name] == row[name]
            assert kept.get(name) == row[name]
        assert tuple(kept["flags"]) == tuple(row["flags"])
    assert "no-such-article" not in catalog
    with pytest.raises(KeyError):
        catalog["no-such-article"]


def test_what_repeats_across_articles_is_kept_once(tmp_path: Path, seeds_index_dir: Path) -> None:
    """Articles of one outlet share its name and one date its text (the file's rows, read, each have a copy)."""
    index_dir = tmp_path / "idx"
    shutil.copytree(seeds_index_dir, index_dir)
    with open_library(SEEDS, index_dir) as library:
        path = library.generation / CATALOG
        data = json.loads(path.read_text(encoding="utf-8"))
        for row in data["articles"]:
            row["source"], row["published"] = "The Same Outlet", "2021-08-30"
        path.write_text(json.dumps(data), encoding="utf-8")
        catalog = library.catalog
        first, *others = (catalog[row["id"]] for row in data["articles"])
        assert others and first["source"] == "The Same Outlet"
        assert all(row["source"] is first["source"] and row["published"] is first["published"] for row in others)


def test_a_row_without_a_field_reads_as_before(tmp_path: Path, seeds_index_dir: Path) -> None:
    """A row written without ``published_from`` (an older build's) gives the default where callers ask for one,
    and the article still opens."""
    index_dir = tmp_path / "idx"
    shutil.copytree(seeds_index_dir, index_dir)
    with open_library(SEEDS, index_dir) as library:
        path = library.generation / CATALOG
        data = json.loads(path.read_text(encoding="utf-8"))
        first = data["articles"][0]
        del first["published_from"]
        path.write_text(json.dumps(data), encoding="utf-8")
        row = library.catalog[first["id"]]
        assert not library.catalog.complete  # so the library reads rows one by one where it must
        assert "published_from" not in row and row.get("published_from", "") == ""
        assert library.article(first["id"]).published_from == ""
        assert [s.id for s in library.articles()] == [r["id"] for r in data["articles"]]


def test_the_entity_table_keeps_each_label_once(seeds_library: Library) -> None:
    """Labels are a handful of words repeated for every entity and name: one string each once loaded."""
    registry = seeds_library.registry
    labels = [entity.label for entity in registry.entities()]
    assert len(labels) > len(set(labels))
    first = {}
    for number in range(len(registry)):
        label = registry._headers[number][2]
        assert first.setdefault(label, label) is label
    rows = registry._surface_rows()
    assert rows and all(first.setdefault(label, label) is label for _, label, _ in rows)


def test_the_entity_table_as_loaded_answers_as_the_one_saved(seeds_library: Library, tmp_path: Path) -> None:
    """Loaded, the table holds its numbers as machine integers and its entities as columns (no object for each
    number, no tuple kept for each entity), and answers every question as the table that was saved."""
    from array import array

    from index.entities import EntityRegistry

    saved = seeds_library.registry
    path = tmp_path / "entities.json"
    saved.save(path)
    loaded = EntityRegistry.load_checked(path)
    assert isinstance(loaded._lookup.numbers, array) and isinstance(loaded._lookup.starts, array)
    assert not isinstance(loaded._headers, list)
    assert len(loaded) == len(saved) and list(loaded._headers) == list(saved._headers)
    assert [loaded._headers[n] for n in range(len(loaded))] == [saved._headers[n] for n in range(len(saved))]
    for entity in saved.entities():
        for name, _ in entity.names:
            assert loaded.find(name) == saved.find(name)
            assert loaded.expand(name) == saved.expand(name)
            assert loaded.canonical(name, entity.label) == saved.canonical(name, entity.label)


def test_a_large_catalog_is_kept_compact_as_it_is_read(tmp_path: Path, seeds_index_dir: Path) -> None:
    """A reader's catalog of many articles never holds every row as read (a dictionary each) at once: each row
    becomes its compact record as it is decoded, so reading peaks at a fraction of the rows' memory (200,000
    articles: 334 -> 244 MB at the peak, 264 -> 170 MB kept). The rows read the same, a journal's included."""
    import tracemalloc

    from index import store

    index_dir = tmp_path / "idx"
    shutil.copytree(seeds_index_dir, index_dir)
    with open_library(SEEDS, index_dir) as library:
        generation = library.generation
        path = generation / CATALOG
        data = json.loads(path.read_text(encoding="utf-8"))
        template = data["articles"][0]
        data["articles"] = [template | {"id": f"a{number:05d}", "title": f"Title number {number}",
                                        "path": f"a{number:05d}.txt", "content_hash": f"{number:032x}"}
                            for number in range(5000)]
        path.write_text(json.dumps(data), encoding="utf-8")

        def peak(read) -> int:
            tracemalloc.start()
            try:
                kept = read()
                return tracemalloc.get_traced_memory()[1], kept
            finally:
                tracemalloc.stop()

        as_rows, rows = peak(lambda: store.read_catalog(generation)[0])
        compact, catalog = peak(lambda: library.catalog)
        assert compact < 0.85 * as_rows  # 0.75 here; reading rows and then compacting them peaks above 1
        assert list(catalog) == list(rows) and len(catalog) == 5000
        for article_id in ("a00000", "a02500", "a04999"):
            assert all(catalog[article_id][name] == rows[article_id][name]
                       for name in ("id", "title", "path", "content_hash", "source", "words"))
