"""Figures a reader finds disagreeing that compare used to miss: a number written into a compound ("a 48-page
indictment"), a time of day read as a count, and the noun a number counts. Patterns found reading the labelled
figure conflicts of BASIL's dev half (bench/labels/basil_compare.json); the sentences below are invented."""

from __future__ import annotations

from test_compare import _article

from index.compare import compare
from index.compare.claims import extract_counts


def _counts(text: str):
    return [f for f in extract_counts(text, [(0, len(text))]) if f.kind == "count"]


def test_a_number_in_a_compound_is_a_count_of_its_unit_and_noun():
    (figure,) = _counts("Prosecutors unsealed a 48-page indictment against the mayor.")
    assert (figure.text, figure.low, figure.group) == ("48-page indictment", 48, "page indictment")
    # An age and a score are not counts.
    assert _counts("A 10-year-old boy watched the 3-0 win.") == []
    # A compound on a plural noun, or sharing its number with another, names a kind of thing.
    assert not [f for f in _counts("The patch covers 32- and 64-bit versions, and 16-bit systems.") if f.unit]


def test_compounds_that_disagree_in_aligned_sentences_are_a_difference_not_a_conflict():
    a = _article(
        "a",
        "The governor took the 35-word oath of office on the steps of the capitol at noon. "
        "A crowd of supporters cheered in the rain.",
    )
    b = _article(
        "b",
        "Standing on the capitol steps, the governor recited the 38-word oath of office before a cheering crowd. "
        "Protesters gathered outside the gates.",
    )
    c = compare(a, b)
    assert not c.conflicts and not c.updates
    assert [(d.kind, d.a_text, d.b_text) for d in c.differences] == [
        ("differs", "35-word oath", "38-word oath")
    ]


def test_compounds_of_other_units_or_nouns_are_not_compared():
    a = _article("a", "The governor took the 35-word oath of office on the steps of the capitol at noon.")
    b = _article("b", "The governor took the 12-minute oath of office on the steps of the capitol at noon.")
    assert not compare(a, b).differences


def test_a_time_of_day_is_not_a_count():
    assert _counts("He will make the announcement today at 11am from his hometown.") == []
    assert _counts("The polls close at 8 p.m. and the count starts at 9 PM.") == []


def test_the_noun_a_number_counts_is_not_a_name_or_a_possessive_after_it():
    (first,) = _counts("They delivered 50,000 pages of printed emails from Mrs. Clinton to the department.")
    (second,) = _counts("The department received 55,000 pages of Clinton's emails on Monday.")
    assert first.group == second.group == "page"
    assert [f.group for f in _counts("Officials carried dozens of boxes into the building.")] == ["box"]


def test_a_dozen_written_with_a_hyphen_is_a_count():
    # "two-dozen" and "half-dozen" are one token to the tokeniser, as "twenty-one" is.
    assert [(f.low, f.high, f.group) for f in _counts("He signed two-dozen executive actions.")] == [
        (24, 24, "action")
    ]
    assert [(f.low, f.high) for f in _counts("A half-dozen people were hurt; Half-dozen more fled.")] == [
        (6, 6), (6, 6)
    ]
    (nearly,) = _counts("The president signed nearly two-dozen executive actions on Wednesday.")
    assert nearly.approx == "nearly" and nearly.high == 23
