"""Sentences as comparison sees them: the words, names, numbers and quotes of each, and which are not content."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..analysis import analyze, stem
from ..entities import normalise_name
from ..models import Article, EntitySpan, label_kind
from .claims import FigureSet
from .figure import Figure
from .quotes import Quote

#: Words that carry no content for alignment beyond Whoosh's stop list (pronouns, auxiliaries, "said").
FUNCTION_WORDS = """
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each either else even ever every few for from further had has
have having he her here hers herself him himself his how however i if in into is it its itself just last least
less like many may me might more most much must my myself neither no nor not now of off on once only or other
others our ours out over own per quite rather same says said say see seen she should since so some still such
than that the their theirs them themselves then there these they this those though through thus to too toward
under until up upon us very was we well were what whatever when where whether which while who whom whose why will
with within without would yet you your yours yourself already another around away back get got go goes going gone
made make makes mr mrs ms new one two told tell tells according added adds reported among amid
""".split()
FUNCTION_STEMS = frozenset(stem(w) for w in FUNCTION_WORDS) | frozenset(FUNCTION_WORDS)

#: Entity kinds compared as entities (numbers and dates are compared as figures instead).
ENTITY_KINDS = frozenset({"person", "org", "place", "group", "other"})

# --- sentence profiles ------------------------------------------------------------------------------------


def sentence_terms(text: str, start: int, end: int) -> dict[str, tuple[int, int]]:
    """Content terms of ``text[start:end]`` (the index's stems, acronyms kept) with their first span."""
    by_span: dict[tuple[int, int], str] = {}
    for term, a, b in analyze(text[start:end]):
        # An acronym gives its case-kept form and its stem at one span; keep the stem so "ISIS" meets "Isis".
        by_span[(a, b)] = term
    terms: dict[str, tuple[int, int]] = {}
    for (a, b), term in by_span.items():
        if len(term) < 2 or not term[0].isalpha() or term in FUNCTION_STEMS:
            continue
        terms.setdefault(term, (start + a, start + b))
    return terms


@dataclass(slots=True)
class Profile:
    """What alignment knows about one sentence."""

    index: int
    start: int
    end: int
    terms: dict[str, tuple[int, int]]
    #: Entity key -> display name.
    entities: dict[str, str]
    #: Number key ("13", "day:26") -> the words.
    numbers: dict[str, str]
    #: Surnames of the speakers of quotations in the sentence.
    speakers: frozenset[str]
    position: float
    #: Terms written inside a quotation, and terms that are part of an entity's name.
    quoted_terms: frozenset[str]
    entity_terms: frozenset[str]
    #: The sentence's words, lowercased: two sentences with the same words pair whatever else they share.
    norm: str = ""


def entity_key(span: EntitySpan) -> str:
    """One key per entity: the canonical id, else the kind and the normalised name."""
    return span.entity_id or f"{label_kind(span.label)}:{normalise_name(span.text)}"


def within(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in spans)


class Mentions:
    """An article's mentions of entities (of the kinds compared), found by position."""

    def __init__(self, article: Article) -> None:
        self.entities = sorted(
            (e for e in article.entities if label_kind(e.label) in ENTITY_KINDS), key=lambda e: e.start
        )
        self.starts = [e.start for e in self.entities]

    def between(self, start: int, end: int) -> list[EntitySpan]:
        return self.entities[bisect_left(self.starts, start) : bisect_left(self.starts, end)]


def sentence_profiles(article: Article, figures: FigureSet, quotes: Sequence[Quote]) -> list[Profile]:
    text = article.text
    n = max(1, len(article.sentences))
    mentions_of = Mentions(article)
    statements = [q for q in quotes if q.is_statement]
    profiles = []
    for index, (start, end) in enumerate(article.sentences):
        inside = mentions_of.between(start, end)
        mentions = [(e.start, e.end) for e in inside]
        overlapping = [q for q in statements if q.start < end and q.end > start]
        quoted = [part for q in overlapping for part in q.parts]
        terms = sentence_terms(text, start, end)
        numbers: dict[str, str] = {}
        for f in figures.by_sentence.get(index, ()):
            figure = figures.figures[f]
            if figure.kind == "date":
                if figure.day:
                    numbers[f"day:{figure.day}"] = figure.text
                elif figure.weekday:
                    numbers[f"weekday:{figure.weekday}"] = figure.text
            elif figure.kind == "count" and figure.approx in ("exact", "about") and leading_digits(figure):
                numbers[leading_digits(figure)] = figure.text
            elif figure.kind == "count" and figure.low == figure.high:
                numbers[f"{figure.low:g}"] = figure.text
        profiles.append(
            Profile(
                index=index,
                start=start,
                end=end,
                terms=terms,
                entities={entity_key(e): e.canonical or e.text for e in inside},
                numbers=numbers,
                speakers=frozenset(surname(q) for q in overlapping if q.speaker is not None),
                position=(index + 0.5) / n,
                quoted_terms=_terms_within(terms, quoted),
                entity_terms=_terms_within(terms, mentions),
                norm=words(text[start:end]),
            )
        )
    return profiles


def _terms_within(terms: dict[str, tuple[int, int]], spans: Sequence[tuple[int, int]]) -> frozenset[str]:
    if not spans:
        return frozenset()
    return frozenset(t for t, (a, _) in terms.items() if within(a, spans))


def leading_digits(figure: Figure) -> str:
    """A large figure's first two digits and magnitude ("~43e6"), so "$43 million" meets "$43,885,310" and
    "$13.6 million" meets "$13,625,777"; ``""`` below a thousand, where counts are compared exactly."""
    value = (figure.low + figure.high) / 2
    if value < 1000:
        return ""
    magnitude = math.floor(math.log10(value)) - 1
    return f"~{int(value // 10**magnitude)}e{magnitude}"


def surname(quote: Quote) -> str:
    """A speaker's surname: translations spell first names differently (Zabihullah, Sabihullah), and one
    article's "Mujahid" is another's "Zabihullah Mujahid"."""
    speaker = quote.speaker
    assert speaker is not None
    name = speaker.entity_id.split(":", 1)[-1] if speaker.entity_id else normalise_name(speaker.name)
    words = name.split()
    return words[-1] if words else ""




def words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def is_sentence(article: Article, index: int) -> bool:
    """A sentence has a word; a lone "." left by the splitter is not one."""
    start, end = article.sentences[index]
    return bool(re.search(r"\w", article.text[start:end]))


# --- sentences cut at an abbreviation -------------------------------------------------------------------------

#: Abbreviations written before a name ("Sens. Warren and Sanders", "Lt. Gov. Dan Patrick", "Ft. Myers"): a
#: sentence the splitter ended on one of them, before a capitalised word, goes on in the next.
TITLE_ABBREVIATIONS = frozenset(
    """Mr Mrs Ms Messrs Mmes Dr Drs Prof Profs Sen Sens Rep Reps Gov Govs Lt Gen Gens Sgt Col Capt Cmdr Cdr Adm
    Maj Cpl Pvt Spc Det Insp Supt Atty Rev Fr Msgr Hon Pres Amb Sec Brig St Ste Mt Ft""".split()
)
#: Abbreviations written before a number ("No. 2", "Jan. 6", "Sept. 11").
NUMBER_ABBREVIATIONS = frozenset("No Nos Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split())
_ENDS_ABBREVIATED = re.compile(r"(?:^|(?<=[\s(\[\"“‘'—–-]))([A-Z][a-z]{0,5})\.\Z")


def abbreviation_cuts(text: str, sentences: Sequence[tuple[int, int]]) -> list[int]:
    """Indices of the sentences that end on a title abbreviation before a capitalised word ("former Sens." |
    "John Ashcroft ...") or on "No."/a month's abbreviation before a number ("the Senate's No." | "2
    Republican"), within one paragraph: the splitter's cuts, not the writer's."""
    cuts = []
    for k in range(len(sentences) - 1):
        start, end = sentences[k]
        following = sentences[k + 1][0]
        # The longest abbreviation is seven characters with its stop: twelve hold it, what stands before it and
        # a few spaces after it.
        match = _ENDS_ABBREVIATED.search(text[max(start, end - 12) : end].rstrip())
        if match is None:
            continue
        gap = text[end:following]
        if gap.strip() or "\n\n" in gap or following >= len(text):
            continue
        word, first = match.group(1), text[following]
        if (word in TITLE_ABBREVIATIONS and first.isupper()) or (word in NUMBER_ABBREVIATIONS and first.isdigit()):
            cuts.append(k)
    return cuts


@dataclass(frozen=True, slots=True)
class Joined:
    """An article as comparison reads it: each sentence the splitter cut at an abbreviation joined to the
    next. ``groups[k]`` holds the indices (into the original sentences) that joined sentence ``k`` is made of,
    so what comparison reports keeps indexing the article's own sentences."""

    article: Article
    original: Article
    groups: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, article: Article) -> Joined:
        cuts = set(abbreviation_cuts(article.text, article.sentences))
        if not cuts:
            return cls(article, article, tuple((k,) for k in range(len(article.sentences))))
        groups: list[list[int]] = []
        spans: list[tuple[int, int]] = []
        for k, (start, end) in enumerate(article.sentences):
            if k and k - 1 in cuts:
                groups[-1].append(k)
                spans[-1] = (spans[-1][0], end)
            else:
                groups.append([k])
                spans.append((start, end))
        return cls(replace(article, sentences=tuple(spans)), article, tuple(tuple(g) for g in groups))

    @property
    def changed(self) -> bool:
        return self.article is not self.original

    def originals(self, indices: Iterable[int]) -> tuple[int, ...]:
        """The original sentences of joined sentences ``indices``, in order."""
        return tuple(k for i in sorted(set(indices)) for k in self.groups[i])


# --- what is not content ------------------------------------------------------------------------------------

#: Credits, captions' sources and site furniture: a sentence holding one of these is not the story's.
_FURNITURE = re.compile(
    # The lookahead lets the engine skip words that cannot start one of these (twice as fast).
    r"\b(?=[AGPICSNFRTagpicsnfrt])"
    r"(?:AP Photo|Getty Images|Photo(?:graph)? (?:by|credit|courtesy)|Image (?:credit|courtesy)|Credit:|"
    r"Click here|Sign up for|newsletter|Subscribe to|Follow (?:us|him|her) on|All rights reserved|"
    r"Copyright ©|Advertisement|Read more:|Related:|This (?:post|article|story) has been (?:updated|revised)|"
    r"contributed to this report|Correction:)",
    re.IGNORECASE,
)
_CREDIT = re.compile(r"^\W*\(?(?:[A-Z][\w.]*\s*){1,4}/\s*(?:AP|Reuters|AFP|Getty)\b|\((?:AP|Reuters|AFP) Photo")
#: Furniture of publishing software, read whole: a blog's comment form ("Leave a Reply", "This site uses Akismet to
#: reduce spam."), a page's buttons ("close the window", "Recommend an article..."), a posting stamp ("Posted on
#: Aug 30, 2021 at 9:35 am") and a byline whose address the page hid ("Reporter ... [email protected]", the words
#: a common web host writes in place of an address). Such sentences are the same on every site using the software,
#: so a corpus of one article per site cannot find them by recurrence.
_SOFTWARE_FURNITURE = re.compile(
    r"^\W*(?:(?:Leave a (?:Comment|Reply)|close (?:the|this) window)\W*$|Recommend (?:an|this) article|"
    r"(?:Posted|Published|Updated)(?: on)? [A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}"
    r"(?:,? (?:at )?\d{1,2}:\d{2}\s*[ap]\.?m\.?)?\W*$)"
    r"|This site uses Akismet to reduce spam|Learn how your comment data is processed|\[email\s*protected\]",
    re.IGNORECASE,
)


def sentence_key(text: str) -> str:
    """A sentence as compared for recurrence: its words, lowercased."""
    return words(text)


def recurring_sentences(articles: Iterable[Article], *, at_least: int = 3) -> frozenset[str]:
    """Keys of sentences (of five words or more) found in ``at_least`` articles: newsletter forms, site
    furniture. Pass the articles of one source, or of the corpus."""
    seen: Counter[str] = Counter()
    for article in articles:
        keys = {sentence_key(article.text[s:e]) for s, e in article.sentences}
        seen.update(k for k in keys if len(k.split()) >= 5)
    return frozenset(k for k, n in seen.items() if n >= at_least)


def boilerplate(article: Article, recurring: Collection[str] = ()) -> set[int]:
    """Sentences of ``article`` that are not its content: credits and furniture by their words, and any
    sentence in ``recurring``."""
    out = set()
    for index, (start, end) in enumerate(article.sentences):
        text = article.text[start:end]
        if (
            _FURNITURE.search(text)
            or _CREDIT.search(text)
            or _SOFTWARE_FURNITURE.search(text)
            or (recurring and sentence_key(text) in recurring)
        ):
            out.add(index)
    return out


def source_furniture(library: Any, *articles: Article, sample: int = 12) -> frozenset[str]:
    """Sentences that recur across the articles of each of ``articles``' sources, from ``sample`` articles
    of that source nearest in date (``library``: anything with ``articles()`` summaries and ``article(id)``,
    such as :class:`index.Library`). Site furniture recurs in nearly every article of a site, so a small
    sample finds it; an article's own sentences count once. A sentence in at least half the sample counts."""
    rows = library.articles()
    found: set[str] = set()
    for source in {a.source for a in articles if a.source}:
        date = next(a.published for a in articles if a.source == source)
        same = [r for r in rows if r.source == source]
        same.sort(key=lambda r: (abs(_day(r.published) - _day(date)), r.id))
        chosen = same[:sample]
        # Furniture is in most of a site's articles; a background sentence repeated in a story's follow-ups
        # is in a few: half the sample (at least three) tells them apart.
        found |= recurring_sentences((library.article(r.id) for r in chosen), at_least=max(3, len(chosen) // 2 + 1))
    return frozenset(found)


def _day(published: str) -> int:
    digits = published[:10].replace("-", "")
    return int(digits) if digits.isdigit() and len(digits) == 8 else 0
