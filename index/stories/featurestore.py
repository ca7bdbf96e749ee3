"""Features on disk: computed at index time for the text the store has not seen, kept by content (text, title,
annotator) beside the index and shared by its generations."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..models import Annotation, Article
from ..storage import FEATURES_DB, SqliteCache
from .features import FEATURES_VERSION, ArticleFeatures, features_of


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
        wanted = set(keys)
        (stored,) = self._db.execute(f"SELECT count(*) FROM {self.TABLE}").fetchone()
        if len(wanted) > 1000 and stored <= 2 * len(wanted):  # most of the store: read it through at once
            raw = {key: data for key, data in self._db.execute(f"SELECT key, data FROM {self.TABLE}") if key in wanted}
        else:
            raw = self.get_raw(wanted)
        return {key: ArticleFeatures.from_dict(json.loads(data)) for key, data in raw.items()}

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

