"""Features on disk: computed at index time for the text the store has not seen, kept by content (text, title,
annotator) beside the index and shared by its generations."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..models import Annotation, Article
from .features import FEATURES_VERSION, ArticleFeatures, features_of

FEATURES_DB = "story-features.sqlite"

def feature_key(content_hash: str, title: str, annotator: str) -> str:
    """Features depend on the text, the title and the annotations (hence the annotator's fingerprint)."""
    title_hash = hashlib.sha1(title.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{FEATURES_VERSION}/{annotator}/{content_hash}/{title_hash}"


class FeatureStore:
    """Features on disk (SQLite) by :func:`feature_key`, beside the index, shared by its generations."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS features (key TEXT PRIMARY KEY, data TEXT NOT NULL)")

    def get_many(self, keys: Iterable[str]) -> dict[str, ArticleFeatures]:
        found: dict[str, ArticleFeatures] = {}
        keys = list(keys)
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for key, data in self._db.execute(f"SELECT key, data FROM features WHERE key IN ({marks})", chunk):
                found[key] = ArticleFeatures.from_dict(json.loads(data))
        return found

    def missing(self, keys: Iterable[str]) -> set[str]:
        wanted = set(keys)
        present: set[str] = set()
        listed = list(wanted)
        for i in range(0, len(listed), 500):
            chunk = listed[i : i + 500]
            marks = ",".join("?" * len(chunk))
            present.update(k for (k,) in self._db.execute(f"SELECT key FROM features WHERE key IN ({marks})", chunk))
        return wanted - present

    def put_many(self, items: Iterable[tuple[str, ArticleFeatures]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO features (key, data) VALUES (?, ?)",
                ((key, json.dumps(f.to_dict(), ensure_ascii=False, separators=(",", ":"))) for key, f in items),
            )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> FeatureStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def update_features(
    index_dir: Path, articles: Mapping[str, Article], annotations: Mapping[str, Annotation], annotator: str
) -> int:
    """Compute and store the features the store lacks for ``articles``; the number computed.

    Called by :meth:`index.library.Library.build` once annotations are known, so grouping never waits for
    text analysis."""
    with FeatureStore(index_dir / FEATURES_DB) as features:
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

