"""What a count measures: the words that say it (killed, injured, arrested, ...), read in a sentence, and the one
nearest a figure.

``measure_of_word`` names the measure of one word ("deaths" -> killed); ``measure_words`` finds a sentence's
measure words (not a denied one, "were not injured"; "seriously injured" is its own); ``measure_near`` chooses the
one a figure counts: the nearest within :data:`MEASURE_REACH` words, not across a clause break, another number or
a relative clause of another noun. ``claims`` reads the figures and asks these; nothing here knows a figure.
"""

from __future__ import annotations

import re
from functools import lru_cache

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

INCLUSIVE = re.compile(r"\b(?:including|among them|among whom|of whom|of them)\b", re.IGNORECASE)

MEASURE_WORD = re.compile("|".join(re.escape(p) for p, _ in _MEASURE_OF))

_MEASURE_CANDIDATE = re.compile(r"\b(?:" + MEASURE_WORD.pattern + r")[A-Za-z]*", re.IGNORECASE)


def measure_words(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """The words of ``text[lo:hi]`` (a sentence) that say what a count measures: (start, end, measure)."""
    found = []
    for match in _MEASURE_CANDIDATE.finditer(text, lo, hi):
        measure = measure_of_word(match.group().lower())
        if not measure:
            continue
        a, b = match.start(), match.end()
        if measure == "killed" and _NOT_A_TOLL_AFTER.match(text, b, hi):
            continue  # "the death sentence", "the death penalty": no one is counted
        if _NEGATION.search(text[max(lo, a - 24) : a]):
            continue  # "were not injured", "no deaths": the measure is denied
        if measure == "injured" and _SERIOUSLY.search(text[max(lo, a - 14) : a]):
            measure = "injured seriously"
        found.append((a, b, measure))
    return found


def measure_near(
    text: str,
    start: int,
    end: int,
    lo: int,
    hi: int,
    words: list[tuple[int, int, str]] | None = None,
    *,
    after_only: bool = False,
) -> tuple[str, int]:
    """The measure word nearest to ``[start, end)`` within ``[lo, hi)`` (a sentence), and its distance in
    words; ("", big) when there is none within 15 words. ``words``: the sentence's :func:`measure_words`.
    A measure word with another number between it and the figure is that number's ("over 14,000 people took
    shelter, hundreds of buildings fell, one person was killed"). ``after_only``: only words after the figure.
    """
    best, best_distance = "", 10**9
    for a, b, measure in measure_words(text, lo, hi) if words is None else words:
        if after_only and b <= start:
            continue
        gap = text[b:start] if b <= start else text[end:a]
        if CLAUSE_BREAK.search(gap) or (A_NUMBER.search(without_ages(gap)) and not INCLUSIVE.search(gap)):
            continue
        if b > start and _OTHER_RELATIVE.search(gap):
            continue  # "two sons in the strike that killed 40": the relative clause is the strike's
        if b > start and text[a:b].lower().endswith("ing") and _OWN_COUNT_AFTER.match(text, b, hi):
            continue  # "shot three co-workers, killing two": the verb after the figure has a count of its own
        distance = len(gap.split())
        if b <= start and _AND.search(gap):
            # "A girl was killed and dozens of others were seriously injured": a measure before "and" is the
            # previous clause's; one after the figure is its own.
            distance += 3
        # On a tie the word after the figure wins: "five seriously injured and 20 people were injured".
        if distance < best_distance or (distance == best_distance and a >= end):
            best, best_distance = measure, distance
    return (best, best_distance) if best_distance <= MEASURE_REACH else ("", best_distance)


#: Counts of people: a figure measured as killed, injured, ... must count people, not things or distances.
PEOPLE_MEASURES = frozenset(
    {"killed", "injured", "injured seriously", "arrested", "missing", "evacuated", "displaced", "released"}
)

_AND = re.compile(r"\band\b", re.IGNORECASE)

#: Words between a figure and a measure word that end the figure's clause ("over 14,000 people took shelter,
#: where one was killed"): the measure is another clause's.
CLAUSE_BREAK = re.compile(
    r";|,\s*(?:where|who|which|while|whom)\b|,\s*(?!including\b|according\b)[a-z]+ing\b", re.IGNORECASE
)

#: "death sentence", "death penalty": "death" that counts no one.
_NOT_A_TOLL_AFTER = re.compile(
    r"\s+(?:sentences?|penalty|penalties|row|threats?|squads?|certificates?)\b", re.IGNORECASE
)

#: Ages given as an apposition: "two sons, 11 and 14,", "aged 11 and 14".
_AGE_LIST = r"(\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})+)(?=\s*[,.;)]|\s+(?:years|were|was|are)\b)"

#: Two patterns, each opening with plain text, so that the scan of a long article stays quick.
_AGES_AFTER_COMMA = re.compile(r",\s+" + _AGE_LIST)

_AGES_AFTER_AGED = re.compile(r"age[ds]?\s+" + _AGE_LIST)

#: One age shared by two or more people: "two teachers, both 51,", "the brothers, both aged 19", "all 18".
_AGES_SHARED = re.compile(
    r"\b(?:both|all|each)\s+(?:aged\s+)?(\d{1,2})\b(?![.,]\d)(?=\s*[,.;)]|\s+(?:years|were|was|are)\b)"
)

#: A span of ages: "children aged from one to 12", "aged between 5 and 15", "aged 18-25".
_AGES_SPANNED = re.compile(
    r"\bage[ds]?\s+(?:from\s+|between\s+)?((?:\d{1,2}|[a-z]+)\s*(?:to|and|-|–)\s*\d{1,2})\b(?![.,]\d)"
)

_AGE_PATTERNS = (_AGES_AFTER_COMMA, _AGES_AFTER_AGED, _AGES_SHARED, _AGES_SPANNED)


def age_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the ages in ``text`` listed as an apposition ("two sons, 11 and 14,", "aged 11 and 14"), shared
    ("two teachers, both 51,") or spanned ("aged from one to 12")."""
    return [(m.start(1), m.end(1)) for p in _AGE_PATTERNS for m in p.finditer(text)]


def without_ages(gap: str) -> str:
    for pattern in _AGE_PATTERNS:
        gap = pattern.sub("", gap)
    return gap


_NEGATION = re.compile(r"\b(?:not|never|no|n't)\s+(?:\w+ly\s+|been\s+|be\s+)?$", re.IGNORECASE)

#: A relative clause of another noun between a figure and a measure word after it (not "12 people who died").
_OTHER_RELATIVE = re.compile(r"\w\s+(?:that|which|who)\b", re.IGNORECASE)

#: A number in the words between a figure and a measure word (digits or a number word).
A_NUMBER = re.compile(
    r"(?<![\w-])\d(?![\d,.]*[-A-Za-z])|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"hundreds|thousand|thousands|dozen|dozens|scores|millions?)\b",
    re.IGNORECASE,
)

_SERIOUSLY = re.compile(
    r"\b(?:seriously|critically|severely|gravely|serious|critical|severe|grave|life-threatening)\s+$", re.IGNORECASE
)

#: A count right after a measure verb ("killing two", "injuring at least 11"): the verb is that count's.
_OWN_COUNT_AFTER = re.compile(
    r"\s+(?:(?:at\s+least|at\s+most|about|around|some|nearly|almost|more\s+than|up\s+to)\s+)?"
    r"(?:\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|dozens|hundreds"
    r"|thousands|scores)\b)",
    re.IGNORECASE,
)

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
            if prefix == "dead" and word != "dead":  # "deadlocked", "deadline", "deadliest"
                continue
            if prefix == "lives" and word != "lives":
                continue
            return measure
    return ""
