"""Stories: the articles of a corpus that tell the same event, grouped, without spaCy at read time.

One module a stage:

- :mod:`.features` (at index time): each article's terms with counts (title and lead weigh more), how its text
  writes them, its entity mentions and a sketch of its word shingles (:mod:`.copies` compares two sketches to tell
  syndicated copies);
  :mod:`.featurestore` keeps them by content beside the index, so an update computes them only for new text.
- :mod:`.similarity` (when asked): corpus-weighted term and entity vectors, and the sparse graph of articles
  alike in content and close in date.
- :mod:`.grouping`: average-linkage clustering of that graph into stories, copies within each story, each
  article's nearest neighbours; after a change, a regroup of only the stories the changed articles can join.
- :mod:`.labels`: what each story is called (its most telling entities and terms) and which stories are related.
- :mod:`.map`: :class:`StoryMap`, what the reader and the command line read (stories, other coverage, who left
  a story out, each story's timeline).
- :mod:`.cache`: :func:`story_map`, the map of an index, cached in its generation and regrouped after a change.

Story ids come from the story's first article and labels from its members, so they are stable across
re-indexing an unchanged corpus.

Names are imported on first use (PEP 562): a build, which only computes the features of new text, does not load
the grouping, the labels and the map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

_EXPORTS = {
    **dict.fromkeys(("STORIES_FILE", "STORIES_VERSION", "story_map"), ".cache"),
    **dict.fromkeys(("near_duplicate", "resemblance"), ".copies"),
    **dict.fromkeys(("FEATURES_VERSION", "ArticleFeatures", "credit_spans", "features_of", "shingle_sketch"),
                    ".features"),
    **dict.fromkeys(("FEATURES_DB", "FeatureStore", "feature_key", "update_features"), ".featurestore"),
    **dict.fromkeys(("Grouping", "group"), ".grouping"),
    **dict.fromkeys(("SORTS", "LeftOut", "Neighbour", "Story", "StoryArticle", "StoryMap", "TimelineRow"), ".map"),
    "Item": ".similarity",
}

if TYPE_CHECKING:
    from .cache import STORIES_FILE, STORIES_VERSION, story_map
    from .copies import near_duplicate, resemblance
    from .features import FEATURES_VERSION, ArticleFeatures, credit_spans, features_of, shingle_sketch
    from .featurestore import FEATURES_DB, FeatureStore, feature_key, update_features
    from .grouping import Grouping, group
    from .map import SORTS, LeftOut, Neighbour, Story, StoryArticle, StoryMap, TimelineRow
    from .similarity import Item


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


__all__ = [
    "FEATURES_DB", "FEATURES_VERSION", "SORTS", "STORIES_FILE", "STORIES_VERSION", "ArticleFeatures", "FeatureStore",
    "Grouping", "Item", "LeftOut", "Neighbour", "Story", "StoryArticle", "StoryMap", "TimelineRow", "credit_spans",
    "feature_key", "features_of", "group", "near_duplicate", "resemblance", "shingle_sketch", "story_map",
    "update_features",
]
