"""Stage 2 after a change (:func:`resolve_update`): when a few articles were removed, changed or added, only the
names they tag and what those can reach by the rules of :mod:`.resolve` are grouped again; every other entity is
kept as the previous grouping had it. The result is the one :func:`.resolve.resolve_table` gives for the whole
table (``tests/test_update_entities.py`` holds it to that)."""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import accumulate, compress, repeat
from operator import add, attrgetter, contains, gt, is_not
from typing import Any

from rapidfuzz.fuzz import ratio
from rapidfuzz.process import cdist

from ..aliases import Aliases
from ..models import label_kind
from . import resolve
from .names import (
    RESOLVED_LABELS,
    full_name_surname,
    given_name,
    initials_of,
    normalise_name,
    person_form,
    titled_name,
)
from .registry import EntityRecords, EntityRegistry, HeaderColumns, RegistryDetail, entity_key, loaded_numpy
from .resolve import (
    _COMMON_TOKEN,
    _COMPANY_SUFFIXES,
    _build_registry,
    _company_base,
    _entries,
    _Entry,
    _group,
    _is_mis_tag,
    _link_related,
    _names_a_company,
    _readings,
    _unwanted,
    place_acronym,
    similar_names,
)
from .surfaces import Surface, SurfaceTable

#: An update whose names reach more than this share of the table's surfaces is regrouped whole.
_WIDEST_UPDATE = 0.2


def resolve_update(previous: EntityRegistry, table: SurfaceTable, touched: Iterable[tuple[str, str]],
                   aliases: Aliases) -> EntityRegistry:
    """What :func:`resolve_table` gives for ``table``: ``previous``'s table (resolved under these ``aliases``)
    after a few articles were removed, changed or added, ``touched`` holding the (key, label) of every name those
    articles tag, before and after the change. Only the surfaces those names can reach by the rules (the same
    name, a company's name with its legal form, a surname and the full names ending with it (and, for a surname
    tagged as no person, the companies named with it beside it), a place's acronym and the places of its
    initials, spelling variants, acronym definitions, the alias file's entries, a word becoming too common to
    block on, and the entities they were in) are grouped again, as a part of the table; every other entity is
    taken from ``previous`` as it was. When the names reach more than a fifth of the table, it is regrouped
    whole."""
    old = previous.table
    surfaces, old_surfaces = table.surfaces, old.surfaces
    keys = list(map(attrgetter("key"), surfaces))
    where = table.where()
    # The table keeps the surfaces it kept in their order and adds new ones after them: when none went, each
    # keeps its number (a surface no changed article names is the very same object).
    same_numbers = len(old_surfaces) <= len(surfaces) and all(
        old_surfaces[i].key == surfaces[i].key and old_surfaces[i].label == surfaces[i].label
        for i in compress(range(len(old_surfaces)), map(is_not, old_surfaces, surfaces)))
    reach = _Reach(table, where, aliases, keys)
    region = reach.region(old, previous.detail.records, set(touched),
                          limit=max(50, int(_WIDEST_UPDATE * len(table.surfaces))),
                          old_where=_Prefix(where, len(old_surfaces)) if same_numbers else None)
    if region is None:
        return resolve.resolve_table(table, aliases)
    order = sorted(region)
    position = {i: n for n, i in enumerate(order)}
    part = SurfaceTable(table.article_ids, [table.surfaces[i] for i in order],
                        [(position[a], position[b], article) for a, b, article in table.definitions
                         if a in position and b in position])
    # Only the words of names that are not people's block spellings, if rare enough.
    token_use = reach.token_use({(s.kind, word) for s in part.surfaces if s.kind != "person" and " " in s.key
                                 for word in s.key.split()}, enough=_COMMON_TOKEN + 1)
    grouped = _group(part, aliases, token_use, whole=table)
    entries = [([order[i] for i in group], name, label, merges, base)
               for group, name, label, merges, base in _entries(grouped)]
    readings = {where_: order[first] for where_, first in _readings(grouped).items()}

    if same_numbers:
        spliced = _spliced(previous, table, where, region, entries, readings, aliases, reach.owners)
        if spliced is not None:
            return spliced
    first_of: dict[int, int] = {}  # a kept entity of ``previous`` -> its first surface now
    records = previous.detail.records
    if len(records) != len(previous.headers):
        raise ValueError("the entity detail is not of this table")
    flat, starts, reasons = records.flat, records.starts, records.merges
    for number, (entity_id, name, label) in enumerate(previous.headers):
        start = starts[number]
        first = flat[start]
        if not same_numbers:
            first = where.get((old_surfaces[first].key, old_surfaces[first].label))
        if first is None or first in region:  # gone, or regrouped: every surface of it is in the region
            continue
        members = flat[start:starts[number + 1]]
        if not same_numbers:
            members = [where[(old_surfaces[i].key, old_surfaces[i].label)] for i in members]
        first_of[number] = members[0]
        # Its id as it was, unless a "#" in it may be a number that told it from another entity of its name.
        entries.append((members, name, label, reasons.get(number, ()), "" if "#" in entity_id else entity_id))
    for where_, number in previous.in_article.items():
        _, key, label = where_.split("\t")
        now = where.get((key, label))
        if now is not None and now not in region:
            if number not in first_of:  # read as an entity regrouped: the rules reach further than this knows
                return resolve.resolve_table(table, aliases)
            readings[where_] = first_of[number]
    entries.sort(key=lambda entry: entry[0][0])
    parents = [(entity.name, entity.label, entity.part_of) for entity in aliases.entities if entity.part_of]
    return _build_registry(table, entries, parents, readings)


def _spliced(previous: EntityRegistry, table: SurfaceTable, where: Mapping[tuple[str, str], int], region: set[int],
             entries: list[_Entry], readings: dict[str, int], aliases: Aliases,
             owners: Mapping[int, int] | None = None) -> EntityRegistry | None:
    """What :func:`resolve_update` gives, when every surface of ``previous``'s table kept its number in ``table``:
    the entities of ``entries`` (the region's, regrouped, ``readings`` theirs) put in the place of those of
    ``previous`` that had a surface in ``region``, every other entity kept as it was. Each column of the registry
    is the old one sliced and copied around the entities that came and went, and its lookup the old one with only
    the names of those entities changed (:meth:`.registry.SortedLookup.spliced`): no loop over every entity or
    surface in Python. None where the previous registry does not hold together so (the caller groups the old way).
    """
    records = previous.detail.records
    flat, starts = records.flat, records.starts
    count = len(starts) - 1
    if count != len(previous.headers):
        return None
    surfaces = table.surfaces
    if owners is None:
        owners = _owners(records, len(previous.table.surfaces))
    gone = sorted({owners[i] for i in region if i in owners})  # the old entities regrouped
    if sum(starts[n + 1] - starts[n] for n in gone) != sum(1 for i in region if i in owners):
        return None  # an entity with a surface outside the region: the rules reach further than the region
    entries.sort(key=lambda entry: entry[0][0])
    firsts = _Firsts(flat, starts)
    places = [bisect_left(firsts, members[0]) for members, *_ in entries]  # the old entity each comes before
    # The plan: old entities kept in runs, new ones put before old entity ``place``, the gone ones left out.
    inserted = Counter(places)
    removed = set(gone)
    cuts = sorted({*places, *gone, count})
    renumber = array("i", bytes(4 * (count + 1)))
    new_numbers: list[int] = []  # each entry's number
    runs: list[tuple[int, int, int]] = []  # (first old entity, past the last, its first new number)
    shift = previous_cut = 0
    for cut in cuts:
        if previous_cut < cut:
            runs.append((previous_cut, cut, previous_cut + shift))
            renumber[previous_cut:cut] = array("i", range(previous_cut + shift, cut + shift))
        for _ in range(inserted[cut]):
            new_numbers.append(cut + shift)
            shift += 1
        if cut in removed:
            renumber[cut] = -2
            shift -= 1
            previous_cut = cut + 1
        else:
            previous_cut = cut
    renumber[count] = -1  # a dropped name, -1, stays -1

    def spliced(column: Sequence[Any], new: Sequence[Any]) -> list[Any]:
        out: list[Any] = []
        j = 0
        for first, past, at in runs:
            while j < len(new_numbers) and new_numbers[j] < at:
                out.append(new[j])
                j += 1
            out += column[first:past]
        out += new[j:]
        return out

    # Members: the old flat list's runs and the entries' members, with where each entity starts.
    new_flat: list[int] = []
    new_starts = [0]
    j = 0
    for first, past, at in runs:
        while j < len(new_numbers) and new_numbers[j] < at:
            new_flat += entries[j][0]
            new_starts.append(len(new_flat))
            j += 1
        shift_members = len(new_flat) - starts[first]
        new_flat += flat[starts[first]:starts[past]]
        new_starts += map(add, starts[first + 1:past + 1], repeat(shift_members))
    for members, *_ in entries[j:]:
        new_flat += members
        new_starts.append(len(new_flat))
    headers = previous.headers
    old_ids, old_names, old_labels = (headers.ids, headers.names, headers.labels) \
        if isinstance(headers, HeaderColumns) else (list(column) for column in zip(*headers, strict=True))
    names = spliced(old_names, [name for _, name, _, _, _ in entries])
    labels = spliced(old_labels, [label for _, _, label, _, _ in entries])
    # Ids: as they were, but where a "#" told an entity from another of its name (made again, as a regroup does).
    numbered_before = list(compress(range(len(old_ids)), map(contains, old_ids, repeat("#"))))
    ids = spliced(old_ids, [""] * len(entries))
    made = [*new_numbers, *(renumber[n] for n in numbered_before if renumber[n] >= 0)]
    for number in made:
        ids[number] = f"{labels[number]}:{normalise_name(names[number])}"
    numbered = [number for number in made if "#" in ids[number]]
    counts = Counter(ids)
    if len(counts) < len(ids):  # two entities of one name: the later told apart by its first surface
        as_made, told = list(ids), list(numbered)
        twice = set(compress(counts, map(gt, counts.values(), repeat(1))))
        used: set[str] = set()
        for number in compress(range(len(ids)), map(twice.__contains__, ids)):
            if ids[number] in used:
                ids[number] = f"{ids[number]}#{new_flat[new_starts[number]]}"
                numbered.append(number)
            used.add(ids[number])
        if len(set(ids)) < len(ids):  # a name told apart so is another's: every id in turn, as a regroup does
            ids, numbered, used = as_made, told, set()
            for number, entity_id in enumerate(ids):
                if entity_id in used:
                    ids[number] = f"{entity_id}#{new_flat[new_starts[number]]}"
                    numbered.append(number)
                used.add(ids[number])
    merges = {int(renumber[number]): reasons for number, reasons in records.merges.items() if renumber[number] >= 0}
    merges |= {new_numbers[j]: list(entry[3]) for j, entry in enumerate(entries) if entry[3]}
    new_records = EntityRecords(new_flat, new_starts, dict(sorted(merges.items())), {})
    fresh = {i: new_numbers[j] for j, (members, *_) in enumerate(entries) for i in members}
    number_of = _Owners(owners, renumber, fresh, region)
    parents = [(entity.name, entity.label, entity.part_of) for entity in aliases.entities if entity.part_of]
    header_rows = HeaderColumns(ids, names, labels)
    _link_related(new_records, header_rows, surfaces, number_of, parents)

    in_article = {where_: number_of[first] for where_, first in readings.items()}
    for where_, number in previous.in_article.items():
        _, key, label = where_.split("\t")
        now = where.get((key, label))
        if now is not None and now not in region:
            if renumber[number] < 0:  # read as an entity regrouped: the rules reach further than this knows
                return None
            in_article[where_] = renumber[number]

    # The lookup: the names of the region's surfaces, and the preferred names of the entities that came, went or
    # were renamed, made again; every other name's entities renumbered.
    old_lookup = previous.sorted_lookup()
    # An id with a "#" may have changed (and its preferred name with it, should the name hold "#" and digits).
    keys = {surfaces[i].key for i in region}
    keys |= {entity_key(old_ids[n]) for n in (*gone, *numbered_before)}
    keys |= {entity_key(ids[n]) for n in (*new_numbers, *numbered)}
    by_key: dict[str, set[int]] = defaultdict(set)  # the entities named by each key's preferred names
    for number in (*new_numbers, *numbered, *(renumber[n] for n in numbered_before if renumber[n] >= 0)):
        by_key[entity_key(ids[number])].add(number)
    replaced: dict[str, list[tuple[str, int]]] = {}
    for key in keys:
        found = sorted(i for label in RESOLVED_LABELS if (i := where.get((key, label))) is not None)
        pairs = [(surfaces[i].label, number_of.get(i, -1)) for i in found]
        named = {number for _, number in pairs}
        candidates = set(by_key.get(key, ()))
        for number in old_lookup.get(key)[1::2]:
            if number >= 0 and renumber[number] >= 0:
                candidates.add(renumber[number])
        pairs += [("", number) for number in sorted(candidates)
                  if number not in named and entity_key(ids[number]) == key]
        replaced[key] = pairs
    lookup = old_lookup.spliced(renumber, replaced)
    np = loaded_numpy()
    if (np is not None and (np.frombuffer(lookup.numbers, dtype=np.int32) == -2).any()) if \
            isinstance(lookup.numbers, array) and lookup.numbers.itemsize == 4 else -2 in lookup.numbers:
        return None  # a name of a regrouped entity outside the names changed: never expected
    detail = RegistryDetail(table, new_records, previous.detail.encoded)  # its chunks kept: most are written as read
    return EntityRegistry(header_rows, (), in_article=in_article, detail=detail, lookup=lookup)


def _owners(records: EntityRecords, count: int) -> Mapping[int, int]:
    """Surface -> the entity it is a member of, for a table of ``count`` surfaces: a list made by numpy when it is
    loaded (a dict of 37,000 made in Python takes 10 ms on Reuters)."""
    np = loaded_numpy()
    if np is None or not records.flat:
        return records.owners()
    starts = np.asarray(records.starts, dtype=np.int64)
    owner = np.full(count, -1, dtype=np.int64)
    try:
        owner[np.asarray(records.flat, dtype=np.int64)] = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    except (IndexError, ValueError):  # not the members of a table of that size
        return records.owners()
    return _OwnerList(owner.tolist())


class _OwnerList(Mapping):
    """Surface -> entity, read from a list of each surface's entity (-1: none)."""

    def __init__(self, owner: list[int]) -> None:
        self.owner = owner

    def __getitem__(self, surface: int) -> int:
        if 0 <= surface < len(self.owner) and (number := self.owner[surface]) >= 0:
            return number
        raise KeyError(surface)

    def __iter__(self) -> Iterator[int]:
        return (i for i, number in enumerate(self.owner) if number >= 0)

    def __len__(self) -> int:
        return sum(1 for number in self.owner if number >= 0)


class _Owners(Mapping):
    """Surface -> entity after :func:`_spliced`: the region's surfaces as regrouped (``fresh``), any other as its
    entity before (``owners``) renumbered."""

    def __init__(self, owners: Mapping[int, int], renumber: Sequence[int], fresh: Mapping[int, int],
                 region: set[int]) -> None:
        self.owners, self.renumber, self.fresh, self.region = owners, renumber, fresh, region

    def __getitem__(self, surface: int) -> int:
        if surface in self.region:
            return self.fresh[surface]
        return self.renumber[self.owners[surface]]

    def __iter__(self) -> Iterator[int]:
        yield from self.fresh
        yield from (i for i in self.owners if i not in self.region)

    def __len__(self) -> int:
        return len(self.fresh) + sum(1 for i in self.owners if i not in self.region)


class _Prefix(Mapping):
    """The ``where`` of a table read as that of the table before it, when that one's surfaces are the first
    ``count`` of this one's (none went)."""

    def __init__(self, where: Mapping[tuple[str, str], int], count: int) -> None:
        self.where, self.count = where, count

    def __getitem__(self, name: tuple[str, str]) -> int:
        i = self.where[name]
        if i >= self.count:
            raise KeyError(name)
        return i

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return (name for name, i in self.where.items() if i < self.count)

    def __len__(self) -> int:
        return self.count


class _Firsts(Sequence):
    """The first surface of each entity of member columns (ascending: entities are numbered in that order)."""

    __slots__ = ("flat", "starts")

    def __init__(self, flat: Sequence[int], starts: Sequence[int]) -> None:
        self.flat, self.starts = flat, starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, number):  # type: ignore[override]
        return self.flat[self.starts[number]]


class _Reach:
    """Which surfaces of a table a surface can meet by the rules (or more). Built for each update: indexes
    nothing it can look up in ``where`` instead."""

    def __init__(self, table: SurfaceTable, where: Mapping[tuple[str, str], int], aliases: Aliases,
                 keys: list[str] | None = None) -> None:
        self.table = table
        self.where = where
        self.unwanted = _unwanted(aliases)
        self.keys = [s.key for s in table.surfaces] if keys is None else keys
        self._blob: str | None = None
        self._offsets: list[int] = []
        self._last_words: dict[str, list[int]] | None = None
        self._other_words: dict[str, list[int]] | None = None
        self._initials: dict[str, list[int]] | None = None
        self._person_forms: dict[str, list[int]] | None = None
        #: Surface -> entity, of the table before (once :meth:`region` asked).
        self.owners: Mapping[int, int] | None = None
        self.definitions: dict[int, list[int]] = defaultdict(list)
        for acronym, long_form, _ in table.definitions:
            self.definitions[acronym].append(long_form)
            self.definitions[long_form].append(acronym)
        self.rules: dict[str, set[str]] = defaultdict(set)  # a key -> the keys of the alias entries naming it
        for entity in aliases.entities:
            self._rule(entity.names)
        for merge in aliases.merges:
            self._rule(merge.names)
        for split in aliases.splits:
            self._rule([split.name, *split.from_names])

    def _rule(self, names: Iterable[str]) -> None:
        keys = {normalise_name(name) for name in names}
        for key in keys:
            self.rules[key] |= keys

    def dropped(self, surface: Surface) -> bool:
        return _is_mis_tag(surface) or (surface.key, surface.label) in self.unwanted \
            or (surface.key, "") in self.unwanted

    def _occurrences(self, word: str) -> Iterator[int]:
        """The surfaces whose key has ``word`` as a word, ascending (one may come twice): found in all the keys
        joined, by searching one string (half a millisecond on Reuters) instead of a loop over every surface."""
        if " " in word or "\n" in word or not word:  # no word of a key (words joined by single spaces)
            return
        if self._blob is None:
            self._blob = "\n" + "\n".join(self.keys) + "\n"
            self._offsets = list(accumulate(map((1).__add__, map(len, self.keys)), initial=1))
        blob, offsets, size = self._blob, self._offsets, len(word)
        at = blob.find(word)
        while at >= 0:
            if blob[at - 1] in " \n" and blob[at + size] in " \n":
                yield bisect_right(offsets, at) - 1
            at = blob.find(word, at + size)

    def token_use(self, wanted: set[tuple[str, str]], enough: int) -> dict[tuple[str, str], int]:
        """How many surfaces (not dropped) of the table use each (kind, word) of ``wanted``, counted up to
        ``enough`` (all that telling a common word from a rare one needs)."""
        use = dict.fromkeys(wanted, 0)
        surfaces = self.table.surfaces
        by_word: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for kind, word in wanted:
            by_word[word].add((kind, word))
        for word, counting in by_word.items():
            seen: set[int] = set()
            for i in self._occurrences(word):
                if i in seen:
                    continue
                seen.add(i)
                surface = surfaces[i]
                pair = (surface.kind, word)
                if pair in counting and not self.dropped(surface):
                    use[pair] += 1
                    if use[pair] >= enough:
                        counting.discard(pair)
                        if not counting:
                            break
        return use

    def users(self, wanted: set[tuple[str, str]]) -> list[int]:
        """The surfaces using a (kind, word) of ``wanted``."""
        surfaces = self.table.surfaces
        found = {i for word in {word for _, word in wanted} for i in self._occurrences(word)}
        return [i for i in sorted(found) if any((surfaces[i].kind, w) in wanted for w in surfaces[i].key.split())]

    def same_key(self, key: str) -> Iterator[int]:
        for label in RESOLVED_LABELS:
            if (i := self.where.get((key, label))) is not None:
                yield i

    def last_words(self, word: str) -> list[int]:
        """The full names of people ending with ``word``."""
        if self._last_words is None:
            self._last_words = defaultdict(list)
            for i, s in enumerate(self.table.surfaces):
                if s.label == "PERSON" and (surname := full_name_surname(s.key)):
                    self._last_words[surname].append(i)
        return self._last_words.get(word, [])

    def other_words(self, word: str) -> list[int]:
        """The names that say ``word`` may be a person's but for a surname of a full name: people's names with it
        as their given name or after a title ("Mr Goelman"), and names of two words ending with it, whatever their
        tag ("Aitan Goelman" tagged ORG)."""
        if self._other_words is None:
            self._other_words = defaultdict(list)
            for i, s in enumerate(self.table.surfaces):
                if s.label == "PERSON" and " " in s.key:
                    found = {given_name(s.key), titled_name(s.key)}
                elif s.key.count(" ") == 1:
                    found = {full_name_surname(s.key)}
                else:
                    continue
                for name in found - {""}:
                    self._other_words[name].append(i)
        return self._other_words.get(word, [])

    def long_forms(self, letters: str) -> list[int]:
        """The names of places whose initials are ``letters`` ("United States" for "US")."""
        if self._initials is None:
            self._initials = defaultdict(list)
            for i, s in enumerate(self.table.surfaces):
                if s.kind == "place" and " " in s.key and (initials := initials_of(s.best_form())):
                    self._initials[initials].append(i)
        return self._initials.get(letters, [])

    def companies_with(self, word: str, articles: Iterable[int]) -> Iterator[int]:
        """The companies named with ``word`` and a legal form ("Ford Motor Co" for "ford") in ``articles``."""
        surfaces = self.table.surfaces
        articles = set(articles)
        for i in self._occurrences(word):
            s = surfaces[i]
            if _names_a_company(s) and not articles.isdisjoint(s.articles):
                yield i

    def person_forms(self, key: str) -> list[int]:
        """The full names of people written as another way of writing ``key`` (:func:`.names.person_form`)."""
        if self._person_forms is None:
            self._person_forms = defaultdict(list)
            for i, s in enumerate(self.table.surfaces):
                if s.label == "PERSON" and (form := person_form(s.key)) is not None:
                    self._person_forms[form[0]].append(i)
        form = person_form(key)
        return self._person_forms.get(form[0], []) if form is not None else []

    def near(self, key: str, label: str) -> Iterator[int]:
        """The surfaces a surface (``key``, ``label``) may be grouped with, or whose grouping it may change, but
        its spelling variants (:meth:`spellings`)."""
        yield from self.same_key(key)
        words = key.split()
        if len(words) == 1:  # a lone surname, whatever its label, and the companies named with it beside it
            surname_of = self.last_words(key)
            yield from surname_of
            yield from self.other_words(key)  # whether it is a person's name at all
            if surname_of and label != "PERSON" and (i := self.where.get((key, label))) is not None:
                yield from self.companies_with(key, self.table.surfaces[i].articles)
        elif len(words) == 2 and (surname := full_name_surname(key)):
            yield from self.same_key(surname)  # a name of two words, whatever its tag: its last may be a surname
        if len(words) > 1 and label == "PERSON":
            if surname := full_name_surname(key):
                yield from self.same_key(surname)
            if given := given_name(key):  # a lone word read as a surname unless more often a given name
                yield from self.same_key(given)
            if titled := titled_name(key):
                yield from self.same_key(titled)
            yield from self.person_forms(key)
        if label_kind(label) == "place" and (i := self.where.get((key, label))) is not None:
            surface = self.table.surfaces[i]  # a place's acronym and the places with those initials
            if len(words) == 1:
                if letters := place_acronym(surface):
                    yield from self.long_forms(letters)
            elif letters := initials_of(surface.best_form()):
                yield from self.same_key(normalise_name(letters))
        base = _company_base(words)
        if base is not None:
            yield from self.same_key(base)
        for suffix in _COMPANY_SUFFIXES:
            for name in (f"{key} {suffix}", f"{key} & {suffix}"):
                if (i := self.where.get((name, "ORG"))) is not None:
                    yield i
        for other in self.rules.get(key, ()):
            yield from self.same_key(other)

    def spellings(self, names: Sequence[tuple[str, str]]) -> Iterator[int]:
        """The surfaces that may be spelling variants of ``names`` ((key, label)): of the same kind and number
        of words, alike enough (:func:`similar_names`)."""
        names = [(key, label_kind(label)) for key, label in names]
        names = [(key, kind) for key, kind in names
                 if " " in key or (kind in ("place", "group") and 7 <= len(key) <= 40)]
        if not names:
            return
        scores = cdist([key for key, _ in names], self.keys, scorer=ratio, score_cutoff=85, workers=1)
        surfaces = self.table.surfaces
        for row, column in zip(*scores.nonzero(), strict=True):
            key, kind = names[row]
            other = surfaces[column]
            if other.kind == kind and other.key.count(" ") == key.count(" ") and similar_names(key, other.key, kind):
                yield int(column)

    def region(self, old: SurfaceTable, records: EntityRecords, touched: set[tuple[str, str]],
               limit: int, old_where: Mapping[tuple[str, str], int] | None = None) -> set[int] | None:
        """The surfaces of this table that ``touched`` names reach, closed under :meth:`near`, :meth:`spellings`,
        acronym definitions and ``records`` (the entities of ``old``, the table before); None past ``limit``."""
        surfaces, where = self.table.surfaces, self.where
        if old_where is None:
            old_where = {(s.key, s.label): i for i, s in enumerate(old.surfaces)}
        entity_of = self.owners = _owners(records, len(old.surfaces))
        region: set[int] = set()
        wave: list[tuple[str, str]] = []  # names whose neighbours are still to be added

        def add(numbers: Iterable[int]) -> None:
            for i in numbers:
                if i not in region:
                    region.add(i)
                    wave.append((surfaces[i].key, surfaces[i].label))

        # A word whose count crosses the line of a common word blocks spellings for every surface using it, or
        # stops doing so.
        change: Counter[tuple[str, str]] = Counter()
        for key, label in touched:
            came, went = (key, label) in where, (key, label) in old_where
            if came != went and label != "PERSON" and not self.dropped(Surface(key, label, {key: 1}, [])):
                for word in set(key.split()):
                    change[(label_kind(label), word)] += 1 if came else -1
        use = self.token_use({w for w, d in change.items() if d},
                             enough=_COMMON_TOKEN + 2 + max((abs(d) for d in change.values()), default=0))
        crossing = {w for w, d in change.items() if d and (use[w] <= _COMMON_TOKEN) != (use[w] - d <= _COMMON_TOKEN)}
        if crossing:
            add(self.users(crossing))
        add(i for name in touched if (i := where.get(name)) is not None)
        wave.extend(name for name in touched if name not in where)  # gone: what they reached is reached still
        while wave:
            if len(region) > limit:
                return None
            names, wave = wave, []
            add(self.spellings(names))
            for key, label in names:
                add(self.near(key, label))
                if (i := where.get((key, label))) is not None:
                    add(self.definitions.get(i, ()))
                before = old_where.get((key, label))
                if before is not None and (number := entity_of.get(before)) is not None:
                    for member in records.members(number):
                        name = (old.surfaces[member].key, old.surfaces[member].label)
                        if (i := where.get(name)) is not None:
                            add((i,))
                        elif name not in touched:
                            wave.append(name)
        return region
