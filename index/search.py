"""Searching: Whoosh's query language with friendly fields, entity expansion, snippets as offsets.

Query language (Whoosh's): ``AND``/``OR``/``NOT``, ``"phrases"``, ``field:term``, ``term~`` (fuzzy),
``prefix*``, ``date:[2021-08-01 TO 2021-08-31]``, with these fields:

``title:`` ``source:`` ``date:`` (``published:``) ``language:`` ``entity:`` ``person:`` ``org:`` ``place:``
``group:``.

Entity fields match canonical entities: ``entity:"Sabihullah Mujahid"`` finds every article that names him in
any spelling the corpus uses, because the name is expanded into all the surface forms of its entity here, at
query time. A query Whoosh would silently misread (an open quote, an unknown field, a dangling ``AND``) is
refused with a :class:`QueryError` that says where.

All Whoosh reading lives here.
"""

from __future__ import annotations

import math
import re
import time
import weakref
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.qparser import FuzzyTermPlugin, GtLtPlugin, MultifieldPlugin, PhrasePlugin, QueryParser
from whoosh.qparser.syntax import attach
from whoosh.spelling import Corrector

from .analysis import STOP_MARK, STOP_WORDS, analyze, is_stop_term, spans_of, term_matches, word_terms
from .entities import EntityRegistry
from .models import FacetCount, Fragment, Hit, QueryError, SearchResult
from .store import ENTITY_FIELDS

#: Field names a user may type, mapped to the schema's.
FIELD_ALIASES = {
    "title": "title",
    "body": "body",
    "text": "body",
    "source": "source",
    "date": "published",
    "published": "published",
    "language": "language",
    "lang": "language",
    "entity": "entity",
    "person": "person",
    "org": "org",
    "place": "place",
    "group": "group",
    "id": "id",
}
ENTITY_QUERY_FIELDS = ("entity", *ENTITY_FIELDS)
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
FRAGMENT_CHARS = 160
MAX_FRAGMENTS = 3
ENTITY_FACET_DEPTH = 200
#: Longest query accepted. Whoosh's spelling corrector and fuzzy terms build automata that grow with the
#: length of a word: a pasted page of text as a query took minutes. No query a person types comes near this.
MAX_QUERY_CHARS = 1000
#: Deepest nesting of brackets accepted (Whoosh's parser recurses once per level).
MAX_NESTING = 50
#: Largest edit distance of a fuzzy term (``word~N``): beyond it every word matches, and slowly.
MAX_FUZZY_DISTANCE = 3
#: Words longer than this get no "did you mean" (no real word is this long, and correcting one is slow).
MAX_SUGGEST_WORD = 40
#: Letters a stem can drop from the end of a word ("failing" -> ``fail``): the stems shorter than a prefix by
#: at most this many are checked (see :func:`prefix_query`).
STEM_SUFFIX_CHARS = 4
#: Documents read to decide whether a prefix's stem is a word the prefix begins (see :func:`prefix_query`).
STEM_SAMPLE_DOCS = 10
#: Documents whose canonical entities are kept between searches (an LRU, about 150 bytes a document). Reading
#: them again costs: with 2,000 kept, searches that each read 200 other documents (the benchmark's set, run
#: round after round) took 15 ms longer; all of Reuters (19,043) fits, a corpus of 100,000 keeps a fifth.
ENTITY_CACHE_DOCS = 20_000
#: Prefix queries whose stem check is remembered (an LRU).
STEM_CACHE_SIZE = 256


# --- checking a query before Whoosh sees it -------------------------------------------------------------

class IncompleteQuery(QueryError):
    """A query that is not finished yet (an open quote or bracket, a trailing ``NOT`` or ``field:``): what one
    reads while it is being typed. A reader can keep its last results and wait for the rest."""

    incomplete = True


_WORD = re.compile(r'[^\s()"\[\]{}]+')


def validate(text: str) -> None:
    """Refuse what Whoosh's forgiving parser would silently misread, and what would take it too long."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text):,} characters; at most {MAX_QUERY_CHARS:,})",
                         MAX_QUERY_CHARS, text)
    stack: list[tuple[str, int]] = []
    pairs = {")": "(", "]": "[", "}": "{"}
    previous_operator: tuple[str, int] | None = None
    seen_term = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            close = text.find('"', i + 1)
            if close == -1:
                raise IncompleteQuery("unclosed quote", i, text)
            i = close + 1
            previous_operator, seen_term = None, True
            continue
        if ch in "([{":
            stack.append((ch, i))
            if len(stack) > MAX_NESTING:
                raise QueryError(f"brackets nested too deeply (at most {MAX_NESTING} levels)", i, text)
        elif ch in ")]}":
            if not stack or stack[-1][0] != pairs[ch]:
                raise QueryError(f"unmatched '{ch}'", i, text)
            stack.pop()
            if ch == ")" and previous_operator and previous_operator[0] != "NOT":
                raise QueryError(f"nothing after {previous_operator[0]}", previous_operator[1], text)
        elif not ch.isspace():
            match = _WORD.match(text, i)
            if match:
                word = match.group()
                _check_word(word, i, text, inside_range=bool(stack and stack[-1][0] in "[{"))
                fuzzy = _FUZZY.search(word)
                if fuzzy and int(fuzzy.group(1)) > MAX_FUZZY_DISTANCE:
                    raise QueryError(f"fuzzy distance {fuzzy.group(1)} too large (at most {MAX_FUZZY_DISTANCE})",
                                     i + fuzzy.start(), text)
                if word in _OPERATORS and not (stack and stack[-1][0] in "[{"):
                    if word != "NOT" and (not seen_term or previous_operator):
                        where = previous_operator[1] if previous_operator else i
                        raise QueryError(f"{word} needs a term on each side", where, text)
                    previous_operator = (word, i)
                else:
                    previous_operator, seen_term = None, True
                i = match.end()
                continue
        i += 1
    if stack:
        ch, position = stack[-1]
        raise IncompleteQuery(f"unclosed '{ch}'", position, text)
    if previous_operator:
        raise IncompleteQuery(f"nothing after {previous_operator[0]}", previous_operator[1], text)


_FUZZY = re.compile(r"(?<=[^\s~])~(\d+)")
_FIELD_PREFIX = re.compile(r"^([A-Za-z_][\w-]*):(.*)$", re.S)


def _check_word(word: str, position: int, text: str, *, inside_range: bool) -> None:
    match = _FIELD_PREFIX.match(word)
    if not match or inside_range:
        return
    name, rest = match.group(1), match.group(2)
    if name.lower() not in FIELD_ALIASES:
        known = ", ".join(sorted(k for k in FIELD_ALIASES if k not in ("text", "lang", "published", "body")))
        raise QueryError(f"unknown field '{name}' (fields: {known})", position, text)
    after = position + len(word)
    if not rest and after >= len(text):
        raise IncompleteQuery(f"nothing after '{name}:'", position, text)
    if not rest and text[after].isspace():
        raise QueryError(f"nothing after '{name}:'", position, text)


# --- parsing --------------------------------------------------------------------------------------------

#: Fields analysed by :func:`~index.analysis.news_analyzer`, whose phrases keep their stop words.
TEXT_FIELDS = ("title", "body", "source")


class _PhraseNode(PhrasePlugin.PhraseNode):
    """A quoted phrase whose stop words stay in it, each matching exactly that word (the index holds them at
    their positions: see :mod:`index.analysis`). Whoosh drops them from a phrase, leaving words the text
    never prints side by side ("We hope that the Afghans" became ``hope afghan``, which is never adjacent)."""

    def query(self, parser):
        fieldname = self.fieldname or parser.fieldname
        if fieldname not in TEXT_FIELDS or not parser.schema or fieldname not in parser.schema:
            return super().query(parser)
        start = self.textstartchar
        tokens = parser.schema[fieldname].tokenize(self.text, mode="query", chars=True, removestops=False)
        words, char_ranges = [], []
        for token in tokens:
            words.append(token.text)
            char_ranges.append((start + token.startchar, start + token.endchar))
        return attach(parser.phraseclass(fieldname, words, slop=self.slop, boost=self.boost,
                                         char_ranges=char_ranges), self)


class _PhraseTagger(PhrasePlugin.PhraseTagger):
    def create(self, parser, match):
        slop = match.group("slop")
        return _PhraseNode(match.group("text"), match.start("text"), int(slop) if slop else 1)


class _PhrasePlugin(PhrasePlugin):
    def taggers(self, parser):
        return [(_PhraseTagger(self.expr), 0)]


class _Parser(QueryParser):
    """Whoosh's parser over titles and bodies, but a prefix in them is the prefix as typed (see
    :func:`prefix_query`) and a phrase keeps its stop words (see :class:`_PhraseNode`)."""

    def __init__(self, schema, stem_fits: Callable[[str, str, str], bool]) -> None:
        super().__init__(None, schema=schema)
        self.remove_plugin_class(PhrasePlugin)
        self.add_plugin(_PhrasePlugin())
        self.add_plugin(MultifieldPlugin(["title", "body"], fieldboosts={"title": 2.0}))
        self.stem_fits = stem_fits

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        if termclass is wq.Prefix and fieldname in ("title", "body"):
            return prefix_query(fieldname, text, boost, self.stem_fits)
        if termclass is wq.FuzzyTerm:
            termclass = WordFuzzy
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)


def make_parser(schema, stem_fits: Callable[[str, str, str], bool] = lambda field, stem, typed: False):
    """The query parser. ``stem_fits(field, stem, typed)``: whether the corpus has a word beginning with
    ``typed`` whose index term is ``stem`` (see :func:`prefix_query`)."""
    parser = _Parser(schema, stem_fits)
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(GtLtPlugin())
    return parser


def prefix_query(field: str, typed: str, boost: float, stem_fits: Callable[[str, str, str], bool]):
    """The query for ``typed*`` in a text field: index terms (stems) that begin with the prefix as typed.

    Whoosh would stem the prefix itself, and the stem of a prefix is a shorter prefix: ``expe*`` became
    ``exp*``, matching "explain", "export" and every other exp- word (5,741 Reuters articles instead of 3,489),
    and ``pers*`` became ``per*``. The words the prefix begins are stemmed in the index, though, and a
    stem can end before the prefix does ("agreed" is indexed as ``agre``, which ``agree*`` must find): that
    stem is added as an exact term when the corpus writes such a word (``stem_fits``, which reads a few
    articles); ``pers`` stems to ``per`` too, but no word indexed as ``per`` begins with "pers". The same
    holds for a prefix that goes past a word's stem: ``faili*`` finds "failing" (``fail``). Where stemming
    changes a letter ("company" -> ``compani``) the stem is the prefix, as the index holds the word that way.
    An acronym keeps its case, as the index keeps it."""
    terms = word_terms(typed, True)
    lowered = re.sub(r"['’]s$", "", typed.lower())
    query = _stemmed_prefix(field, typed, lowered, terms, boost, stem_fits)
    if lowered.isalpha() and any(word.startswith(lowered) for word in STOP_WORDS):
        # Stop words are indexed apart (``=with``): ``with*`` finds "with" as well as "within".
        return wq.Or([query, WordPrefix(field, STOP_MARK + lowered, boost=boost)])
    return query


def _stemmed_prefix(field: str, typed: str, lowered: str, terms: tuple[str, ...], boost: float,
                    stem_fits: Callable[[str, str, str], bool]):
    if not terms:  # a stop word ("the*"): the words it begins are not all stop words
        return WordPrefix(field, lowered, boost=boost)
    stem = terms[0]
    if not lowered.startswith(stem):
        # Stemming changed a letter: "company*" is held as ``compani``, but "analy*" (stem ``anali``) must still
        # find ``analyst``: both prefixes.
        return wq.Or([WordPrefix(field, lowered, boost=boost), WordPrefix(field, stem, boost=boost)])
    prefix = WordPrefix(field, lowered, boost=boost)
    # Stems that end before the prefix does: "failing" is indexed as ``fail``, which ``faili*`` must find.
    shorter = {stem} | {lowered[:k] for k in range(max(3, len(lowered) - STEM_SUFFIX_CHARS), len(lowered))}
    stems = [wq.Term(field, s, boost=boost) for s in sorted(shorter - {lowered}) if stem_fits(field, s, lowered)]
    return wq.Or([prefix, *stems]) if stems else prefix


class WordPrefix(wq.Prefix):
    """A prefix query whose terms' postings are read one after the other into one score per document.

    Whoosh ORs the terms a prefix expands to in a binary tree of union matchers, which every matching
    document climbs: ``expe*`` (19 terms in each of title and body) spent 80 % of its 100 ms there. Summing
    each term's scores per document gives the same documents and the same scores (see :func:`summed_matcher`)."""

    def matcher(self, searcher, context=None):
        words = [word for word in self._btexts(searcher.reader()) if word]
        if len(words) <= 1:
            return super().matcher(searcher, context)
        return summed_matcher(searcher, context, [(self.fieldname, word, self.boost) for word in words])


class WordFuzzy(wq.FuzzyTerm):
    """A fuzzy term (``word~``) whose index terms are looked up in the field's term list (see :class:`FieldTerms`)
    and matched as :class:`WordPrefix` is: each term's postings read once, scores summed per document.

    Whoosh walks the term dictionary with a Levenshtein automaton built in Python, for every query, segment and
    field, twice (once to estimate the size of the OR, once to match it), then ORs the terms in a union tree:
    36 ms a fuzzy query on Reuters, three quarters of it in the automaton. The terms are the same ones (within
    ``maxdist`` Levenshtein edits, the first ``prefixlength`` letters equal: what the automaton accepts), and so
    are the documents and their scores."""

    def _btexts(self, ixreader):
        if len(self.text) < self.prefixlength or self.fieldname not in ixreader.schema:
            return super()._btexts(ixreader)  # Whoosh's own automaton, errors and all
        to_bytes = ixreader.schema[self.fieldname].to_bytes
        terms = field_terms(ixreader, self.fieldname).within(self.text, self.maxdist, self.prefixlength)
        return [to_bytes(word) for word in terms]

    def matcher(self, searcher, context=None):
        terms = self.scored_terms(searcher, context)
        if terms is None or len(terms) <= 1:
            return super().matcher(searcher, context)
        return summed_matcher(searcher, context, terms)

    def scored_terms(self, searcher, context) -> list[tuple[str, bytes, float]] | None:
        """``(field, term, boost)`` of the terms, when Whoosh would score each document by the sum of its terms'
        scores; None when it would not, and its own matcher must run: a segment of at most 5,000
        documents or a term list of 1,024 or more, where Whoosh preloads the matches and, for a fuzzy term, gives
        each the same score (its ``Or`` picks that matcher by size; the answers stay Whoosh's exactly)."""
        words = [word for word in self._btexts(_top_reader(searcher)) if word]
        if self.constantscore and len(words) > 2:
            needs_current = context.needs_current if context is not None else False
            if len(words) >= wq.Or.TOO_MANY_CLAUSES or not (needs_current or searcher.doc_count_all() > 5000):
                return None
        return [(self.fieldname, word, self.boost) for word in words]


def _top_reader(searcher):
    """The reader of the whole index (a matcher is asked for one segment's searcher at a time)."""
    return (searcher.get_parent() if searcher.has_parent() else searcher).reader()


class FieldTerms:
    """Every index term of one field, in every segment, sorted (and, once a fuzzy term needs them, their places
    in the order of the terms spelt backwards): what fuzzy terms and spelling suggestions look words up in, by
    binary search rather than a pass over the term dictionary. Reuters: 35,543 body and 28,002 title terms,
    about 4 MB together; the backwards order is an array of positions (4 bytes a term), not a second list."""

    __slots__ = ("_backwards", "words")

    def __init__(self, reader, fieldname: str) -> None:
        from_bytes = reader.schema[fieldname].from_bytes
        words: set[str] = set()
        for segment, _offset in reader.leaf_readers():
            words.update(map(from_bytes, segment.lexicon(fieldname)))
        self.words = sorted(words)  # code point order: the term dictionary's (UTF-8 bytes) order
        self._backwards: array | None = None

    def starting(self, prefix: str) -> list[str]:
        """The terms that begin with ``prefix``."""
        if not prefix:
            return self.words
        words = self.words
        return words[bisect_left(words, prefix):bisect_left(words, prefix + "\U0010ffff")]

    def ending(self, suffix: str) -> list[str]:
        """The terms that end with ``suffix``."""
        words = self.words
        if self._backwards is None:
            self._backwards = array("I", sorted(range(len(words)), key=lambda i: words[i][::-1]))
        backwards, key = self._backwards, suffix[::-1]

        def spelt_backwards(i: int) -> str:
            return words[i][::-1]

        lo = bisect_left(backwards, key, key=spelt_backwards)
        hi = bisect_left(backwards, key + "\U0010ffff", lo, key=spelt_backwards)
        return [words[i] for i in backwards[lo:hi]]

    def within(self, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        """The terms within ``maxdist`` Levenshtein edits of ``text`` that begin with its first ``prefix``
        letters, in the term dictionary's order.

        One edit leaves one half of a word whole: a term one edit from ``text`` begins with its first half or
        ends with its second, so only those terms are compared. Other distances compare every term that shares
        the prefix (rapidfuzz: about 3 ms for 25,000 terms)."""
        start = text[:prefix]
        if maxdist == 1 and len(text) >= 2:
            half = max(len(start), len(text) // 2)
            candidates = set(self.starting(text[:half]))
            if half < len(text) and half == len(text) // 2:
                candidates.update(self.ending(text[half:]))
            return sorted(word for word in candidates
                          if word.startswith(start) and Levenshtein.distance(word, text, score_cutoff=1) <= 1)
        found = process.extract(text, self.starting(start), scorer=Levenshtein.distance, score_cutoff=maxdist,
                                limit=None)
        return sorted(word for word, _distance, _index in found)


#: The :class:`FieldTerms` of each open index reader, by field; dropped with the reader.
_FIELD_TERMS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def field_terms(reader, fieldname: str) -> FieldTerms:
    """The terms of ``fieldname`` in ``reader``, listed on first use and kept while the reader is open."""
    kept = _FIELD_TERMS.get(reader)
    if kept is None:
        kept = _FIELD_TERMS[reader] = {}
    terms = kept.get(fieldname)
    if terms is None:
        terms = kept[fieldname] = FieldTerms(reader, fieldname)
    return terms


class TermUnion(wq.Or):
    """An OR of terms and prefixes (a word searched in title and body, ``a OR b``, an entity's names), matched
    as :class:`WordPrefix` is: each term's postings read once, scores summed per document. Whoosh's union tree
    costs about as much as scoring again for every document a common word matches (``company``: 6,150)."""

    def matcher(self, searcher, context=None):
        terms = _union_terms(self, searcher, context, 1.0)
        if terms is None:  # not only terms after all
            return wq.Or(self.subqueries, boost=self.boost).matcher(searcher, context)
        return summed_matcher(searcher, context, terms)


def _union_terms(q, searcher, context, boost: float) -> list[tuple[str, bytes, float]] | None:
    """``(field, term, boost)`` of every term ``q`` (an OR of terms and prefixes) matches, or None."""
    if isinstance(q, WordFuzzy):
        terms = q.scored_terms(searcher, context)
        return None if terms is None else [(field, word, weight * boost) for field, word, weight in terms]
    if isinstance(q, WordPrefix):
        return [(q.fieldname, word, q.boost * boost) for word in q._btexts(searcher.reader()) if word]
    if type(q) is wq.Term:
        try:
            return [(q.fieldname, searcher.schema[q.fieldname].to_bytes(q.text), q.boost * boost)]
        except (KeyError, ValueError):
            return []
    if isinstance(q, wq.Or) and not q.minmatch and not q.scale:
        terms: list[tuple[str, bytes, float]] = []
        for sub in q.subqueries:
            found = _union_terms(sub, searcher, context, boost * q.boost)
            if found is None:
                return None
            terms.extend(found)
        return terms
    return None


def _is_union_of_terms(q) -> bool:
    if isinstance(q, (WordPrefix, WordFuzzy)) or type(q) is wq.Term:
        return True
    return type(q) is wq.Or and not q.minmatch and not q.scale and all(map(_is_union_of_terms, q.subqueries))


def summed_matcher(searcher, context, terms: list[tuple[str, bytes, float]]):
    """A matcher over the documents having any of ``terms`` (``(field, term, boost)``), each scored with the
    sum of its terms' scores, as Whoosh's union of their matchers scores it."""
    reader = searcher.reader()
    weighting = (context.weighting if context is not None else None) or searcher.weighting
    scores: dict[int, float] = {}
    get = scores.get
    for field, text, boost in terms:
        if (field, text) not in reader:
            continue
        m = reader.postings(field, text, scorer=weighting.scorer(searcher, field, text))
        while m.is_active():
            docnum = m.id()
            scores[docnum] = get(docnum, 0.0) + m.score() * boost
            m.next()
    if not scores:
        return NullMatcher()
    ids = sorted(scores)
    return ListMatcher(ids, weights=[scores[docnum] for docnum in ids])


_FIELD_NAME = re.compile(r"(?<![\w\\])([A-Za-z_][\w-]*):")


def _normalise_fields(text: str) -> tuple[str, list[int]]:
    """``Date:x`` -> ``published:x`` etc., outside quotes, so users can type friendly names; and for each
    character of the result (and its end), where it came from in ``text``, so an error Whoosh finds in the
    result is reported where the user typed it."""
    out: list[str] = []
    origin: list[int] = []
    offset = 0
    for part in re.split(r'("(?:[^"\\]|\\.)*")', text):
        done = 0
        if not part.startswith('"'):
            for match in _FIELD_NAME.finditer(part):
                name = match.group(1)
                out.append(part[done:match.start()] + FIELD_ALIASES.get(name.lower(), name) + ":")
                origin.extend(range(offset + done, offset + match.start()))
                replaced = len(out[-1]) - (match.start() - done)
                origin.extend(offset + match.start() + min(k, len(match.group()) - 1) for k in range(replaced))
                done = match.end()
        out.append(part[done:])
        origin.extend(range(offset + done, offset + len(part)))
        offset += len(part)
    origin.append(len(text))
    return "".join(out), origin


def parse(parser, registry: EntityRegistry, text: str):
    """The Whoosh query for ``text`` (validated), with entity names expanded to all their surface forms."""
    validate(text)
    normalised, origin = _normalise_fields(text)
    try:
        parsed = parser.parse(normalised)
    except Exception as exc:  # Whoosh raises assorted errors on odd input
        raise QueryError(f"cannot parse query: {exc}", _quoted_position(str(exc), text), text) from None
    _raise_error_nodes(parsed, text, origin)
    expanded = _expand_entities(parsed, registry)
    if type(expanded) is wq.Or and _is_union_of_terms(expanded):  # the whole query; inside an AND, Whoosh skips
        return TermUnion(expanded.subqueries, boost=expanded.boost)
    return expanded


def _quoted_position(message: str, text: str) -> int:
    """Where the part an error message quotes (``'0' is not a parseable date``) is in the query, else 0."""
    quoted = re.search(r"'([^']+)'", message)
    found = re.search(rf"(?<!\w){re.escape(quoted.group(1))}(?!\w)", text) if quoted else None
    return found.start() if found else 0


def _raise_error_nodes(q, text: str, origin: list[int]) -> None:
    """Whoosh marks what it could not read (a bad date, say) with an ``error``; report the first."""
    error = getattr(q, "error", None)
    if error:
        position = origin[min(max(getattr(q, "startchar", None) or 0, 0), len(origin) - 1)]
        raise QueryError(f"cannot read this part of the query: {error}", position, text)
    for child in q.children():
        _raise_error_nodes(child, text, origin)


def _expand_entities(q, registry: EntityRegistry):
    if isinstance(q, (wq.Term, wq.Phrase)) and q.field() in ENTITY_QUERY_FIELDS:
        field = q.field()
        name = " ".join(q.words) if isinstance(q, wq.Phrase) else q.text
        if isinstance(name, bytes):
            name = name.decode("utf-8", "replace")
        if field == "entity":
            pairs = [("entity", form) for form in registry.expand(name)]
        else:
            # Each name of the entity is searched where the index holds it: an ORG the model once tagged as a
            # place is in `place`, and `org:` still finds that article.
            pairs = registry.expand_terms(name, {field})
        terms = [wq.Term(kind if kind in ENTITY_QUERY_FIELDS else "entity", form.replace(",", " ").strip(),
                         boost=q.boost) for kind, form in pairs]
        return terms[0] if len(terms) == 1 else wq.Or(terms)
    if q.is_leaf():
        return q
    return q.apply(lambda sub: _expand_entities(sub, registry))


# --- running --------------------------------------------------------------------------------------------

@dataclass
class Searcher:
    """A Whoosh searcher kept open between queries (reopening costs more than most searches)."""

    ix: object
    registry: EntityRegistry

    def __post_init__(self) -> None:
        self.searcher = self.ix.searcher()
        self.parser = make_parser(self.ix.schema, self._stem_fits)
        self._forget()

    def _forget(self) -> None:
        """Drop what was kept from the index as it was (after a refresh)."""
        self._entities: LRU[int, tuple[tuple[str, str], ...]] = LRU(ENTITY_CACHE_DOCS)
        self._entity_pairs: dict[tuple[str, str], tuple[str, str]] = {}  # one copy of each (name, kind)
        self._stems: LRU[tuple[str, str, str], bool] = LRU(STEM_CACHE_SIZE)
        self._correctors = {field: TermListCorrector(self.searcher.reader(), field) for field in ("title", "body")}
        self._sources: list[str] | None = None
        _load_lengths(self.searcher.reader(), ("title", "body"))

    def close(self) -> None:
        self.searcher.close()

    def refresh(self) -> None:
        self.searcher = self.searcher.refresh()
        self._forget()

    def _stem_fits(self, field: str, stem: str, typed: str) -> bool:
        """Whether an article has, in ``field``, a word beginning with ``typed`` whose index term is ``stem``
        (from the first few articles with the term: such words are the usual spelling of their stem)."""
        key = (field, stem, typed)
        fits = self._stems.get(key)
        if fits is None:
            fits = False
            try:
                postings = self.searcher.postings(field, stem)
            except Exception:  # TermNotFound (no article has the stem)
                postings = None
            for _ in range(STEM_SAMPLE_DOCS):
                if postings is None or not postings.is_active():
                    break
                text = self.searcher.stored_fields(postings.id()).get(field, "")
                if any(term == stem and text[start:end].lower().startswith(typed)
                       for term, start, end in analyze(text)):
                    fits = True
                    break
                postings.next()
            self._stems[key] = fits
        return fits

    def search(self, text: str, *, limit: int = 20, highlight: bool = True, facets: bool = True) -> SearchResult:
        started = time.perf_counter()
        q = parse(self.parser, self.registry, text)
        searcher = self.searcher
        # Every match scored in one pass: Whoosh's top-N collector re-checks block quality on every union
        # (each word is searched in title and body) and came out slower; faceting and per-document matched
        # terms each made Whoosh do more per match than the counting and highlighting done here.
        results = searcher.search(q, limit=None)
        wanted = wanted_terms(q, searcher.reader()) if highlight else WantedTerms()
        hits = []
        all_terms: set[str] = set()
        for rank, hit in enumerate(results[:limit], start=1):
            stored = hit.fields()
            body = stored.get("body", "")
            title = stored.get("title", "")
            body_spans, body_terms = highlight_spans(body, wanted)
            title_spans, title_terms = highlight_spans(title, wanted)
            all_terms |= body_terms | title_terms
            hits.append(Hit(
                id=stored["id"],
                rank=rank,
                score=float(hit.score or 0.0),
                title=title,
                source=stored.get("source", ""),
                published=_date_text(stored.get("published")),
                fragments=tuple(fragments(body, body_spans)),
                title_matches=tuple(title_spans),
            ))
        facet_counts: dict[str, tuple[FacetCount, ...]] = {}
        if facets:
            facet_counts["source"] = self._source_facets(results)
            facet_counts["entity"] = self._entity_facets(results)
        suggestion = ""
        if len(results) < 3:
            suggestion = self._suggest(q, text)
        return SearchResult(
            query=text,
            total=len(results),
            hits=tuple(hits),
            facets=facet_counts,
            suggestion=suggestion,
            terms=tuple(sorted(all_terms)),
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def term_weights(self) -> Callable[[str], float]:
        """Inverse document frequency over the corpus of an index term (as :func:`analyze` gives it)."""
        reader = self.searcher.reader()
        total = max(1, reader.doc_count())

        @lru_cache(maxsize=100_000)
        def idf(term: str) -> float:
            return math.log((total + 1) / (reader.doc_frequency("body", term) + 1)) + 1.0

        return idf

    def _entity_facets(self, results) -> tuple[FacetCount, ...]:
        counts: Counter[tuple[str, str]] = Counter()
        for hit in results[:ENTITY_FACET_DEPTH]:
            counts.update(self._doc_entities(hit.docnum))
        # Most mentioned first, ties by name: the same results always show the same twelve.
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0][0].casefold(), item[0]))[:12]
        return tuple(
            FacetCount(value=name, count=count, clause=f'{kind}:"{name}"')
            for (name, kind), count in top
        )

    def _source_facets(self, results) -> tuple[FacetCount, ...]:
        """Articles per source among every match. Each document's source is read once per searcher, in one
        pass over the column: reading it document by document cost 10 ms on a search matching 3,000."""
        if self._sources is None:
            try:
                self._sources = column_values(self.searcher.reader(), "source_facet")
            except (KeyError, ValueError):
                self._sources = []
        sources = self._sources
        if not sources:
            return ()
        counts = sorted(Counter(map(sources.__getitem__, results.docs())).items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple(
            FacetCount(value=str(value), count=count,
                       clause=f'source:"{value}"' if value != "(unknown source)" else "")
            for value, count in counts
        )

    def _doc_entities(self, docnum: int) -> tuple[tuple[str, str], ...]:
        """The canonical entities (name, kind) a document names, kept once read: the facets of a search read
        200 documents' entity vectors, and the next keystroke's search mostly reads the same ones."""
        entities = self._entities.get(docnum)
        if entities is None:
            reader = self.searcher.reader()
            found = set()
            for field in ENTITY_FIELDS:
                for term in _doc_terms(reader, docnum, field):
                    resolved = self.registry.canonical_by_key(term, field)
                    if resolved:
                        found.add(self._entity_pairs.setdefault(resolved, resolved))
            entities = self._entities[docnum] = tuple(found)
        return entities

    def _suggest(self, q, text: str) -> str:
        if any(len(word) > MAX_SUGGEST_WORD for word in text.split()):
            return ""
        try:
            corrected = self.searcher.correct_query(q, text, prefix=1, maxdist=2, correctors=self._correctors)
        except Exception:  # the corrector is best-effort; a query it cannot rebuild gets no suggestion
            return ""
        if corrected.query != q and corrected.string and corrected.string != text:
            return corrected.string
        return ""


class TermListCorrector(Corrector):
    """Whoosh's ``ReaderCorrector`` (same candidates, same ranking: the most frequent term within ``maxdist``
    edits), with the candidates looked up in the field's sorted term list (see :class:`FieldTerms`).

    Whoosh builds a Levenshtein automaton in Python for every word: 10-15 ms a field on 19k articles, paid on
    each keystroke whose query finds fewer than three articles."""

    def __init__(self, reader, fieldname: str) -> None:
        self.reader = reader
        self.fieldname = fieldname

    def _suggestions(self, text: str, maxdist: int, prefix: int):
        if is_stop_term(text):  # a phrase's small word: nothing to correct
            return
        frequency = self.reader.frequency
        for word in field_terms(self.reader, self.fieldname).within(text, maxdist, prefix):
            yield 0 - (maxdist + (1.0 / (frequency(self.fieldname, word) or 1) * 0.5)), word


class LRU(OrderedDict):
    """A dict that keeps its ``size`` most recently used entries: what searches keep between keystrokes
    must not grow with every search, nor with the corpus."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


def _load_lengths(reader, fields: tuple[str, ...]) -> None:
    """Read the lengths of ``fields`` in every document into memory, once per searcher (a byte a document).

    BM25 needs a document's field length for every posting it scores, and Whoosh reads each from the column
    file with a seek and a read: a third of the time of a search matching thousands of documents. Whoosh's
    own per-document reader keeps the length column readers it opens; the one for each field is replaced by
    the column's bytes. A Whoosh whose internals differ is left as it is (slower, same results)."""
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
    except ImportError:
        return
    for segment, _offset in reader.leaf_readers():
        perdoc = getattr(segment, "_perdoc", None)
        cached = getattr(perdoc, "_readers", None)
        if not isinstance(cached, dict):
            continue
        for field in fields:
            try:
                column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                if column is None or isinstance(column, bytes) or column._fixedlen != 1:
                    continue
                doccount = perdoc.doc_count_all()
                data = column._dbfile.get(column._basepos, min(column._count, doccount))
                cached[_lenfield(field)] = data + bytes(doccount - len(data))
            except (AttributeError, OSError, TypeError):
                continue


def column_values(reader, fieldname: str) -> list:
    """Every document's value in a column, in document order: a column of variable-length values (what a
    sortable ``ID`` has) is read in one piece per segment and cut by its lengths, each distinct value decoded
    once. Whoosh reads it value by value (a seek and a read each: 100 ms for Reuters' 19,043 sources on the
    first search after opening, where this takes a few)."""
    from whoosh.columns import VarBytesColumn

    values: list = []
    decode = reader.schema[fieldname].from_column_value
    for segment, _offset in reader.leaf_readers():
        column = segment.column_reader(fieldname, translate=False)
        if not isinstance(column, VarBytesColumn.Reader):
            values.extend(map(decode, column))
            continue
        lengths, offsets = column._lengths, column._offsets
        size = max((offset + length for offset, length in zip(offsets, lengths, strict=True)), default=0)
        blob = column._dbfile.get(column._basepos, size) if size else b""
        decoded: dict[bytes, object] = {}
        for offset, length in zip(offsets, lengths, strict=True):
            raw = blob[offset:offset + length]
            value = decoded.get(raw)
            if value is None:
                value = decoded[raw] = decode(raw)
            values.append(value)
    return values


def _doc_terms(reader, docnum: int, field: str) -> list[str]:
    try:
        if reader.has_vector(docnum, field):
            return [t for t, _ in reader.vector_as("weight", docnum, field)]
    except Exception:
        return []
    return []


def _date_text(value) -> str:
    if value is None:
        return ""
    try:
        return value.date().isoformat()
    except AttributeError:
        return str(value)


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
