"""Conflicts: figures of one thing that two accounts give differently, compared as ranges."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache
from itertools import chain

from ..models import Article, label_kind
from .claims import FigureSet, extract_counts, gap_ratio, ranges_overlap
from .figure import Figure, sentence_of
from .measures import measure_of_word
from .report import FigurePair, SentencePair
from .sentences import Profile, entity_key, within

DATE_KEY = ("date", "", "")
#: Plain counts (no "killed", "arrested", ...) and dates are compared only in aligned sentences of at least this
#: lexical score: sentences that share a number may still count different things ("played 11 seasons" / "stayed
#: seven seasons").
PLAIN_COUNT_LEXICAL = 0.5
#: Sentences not aligned are taken to tell of one event when they (with the sentence before each) share this
#: many words that are neither names nor the figures' own: one shared word ("school") joins two strikes.
EVENT_WORDS = 1

# --- figures ----------------------------------------------------------------------------------------------


def _event_profiles(profiles: Sequence[Profile]) -> list[Profile]:
    """Each sentence together with the one before it: "The blast killed 169 Afghans ..." is about the bombing
    its previous sentence names."""
    out = []
    for p in profiles:
        prev = profiles[p.index - 1] if p.index > 0 else None
        if prev is None:
            out.append(p)
            continue
        out.append(
            Profile(
                index=p.index,
                start=prev.start,
                end=p.end,
                terms={**prev.terms, **p.terms},
                entities={**prev.entities, **p.entities},
                numbers={**prev.numbers, **p.numbers},
                speakers=prev.speakers | p.speakers,
                position=p.position,
                quoted_terms=prev.quoted_terms | p.quoted_terms,
                entity_terms=prev.entity_terms | p.entity_terms,
            )
        )
    return out


def _measured(figures: FigureSet) -> dict[int, set[tuple[str, str, str]]]:
    """Per sentence, the keys (:func:`_event_key`) of its counts that sentences about one event may compare: of
    something that happened (killed, injured, arrested, ...), and of things described by what they are made of
    ("50,000 pages of printed emails")."""
    out: dict[int, set[tuple[str, str, str]]] = defaultdict(set)
    for figure in figures.figures:
        if figure.kind != "date" and (figure.measure or figure.of) and figure.sentence >= 0:
            out[figure.sentence].add(_event_key(figure))
    return out


def _event_key(figure: Figure) -> tuple[str, str, str]:
    """What a count is compared by in sentences about one event that are not counterparts: its key, and for a
    count of things what they are made of too ("pages of emails" meets "pages of emails", never "pages of
    documents"); plain counts without one ("60 votes", "41 votes") are not compared there."""
    kind, measure, group = figure.key
    return (kind, measure, f"{group} of {figure.of}") if figure.of and not measure else figure.key


def _event_words(
    x: Profile, y: Profile, spans_x: Sequence[tuple[int, int]], spans_y: Sequence[tuple[int, int]]
) -> list[str]:
    """Words two contexts share that say which event it is: not names (every sentence of the story names the
    Taliban), not the figures' own words ("killed", "people"). "A suicide bombing killed more than 170" and
    "suicide bombers ... The blast killed 169 Afghans" share "suicide"; a Jalalabad blast that killed eight
    shares nothing with either."""
    return [
        t
        for t, (a, _) in x.terms.items()
        if t in y.terms
        and t not in x.entity_terms
        and t not in y.entity_terms
        and not measure_of_word(t)
        and not within(a, spans_x)
        and not within(y.terms[t][0], spans_y)
    ]


def compare_figures(
    fa: FigureSet,
    fb: FigureSet,
    pairs: Sequence[SentencePair],
    pa: Sequence[Profile],
    pb: Sequence[Profile],
    a: Article | None = None,
    b: Article | None = None,
) -> tuple[list[FigurePair], list[FigurePair], list[FigurePair], list[FigurePair]]:
    """Conflicts and agreements: figures of one key in aligned sentences, or in sentences about one event.

    Counts of something that happened (killed, arrested, ...) are compared in aligned sentences and in
    sentences about the same event (there only each account's toll, and only between two accounts of one story:
    with counterpart sentences or a named place in common); dates in aligned sentences that share most of
    their words, or beside one deed word in both; plain counts ("9.0 mln dlrs") only in aligned
    sentences that share most of their words, since templated lines ("Oper net 120,800,000
    vs 150,100,000") of two different companies align without being about one thing, and only when they
    count something named (a bare number in a table row is not). Where both sides give
    several figures of one key, they are paired in order ("X vs Y" against "X' vs Y'"), and a figure
    conflicts only when none of the other side's figures of its key agrees with it, so "13 Americans" meets
    "13 members of the US army" even beside a total that differs. Each pair of figures is reported once, and
    a disagreement repeated in other sentences (the same two ranges) once, with how often it recurs.

    Returns conflicts, updates (a count of what happened that is higher in the later article: the toll grew),
    agreements and differences: figures that disagree where the engine cannot tell that both count the same
    thing of the same event (plain counts, dates, sums of money, percentages: none of those it reported as
    conflicts on ECB+ was one), shown as "figures differ", never as a conflict.
    """
    later = _later(a, b)
    places_a, places_b = _sentence_places(a), _sentence_places(b)
    main_places = _main_places(a, places_a) | _main_places(b, places_b)
    stamps_a, stamps_b = _stamps(fa, a), _stamps(fb, b)
    own_a, own_b = _own_date(fa, a, stamps_a), _own_date(fb, b, stamps_b)
    months_a, months_b = _other_month(a, own_a), _other_month(b, own_b)
    away_a, away_b = _other_incidents(a, places_a, main_places), _other_incidents(b, places_b, main_places)
    incidents_a, incidents_b = away_a | months_a, away_b | months_b
    # "On Saturday, more than a dozen people were killed by a quake in eastern China." then "It destroyed
    # thousands of buildings": the sentence after one about another incident that opens on a pronoun goes on
    # about it.
    incidents_a |= _pronoun_followers(a, incidents_a)
    incidents_b |= _pronoun_followers(b, incidents_b)
    years_a, years_b = _other_year(fa, a, own_a), _other_year(fb, b, own_b)
    times_a, times_b = _other_time(fa, a, own_a, months_a, years_a), _other_time(fb, b, own_b, months_b, years_b)
    elsewhere_a, elsewhere_b = times_a | incidents_a, times_b | incidents_b
    # Sentences about another time by their month alone: not another year, not another place.
    month_only_a, month_only_b = months_a - years_a - away_a, months_b - years_b - away_b
    earlier_a, earlier_b = _earlier_counts(a), _earlier_counts(b)
    recalled: set[tuple[int, int]] = set()
    counts_a, counts_b = _event_counts(fa, elsewhere_a), _event_counts(fb, elsewhere_b)
    titles_a, titles_b = title_counts(a.title if a else ""), title_counts(b.title if b else "")
    minor_a, minor_b = _minor_counts(fa, counts_a, ()), _minor_counts(fb, counts_b, ())
    # (A's sentences, B's, basis, whether plain counts and dates are compared, the keys compared: None for all)
    pairings: list[tuple[tuple[int, ...], tuple[int, ...], str, bool, frozenset | None]] = [
        (p.a, p.b, "aligned", p.evidence.lexical >= PLAIN_COUNT_LEXICAL, None) for p in pairs
    ]
    measured_a = _measured(fa)
    measured_b = _measured(fb)
    apart = _two_places(a, b)
    if measured_a and measured_b and not apart and (pairs or _share_a_place(a, b)):
        # Only two accounts of one story have sentences about one event that are not counterparts: two articles
        # with no counterpart sentences and no named place in common are about two things, however alike their
        # words (a refugee camp in Sudan, a school in Gaza).
        ea, eb = _event_profiles(pa), _event_profiles(pb)
        aligned = {(i, j) for p in pairs for i in p.a for j in p.b}
        spans_a = [(f.start, f.end) for f in fa.figures]
        spans_b = [(f.start, f.end) for f in fb.figures]
        for i, keys_a in sorted(measured_a.items()):
            for j, keys_b in sorted(measured_b.items()):
                shared = keys_a & keys_b
                if i in elsewhere_a or j in elsewhere_b:
                    # "Finally, in December, ... 50,000 pages of printed emails ... were delivered" against "it had
                    # received 55,000 pages of Clinton's emails": things described alike, told of in another month
                    # than the story's, are still the same things; a toll told of then is another event's.
                    other = (i in elsewhere_a and i not in month_only_a) or (j in elsewhere_b and j not in month_only_b)
                    shared = set() if other else {key for key in shared if not key[1]}
                if (i, j) in aligned or not shared:
                    continue
                if len(set(_event_words(ea[i], eb[j], spans_a, spans_b))) >= EVENT_WORDS:
                    pairings.append(((i,), (j,), "same-event", False, frozenset(shared)))
    conflicts: dict[tuple[int, int], FigurePair] = {}
    agreements: dict[tuple[int, int], FigurePair] = {}
    for ga, gb, basis, plain, only in pairings:
        periods_only = False
        if basis == "aligned" and len(ga) + len(gb) > 2:
            # A counterpart of several sentences ("A quake struck Aceh on Tuesday." + "That quake in September killed
            # 300.", "... two years after a quake killed 600"): a sentence of another month or time among them is not
            # part of what the two share.
            ga = tuple(i for i in ga if i not in months_a and i not in times_a) or ga
            gb = tuple(j for j in gb if j not in months_b and j not in times_b) or gb
        if basis == "aligned" and set(ga) <= elsewhere_a and set(gb) <= elsewhere_b:
            # Both sentences recall another time ("the 2004 tsunami killed 168,000" / "230,000"): another
            # event's toll, given for context by both, is not this story's disagreement; the years of the
            # period both recall ("from 1966 to 1978" / "from 1967 to 1979") are.
            periods_only = True
        elif basis == "aligned" and (set(ga) <= incidents_a) != (set(gb) <= incidents_b) and not (
            not set(ga) & months_a and _places_written(places_a, ga, a, b, gb)
            if set(ga) <= incidents_a
            else not set(gb) & months_b and _places_written(places_b, gb, b, a, ga)
        ):
            # One side tells of another incident ("two were killed when a shell hit a school in Khan Younis") or
            # time ("a quake in October killed three"), the other of the story's own: they count two things. Not
            # when the other side's sentence names the same place, and no other month: the incident is the one
            # both tell of (another month in the same place, "That quake in September", is another event).
            ga = gb = ()
        keyed_a = _comparable(fa, ga, basis, plain, stamps_a)
        keyed_b = _comparable(fb, gb, basis, plain, stamps_b)
        if basis == "aligned" and not plain and a is not None and b is not None:
            # Counterparts that say much else differently still date one deed alike or not: a date beside the
            # same verb in both ("had to apologize Saturday" / "on Friday apologized") is when that happened.
            anchored = _anchored_dates(fa, ga, a, stamps_a, fb, gb, b, stamps_b)
            if anchored:
                keyed_a[DATE_KEY], keyed_b[DATE_KEY] = anchored
        keys = keyed_a.keys() & keyed_b.keys()
        if only is not None:
            keys &= only
        if apart:
            # Incidents in two places ("a quake in Aceh", "a quake in West Papua"): their tolls are two things.
            keys = {k for k in keys if not is_toll(k[1])}
        if periods_only:
            keys = {k for k in keys if k[2] in PERIOD_GROUPS}
        dates = keyed_a.get(DATE_KEY, []), keyed_b.get(DATE_KEY, [])
        if all(dates) and not any(ranges_overlap(fa.figures[i], fb.figures[j]) for i in dates[0] for j in dates[1]):
            # Sentences dated differently report different periods ("in December 1986" against "in February
            # 1987" in two monthly tables): their counts are not the same thing; only the dates are compared.
            keys = {DATE_KEY}
        for key in keys:
            xs, ys = keyed_a[key], keyed_b[key]
            for i in xs:
                for j in ys:
                    if ranges_overlap(fa.figures[i], fb.figures[j]):
                        agreements.setdefault((i, j), _figure_pair(i, j, fa.figures[i], fb.figures[j], basis))
            if len(xs) == len(ys):
                candidates = list(zip(xs, ys, strict=True))
            elif len(xs) == 1 or len(ys) == 1:
                candidates = [(i, j) for i in xs for j in ys]
            else:
                continue
            for i, j in candidates:
                x, y = fa.figures[i], fb.figures[j]
                if any(ranges_overlap(x, fb.figures[k]) for k in ys) or any(
                    ranges_overlap(fa.figures[k], y) for k in xs
                ):
                    continue
                if _a_part_agrees(fa, ga, x, y) or _a_part_agrees(fb, gb, y, x):
                    # "Five soldiers died, four from friendly fire" against "the four soldiers killed by friendly
                    # fire": the other side's count is the part this side gives too.
                    continue
                if is_toll(x.measure) and (
                    (x.sentence in earlier_a and x.high < y.low and _agrees(y, fa, counts_a))
                    or (y.sentence in earlier_b and y.high < x.low and _agrees(x, fb, counts_b))
                ):
                    # "The UN said earlier it had confirmed 30 dead" against "at least 40 killed": a count its own
                    # article calls earlier, below the other's, is how the toll grew when its article's own later
                    # count agrees with the other's ("42 people were killed"): an update, whichever is newer.
                    recalled.add((i, j))
                    conflicts.setdefault((i, j), _figure_pair(i, j, x, y, basis, conflict=True))
                    continue
                if basis == "same-event" and (
                    any(ranges_overlap(x, fb.figures[k]) for k in counts_b.get(key, ()))
                    or any(ranges_overlap(fa.figures[k], y) for k in counts_a.get(key, ()))
                    or any(ranges_overlap(x, t) for t in titles_b if t.key == key)
                    or any(ranges_overlap(t, y) for t in titles_a if t.key == key)
                ):
                    # The other article gives this count too, elsewhere or in its title ("30 dead" said
                    # earlier, "42 killed" since): the two accounts agree on it; the rest is one side's count
                    # of another part.
                    continue
                if basis == "same-event" and (i in minor_a or j in minor_b):
                    # Sentences that are not counterparts are only loosely about one event: there, only each
                    # account's toll is compared, never a smaller count its own article gives beside a larger
                    # one ("killing four" of a tank's shot beside "more than 40 Palestinians" killed at the
                    # school; "injuring 11 residents" of one regency under a title's "injuring dozens").
                    continue
                conflicts.setdefault((i, j), _figure_pair(i, j, x, y, basis, conflict=True))
    order = lambda c: (c.a_span, c.b_span)  # noqa: E731
    found, updates, differences = [], [], []
    one_news = _one_news(a, b)
    for c in sorted(conflicts.values(), key=order):
        x, y = fa.figures[c.a], fb.figures[c.b]
        if x.kind == "date" or not is_toll(x.measure):
            sentences = {"a_sentence": _sentence_text(a, x.sentence), "b_sentence": _sentence_text(b, y.sentence)}
            if one_news and c.basis == "aligned" and _one_thing(x, y, fa, fb, a, b, stamps_a, stamps_b):
                # Counterparts of one news story that name one thing closely: a conflict a reader can trust.
                found.append(replace(c, kind="conflict", **sentences))
            else:
                differences.append(replace(c, kind="differs", **sentences))
            continue
        newer = y if later == "b" else x
        if (c.a, c.b) in recalled:
            c = replace(c, kind="update", conflict=False, a_sentence=_sentence_text(a, x.sentence),
                        b_sentence=_sentence_text(b, y.sentence))
            updates.append(c)
            continue
        # "thousands and thousands" (no top) is emphasis, not a newer count.
        grew = bool(later) and is_toll(x.measure) and not math.isinf(newer.high) and (
            y.low > x.high if later == "b" else x.low > y.high
        )
        c = replace(c, kind="update" if grew else "conflict", conflict=not grew,
                    a_sentence=_sentence_text(a, x.sentence), b_sentence=_sentence_text(b, y.sentence))
        (updates if grew else found).append(c)
    return _once(found), _once(updates), sorted(agreements.values(), key=order), _once(differences)


#: Two articles published at most this many days apart can be two outlets' news of one event (BASIL's accounts of
#: one event: 299 of 300 pairs within 3 days); further apart, look-alike events (two games of one team, two quakes
#: of one region) are told in words as alike.
ONE_NEWS_DAYS = 3


def _one_news(a: Article | None, b: Article | None) -> bool:
    """Whether both articles are dated, at most :data:`ONE_NEWS_DAYS` apart."""
    x, y = _parse_day(a.published if a else ""), _parse_day(b.published if b else "")
    return x is not None and y is not None and abs((x - y).days) <= ONE_NEWS_DAYS


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


def _one_thing(
    x: Figure, y: Figure, fa: FigureSet, fb: FigureSet, a: Article | None, b: Article | None,
    stamps_a: set[int], stamps_b: set[int],
) -> bool:
    """Whether two figures of one key in counterpart sentences count one thing, beyond a toll: a sum of money or a
    percentage of one purpose ("in federal taxes", "a $38 billion deal", "tax rate") or a compound ("the 35-word
    oath") that each article gives one value (not "a 41-yard touchdown" of a game of many), the years of one period
    ("held the seat from 1966 to 1978"), or a date or time of day beside one deed in both ("had to apologize
    Saturday" / "on Friday apologized"; not a dateline). A plain count ("played 11 seasons" / "stayed seven
    seasons") never is."""
    if x.kind == "date" or x.unit == "hour":
        if a is None or b is None or x.sentence in stamps_a or y.sentence in stamps_b:
            return False
        if not (0 <= x.sentence < len(a.sentences) and 0 <= y.sentence < len(b.sentences)):
            return False
        return bool(_deed_words(a.text, x, *a.sentences[x.sentence]) & _deed_words(b.text, y, *b.sentences[y.sentence]))
    if x.group in PERIOD_GROUPS:
        return True
    if x.unit or (x.measure in ("money", "percent") and x.group):
        return _one_value(fa, x) and _one_value(fb, y)
    return False


def _one_value(figures: FigureSet, figure: Figure) -> bool:
    """Whether every figure of the article with the key of ``figure`` can be the same as it."""
    return all(
        ranges_overlap(figure, other)
        for indices in figures.by_sentence.values()
        for other in (figures.figures[k] for k in indices)
        if other.kind == figure.kind and other.key == figure.key
    )


#: A count its sentence says was given before: "the UN said earlier", "had initially reported", "an earlier toll".
_EARLIER = re.compile(
    r"\b(?:said|reported|put|gave|confirmed|announced|estimated|stated)\s+earlier\b"
    r"|\bearlier\s+(?:had\s+)?(?:said|reported|put|gave|confirmed|announced|estimated|stated)\b"
    r"|\b(?:initially|at\s+first|originally)\s+(?:\w+\s+)?(?:said|reported|put|gave|confirmed|announced|estimated)\b"
    r"|\ban?\s+earlier\s+(?:death\s+)?(?:toll|count|figure|estimate|report)s?\b",
    re.IGNORECASE,
)


_EARLIER_WORD = re.compile(r"\b(?:[Ee]arlier|[Ii]nitially|[Oo]riginally|[Aa]t\s+first)\b")


def _earlier_counts(article: Article | None) -> set[int]:
    """The sentences that give a count as said before (:data:`_EARLIER`)."""
    if article is None:
        return set()
    starts = [start for start, _ in article.sentences]
    text = article.text
    out = set()
    # The time word first (rare), then the phrase around it: a scan of the whole text for the phrase would be
    # five times slower.
    for word in _EARLIER_WORD.finditer(text):
        lo = max(0, word.start() - 20)
        if any(lo <= m.start() <= word.start() for m in _EARLIER.finditer(text, lo, min(len(text), word.end() + 30))):
            out.add(sentence_of(article.sentences, word.start(), starts))
    return out - {-1}


def _agrees(figure: Figure, figures: FigureSet, counts: dict[tuple[str, str, str], list[int]]) -> bool:
    """Whether the article's count of this event of the measure of ``figure``, of anyone ("about 40 Palestinians",
    "42 people were killed in the school"), agrees with it; not a running total or a wider count."""
    return any(
        ranges_overlap(figure, f)
        for key, indices in counts.items()
        if key[1] == figure.measure
        for f in (figures.figures[k] for k in indices)
        if not f.group.endswith((" since", " across"))
    )


def _a_part_agrees(figures: FigureSet, group: Sequence[int], whole: Figure, other: Figure) -> bool:
    """Whether ``group`` (sentences of the side of ``whole``) gives a part of the same measure that ``other``
    agrees with ("Five soldiers died, four from friendly fire" against "four soldiers killed")."""
    for s in group:
        for k in figures.by_sentence.get(s, ()):
            part = figures.figures[k]
            if part.group in ("part", "all-part") and part.measure == whole.measure and ranges_overlap(part, other):
                return True
    return False


#: The groups of a period's first and last years (``claims.periods``).
PERIOD_GROUPS = frozenset({"year from", "year to"})
#: Counts that grow as news comes in: a higher one in a later article is an update.
TOLLS = frozenset({"killed", "injured", "injured seriously", "missing", "arrested", "evacuated", "displaced"})


def is_toll(measure: str) -> bool:
    """Whether a measure is a toll or two joined ("killed or injured": one count of the dead and wounded)."""
    return bool(measure) and all(part in TOLLS for part in measure.split(" or "))


def _later(a: Article | None, b: Article | None) -> str:
    """Which article was published later ("a" or "b"), "" when unknown or the same day."""
    x, y = (a.published[:10] if a else ""), (b.published[:10] if b else "")
    if not (x and y) or x == y:
        return ""
    return "a" if x > y else "b"


#: "The catastrophe four years ago", "last year", "almost two years after the city of Bam was destroyed": a
#: sentence about another time.
_AGO = re.compile(
    r"\b(?:\w+|\d+)\s+(?:years?|months?)\s+ago\b|\blast\s+(?:year|month)\b"
    r"|\b(?:\w+|\d+)\s+(?:years?|decades?)\s+(?:after|before|earlier)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\d,.])(?:19|20)\d{2}(?!\d|[,.]\d)")


def _own_date(figures: FigureSet, article: Article | None, stamps: set[int]) -> tuple[int, int]:
    """The (year, month) of an article: its publication date, else the date of its dateline or stamp among its
    first sentences ("Nov 28, 2005", "Posted 11/27/2005 7:21 AM"), else (0, 0). A stamp that gives no year gives
    no month either: it may be a later update's."""
    published = _YEAR_MONTH.match(article.published) if article is not None else None
    if published is not None:
        return int(published.group(1)), int(published.group(2) or 0)
    for sentence in sorted(stamps):
        if sentence >= STAMP_SENTENCES:
            break
        for i in figures.by_sentence.get(sentence, ()):
            f = figures.figures[i]
            if f.kind == "date" and f.year and f.month:
                return f.year, f.month
    return 0, 0


_YEAR_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")
#: A dateline or publication stamp is one of the first this many sentences of an article.
STAMP_SENTENCES = 3


def _other_time(
    figures: FigureSet, article: Article | None, own: tuple[int, int] = (0, 0), months: set[int] = frozenset(),  # type: ignore[assignment]
    years: set[int] | None = None,
) -> set[int]:
    """Sentences about another time: those of :func:`_other_year`, and the sentence after one of them or of
    ``months`` (its sentences about another month, :func:`_other_month`) that goes on about it. ``own``: the
    article's (year, month) (:func:`_own_date`); ``years``: :func:`_other_year`'s answer, when the caller has it."""
    if article is None:
        return set()
    out = _other_year(figures, article, own) if years is None else set(years)
    dated = {f.sentence for f in figures.figures if f.kind == "date"}
    # "In April last year an 8.6-magnitude quake struck ..." then "Five people died ... in the quake": the next
    # sentence, with no time of its own, that names the same thing again ("the quake") or opens on a pronoun ("It
    # killed 612 people") goes on about it.
    return out | _followers(article, out | set(months), out | dated, definite=True)


def _other_year(figures: FigureSet, article: Article | None, own: tuple[int, int] = (0, 0)) -> set[int]:
    """Sentences dated in another year than the article ("In 2004, a tsunami killed 168,000"), or naming a year
    at all when the article's own date is unknown (a story's own events are told by weekday, earlier ones by
    year), or a time years away ("four years ago"): their counts are about another event, given for context."""
    if article is None:
        return set()
    year = own[0]
    out = {f.sentence for f in figures.figures if f.kind == "date" and f.year and f.year != year}
    for index, (start, end) in enumerate(article.sentences):
        other_year = any(int(m.group()) != year for m in _YEAR.finditer(article.text, start, end))
        if other_year or _AGO.search(article.text, start, end):
            out.add(index)
    return out


def _pronoun_followers(article: Article | None, sentences: set[int]) -> set[int]:
    """The sentences right after ``sentences`` that open on "It"/"They" (:data:`_PRONOUN_OPENING`) and have no
    time of their own (:data:`_NOW`)."""
    return _followers(article, sentences, sentences)


def _followers(article: Article | None, sentences: set[int], skip: set[int], *, definite: bool = False) -> set[int]:
    """The sentences right after ``sentences`` (not in ``skip``), with no time of their own (:data:`_NOW`), that go
    on about what the sentence before tells: they open on "It"/"They" (:data:`_PRONOUN_OPENING`) or, with
    ``definite``, name again a thing of it ("the quake", :data:`_DEFINITE`)."""
    if article is None:
        return set()
    out = set()
    for index in sorted(sentences):
        following = index + 1
        if following in skip or following >= len(article.sentences):
            continue
        text = article.text[slice(*article.sentences[following])]
        if _NOW.search(text):
            continue
        if _PRONOUN_OPENING.match(text):
            out.add(following)
        elif definite:
            before = set(re.findall(r"[a-z]+", article.text[slice(*article.sentences[index])].lower()))
            if any(m.group(1).lower() in before for m in _DEFINITE.finditer(text)):
                out.add(following)
    return out


#: A sentence's own time: "today", "tonight", "this morning", "now".
_NOW = re.compile(r"\b(?:today|tonight|yesterday|now|this\s+(?:morning|afternoon|evening|week|month|year))\b",
                  re.IGNORECASE)
#: "the quake", "the attack": a thing named before.
_DEFINITE = re.compile(r"\b[Tt]he\s+([a-z]{3,})\b")
#: "It killed 612 people", "They were ...": a sentence whose subject is the thing the one before named.
_PRONOUN_OPENING = re.compile(r"\W*(?:It|They)\s+(?!is\b|was\b|'s\b|’s\b|seems\b|appears\b)")


def _other_month(article: Article | None, own: tuple[int, int] = (0, 0)) -> set[int]:
    """Sentences telling of something in a month other than the article's or the one before ("a quake in
    October killed three" in a story of July; "on June 30" in a story of July 2 is the story's own), and those
    pointing back at an event ("that quake", "the last major quake") and naming a month other than the article's
    (any month when the article's date is unknown): "That quake, in September, killed 300" recalls an earlier one.
    ``own``: the article's (year, month) (:func:`_own_date`)."""
    if article is None:
        return set()
    month = own[1]
    recent = {month, (month - 2) % 12 + 1}
    out = set()
    for index, (start, end) in enumerate(article.sentences):
        months = [_MONTHS[m.group(1).lower()[:3]] for m in _MONTH.finditer(article.text, start, end)]
        if not months:
            continue
        other = any(m not in recent for m in months) if month else False
        if other or (any(m != month for m in months) and _THAT_EVENT.search(article.text, start, end)):
            out.add(index)
    return out


#: "That quake", "those attacks", "since that earlier storm", "the last major quake", "a previous temblor": an
#: event named before, pointed back at (a story's own event is "the quake", "Tuesday's quake", "the latest
#: quake"). Lowercase only after a preposition: "said that attacks" is a clause.
_THAT_EVENT = re.compile(
    r"(?:\b(?:That|Those)|\b(?:in|since|after|before|from|of|during|by|like)\s+(?:that|those)"
    r"|\b(?:[Tt]he|[Aa])\s+(?:last|previous|prior|earlier)(?!\s+(?:\w+\s+)?(?:hours?|days?|weeks?)\b))\s+"
    r"(?:[\w.-]+\s+){0,2}?(?:(?:earth)?quakes?|tremors?|temblors?|tremblors?|aftershocks?|tsunamis?|attacks?"
    r"|bombings?|blasts?|explosions?|shootings?|storms?|hurricanes?|typhoons?|cyclones?|tornado(?:es|s)?|floods?"
    r"|fires?|blazes?|wildfires?|crash(?:es)?|collisions?|disasters?|strikes?|raids?|massacres?|riots?|wars?"
    r"|conflicts?|incidents?|accidents?|eruptions?|outbreaks?|epidemics?|landslides?|mudslides?|avalanches?"
    r"|derailments?|stampedes?|sieges?|hijackings?|kidnappings?)\b"
)


_MONTHS = {m: n for n, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
#: A month named as a time ("in October", "On Oct. 10", "last March"; not "since June", which starts a period).
_MONTH = re.compile(
    r"\b(?:[Ii]n|[Oo]n|of|[Ll]ast|[Ee]arly|[Ll]ate|[Mm]id-?)\s+(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?)?"
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?"
    r"|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)


#: "In a separate incident", "Separately,", "Elsewhere,": a sentence about another incident than the story's.
_SEPARATE = re.compile(
    r"\W*(?:in\s+(?:a|another)\s+(?:separate\s+)?(?:incident|attack|strike|raid|case|development)\b"
    r"|separately\b|elsewhere\b|in\s+a\s+separate\b)",
    re.IGNORECASE,
)
#: A named place a sentence says something happened in: "in the southern city of Khan Younis", "in Takengon",
#: "at the Fakhora school" (not where people came from: "refugees from the region of South Kordofan"; not whom
#: someone spoke to: "in an interview with CNN").
_PLACE = re.compile(
    r"\b(?:[Ii]n|[Aa]t|[Nn]ear|[Oo]utside)\s+(?:the\s+|a\s+)?(?:(?!(?:with|to|by|from|for|and|or)\b)[a-z]+\s+){0,3}?"
    r"((?:[A-Z][\w'’-]+\s+){0,2}[A-Z][\w'’-]+)"
)
#: A name that a clause of where something happened follows: "like they did during Rwanda, where close to a
#: million people were massacred". Found from the ", where" back (a scan of the whole text for the name first
#: would be twice as slow as every other place pattern together).
_WHERE = re.compile(r",\s+where\b")
_NAME_BEFORE = re.compile(r"(?<![.!?\"“]\s)\b((?:[A-Z][\w'’-]+\s+){0,2}[A-Z][\w'’-]+)$")


def _where_places(text: str) -> Iterator[re.Match[str]]:
    """The names right before each ", where" of ``text`` (not a sentence's first word)."""
    for where in _WHERE.finditer(text):
        name = _NAME_BEFORE.search(text, max(0, where.start() - 60), where.start())
        if name is not None and name.start() > 0:
            yield name


#: Words of a place's name that say what kind of place it is or where, not which: they do not tell two apart.
_GENERIC_PLACE = frozenset(
    """the a city town village district camp province region state county area island islands north south east west
    northern southern eastern western central upper lower new greater capital refugee un u.n. school hospital
    january february march april may june july august september october november december monday tuesday wednesday
    thursday friday saturday sunday""".split()
)
#: The opening sentences (with the title) say which event an article is about.
LEAD_SENTENCES = 2


def _place_words(text: str, lo: int, hi: int) -> list[set[str]]:
    """The named places of ``text[lo:hi]``, each as the set of its distinctive words (lowercase)."""
    out = []
    for match in _PLACE.finditer(text, lo, hi):
        name = match.group(1)
        words = {w.lower().removesuffix("'s").removesuffix("’s") for w in name.split()} - _GENERIC_PLACE
        if words:
            out.append(words)
    return out


def _sentence_places(article: Article | None) -> list[list[set[str]]]:
    """Per sentence, its named places (:func:`_place_words`)."""
    if article is None:
        return []
    out: list[list[set[str]]] = [[] for _ in article.sentences]
    starts = [start for start, _ in article.sentences]
    # One pass over the text, not one per sentence: a match that runs across a sentence end is cut at it.
    for match in chain(_PLACE.finditer(article.text), _where_places(article.text)):
        index = sentence_of(article.sentences, match.start(), starts)
        if index < 0:
            continue
        end = article.sentences[index][1]
        if match.end() > end:
            out[index].extend(_place_words(article.text, match.start(), end))
            continue
        words = {w.lower().removesuffix("'s").removesuffix("’s") for w in match.group(1).split()} - _GENERIC_PLACE
        if words:
            out[index].append(words)
    return out


def _main_places(article: Article | None, places: list[list[set[str]]]) -> set[str]:
    """Words naming where an article's main event is: every word of its title and opening sentences, and the
    places it names in more than one sentence."""
    if article is None or not article.sentences:
        return set()
    lead_end = article.sentences[min(LEAD_SENTENCES, len(article.sentences)) - 1][1]
    out = set(re.findall(r"[a-z][\w'’-]+", (article.title + " " + article.text[:lead_end]).lower()))
    seen: dict[str, int] = defaultdict(int)
    for sentence in places:
        for word in {w for words in sentence for w in words}:
            seen[word] += 1
    return out | {w for w, n in seen.items() if n > 1}


def _places_written(places: list[list[set[str]]], sentences: Sequence[int], article: Article | None,
                    other: Article | None, others: Sequence[int]) -> bool:
    """Whether every place ``sentences`` of ``article`` name is written in ``others`` of the other article too:
    "announced Tuesday at Livingston High School" against "from his hometown of Livingston" tell of one place."""
    if article is None or other is None:
        return False
    written = set(re.findall(r"[a-z][\w'’-]+", " ".join(_sentence_text(other, k) for k in others).lower()))
    named = [words for k in sentences if 0 <= k < len(places) for words in places[k]]
    return bool(named) and all(words & written for words in named)


def _other_incidents(article: Article | None, places: list[list[set[str]]], main: set[str]) -> set[int]:
    """Sentences about another incident than the main one of the two articles: those that say so ("In a
    separate incident", "Elsewhere,") and those naming a place that neither article names in its title or
    opening sentences, nor more than once ("Two people were killed when a shell hit a school in Khan Younis" in
    a story about a school in Jabalya)."""
    if article is None:
        return set()
    out = set()
    for index, (start, end) in enumerate(article.sentences):
        lead = index < LEAD_SENTENCES
        if _SEPARATE.match(article.text, start, end) or any(not (w & main) for w in places[index] if not lead):
            out.add(index)
    return out


#: How many words either side of a date say what it dates.
DATE_REACH = 3
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
#: Words beside a date that do not say which deed it dates: reporting verbs, auxiliaries, function words.
_NOT_A_DEED_WORD = frozenset(
    """said says say told tell tells added noted reported announced statement was were is are be been being has
    have had will would could should can may might must did does do the a an and or but of to in on at by for from
    with as that this than then its his her their our your they he she it we you who which what when early late
    last next this morning afternoon evening night day week month year earlier later ago""".split()
)


def _deed_words(text: str, date: Figure, lo: int, hi: int) -> set[str]:
    """The lowercase content words (as five-letter stems) within :data:`DATE_REACH` words of a date in its
    sentence."""
    # Within the date's clause: "convicted of racketeering, and in April 2003 he admitted", "the quarter, which
    # ends January 31".
    lo = max([lo] + [m.end() for m in _CLAUSE_END.finditer(text, lo, date.start)])
    hi = min([hi] + [m.start() for m in _CLAUSE_END.finditer(text, date.end, hi)])
    before = [w for w in _WORD.findall(text[lo : date.start])][-DATE_REACH:]
    after = [w for w in _WORD.findall(text[date.end : hi])][:DATE_REACH]
    # "presented on Thursday during the trial": a phrase of another time beside the date names no deed of its day.
    before = before[next((k + 1 for k in range(len(before) - 1, -1, -1) if before[k].lower() in _TIME_LINKS), 0) :]
    after = after[: next((k for k, w in enumerate(after) if w.lower() in _TIME_LINKS), len(after))]
    return {
        w.lower()[:5]
        for w in before + after
        # Lowercase words only: a name beside both dates ("Jackson for Sunday's game", "Jackson was arrested
        # Tuesday") says who, not what happened then.
        if len(w) > 2 and w.islower() and w not in _NOT_A_DEED_WORD and w[:3] not in _CALENDAR_PREFIXES
    }


#: What ends a clause: a comma, semicolon, colon or dash.
_CLAUSE_END = re.compile(r"[,;:]|\s[–—-]\s")

#: Words that open a phrase of another time ("during the trial", "after the vote").
_TIME_LINKS = frozenset("during after before since until amid following".split())

#: The first three letters of weekdays and of months (:data:`_MONTHS`): a date's own words, not a deed's.
_CALENDAR_PREFIXES = frozenset(["mon", "tue", "wed", "thu", "fri", "sat", "sun", *_MONTHS])


def _anchored_dates(
    fa: FigureSet, ga: Sequence[int], a: Article, stamps_a: set[int],
    fb: FigureSet, gb: Sequence[int], b: Article, stamps_b: set[int],
) -> tuple[list[int], list[int]] | None:
    """The dates of two counterpart sentence groups that stand beside one deed word in both (a shared stem within
    :data:`DATE_REACH` words), as (A's, B's), or None."""

    def dates(figures: FigureSet, group: Sequence[int], article: Article, stamps: set[int]) -> list[tuple[int, set]]:
        out = []
        for s in group:
            if s in stamps or not (0 <= s < len(article.sentences)):
                continue
            lo, hi = article.sentences[s]
            for i in figures.by_sentence.get(s, ()):
                f = figures.figures[i]
                if f.kind == "date":
                    out.append((i, _deed_words(article.text, f, lo, hi)))
        return out

    xs, ys = dates(fa, ga, a, stamps_a), dates(fb, gb, b, stamps_b)
    chosen_a = [i for i, words in xs if any(words & other for _, other in ys)]
    chosen_b = [j for j, words in ys if any(words & other for _, other in xs)]
    return (chosen_a, chosen_b) if chosen_a and chosen_b else None


def _two_places(a: Article | None, b: Article | None) -> bool:
    """Whether each article's opening (its first :data:`LEAD_SENTENCES` sentences) names a place (a capitalised
    place entity) that the other article never writes (in its text or its entities' names): "Indonesia's Aceh
    province" against "Indonesia's West Papua province" tell of two incidents, however alike their words: their
    tolls are not compared (ECB+ dev: 24 of the 32 disagreements reported on pairs of two look-alike events; none
    of the 44 judged real on same-event pairs)."""
    if a is None or b is None:
        return False
    lead_a, lead_b = _lead_places(a), _lead_places(b)
    if not lead_a or not lead_b:
        return False
    written_b = _written(b)
    return any(not words & written_b for words in lead_a) and any(not words & _written(a) for words in lead_b)


def _lead_places(article: Article) -> list[set[str]]:
    """The places an article's opening names, each as its distinctive words (lowercase, "U.S." as "us")."""
    if not article.sentences:
        return []
    end = article.sentences[min(LEAD_SENTENCES, len(article.sentences)) - 1][1]
    out = []
    for e in article.entities:
        if e.start >= end or label_kind(e.label) != "place" or not article.text[e.start : e.start + 1].isupper():
            continue
        words = _words(e.text) - _GENERIC_PLACE
        if words:
            out.append(words)
    return out


def _written(article: Article) -> set[str]:
    """Every word of an article's title, text and entities' names (:func:`_words`)."""
    return _words(" ".join((article.title, article.text, *(e.text for e in article.entities))))


def _words(text: str) -> set[str]:
    """The words of ``text``, lowercase, without a possessive "'s" ("U.S." as "us")."""
    return {w.lower().removesuffix("'s").removesuffix("’s") for w in _WORD.findall(text.replace(".", ""))}


def _share_a_place(a: Article | None, b: Article | None) -> bool:
    """Whether two articles name one place (a country, city or region the entity table knows as one), or
    either names none (not annotated: unknown)."""
    if a is None or b is None:
        return True
    places = {entity_key(e) for e in a.entities if label_kind(e.label) == "place"}
    others = {entity_key(e) for e in b.entities if label_kind(e.label) == "place"}
    return not places or not others or bool(places & others)


def _sentence_text(article: Article | None, index: int) -> str:
    if article is None or not (0 <= index < len(article.sentences)):
        return ""
    start, end = article.sentences[index]
    return article.text[start:end]


def _once(found: list[FigurePair]) -> list[FigurePair]:
    """One entry for a disagreement however often it is repeated: the same measure, and the same lowest value
    on each side ("at least five" and a later "five" against "two")."""
    seen: dict[tuple[str, str, str], int] = {}
    out: list[FigurePair] = []
    for c in found:
        key = (c.what, c.a_range.split("–")[0], c.b_range.split("–")[0])
        if key in seen:
            k = seen[key]
            out[k] = replace(out[k], repeats=out[k].repeats + 1)
            continue
        seen[key] = len(out)
        out.append(c)
    return out


def _event_counts(figures: FigureSet, elsewhere: set[int]) -> dict[tuple[str, str, str], list[int]]:
    """Per key, the article's counts of what happened in this event (not in sentences about another time, not
    parts of a whole, not in furniture)."""
    out: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for sentence, indices in figures.by_sentence.items():
        if sentence in elsewhere:
            continue
        for index in indices:
            f = figures.figures[index]
            if f.kind != "date" and f.measure and f.group not in ("part", "all-part"):
                out[f.key].append(index)
    return out


@lru_cache(maxsize=256)
def title_counts(title: str) -> tuple[Figure, ...]:
    """The counts of what happened that an article's title gives ("killing four people, injuring dozens"):
    the title says what the article's toll is, though it is not one of its sentences."""
    if not title.strip():
        return ()
    found = extract_counts(title, [(0, len(title))])
    return tuple(f for f in found if f.measure and f.group not in ("part", "all-part"))


def _minor_counts(
    figures: FigureSet, counts: dict[tuple[str, str, str], list[int]], titles: Sequence[Figure]
) -> set[int]:
    """The article's counts of what happened that it gives beside a larger one of the same measure (in its
    title or in a sentence about this event): a part, an earlier count or another incident, not its toll. A
    count of people in general (``all``) is minor beside a larger count of any group ("four" beside "more than
    40 Palestinians"); a count of a group only beside a larger one of that group or of everyone."""
    tolls: dict[str, list[Figure]] = defaultdict(list)
    for indices in counts.values():
        for k in indices:
            f = figures.figures[k]
            if not f.group.endswith((" since", " across")):  # a running total or a wider count: another scope
                tolls[f.measure].append(f)
    for t in titles:
        tolls[t.measure].append(t)
    out = set()
    for indices in counts.values():
        for k in indices:
            f = figures.figures[k]
            if any(
                t.low > f.high and (f.group == "all" or t.group in (f.group, "all"))
                for t in tolls[f.measure]
            ):
                out.add(k)
    return out


def _stamps(figures: FigureSet, article: Article | None) -> set[int]:
    """Sentences that are a date and little else: a dateline or a publication stamp ("Published: July 28, 2004
    at 1:24 PM", "UPDATED: THURSDAY, MARCH 14, 2013"). Two outlets' stamps differ without disagreeing about
    what happened."""
    if article is None:
        return set()
    out = set()
    for sentence, indices in figures.by_sentence.items():
        dates = [figures.figures[i] for i in indices if figures.figures[i].kind == "date"]
        spans = [(f.start, f.end) for f in dates]
        if not spans or not (0 <= sentence < len(article.sentences)):
            continue
        start, end = article.sentences[sentence]
        rest = article.text[start:end]
        for a, b in sorted(spans, reverse=True):
            rest = rest[: a - start] + " " + rest[b - start :]
        if len(re.findall(r"[A-Za-z]{2,}", rest)) <= _STAMP_WORDS:
            out.add(sentence)
    return out


#: A sentence with a date and at most this many other words is a dateline or stamp, not a report of a day.
_STAMP_WORDS = 3


def _comparable(
    figures: FigureSet, sentences: Sequence[int], basis: str, plain: bool, stamps: set[int] = frozenset()  # type: ignore[assignment]
) -> dict[tuple[str, str, str], list[int]]:
    """The figures of ``sentences`` that may be compared on this basis, by key, in text order."""
    out: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for s in sentences:
        for i in figures.by_sentence.get(s, ()):
            f = figures.figures[i]
            if f.group in ("all-part", "part"):
                continue
            if f.kind == "date" and (s in stamps or not (basis == "aligned" and plain)):
                # Aligned sentences may tell of two days ("urged on Wednesday", "signed on Thursday"): dates
                # are compared only where the sentences nearly say the same thing.
                continue
            if f.measure in ("money", "percent") and (basis != "aligned" or not f.group):
                continue
            if basis == "same-event":
                # Sentences that are not counterparts: only tolls, and things described alike ("pages of emails").
                if f.measure or f.of:
                    out[_event_key(f)].append(i)
                continue
            if f.kind != "date" and not f.measure and not (plain and f.noun) and not (f.unit or f.of):
                # A compound ("a 48-page indictment") or a count of things described ("50,000 pages of printed
                # emails") names what it counts closely: any aligned pair compares it (the latter with what the things
                # are, where the sentences say much else differently).
                continue
            out[f.key if plain or f.unit else _event_key(f)].append(i)
    return out


def _figure_pair(i: int, j: int, x: Figure, y: Figure, basis: str, *, conflict: bool = False) -> FigurePair:
    gap = 0.0
    if not conflict:
        reason = f"{x.range_text()} and {y.range_text()} can both be true"
    elif x.kind == "date":
        reason = f"{x.text!r} is {x.date_text()}, {y.text!r} is {y.date_text()}"
    elif x.group in PERIOD_GROUPS:
        reason = f"{x.text!r} and {y.text!r} give different years"
    elif x.unit == "hour":
        reason = f"{x.text!r} and {y.text!r} are different times of day"
    else:
        gap = gap_ratio(x, y)
        low, high = (x, y) if x.high < y.low else (y, x)
        reason = f"{high.text!r} means at least {_num(high.low)}, {low.text!r} at most {_num(low.high)}"
    return FigurePair(
        a=i,
        b=j,
        what=x.what,
        a_text=x.text,
        b_text=y.text,
        a_span=(x.start, x.end),
        b_span=(y.start, y.end),
        a_range=x.range_text(),
        b_range=y.range_text(),
        basis=basis,
        conflict=conflict,
        reason=reason,
        gap=gap,
    )


def _num(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.4g}"


