"""Plain data that crosses the boundary between the engine and its callers.

Every record is a frozen dataclass with a ``to_dict()`` that is its JSON form (and, where a caller needs
to read one back, a ``from_dict()``). The CLI prints these, the reader renders them, the tests assert on
them: there is one shape for each thing.

All positions are character offsets into ``Article.text`` (Python ``str`` indices), end exclusive.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, asdict, dataclass
from operator import attrgetter
from typing import Any

#: Entity labels grouped into the kinds a reader thinks in. The query fields ``person:``, ``org:`` and
#: ``place:`` search these groups; the reader colours by them.
LABEL_KINDS: dict[str, str] = {
    "PERSON": "person",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "DATE": "date",
    "TIME": "date",
    "CARDINAL": "number",
    "QUANTITY": "number",
    "MONEY": "number",
    "PERCENT": "number",
    "ORDINAL": "number",
    "EVENT": "other",
    "LAW": "other",
    "PRODUCT": "other",
    "WORK_OF_ART": "other",
    "LANGUAGE": "other",
}


def label_kind(label: str) -> str:
    """The kind ("person", "org", "place", ...) of a spaCy entity label."""
    return LABEL_KINDS.get(label, "other")


_set = object.__setattr__
#: A default meaning "a new empty dict for this record" (a dataclass field's ``default_factory=dict``).
_FRESH: Any = object()


class _Record:
    """What a ``@dataclass(frozen=True, slots=True)`` record gets, written once: ``==`` and ``hash`` over its
    fields (its ``__slots__``, in order), the dataclass ``repr``, no assignment or deletion after ``__init__``, and
    pickling. Each record writes its own ``__init__`` and is declared ``@_record``: a dataclass (``fields``,
    ``replace``, ``asdict`` work on it) whose methods are these, not ones dataclasses writes and compiles in every
    process that imports the engine (7 ms of a ``byline search`` process for these eleven records)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _values: Any  # attrgetter of every field: a tuple

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = tuple(name for klass in reversed(cls.__mro__) for name in klass.__dict__.get("__slots__", ()))
        if fields:  # (a subclass of a record that adds no field, like a Skipped that is a note, has its fields)
            cls._fields, cls._values = fields, attrgetter(*fields)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self._values(self), strict=True))
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values(self) == self._values(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self) -> list[Any]:
        return list(self._values(self))

    def __setstate__(self, state: list[Any]) -> None:
        for name, value in zip(self._fields, state, strict=True):
            _set(self, name, value)


#: Makes a :class:`_Record` subclass a dataclass without having dataclasses write any method.
_record = dataclass(init=False, repr=False, eq=False)


@_record
class EntitySpan(_Record):
    """One mention of a named entity: where it is, what the model called it, which entity it is."""

    start: int
    end: int
    label: str
    text: str
    #: Canonical entity id (stable across re-indexing), e.g. ``"PERSON:zabihullah mujahid"``.
    entity_id: str
    #: The canonical entity's preferred name.
    canonical: str

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, start: int, end: int, label: str, text: str, entity_id: str = "", canonical: str = "") -> None:
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "label", label)
        _set(self, "text", text)
        _set(self, "entity_id", entity_id)
        _set(self, "canonical", canonical)

    @property
    def kind(self) -> str:
        return label_kind(self.label)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntitySpan:
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            label=str(data["label"]),
            text=str(data["text"]),
            entity_id=str(data.get("entity_id", "")),
            canonical=str(data.get("canonical", "")),
        )


@_record
class Annotation(_Record):
    """What spaCy found in one text, keyed by the text's content hash. Cached; never needs spaCy to read."""

    entities: tuple[EntitySpan, ...]
    #: Sentence boundaries as ``(start, end)`` character offsets.
    sentences: tuple[tuple[int, int], ...]

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, entities: tuple[EntitySpan, ...] = (), sentences: tuple[tuple[int, int], ...] = ()) -> None:
        _set(self, "entities", entities)
        _set(self, "sentences", sentences)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": [e.to_dict() for e in self.entities],
            "sentences": [list(s) for s in self.sentences],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Annotation:
        return cls(
            entities=tuple(EntitySpan.from_dict(e) for e in data.get("entities", ())),
            sentences=tuple((int(a), int(b)) for a, b in data.get("sentences", ())),
        )


@_record
class Article(_Record):
    """One article of a corpus, with its metadata and (once indexed) its annotations.

    This is the documented annotated-article record: ``to_dict()`` is the JSON that ``byline show --json``
    prints, and the seam where annotation done elsewhere could be fed to the indexer.
    """

    id: str
    title: str
    #: The whole text. Every offset in ``entities`` and ``sentences`` indexes into it.
    text: str
    source: str
    #: ISO 8601 date (``YYYY-MM-DD``) or ``""`` when the article does not say.
    published: str
    #: Language of the original (ISO 639-1), ``""`` when unknown.
    language: str
    url: str
    author: str
    #: Where it came from, relative to the corpus root; ``file.jsonl:12`` for line 12 of a JSONL file.
    path: str
    content_hash: str
    #: Things the ingester noticed, e.g. ``"decoded-as:cp1252"``.
    flags: tuple[str, ...]
    entities: tuple[EntitySpan, ...]
    sentences: tuple[tuple[int, int], ...]
    #: Where ``published`` came from: ``"metadata"`` (a sidecar, a table's column, a JSONL field), the text's
    #: ``"header"``, ``"byline"``, ``"dateline"`` or ``"footer"``; ``""`` when undated.
    published_from: str
    #: Where ``source`` came from: ``"metadata"``, ``"folder"`` (a corpus laid out one folder per outlet), the
    #: text's ``"dateline"`` or ``"byline"``, or the ``"url"``'s host; ``""`` when unknown.
    source_from: str

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, id: str, title: str, text: str, source: str = "", published: str = "", language: str = "",
                 url: str = "", author: str = "", path: str = "", content_hash: str = "",
                 flags: tuple[str, ...] = (), entities: tuple[EntitySpan, ...] = (),
                 sentences: tuple[tuple[int, int], ...] = (), published_from: str = "",
                 source_from: str = "") -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "text", text)
        _set(self, "source", source)
        _set(self, "published", published)
        _set(self, "language", language)
        _set(self, "url", url)
        _set(self, "author", author)
        _set(self, "path", path)
        _set(self, "content_hash", content_hash)
        _set(self, "flags", flags)
        _set(self, "entities", entities)
        _set(self, "sentences", sentences)
        _set(self, "published_from", published_from)
        _set(self, "source_from", source_from)

    @property
    def words(self) -> int:
        return len(self.text.split())

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "published_from": self.published_from,
            "source_from": self.source_from,
            "language": self.language,
            "url": self.url,
            "author": self.author,
            "path": self.path,
            "content_hash": self.content_hash,
            "flags": list(self.flags),
            "text": self.text,
            "entities": [e.to_dict() for e in self.entities],
            "sentences": [list(s) for s in self.sentences],
        }
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(
            id=str(data["id"]),
            title=str(data.get("title", "")),
            text=str(data.get("text", "")),
            source=str(data.get("source", "")),
            published=str(data.get("published", "")),
            published_from=str(data.get("published_from", "")),
            source_from=str(data.get("source_from", "")),
            language=str(data.get("language", "")),
            url=str(data.get("url", "")),
            author=str(data.get("author", "")),
            path=str(data.get("path", "")),
            content_hash=str(data.get("content_hash", "")),
            flags=tuple(data.get("flags", ())),
            entities=tuple(EntitySpan.from_dict(e) for e in data.get("entities", ())),
            sentences=tuple((int(a), int(b)) for a, b in data.get("sentences", ())),
        )


@_record
class ArticleSummary(_Record):
    """One row of the library: enough to list an article without loading its text."""

    id: str
    title: str
    source: str
    published: str
    path: str
    words: int

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, id: str, title: str, source: str, published: str, path: str, words: int) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "source", source)
        _set(self, "published", published)
        _set(self, "path", path)
        _set(self, "words", words)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@_record
class Fragment(_Record):
    """A snippet of an article around matches. ``matches`` are offsets into ``text``;
    ``start`` is where ``text`` begins in the article."""

    text: str
    start: int
    matches: tuple[tuple[int, int], ...]

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, text: str, start: int, matches: tuple[tuple[int, int], ...]) -> None:
        _set(self, "text", text)
        _set(self, "start", start)
        _set(self, "matches", matches)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "matches": [list(m) for m in self.matches]}


@_record
class Hit(_Record):
    """One ranked hit of a search: the article, its score, and where the query matched its title and body."""

    id: str
    rank: int
    score: float
    title: str
    source: str
    published: str
    fragments: tuple[Fragment, ...]
    #: Matches inside the title, as offsets into ``title``.
    title_matches: tuple[tuple[int, int], ...]

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, id: str, rank: int, score: float, title: str, source: str, published: str,
                 fragments: tuple[Fragment, ...] = (), title_matches: tuple[tuple[int, int], ...] = ()) -> None:
        _set(self, "id", id)
        _set(self, "rank", rank)
        _set(self, "score", score)
        _set(self, "title", title)
        _set(self, "source", source)
        _set(self, "published", published)
        _set(self, "fragments", fragments)
        _set(self, "title_matches", title_matches)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rank": self.rank,
            "score": round(self.score, 4),
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "title_matches": [list(m) for m in self.title_matches],
            "fragments": [f.to_dict() for f in self.fragments],
        }


@_record
class FacetCount(_Record):
    """How many of a search's hits have one value of a facet (a source, an entity)."""

    value: str
    count: int
    #: A query clause that narrows results to this value, e.g. ``source:"AFP"``.
    clause: str

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, value: str, count: int, clause: str = "") -> None:
        _set(self, "value", value)
        _set(self, "count", count)
        _set(self, "clause", clause)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@_record
class SearchResult(_Record):
    """What a search found: its ranked hits, facets and a spelling suggestion."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    #: Facet name (``"source"``, ``"entity"``) to counts, largest first.
    facets: dict[str, tuple[FacetCount, ...]]
    #: A corrected query string when some terms look misspelled, else ``""``.
    suggestion: str
    #: The terms that matched (as the index holds them), for highlighting inside an opened article.
    terms: tuple[str, ...]
    elapsed_ms: float

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, query: str, total: int, hits: tuple[Hit, ...],
                 facets: dict[str, tuple[FacetCount, ...]] = _FRESH, suggestion: str = "",
                 terms: tuple[str, ...] = (), elapsed_ms: float = 0.0) -> None:
        _set(self, "query", query)
        _set(self, "total", total)
        _set(self, "hits", hits)
        _set(self, "facets", {} if facets is _FRESH else facets)
        _set(self, "suggestion", suggestion)
        _set(self, "terms", terms)
        _set(self, "elapsed_ms", elapsed_ms)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "suggestion": self.suggestion,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "facets": {k: [c.to_dict() for c in v] for k, v in self.facets.items()},
            "hits": [h.to_dict() for h in self.hits],
        }


@_record
class Skipped(_Record):
    """A file or line that was not indexed, and why."""

    path: str
    reason: str
    line: int

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, path: str, reason: str, line: int = 0) -> None:
        _set(self, "path", path)
        _set(self, "reason", reason)
        _set(self, "line", line)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@_record
class BuildProgress(_Record):
    """Reported while long work runs (a build, grouping the stories): ``done`` of ``total`` (0: not counted) in
    ``phase``, at ``current``."""

    phase: str
    done: int
    total: int
    current: str

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, phase: str, done: int, total: int, current: str = "") -> None:
        _set(self, "phase", phase)
        _set(self, "done", done)
        _set(self, "total", total)
        _set(self, "current", current)

@_record
class BuildReport(_Record):
    """What a build or an update of the index did, and how long it took."""

    index_dir: str
    full: bool
    articles: int
    added: int
    changed: int
    deleted: int
    unchanged: int
    annotated: int
    entities: int
    skipped: tuple[Skipped, ...]
    flagged: tuple[Skipped, ...]
    seconds: float
    read_seconds: float
    spacy_seconds: float
    whoosh_seconds: float
    words: int

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, index_dir: str, full: bool, articles: int, added: int, changed: int, deleted: int,
                 unchanged: int, annotated: int, entities: int, skipped: tuple[Skipped, ...] = (),
                 flagged: tuple[Skipped, ...] = (), seconds: float = 0.0, read_seconds: float = 0.0,
                 spacy_seconds: float = 0.0, whoosh_seconds: float = 0.0, words: int = 0) -> None:
        _set(self, "index_dir", index_dir)
        _set(self, "full", full)
        _set(self, "articles", articles)
        _set(self, "added", added)
        _set(self, "changed", changed)
        _set(self, "deleted", deleted)
        _set(self, "unchanged", unchanged)
        _set(self, "annotated", annotated)
        _set(self, "entities", entities)
        _set(self, "skipped", skipped)
        _set(self, "flagged", flagged)
        _set(self, "seconds", seconds)
        _set(self, "read_seconds", read_seconds)
        _set(self, "spacy_seconds", spacy_seconds)
        _set(self, "whoosh_seconds", whoosh_seconds)
        _set(self, "words", words)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped"] = [s.to_dict() for s in self.skipped]
        data["flagged"] = [s.to_dict() for s in self.flagged]
        return data


class QueryError(ValueError):
    """A query that cannot be run, with the character position of the problem.

    Defined here rather than beside the query parser so that a caller can catch it without importing Whoosh's
    query machinery at start-up."""

    __slots__ = tuple(__annotations__)  # the fields, in order

    def __init__(self, message: str, position: int, query: str) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.query = query

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"
