"""A lone surname read as the person its article names (an article about the Endangered Species Act that says
only "Bush" means the president, though most articles using "Bush" alone mean the running back): a search for a
person and the entity facets follow the article's reading, as the article view shows it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

import pytest

from index import Library, open_library
from index.models import Annotation, EntitySpan

NAMES = {
    "nfl-1": [("Reggie Bush", "PERSON"), ("Bush", "PERSON"), ("Saints", "ORG"), ("New Orleans", "GPE")],
    "nfl-2": [("Reggie Bush", "PERSON"), ("Bush", "PERSON"), ("Saints", "ORG"), ("NFL", "ORG")],
    "nfl-3": [("Reggie Bush", "PERSON"), ("Bush", "PERSON"), ("New Orleans", "GPE"), ("NFL", "ORG")],
    "esa-1": [("George W. Bush", "PERSON"), ("Bush", "PERSON"), ("Endangered Species Act", "LAW"),
              ("Interior Department", "ORG"), ("Dirk Kempthorne", "PERSON")],
    "esa-2": [("Bush", "PERSON"), ("Endangered Species Act", "LAW"), ("Interior Department", "ORG")],
    "other": [("Bush", "PERSON"), ("Kabul", "GPE"), ("Taliban", "ORG")],
}
LABELS = {name: label for found in NAMES.values() for name, label in found}
_NAME = re.compile("|".join(re.escape(name) for name in sorted(LABELS, key=len, reverse=True)))


class _Annotator:
    """The names of :data:`NAMES`, found wherever they are written, in place of spaCy."""

    def __init__(self, model_name: str, *, jobs: int = 1, patterns: Sequence = ()) -> None:
        self.model_name = model_name

    def annotate(self, texts: Sequence[str]) -> Iterator[Annotation]:
        for text in texts:
            yield Annotation(entities=tuple(EntitySpan(m.start(), m.end(), LABELS[m.group()], m.group())
                                            for m in _NAME.finditer(text)), sentences=((0, len(text)),))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    folder = tmp_path_factory.mktemp("own-readings")
    corpus = folder / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for number, (article_id, found) in enumerate(NAMES.items()):
            body = " ".join(f"{name} was named in report {number}." for name, _ in found)
            out.write(json.dumps({"id": article_id, "title": f"Report {number}", "body": body, "source": "Wire",
                                  "published": f"2007-05-{number + 1:02d}"}) + "\n")
    with open_library(corpus, folder / "index") as lib:
        lib.build(annotator=_Annotator)
        yield lib


def _read_as(lib: Library, name: str) -> set[str]:
    """The articles where the article view reads some mention as the entity ``name``."""
    return {article_id for article_id in NAMES
            if any(span.canonical == name for span in lib.article(article_id).entities)}


def _hits(lib: Library, query: str) -> set[str]:
    return {hit.id for hit in lib.search(query, limit=100).hits}


@pytest.mark.parametrize("field", ["person", "entity"])
def test_a_search_for_a_person_finds_the_articles_that_read_a_lone_surname_as_them(library: Library,
                                                                                   field: str) -> None:
    assert _hits(library, f'{field}:"George W. Bush"') == _read_as(library, "George W. Bush") == {"esa-1", "esa-2"}
    assert _hits(library, f'{field}:"Reggie Bush"') == _read_as(library, "Reggie Bush") == {
        "nfl-1", "nfl-2", "nfl-3", "other"}
    assert "esa-2" not in _hits(library, f'{field}:"Reggie Bush"')


def test_a_search_for_a_person_combines_with_other_terms(library: Library) -> None:
    assert _hits(library, 'person:"George W. Bush" AND org:"Interior Department"') == {"esa-1", "esa-2"}
    assert _hits(library, 'person:"Reggie Bush" AND org:"Interior Department"') == set()
    assert _hits(library, 'person:"George W. Bush" NOT person:"Dirk Kempthorne"') == {"esa-2"}


def test_the_entity_facets_count_an_article_under_the_person_it_reads_the_surname_as(library: Library) -> None:
    facets = {f.value: f.count for f in library.search('org:"Interior Department"').facets["entity"]}
    assert facets["George W. Bush"] == 2
    assert "Reggie Bush" not in facets
    facets = {f.value: f.count for f in library.search('"report"').facets["entity"]}
    assert (facets["George W. Bush"], facets["Reggie Bush"]) == (2, 4)
