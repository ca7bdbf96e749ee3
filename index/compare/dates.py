"""Dates in news text, completed from the article's publication date where they are partial."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date

from .figure import Figure, sentence_of

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

#: "the 21st head coach", "the 10th anniversary": an ordinal before a noun, not a day (a day is followed by
#: punctuation, a function word or nothing: "the 26th, ...", "the 26th of", "the 26th at noon"; or comes after
#: "on": "on the 3rd killed two").
_NOT_AN_ORDINAL = (
    r"(?!\s+(?!(?:of|at|in|on|and|or|to|when|with|for|from|until|through|after|before|but|as|is|was|will|would"
    r"|the|this|that|while|where|which|who|by)\b)[a-z])"
)

DATE_PATTERNS = (
    # August 26th, Aug 30, 2021, August 15, February 2020
    re.compile(
        # The lookahead lets the engine skip words that cannot start a month's name (three times faster).
        r"\b(?=[JFMASONDjfmasond])(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+"
        r"(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d{2})\b)?|(?P<year2>(?:19|20)\d{2})\b)",
        re.IGNORECASE,
    ),
    # 26 August 2021, the 26th of August
    re.compile(
        r"\b(?=[Tt\d])(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>"
        + "|".join(sorted(_MONTHS, key=len, reverse=True))
        + r")\b\.?(?:,?\s+(?P<year>(?:19|20)\d{2})\b)?",
        re.IGNORECASE,
    ),
    # the 26th (a day of the current month: Korean and some European styles)
    re.compile(
        r"(?:(?<=\bon\s)|(?=the\s+\d{1,2}(?:st|nd|rd|th)\b" + _NOT_AN_ORDINAL + r"))"
        r"\bthe\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b",
        re.IGNORECASE,
    ),
    # 2021-08-30, 09/21/2021, 11 / 27 / 2005 (a stamp split into words)
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<monthnum>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<monthnum>\d{1,2}) ?/ ?(?P<day>\d{1,2}) ?/ ?(?P<year>(?:19|20)\d{2})\b"),
    # Thursday
    re.compile(r"\b(?=[MTWFSmtwfs])(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE),
)


def date_matches(text: str) -> list[re.Match[str]]:
    """Every match of every date pattern, in pattern order (overlaps included: counts skip all of them)."""
    return [match for pattern in DATE_PATTERNS for match in pattern.finditer(text)]


def extract_dates(
    text: str, sentences: Sequence[tuple[int, int]], published: str = "", matches: list[re.Match[str]] | None = None
) -> list[Figure]:
    """Dates in ``text``, completed from the article's publication date where they are partial.

    "the 26th" in an article of 2021-08-30 is 2021-08-26 (or the 26th of the month before, when the 26th is
    still ahead), and so a Thursday. A weekday alone ("on Thursday") stays a weekday: it may be last week's or
    next week's ("the deadline set Tuesday"), and is checked against other dates by its name only.
    """
    pub = _parse_iso(published)
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for match in date_matches(text) if matches is None else matches:
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
                sentence=sentence_of(sentences, a),
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


def dates_agree(a: Figure, b: Figure) -> bool:
    """Two dates agree unless a field both know differs (a weekday is checked against a full date)."""
    if not math.isnan(a.low) and not math.isnan(b.low):
        return a.low == b.low
    for x, y in ((a.year, b.year), (a.month, b.month), (a.day, b.day)):
        if x and y and x != y:
            return False
    return not (a.weekday and b.weekday and a.weekday != b.weekday)
