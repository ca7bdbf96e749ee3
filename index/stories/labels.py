"""What a story is called and what it is related to: its most telling canonical entities and terms (as its
articles write them), and the other stories its articles resemble."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from ..analysis import analyze
from .features import ArticleFeatures
from .similarity import Graph, Item, Weights, descending_ranks, reduce_sums, sort_order

#: Related stories kept per story (for "who left this out").
RELATED = 10
#: Terms and entities in a story's label.
LABEL_ENTITIES = 3
LABEL_TERMS = 3

#: Told how long work is getting on: ``report(phase, done, total)`` (``total`` 0: not counted).
Report = Callable[[str, int, int], None]
#: Items (articles, stories) between two reports.
REPORT_EVERY = 500


def silent(phase: str, done: int, total: int) -> None:
    """A :data:`Report` that tells no one."""


def describe_stories(
    items: Sequence[Item],
    graph: Graph,
    cluster: list[int],
    members: Mapping[int, list[int]],
    names: Mapping[str, str],
    surfaces: Mapping[str, Iterable[str]],
    other_ids: Mapping[int, str] | None = None,
    report: Report | None = None,
) -> list[dict[str, Any]]:
    """Each story of ``members``: id (from its first article), articles (earliest first), label, related
    stories (among them and the stories ``other_ids`` names, by the cluster name of each). ``report`` hears
    ``("naming stories", done, total)`` now and then."""
    story_ids = {rep: "S" + hashlib.sha1(items[m[0]].id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
                 for rep, m in members.items()}
    related = _related(graph, cluster, {**(other_ids or {}), **story_ids})
    term_top = _top_by_story(graph.terms, cluster, 4 * LABEL_TERMS, members)
    entity_top = _top_by_story(graph.entities, cluster, 3 * LABEL_ENTITIES, members)
    covering: dict[str, frozenset[str]] = {}

    def covered_by(entity: str) -> frozenset[str]:
        """The terms of an entity's names: a label that names the entity need not repeat them as terms."""
        if entity not in covering:
            covering[entity] = frozenset(term for name in (names.get(entity, ""), *surfaces.get(entity, ()))
                                         for term in _name_terms(name))
        return covering[entity]

    stories = []
    report = report or silent
    total = len(members)
    words: dict[str, frozenset[str]] = {}
    for number, rep in enumerate(sorted(members, key=story_ids.__getitem__)):
        if number % REPORT_EVERY == 0:
            report("naming stories", number, total)
        group_members = members[rep]
        top_entities = _distinct_names(entity_top.get(rep, ()), names, words)[:LABEL_ENTITIES]
        covered = set().union(*map(covered_by, top_entities))
        label_terms: list[str] = []
        folded: set[str] = set()
        for term in term_top.get(rep, ()):
            if len(label_terms) >= LABEL_TERMS:
                break
            if term in covered or term.isdigit():
                continue
            form = _form(term, (items[i].features for i in group_members))
            if form.casefold() not in folded:
                label_terms.append(form)
                folded.add(form.casefold())
        stories.append({
            "id": story_ids[rep],
            "articles": [items[i].id for i in group_members],
            "entities": [_display(e, names) for e in top_entities],
            "terms": label_terms,
            "related": related.get(rep, []),
        })
    report("naming stories", total, total)
    return stories


def _display(entity: str, names: Mapping[str, str]) -> str:
    name = names.get(entity)
    return name if name is not None or entity in names else entity.partition(":")[2] or entity


def _distinct_names(entities: Sequence[str], names: Mapping[str, str],
                    memo: dict[str, frozenset[str]] | None = None) -> list[str]:
    """``entities`` (heaviest first) without one that repeats a name already kept: "Tlaib" beside "Rashida
    Tlaib" (or an entity of another kind by the same name) says nothing more, and the fuller name stays. Only
    one word is taken for a repeat of a longer name: "Islamic State" and "Islamic State Khorasan Province" are
    two entities. ``memo`` keeps each entity's words for the next call."""
    memo = {} if memo is None else memo
    kept: list[str] = []
    kept_words: list[frozenset[str]] = []
    for entity in entities:
        words = memo.get(entity)
        if words is None:
            words = memo[entity] = frozenset(_display(entity, names).casefold().split())
        if not words:
            continue
        for k, other in enumerate(kept_words):  # the first kept name this one repeats, if any
            if words == other or (len(words) == 1 and words < other) or (len(other) == 1 and other < words):
                if words > other:
                    kept[k], kept_words[k] = entity, words
                break
        else:
            kept.append(entity)
            kept_words.append(words)
    return kept


def _related(graph: Graph, cluster: list[int], story_ids: Mapping[int, str]) -> dict[int, list[list]]:
    """Per story, the RELATED other stories most linked to it (summed content similarity of the pairs of
    articles between them): ``[[story id, strength], ...]``, strongest first."""
    import numpy as np

    if not len(graph.first):
        return {}
    groups = np.asarray(cluster, dtype=np.int64)
    a, b = groups[graph.first], groups[graph.second]
    between = a != b
    a, b, value = a[between], b[between], graph.content[between]
    n = len(cluster)
    keys, sums = reduce_sums([np.concatenate((a * n + b, b * n + a))], [np.concatenate((value, value))])
    source, target = keys // n, keys % n
    order = sort_order(source, descending_ranks(np.round(sums, 9)), target, distinct=True)
    source, target, sums = source[order], target[order], sums[order]
    starts = np.searchsorted(source, source, side="left")
    keep = np.arange(len(source)) - starts < RELATED
    source, target, sums = source[keep], target[keep], sums[keep]
    if not len(source):
        return {}
    linked = [[story_ids[t], round(v, 4)] for t, v in zip(target.tolist(), sums.tolist(), strict=True)]
    bounds = np.flatnonzero(np.diff(source)) + 1
    lows, highs = [0, *bounds.tolist()], [*bounds.tolist(), len(source)]
    return {s: linked[lo:hi] for s, lo, hi in zip(source[lows].tolist(), lows, highs, strict=True)}



def _top_by_story(weights: Weights, cluster: list[int], limit: int, stories: Iterable[int]) -> dict[int, list[str]]:
    """The ``limit`` heaviest names of each of ``stories``' summed vectors (ties by name), all in numpy."""
    import numpy as np

    if not len(weights.ids):
        return {}
    vocabulary = len(weights.names)
    story = np.asarray(cluster, dtype=np.int64)[weights.docs]
    chosen = np.zeros(len(cluster), dtype=bool)  # cluster names are item numbers
    chosen[np.fromiter(stories, dtype=np.int64)] = True
    wanted = chosen[story]
    keys, sums = reduce_sums([story[wanted] * vocabulary + weights.ids[wanted]], [weights.weights[wanted]])
    stories, ids = keys // vocabulary, keys % vocabulary
    order = sort_order(stories, descending_ranks(np.round(sums, 9)), ids, distinct=True)
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


