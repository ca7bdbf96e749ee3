"""Byline's engine: ingest a corpus, annotate it with spaCy, index it with Whoosh, search and compare it.

The public API is what this module exports; the reader and the CLI use nothing else. It never imports Textual.

Every name is imported on first use (PEP 562): the reader's first frame needs the library and the models, not
Whoosh's analysers or the entity resolver (rapidfuzz), and ``from index import QueryError`` should not pay for
them either.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .lazy import defer_module, lazy_exports, stand_in, standing_in

# The engine's records are dataclasses, and ``dataclasses`` imports ``inspect`` (with ``ast``, ``dis`` and
# ``tokenize``: 15 ms of a `byline search` process) only to write a docstring for a class that has none; every
# record class of the engine has one. So ``dataclasses`` is given a stand-in for ``inspect`` that imports it if
# ever used; the stand-in leaves ``sys.modules`` at once, so no other module ever sees it (one that imports
# ``inspect`` gets the real one).
if "dataclasses" not in sys.modules:
    with standing_in({"inspect": stand_in("inspect", ())}):
        import dataclasses  # noqa: F401

# Whoosh imports these for queries and analysers Byline never builds (``Variations``, ``StemmingAnalyzer``):
# morph_en compiles ~50 regular expressions on import, about 15 ms of every search process.
defer_module("whoosh.lang.morph_en", ("variations",))
defer_module("whoosh.lang.porter", ("stem",))
# And these for a phonetic filter and Whoosh's own fuzzy matching (Byline's fuzzy words look terms up in sorted
# lists, index.search.terms), 3 ms of every search process.
defer_module("whoosh.lang.dmetaphone", ("double_metaphone",))
defer_module("whoosh.automata.lev", ("levenshtein_automaton",))
# Whoosh's highlighting (with html.entities), which Byline does not use: its searches' results get a stand-in
# (index.search.terms), 4 ms.
defer_module("whoosh.highlight", ())
# And its sorting and grouping by facets (Byline counts its own facets), 2 ms.
defer_module("whoosh.sorting", ())

#: Each exported name and the submodule that defines it.
_EXPORTS = {
    "AliasFileError": ".aliases",
    "match_spans": ".analysis",
    "CorpusChanges": ".ingest",
    "Library": ".library",
    "bundled_corpus": ".library",
    "open_library": ".library",
    "Annotation": ".models",
    "Article": ".models",
    "ArticleSummary": ".models",
    "BuildProgress": ".models",
    "BuildReport": ".models",
    "EntitySpan": ".models",
    "FacetCount": ".models",
    "Fragment": ".models",
    "Hit": ".models",
    "QueryError": ".models",
    "SearchResult": ".models",
    "Skipped": ".models",
    "label_kind": ".models",
    "IndexCorrupt": ".store",
    "IndexLocked": ".store",
    "IndexMissing": ".store",
    "IndexOfAnotherCorpus": ".store",
    "IndexProblem": ".store",
    "CanonicalEntity": ".entities",
    "EntityCoverage": ".entities",
    "MergeReason": ".entities",
    "ArticleRef": ".compare",
    "Comparison": ".compare",
    "EntityRef": ".compare",
    "FigurePair": ".compare",
    "SecondCounterpart": ".compare",
    "SentencePair": ".compare",
    "entity_key": ".compare",
    "LABEL_KINDS": ".models",
    "ModelError": ".annotate",
    "PreloadedAnnotator": ".annotate",
    "ClusterError": ".cluster",
    "cluster_annotator": ".cluster",
    "SORTS": ".stories",
    "StoryMap": ".stories",
    "FeedError": ".feeds",
    "list_feeds": ".feeds",
    "subscribe": ".feeds",
    "unsubscribe": ".feeds",
    "update_feeds": ".feeds",
    "FetchPolicy": ".fetch",
    "WebUnavailable": ".fetch",
    "WebStateError": ".web",
    "add_urls": ".web",
    "write_atomic": ".storage",
    "install_hint": ".extras",
    "missing_modules": ".extras",
}

if TYPE_CHECKING:
    from .aliases import AliasFileError
    from .analysis import match_spans
    from .annotate import ModelError, PreloadedAnnotator
    from .cluster import ClusterError, cluster_annotator
    from .compare import ArticleRef, Comparison, EntityRef, FigurePair, SecondCounterpart, SentencePair, entity_key
    from .entities import CanonicalEntity, EntityCoverage, MergeReason
    from .extras import install_hint, missing_modules
    from .feeds import FeedError, list_feeds, subscribe, unsubscribe, update_feeds
    from .fetch import FetchPolicy, WebUnavailable
    from .ingest import CorpusChanges
    from .library import Library, bundled_corpus, open_library
    from .models import (
        LABEL_KINDS,
        Annotation,
        Article,
        ArticleSummary,
        BuildProgress,
        BuildReport,
        EntitySpan,
        FacetCount,
        Fragment,
        Hit,
        QueryError,
        SearchResult,
        Skipped,
        label_kind,
    )
    from .storage import write_atomic
    from .store import IndexCorrupt, IndexLocked, IndexMissing, IndexOfAnotherCorpus, IndexProblem
    from .stories import SORTS, StoryMap
    from .web import WebStateError, add_urls


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


__all__ = [
    "LABEL_KINDS",
    "SORTS",
    "AliasFileError",
    "Annotation",
    "Article",
    "ArticleRef",
    "ArticleSummary",
    "BuildProgress",
    "BuildReport",
    "CanonicalEntity",
    "ClusterError",
    "Comparison",
    "CorpusChanges",
    "EntityCoverage",
    "EntityRef",
    "EntitySpan",
    "FacetCount",
    "FeedError",
    "FetchPolicy",
    "FigurePair",
    "Fragment",
    "Hit",
    "IndexCorrupt",
    "IndexLocked",
    "IndexMissing",
    "IndexOfAnotherCorpus",
    "IndexProblem",
    "Library",
    "MergeReason",
    "ModelError",
    "PreloadedAnnotator",
    "QueryError",
    "SearchResult",
    "SecondCounterpart",
    "SentencePair",
    "Skipped",
    "StoryMap",
    "WebStateError",
    "WebUnavailable",
    "add_urls",
    "bundled_corpus",
    "cluster_annotator",
    "entity_key",
    "install_hint",
    "label_kind",
    "list_feeds",
    "match_spans",
    "missing_modules",
    "open_library",
    "subscribe",
    "unsubscribe",
    "update_feeds",
    "write_atomic",
]
