"""Canonical entities: one entity however each outlet spells or names it.

Three stages, each cheap enough to run on every index update:

1. **At annotation time** (:func:`refine_spans`, called by the annotator with the article's text): fix what the
   model gets wrong inside one article. A span is cut at a hard line break ("Tyler Durden⏎Tue"); an acronym
   defined in the text ("the Islamic State (IS)") is tagged wherever the article uses it, with the label of
   its long form; in a headline (a one-line paragraph in Title Case) the model's spans are replaced by the
   names the article's body tags, so "Taliban Say No ISIS" becomes "Taliban" and "ISIS". Two spans of one
   label a space apart are joined ("Falcon" "Heavy"); an "-ic" adjective alone ("Islamic") is no group, and
   the first word of a label line ("Invalid email address") is no name.
2. **Across the corpus** (:func:`resolve_entities`): every (normalised name, label) found is a *surface*;
   surfaces are grouped into canonical entities by rules, applied in this order, each merge recorded with its
   reason: the alias file (``aliases.toml``) and the user's corrections; acronym definitions found in the
   text; the same name under labels of one kind (GPE/LOC/FAC); a company name with and without "Inc"/"Corp";
   spelling variants (token by token Levenshtein, see :func:`similar_names`); a lone surname joining the
   one full name it can mean ("Mujahid" -> "Zabihullah Mujahid"); a name's minority label joining its
   majority label. Lower-case spans ("mosques", "cts") and bare legal forms ("Co Inc") are dropped as
   mis-tags. An acronym with a hyphenated qualifier ("IS-K") is its own entity, linked to the acronym's.
3. **When reading** (:class:`EntityRegistry`): the index stores the normalised surface forms of each article's
   spans; the registry maps them to canonical entities, expands ``entity:NAME`` into every surface form of
   NAME's entity at query time and fills in canonical ids when an article is opened. So merges and user
   corrections apply without re-indexing: the registry keeps the surface table and is re-resolved in
   milliseconds when the alias file changes.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from .aliases import Aliases, load_aliases
from .models import Annotation, ArticleSummary, EntitySpan, label_kind
from .storage import write_json
from .store import REGISTRY_VERSION

#: Labels that name things a reader follows across articles. Dates and numbers are not resolved.
RESOLVED_LABELS = frozenset(
    ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE")
)

# --- names ----------------------------------------------------------------------------------------------

_QUOTES = "\"'“”‘’«»„‚`´"
_EDGE_PUNCT = _QUOTES + " .,;:!?()[]{}<>*|/\\"
_DOTTED_ACRONYM = re.compile(r"(?<![^\W\d_])(?:[^\W\d_]\.){2,}")
_POSSESSIVE = re.compile(r"['’`´]s?$")
_INNER_PUNCT = re.compile(r"[-‐‑‒–—,;]+")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


@lru_cache(maxsize=262_144)
def normalise_name(text: str) -> str:
    """The key of a surface form, so that trivially different spellings meet.

    Casefolded, accents and quotes removed, whitespace collapsed, a possessive ("Taliban's"), a leading
    "the" and dots in acronyms ("U.S." -> "us") dropped, hyphens and dashes read as spaces ("al-Qaeda" and
    "al Qaeda" meet; "IS-K" -> "is k"), and so are commas ("Kidder, Peabody" -> "kidder peabody"); other
    dots go ("Co." and "Co" meet).
    """
    name = unicodedata.normalize("NFKC", text)
    name = _DOTTED_ACRONYM.sub(lambda m: m.group().replace(".", ""), name)
    name = " ".join(name.split()).strip(_EDGE_PUNCT)
    name = _POSSESSIVE.sub("", name).strip(_EDGE_PUNCT)
    name = _LEADING_THE.sub("", name)
    name = _INNER_PUNCT.sub(" ", name).replace(".", "")
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(name.casefold().split())


def _display(form: str) -> str:
    """A surface form as a preferred name: a lower-case leading "the" is not part of a name, nor are stray
    brackets and quotes at its ends."""
    form = form.strip("<>|*\"“”«»")
    return form[4:] if form.startswith("the ") and len(form) > 4 else form


# --- acronyms -------------------------------------------------------------------------------------------

#: Words a long form may contain without contributing a letter to its acronym.
_CONNECTORS = frozenset(("of", "the", "in", "and", "for", "on", "de", "du", "des", "la", "le", "&", "y", "et"))
_ACRONYM_IN_PARENS = re.compile(r"\(\s?([A-Z][A-Za-z0-9&.\-]{0,11}?)\s?\)")
#: Where a long form cannot reach back past: clause punctuation, a blank line, a sentence's full stop.
_SENTENCE_BOUNDARY = re.compile(r"[;:!?()\[\]\"“”,]|\n\s*\n|(?<=[^\W\d_]{2})\.\s")
_LONG_FORM_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_][\w'’]*(?:-[^\W_][\w'’]*)*|&")


def acronym_letters(text: str) -> str:
    """The capital letters an acronym stands for ("IS-K" -> "ISK", "U.S." -> "US"); "" if it is not one."""
    letters = "".join(c for c in text if c.isupper())
    lower = sum(c.islower() for c in text)
    if len(letters) < 2 or lower > len(letters) or not text[0].isupper():
        return ""
    if any(not (c.isalnum() or c in "-.&") for c in text):
        return ""
    return letters


def _long_form_start(words: Sequence[re.Match], letters: str) -> int | None:
    """Index into ``words`` where a long form for ``letters`` starts, reading back from the last word."""
    j = len(letters)
    k = len(words) - 1
    first: int | None = None
    while k >= 0 and j > 0:
        word = words[k].group()
        if word.casefold() in _CONNECTORS and j < len(letters):
            k -= 1
            continue
        if not word[0].isupper():
            return None
        caps = word.replace(".", "")
        if len(caps) >= 2 and caps.isupper():  # an acronym inside the long form gives all its letters
            if j < len(caps) or letters[j - len(caps):j] != caps:
                return None
            j -= len(caps)
        elif word[0] == letters[j - 1]:
            j -= 1
        else:
            return None
        first = k
        k -= 1
    return first if j == 0 else None


def find_acronym_definitions(text: str) -> list[tuple[int, int, int, int]]:
    """Every "Long Form (ACRONYM)" in ``text``: ``(long_start, long_end, acronym_start, acronym_end)``.

    The acronym's capitals must be the initials of the capitalised words right before the parenthesis, in
    order, with only connectors ("of", "in", "and", ...) between them: "Islamic State in Khorasan (IS-K)",
    "Organization of Petroleum Exporting Countries (OPEC)".
    """
    found = []
    for match in _ACRONYM_IN_PARENS.finditer(text):
        acronym = match.group(1).rstrip(".-")
        letters = acronym_letters(acronym)
        if not letters:
            continue
        window_start = max(0, match.start() - 40 * len(letters) - 40)
        window = text[window_start:match.start()]
        cut = 0
        for boundary in _SENTENCE_BOUNDARY.finditer(window):
            cut = boundary.end()
        words = list(_LONG_FORM_WORD.finditer(window, cut))
        if not words or window[words[-1].end():].strip():
            continue
        start = _long_form_start(words, letters)
        if start is None:
            continue
        acronym_start = match.start(1)
        found.append((window_start + words[start].start(), window_start + words[-1].end(),
                      acronym_start, acronym_start + len(acronym)))
    return found


def _acronym_occurrences(text: str, acronym: str) -> Iterable[tuple[int, int]]:
    """Where ``acronym`` is used as a word (not inside "IS-K" or "Taliban-IS", and case-sensitively)."""
    pattern = re.compile(r"(?<![\w\-‐.])" + re.escape(acronym) + r"(?![\w]|[\-‐][^\W_])")
    for m in pattern.finditer(text):
        yield m.start(), m.end()


# --- annotation-time refinement -------------------------------------------------------------------------

_FUNCTION_WORDS = frozenset((
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "by", "with", "from", "as",
    "into", "over", "after", "before", "amid", "despite", "against", "no", "not", "says", "say", "is", "are",
    "be", "was", "were", "will", "vs", "via", "up", "out", "off", "its", "it", "this", "that",
))
_HEADLINE_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
#: A line shorter than this that a span runs past ends at a real line break, not a wrap.
_SHORT_LINE = 40


def is_headline(line: str) -> bool:
    """Whether a one-line paragraph reads as a headline: every content word capitalised (Title or ALL CAPS),
    with a capitalised function word ("Say", "In", "Of") or at least four content words."""
    words = _HEADLINE_WORD.findall(line)
    if len(words) < 3 or len(words) > 30:
        return False
    content = [w for w in words if w.casefold() not in _FUNCTION_WORDS]
    if len(content) < 2 or not all(w[0].isupper() for w in content):
        return False
    capital_function = any(w[0].isupper() for w in words if w.casefold() in _FUNCTION_WORDS)
    return capital_function or len(content) >= 4


def _headline_ranges(text: str) -> list[tuple[int, int]]:
    """The one-line paragraphs of ``text`` that read as headlines, as ``(start, end)``."""
    first, last = len(text) - len(text.lstrip()), len(text.rstrip())
    ranges = []
    for m in re.finditer(r"[^\n]+", text):
        start, end = m.span()
        if start < first or end > last:
            continue
        above = start == first or not text[text.rfind("\n", 0, start - 1) + 1:start - 1].strip()
        below_end = text.find("\n", end + 1)
        below = end == last or not text[end + 1:below_end if below_end != -1 else len(text)].strip()
        if above and below and is_headline(m.group()):
            ranges.append((start, end))
    return ranges


def refine_spans(text: str, spans: Sequence[EntitySpan], trusted: frozenset[str] = frozenset()) -> list[EntitySpan]:
    """The model's spans for one article, corrected with what the article itself says (see the module doc).

    ``trusted`` holds the names the alias file gave the ruler: those spans are kept even in a headline.
    """
    spans = [_cut_at_line_break(text, s) for s in spans]
    spans = _join_adjacent(text, [s for s in spans if s is not None and not _is_noise(text, s, trusted)])
    spans = _tag_acronyms(text, spans)
    return _fix_headlines(text, spans, trusted)


#: One capitalised word ending in "-ic" ("Islamic", "Hispanic"): an adjective, which names no group by itself.
_IC_ADJECTIVE = re.compile(r"[^\W\d_][^\W\d_]*ic")
#: A short line of a capitalised word followed by lower-case words only, with no full stop: a label from a
#: page's furniture ("Invalid email address", "Subscribe now"), not a sentence naming anyone.
_LABEL_LINE = re.compile(r"[^\W\d_][\w'’\-]*(?: [^\W\d_A-Z][\w'’\-]*)+")


def _is_noise(text: str, span: EntitySpan, trusted: frozenset[str]) -> bool:
    """A span the model tags that names nothing a reader follows (the alias file's names are always kept)."""
    if span.text in trusted:
        return False
    if span.label == "NORP" and _IC_ADJECTIVE.fullmatch(span.text):
        return True  # "an Islamic government", "Islamic militants"
    if " " in span.text:
        return False
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.end)
    line = text[line_start:len(text) if line_end == -1 else line_end].strip()
    if text[line_start:span.start].strip() or len(line) >= _SHORT_LINE or not _LABEL_LINE.fullmatch(line):
        return False
    # A name the text also uses inside a line ("Mujahid speaking" under a photo of him) stays a name.
    for m in re.finditer(rf"(?<!\w){re.escape(span.text)}(?!\w)", text):
        if text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip():
            return False
    return True


def _join_adjacent(text: str, spans: list[EntitySpan]) -> list[EntitySpan]:
    """Two spans of one label with one space between them are one name the model cut in two ("Falcon" "Heavy"
    for "Falcon Heavy"). Not an acronym beside a name: "in search of IS Taliban soldiers" runs a caption into
    its text, and IS and the Taliban are two groups."""
    joined: list[EntitySpan] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        last = joined[-1] if joined else None
        if (last is not None and last.label == span.label and text[last.end:span.start] == " "
                and span.text[:1].isupper() and last.label in RESOLVED_LABELS
                and not last.text.isupper() and not span.text.isupper()):
            joined[-1] = EntitySpan(last.start, span.end, last.label, text[last.start:span.end])
        else:
            joined.append(span)
    return joined


def _cut_at_line_break(text: str, span: EntitySpan) -> EntitySpan | None:
    newline = text.find("\n", span.start, span.end)
    if newline == -1:
        return span
    line_start = text.rfind("\n", 0, span.start) + 1
    if newline - line_start >= _SHORT_LINE:
        return span  # a wrapped line: "New⏎York" is one name
    end = newline
    while end > span.start and text[end - 1].isspace():
        end -= 1
    if end <= span.start:
        return None
    return EntitySpan(start=span.start, end=end, label=span.label, text=text[span.start:end])


def _overlap_test(ranges: Iterable[tuple[int, int]]):
    """A function telling whether ``[start, end)`` overlaps any of ``ranges``, in O(log n): long articles
    have thousands of spans."""
    ordered = sorted(ranges)
    starts = [start for start, _ in ordered]
    reach = list(accumulate((end for _, end in ordered), max))

    def overlaps(start: int, end: int) -> bool:
        i = bisect_left(starts, end)  # ranges starting before ``end``
        return i > 0 and reach[i - 1] > start

    return overlaps


def _tag_acronyms(text: str, spans: list[EntitySpan]) -> list[EntitySpan]:
    definitions = find_acronym_definitions(text)
    if not definitions:
        return spans
    by_acronym: dict[str, str] = {}
    added: list[EntitySpan] = []
    for long_start, long_end, acr_start, acr_end in definitions:
        acronym = text[acr_start:acr_end]
        overlapping = [s for s in spans if s.start < long_end and s.end > long_start]
        exact = [s for s in spans if s.text == acronym]
        if overlapping:
            label = min(overlapping, key=lambda s: s.start).label
        elif exact:
            label = Counter(s.label for s in exact).most_common(1)[0][0]
        else:
            label = "ORG"
        if label not in RESOLVED_LABELS:
            continue
        by_acronym.setdefault(acronym, label)
        added.append(EntitySpan(long_start, long_end, label, text[long_start:long_end]))
        added.append(EntitySpan(acr_start, acr_end, label, acronym))
    claimed = _overlap_test((s.start, s.end) for s in added)
    kept = [s for s in spans if not claimed(s.start, s.end)]
    taken = _overlap_test((s.start, s.end) for s in kept)
    position = {(s.start, s.end): i for i, s in enumerate(kept)}
    for acronym, label in by_acronym.items():
        for start, end in _acronym_occurrences(text, acronym):
            if claimed(start, end):
                continue
            if (start, end) in position:
                kept[position[(start, end)]] = EntitySpan(start, end, label, acronym)
            elif not taken(start, end):
                position[(start, end)] = len(kept)
                kept.append(EntitySpan(start, end, label, acronym))
    return sorted(kept + added, key=lambda s: (s.start, s.end))


def _fix_headlines(text: str, spans: list[EntitySpan], trusted: frozenset[str]) -> list[EntitySpan]:
    headlines = _headline_ranges(text)
    if not headlines:
        return spans
    starts = [start for start, _ in headlines]

    def in_headline(span: EntitySpan) -> bool:
        i = bisect_right(starts, span.start) - 1
        return i >= 0 and span.end <= headlines[i][1]

    body_labels: dict[str, Counter[str]] = defaultdict(Counter)
    for span in spans:
        if not in_headline(span) and span.label in RESOLVED_LABELS:
            body_labels[span.text].update([span.label])
    body_keys = {normalise_name(t) for t in body_labels}
    kept = [s for s in spans if not in_headline(s) or s.text in trusted or normalise_name(s.text) in body_keys]
    taken = _overlap_test((s.start, s.end) for s in kept)
    names = sorted(body_labels, key=len, reverse=True)
    folded = [name.casefold() for name in names]
    for start, end in headlines:
        line = text[start:end]
        line_folded = line.casefold()
        here: list[tuple[int, int]] = []
        for name, name_folded in zip(names, folded, strict=True):
            if name_folded not in line_folded:
                continue
            label = body_labels[name].most_common(1)[0][0]
            pattern = re.compile(r"(?<![\w\-])" + re.escape(name) + r"(?![\w]|[\-‐][^\W_])", re.IGNORECASE)
            for m in pattern.finditer(line):
                b, e = start + m.start(), start + m.end()
                if not (text[b].isupper() or text[b].isdigit()) or taken(b, e):
                    continue
                if not any(b < y and e > x for x, y in here):
                    here.append((b, e))
                    kept.append(EntitySpan(b, e, label, text[b:e]))
    return sorted(kept, key=lambda s: (s.start, s.end))


# --- the surface table ----------------------------------------------------------------------------------

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
                    if letters and _initials_match(previous_text, letters):
                        definitions.append((slots[id(surface)], slots[id(previous_surface)], number))
                previous_end, previous_surface, previous_text = span.end, surface, text
        return cls(article_ids, surfaces, definitions)

    def updated(self, removed: Mapping[str, Annotation], added: Mapping[str, Annotation]) -> SurfaceTable:
        """This table without the articles in ``removed`` (given with the annotations it was counted from) and
        with those in ``added``: what :meth:`from_annotations` gives for the corpus after the change (articles in
        another order), at the cost of the changed articles alone. A table that never counted a removed
        article's names raises ``ValueError``: resolve from all the annotations instead."""
        gone = SurfaceTable.from_annotations(removed)
        if not set(removed) <= set(self.article_ids):
            raise ValueError("an article to remove is not in the table")
        minus = {(s.key, s.label): s for s in gone.surfaces}
        kept = [number for number, aid in enumerate(self.article_ids) if aid not in removed]
        renumber = {old: new for new, old in enumerate(kept)}
        article_ids = [self.article_ids[number] for number in kept]
        surfaces: list[Surface] = []
        slot: dict[int, int] = {}  # old surface number -> new
        for number, surface in enumerate(self.surfaces):
            forms = dict(surface.forms)
            if (less := minus.get((surface.key, surface.label))) is not None:
                for form, count in less.forms.items():
                    left = forms.get(form, 0) - count
                    if left < 0:
                        raise ValueError(f"the table never counted {form!r} {count} times")
                    if left:
                        forms[form] = left
                    else:
                        del forms[form]
            numbers = [renumber[a] for a in surface.articles if a in renumber]
            if not numbers or not forms:
                continue
            slot[number] = len(surfaces)
            surfaces.append(Surface(surface.key, surface.label, forms, numbers))
        definitions = [(slot[a], slot[b], renumber[n]) for a, b, n in self.definitions
                       if n in renumber and a in slot and b in slot]

        new = SurfaceTable.from_annotations(added)
        offset = len(article_ids)
        article_ids.extend(new.article_ids)
        where = {(s.key, s.label): n for n, s in enumerate(surfaces)}
        new_slot: dict[int, int] = {}
        for number, surface in enumerate(new.surfaces):
            numbers = [a + offset for a in surface.articles]
            existing = where.get((surface.key, surface.label))
            if existing is None:
                where[(surface.key, surface.label)] = new_slot[number] = len(surfaces)
                surfaces.append(Surface(surface.key, surface.label, dict(surface.forms), numbers))
                continue
            new_slot[number] = existing
            target = surfaces[existing]
            for form, count in surface.forms.items():
                target.forms[form] = target.forms.get(form, 0) + count
            target.count += surface.count
            target.articles.extend(numbers)  # still ascending: every added article comes after the kept ones
        definitions += [(new_slot[a], new_slot[b], n + offset) for a, b, n in new.definitions]
        return SurfaceTable(article_ids, surfaces, definitions)

    def to_json(self) -> dict[str, Any]:
        return {
            "articles": self.article_ids,
            "surfaces": [[s.key, s.label, s.forms, s.articles] for s in self.surfaces],
            "definitions": [list(d) for d in self.definitions],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SurfaceTable:
        surfaces = [Surface(key, label, forms, articles) for key, label, forms, articles in data["surfaces"]]
        return cls(list(data["articles"]), surfaces, [tuple(d) for d in data["definitions"]])


def _initials_match(long_form: str, letters: str) -> bool:
    """Whether ``long_form`` (a span, perhaps with a leading "the") is what ``letters`` stand for."""
    words = list(_LONG_FORM_WORD.finditer(long_form))
    start = _long_form_start(words, letters)
    return start is not None and all(words[k].group().casefold() == "the" for k in range(start))


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

_COMPANY_SUFFIXES = frozenset((
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "plc", "llc", "lp", "ag",
    "sa", "nv", "bv", "gmbh", "spa", "ab", "as", "oy", "kk", "bhd", "pty", "cos",
))
#: Words before a surname that make no full name of it.
_TITLES = frozenset((
    "mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "dame", "president", "minister", "senator", "sen",
    "rep", "gov", "governor", "gen", "general", "judge", "prof", "professor", "ex", "former", "chairman",
    "secretary", "king", "queen", "prince", "princess", "pope", "father", "sheikh", "mullah", "maulawi",
))
#: A token shared by more surfaces of one kind than this is too common to block fuzzy matching on.
_COMMON_TOKEN = 50


@dataclass(frozen=True, slots=True)
class MergeReason:
    """Why a name belongs to an entity: ``reason`` is a code, ``detail`` says it for a reader."""

    name: str
    reason: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "reason": self.reason, "detail": self.detail}


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
    """Group the surfaces of ``table`` into canonical entities (the rules are in the module doc)."""
    surfaces = table.surfaces
    dropped = {i for i, s in enumerate(surfaces) if _is_mis_tag(s)}
    unwanted = {(normalise_name(name), drop.label) for drop in aliases.drops for name in drop.names}
    if unwanted:
        dropped.update(i for i, s in enumerate(surfaces) if (s.key, s.label) in unwanted or (s.key, "") in unwanted)
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
    readings = _merge_company_suffixes(by_key, surfaces, groups, secondary)
    _merge_spellings(live, surfaces, groups)
    readings += _merge_surnames(live, surfaces, groups, secondary)
    _merge_minority_labels(by_key, surfaces, groups, secondary)
    return _build_registry(table, groups, dropped, pinned, secondary, parents, by_key, readings)


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


def _merge_company_suffixes(by_key: Mapping[str, list[int]], surfaces: list[Surface], groups: _Groups,
                            secondary: set[int]) -> list[tuple[int, int, int]]:
    """"Texaco Inc" and "Texaco" are one company; but "MCA Inc" is not the "MCA" the corpus defines as
    "Monetary Compensatory Amounts": an acronym that joined a long form stays with it, and is read as the
    company only in the articles that name the company ("MCA Inc"). Returns those per-article readings."""
    readings: list[tuple[int, int, int]] = []
    for key, members in by_key.items():
        words = key.split()
        if len(words) < 2 or words[-1] not in _COMPANY_SUFFIXES:
            continue
        base = " ".join(words[:-1])
        if base.endswith(" &"):
            base = base[:-2]
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


def _merge_spellings(live: list[int], surfaces: list[Surface], groups: _Groups) -> None:
    """Spelling variants within a kind, found by blocking on near-identical words (never all pairs)."""
    token_use: dict[tuple[str, str], int] = Counter()
    for i in live:
        for word in set(surfaces[i].key.split()):
            token_use[(surfaces[i].kind, word)] += 1
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
                keys = {("word", n, w) for n, w in enumerate(words) if token_use[(s.kind, w)] <= _COMMON_TOKEN}
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
        if surfaces[join].count >= 3 and len(surfaces[join].articles) >= 2:
            continue  # both spellings are established: two names ("Herrington", "Harrington"), not a typo
        ra, rb = groups.find(keep), groups.find(join)
        if ra != rb and not similar_names(surfaces[ra].key, surfaces[rb].key, surfaces[ra].kind):
            continue  # no chains: "Clanton" may join "Clinton", but then "Clayton" may not join them
        groups.union(keep, join, "spelling",
                     f"spelling variant of {surfaces[keep].best_form()!r} (similarity {score:.2f})", disjoint=True)


def _merge_surnames(live: list[int], surfaces: list[Surface], groups: _Groups,
                    secondary: set[int]) -> list[tuple[int, int, int]]:
    """A lone surname ("Mujahid") joins a full name ending with it when the corpus says who it is: the only
    such person in the corpus, or the one named in full in most (three in five, and two at least) of the
    articles that use the surname alone and name someone of that surname ("Reagan" is Ronald Reagan in 1987
    news, though Nancy Reagan is named too). A title ("Mrs Reagan") is not a full name.

    Returns per-article readings, ``(surface, article, group)``, for articles that name exactly one person
    of that surname who is not the corpus's choice: there, "Baker" is the Baker the article names.
    """
    holders: dict[str, set[int]] = defaultdict(set)
    for i in live:
        s = surfaces[i]
        words = s.key.split()
        while words and words[0] in _TITLES:
            words = words[1:]
        if s.label == "PERSON" and len(words) >= 2:
            holders[words[-1]].add(groups.find(i))
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
        if len(candidates) == 1:
            target = next(iter(candidates))
            detail = f"the only person called {s.best_form()} in the corpus"
        elif named_here:
            (top, count), = Counter(named_here.values()).most_common(1)
            if count * 5 >= context * 3 and (count >= 2 or count == context):
                target = top
                detail = (f"the only person called {s.best_form()} named in the articles that use the surname "
                          "alone" if count == context else
                          f"the person called {s.best_form()} named in {count} of the {context} articles that "
                          "use the surname alone and name someone of that surname")
        if target is not None and groups.union(target, i, "surname", f"{detail}: {surfaces[target].best_form()}"):
            secondary.add(i)
        readings += [(i, article, c) for article, c in named_here.items() if groups.find(c) != groups.find(i)]
    return readings


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


def _build_registry(table: SurfaceTable, groups: _Groups, dropped: set[int], pinned: Mapping[int, tuple[str, str]],
                    secondary: set[int], parents: list[tuple[str, str, str]], by_key: Mapping[str, list[int]],
                    readings: list[tuple[int, int, int]]) -> EntityRegistry:
    surfaces = table.surfaces
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(surfaces)):
        if i not in dropped:
            members[groups.find(i)].append(i)
    reasons: dict[int, list[dict[str, str]]] = defaultdict(list)
    for _keep, join, reason, detail in groups.log:
        reasons[groups.find(join)].append(
            MergeReason(surfaces[join].best_form(), reason, detail).to_dict())
    records = []
    root_entity: dict[int, int] = {}
    used_ids: set[str] = set()
    for root, group in members.items():
        pin = next((pinned[i] for i in group if i in pinned), None)
        if pin:
            name, label = pin
        else:
            labels: dict[str, int] = {}
            for i in group:
                labels[surfaces[i].label] = labels.get(surfaces[i].label, 0) + surfaces[i].count
            label = max(labels.items(), key=lambda kv: (kv[1], kv[0]))[0]
            primary = [i for i in group if i not in secondary] or group
            best = max(primary, key=lambda i: (surfaces[i].count, len(surfaces[i].key.split()), -i))
            name = surfaces[best].best_form()
        entity_id = f"{label}:{normalise_name(name)}"
        if entity_id in used_ids:
            entity_id = f"{entity_id}#{min(group)}"
        used_ids.add(entity_id)
        root_entity[root] = len(records)
        records.append({"id": entity_id, "name": name, "label": label, "members": sorted(group),
                        "merges": reasons.get(root, []), "related": []})
    _link_related(records, surfaces, groups, root_entity, parents, by_key)
    number_of = {i: root_entity[groups.find(i)] for i in range(len(surfaces)) if i not in dropped}
    headers = [(r.pop("id"), r.pop("name"), r.pop("label")) for r in records]
    rows = [(s.key, s.label, number_of.get(i, -1)) for i, s in enumerate(surfaces)]
    in_article = {
        f"{table.article_ids[article]}\t{surfaces[i].key}\t{surfaces[i].label}": root_entity[groups.find(c)]
        for i, article, c in readings
        if groups.find(c) in root_entity and groups.find(c) != groups.find(i)
    }
    return EntityRegistry(headers, rows, in_article=in_article, detail=_Detail(table, records))


_HYPHENATED_PART = re.compile(r"^(\S+?)[-‐]([A-Z])$")


def _link_related(records: list[dict[str, Any]], surfaces: list[Surface], groups: _Groups,
                  root_entity: Mapping[int, int], parents: list[tuple[str, str, str]],
                  by_key: Mapping[str, list[int]]) -> None:
    """An acronym with a hyphenated one-letter qualifier ("IS-K", "ISIS-K") names a part of the
    entity the bare acronym names: its own entity, linked to that one, not merged. The alias file's
    ``part_of`` links any two entities the same way."""
    links: set[tuple[int, int]] = set()

    def entity_of(key: str, kind: str) -> int | None:
        for i in by_key.get(key, ()):
            if surfaces[i].kind == kind and groups.find(i) in root_entity:
                return root_entity[groups.find(i)]
        return None

    for number, record in enumerate(records):
        for i in record["members"]:
            for form in surfaces[i].forms:
                match = _HYPHENATED_PART.match(form)
                if match and acronym_letters(match.group(1)):
                    parent = entity_of(normalise_name(match.group(1)), surfaces[i].kind)
                    if parent is not None and parent != number:
                        links.add((number, parent))
    for name, label, parent_name in parents:
        child = entity_of(normalise_name(name), label_kind(label))
        parent = entity_of(normalise_name(parent_name), label_kind(label))
        if child is not None and parent is not None and child != parent:
            links.add((child, parent))
    for child, parent in sorted(links):
        records[child]["related"].append({"id": records[parent]["id"], "relation": "part-of"})
        records[parent]["related"].append({"id": records[child]["id"], "relation": "has-part"})


# --- the registry ---------------------------------------------------------------------------------------

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
    registry was resolved from, so :meth:`reresolve` applies changed aliases or corrections at once), read
    only when something asks for it.
    """

    def __init__(self, headers: Sequence[Sequence[str]], surfaces: Iterable[Sequence[Any]], *,
                 in_article: Mapping[str, int] | None = None, detail: _Detail | None = None,
                 detail_path: Path | None = None, stamp: str = "") -> None:
        self._headers = [tuple(h) for h in headers]  # (id, name, label) per entity
        #: "article id\tkey\tlabel" -> entity: a lone surname read as the person its article names.
        self._in_article = dict(in_article or {})
        self._detail = detail
        self._detail_path = detail_path
        self._stamp = stamp
        self._surfaces: Iterable[Sequence[Any]] | None = surfaces
        self._lookup_map: dict[str, tuple[Any, ...]] | None = None
        self._by_id: dict[str, int] | None = None
        self._members: dict[int, list[tuple[str, str]]] | None = None
        self._entities: dict[int, CanonicalEntity] = {}

    @property
    def _lookup(self) -> dict[str, tuple[Any, ...]]:
        """One compact map (a reader keeps it open beside a 20,000-article index): normalised form -> (label,
        entity, label, entity, ...); entity -1 for a dropped mis-tag, label "" for a preferred name that is no
        surface form. Built on first use: a build that leaves the entities as they were only counts them."""
        if self._lookup_map is not None:
            return self._lookup_map
        lookup: dict[str, tuple[Any, ...]] = {}
        for key, label, number in self._surfaces or ():
            lookup[key] = (*lookup.get(key, ()), label, number)
        for number, (entity_id, _, _) in enumerate(self._headers):
            key, mark, tail = entity_id.split(":", 1)[1].rpartition("#")  # "LABEL:<normalised name>[#n]"
            if not (mark and tail.isdigit()):
                key = entity_id.split(":", 1)[1]
            if number not in lookup.get(key, ())[1::2]:
                lookup[key] = (*lookup.get(key, ()), "", number)
        self._lookup_map, self._surfaces = lookup, None
        return lookup

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
    def detail(self) -> _Detail:
        if self._detail is None:
            self._detail = _Detail.load(self._detail_path, self._stamp) if self._detail_path else _Detail.empty()
        return self._detail

    @property
    def table(self) -> SurfaceTable:
        return self.detail.table

    def _entity(self, number: int) -> CanonicalEntity:
        entity = self._entities.get(number)
        if entity is None:
            record = self.detail.records[number]
            table = self.detail.table
            forms: Counter[str] = Counter()
            articles: set[int] = set()
            for i in record["members"]:
                surface = table.surfaces[i]
                forms.update(surface.forms)
                articles.update(surface.articles)
            entity_id, name, label = self._headers[number]
            ids = table.article_ids
            entity = CanonicalEntity(
                id=entity_id,
                name=name,
                label=label,
                names=tuple(sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))),
                articles=tuple(sorted(ids[a] for a in articles)),
                merges=tuple(MergeReason(**m) for m in record["merges"]),
                related=tuple((r["id"], r["relation"]) for r in record["related"]),
            )
            self._entities[number] = entity
        return entity

    def entities(self, labels: Iterable[str] | None = None) -> list[CanonicalEntity]:
        """Every canonical entity (of ``labels``), most mentioned first."""
        wanted = {label.upper() for label in labels} if labels else None
        found = [self._entity(n) for n, h in enumerate(self._headers) if wanted is None or h[2] in wanted]
        return sorted(found, key=lambda e: (-e.mentions, e.name))

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
        return sorted(found, key=lambda e: -e.mentions)

    # --- spans and queries (the small file only) ---

    def canonical(self, text: str, label: str, article_id: str | None = None) -> tuple[str, str, str] | None:
        """``(entity id, preferred name, label)`` for a span; None when the span is a mis-tag to drop.

        With ``article_id``, a lone surname is the person that article names in full ("Baker" is Howard
        Baker in an article about him, whoever "Baker" is elsewhere). Dates and numbers are not resolved:
        they come back as themselves, ``("DATE:<normalised text>", text, "DATE")``, and so does a name the
        registry has not seen (an index older than the registry); neither is listed by :meth:`entities`.
        """
        key = normalise_name(text)
        if label not in RESOLVED_LABELS:
            return f"{label}:{key}", text, label
        if not key or text.islower():
            return None
        number = self._in_article.get(f"{article_id}\t{key}\t{label}") if article_id and self._in_article else None
        if number is None:
            found = self._lookup.get(key, ())
            labels = found[::2]
            number = found[2 * labels.index(label) + 1] if label in labels else self._number_for(key, label_kind(label))
        if number is None:
            return f"{label}:{key}", text, label
        if number < 0:
            return None
        entity_id, name, entity_label = self._headers[number]
        return entity_id, name, entity_label

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
        if self._members is None:
            members: dict[int, list[tuple[str, str]]] = defaultdict(list)
            for form, label, number in self._surface_rows():
                if number >= 0:
                    members[number].append((label_kind(label), form))
            self._members = members
        for number in self._numbers(key):
            if kinds and label_kind(self._headers[number][2]) not in kinds:
                continue
            terms.update(self._members.get(number, ()))
        if not terms:
            return [(kind, key) for kind in sorted(kinds)] if kinds else [("entity", key)]
        return sorted(terms)

    def coverage(self, entity: CanonicalEntity, articles: Sequence[ArticleSummary]) -> EntityCoverage:
        """Which of ``articles`` (a search's hits, a story's articles) mention ``entity`` and which do not."""
        mentioned = set(entity.articles)
        return EntityCoverage(
            entity=entity,
            mentioning=tuple(a for a in articles if a.id in mentioned),
            silent=tuple(a for a in articles if a.id not in mentioned),
        )

    # --- persistence ---

    def reresolve(self, aliases: Aliases) -> EntityRegistry:
        """This registry's surfaces grouped again under ``aliases`` (after a correction): no spaCy, no index."""
        return resolve_table(self.table, aliases)

    @property
    def stamp(self) -> str:
        """The token written with the registry (and its detail file) when it was last saved: what a build records
        beside the catalog to tell that the two belong together."""
        return self._stamp

    def save(self, path: Path) -> str:
        """Write the registry to ``path`` and its detail beside it (``<name>.detail.json``), each atomically (the
        detail first: a registry never names a detail file that is not there). Returns the new stamp."""
        stamp = os.urandom(8).hex()
        detail = self.detail
        write_json(_detail_path(path), {"version": REGISTRY_VERSION, "stamp": stamp,
                                        "table": detail.table.to_json(), "records": detail.records})
        write_json(path, {"version": REGISTRY_VERSION, "stamp": stamp, "entities": self._headers,
                          "surfaces": self._surface_rows(), "in_article": self._in_article})
        self._stamp = stamp
        return stamp

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
        :meth:`save` writes (garbage, cut short, another version) or its parts have the wrong types."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RegistryDamaged(f"{path}: {exc.__class__.__name__}: {exc}") from None
        if not isinstance(data, dict) or data.get("version") != REGISTRY_VERSION:
            raise RegistryDamaged(f"{path}: not an entity table of this version of Byline")
        headers, surfaces, stamp = data.get("entities"), data.get("surfaces"), data.get("stamp")
        in_article = data.get("in_article") or {}
        if not (isinstance(headers, list) and isinstance(surfaces, list) and isinstance(stamp, str)
                and isinstance(in_article, dict)
                and all(isinstance(h, list) and len(h) == 3 for h in headers)
                and all(isinstance(row, list) and len(row) == 3 for row in surfaces)):
            raise RegistryDamaged(f"{path}: incomplete or damaged entity table")
        return cls(headers, surfaces, in_article=in_article, detail_path=_detail_path(path), stamp=stamp)

    @classmethod
    def empty(cls) -> EntityRegistry:
        return cls([], [], detail=_Detail.empty())


class RegistryDamaged(ValueError):
    """An entity table on disk that cannot be loaded; the message names the file and what is wrong."""


@dataclass(slots=True)
class _Detail:
    """The registry's large half: the surface table and, per entity, its surfaces, merges and links."""

    table: SurfaceTable
    records: list[dict[str, Any]]

    @classmethod
    def load(cls, path: Path, stamp: str) -> _Detail:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls.empty()
        if data.get("version") != REGISTRY_VERSION or data.get("stamp") != stamp:
            return cls.empty()
        return cls(SurfaceTable.from_json(data["table"]), data["records"])

    @classmethod
    def empty(cls) -> _Detail:
        return cls(SurfaceTable([], [], []), [])


def _detail_path(path: Path) -> Path:
    return path.with_name(path.stem + ".detail.json")


__all__ = [
    "RESOLVED_LABELS",
    "CanonicalEntity",
    "EntityCoverage",
    "EntityRegistry",
    "MergeReason",
    "RegistryDamaged",
    "SurfaceTable",
    "find_acronym_definitions",
    "normalise_name",
    "refine_spans",
    "resolve_entities",
    "similar_names",
]
