"""The entity table on disk as binary columns (``entities.table``): read back answering every question as the table
that was saved, without parsing JSON; an index whose table an earlier Byline wrote as ``entities.json`` still
opens and answers the same, and ``byline index`` upgrades it; a table cut short or changed is detected and rebuilt,
never read wrongly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_entity_table_format import _answers

from conftest import DAMAGE, damaged
from index import IndexCorrupt, open_library, store
from index.entities import EntityRegistry, RegistryDamaged


@pytest.fixture()
def index_copy(seeds_copy: Path, seeds_index_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    index_dir = tmp_path / "index"
    shutil.copytree(seeds_index_dir, index_dir)
    return seeds_copy, index_dir


def _as_earlier_byline_left_it(generation: Path) -> None:
    """Replace the generation's table with the JSON an earlier Byline wrote (same stamp: still the sealed one)."""
    table = EntityRegistry.load_checked(generation / store.ENTITIES)
    small, _ = table.to_json(table.stamp)
    (generation / store.ENTITIES).unlink()
    (generation / "entities.json").write_text(json.dumps(small), encoding="utf-8")


def test_the_table_is_read_back_without_parsing_json_and_answers_the_same(
        seeds_library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    saved = seeds_library.registry
    path = tmp_path / store.ENTITIES
    saved.save(path)
    assert path.read_bytes()[:6] == b"BYLINE"
    real_loads = json.loads
    parsed: list[int] = []

    def counting_loads(text, *args, **kwargs):
        parsed.append(len(text))
        return real_loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting_loads)
    loaded = EntityRegistry.load_checked(path)
    loaded.canonical_by_key("taliban", "org")
    assert max(parsed, default=0) < 2000  # the header alone: the columns are not JSON
    monkeypatch.setattr(json, "loads", real_loads)
    assert len(loaded) == len(saved) > 20 and loaded.stamp == saved.stamp
    assert _answers(loaded) == _answers(saved)
    assert loaded.to_json() == saved.to_json()
    assert list(loaded.headers) == list(saved.headers)
    assert loaded.headers[-1] == saved.headers[-1] and loaded.headers[2:5] == saved.headers[2:5]


def test_names_with_any_character_survive(tmp_path: Path) -> None:
    """A string holding the separator of the columns (NUL), or characters outside the basic plane, reads back as
    it was."""
    headers = [("PERSON:a\x00b", "A\x00B", "PERSON"), ("ORG:zürich ☃", "Zürich ☃ 𝔸", "ORG"), ("GPE:x", "X", "GPE")]
    surfaces = [("a\x00b", "PERSON", 0), ("zürich ☃", "ORG", 1), ("x", "GPE", 2), ("x", "LOC", 2)]
    registry = EntityRegistry(headers, surfaces, in_article={"d1\tx\tGPE": 2})
    path = tmp_path / store.ENTITIES
    registry.save(path)
    loaded = EntityRegistry.load_checked(path)
    assert list(loaded.headers) == headers
    assert [loaded.headers[n] for n in (2, 0, 1)] == [headers[n] for n in (2, 0, 1)]
    assert loaded.canonical("A\x00B", "PERSON") == ("PERSON:a\x00b", "A\x00B", "PERSON")
    assert loaded.canonical_by_key("zürich ☃", "org") == ("Zürich ☃ 𝔸", "org")
    assert loaded.in_article == {"d1\tx\tGPE": 2}
    assert loaded.to_json()[0] == registry.to_json()[0]


def test_an_empty_table_round_trips(tmp_path: Path) -> None:
    path = tmp_path / store.ENTITIES
    EntityRegistry([], [], in_article={}).save(path)
    loaded = EntityRegistry.load_checked(path)
    assert len(loaded) == 0 and loaded.find("anyone") == [] and loaded.canonical_by_key("x", "person") is None


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_table_is_detected_not_read_wrongly(seeds_library, tmp_path: Path, damage: str) -> None:
    path = tmp_path / store.ENTITIES
    seeds_library.registry.save(path)
    path.write_bytes(damaged(path.read_bytes(), damage, 20))
    with pytest.raises(RegistryDamaged):
        EntityRegistry.load_checked(path)


def test_a_damaged_table_in_an_index_is_rebuilt(index_copy: tuple[Path, Path]) -> None:
    corpus, index_dir = index_copy
    path = store.current_generation(index_dir) / store.ENTITIES
    with open_library(corpus, index_dir) as lib:
        expected = _answers(lib.registry)
    data = bytearray(path.read_bytes())
    data[-100] ^= 0x01
    path.write_bytes(bytes(data))
    with open_library(corpus, index_dir) as lib, pytest.raises(IndexCorrupt, match="byline index"):
        lib.entities()
    with open_library(corpus, index_dir) as lib:
        lib.build()
    with open_library(corpus, index_dir) as lib:
        assert _answers(lib.registry) == expected


def test_an_index_with_a_json_table_opens_answers_the_same_and_is_upgraded(index_copy: tuple[Path, Path]) -> None:
    corpus, index_dir = index_copy
    generation = store.current_generation(index_dir)
    with open_library(corpus, index_dir) as lib:
        expected = _answers(lib.registry)
        hits = lib.search("entity:Mujahid").to_dict()
    _as_earlier_byline_left_it(generation)
    with open_library(corpus, index_dir) as lib:
        assert _answers(lib.registry) == expected
        assert lib.search("entity:Mujahid").to_dict() | {"elapsed_ms": 0} == hits | {"elapsed_ms": 0}
        report = lib.build()  # nothing changed: the table is written in the binary layout, once
    assert report.changed == report.added == report.deleted == 0
    assert (generation / store.ENTITIES).read_bytes()[:6] == b"BYLINE"
    assert not (generation / "entities.json").exists()
    assert store.read_format(generation)["entities_stamp"] == EntityRegistry.load_checked(
        generation / store.ENTITIES).stamp
    with open_library(corpus, index_dir) as lib:
        assert _answers(lib.registry) == expected
        lib.build()  # and the update after that finds the table it sealed
    with open_library(corpus, index_dir) as lib:
        assert _answers(lib.registry) == expected


def test_a_json_table_newer_than_the_binary_one_is_the_one_read(index_copy: tuple[Path, Path]) -> None:
    """An earlier Byline that updated the index since wrote entities.json and left the binary table as it was:
    the newer one is read."""
    import os

    _, index_dir = index_copy
    generation = store.current_generation(index_dir)
    table = EntityRegistry.load_checked(generation / store.ENTITIES)
    small, _ = table.to_json(table.stamp)
    small["names"] = [name.upper() for name in small["names"]]
    legacy = generation / "entities.json"
    legacy.write_text(json.dumps(small), encoding="utf-8")
    binary_time = (generation / store.ENTITIES).stat().st_mtime_ns
    os.utime(legacy, ns=(binary_time + 10**9, binary_time + 10**9))
    loaded = EntityRegistry.load_checked(generation / store.ENTITIES)
    assert [h[1] for h in loaded.headers] == small["names"]
    os.utime(legacy, ns=(binary_time - 10**9, binary_time - 10**9))
    assert list(EntityRegistry.load_checked(generation / store.ENTITIES).headers) == list(table.headers)
