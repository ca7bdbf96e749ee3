"""Snippets as character offsets: which words of a text a query matched, and the fragments around them."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein
from whoosh import query as wq

from ..analysis import analyze, is_stop_term, spans_of, term_matches
from ..models import Fragment

FRAGMENT_CHARS = 160
MAX_FRAGMENTS = 3

# --- snippets -------------------------------------------------------------------------------------------

class WantedTerms:
    """The index terms a query looks for in titles and bodies: exact terms, prefixes for ``bank*`` and fuzzy
    terms for ``bank~``.

    Highlighting asks this of every word of every shown hit. A prefix stays a prefix and a fuzzy term an edit
    distance, checked word by word, instead of being expanded into the index terms they match (for a fuzzy
    term an automaton per segment and field, another 10-20 ms a query; on an index of several segments, which
    an update leaves, Whoosh expands across them with a Python edit distance over every term: 0.6 s)."""

    __slots__ = ("fuzzy", "phrases", "prefixes", "terms")

    def __init__(self, terms: set[str] | None = None, prefixes: tuple[str, ...] = (),
                 fuzzy: tuple[tuple[str, int, int], ...] = (), phrases: tuple[tuple[str, ...], ...] = ()) -> None:
        self.terms = terms or set()
        self.prefixes = prefixes
        #: ``(text, maxdist, prefixlength)``, matched as Whoosh's automaton matches a fuzzy term.
        self.fuzzy = fuzzy
        #: The terms of each exact phrase, in order: highlighted only where they stand side by side.
        self.phrases = phrases

    def __contains__(self, term: str) -> bool:
        if term in self.terms or (self.prefixes and term.startswith(self.prefixes)):
            return True
        return any(term[:prefix] == text[:prefix] and Levenshtein.distance(term, text, score_cutoff=maxdist) <= maxdist
                   for text, maxdist, prefix in self.fuzzy)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.fuzzy or self.phrases)


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
    return WantedTerms(terms, tuple(prefixes), tuple(fuzzy), tuple(phrases))


def highlight_spans(text: str, wanted: WantedTerms) -> tuple[list[tuple[int, int]], set[str]]:
    """The character spans of ``text`` to highlight for ``wanted`` (a phrase as one span, from its first word
    to its last), and the index terms found there (stop words left out)."""
    if not wanted:
        return [], set()
    if not wanted.phrases:
        matches = term_matches(text, wanted)
        return spans_of(matches), {term for term, _, _ in matches}
    positions: list[tuple[int, int, set[str]]] = []  # one per word: an acronym has two terms at one position
    for term, start, end in analyze(text, stops=True):
        if positions and positions[-1][0] == start:
            positions[-1][2].add(term)
        else:
            positions.append((start, end, {term}))
    spans: list[tuple[int, int]] = []
    found: set[str] = set()
    for start, end, terms in positions:
        matched = {t for t in terms if t in wanted.terms or (not is_stop_term(t) and t in wanted)}
        if matched:
            spans.append((start, end))
            found |= matched
    for phrase in wanted.phrases:
        size = len(phrase)
        for i in range(len(positions) - size + 1):
            if all(phrase[k] in positions[i + k][2] for k in range(size)):
                spans.append((positions[i][0], positions[i + size - 1][1]))
                found.update(t for t in phrase if not is_stop_term(t))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged, {t for t in found if not is_stop_term(t)}


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
