"""A figure: a number in the text with what it counts (or a date), as the plain record the stages share."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


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
    #: The unit written into a compound with the number ("page" of "a 48-page indictment"), else ``""``. Such
    #: a figure names what it counts closely enough to be compared in any two aligned sentences.
    unit: str = ""
    #: For a plain count of things, what its of-complement says they are ("50,000 pages of printed emails" ->
    #: ``"email"``), else ``""``. Such a count names its thing closely enough to be compared in two sentences about
    #: one event that are not counterparts.
    of: str = ""

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
            "low": json_number(self.low),
            "high": json_number(self.high),
            "approx": self.approx,
            "measure": self.measure,
            "group": self.group,
            "noun": self.noun,
            "what": self.what,
            "sentence": self.sentence,
            "parts": list(self.parts),
            "of": self.of,
        }
        if self.kind == "date":
            data["date"] = {"year": self.year, "month": self.month, "day": self.day, "weekday": self.weekday}
        return data


def json_number(value: float) -> float | int | None:
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


def sentence_of(sentences: Sequence[tuple[int, int]], offset: int, starts: Sequence[int] | None = None) -> int:
    starts = [s for s, _ in sentences] if starts is None else starts
    index = bisect_right(starts, offset) - 1
    if index >= 0 and offset < sentences[index][1]:
        return index
    return -1
