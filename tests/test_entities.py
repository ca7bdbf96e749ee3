"""Canonical entities: one entity however the articles spell or name it, and corrections that stick.

The seed corpus is the acceptance test (the spokesman spelled three ways, the Islamic State named five ways,
a Title Case headline the model reads as organisations); small made-up annotations pin down the rules that
must not over-merge (two people sharing a surname, places with similar spellings).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from index import Annotation, EntitySpan, IndexProblem, bundled_corpus, open_library
from index.aliases import CORRECTIONS_MARKER, AliasEntity, Aliases, read_aliases
from index.entities import (
    EntityRegistry,
    find_acronym_definitions,
    normalise_name,
    refine_spans,
    resolve_entities,
    similar_names,
)
from reader.cli.entities import register

SEEDS = bundled_corpus()
MUJAHID_SPELLINGS = ("Zabihullah Mujahid", "Zabihula Mujahid", "Sabihullah Mujahid", "Mujahid")


def annotations(articles: dict[str, str], names: dict[str, list[tuple[str, str]]]) -> dict[str, Annotation]:
    """Annotations of made-up articles: each (text, label) in ``names`` tagged where it first occurs."""
    result = {}
    for article_id, text in articles.items():
        spans = []
        cursor = 0
        for name, label in names[article_id]:
            start = text.index(name, cursor)
            spans.append(EntitySpan(start, start + len(name), label, name))
            cursor = start + len(name)
        result[article_id] = Annotation(entities=tuple(spans))
    return result


def ids_of(registry: EntityRegistry, *names: tuple[str, str]) -> set[str]:
    return {registry.canonical(text, label)[0] for text, label in names}


# --- names and rules ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    ("Taliban’s", "Taliban"),
    ("the Islamic State", "Islamic State"),
    ("U.S.", "US"),
    ("al-Qaeda", "Al Qaeda"),
    ("“Daesh”", "Daesh"),
    ("Kidder, Peabody and Co", "Kidder Peabody and Co"),
    ("Zhirnóv", "Zhirnov"),
    ("Plessey Co. Plc", "Plessey Co Plc"),
    ("[Barack] Obama", "Barack Obama"),  # an editor's brackets in a quotation
    ("George H. W. Bush", "George H.W. Bush"),  # initials a space apart or together
    ("the U. S. Geological Survey", "U.S. Geological Survey"),
    ("A. J. Smith", "AJ Smith"),
    ("N.A.    N.A.", "N.A. N.A."),
])
def test_normalise_name_lets_trivial_variants_meet(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_normalise_name_keeps_different_names_apart() -> None:
    assert normalise_name("IS-K") != normalise_name("IS")
    assert normalise_name("Iran") != normalise_name("Iraq")
    assert normalise_name("George H. W. Bush") != normalise_name("George W. Bush")
    assert normalise_name("J. Edgar Hoover") != normalise_name("JE Hoover")  # one initial is no acronym


def test_acronym_definitions_are_found_where_the_initials_match() -> None:
    text = ("On the 26th, when the Islamic State in Khorasan (IS-K) attacked, the Islamic State (IS) said so. "
            "The Organization of Petroleum Exporting Countries (OPEC) met the U.S. Department of Agriculture "
            "(USDA). Prices rose on Monday (AP). Smith (UK) said the talks (SDR) failed.")
    found = {text[a:b]: text[c:d] for a, b, c, d in find_acronym_definitions(text)}
    assert found == {
        "Islamic State in Khorasan": "IS-K",
        "Islamic State": "IS",
        "Organization of Petroleum Exporting Countries": "OPEC",
        "U.S. Department of Agriculture": "USDA",
    }


@pytest.mark.parametrize(("a", "b", "kind"), [
    ("john smith", "jane smith", "person"),  # two people who share a surname
    ("mark jones", "mary jones", "person"),
    ("paul smith", "paul smyth", "person"),
    ("martin davis", "marvin davis", "person"),  # two people, not a typo: short first names must be equal
    ("uk/soviet", "us/soviet", "group"),
    ("northwestern bell", "southwestern bell", "org"),
    ("pacific northwest", "pacific southwest", "place"),
    ("iran", "iraq", "place"),
    ("austria", "australia", "place"),
    ("slovakia", "slovenia", "place"),
    ("niger", "nigeria", "place"),
    ("prussia", "russia", "place"),
    ("gambia", "zambia", "place"),
])
def test_similar_names_does_not_merge_different_names(a: str, b: str, kind: str) -> None:
    assert similar_names(a, b, kind) == 0


@pytest.mark.parametrize(("a", "b", "kind"), [
    ("zabihullah mujahid", "sabihullah mujahid", "person"),
    ("zabihullah mujahid", "zabihula mujahid", "person"),
    ("khorasan", "khorosan", "place"),
    ("international crisis group", "international crises group", "org"),
])
def test_similar_names_merges_spelling_variants(a: str, b: str, kind: str) -> None:
    assert similar_names(a, b, kind) >= 0.85


def test_two_people_sharing_a_surname_stay_apart_and_a_lone_surname_reads_per_article() -> None:
    registry = resolve_entities(annotations(
        {
            "a1": "John Smith spoke. Smith said no.",
            "a2": "Jane Smith replied. Smith said yes.",
            "a3": "Smith was not reached.",
        },
        {"a1": [("John Smith", "PERSON"), ("Smith", "PERSON")],
         "a2": [("Jane Smith", "PERSON"), ("Smith", "PERSON")],
         "a3": [("Smith", "PERSON")]},
    ))
    john, jane, smith = (registry.canonical(n, "PERSON")[0] for n in ("John Smith", "Jane Smith", "Smith"))
    assert len({john, jane, smith}) == 3  # nobody can tell which Smith a3 means
    assert registry.canonical("Smith", "PERSON", "a1")[0] == john
    assert registry.canonical("Smith", "PERSON", "a2")[0] == jane


def test_a_lone_surname_in_an_article_naming_none_of_its_people_is_the_one_its_other_names_point_to() -> None:
    """Most articles using "Bush" alone name the running back; an article on the Endangered Species Act that
    names no Bush in full means the president the other articles on the act name. An article whose names point
    nowhere keeps the corpus's choice; "Paul", written more often as a given name, is read by no company."""
    names = {
        "nfl-1": [("Reggie Bush", "PERSON"), ("Bush", "PERSON"), ("Saints", "ORG"), ("New Orleans", "GPE")],
        "nfl-2": [("Reggie Bush", "PERSON"), ("Bush", "PERSON"), ("Saints", "ORG"), ("NFL", "ORG")],
        "nfl-3": [("Reggie Bush", "PERSON"), ("Bush", "PERSON"), ("New Orleans", "GPE"), ("NFL", "ORG")],
        "esa-1": [("George W. Bush", "PERSON"), ("Bush", "PERSON"), ("Endangered Species Act", "LAW"),
                  ("Interior Department", "ORG"), ("Dirk Kempthorne", "PERSON")],
        "esa-2": [("Bush", "PERSON"), ("Endangered Species Act", "LAW"), ("Interior Department", "ORG")],
        "other": [("Bush", "PERSON"), ("Kabul", "GPE"), ("Taliban", "ORG")],
        "pope": [("John Paul", "PERSON"), ("Vatican", "ORG"), ("Rome", "GPE")],
        "senate": [("Ron Paul", "PERSON"), ("Senate", "ORG")],
        "fed-1": [("Paul Volcker", "PERSON"), ("Federal Reserve", "ORG")],
        "fed-2": [("Paul Channon", "PERSON"), ("Federal Reserve", "ORG")],
        "fed-3": [("Paul", "PERSON"), ("Vatican", "ORG"), ("Rome", "GPE")],
    }
    texts = {article: ". ".join(name for name, _ in found) + "." for article, found in names.items()}
    registry = resolve_entities(annotations(texts, names))
    reggie, george = (registry.canonical(n, "PERSON")[0] for n in ("Reggie Bush", "George W. Bush"))
    assert registry.canonical("Bush", "PERSON")[0] == reggie  # the corpus's choice
    assert registry.canonical("Bush", "PERSON", "esa-2")[0] == george
    assert registry.canonical("Bush", "PERSON", "other")[0] == reggie
    assert registry.canonical("Paul", "PERSON", "fed-3")[0] != registry.canonical("John Paul", "PERSON")[0]


def test_one_article_naming_one_of_several_people_of_a_surname_does_not_make_the_word_theirs() -> None:
    """"Vance" heads sentences in four articles; one names Ada Vance beside it, another names Bo Vance: the word
    is Ada Vance in her article, and nobody's in the three that name no Vance."""
    names = {
        "a1": [("Ada Vance", "PERSON"), ("Vance", "PERSON")],
        **{f"a{n}": [("Vance", "PERSON"), ("Kabul", "GPE")] for n in (2, 3, 4)},
        "a5": [("Bo Vance", "PERSON"), ("Kabul", "GPE")],
    }
    texts = {article: ". ".join(name for name, _ in found) + "." for article, found in names.items()}
    registry = resolve_entities(annotations(texts, names))
    ada = registry.canonical("Ada Vance", "PERSON")
    assert registry.canonical("Vance", "PERSON", "a1") == ada
    assert registry.canonical("Vance", "PERSON", "a2") not in (ada, registry.canonical("Bo Vance", "PERSON"))
    assert registry.canonical("Vance", "PERSON")[1] == "Vance"


def test_a_lone_surname_joins_the_only_full_name_that_ends_with_it() -> None:
    registry = resolve_entities(annotations(
        {"a1": "Zabihullah Mujahid said.", "a2": "Mujahid added."},
        {"a1": [("Zabihullah Mujahid", "PERSON")], "a2": [("Mujahid", "PERSON")]},
    ))
    entity = registry.find("Mujahid")[0]
    assert entity.name == "Zabihullah Mujahid"
    assert [m.reason for m in entity.merges] == ["surname"]


def test_places_with_similar_spellings_stay_apart() -> None:
    articles = {f"a{i}": text for i, text in enumerate([
        "Austria and Australia signed.", "Iran", "Iraq", "Slovakia", "Slovenia", "Niger", "Nigeria",
        "Khorasan and Khorosan",
    ])}
    names = {aid: [(w, "GPE") for w in text.replace(" and ", " ").replace(" signed.", "").split()]
             for aid, text in articles.items()}
    registry = resolve_entities(annotations(articles, names))
    places = [("Austria", "GPE"), ("Australia", "GPE"), ("Iran", "GPE"), ("Iraq", "GPE"), ("Slovakia", "GPE"),
              ("Slovenia", "GPE"), ("Niger", "GPE"), ("Nigeria", "GPE"), ("Khorasan", "GPE"), ("Khorosan", "GPE")]
    # Two spellings in one article are two names, however alike ("Khorasan and Khorosan").
    assert len(ids_of(registry, *places)) == len(places)


def test_a_spelling_variant_in_another_article_merges_and_says_why() -> None:
    registry = resolve_entities(annotations(
        {"a1": "Khorasan", "a2": "Khorasan", "a3": "Khorosan"},
        {"a1": [("Khorasan", "GPE")], "a2": [("Khorasan", "GPE")], "a3": [("Khorosan", "GPE")]},
    ))
    entity = registry.find("Khorosan")[0]
    assert entity.name == "Khorasan"
    assert entity.merges[0].reason == "spelling"
    assert "similarity" in entity.merges[0].detail


def test_an_acronym_the_corpus_defines_is_a_company_only_where_the_company_is_named() -> None:
    registry = resolve_entities(annotations(
        {"a1": "the Monetary Compensatory Amounts (MCA) rose. MCA fell.", "a2": "MCA Inc said MCA shares rose."},
        {"a1": [("Monetary Compensatory Amounts", "ORG"), ("MCA", "ORG"), ("MCA", "ORG")],
         "a2": [("MCA Inc", "ORG"), ("MCA", "ORG")]},
    ))
    amounts, company = registry.canonical("MCA", "ORG"), registry.canonical("MCA Inc", "ORG")
    assert amounts[1] == "Monetary Compensatory Amounts"
    assert company != amounts
    assert registry.canonical("MCA", "ORG", "a2") == company
    assert registry.find("MCA")[0].merges[0].reason == "acronym"


def test_spelling_variants_do_not_chain() -> None:
    articles = {"a1": "Clinton", "a2": "Clinton", "a3": "Clanton", "a4": "Clayton"}
    registry = resolve_entities(annotations(articles, {a: [(t, "GPE")] for a, t in articles.items()}))
    assert registry.find("Clanton")[0].name == "Clinton"  # one edit from Clinton
    assert registry.find("Clayton")[0].name == "Clayton"  # one edit from Clanton, but two from Clinton


def test_two_established_spellings_are_two_names() -> None:
    articles = {f"a{i}": "John Herrington" if i < 3 else "John Harrington" for i in range(6)}
    registry = resolve_entities(annotations(articles, {a: [(t, "PERSON")] for a, t in articles.items()}))
    assert len(ids_of(registry, ("John Herrington", "PERSON"), ("John Harrington", "PERSON"))) == 2


def test_a_group_in_the_singular_and_the_plural_is_one_group_however_often_each_is_written() -> None:
    """"Republican senators" and "the Republicans", side by side in every article: one group, and the surfaces
    of other kinds (two people, two places) are not merged by the same letters."""
    text = "Republican senators met. The Republicans left. Tom Hank met Tom Hanks in Austin and Austins."
    names = [("Republican", "NORP"), ("Republicans", "NORP"), ("Tom Hank", "PERSON"), ("Tom Hanks", "PERSON"),
             ("Austin", "GPE"), ("Austins", "GPE")]
    registry = resolve_entities(annotations({f"a{i}": text for i in range(4)}, {f"a{i}": names for i in range(4)}))
    assert len(ids_of(registry, ("Republican", "NORP"), ("Republicans", "NORP"))) == 1
    assert len(ids_of(registry, ("Tom Hank", "PERSON"), ("Tom Hanks", "PERSON"))) == 2
    assert len(ids_of(registry, ("Austin", "GPE"), ("Austins", "GPE"))) == 2


def test_a_name_with_a_short_given_name_or_middle_initials_is_the_same_person() -> None:
    """"Jim Mattis", "James N. Mattis" and "James Mattis" (several times each, even in one article) are one
    person; "George Bush" is neither of two Bushes told apart by their initials, and "Tom Hanks" is not
    "Tim Hanks"."""
    articles = {
        "a1": "Jim Mattis and James N. Mattis. George W. Bush. Tom Hanks.",
        "a2": "James Mattis resigned. George H. W. Bush. George Bush. Tim Hanks.",
    }
    names = {
        "a1": [("Jim Mattis", "PERSON"), ("James N. Mattis", "PERSON"), ("George W. Bush", "PERSON"),
               ("Tom Hanks", "PERSON")],
        "a2": [("James Mattis", "PERSON"), ("George H. W. Bush", "PERSON"), ("George Bush", "PERSON"),
               ("Tim Hanks", "PERSON")],
    }
    registry = resolve_entities(annotations({**articles, **{f"{k}b": v for k, v in articles.items()}},
                                            {**names, **{f"{k}b": v for k, v in names.items()}}))
    mattis = ids_of(registry, ("Jim Mattis", "PERSON"), ("James N. Mattis", "PERSON"), ("James Mattis", "PERSON"))
    assert len(mattis) == 1
    assert "person-form" in {m.reason for m in registry.get(mattis.pop()).merges}
    assert len(ids_of(registry, ("George W. Bush", "PERSON"), ("George H. W. Bush", "PERSON"),
                      ("George Bush", "PERSON"))) == 3
    assert len(ids_of(registry, ("Tom Hanks", "PERSON"), ("Tim Hanks", "PERSON"))) == 2


def test_a_name_in_an_editors_brackets_or_with_initials_spaced_is_one_name_with_the_name_as_written() -> None:
    """A quotation's "[Barack] Obama" is Barack Obama, even in an article that also writes him plainly; "George
    H.W. Bush" and "George H. W. Bush" are one person, not George W. Bush, and "George Bush" is neither."""
    names = {
        "a1": [("[Barack] Obama", "PERSON"), ("Barack Obama", "PERSON"), ("George H.W. Bush", "PERSON")],
        "a2": [("George H. W. Bush", "PERSON"), ("George W. Bush", "PERSON"), ("George Bush", "PERSON")],
    }
    texts = {article: ". ".join(name for name, _ in found) + "." for article, found in names.items()}
    registry = resolve_entities(annotations(texts, names))
    assert registry.canonical("[Barack] Obama", "PERSON", "a1") == registry.canonical("Barack Obama", "PERSON")
    assert registry.canonical("Barack Obama", "PERSON")[1] == "Barack Obama"
    assert len(ids_of(registry, ("George H.W. Bush", "PERSON"), ("George H. W. Bush", "PERSON"))) == 1
    assert len(ids_of(registry, ("George H.W. Bush", "PERSON"), ("George W. Bush", "PERSON"),
                      ("George Bush", "PERSON"))) == 3


def test_a_lone_surname_beside_a_name_two_people_share_is_that_name_not_another_person() -> None:
    """"George Bush" may be either of two Bushes the corpus tells apart by their initials: a lone "Bush" in an
    article naming only "George Bush" is read as that name there, and is no reason to read "Bush" elsewhere as
    George Bush rather than as the Bush the corpus names in full."""
    names = {
        "a1": [("George W. Bush", "PERSON"), ("Bush", "PERSON")],
        "a2": [("George H.W. Bush", "PERSON")],
        "a3": [("George Bush", "PERSON"), ("Bush", "PERSON")],
        "a4": [("George Bush", "PERSON"), ("Bush", "PERSON")],
    }
    texts = {article: ". ".join(name for name, _ in found) + "." for article, found in names.items()}
    registry = resolve_entities(annotations(texts, names))
    george = registry.canonical("George Bush", "PERSON")
    assert george != registry.canonical("George W. Bush", "PERSON")
    assert registry.canonical("Bush", "PERSON", "a3") == george
    assert registry.canonical("Bush", "PERSON", "a1") == registry.canonical("George W. Bush", "PERSON")


def test_an_initial_before_the_given_name_or_a_nickname_in_quotes_is_the_same_person() -> None:
    """"W. Mark Felt" is "Mark Felt" and 'Vincent "The Chin" Gigante' is "Vincent Gigante" (as obituaries write
    them); "Mark Felt Jr." is his son, and "Louis Gigante" his brother."""
    names = {
        "a1": [("W. Mark Felt", "PERSON"), ("Mark Felt Jr.", "PERSON"), ('Vincent "The Chin" Gigante', "PERSON")],
        "a2": [("Mark Felt", "PERSON"), ("Vincent Gigante", "PERSON"), ("Louis Gigante", "PERSON")],
    }
    texts = {article: ". ".join(name for name, _ in found) + "." for article, found in names.items()}
    registry = resolve_entities(annotations(texts, names))
    felt = ids_of(registry, ("W. Mark Felt", "PERSON"), ("Mark Felt", "PERSON"))
    assert len(felt) == 1
    assert "person-form" in {m.reason for m in registry.get(next(iter(felt))).merges}
    assert len(ids_of(registry, ("Mark Felt", "PERSON"), ("Mark Felt Jr.", "PERSON"))) == 2
    assert len(ids_of(registry, ('Vincent "The Chin" Gigante', "PERSON"), ("Vincent Gigante", "PERSON"))) == 1
    assert len(ids_of(registry, ("Vincent Gigante", "PERSON"), ("Louis Gigante", "PERSON"))) == 2


def test_a_persons_thing_is_no_full_name_a_lone_word_joins() -> None:
    """spaCy tags "Trump's Twitter" as a person: "Twitter" alone is not that person's surname."""
    registry = resolve_entities(annotations(
        {"a1": "He wrote on Trump’s Twitter account.", "a2": "Twitter said so."},
        {"a1": [("Trump’s Twitter", "PERSON")], "a2": [("Twitter", "PERSON")]},
    ))
    assert len(ids_of(registry, ("Trump’s Twitter", "PERSON"), ("Twitter", "PERSON"))) == 2


def test_a_surname_tagged_as_an_organisation_is_the_person_most_of_its_articles_name() -> None:
    """spaCy often tags a lone surname ORG ("Trump", "Lyng"): where most articles using it name one person of
    that surname in full, it is that person, in the entity list and in a search for the person."""
    registry = resolve_entities(annotations(
        {
            "a1": "President Donald Trump spoke. Trump said no.",
            "a2": "Donald Trump tweeted. Trump added that Trump would not.",
            "a3": "Trump was in Ohio.",
        },
        {"a1": [("Donald Trump", "PERSON"), ("Trump", "ORG")],
         "a2": [("Donald Trump", "PERSON"), ("Trump", "ORG"), ("Trump", "PERSON")],
         "a3": [("Trump", "ORG")]},
    ))
    assert registry.canonical("Trump", "ORG") == registry.canonical("Donald Trump", "PERSON")
    entity = registry.find("Donald Trump")[0]
    assert (entity.label, entity.mentions) == ("PERSON", 6)  # the label of the person, not the tag's
    assert "surname" in [m.reason for m in entity.merges]
    assert ("org", "trump") in registry.expand_terms("Donald Trump", {"person"})


def test_a_word_tagged_person_that_no_article_names_as_a_person_is_what_its_other_tags_say() -> None:
    """spaCy tags a site or a firm PERSON ("Chirper" as in "wrote on Chirper"): where the corpus also tags the word
    as something else and never writes it as part of a person's name, it is that thing, under that label. A word
    the corpus writes as a surname, a given name, after a title or at the end of a name of two words (spaCy's
    "Ada Quill" tagged ORG) stays a person."""
    names = {
        "a1": [("Chirper", "PERSON"), ("Quill", "PERSON"), ("Dorsett", "PERSON"), ("Blume", "PERSON")],
        "a2": [("Chirper", "PERSON"), ("Ada Quill", "ORG"), ("Mr Dorsett", "PERSON"), ("Blume Hale", "PERSON")],
        "a3": [("Chirper", "PRODUCT"), ("Quill", "ORG"), ("Dorsett", "ORG"), ("Blume", "ORG")],
    }
    texts = {article: ". ".join(name for name, _ in found) + "." for article, found in names.items()}
    registry = resolve_entities(annotations(texts, names))
    chirper = registry.canonical("Chirper", "PERSON")
    assert chirper == registry.canonical("Chirper", "PRODUCT")
    assert chirper[2] == "PRODUCT"  # two tags PERSON and one PRODUCT: the label of what it is
    assert "not-a-person" in {m.reason for m in registry.get(chirper[0]).merges}
    for word in ("Quill", "Dorsett", "Blume"):
        assert registry.canonical(word, "PERSON")[2] == "PERSON", word


def test_a_company_named_like_a_person_stays_a_company() -> None:
    """"Ford" is Ford Motor Co where an article names the company with its legal form, though it names Henry
    Ford too; and a word most of whose articles name nobody of that surname is not a surname ("Houston"); but
    "Icahn", named with Icahn and Co Inc in one article of three, is Carl Icahn."""
    registry = resolve_entities(annotations(
        {
            "i1": "Carl Icahn said Icahn and Co Inc would buy. Icahn said.",
            "i2": "Carl Icahn bid. Icahn said.",
            "i3": "Carl Icahn won. Icahn said.",
            "f1": "Ford Motor Co, founded by Henry Ford, said Ford would hire.",
            "f2": "Henry Ford II said Ford Motor Co and Ford would grow.",
            "f3": "Henry Ford II said Ford would grow.",
            "h1": "Donald Houston said Houston would grow.",
            "h2": "Oil prices fell in Houston.",
            "h3": "Houston had rain.",
        },
        {"i1": [("Carl Icahn", "PERSON"), ("Icahn and Co Inc", "ORG"), ("Icahn", "ORG")],
         "i2": [("Carl Icahn", "PERSON"), ("Icahn", "ORG")],
         "i3": [("Carl Icahn", "PERSON"), ("Icahn", "ORG")],
         "f1": [("Ford Motor Co", "ORG"), ("Henry Ford", "PERSON"), ("Ford", "ORG")],
         "f2": [("Henry Ford II", "PERSON"), ("Ford Motor Co", "ORG"), ("Ford", "ORG")],
         "f3": [("Henry Ford II", "PERSON"), ("Ford", "ORG")],
         "h1": [("Donald Houston", "PERSON"), ("Houston", "GPE")],
         "h2": [("Houston", "GPE")],
         "h3": [("Houston", "GPE")]},
    ))
    assert registry.canonical("Ford", "ORG")[1:] == ("Ford", "ORG")
    assert registry.canonical("Ford", "ORG", "f1")[1:] == ("Ford", "ORG")
    assert registry.canonical("Houston", "GPE")[1:] == ("Houston", "GPE")
    assert registry.canonical("Houston", "GPE", "h1")[1:] == ("Houston", "GPE")
    assert registry.canonical("Icahn", "ORG")[1:] == ("Carl Icahn", "PERSON")


def test_a_company_cut_to_its_first_word_and_tagged_a_person_is_the_company_its_article_names() -> None:
    """Business news writes "Gould said" after "Gould Inc"; spaCy tags the lone word a person. Where the article
    names that company with its legal form and no person with the word in their name, it is the company; where
    it names a person of that name, or two such companies, it is not read so."""
    registry = resolve_entities(annotations(
        {
            "g1": "Gould Inc said it sold a unit. Gould said profits rose.",
            "g2": "James Gould said Gould Inc would sell. Gould said so.",
            "g3": "Gould said nothing. James Gould left.",
            "r1": "Rose's Stores Inc reported sales. Rose's operates 224 stores.",
            "b1": "Baker International Corp and Baker Hughes Inc met. Baker said.",
        },
        {"g1": [("Gould Inc", "ORG"), ("Gould", "PERSON")],
         "g2": [("James Gould", "PERSON"), ("Gould Inc", "ORG"), ("Gould", "PERSON")],
         "g3": [("Gould", "PERSON"), ("James Gould", "PERSON")],
         "r1": [("Rose's Stores Inc", "ORG"), ("Rose", "PERSON")],
         "b1": [("Baker International Corp", "ORG"), ("Baker Hughes Inc", "ORG"), ("Baker", "PERSON")]},
    ))
    company = registry.canonical("Gould Inc", "ORG")
    assert registry.canonical("Gould", "PERSON", "g1") == company
    assert registry.canonical("Gould", "PERSON", "g2")[1:] == ("James Gould", "PERSON")
    assert registry.canonical("Gould", "PERSON", "g3")[1:] == ("James Gould", "PERSON")
    assert registry.canonical("Rose", "PERSON", "r1") == registry.canonical("Rose's Stores Inc", "ORG")
    assert registry.canonical("Baker", "PERSON", "b1")[2] == "PERSON"
    # "Rose" names no one: it is not listed as an entity of its own, and looking it up finds the company.
    assert "Rose" not in {e.name for e in registry.entities()}
    assert registry.count() == len(registry.entities())
    assert registry.find("Rose")[0].name == "Rose's Stores Inc"


def test_a_surname_tagged_as_an_organisation_reads_as_the_person_its_article_names() -> None:
    """Where the corpus does not make the word a person, an article that names one person of that surname in
    full and calls the word alone a person elsewhere reads it as that person."""
    registry = resolve_entities(annotations(
        {
            "a1": "Vicente Fox spoke. Fox said no, and Fox left.",
            "a2": "Fox reported it.",
            "a3": "Fox aired it.",
            "a4": "Fox said Fox would air it.",
        },
        {"a1": [("Vicente Fox", "PERSON"), ("Fox", "PERSON"), ("Fox", "ORG")],
         "a2": [("Fox", "ORG")],
         "a3": [("Fox", "ORG")],
         "a4": [("Fox", "PERSON"), ("Fox", "ORG")]},
    ))
    fox = registry.canonical("Vicente Fox", "PERSON")[0]
    assert registry.canonical("Fox", "PERSON")[0] == fox  # the only person called Fox
    assert registry.canonical("Fox", "ORG")[1:] == ("Fox", "ORG")
    assert registry.canonical("Fox", "ORG", "a1")[0] == fox
    assert registry.canonical("Fox", "ORG", "a2")[1:] == ("Fox", "ORG")
    assert registry.canonical("Fox", "ORG", "a4")[1:] == ("Fox", "ORG")  # nobody named in full there


def test_a_places_acronym_the_corpus_never_defines_is_the_place_it_is_written_beside() -> None:
    """"U.S." is the United States where articles write both, though none writes "United States (U.S.)"; not
    "D.C." written once beside "Dakota City", nor an acronym beside two places of those initials."""
    registry = resolve_entities(annotations(
        {
            "a1": "The United States said U.S. troops would stay.",
            "a2": "U.S. officials said the United States agreed.",
            "a3": "U.S. markets fell.",
            "d1": "Dakota City is near D.C. today.",
            "d2": "D.C. police said.",
            "n1": "North Yemen and New York: N.Y. said.",
            "n2": "New York and North Yemen: N.Y. again.",
        },
        {"a1": [("United States", "GPE"), ("U.S.", "GPE")],
         "a2": [("U.S.", "GPE"), ("United States", "GPE")],
         "a3": [("U.S.", "GPE")],
         "d1": [("Dakota City", "GPE"), ("D.C.", "GPE")],
         "d2": [("D.C.", "GPE")],
         "n1": [("North Yemen", "GPE"), ("New York", "GPE"), ("N.Y.", "GPE")],
         "n2": [("New York", "GPE"), ("North Yemen", "GPE"), ("N.Y.", "GPE")]},
    ))
    assert registry.canonical("U.S.", "GPE")[1:] == ("United States", "GPE")
    assert registry.canonical("US", "GPE")[1:] == ("United States", "GPE")
    assert registry.canonical("D.C.", "GPE")[1:] == ("D.C.", "GPE")
    assert registry.canonical("N.Y.", "GPE")[1:] == ("N.Y.", "GPE")


def test_lowercase_and_bare_legal_forms_are_dropped_as_mis_tags() -> None:
    registry = resolve_entities(annotations(
        {"a1": "in mosques and schools; Co Inc said; Texaco Inc said"},
        {"a1": [("mosques", "FAC"), ("Co Inc", "ORG"), ("Texaco Inc", "ORG")]},
    ))
    assert registry.canonical("mosques", "FAC") is None
    assert registry.canonical("Co Inc", "ORG") is None
    assert registry.canonical("Texaco Inc", "ORG")[1] == "Texaco Inc"
    assert registry.canonical("1987", "DATE") == ("DATE:1987", "1987", "DATE")  # dates: as they are
    assert not registry.entities(["DATE"])


def test_the_alias_file_merges_and_wins_the_label() -> None:
    aliases = Aliases(entities=(AliasEntity("Islamic State", "ORG", ("IS", "Daesh")),))
    registry = resolve_entities(annotations(
        {"a1": "Daesh struck.", "a2": "IS claimed it."},
        {"a1": [("Daesh", "GPE")], "a2": [("IS", "ORG")]},
    ), aliases=aliases)
    assert registry.canonical("Daesh", "GPE") == ("ORG:islamic state", "Islamic State", "ORG")
    assert registry.expand("Daesh") == ["daesh", "is"]
    assert ("place", "daesh") in registry.expand_terms("Islamic State", {"org"})


def test_refine_spans_cuts_a_name_at_a_hard_line_break_but_not_at_a_wrap() -> None:
    text = "Tyler Durden\nTue, 09/21/2021\n\n" + "x" * 50 + " prices in New\nYork rose."
    start = text.index("New")
    spans = [EntitySpan(0, 16, "PERSON", text[0:16]), EntitySpan(start, start + 8, "GPE", text[start:start + 8])]
    assert [s.text for s in refine_spans(text, spans)] == ["Tyler Durden", "New\nYork"]


WRAPPED = (
    "Dataflex Corp said it named Richard\nRose president, succeeding Jeffrey Lamm, who continues as\n"
    "chairman and chief executive officer of the computer company.\n\n"
    "Six fighters were arrested after the attack on the airport\nForeign media report an irreconcilable struggle\n\n"
    "Barack Obama\nJoe Biden"
)


def test_text_wrapped_at_a_width_is_read_as_running_text_with_the_same_offsets() -> None:
    from index.entities.spans import unwrapped

    flat = unwrapped(WRAPPED)
    assert len(flat) == len(WRAPPED)
    assert "named Richard Rose president" in flat and "continues as chairman" in flat
    # A block of lines each complete (headlines) and a list of short lines keep their breaks; so do paragraphs a
    # line each, even where one of them begins in lower case.
    assert "airport\nForeign" in flat and "Barack Obama\nJoe Biden" in flat
    page = "\n".join([
        "The council voted on Monday to close the old bridge over the river for repairs.",
        "Officials said the work would take about six months and cost four million dollars.",
        "Residents of the east bank said they would lose their shortest way to the market.",
        "iPhone users can follow the works on the city's own application, the mayor said.",
    ])
    assert unwrapped(page) == page


def test_the_model_reads_a_name_broken_by_a_wrapped_line_whole() -> None:
    from index.annotate import Annotator

    (annotation,) = Annotator().annotate([WRAPPED])
    people = [(e.text, e.label) for e in annotation.entities if e.label == "PERSON"]
    assert ("Richard\nRose", "PERSON") in people  # the article's own text, across its line break
    assert ("Richard", "PERSON") not in people and ("Rose", "PERSON") not in people


def test_refine_spans_drops_a_newswires_brackets_and_makes_a_person_with_a_legal_form_a_company() -> None:
    text = "Buyers of <Teck Corp> met Courier Corp, John Smith and Ann Co. <Hillards Plc> said."
    spans = []
    for name, label in (("<Teck Corp>", "ORG"), ("Courier Corp", "PERSON"), ("John Smith", "PERSON"),
                        ("Hillards Plc>", "PERSON")):
        at = text.index(name)
        spans.append(EntitySpan(at, at + len(name), label, name))
    assert [(s.text, s.label) for s in refine_spans(text, spans)] == [
        ("Teck Corp", "ORG"), ("Courier Corp", "ORG"), ("John Smith", "PERSON"), ("Hillards Plc", "ORG"),
    ]


def test_a_person_heading_a_row_of_figures_is_a_tables_label() -> None:
    text = ("Shr 10 cts vs nine cts\nRevs 13.6 mln vs 10.6 mln\nAvg shrs 7,579,547 vs 6,068,254\n\n"
            "Larry Holmes 21-5\nMike Tyson 30-0\n\nThe chairman of the company, who took office in 1985, "
            "said that Paul\nVolcker 1.5 billion dlrs 1987 would be needed and that no more was planned.")
    spans = []
    for name in ("Revs", "Avg", "Larry Holmes", "Paul\nVolcker"):
        at = text.index(name)
        spans.append(EntitySpan(at, at + len(name), "PERSON", name))
    assert [s.text for s in refine_spans(text, spans)] == ["Larry Holmes", "Paul\nVolcker"]


def test_refine_spans_replaces_headline_mis_tags_with_the_bodys_names() -> None:
    text = ("Taliban Say No ISIS, Al-Qaeda In Country Despite String Of ISIS-K Terror Attacks\n\n"
            "The Taliban denied that ISIS or al-Qaeda operate in Afghanistan.")
    headline = [("Taliban Say No ISIS", "ORG"), ("Al-Qaeda In Country", "ORG"), ("ISIS-K Terror Attacks", "ORG")]
    body = [("Taliban", "ORG"), ("ISIS", "ORG"), ("al-Qaeda", "ORG"), ("Afghanistan", "GPE")]
    spans = []
    for name, label in [*headline, *body]:
        start = text.index(name, len(text.split("\n")[0]) if (name, label) in body else 0)
        spans.append(EntitySpan(start, start + len(name), label, name))
    refined = refine_spans(text, spans)
    in_headline = [s.text for s in refined if s.end <= text.index("\n")]
    assert in_headline == ["Taliban", "ISIS", "Al-Qaeda"]  # "ISIS" in "ISIS-K" is not the body's ISIS
    assert [s.text for s in refined if s.start > text.index("\n")] == [name for name, _ in body]


def test_refine_spans_tags_an_acronym_the_article_defines() -> None:
    text = "The Islamic State (IS) claimed the attack. IS-K is its branch; IS said this. Taliban-IS talks."
    spans = [EntitySpan(0, 17, "ORG", "The Islamic State")]
    refined = [(s.text, s.label) for s in refine_spans(text, spans)]
    assert refined == [("Islamic State", "ORG"), ("IS", "ORG"), ("IS", "ORG")]


def test_registry_survives_save_and_load(tmp_path: Path) -> None:
    registry = resolve_entities(annotations(
        {"a1": "Zabihullah Mujahid said.", "a2": "Zabihula Mujahid said."},
        {"a1": [("Zabihullah Mujahid", "PERSON")], "a2": [("Zabihula Mujahid", "PERSON")]},
    ))
    registry.save(tmp_path / "entities.json")
    loaded = EntityRegistry.load(tmp_path / "entities.json")
    assert loaded.canonical("Zabihula Mujahid", "PERSON") == registry.canonical("Zabihullah Mujahid", "PERSON")
    assert loaded.expand("Zabihula Mujahid") == ["zabihula mujahid", "zabihullah mujahid"]
    assert loaded.entities()[0].articles == ("a1", "a2")
    (tmp_path / "entities.json").write_text("{not json", encoding="utf-8")
    assert len(EntityRegistry.load(tmp_path / "entities.json")) == 0


# --- the seed corpus ------------------------------------------------------------------------------------

def spans_named(lib, *texts: str) -> list[EntitySpan]:
    return [span for summary in lib.articles() for span in lib.article(summary.id).entities if span.text in texts]


def test_every_spelling_of_the_spokesman_is_one_person_in_all_five_articles(seeds_library) -> None:
    entity = seeds_library.entity("Sabihullah Mujahid")
    assert entity.label == "PERSON"
    assert entity.name == "Zabihullah Mujahid"
    assert {form for form, _ in entity.names} == set(MUJAHID_SPELLINGS)
    assert len(entity.articles) == 5
    spans = spans_named(seeds_library, *MUJAHID_SPELLINGS)
    assert {span.text for span in spans} == set(MUJAHID_SPELLINGS)
    assert {(span.entity_id, span.canonical, span.label) for span in spans} == {
        (entity.id, "Zabihullah Mujahid", "PERSON")}


def test_the_islamic_state_is_one_organisation_and_is_k_a_linked_part(seeds_library) -> None:
    names = ("IS", "ISIS", "Islamic State", "Daesh")
    entities = {seeds_library.entity(name) for name in names}
    assert len(entities) == 1
    (group,) = entities
    assert group.label == "ORG"
    branch = seeds_library.entity("IS-K")
    assert branch != group
    assert {"IS-K", "ISIS-K", "IS-Khorosan", "Islamic State in Khorasan"} <= {form for form, _ in branch.names}
    assert (group.id, "part-of") in branch.related
    # The model calls "Daesh" a place; the alias file's label wins, in the reader too.
    assert {(s.label, s.canonical) for s in spans_named(seeds_library, "Daesh")} == {("ORG", "Islamic State")}
    # The model never tags a standalone "IS": the alias file's ruler does.
    assert len(spans_named(seeds_library, "IS")) >= 20


def test_taliban_is_one_entity(seeds_library) -> None:
    taliban = [e for e in seeds_library.entities() if "taliban" in e.name.casefold()]
    assert [e.name for e in taliban] == ["Taliban"]
    assert len(taliban[0].articles) == 5
    assert {s.entity_id for s in spans_named(seeds_library, "Taliban")} == {taliban[0].id}


def test_no_headline_fragment_is_an_entity(seeds_library) -> None:
    article = seeds_library.article("004")
    headline_end = article.text.index("\n")
    in_headline = [s.text for s in article.entities if s.end <= headline_end]
    assert in_headline == ["Taliban", "ISIS", "Al-Qaeda", "ISIS-K"]
    fragments = ("Say", "In Country", "Terror Attacks")
    assert not [e.name for e in seeds_library.entities() if any(f in e.name for f in fragments)]


def test_lowercase_mis_tags_are_not_shown(seeds_library) -> None:
    assert not spans_named(seeds_library, "mosques")


def test_searching_one_spelling_finds_the_articles_that_use_another(seeds_library) -> None:
    hits = {hit.id[:3] for hit in seeds_library.search('entity:"Sabihullah Mujahid"', limit=10).hits}
    assert hits == {"000", "001", "002", "003", "004"}  # 002-004 say "Zabihullah", 000 "Zabihula"
    assert {h.id[:3] for h in seeds_library.search('org:"Daesh"', limit=10).hits} == hits


def test_who_left_an_entity_out(seeds_library) -> None:
    coverage = seeds_library.entity_coverage("IS-K")
    assert coverage.sources_silent == ("English outlet (AFP)",)
    assert len(coverage.mentioning) == 4
    group = [s.id for s in seeds_library.articles() if s.id[:3] in ("003", "004")]
    assert seeds_library.entity_coverage("ISIS-K", group).sources_mentioning == ("Southfront.org",)


def test_bundled_seeds_take_corrections_beside_the_index(seeds_library) -> None:
    assert seeds_library.corrections_file() == seeds_library.index_dir / "aliases.toml"


# --- without the alias file, and with a user's corrections -----------------------------------------------

@pytest.fixture(scope="module")
def seeds_without_aliases(tmp_path_factory: pytest.TempPathFactory):
    corpus = tmp_path_factory.mktemp("bare") / "corpus"
    shutil.copytree(SEEDS, corpus, ignore=shutil.ignore_patterns("__pycache__", "*.py", "aliases.toml"))
    with open_library(corpus, corpus.parent / "index") as lib:
        lib.build()
        yield lib


def test_without_an_alias_file_spellings_and_defined_acronyms_still_merge(seeds_without_aliases) -> None:
    lib = seeds_without_aliases
    mujahid = lib.entity("Zabihula Mujahid")
    assert {form for form, _ in mujahid.names} == set(MUJAHID_SPELLINGS)
    assert len(mujahid.articles) == 5
    group = lib.entity("Islamic State")
    assert lib.entity("IS") == group  # "the Islamic State (IS)" defines it
    assert "acronym" in {m.reason for m in group.merges}
    branch = lib.entity("IS-K")
    assert branch != group and (group.id, "part-of") in branch.related


def test_a_name_split_from_a_person_is_not_read_as_them_in_the_article_naming_them(seeds_copy: Path,
                                                                                   tmp_path: Path) -> None:
    """A lone surname in an article naming one person of that name is read as them there; once the user splits
    the surname from them, it is not, there either: the article view, the entity's names and its articles agree."""
    with open_library(seeds_copy, tmp_path / "index") as lib:
        lib.build()
        feda = lib.entity("Feda Mohammad")
        (article_id,) = feda.articles
        lib.split_entity("Mohammad", "Feda Mohammad")
        read = {s.text: s.canonical for s in lib.article(article_id).entities if "Mohammad" in s.text}
        assert read == {"Feda Mohammad": "Feda Mohammad", "Mohammad": "Mohammad"}
        assert lib.entity("Feda Mohammad").names == (("Feda Mohammad", 1),)
        assert lib.entity("Mohammad").articles == (article_id,)


def test_a_users_corrections_survive_re_indexing(seeds_copy: Path, tmp_path: Path) -> None:
    head = (seeds_copy / "aliases.toml").read_text(encoding="utf-8")
    with open_library(seeds_copy, tmp_path / "index") as lib:
        lib.build()
        assert lib.entity("Mohammad").name == "Feda Mohammad"
        assert lib.entity("Afghan") != lib.entity("Afghans")
        assert lib.split_entity("Mohammad", "Feda Mohammad").name == "Mohammad"
        merged = lib.merge_entities(["Afghans", "Afghan"])
        assert {form for form, _ in merged.names} == {"Afghans", "Afghan"}
        assert merged.merges[0].reason == "correction"
    text = (seeds_copy / "aliases.toml").read_text(encoding="utf-8")
    assert text.startswith(head.rstrip("\n"))  # the user's part of the file is kept as it was
    assert CORRECTIONS_MARKER in text
    assert len(read_aliases(seeds_copy / "aliases.toml").merges) == 1

    with open_library(seeds_copy, tmp_path / "index") as lib:
        lib.build(rebuild=True)
        assert lib.entity("Mohammad").name == "Mohammad"
        assert lib.entity("Feda Mohammad").names == (("Feda Mohammad", 1),)
        assert lib.entity("Afghan") == lib.entity("Afghans")
        article = lib.article("004")
        assert {s.canonical for s in article.entities if s.text in ("Afghan", "Afghans")} == {"Afghans"}


# --- the command line -----------------------------------------------------------------------------------

def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="byline")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.handler(args)


def test_cli_lists_entities_by_label_as_json(seeds_library, capsys) -> None:
    assert run_cli("entities", "--index-dir", str(seeds_library.index_dir), "--label", "PERSON", "--json",
                   "--sort", "sources") == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["label"] for row in rows} == {"PERSON"}
    assert rows[0]["name"] == "Zabihullah Mujahid"
    assert len(rows[0]["sources"]) == 5


def test_cli_shows_why_names_merged_and_who_left_it_out(seeds_library, capsys) -> None:
    index_dir = str(seeds_library.index_dir)
    assert run_cli("entities", "show", "Mujahid", "--index-dir", index_dir) == 0
    out = capsys.readouterr().out
    assert "Sabihullah Mujahid: spelling: spelling variant of 'Zabihullah Mujahid'" in out
    assert run_cli("entities", "missing", "IS-K", "--index-dir", index_dir) == 0
    assert "left out by:  English outlet (AFP)" in capsys.readouterr().out
    assert run_cli("entities", "show", "Nobody At All", "--index-dir", index_dir) == 2


def test_cli_merge_saves_to_the_corpus_alias_file(seeds_copy: Path, tmp_path: Path, capsys) -> None:
    location = ("--corpus", str(seeds_copy), "--index-dir", str(tmp_path / "index"))
    assert run_cli("entities", "merge", "Afghans", "Afghan", *location) == 0
    out = capsys.readouterr().out
    assert f"saved to {seeds_copy / 'aliases.toml'}" in out
    assert run_cli("entities", "show", "Afghan", "--json", *location) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["name"] == "Afghans" and len(shown["names"]) == 2


def test_a_malformed_alias_file_is_reported_with_its_path(seeds_copy: Path, tmp_path: Path) -> None:
    (seeds_copy / "aliases.toml").write_text('[[entity]]\nname = "IS"\nlabel = \n', encoding="utf-8")
    with open_library(seeds_copy, tmp_path / "index") as lib, pytest.raises(IndexProblem, match=r"aliases\.toml"):
        lib.build()


# --- the entity browser ---------------------------------------------------------------------------------

async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def option_ids(listing) -> list[str]:
    return [listing.get_option_at_index(i).id for i in range(listing.option_count)]


async def test_entity_browser_shows_names_merges_and_who_left_it_out(seeds_library) -> None:
    from textual.widgets import OptionList, Static

    from reader.app import BylineApp
    from reader.screens.article import ArticleScreen
    from reader.screens.entities import EntitiesScreen

    app = BylineApp(seeds_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(EntitiesScreen())
        await settle(pilot)
        screen = app.screen
        assert option_ids(screen.query_one("#entity-list", OptionList))[:2] == ["ORG:taliban", "ORG:islamic state"]
        await pilot.press(*"sabih")  # typing on the list filters it, by any of an entity's names
        await settle(pilot)
        assert option_ids(screen.query_one("#entity-list", OptionList)) == ["PERSON:zabihullah mujahid"]
        summary = str(screen.query_one("#entity-summary", Static).render())
        assert "spelling variant of 'Zabihullah Mujahid'" in summary
        names = screen.query_one("#entity-names", OptionList)
        assert {str(names.get_option_at_index(i).prompt).split("  ")[0] for i in range(names.option_count)} == \
            set(MUJAHID_SPELLINGS)

        await pilot.press("slash", "escape", *"IS-K", "enter")  # clear the filter, type another, to the list
        await settle(pilot)
        assert option_ids(screen.query_one("#entity-list", OptionList)) == ["ORG:islamic state khorasan province"]
        summary = str(screen.query_one("#entity-summary", Static).render())
        assert "left out by English outlet (AFP)" in " ".join(summary.split())
        await pilot.press("enter", "enter")  # to its articles, open the first
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.article_id.startswith("000")


async def test_merging_and_splitting_in_the_entity_browser(seeds_copy: Path, tmp_path: Path) -> None:
    from textual.widgets import OptionList

    from reader.app import BylineApp
    from reader.screens.entities import EntitiesScreen

    with open_library(seeds_copy, tmp_path / "index") as lib:
        lib.build()
        app = BylineApp(lib)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            app.push_screen(EntitiesScreen("afghan"))
            await settle(pilot)
            screen = app.screen
            listing = screen.query_one("#entity-list", OptionList)
            listing.focus()
            assert option_ids(listing) == ["GPE:afghanistan", "NORP:afghans", "NORP:afghan"]
            await pilot.press("j", "m", "j", "m")  # mark Afghans, merge Afghan into it
            await settle(pilot)
            assert option_ids(listing) == ["GPE:afghanistan", "NORP:afghans"]
            assert lib.entity("Afghan").id == "NORP:afghans"

            await pilot.press("x")  # to the names of the highlighted entity
            names = screen.query_one("#entity-names", OptionList)
            assert screen.focused is names
            await pilot.press("j", "x")  # take "Afghan" out again
            await settle(pilot)
            assert option_ids(listing) == ["GPE:afghanistan", "NORP:afghans", "NORP:afghan"]
        assert read_aliases(seeds_copy / "aliases.toml").splits[0].name == "Afghan"


async def test_ctrl_e_opens_the_entity_browser_from_the_library(seeds_library) -> None:
    from reader.app import BylineApp
    from reader.screens.entities import EntitiesScreen

    app = BylineApp(seeds_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, EntitiesScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, EntitiesScreen)
