"""The similarity graph: which articles are alike, and how much.

Terms and canonical entities get corpus-wide TF-IDF weights (``(1 + ln tf) * ln((N+1)/(df+1))``), each article's
two vectors normalised to length 1. Two articles are compared when they share a term or entity that is neither
unique nor common (document frequency from 2 to the cap) and were published within WINDOW_DAYS of each other
(undated articles are compared with every date): the sparse dot product, accumulated for every pair at once with
numpy. Similarity = ``TERM_SHARE * cos(terms) + (1 - TERM_SHARE) * cos(entities)`` (terms alone when either
side has no entity), times a date factor that is 1 within SAME_DAYS days and decays after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .features import ArticleFeatures, common_terms

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
#: Size of the imagined background corpus that smooths document frequencies (see ``Weights``).
BACKGROUND_DOCS = 100

@dataclass(frozen=True, slots=True)
class Item:
    """One article as grouping sees it: metadata from the catalog, features, canonical entity ids."""

    id: str
    source: str
    published: str
    features: ArticleFeatures
    #: Canonical entity ids with mention counts (spans the registry does not know are dropped).
    entities: tuple[tuple[str, int], ...]


def day(published: str) -> int:
    """Proleptic ordinal of an ISO date, 0 when undated (or unreadable)."""
    try:
        return date.fromisoformat(published[:10]).toordinal() if published else 0
    except ValueError:
        return 0


class Weights:
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


def pair_sums(weights: Weights, days, n: int, cap: int, only=None):
    """Dot products of every pair of items that share a term of document frequency 2..``cap`` and lie within
    WINDOW_DAYS of each other (or are undated): ``(keys, sums)`` with ``key = low * n + high``. With ``only``
    (a boolean array over the items), just the pairs with at least one item in it."""
    import numpy as np

    keep = (weights.df[weights.ids] >= 2) & (weights.df[weights.ids] <= cap)
    if only is not None:  # only the terms of those items can pair them
        touched = np.zeros(len(weights.df), dtype=bool)
        touched[weights.ids[only[weights.docs]]] = True
        keep &= touched[weights.ids]
    tids, docs, values = weights.ids[keep], weights.docs[keep], weights.weights[keep]
    span = 1 << 23  # above any ordinal day plus the window
    composite = tids * span + days[docs]
    order = sort_order(composite)
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
            products = values[first] * values[second]
            if only is not None:
                wanted = only[a] | only[b]
                keys, products = keys[wanted], products[wanted]
            keys_parts.append(keys)
            sums_parts.append(products)
            if sum(len(k) for k in keys_parts) > 2 * budget:
                reduced_keys, reduced_sums = reduce_sums(keys_parts, sums_parts)
                keys_parts, sums_parts = [reduced_keys], [reduced_sums]
        start = stop
    if not keys_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return reduce_sums(keys_parts, sums_parts)


def reduce_sums(keys_parts, sums_parts):
    """Sum values by key."""
    import numpy as np

    keys = np.concatenate(keys_parts)
    sums = np.concatenate(sums_parts)
    if not len(keys):
        return keys, sums
    order = sort_order(keys)
    keys, sums = keys[order], sums[order]
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[first], np.add.reduceat(sums, first)


def sort_order(*columns, distinct: bool = False):
    """The order ``np.lexsort(columns[::-1])`` gives (by the first column, then the next, ...; ties in their
    given order), for columns of non-negative integers, found faster: numpy sorts numbers several times faster
    than it orders rows stably, so each row becomes one number that holds its columns and its position, and
    those are sorted. Rows known to be ``distinct`` need no position. By lexsort when the numbers would not fit
    in 64 bits."""
    import numpy as np

    count = len(columns[0])
    if not count:
        return np.zeros(0, dtype=np.int64)
    tops = [int(column.max()) + 1 for column in columns]
    size = 1 if distinct else count
    for top in tops:
        size *= top
    if size >= 1 << 63 or any(int(column.min()) < 0 for column in columns):
        return np.lexsort(columns[::-1])
    composite = np.zeros(count, dtype=np.int64)
    for column, top in zip(columns, tops, strict=True):
        composite *= top
        composite += column
    if distinct:
        return np.argsort(composite)
    composite *= count
    composite += np.arange(count, dtype=np.int64)
    composite.sort()
    return composite % count


def descending_ranks(values):
    """Each value's rank among the distinct ``values``, largest first (0 for the largest): a column for
    :func:`sort_order` that orders as ``-values`` does."""
    import numpy as np

    return np.unique(-values, return_inverse=True)[1].astype(np.int64)



@dataclass
class Graph:
    """The similarity graph: edges ``first[k] < second[k]`` (item indices) between articles alike in content
    (terms and entities, at least EDGE_FLOOR) and published within WINDOW_DAYS, with that content similarity
    and their similarity as grouping sees it (dates counted), plus the weighted vectors. The edges are numpy
    arrays, in the order of ``first * len(items) + second``."""

    first: Any  # numpy int64 arrays
    second: Any
    similarity: Any  # numpy float64 arrays
    content: Any
    terms: Weights
    entities: Weights
    pairs: int


@dataclass
class Vectors:
    """Every item's weighted term and entity vectors and publication day: what a graph is computed from."""

    terms: Weights
    entities: Weights
    days: object  # numpy array of proleptic ordinals, 0 when undated
    cap: int

    @classmethod
    def of(cls, items: Sequence[Item]) -> Vectors:
        import numpy as np

        cap = max(DF_FLOOR, int(DF_CAP * len(items)))
        return cls(terms=Weights([item.features.terms for item in items], common_terms(), cap),
                   entities=Weights([dict(item.entities) for item in items], cap=cap),
                   days=np.asarray([day(item.published) for item in items], dtype=np.int64), cap=cap)


def similarity_graph(items: Sequence[Item], only=None, vectors: Vectors | None = None) -> Graph:
    """The graph of ``items`` (every edge, or with ``only``, a boolean array over the items, the edges that
    touch one of those), from their ``vectors`` (computed when not given)."""
    import numpy as np

    n = len(items)
    vectors = vectors or Vectors.of(items)
    terms, entities, days, cap = vectors.terms, vectors.entities, vectors.days, vectors.cap
    term_keys, term_sums = pair_sums(terms, days, n, cap, only)
    entity_keys, entity_sums = pair_sums(entities, days, n, cap, only)
    keys = reduce_sums([term_keys, entity_keys], [np.zeros(len(term_keys)), np.zeros(len(entity_keys))])[0]
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
    return Graph(first=first[keep], second=second[keep], similarity=similarity[keep], content=content[keep],
                 terms=terms, entities=entities, pairs=len(keys))



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
        for when, w in near:
            running += w
            if running >= half:
                imputed[u] = when
                break
    return imputed

