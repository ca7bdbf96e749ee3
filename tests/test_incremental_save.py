"""Saving a regrouped entity table: its sorted lookup is made from the surfaces and entities directly (the map a
reader builds is not built to be flattened); what is saved, and the map read from it, are as before."""

from __future__ import annotations

from pathlib import Path

from conftest import SEEDS
from index import Library, store
from index.aliases import load_aliases
from index.entities import EntityRegistry
from index.entities.registry import SortedLookup
from index.entities.resolve import resolve_table


def _regrouped(library: Library) -> EntityRegistry:
    return resolve_table(library.registry.table, load_aliases(SEEDS, library.index_dir))


def test_the_saved_lookup_is_the_flattened_map(seeds_library: Library, tmp_path: Path) -> None:
    saved, built = _regrouped(seeds_library), _regrouped(seeds_library)
    assert built._lookup  # the map a reader builds, then flattened as before
    assert saved.to_json("stamp") == built.to_json("stamp")
    assert saved._flat_lookup() == SortedLookup.flatten(built._lookup)
    assert saved._lookup == built._lookup  # still built when asked for, from the same surfaces
    saved.save(tmp_path / store.ENTITIES)
    loaded = EntityRegistry.load_checked(tmp_path / store.ENTITIES)
    assert dict(loaded._lookup.items()) == built._lookup

