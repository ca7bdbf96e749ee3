"""Reading an index's terms and columns: a field's sorted term list (fuzzy words and spelling suggestions),
unions of terms scored in one pass, field lengths and stored columns read in one piece per segment."""

from __future__ import annotations

import weakref
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate
from operator import add, itemgetter
from struct import Struct, calcsize

from whoosh import query as wq
from whoosh.collectors import UnlimitedCollector
from whoosh.columns import VarBytesColumn
from whoosh.fields import FieldType
from whoosh.matching import ListMatcher, NullMatcher

from ..analysis import is_stop_term


def _top_reader(searcher):
    """The reader of the whole index (a matcher is asked for one segment's searcher at a time)."""
    return (searcher.get_parent() if searcher.has_parent() else searcher).reader()


class FieldTerms:
    """Every index term of one field, in every segment, sorted (and, once a fuzzy term needs them, their places
    in the order of the terms spelt backwards): what fuzzy terms and spelling suggestions look words up in, by
    binary search rather than a pass over the term dictionary. Reuters: 35,543 body and 28,002 title terms,
    about 4 MB together; the backwards order is an array of positions (4 bytes a term), not a second list."""

    __slots__ = ("_backwards", "_within", "words")

    #: Fuzzy lookups remembered (a search asks for the same one for each segment, field and stage).
    WITHIN_KEPT = 16

    def __init__(self, reader, fieldname: str) -> None:
        field = reader.schema[fieldname]
        # A term of text is its UTF-8 bytes (Whoosh's FieldType.from_bytes), decoded here without a Python call
        # a term: Reuters' 63,000 title and body terms went through a set and a sort in 60 ms, now in 10.
        decode = bytes.decode if type(field).from_bytes is FieldType.from_bytes else field.from_bytes
        lexicons = [_lexicon(segment, fieldname) for segment, _offset in reader.leaf_readers()]
        if len(lexicons) == 1:  # one segment: each term once, in order already (the sort only checks it)
            words = list(map(decode, lexicons[0]))
        else:
            words = list(set().union(*(map(decode, lexicon) for lexicon in lexicons)))
        words.sort()  # code point order: the term dictionary's (UTF-8 bytes) order
        self.words = words
        self._backwards: array | None = None
        self._within: dict[tuple[str, int, int], list[str]] = {}

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
        the prefix (rapidfuzz: about 3 ms for 25,000 terms). The last few answers are kept."""
        key = (text, maxdist, prefix)
        kept = getattr(self, "_within", None)
        if kept is None:
            kept = self._within = {}
        found = kept.get(key)
        if found is None:
            if len(kept) >= self.WITHIN_KEPT:
                kept.clear()
            found = kept[key] = self._lookup(text, maxdist, prefix)
        return list(found)

    def _lookup(self, text: str, maxdist: int, prefix: int) -> list[str]:
        from rapidfuzz import process  # imported when a word is looked up: most searches never do (10 ms)
        from rapidfuzz.distance import Levenshtein

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


#: The key and value lengths before each key of a Whoosh ordered hash file (its term dictionary).
_KEY_LENGTHS = Struct("!ii")


def _lexicon(segment, fieldname: str) -> list[bytes]:
    """Every term of ``fieldname`` in one segment, in order (Whoosh's ``segment.lexicon``), read from the term
    dictionary in one piece and cut in one loop, where Whoosh takes each term through five generators and a read:
    Reuters' 91,000 title and body terms took 250 ms of a search that suggests a spelling or has a fuzzy word.
    Whoosh's own way where the dictionary is not one this reads (another codec)."""
    from whoosh.filedb.filetables import OrderedHashReader
    from whoosh.system import pack_ushort

    terms = getattr(segment, "_terms", None)
    table, fields = getattr(terms, "_tindex", None), getattr(terms, "_fieldmap", None)
    if (type(table) is not OrderedHashReader or not isinstance(fields, dict) or fieldname not in fields
            or fieldname not in segment.schema or fields[fieldname] >= 0xFFFF):
        return list(segment.lexicon(fieldname))
    number = fields[fieldname]  # a key is the field's number (two bytes) and the term
    start = table.closest_key_pos(pack_ushort(number))
    if start is None:
        return []
    end = table.closest_key_pos(pack_ushort(number + 1))
    data = bytes(table.dbfile.get(start, (table.endofdata if end is None else end) - start))
    unpack, size = _KEY_LENGTHS.unpack_from, len(data)
    found: list[bytes] = []
    append = found.append
    position = 0
    while position < size:
        keylength, datalength = unpack(data, position)
        append(data[position + 10:position + 8 + keylength])
        position += 8 + keylength + datalength
    return found


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
        scorer = weighting.scorer(searcher, field, text)
        bm25 = BM25Parts.of(scorer, _field_lengths(reader, field))
        if bm25 is not None:
            postings = read_postings(reader, field, text)
            bm25.add(scores, postings.ids, postings.tfs, boost)
            continue
        m = reader.postings(field, text, scorer=scorer)
        while m.is_active():
            docnum = m.id()
            scores[docnum] = get(docnum, 0.0) + m.score() * boost
            m.next()
    if not scores:
        return NullMatcher()
    ids = sorted(scores)
    return ListMatcher(ids, weights=[scores[docnum] for docnum in ids])


def search_all(searcher, q):
    """Every document ``q`` matches, best first (Whoosh's ``searcher.search(q, limit=None)``), with the documents
    of a union scored by :func:`summed_matcher` taken in one piece: Whoosh's collector asks for each one's id and
    score in four calls, as many documents as a common word matches."""
    collector = _AllScored()
    searcher.search_with_collector(q, collector)
    return collector.results()


class _AllScored(UnlimitedCollector):
    """Whoosh's collector of every match, taking a :func:`summed_matcher`'s documents and scores in one piece."""

    def prepare(self, top_searcher, q, context) -> None:
        super().prepare(top_searcher, q, context)
        self.in_order = True  # every document collected here, segment after segment, each in document order

    def collect_matches(self) -> None:
        m = self.matcher
        if m is NullMatcher:  # nothing in this segment
            return
        if type(m) is not ListMatcher or self.final_fn or m._i or m._all_weights or m._scorer or not m._weights:
            self.in_order = False
            super().collect_matches()
            return
        offset = self.offset
        docnums = [offset + docnum for docnum in m._ids]
        self.items.extend(zip(m._weights, docnums, strict=True))
        self.docset.update(docnums)
        m._i = len(m._ids)

    def results(self):
        """Best first, ties in document order (Whoosh's order), sorted without a key function a document: the
        documents were collected in order, and a sort keeps the order of equal scores (reversed too)."""
        items = self.items
        if not self.in_order:
            return super().results()
        items.sort(key=itemgetter(0), reverse=True)
        return self._results(items, docset=self.docset)

    def _results(self, items: list, **kwargs):
        return super()._results(items, highlighter=_Highlighter(), **kwargs)


class _Highlighter:
    """Whoosh's ``Highlighter`` for the ``Results`` of a search, made when something asks it for anything (Byline
    highlights with its own snippets): Whoosh's highlighting module and ``html.entities``, which its own
    ``Results`` would import to make one, are 4 ms of a search process."""

    __slots__ = ("_real",)

    def _whoosh(self):
        try:
            return object.__getattribute__(self, "_real")
        except AttributeError:
            from whoosh.highlight import Highlighter

            real = Highlighter()
            object.__setattr__(self, "_real", real)
            return real

    def __getattr__(self, name: str):
        return getattr(self._whoosh(), name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._whoosh(), name, value)


class Postings:
    """One term's postings in one segment: document ids (ascending), frequencies and, when asked for, the raw
    values (positions)."""

    __slots__ = ("ids", "tfs", "values")

    def __init__(self, ids: array, tfs: array, values: list | None) -> None:
        self.ids = ids
        self.tfs = tfs
        self.values = values


def read_postings(reader, field: str, btext: bytes, values: bool = False, within: list[int] | None = None
                  ) -> Postings | None:
    """The postings of ``btext`` in ``field`` of a segment, decoded a block at a time (Whoosh decodes each id
    with a Python generator, and hands them out through four calls a posting); None for a term the segment
    does not have. With ``within`` (ascending ids), only the postings of those documents, and only the blocks
    that may hold one are decoded (a block's last id is in its header): what an AND of a rare word and a
    common one reads of the common one."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    if (field, btext) not in reader:
        return None
    m = reader.postings(field, btext)
    ids, tfs = array("I"), array("f")
    vals: list | None = [] if values else None
    if type(m) is not W3LeafMatcher or m._i:  # a term stored inline, or a codec this does not know
        kept = set(within) if within is not None else None
        while m.is_active():
            if kept is None or m.id() in kept:
                ids.append(m.id())
                tfs.append(m.weight())
                if vals is not None:
                    vals.append(m.value())
            m.next()
        return Postings(ids, tfs, vals)
    if within is None:
        while m.is_active():
            if m._data is None:
                m._read_data()
            raw = m._data[0]
            ids.extend(raw if m._byteids else accumulate(raw))
            m._read_weights()
            tfs.extend(m._weights)
            if vals is not None:
                m._read_values()
                vals.extend(m._values)
            m._next_block()
        return Postings(ids, tfs, vals)
    kept, j, count = set(within), 0, len(within)
    while j < count and m.is_active():
        last = m._maxid
        if within[j] <= last:
            if m._data is None:
                m._read_data()
            raw = m._data[0]
            block = raw if m._byteids else list(accumulate(raw))
            m._read_weights()
            weights = m._weights
            if vals is not None:
                m._read_values()
            for k, docnum in enumerate(block):
                if docnum in kept:
                    ids.append(docnum)
                    tfs.append(weights[k])
                    if vals is not None:
                        vals.append(m._values[k])
            j = bisect_right(within, last, j)
        m._next_block()
    return Postings(ids, tfs, vals)


class BM25Parts:
    """Whoosh's BM25 of a term's postings in a segment, with what does not change from one posting to the next
    worked out once: a document's length norm, ``K1 * ((1 - B) + B * fl / avgfl)``, for each of the 256 bytes a
    field length is stored as. The same floats as Whoosh's scorer: the same operations in the same order.

    Whoosh scores a posting in five calls (the matcher's id and weight, the scorer, the field length through
    the searcher and the reader, the length's byte decoded): half the time of a search for a common word."""

    __slots__ = ("idf", "k1_plus_1", "lengths", "norms")

    #: ``(K1, B, avgfl)`` -> the norm of each length byte (a field has one average length per searcher).
    _NORMS: dict[tuple[float, float, float], list[float | None]] = {}

    def __init__(self, idf: float, k1: float, b: float, avgfl: float, lengths: bytes) -> None:
        from whoosh.util.numeric import byte_to_length

        self.idf = idf
        self.k1_plus_1 = k1 + 1
        self.lengths = lengths
        key = (k1, b, avgfl)
        norms = self._NORMS.get(key)
        if norms is None:
            if len(self._NORMS) > 64:
                self._NORMS.clear()
            # byte 0: a document without a length, where Whoosh's scorer fails (``B * None``); so does this
            norms = self._NORMS[key] = [None] + [k1 * ((1 - b) + b * byte_to_length(byte) / avgfl)
                                                 for byte in range(1, 256)]
        self.norms = norms

    @classmethod
    def of(cls, scorer, lengths: bytes | None) -> BM25Parts | None:
        """The parts of ``scorer`` (Whoosh's BM25F scorer of a term) over a segment's field ``lengths``; None for
        another scorer, or lengths not read into memory (see :func:`_load_lengths`)."""
        from whoosh.scoring import BM25FScorer

        if lengths is None or type(scorer) is not BM25FScorer:
            return None
        return cls(scorer.idf, scorer.K1, scorer.B, scorer.avgfl, lengths)

    def scores(self, ids, tfs, boost: float) -> dict[int, float]:
        """Each document of ``ids`` (with its frequency in ``tfs``) with its score, times ``boost`` as Whoosh's
        wrapping matcher applies a boost."""
        idf, k1p1, lengths, norms = self.idf, self.k1_plus_1, self.lengths, self.norms
        if boost == 1.0:
            return {docnum: idf * ((tf * k1p1) / (tf + norms[lengths[docnum]]))
                    for docnum, tf in zip(ids, tfs, strict=True)}
        return {docnum: idf * ((tf * k1p1) / (tf + norms[lengths[docnum]])) * boost
                for docnum, tf in zip(ids, tfs, strict=True)}

    def add(self, scores: dict[int, float], ids, tfs, boost: float) -> None:
        """Add the scores of ``ids`` times ``boost`` to ``scores`` (Whoosh's union: the sum of its terms')."""
        idf, k1p1, lengths, norms = self.idf, self.k1_plus_1, self.lengths, self.norms
        get = scores.get
        for docnum, tf in zip(ids, tfs, strict=True):
            scores[docnum] = get(docnum, 0.0) + idf * ((tf * k1p1) / (tf + norms[lengths[docnum]])) * boost


def _field_lengths(reader, field: str) -> bytes | None:
    """The lengths of ``field`` in a segment's documents, a byte each, as :func:`_load_lengths` read them; None
    when they were not read so."""
    try:
        from whoosh.codec.whoosh3 import _lenfield

        lengths = reader._perdoc._readers.get(_lenfield(field))
    except (AttributeError, ImportError):
        return None
    return lengths if isinstance(lengths, bytes) else None

def term_list_corrector(reader, fieldname: str):
    """Whoosh's ``ReaderCorrector`` (same candidates, same ranking: the most frequent term within ``maxdist``
    edits), with the candidates looked up in the field's sorted term list (see :class:`FieldTerms`).

    Whoosh builds a Levenshtein automaton in Python for every word: 10-15 ms a field on 19k articles, paid on
    each keystroke whose query finds fewer than three articles. Whoosh's spelling module (and its highlighting,
    which it imports) is imported with the first corrector: most searches never make one."""
    return _corrector_class()(reader, fieldname)


@lru_cache(maxsize=1)
def _corrector_class() -> type:
    from whoosh.spelling import Corrector

    class TermListCorrector(Corrector):
        def __init__(self, reader, fieldname: str) -> None:
            self.reader = reader
            self.fieldname = fieldname

        def _suggestions(self, text: str, maxdist: int, prefix: int):
            if is_stop_term(text):  # a phrase's small word: nothing to correct
                return
            frequency = self.reader.frequency
            for word in field_terms(self.reader, self.fieldname).within(text, maxdist, prefix):
                yield 0 - (maxdist + (1.0 / (frequency(self.fieldname, word) or 1) * 0.5)), word

    return TermListCorrector


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


def column_values(reader, fieldname: str, docnums: Iterable[int] | None = None) -> list:
    """Every document's value in a column, in document order (with ``docnums``, only those documents' values,
    in the order of their numbers): a column of variable-length values (what a sortable ``ID`` has) is read in
    one piece per segment and cut by its lengths, each distinct value decoded once. Whoosh reads it value by
    value (a seek and a read each: 100 ms for Reuters' 19,043 sources on the first search after opening, where
    this takes a few)."""
    values: list = []
    decode = reader.schema[fieldname].from_column_value
    wanted = None if docnums is None else sorted(docnums)
    for segment, offset in reader.leaf_readers():
        column = _column_reader(segment, fieldname)
        if wanted is not None:
            count = segment.doc_count_all()
            here = [docnum - offset for docnum in
                    wanted[bisect_left(wanted, offset):bisect_left(wanted, offset + count)]]
            if not isinstance(column, VarBytesColumn.Reader):
                values.extend(decode(column[docnum]) for docnum in here)
                continue
            starts = list(map(column._offsets.__getitem__, here))
            ends = list(map(add, starts, map(column._lengths.__getitem__, here)))
        elif not isinstance(column, VarBytesColumn.Reader):
            values.extend(map(decode, column))
            continue
        else:
            starts = column._offsets
            ends = list(map(add, starts, column._lengths))
        size = max(ends, default=0)
        blob = column._dbfile.get(column._basepos, size) if size else b""
        raw = list(map(blob.__getitem__, map(slice, starts, ends)))
        decoded = {value: decode(value) for value in set(raw)}
        values.extend(map(decoded.__getitem__, raw))
    return values


class _VarBytesReader(VarBytesColumn.Reader):
    """Whoosh's reader of a column of variable-length values, each value's place in the column worked out in one
    pass in C where Whoosh appends them one at a time in Python (when the column holds no offsets: under 32,768
    documents a segment): opening the source and entity-key columns of Reuters was 8 ms of a first search."""

    def _read_offsets_and_lengths(self) -> None:
        dbfile, doccount = self._dbfile, self._doccount
        lastbyte = self._basepos + self._length - 1
        lens_code = chr(dbfile.get_byte(lastbyte))
        if lens_code == "X":  # the offsets are in the file: Whoosh reads them as they are
            super()._read_offsets_and_lengths()
            return
        lengths = dbfile.get_array(lastbyte - calcsize(lens_code) * doccount, lens_code, doccount)
        offsets = array("L", accumulate(lengths, initial=0))
        offsets.pop()  # the end of the last value
        self._offsets, self._lengths = offsets, lengths


class _VarBytes(VarBytesColumn):
    """A :class:`VarBytesColumn` read with :class:`_VarBytesReader`."""

    Reader = _VarBytesReader


_VAR_BYTES = _VarBytes()


def _column_reader(segment, fieldname: str):
    """A segment's raw reader of the column ``fieldname`` (Whoosh's, or :class:`_VarBytesReader` for a column of
    variable-length values), as ``segment.column_reader(fieldname, translate=False)`` gives it."""
    if type(segment.schema[fieldname].column_type) is VarBytesColumn:
        return segment.column_reader(fieldname, _VAR_BYTES, translate=False)
    return segment.column_reader(fieldname, translate=False)


class SegmentColumn:
    """One column of every segment, read document by document through each segment's own column reader (an
    index's top reader joins its segments' columns wrongly when one of them has no file for the column:
    Whoosh writes none where no document had a value). ``get(docnum)`` is None for a document of a segment
    without the column; the readers of the column's lengths are built on first use, a segment at a time."""

    __slots__ = ("_columns", "_fieldname", "_offsets", "_segments")

    def __init__(self, reader, fieldname: str) -> None:
        leaves = list(reader.leaf_readers())
        self._fieldname = fieldname
        self._segments = [segment for segment, _offset in leaves]
        self._offsets = [offset for _segment, offset in leaves]
        self._columns: list[object] = [_UNREAD if fieldname in reader.schema else None] * len(leaves)

    def get(self, docnum: int) -> bytes | None:
        i = bisect_right(self._offsets, docnum) - 1
        column = self._columns[i]
        if column is _UNREAD:
            segment = self._segments[i]
            column = self._columns[i] = (_column_reader(segment, self._fieldname)
                                         if segment.has_column(self._fieldname) else None)
        return None if column is None else column[docnum - self._offsets[i]]


_UNREAD = object()


def _doc_terms(reader, docnum: int, field: str) -> list[str]:
    try:
        if reader.has_vector(docnum, field):
            return [t for t, _ in reader.vector_as("weight", docnum, field)]
    except Exception:
        return []
    return []


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
