"""Byline's engine: ingest a corpus, annotate it with spaCy, index it with Whoosh, search and compare it.

The public API is what this module exports; the reader and the CLI use nothing else. It never imports Textual.
"""

from .aliases import AliasFileError
from .entities import CanonicalEntity, EntityCoverage, MergeReason
from .ingest import CorpusChanges
from .library import Library, bundled_corpus, open_library
from .models import (
    Annotation,
    Article,
    ArticleSummary,
    BuildProgress,
    BuildReport,
    EntitySpan,
    FacetCount,
    Fragment,
    Hit,
    SearchResult,
    Skipped,
    label_kind,
)
from .search import QueryError, match_spans
from .store import IndexCorrupt, IndexLocked, IndexMissing, IndexProblem

__all__ = [
    "AliasFileError",
    "Annotation",
    "Article",
    "ArticleSummary",
    "BuildProgress",
    "BuildReport",
    "CanonicalEntity",
    "CorpusChanges",
    "EntityCoverage",
    "EntitySpan",
    "FacetCount",
    "Fragment",
    "Hit",
    "IndexCorrupt",
    "IndexLocked",
    "IndexMissing",
    "IndexProblem",
    "Library",
    "MergeReason",
    "QueryError",
    "SearchResult",
    "Skipped",
    "bundled_corpus",
    "label_kind",
    "match_spans",
    "open_library",
]
