"""Stage 1, at annotation time: fix what the model gets wrong inside one article (:func:`refine_spans`, called by
the annotator with the article's text; the rules are in the package doc)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import accumulate

from ..models import EntitySpan
from .names import COMPANY_SUFFIXES, RESOLVED_LABELS, find_acronym_definitions, normalise_name


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
    """The model's spans for one article, corrected with what the article itself says (see the package doc).

    ``trusted`` holds the names the alias file gave the ruler: those spans are kept even in a headline.
    """
    flat = unwrapped(text)
    spans = [_cut_at_line_break(text, flat, _without_brackets(text, s)) for s in spans]
    spans = [_company_or_person(s) for s in spans if s is not None]
    spans = _join_adjacent(text, [s for s in spans if s is not None and not _is_noise(text, flat, s, trusted)])
    spans = _tag_acronyms(text, spans)
    return _fix_headlines(text, spans, trusted)


def _without_brackets(text: str, span: EntitySpan) -> EntitySpan | None:
    """``span`` without angle brackets at its ends (a newswire's mark around a company's name, "<Teck Corp>"):
    they are no part of the name."""
    start, end = span.start, span.end
    while end > start and text[end - 1] == ">":
        end -= 1
    while start < end and text[start] == "<":
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if (start, end) == (span.start, span.end):
        return span
    return EntitySpan(start=start, end=end, label=span.label, text=text[start:end]) if end > start else None


_LAST_WORD = re.compile(r"([^\W\d_]+)\W*\Z")


def _company_or_person(span: EntitySpan) -> EntitySpan:
    """A span the model tags a person that ends with a company's legal form, capitalised ("Courier Corp",
    "Neste Oy", "John Labatt Ltd"), is the company."""
    if span.label != "PERSON" or not any(c.isspace() for c in span.text.strip()):
        return span
    last = _LAST_WORD.search(span.text)
    if last is None or not last.group(1)[0].isupper() or last.group(1).lower() not in COMPANY_SUFFIXES:
        return span
    return EntitySpan(start=span.start, end=span.end, label="ORG", text=span.text)


#: One capitalised word ending in "-ic" ("Islamic", "Hispanic"): an adjective, which names no group by itself.
_IC_ADJECTIVE = re.compile(r"[^\W\d_][^\W\d_]*ic")
#: A short line of a capitalised word followed by lower-case words only, with no full stop: a label from a
#: page's furniture ("Invalid email address", "Subscribe now"), not a sentence naming anyone.
_LABEL_LINE = re.compile(r"[^\W\d_][\w'’\-]*(?: [^\W\d_A-Z][\w'’\-]*)+")


def _is_noise(text: str, flat: str, span: EntitySpan, trusted: frozenset[str]) -> bool:
    """A span the model tags that names nothing a reader follows (the alias file's names are always kept);
    ``flat``: the text as :func:`unwrapped` gives it."""
    if span.text in trusted:
        return False
    if span.label == "NORP" and _IC_ADJECTIVE.fullmatch(span.text):
        return True  # "an Islamic government", "Islamic militants"
    if span.label == "PERSON" and _heads_a_row_of_figures(text, flat, span):
        return True  # "Revs 13.6 mln vs 10.6 mln": a table's row label
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


_FIGURE = re.compile(r"\d[\d,.]*")
_WORD = re.compile(r"[^\W\d_]+")


def _heads_a_row_of_figures(text: str, flat: str, span: EntitySpan) -> bool:
    """Whether ``span`` starts a line of a table of figures: the rest of the line two figures or more, one of
    them large or with decimals, and four words at most, no full stop ("Revs 13.6 mln vs 10.6 mln", "Avg shrs
    7,579,547 vs 6,068,254"). Not a list of names with small numbers ("Larry Holmes 21-5"), nor a line of
    wrapped running text (``flat``: the text :func:`unwrapped`)."""
    line_start = text.rfind("\n", 0, span.start) + 1
    if text[line_start:span.start].strip() or (line_start and flat[line_start - 1] == " "):
        return False
    line_end = text.find("\n", span.end)
    if line_end != -1 and flat[line_end] == " ":
        return False
    rest = text[span.end:len(text) if line_end == -1 else line_end].rstrip()
    figures = _FIGURE.findall(rest)
    return (len(figures) >= 2 and any(len(f) >= 4 or "." in f.rstrip(".") for f in figures)
            and len(_WORD.findall(rest)) <= 4 and not rest.endswith("."))


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


#: A paragraph is text wrapped at a fixed width when each of its lines but the last is at least this long, one
#: of them at least :data:`_WRAP_WIDTH`, and a sentence goes on across more than a third of its breaks (the line
#: after starts in lower case): not a block of headlines, each a line, nor paragraphs a line each (a web page's
#: text), whose lines start in capitals.
_WRAPPED_LINE = 30
_WRAP_WIDTH = 50


def unwrapped(text: str) -> str:
    """``text`` with the line breaks inside paragraphs wrapped at a fixed width (newswires, mail, plain-text
    archives) made spaces: the same length, so the same offsets. The model reads no name across a line break,
    and such text breaks names there ("named Richard⏎Rose president"). Blank lines stay, and so do the breaks of
    a paragraph of short lines (a headline's, a list's, an address's) or of lines each a sentence of its own."""
    if "\n" not in text:
        return text
    chars = None
    paragraph: list[tuple[int, str]] = []  # (offset, line) of the paragraph's lines so far
    at = 0
    for line in (*text.split("\n"), ""):
        if line:
            paragraph.append((at, line))
        else:
            if len(paragraph) > 1 and _wrapped([x for _, x in paragraph]):
                if chars is None:
                    chars = list(text)
                for offset, x in paragraph[:-1]:
                    chars[offset + len(x)] = " "
            paragraph = []
        at += len(line) + 1
    return text if chars is None else "".join(chars)


def _wrapped(lines: list[str]) -> bool:
    """Whether a paragraph's lines are text wrapped at a fixed width (see :data:`_WRAPPED_LINE`)."""
    going_on = sum(1 for line in lines[1:] if line[:1].islower())
    return (min(map(len, lines[:-1])) >= _WRAPPED_LINE and max(map(len, lines)) >= _WRAP_WIDTH
            and going_on * 3 > len(lines) - 1)


def _cut_at_line_break(text: str, flat: str, span: EntitySpan) -> EntitySpan | None:
    """``span`` ending at the first line break inside it, unless the break wraps a line (``flat``: the text as
    :func:`unwrapped` gives it)."""
    newline = text.find("\n", span.start, span.end)
    if newline == -1:
        return span
    line_start = text.rfind("\n", 0, span.start) + 1
    if newline - line_start >= _SHORT_LINE or flat[newline] == " ":
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
