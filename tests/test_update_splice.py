"""An update that keeps every name where the table had it (an article edited or added) puts the regrouped entities
in the place of the old ones in the previous registry's columns and patches its sorted lookup for the names that
changed, instead of building the registry and its lookup again from every entity; what it saves is what regrouping
every name gives, and the next update reads it from disk as it does an index's."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_update_entities import ALIASES, EDITS, corpus, state, touched

from conftest import annotation
from index.aliases import AliasEntity, Aliases
from index.entities import EntityRegistry, SurfaceTable
from index.entities import registry as registry_module
from index.entities import resolve as resolution
from index.entities import update as updating
from index.entities.registry import SortedLookup
from index.entities.resolve import resolve_table
from index.entities.surfaces import surface_columns
from index.entities.update import resolve_update

#: Articles for what the columns carry besides members: a part linked to its whole ("IS-K"), and two entities of
#: one name (the alias file's two "Acme"), the later told apart by a "#".
MORE = {
    "isk": annotation(("IS-K", "ORG"), ("IS", "ORG"), ("Kabul", "GPE")),
    "acme-1": annotation(("Acme Widgets", "ORG"), ("Kabul", "GPE")),
    "acme-2": annotation(("Acme Tools", "ORG")),
}
MORE_EDITS = {
    "a part of a group named again": ((), {"isk-2": annotation(("IS-K", "ORG"), ("Zabul", "GPE"))}),
    "the later of two entities of one name named again": (
        (), {"acme-3": annotation(("Acme Tools", "ORG"), ("Sabine Weber", "PERSON"))}),
    "the earlier of them, edited": ((), {"acme-1": annotation(("Acme Widgets", "ORG"), ("Acme Widgets", "ORG"))}),
}
RULES = {name: Aliases(entities=(*rules.entities, AliasEntity("Acme", "ORG", ("Acme Widgets",)),
                                 AliasEntity("Acme", "ORG", ("Acme Tools",))),
                       merges=rules.merges, splits=rules.splits, drops=rules.drops)
         for name, rules in ALIASES.items()}


def _whole(*args: object) -> EntityRegistry:
    raise AssertionError("the update regrouped the whole table")


def _keeps_numbers(before: SurfaceTable, after: SurfaceTable) -> bool:
    old = [(s.key, s.label) for s in before.surfaces]
    return [(s.key, s.label) for s in after.surfaces[:len(old)]] == old


@pytest.fixture(params=["numpy loaded", "numpy not loaded"])
def numpy_loaded(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The columns made with numpy when the process has loaded it, and in Python when it has not."""
    if request.param == "numpy loaded":
        import numpy  # noqa: F401
    else:
        for module in (registry_module, updating):
            monkeypatch.setattr(module, "loaded_numpy", lambda: None)


@pytest.mark.parametrize("aliases", list(RULES), ids=list(RULES))
def test_an_update_keeping_every_name_in_place_splices_the_previous_registry(
        aliases: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, numpy_loaded: None) -> None:
    rules = RULES[aliases]
    articles = corpus() | MORE
    path = tmp_path / "entities.table"
    resolve_table(SurfaceTable.from_annotations(articles), rules).save(path)
    registry = EntityRegistry.load_checked(path)  # as an update finds it
    assert any("#" in entity_id for entity_id, _, _ in registry.headers)
    assert registry.in_article and any(registry.detail.records.related.values())
    spliced = 0
    for what, (gone, new) in (EDITS | MORE_EDITS).items():
        removed = {aid: articles.pop(aid) for aid in [*gone, *(aid for aid in new if aid in articles)]}
        articles.update(new)
        table = registry.table.updated(removed, new)
        with monkeypatch.context() as patched:
            patched.setattr(resolution, "resolve_table", _whole)
            if _keeps_numbers(registry.table, table):  # no registry built from every entity either
                patched.setattr(updating, "_build_registry", _whole)
                spliced += 1
            part = resolve_update(registry, table, touched(removed, new), rules)
        assert state(part, tmp_path / "part.table") == state(resolve_table(table, rules), tmp_path / "all.table"), what
        part.save(path)
        registry = EntityRegistry.load_checked(path)
    assert spliced >= 8


def test_a_spliced_lookup_renumbers_the_names_kept_and_replaces_the_names_changed(numpy_loaded: None) -> None:
    lookup = SortedLookup(["a", "b", "d", "f"], [0, 1, 3, 4, 5], ["ORG", "ORG", "", "GPE", "PERSON"], [0, 1, 2, -1, 2])
    renumber = [1, 0, 3, -1]  # entity 2 becomes 3; -1 (a dropped name) stays -1
    spliced = lookup.spliced(renumber, {"b": [], "c": [("PERSON", 5)], "g": [("", 2)], "a": [("ORG", 1), ("", 4)]})
    assert dict(spliced.items()) == {"a": ("ORG", 1, "", 4), "c": ("PERSON", 5), "d": ("GPE", -1),
                                     "f": ("PERSON", 3), "g": ("", 2)}
    assert list(spliced.starts) == [0, 2, 3, 4, 5, 6]
    assert spliced.get("b") == () and spliced.get("f") == ("PERSON", 3)


def test_saving_an_update_encodes_only_the_chunks_of_surfaces_it_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    articles = corpus()  # over 500 surfaces: three chunks of the detail
    path = tmp_path / "entities.table"
    resolve_table(SurfaceTable.from_annotations(articles), Aliases()).save(path)
    registry = EntityRegistry.load_checked(path)
    surfaces = len(registry.table.surfaces)
    assert surfaces > 2 * registry_module._CHUNK
    new = {"merkel": annotation(("Angela Merkel", "PERSON"), ("Berlin", "GPE"))}  # two names, after the others
    table = registry.table.updated({}, new)
    part = resolve_update(registry, table, touched({}, new), Aliases())
    encoded = []
    monkeypatch.setattr(registry_module, "surface_columns",
                        lambda chunk: encoded.append(len(chunk)) or surface_columns(chunk))
    part.save(path)
    assert encoded == [surfaces + 2 - 2 * registry_module._CHUNK]  # the last chunk, with the two new names
    saved = EntityRegistry.load_checked(path)
    saved.save(path)  # nothing changed since it was read: every chunk written as read
    assert len(encoded) == 1
    assert state(saved, tmp_path / "again.table") == state(resolve_table(table, Aliases()), tmp_path / "all.table")
