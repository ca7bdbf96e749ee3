"""The entity detail on disk (``entities.detail.json``: each entity's names, articles and merge reasons, and the
surface table an update regroups from) in a binary layout with a checksum: read back as saved; the JSON an
earlier Byline wrote still opens and is written in the binary layout when the table is next saved; a detail cut
short or changed is detected, never read wrongly, and the next update regroups every name instead."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_entity_table_format import _answers

from conftest import DAMAGE, damaged
from index import open_library, store
from index.entities import EntityRegistry
from index.entities.registry import RegistryDetail


def test_the_detail_is_saved_binary_and_read_back_as_built(seeds_library, tmp_path: Path) -> None:
    built = seeds_library.registry
    path = tmp_path / store.ENTITIES
    built.save(path)
    detail = path.with_name("entities.detail.json")
    assert detail.read_bytes().startswith(b"BYLINE ENTITY DETAIL\n")
    again = EntityRegistry.load_checked(path)
    assert _answers(again) == _answers(built)
    assert again.to_json() == built.to_json()
    table, before = again.table, built.table
    assert [(s.key, s.label, s.forms, s.articles, s.count, s.kind) for s in table.surfaces] == \
        [(s.key, s.label, s.forms, s.articles, s.count, s.kind) for s in before.surfaces]
    assert (table.article_ids, table.definitions) == (before.article_ids, before.definitions)


def test_a_json_detail_an_earlier_byline_wrote_opens_and_is_rewritten_binary(seeds_library, tmp_path: Path) -> None:
    path = tmp_path / store.ENTITIES
    seeds_library.registry.save(path)
    saved = EntityRegistry.load_checked(path)
    expected, (_, detail) = _answers(saved), saved.to_json(saved.stamp)
    path.with_name("entities.detail.json").write_text(json.dumps(detail), encoding="utf-8")
    old = EntityRegistry.load_checked(path)
    assert _answers(old) == expected
    old.save(path)
    assert path.with_name("entities.detail.json").read_bytes().startswith(b"BYLINE ENTITY DETAIL\n")
    assert _answers(EntityRegistry.load_checked(path)) == expected


DETAIL_DAMAGE = [*DAMAGE, "another table's stamp"]


@pytest.mark.parametrize("damage", DETAIL_DAMAGE)
def test_a_damaged_detail_is_detected_not_read_wrongly(seeds_library, tmp_path: Path, damage: str) -> None:
    path = tmp_path / store.ENTITIES
    seeds_library.registry.save(path)
    stamp = EntityRegistry.load_checked(path).stamp
    detail = path.with_name("entities.detail.json")
    if damage == "another table's stamp":
        stamp = "0" * 16
    else:
        detail.write_bytes(damaged(detail.read_bytes(), damage, len(b"BYLINE ENTITY DETAIL\n")))
    loaded = RegistryDetail.load(detail, stamp)
    assert loaded.records == [] and loaded.table.surfaces == [] and loaded.table.article_ids == []


def test_a_damaged_detail_in_an_index_is_regrouped_whole_at_the_next_update(
        seeds_copy: Path, seeds_index_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(seeds_index_dir, index_dir)
    detail = store.current_generation(index_dir) / "entities.detail.json"
    data = bytearray(detail.read_bytes())
    data[-50] ^= 0x01
    detail.write_bytes(bytes(data))
    first = sorted(seeds_copy.glob("*.txt"))[0]
    with first.open("a", encoding="utf-8") as handle:
        handle.write("\nEdited: Angela Merkel met Sabine Weber of Globex Corp in Brussels.\n")
    with open_library(seeds_copy, index_dir) as lib:
        lib.build()
    with open_library(seeds_copy, index_dir) as lib:
        updated = _answers(lib.registry)
    whole = tmp_path / "whole"
    with open_library(seeds_copy, whole) as lib:
        lib.build()
        assert updated == _answers(lib.registry)
