"""Stories: the articles of a corpus that tell the same event, grouped, without spaCy at read time.

Two parts, one at each end of the index's life:

**At index time** each article gets compact *features* (:func:`features_of`): its index terms with counts
(title terms counted twice), the entity mentions spaCy found (surface form and label, resolved to canonical
entities only when grouping, so a better entity registry applies without re-indexing) and a bottom-k sketch
of its word 4-shingles. They are cached by content (:class:`FeatureStore`, beside the annotations), so a
rebuild or an incremental update computes them only for text it has not seen.

**When asked** (``byline stories``, the reader's stories screen), :func:`story_map` groups the corpus:

1. *Weights.* Terms and canonical entities get corpus-wide TF-IDF weights (``(1 + ln tf) * ln((N+1)/(df+1))``),
   each article's two vectors normalised to length 1.
2. *Pairs.* Two articles are compared when they share a term or entity that is neither unique nor common
   (document frequency from 2 to :data:`DF_CAP` of the corpus) and were published within
   :data:`WINDOW_DAYS` of each other (undated articles are compared with every date). The comparison is the
   sparse dot product, accumulated for every pair at once with numpy (no Python loop over pairs).
3. *Similarity* = ``TERM_SHARE * cos(terms) + (1 - TERM_SHARE) * cos(entities)`` (terms alone when either
   side has no entity), times a date factor that is 1 within :data:`SAME_DAYS` days and decays after.
4. *Grouping*: average-linkage agglomerative clustering over that sparse graph, merging while the mean
   similarity between two groups is at least :data:`THRESHOLD`. It needs no number of stories, leaves an
   article that resembles nothing as a single, resists the chaining single-link suffers from, and depends
   only on the set of articles (ties broken by article id), so the same corpus always gives the same stories.
5. *Copies*: pairs whose 4-shingle sketches overlap (resemblance or containment, :func:`near_duplicate`)
   are syndicated copies of one text: a story marks all but its earliest as copies of it.

The result (stories with labels, each article's nearest neighbours, related stories) is cached in the index
generation, keyed by the catalog and entity registry it was computed from, so it is recomputed only after
the index changed. Story ids come from the story's first article and labels from its members, so they are
stable across re-indexing an unchanged corpus.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from .analysis import TOKEN_PATTERN, analyze, word_terms
from .models import Annotation, Article, EntitySpan, label_kind
from .storage import FEATURES_DB, STORIES_FILE, SqliteCache, write_json

#: Bump when :func:`features_of` changes what it computes for the same article.
FEATURES_VERSION = "2"
#: Bump when grouping changes (weights, thresholds, the cached file's shape).
STORIES_VERSION = "1"


#: Word shingle length and sketch size for near-duplicate detection.
SHINGLE_WORDS = 4
SKETCH_SIZE = 48

#: Entity kinds that say what a story is about (dates and numbers do not).
ENTITY_KINDS = frozenset({"person", "org", "place", "group", "other"})

#: Share of the similarity that comes from terms (the rest from canonical entities).
TERM_SHARE = 0.6
#: Articles published this many days apart or fewer count as the same moment.
SAME_DAYS = 2
#: Beyond SAME_DAYS, the date factor shrinks by e every DECAY_DAYS days.
DECAY_DAYS = 10.0
#: How many of its most similar dated articles date an undated one (see ``_impute_days``).
IMPUTE_NEIGHBOURS = 5
#: Articles further apart than this are never compared.
WINDOW_DAYS = 21
#: Terms and entities in more than this share of the corpus (and in more than DF_FLOOR articles) are too common
#: to tell stories apart: they are left out of the vectors.
DF_CAP = 0.005
DF_FLOOR = 100
#: Pairs less alike in content than this are forgotten (they count as 0 when averaging).
EDGE_FLOOR = 0.08
#: Average similarity at which two groups are one story.
THRESHOLD = 0.25
#: Pairs this similar in content are checked for being copies of one text.
COPY_CONTENT = 0.5
#: Near-duplicates: estimated shingle resemblance, or containment of the shorter text in the longer.
COPY_RESEMBLANCE = 0.5
COPY_CONTAINMENT = 0.8
#: Neighbours kept per article (for ``byline similar`` and the other-coverage panel).
NEIGHBOURS = 12
#: Related stories kept per story (for "who left this out").
RELATED = 10
#: Terms and entities in a story's label.
LABEL_ENTITIES = 3
LABEL_TERMS = 3

#: Size of the imagined background corpus that smooths document frequencies (see ``_Weights``).
BACKGROUND_DOCS = 100
#: Words that tell no story apart in any English news corpus: function words, reporting verbs, calendar
#: words. The analyzer already drops its own few stop words; these are weighed as if in every article.
COMMON_WORDS = """
about above according across added after again against ago all almost along already also although always am
among another any anyone anything around away back because been before being below between both but came come
comes could day days did do does doing done down during each early either else even ever every few first five
former four further get gets getting give given go goes going gone got had has having he her here hers herself
him himself his how however i including into its itself just last late later least less like made make makes
many me might monday month months more most much must my near need never new next no nor now off often once one
only other others our out over own part per put rather really reported said same say saying says second see
seen several she should show since six so some something still such sunday take taken ten than their them
themselves then there these they thing things think third those though three through thursday thus time times
today told too took toward tuesday two under until up upon use used very wednesday friday saturday want was way
ways week weeks well went were what whether which while who whom whose why within without would year years
yesterday
"""


@lru_cache(maxsize=1)
def common_terms() -> frozenset[str]:
    """COMMON_WORDS as index terms."""
    return frozenset(term for word in COMMON_WORDS.split() for term, _, _ in analyze(word))


# --- features, at index time ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What grouping needs of one article, computed once from its title, text and entity spans."""

    #: Index terms (as :func:`index.analysis.analyze` gives them) with counts; title terms count twice.
    terms: dict[str, int]
    #: How a term is written, where that differs from the term (``"bomb"`` -> ``"bombing"``), for labels.
    forms: dict[str, str]
    #: Entity mentions: ``(label, surface form, count)``.
    entities: tuple[tuple[str, str, int], ...]
    #: The smallest SKETCH_SIZE 32-bit hashes of the text's word 4-shingles, as hex.
    sketch: str
    #: How many distinct shingles the text has.
    shingles: int

    def to_dict(self) -> dict[str, Any]:
        return {"terms": self.terms, "forms": self.forms, "entities": [list(e) for e in self.entities],
                "sketch": self.sketch, "shingles": self.shingles}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ArticleFeatures:
        return cls(
            terms=data["terms"],
            forms=data.get("forms", {}),
            entities=tuple(map(tuple, data.get("entities", ()))),
            sketch=str(data.get("sketch", "")),
            shingles=int(data.get("shingles", 0)),
        )


def features_of(title: str, text: str, entities: Iterable[EntitySpan]) -> ArticleFeatures:
    """The features of one article (pure: the same input always gives the same features)."""
    terms: Counter[str] = Counter()
    written: Counter[tuple[str, str]] = Counter()
    tokens = TOKEN_PATTERN.findall(text)
    # A title in capitals would make every word an acronym ("CYCLOPS" beside "cyclop"): read it in lowercase.
    shouting = title.isupper()
    title_words = TOKEN_PATTERN.findall(title.lower() if shouting else title)
    for words, in_title in ((title_words, True), (tokens, False)):
        for word, count in Counter(words).items():
            for term in word_terms(word):
                if len(term) < 2:
                    continue
                terms[term] += 2 * count if in_title else count
                # How the text writes the term, case kept; a title's way (often all capitals or title case)
                # counts only for terms the text never uses.
                if in_title:
                    written[term, word if word.isupper() else word.lower()] += 0
                else:
                    written[term, word] += count
    # The text's own way first; lowercase whenever the text ever writes it so (a capital at the start of a
    # sentence or in a heading is no name); then the most frequent.
    best: dict[str, tuple[bool, bool, int, str]] = {}
    for (term, form), count in written.items():
        key = (count == 0, not form.islower(), -count, form)
        if term not in best or key < best[term]:
            best[term] = key
    # Only terms said twice (or in the title) can be telling enough to make a label.
    forms = {term: key[3] for term, key in best.items() if key[3] != term and terms[term] > 1}
    mentions: Counter[tuple[str, str]] = Counter()
    for span in entities:
        if label_kind(span.label) in ENTITY_KINDS:
            surface = " ".join(span.text.split())
            if surface:
                mentions[(span.label, surface)] += 1
    sketch, shingles = shingle_sketch(tokens)
    return ArticleFeatures(
        terms=dict(sorted(terms.items())),
        forms=dict(sorted(forms.items())),
        entities=tuple((label, surface, count) for (label, surface), count in sorted(mentions.items())),
        sketch=sketch,
        shingles=shingles,
    )


def shingle_sketch(words: Sequence[str], size: int = SKETCH_SIZE) -> tuple[str, int]:
    """A bottom-``size`` sketch of the 4-shingles of ``words`` (a text's tokens; hex), and the number of
    distinct shingles.

    Words are hashed with CRC-32 (Python salts ``hash()`` per process, and sketches are stored), shingles
    by mixing their words' hashes, in numpy.
    """
    import numpy as np

    if not words:
        return "", 0
    hashes = np.asarray([zlib.crc32(w.casefold().encode("utf-8", "surrogatepass")) for w in words],
                        dtype=np.uint64)
    if len(hashes) < SHINGLE_WORDS:
        hashes = np.concatenate([hashes, np.zeros(SHINGLE_WORDS - len(hashes), dtype=np.uint64)])
    width = len(hashes) - SHINGLE_WORDS + 1
    mixed = np.zeros(width, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset, multiplier in enumerate(_SHINGLE_MULTIPLIERS):
            mixed = mixed * np.uint64(multiplier) + hashes[offset : offset + width]
        mixed ^= mixed >> np.uint64(29)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(32)
    shingles = np.unique(mixed & np.uint64(0xFFFFFFFF))  # sorted
    return "".join(f"{int(value):08x}" for value in shingles[:size]), len(shingles)


#: Odd 64-bit constants that mix a shingle's word hashes in order (any fixed odd values would do).
_SHINGLE_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)


@lru_cache(maxsize=50_000)
def _sketch_values(sketch: str) -> frozenset[int]:
    return frozenset(int(sketch[i : i + 8], 16) for i in range(0, len(sketch), 8))


def resemblance(a: str, b: str, size: int = SKETCH_SIZE) -> float:
    """Estimated Jaccard resemblance of two texts' shingle sets from their sketches."""
    first, second = _sketch_values(a), _sketch_values(b)
    if not first or not second:
        return 0.0
    union = sorted(first | second)[:size]
    return sum(1 for value in union if value in first and value in second) / len(union)


def near_duplicate(a: ArticleFeatures, b: ArticleFeatures) -> bool:
    """Whether two articles are copies of one text (a wire story run twice, trimmed or retitled)."""
    if a.sketch == b.sketch and a.shingles == b.shingles:
        return bool(a.sketch)
    jaccard = resemblance(a.sketch, b.sketch)
    if jaccard >= COPY_RESEMBLANCE:
        return True
    small, large = sorted((a.shingles, b.shingles))
    if not small or jaccard <= 0:
        return False
    # |A ∩ B| = J / (1 + J) * (|A| + |B|); a trimmed copy is mostly contained in the longer text.
    shared = jaccard / (1 + jaccard) * (small + large)
    return small >= 3 * SHINGLE_WORDS and shared / small >= COPY_CONTAINMENT


def feature_key(content_hash: str, title: str, annotator: str) -> str:
    """Features depend on the text, the title and the annotations (hence the annotator's fingerprint)."""
    title_hash = hashlib.sha1(title.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{FEATURES_VERSION}/{annotator}/{content_hash}/{title_hash}"


class FeatureStore(SqliteCache):
    """Features on disk (SQLite) by :func:`feature_key`, beside the index, shared by its generations; a damaged
    one is started afresh (features can always be computed again)."""

    TABLE = "features"
    KIND = "story-feature cache"

    def get_many(self, keys: Iterable[str]) -> dict[str, ArticleFeatures]:
        return {key: ArticleFeatures.from_dict(json.loads(data)) for key, data in self.get_raw(keys).items()}

    def put_many(self, items: Iterable[tuple[str, ArticleFeatures]]) -> None:
        self.put_raw((key, json.dumps(f.to_dict(), ensure_ascii=False, separators=(",", ":"))) for key, f in items)


def update_features(
    index_dir: Path, articles: Mapping[str, Article], annotations: Mapping[str, Annotation], annotator: str
) -> int:
    """Compute and store the features the store lacks for ``articles``; the number computed.

    Called by :meth:`index.library.Library.build` once annotations are known, so grouping never waits for
    text analysis."""
    with FeatureStore.open(index_dir / FEATURES_DB, repair=True) as features:
        keys = {aid: feature_key(a.content_hash, a.title, annotator) for aid, a in articles.items()}
        todo = features.missing(keys.values())
        computed = 0
        batch: dict[str, ArticleFeatures] = {}
        for aid, article in articles.items():
            key = keys[aid]
            if key not in todo:
                continue
            todo.discard(key)
            batch[key] = features_of(article.title, article.text, annotations.get(aid, Annotation()).entities)
            computed += 1
            if len(batch) >= 1000:
                features.put_many(batch.items())
                batch.clear()
        features.put_many(batch.items())
    return computed


# --- grouping -------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Item:
    """One article as grouping sees it: metadata from the catalog, features, canonical entity ids."""

    id: str
    source: str
    published: str
    features: ArticleFeatures
    #: Canonical entity ids with mention counts (spans the registry does not know are dropped).
    entities: tuple[tuple[str, int], ...]


@dataclass
class Grouping:
    """What :func:`group` computes; :class:`StoryMap` is its reader-facing form."""

    #: Per story: its member article ids (sorted by date, then id), label entities and terms.
    stories: list[dict[str, Any]]
    #: Per article id: ``(neighbour id, similarity, is a copy)`` best first.
    neighbours: dict[str, list[tuple[str, float, bool]]]
    #: Per article id that is a near-duplicate of an earlier one in its story: that article's id.
    copy_of: dict[str, str]
    stats: dict[str, Any] = field(default_factory=dict)


def _day(published: str) -> int:
    """Proleptic ordinal of an ISO date, 0 when undated (or unreadable)."""
    try:
        return date.fromisoformat(published[:10]).toordinal() if published else 0
    except ValueError:
        return 0


class _Weights:
    """Sparse TF-IDF vectors of one kind (terms or entities) for all items, as numpy arrays (CSR), over the
    names found in at most ``cap`` items.

    Document frequencies are smoothed with an imagined background corpus of BACKGROUND_DOCS articles in which
    every word of ``common`` occurs and nothing else does: in a corpus of five articles all about the Taliban,
    "Taliban" is still a telling word, while "said" is not. In a large corpus the background hardly counts.
    """

    def __init__(
        self, bags: Sequence[Mapping[str, int]], common: frozenset[str] = frozenset(), cap: int | None = None
    ) -> None:
        import numpy as np

        names: list[str] = []
        counts: list[int] = []
        sizes: list[int] = []
        for bag in bags:
            names.extend(bag)
            counts.extend(bag.values())
            sizes.append(len(bag))
        self.names = list(dict.fromkeys(names))
        vocabulary = {name: number for number, name in enumerate(self.names)}
        self.ptr = np.concatenate(([0], np.cumsum(np.asarray(sizes, dtype=np.int64))))
        self.ids = np.fromiter(map(vocabulary.__getitem__, names), dtype=np.int64, count=len(names))
        n = len(bags)
        self.docs = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.ptr))
        self.df = np.bincount(self.ids, minlength=len(vocabulary)).astype(np.int64)
        background = np.asarray([BACKGROUND_DOCS if name in common else 0 for name in vocabulary], dtype=np.int64)
        self.idf = np.log((n + BACKGROUND_DOCS + 1) / (self.df + background + 1))
        weights = (1.0 + np.log(np.maximum(np.asarray(counts, dtype=np.float64), 1.0))) * self.idf[self.ids]
        if cap is not None:  # too common to tell stories apart: out of the vectors altogether
            weights[self.df[self.ids] > cap] = 0.0
        norms = np.sqrt(np.bincount(self.docs, weights=weights * weights, minlength=n))
        self.has = norms > 0
        self.weights = weights / np.where(norms > 0, norms, 1.0)[self.docs]

    def row(self, doc: int) -> dict[str, float]:
        lo, hi = int(self.ptr[doc]), int(self.ptr[doc + 1])
        return {self.names[int(t)]: float(w) for t, w in zip(self.ids[lo:hi], self.weights[lo:hi], strict=True)}


def _pair_sums(weights: _Weights, days, n: int, cap: int):
    """Dot products of every pair of items that share a term of document frequency 2..``cap`` and lie within
    WINDOW_DAYS of each other (or are undated): ``(keys, sums)`` with ``key = low * n + high``."""
    import numpy as np

    keep = (weights.df[weights.ids] >= 2) & (weights.df[weights.ids] <= cap)
    tids, docs, values = weights.ids[keep], weights.docs[keep], weights.weights[keep]
    span = 1 << 23  # above any ordinal day plus the window
    composite = tids * span + days[docs]
    order = np.argsort(composite, kind="stable")
    composite, docs, values, tids = composite[order], docs[order], values[order], tids[order]
    group_end = np.searchsorted(composite, (tids + 1) * span, side="left")
    window_end = np.searchsorted(composite, composite + WINDOW_DAYS, side="right")
    undated = days[docs] == 0
    high = np.where(undated, group_end, np.minimum(window_end, group_end))
    counts = high - np.arange(len(docs)) - 1
    counts = np.maximum(counts, 0)
    keys_parts, sums_parts = [], []
    budget = 4_000_000
    start = 0
    cumulative = np.cumsum(counts)
    while start < len(docs):
        base = int(cumulative[start - 1]) if start else 0
        stop = int(np.searchsorted(cumulative, base + budget, side="right"))
        stop = max(stop, start + 1)
        chunk = np.arange(start, stop)
        chunk_counts = counts[start:stop]
        total = int(chunk_counts.sum())
        if total:
            first = np.repeat(chunk, chunk_counts)
            offsets = np.arange(total) - np.repeat(np.cumsum(chunk_counts) - chunk_counts, chunk_counts)
            second = first + 1 + offsets
            a, b = docs[first], docs[second]
            keys = np.minimum(a, b) * n + np.maximum(a, b)
            keys_parts.append(keys)
            sums_parts.append(values[first] * values[second])
            if sum(len(k) for k in keys_parts) > 2 * budget:
                reduced_keys, reduced_sums = _reduce(keys_parts, sums_parts)
                keys_parts, sums_parts = [reduced_keys], [reduced_sums]
        start = stop
    if not keys_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return _reduce(keys_parts, sums_parts)


def _reduce(keys_parts, sums_parts):
    """Sum values by key."""
    import numpy as np

    keys = np.concatenate(keys_parts)
    sums = np.concatenate(sums_parts)
    if not len(keys):
        return keys, sums
    order = np.argsort(keys, kind="stable")
    keys, sums = keys[order], sums[order]
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[first], np.add.reduceat(sums, first)


def group(
    items: Sequence[Item],
    entity_names: Mapping[str, str] | None = None,
    entity_surfaces: Mapping[str, Iterable[str]] | None = None,
) -> Grouping:
    """Group ``items`` into stories (see the module's docstring). Depends only on the set of items.

    ``entity_names`` gives each canonical entity id its display name, ``entity_surfaces`` the ways articles
    write it, so a label does not repeat an entity as a term ("Islamic State" and "IS")."""
    import time

    started = time.perf_counter()
    items = sorted(items, key=lambda item: item.id)
    if not items:
        return Grouping(stories=[], neighbours={}, copy_of={}, stats={"articles": 0})
    graph = _similarity_graph(items)
    paired = time.perf_counter()
    close = [k for k, value in enumerate(graph.similarity) if value >= EDGE_FLOOR]
    cluster = _average_linkage(len(items), [graph.first[k] for k in close], [graph.second[k] for k in close],
                               [graph.similarity[k] for k in close], THRESHOLD)
    clustered = time.perf_counter()
    # Earliest first: dated before undated, then by id. A story's first article names it; a copy's original
    # is the earliest of its copies.
    order_key = [(not item.published, item.published, item.id) for item in items]
    members: dict[int, list[int]] = defaultdict(list)
    for i, name in enumerate(cluster):
        members[name].append(i)
    for group_members in members.values():
        group_members.sort(key=order_key.__getitem__)
    copies, copy_of = _copies(items, graph, cluster, order_key)
    neighbours = _neighbours(items, graph, copies)
    stories = _stories(items, graph, cluster, members, entity_names or {}, entity_surfaces or {})
    finished = time.perf_counter()
    sizes = [len(m) for m in members.values()]
    stats = {
        "articles": len(items),
        "pairs": graph.pairs,
        "edges": len(graph.first),
        "stories": sum(1 for size in sizes if size > 1),
        "singles": sum(1 for size in sizes if size == 1),
        "largest": max(sizes),
        "copies": len(copy_of),
        "seconds": {"similarity": round(paired - started, 3), "clustering": round(clustered - paired, 3),
                    "labels": round(finished - clustered, 3), "total": round(finished - started, 3)},
    }
    return Grouping(stories=stories, neighbours=neighbours, copy_of=copy_of, stats=stats)


@dataclass
class _Graph:
    """The similarity graph: edges ``first[k] < second[k]`` (item indices) between articles alike in content
    (terms and entities, at least EDGE_FLOOR) and published within WINDOW_DAYS, with that content similarity
    and their similarity as grouping sees it (dates counted), plus the weighted vectors."""

    first: list[int]
    second: list[int]
    similarity: list[float]
    content: list[float]
    terms: _Weights
    entities: _Weights
    pairs: int


def _similarity_graph(items: Sequence[Item]) -> _Graph:
    import numpy as np

    n = len(items)
    days = np.asarray([_day(item.published) for item in items], dtype=np.int64)
    cap = max(DF_FLOOR, int(DF_CAP * n))
    terms = _Weights([item.features.terms for item in items], common_terms(), cap)
    entities = _Weights([dict(item.entities) for item in items], cap=cap)
    term_keys, term_sums = _pair_sums(terms, days, n, cap)
    entity_keys, entity_sums = _pair_sums(entities, days, n, cap)
    keys = _reduce([term_keys, entity_keys], [np.zeros(len(term_keys)), np.zeros(len(entity_keys))])[0]
    cos_terms = np.zeros(len(keys))
    cos_terms[np.searchsorted(keys, term_keys)] = term_sums
    cos_entities = np.zeros(len(keys))
    cos_entities[np.searchsorted(keys, entity_keys)] = entity_sums
    first, second = keys // n, keys % n
    both = entities.has[first] & entities.has[second]
    content = np.where(both, TERM_SHARE * cos_terms + (1 - TERM_SHARE) * cos_entities, cos_terms)
    days = _impute_days(days, first, second, content)
    delta = np.abs(days[first] - days[second])
    dated = (days[first] > 0) & (days[second] > 0)
    factor = np.where(dated & (delta > SAME_DAYS), np.exp(-(delta - SAME_DAYS) / DECAY_DAYS), 1.0)
    similarity = content * factor
    keep = content >= EDGE_FLOOR
    return _Graph(first=first[keep].tolist(), second=second[keep].tolist(), similarity=similarity[keep].tolist(),
                  content=content[keep].tolist(), terms=terms, entities=entities, pairs=len(keys))


def _copies(
    items: Sequence[Item], graph: _Graph, cluster: list[int], order_key: list
) -> tuple[set[tuple[int, int]], dict[str, str]]:
    """Near-duplicate pairs among similar articles, and, within each story, every copy's original (the
    earliest of the texts it duplicates, directly or through another copy)."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.get(i, i) != i:
            i = parent[i]
        return i

    copies: set[tuple[int, int]] = set()
    for a, b, value in zip(graph.first, graph.second, graph.content, strict=True):
        # Copies share most of their words: no need to compare sketches of pairs that do not.
        if value >= COPY_CONTENT and near_duplicate(items[a].features, items[b].features):
            copies.add((a, b))
            if cluster[a] == cluster[b]:
                ra, rb = root(a), root(b)
                if ra != rb:
                    early, late = sorted((ra, rb), key=order_key.__getitem__)
                    parent[late] = early
    copy_of = {items[i].id: items[root(i)].id for i in sorted(parent) if root(i) != i}
    return copies, copy_of


def _neighbours(
    items: Sequence[Item], graph: _Graph, copies: set[tuple[int, int]]
) -> dict[str, list[tuple[str, float, bool]]]:
    """Each article's NEIGHBOURS most alike articles: ``(id, content similarity, is a copy)``, best first."""
    import numpy as np

    if not graph.first:
        return {}
    first, second = np.asarray(graph.first), np.asarray(graph.second)
    value = np.round(np.asarray(graph.content), 4)
    source = np.concatenate((first, second))
    target = np.concatenate((second, first))
    value = np.concatenate((value, value))
    order = np.lexsort((target, -value, source))
    source, target, value = source[order], target[order], value[order]
    rank = np.arange(len(source)) - np.searchsorted(source, source, side="left")
    keep = rank < NEIGHBOURS
    out: dict[str, list[tuple[str, float, bool]]] = defaultdict(list)
    for a, b, v in zip(source[keep].tolist(), target[keep].tolist(), value[keep].tolist(), strict=True):
        out[items[a].id].append((items[b].id, v, (min(a, b), max(a, b)) in copies))
    return dict(out)


def _stories(
    items: Sequence[Item],
    graph: _Graph,
    cluster: list[int],
    members: Mapping[int, list[int]],
    names: Mapping[str, str],
    surfaces: Mapping[str, Iterable[str]],
) -> list[dict[str, Any]]:
    """Each story: id (from its first article), articles (earliest first), label, related stories."""
    story_ids = {rep: "S" + hashlib.sha1(items[m[0]].id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
                 for rep, m in members.items()}
    related = _related(graph, cluster, story_ids)
    term_top = _top_by_story(graph.terms, cluster, 4 * LABEL_TERMS)
    entity_top = _top_by_story(graph.entities, cluster, LABEL_ENTITIES)
    covering: dict[str, frozenset[str]] = {}

    def covered_by(entity: str) -> frozenset[str]:
        """The terms of an entity's names: a label that names the entity need not repeat them as terms."""
        if entity not in covering:
            covering[entity] = frozenset(term for name in (names.get(entity, ""), *surfaces.get(entity, ()))
                                         for term in _name_terms(name))
        return covering[entity]

    stories = []
    for rep in sorted(members, key=story_ids.__getitem__):
        group_members = members[rep]
        top_entities = entity_top.get(rep, [])
        covered = set().union(*(covered_by(e) for e in top_entities))
        label_terms: list[str] = []
        for term in term_top.get(rep, ()):
            if term in covered or term.isdigit() or len(label_terms) >= LABEL_TERMS:
                continue
            form = _form(term, (items[i].features for i in group_members))
            if form.casefold() not in {t.casefold() for t in label_terms}:
                label_terms.append(form)
        stories.append({
            "id": story_ids[rep],
            "articles": [items[i].id for i in group_members],
            "entities": [names.get(e, e.partition(":")[2] or e) for e in top_entities],
            "terms": label_terms,
            "related": related.get(rep, []),
        })
    return stories


def _related(graph: _Graph, cluster: list[int], story_ids: Mapping[int, str]) -> dict[int, list[list]]:
    """Per story, the RELATED other stories most linked to it (summed content similarity of the pairs of
    articles between them): ``[[story id, strength], ...]``, strongest first."""
    import numpy as np

    if not graph.first:
        return {}
    groups = np.asarray(cluster, dtype=np.int64)
    a, b = groups[np.asarray(graph.first)], groups[np.asarray(graph.second)]
    between = a != b
    a, b, value = a[between], b[between], np.asarray(graph.content)[between]
    n = len(cluster)
    keys, sums = _reduce([np.concatenate((a * n + b, b * n + a))], [np.concatenate((value, value))])
    source, target = keys // n, keys % n
    order = np.lexsort((target, -np.round(sums, 9), source))
    source, target, sums = source[order], target[order], sums[order]
    keep = np.arange(len(source)) - np.searchsorted(source, source, side="left") < RELATED
    out: dict[int, list[list]] = defaultdict(list)
    for s, t, v in zip(source[keep].tolist(), target[keep].tolist(), sums[keep].tolist(), strict=True):
        out[s].append([story_ids[t], round(v, 4)])
    return out


def _impute_days(days, first, second, content):
    """Days with each undated article given the weighted median day of its IMPUTE_NEIGHBOURS most similar
    dated articles (an article that says "on the 26th" was written near the articles it resembles), so
    that closeness in date counts for it too. Articles with no dated neighbour stay undated (0)."""
    import numpy as np

    one_undated = (days[first] == 0) ^ (days[second] == 0)
    if not one_undated.any():
        return days
    undated = np.where(days[first] == 0, first, second)[one_undated]
    dated = np.where(days[first] == 0, second, first)[one_undated]
    weight = content[one_undated]
    keep = weight >= EDGE_FLOOR
    undated, dated, weight = undated[keep], dated[keep], weight[keep]
    order = np.lexsort((dated, -weight, undated))
    found: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for u, v, w in zip(undated[order].tolist(), dated[order].tolist(), weight[order].tolist(), strict=True):
        if len(found[u]) < IMPUTE_NEIGHBOURS:
            found[u].append((int(days[v]), w))
    imputed = days.copy()
    for u, near in found.items():
        near.sort()
        half, running = sum(w for _, w in near) / 2, 0.0
        for day, w in near:
            running += w
            if running >= half:
                imputed[u] = day
                break
    return imputed


def _average_linkage(n: int, first: list[int], second: list[int], weights: list[float], threshold: float) -> list[int]:
    """Average-linkage clustering of a sparse similarity graph (missing pairs count as 0): merge the two
    groups of highest mean similarity while it is at least ``threshold``. Each item's group is named by its
    smallest member; ties go to the smallest names, so the result depends only on the graph."""
    links: dict[int, dict[int, float]] = defaultdict(dict)
    for a, b, w in zip(first, second, weights, strict=True):
        links[a][b] = links[a].get(b, 0.0) + w
        links[b][a] = links[b].get(a, 0.0) + w
    size = [1] * n
    version = [0] * n
    members: dict[int, list[int]] = {}
    heap = [(-w, a, b, 0, 0) for a, b, w in zip(first, second, weights, strict=True) if w >= threshold]
    heapq.heapify(heap)
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if version[a] != va or version[b] != vb:
            continue
        keep, gone = a, b  # a < b: the group keeps its smallest member's name
        size[keep] += size[gone]
        version[keep] += 1
        version[gone] = -1
        members.setdefault(keep, [keep]).extend(members.pop(gone, [gone]))
        merged = links.pop(keep, {})
        merged.pop(gone, None)
        for other, w in links.pop(gone, {}).items():
            if other != keep:
                merged[other] = merged.get(other, 0.0) + w
        links[keep] = merged
        for other, w in merged.items():
            linked = links[other]
            linked.pop(gone, None)
            linked[keep] = w
            mean = w / (size[keep] * size[other])
            if mean >= threshold:
                lo, hi = (keep, other) if keep < other else (other, keep)
                heapq.heappush(heap, (-mean, lo, hi, version[lo], version[hi]))
    cluster = list(range(n))
    for name, group_members in members.items():
        for i in group_members:
            cluster[i] = name
    return cluster


def _top_by_story(weights: _Weights, cluster: list[int], limit: int) -> dict[int, list[str]]:
    """The ``limit`` heaviest names of each story's summed vectors (ties by name), all in numpy."""
    import numpy as np

    if not len(weights.ids):
        return {}
    vocabulary = len(weights.names)
    story = np.asarray(cluster, dtype=np.int64)[weights.docs]
    keys, sums = _reduce([story * vocabulary + weights.ids], [weights.weights])
    stories, ids = keys // vocabulary, keys % vocabulary
    order = np.lexsort((ids, -np.round(sums, 9), stories))
    stories, ids = stories[order], ids[order]
    starts = np.searchsorted(stories, stories, side="left")
    keep = np.arange(len(stories)) - starts < limit
    top: dict[int, list[str]] = defaultdict(list)
    for s, t in zip(stories[keep].tolist(), ids[keep].tolist(), strict=True):
        top[s].append(weights.names[t])
    return top


@lru_cache(maxsize=100_000)
def _name_terms(name: str) -> tuple[str, ...]:
    return tuple(term for term, _, _ in analyze(name))


def _form(term: str, features: Iterable[ArticleFeatures]) -> str:
    """How the story's articles write ``term`` (the first that records a form), else the term itself."""
    for item in features:
        form = item.forms.get(term)
        if form:
            return form
    return term


# --- what callers get -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article of a story."""

    id: str
    title: str
    source: str
    published: str
    #: The id of the article this one is a near-duplicate (syndicated copy) of, else ``""``.
    copy_of: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source, "published": self.published,
                "copy_of": self.copy_of}


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one event, earliest first, with a label made of its most telling entities and terms."""

    id: str
    entities: tuple[str, ...]
    terms: tuple[str, ...]
    articles: tuple[StoryArticle, ...]

    @property
    def label(self) -> str:
        """``"Taliban, Zabihullah Mujahid, Kabul: withdrawal, airport"``: entities, then terms."""
        names = ", ".join(self.entities)
        words = ", ".join(self.terms)
        return f"{names}: {words}" if names and words else names or words

    @property
    def size(self) -> int:
        return len(self.articles)

    @property
    def single(self) -> bool:
        return len(self.articles) == 1

    @property
    def first(self) -> str:
        """The earliest publication date (``""`` when no article is dated)."""
        dates = [a.published for a in self.articles if a.published]
        return min(dates) if dates else ""

    @property
    def last(self) -> str:
        dates = [a.published for a in self.articles if a.published]
        return max(dates) if dates else ""

    @property
    def sources(self) -> tuple[str, ...]:
        """The outlets that ran it, most articles first (unknown sources left out)."""
        counts = Counter(a.source for a in self.articles if a.source)
        return tuple(name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def copies(self) -> int:
        """How many of its articles are syndicated copies of another of its articles."""
        return sum(1 for a in self.articles if a.copy_of)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "entities": list(self.entities),
            "terms": list(self.terms),
            "first": self.first,
            "last": self.last,
            "size": self.size,
            "copies": self.copies,
            "sources": list(self.sources),
            "articles": [a.to_dict() for a in self.articles],
        }


@dataclass(frozen=True, slots=True)
class Neighbour:
    """An article like another, with how alike they are in content (0..1: terms and entities, dates aside)."""

    id: str
    title: str
    source: str
    published: str
    similarity: float
    #: A near-duplicate of the article compared with: the same text run again, not independent coverage.
    copy: bool
    #: In the same story as the article compared with.
    same_story: bool

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source, "published": self.published,
                "similarity": round(self.similarity, 3), "copy": self.copy, "same_story": self.same_story}


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A source that did not run a story although it covered related stories or published at the time."""

    source: str
    #: ``"related"``: it covered related stories (``articles`` are those); ``"active"``: it published other
    #: things in the story's days (``articles`` are some of them).
    reason: str
    articles: tuple[StoryArticle, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "reason": self.reason, "articles": [a.to_dict() for a in self.articles]}


#: Sort orders for :meth:`StoryMap.stories`.
SORTS = ("size", "date", "sources")
#: Days either side of a story in which a source's other articles make it "active" for "who left this out".
ACTIVE_DAYS = 2


class StoryMap:
    """The stories of one index, and the similarity between its articles."""

    def __init__(self, data: Mapping[str, Any], catalog: Mapping[str, Mapping[str, Any]]) -> None:
        self._data = data
        self._catalog = catalog
        self._neighbours = _Neighbours(data.get("neighbours", {}))
        self._copy_of: dict[str, str] = data.get("copy_of", {})
        self._stories: dict[str, Story] = {}
        self._story_of: dict[str, str] = {}
        self._related: dict[str, list[tuple[str, float]]] = {}
        for raw in data.get("stories", ()):
            story = Story(
                id=raw["id"],
                entities=tuple(raw.get("entities", ())),
                terms=tuple(raw.get("terms", ())),
                articles=tuple(self._article(aid) for aid in raw["articles"] if aid in catalog),
            )
            if not story.articles:
                continue
            self._stories[story.id] = story
            self._related[story.id] = [(sid, float(v)) for sid, v in raw.get("related", ())]
            for article in story.articles:
                self._story_of[article.id] = story.id
        self.stats: dict[str, Any] = dict(data.get("stats", {}))
        self._days: dict[int, list[tuple[str, str]]] | None = None

    def _article(self, article_id: str) -> StoryArticle:
        row = self._catalog[article_id]
        return StoryArticle(id=article_id, title=row.get("title", ""), source=row.get("source", ""),
                            published=row.get("published", ""), copy_of=self._copy_of.get(article_id, ""))

    def __len__(self) -> int:
        return len(self._stories)

    def stories(self, sort: str = "size", *, singles: bool = True) -> list[Story]:
        """Every story (with ``singles``, also the articles that belong to no story, as one-article stories):
        by ``size`` (largest first), ``date`` (newest first) or ``sources`` (most outlets first)."""
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r} (choose from {', '.join(SORTS)})")
        chosen = [s for s in self._stories.values() if singles or not s.single]
        by_id = sorted(chosen, key=lambda s: s.id)
        if sort == "size":
            return sorted(by_id, key=lambda s: (-s.size, -len(s.sources), _descending(s.last)))
        if sort == "date":
            return sorted(by_id, key=lambda s: (s.last == "", _descending(s.last), -s.size))
        return sorted(by_id, key=lambda s: (-len(s.sources), -s.size, _descending(s.last)))

    def story(self, story_id: str) -> Story:
        try:
            return self._stories[story_id]
        except KeyError:
            raise KeyError(f"no story {story_id!r}") from None

    def story_of(self, article_id: str) -> Story:
        """The story an article belongs to (a one-article story when it belongs to none)."""
        try:
            return self._stories[self._story_of[article_id]]
        except KeyError:
            raise KeyError(f"no article {article_id!r}") from None

    def similar(self, article_id: str, limit: int = 10) -> list[Neighbour]:
        """The articles most similar to one, best first."""
        if article_id not in self._story_of:
            raise KeyError(f"no article {article_id!r}")
        story = self._story_of[article_id]
        out = []
        for other, value, copy in self._neighbours.of(article_id)[: max(0, limit)]:
            if other in self._catalog:
                out.append(self._neighbour(other, value, bool(copy), self._story_of.get(other) == story))
        return out

    def other_coverage(self, article_id: str) -> list[Neighbour]:
        """The other articles of an article's story: other sources first, then each by similarity."""
        story = self.story_of(article_id)
        own = self._catalog[article_id].get("source", "")
        scores = {other: (value, copy) for other, value, copy in self._neighbours.of(article_id)}
        out = []
        for member in story.articles:
            if member.id == article_id:
                continue
            value, copy = scores.get(member.id, (0.0, False))
            copy = copy or self._copy_of.get(member.id) == article_id or self._copy_of.get(article_id) == member.id
            out.append(self._neighbour(member.id, value, copy, True))
        return sorted(out, key=lambda n: (bool(own) and n.source == own, -n.similarity, n.id))

    def _neighbour(self, article_id: str, value: float, copy: bool, same_story: bool) -> Neighbour:
        row = self._catalog[article_id]
        return Neighbour(id=article_id, title=row.get("title", ""), source=row.get("source", ""),
                         published=row.get("published", ""), similarity=float(value), copy=copy,
                         same_story=same_story)

    def related(self, story_id: str) -> list[tuple[Story, float]]:
        """Stories linked to this one by similar articles, most linked first."""
        self.story(story_id)
        return [(self._stories[sid], value) for sid, value in self._related.get(story_id, ()) if sid in self._stories]

    def left_out(self, story_id: str) -> list[LeftOut]:
        """Who left this story out: sources that covered related stories but not this one, then sources
        that published other articles in its days (±ACTIVE_DAYS) but not this one."""
        story = self.story(story_id)
        ran = set(story.sources)
        found: dict[str, list[StoryArticle]] = defaultdict(list)
        for other, _ in self.related(story_id):
            for article in other.articles:
                if article.source and article.source not in ran:
                    found[article.source].append(article)
        out = [LeftOut(source, "related", tuple(articles[:5])) for source, articles in sorted(found.items())]
        if story.first:
            active: dict[str, list[StoryArticle]] = defaultdict(list)
            by_day = self._by_day()
            for day in range(_day(story.first) - ACTIVE_DAYS, _day(story.last) + ACTIVE_DAYS + 1):
                for source, article_id in by_day.get(day, ()):
                    if source not in ran and source not in found:
                        active[source].append(self._article(article_id))
            out.extend(LeftOut(source, "active", tuple(sorted(articles, key=lambda a: (a.published, a.id))[:5]))
                       for source, articles in sorted(active.items()))
        return out

    def _by_day(self) -> dict[int, list[tuple[str, str]]]:
        """``(source, article id)`` of the dated articles with a known source, by day."""
        if self._days is None:
            self._days = defaultdict(list)
            for article_id, row in self._catalog.items():
                day, source = _day(row.get("published", "")), row.get("source", "")
                if day and source:
                    self._days[day].append((source, article_id))
        return self._days

    def resolve_story(self, ident: str) -> str:
        """A story id from its full id or a unique prefix of it."""
        if ident in self._stories:
            return ident
        matches = sorted(key for key in self._stories if key.startswith(ident))
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise KeyError(f"no story {ident!r}")
        raise KeyError(f"{ident!r} is ambiguous: {', '.join(matches[:5])}")

    def to_dict(self, sort: str = "size") -> dict[str, Any]:
        """Stories (each with who left it out), then singles, then how grouping went."""
        stories = self.stories(sort)
        return {
            "stories": [{**s.to_dict(), "left_out": [lo.to_dict() for lo in self.left_out(s.id)]}
                        for s in stories if not s.single],
            "singles": [s.articles[0].to_dict() for s in stories if s.single],
            "stats": self.stats,
        }


class _Neighbours:
    """Every article's neighbours as the cache stores them, compactly (the Reuters corpus has some 200,000):
    article ids once, and per article a flat list ``[index, similarity in thousandths (negative for a copy),
    ...]``. Decoded one article at a time, when asked."""

    def __init__(self, packed: Mapping[str, Any]) -> None:
        self._ids: list[str] = list(packed.get("ids", ()))
        self._lists: list[list[int]] = packed.get("lists", [])
        self._row = {article_id: number for number, article_id in enumerate(self._ids)}

    def of(self, article_id: str) -> list[tuple[str, float, bool]]:
        number = self._row.get(article_id)
        if number is None:
            return []
        flat = self._lists[number]
        return [(self._ids[flat[i]], abs(flat[i + 1]) / 1000, flat[i + 1] < 0) for i in range(0, len(flat), 2)]

    @staticmethod
    def pack(neighbours: Mapping[str, list[tuple[str, float, bool]]]) -> dict[str, Any]:
        ids = sorted(set(neighbours) | {other for near in neighbours.values() for other, _, _ in near})
        row = {article_id: number for number, article_id in enumerate(ids)}
        lists = []
        for article_id in ids:
            flat: list[int] = []
            for other, value, copy in neighbours.get(article_id, ()):
                thousandths = max(1, round(value * 1000))
                flat += [row[other], -thousandths if copy else thousandths]
            lists.append(flat)
        return {"ids": ids, "lists": lists}


def _descending(day: str) -> int:
    """A sort key that puts later ISO dates first (and undated last)."""
    return -_day(day) if day else 1


# --- an index's stories, cached in its generation -------------------------------------------------------

#: The last map made in this process, by the state of the index files it was made from: the reader asks
#: for the map each time it shows other coverage.
_LAST: dict[tuple, StoryMap] = {}


def story_map(library, *, refresh: bool = False) -> StoryMap:
    """The stories of ``library``'s index: the one this process made last if the index has not changed
    since, else read from the generation's cache when it matches the index, else grouped now (and cached).
    ``refresh`` ignores both caches."""
    from . import store

    generation = library.generation
    state = (str(generation), *(_stat(generation / name) for name in (store.CATALOG, store.ENTITIES)))
    if not refresh and state in _LAST:
        return _LAST[state]
    rows, annotator = store.read_catalog(generation)
    fingerprint = _fingerprint(generation)
    path = generation / STORIES_FILE
    data = None if refresh else _read_cache(path, fingerprint)
    if data is None:
        grouping = group(*_items(library, rows, annotator))
        data = {
            "version": STORIES_VERSION,
            "fingerprint": fingerprint,
            "stories": grouping.stories,
            "neighbours": _Neighbours.pack(grouping.neighbours),
            "copy_of": grouping.copy_of,
            "stats": grouping.stats,
        }
        _write_cache(path, data)
    result = StoryMap(data, rows)
    _LAST.clear()
    _LAST[state] = result
    return result


def _stat(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0, 0)
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _fingerprint(generation: Path) -> str:
    from . import store

    digest = hashlib.sha1(f"{STORIES_VERSION}/{FEATURES_VERSION}".encode())
    for name in (store.CATALOG, store.ENTITIES):
        try:
            digest.update((generation / name).read_bytes())
        except OSError:
            digest.update(b"-")
    return digest.hexdigest()


def _read_cache(path: Path, fingerprint: str) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != STORIES_VERSION or data.get("fingerprint") != fingerprint:
        return None
    return data


def _write_cache(path: Path, data: Mapping[str, Any]) -> None:
    """Best effort: an index folder that cannot be written just means grouping again next time."""
    with contextlib.suppress(OSError):
        write_json(path, data)


def _items(
    library, rows: Mapping[str, Mapping[str, Any]], annotator: str
) -> tuple[list[Item], dict[str, str], dict[str, set[str]]]:
    """Grouping's view of every article: catalog metadata, stored features (computed now for any the build
    did not store), canonical entities from the registry."""
    keys = {aid: feature_key(row["content_hash"], row.get("title", ""), annotator) for aid, row in rows.items()}
    with FeatureStore.open(library.index_dir / FEATURES_DB, repair=True) as store_:
        found = store_.get_many(set(keys.values()))
        late = []
        for aid, key in keys.items():
            if key not in found:
                article = library.article(aid)
                found[key] = features_of(article.title, article.text, article.entities)
                late.append((key, found[key]))
        if late:
            store_.put_many(late)
    registry = library.registry
    names: dict[str, str] = {}
    surfaces: dict[str, set[str]] = defaultdict(set)
    items = []
    for aid, row in rows.items():
        features = found[keys[aid]]
        entity_counts: Counter[str] = Counter()
        for label, surface, count in features.entities:
            # Per article: a lone surname is whoever that article names in full.
            entity = registry.canonical(surface, label, aid)
            if entity is not None:
                entity_counts[entity[0]] += count
                names[entity[0]] = entity[1]
                surfaces[entity[0]].add(surface)
        items.append(Item(id=aid, source=row.get("source", ""), published=row.get("published", ""),
                          features=features, entities=tuple(sorted(entity_counts.items()))))
    return items, names, surfaces
