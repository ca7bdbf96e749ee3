"""Highlights: a word's worth worked out once per query, and words that cannot begin a wanted term never analysed,
with the same spans and terms as analysing every word of the text."""

from __future__ import annotations

import pytest

from index.analysis import analyze, is_stop_term, spans_of, term_matches
from index.search import snippets
from index.search.snippets import WantedTerms, highlight_spans

TEXT = ("The U.S. said ISIS and the Taliban's envoys met in Kabul; it is the IS-K that Ünal's école named. "
        "Banks, bankers and the banking union: US officials, the us of it all, Ümit and ümit, ﬁsh, ǅemal, "
        "skies and dying, yelling Yemen. We hope that the Afghans talks failed, the talks on the talks.")

WANTED = [
    WantedTerms({"bank", "kabul"}),
    WantedTerms({"US", "ISIS"}),
    WantedTerms({"=the", "talk"}),  # a stop word named by the query (a phrase of slop 2)
    WantedTerms(set(), prefixes=("bank", "ta")),
    WantedTerms(set(), fuzzy=(("kabel", 1, 1), ("yeman", 1, 0))),
    WantedTerms(set(), fuzzy=(("ünit", 1, 1),)),
    WantedTerms({"école", "ǆemal", "ﬁsh", "sky", "die"}),
    WantedTerms({"taliban"}, phrases=(("hope", "=that", "=the", "afghan"), ("=the", "talk"))),
    WantedTerms(set(), prefixes=("IS",), phrases=(("IS", "k"),)),
    WantedTerms({"kabul"}, phrases=(("talk", "fail"),)),
]


def _analysed(text: str, wanted: WantedTerms):
    """Every word analysed (what highlighting did before it kept what it worked out)."""
    if not wanted.phrases:
        matches = term_matches(text, wanted)
        return spans_of(matches), {term for term, _, _ in matches}
    positions: list[tuple[int, int, set[str]]] = []
    for term, start, end in analyze(text, stops=True):
        if positions and positions[-1][0] == start:
            positions[-1][2].add(term)
        else:
            positions.append((start, end, {term}))
    spans, found = [], set()
    for start, end, terms in positions:
        matched = {t for t in terms if t in wanted.terms or (not is_stop_term(t) and t in wanted)}
        if matched:
            spans.append((start, end))
            found |= matched
    for phrase in wanted.phrases:
        for i in range(len(positions) - len(phrase) + 1):
            if all(phrase[k] in positions[i + k][2] for k in range(len(phrase))):
                spans.append((positions[i][0], positions[i + len(phrase) - 1][1]))
                found.update(t for t in phrase if not is_stop_term(t))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged, {t for t in found if not is_stop_term(t)}


@pytest.mark.parametrize("wanted", WANTED)
def test_highlights_are_those_of_every_word_analysed(wanted: WantedTerms) -> None:
    expected = _analysed(TEXT, wanted)
    assert expected[0]  # the case highlights something
    assert highlight_spans(TEXT, wanted) == expected
    assert highlight_spans(TEXT, wanted) == expected  # and again, from what was kept


def test_words_that_cannot_begin_a_wanted_term_are_not_analysed(monkeypatch: pytest.MonkeyPatch) -> None:
    analysed: list[str] = []
    real = snippets.word_terms

    def counting(word: str, *args):
        analysed.append(word)
        return real(word, *args)

    monkeypatch.setattr(snippets, "word_terms", counting)
    spans, terms = highlight_spans(TEXT, WantedTerms({"kabul"}))
    assert [TEXT[s:e] for s, e in spans] == ["Kabul"] and terms == {"kabul"}
    assert set(analysed) == {"Kabul", "K"}  # "IS-K": K might have been kabul
    analysed.clear()
    highlight_spans(TEXT + " Kabul", WantedTerms({"kabul", "bank"}))
    assert sorted(analysed) == ["Banks", "K", "Kabul", "bankers", "banking"]  # each word once


def test_a_fuzzy_term_free_in_its_first_letter_analyses_only_words_its_terms_begin_as(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``yeman~`` (any first letter) matches the index terms ``yemen`` and ``human``: only words beginning with y
    or h are analysed, and the highlights are those of analysing every word."""
    analysed: list[str] = []
    real = snippets.word_terms

    def counting(word: str, *args):
        analysed.append(word)
        return real(word, *args)

    fuzzy = (("yeman", 1, 0),)
    expected = _analysed(TEXT, WantedTerms(set(), fuzzy=fuzzy))
    monkeypatch.setattr(snippets, "word_terms", counting)
    spans, terms = highlight_spans(TEXT, WantedTerms(set(), fuzzy=fuzzy, fuzzy_terms={"yemen", "human"}))
    assert (spans, terms) == expected and [TEXT[s:e] for s, e in spans] == ["Yemen"]
    assert sorted(analysed) == ["Yemen", "hope", "yelling"]


def test_a_fuzzy_terms_initials_come_from_the_index(seeds_library) -> None:
    from index.search.snippets import wanted_terms

    engine = seeds_library._search_engine()
    q = engine.parser.parse("talibun~")
    wanted = wanted_terms(q, engine.searcher.reader())
    assert wanted.fuzzy and wanted.fuzzy[0][2] == 0
    assert wanted._initials == {"t"}


TRICKY = ("U.S.A. and U.S.'s envoy, don't, o'Neil's ’tis Pakistan's; «Paris» “Oil” —oil—prices. "
          "İstanbul ﬁsh ǅemal Ölpreis ölpreis o\u0301pec \u0301opec _oil oil_ 1987 oil1 1oil O.P.E.C. "
          "p.o.w. a.b.c.d.e.f.o p’s pp'oil x.oil, oil.x oil's... oils.the...prices\tprice\npricing "
          "e\u0301cole, Ecole, \u00e9cole; O\u0308lpreis.")


@pytest.mark.parametrize("wanted", [
    WantedTerms({"oil", "price"}),
    WantedTerms({"US", "pakistan"}, prefixes=("ist",)),
    WantedTerms({"OPEC", "POW", "1987"}, prefixes=("ölp", "fi")),
    WantedTerms({"neil", "paris", "abcdefo", "tis"}),
    WantedTerms(set(), prefixes=("o", "p", "ǆ", "ﬁ", "i")),
    WantedTerms(set(), fuzzy=(("oul", 1, 0),), fuzzy_terms={"oil", "owl"}),
    WantedTerms({"école"}, prefixes=("ölp",)),
])
def test_reading_only_the_words_that_may_be_wanted_finds_what_reading_every_word_finds(wanted) -> None:
    """Tokens are read from the places a wanted word may begin: the same spans as splitting the whole text,
    through dotted acronyms, apostrophes, accents typed apart, ligatures and punctuation outside ASCII."""
    assert wanted._candidates is not None
    for text in (TRICKY, TEXT, TRICKY + TEXT, TEXT[7:] + TRICKY[3:]):
        expected = _analysed(text, wanted)
        assert highlight_spans(text, wanted) == expected
        assert highlight_spans(text, wanted) == expected


def test_tokens_are_not_read_between_the_places_a_wanted_word_may_begin(monkeypatch: pytest.MonkeyPatch) -> None:
    from index import analysis

    read: list[str] = []

    class Counting:
        def finditer(self, text, start=0):
            for match in analysis.TOKEN_PATTERN.finditer(text, start):
                read.append(match.group())
                yield match

    monkeypatch.setattr(snippets, "TOKEN_PATTERN", Counting())
    spans, terms = highlight_spans(TEXT, WantedTerms({"kabul"}))
    assert [TEXT[s:e] for s, e in spans] == ["Kabul"] and terms == {"kabul"}
    # nothing before Kabul; from there on to the K of IS-K and the words beginning outside ASCII after it, near
    # enough to read on to; nothing of the last two sentences
    assert read[0] == "Kabul" and "K" in read and "Banks" not in read and "Afghans" not in read
    assert len(read) < len(analysis.TOKEN_PATTERN.findall(TEXT)) / 2
