"""Dates: an article's own publication date, from metadata or from where articles print it.

Metadata values are read leniently (``2021-08-30``, ``1987-02-26T15:01:01``, ``Aug 30, 2021``). From the text,
a date is taken only where outlets print their own: a line of the header that is a date (with a label such as
"Published", a time, a weekday, a byline), the dateline that opens the first paragraph ("KABUL, Aug. 30, 2021
(AFP) -"), a footer line of the same kinds, a newspaper's "appears in print on" line. A date inside a sentence
is what the story talks about; a photo caption ("In this Aug. 26, 2021, file photo ...") dates the photo; a
correction dates the correction: none of them is taken. When unsure, the article stays undated: a wrong date
misplaces it in the library and in stories, where an unknown one only leaves it out.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_MONTHS = {
    name: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_MONTH_RE = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)(?:/|\.)(?P<mnum>[01]?\d)(?:/|\.)(?P<day>[0-3]?\d)\b"),
    re.compile(r"\b" + _MONTH_RE + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\.?\s+(?:of\s+)?" + _MONTH_RE + r",?\s+(?P<year>(?:19|20)\d\d)\b",
               re.I),
    re.compile(r"\b(?P<mnum>[0-3]?\d) ?/ ?(?P<day>[0-3]?\d) ?/ ?(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<mnum>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b"),
]

#: Where a date is read from, for :attr:`Article.published_from`.
FROM_METADATA, FROM_HEADER, FROM_BYLINE, FROM_DATELINE, FROM_FOOTER = (
    "metadata", "header", "byline", "dateline", "footer")


def _date_from_match(match: re.Match[str]) -> str:
    groups = match.groupdict()
    month = int(groups["mnum"]) if groups.get("mnum") else _MONTHS[groups["month"].lower().rstrip(".")]
    day = int(groups["day"])
    if month > 12 and day <= 12 and groups.get("mnum") and "/" in match[0]:
        month, day = day, month  # 21/09/2021: the day comes first where the first number cannot be a month
    try:
        return date(int(groups["year"]), month, day).isoformat()
    except ValueError:
        return ""


def _dates_in(line: str) -> list[tuple[int, int, str]]:
    """Every date in ``line`` as ``(start, end, iso)``, in order, overlapping matches dropped."""
    found: list[tuple[int, int, str]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(line):
            iso = _date_from_match(match)
            if iso and not any(s < match.end() and match.start() < e for s, e, _ in found):
                found.append((match.start(), match.end(), iso))
    return sorted(found)


def normalise_date(value: Any) -> str:
    """An ISO date from metadata (``2021-08-30``, ``1987-02-26T15:01:01``, ``Aug 30, 2021``), else ``""``."""
    if value in (None, ""):
        return ""
    text = str(value).strip()
    match = re.match(r"^((?:19|20)\d\d)-(\d\d)-(\d\d)", text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            return ""
    found = _dates_in(text[:200])
    return found[0][2] if found else ""


# --- the article's own date, from its text ------------------------------------------------------------------

_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?\.?"
_PUBLISHED_LABEL = (r"(?:first\s+)?published|posted|pub(?:lication|lished)?\s*date|date(?:d|line)?|released|filed|"
                    r"issued|created|written")
_UPDATED_LABEL = r"(?:last\s+)?updated|(?:last\s+)?modified|revised"
_LABEL_BEFORE = re.compile(
    rf"(?P<label>{_PUBLISHED_LABEL}|{_UPDATED_LABEL})\b(?:\s+(?:time|date))?[\s:,]*(?:on|at)?[\s:,]*"
    rf"(?:{_WEEKDAY}[\s,]*)?$", re.I)
_UPDATED = re.compile(rf"^(?:{_UPDATED_LABEL})$", re.I)
#: A line that mentions a photo, a file picture, a correction or an embedded post dates something else.
_NOT_OWN = re.compile(
    r"\b(?:photos?|photograph(?:ed|s)?|pictured?|pictures|images?|file|caption|credit|getty|shutterstock|"
    r"correction|corrected|clarification|editor'?s\s+note|archives?|video|watch)\b|\(@|twitter\.com|\bpic\.",
    re.I)
_FILLER = re.compile(
    r"\d{1,2} ?[:.h] ?\d\d(?:[:.]\d\d)?(?: ?[ap]\.? ?m\b\.?)?|[+-]\d\d ?:? ?\d\d\b|"
    rf"\b(?:{_WEEKDAY}|{_PUBLISHED_LABEL}|{_UPDATED_LABEL}|on|at|am|pm|a\. ?m|p\. ?m|time|hrs|"
    r"gmt|utc|bst|cet|cest|est|edt|cst|cdt|pst|pdt|et|pt|ist|jst|aest|aedt|hkt|msk|[a-z]?[sd]t)\b|[^\w\s]|_",
    re.I)
_LABEL_START = re.compile(rf"^\W*(?P<label>{_PUBLISHED_LABEL}|{_UPDATED_LABEL})\b(?:\s+(?:time|date|on|at))?\s*:", re.I)
_TIME = re.compile(r"\b\d{1,2} ?[:.h] ?\d\d(?: ?[ap]\.? ?m\b\.?)?|\b\d{1,2} ?[ap]\.? ?m\b", re.I)
_BYLINE_START = re.compile(r"^\W*by\s+\w", re.I)
_IN_PRINT = re.compile(r"appear(?:s|ed)\s+in\s+print\s+on\s+", re.I)
#: A paragraph this long, or with this many words, is the story, not its header.
_LONG_LINE, _LONG_WORDS = 200, 35


def date_in_text(text: str) -> str:
    """The publication date an article prints as its own, as ``YYYY-MM-DD``, else ``""``
    (:func:`own_date` with where it was found)."""
    return own_date(text)[0]


def own_date(text: str) -> tuple[str, str]:
    """The date an article prints as its own and where (``"header"``, ``"byline"``, ``"dateline"``,
    ``"footer"``), or ``("", "")`` when it prints none that can be told from the dates its story mentions."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    first_long = next((number for number, line in enumerate(lines[:8]) if _is_long(line)), len(lines))
    header: list[tuple[str, str, str]] = []  # (date, where, kind: "published" or "updated")
    footer: list[tuple[str, str, str]] = []
    if first_long < len(lines):
        found = _dateline_date(lines[first_long])
        if found:
            header.append((found, FROM_DATELINE, "published"))
    tail = max(0, len(lines) - 6)
    last_long = next((number for number in range(len(lines) - 1, tail - 1, -1) if _is_long(lines[number])), first_long)
    for number in [*range(min(8, len(lines))), *range(max(8, tail), len(lines))]:
        line = lines[number]
        in_footer = number > max(first_long, last_long) and number >= tail
        found_line = (_print_date(line) if in_footer else None) or (
            None if _is_long(line) else _line_date(line, title=number == 0))
        if found_line:
            (footer if in_footer else header).append(
                (found_line[0], FROM_FOOTER if in_footer else found_line[1], found_line[2]))
    for kind in ("published", "updated"):
        for region in (header, footer):
            for found, where, found_kind in region:
                if found_kind == kind:
                    return found, where
    return "", ""


def _is_long(line: str) -> bool:
    return len(line) > _LONG_LINE or len(line.split()) > _LONG_WORDS


def _line_date(line: str, *, title: bool) -> tuple[str, str, str] | None:
    """The date a short header or footer line gives as the article's own: ``(date, where, kind)``."""
    dates = _dates_in(line)
    if not dates or _NOT_OWN.search(line):
        return None
    labelled = []
    for start, _end, iso in dates:
        label = _LABEL_BEFORE.search(line[max(0, start - 40):start])
        if label:
            kind = "updated" if _UPDATED.match(" ".join(label["label"].lower().split())) else "published"
            labelled.append((iso, kind))
    start_label = _LABEL_START.match(line)
    if not labelled and start_label and len(line) <= 120:  # "POSTED: 1052 GMT (1852 HKT), April 10, 2007"
        kind = "updated" if _UPDATED.match(" ".join(start_label["label"].lower().split())) else "published"
        labelled.append((dates[0][2], kind))
    if labelled:
        labelled.sort(key=lambda item: item[1] != "published")
        where = FROM_BYLINE if _BYLINE_START.match(line) else FROM_HEADER
        return labelled[0][0], where, labelled[0][1]
    if len(dates) > 1:
        return None
    start, end, iso = dates[0]
    rest = _FILLER.sub(" ", line[:start] + " " + line[end:]).split()
    if not rest:
        return iso, FROM_HEADER, "published"
    if _BYLINE_START.match(line) and len(rest) <= 8 and not title:
        return iso, FROM_BYLINE, "published"
    # A name beside the date and time: "Jane Doe, Tue, 09/21/2021 12:10", "Reuters Sep 18, 2013, 02:16PM IST". A
    # headline or a kicker may name the day of the event it reports ("Election Day, Nov. 8, 2016"), but not with
    # a clock time.
    if len(rest) <= 4 and all(word[0].isupper() for word in rest) and _TIME.search(line):
        return iso, FROM_HEADER, "published"
    return None


def _print_date(line: str) -> tuple[str, str, str] | None:
    """A newspaper's own note of its print edition: "A version of this article appears in print on ..."."""
    match = _IN_PRINT.search(line)
    if not match:
        return None
    dates = _dates_in(line[match.end():match.end() + 40])
    return (dates[0][2], FROM_FOOTER, "published") if dates and dates[0][0] == 0 else None


_DATELINE_PLACE = re.compile(r"^(?:[A-Z][\w.'’-]*(?:[ ,]+(?:[A-Z][\w.'’-]*|de|del|la|al|el))*[ ,]*)?$")
_DATELINE_AFTER = re.compile(r"^\s*(?:\([^()]{1,40}\)\s*|/[^/]{1,40}/\s*)?(?:--|[-—–:|])")


def _dateline_date(paragraph: str) -> str:
    """The date of a dateline opening the first paragraph: ``KABUL, Aug. 30, 2021 (AFP) -``,
    ``NEW YORK, March 3, 2021 /PRNewswire/ --``, ``Berlin, 30.08.2021 -``."""
    dates = _dates_in(paragraph[:120])
    if not dates:
        return ""
    start, end, iso = dates[0]
    prefix = re.sub(rf"(?i)\b{_WEEKDAY}[\s,]*$", "", paragraph[:start])
    if not _DATELINE_PLACE.match(prefix) or len(prefix.split()) > 6:
        return ""
    return iso if _DATELINE_AFTER.match(paragraph[end:end + 45]) else ""
