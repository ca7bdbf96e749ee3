"""How text becomes index terms: stemmed words that keep acronyms searchable.

Whoosh's default ``StemmingAnalyzer`` drops "is" as a stop word and stems "ISIS" to "isi", so the ways news
names the Islamic State (IS, ISIS, IS-K) cannot be found. This analyzer treats an all-capitals word (or a
dotted one, "U.S.") as an acronym and indexes it case-preserved, beside its ordinary stem:

========== ============================ ==========================
text       indexed as                   found by the queries
========== ============================ ==========================
``IS``     ``IS``                       ``IS``, ``IS-K`` (phrase)
``ISIS``   ``ISIS`` and ``isi``         ``ISIS``, ``isis``, ``Isis``
``U.S.``   ``US``                       ``U.S.``, ``US``
``is``     (a stop word: nothing)       --
``al-Qaeda`` ``al`` ``qaeda`` (phrase)  ``al-Qaeda``, ``"al Qaeda"``
========== ============================ ==========================

At query time an acronym yields only its case-preserved form, so ``IS`` finds the group, not the verb.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import lru_cache

from whoosh.analysis import STOP_WORDS, Filter, RegexTokenizer
from whoosh.lang.porter2 import stem as porter_stem

#: Dotted acronyms (U.S., U.K.) first, then words with inner apostrophes (don't, Taliban's).
TOKEN_PATTERN = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:['’]\w+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return porter_stem(word)


def _is_acronym(text: str) -> bool:
    return len(text) >= 2 and text.isupper()


@lru_cache(maxsize=200_000)
def word_terms(word: str, query: bool = False) -> tuple[str, ...]:
    """The index terms of one token: ``()`` for a stop word, two for an acronym indexed beside its stem.

    Cached: news reuses a small vocabulary, so most tokens cost one dictionary lookup instead of the
    lowercasing, possessive stripping and stemming below."""
    if "." in word:  # a dotted acronym: U.S. -> US
        return (word.replace(".", "").upper(),)
    if _is_acronym(word):
        lowered = word.lower()
        if query or lowered in STOP_WORDS or lowered.isdigit():
            return (word,)
        return (word, stem(lowered))
    lowered = _POSSESSIVE.sub("", word.lower().replace("’", "'"))
    if lowered in STOP_WORDS:
        return ()
    return (stem(lowered) if lowered.isalpha() else lowered,)


class AcronymStemFilter(Filter):
    """Lowercase, strip possessives, drop stop words and stem, keeping acronyms case-preserved."""

    def __call__(self, tokens):
        for token in tokens:
            for term in word_terms(token.text, token.mode == "query"):
                token.text = term
                yield token


def news_analyzer():
    """The analyzer for titles and bodies."""
    return RegexTokenizer(TOKEN_PATTERN) | AcronymStemFilter()


_ANALYZER = news_analyzer()


def analyze(text: str, mode: str = "index") -> list[tuple[str, int, int]]:
    """Index terms of ``text`` with their character spans: ``[(term, start, end), ...]``.

    At the same position an acronym gives two terms (``ISIS`` and ``isi``); both are listed. The same terms
    as :func:`news_analyzer` gives, without its per-token objects: snippets and comparison analyse whole
    articles on every call.
    """
    query = mode == "query"
    return [
        (term, match.start(), match.end())
        for match in TOKEN_PATTERN.finditer(text)
        for term in word_terms(match.group(), query)
    ]


def query_terms(text: str) -> list[str]:
    """The terms a query word or phrase turns into (acronyms case-preserved, words stemmed)."""
    return [token.text for token in _ANALYZER(text, mode="query")]


def term_matches(text: str, terms: Container[str]) -> list[tuple[str, int, int]]:
    """``(term, start, end)`` for every word of ``text`` whose index term is among ``terms``."""
    return [match for match in analyze(text) if match[0] in terms]


def spans_of(matches: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """The distinct spans of :func:`term_matches` (an acronym's two terms share one)."""
    spans: list[tuple[int, int]] = []
    for _, start, end in matches:
        if not spans or spans[-1] != (start, end):
            spans.append((start, end))
    return spans


def match_spans(text: str, terms: Container[str]) -> list[tuple[int, int]]:
    """Character spans in ``text`` whose index terms are among ``terms``."""
    return spans_of(term_matches(text, terms))
