"""An index's stories, cached in its generation keyed by the catalog and entity registry they were computed
from, and regrouped after a change: from nothing when there is no earlier map, else only the stories the
changed articles can join (:func:`.grouping.regroup`)."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..storage import CATALOG, CATALOG_JOURNAL, ENTITIES, STORIES_FILE, write_json
from .features import FEATURES_VERSION, ArticleFeatures, features_of
from .featurestore import FEATURES_DB, FeatureStore, feature_key
from .grouping import Previous, group, regroup
from .labels import REPORT_EVERY, Report, silent
from .map import NeighbourLists, StoryMap
from .similarity import Item

if TYPE_CHECKING:
    from ..entities import EntityRegistry

#: Bump when grouping changes (weights, thresholds, the cached file's shape).
STORIES_VERSION = "5"

# --- an index's stories, cached in its generation -------------------------------------------------------

#: The last map made in this process, by the state of the index files it was made from: the reader asks
#: for the map each time it shows other coverage.
_LAST: dict[tuple, StoryMap] = {}


#: A regroup touches only what changed while the changed and deleted articles are at most this share of the
#: corpus (an article changes for grouping when its text, title, date, source or resolved entities do); beyond
#: it, everything is grouped again (no slower then, and every story's weights are current).
REGROUP_SHARE = 0.5


def story_map(library, *, refresh: bool = False, report: Report | None = None) -> StoryMap:
    """The stories of ``library``'s index: the one this process made last if the index has not changed
    since, else read from the generation's cache when it matches the index, else grouped now (and cached):
    after an update, only the stories the changed articles can join are regrouped (:func:`.grouping.regroup`).
    ``refresh`` ignores every cache and groups everything; ``report`` hears how grouping gets on (seconds on
    Reuters' 19,000 articles, the first time).

    The library is held (its lock) only while its files are read: grouping itself touches none of them, so a
    search on another thread goes on meanwhile."""
    with _collector_paused():
        return _story_map(library, refresh, report or silent)


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector paused: grouping makes a few million small containers that live until it ends,
    and the collector would walk all of them again and again (a tenth of the first grouping's time on Reuters).
    Resumed after, if it ran before."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _story_map(library, refresh: bool, report: Report) -> StoryMap:
    from .. import store

    with library._lock:
        generation = library.generation
        state = (str(generation), *(_stat(generation / name) for name in _INDEX_FILES))
        if not refresh and state in _LAST:
            return _LAST[state]
        rows, annotator = store.read_catalog(generation)
        fingerprint = _fingerprint(generation)
        path = generation / STORIES_FILE
        cached = None if refresh else _read_cache(path)
        data = cached if cached is not None and cached.get("fingerprint") == fingerprint else None
        if data is None:
            registry = library.registry
            features = _features(library, rows, annotator, report)
    if data is None:
        items, names, surfaces, digests = _items(registry, rows, features, report)
        grouping = None
        if cached is not None and isinstance(cached.get("digests"), dict):
            old = cached["digests"]
            changed = [aid for aid, digest in digests.items() if old.get(aid) != digest]
            deleted = [aid for aid in old if aid not in digests]
            if len(changed) + len(deleted) <= REGROUP_SHARE * max(1, len(items)):
                lists = NeighbourLists(cached.get("neighbours", {}))
                previous = Previous(stories=cached.get("stories", []), copy_of=cached.get("copy_of", {}),
                                    neighbours=lists.of)
                grouping = regroup(items, previous, changed, deleted, names, surfaces, report=report)
        if grouping is None:
            grouping = group(items, names, surfaces, report=report)
        report("saving", 0, 0)
        data = {
            "version": STORIES_VERSION,
            "fingerprint": fingerprint,
            "stories": grouping.stories,
            "neighbours": NeighbourLists.pack(grouping.neighbours),
            "copy_of": grouping.copy_of,
            "stats": grouping.stats,
            "digests": digests,
        }
        _write_cache(path, data)
    result = StoryMap(data, rows)
    _LAST.clear()
    _LAST[state] = result
    return result


#: What the stories are made from: the catalog (with the rows updates appended to its journal) and the entities.
_INDEX_FILES = (CATALOG, CATALOG_JOURNAL, ENTITIES)


def _stat(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0, 0)
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _fingerprint(generation: Path) -> str:
    digest = hashlib.sha1(f"{STORIES_VERSION}/{FEATURES_VERSION}".encode())
    for name in _INDEX_FILES:
        try:
            digest.update((generation / name).read_bytes())
        except OSError:
            if name != CATALOG_JOURNAL:  # no journal: the fingerprint an index had before journals were
                digest.update(b"-")
    return digest.hexdigest()


def _read_cache(path: Path) -> dict[str, Any] | None:
    """The cached map of this version (of this index or of it before its last update), if any."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != STORIES_VERSION:
        return None
    return data


def _write_cache(path: Path, data: Mapping[str, Any]) -> None:
    """Best effort: an index folder that cannot be written just means grouping again next time."""
    with contextlib.suppress(OSError):
        write_json(path, data)


def _features(library, rows: Mapping[str, Mapping[str, Any]], annotator: str,
              report: Report) -> dict[str, tuple[str, ArticleFeatures]]:
    """Each article's features and their key in the feature store (computed now for any the build did not
    store), by article id."""
    report("reading articles", 0, len(rows))
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
    return {aid: (key, found[key]) for aid, key in keys.items()}


def _items(
    registry: EntityRegistry, rows: Mapping[str, Mapping[str, Any]],
    features: Mapping[str, tuple[str, ArticleFeatures]], report: Report,
) -> tuple[list[Item], dict[str, str], dict[str, set[str]], dict[str, str]]:
    """Grouping's view of every article: catalog metadata, its features, canonical entities from ``registry``;
    and a digest of each article's view, which changes when anything grouping sees of it does."""
    total = len(rows)
    names: dict[str, str] = {}
    surfaces: dict[str, set[str]] = defaultdict(set)
    items = []
    digests: dict[str, str] = {}
    canonical, sha1 = registry.resolver(), hashlib.sha1
    for number, (aid, row) in enumerate(rows.items()):
        if number % REPORT_EVERY == 0:
            report("reading articles", number, total)
        key, article_features = features[aid]
        entity_counts: dict[str, int] = {}
        for label, surface, count in article_features.entities:
            # Per article: a lone surname is whoever that article names in full.
            entity = canonical(surface, label, aid)
            if entity is not None:
                entity_id = entity[0]
                entity_counts[entity_id] = entity_counts.get(entity_id, 0) + count
                names[entity_id] = entity[1]
                surfaces[entity_id].add(surface)
        source, published = row.get("source", ""), row.get("published", "")
        entities = tuple(sorted(entity_counts.items()))
        items.append(Item(aid, source, published, article_features, entities))
        seen = repr((key, source, published, entities))
        digests[aid] = sha1(seen.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    report("reading articles", total, total)
    return items, names, surfaces, digests
