"""Updating the surface table by the changed articles alone gives the table counting every article afresh gives,
leaves the table it was updated from as it was, and shares with it the surfaces the change cannot touch."""

from __future__ import annotations

import copy

import pytest

from conftest import annotation
from index import Annotation
from index.entities import SurfaceTable


def articles() -> dict[str, Annotation]:
    return {
        "a1": annotation(("Helmut Kohl", "PERSON"), ("Bonn", "GPE")),
        "a2": annotation(("Bonn", "GPE"), ("Siemens AG", "ORG")),
        "a3": annotation(("Jacques Chirac", "PERSON"), ("Paris", "GPE")),
        "a4": annotation(("Paris", "GPE"), ("Helmut Kohl", "PERSON")),
        "a5": annotation(("Renault", "ORG")),
    }


def by_name(table: SurfaceTable) -> dict[tuple[str, str], tuple]:
    """Each surface as what it holds, its articles by id (the table's order of articles may differ)."""
    return {(s.key, s.label): (s.forms, s.count, s.kind, sorted(table.article_ids[a] for a in s.articles))
            for s in table.surfaces}


def test_an_edit_gives_what_counting_everything_gives_and_leaves_the_old_table_as_it_was() -> None:
    corpus = articles()
    table = SurfaceTable.from_annotations(corpus)
    before = copy.deepcopy(table)
    # a3 edited to name Bonn (a surface only a1 and a2, before it, name) and someone new; a4 deleted.
    removed = {"a3": corpus["a3"], "a4": corpus.pop("a4")}
    corpus["a3"] = annotation(("Bonn", "GPE"), ("Bonn", "GPE"), ("Sabine Weber", "PERSON"))
    updated = table.updated(removed, {"a3": corpus["a3"]})
    assert by_name(updated) == by_name(SurfaceTable.from_annotations(corpus))
    assert table == before  # Bonn counted twice more in the new table, not in the old


def test_surfaces_named_only_before_the_first_changed_article_are_shared_not_copied() -> None:
    corpus = articles()
    table = SurfaceTable.from_annotations(corpus)
    updated = table.updated({"a4": corpus["a4"]}, {})
    old = {(s.key, s.label): s for s in table.surfaces}
    shared = {(s.key, s.label) for s in updated.surfaces if s is old[(s.key, s.label)]}
    # Named only in a1-a3; Helmut Kohl and Paris (a4 among theirs) and Renault (a5, renumbered) are new surfaces.
    assert shared == {("bonn", "GPE"), ("siemens ag", "ORG"), ("jacques chirac", "PERSON")}


def test_an_edited_article_keeps_its_place_and_every_surface_it_does_not_name_is_shared() -> None:
    corpus = articles()
    table = SurfaceTable.from_annotations(corpus)
    removed = {"a2": corpus["a2"]}
    corpus["a2"] = annotation(("Bonn", "GPE"), ("Siemens", "ORG"), ("Renault", "ORG"))
    corpus["a6"] = annotation(("Renault", "ORG"))
    updated = table.updated(removed, {"a2": corpus["a2"], "a6": corpus["a6"]})
    assert updated.article_ids == ["a1", "a2", "a3", "a4", "a5", "a6"]
    assert by_name(updated) == by_name(SurfaceTable.from_annotations(corpus))
    old = {(s.key, s.label): s for s in table.surfaces}
    shared = {(s.key, s.label) for s in updated.surfaces if s is old.get((s.key, s.label))}
    assert shared == {("helmut kohl", "PERSON"), ("jacques chirac", "PERSON"), ("paris", "GPE")}
    assert all(s.articles == sorted(s.articles) for s in updated.surfaces)


def test_an_article_added_that_the_table_counts_already_is_refused() -> None:
    corpus = articles()
    table = SurfaceTable.from_annotations(corpus)
    with pytest.raises(ValueError):
        table.updated({}, {"a1": corpus["a1"]})


def test_an_edit_keeping_an_articles_names_keeps_every_surface_in_its_place() -> None:
    corpus = articles()
    table = SurfaceTable.from_annotations(corpus)
    removed = {"a5": corpus["a5"], "a3": corpus["a3"]}
    # a3 and a5 edited: each still names what it named (Jacques Chirac and Renault only there), and more.
    corpus["a3"] = annotation(("Jacques Chirac", "PERSON"), ("Paris", "GPE"), ("Sabine Weber", "PERSON"))
    corpus["a5"] = annotation(("Globex Corp", "ORG"), ("Renault", "ORG"))
    updated = table.updated(removed, {"a3": corpus["a3"], "a5": corpus["a5"]})
    assert [(s.key, s.label) for s in updated.surfaces[:len(table.surfaces)]] == \
        [(s.key, s.label) for s in table.surfaces]
    assert by_name(updated) == by_name(SurfaceTable.from_annotations(corpus))
    # A name only a removed article named goes.
    original, globex = articles(), {"a5": annotation(("Globex Corp", "ORG"))}
    dropped = table.updated({"a5": original["a5"]}, globex)
    assert ("renault", "ORG") not in {(s.key, s.label) for s in dropped.surfaces}
    assert by_name(dropped) == by_name(SurfaceTable.from_annotations(original | globex))
