"""Byline's engine: ingest a corpus, annotate it with spaCy, index it with Whoosh, search and compare it.

The public API is what this module exports; the reader and the CLI use nothing else. It never imports Textual.
"""

from .aliases import AliasFileError
from .analysis import match_spans
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
    QueryError,
    SearchResult,
    Skipped,
    label_kind,
)
from .store import IndexCorrupt, IndexLocked, IndexMissing, IndexProblem

#: Exported, but imported on first use (PEP 562): entity resolution pulls in rapidfuzz and a large module that
#: opening the reader does not need.
_LAZY = {"CanonicalEntity": ".entities", "EntityCoverage": ".entities", "MergeReason": ".entities"}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value

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
