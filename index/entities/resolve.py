"""Stage 2, across the corpus (:func:`resolve_entities`, :func:`resolve_table`): group the surfaces of the
corpus into canonical entities by rules, each merge recorded with its reason (the rules and their order are in
the package doc); spelling variants are told by :func:`similar_names`. After a change, :mod:`.update` applies the
same rules to the part of the table the change can reach."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, compress, repeat
from operator import attrgetter, eq, itemgetter
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from ..aliases import Aliases, load_aliases
from ..models import Annotation, label_kind
from .names import COMPANY_SUFFIXES as _COMPANY_SUFFIXES
from .names import (
    acronym_letters,
    full_name_surname,
    given_name,
    initials_of,
    looks_like_a_name,
    normalise_name,
    person_form,
    titled_name,
)
from .registry import EntityRecords, EntityRegistry, MergeReason, RegistryDetail
from .surfaces import Surface, SurfaceTable

#: The version of the rules below: raised when they group names differently, so that an index grouped by the
#: earlier rules is regrouped whole at its next update (an update regroups only what a change can reach).
#: 2: a group's singular and plural are one group; a person's thing ("Trump's Twitter") is no full name; a
#: person's name with a short given name or middle initials is that person ("Jim Mattis", "William P. Barr").
#: 3: a lone surname tagged as no person ("Trump" as ORG) is the person most articles using it name in full, or
#: the person its article names (not where the article names a company with that word and a legal form); a
#: place's acronym the corpus never defines ("U.S.") is the place of those initials it is written beside.
#: 4: a person's name with an initial before the given name ("W. Mark Felt") or a nickname in quotes ('Vincent
#: "The Chin" Gigante') is that person written without them.
#: 5: a lone surname in an article that names none of several people of that surname is the one the article's
#: other names point to ("Bush" beside the Endangered Species Act).
#: 6: a name's key drops an editor's brackets ("[Barack] Obama") and writes initials one word however spaced
#: ("H. W." as "H.W."); a name two people share without their initials ("George Bush") is no one's lone surname;
#: a lone word tagged PERSON that no article writes as part of a person's name is what its other tags name
#: ("Twitter"); of several people of a surname, one article naming one of them beside it no longer makes a
#: word used alone in three articles or more that person.
#: 7: a lone word tagged PERSON is the company its article names with that word first and a legal form, where
#: the article names no person with that word in their name ("Gould said" beside "Gould Inc").
RULES = 7


# --- similarity -----------------------------------------------------------------------------------------

def _edits_allowed(length: int) -> int:
    """Spelling slack for one word: none up to 5 letters ("Iran"/"Iraq"), 1 up to 8, 2 beyond."""
    return 0 if length <= 5 else 1 if length <= 8 else 2


def _similar_words(a: str, b: str) -> bool:
    """One word spelt two ways: within the edits its length allows, and two edits only past a shared start
    ("Zabihula"/"Zabihullah", not "Northwestern"/"Southwestern")."""
    if a == b:
        return True
    allowed = _edits_allowed(max(len(a), len(b)))
    edits = Levenshtein.distance(a, b, score_cutoff=allowed) if allowed else allowed + 1
    return edits <= allowed and (edits < 2 or a[:3] == b[:3])


_NAME_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def similar_names(a: str, b: str, kind: str) -> float:
    """How alike two normalised names of one kind are, 0 when they must not be merged as spellings of one name.

    Not rapidfuzz's WRatio (which scores "Iran"/"Iraq" 75 and a name against any name containing it 90):
    names are compared word by word ("U.K./Soviet" is two words) with Levenshtein distance, 0 edits allowed
    for words of up to 5 letters, 1 up to 8 letters, 2 beyond; the names must have the same number of words
    and share at least one word exactly. For people the surname (last word) may differ by one edit, but the
    other names only if they are long (9 letters or more: "Zabihullah"/"Sabihullah", not "Martin"/"Marvin"),
    so two people who share only a surname never merge ("John Smith"/"Jane Smith"). A single word may be
    misspelt only for a place or a group ("Khorasan"/"Khorosan", "Peruvian"/"Peruvians"; not a company:
    "Alleghany"/"Allegheny" are two): 7+ letters, the same first letter and one edit at most (not
    "Austria"/"Australia"). Returns rapidfuzz's plain ``ratio`` / 100 when the names may merge.
    """
    if a == b:
        return 1.0
    score = ratio(a, b, score_cutoff=85)  # cheap, and most pairs end here
    if not score:
        return 0.0
    ta, tb = _NAME_WORD.findall(a), _NAME_WORD.findall(b)
    if len(ta) != len(tb) or not ta:
        return 0.0
    if len(ta) == 1:
        if kind not in ("place", "group") or min(len(a), len(b)) < 7 or a[0] != b[0]:
            return 0.0
        if Levenshtein.distance(a, b, score_cutoff=1) > 1:
            return 0.0
        return score / 100
    pairs = list(zip(ta, tb, strict=True))
    if not any(x == y for x, y in pairs) or not all(_similar_words(x, y) for x, y in pairs):
        return 0.0
    if kind == "person":
        if Levenshtein.distance(ta[-1], tb[-1], score_cutoff=1) > 1:
            return 0.0
        if any(x != y and max(len(x), len(y)) < 9 for x, y in pairs[:-1]):
            return 0.0
    return score / 100


# --- resolution -----------------------------------------------------------------------------------------

#: A token shared by more surfaces of one kind than this is too common to block fuzzy matching on.
_COMMON_TOKEN = 50



class _Groups:
    """Union-find over surfaces, with the article sets of groups and pairs of names kept apart."""

    def __init__(self, table: SurfaceTable) -> None:
        self.parent = list(range(len(table.surfaces)))
        self.size = [1] * len(table.surfaces)
        self.articles: dict[int, set[int]] = {}
        self.table = table
        self.apart: list[tuple[int, int]] = []
        self.log: list[tuple[int, int, str, str]] = []

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def group_articles(self, x: int) -> set[int]:
        root = self.find(x)
        articles = self.articles.get(root)
        if articles is None:
            articles = self.articles[root] = set(self.table.surfaces[root].articles)
        return articles

    def kept_apart(self, x: int, y: int) -> bool:
        """Whether the user kept the groups of ``x`` and ``y`` apart (a name split from another)."""
        a, b = self.find(x), self.find(y)
        return any({self.find(p), self.find(q)} == {a, b} for p, q in self.apart)

    def union(self, keep: int, join: int, reason: str, detail: str, *, disjoint: bool = False) -> bool:
        """Put ``join``'s group into ``keep``'s. Refused when the user kept two of the names apart, or (with
        ``disjoint``) when both groups are named in one article."""
        a, b = self.find(keep), self.find(join)
        if a == b:
            return False
        for x, y in self.apart:
            if {self.find(x), self.find(y)} == {a, b}:
                return False
        arts_a, arts_b = self.group_articles(a), self.group_articles(b)
        if disjoint and not arts_a.isdisjoint(arts_b):
            return False
        self.parent[b] = a
        self.size[a] += self.size[b]
        if len(arts_a) < len(arts_b):
            arts_a, arts_b = arts_b, arts_a
        arts_a |= arts_b
        self.articles[a] = arts_a
        self.articles.pop(b, None)
        self.log.append((keep, join, reason, detail))
        return True


def resolve_entities(
    annotations: Mapping[str, Annotation], root: Path | None = None, *, aliases: Aliases | None = None
) -> EntityRegistry:
    """The corpus's canonical entities, from every article's annotation (article id -> Annotation).

    ``aliases`` defaults to the alias file of the corpus at ``root``.
    """
    if aliases is None:
        aliases = load_aliases(root) if root is not None else Aliases()
    return resolve_table(SurfaceTable.from_annotations(annotations), aliases)


def _is_mis_tag(surface: Surface) -> bool:
    """A span no reader would call a name: no letter at all, or only a company's legal form ("Co Inc")."""
    if not any(c.isalpha() for c in surface.key):
        return True
    return all(word in _COMPANY_SUFFIXES or word in ("&", "and") for word in surface.key.split())


def resolve_table(table: SurfaceTable, aliases: Aliases) -> EntityRegistry:
    """Group the surfaces of ``table`` into canonical entities (the rules are in the package doc)."""
    grouped = _group(table, aliases)
    return _build_registry(table, _entries(grouped), grouped.parents, _readings(grouped))


@dataclass
class _Grouped:
    """The rules applied to a table: its groups, and what naming them needs."""

    table: SurfaceTable
    groups: _Groups
    dropped: set[int]
    pinned: dict[int, tuple[str, str]]
    secondary: set[int]
    parents: list[tuple[str, str, str]]
    #: Per-article readings, ``(surface, article, surface of the group meant)``.
    readings: list[tuple[int, int, int]]
    #: Surfaces read under another label than their own ("Trump" tagged ORG is a person, "Twitter" tagged PERSON a
    #: product): they count as that label for their entity's.
    read_as: dict[int, str]


def _dropped(surfaces: Sequence[Surface], aliases: Aliases) -> set[int]:
    """The surfaces no entity takes: mis-tags, and the names the user dropped."""
    dropped = {i for i, s in enumerate(surfaces) if _is_mis_tag(s)}
    unwanted = _unwanted(aliases)
    if unwanted:
        dropped.update(i for i, s in enumerate(surfaces) if (s.key, s.label) in unwanted or (s.key, "") in unwanted)
    return dropped


def _unwanted(aliases: Aliases) -> set[tuple[str, str]]:
    """The (key, label) of the names the user dropped; label "" for a name dropped under any label."""
    return {(normalise_name(name), drop.label) for drop in aliases.drops for name in drop.names}


def _group(table: SurfaceTable, aliases: Aliases, token_use: Mapping[tuple[str, str], int] | None = None,
           whole: SurfaceTable | None = None) -> _Grouped:
    """Apply the rules, in order, to the surfaces of ``table``. ``token_use``: how many surfaces of the whole
    table use each word (when ``table`` is a part of it); counted from ``table`` when None. ``whole``: the whole
    table when ``table`` is a part of it (the names each article tags are read from it)."""
    surfaces = table.surfaces
    dropped = _dropped(surfaces, aliases)
    live = [i for i in range(len(surfaces)) if i not in dropped]
    by_key: dict[str, list[int]] = defaultdict(list)
    for i in live:
        by_key[surfaces[i].key].append(i)
    groups = _Groups(table)
    pinned: dict[int, tuple[str, str]] = {}  # a surface -> the (name, label) its group must carry
    secondary: set[int] = set()  # surfaces that never give their group its name (acronyms, lone surnames)

    def lookup(name: str, label: str) -> list[int]:
        found = by_key.get(normalise_name(name), [])
        exact = [i for i in found if surfaces[i].label == label]
        return exact or found

    for split in aliases.splits:
        for a in lookup(split.name, split.label):
            for other in split.from_names:
                for b in lookup(other, split.label):
                    if a != b:
                        groups.apart.append((a, b))
    parents: list[tuple[str, str, str]] = []
    for merge in aliases.merges:
        members = [i for name in merge.names for i in lookup(name, merge.label)]
        for i in members[1:]:
            groups.union(members[0], i, "correction", "merged by the user (alias file [[merge]])")
    for entity in aliases.entities:
        members = [i for name in entity.names for i in lookup(name, entity.label)]
        for i in members:
            pinned[i] = (entity.name, entity.label)
        for i in members[1:]:
            groups.union(members[0], i, "alias-file", f"listed as a name of {entity.name!r} in the alias file")
        if entity.part_of:
            parents.append((entity.name, entity.label, entity.part_of))

    _merge_acronyms(table, by_key, groups, secondary)
    _merge_same_names(by_key, surfaces, groups)
    _merge_place_initials(table, live, by_key, groups, secondary)
    readings = _merge_company_suffixes(by_key, surfaces, groups, secondary)
    _merge_spellings(live, surfaces, groups, _token_use(live, surfaces) if token_use is None else token_use)
    either = _merge_person_forms(live, surfaces, groups)
    readings += _merge_surnames(live, surfaces, groups, secondary, _NamesIn(whole or table), either)
    read_as: dict[int, str] = {}
    readings += _merge_mislabelled_surnames(live, by_key, surfaces, groups, secondary, read_as)
    _merge_unnamed_people(live, by_key, surfaces, groups, secondary, read_as)
    _merge_minority_labels(by_key, surfaces, groups, secondary)
    readings += _read_company_shorthand(live, surfaces, groups)
    return _Grouped(table, groups, dropped, pinned, secondary, parents, readings, read_as)


def _merge_acronyms(table: SurfaceTable, by_key: Mapping[str, list[int]], groups: _Groups,
                    secondary: set[int]) -> None:
    """An acronym joins the long form the corpus defines it as, if most (two in three) of its definitions agree."""
    surfaces = table.surfaces
    meanings: dict[str, Counter[int]] = defaultdict(Counter)
    first: dict[tuple[str, int], tuple[int, int]] = {}
    kinds: dict[str, set[str]] = defaultdict(set)
    for acronym, long_form, article in table.definitions:
        key, root = surfaces[acronym].key, groups.find(long_form)
        meanings[key][root] += 1
        first.setdefault((key, root), (long_form, article))
        kinds[key].add(surfaces[acronym].kind)
    for key, counts in meanings.items():
        (root, top), total = counts.most_common(1)[0], sum(counts.values())
        if top * 3 < total * 2:
            continue  # the corpus defines it several ways: keep them apart
        long_form, article = first[(key, root)]
        for i in by_key.get(key, ()):
            if surfaces[i].kind in kinds[key]:
                detail = (f"defined as {surfaces[long_form].best_form()!r} ({surfaces[i].best_form()}) "
                          f"in {table.article_ids[article]}")
                if groups.union(root, i, "acronym", detail):
                    secondary.add(i)


def _merge_same_names(by_key: Mapping[str, list[int]], surfaces: list[Surface], groups: _Groups) -> None:
    """One name under several labels of one kind (GPE, LOC and FAC are all places) is one entity."""
    for members in by_key.values():
        if len(members) < 2:
            continue
        by_kind: dict[str, list[int]] = defaultdict(list)
        for i in members:
            by_kind[surfaces[i].kind].append(i)
        for same in by_kind.values():
            same.sort(key=lambda i: -surfaces[i].count)
            for i in same[1:]:
                groups.union(same[0], i, "same-name",
                             f"the same name tagged {surfaces[i].label} as well as {surfaces[same[0]].label}")


def place_acronym(surface: Surface) -> str:
    """The letters of a place's name written as capitals only ("U.S.", "UK"), "" for any other name."""
    if surface.kind != "place" or " " in surface.key:
        return ""
    form = surface.best_form()
    return acronym_letters(form) if all(c.isupper() or c == "." for c in form) else ""


def _merge_place_initials(table: SurfaceTable, live: list[int], by_key: Mapping[str, list[int]], groups: _Groups,
                          secondary: set[int]) -> None:
    """A place's acronym the corpus never defines ("U.S.") is the place whose initials it is ("United States")
    when that place, of all those with these initials, is the only one written beside it in an article, and in
    two articles at least: not "D.C." named once beside "Dakota City"."""
    surfaces = table.surfaces
    defined = {acronym for acronym, _, _ in table.definitions}
    long_forms: dict[str, list[int]] = defaultdict(list)
    for i in live:
        if surfaces[i].kind == "place" and " " in surfaces[i].key and (letters := initials_of(surfaces[i].best_form())):
            long_forms[letters].append(i)
    for i in live:
        s = surfaces[i]
        letters = place_acronym(s)
        if not letters or letters not in long_forms or i in defined:
            continue
        root = groups.find(i)
        if groups.size[root] != sum(groups.find(j) == root for j in by_key[s.key]):
            continue  # grouped with another name by an earlier rule
        articles = set(s.articles)
        beside: dict[int, set[int]] = defaultdict(set)
        for j in long_forms[letters]:
            if (other := groups.find(j)) != root and not articles.isdisjoint(surfaces[j].articles):
                beside[other] |= articles.intersection(surfaces[j].articles)
        if len(beside) != 1:
            continue
        (target, together), = beside.items()
        if len(together) >= 2 and groups.union(
                target, i, "acronym", f"the initials of {surfaces[target].best_form()!r}, written beside it in "
                                      f"{len(together)} articles and never defined"):
            secondary.add(i)


def _merge_company_suffixes(by_key: Mapping[str, list[int]], surfaces: list[Surface], groups: _Groups,
                            secondary: set[int]) -> list[tuple[int, int, int]]:
    """"Texaco Inc" and "Texaco" are one company; but "MCA Inc" is not the "MCA" the corpus defines as
    "Monetary Compensatory Amounts": an acronym that joined a long form stays with it, and is read as the
    company only in the articles that name the company ("MCA Inc"). Returns those per-article readings."""
    readings: list[tuple[int, int, int]] = []
    for key, members in by_key.items():
        words = key.split()
        base = _company_base(words)
        if base is None:
            continue
        targets = [i for i in by_key.get(base, ()) if surfaces[i].label == "ORG"]
        companies = [i for i in members if surfaces[i].label == "ORG"]
        if not targets or not companies:
            continue
        if targets[0] in secondary:  # a defined acronym
            named = set().union(*(surfaces[i].articles for i in companies))
            readings += [(targets[0], article, companies[0]) for article in surfaces[targets[0]].articles
                         if article in named]
            continue
        for i in companies:
            groups.union(targets[0], i, "company-suffix", f"the same company name with {words[-1]!r}")
    return readings


def _token_use(live: list[int], surfaces: list[Surface]) -> Counter[tuple[str, str]]:
    """How many surfaces of each kind use each word."""
    token_use: Counter[tuple[str, str]] = Counter()
    for i in live:
        kind = surfaces[i].kind
        token_use.update((kind, word) for word in set(surfaces[i].key.split()))
    return token_use


def _merge_spellings(live: list[int], surfaces: list[Surface], groups: _Groups,
                     token_use: Mapping[tuple[str, str], int]) -> None:
    """Spelling variants within a kind, found by blocking on near-identical words (never all pairs); a word used
    by more than :data:`_COMMON_TOKEN` surfaces of the kind (``token_use``) blocks nothing."""
    blocks: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i in live:
        s = surfaces[i]
        words = s.key.split()
        if len(words) == 1:
            word = words[0]
            if s.kind not in ("place", "group") or not 7 <= len(word) <= 40:
                continue
            # One edit, same first letter: the word or the word less one letter (not the first) meet.
            keys = {("one", word)} | {("one", word[:k] + word[k + 1:]) for k in range(1, len(word))}
        else:
            last = words[-1]
            if s.kind == "person":  # the surname, or the surname less one letter
                keys = {("surname", last)}
                if len(last) >= 6:
                    keys |= {("surname", last[:k] + last[k + 1:]) for k in range(len(last))}
            else:  # at least one word the same (and not a common one)
                keys = {("word", n, w) for n, w in enumerate(words)
                        if token_use.get((s.kind, w), 0) <= _COMMON_TOKEN}
        for key in keys:
            blocks[(s.kind, len(words), key)].append(i)
    seen: set[tuple[int, int]] = set()
    candidates = []
    for members in blocks.values():
        if len(members) < 2:
            continue
        for x, a in enumerate(members):
            for b in members[x + 1:]:
                pair = (a, b) if a < b else (b, a)
                if pair in seen or surfaces[a].key == surfaces[b].key:
                    continue
                seen.add(pair)
                score = similar_names(surfaces[a].key, surfaces[b].key, surfaces[a].kind)
                if score:
                    candidates.append((score, *pair))
    # Most alike first; the more frequent spelling keeps the group. Two spellings in one article are
    # taken as two names (a writer is consistent within an article; "Austria"/"Australia" often co-occur),
    # and so are two spellings that are both used three times or more in two articles or more.
    for score, a, b in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        keep, join = (a, b) if surfaces[a].count >= surfaces[b].count else (b, a)
        if _singular_and_plural(surfaces[a], surfaces[b]):  # written side by side, and each often: still one
            groups.union(keep, join, "spelling", f"singular or plural of {surfaces[keep].best_form()!r}")
            continue
        if surfaces[join].count >= 3 and len(surfaces[join].articles) >= 2:
            continue  # both spellings are established: two names ("Herrington", "Harrington"), not a typo
        ra, rb = groups.find(keep), groups.find(join)
        if ra != rb and not similar_names(surfaces[ra].key, surfaces[rb].key, surfaces[ra].kind):
            continue  # no chains: "Clanton" may join "Clinton", but then "Clayton" may not join them
        groups.union(keep, join, "spelling",
                     f"spelling variant of {surfaces[keep].best_form()!r} (similarity {score:.2f})", disjoint=True)


def _singular_and_plural(a: Surface, b: Surface) -> bool:
    """A group's one word, singular and plural ("Republican"/"Republicans", "Democrat"/"Democrats"): both in
    common use, as an adjective and a noun, yet one group."""
    if a.kind != "group" or " " in a.key or " " in b.key:
        return False
    short, long = sorted((a.key, b.key), key=len)
    return long == short + "s"


def _merge_person_forms(live: list[int], surfaces: list[Surface], groups: _Groups) -> set[int]:
    """One person's full name with a short given name or with middle initials ("Jim Mattis" / "James Mattis",
    "William P. Barr" / "William Barr"; :func:`.names.person_form`) is one person, however often each is written.
    Two sets of initials on one name are two people ("George H. W. Bush", "George W. Bush"): the name without
    initials then joins neither, and is returned (no lone surname is read as it: it names either)."""
    by_form: dict[str, dict[tuple[str, ...], list[int]]] = defaultdict(lambda: defaultdict(list))
    either: set[int] = set()
    for i in live:
        if surfaces[i].label == "PERSON" and (form := person_form(surfaces[i].key)) is not None:
            by_form[form[0]][form[1]].append(i)
    for by_initials in by_form.values():
        if sum(map(len, by_initials.values())) < 2:
            continue
        with_initials = [members for initials, members in by_initials.items() if initials]
        together = [[i for members in by_initials.values() for i in members]] if len(with_initials) <= 1 else \
            list(by_initials.values())
        if len(with_initials) > 1:
            either.update(by_initials.get((), ()))
        for members in together:
            members.sort(key=lambda i: (-surfaces[i].count, i))
            for i in members[1:]:
                groups.union(members[0], i, "person-form",
                             f"{surfaces[i].best_form()!r} is {surfaces[members[0]].best_form()!r} written another way")
    return either


def _merge_surnames(live: list[int], surfaces: list[Surface], groups: _Groups,
                    secondary: set[int], names_in: _NamesIn, either: set[int]) -> list[tuple[int, int, int]]:
    """A lone surname ("Mujahid") joins a full name ending with it when the corpus says who it is: the only
    such person in the corpus, or the one named in full in most (three in five, and two at least) of the
    articles that use the surname alone and name someone of that surname ("Reagan" is Ronald Reagan in 1987
    news, though Nancy Reagan is named too); one such article is enough only for a word used alone in two
    articles at most ("Banks" heading sentences on banks in ten articles is not Wilson Banks, whom one names).
    A title ("Mrs Reagan") is not a full name. A name two people share without their initials (``either``:
    "George Bush" beside "George H. W. Bush" and "George W. Bush", from :func:`_merge_person_forms`) is no one
    the surname joins, nor one an article's other names point to; an article naming only that name reads the
    surname as it.

    Returns per-article readings, ``(surface, article, group)``, for articles that name exactly one person
    of that surname who is not the corpus's choice: there, "Baker" is the Baker the article names; and for
    articles that name none of several people of that surname, where the article's other names point to one
    of them (:func:`_by_company`): "Bush" in an article on the Endangered Species Act is the president the
    corpus's other articles on it name, not the running back most articles using "Bush" alone name.
    """
    full_names = _full_names(live, surfaces)
    given = Counter(given_name(surfaces[i].key) for i in live if surfaces[i].label == "PERSON")
    holders = {surname: {groups.find(i) for i in full} for surname, full in full_names.items()}
    shared = {groups.find(i) for i in either}
    readings: list[tuple[int, int, int]] = []
    for i in live:
        s = surfaces[i]
        if s.label != "PERSON" or " " in s.key or groups.size[groups.find(i)] > 1:
            continue
        candidates = holders.get(s.key, set()) - {groups.find(i)}
        if not candidates:
            continue
        named_here: dict[int, int] = {}
        context = 0
        for article in s.articles:
            here = [c for c in candidates if article in groups.group_articles(c)]
            context += bool(here)
            if len(here) == 1:
                named_here[article] = here[0]
        target = None
        if len(candidates) == 1 and not candidates <= shared:
            target = next(iter(candidates))
            detail = f"the only person called {s.best_form()} in the corpus"
        elif named_here:
            (top, count), = Counter(named_here.values()).most_common(1)
            if count * 5 >= context * 3 and (count >= 2 or len(s.articles) <= 2) and top not in shared:
                target = top
                detail = (f"the only person called {s.best_form()} named in the articles that use the surname "
                          "alone" if count == context else
                          f"the person called {s.best_form()} named in {count} of the {context} articles that "
                          "use the surname alone and name someone of that surname")
        if len(candidates) > 1 and given[s.key] < len(full_names[s.key]):
            # Where the article names none of them, the one its other names point to (not for a word the corpus
            # writes more often as a given name: "Paul" is more often Paul Volcker cut short than John Paul).
            unnamed = [article for article in s.articles if article not in named_here
                       and not any(article in groups.group_articles(c) for c in candidates)
                       and not _names_another(names_in(article), s.key)]
            if unnamed:
                companies = _companies(candidates - shared, full_names[s.key], surfaces, groups, names_in)
                chosen = groups.find(target) if target is not None else None
                for article in unnamed:
                    names = names_in(article) - {s.key}
                    best = _by_company(names, companies)
                    # The corpus's choice gives way only where its articles share (almost) no name with this one.
                    if best is not None and (chosen is None or (
                            best != chosen and len(names & companies[chosen][0].keys()) < _COMPANY_SHARED)):
                        named_here[article] = best
        if target is not None and groups.union(target, i, "surname", f"{detail}: {surfaces[target].best_form()}"):
            secondary.add(i)
        readings += [(i, article, c) for article, c in named_here.items() if groups.find(c) != groups.find(i)]
    return readings


def _names_another(names: set[str], surname: str) -> bool:
    """Whether an article's names hold one with ``surname`` among its words: someone the rules do not take for a
    person of that surname ("Thomas M. Davis III", "Mintz, Levin, Cohn"), whom the lone surname may mean."""
    return any(" " in name and surname in name.split() for name in names)


class _NamesIn:
    """The keys of the names each article of a table tags (made on first use: most tables never ask)."""

    def __init__(self, table: SurfaceTable) -> None:
        self.table = table
        self._keys: list[set[str]] | None = None

    def __call__(self, article: int) -> set[str]:
        if self._keys is None:
            self._keys = [set() for _ in self.table.article_ids]
            for surface in self.table.surfaces:
                for n in surface.articles:
                    self._keys[n].add(surface.key)
        return self._keys[article]


#: What an article's other names must share with the articles naming one person of a surname in full, for its
#: lone surname to be read as that person (:func:`_by_company`): names tagged this often in them, this share of
#: them in all, and this many times what they share with any other person's. Measured on ECB+, BASIL and
#: Reuters (54 readings made where none or the corpus's choice was: 50 right on reading each).
_COMPANY_SHARED = 2
_COMPANY_SHARE = 0.5
_COMPANY_LEAD = 2


def _companies(candidates: set[int], full: list[int], surfaces: list[Surface], groups: _Groups,
               names_in: _NamesIn) -> dict[int, tuple[Counter[str], int]]:
    """For each of several people of one surname (their groups): in how many of the articles naming them in full
    (``full``: the surfaces of full names with that surname) each other name is tagged, and how many articles
    those are."""
    own_names = {surfaces[h].key for h in full}
    articles: dict[int, set[int]] = {c: set() for c in candidates}
    for h in full:
        found = articles.get(groups.find(h))
        if found is not None and looks_like_a_name(surfaces[h].best_form()):  # not spaCy's "bill Reagan"
            found.update(surfaces[h].articles)
    companies = {}
    for c, found in articles.items():
        counts: Counter[str] = Counter()
        for n in found:
            counts.update(names_in(n) - own_names)
        companies[c] = (counts, len(found))
    return companies


def _by_company(names: set[str], companies: Mapping[int, tuple[Counter[str], int]]) -> int | None:
    """Which of several people of a surname an article naming none of them in full means by the surname alone,
    from the other ``names`` it tags and the ``companies`` of the people (:func:`_companies`); None when none
    stands out. One must lead on two counts, each by :data:`_COMPANY_LEAD` times any other's: how often the
    names are tagged in that person's articles (at least :data:`_COMPANY_SHARED`), and the same as shares of
    that person's articles (at least :data:`_COMPANY_SHARE`), so neither a person named in many articles nor
    one named in a single article wins by that alone. Only names are compared, so the reading changes only when
    the article, or an article naming one of these people in full, changes."""
    if len(names) < _COMPANY_SHARED:
        return None
    chosen = None
    for as_share, least in ((False, _COMPANY_SHARED), (True, _COMPANY_SHARE)):
        scores = sorted(((sum(counts[n] for n in names) / (total if as_share else 1), c)
                         for c, (counts, total) in companies.items() if total), reverse=True)
        if not scores:
            return None
        (best, group), runner_up = scores[0], scores[1][0] if len(scores) > 1 else 0.0
        if best < least or best < _COMPANY_LEAD * runner_up or chosen not in (None, group):
            return None
        chosen = group
    return chosen


def _full_names(live: list[int], surfaces: list[Surface]) -> dict[str, list[int]]:
    """Surname -> the full names of people with it (:func:`.names.full_name_surname`)."""
    holders: dict[str, list[int]] = defaultdict(list)
    for i in live:
        s = surfaces[i]
        if s.label == "PERSON" and (surname := full_name_surname(s.key)):
            holders[surname].append(i)
    return holders


def _names_a_company(surface: Surface) -> bool:
    """Whether a surface is an organisation named with a legal form after its first word ("Ford Motor Co")."""
    return surface.label == "ORG" and any(word in _COMPANY_SUFFIXES for word in surface.key.split()[1:])


def _company_words(live: list[int], surfaces: list[Surface]) -> dict[str, set[int]]:
    """Word -> the articles that tag a company named with it and a legal form ("Ford Motor Co", "Frank B. Hall
    and Co Inc"): there, that word alone may be the company."""
    found: dict[str, set[int]] = defaultdict(set)
    for i in live:
        s = surfaces[i]
        if _names_a_company(s):
            for word in set(s.key.split()) - _COMPANY_SUFFIXES:
                found[word].update(s.articles)
    return found


def _merge_mislabelled_surnames(live: list[int], by_key: Mapping[str, list[int]], surfaces: list[Surface],
                                groups: _Groups, secondary: set[int],
                                read_as: dict[int, str]) -> list[tuple[int, int, int]]:
    """A lone word tagged as no person ("Trump" as ORG, "Lyng" as PRODUCT) that is the surname of people the
    corpus names in full is read as one of them by the articles that use it. Articles that tag a company
    named with the word and a legal form ("Ford Motor Co") are left out (there, "Ford" may be the company);
    in the others, the people of that surname the article names (in full, or by a name of their entity).

    The word joins a person when that person is the only one of the surname named in most of all the
    articles using the word (two at least, or its only article): "Trump" tagged ORG in 78 articles, most
    naming Donald Trump; not "Salomon" (Salomon Brothers, and Robert Salomon in a few articles) or "Houston".
    Where it did not join, or an article names another person of that surname alone, that article reads the
    word as the person it names in full, if it also tags the word alone as a person.

    Returns those per-article readings, ``(surface, article, group)``; ``read_as`` gets the surfaces joined, as
    PERSON (they do not make their entity an organisation).
    """
    holders = _full_names(live, surfaces)
    companies = _company_words(live, surfaces)
    readings: list[tuple[int, int, int]] = []
    for key, members in by_key.items():
        if " " in key or key not in holders:
            continue
        person_articles = set().union(*(surfaces[i].articles for i in members if surfaces[i].label == "PERSON"))
        for i in members:
            s = surfaces[i]
            root = groups.find(i)
            if s.label == "PERSON" or groups.size[root] != sum(groups.find(j) == root for j in members):
                continue  # a person already, or grouped with another name by an earlier rule
            candidates = {groups.find(c) for c in holders[key]} - {root}
            if not candidates:
                continue
            company = companies.get(key, set())
            in_full = {article for c in holders[key] for article in surfaces[c].articles}
            named_here: dict[int, int] = {}
            for article in s.articles:
                if article in company:
                    continue
                here = [c for c in candidates if article in groups.group_articles(c)]
                if len(here) == 1:
                    named_here[article] = here[0]
            if not named_here:
                continue
            (top, count), = Counter(named_here.values()).most_common(1)
            total = len(s.articles)
            joined = None
            if count * 2 > total and (count >= 2 or total == 1):
                detail = (f"a surname tagged {s.label}: {surfaces[top].best_form()} is the only person of that "
                          f"name in {count} of the {total} articles that use it")
                if groups.union(top, i, "surname", detail):
                    secondary.add(i)
                    read_as[i] = "PERSON"
                    joined = top
            readings += [(i, article, c) for article, c in named_here.items()
                         if c != joined and article in person_articles and article in in_full]
    return readings


_POSSESSIVE = re.compile(r"['’]s$")


def _read_company_shorthand(live: list[int], surfaces: list[Surface], groups: _Groups) -> list[tuple[int, int, int]]:
    """A lone word tagged PERSON is the company its article names with that word first and a legal form, where
    the article names no person with that word in their name: news shortens a company to its first word, and
    spaCy often takes it for a surname ("Gould said" beside "Gould Inc", "Rose's operates 224 stores" beside
    "Rose's Stores Inc"; not "Icahn" where Carl Icahn is named too). Not where the article names two such
    companies. Returns those per-article readings, ``(surface, article, company surface)``."""
    firms: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for i in live:
        s = surfaces[i]
        if _names_a_company(s):
            for article in s.articles:
                firms[_POSSESSIVE.sub("", s.key.split()[0])][article].add(i)
    lone = [(i, by_article) for i in live if surfaces[i].label == "PERSON" and " " not in surfaces[i].key
            and (by_article := firms.get(_POSSESSIVE.sub("", surfaces[i].key)))]
    asked = {article for i, by_article in lone for article in surfaces[i].articles if article in by_article}
    person_words: dict[int, set[str]] = defaultdict(set)
    for i in live:
        s = surfaces[i]
        if s.label == "PERSON" and " " in s.key and not asked.isdisjoint(s.articles):
            for article in asked.intersection(s.articles):
                person_words[article].update(s.key.split())
    readings: list[tuple[int, int, int]] = []
    for i, by_article in lone:
        word = _POSSESSIVE.sub("", surfaces[i].key)
        for article in surfaces[i].articles:
            companies = by_article.get(article)
            if not companies or word in person_words.get(article, ()):
                continue
            if len({groups.find(c) for c in companies}) == 1:
                readings.append((i, article, min(companies)))
    return readings


def _merge_unnamed_people(live: list[int], by_key: Mapping[str, list[int]], surfaces: list[Surface], groups: _Groups,
                          secondary: set[int], read_as: dict[int, str]) -> None:
    """A lone word tagged PERSON that the corpus never writes as a person's given name or surname, nor after a
    title ("Mr Goelman"), nor at the end of a name of two words whatever its tag (spaCy's "Aitan Goelman" ORG),
    and that it also tags as no person, is that: spaCy tags "Twitter" PERSON (on Twitter, Twitter said) far more
    often than PRODUCT, yet no article names a person Twitter. The word joins the entity its other tags name
    most often, under that entity's label."""
    named: set[str] = set()
    for i in live:
        key = surfaces[i].key
        if surfaces[i].label == "PERSON" and " " in key:
            named.update((full_name_surname(key), given_name(key), titled_name(key)))
        elif key.count(" ") == 1:
            named.add(full_name_surname(key))
    for key, members in by_key.items():
        if " " in key or key in named or len(members) < 2:
            continue
        others = [j for j in members if surfaces[j].label != "PERSON"]
        if not others:
            continue
        counts: Counter[int] = Counter()
        for j in others:
            counts[groups.find(j)] += surfaces[j].count
        target = counts.most_common(1)[0][0]
        label = max((j for j in others if groups.find(j) == target), key=lambda j: (surfaces[j].count, -j))
        for i in members:
            if surfaces[i].label == "PERSON" and groups.size[groups.find(i)] == 1 and groups.union(
                    target, i, "not-a-person", f"no person is named {surfaces[i].best_form()!r} in full, and it is "
                                               f"tagged {surfaces[label].label} too"):
                secondary.add(i)
                read_as[i] = surfaces[label].label


def _merge_minority_labels(by_key: Mapping[str, list[int]], surfaces: list[Surface], groups: _Groups,
                           secondary: set[int]) -> None:
    """A name tagged with one kind most of the time (three mentions in four or more) is that entity when
    tagged otherwise: "Kabul" tagged ORG once is still the city."""
    for members in by_key.values():
        if len(members) < 2:
            continue
        totals: Counter[int] = Counter()
        for i in members:
            totals[groups.find(i)] += surfaces[i].count
        if len(totals) < 2:
            continue
        (top, top_count), total = totals.most_common(1)[0], sum(totals.values())
        if top_count * 4 < total * 3:
            continue
        for i in members:
            if groups.find(i) != top and groups.size[groups.find(i)] == 1:
                detail = f"tagged {surfaces[i].label} in {surfaces[i].count} of {total} mentions"
                if groups.union(top, i, "label-majority", detail):
                    secondary.add(i)


#: One entity before it is numbered: its surfaces (ascending), name, label, why each name joined it, and its id
#: before a number tells it from another of that name ("" to make it from the name).
_Entry = tuple[list[int], str, str, list[dict[str, str]], str]


def _entries(grouped: _Grouped) -> list[_Entry]:
    """The entities of ``grouped``, in the order of their first surface."""
    table, groups, pinned, secondary = grouped.table, grouped.groups, grouped.pinned, grouped.secondary
    read_as = grouped.read_as
    surfaces, dropped = table.surfaces, grouped.dropped
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(surfaces)):
        if i not in dropped:
            members[groups.find(i)].append(i)
    reasons: dict[int, list[dict[str, str]]] = defaultdict(list)
    for _keep, join, reason, detail in groups.log:
        reasons[groups.find(join)].append(
            MergeReason(surfaces[join].best_form(), reason, detail).to_dict())
    entries: list[_Entry] = []
    for root, group in members.items():
        pin = next((pinned[i] for i in group if i in pinned), None) if pinned else None
        if pin:
            name, label = pin
        else:
            labels: dict[str, int] = {}
            for i in group:
                label = read_as.get(i) or surfaces[i].label
                labels[label] = labels.get(label, 0) + surfaces[i].count
            label = max(labels.items(), key=lambda kv: (kv[1], kv[0]))[0]
            primary = [i for i in group if i not in secondary] or group
            best = max(primary, key=lambda i: (surfaces[i].count, len(surfaces[i].key.split()), -i))
            name = surfaces[best].best_form()
        entries.append((group, name, label, reasons.get(root, []), ""))
    return entries


def _readings(grouped: _Grouped) -> dict[str, int]:
    """The per-article readings of ``grouped``: "article id\tkey\tlabel" -> the first surface of the group
    the name is read as there."""
    groups, surfaces, dropped = grouped.groups, grouped.table.surfaces, grouped.dropped
    first: dict[int, int] = {}
    for i in range(len(surfaces)):
        if i not in dropped:
            first.setdefault(groups.find(i), i)
    ids = grouped.table.article_ids
    return {
        f"{ids[article]}\t{surfaces[i].key}\t{surfaces[i].label}": first[groups.find(c)]
        for i, article, c in grouped.readings
        if groups.find(c) in first and groups.find(c) != groups.find(i) and not groups.kept_apart(i, c)
    }


def _build_registry(table: SurfaceTable, entries: Sequence[_Entry], parents: list[tuple[str, str, str]],
                    readings: Mapping[str, int]) -> EntityRegistry:
    """The registry of ``entries`` (in the order of their first surface) over ``table``: ids, links, lookup."""
    surfaces = table.surfaces
    groups, names, labels, merges, bases = zip(*entries, strict=True) if entries else ((), (), (), (), ())
    ids = [base or f"{label}:{normalise_name(name)}" for name, label, base in zip(names, labels, bases, strict=True)]
    if len(set(ids)) < len(ids):  # two entities of one name: the later told apart by their first surface
        used_ids: set[str] = set()
        for number, group in enumerate(groups):
            if ids[number] in used_ids:
                ids[number] = f"{ids[number]}#{min(group)}"
            used_ids.add(ids[number])
    headers = list(zip(ids, names, labels, strict=True))
    flat = list(chain.from_iterable(groups))
    records = EntityRecords(flat, [0, *accumulate(map(len, groups))],
                            {number: list(reasons) for number, reasons in enumerate(merges) if reasons}, {})
    number_of = dict(zip(flat, chain.from_iterable(map(repeat, range(len(groups)), map(len, groups))), strict=True))
    _link_related(records, headers, surfaces, number_of, parents)
    rows = [(s.key, s.label, number_of.get(i, -1)) for i, s in enumerate(surfaces)]
    in_article = {where: number_of[first] for where, first in readings.items()}
    return EntityRegistry(headers, rows, in_article=in_article, detail=RegistryDetail(table, records))


_HYPHENATED_PART = re.compile(r"^(\S+?)[-‐]([A-Z])$")


def _link_related(records: EntityRecords, headers: Sequence[tuple[str, str, str]], surfaces: list[Surface],
                  number_of: Mapping[int, int], parents: list[tuple[str, str, str]]) -> None:
    """An acronym with a hyphenated one-letter qualifier ("IS-K", "ISIS-K") names a part of the
    entity the bare acronym names: its own entity, linked to that one, not merged. The alias file's
    ``part_of`` links any two entities the same way. (``number_of``: the surfaces entities take, and which.)"""
    # The links asked for: (entity, the key and kind of its parent) for every hyphenated part; (the keys of the
    # child and of the parent, their kind) for every part_of.
    parts: list[tuple[int, str, str]] = []
    keys = list(map(attrgetter("key"), surfaces))
    # A hyphenated part's key ends with its letter as a word ("IS-K": "is k"): no other surface can be one.
    for i in compress(range(len(keys)), map(eq, map(itemgetter(slice(-2, -1)), keys), repeat(" "))):
        surface = surfaces[i]
        if (number := number_of.get(i)) is None:
            continue
        for form in surface.forms:
            if "-" not in form and "‐" not in form:
                continue
            match = _HYPHENATED_PART.match(form)
            if match and acronym_letters(match.group(1)):
                parts.append((number, normalise_name(match.group(1)), surface.kind))
    named = [(normalise_name(name), normalise_name(parent_name), label_kind(label))
             for name, label, parent_name in parents]
    wanted = {key for _, key, _ in parts} | {key for child, parent, _ in named for key in (child, parent)}
    by_key: dict[str, list[int]] = defaultdict(list)  # the surfaces an entity takes, ascending, of those keys
    if wanted:
        for i in compress(range(len(keys)), map(wanted.__contains__, keys)):
            if i in number_of:
                by_key[keys[i]].append(i)

    def entity_of(key: str, kind: str) -> int | None:
        for i in by_key.get(key, ()):
            if surfaces[i].kind == kind:
                return number_of[i]
        return None

    links: set[tuple[int, int]] = set()
    for number, key, kind in parts:
        parent = entity_of(key, kind)
        if parent is not None and parent != number:
            links.add((number, parent))
    for child_key, parent_key, kind in named:
        child, parent = entity_of(child_key, kind), entity_of(parent_key, kind)
        if child is not None and parent is not None and child != parent:
            links.add((child, parent))
    for child, parent in sorted(links):
        records.related.setdefault(child, []).append({"id": headers[parent][0], "relation": "part-of"})
        records.related.setdefault(parent, []).append({"id": headers[child][0], "relation": "has-part"})


def _company_base(words: Sequence[str]) -> str | None:
    """The name a company's name with its legal form ("texaco inc") is also written without ("texaco")."""
    if len(words) < 2 or words[-1] not in _COMPANY_SUFFIXES:
        return None
    base = " ".join(words[:-1])
    return base[:-2] if base.endswith(" &") else base
