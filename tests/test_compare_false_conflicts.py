"""Counts that are not the story's toll, found reading the false conflicts compare reported on ECB+'s dev half
(bench/labels/ecbplus_conflicts.json, round 4); the sentences below are invented."""

from __future__ import annotations

from index.compare.claims import FigureSet, extract_counts
from index.compare.conflicts import _other_time
from index.models import Article


def _counts(text: str) -> dict[str, tuple[str, str]]:
    return {f.text: (f.measure, f.group) for f in extract_counts(text, [(0, len(text))]) if f.kind == "count"}


def test_people_doing_something_else_where_others_were_killed_are_not_a_toll():
    counts = _counts("At least 30 people were killed when shells hit a school where hundreds of people were staying.")
    assert counts["At least 30 people"] == ("killed", "all")
    assert counts["hundreds of people"][0] == ""


def test_a_count_after_including_is_a_part_of_the_count_before():
    counts = _counts("Twelve Britons, including five civilians hit by mortar fire, have been killed in the war.")
    assert counts["Twelve Britons"][0] == "killed"
    assert counts["five civilians"] == ("killed", "part")


def test_prison_sentences_and_years_beside_a_killer_count_no_one():
    counts = _counts("The killer was sentenced to three life sentences and two sentences of life plus 40 years.")
    assert all(measure == "" for measure, _ in counts.values()), counts


def test_a_running_total_of_one_group_is_not_one_strike_s_count():
    counts = _counts("More than 300 villagers have been killed so far in the ten days of the offensive.")
    assert counts["More than 300 villagers"] == ("killed", "villager since")


def test_a_sentence_going_on_about_an_earlier_event_is_about_that_time():
    text = ("A strong quake struck the province on Tuesday, killing 20 people. "
            "In April last year a bigger quake struck off the coast. "
            "Five people died in the quake and its aftershocks. "
            "Rescuers searched the rubble for survivors.")
    sentences = []
    start = 0
    for part in text.split(". "):
        end = start + len(part) + (1 if not part.endswith(".") else 0)
        sentences.append((start, end))
        start = end + 1
    article = Article(id="a", title="Quake", text=text, sentences=tuple(sentences), published="2013-07-02")
    figures = FigureSet.of(text, article.sentences, article.published)
    # The sentence naming last year, and the next one telling of "the quake" with no time of its own.
    assert _other_time(figures, article) == {1, 2}
