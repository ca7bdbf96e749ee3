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
``is``     ``=is`` (a stop word)        ``"it is"`` (in a phrase only)
``al-Qaeda`` ``al`` ``qaeda`` (phrase)  ``al-Qaeda``, ``"al Qaeda"``
========== ============================ ==========================

At query time an acronym yields only its case-preserved form, so ``IS`` finds the group, not the verb.

Stop words are indexed at their positions, marked with ``=`` (``=the``) so that they never meet a stem: "being"
stems to ``be`` and "its" to ``it``, which must not find every "be" and "it". A query searches them only inside a
phrase (Whoosh's ``removestops=False``), where each matches exactly that word, as in SQLite FTS5 or ripgrep:
``"We hope that the Afghans"`` finds those five words in a row. An acronym that is also a stop word (``IS``,
``US``) is indexed as both, so ``"exit of us"`` finds "exit of US" while ``"exit of US"`` finds only capitals.

Text is compared in Unicode's composed form (NFC): "école" typed with a combining accent is the same word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container
from functools import lru_cache

from whoosh.analysis import STOP_WORDS, Filter, RegexTokenizer
from whoosh.lang.porter2 import stem as porter_stem

#: Combining marks (an accent typed after its letter): part of the word they follow.
MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
#: Dotted acronyms (U.S., U.K.) first, then words with inner apostrophes (don't, Taliban's).
TOKEN_PATTERN = re.compile(rf"(?:[^\W\d_][{MARKS}]*\.){{2,}}|\w[\w{MARKS}]*(?:['’]\w[\w{MARKS}]*)*", re.UNICODE)
#: A character a token can hold: a token never spans any other, so the tokens that begin after one are those
#: found by starting there.
TOKEN_CHAR = re.compile(rf"[\w{MARKS}.'’]")
#: What marks a stop word's index term (``the`` -> ``=the``): no word begins with it, so no stem is one.
STOP_MARK = "="
_POSSESSIVE = re.compile(r"['’]s$")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return porter_stem(word)


def _is_acronym(text: str) -> bool:
    return len(text) >= 2 and text.isupper()


@lru_cache(maxsize=200_000)
def word_terms(word: str, query: bool = False, stops: bool = False) -> tuple[str, ...]:
    """The index terms of one token: two for an acronym indexed beside its stem; for a stop word ``()``, or
    its marked term (``=the``) with ``stops``.

    Cached: news reuses a small vocabulary, so most tokens cost one dictionary lookup instead of the
    normalising, lowercasing, possessive stripping and stemming below."""
    word = unicodedata.normalize("NFC", word)
    if "." in word:  # a dotted acronym: U.S. -> US
        acronym = word.replace(".", "").upper()
        if stops and not query and acronym.lower() in STOP_WORDS:
            return (acronym, STOP_MARK + acronym.lower())
        return (acronym,)
    if _is_acronym(word):
        lowered = word.lower()
        if query or lowered.isdigit():
            return (word,)
        if lowered in STOP_WORDS:
            return (word, STOP_MARK + lowered) if stops else (word,)
        return (word, stem(lowered))
    lowered = _POSSESSIVE.sub("", word.lower().replace("’", "'"))
    if lowered in STOP_WORDS:
        return (STOP_MARK + lowered,) if stops else ()
    return (stem(lowered) if lowered.isalpha() else lowered,)


def is_stop_term(term: str) -> bool:
    """Whether an index term is a stop word's (searched only inside phrases)."""
    return term.startswith(STOP_MARK)


class AcronymStemFilter(Filter):
    """Lowercase, strip possessives, mark stop words and stem, keeping acronyms case-preserved.

    Indexing keeps stop words (marked) at their positions; a query drops them unless it asks to keep them
    (``removestops=False``: a phrase)."""

    def __call__(self, tokens):
        for token in tokens:
            query = token.mode == "query"
            for term in word_terms(token.text, query, not (query and token.removestops)):
                token.text = term
                yield token


def news_analyzer():
    """The analyzer for titles and bodies."""
    return RegexTokenizer(TOKEN_PATTERN) | AcronymStemFilter()


def analyze(text: str, mode: str = "index", *, stops: bool = False) -> list[tuple[str, int, int]]:
    """Index terms of ``text`` with their character spans: ``[(term, start, end), ...]``.

    At the same position an acronym gives two terms (``ISIS`` and ``isi``); both are listed. Stop words are
    left out unless ``stops`` (then listed as the index holds them, ``=the``). The same terms as
    :func:`news_analyzer` gives, without its per-token objects: snippets and comparison analyse whole
    articles on every call.
    """
    query = mode == "query"
    return [
        (term, match.start(), match.end())
        for match in TOKEN_PATTERN.finditer(text)
        for term in word_terms(match.group(), query, stops)
    ]


#: Each word's index terms (with stop words marked) as :func:`index_positions` asked for them: one lookup a word,
#: without the arguments :func:`word_terms` is cached by.
_INDEX_TERMS: dict[str, tuple[str, ...]] = {}


def index_positions(text: str, boost: float, encode: Callable[[list[int]], bytes],
                    ) -> list[tuple[bytes, int, float, bytes]]:
    """What Whoosh indexes of ``text`` in a field of :func:`news_analyzer` whose format is ``Positions`` (with
    that format's ``field_boost`` and ``encode``): ``(term as UTF-8, frequency, weight, encoded positions)`` for
    each term, in order of first use, as the field's ``index`` gives it, without a token object a word. (An
    acronym's two terms share its position.)"""
    positions: dict[str, list[int]] = {}
    known = _INDEX_TERMS
    for position, word in enumerate(TOKEN_PATTERN.findall(text)):
        terms = known.get(word)
        if terms is None:
            terms = word_terms(word, False, True)
            if len(known) < 200_000:
                known[word] = terms
        for term in terms:
            found = positions.get(term)
            if found is None:
                positions[term] = [position]
            else:
                found.append(position)
    return [(term.encode("utf-8"), len(found), float(len(found)) * boost, encode(found))
            for term, found in positions.items()]


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
