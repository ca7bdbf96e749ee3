"""Figures a reader sees disagree that compare used not to read: the years of a period and a time of day, found
reading the labelled figure conflicts of BASIL's dev half (bench/labels/basil_compare.json); the sentences below
are invented."""

from __future__ import annotations

from index.compare import compare
from index.models import Article


def _differences(a_text: str, b_text: str) -> list[tuple[str, str]]:
    a = Article(id="a", title="a", text=a_text, sentences=((0, len(a_text)),), published="2013-01-30")
    b = Article(id="b", title="b", text=b_text, sentences=((0, len(b_text)),), published="2013-01-30")
    c = compare(a, b)
    assert c.pairs, "the two sentences align"
    return [(d.a_text, d.b_text) for d in (*c.differences, *c.conflicts)]


def test_the_years_of_a_period_two_accounts_give_differently_differ():
    # Both sentences tell of another time (another year than the articles'): their years are still compared.
    assert _differences(
        "Cowan will be the first black senator since Edward Brooke, who held the seat from 1966 to 1978.",
        "Cowan will become the second black senator after Edward Brooke, who served from 1967 to 1979.",
    ) == [("from 1966", "from 1967"), ("1978", "1979")]


def test_the_same_period_written_two_ways_agrees():
    assert _differences(
        "The Clintons paid nearly $44 million in federal income taxes from 2007 to 2014, the returns show.",
        "The Clintons paid nearly $44 million in federal income taxes from 2007 through 2014, the returns show.",
    ) == []
    assert _differences(
        "Lieberman served in the Senate from 1989-2013 as a Democrat and then an independent.",
        "Lieberman served in the Senate between 1989 and 2013 as a Democrat and then an independent.",
    ) == []


def test_two_times_of_day_for_one_announcement_differ_and_noon_is_twelve():
    assert _differences(
        "He will make the announcement today at 11am from his old high school in Livingston.",
        "He made the announcement Tuesday afternoon at his old high school in Livingston.",
    ) == [("11am", "Tuesday afternoon")]
    assert _differences(
        "He took the oath of office from the chief justice at noon on the steps of the capitol.",
        "The chief justice gave him the oath of office at 12:00 p.m. on the steps of the capitol.",
    ) == []


def test_a_place_both_aligned_sentences_name_is_not_another_incident():
    # "at Livingston High School" is not named in the opening sentences, but the other side names Livingston.
    a_text = "Christie is running for president. Aides said so. He spoke today at 11am from his hometown of Livingston."
    b_text = "Christie entered the race. Aides said so. He spoke Tuesday afternoon at Livingston High School."
    a = Article(id="a", title="Christie runs", text=a_text, published="2015-06-30",
                sentences=_split(a_text))
    b = Article(id="b", title="Christie enters race", text=b_text, published="2015-06-30", sentences=_split(b_text))
    c = compare(a, b)
    assert c.counterpart("a", 2) is not None
    assert [(d.a_text, d.b_text) for d in c.conflicts] == [("11am", "Tuesday afternoon")]


def _split(text: str) -> tuple[tuple[int, int], ...]:
    out, start = [], 0
    for part in text.split(". "):
        end = start + len(part) + (0 if part.endswith(".") else 1)
        out.append((start, end))
        start = end + 1
    return tuple(out)
