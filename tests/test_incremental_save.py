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



def test_the_saved_lookup_holds_preferred_names_no_surface_has() -> None:
    """An entity whose id names it by a name none of its surfaces has (a preferred name), a number telling two
    entities of one name apart ("#3", not part of the name), and a "#" that is part of a name."""
    headers = [("ORG:acme", "Acme", "ORG"), ("ORG:acme#3", "Acme", "ORG"), ("PERSON:the boss", "The Boss", "PERSON"),
               ("ORG:club #x", "Club #x", "ORG"), ("GPE:zed", "Zed", "GPE")]
    rows = [("acme", "ORG", 0), ("acme inc", "ORG", 0), ("acme", "GPE", 1), ("boss", "PERSON", 2),
            ("club #x", "ORG", 3), ("co inc", "ORG", -1), ("zed", "GPE", 4), ("acme co", "ORG", 1)]
    built = EntityRegistry(headers, rows)
    saved = EntityRegistry(headers, rows)
    flat = saved._flat_lookup()
    assert flat == SortedLookup.flatten(built._lookup)
    assert flat["keys"] == sorted(set(flat["keys"])) and "the boss" in flat["keys"]
    assert EntityRegistry(headers, rows)._numbers("the boss") == [2]
