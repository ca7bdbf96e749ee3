"""Stage 3, when reading (:class:`EntityRegistry`): the index stores the normalised surface forms of each
article's spans; the registry maps them to canonical entities, expands ``entity:NAME`` into every surface form of
NAME's entity at query time and fills in canonical ids when an article is opened. It keeps the surface table it
was resolved from, so corrections regroup it without re-indexing (:mod:`.corrections`)."""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import sys
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, chain, islice, pairwise, repeat
from operator import add, is_, itemgetter, sub
from pathlib import Path
from typing import Any

from ..models import ArticleSummary, label_kind
from ..storage import ENTITIES, ENTITIES_JSON, write_atomic
from ..store import REGISTRY_READABLE, REGISTRY_VERSION
from .names import RESOLVED_LABELS, normalise_name
from .surfaces import SURFACE_COLUMNS, Surface, SurfaceTable, surface_columns


@dataclass(frozen=True, slots=True)
class MergeReason:
    """Why a name belongs to an entity: ``reason`` is a code, ``detail`` says it for a reader."""

    name: str
    reason: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "reason": self.reason, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class CanonicalEntity:
    """One person, group, place or thing, with every name the corpus gives it."""

    id: str
    name: str
    label: str
    #: Surface forms as found, with mention counts, most frequent first.
    names: tuple[tuple[str, int], ...]
    articles: tuple[str, ...]
    #: Why each name was merged into this entity (empty for an entity known by one name).
    merges: tuple[MergeReason, ...] = ()
    #: Linked entities, as (entity id, relation) with relation "part-of" or "has-part".
    related: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self) -> str:
        return label_kind(self.label)

    @property
    def mentions(self) -> int:
        return sum(count for _, count in self.names)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "mentions": self.mentions,
            "names": [{"name": n, "count": c} for n, c in self.names],
            "articles": list(self.articles),
            "merges": [m.to_dict() for m in self.merges],
            "related": [{"id": i, "relation": r} for i, r in self.related],
        }


@dataclass(frozen=True, slots=True)
class EntityCoverage:
    """Who mentions an entity in a group of articles, and who leaves it out, by source."""

    entity: CanonicalEntity
    mentioning: tuple[ArticleSummary, ...]
    silent: tuple[ArticleSummary, ...]

    @property
    def sources_mentioning(self) -> tuple[str, ...]:
        return tuple(sorted({a.source or "(unknown source)" for a in self.mentioning}))

    @property
    def sources_silent(self) -> tuple[str, ...]:
        """Sources none of whose articles in the group mention the entity."""
        said = set(self.sources_mentioning)
        return tuple(sorted({a.source or "(unknown source)" for a in self.silent} - said))

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": {"id": self.entity.id, "name": self.entity.name, "label": self.entity.label},
            "sources_mentioning": list(self.sources_mentioning),
            "sources_silent": list(self.sources_silent),
            "mentioning": [a.to_dict() for a in self.mentioning],
            "silent": [a.to_dict() for a in self.silent],
        }


class EntityRegistry:
    """Canonical entities of one corpus and the surface forms that name them.

    Built by :func:`resolve_entities`, saved as JSON beside the index, loaded when reading. Saved in two
    files: a small one that maps surface forms to entities (all that opening an article or searching needs,
    fast to load) and a detail file (names with counts, articles, merge reasons, and the surface table the
    registry was resolved from, so :func:`.corrections.regroup` applies changed aliases or corrections at once), read
    only when something asks for it.
    """

    def __init__(self, headers: Sequence[Sequence[str]], surfaces: Iterable[Sequence[Any]], *,
                 in_article: Mapping[str, int] | None = None, detail: RegistryDetail | None = None,
                 detail_path: Path | None = None, stamp: str = "", lookup: SortedLookup | None = None) -> None:
        #: (id, name, label) per entity; as loaded, three columns (see :class:`HeaderColumns`).
        self._headers: Sequence[tuple[str, str, str]] = (
            headers if isinstance(headers, HeaderColumns) else [tuple(h) for h in headers])
        #: "article id\tkey\tlabel" -> entity: a lone surname read as the person its article names.
        self._in_article = dict(in_article or {})
        self._detail = detail
        self._detail_path = detail_path
        self._stamp = stamp
        self._surfaces: Iterable[Sequence[Any]] | None = surfaces
        self._lookup_map: dict[str, tuple[Any, ...]] | SortedLookup | None = lookup
        self._by_id: dict[str, int] | None = None
        self._members: dict[int, list[tuple[str, str]]] | None = None
        self._entities: dict[int, CanonicalEntity] = {}
        self._names_in: Callable[[Sequence[str]], Mapping[str, Iterable[tuple[str, str]]]] | None = None
        self._own_mentions: dict[tuple[str, str, str], Counter[str]] | None = None

    @property
    def _lookup(self) -> dict[str, tuple[Any, ...]] | SortedLookup:
        """One compact map (a reader keeps it open beside a 20,000-article index): normalised form -> (label,
        entity, label, entity, ...); entity -1 for a dropped mis-tag, label "" for a preferred name that is no
        surface form. Built on first use: a build that leaves the entities as they were only counts them."""
        if self._lookup_map is not None:
            return self._lookup_map
        lookup: dict[str, tuple[Any, ...]] = {}
        for key, label, number in self._surfaces or ():
            lookup[key] = (*lookup.get(key, ()), label, number)
        for number, (entity_id, _, _) in enumerate(self._headers):
            key = entity_key(entity_id)
            if number not in lookup.get(key, ())[1::2]:
                lookup[key] = (*lookup.get(key, ()), "", number)
        self._lookup_map, self._surfaces = lookup, None
        return lookup

    def _flat_lookup(self) -> dict[str, list[Any]]:
        """What :meth:`SortedLookup.flatten` gives of :attr:`_lookup`, made from the surfaces and entities without
        building the map (a regrouped registry is saved, not read: on Reuters, a fifth of saving it)."""
        rows = self._surfaces = list(self._surfaces or ())  # kept: the map is built from them if it is asked for
        headers = self._headers
        ids = headers.ids if isinstance(headers, HeaderColumns) else [header[0] for header in headers]
        names = [entity_id.partition(":")[2] for entity_id in ids]  # "LABEL:<normalised name>[#n]"
        for number in [number for number, name in enumerate(names) if "#" in name]:
            key, _, tail = names[number].rpartition("#")
            if tail.isdigit():
                names[number] = key
        # An entity's preferred name, where none of its surfaces has it (a handful on Reuters, of 32,000).
        present = set(zip(map(itemgetter(0), rows), map(itemgetter(2), rows), strict=True))
        extra = [(key, "", number) for number, key in enumerate(names) if (key, number) not in present]
        # Sorted by key alone (stable): each key's pairs in the order the map holds them.
        ordered = sorted(rows + extra, key=itemgetter(0))
        if not ordered:
            return {"keys": [], "starts": [0], "labels": [], "numbers": []}
        key_column, labels, numbers = zip(*ordered, strict=True)
        counts = Counter(key_column)  # each key once, in the order met: sorted
        return {"keys": list(counts), "starts": [0, *accumulate(counts.values())], "labels": list(labels),
                "numbers": list(numbers)}

    def sorted_lookup(self) -> SortedLookup:
        """The surface map in the columns it is saved as (the loaded ones, else made: :meth:`_flat_lookup`)."""
        lookup = self._lookup_map
        if isinstance(lookup, SortedLookup):
            return lookup
        columns = SortedLookup.flatten(lookup) if lookup is not None else self._flat_lookup()
        return SortedLookup(columns["keys"], columns["starts"], columns["labels"], columns["numbers"])

    def _numbers(self, key: str) -> list[int]:
        """The entities ``key`` names, as a surface form or a preferred name, in order, once each."""
        found = self._lookup.get(key, ())
        return list(dict.fromkeys(n for n in found[1::2] if n >= 0))

    def _number_for(self, key: str, kind: str) -> int | None:
        """The entity ``key`` names under a label of ``kind`` (None if none)."""
        found = self._lookup.get(key, ())
        for label, number in zip(found[::2], found[1::2], strict=True):
            if label and number >= 0 and label_kind(label) == kind:
                return number
        return None

    def _surface_rows(self) -> list[tuple[str, str, int]]:
        return [(key, label, number) for key, found in self._lookup.items()
                for label, number in zip(found[::2], found[1::2], strict=True) if label]

    def __len__(self) -> int:
        return len(self._headers)

    # --- entities ---

    @property
    def detail(self) -> RegistryDetail:
        if self._detail is None:
            self._detail = (RegistryDetail.load(self._detail_path, self._stamp) if self._detail_path
                            else RegistryDetail.empty())
        return self._detail

    @property
    def table(self) -> SurfaceTable:
        return self.detail.table

    @property
    def headers(self) -> Sequence[tuple[str, str, str]]:
        """(id, name, label) of every entity, by number (an update regroups from them: :mod:`.resolve`)."""
        return self._headers

    @property
    def in_article(self) -> Mapping[str, int]:
        """"article id\tkey\tlabel" -> entity: where a lone surname is read as the person its article names."""
        return self._in_article

    def _entity(self, number: int) -> CanonicalEntity:
        entity = self._entities.get(number)
        if entity is None:
            record = self.detail.records[number]
            table = self.detail.table
            forms: Counter[str] = Counter()
            articles: set[int] = set()
            ids = table.article_ids
            readings = self._article_readings
            overrides = readings.overrides if number in readings.owners else None
            elsewhere: list[tuple[str, str, str]] = []  # (article, key, label) read as another entity, or none
            for i in record["members"]:
                surface = table.surfaces[i]
                forms.update(surface.forms)
                own = overrides.get((surface.key, surface.label)) if overrides else None
                if own is None:
                    articles.update(surface.articles)
                else:  # not the articles that read this name otherwise
                    articles.update(a for a in surface.articles if own.get(ids[a], number) == number)
                    elsewhere += [(article_id, surface.key, surface.label)
                                  for article_id, read_as in own.items() if read_as != number]
            read_here = readings.read_as.get(number, ())
            if (elsewhere or read_here) and self._names_in is not None:
                mentions = self._mentions_read_on_own()
                for where in elsewhere:
                    forms.subtract(mentions.get(where, {}))
                for where in read_here:
                    forms.update(mentions.get(where, {}))
                forms = +forms
            entity_id, name, label = self._headers[number]
            entity = CanonicalEntity(
                id=entity_id,
                name=name,
                label=label,
                names=tuple(sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))),
                articles=tuple(sorted({ids[a] for a in articles}.union(where[0] for where in read_here)) if read_here
                               else sorted(ids[a] for a in articles)),
                merges=tuple(MergeReason(**m) for m in record["merges"]),
                related=tuple((r["id"], r["relation"]) for r in record["related"]),
            )
            self._entities[number] = entity
        return entity

    def entities(self, labels: Iterable[str] | None = None) -> list[CanonicalEntity]:
        """Every canonical entity (of ``labels``) that some article reads a name as, most mentioned first."""
        wanted = {label.upper() for label in labels} if labels else None
        unread = self._unread
        found = [self._entity(n) for n, h in enumerate(self._headers)
                 if (wanted is None or h[2] in wanted) and n not in unread]
        return sorted(found, key=lambda e: (-e.mentions, e.name))

    @cached_property
    def _unread(self) -> frozenset[int]:
        """Entities no article reads any of their names as: each article writing the name reads it as someone or
        something else (a lone "Gould" tagged a person is Gould Inc in every article that writes it). They are
        neither listed nor counted; only entities some article reads names as their own can be such."""
        return frozenset(n for n in self._article_readings.owners if not self._entity(n).articles)

    def count(self) -> int:
        """How many entities :meth:`entities` lists."""
        return len(self._headers) - len(self._unread)

    @property
    def by_id(self) -> dict[str, int]:
        if self._by_id is None:
            self._by_id = {h[0]: n for n, h in enumerate(self._headers)}
        return self._by_id

    def get(self, entity_id: str) -> CanonicalEntity | None:
        number = self.by_id.get(entity_id)
        return None if number is None else self._entity(number)

    def find(self, name: str, kinds: set[str] | None = None) -> list[CanonicalEntity]:
        """The entities a user's name (any surface form, or an entity id) refers to, most mentioned first."""
        if name in self.by_id:
            return [self._entity(self.by_id[name])]
        numbers = self._numbers(normalise_name(name))
        found = [self._entity(n) for n in numbers if not kinds or label_kind(self._headers[n][2]) in kinds]
        # An entity no article reads the name as gives way to what the articles read it as ("Gould" is Gould Inc
        # where every article writing it alone names the company); it is found only when nothing else is.
        read = [e for e in found if e.articles]
        if found and not read:
            key = normalise_name(name)
            meant = Counter(number for (k, _), own in self._article_readings.overrides.items() if k == key
                            for number in own.values() if number >= 0)
            read = [self._entity(n) for n, _ in meant.most_common()
                    if not kinds or label_kind(self._headers[n][2]) in kinds]
        return sorted(read or found, key=lambda e: -e.mentions)

    # --- spans and queries (the small file only) ---

    def canonical(self, text: str, label: str, article_id: str | None = None) -> tuple[str, str, str] | None:
        """``(entity id, preferred name, label)`` for a span; None when the span is a mis-tag to drop.

        With ``article_id``, a lone surname is the person that article names in full ("Baker" is Howard
        Baker in an article about him, whoever "Baker" is elsewhere). Dates and numbers are not resolved:
        they come back as themselves, ``("DATE:<normalised text>", text, "DATE")``, and so does a name the
        registry has not seen (an index older than the registry); neither is listed by :meth:`entities`.
        """
        return self._in(article_id, self._canonical_anywhere(text, label))

    def resolver(self) -> Callable[[str, str, str | None], tuple[str, str, str] | None]:
        """:meth:`canonical`, remembering what each span names outside any article: for resolving every mention
        of a corpus at once (grouping the stories), which names the same few thousand things over and over."""
        known: dict[tuple[str, str], tuple[str, tuple[str, str, str] | None]] = {}

        def canonical(text: str, label: str, article_id: str | None = None) -> tuple[str, str, str] | None:
            anywhere = known.get((text, label))
            if anywhere is None:
                anywhere = known[text, label] = self._canonical_anywhere(text, label)
            return self._in(article_id, anywhere)

        return canonical

    def _in(self, article_id: str | None, anywhere: tuple[str, tuple[str, str, str] | None]
            ) -> tuple[str, str, str] | None:
        """What a span names in article ``article_id``, given :meth:`_canonical_anywhere` of it."""
        in_article, found = anywhere
        if in_article and article_id and self._in_article:
            number = self._in_article.get(article_id + in_article)
            if number is not None:
                if number < 0:
                    return None
                entity_id, name, entity_label = self._headers[number]
                return entity_id, name, entity_label
        return found

    def _canonical_anywhere(self, text: str, label: str) -> tuple[str, tuple[str, str, str] | None]:
        """What :meth:`canonical` answers for a span outside any article, after the tail of its key in
        :attr:`in_article` (``"\t<key>\t<label>"``; ``""`` for a span no article reads otherwise)."""
        key = normalise_name(text)
        if label not in RESOLVED_LABELS:
            return "", (f"{label}:{key}", text, label)
        if not key or text.islower():
            return "", None
        in_article = f"\t{key}\t{label}"
        number = self._number_anywhere(key, label)
        if number is None:
            return in_article, (f"{label}:{key}", text, label)
        if number < 0:
            return in_article, None
        entity_id, name, entity_label = self._headers[number]
        return in_article, (entity_id, name, entity_label)

    def _number_anywhere(self, key: str, label: str) -> int | None:
        """The entity a normalised form tagged ``label`` names outside any article (-1: dropped; None: unknown)."""
        found = self._lookup.get(key, ())
        labels = found[::2]
        return found[2 * labels.index(label) + 1] if label in labels else self._number_for(key, label_kind(label))

    def canonical_by_key(self, key: str, kind: str) -> tuple[str, str] | None:
        """The canonical name and kind of the entity a normalised surface form, indexed under ``kind``, names
        (for facets); None for a form the registry does not know or dropped."""
        number = self._number_for(key, kind)
        if number is None:
            numbers = self._numbers(key)
            if not numbers:
                return None
            number = numbers[0]
        _, name, label = self._headers[number]
        return name, label_kind(label)

    def expand(self, name: str, kinds: set[str] | None = None) -> list[str]:
        """Every normalised surface form of the entities ``name`` names (restricted to ``kinds``)."""
        return sorted({form for _, form in self.expand_terms(name, kinds)})

    def expand_terms(self, name: str, kinds: set[str] | None = None) -> list[tuple[str, str]]:
        """``(kind, form)`` for every surface form of the entities ``name`` names: the kind is the field the
        index holds that form in (a name tagged GPE once is in ``place`` even if its entity is an ORG)."""
        key = normalise_name(name)
        terms: set[tuple[str, str]] = set()
        # As saved, an entity's forms are read from the columns for that entity alone: a search process asks once,
        # and building every entity's list first took 170 ms of such a process on Reuters.
        saved = self._lookup if self._members is None and isinstance(self._lookup, SortedLookup) else None
        for number in self._numbers(key):
            if kinds and label_kind(self._headers[number][2]) not in kinds:
                continue
            terms.update(saved.forms_of(number) if saved is not None else self._member_forms().get(number, ()))
        if not terms:
            return [(kind, key) for kind in sorted(kinds)] if kinds else [("entity", key)]
        return sorted(terms)

    # --- an article's own readings, for search and facets ---

    @cached_property
    def _own_readings(self) -> _OwnReadings:
        """:attr:`in_article` by article and form, read once (a few hundred entries on Reuters)."""
        return _OwnReadings.of(self._in_article)

    def count_mentions_with(self, names_in: Callable[[Sequence[str]], Mapping[str, Iterable[tuple[str, str]]]]
                            ) -> None:
        """Count an entity's mentions (:attr:`CanonicalEntity.names`) by each article's own reading too:
        ``names_in(article ids)`` gives ``(text, label)`` of each of those articles' entity spans, asked once for the
        articles of :attr:`in_article` when an entity such an article reads otherwise is first made. Without it, a
        name an article reads on its own is counted under the entity the corpus reads it as (its articles are
        listed as the article reads it either way)."""
        self._names_in, self._own_mentions = names_in, None
        self._entities.clear()

    def _mentions_read_on_own(self) -> dict[tuple[str, str, str], Counter[str]]:
        """(article, key, label) of :attr:`in_article` -> the forms the article writes that name as, with counts."""
        if self._own_mentions is None:
            wanted: dict[str, set[tuple[str, str]]] = defaultdict(set)  # article -> (key, label) it reads on its own
            for (key, label), own in self._article_readings.overrides.items():
                for article_id in own:
                    wanted[article_id].add((key, label))
            found: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
            names_in = self._names_in
            keys: dict[str, str] = {}
            for article_id, spans in (names_in(sorted(wanted)) if names_in is not None else {}).items():
                names = wanted[article_id]
                labels = {label for _, label in names}
                for text, label in spans:
                    if label not in labels or text.islower():
                        continue
                    form = " ".join(text.split()) if ("  " in text or "\n" in text or "\t" in text) else text
                    key = keys.get(form)
                    if key is None:
                        key = keys[form] = normalise_name(form)
                    if (key, label) in names:
                        found[article_id, key, label][form] += 1
            self._own_mentions = dict(found)
        return self._own_mentions

    @cached_property
    def _article_readings(self) -> _ArticleReadings:
        """:attr:`in_article` by surface and by the entity read, read once (when an entity is first listed)."""
        return _ArticleReadings.of(self)

    @cached_property
    def _readings_by_entity(self) -> _ReadingsByEntity:
        """:attr:`in_article` by entity, read once (when an entity is first searched for)."""
        return _ReadingsByEntity.of(self)

    def articles_reading(self, key: str, kind: str) -> tuple[str, ...]:
        """The ids of the articles that read a normalised form indexed under ``kind`` on their own, otherwise than
        the corpus may (:attr:`in_article`; none for almost every form)."""
        return self._own_readings.by_key.get((kind, key), ())

    def canonical_in_article(self, article_id: str, key: str, kind: str) -> tuple[tuple[str, str], ...]:
        """(name, kind) of each entity a normalised form indexed under ``kind`` names in article ``article_id``
        (none when it is dropped there): the article's own reading where it has one, else
        :meth:`canonical_by_key`'s (what facets count the article under)."""
        own = self._own_readings.by_article.get(article_id, {}).get((kind, key))
        if own is None:
            resolved = self.canonical_by_key(key, kind)
            return (resolved,) if resolved else ()
        found = []
        for number in own:
            if number >= 0:
                _, name, label = self._headers[number]
                found.append((name, label_kind(label)))
        return tuple(dict.fromkeys(found))

    def own_readings(self, name: str, kinds: set[str] | None = None) -> dict[tuple[str, str], dict[str, bool]]:
        """Where articles read the forms of the entities ``name`` names (of ``kinds``) otherwise than the corpus
        does: ``(kind, form) -> {article id: reads it as one of them}``, for each article whose own reading
        (:attr:`in_article`) of a form makes it one of them though the corpus reads the form otherwise (True), or
        makes a form the corpus reads as one of them another entity, or nothing (False). Empty for a name no
        article reads on its own (a search adds nothing to :meth:`expand_terms` then)."""
        if not self._in_article:
            return {}
        own, readings = self._own_readings.by_article, self._readings_by_entity
        numbers = [n for n in self._numbers(normalise_name(name))
                   if not kinds or label_kind(self._headers[n][2]) in kinds]
        found: dict[tuple[str, str], dict[str, bool]] = defaultdict(dict)
        for number in numbers:
            for where in readings.read_as.get(number, ()):
                found[where[1:]][where[0]] = True
            for where in readings.read_otherwise.get(number, ()):
                article_id, kind, key = where
                found[kind, key].setdefault(article_id, any(n in numbers for n in own[article_id][kind, key]))
        return dict(found)

    def _member_forms(self) -> dict[int, list[tuple[str, str]]]:
        """Entity -> ``(kind, form)`` of each of its surface forms, built once from the map built in memory."""
        if self._members is None:
            members: dict[int, list[tuple[str, str]]] = defaultdict(list)
            for form, label, number in self._surface_rows():
                if number >= 0:
                    members[number].append((label_kind(label), form))
            self._members = members
        return self._members

    def coverage(self, entity: CanonicalEntity, articles: Sequence[ArticleSummary]) -> EntityCoverage:
        """Which of ``articles`` (a search's hits, a story's articles) mention ``entity`` and which do not."""
        mentioned = set(entity.articles)
        return EntityCoverage(
            entity=entity,
            mentioning=tuple(a for a in articles if a.id in mentioned),
            silent=tuple(a for a in articles if a.id not in mentioned),
        )

    # --- persistence ---
    @property
    def stamp(self) -> str:
        """The token written with the registry (and its detail file) when it was last saved: what a build records
        beside the catalog to tell that the two belong together."""
        return self._stamp

    def save(self, path: Path) -> str:
        """Write the registry to ``path`` (binary columns: :func:`_encode_table`) and its detail beside it
        (``<stem>.detail.json``), each atomically (the detail first: a registry never names a detail file that is
        not there). A table of JSON an earlier Byline left beside it is removed. Returns the new stamp."""
        stamp = os.urandom(8).hex()
        small = self._small_json(stamp, plain=False)
        write_atomic(_detail_path(path), _encode_detail(self.detail, stamp), check=_detail_reads)
        write_atomic(path, _encode_table(small), check=_table_reads)
        if path.name == ENTITIES:
            with contextlib.suppress(OSError):
                path.with_name(ENTITIES_JSON).unlink(missing_ok=True)
        self._stamp = stamp
        return stamp

    def to_json(self, stamp: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """Everything the registry saves, as JSON-ready dicts: the small table and the detail (with ``stamp``, or
        without one). What an earlier Byline wrote as ``entities.json``, and what two tables are compared by."""
        detail = self.detail
        mark = {} if stamp is None else {"stamp": stamp}
        return self._small_json(stamp), {"version": REGISTRY_VERSION, **mark, "table": detail.table.to_json(),
                                         "records": detail.records.to_list()}

    def _small_json(self, stamp: str | None, *, plain: bool = True) -> dict[str, Any]:
        """The small table of :meth:`to_json`; unless ``plain``, its columns as they are kept (arrays of numbers,
        columns of labels: what :func:`_encode_table` takes without a copy)."""
        headers = self._headers
        if isinstance(headers, HeaderColumns):
            ids, names, labels = (list(column) for column in (headers.ids, headers.names, headers.labels))
        else:
            ids, names, labels = (list(column) for column in zip(*headers, strict=True)) if headers else ([], [], [])
        mark = {} if stamp is None else {"stamp": stamp}
        lookup = SortedLookup.flatten(self._lookup) if self._lookup_map is not None else self._flat_lookup()
        if plain:
            lookup = {name: list(column) for name, column in lookup.items()}
        return {"version": REGISTRY_VERSION, **mark, "ids": ids, "names": names, "labels": labels,
                "lookup": lookup, "in_article": dict(self._in_article)}

    @classmethod
    def load(cls, path: Path) -> EntityRegistry:
        """The registry saved at ``path``; an empty one if it is missing, damaged or from another version (see
        :meth:`load_checked` to tell)."""
        try:
            return cls.load_checked(path)
        except RegistryDamaged:
            return cls.empty()

    @classmethod
    def load_checked(cls, path: Path) -> EntityRegistry:
        """The registry saved at ``path``; raises :class:`RegistryDamaged` when it is missing, is not what
        :meth:`save` writes (garbage, cut short, another version) or its parts have the wrong types. Reads the
        binary table :meth:`save` writes, or the JSON of an earlier Byline: at ``path``, or, for an index's table
        (named :data:`ENTITIES`), in ``entities.json`` beside it when that is newer (an index built before)."""
        path = _table_file(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise RegistryDamaged(f"{path}: {exc.__class__.__name__}: {exc}") from None
        binary = raw.startswith(_MAGIC)
        if binary:
            data = _decode_table(raw, path)
        else:
            try:
                data = json.loads(raw.decode("utf-8"))
            except ValueError as exc:
                raise RegistryDamaged(f"{path}: {exc.__class__.__name__}: {exc}") from None
        if not isinstance(data, dict) or data.get("version") not in REGISTRY_READABLE:
            raise RegistryDamaged(f"{path}: not an entity table of this version of Byline")
        stamp, in_article = data.get("stamp"), data.get("in_article") or {}
        if not (isinstance(stamp, str) and isinstance(in_article, dict)):
            raise RegistryDamaged(f"{path}: incomplete or damaged entity table")
        if data["version"] == 2:  # nested lists, as Byline wrote them before format 3
            headers, surfaces = data.get("entities"), data.get("surfaces")
            if not (isinstance(headers, list) and isinstance(surfaces, list)
                    and all(isinstance(h, list) and len(h) == 3 for h in headers)
                    and all(isinstance(row, list) and len(row) == 3 for row in surfaces)):
                raise RegistryDamaged(f"{path}: incomplete or damaged entity table")
            return cls(headers, surfaces, in_article=in_article, detail_path=_detail_path(path), stamp=stamp)
        columns = [data.get(name) for name in ("ids", "names", "labels")]
        lookup = SortedLookup.from_json(data.get("lookup"))
        if lookup is None or not all(isinstance(c, (list, _Strings, _Labels)) and len(c) == len(columns[0])
                                     for c in columns):
            raise RegistryDamaged(f"{path}: incomplete or damaged entity table")
        if not binary:  # the binary table reads each label once already
            # A label is one of a handful of words, read as a new string each time (70,000 on Reuters): kept once.
            keep = {}.setdefault
            with contextlib.suppress(TypeError):  # a label that is no string is left for the checks that use it
                columns[2] = list(map(keep, columns[2], columns[2]))
                lookup.labels = list(map(keep, lookup.labels, lookup.labels))
        return cls(HeaderColumns(*columns), (), in_article=in_article, detail_path=_detail_path(path),
                   stamp=stamp, lookup=lookup)

    @classmethod
    def empty(cls) -> EntityRegistry:
        return cls([], [], detail=RegistryDetail.empty())


@dataclass(frozen=True, slots=True)
class _OwnReadings:
    """A registry's :attr:`~EntityRegistry.in_article`, by article: ``by_article[id][kind, key]`` the entities
    (-1: dropped) the article reads a normalised form of that kind as, a number per label; ``by_key[kind, key]``
    the articles that read the form on their own."""

    by_article: dict[str, dict[tuple[str, str], tuple[int, ...]]]
    by_key: dict[tuple[str, str], tuple[str, ...]]

    @classmethod
    def of(cls, in_article: Mapping[str, int]) -> _OwnReadings:
        by_article: dict[str, dict[tuple[str, str], tuple[int, ...]]] = defaultdict(dict)
        by_key: dict[tuple[str, str], tuple[str, ...]] = {}
        for where, number in in_article.items():
            article_id, key, label = where.rsplit("\t", 2)
            form = (label_kind(label), key)
            own = by_article[article_id]
            if form not in own:
                by_key[form] = (*by_key.get(form, ()), article_id)
            own[form] = (*own.get(form, ()), number)
        return cls(dict(by_article), by_key)


@dataclass(frozen=True, slots=True)
class _ArticleReadings:
    """A registry's :attr:`~EntityRegistry.in_article` as an entity's articles need it: ``overrides[key, label]``
    the entity (-1: none) each article that reads the surface on its own reads it as; ``owners`` the entities such
    surfaces are of (the few whose articles are not simply their surfaces'); ``read_as[n]`` the ``(article, key,
    label)`` read as entity ``n`` on their own."""

    overrides: dict[tuple[str, str], dict[str, int]]
    owners: set[int]
    read_as: dict[int, list[tuple[str, str, str]]]

    @classmethod
    def of(cls, registry: EntityRegistry) -> _ArticleReadings:
        overrides: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        read_as: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for where, number in registry.in_article.items():
            article_id, key, label = where.rsplit("\t", 2)
            overrides[key, label][article_id] = number
            if number >= 0:
                read_as[number].append((article_id, key, label))
        owners = {registry._number_anywhere(key, label) for key, label in overrides}
        return cls(dict(overrides), {number for number in owners if number is not None and number >= 0},
                   dict(read_as))


@dataclass(frozen=True, slots=True)
class _ReadingsByEntity:
    """A registry's :attr:`~EntityRegistry.in_article`, by entity: ``read_as[n]`` the ``(article, kind, key)``
    each article reads as entity ``n``; ``read_otherwise[n]`` those an article reads otherwise where the corpus
    reads them as ``n``."""

    read_as: dict[int, list[tuple[str, str, str]]]
    read_otherwise: dict[int, list[tuple[str, str, str]]]

    @classmethod
    def of(cls, registry: EntityRegistry) -> _ReadingsByEntity:
        read_as: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        read_otherwise: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for where, number in registry.in_article.items():
            article_id, key, label = where.rsplit("\t", 2)
            place = (article_id, label_kind(label), key)
            if number >= 0:
                read_as[number].append(place)
            anywhere = registry._number_anywhere(key, label)
            if anywhere is not None and anywhere >= 0 and anywhere != number:
                read_otherwise[anywhere].append(place)
        return cls(dict(read_as), dict(read_otherwise))


class RegistryDamaged(ValueError):
    """An entity table on disk that cannot be loaded; the message names the file and what is wrong."""


class EntityRecords(Sequence):
    """Per entity, its surfaces (numbers into the surface table, ascending), why each name joined it (merges) and
    its links (related), read as a record ``{"members": [...], "merges": [...], "related": [...]}`` each. Kept as
    columns: the members of every entity in one flat list, where each entity's start, and the merges and links of
    the few entities that have any (on Reuters, 4,300 and none of 32,000): loaded, written and regrouped without
    making three lists and a dict for each entity."""

    __slots__ = ("flat", "merges", "related", "starts")

    def __init__(self, flat: list[int], starts: list[int], merges: dict[int, list[dict[str, str]]],
                 related: dict[int, list[dict[str, str]]]) -> None:
        self.flat, self.starts, self.merges, self.related = flat, starts, merges, related

    @classmethod
    def from_list(cls, records: Iterable[Mapping[str, Any]]) -> EntityRecords:
        """The records as a list of dicts gives them (as JSON holds them)."""
        flat: list[int] = []
        starts = [0]
        merges: dict[int, list[dict[str, str]]] = {}
        related: dict[int, list[dict[str, str]]] = {}
        for number, record in enumerate(records):
            flat += record["members"]
            starts.append(len(flat))
            if record["merges"]:
                merges[number] = list(record["merges"])
            if record["related"]:
                related[number] = list(record["related"])
        return cls(flat, starts, merges, related)

    def members(self, number: int) -> list[int]:
        return self.flat[self.starts[number]:self.starts[number + 1]]

    def owners(self) -> dict[int, int]:
        """Surface -> the entity it is a member of."""
        starts = self.starts
        sizes = map(sub, islice(starts, 1, None), starts)
        return dict(zip(self.flat, chain.from_iterable(map(repeat, range(len(starts) - 1), sizes)), strict=True))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, number):  # type: ignore[override]
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(len(self)))]
        if number < 0:
            number += len(self)
        if not 0 <= number < len(self):
            raise IndexError("record index out of range")
        return {"members": self.members(number), "merges": self.merges.get(number, []),
                "related": self.related.get(number, [])}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EntityRecords):
            return (self.flat, self.starts, self.merges, self.related) == \
                (other.flat, other.starts, other.merges, other.related)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def to_list(self) -> list[dict[str, Any]]:
        return list(self)

    def to_columns(self) -> dict[str, Any]:
        """The records as plain values (what :meth:`from_columns` reads back; the entity detail file stores them)."""
        return {"members": self.flat, "starts": self.starts, "merges": self.merges, "related": self.related}

    @classmethod
    def from_columns(cls, data: Any) -> EntityRecords:
        """The records :meth:`to_columns` gave; raises ``ValueError`` when ``data`` is not that."""
        if not isinstance(data, dict):
            raise ValueError("not the columns of entity records")
        flat, starts, merges, related = (data.get(name) for name in ("members", "starts", "merges", "related"))
        if not (isinstance(flat, list) and isinstance(starts, list) and isinstance(merges, dict)
                and isinstance(related, dict) and starts and starts[0] == 0 and starts[-1] == len(flat)
                and all(a <= b for a, b in pairwise(starts))
                and all(isinstance(n, int) and 0 <= n < len(starts) - 1 and isinstance(v, list)
                        for column in (merges, related) for n, v in column.items())):
            raise ValueError("not the columns of entity records")
        return cls(flat, starts, merges, related)


@dataclass(slots=True)
class RegistryDetail:
    """The registry's large half: the surface table and, per entity, its surfaces, merges and links."""

    table: SurfaceTable
    records: EntityRecords
    #: The surfaces as last read or written, and the bytes of each chunk of them (:func:`_encode_detail`): a chunk
    #: whose surfaces are all the very same objects is written again as those bytes (a surface is never changed in
    #: place: an update makes a new one).
    encoded: tuple[list[Surface], list[bytes | memoryview]] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.records, EntityRecords):  # a list of dicts, as JSON holds them
            self.records = EntityRecords.from_list(self.records)

    @classmethod
    def load(cls, path: Path, stamp: str) -> RegistryDetail:
        """The detail saved at ``path`` with the table of ``stamp``: in the binary layout :func:`_encode_detail`
        writes, or as the JSON an earlier Byline wrote. Empty when it is missing, damaged or of another table (an
        update then regroups everything)."""
        try:
            raw = path.read_bytes()
        except OSError:
            return cls.empty()
        if raw.startswith(_DETAIL_MAGIC):
            try:
                return _decode_detail(raw, stamp)
            except ValueError:
                return cls.empty()
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            return cls.empty()
        if data.get("version") not in REGISTRY_READABLE or data.get("stamp") != stamp:
            return cls.empty()
        return cls(SurfaceTable.from_json(data["table"]), data["records"])

    @classmethod
    def empty(cls) -> RegistryDetail:
        return cls(SurfaceTable([], [], []), [])


def _detail_path(path: Path) -> Path:
    """Where the detail of the table at ``path`` is (named as when it was JSON: an index lists the same files)."""
    return path.with_name(path.stem + ".detail.json")


# The detail on disk: a magic line, the length of a JSON header (8 bytes, little-endian), the header (version, stamp,
# the body's length and CRC-32, and the length of each part of the body), then the body, in ``marshal``'s format 4
# (plain lists, dicts, strings and numbers; every Python since 3.4 reads it): first the article ids, the acronym
# definitions and the records as columns (:meth:`EntityRecords.to_columns`), then the surfaces, in chunks of
# :data:`_CHUNK` (:func:`.surfaces.surface_columns`), each marshalled alone. An update changes the surfaces its
# articles name and adds a few: the other chunks are written as the bytes they were read as or last written as (on
# Reuters, a tenth of them encoded instead of all). A Byline before the chunks wrote the table and the records in
# one body ("marshal 4": still read; the records as a list of dicts before they were columns, still read too).
# Read and written five times faster than the same as JSON (on Reuters, 4.9 MB: 0.13 s to parse, 0.14 to write);
# the checksum is tested before the body is read, so a damaged file is never decoded.
_DETAIL_MAGIC = b"BYLINE ENTITY DETAIL\n"
_MARSHAL_FORMAT = 4
_WHOLE_BODY = f"marshal {_MARSHAL_FORMAT}"
_PARTS_BODY = f"marshal {_MARSHAL_FORMAT} parts"
#: Surfaces per chunk of the detail.
_CHUNK = 256


def _encode_detail(detail: RegistryDetail, stamp: str) -> bytes:
    """The bytes of ``detail``; keeps in it those of its chunks of surfaces, for the next save of its surfaces."""
    table = detail.table
    surfaces = table.surfaces
    before, before_chunks = detail.encoded or ([], [])
    chunks: list[bytes | memoryview] = []
    for number, start in enumerate(range(0, len(surfaces), _CHUNK)):
        chunk = surfaces[start:start + _CHUNK]
        same = before[start:start + _CHUNK]
        if number < len(before_chunks) and len(same) == len(chunk) and all(map(is_, chunk, same)):
            chunks.append(before_chunks[number])
        else:
            chunks.append(marshal.dumps(surface_columns(chunk), _MARSHAL_FORMAT))
    head = marshal.dumps({"articles": table.article_ids, "definitions": [n for d in table.definitions for n in d],
                          "records": detail.records.to_columns(), "surfaces": len(surfaces), "chunk": _CHUNK},
                         _MARSHAL_FORMAT)
    detail.encoded = (list(surfaces), chunks)
    crc = zlib.crc32(head)
    for chunk in chunks:  # the body's checksum, part by part: the body is joined once, with the header
        crc = zlib.crc32(chunk, crc)
    parts = [len(head), *map(len, chunks)]
    header = json.dumps({"version": REGISTRY_VERSION, "stamp": stamp, "size": sum(parts), "crc": crc,
                         "body": _PARTS_BODY, "parts": parts}).encode("utf-8")
    return b"".join((_DETAIL_MAGIC, len(header).to_bytes(8, "little"), header, head, *chunks))


def _detail_body(raw: bytes) -> tuple[dict[str, Any], memoryview]:
    """The header and body of a detail file; raises ``ValueError`` when the body is not the one the header
    describes (cut short, changed) or the header is not one."""
    start = len(_DETAIL_MAGIC) + 8
    size = int.from_bytes(raw[len(_DETAIL_MAGIC):start], "little")
    header = json.loads(raw[start:start + size].decode("utf-8"))
    body = memoryview(raw)[start + size:]
    if not (isinstance(header, dict) and header.get("size") == len(body) and header.get("crc") == zlib.crc32(body)
            and header.get("body") in (_WHOLE_BODY, _PARTS_BODY)):
        raise ValueError("a damaged entity detail")
    if header["body"] == _PARTS_BODY:
        parts = header.get("parts")
        if not (isinstance(parts, list) and parts and all(isinstance(n, int) and n > 0 for n in parts)
                and sum(parts) == len(body)):
            raise ValueError("a damaged entity detail")
    return header, body


def _detail_reads(written: bytes) -> None:
    """Raise ``ValueError`` unless ``written`` is a whole detail file (checked before it replaces the old one)."""
    _detail_body(written)


def _decode_detail(raw: bytes, stamp: str) -> RegistryDetail:
    """The detail :func:`_encode_detail` wrote for the table of ``stamp``; raises ``ValueError`` when it is damaged,
    of another version or of another table."""
    header, body = _detail_body(raw)
    if header.get("version") not in REGISTRY_READABLE or header.get("stamp") != stamp:
        raise ValueError("the detail of another entity table")
    chunks: list[memoryview] = []
    try:
        if header["body"] == _WHOLE_BODY:
            data = marshal.loads(body)
        else:
            ends = list(accumulate(header["parts"]))
            head = marshal.loads(body[:ends[0]])
            chunks = [body[a:b] for a, b in pairwise(ends)]
            columns: dict[str, list] = {name: [] for name in SURFACE_COLUMNS}
            for chunk in chunks:
                part = marshal.loads(chunk)
                for name in SURFACE_COLUMNS:
                    columns[name] += part[name]
            data = {"records": head["records"], "table": {"articles": head["articles"],
                                                          "definitions": head["definitions"], **columns}}
            if head["surfaces"] != len(columns["keys"]) or head["chunk"] != _CHUNK:
                chunks = []  # read, but not in the chunks written now: none kept
    except (EOFError, TypeError, ValueError, KeyError, IndexError):
        raise ValueError("a damaged entity detail") from None
    if not isinstance(data, dict) or not isinstance(data.get("records"), (list, dict)) \
            or not isinstance(data.get("table"), dict):
        raise ValueError("a damaged entity detail")
    records = data["records"]
    try:
        records = EntityRecords.from_columns(records) if isinstance(records, dict) else EntityRecords.from_list(records)
    except (KeyError, TypeError):
        raise ValueError("a damaged entity detail") from None
    table = SurfaceTable.from_columns(data["table"])
    return RegistryDetail(table, records, (list(table.surfaces), list(chunks)) if chunks else None)


class HeaderColumns(Sequence):
    """The registry's entities as loaded: ids, names and labels in three columns, read as the ``(id, name,
    label)`` of each entity (a tuple made when asked for; 32,000 tuples kept would take 2.5 MB on Reuters)."""

    __slots__ = ("ids", "labels", "names")

    def __init__(self, ids: Sequence[str], names: Sequence[str], labels: Sequence[str]) -> None:
        self.ids, self.names, self.labels = ids, names, labels

    def __getitem__(self, number):  # type: ignore[override]
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(len(self.ids)))]
        return self.ids[number], self.names[number], self.labels[number]

    def __iter__(self) -> Iterator[tuple[str, str, str]]:
        return zip(self.ids, self.names, self.labels, strict=True)

    def __len__(self) -> int:
        return len(self.ids)


def loaded_numpy() -> Any:
    """numpy when this process imported it already (spaCy does, and rapidfuzz for a matrix of scores), else None:
    a column of numbers is then made at C speed, not in Python; importing it only for that costs half a second."""
    return sys.modules.get("numpy")


def entity_key(entity_id: str) -> str:
    """The normalised name an entity id ("LABEL:<normalised name>[#n]") is made of: the key its entity is found by
    even where no surface of it has that name."""
    key = entity_id.partition(":")[2]
    if "#" in key:
        base, _, tail = key.rpartition("#")
        if tail.isdigit():
            return base
    return key


#: No renumbering (:meth:`SortedLookup.spliced`, the numbers renumbered already).
_SAME: Sequence[int] = ()


class SortedLookup:
    """The registry's surface map as saved (format 3): the normalised forms sorted, and each form's (label,
    entity) pairs in flat arrays. Loading it is parsing four flat lists, nothing is built; a form is found by
    bisection. Answers ``get`` and ``items`` as the map built from surfaces does."""

    __slots__ = ("keys", "labels", "numbers", "starts")

    def __init__(self, keys: list[str], starts: list[int], labels: list[str], numbers: list[int]) -> None:
        self.keys, self.starts, self.labels, self.numbers = keys, starts, labels, numbers

    def get(self, key: str, default: tuple[Any, ...] = ()) -> tuple[Any, ...]:
        """``(label, entity, label, entity, ...)`` for ``key``, as the built map holds it."""
        i = bisect_left(self.keys, key)
        if i == len(self.keys) or self.keys[i] != key:
            return default
        return self._found(i)

    def _found(self, i: int) -> tuple[Any, ...]:
        start, end = self.starts[i], self.starts[i + 1]
        found: list[Any] = []
        for label, number in zip(self.labels[start:end], self.numbers[start:end], strict=True):
            found += (label, number)
        return tuple(found)

    def items(self) -> Iterator[tuple[str, tuple[Any, ...]]]:
        for i, key in enumerate(self.keys):
            yield key, self._found(i)

    def forms_of(self, number: int) -> list[tuple[str, str]]:
        """``(kind, form)`` for every surface form of the entity ``number`` (not a preferred name that is no
        surface form), found in the flat columns without building anything."""
        numbers, labels, starts, keys = self.numbers, self.labels, self.starts, self.keys
        found = []
        at = -1
        while True:
            try:
                at = numbers.index(number, at + 1)
            except ValueError:
                return found
            if labels[at]:
                found.append((label_kind(labels[at]), keys[bisect_right(starts, at) - 1]))

    def spliced(self, renumber: Sequence[int], replaced: Mapping[str, Sequence[tuple[str, int]]]) -> SortedLookup:
        """This lookup after entities were renumbered and some keys' pairs changed: each key of ``replaced`` gets
        the (label, entity) pairs given (none: the key goes), every other key keeps its pairs with each entity ``n``
        read as ``renumber[n]`` (-1, a dropped name, stays -1: ``renumber[-1]`` must be -1). The columns of the keys
        kept are sliced and copied whole, not rebuilt: a few keys changed cost what they change."""
        keys, starts, labels, numbers = self.keys, self.starts, self.labels, self.numbers
        np = loaded_numpy()
        if np is not None:  # every number renumbered at once, the kept ones sliced from it
            table = np.asarray(renumber, dtype=np.int64)
            renumbered = array("i", table[np.asarray(numbers, dtype=np.int64)].astype(np.int32).tobytes())
            renumber, numbers = _SAME, renumbered
        new_keys: list[str] = []
        new_starts = array("i", [0])
        new_labels: list[str] = []
        new_numbers = array("i")
        done = 0  # the keys before this one are in the new columns
        for key in sorted(replaced):
            i = bisect_left(keys, key)
            if done < i:  # the kept keys before it, as they were
                new_keys += keys[done:i]
                shift = len(new_labels) - starts[done]
                kept = starts[done + 1:i + 1]
                new_starts.extend(map(add, kept, repeat(shift)) if shift else kept)
                new_labels += labels[starts[done]:starts[i]]
                new_numbers.extend(map(renumber.__getitem__, numbers[starts[done]:starts[i]])
                                   if renumber is not _SAME else numbers[starts[done]:starts[i]])
            pairs = replaced[key]
            if pairs:
                new_keys.append(key)
                new_labels += [label for label, _ in pairs]
                new_numbers.extend([number for _, number in pairs])
                new_starts.append(len(new_labels))
            done = i + 1 if i < len(keys) and keys[i] == key else i
        if done < len(keys):
            shift = len(new_labels) - starts[done]
            new_keys += keys[done:]
            kept = starts[done + 1:]
            new_starts.extend(map(add, kept, repeat(shift)) if shift else kept)
            new_labels += labels[starts[done]:]
            new_numbers.extend(map(renumber.__getitem__, numbers[starts[done]:]) if renumber is not _SAME
                               else numbers[starts[done]:])
        return SortedLookup(new_keys, new_starts, new_labels, new_numbers)

    @staticmethod
    def flatten(lookup: Mapping[str, tuple[Any, ...]] | SortedLookup) -> dict[str, Any]:
        if isinstance(lookup, SortedLookup):  # flat already
            return {"keys": lookup.keys, "starts": lookup.starts, "labels": lookup.labels, "numbers": lookup.numbers}
        keys: list[str] = []
        starts, labels, numbers = [0], [], []
        for key, found in sorted(lookup.items()):
            keys.append(key)
            labels.extend(found[::2])
            numbers.extend(found[1::2])
            starts.append(len(labels))
        return {"keys": keys, "starts": starts, "labels": labels, "numbers": numbers}

    @classmethod
    def from_json(cls, data: Any) -> SortedLookup | None:
        """The lookup :meth:`flatten` saved; None when it is not that (damaged, cut short)."""
        if not isinstance(data, dict):
            return None
        keys, starts, labels, numbers = (data.get(name) for name in ("keys", "starts", "labels", "numbers"))
        if not (isinstance(keys, list) and isinstance(starts, (list, array)) and isinstance(labels, (list, _Labels))
                and isinstance(numbers, (list, array)) and len(starts) == len(keys) + 1 and starts[0] == 0
                and starts[-1] == len(labels) == len(numbers)):
            return None
        try:  # machine integers: a list of them holds an object for each (28 bytes, not 4): 2 MB on Reuters
            starts, numbers = (column if isinstance(column, array) else array("i", column)
                               for column in (starts, numbers))
        except (TypeError, OverflowError):
            return None
        return cls(keys, starts, labels, numbers)



# --- the table on disk ----------------------------------------------------------------------------------------
#
# The small half of the registry as saved: a magic line, the length of a JSON header (8 bytes, little-endian), the
# header, then the columns as bytes. The header holds the version and stamp, the body's length and CRC-32, and for
# each column where it lies in the body ([offset, length, count, encoding]). A column of strings is their UTF-8
# joined by NUL, followed by where each ends (machine integers); numbers are machine integers (``array``); labels a
# number each into the header's list of labels. Reading it is one read and a checksum: each column is then read
# when used, and a column of strings one string at a time until all of it is needed (a search's facets read a
# thousand names of 32,000). A few milliseconds where parsing the same table as JSON took 30-40.

_MAGIC = b"BYLINE ENTITY TABLE\n"
_STRING_COLUMNS = ("ids", "names", "keys", "in_article_keys")
_NUMBER_COLUMNS = ("starts", "numbers", "in_article_numbers")
_LABEL_COLUMNS = ("labels", "pair_labels")


def _table_file(path: Path) -> Path:
    """The file to read for the table at ``path``: the JSON an earlier Byline wrote beside an index's table when
    there is no binary one, or when that is newer (an earlier Byline updated the index since)."""
    if path.name != ENTITIES:
        return path
    legacy = path.with_name(ENTITIES_JSON)
    try:
        legacy_time = legacy.stat().st_mtime_ns
    except OSError:
        return path
    try:
        return legacy if legacy_time > path.stat().st_mtime_ns else path
    except OSError:
        return legacy


def _encode_table(small: Mapping[str, Any]) -> bytes:
    """The bytes of the table ``small`` (the dict :meth:`EntityRegistry.to_json` gives)."""
    lookup = small["lookup"]
    in_article = small["in_article"]
    columns: dict[str, Any] = {"ids": small["ids"], "names": small["names"], "labels": small["labels"],
                               "keys": lookup["keys"], "starts": lookup["starts"], "pair_labels": lookup["labels"],
                               "numbers": lookup["numbers"], "in_article_keys": list(in_article),
                               "in_article_numbers": list(in_article.values())}
    label_list = sorted(set(columns["labels"]) | set(columns["pair_labels"]))
    code = {label: n for n, label in enumerate(label_list)}
    header: dict[str, Any] = {"version": small["version"], "stamp": small["stamp"]}
    parts: list[bytes] = []
    offset = 0
    for name, values in columns.items():
        if name in _STRING_COLUMNS:
            joined = "\0".join(values)
            blob = joined.encode("utf-8", "surrogatepass")
            split = blob.count(0) == len(values) - 1  # no NUL in a string
            np = loaded_numpy()
            if split and np is not None and values:  # where each NUL is, plus one
                ends = array("q", (np.flatnonzero(np.frombuffer(blob + b"\0", dtype=np.uint8) == 0) + 1)
                             .astype(np.int64).tobytes())
            elif len(blob) == len(joined):  # ASCII: a string's length in bytes is its length
                ends = array("q", accumulate(map((1).__add__, map(len, values))))
            elif split:  # each string's bytes, between the NULs
                ends = array("q", accumulate(map((1).__add__, map(len, blob.split(b"\0")))))
            else:
                ends = array("q", accumulate(len(value.encode("utf-8", "surrogatepass")) + 1 for value in values))
            # Where a NUL is in a string, the column is read one string at a time (never split).
            data, encoding = blob + b"\0" + ends.tobytes(), "nul" if split else "ends"
            if not values:
                data = b""
        elif name in _NUMBER_COLUMNS:
            numbers = values if isinstance(values, array) and values.typecode == "i" else array("i", values)
            data, encoding = numbers.tobytes(), "i"
        else:
            data, encoding = array("H", map(code.__getitem__, values)).tobytes(), "H"
        header[name] = [offset, len(data), len(values), encoding]
        parts.append(data)
        offset += len(data)
    body = b"".join(parts)
    header.update({"label_list": label_list, "byteorder": sys.byteorder, "size": len(body),
                   "crc": zlib.crc32(body)})
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"".join((_MAGIC, len(head).to_bytes(8, "little"), head, body))


def _table_reads(written: bytes) -> None:
    """Raise ``ValueError`` unless ``written`` reads back as a table (checked before it replaces the old one)."""
    data = _decode_table(written, Path(ENTITIES))
    for name in ("ids", "names"):
        list(data[name])
    list(data["lookup"]["keys"])


def _decode_table(raw: bytes, path: Path) -> dict[str, Any]:
    """The dict :meth:`EntityRegistry.to_json` gave for the bytes :func:`_encode_table` wrote (strings as
    :class:`_Strings`, labels as :class:`_Labels`, numbers as ``array``); raises :class:`RegistryDamaged` when
    they are cut short, changed or not such a table."""
    damaged = RegistryDamaged(f"{path}: incomplete or damaged entity table")
    start = len(_MAGIC) + 8
    size = int.from_bytes(raw[len(_MAGIC):start], "little")
    try:
        header = json.loads(raw[start:start + size].decode("utf-8"))
    except ValueError:
        raise damaged from None
    if not isinstance(header, dict):
        raise damaged
    body = memoryview(raw)[start + size:]
    labels = header.get("label_list")
    if header.get("size") != len(body) or header.get("crc") != zlib.crc32(body) or not isinstance(labels, list):
        raise damaged
    swap = header.get("byteorder") != sys.byteorder
    columns: dict[str, Any] = {}
    for name in (*_STRING_COLUMNS, *_NUMBER_COLUMNS, *_LABEL_COLUMNS):
        where = header.get(name)
        if not (isinstance(where, list) and len(where) == 4 and all(isinstance(n, int) for n in where[:3])):
            raise damaged
        offset, length, count, encoding = where
        data = body[offset:offset + length]
        values: Any
        if name in _STRING_COLUMNS and encoding in ("nul", "ends"):
            size = 8 * count
            ends = array("q")
            ends.frombytes(data[len(data) - size:] if count else b"")
            if swap:
                ends.byteswap()
            if count and not (0 < ends[-1] == len(data) - size and ends[0] > 0):
                raise damaged
            values = _Strings(bytes(data[:len(data) - size]), ends, split=encoding == "nul")
        elif (name in _NUMBER_COLUMNS and encoding == "i") or (name in _LABEL_COLUMNS and encoding == "H"):
            values = array(encoding)
            try:
                values.frombytes(data)
            except ValueError:
                raise damaged from None
            if swap:
                values.byteswap()
            if encoding == "H":  # a number past the list of labels (never written) fails when read
                values = _Labels(values, labels)
        else:
            raise damaged
        if len(values) != count:
            raise damaged
        columns[name] = values
    if len(columns["in_article_keys"]) != len(columns["in_article_numbers"]):
        raise damaged
    return {"version": header.get("version"), "stamp": header.get("stamp"), "ids": columns["ids"],
            "names": columns["names"], "labels": columns["labels"],
            "lookup": {"keys": columns["keys"].strings(), "starts": columns["starts"], "labels": columns["pair_labels"],
                       "numbers": columns["numbers"]},
            "in_article": dict(zip(columns["in_article_keys"].strings(), columns["in_article_numbers"],
                                   strict=True))}


class _Strings(Sequence):
    """A column of strings of the binary table: each read from the bytes when asked for, all of them at once (and
    kept) when iterated or sliced, or when a quarter of them has been asked for."""

    __slots__ = ("_all", "_asked", "_blob", "_ends", "_split")

    def __init__(self, blob: bytes, ends: array, *, split: bool) -> None:
        self._blob, self._ends, self._split = blob, ends, split
        self._all: list[str] | None = None
        self._asked = 0

    def __len__(self) -> int:
        return len(self._ends) if self._all is None else len(self._all)

    def __getitem__(self, number):  # type: ignore[override]
        if self._all is not None:
            return self._all[number]
        if isinstance(number, slice):
            return self.strings()[number]
        self._asked += 1
        ends = self._ends
        if self._asked > len(ends) // 4:
            return self.strings()[number]
        if number < 0:
            number += len(ends)
            if number < 0:
                raise IndexError("column index out of range")
        end = ends[number] - 1  # IndexError past the end, as a list's
        return self._blob[ends[number - 1] if number else 0:end].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        return iter(self.strings())

    def strings(self) -> list[str]:
        """Every string of the column (read once, then kept)."""
        if self._all is None:
            if not self._ends:
                self._all = []
            elif self._split:
                self._all = self._blob[:-1].decode("utf-8", "surrogatepass").split("\0")
            else:
                blob, starts = self._blob, [0, *self._ends[:-1]]
                self._all = [blob[a:b - 1].decode("utf-8", "surrogatepass") for a, b in zip(starts, self._ends,
                                                                                              strict=True)]
            self._blob, self._ends = b"", array("q")
        return self._all


class _Labels(Sequence):
    """A column of labels of the binary table: a number each into the list of labels."""

    __slots__ = ("_codes", "_labels")

    def __init__(self, codes: array, labels: list[str]) -> None:
        self._codes, self._labels = codes, labels

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, number):  # type: ignore[override]
        if isinstance(number, slice):
            return list(map(self._labels.__getitem__, self._codes[number]))
        return self._labels[self._codes[number]]

    def __iter__(self) -> Iterator[str]:
        return map(self._labels.__getitem__, self._codes)
