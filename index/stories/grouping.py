"""Grouping: average-linkage agglomerative clustering over the sparse similarity graph, merging while the mean
similarity between two groups is at least THRESHOLD. It needs no number of stories, leaves an article that
resembles nothing as a single, resists the chaining single-link suffers from, and depends only on the set of
articles (ties broken by article id). Then copies within each story, and each article's nearest neighbours.
After a change, :func:`regroup` does the same for only the stories the changed articles can join."""

from __future__ import annotations

import heapq
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .copies import COPY_CONTENT, near_duplicate
from .labels import Report, describe_stories, silent
from .similarity import EDGE_FLOOR, Graph, Item, Vectors, descending_ranks, similarity_graph, sort_order

#: Average similarity at which two groups are one story.
THRESHOLD = 0.2

#: Neighbours kept per article (for ``byline similar`` and the other-coverage panel).
NEIGHBOURS = 12

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



def group(
    items: Sequence[Item],
    entity_names: Mapping[str, str] | None = None,
    entity_surfaces: Mapping[str, Iterable[str]] | None = None,
    report: Report | None = None,
) -> Grouping:
    """Group ``items`` into stories (see the module's docstring). Depends only on the set of items.

    ``entity_names`` gives each canonical entity id its display name, ``entity_surfaces`` the ways articles
    write it, so a label does not repeat an entity as a term ("Islamic State" and "IS"). ``report`` hears
    which step runs (:data:`.labels.Report`)."""

    started = time.perf_counter()
    report = report or silent
    items = sorted(items, key=lambda item: item.id)
    if not items:
        return Grouping(stories=[], neighbours={}, copy_of={}, stats={"articles": 0})
    report("comparing articles", 0, 0)
    graph = similarity_graph(items)
    report("clustering", 0, 0)
    paired = time.perf_counter()
    close = graph.similarity >= EDGE_FLOOR
    cluster = _average_linkage(len(items), graph.first[close], graph.second[close], graph.similarity[close],
                               THRESHOLD)
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
    stories = describe_stories(items, graph, cluster, members, entity_names or {}, entity_surfaces or {},
                               report=report)
    stats = _stats(len(items), graph, [len(m) for m in members.values()], copy_of, (started, paired, clustered))
    return Grouping(stories=stories, neighbours=neighbours, copy_of=copy_of, stats=stats)


def _stats(articles: int, graph: Graph, sizes: list[int], copy_of: Mapping[str, str],
           times: tuple[float, float, float]) -> dict[str, Any]:
    """How grouping went: sizes, pairs and edges, and where the time went (``times``: when it started,
    finished the graph, finished clustering; it finishes now)."""
    started, paired, clustered = times
    finished = time.perf_counter()
    return {
        "articles": articles,
        "pairs": graph.pairs,
        "edges": len(graph.first),
        "stories": sum(1 for size in sizes if size > 1),
        "singles": sum(1 for size in sizes if size == 1),
        "largest": max(sizes),
        "copies": len(copy_of),
        "seconds": {"similarity": round(paired - started, 3), "clustering": round(clustered - paired, 3),
                    "labels": round(finished - clustered, 3), "total": round(finished - started, 3)},
    }


def _copies(
    items: Sequence[Item], graph: Graph, cluster: list[int], order_key: list
) -> tuple[set[tuple[int, int]], dict[str, str]]:
    """Near-duplicate pairs among similar articles, and, within each story, every copy's original (the
    earliest of the texts it duplicates, directly or through another copy)."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.get(i, i) != i:
            i = parent[i]
        return i

    copies: set[tuple[int, int]] = set()
    # Copies share most of their words: no need to compare sketches of pairs that do not.
    alike = graph.content >= COPY_CONTENT
    for a, b in zip(graph.first[alike].tolist(), graph.second[alike].tolist(), strict=True):
        if near_duplicate(items[a].features, items[b].features):
            copies.add((a, b))
            if cluster[a] == cluster[b]:
                ra, rb = root(a), root(b)
                if ra != rb:
                    early, late = sorted((ra, rb), key=order_key.__getitem__)
                    parent[late] = early
    copy_of = {items[i].id: items[root(i)].id for i in sorted(parent) if root(i) != i}
    return copies, copy_of


def _neighbours(
    items: Sequence[Item], graph: Graph, copies: set[tuple[int, int]]
) -> dict[str, list[tuple[str, float, bool]]]:
    """Each article's NEIGHBOURS most alike articles: ``(id, content similarity, is a copy)``, best first."""
    import numpy as np

    if not len(graph.first):
        return {}
    first, second = graph.first, graph.second
    value = np.round(graph.content, 4)
    source = np.concatenate((first, second))
    target = np.concatenate((second, first))
    value = np.concatenate((value, value))
    order = sort_order(source, descending_ranks(value), target, distinct=True)
    source, target, value = source[order], target[order], value[order]
    rank = np.arange(len(source)) - np.searchsorted(source, source, side="left")
    keep = rank < NEIGHBOURS
    source, target, value = source[keep], target[keep], value[keep]
    n = len(items)
    copy = np.zeros(len(source), dtype=bool)
    if copies:
        pairs = np.asarray(sorted(copies), dtype=np.int64)
        copy = np.isin(np.minimum(source, target) * n + np.maximum(source, target), pairs[:, 0] * n + pairs[:, 1])
    ids = [item.id for item in items]
    out: dict[str, list[tuple[str, float, bool]]] = defaultdict(list)
    for a, b, v, c in zip(source.tolist(), target.tolist(), value.tolist(), copy.tolist(), strict=True):
        out[ids[a]].append((ids[b], v, c))
    return dict(out)



def _average_linkage(n: int, first, second, weights, threshold: float) -> list[int]:
    """Average-linkage clustering of a sparse similarity graph (edges ``first[k] < second[k]`` of weight
    ``weights[k]``, numpy arrays; missing pairs count as 0): merge the two groups of highest mean similarity
    while it is at least ``threshold``. Each item's group is named by its smallest member; ties go to the
    smallest names, so the result depends only on the graph.

    Two groups can only merge when some pair between them is at least ``threshold`` (a mean is never above
    every value), so every group stays within one component of the edges that are: the edges between
    components, or from an article with no such edge, are left out (on Reuters, most of them)."""
    strong = weights >= threshold
    component = _components(n, first[strong].tolist(), second[strong].tolist())
    within = component[first] == component[second]
    first, second, weights = first[within].tolist(), second[within].tolist(), weights[within].tolist()
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


def _components(n: int, first: list[int], second: list[int]):
    """The connected component of each of ``n`` items joined by the edges ``first[k]``-``second[k]``, as a
    numpy array of names (an item on no edge is a component of its own)."""
    import numpy as np

    parent = list(range(n))
    for a, b in zip(first, second, strict=True):
        while parent[a] != a:
            parent[a] = a = parent[parent[a]]
        while parent[b] != b:
            parent[b] = b = parent[parent[b]]
        if a != b:
            parent[max(a, b)] = min(a, b)
    for i in range(n):
        parent[i] = parent[parent[i]]
    return np.asarray(parent, dtype=np.int64)




# --- after a change: only what the changed articles can join ---------------------------------------------

@dataclass
class Previous:
    """A grouping as cached (see :mod:`.cache`): its stories, copies and a way to read an article's neighbours."""

    stories: list[dict[str, Any]]
    copy_of: Mapping[str, str]
    #: Article id -> its neighbours ``(id, similarity, is a copy)``, as grouping left them.
    neighbours: Callable[[str], list[tuple[str, float, bool]]]


def regroup(
    items: Sequence[Item],
    previous: Previous,
    changed: Iterable[str],
    deleted: Iterable[str],
    entity_names: Mapping[str, str] | None = None,
    entity_surfaces: Mapping[str, Iterable[str]] | None = None,
    report: Report | None = None,
) -> Grouping:
    """Group ``items`` again after the articles ``changed`` (added or changed) and ``deleted``, touching only the
    stories they can join: the stories that held them, and the stories of the articles alike to them before
    the change (their neighbours then) or after it (their edges now). Those stories' articles and the changed
    ones are clustered afresh; every other story stays as it was, with its label, copies and neighbours.

    The weights are the corpus's as it is now, so the regrouped part is grouped exactly as :func:`group` would
    group it; a story left as it was keeps the similarities of the grouping that made it."""
    import numpy as np

    started = time.perf_counter()
    report = report or silent
    items = sorted(items, key=lambda item: item.id)
    if not items:
        return Grouping(stories=[], neighbours={}, copy_of={}, stats={"articles": 0})
    report("comparing articles", 0, 0)
    n = len(items)
    position = {item.id: i for i, item in enumerate(items)}
    changed, deleted = set(changed), set(deleted)
    story_of = {aid: k for k, story in enumerate(previous.stories) for aid in story["articles"]}
    fresh = np.zeros(n, dtype=bool)
    for aid in changed:
        if aid in position:
            fresh[position[aid]] = True
    vectors = Vectors.of(items)
    reach = similarity_graph(items, only=fresh, vectors=vectors)
    near = changed | deleted
    near.update(items[i].id for i in np.unique(np.concatenate((reach.first, reach.second))).tolist())
    for aid in changed | deleted:
        near.update(other for other, _, _ in previous.neighbours(aid))
    touched = {story_of[aid] for aid in near if aid in story_of}
    affected = fresh.copy()
    for k in touched:
        for aid in previous.stories[k]["articles"]:
            if aid in position:
                affected[position[aid]] = True
    for aid, i in position.items():  # an article the previous grouping never saw is new to it
        if aid not in story_of:
            affected[i] = True
    graph = similarity_graph(items, only=affected, vectors=vectors)
    report("clustering", 0, 0)
    paired = time.perf_counter()
    inside = affected[graph.first] & affected[graph.second] & (graph.similarity >= EDGE_FLOOR)
    cluster = _average_linkage(n, graph.first[inside], graph.second[inside], graph.similarity[inside], THRESHOLD)
    kept: list[dict[str, Any]] = []
    kept_ids: dict[int, str] = {}
    for k, story in enumerate(previous.stories):
        if k in touched:
            continue
        ids = [position[aid] for aid in story["articles"] if aid in position]
        if not ids:
            continue
        for i in ids:
            cluster[i] = min(ids)
        kept.append(story)
        kept_ids[min(ids)] = story["id"]
    clustered = time.perf_counter()
    order_key = [(not item.published, item.published, item.id) for item in items]
    members: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(affected).tolist():
        members[cluster[i]].append(i)
    for group_members in members.values():
        group_members.sort(key=order_key.__getitem__)
    copies, new_copy_of = _copies(items, graph, cluster, order_key)
    copy_of = {aid: original for aid, original in previous.copy_of.items()
               if aid in position and original in position and not affected[position[aid]]}
    copy_of.update(new_copy_of)
    fresh_neighbours = _neighbours(items, graph, copies)
    neighbours: dict[str, list[tuple[str, float, bool]]] = {}
    for item, regrouped in zip(items, affected.tolist(), strict=True):
        if regrouped:
            found = fresh_neighbours.get(item.id, [])
        else:
            found = [entry for entry in previous.neighbours(item.id) if entry[0] in position]
        if found:
            neighbours[item.id] = found
    stories = kept + describe_stories(items, graph, cluster, members, entity_names or {}, entity_surfaces or {},
                                      kept_ids, report=report)
    stories.sort(key=lambda story: story["id"])
    stats = _stats(n, graph, [len(story["articles"]) for story in stories], copy_of, (started, paired, clustered))
    stats["regrouped"] = int(affected.sum())
    return Grouping(stories=stories, neighbours=neighbours, copy_of=copy_of, stats=stats)
