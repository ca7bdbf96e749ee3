"""Snippets as character offsets: which words of a text a query matched, and the fragments around them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from whoosh import query as wq

from ..analysis import MARKS, TOKEN_CHAR, TOKEN_PATTERN, is_stop_term, word_terms
from ..models import Fragment
from .terms import field_terms

FRAGMENT_CHARS = 160
MAX_FRAGMENTS = 3

# --- snippets -------------------------------------------------------------------------------------------

class WantedTerms:
    """The index terms a query looks for in titles and bodies: exact terms, prefixes for ``bank*`` and fuzzy
    terms for ``bank~``.

    Highlighting asks this of every word of every shown hit. A prefix stays a prefix and a fuzzy term an edit
    distance, checked word by word, instead of being expanded into the index terms they match through Whoosh
    (for a fuzzy term an automaton per segment and field, another 10-20 ms a query; on an index of several
    segments, which an update leaves, Whoosh expands across them with a Python edit distance over every term:
    0.6 s). A fuzzy term free in its first letter is looked up in the sorted term lists (see
    :meth:`~.terms.FieldTerms.within`) only to learn which first letters its terms have.

    What a word of the text is worth is worked out once per query (:meth:`word`): the shown hits repeat most of
    their words. A word that cannot begin any wanted term is not analysed at all: an index term begins with its
    word's first letter, in lower case or in capitals (Porter stemming keeps the first letter; an acronym is kept
    as written), so only the words beginning as a wanted term does are stemmed (the first search after opening
    stems most words of the text for the first time); a word in ASCII is checked by its first letter, once per
    letter."""

    __slots__ = ("_candidates", "_first", "_initials", "_words", "fuzzy", "phrases", "prefixes", "terms")

    def __init__(self, terms: set[str] | None = None, prefixes: tuple[str, ...] = (),
                 fuzzy: tuple[tuple[str, int, int], ...] = (), phrases: tuple[tuple[str, ...], ...] = (),
                 fuzzy_terms: Collection[str] | None = None) -> None:
        self.terms = terms or set()
        self.prefixes = prefixes
        #: ``(text, maxdist, prefixlength)``, matched as Whoosh's automaton matches a fuzzy term.
        self.fuzzy = fuzzy
        #: The terms of each exact phrase, in order: highlighted only where they stand side by side.
        self.phrases = phrases
        self._words: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
        self._initials = _initials(self, fuzzy_terms)
        self._first: dict[str, bool] = {}  # an ASCII word's first letter: whether it may begin a wanted term
        self._candidates = _candidates(self._initials)

    def __contains__(self, term: str) -> bool:
        if term in self.terms or (self.prefixes and term.startswith(self.prefixes)):
            return True
        if not self.fuzzy:
            return False
        from rapidfuzz.distance import Levenshtein  # only a fuzzy term needs it (imported: 10 ms of a process)

        return any(term[:prefix] == text[:prefix] and Levenshtein.distance(term, text, score_cutoff=maxdist) <= maxdist
                   for text, maxdist, prefix in self.fuzzy)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.fuzzy or self.phrases)

    def word(self, word: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """For a word of the text (a token of :data:`~index.analysis.TOKEN_PATTERN`): its index terms (stop words
        marked), empty when none can be wanted; those to highlight beside a phrase (a stop word's too, when the
        query names it); and those to highlight where there is no phrase (never a stop word's)."""
        known = self._words.get(word)
        if known is None:
            if self._initials is not None and not self._may_begin(word):
                known = (_NONE, _NONE, _NONE)
            else:
                terms = frozenset(word_terms(word, False, True))
                matched = frozenset(t for t in terms if t in self.terms or (not is_stop_term(t) and t in self))
                known = (terms, matched, frozenset(t for t in matched if not is_stop_term(t)))
            self._words[word] = known
        return known

    def _may_begin(self, word: str) -> bool:
        """:func:`_may_begin`, worked out once per first letter for a word in ASCII (its first letter, lowered
        or raised, is the first letter of the word lowered or raised)."""
        if not word.isascii():
            return _may_begin(word, self._initials)
        first = word[:1]
        may = self._first.get(first)
        if may is None:
            may = self._first[first] = _may_begin(first, self._initials)
        return may


_NONE: frozenset[str] = frozenset()


def _initials(wanted: WantedTerms, fuzzy_terms: Collection[str] | None = None) -> frozenset[str] | None:
    """The first letters of every term ``wanted`` can match; None when it can match a term beginning with
    anything (a fuzzy term free in its first letter, unless ``fuzzy_terms``, every index term its fuzzy terms
    match, says which; an empty prefix) or a stop word (``=the``, whose word begins otherwise)."""
    free = any(prefix == 0 for _text, _maxdist, prefix in wanted.fuzzy)
    if free and fuzzy_terms is None:
        return None
    starts = [*wanted.terms, *wanted.prefixes, *(text for text, _, _ in wanted.fuzzy), *(fuzzy_terms or ()),
              *(word for phrase in wanted.phrases for word in phrase)]
    if any(not start or is_stop_term(start) for start in starts):
        return None
    return frozenset(start[0] for start in starts)


def _candidates(initials: frozenset[str] | None) -> re.Pattern | None:
    """Where in a text a word may begin that can begin a wanted term: a character no word character precedes,
    that is an ASCII character a wanted term's first letter is (in lower case or capitals), an ASCII character
    an accent typed apart follows ("e\u0301cole" is "école"), or any other character (its word is checked as
    :func:`_may_begin` checks it). None when every word may."""
    if initials is None:
        return None
    # Written as the ASCII characters it leaves out: a class naming U+0080 to U+10FFFF took 5 ms to compile (re
    # walks the range), a search's longest single step after the engine's imports.
    never = "".join(f"\\x{code:02x}" for code in range(128) if not _may_begin(chr(code), initials))
    first = f"[^{never}]" if never else r"[\d\D]"
    return re.compile(rf"(?:{first}|[\x00-\x7f](?=[{MARKS}]))(?<!\w.)")


def _may_begin(word: str, initials: frozenset[str]) -> bool:
    """Whether an index term of ``word`` can begin with one of ``initials`` (see :class:`WantedTerms`)."""
    if not word.isascii():
        word = unicodedata.normalize("NFC", word)
    return word.lower()[:1] in initials or word.upper()[:1] in initials


def wanted_terms(q, reader) -> WantedTerms:
    """What to highlight for ``q``: its title and body terms (wildcards expanded to the index's terms), leaving
    out what it excludes (``NOT``)."""
    terms: set[str] = set()
    prefixes: list[str] = []
    fuzzy: list[tuple[str, int, int]] = []
    phrases: dict[tuple[str, ...], None] = {}

    def walk(node) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if not node.is_leaf():
            for child in node.children():
                walk(child)
            return
        if node.field() not in ("body", "title"):
            return
        if isinstance(node, wq.Phrase) and node.slop <= 1 and len(node.words) > 1:
            phrases[tuple(map(_text, node.words))] = None
        elif isinstance(node, wq.Prefix):
            prefixes.append(_text(node.text))
        elif isinstance(node, wq.FuzzyTerm):
            fuzzy.append((_text(node.text), node.maxdist, node.prefixlength))
        else:
            for segment, _offset in reader.leaf_readers():  # per segment: see WantedTerms
                terms.update(_text(text) for _field, text in node.expanded_terms(segment, phrases=True))

    walk(q)
    return WantedTerms(terms, tuple(prefixes), tuple(fuzzy), tuple(phrases), _fuzzy_terms(fuzzy, reader))


def _fuzzy_terms(fuzzy: list[tuple[str, int, int]], reader) -> set[str] | None:
    """Every title and body term of the index that a fuzzy term free in its first letter matches (the shown
    titles and bodies are indexed as stored, so their words' terms are among them): their first letters are the
    only ones such a term can match (see :func:`_initials`). None when no fuzzy term is free."""
    free = [(text, maxdist, prefix) for text, maxdist, prefix in fuzzy if prefix == 0]
    if not free:
        return None
    schema = reader.schema
    found: set[str] = set()
    for field in ("title", "body"):
        if field in schema:
            terms = field_terms(reader, field)
            for text, maxdist, prefix in free:
                found.update(terms.within(text, maxdist, prefix))
    return found


def highlight_spans(text: str, wanted: WantedTerms) -> tuple[list[tuple[int, int]], set[str]]:
    """The character spans of ``text`` to highlight for ``wanted`` (a phrase as one span, from its first word
    to its last), and the index terms found there (stop words left out)."""
    if not wanted:
        return [], set()
    known, word = wanted._words.get, wanted.word  # a word seen before costs a lookup, not a call
    spans: list[tuple[int, int]] = []
    found: set[str] = set()
    if not wanted.phrases and wanted._candidates is not None:
        return _candidate_spans(text, wanted)
    if not wanted.phrases:
        for match in TOKEN_PATTERN.finditer(text):
            token = match.group()
            matched = (known(token) or word(token))[2]
            if matched:
                spans.append(match.span())
                found |= matched
        return spans, found
    positions: list[tuple[int, int, frozenset[str]]] = []  # one per word: an acronym has two terms at one place
    for match in TOKEN_PATTERN.finditer(text):
        token = match.group()
        terms, matched, _ = known(token) or word(token)
        start, end = match.span()
        positions.append((start, end, terms))
        if matched:
            spans.append((start, end))
            found |= matched
    for phrase in wanted.phrases:
        size = len(phrase)
        first = phrase[0]
        for i in range(len(positions) - size + 1):
            if first in positions[i][2] and all(phrase[k] in positions[i + k][2] for k in range(1, size)):
                spans.append((positions[i][0], positions[i + size - 1][1]))
                found.update(t for t in phrase if not is_stop_term(t))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged, {t for t in found if not is_stop_term(t)}


#: A place a wanted word may begin at most this many characters after the tokens read so far end is reached by
#: reading on (where such places are many, as for a fuzzy word matching terms of several first letters).
NEAR_CHARS = 24


def _candidate_spans(text: str, wanted: WantedTerms) -> tuple[list[tuple[int, int]], set[str]]:
    """:func:`highlight_spans` without phrases, reading only the words that may begin a wanted term: from each
    place one may begin (see :func:`_candidates`), back to the last character no token holds, tokens are read
    as reading the whole text reads them, up to the one at that place (splitting every word of 20 hits into
    tokens cost more than the rest of a search for a word in every article)."""
    known, word = wanted._words.get, wanted.word
    spans: list[tuple[int, int]] = []
    found: set[str] = set()
    done = 0  # where the tokens read so far end
    token_char = TOKEN_CHAR.match
    tokens = None
    for candidate in wanted._candidates.finditer(text):
        place = candidate.start()
        if place < done:
            continue
        if tokens is None or place - done > NEAR_CHARS:
            start = place
            while start > done and token_char(text, start - 1):
                start -= 1
            tokens = TOKEN_PATTERN.finditer(text, start)
        # else the tokens read so far go on to this place: reading on costs less than starting again
        for match in tokens:
            token = match.group()
            done = match.end()
            matched = (known(token) or word(token))[2]
            if matched:
                spans.append(match.span())
                found |= matched
            if done > place:
                break
    return spans, found


def _text(term: str | bytes) -> str:
    return term.decode("utf-8", "replace") if isinstance(term, bytes) else term


def fragments(text: str, spans: list[tuple[int, int]], limit: int = MAX_FRAGMENTS) -> list[Fragment]:
    """Up to ``limit`` snippets of ``text`` around the matched ``spans``, richest first, then in text order."""
    if not spans:
        return []
    windows: list[tuple[int, int, list[tuple[int, int]]]] = []
    for start, end in spans:
        if windows and start < windows[-1][1] - 10:
            windows[-1][2].append((start, end))
            continue
        lo = _snap(text, max(0, start - FRAGMENT_CHARS // 3), backward=True)
        hi = _snap(text, min(len(text), lo + FRAGMENT_CHARS), backward=False)
        windows.append((lo, hi, [(start, end)]))
    ranked = sorted(windows, key=lambda w: (-len({text[s:e].lower() for s, e in w[2]}), w[0]))[:limit]
    out = []
    for lo, hi, matches in sorted(ranked, key=lambda w: w[0]):
        inside = [(s - lo, min(e, hi) - lo) for s, e in matches if s < hi]
        snippet = text[lo:hi]
        out.append(Fragment(text=snippet, start=lo, matches=tuple(inside)))
    return out


def _snap(text: str, position: int, *, backward: bool) -> int:
    """Move ``position`` to a word boundary (at most 15 characters)."""
    step = -1 if backward else 1
    for _ in range(15):
        if position <= 0 or position >= len(text) or text[position].isspace():
            return position
        position += step
    return position
