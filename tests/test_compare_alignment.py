"""Alignment rules on small texts: what pairs, and how a group of split sentences may grow."""

from __future__ import annotations

import re

from index.compare import compare
from index.compare.align import _Score, link
from index.models import Article


def _article(ident: str, text: str) -> Article:
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text)]
    sentences = [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in sentences]
    return Article(id=ident, title=ident, text=text, sentences=tuple(sentences))


def test_a_large_figure_written_with_different_precision_is_shared_evidence():
    a = _article("a", "Officials met on Friday. The couple has paid $43 million in federal taxes since 2007. Rain.")
    b = _article("b", "The report came out late. The couple paid $43,885,310 in federal taxes over those years. Quiet.")
    pair = compare(a, b).counterpart("a", 1)
    assert pair is not None and pair.b == (1,)
    assert pair.evidence.numbers


def _score(score: float, containment: float = 0.8) -> _Score:
    return _Score(score, score, containment, ("w1", "w2"), (), (), False, False, 2)


def test_a_split_group_grows_on_one_side_only():
    # A0-B0 pair; A1 (next to A0) and B1 (next to B0) each resemble the other side's sentence of the pair.
    groups = link({(0, 0): _score(0.6), (1, 0): _score(0.3), (0, 1): _score(0.25), (1, 1): _score(0.05)})
    assert groups == [([0, 1], [0])]
    assert all(len(side_a) == 1 or len(side_b) == 1 for side_a, side_b in groups)


def test_an_article_read_before_is_read_again_when_its_annotation_changes():
    import dataclasses

    from index.models import EntitySpan

    text = "The minister spoke on Monday. “We will rebuild every bridge in the valley,” Anna Berg said."
    a = _article("a", text)
    b = _article("b", "The valley flooded last week. “We will rebuild every bridge in the valley,” she said.")
    assert compare(a, b).quotes_a[0].speaker is None
    at = text.index("Anna Berg")
    named = dataclasses.replace(a, entities=(EntitySpan(at, at + len("Anna Berg"), "PERSON", "Anna Berg"),))
    assert compare(named, b).quotes_a[0].speaker.name == "Anna Berg"
    assert compare(a, b).quotes_a[0].speaker is None


def _named(ident: str, text: str, *names: str) -> Article:
    from index.models import EntitySpan

    article = _article(ident, text)
    spans = []
    for name in names:
        for m in re.finditer(re.escape(name), text):
            spans.append(EntitySpan(m.start(), m.end(), "PERSON", name, f"PERSON:{name.lower()}", name))
    return Article(id=ident, title=ident, text=text, sentences=article.sentences, entities=tuple(spans))


def test_two_shared_names_and_what_one_does_to_the_other_are_one_statement():
    a = _named(
        "a",
        "The state party met in Casper on a cold morning. "
        "In July Cheney declared she plans to challenge Senator Enzi in the primary of the state next year. "
        "The weather was mild for the season.",
        "Cheney", "Enzi",
    )
    b = _named(
        "b",
        "Voters in the west were asked about taxes. Cheney is challenging Enzi, a quiet rancher. "
        "Turnout is expected to be low.",
        "Cheney", "Enzi",
    )
    pair = compare(a, b).counterpart("a", 1)
    assert pair is not None and pair.b == (1,)
    # Two names with no shared word beyond them stay apart: who, not what.
    c = _named("c", "Voters in the west were asked about taxes. Cheney met Enzi. Turnout is expected to be low.",
               "Cheney", "Enzi")
    assert compare(a, c).counterpart("a", 1) is None


def test_a_sentence_repeating_a_paired_one_is_said_again_not_unique():
    # A's lede and a later paragraph both tell B's one sentence about the dam; the linker gives B's sentence one
    # partner, and the other is neither a pair nor "only in A". A's sentence about the mayor stays unique.
    a = _article("a", "Engineers opened the old river dam near Millbrook on Tuesday after weeks of repairs. "
                      "The mayor praised the volunteers. "
                      "The Millbrook dam opened again on Tuesday, its engineers said, after the repairs.")
    b = _article("b", "Engineers reopened the Millbrook river dam on Tuesday once repairs were finished. "
                      "Rain is expected later in the week.")
    c = compare(a, b)
    assert [(p.a, p.b) for p in c.pairs] == [((0,), (0,))]
    assert [(x.index, x.like) for x in c.second_a] == [(2, (0,))]
    assert c.second_a[0].like_text.startswith("Engineers reopened") and not c.second_b
    assert [u.index for u in c.unique_a] == [1]
    assert c.second_counterpart("a", 2) is c.second_a[0] and c.second_counterpart("a", 1) is None
    assert c.to_dict()["second_counterparts"]["a"][0]["like"] == [0]
