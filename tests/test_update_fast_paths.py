"""The shortcuts an update takes on a large table give what the long way gives: the words of names counted by
searching all the keys joined (a word inside another, at a key's start or end, in a dropped name), and the
surface table updated in place when no article went (a name no article names any more, an acronym's definition
gone and another come)."""

from __future__ import annotations

import pytest
from test_update_entities import defining

from conftest import annotation
from index import Annotation
from index.aliases import Aliases, Drop
from index.entities import SurfaceTable, registry
from index.entities import resolve as resolution
from index.entities.names import acronym_letters, normalise_name
from index.entities.update import _Reach


def _table() -> SurfaceTable:
    names = ["Co", "Acme Co", "Coco Inc", "Co Op", "Northern Co", "Cola Co", "Co Inc", "Decor Corp", "Corp",
             "Costa Corp", "Co", "Acme Corp", "Northern Light", "Acme"]
    articles = {f"a{n}": annotation((name, "ORG"), ("Acme Co", "GPE"), ("Co Co", "PERSON"))
                for n, name in enumerate(names)}
    return SurfaceTable.from_annotations(articles)


def _counted(table: SurfaceTable, reach: _Reach, wanted: set[tuple[str, str]], enough: int) -> dict:
    """What counting every surface gives."""
    use = dict.fromkeys(wanted, 0)
    for surface in table.surfaces:
        if not reach.dropped(surface):
            for pair in {(surface.kind, word) for word in surface.key.split()} & wanted:
                use[pair] = min(enough, use[pair] + 1)
    return use


@pytest.mark.parametrize("enough", [1, 2, 3, 100])
def test_the_words_of_names_are_counted_as_every_surface_counted_gives(enough: int) -> None:
    table = _table()
    reach = _Reach(table, {(s.key, s.label): i for i, s in enumerate(table.surfaces)},
                   Aliases(drops=(Drop("ORG", ("Cola Co",)),)))
    wanted = {("org", "co"), ("org", "corp"), ("org", "acme"), ("place", "co"), ("person", "co"), ("org", "light"),
              ("org", "inc"), ("org", "cor"), ("org", "nowhere"), ("place", "acme")}
    assert reach.token_use(wanted, enough) == _counted(table, reach, wanted, enough)
    users = [i for i, s in enumerate(table.surfaces) if any((s.kind, w) in wanted for w in s.key.split())]
    assert reach.users(wanted) == users


def _by_name(table: SurfaceTable) -> tuple[dict, set]:
    ids, surfaces = table.article_ids, table.surfaces
    return ({(s.key, s.label): (s.forms, s.count, sorted(ids[a] for a in s.articles)) for s in surfaces},
            {((surfaces[a].key, surfaces[b].key), ids[n]) for a, b, n in table.definitions})


def test_an_edit_updates_the_table_in_place_as_counting_everything_gives() -> None:
    corpus: dict[str, Annotation] = {
        "a1": defining("European Community", "EC", "ORG"),
        "a2": annotation(("Bonn", "GPE"), ("Helmut Kohl", "PERSON"), ("Onlyhere", "ORG")),
        "a3": annotation(("Helmut Kohl", "PERSON")),
        "a4": defining("Exchange Commission", "EC", "ORG"),
    }
    table = SurfaceTable.from_annotations(corpus)
    removed = {"a2": corpus["a2"], "a4": corpus["a4"]}
    corpus["a2"] = annotation(("Bonn", "GPE"), ("Bonn", "GPE"), ("Sabine Weber", "PERSON"))
    corpus["a4"] = defining("Energy Council", "EC", "ORG")
    corpus["a5"] = annotation(("Helmut Kohl", "PERSON"))
    updated = table.updated(removed, {aid: corpus[aid] for aid in ("a2", "a4", "a5")})
    assert _by_name(updated) == _by_name(SurfaceTable.from_annotations(corpus))
    assert ("onlyhere", "ORG") not in _by_name(updated)[0]
    assert updated.surfaces[0] is table.surfaces[0]  # named by no changed article: shared


@pytest.mark.parametrize("form", ["IS-K", "ISIS-K", "U.S.-K", "“IS-K", "IS‐K", "ＩＳ-K", "A.B.C.-D", "Él-X",
                                  "IBM's-K", "(ISIS)-K", "IS--K", "N.Y.-P"])
def test_a_hyphenated_part_is_keyed_with_a_one_letter_last_word(form: str) -> None:
    """What the linking of parts looks for first, among every surface's key ("is k"), before reading its forms."""
    match = resolution._HYPHENATED_PART.match(form)
    if match and acronym_letters(match.group(1)):
        assert normalise_name(form)[-2:-1] == " "


def test_the_table_is_encoded_alike_with_numpy_loaded_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy  # noqa: F401

    small = {"version": 3, "stamp": "s", "ids": ["ORG:café", "GPE:zürich", "ORG:x"], "names": ["Café", "Zürich", "X"],
             "labels": ["ORG", "GPE", "ORG"],
             "lookup": {"keys": ["a\0b", "café", "x"], "starts": [0, 1, 2, 3], "labels": ["ORG", "ORG", "ORG"],
                        "numbers": [2, 0, 2]},
             "in_article": {}}
    with_numpy = registry._encode_table(small)
    monkeypatch.setattr(registry, "loaded_numpy", lambda: None)
    assert registry._encode_table(small) == with_numpy
