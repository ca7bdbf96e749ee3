"""Running a query: ranked hits with highlights, facets and a suggestion, from one open Whoosh searcher."""

from __future__ import annotations

import contextlib
import heapq
import math
import mmap
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from functools import lru_cache
from itertools import chain

from ..analysis import analyze
from ..entities import EntityRegistry
from ..models import FacetCount, Hit, SearchResult
from ..store import ENTITY_FIELDS, ENTITY_KEYS, decode_entity_keys
from .query import MAX_SUGGEST_WORD, STEM_SAMPLE_DOCS, make_parser, parse
from .snippets import WantedTerms, fragments, highlight_spans, wanted_terms
from .terms import SegmentColumn, _doc_terms, _load_lengths, column_values, search_all, term_list_corrector

#: Hits whose entities make the entity facets.
ENTITY_FACET_DEPTH = 200
#: Entities shown in the entity facets.
FACET_SIZE = 12

#: Documents whose canonical entities are kept between searches (an LRU, about 150 bytes a document). Reading
#: them again costs: with 2,000 kept, searches that each read 200 other documents (the benchmark's set, run
#: round after round) took 15 ms longer; all of Reuters (19,043) fits, a corpus of 100,000 keeps a fifth.
ENTITY_CACHE_DOCS = 20_000
#: The share of the documents from which a search's source facets read every document's source (see
#: :meth:`Searcher._source_facets`).
SOURCES_ALL_FROM = 1 / 8
#: Prefix queries whose stem check is remembered (an LRU).
STEM_CACHE_SIZE = 256

# --- running --------------------------------------------------------------------------------------------

class Searcher:
    """A Whoosh searcher kept open between queries (reopening costs more than most searches)."""

    def __init__(self, ix, registry: EntityRegistry) -> None:
        self.ix = ix
        self.registry = registry
        self.searcher = self.ix.searcher()
        self.parser = make_parser(self.ix.schema, self._stem_fits)
        self._forget()

    def _forget(self) -> None:
        """Drop what was kept from the index as it was (after a refresh)."""
        self._entities: LRU[int, tuple[tuple[str, str], ...]] = LRU(ENTITY_CACHE_DOCS)
        self._entity_pairs: dict[tuple[str, str], tuple[str, str]] = {}  # one copy of each (name, kind)
        # (field, key) -> its canonical entity (name, kind), None for a key the registry drops: as many as the
        # registry has keys at most, and most documents name keys another has named
        self._canonical: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._entity_keys: SegmentColumn | None = None
        self._documents: dict[str, int | None] = {}  # article id -> document, of articles with readings of their own
        self._stems: LRU[tuple[str, str, str], bool] = LRU(STEM_CACHE_SIZE)
        self._correctors: dict[str, object] | None = None  # made by the first suggestion
        self._sources: list[str] | None = None
        _load_lengths(self.searcher.reader(), ("title", "body"))
        self._maps = mapped_files(self.searcher.reader())

    def release_pages(self) -> None:
        """Give back the pages of the mapped postings and term dictionary that searches read (see
        :func:`mapped_files`): they stay in the system's file cache, so the next search that needs them maps them
        again from there (a minor fault, no disk read), but they no longer count in the process's resident set.
        After 50 searches, resident memory held 22 MB of them on Reuters and 137 MB at 100,000 articles: the
        postings of every common word searched, kept mapped for as long as the reader was open."""
        for mapping in self._maps:
            with contextlib.suppress(ValueError, OSError):  # closed meanwhile, or a system without madvise
                mapping.madvise(mmap.MADV_DONTNEED)

    def close(self) -> None:
        self._maps = []  # held no longer than the files they map
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
        results = search_all(searcher, q)
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
        self.release_pages()
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
        counts = Counter(chain.from_iterable(map(self._doc_entities, _top_docnums(results, ENTITY_FACET_DEPTH))))
        # Most mentioned first, ties by name: the same results always show the same twelve. Only the entities
        # mentioned as often as the twelfth most mentioned can be among them: the others are not sorted by name.
        if len(counts) > FACET_SIZE:
            least = heapq.nlargest(FACET_SIZE, counts.values())[-1]
            counts = {entity: count for entity, count in counts.items() if count >= least}
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0][0].casefold(), item[0]))[:FACET_SIZE]
        return tuple(
            FacetCount(value=name, count=count, clause=f'{kind}:"{name}"')
            for (name, kind), count in top
        )

    def _source_facets(self, results) -> tuple[FacetCount, ...]:
        """Articles per source among every match. Each document's source is read once per searcher, in one
        pass over the column: reading it document by document cost 10 ms on a search matching 3,000. Until a
        search matches :data:`SOURCES_ALL_FROM` of the documents, only its matches' sources are read (a
        ``byline search`` process, 5 ms on Reuters to read every source, makes one search)."""
        docs = results.docs()
        if self._sources is None and len(docs) < SOURCES_ALL_FROM * self.searcher.doc_count_all():
            try:
                found = column_values(self.searcher.reader(), "source_facet", docs)
            except (KeyError, ValueError):
                found = []
        else:
            if self._sources is None:
                try:
                    self._sources = column_values(self.searcher.reader(), "source_facet")
                except (KeyError, ValueError):
                    self._sources = []
            found = self._sources and list(map(self._sources.__getitem__, docs))
        if not found:
            return ()
        counts = sorted(Counter(found).items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple(
            FacetCount(value=str(value), count=count,
                       clause=f'source:"{value}"' if value != "(unknown source)" else "")
            for value, count in counts
        )

    def _doc_entities(self, docnum: int) -> tuple[tuple[str, str], ...]:
        """The canonical entities (name, kind) a document names, kept once read: the facets of a search read
        200 documents' entities, and the next keystroke's search mostly reads the same ones."""
        entities = self._entities.get(docnum)
        if entities is None:
            keys = self._doc_keys(docnum)
            article_id = self._reading_on_its_own(docnum, keys)
            if article_id is not None:  # a lone surname that is someone else there: as the article reads it
                entities = self._entities[docnum] = tuple({
                    self._entity_pairs.setdefault(pair, pair) for field, key in keys
                    for pair in self.registry.canonical_in_article(article_id, key, field)})
                return entities
            canonical, found = self._canonical, set()
            for key in keys:
                resolved = canonical.get(key, False)
                if resolved is False:
                    resolved = canonical[key] = self._entity_pair(*key)
                if resolved:
                    found.add(resolved)
            entities = self._entities[docnum] = tuple(found)
        return entities

    def _reading_on_its_own(self, docnum: int, keys: list[tuple[str, str]]) -> str | None:
        """The id of the document's article if it reads one of its ``keys`` on its own (see
        :meth:`EntityRegistry.articles_reading`: a few hundred articles on Reuters), else None. Only the articles
        reading a key the document has are looked for, each found once per searcher: finding them all when the
        first search opens took 6 ms on Reuters."""
        registry, documents = self.registry, self._documents
        for field, key in keys:
            for article_id in registry.articles_reading(key, field):
                number = documents.get(article_id, -1)
                if number == -1:
                    try:
                        number = self.searcher.reader().first_id("id", article_id)
                    except Exception:  # TermNotFound: an article the index no longer has
                        number = None
                    documents[article_id] = number
                if number == docnum:
                    return article_id
        return None

    def _doc_keys(self, docnum: int) -> list[tuple[str, str]]:
        """``(field, key)`` for each entity key a document has in :data:`ENTITY_FIELDS`: one value of the
        :data:`ENTITY_KEYS` column, or, in an index written before that column, the fields' term vectors (four
        reads of the vector file a document)."""
        if self._entity_keys is None:
            self._entity_keys = SegmentColumn(self.searcher.reader(), ENTITY_KEYS)
        value = self._entity_keys.get(docnum)
        if value is not None:
            return decode_entity_keys(value)
        reader = self.searcher.reader()
        return [(field, term) for field in ENTITY_FIELDS for term in _doc_terms(reader, docnum, field)]

    def _entity_pair(self, field: str, key: str) -> tuple[str, str] | None:
        resolved = self.registry.canonical_by_key(key, field)
        return self._entity_pairs.setdefault(resolved, resolved) if resolved else None

    def _suggest(self, q, text: str) -> str:
        if any(len(word) > MAX_SUGGEST_WORD for word in text.split()):
            return ""
        if self._correctors is None:
            reader = self.searcher.reader()
            self._correctors = {field: term_list_corrector(reader, field) for field in ("title", "body")}
        try:
            corrected = self.searcher.correct_query(q, text, prefix=1, maxdist=2, correctors=self._correctors)
        except Exception:  # the corrector is best-effort; a query it cannot rebuild gets no suggestion
            return ""
        if corrected.query != q and corrected.string and corrected.string != text:
            return corrected.string
        return ""


def mapped_files(reader) -> list[mmap.mmap]:
    """The read-only memory maps the postings and term dictionary of ``reader``'s segments are read from
    (:data:`index.store.IN_MEMORY`), each once; none where they are read another way (Whoosh's own storage, a
    system without ``madvise``)."""
    if not hasattr(mmap, "MADV_DONTNEED"):
        return []
    found: dict[int, mmap.mmap] = {}
    for leaf, _base in reader.leaf_readers():
        terms = getattr(leaf, "_terms", None)
        for part in (getattr(terms, "_postfile", None), getattr(terms, "_dbfile", None)):
            owner = getattr(getattr(part, "_buf", None), "obj", None)  # a slice of the segment file's map
            if isinstance(owner, mmap.mmap):
                found[id(owner)] = owner
    return list(found.values())


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

def _top_docnums(results, depth: int) -> list[int]:
    """The document numbers of the ``depth`` best hits, in order (without a Whoosh ``Hit`` made for each)."""
    top_n = getattr(results, "top_n", None)
    if isinstance(top_n, list):
        return [docnum for _score, docnum in top_n[:depth]]
    return [hit.docnum for hit in results[:depth]]


def _date_text(value) -> str:
    if value is None:
        return ""
    try:
        return value.date().isoformat()
    except AttributeError:
        return str(value)
