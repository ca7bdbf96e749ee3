"""The surface table: every (normalised name, label) the corpus's annotations tag, with its forms as written,
counts and articles, and the acronym definitions found; what resolution needs, small enough to keep beside the
index and to update by the changed articles alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from ..models import Annotation, label_kind
from .names import RESOLVED_LABELS, acronym_letters, initials_match, normalise_name, unbracketed


def _display(form: str) -> str:
    """A surface form as a preferred name: a lower-case leading "the" is not part of a name, nor are stray
    brackets and quotes at its ends, nor an editor's square brackets ("[Barack] Obama")."""
    form = unbracketed(form).strip("<>|*\"“”«»")
    return form[4:] if form.startswith("the ") and len(form) > 4 else form


@dataclass(slots=True)
class Surface:
    """One normalised name under one label, as the corpus uses it."""

    key: str
    label: str
    #: The forms as written (whitespace collapsed) and how often.
    forms: dict[str, int]
    #: Article numbers (indexes into ``SurfaceTable.article_ids``), ascending.
    articles: list[int]
    count: int = 0
    kind: str = ""

    def __post_init__(self) -> None:
        if not self.kind:
            self.kind = label_kind(self.label)
        if not self.count:
            self.count = sum(self.forms.values())

    def best_form(self) -> str:
        """The form to show for this surface: the most used, without an article that is not part of the name
        (a lower-case "the", or "The" where the corpus also writes the name without it)."""
        forms = self.forms
        if len(forms) == 1:
            return _display(next(iter(forms)))
        shown: dict[str, int] = {}
        for form, count in forms.items():
            form = _display(form)
            shown[form] = shown.get(form, 0) + count
        for form in [f for f in shown if f.startswith("The ") and f[4:] in shown]:
            shown[form[4:]] += shown.pop(form)
        return max(shown.items(), key=lambda kv: (kv[1], kv[0]))[0]


@dataclass(slots=True)
class SurfaceTable:
    """What resolution needs from the annotations, small enough to keep beside the index."""

    article_ids: list[str]
    surfaces: list[Surface]
    #: (acronym surface, long-form surface, article) for every "Long Form (ACRONYM)" found.
    definitions: list[tuple[int, int, int]]
    #: (key, label) -> surface number, made when first asked for (:meth:`where`).
    _where: dict[tuple[str, str], int] | None = field(default=None, compare=False, repr=False)

    def where(self) -> dict[tuple[str, str], int]:
        """Each surface's number, by key and label (made once: the table's surfaces are never changed in place;
        do not change the map)."""
        if self._where is None:
            surfaces = self.surfaces
            self._where = dict(zip(zip(map(attrgetter("key"), surfaces), map(attrgetter("label"), surfaces),
                                       strict=True), range(len(surfaces)), strict=True))
        return self._where

    @classmethod
    def from_annotations(cls, annotations: Mapping[str, Annotation]) -> SurfaceTable:
        article_ids: list[str] = []
        surfaces: list[Surface] = []
        index: dict[tuple[str, str], Surface] = {}
        slots: dict[int, int] = {}
        definitions: list[tuple[int, int, int]] = []
        resolved = RESOLVED_LABELS
        for article_id, annotation in annotations.items():
            number = len(article_ids)
            article_ids.append(article_id)
            previous_end, previous_surface, previous_text = -10, None, ""
            for span in annotation.entities:
                label = span.label
                if label not in resolved:
                    continue
                text = span.text
                form = " ".join(text.split()) if ("  " in text or "\n" in text or "\t" in text) else text
                key = normalise_name(form)
                if not key or form.islower():  # "cts", "mosques": a name has a capital somewhere
                    continue
                surface = index.get((key, label))
                if surface is None:
                    surface = index[(key, label)] = Surface(key, label, {}, [])
                    slots[id(surface)] = len(surfaces)
                    surfaces.append(surface)
                surface.forms[form] = surface.forms.get(form, 0) + 1
                surface.count += 1
                if not surface.articles or surface.articles[-1] != number:
                    surface.articles.append(number)
                if previous_surface is not None and 2 <= span.start - previous_end <= 3:
                    letters = acronym_letters(text)
                    if letters and initials_match(previous_text, letters):
                        definitions.append((slots[id(surface)], slots[id(previous_surface)], number))
                previous_end, previous_surface, previous_text = span.end, surface, text
        return cls(article_ids, surfaces, definitions)

    def updated(self, removed: Mapping[str, Annotation], added: Mapping[str, Annotation]) -> SurfaceTable:
        """This table without the articles in ``removed`` (given with the annotations it was counted from) and
        with those in ``added``: what :meth:`from_annotations` gives for the corpus after the change (articles in
        another order: an article both removed and added, one changed, keeps its place; one only added comes
        last), at the cost of the changed articles alone. A table that never counted a removed article's names,
        or counted an added one already, raises ``ValueError``: resolve from all the annotations instead."""
        gone = SurfaceTable.from_annotations(removed)
        position = dict(zip(self.article_ids, range(len(self.article_ids)), strict=True))
        if not removed.keys() <= position.keys():
            raise ValueError("an article to remove is not in the table")
        if any(aid in position and aid not in removed for aid in added):
            raise ValueError("an article to add is in the table already")
        minus = {(s.key, s.label): s for s in gone.surfaces}
        drop = {position[aid] for aid in removed}  # their names are counted again from ``added``
        deleted = {position[aid] for aid in removed if aid not in added}
        # Each article kept -> its number after (when none is deleted, its number: the range reads so).
        kept: Sequence[int] = [number for number in range(len(self.article_ids)) if number not in deleted] \
            if deleted else range(len(self.article_ids))
        renumber: Mapping[int, int] | range = {old: new for new, old in enumerate(kept)} if deleted else kept
        # Articles before the first deleted one keep their numbers: a surface no removed article names, and only
        # those articles, is taken as it is (shared with this table; never changed in place: see below). An edit
        # deletes no article: every surface its article did not name is taken so.
        first_deleted = min(deleted, default=len(self.article_ids))
        article_ids = [self.article_ids[number] for number in kept] if deleted else list(self.article_ids)
        old = self.surfaces
        if not deleted and all(map(bool, map(attrgetter("articles"), old))):
            # No article went: every surface keeps its place, and only those the removed articles name change.
            where = dict(self.where())  # added to below
            surfaces = list(old)
            for name, less in minus.items():
                number = where.get(name)
                if number is not None:
                    surfaces[number] = self._less(old[number], less, drop, renumber)
            definitions = [(a, b, n) for a, b, n in self.definitions if n not in drop]
            return self._plus(article_ids, surfaces, definitions, where, removed, added, renumber, position)
        surfaces = []
        slot: dict[int, int] = {}  # old surface number -> new
        for number, surface in enumerate(old):
            less = minus.get((surface.key, surface.label))
            if less is None:
                if surface.articles and surface.articles[-1] < first_deleted:
                    slot[number] = len(surfaces)
                    surfaces.append(surface)
                    continue
                numbers = [renumber[a] for a in surface.articles if a not in drop and a in renumber]
                if not numbers or not surface.forms:
                    continue
                surface = Surface(surface.key, surface.label, surface.forms, numbers, surface.count, surface.kind)
            else:
                surface = self._less(surface, less, drop, renumber)
            slot[number] = len(surfaces)
            surfaces.append(surface)
        definitions = [(slot[a], slot[b], renumber[n]) for a, b, n in self.definitions
                       if n not in drop and a in slot and b in slot]
        where = {(s.key, s.label): n for n, s in enumerate(surfaces)}
        return self._plus(article_ids, surfaces, definitions, where, removed, added, renumber, position)

    @staticmethod
    def _less(surface: Surface, less: Surface, drop: set[int], renumber: Mapping[int, int] | range) -> Surface:
        """``surface`` without the counts of ``less`` and the articles ``drop``, the others renumbered. Named by
        removed articles alone, it is kept in its place (empty) until the added ones are counted: an edited
        article naming it still keeps it where it was, and every surface its number."""
        forms = dict(surface.forms)
        for form, count_less in less.forms.items():
            left = forms.get(form, 0) - count_less
            if left < 0:
                raise ValueError(f"the table never counted {form!r} {count_less} times")
            if left:
                forms[form] = left
            else:
                del forms[form]
        numbers = [renumber[a] for a in surface.articles if a not in drop and a in renumber]
        if not numbers or not forms:
            forms, numbers = {}, []
        return Surface(surface.key, surface.label, forms, numbers, 0, surface.kind)

    @staticmethod
    def _plus(article_ids: list[str], surfaces: list[Surface], definitions: list[tuple[int, int, int]],
              where: dict[tuple[str, str], int], removed: Mapping[str, Annotation], added: Mapping[str, Annotation],
              renumber: Mapping[int, int] | range, position: Mapping[str, int]) -> SurfaceTable:
        """The table of ``surfaces`` (``where``: each one's number, by key and label) with the articles of
        ``added`` counted, and the surfaces no article names any more left out (see :meth:`updated`)."""
        new = SurfaceTable.from_annotations(added)
        now: list[int] = []  # an added article's number -> its number in the new table
        for aid in new.article_ids:
            if aid in removed:
                now.append(renumber[position[aid]])
            else:
                now.append(len(article_ids))
                article_ids.append(aid)
        new_slot: dict[int, int] = {}
        for number, surface in enumerate(new.surfaces):
            numbers = [now[a] for a in surface.articles]
            existing = where.get((surface.key, surface.label))
            if existing is None:
                where[(surface.key, surface.label)] = new_slot[number] = len(surfaces)
                surfaces.append(Surface(surface.key, surface.label, dict(surface.forms), sorted(numbers)))
                continue
            new_slot[number] = existing
            was = surfaces[existing]  # a copy changed: the surface may be this table's or share its forms
            target = surfaces[existing] = Surface(was.key, was.label, dict(was.forms), sorted(was.articles + numbers),
                                                  was.count, was.kind)
            for form, count in surface.forms.items():
                target.forms[form] = target.forms.get(form, 0) + count
            target.count += surface.count
        definitions += [(new_slot[a], new_slot[b], now[n]) for a, b, n in new.definitions]
        if not all(map(bool, map(attrgetter("forms"), surfaces))):  # names no article names any more
            left = {old: new for new, old in enumerate(n for n, surface in enumerate(surfaces) if surface.forms)}
            surfaces = [surface for surface in surfaces if surface.forms]
            definitions = [(left[a], left[b], n) for a, b, n in definitions if a in left and b in left]
            return SurfaceTable(article_ids, surfaces, definitions)
        return SurfaceTable(article_ids, surfaces, definitions, where)

    def to_json(self) -> dict[str, Any]:
        return {
            "articles": self.article_ids,
            "surfaces": [[s.key, s.label, s.forms, s.articles] for s in self.surfaces],
            "definitions": [list(d) for d in self.definitions],
        }

    def to_columns(self) -> dict[str, list]:
        """The table as flat columns of plain values (what :meth:`from_columns` reads back; the entity detail file
        stores them: :mod:`.registry`)."""
        return {"articles": self.article_ids, **surface_columns(self.surfaces),
                "definitions": [n for d in self.definitions for n in d]}

    @classmethod
    def from_columns(cls, data: Mapping[str, Any]) -> SurfaceTable:
        """The table :meth:`to_columns` gave; raises ``ValueError`` when ``data`` is not that."""
        try:
            keys, labels, forms, numbers, counts = (data[name] for name in SURFACE_COLUMNS)
            article_ids, flat = data["articles"], data["definitions"]
        except (KeyError, TypeError):
            raise ValueError("not the columns of a surface table") from None
        columns = (article_ids, keys, labels, forms, numbers, counts, flat)
        if not all(isinstance(c, list) for c in columns) or \
                not len(keys) == len(labels) == len(forms) == len(numbers) == len(counts) or len(flat) % 3:
            raise ValueError("not the columns of a surface table")
        kinds = {label: label_kind(label) for label in set(labels)}
        surfaces = list(map(Surface, keys, labels, forms, numbers, counts, map(kinds.__getitem__, labels)))
        return cls(article_ids, surfaces, list(zip(flat[::3], flat[1::3], flat[2::3], strict=True)))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SurfaceTable:
        surfaces = [Surface(key, label, forms, articles) for key, label, forms, articles in data["surfaces"]]
        return cls(list(data["articles"]), surfaces, [tuple(d) for d in data["definitions"]])


#: The columns of the surfaces, in :meth:`SurfaceTable.to_columns` and :func:`surface_columns`.
SURFACE_COLUMNS = ("keys", "labels", "forms", "numbers", "counts")


def surface_columns(surfaces: list[Surface]) -> dict[str, list]:
    """The surfaces as the columns :meth:`SurfaceTable.to_columns` holds them in."""
    return {"keys": list(map(attrgetter("key"), surfaces)), "labels": list(map(attrgetter("label"), surfaces)),
            "forms": list(map(attrgetter("forms"), surfaces)), "numbers": list(map(attrgetter("articles"), surfaces)),
            "counts": list(map(attrgetter("count"), surfaces))}
