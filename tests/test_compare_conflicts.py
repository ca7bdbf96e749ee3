"""Conflicts a reader can trust: what a figure counts, which incident it belongs to, and which disagreements are
only "figures differ". Patterns found reading what compare reported on the dev half of ECB+
(bench/labels/ecbplus_conflicts.json); the sentences below are invented."""

from __future__ import annotations

from test_compare import _article

from index.compare import compare
from index.compare.claims import extract_counts


def _counts(text: str):
    return [f for f in extract_counts(text, [(0, len(text))]) if f.kind == "count"]


def _toll(text: str) -> list[tuple[str, str, str]]:
    """(words, measure, group) of each count of something that happened in ``text``."""
    return [(f.text, f.measure, f.group) for f in _counts(text) if f.measure]


# --- what a figure counts ------------------------------------------------------------------------------------


def test_the_counted_noun_stays_in_its_sentence():
    text = "He spoke to 13 members of the U.S. Army. They left on Monday."
    (figure,) = _counts(text)
    assert figure.group == "us" and "They" not in figure.noun and "." not in figure.noun.split()


def test_a_death_sentence_a_deadlock_and_a_product_name_count_no_one():
    assert _toll("Jurors deadlocked with nine in favor and three against the death sentence.") == []
    assert _toll("Windows 8, due to be released in October, and Internet Explorer 10 are not affected.") == []
    assert _toll("The new browser will come with Windows 8.1 when it is released.") == []


def test_a_measure_word_belongs_to_the_count_nearest_it():
    text = (
        "The quakes have led over 14,000 people taking shelter in tents, destroyed hundreds of buildings, "
        "killed two people and injured dozens of others."
    )
    assert _toll(text) == [("two people", "killed", "all"), ("dozens of others", "injured", "all")]
    # A part named in an aside does not stand between the whole and its verb.
    assert _toll("Hundreds, including 13 American soldiers, died in the attack.")[0] == ("Hundreds", "killed", "all")
    # An age is not a count standing between them.
    assert _toll("Two people, a 60-year-old woman and her son, were killed.") == [("Two people", "killed", "all")]


def test_a_count_with_a_verb_of_its_own_does_not_take_the_toll_before_it():
    figures = extract_counts(*(lambda t: (t, [(0, len(t))]))("Six children were killed and 14 trapped under debris."))
    assert [(f.text, f.measure) for f in figures if f.measure] == [("Six children", "killed")]
    assert not [f for f in figures if f.kind == "total"]
    # An adjective in "-ed" is not a verb of its own: the toll before it is still its.
    assert _toll("Troops killed 12 unarmed protesters.") == [("12 unarmed protesters", "killed", "protester")]


def test_a_campaign_total_a_wider_area_and_one_hospitals_share_are_not_the_incidents_count():
    assert _toll("At least 70 people have been hurt in the protests over the past eight days.") == [
        ("At least 70 people", "injured", "all since")
    ]
    assert _toll("After 13 days of bombardment, which has claimed more than 660 lives, talks began.") == [
        ("more than 660", "killed", "all since")
    ]
    assert _toll("Dozens of arrests have been made across the continent.") == [("Dozens of", "arrested", "all across")]
    assert _toll("“We have received around 50 people with injuries,” the doctor said.") == [
        ("around 50 people", "injured", "part")
    ]


def test_also_before_another_deed_counts_a_part_but_also_before_the_measure_does_not():
    assert _toll("They also attacked a television crew's truck, injuring at least two people.") == [
        ("at least two people", "injured", "part")
    ]
    assert _toll("The strike, which also wounded around 100 people, was the deadliest.") == [
        ("around 100 people", "injured", "all")
    ]
    assert _toll("He also said that the bombing, which killed more than 170 people, was aimed at them.") == [
        ("more than 170 people", "killed", "all")
    ]
    assert _toll("The quake also destroyed 300 homes and killed 12 people.") == [("12 people", "killed", "all")]


# --- which incident ------------------------------------------------------------------------------------------

_SCHOOL = "Three shells hit a school in the Jabalya camp in Gaza on Tuesday. At least 43 people were killed there."


def test_a_toll_of_another_place_is_another_incident():
    a = _article("a", _SCHOOL)
    b = _article(
        "b",
        "Shells hit a school in the Jabalya camp in Gaza on Tuesday, killing at least 40 people. "
        "The army said it had been fired on from the school. "
        "Two people were killed when a shell hit a school in the southern city of Khan Younis.",
    )
    assert not compare(a, b).conflicts
    # Whom a source spoke to is not a place: the toll is still the story's own.
    d = _article(
        "d",
        "Shells hit a school in the Jabalya camp in Gaza on Tuesday. The army said it had been fired on. "
        "Two people were killed there, a medic said in an interview with CNN.",
    )
    assert compare(a, d).conflicts
    # The same place in both accounts is still compared.
    c = _article("c", "Shells hit a school in the Jabalya camp in Gaza on Tuesday. Two people were killed there.")
    assert compare(a, c).conflicts


def test_a_sentence_that_says_it_tells_of_a_separate_incident_is_not_compared():
    a = _article("a", "A shell hit the school on Tuesday, killing 30 people. At least 55 people were injured.")
    b = _article(
        "b",
        "A shell hit the school on Tuesday, killing 30 people. Officials gave no other figures. "
        "In a separate incident, seven people were injured by a shell that hit the school.",
    )
    assert not compare(a, b).conflicts


# --- conflicts and "figures differ" --------------------------------------------------------------------------


def test_figures_that_may_not_count_one_thing_are_shown_as_differences_not_conflicts():
    # Sums of money, dates and plain counts: none that compare reported as a conflict on ECB+ was one.
    a = _article("a", "The firm paid $43 million in federal taxes, its filing shows.")
    b = _article("b", "The firm paid $90 million in federal taxes, its filing shows.")
    c = compare(a, b)
    assert not c.conflicts
    assert [(d.kind, d.what, d.a_text, d.b_text) for d in c.differences] == [
        ("differs", "money (federal taxes)", "43 million", "90 million")
    ]
    assert c.to_dict()["differences"][0]["kind"] == "differs"


def test_ages_in_an_apposition_and_denied_counts_are_not_tolls():
    assert _toll("She lost two sons, 11 and 14, in the strike that killed 40.") == [("40", "killed", "all")]
    assert _toll("Two children, aged 11 and 14, were killed in the blast.") == [("Two children", "killed", "children")]
    assert _toll("None of the 40 passengers were hurt.") == []
    assert _toll("Forty people were not injured, but three were killed.") == [("three", "killed", "all")]


def test_a_running_total_so_far_is_not_one_incidents_count():
    assert _toll("The offensive has killed 300 people so far.") == [("300 people", "killed", "all since")]
    assert _toll("A total of 300 people were killed.") == [("300 people", "killed", "all since")]


def test_a_toll_of_a_quake_dated_in_another_month_is_another_event():
    lead = "A strong quake hit Aceh on Tuesday. "
    a = _article("a", lead + "Five people died in the quake in Aceh province.", published="2013-07-02")
    b = _article("b", lead + "A quake off Aceh in October killed 30 people in the province.", published="2013-07-02")
    assert not compare(a, b).conflicts
    # The month before is still the story's own ("on June 30" in a story of July 2).
    c = _article("c", lead + "A quake off Aceh on June 30 killed 30 people in the province.", published="2013-07-02")
    assert compare(a, c).conflicts
