"""What callers get: :class:`StoryMap`, the stories of one index with each article's neighbours, its
related stories and who left each story out, read from what grouping computed."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .similarity import day as _day

# --- what callers get -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article of a story."""

    id: str
    title: str
    source: str
    published: str
    #: The id of the article this one is a near-duplicate (syndicated copy) of, else ``""``.
    copy_of: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source, "published": self.published,
                "copy_of": self.copy_of}


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """When one outlet ran a story: the dates of its articles, and how many of them are undated."""

    #: The outlet (``""`` when the articles do not say).
    source: str
    #: ISO dates of its dated articles, earliest first.
    published: tuple[str, ...]
    undated: int = 0
    #: Days from the story's first article to this outlet's first (``None`` when it ran none dated).
    after_days: int | None = None

    @property
    def first(self) -> str:
        return self.published[0] if self.published else ""

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "first": self.first, "after_days": self.after_days,
                "published": list(self.published), "undated": self.undated}


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one event, earliest first, with a label made of its most telling entities and terms."""

    id: str
    entities: tuple[str, ...]
    terms: tuple[str, ...]
    articles: tuple[StoryArticle, ...]

    @property
    def label(self) -> str:
        """``"Taliban, Zabihullah Mujahid, Kabul: withdrawal, airport"``: entities, then terms."""
        names = ", ".join(self.entities)
        words = ", ".join(self.terms)
        return f"{names}: {words}" if names and words else names or words

    @property
    def size(self) -> int:
        return len(self.articles)

    @property
    def single(self) -> bool:
        return len(self.articles) == 1

    @property
    def first(self) -> str:
        """The earliest publication date (``""`` when no article is dated)."""
        dates = [a.published for a in self.articles if a.published]
        return min(dates) if dates else ""

    @property
    def last(self) -> str:
        dates = [a.published for a in self.articles if a.published]
        return max(dates) if dates else ""

    @property
    def sources(self) -> tuple[str, ...]:
        """The outlets that ran it, most articles first (unknown sources left out)."""
        counts = Counter(a.source for a in self.articles if a.source)
        return tuple(name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def timeline(self) -> tuple[TimelineRow, ...]:
        """Who published when: a row per outlet, the first to run the story first (undated outlets last)."""
        dates: dict[str, list[str]] = defaultdict(list)
        undated: Counter[str] = Counter()
        for article in self.articles:
            if article.published:
                dates[article.source].append(article.published[:10])
            else:
                undated[article.source] += 1
        start = _day(self.first)
        rows = [TimelineRow(source=source, published=tuple(sorted(dates.get(source, ()))), undated=undated[source],
                            after_days=_day(min(dates[source])) - start if source in dates else None)
                for source in {*dates, *undated}]
        return tuple(sorted(rows, key=lambda row: (not row.published, row.first, row.source)))

    @property
    def copies(self) -> int:
        """How many of its articles are syndicated copies of another of its articles."""
        return sum(1 for a in self.articles if a.copy_of)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "entities": list(self.entities),
            "terms": list(self.terms),
            "first": self.first,
            "last": self.last,
            "size": self.size,
            "copies": self.copies,
            "sources": list(self.sources),
            "articles": [a.to_dict() for a in self.articles],
            "timeline": [row.to_dict() for row in self.timeline],
        }


@dataclass(frozen=True, slots=True)
class Neighbour:
    """An article like another, with how alike they are in content (0..1: terms and entities, dates aside)."""

    id: str
    title: str
    source: str
    published: str
    similarity: float
    #: A near-duplicate of the article compared with: the same text run again, not independent coverage.
    copy: bool
    #: In the same story as the article compared with.
    same_story: bool

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source, "published": self.published,
                "similarity": round(self.similarity, 3), "copy": self.copy, "same_story": self.same_story}


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A source that did not run a story although it covered related stories or published at the time."""

    source: str
    #: ``"related"``: it covered related stories (``articles`` are those); ``"active"``: it published other
    #: things in the story's days (``articles`` are some of them).
    reason: str
    articles: tuple[StoryArticle, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "reason": self.reason, "articles": [a.to_dict() for a in self.articles]}


#: Sort orders for :meth:`StoryMap.stories`.
SORTS = ("size", "date", "sources")
#: Days either side of a story in which a source's other articles make it "active" for "who left this out".
ACTIVE_DAYS = 2


class StoryMap:
    """The stories of one index, and the similarity between its articles."""

    def __init__(self, data: Mapping[str, Any], catalog: Mapping[str, Mapping[str, Any]]) -> None:
        self._data = data
        self._catalog = catalog
        self._neighbours = NeighbourLists(data.get("neighbours", {}))
        self._copy_of: dict[str, str] = data.get("copy_of", {})
        self._stories: dict[str, Story] = {}
        self._story_of: dict[str, str] = {}
        self._related: dict[str, list[tuple[str, float]]] = {}
        for raw in data.get("stories", ()):
            story = Story(
                id=raw["id"],
                entities=tuple(raw.get("entities", ())),
                terms=tuple(raw.get("terms", ())),
                articles=tuple(self._article(aid) for aid in raw["articles"] if aid in catalog),
            )
            if not story.articles:
                continue
            self._stories[story.id] = story
            self._related[story.id] = [(sid, float(v)) for sid, v in raw.get("related", ())]
            for article in story.articles:
                self._story_of[article.id] = story.id
        self.stats: dict[str, Any] = dict(data.get("stats", {}))
        self._days: dict[int, list[tuple[str, str]]] | None = None

    def _article(self, article_id: str) -> StoryArticle:
        row = self._catalog[article_id]
        return StoryArticle(id=article_id, title=row.get("title", ""), source=row.get("source", ""),
                            published=row.get("published", ""), copy_of=self._copy_of.get(article_id, ""))

    def __len__(self) -> int:
        return len(self._stories)

    def stories(self, sort: str = "size", *, singles: bool = True) -> list[Story]:
        """Every story (with ``singles``, also the articles that belong to no story, as one-article stories):
        by ``size`` (largest first), ``date`` (newest first) or ``sources`` (most outlets first)."""
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r} (choose from {', '.join(SORTS)})")
        chosen = [s for s in self._stories.values() if singles or not s.single]
        by_id = sorted(chosen, key=lambda s: s.id)
        if sort == "size":
            return sorted(by_id, key=lambda s: (-s.size, -len(s.sources), _descending(s.last)))
        if sort == "date":
            return sorted(by_id, key=lambda s: (s.last == "", _descending(s.last), -s.size))
        return sorted(by_id, key=lambda s: (-len(s.sources), -s.size, _descending(s.last)))

    def story(self, story_id: str) -> Story:
        try:
            return self._stories[story_id]
        except KeyError:
            raise KeyError(f"no story {story_id!r}") from None

    def story_of(self, article_id: str) -> Story:
        """The story an article belongs to (a one-article story when it belongs to none)."""
        try:
            return self._stories[self._story_of[article_id]]
        except KeyError:
            raise KeyError(f"no article {article_id!r}") from None

    def similar(self, article_id: str, limit: int = 10) -> list[Neighbour]:
        """The articles most similar to one, best first."""
        if article_id not in self._story_of:
            raise KeyError(f"no article {article_id!r}")
        story = self._story_of[article_id]
        out = []
        for other, value, copy in self._neighbours.of(article_id)[: max(0, limit)]:
            if other in self._catalog:
                out.append(self._neighbour(other, value, bool(copy), self._story_of.get(other) == story))
        return out

    def other_coverage(self, article_id: str) -> list[Neighbour]:
        """The other articles of an article's story: other sources first, then each by similarity."""
        story = self.story_of(article_id)
        own = self._catalog[article_id].get("source", "")
        scores = {other: (value, copy) for other, value, copy in self._neighbours.of(article_id)}
        out = []
        for member in story.articles:
            if member.id == article_id:
                continue
            value, copy = scores.get(member.id, (0.0, False))
            copy = copy or self._copy_of.get(member.id) == article_id or self._copy_of.get(article_id) == member.id
            out.append(self._neighbour(member.id, value, copy, True))
        return sorted(out, key=lambda n: (bool(own) and n.source == own, -n.similarity, n.id))

    def _neighbour(self, article_id: str, value: float, copy: bool, same_story: bool) -> Neighbour:
        row = self._catalog[article_id]
        return Neighbour(id=article_id, title=row.get("title", ""), source=row.get("source", ""),
                         published=row.get("published", ""), similarity=float(value), copy=copy,
                         same_story=same_story)

    def related(self, story_id: str) -> list[tuple[Story, float]]:
        """Stories linked to this one by similar articles, most linked first."""
        self.story(story_id)
        return [(self._stories[sid], value) for sid, value in self._related.get(story_id, ()) if sid in self._stories]

    def left_out(self, story_id: str) -> list[LeftOut]:
        """Who left this story out: sources that covered related stories but not this one, then sources
        that published other articles in its days (±ACTIVE_DAYS) but not this one."""
        story = self.story(story_id)
        ran = set(story.sources)
        found: dict[str, list[StoryArticle]] = defaultdict(list)
        for other, _ in self.related(story_id):
            for article in other.articles:
                if article.source and article.source not in ran:
                    found[article.source].append(article)
        out = [LeftOut(source, "related", tuple(articles[:5])) for source, articles in sorted(found.items())]
        if story.first:
            active: dict[str, list[StoryArticle]] = defaultdict(list)
            by_day = self._by_day()
            for day in range(_day(story.first) - ACTIVE_DAYS, _day(story.last) + ACTIVE_DAYS + 1):
                for source, article_id in by_day.get(day, ()):
                    if source not in ran and source not in found:
                        active[source].append(self._article(article_id))
            out.extend(LeftOut(source, "active", tuple(sorted(articles, key=lambda a: (a.published, a.id))[:5]))
                       for source, articles in sorted(active.items()))
        return out

    def _by_day(self) -> dict[int, list[tuple[str, str]]]:
        """``(source, article id)`` of the dated articles with a known source, by day."""
        if self._days is None:
            self._days = defaultdict(list)
            for article_id, row in self._catalog.items():
                day, source = _day(row.get("published", "")), row.get("source", "")
                if day and source:
                    self._days[day].append((source, article_id))
        return self._days

    def resolve_story(self, ident: str) -> str:
        """A story id from its full id or a unique prefix of it."""
        if ident in self._stories:
            return ident
        matches = sorted(key for key in self._stories if key.startswith(ident))
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise KeyError(f"no story {ident!r}")
        raise KeyError(f"{ident!r} is ambiguous: {', '.join(matches[:5])}")

    def to_dict(self, sort: str = "size") -> dict[str, Any]:
        """Stories (each with who left it out), then singles, then how grouping went."""
        stories = self.stories(sort)
        return {
            "stories": [{**s.to_dict(), "left_out": [lo.to_dict() for lo in self.left_out(s.id)]}
                        for s in stories if not s.single],
            "singles": [s.articles[0].to_dict() for s in stories if s.single],
            "stats": self.stats,
        }


class NeighbourLists:
    """Every article's neighbours as the cache stores them, compactly (the Reuters corpus has some 200,000):
    article ids once, and per article a flat list ``[index, similarity in thousandths (negative for a copy),
    ...]``. Decoded one article at a time, when asked."""

    def __init__(self, packed: Mapping[str, Any]) -> None:
        self._ids: list[str] = list(packed.get("ids", ()))
        self._lists: list[list[int]] = packed.get("lists", [])
        self._row = {article_id: number for number, article_id in enumerate(self._ids)}

    def of(self, article_id: str) -> list[tuple[str, float, bool]]:
        number = self._row.get(article_id)
        if number is None:
            return []
        flat = self._lists[number]
        return [(self._ids[flat[i]], abs(flat[i + 1]) / 1000, flat[i + 1] < 0) for i in range(0, len(flat), 2)]

    @staticmethod
    def pack(neighbours: Mapping[str, list[tuple[str, float, bool]]]) -> dict[str, Any]:
        ids = sorted(set(neighbours) | {other for near in neighbours.values() for other, _, _ in near})
        row = {article_id: number for number, article_id in enumerate(ids)}
        lists = []
        for article_id in ids:
            flat: list[int] = []
            for other, value, copy in neighbours.get(article_id, ()):
                thousandths = max(1, round(value * 1000))
                flat += [row[other], -thousandths if copy else thousandths]
            lists.append(flat)
        return {"ids": ids, "lists": lists}


def _descending(day: str) -> int:
    """A sort key that puts later ISO dates first (and undated last)."""
    return -_day(day) if day else 1


