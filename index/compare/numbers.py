"""How news text writes a number, read as the range of what it can mean.

Outlets rarely print the same number the same way. One says "more than 170 people", another "169 Afghans and 13
U.S. service members", a third "hundreds". Comparing the strings would call all of them different; comparing
them as *ranges* of what they could mean finds the real disagreements only. This module reads digits, spelled
numbers, vague plurals and the modifiers before them; ``claims`` says what the number counts.

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
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

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
SCALES = {
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

TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # U.S., U.N.
    r"|\d+(?:[.,]\d+)*(?:st|nd|rd|th)?"  # 13, 2,000, 5.93, 26th
    r"|[A-Za-z]+(?:[-'’][A-Za-z]+)*"  # words, year-old, Taliban's
    r"|[^\sA-Za-z\d]"  # punctuation, one char at a time
)


def modifier_range(modifier: str, value: float, whole: bool = True) -> tuple[float, float]:
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
class Token:
    text: str
    low: str
    start: int
    end: int


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of ``text[start:end]``, with offsets into ``text``."""
    found = TOKEN.finditer(text, start, len(text) if end is None else end)
    return [Token(m.group(), m.group().lower(), m.start(), m.end()) for m in found]


#: A paragraph without any of these holds no number: digits, number words, the plural number words.
_HINT_WORDS = sorted({*_UNITS, *_TENS, *SCALES, *_VAGUE, *_VAGUE_MULTIPLIER, "dozen"}, key=len, reverse=True)
_HINT_FIRST = "".join(sorted({w[0] for w in _HINT_WORDS} | {w[0].upper() for w in _HINT_WORDS}))
_NUMBER_HINT = re.compile(r"\d|\b(?=[" + _HINT_FIRST + r"])(?:" + "|".join(_HINT_WORDS) + r")", re.IGNORECASE)


def number_tokens(text: str, sentences: Sequence[tuple[int, int]] = ()) -> list[Token]:
    """The tokens of the stretches of ``text`` that may hold a number, in text order: the sentences (and the
    text between them) that have a digit or a number word. Most sentences of news hold none, and are not
    tokenised; a number and the words it counts stay within one sentence."""
    tokens: list[Token] = []
    at = 0
    for start, end in (*sentences, (len(text), len(text))):
        for lo, hi in ((at, start), (start, end)):
            if hi > lo and _NUMBER_HINT.search(text, lo, hi):
                tokens.extend(tokenize(text, lo, hi))
        at = max(at, end)
    return tokens


def _number_value(tok: str) -> float | None:
    """The value of a digit token ("2,000", "5.93"); None for ordinals and malformed ones."""
    if tok[-2:].isalpha():
        return None
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", tok):
        return float(tok.replace(",", ""))
    if re.fullmatch(r"\d+(?:\.\d+)?", tok):
        return float(tok)
    return None


def _word_number(tokens: list[Token], i: int) -> tuple[float, int] | None:
    """A number spelled out from ``tokens[i]``: "six", "twenty-one", "a hundred", "one hundred and five", "half a
    million"."""
    n = len(tokens)
    word = tokens[i].low
    value: float
    j = i + 1
    if word in ("a", "an", "one") and j < n and tokens[j].low in SCALES:
        value, j = SCALES[tokens[j].low], j + 1
    elif word == "a" and j < n and tokens[j].low in ("dozen", "half-dozen"):
        return (12 if tokens[j].low == "dozen" else 6), j + 1
    elif word == "half-dozen":
        return 6, j
    elif word == "half" and j + 1 < n and tokens[j].low == "a" and tokens[j + 1].low == "dozen":
        return 6, j + 2
    elif word == "half" and j + 1 < n and tokens[j].low in ("a", "an") and tokens[j + 1].low in SCALES:
        return SCALES[tokens[j + 1].low] / 2, j + 2  # "half a million"
    elif word in _UNITS:
        value = _UNITS[word]
    elif word in _TENS:
        value = _TENS[word]
        if j + 1 < n and tokens[j].text == "-" and tokens[j + 1].low in _UNITS:
            value, j = value + _UNITS[tokens[j + 1].low], j + 2
    elif word.count("-") == 1 and word.endswith("-dozen") and word[:-6] in _UNITS:
        return _UNITS[word[:-6]] * 12, j  # "nearly two-dozen executive actions"
    elif word.count("-") == 1 and word.split("-")[0] in _TENS and word.split("-")[1] in _UNITS:
        # "twenty-one"; "twenty-one-year-old" is an age, not a count.
        head, tail = word.split("-")
        value = _TENS[head] + _UNITS[tail]
    else:
        return None
    if j < n and tokens[j].low == "dozen":
        return value * 12, j + 1
    if j < n and tokens[j].low in SCALES and word not in ("a", "an"):
        value, j = value * SCALES[tokens[j].low], j + 1
        # "one hundred and five", "two thousand three hundred"
        k = j + 1 if j < n and tokens[j].low == "and" else j
        if k < n:
            rest = _word_number(tokens, k)
            if rest is not None and rest[0] < value:
                value, j = value + rest[0], rest[1]
    return value, j


def number_at(tokens: list[Token], i: int) -> tuple[float, float, str, int] | None:
    """The number starting at ``tokens[i]`` as (low, high, approx, next index), without modifiers."""
    n = len(tokens)
    tok = tokens[i]
    value = _number_value(tok.text) if tok.text[0].isdigit() else None
    if value is not None:
        j = i + 1
        if j < n and tokens[j].low in SCALES:
            value, j = value * SCALES[tokens[j].low], j + 1
        return value, value, "exact", j
    word = tok.low
    if word in _FEW or (word == "a" and i + 1 < n and tokens[i + 1].low == "few"):
        j = i + 2 if word == "a" else i + 1
        if j < n and tokens[j].low in SCALES:
            low, high = _FEW["few" if word == "a" else word]
            scale = SCALES[tokens[j].low]
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


#: Lowercase words a number (or a modifier before one) can begin with, besides digits.
_STARTS = frozenset(
    [*_MODIFIERS_BY_FIRST, *_UNITS, *_TENS, *_VAGUE, *_VAGUE_MULTIPLIER, *_FEW, "a", "an", "one", "half"]
)


def may_start_number(token: Token) -> bool:
    """Whether a number, or a modifier before one, can begin at ``token`` (a cheap test before reading it)."""
    low = token.low
    return low[0].isdigit() or low in _STARTS or ("-" in low and (low.split("-")[0] in _TENS or low.endswith("-dozen")))


def modifier_at(tokens: list[Token], i: int) -> tuple[str, int]:
    for words, kind in _MODIFIERS_BY_FIRST.get(tokens[i].low, ()):
        if all(i + k < len(tokens) and tokens[i + k].low == w for k, w in enumerate(words)):
            return kind, i + len(words)
    return "", i
