"""Sentences as comparison reads them: a sentence the splitter cut at a title abbreviation goes on in the next."""

from __future__ import annotations

import re

from index.compare import compare
from index.compare.sentences import abbreviation_cuts
from index.models import Article


def _article(ident: str, text: str) -> Article:
    """Sentences cut at every full stop, as a splitter that knows no abbreviations cuts them."""
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text)]
    sentences = [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in sentences]
    return Article(id=ident, title=ident, text=text, sentences=tuple(sentences))


def _cuts(text: str) -> list[str]:
    article = _article("a", text)
    return [text[article.sentences[k][0] : article.sentences[k][1]] for k in abbreviation_cuts(text, article.sentences)]


def test_a_title_before_a_name_and_no_before_a_number_are_not_sentence_ends():
    assert _cuts("He met former Sens. John Ashcroft and Kit Bond. Rain.") == ["He met former Sens."]
    assert _cuts("Retired Lt. Gen. Mike Flynn spoke. Rain.") == ["Retired Lt.", "Gen."]
    assert _cuts("Durbin, the Senate's No. 2 Democrat, spoke. Rain.") == ["Durbin, the Senate's No."]
    assert _cuts("The vote is set for Jan. 6 in the House. Rain.") == ["The vote is set for Jan."]


def test_a_sentence_ending_on_a_place_or_an_answer_still_ends():
    # "U.S." and a state's abbreviation end sentences as often as not; "No." before a word is an answer.
    assert _cuts("He wants to ban entry to the U.S. In the wake of the attack he spoke.") == []
    assert _cuts("He spoke at a stop in Roanoke, Va. Douglas Holtz-Eakin replied.") == []
    assert _cuts("He responds: “No. No he won’t.”") == []
    assert _cuts("The Senate passed it. Sens.\n\nWarren and Sanders voted no.") == []


def test_a_sentence_cut_at_a_title_is_compared_whole_and_reported_as_its_pieces():
    a = _article("a", "Officials met on Monday. Sens. Warren and Sanders opposed the tariff on steel imports. "
                      "It rained in the city.")
    b = _article("b", "The talks began late. The senators Warren and Sanders opposed the tariff on steel imports "
                      "this week. The market was quiet.")
    c = compare(a, b)
    pair = c.counterpart("a", 2)
    assert pair is not None and pair.a == (1, 2) and pair.b == (1,)
    assert pair.a_text.startswith("Sens. Warren")
    assert c.counterpart("a", 1) is pair
    assert 1 not in {u.index for u in c.unique_a}
    # Indices and counts stay those of the article's own sentences.
    assert c.a.sentences == len(a.sentences) == 4
    assert c.summary.a_sentences == 4 and c.summary.a_aligned == 2


def test_a_sentence_cut_at_a_title_with_no_counterpart_is_one_unique_sentence_of_its_pieces():
    """Not "Sens." alone on one line of "only in A" and the rest on the next: one sentence, both numbers."""
    a = _article("a", "The storm hit the coast. Sens. Warren and Sanders wrote to the agency about its budget. "
                      "It rained.")
    b = _article("b", "The storm hit the coast. The market was quiet all week.")
    c = compare(a, b)
    [joined] = [u for u in c.unique_a if 1 in u.indices]
    assert joined.indices == (1, 2) and joined.index == 1
    assert joined.text == "Sens. Warren and Sanders wrote to the agency about its budget."
    assert not any(u.text == "Sens." for u in c.unique_a)
    assert c.to_dict()["unique_a"][[u.index for u in c.unique_a].index(1)]["indices"] == [1, 2]


def test_a_figure_after_a_title_keeps_its_own_sentence_index():
    a = _article("a", "The storm hit the coast. Gov. Abbott said 40 people were hurt in Houston. Rain.")
    b = _article("b", "The storm hit the coast. Governor Abbott said 40 people were hurt in Houston. Rain.")
    c = compare(a, b)
    [figure] = [f for f in c.figures_a if f.low == 40]
    assert figure.sentence == 2
    assert c.counterpart("a", 2).a == (1, 2)



def _score(score: float, lexical: float, distinct: int = 2):
    from index.compare.align import _Score

    return _Score(score, lexical, 0.2, ("w1", "w2"), (), (), False, False, distinct)


def test_the_two_ledes_pair_at_a_lower_score_when_both_are_free():
    from index.compare.align import link

    ledes = {(0, 0): _score(0.14, 0.18), (1, 1): _score(0.30, 0.30)}
    assert link(ledes) == [([1], [1])]
    assert link(ledes, (0, 0)) == [([0], [0]), ([1], [1])]
    # Not on one shared word beyond names, nor on few shared words, nor when a lede already has a counterpart.
    assert link({(0, 0): _score(0.14, 0.18, distinct=1)}, (0, 0)) == []
    assert link({(0, 0): _score(0.14, 0.12)}, (0, 0)) == []
    assert link({(0, 0): _score(0.14, 0.18), (0, 1): _score(0.3, 0.3)}, (0, 0)) == [([0], [1])]
