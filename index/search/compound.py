"""ANDs, ORs and phrases matched on decoded postings: documents found as sets of ids, scored only once known.

Whoosh intersects an AND's parts (each word is itself a union of its title and body terms) one posting at a
time: a ``skip_to`` through a tree of matchers for every candidate document, and a phrase does the same before
reading any position. Here each term's postings are decoded a block at a time into arrays of ids and
frequencies (:func:`read_postings`), an AND is the intersection of its parts' id sets, a phrase reads the
positions of the documents that have all its words, and only the documents found are scored.

The scores are Whoosh's to the last bit: each is the same BM25 of each term, summed in the shape of the tree of
matchers Whoosh would build (an OR's and an AND's by estimated size, a phrase's in order of its words), boosts
applied where Whoosh applies them. A query with anything else in it (``NOT``, a slop, a range) is left to
Whoosh, whole (:func:`scored_documents` gives None).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from itertools import accumulate
from operator import itemgetter
from pickle import loads

from whoosh import query as wq
from whoosh.formats import Positions
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.system import _INT_SIZE

from .terms import BM25Parts, TermUnion, WordFuzzy, WordPrefix, _field_lengths, read_postings


class _Unsupported(Exception):
    """Part of the query is not one this module matches the way Whoosh does: Whoosh matches the query."""


# --- the tree of matchers, as sets of documents and their scores ----------------------------------------

class _Node:
    """A part of the query in one segment. ``find(among)`` gives the documents it matches (among those of
    ``among``, when given: a smaller part's), kept as ``docs``; then ``scores(wanted)`` gives the score of each of
    ``wanted`` (a subset of ``docs``) as Whoosh's matcher for the part gives it. ``size`` is an upper bound of the
    documents it matches, to find the smaller parts of an AND first."""

    docs: set[int]
    size: int

    def find(self, among: set[int] | None) -> set[int]:
        raise NotImplementedError

    def scores(self, wanted: set[int]) -> dict[int, float]:
        raise NotImplementedError


#: A term whose documents are looked for among fewer than this share of its own is read only in the blocks that
#: may hold them.
SPARSE_SHARE = 0.25


class _TermNode(_Node):
    def __init__(self, searcher, context, field: str, btext: bytes, boost: float, positions: bool = False) -> None:
        reader = searcher.reader()
        self.reader, self.field, self.btext, self.boost, self.positions_too = reader, field, btext, boost, positions
        self.size = reader.doc_frequency(field, btext)
        self.postings = None
        self.docs = set()
        weighting = context.weighting if context is not None else searcher.weighting
        if weighting is None:
            weighting = searcher.weighting
        if (field, btext) in reader:
            self.bm25 = BM25Parts.of(weighting.scorer(searcher, field, btext), _field_lengths(reader, field))
            if self.bm25 is None:
                raise _Unsupported(field)
        self.format = reader.schema[field].format if positions else None

    def find(self, among: set[int] | None) -> set[int]:
        if not self.size or (among is not None and not among):
            return self.docs
        sparse = among is not None and len(among) < self.size * SPARSE_SHARE
        self.postings = read_postings(self.reader, self.field, self.btext, self.positions_too,
                                      sorted(among) if sparse else None)
        if self.postings is not None:
            self.docs = set(self.postings.ids)
            if among is not None and not sparse:
                self.docs &= among
        return self.docs

    def scores(self, wanted: set[int]) -> dict[int, float]:
        if not wanted:
            return {}
        postings = self.postings
        if len(wanted) == len(postings.ids):
            return self.bm25.scores(postings.ids, postings.tfs, self.boost)
        kept = [(docnum, tf) for docnum, tf in zip(postings.ids, postings.tfs, strict=True) if docnum in wanted]
        return self.bm25.scores([docnum for docnum, _ in kept], [tf for _, tf in kept], self.boost)

    def positions(self, docnum: int):
        """The positions of the term in a document it is in (an iterable)."""
        value = self.postings.values[bisect_left(self.postings.ids, docnum)]
        if type(self.format) is Positions:
            # Whoosh's Positions.decode_positions, the running sum taken in C
            if not value.endswith(b"."):
                value += b"."
            return accumulate(loads(value[_INT_SIZE:]))
        return self.format.decode_as("positions", value)


class _MatcherNode(_Node):
    """A part whose own matcher (a prefix, a fuzzy word, a union of terms) already gives every match in one
    piece: its ids and scores, read through."""

    def __init__(self, q, searcher, context) -> None:
        m = q.matcher(searcher, context)
        found: dict[int, float] = {}
        if type(m) is ListMatcher and not m._i and m._weights and not m._all_weights and not m._scorer:
            found = dict(zip(m._ids, m._weights, strict=True))
        else:
            while m.is_active():
                found[m.id()] = m.score()
                m.next()
        self.found = found
        self.size = len(found)
        self.docs = set()

    def find(self, among: set[int] | None) -> set[int]:
        self.docs = set(self.found) if among is None else among.intersection(self.found)
        return self.docs

    def scores(self, wanted: set[int]) -> dict[int, float]:
        found = self.found
        return {docnum: found[docnum] for docnum in wanted}


class _Union(_Node):
    def __init__(self, a: _Node, b: _Node) -> None:
        self.a, self.b = a, b
        self.size = a.size + b.size
        self.docs = set()

    def find(self, among: set[int] | None) -> set[int]:
        self.docs = self.a.find(among) | self.b.find(among)
        return self.docs

    def scores(self, wanted: set[int]) -> dict[int, float]:
        a = self.a.scores(wanted & self.a.docs)
        b = self.b.scores(wanted & self.b.docs)
        out = a
        for docnum, score in b.items():
            mine = out.get(docnum)
            out[docnum] = score if mine is None else mine + score
        return out


class _Intersection(_Node):
    def __init__(self, a: _Node, b: _Node) -> None:
        self.a, self.b = a, b
        self.size = min(a.size, b.size)
        self.docs = set()

    def find(self, among: set[int] | None) -> set[int]:
        first, second = (self.a, self.b) if self.a.size <= self.b.size else (self.b, self.a)
        found = first.find(among)
        self.docs = second.find(found) if found else set()
        return self.docs

    def scores(self, wanted: set[int]) -> dict[int, float]:
        a = self.a.scores(wanted)
        b = self.b.scores(wanted)
        return {docnum: a[docnum] + b[docnum] for docnum in wanted}


class _Boosted(_Node):
    def __init__(self, child: _Node, boost: float) -> None:
        self.child, self.boost = child, boost
        self.size = child.size
        self.docs = set()

    def find(self, among: set[int] | None) -> set[int]:
        self.docs = self.child.find(among)
        return self.docs

    def scores(self, wanted: set[int]) -> dict[int, float]:
        boost = self.boost
        return {docnum: score * boost for docnum, score in self.child.scores(wanted).items()}


class _Phrase(_Node):
    """Words side by side (slop 1): the documents having every word, whose positions then line up; scored as
    Whoosh's span matcher scores them, by the sum of its words' scores (a tree in the order of the words)."""

    def __init__(self, words: list[_TermNode]) -> None:
        self.words = words
        self.tree = _binary_tree(_Intersection, words)
        self.size = self.tree.size
        self.docs = set()

    def find(self, among: set[int] | None) -> set[int]:
        words = self.words
        found = self.tree.find(among)
        if len(words) > 1 and found:
            kept = set()
            for docnum in found:
                starts = set(words[0].positions(docnum))
                for k in range(1, len(words)):
                    starts &= {p - k for p in words[k].positions(docnum)}
                    if not starts:
                        break
                if starts:
                    kept.add(docnum)
            found = kept
        self.docs = found
        return found

    def scores(self, wanted: set[int]) -> dict[int, float]:
        return self.tree.scores(wanted)


def _binary_tree(cls, nodes: list[_Node]) -> _Node:
    """Whoosh's ``make_binary_tree``: halves, in order."""
    if len(nodes) == 1:
        return nodes[0]
    half = len(nodes) // 2
    return cls(_binary_tree(cls, nodes[:half]), _binary_tree(cls, nodes[half:]))


def _weighted_tree(cls, weighted: list[tuple[float, _Node]]) -> _Node:
    """Whoosh's ``make_weighted_tree``: the two lightest joined first, the join placed after those of equal
    weight. Whoosh sorts ``(weight, matcher)`` pairs, and a matcher never compares less than another (equal when
    of one class, neither less nor equal else), so parts of equal weight keep their order, as they do here."""
    items = sorted(weighted, key=itemgetter(0))
    while len(items) > 1:
        (wa, a), (wb, b) = items.pop(0), items.pop(0)
        insort(items, (wa + wb, cls(a, b)), key=itemgetter(0))
    return items[0][1]


def _node(q, searcher, context) -> _Node:
    """The node matching ``q`` in this segment as Whoosh's matcher for it would (see :class:`_Node`)."""
    if isinstance(q, (WordPrefix, WordFuzzy, TermUnion)):
        return _MatcherNode(q, searcher, context)
    if type(q) is wq.Term:
        if q.fieldname not in searcher.schema:
            return _Empty()
        field = searcher.schema[q.fieldname]
        try:
            btext = field.to_bytes(q.text)
        except ValueError:
            return _Empty()
        if q.minquality:
            raise _Unsupported("minquality")
        return _TermNode(searcher, context, q.fieldname, btext, q.boost)
    if type(q) in (wq.Phrase, FastPhrase):
        return _phrase(q, searcher, context)
    if type(q) in (wq.And, FastAnd, wq.Or, FastOr):
        subs = q.subqueries
        if not subs:
            return _Empty()
        if len(subs) == 1:
            return _node(subs[0], searcher, context)
        reader = searcher.reader()
        if isinstance(q, wq.And):
            return _boost(_weighted_tree(_Intersection, [(0 - sub.estimate_size(reader), _node(sub, searcher, context))
                                                         for sub in subs]), q.boost)
        if q.minmatch or q.scale or len(subs) >= wq.Or.TOO_MANY_CLAUSES:
            raise _Unsupported("or")
        needs_current = context.needs_current if context is not None else True
        if not (needs_current or len(subs) == 2 or searcher.doc_count_all() > 5000):
            raise _Unsupported("preloaded or")  # Whoosh's array of scores, summed in another order
        return _boost(_weighted_tree(_Union, [(sub.estimate_size(reader), _node(sub, searcher, context))
                                              for sub in subs]), q.boost)
    raise _Unsupported(type(q).__name__)


def _boost(node: _Node, boost: float) -> _Node:
    return node if boost == 1.0 else _Boosted(node, boost)


def _phrase(q, searcher, context) -> _Node:
    """Whoosh's ``Phrase.matcher``: nothing when a word is not in the segment, its words' span matcher else."""
    if q.slop != 1 or q.fieldname not in searcher.schema:
        raise _Unsupported("phrase")
    field = searcher.schema[q.fieldname]
    if not field.format or not field.format.supports("positions"):
        raise _Unsupported("phrase without positions")
    reader = searcher.reader()
    words = []
    for word in q.words:
        try:
            btext = field.to_bytes(word)
        except ValueError:
            return _Empty()
        if (q.fieldname, btext) not in reader:
            return _Empty()
        words.append(_TermNode(searcher, context, q.fieldname, btext, 1.0, positions=True))
    if not words:
        raise _Unsupported("empty phrase")
    return _boost(_Phrase(words), q.boost)


class _Empty(_Node):
    def __init__(self) -> None:
        self.docs = set()
        self.size = 0

    def find(self, among: set[int] | None) -> set[int]:
        return self.docs

    def scores(self, wanted: set[int]) -> dict[int, float]:
        return {}


def scored_documents(q, searcher, context) -> tuple[list[int], list[float]] | None:
    """Every document of this segment ``q`` matches, in order, with Whoosh's score for each; None when part of
    ``q`` is not one matched here (Whoosh must match it)."""
    try:
        node = _node(q, searcher, context)
    except _Unsupported:
        return None
    docs = node.find(None)
    scores = node.scores(docs)
    ids = sorted(docs)
    return ids, [scores[docnum] for docnum in ids]


def _matcher(q, fallback, searcher, context):
    found = scored_documents(q, searcher, context)
    if found is None:
        return fallback(searcher, context)
    ids, scores = found
    return ListMatcher(ids, weights=scores) if ids else NullMatcher()


class FastAnd(wq.And):
    """An AND matched on decoded postings (see the module's description); Whoosh's matcher where it cannot be."""

    def matcher(self, searcher, context=None):
        return _matcher(self, super().matcher, searcher, context)


class FastOr(wq.Or):
    """An OR of phrases, ANDs and terms matched on decoded postings; Whoosh's matcher where it cannot be."""

    def matcher(self, searcher, context=None):
        return _matcher(self, super().matcher, searcher, context)


class FastPhrase(wq.Phrase):
    """A phrase matched on decoded postings and positions read for the documents having all its words."""

    def matcher(self, searcher, context=None):
        return _matcher(self, super().matcher, searcher, context)


def fast(q):
    """``q`` with its outermost AND, OR or phrase matched here (the same documents and scores)."""
    if type(q) is wq.And:
        return FastAnd(q.subqueries, boost=q.boost)
    if type(q) is wq.Or and not q.minmatch and not q.scale:
        return FastOr(q.subqueries, boost=q.boost)
    if type(q) is wq.Phrase:
        return FastPhrase(q.fieldname, q.words, slop=q.slop, boost=q.boost, char_ranges=q.char_ranges)
    return q
