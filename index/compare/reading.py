"""What comparison reads of one article, once: its figures, quotes and sentence profiles.

Reading an article is most of a comparison's work (two 2,000-word articles: about two thirds), and none of it
depends on the other article. The reader compares one article with several others in turn, so the readings of
the last few articles are kept, keyed by everything they are read from (the text, its date, entities and
sentences, and which sentences are furniture): an article whose annotation changed is read again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from threading import Lock

from ..models import Article
from .claims import FigureSet
from .quotes import Quote, extract_quotes
from .sentences import Profile, sentence_profiles

#: How many articles' readings are kept.
KEEP = 16


@dataclass(frozen=True, slots=True)
class Reading:
    figures: FigureSet
    quotes: tuple[Quote, ...]
    profiles: tuple[Profile, ...]


_kept: OrderedDict[tuple, Reading] = OrderedDict()
_lock = Lock()


def read(article: Article, furniture: Collection[int]) -> Reading:
    """The reading of ``article`` with ``furniture`` (sentence indices) left out of its figures."""
    key = (article.text, article.published, article.entities, article.sentences, frozenset(furniture))
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    figures = FigureSet.of(article.text, article.sentences, article.published).without(furniture)
    quotes = tuple(extract_quotes(article.text, article.entities))
    reading = Reading(figures, quotes, tuple(sentence_profiles(article, figures, quotes)))
    with _lock:
        _kept[key] = reading
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return reading


def forget() -> None:
    """Drop every kept reading (the benchmark times a comparison of articles never read before)."""
    with _lock:
        _kept.clear()
