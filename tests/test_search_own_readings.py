"""A lone surname read as the person its article names (an article about the Endangered Species Act that says
only "Bush" means the president, though most articles using "Bush" alone mean the running back): a search for a
person, an entity's list of articles and the entity facets follow the article's reading, as the article view shows
it; and ``entity:`` finds an entity's names as that entity, not dates, numbers or lower-case words written the same
way."""

from __future__ import annotations

import json
import re
from collections import Counter
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
    "pm-1": [("Theresa May", "PERSON"), ("May", "PERSON"), ("Christmas", "EVENT"), ("Treasury", "ORG")],
    "budget-1": [("May", "DATE"), ("Christmas", "DATE"), ("June", "DATE"), ("treasury", "ORG")],
}
_REPORT = re.compile(r"report (\d+)\.")


class _Annotator:
    """The names of :data:`NAMES`, found wherever their article writes them, in place of spaCy (the article is
    the one whose number its text gives: a name is tagged as that article tags it)."""

    def __init__(self, model_name: str, *, jobs: int = 1, patterns: Sequence = ()) -> None:
        self.model_name = model_name

    def annotate(self, texts: Sequence[str]) -> Iterator[Annotation]:
        for text in texts:
            report = _REPORT.search(text)
            labels = dict(list(NAMES.values())[int(report.group(1))]) if report else {}
            names = re.compile("|".join(re.escape(name) for name in sorted(labels, key=len, reverse=True)) or "$^")
            yield Annotation(entities=tuple(EntitySpan(m.start(), m.end(), labels[m.group()], m.group())
                                            for m in names.finditer(text)), sentences=((0, len(text)),))


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


def _named(lib: Library, name: str) -> set[str]:
    """The articles where the article view reads some mention as an entity ``name`` names (any of its names)."""
    ids = {entity.id for entity in lib.registry.find(name)}
    return {article_id for article_id in NAMES
            if any(span.entity_id in ids for span in lib.article(article_id).entities)}


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


def test_an_entitys_articles_are_those_that_read_a_mention_as_it(library: Library) -> None:
    assert library.entity("George W. Bush").articles == ("esa-1", "esa-2")
    assert set(library.entity("Reggie Bush").articles) == _read_as(library, "Reggie Bush") == {
        "nfl-1", "nfl-2", "nfl-3", "other"}
    for entity in library.entities():
        assert set(entity.articles) == {article_id for article_id in NAMES if any(
            span.entity_id == entity.id for span in library.article(article_id).entities)}, entity.name


def test_an_entitys_mentions_are_counted_as_each_article_reads_them(library: Library) -> None:
    assert library.entity("George W. Bush").names == (("Bush", 2), ("George W. Bush", 1))
    assert library.entity("Reggie Bush").names == (("Bush", 4), ("Reggie Bush", 3))
    written: dict[str, Counter[str]] = {}
    for article_id in NAMES:
        for span in library.article(article_id).entities:
            written.setdefault(span.entity_id, Counter())[span.text] += 1
    for entity in library.entities():
        assert dict(entity.names) == written[entity.id], entity.name


def test_who_mentions_an_entity_follows_each_articles_reading(library: Library) -> None:
    coverage = library.entity_coverage("George W. Bush", ["esa-1", "esa-2", "nfl-1", "other"])
    assert [a.id for a in coverage.mentioning] == ["esa-1", "esa-2"]
    assert [a.id for a in coverage.silent] == ["nfl-1", "other"]
    coverage = library.entity_coverage("Reggie Bush", ["esa-1", "esa-2", "nfl-1", "other"])
    assert {a.id for a in coverage.mentioning} == {"nfl-1", "other"}


def test_the_entities_command_lists_the_articles_that_read_a_mention_as_the_entity(
        library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli import main

    assert main(["entities", "show", "George W. Bush", "--json", "--index-dir", str(library.index_dir)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["articles"] == ["esa-1", "esa-2"]
    assert [a["id"] for a in shown["article_summaries"]] == ["esa-1", "esa-2"]


@pytest.mark.parametrize("name", ["Theresa May", "May", "Christmas", "Treasury"])
def test_an_entity_search_finds_the_entity_not_what_is_written_the_same_way(library: Library, name: str) -> None:
    """A month and a day of the calendar tagged as dates, a lower-case word tagged an organisation: none is the
    person, event or organisation of that name, and the article view shows none as it."""
    assert _hits(library, f'entity:"{name}"') == _named(library, name) != set()
    assert "budget-1" not in _hits(library, f'entity:"{name}"')


def test_a_lower_case_word_tagged_as_a_name_is_not_found_as_the_entity(library: Library) -> None:
    assert _hits(library, "org:Treasury") == _hits(library, "org:treasury") == _named(library, "Treasury") == {"pm-1"}
    assert _hits(library, "entity:Christmas OR entity:treasury") == {"pm-1"}
    # Searched as words, they are found wherever they are written; a name no entity has, wherever it is tagged.
    assert _hits(library, "Christmas AND treasury") == {"pm-1", "budget-1"}
    assert _hits(library, "entity:June") == {"budget-1"}
