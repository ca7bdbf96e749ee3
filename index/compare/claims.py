"""Figures in news text: numbers with what they count, as ranges, and dates, so two outlets can be checked.

Outlets rarely print the same number the same way. One says "more than 170 people", another "169 Afghans and 13
U.S. service members", a third "hundreds". Comparing the strings would call all of them different; comparing
them as *ranges* of what they could mean finds the real disagreements only. This module turns each figure into
a :class:`Figure`: the words, their offsets, a closed range ``[low, high]``, what is counted and in what
respect (``measure`` such as "killed", ``group`` such as "all" or "us"), and for dates the calendar fields.

Ranges (documented in ``docs/compare-json.md``; open ranges get a plausible upper bound so that "more than a
hundred" and "thousands and thousands" can still conflict):

========================  ==========================  ==============================================
words                     range                       why
========================  ==========================  ==============================================
``13``                    [13, 13]                    exact
``more than N``, ``over``  [N+1, 2N]                   a writer with 2N in hand would say so
``at least N``            [N, 2N]
``nearly/almost N``       [0.8N, N-1]
``about/around/some N``   [0.8N, 1.2N]
``up to/as many as N``    [1, N]
``fewer/less than N``     [0, N-1]
``N to M``                [N, M]
``N other X``             [N, N+1]                    "X and three other firms" may count X
``dozens``                [24, 99]                    "dozens" is at least two dozen
``scores``                [40, 199]
``hundreds``              [200, 999]                  likewise two hundred, below a thousand
``thousands``             [2000, 9999]
``tens of thousands``     [20000, 99000]
``hundreds of thousands``  [200000, 999000]
``millions``              [2e6, 999e6]
``X and X`` (repeated)    [low of X, infinity)        "thousands and thousands": emphatic, no top
``several/a few X``       [3X, 9X] / [2X, 5X]         e.g. "several hundred"
========================  ==========================  ==============================================

What is counted: ``measure`` is the nearest word of a known kind in the same sentence (killed, injured,
arrested, ...) and ``group`` says who: a nationality or named group in the noun phrase ("13 Americans",
"13 members of the US army" -> ``us``), ``all`` for people in general ("more than 170 people", "hundreds"),
else the head noun ("three areas" -> ``area``). Figures joined by "and"/"as well as" with the same
measure add up to a derived total ("169 Afghans and 13 U.S. service members" -> all = 182); "including" and
"among them" name a part of the whole, so they do not add.

Nothing here imports spaCy: it runs when two articles are compared, in the reader's process.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

#: Words that say what a count measures, by their lowercase prefix.
MEASURES: dict[str, tuple[str, ...]] = {
    "killed": (
        "kill",
        "dead",
        "died",
        "die",
        "death",
        "slain",
        "perish",
        "fatalit",
        "massacr",
        "slaughter",
        "toll",
        "lives",
    ),
    "injured": ("injur", "wound", "hurt"),
    "arrested": ("arrest", "detain", "detention", "captur", "apprehend", "jail"),
    "missing": ("missing",),
    "evacuated": ("evacuat", "airlift", "rescu"),
    "displaced": ("displac", "fled", "homeless", "refugee"),
    "released": ("releas", "freed"),
}
_MEASURE_OF: list[tuple[str, str]] = sorted(
    ((prefix, measure) for measure, prefixes in MEASURES.items() for prefix in prefixes),
    key=lambda item: -len(item[0]),
)

#: Head nouns that mean "people in general": a figure counting them is the whole, not a group.
PEOPLE = frozenset("people persons person individuals victims lives others civilians residents".split())

#: Names of nationalities and countries that mean the same group, so "13 Americans" and "13 U.S. service
#: members" are one group. Anything not listed stands for itself (lowercase, dots and plural "s" dropped).
GROUP_ALIASES: dict[str, str] = {
    "american": "us",
    "americans": "us",
    "us": "us",
    "usa": "us",
    "united states": "us",
    "america": "us",
    "british": "uk",
    "briton": "uk",
    "britons": "uk",
    "uk": "uk",
    "britain": "uk",
    "afghans": "afghan",
    "afghanistan": "afghan",
    "iraqis": "iraqi",
    "iraq": "iraqi",
    "syrians": "syrian",
    "syria": "syrian",
    "pakistanis": "pakistani",
    "pakistan": "pakistani",
    "russians": "russian",
    "russia": "russian",
    "germans": "german",
    "germany": "german",
    "french": "french",
    "france": "french",
}

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "mln": 1_000_000,
    "billion": 1_000_000_000,
    "bln": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
#: Plural number words: [low, high] of what they mean on their own.
_VAGUE = {
    "dozens": (24, 99),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "millions": (2_000_000, 999_000_000),
    "billions": (2_000_000_000, 999_000_000_000),
}
#: "tens of thousands", "hundreds of thousands", ...: the plural word scales the next one.
_VAGUE_MULTIPLIER = {"tens": (20, 99), "hundreds": (200, 999), "dozens": (24, 99)}
_VAGUE_OF = {"thousands": 1_000, "millions": 1_000_000, "billions": 1_000_000_000}
#: "several hundred", "a few thousand".
_FEW = {"several": (3, 9), "few": (2, 5)}

#: Modifiers before a number, longest first, mapped to how they turn N into a range.
_MODIFIERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("well", "over"), "more"),
    (("just", "over"), "more"),
    (("more", "than"), "more"),
    (("over",), "more"),
    (("upwards", "of"), "more"),
    (("in", "excess", "of"), "more"),
    (("at", "least"), "atleast"),
    (("nearly",), "nearly"),
    (("almost",), "nearly"),
    (("close", "to"), "nearly"),
    (("just", "under"), "nearly"),
    (("about",), "about"),
    (("around",), "about"),
    (("some",), "about"),
    (("roughly",), "about"),
    (("approximately",), "about"),
    (("an", "estimated"), "about"),
    (("estimated",), "about"),
    (("up", "to"), "upto"),
    (("as", "many", "as"), "upto"),
    (("at", "most"), "upto"),
    (("fewer", "than"), "less"),
    (("less", "than"), "less"),
    (("under",), "less"),
)

_MODIFIERS_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _words, _kind in _MODIFIERS:
    _MODIFIERS_BY_FIRST.setdefault(_words[0], []).append((_words, _kind))

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: Words that end the noun phrase after a number (the head is found before them).
_PHRASE_STOP = frozenset(
    """a an the and or but as at by for from in into of on onto to with without who whom which that this these
    those were was are is be been being have has had will would could should may might can must do did does
    including among while when where after before since than then there their its his her they he she it we
    you our said say says told including versus vs v against per each every all both""".split()
)
#: Connectors between two figures of one sentence: additive ones make a total, inclusive ones a part.
_ADDITIVE = re.compile(r"\b(?:and|as well as|plus|along with|together with)\W*$", re.IGNORECASE)
_PLUS = re.compile(r"\b(?:plus|in addition to)\W*$", re.IGNORECASE)
_INCLUSIVE = re.compile(r"\b(?:including|among them|among whom|of whom|of them)\b", re.IGNORECASE)

_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # U.S., U.N.
    r"|\d+(?:[.,]\d+)*(?:st|nd|rd|th)?"  # 13, 2,000, 5.93, 26th
    r"|[A-Za-z]+(?:[-'’][A-Za-z]+)*"  # words, year-old, Taliban's
    r"|[^\sA-Za-z\d]"  # punctuation, one char at a time
)
#: Things made of digits that are not counts: clock times, slashed and ISO dates, ages, dimensions.
_NOT_A_COUNT = re.compile(
    r"\b\d{1,2}:\d{2}\b|\b\d{1,4}/\d{1,2}(?:/\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b|\b\d+-\w+\b|\b[A-Za-z]+-\d+\b"
)

_DATE_PATTERNS = (
    # August 26th, Aug 30, 2021, August 15, February 2020
    re.compile(
        r"\b(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+"
        r"(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d{2})\b)?|(?P<year2>(?:19|20)\d{2})\b)",
        re.IGNORECASE,
    ),
    # 26 August 2021, the 26th of August
    re.compile(
        r"\b(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>"
        + "|".join(sorted(_MONTHS, key=len, reverse=True))
        + r")\b\.?(?:,?\s+(?P<year>(?:19|20)\d{2})\b)?",
        re.IGNORECASE,
    ),
    # the 26th (a day of the current month: Korean and some European styles)
    re.compile(r"\bthe\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE),
    # 2021-08-30, 09/21/2021
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<monthnum>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<monthnum>\d{1,2})/(?P<day>\d{1,2})/(?P<year>(?:19|20)\d{2})\b"),
    # Thursday
    re.compile(r"\b(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE),
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in the text with what it counts, or a date.

    ``low``/``high`` bound what the words can mean (``high`` is ``math.inf`` when there is no top). For dates,
    ``low == high`` is the date's ordinal when it resolves to a full date, and ``year``/``month``/``day``/
    ``weekday`` hold what the text (and the article's date) say; unknown fields are 0 / ``""``.
    """

    start: int
    end: int
    text: str
    #: ``"count"``, ``"total"`` (the sum of counts joined by "and") or ``"date"``.
    kind: str
    low: float
    high: float
    #: How the words were read: ``"exact"``, ``"more"``, ``"about"``, ``"vague"``, ``"repeated"``, ...
    approx: str = "exact"
    #: What is measured: ``"killed"``, ``"injured"``, ``"arrested"``, ... or ``""`` for a plain count.
    measure: str = ""
    #: Who or what: ``"all"``, a nationality/group (``"us"``), else the head noun.
    group: str = ""
    #: The noun the number counts, as written ("Americans", "service members"), ``""`` when none.
    noun: str = ""
    sentence: int = -1
    #: For totals: indices (into the article's figure list) of the counts summed.
    parts: tuple[int, ...] = ()
    year: int = 0
    month: int = 0
    day: int = 0
    weekday: str = ""
    #: The scale word's factor when one follows the digits ("1.5 mln" -> 1e6), else 1.
    scale: float = 1

    @property
    def key(self) -> tuple[str, str, str]:
        """Figures are comparable only when their keys are equal."""
        if self.kind == "date":
            return ("date", "", "")
        return ("count", self.measure, self.group)

    @property
    def what(self) -> str:
        """What is counted, in words: ``"killed (all)"``, ``"killed (us)"``, ``"date"``."""
        if self.kind == "date":
            return "date"
        measure = self.measure or "count"
        return f"{measure} ({self.group})" if self.group else measure

    def range_text(self) -> str:
        if self.kind == "date":
            return self.date_text()
        return format_range(self.low, self.high)

    def date_text(self) -> str:
        parts = []
        if self.year and self.month and self.day:
            parts.append(f"{self.year:04d}-{self.month:02d}-{self.day:02d}")
        else:
            if self.month:
                parts.append(f"month {self.month}")
            if self.day:
                parts.append(f"day {self.day}")
            if self.year:
                parts.append(f"year {self.year}")
        if self.weekday:
            parts.append(self.weekday)
        return " ".join(parts) or "a date"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "low": _json_number(self.low),
            "high": _json_number(self.high),
            "approx": self.approx,
            "measure": self.measure,
            "group": self.group,
            "noun": self.noun,
            "what": self.what,
            "sentence": self.sentence,
            "parts": list(self.parts),
        }
        if self.kind == "date":
            data["date"] = {"year": self.year, "month": self.month, "day": self.day, "weekday": self.weekday}
        return data


def _json_number(value: float) -> float | int | None:
    """JSON has no infinity: an open top (or a date that does not resolve) is ``null``; whole numbers print
    without ``.0``."""
    if math.isinf(value) or math.isnan(value):
        return None
    return int(value) if float(value).is_integer() else round(value, 4)


def format_range(low: float, high: float) -> str:
    def num(value: float) -> str:
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,.4g}"

    if math.isinf(high):
        return f"{num(low)} or more"
    if low == high:
        return num(low)
    return f"{num(low)}–{num(high)}"


def _modifier_range(modifier: str, value: float, whole: bool = True) -> tuple[float, float]:
    """The range that ``modifier`` + ``value`` can mean (see the module docstring's table). "More than 170"
    starts at 171; "over 9.00 (dlrs)" just above 9.00, since the writer counted in hundredths."""
    step = 1 if whole and float(value).is_integer() else value * 1e-6
    if modifier == "more":
        return value + step, 2 * value
    if modifier == "atleast":
        return value, 2 * value
    if modifier == "nearly":
        return 0.8 * value, value - step
    if modifier == "about":
        return 0.8 * value, 1.2 * value
    if modifier == "upto":
        return min(1, value), value
    if modifier == "less":
        return 0, value - step
    return value, value


@dataclass(slots=True)
class _Token:
    text: str
    low: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(), m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _number_value(tok: str) -> float | None:
    """The value of a digit token ("2,000", "5.93"); None for ordinals and malformed ones."""
    if tok[-2:].isalpha():
        return None
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", tok):
        return float(tok.replace(",", ""))
    if re.fullmatch(r"\d+(?:\.\d+)?", tok):
        return float(tok)
    return None


def _word_number(tokens: list[_Token], i: int) -> tuple[float, int] | None:
    """A number spelled out from ``tokens[i]``: "six", "twenty-one", "a hundred", "one hundred and five"."""
    n = len(tokens)
    word = tokens[i].low
    value: float
    j = i + 1
    if word in ("a", "an", "one") and j < n and tokens[j].low in _SCALES:
        value, j = _SCALES[tokens[j].low], j + 1
    elif word == "a" and j < n and tokens[j].low == "dozen":
        return 12, j + 1
    elif word == "half" and j + 1 < n and tokens[j].low == "a" and tokens[j + 1].low == "dozen":
        return 6, j + 2
    elif word in _UNITS:
        value = _UNITS[word]
    elif word in _TENS:
        value = _TENS[word]
        if j + 1 < n and tokens[j].text == "-" and tokens[j + 1].low in _UNITS:
            value, j = value + _UNITS[tokens[j + 1].low], j + 2
    elif "-" in word and word.split("-")[0] in _TENS and word.split("-")[1] in _UNITS:
        head, tail = word.split("-")
        value = _TENS[head] + _UNITS[tail]
    else:
        return None
    if j < n and tokens[j].low == "dozen":
        return value * 12, j + 1
    if j < n and tokens[j].low in _SCALES and word not in ("a", "an"):
        value, j = value * _SCALES[tokens[j].low], j + 1
        # "one hundred and five", "two thousand three hundred"
        k = j + 1 if j < n and tokens[j].low == "and" else j
        if k < n:
            rest = _word_number(tokens, k)
            if rest is not None and rest[0] < value:
                value, j = value + rest[0], rest[1]
    return value, j


def _core(tokens: list[_Token], i: int) -> tuple[float, float, str, int] | None:
    """The number starting at ``tokens[i]`` as (low, high, approx, next index), without modifiers."""
    n = len(tokens)
    tok = tokens[i]
    value = _number_value(tok.text) if tok.text[0].isdigit() else None
    if value is not None:
        j = i + 1
        if j < n and tokens[j].low in _SCALES:
            value, j = value * _SCALES[tokens[j].low], j + 1
        return value, value, "exact", j
    word = tok.low
    if word in _FEW or (word == "a" and i + 1 < n and tokens[i + 1].low == "few"):
        j = i + 2 if word == "a" else i + 1
        if j < n and tokens[j].low in _SCALES:
            low, high = _FEW["few" if word == "a" else word]
            scale = _SCALES[tokens[j].low]
            return low * scale, high * scale, "vague", j + 1
        return None
    if word in _VAGUE_MULTIPLIER and i + 2 < n and tokens[i + 1].low == "of" and tokens[i + 2].low in _VAGUE_OF:
        low, high = _VAGUE_MULTIPLIER[word]
        scale = _VAGUE_OF[tokens[i + 2].low]
        return low * scale, high * scale, "vague", i + 3
    if word in _VAGUE:
        low, high = _VAGUE[word]
        j = i + 1
        # "thousands and thousands": emphatic repetition, no upper bound.
        if j + 1 < n and tokens[j].low == "and" and tokens[j + 1].low == word:
            return low, math.inf, "repeated", j + 2
        return low, high, "vague", j
    spelled = _word_number(tokens, i)
    if spelled is not None:
        return spelled[0], spelled[0], "exact", spelled[1]
    return None


def _modifier(tokens: list[_Token], i: int) -> tuple[str, int]:
    for words, kind in _MODIFIERS_BY_FIRST.get(tokens[i].low, ()):
        if all(i + k < len(tokens) and tokens[i + k].low == w for k, w in enumerate(words)):
            return kind, i + len(words)
    return "", i


def _noun_phrase(tokens: list[_Token], j: int, text: str) -> tuple[str, str, int, int]:
    """The noun a number counts: (head as written, qualifier words, phrase end offset, next token index).

    Without a tagger, the phrase is the run of words after the number up to a function word or punctuation
    (skipping "of" right after plural number words: "thousands of people"); its head is the first plural or
    collective word in it that is not an acronym ("six ISIS fighters" -> fighters), else its last word.
    """
    n = len(tokens)
    if j < n and tokens[j].low == "of":
        j += 1
        if j < n and tokens[j].low in ("the", "them", "whom"):
            return "", "", tokens[j - 1].end, j
    words: list[_Token] = []
    k = j
    while k < n and len(words) < 4:
        tok = tokens[k]
        if not (tok.text[0].isalpha()) or tok.low in _PHRASE_STOP:
            break
        if _COLUMN_BREAK.search(text[tokens[k - 1].end : tok.start]):
            break
        words.append(tok)
        k += 1
    if not words:
        return "", "", tokens[j - 1].end if j > 0 else 0, j
    head_index = len(words) - 1
    for index, tok in enumerate(words):
        if _MEASURE_WORD.match(tok.low):  # "Hundreds died", "13 Americans killed"
            head_index = index - 1
            break
        is_acronym = tok.text.isupper() and len(tok.text) > 1
        if not is_acronym and (tok.low in PEOPLE or tok.low.endswith("s") or tok.low in _COLLECTIVE):
            head_index = index
            break
    words = words[: head_index + 1]
    if not words:
        return "", "", tokens[j - 1].end if j > 0 else 0, j
    head = words[-1].text
    qualifiers = " ".join(t.text for t in words[:-1])
    # "13 members of the US army": the of-complement names the group.
    after = k if k == j + len(words) else j + len(words)
    if after + 1 < n and tokens[after].low == "of":
        extra = [t for t in tokens[after + 1 : after + 5] if t.text[0].isalpha() or t.text[0] == "."]
        qualifiers = (qualifiers + " " + " ".join(t.text for t in extra)).strip()
    return head, qualifiers, words[-1].end, j + len(words)


#: A paragraph break, or the indentation or column gap of a table row: the words after it are not the
#: number's noun ("14.40\n Imports" in a USDA table is the end of one row and the label of the next).
_COLUMN_BREAK = re.compile(r"\n\s*\n|\n[ \t]|\t| {2,}")
_TIME_UNITS = frozenset(
    "seconds minutes hours days weeks months years decades centuries "
    "second minute hour day week month year decade century".split()
)
_COLLECTIVE = frozenset("personnel staff police military crew people children men women youth".split())
_MEASURE_WORD = re.compile("|".join(re.escape(p) for p, _ in _MEASURE_OF))
_MEASURE_CANDIDATE = re.compile(r"\b(?:" + _MEASURE_WORD.pattern + r")[A-Za-z]*", re.IGNORECASE)


def _group_of(head: str, qualifiers: str) -> str:
    """Who is counted: a nationality or named group when the phrase names one, ``all`` for people in
    general, else the head noun (lowercase, plural "s" dropped)."""
    words = [w.strip(".").lower() for w in (qualifiers + " " + head).split()]
    joined = " ".join(words)
    for alias, group in GROUP_ALIASES.items():
        if " " in alias and alias in joined:
            return group
    for raw in (qualifiers + " " + head).split():
        word = raw.replace(".", "").lower()
        if word in GROUP_ALIASES:
            return GROUP_ALIASES[word]
    for raw in qualifiers.split():
        if raw[:1].isupper() and raw.lower() not in ("the",):
            return raw.replace(".", "").lower()
    low = head.lower()
    if not low or low in PEOPLE:
        return "all"
    if head[:1].isupper():
        return GROUP_ALIASES.get(low, low.rstrip("s"))
    return low[:-1] if low.endswith("s") and not low.endswith("ss") else low


def _measure_near(text: str, start: int, end: int, lo: int, hi: int) -> tuple[str, int]:
    """The measure word nearest to ``[start, end)`` within ``[lo, hi)`` (a sentence), and its distance in
    words; ("", big) when there is none within 15 words."""
    best, best_distance = "", 10**9
    for match in _MEASURE_CANDIDATE.finditer(text, lo, hi):
        word = match.group().lower()
        measure = measure_of_word(word)
        if not measure:
            continue
        a, b = match.start(), match.end()
        if measure == "injured" and _SERIOUSLY.search(text[max(lo, a - 14) : a]):
            measure = "injured seriously"
        gap = text[b:start] if b <= start else text[end:a]
        distance = len(gap.split())
        # On a tie the word after the figure wins: "five seriously injured and 20 people were injured".
        if distance < best_distance or (distance == best_distance and a >= end):
            best, best_distance = measure, distance
    return (best, best_distance) if best_distance <= MEASURE_REACH else ("", best_distance)


_SERIOUSLY = re.compile(r"\b(?:seriously|critically|severely|gravely)\s+$", re.IGNORECASE)
#: How many words may stand between a figure and the word that says what it counts.
MEASURE_REACH = 10


@lru_cache(maxsize=20_000)
def measure_of_word(word: str) -> str:
    """The measure a word names ("killed" for "killing", "deaths", "toll"), or ``""``."""
    for prefix, measure in _MEASURE_OF:
        if word.startswith(prefix):
            # "lives" counts the dead only as a noun; "die" must not match "diesel" or "diet".
            if prefix == "die" and word not in ("die", "dies"):
                continue
            if prefix == "lives" and word != "lives":
                continue
            return measure
    return ""


def _sentence_of(sentences: Sequence[tuple[int, int]], offset: int, starts: Sequence[int] | None = None) -> int:
    starts = [s for s, _ in sentences] if starts is None else starts
    index = bisect_right(starts, offset) - 1
    if index >= 0 and offset < sentences[index][1]:
        return index
    return -1


def extract_counts(text: str, sentences: Sequence[tuple[int, int]]) -> list[Figure]:
    """Every count in ``text`` with its range, measure and group, plus derived totals (see module doc)."""
    tokens = _tokens(text)
    skipped = [(m.start(), m.end()) for m in _NOT_A_COUNT.finditer(text)]
    skipped += [(m.start(), m.end()) for pattern in _DATE_PATTERNS for m in pattern.finditer(text)]
    not_counts = _starts_within(tokens, skipped)
    starts = [s for s, _ in sentences]
    figures: list[Figure] = []
    i, n = 0, len(tokens)
    while i < n:
        modifier, j = _modifier(tokens, i)
        if modifier and j + 1 < n and tokens[j].text in "$€£":
            j += 1  # "nearly $44 million"
        if j >= n:
            break
        tok = tokens[j]
        if tok.start in not_counts:
            i = max(i + 1, j + 1) if modifier else i + 1
            continue
        core = _core(tokens, j)
        if core is None:
            i += 1
            continue
        low, high, approx, k = core
        if modifier and approx != "repeated":
            whole = "." not in tokens[j].text
            if approx == "exact":
                low, high = _modifier_range(modifier, low, whole)
            else:
                low, high = _modifier_range(modifier, low, whole)[0], _modifier_range(modifier, high, whole)[1]
            approx = modifier
        # A bare year ("in 2001") is a date, not a count.
        if approx == "exact" and 1800 <= low <= 2100 and re.fullmatch(r"\d{4}", tokens[j].text):
            i = k
            continue
        # "one of the deadliest", "one of his vehicles": "one" alone is a pronoun far more often than a count.
        if tokens[j].low == "one" and k == j + 1:
            i = k
            continue
        head, qualifiers, phrase_end, after = _noun_phrase(tokens, k, text)
        scale = max((_SCALES[t.low] for t in tokens[j + 1 : k] if _SCALES.get(t.low, 0) >= 1000), default=1)
        before = tokens[i - 1].low if i > 0 else ""
        second = _range_end(tokens, after if head else k, text) if before not in ("from", "by") else None
        if second is not None and low < second[1] <= 5 * max(high, 1):
            # "10 to 15 cents", "10 cents to 15 cnts": one range, not two figures.
            high, approx = second[1], "range"
            if not head:
                head, qualifiers = second[2], second[3]
            phrase_end, after = second[4], second[5]
        if approx == "exact" and re.search(r"\bother\b", qualifiers, re.IGNORECASE):
            # "Elders Futures and three other large firms": three, or four counting the one named.
            high, approx = high + 1, "other"
        start = tokens[i].start
        sentence = _sentence_of(sentences, start, starts)
        lo, hi = sentences[sentence] if sentence >= 0 else (0, len(text))
        # Not a count of what happened: a counter ("11 of 25"), an age ("Mr. Mattis, 68,", "aged 16").
        following = tokens[k].low if k < n else ""
        if following == "of" and k + 1 < n and tokens[k + 1].text[0].isdigit():
            i = k + 2
            continue
        if not head and low == high and low < 120 and approx == "exact" and (
            re.search(r"\b(?:aged?|ages)\s+$", text[max(lo, start - 6) : start], re.IGNORECASE)
            # "Mr. Mattis, 68, will leave"
            or (text[max(lo, start - 2) : start].strip() == "," and text[tokens[k - 1].end :].startswith(","))
        ):
            i = k
            continue
        # A part of a whole ("nine of the dead", "two of them") is not the whole's count.
        part = following == "of" and k + 1 < n and tokens[k + 1].low in ("the", "them", "those", "these", "whom")
        # A span of time ("20 years of war") measures nothing that a nearby "killed" could count.
        measure = "" if head.lower() in _TIME_UNITS else _measure_near(text, start, phrase_end, lo, hi)[0]
        group = _group_of(head, qualifiers)
        if (start > 0 and text[start - 1] in "$€£") or (modifier and text[tokens[j].start - 1] in "$€£"):
            measure, group = "money", _money_of(text, phrase_end, hi)
            if approx == "exact" and scale > 1 and float(low / scale * 10).is_integer():
                # "$43 million" is rounded (often down): $42.5 million up to $44 million.
                low, high = low - scale / 2, high + scale
        elif head.lower() in ("percent", "%", "per") or text[phrase_end - 1 : phrase_end] == "%":
            measure, group = "percent", _percent_of(text, lo, start)
        if part:
            group = "part"
        figures.append(
            Figure(
                start=start,
                end=phrase_end,
                text=text[start:phrase_end],
                kind="count",
                low=low,
                high=high,
                approx=approx,
                measure=measure,
                group=group,
                noun=(qualifiers + " " + head).strip() if head else "",
                sentence=sentence,
                scale=scale,
            )
        )
        i = max(after, k)
    return _with_totals(text, _inherit_measures(text, figures))


_MONEY_OF = re.compile(r"^\s*(?:in|of|for|on|to)\s+((?:[a-z][a-z-]*\s+){0,2}[a-z][a-z-]*)")
_NOT_WHAT = frozenset("was were is are be been rose fell dropped gained jumped up down by to of at from about for "
                      "and or the a an its their his her".split())


def _money_of(text: str, end: int, hi: int) -> str:
    """What a sum of money is for: the noun after "in"/"of"/"for" ("$43 million in federal taxes" -> taxes)."""
    match = _MONEY_OF.match(text[end:hi])
    if not match:
        return ""
    return " ".join(w for w in match.group(1).split() if w not in _PHRASE_STOP)


def _percent_of(text: str, lo: int, start: int) -> str:
    """What a percentage measures: the nearest content word before it ("a tax rate of 35.7 percent" -> rate)."""
    for word in reversed(re.findall(r"[A-Za-z][a-z-]+", text[max(lo, start - 60) : start])):
        if word.lower() not in _NOT_WHAT and word.lower() not in _PHRASE_STOP:
            return word.lower()
    return ""


def _starts_within(tokens: list[_Token], spans: list[tuple[int, int]]) -> set[int]:
    """Start offsets of the tokens that begin inside any of ``spans``."""
    starts = [t.start for t in tokens]
    inside: set[int] = set()
    for a, b in spans:
        inside.update(starts[bisect_left(starts, a) : bisect_left(starts, b)])
    return inside


def _range_end(tokens: list[_Token], k: int, text: str) -> tuple[float, float, str, str, int, int] | None:
    """The second number of "N to M" / "N-M" at ``tokens[k]``: (low, high, head, qualifiers, end, next)."""
    if k + 1 >= len(tokens) or tokens[k].low not in ("to", "-", "–"):
        return None
    core = _core(tokens, k + 1)
    if core is None:
        return None
    low, high, _, after_number = core
    head, qualifiers, end, after = _noun_phrase(tokens, after_number, text)
    return low, high, head, qualifiers, (end if head else tokens[after_number - 1].end), max(after, after_number)


def _inherit_measures(text: str, figures: list[Figure]) -> list[Figure]:
    """A count joined to the previous one of its sentence ("..., as well as 13 US service personnel",
    "..., including 13 members") shares its measure when it has none of its own nearby."""
    out: list[Figure] = []
    for figure in figures:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.sentence == figure.sentence
            and previous.measure
            and not figure.measure
            and (
                _ADDITIVE.search(text[previous.end : figure.start])
                or _INCLUSIVE.search(text[previous.end : figure.start])
            )
        ):
            figure = replace(figure, measure=previous.measure)
        out.append(figure)
    return out


def _with_totals(text: str, figures: list[Figure]) -> list[Figure]:
    """Add a ``total`` for counts of one measure joined by "and"/"as well as" in one sentence.

    "169 Afghans and 13 U.S. service members" -> all = 182; "thousands and thousands of people ..., as well as
    13 US service personnel" -> all = 2013 or more. A count of people in general that is joined additively
    to a group becomes a part of the total, so the total is what is compared as ``all``.
    """
    out = list(figures)
    run: list[int] = []

    def close_run() -> None:
        if len(run) < 2:
            return
        parts = [figures[p] for p in run]
        first, last = parts[0], parts[-1]
        out.append(
            Figure(
                start=first.start,
                end=last.end,
                text=text[first.start : last.end],
                kind="total",
                low=sum(p.low for p in parts),
                high=sum(p.high for p in parts),
                approx="sum",
                measure=first.measure,
                group="all" if first.measure else first.group,
                noun="" if first.measure else first.noun,
                sentence=first.sentence,
                parts=tuple(run),
            )
        )
        for p in run:
            if first.measure and figures[p].group == "all":
                out[p] = replace(figures[p], group="all-part")

    for index, figure in enumerate(figures):
        if run:
            prev = figures[run[-1]]
            between = text[prev.end : figure.start]
            measured = figure.measure and figure.measure == prev.measure and figure.group != prev.group
            # "15.8 mln bpd ..., plus 1.4 mln bpd of NGLs": one unit, explicitly added.
            plain = not figure.measure and not prev.measure and figure.group == prev.group and _PLUS.search(between)
            if (
                figure.sentence == prev.sentence
                and (measured or plain)
                and _ADDITIVE.search(between)
                and not _INCLUSIVE.search(between)
                and len(between.split()) <= 12
            ):
                run.append(index)
                continue
            close_run()
        run = [index] if figure.measure or figure.noun else []
    close_run()
    return out


def extract_dates(text: str, sentences: Sequence[tuple[int, int]], published: str = "") -> list[Figure]:
    """Dates in ``text``, completed from the article's publication date where they are partial.

    "the 26th" in an article of 2021-08-30 is 2021-08-26 (or the 26th of the month before, when the 26th is
    still ahead), and so a Thursday. A weekday alone ("on Thursday") stays a weekday: it may be last week's or
    next week's ("the deadline set Tuesday"), and is checked against other dates by its name only.
    """
    pub = _parse_iso(published)
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            a, b = match.start(), match.end()
            if any(a < y and x < b for x, y in taken):
                continue
            groups = match.groupdict()
            year = int(groups.get("year") or groups.get("year2") or 0)
            month = _MONTHS.get((groups.get("month") or "").lower().rstrip("."), 0) or int(groups.get("monthnum") or 0)
            day = int(groups.get("day") or 0)
            weekday = (groups.get("weekday") or "").lower()
            if day > 31 or month > 12:
                continue
            year, month, day, weekday = _resolve(year, month, day, weekday, pub)
            resolved = _safe_date(year, month, day)
            ordinal = float(resolved.toordinal()) if resolved else math.nan
            taken.append((a, b))
            found.append(
                Figure(
                    start=a,
                    end=b,
                    text=match.group(),
                    kind="date",
                    low=ordinal,
                    high=ordinal,
                    approx="exact",
                    sentence=_sentence_of(sentences, a),
                    year=year,
                    month=month,
                    day=day,
                    weekday=weekday,
                )
            )
    found.sort(key=lambda f: f.start)
    return found


def _parse_iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not (year and month and day):
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve(year: int, month: int, day: int, weekday: str, pub: date | None) -> tuple[int, int, int, str]:
    if pub is not None:
        if day and not month:
            month, year = pub.month, pub.year
            if day > pub.day:
                month, year = (12, year - 1) if month == 1 else (month - 1, year)
        elif month and not year and month <= pub.month:
            # A later month may be last year's or one still ahead ("elections planned for December 15"):
            # its year stays unknown.
            year = pub.year
    full = _safe_date(year, month, day)
    if full is not None:
        weekday = _WEEKDAYS[full.weekday()]
    return year, month, day, weekday


def extract_figures(text: str, sentences: Sequence[tuple[int, int]], published: str = "") -> list[Figure]:
    """Counts (with totals) and dates of one article, in text order (totals after their parts)."""
    counts = extract_counts(text, sentences)
    dates = extract_dates(text, sentences, published)
    # Totals refer to their parts by index: keep counts first, in their own order, then dates.
    return counts + dates


def ranges_overlap(a: Figure, b: Figure) -> bool:
    """Whether two figures of one key can both be true."""
    if a.kind == "date" or b.kind == "date":
        return dates_agree(a, b)
    if a.low <= b.high and b.low <= a.high:
        return True
    # "1.5 mln bpd" and, further down, "1.5 bpd": a writer dropping the scale word repeats the number.
    if a.scale != b.scale and min(a.scale, b.scale) == 1 and a.approx == b.approx:
        return math.isclose(a.low / a.scale, b.low / b.scale) and math.isclose(a.high / a.scale, b.high / b.scale)
    return False


def dates_agree(a: Figure, b: Figure) -> bool:
    """Two dates agree unless a field both know differs (a weekday is checked against a full date)."""
    if not math.isnan(a.low) and not math.isnan(b.low):
        return a.low == b.low
    for x, y in ((a.year, b.year), (a.month, b.month), (a.day, b.day)):
        if x and y and x != y:
            return False
    return not (a.weekday and b.weekday and a.weekday != b.weekday)


def gap_ratio(a: Figure, b: Figure) -> float:
    """How far apart two disjoint count ranges are: the higher range's low over the lower range's high."""
    lower, upper = (a, b) if a.high < b.low else (b, a)
    if lower.high <= 0:
        return math.inf
    return upper.low / lower.high


@dataclass(frozen=True, slots=True)
class FigureSet:
    """The figures of one article, with lookups by sentence."""

    figures: tuple[Figure, ...] = ()
    by_sentence: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, sentences: Sequence[tuple[int, int]], published: str = "") -> FigureSet:
        figures = tuple(extract_figures(text, sentences, published))
        by_sentence: dict[int, list[int]] = {}
        for index, figure in enumerate(figures):
            by_sentence.setdefault(figure.sentence, []).append(index)
        return cls(figures, {k: tuple(v) for k, v in by_sentence.items()})

    def without(self, sentences: Collection[int]) -> FigureSet:
        """The same figures, with none read from ``sentences`` (captions, site furniture)."""
        if not sentences:
            return self
        return FigureSet(self.figures, {k: v for k, v in self.by_sentence.items() if k not in sentences})
