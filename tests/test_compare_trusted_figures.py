"""Figures beyond tolls that two outlets give differently: when a disagreement is a conflict a reader can trust (two
counterpart sentences of one news story, naming one thing closely), when it stays "figures differ", and the
figures compare used to miss or misread. Patterns found reading the labelled figure conflicts and compatible
figure pairs of BASIL's dev half (bench/labels/basil_compare.json); the sentences below are invented."""

from __future__ import annotations

from test_compare import _article

from index.compare import compare
from index.compare.dates import extract_dates


def _compare(a_text: str, b_text: str, a_day: str = "2017-01-20", b_day: str = "2017-01-20"):
    c = compare(_article("a", a_text, published=a_day), _article("b", b_text, published=b_day))
    assert c.pairs, "the sentences align"
    return c


def _texts(items) -> list[tuple[str, str]]:
    return [(d.a_text, d.b_text) for d in items]


OATH = (
    "The governor took the 35-word oath of office on the steps of the capitol at noon.",
    "Standing on the capitol steps, the governor recited the 38-word oath of office before a cheering crowd.",
)
TAXES = (
    "The firm paid $43 million in federal taxes, its annual filing with regulators shows.",
    "The firm paid $90 million in federal taxes, its annual filing with regulators shows.",
)
PERIOD = (
    "Cowan will be the first black senator since Edward Brooke, who held the seat from 1966 to 1978.",
    "Cowan will become the second black senator after Edward Brooke, who served from 1967 to 1979.",
)


def test_counterparts_of_one_news_story_that_name_one_thing_conflict_beyond_tolls():
    # A compound each article gives once, a sum of money for one purpose, the years of one period.
    assert _texts(_compare(*OATH).conflicts) == [("35-word oath", "38-word oath")]
    assert _texts(_compare(*TAXES).conflicts) == [("43 million", "90 million")]
    assert _texts(_compare(*PERIOD).conflicts) == [("from 1966", "from 1967"), ("1978", "1979")]
    # Two days apart is still one story's news.
    assert _texts(_compare(*OATH, b_day="2017-01-22").conflicts) == [("35-word oath", "38-word oath")]
    for c in (_compare(*OATH), _compare(*TAXES), _compare(*PERIOD)):
        assert not c.differences and all(d.kind == "conflict" and d.a_sentence and d.b_sentence for d in c.conflicts)


def test_the_same_figures_only_differ_when_the_articles_are_undated_or_years_apart():
    # Look-alike events years apart (two inaugurations, two games) are told in words as alike.
    for a_day, b_day in (("", ""), ("2017-01-20", ""), ("2013-01-21", "2017-01-20")):
        c = _compare(*OATH, a_day=a_day, b_day=b_day)
        assert not c.conflicts and _texts(c.differences) == [("35-word oath", "38-word oath")]
    # Dated alike, the same pair is a conflict.
    assert _compare(*OATH, a_day="2017-01-20", b_day="2017-01-21").conflicts


def test_a_plain_count_in_counterparts_is_not_one_thing_beside_a_compound_that_is():
    c = _compare(
        "The Cubs beat the Mets on a rainy night. "
        "The veteran guard played 11 seasons with the club before he retired in the spring. Fans cheered.",
        "Fans of the club gathered downtown. "
        "The veteran guard played seven seasons with the club before he retired in the spring. The mayor spoke.",
    )
    assert not c.conflicts and _texts(c.differences) == [("11 seasons", "seven seasons")]
    c = _compare(
        "The Cubs beat the Mets on a rainy night. "
        "The veteran guard played 11 seasons with the club before his 20-page farewell letter. Fans cheered.",
        "Fans of the club gathered downtown. "
        "The veteran guard played seven seasons with the club before his 12-page farewell letter. The mayor spoke.",
    )
    assert _texts(c.conflicts) == [("20-page farewell", "12-page farewell")]
    assert _texts(c.differences) == [("11 seasons", "seven seasons")]


def test_a_compound_an_article_gives_several_values_is_not_one_thing():
    one = "Manning threw a 41-yard touchdown pass to Wayne in the first half of the game."
    b = "Manning threw a 12-yard touchdown pass to Wayne in the first half of the game."
    assert _texts(_compare(one, b).conflicts) == [("41-yard touchdown", "12-yard touchdown")]
    # A game of many touchdowns: which one each side tells of is not clear.
    several = one + " Later Manning ran a 2-yard touchdown run himself to seal the win."
    c = _compare(several, b)
    assert not c.conflicts and _texts(c.differences) == [("41-yard touchdown", "12-yard touchdown")]


def test_a_time_of_day_beside_one_deed_in_both_is_a_conflict():
    c = _compare(
        "He will make the announcement today at 11am from his old high school in Livingston.",
        "He made the announcement Tuesday afternoon at his old high school in Livingston.",
        a_day="2015-06-30", b_day="2015-06-30",
    )
    assert _texts(c.conflicts) == [("11am", "Tuesday afternoon")]


def test_a_phrase_of_another_time_beside_a_date_names_no_deed_of_its_day():
    # The trial opened on Wednesday; the video was shown on Thursday, during it.
    c = _compare(
        "The video was shown in the Brooklyn court on Thursday during the trial of two men accused of the killing.",
        "Two men accused of the killing went on trial Wednesday in a Brooklyn court, where a video was shown.",
        a_day="2013-04-12", b_day="2013-04-12",
    )
    assert not c.conflicts and not c.differences


def test_an_ordinal_before_a_noun_is_not_a_day():
    def days(text: str) -> list[str]:
        return [d.text for d in extract_dates(text, [(0, len(text))], "2021-08-30")]

    assert days("He was introduced as the 21st head coach at a news conference.") == []
    assert days("Nothing changed in the 21st century.") == []
    # A day: after "on", or before punctuation or a function word.
    assert days("The blast on the 3rd killed two.") == ["the 3rd"]
    assert days("It happened the 26th, police said.") == ["the 26th"]


def test_a_round_sum_written_in_digits_is_rounded():
    c = _compare(
        "Prosecutors say he converted more than $250,000 in campaign funds to pay for personal expenses.",
        "Prosecutors say he illegally converted $250,000 in campaign funds for personal expenses.",
    )
    assert not c.conflicts and not c.differences and c.agreements


def test_things_described_alike_in_sentences_about_one_event_are_compared():
    a = (
        "The department asked her for the records in October. "
        "Finally, in December, boxes filled with 50,000 pages of printed emails were delivered to the department."
    )
    b = (
        "Her aides chose which records to send to the archive. "
        "The department said late Monday that it had received 55,000 pages of her emails from the aides."
    )
    c = compare(_article("a", a, published="2015-03-05"), _article("b", b, published="2015-03-03"))
    assert _texts(c.differences) == [("50,000 pages", "55,000 pages")]
    assert not c.conflicts  # not counterparts: for a reader to judge
    # Told of in another year, they are another delivery's pages.
    earlier = a.replace("in December,", "in December 2012,")
    c = compare(_article("a", earlier, published="2015-03-05"), _article("b", b, published="2015-03-03"))
    assert not c.differences
    # Pages of something else, or a count that says only what it counts ("60 votes", "41 votes"), are not compared.
    other = b.replace("pages of her emails", "pages of her calendars")
    assert not compare(_article("a", a), _article("b", other)).differences
    votes = (
        "The rule requires a supermajority of 60 votes to overcome a filibuster of the nominee.",
        "He said he had the 41 votes needed to filibuster the nominee.",
    )
    assert not compare(_article("a", votes[0]), _article("b", votes[1])).differences


def test_a_sum_of_money_is_for_the_noun_it_is_of():
    # "a $38 billion deal", "$25.50 a share": what the sum is, compared with the same on the other side.
    c = _compare(
        "AT&T agreed to buy Time Warner in a $38 billion deal announced on Monday.",
        "AT&T agreed to buy Time Warner in a $47 billion deal, the companies said.",
    )
    assert [(d.what, d.a_text, d.b_text) for d in c.conflicts] == [
        ("money (deal)", "38 billion deal", "47 billion deal")
    ]
    c = _compare(
        "Shares of the company closed at $25.50 a share after the announcement.",
        "Shares of the company closed at $27 a share after the announcement.",
    )
    assert [(d.what, d.a_text, d.b_text) for d in c.conflicts] == [("money (share)", "25.50", "27")]
    # Sums of two things are not compared: the deal's price and a fee.
    c = _compare(
        "AT&T agreed to buy Time Warner in a $38 billion deal announced on Monday.",
        "AT&T agreed to buy Time Warner and would pay a $2 billion fee if the deal fails, the companies said.",
    )
    assert not c.conflicts and not c.differences



def test_a_deed_of_another_clause_does_not_date_one_deed():
    # Convicted in July 1997; admitted the ruse in April 2003: "racketeering" is the clause before the date's.
    c = _compare(
        "He was finally convicted of racketeering, and in April 2003 he admitted to a court that his madness had "
        "been a ruse.",
        "His string of victories ended with a July 1997 racketeering conviction, and he finally admitted the "
        "madness ruse at an April 2003 court hearing.",
    )
    assert not c.conflicts
