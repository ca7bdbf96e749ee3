"""Compare two articles: aligned sentences, shared quotes, conflicting figures, entity differences.

``compare(a, b)`` returns a :class:`Comparison`, plain data that the CLI prints (``to_dict()`` as JSON,
:func:`format_text`, :func:`format_markdown`) and the reader's compare screen renders. The JSON schema is
documented in ``docs/compare-json.md``; ``SCHEMA_VERSION`` changes whenever a key changes meaning or goes away.

How sentences are aligned, and why this way. Outlets that tell one story, above all translations of one wire
story, share few exact words: on the seeds a TF-IDF cosine gives the true pairs of the spokesman's "We hope
that ..." statement 0.22-0.42 and unrelated pairs up to 0.23. So a pair's score adds up several kinds of
evidence and is then judged against its competitors:

1. *Lexical*: the index's stems of content words (the same analyzer as the index, acronyms kept), each
   weighted by how rare it is among the two articles' sentences (squared) times its corpus-wide IDF when the
   index provides one; a smoothed weighted Dice coefficient, so two short lines that share one rare word do
   not look alike.
2. *Entities* (canonical ids, so spelling variants meet), *numbers* (counts and days), *quotes* (at least two
   shared words inside quotation marks on both sides, more when the same speaker says them) and *relative
   position* add small bonuses.
3. *Competition*: half the average of the two sentences' mean scores with their three best other candidates
   is subtracted, so a sentence that resembles everything (a headline full of the story's names) needs more.
4. *A gate*: a pair must share what is said, not only who or where: two content words outside entity
   names, or one and a number or quoted words.

Pairs at or above :data:`ALIGN_THRESHOLD` are linked best first, each sentence once; then a sentence left
over joins the pair of its neighbour when it shares enough with that pair's other side (one outlet split what
the other said in one sentence). A pair is ``same`` when the words nearly match, else ``paraphrase``;
sentences in no pair are unique to their side. Thresholds were tuned on hand-labelled seed pairs and checked
on Reuters stories (``docs/compare-json.md`` has the rule, the figures and what it got right and wrong).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from .analysis import analyze, stem
from .entities import normalise_name
from .figures import Figure, FigureSet, gap_ratio, measure_of_word, ranges_overlap
from .models import Article, EntitySpan, label_kind
from .quotes import Quote, extract_quotes

SCHEMA_VERSION = 1

#: Corpus-wide term weights: a callable or a mapping from an index term (as ``analyze`` gives it) to its IDF.
Weights = Callable[[str], float] | Mapping[str, float]

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

# --- the decision rule (documented in docs/compare-json.md; tuned on the seeds, checked on Reuters) ---------

BONUS_ENTITY = 0.10
BONUS_NUMBER = 0.08
BONUS_QUOTE = 0.06
BONUS_SPEAKER = 0.08
BONUS_POSITION = 0.04
#: Weight added to the lexical score's denominator (about two ordinary words): "Leave a Comment" and
#: "Leave a Reply" share one rare word and are not one statement.
SMOOTHING = 20.0
#: Share of the mean of each sentence's three best other scores taken off a pair's score.
COMPETITION = 0.5
#: A pair is aligned when its score reaches this and it is the best left for both sentences.
ALIGN_THRESHOLD = 0.18
#: A leftover sentence joins its neighbour's pair at this score when at least ``SPLIT_CONTAINMENT`` of the
#: lighter side's weight is shared.
SPLIT_THRESHOLD = 0.11
SPLIT_CONTAINMENT = 0.3
#: Word-level similarity (rapidfuzz ratio, 0..100) from which a pair is "same" rather than "paraphrase".
SAME_RATIO = 85.0
DATE_KEY = ("date", "", "")
#: Plain counts (no "killed", "arrested", ...) are compared in aligned sentences that share a number or at least
#: this lexical score.
PLAIN_COUNT_LEXICAL = 0.5
#: Quote matching: verbatim from this partial-ratio (0..100), paraphrase from this lexical score.
VERBATIM_RATIO = 92.0
QUOTE_PARAPHRASE = 0.25


# --- what the comparison returns --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """Which article a side is, and how many sentences it has."""

    id: str
    title: str
    source: str
    published: str
    sentences: int
    words: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "sentences": self.sentences,
            "words": self.words,
        }


@dataclass(frozen=True, slots=True)
class SharedTerm:
    """A word both sentences use (as the index stems it), as A writes it, and where each side writes it."""

    term: str
    word: str
    a: tuple[int, int]
    b: tuple[int, int]

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "word": self.word, "a": list(self.a), "b": list(self.b)}


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why two sentences were paired."""

    terms: tuple[SharedTerm, ...] = ()
    #: Canonical entity ids (or kind:normalised name) both sentences mention, with a display name each.
    entities: tuple[tuple[str, str], ...] = ()
    #: Numbers and days both sentences state: ``"13"``, ``"day:26"``, ``"weekday:thursday"``.
    numbers: tuple[str, ...] = ()
    #: Both sentences quote, and share at least two words inside the quotation marks.
    quote: bool = False
    #: ...and the quotes have one speaker.
    speaker: bool = False
    lexical: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "terms": [t.to_dict() for t in self.terms],
            "entities": [{"id": key, "name": name} for key, name in self.entities],
            "numbers": list(self.numbers),
            "quote": self.quote,
            "speaker": self.speaker,
            "lexical": round(self.lexical, 4),
        }


@dataclass(frozen=True, slots=True)
class SentencePair:
    """Sentences of A and B that say the same thing: usually one each, more when an outlet split one."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    #: ``"same"`` (near-identical wording) or ``"paraphrase"``.
    kind: str
    score: float
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    a_text: str
    b_text: str
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": list(self.a),
            "b": list(self.b),
            "kind": self.kind,
            "score": round(self.score, 4),
            "a_span": list(self.a_span),
            "b_span": list(self.b_span),
            "a_text": self.a_text,
            "b_text": self.b_text,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class UniqueSentence:
    """A sentence with no counterpart on the other side."""

    index: int
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """A quotation of A found in B: ``a``/``b`` index ``Comparison.quotes_a``/``quotes_b``."""

    a: int
    b: int
    #: ``"verbatim"`` (the same words, or one quote inside the other) or ``"paraphrase"``.
    kind: str
    score: float
    same_speaker: bool
    speaker: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "kind": self.kind,
            "score": round(self.score, 4),
            "same_speaker": self.same_speaker,
            "speaker": self.speaker,
        }


@dataclass(frozen=True, slots=True)
class FigurePair:
    """Two figures for the same thing, compared: a conflict when they cannot both be true."""

    #: Indices into ``Comparison.figures_a`` / ``figures_b``.
    a: int
    b: int
    #: What is counted, e.g. ``"killed (all)"``, ``"date"``.
    what: str
    a_text: str
    b_text: str
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    a_range: str
    b_range: str
    #: ``"aligned"`` (the sentences are paired) or ``"same-event"`` (they describe one event).
    basis: str
    #: Whether the two ranges cannot overlap.
    conflict: bool
    reason: str
    #: For conflicting counts: how far apart the ranges are (higher low / lower high); else 0.
    gap: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "what": self.what,
            "a_text": self.a_text,
            "b_text": self.b_text,
            "a_span": list(self.a_span),
            "b_span": list(self.b_span),
            "a_range": self.a_range,
            "b_range": self.b_range,
            "basis": self.basis,
            "conflict": self.conflict,
            "reason": self.reason,
            "gap": None if math.isinf(self.gap) else round(self.gap, 3),
        }


@dataclass(frozen=True, slots=True)
class EntityRef:
    """One canonical entity and how often each side mentions it (with the spellings each uses)."""

    id: str
    name: str
    kind: str
    a_mentions: int
    b_mentions: int
    a_names: tuple[str, ...]
    b_names: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "a_mentions": self.a_mentions,
            "b_mentions": self.b_mentions,
            "a_names": list(self.a_names),
            "b_names": list(self.b_names),
        }


@dataclass(frozen=True, slots=True)
class Summary:
    a_sentences: int
    b_sentences: int
    a_aligned: int
    b_aligned: int
    same: int
    paraphrase: int
    shared_quotes: int
    conflicts: int
    entities_both: int
    entities_only_a: int
    entities_only_b: int

    @property
    def a_share(self) -> float:
        """Share of A's sentences that have a counterpart in B."""
        return self.a_aligned / self.a_sentences if self.a_sentences else 0.0

    @property
    def b_share(self) -> float:
        return self.b_aligned / self.b_sentences if self.b_sentences else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "a_sentences": self.a_sentences,
            "b_sentences": self.b_sentences,
            "a_aligned": self.a_aligned,
            "b_aligned": self.b_aligned,
            "a_share": round(self.a_share, 4),
            "b_share": round(self.b_share, 4),
            "same": self.same,
            "paraphrase": self.paraphrase,
            "shared_quotes": self.shared_quotes,
            "conflicts": self.conflicts,
            "entities_both": self.entities_both,
            "entities_only_a": self.entities_only_a,
            "entities_only_b": self.entities_only_b,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything ``compare(a, b)`` found. Offsets index each side's ``Article.text``."""

    a: ArticleRef
    b: ArticleRef
    summary: Summary
    pairs: tuple[SentencePair, ...]
    unique_a: tuple[UniqueSentence, ...]
    unique_b: tuple[UniqueSentence, ...]
    quotes_a: tuple[Quote, ...]
    quotes_b: tuple[Quote, ...]
    shared_quotes: tuple[QuoteMatch, ...]
    figures_a: tuple[Figure, ...]
    figures_b: tuple[Figure, ...]
    conflicts: tuple[FigurePair, ...]
    #: Figures of one thing that were compared and can both be true ("more than 170" and "169 + 13").
    agreements: tuple[FigurePair, ...]
    entities_both: tuple[EntityRef, ...]
    entities_only_a: tuple[EntityRef, ...]
    entities_only_b: tuple[EntityRef, ...]

    def counterpart(self, side: str, index: int) -> SentencePair | None:
        """The pair holding sentence ``index`` of side ``"a"`` or ``"b"``, if it has a counterpart."""
        for pair in self.pairs:
            if index in (pair.a if side == "a" else pair.b):
                return pair
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "summary": self.summary.to_dict(),
            "pairs": [p.to_dict() for p in self.pairs],
            "unique_a": [u.to_dict() for u in self.unique_a],
            "unique_b": [u.to_dict() for u in self.unique_b],
            "quotes_a": [q.to_dict() for q in self.quotes_a],
            "quotes_b": [q.to_dict() for q in self.quotes_b],
            "shared_quotes": [m.to_dict() for m in self.shared_quotes],
            "figures_a": [f.to_dict() for f in self.figures_a],
            "figures_b": [f.to_dict() for f in self.figures_b],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "agreements": [c.to_dict() for c in self.agreements],
            "entities": {
                "both": [e.to_dict() for e in self.entities_both],
                "only_a": [e.to_dict() for e in self.entities_only_a],
                "only_b": [e.to_dict() for e in self.entities_only_b],
            },
        }


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
class _Profile:
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


def _within(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in spans)


class _Mentions:
    """An article's mentions of entities (of the kinds compared), found by position."""

    def __init__(self, article: Article) -> None:
        self.entities = sorted(
            (e for e in article.entities if label_kind(e.label) in ENTITY_KINDS), key=lambda e: e.start
        )
        self.starts = [e.start for e in self.entities]

    def between(self, start: int, end: int) -> list[EntitySpan]:
        return self.entities[bisect_left(self.starts, start) : bisect_left(self.starts, end)]


def _profiles(article: Article, figures: FigureSet, quotes: Sequence[Quote]) -> list[_Profile]:
    text = article.text
    n = max(1, len(article.sentences))
    mentions_of = _Mentions(article)
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
            elif figure.kind == "count" and figure.low == figure.high:
                numbers[f"{figure.low:g}"] = figure.text
        profiles.append(
            _Profile(
                index=index,
                start=start,
                end=end,
                terms=terms,
                entities={entity_key(e): e.canonical or e.text for e in inside},
                numbers=numbers,
                speakers=frozenset(_surname(q) for q in overlapping if q.speaker is not None),
                position=(index + 0.5) / n,
                quoted_terms=frozenset(t for t, (a, _) in terms.items() if _within(a, quoted)),
                entity_terms=frozenset(t for t, (a, _) in terms.items() if _within(a, mentions)),
                norm=_words(text[start:end]),
            )
        )
    return profiles


def _surname(quote: Quote) -> str:
    """A speaker's surname: translations spell first names differently (Zabihullah, Sabihullah), and one
    article's "Mujahid" is another's "Zabihullah Mujahid"."""
    speaker = quote.speaker
    assert speaker is not None
    name = speaker.entity_id.split(":", 1)[-1] if speaker.entity_id else normalise_name(speaker.name)
    words = name.split()
    return words[-1] if words else ""


# --- scoring ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Score:
    score: float
    lexical: float
    containment: float
    shared: tuple[str, ...]
    entities: tuple[str, ...]
    numbers: tuple[str, ...]
    quote: bool
    speaker: bool
    #: Shared terms outside entity names: what the sentences say, beyond whom they name.
    distinct: int
    identical: bool = False


def _local_idf(profiles: Sequence[_Profile], attribute: str) -> dict[str, float]:
    df: Counter[str] = Counter()
    for profile in profiles:
        df.update(list(getattr(profile, attribute)))
    n = len(profiles)
    return {key: math.log(1 + n / count) for key, count in df.items()}


def _term_weights(profiles: Sequence[_Profile], weights: Weights | None) -> dict[str, float]:
    """How much a shared term says: its rarity among both articles' sentences (squared, as the two factors
    of a TF-IDF product would be), or that rarity times its corpus-wide IDF when the index provides one."""
    local = _local_idf(profiles, "terms")
    if weights is None:
        return {t: w * w for t, w in local.items()}
    lookup = weights.get if isinstance(weights, Mapping) else weights
    out = {}
    for term, w in local.items():
        corpus = lookup(term)
        out[term] = w * corpus if corpus else w * w
    return out


class _Scorer:
    """Scores sentence pairs of two articles (see the module docstring)."""

    def __init__(self, a: Sequence[_Profile], b: Sequence[_Profile], weights: Weights | None) -> None:
        everything = [*a, *b]
        self.tw = _term_weights(everything, weights)
        self.ew = {k: w * w for k, w in _local_idf(everything, "entities").items()}
        self._totals: dict[int, tuple[float, float]] = {}

    def totals(self, profile: _Profile) -> tuple[float, float]:
        """The summed weights of a profile's terms and of its entities."""
        found = self._totals.get(id(profile))
        if found is None:
            tw, ew = self.tw, self.ew
            found = (sum(tw[t] for t in profile.terms), sum(ew.get(k, 0.0) for k in profile.entities))
            self._totals[id(profile)] = found
        return found

    def score(self, x: _Profile, y: _Profile) -> _Score:
        tw, ew = self.tw, self.ew
        wx, ex = self.totals(x)
        wy, ey = self.totals(y)
        y_terms = y.terms
        shared = [t for t in x.terms if t in y_terms]
        ws = 0.0
        for t in shared:
            ws += tw[t]
        lexical = 2 * ws / (wx + wy + SMOOTHING)
        lighter = min(wx, wy)
        containment = ws / lighter if lighter else 0.0
        y_entities = y.entities
        ents = [k for k in x.entities if k in y_entities]
        entity = 2 * sum(ew[k] for k in ents) / (ex + ey) if ents else 0.0
        y_numbers = y.numbers
        numbers = [k for k in x.numbers if k in y_numbers]
        # Quotation evidence counts only when the quoted words agree: two quotes of one spokesman are not one
        # statement.
        quote = False
        if x.quoted_terms and y.quoted_terms:
            both = x.quoted_terms & y.quoted_terms
            quote = sum(1 for t in shared if t in both) >= 2
        speaker = quote and bool(x.speakers & y.speakers)
        identical = bool(x.norm) and x.norm == y.norm
        score = (
            identical
            + lexical
            + BONUS_ENTITY * entity
            + BONUS_NUMBER * min(2, len(numbers))
            + BONUS_QUOTE * quote
            + BONUS_SPEAKER * speaker
            + BONUS_POSITION * (1 - abs(x.position - y.position))
        )
        names = x.entity_terms | y.entity_terms
        return _Score(
            score=score,
            lexical=lexical,
            containment=containment,
            shared=tuple(shared),
            entities=tuple(ents),
            numbers=tuple(numbers),
            quote=quote,
            speaker=speaker,
            distinct=sum(1 for t in shared if t not in names),
            identical=identical,
        )

    def pairs(self, a: Sequence[_Profile], b: Sequence[_Profile]) -> dict[tuple[int, int], _Score]:
        """Scores of every pair sharing a term, an entity or a number, after competition."""
        index: dict[str, list[int]] = defaultdict(list)
        for y in b:
            for key in _keys(y):
                index[key].append(y.index)
        raw: dict[tuple[int, int], _Score] = {}
        for x in a:
            candidates = {j for key in _keys(x) for j in index.get(key, ())}
            for j in candidates:
                raw[(x.index, j)] = self.score(x, b[j])
        by_a: dict[int, list[float]] = defaultdict(list)
        by_b: dict[int, list[float]] = defaultdict(list)
        for (i, j), s in raw.items():
            by_a[i].append(s.score)
            by_b[j].append(s.score)
        top_a = {i: sorted(v, reverse=True)[:4] for i, v in by_a.items()}
        top_b = {j: sorted(v, reverse=True)[:4] for j, v in by_b.items()}
        penalties = {}
        for (i, j), s in raw.items():
            rivals_a = _without_once(top_a[i], s.score)[:3]
            rivals_b = _without_once(top_b[j], s.score)[:3]
            penalties[(i, j)] = COMPETITION * 0.5 * (_mean(rivals_a) + _mean(rivals_b))
        for key, penalty in penalties.items():
            raw[key].score -= penalty
        return raw


def _keys(profile: _Profile) -> list[str]:
    return [*profile.terms, *("e:" + k for k in profile.entities), *("n:" + k for k in profile.numbers)]


def _without_once(values: list[float], value: float) -> list[float]:
    out = list(values)
    if value in out:
        out.remove(value)
    return out


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _enough(s: _Score) -> bool:
    """Two sentences are one statement only if they share what is said, not just who or where: two words
    beyond entity names, or one word and a number or quoted words; or the very same words ("REUTER")."""
    return s.identical or s.distinct >= 2 or (s.distinct >= 1 and (bool(s.numbers) or s.quote))


def _link(pairs: Mapping[tuple[int, int], _Score]) -> list[tuple[list[int], list[int]]]:
    """Competitive linking, then splits: the best pairs first, each sentence used once; then a leftover
    sentence joins the pair of its best counterpart when it sits next to that pair's own sentence."""
    ranked = sorted(pairs.items(), key=lambda item: (-item[1].score, item[0]))
    group_of_a: dict[int, int] = {}
    group_of_b: dict[int, int] = {}
    groups: list[tuple[list[int], list[int]]] = []
    for (i, j), s in ranked:
        if s.score < ALIGN_THRESHOLD:
            break
        if i in group_of_a or j in group_of_b or not _enough(s):
            continue
        group_of_a[i] = group_of_b[j] = len(groups)
        groups.append(([i], [j]))
    for (i, j), s in ranked:
        if s.score < SPLIT_THRESHOLD:
            break
        if s.containment < SPLIT_CONTAINMENT or not _enough(s):
            continue
        if i not in group_of_a and j in group_of_b:
            g = group_of_b[j]
            if any(abs(i - k) == 1 for k in groups[g][0]):
                groups[g][0].append(i)
                group_of_a[i] = g
        elif j not in group_of_b and i in group_of_a:
            g = group_of_a[i]
            if any(abs(j - k) == 1 for k in groups[g][1]):
                groups[g][1].append(j)
                group_of_b[j] = g
    for side_a, side_b in groups:
        side_a.sort()
        side_b.sort()
    groups.sort(key=lambda g: (g[0][0], g[1][0]))
    return groups


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _pair(
    scorer: _Scorer,
    a: Article,
    b: Article,
    pa: Sequence[_Profile],
    pb: Sequence[_Profile],
    group: tuple[list[int], list[int]],
    pairs: Mapping[tuple[int, int], _Score],
) -> SentencePair:
    ia, ib = group
    a_span = (a.sentences[ia[0]][0], a.sentences[ia[-1]][1])
    b_span = (b.sentences[ib[0]][0], b.sentences[ib[-1]][1])
    a_text, b_text = a.text[a_span[0] : a_span[1]], b.text[b_span[0] : b_span[1]]
    scores = [pairs[(i, j)] for i in ia for j in ib if (i, j) in pairs]
    best = max(scores, key=lambda s: s.score)
    terms: dict[str, SharedTerm] = {}
    names: dict[str, str] = {}
    numbers: list[str] = []
    for i in ia:
        for j in ib:
            s = pairs.get((i, j))
            if s is None:
                continue
            for t in sorted(s.shared, key=lambda t: -scorer.tw[t]):
                span = pa[i].terms[t]
                terms.setdefault(t, SharedTerm(t, a.text[span[0] : span[1]], span, pb[j].terms[t]))
            for k in s.entities:
                names.setdefault(k, pa[i].entities[k])
            numbers.extend(n for n in s.numbers if n not in numbers)
    ratio = fuzz.ratio(_words(a_text), _words(b_text))
    return SentencePair(
        a=tuple(ia),
        b=tuple(ib),
        kind="same" if ratio >= SAME_RATIO else "paraphrase",
        score=best.score,
        a_span=a_span,
        b_span=b_span,
        a_text=a_text,
        b_text=b_text,
        evidence=Evidence(
            terms=tuple(terms.values()),
            entities=tuple(names.items()),
            numbers=tuple(numbers),
            quote=any(s.quote for s in scores),
            speaker=any(s.speaker for s in scores),
            lexical=max(s.lexical for s in scores),
        ),
    )


def _is_sentence(article: Article, index: int) -> bool:
    """A sentence has a word; a lone "." left by the splitter is not one."""
    start, end = article.sentences[index]
    return bool(re.search(r"\w", article.text[start:end]))


# --- quotes -----------------------------------------------------------------------------------------------


def _match_quotes(
    qa: Sequence[Quote],
    qb: Sequence[Quote],
    scorer: _Scorer,
    a: Article,
    b: Article,
    aligned: set[tuple[int, int]],
) -> list[QuoteMatch]:
    """A's quotations found in B, best first, each used once: verbatim when one's words are (nearly) inside
    the other's; paraphrase when the quoted words agree enough, or somewhat and their sentences are aligned."""
    candidates: list[tuple[float, int, int, str]] = []
    names_a, names_b = _Mentions(a), _Mentions(b)
    profiles_a = [_quote_profile(a, q, i, names_a, scorer.tw) for i, q in enumerate(qa)]
    profiles_b = [_quote_profile(b, q, j, names_b, scorer.tw) for j, q in enumerate(qb)]
    having: dict[str, set[int]] = defaultdict(set)
    for j, profile in enumerate(profiles_b):
        for t in profile.terms:
            having[t].add(j)
    for i, x in enumerate(qa):
        # Quotes that share no word can be neither the same words nor the same statement.
        for j in sorted({j for t in profiles_a[i].terms for j in having.get(t, ())}):
            y = qb[j]
            if not (x.is_statement or y.is_statement):
                continue
            wa, wb = _words(x.text), _words(y.text)
            shorter = min(len(wa.split()), len(wb.split()))
            if shorter >= 2 and fuzz.partial_ratio(wa, wb) >= VERBATIM_RATIO:
                candidates.append((1.0 + fuzz.ratio(wa, wb) / 1000, i, j, "verbatim"))
                continue
            s = scorer.score(profiles_a[i], profiles_b[j])
            if s.distinct < 2:
                continue
            together = any((si, sj) in aligned for si in _sentences_of(a, x) for sj in _sentences_of(b, y))
            if s.lexical >= QUOTE_PARAPHRASE or (together and s.lexical >= QUOTE_PARAPHRASE / 2):
                candidates.append((s.lexical, i, j, "paraphrase"))
    matches: list[QuoteMatch] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for score, i, j, kind in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        sa, sb = qa[i].speaker, qb[j].speaker
        same = bool(sa and sb and _surname(qa[i]) == _surname(qb[j]))
        speaker = (sa or sb).name if (sa or sb) else ""
        matches.append(QuoteMatch(i, j, kind, min(score, 1.0), same, speaker))
    matches.sort(key=lambda m: (m.a, m.b))
    return matches


def _quote_profile(
    article: Article, quote: Quote, index: int, mentions: _Mentions, known: Mapping[str, float]
) -> _Profile:
    """A quotation's words as a profile, to score it against another with the sentences' term weights."""
    terms: dict[str, tuple[int, int]] = {}
    for start, end in quote.parts:
        for t, span in sentence_terms(article.text, start, end).items():
            if t in known:
                terms.setdefault(t, span)
    names = [(e.start, e.end) for e in mentions.between(quote.start, quote.end)]
    return _Profile(
        index=index,
        start=quote.start,
        end=quote.end,
        terms=terms,
        entities={},
        numbers={},
        speakers=frozenset(),
        position=0.5,
        quoted_terms=frozenset(terms),
        entity_terms=frozenset(t for t, (s, _) in terms.items() if _within(s, names)),
    )


def _sentences_of(article: Article, quote: Quote) -> list[int]:
    return [i for i, (s, e) in enumerate(article.sentences) if s < quote.end and e > quote.start]


# --- figures ----------------------------------------------------------------------------------------------


def _event_profiles(profiles: Sequence[_Profile]) -> list[_Profile]:
    """Each sentence together with the one before it: "The blast killed 169 Afghans ..." is about the bombing
    its previous sentence names."""
    out = []
    for p in profiles:
        prev = profiles[p.index - 1] if p.index > 0 else None
        if prev is None:
            out.append(p)
            continue
        out.append(
            _Profile(
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
    """Per sentence, the keys of its counts of something that happened (killed, injured, arrested, ...)."""
    out: dict[int, set[tuple[str, str, str]]] = defaultdict(set)
    for figure in figures.figures:
        if figure.kind != "date" and figure.measure and figure.sentence >= 0:
            out[figure.sentence].add(figure.key)
    return out


def _event_words(
    x: _Profile, y: _Profile, spans_x: Sequence[tuple[int, int]], spans_y: Sequence[tuple[int, int]]
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
        and not _within(a, spans_x)
        and not _within(y.terms[t][0], spans_y)
    ]


def _compare_figures(
    fa: FigureSet,
    fb: FigureSet,
    pairs: Sequence[SentencePair],
    pa: Sequence[_Profile],
    pb: Sequence[_Profile],
) -> tuple[list[FigurePair], list[FigurePair]]:
    """Conflicts and agreements: figures of one key in aligned sentences, or in sentences about one event.

    Counts of something that happened (killed, arrested, ...) are compared in aligned sentences and in
    sentences about the same event; dates in aligned sentences; plain counts ("9.0 mln dlrs") only in aligned
    sentences that also share a number or most of their words, since templated lines ("Oper net 120,800,000
    vs 150,100,000") of two different companies align without being about one thing, and only when they
    count something named (a bare number in a table row is not). Where both sides give
    several figures of one key, they are paired in order ("X vs Y" against "X' vs Y'"), and a figure
    conflicts only when none of the other side's figures of its key agrees with it, so "13 Americans" meets
    "13 members of the US army" even beside a total that differs. Each pair of figures is reported once.
    """
    pairings: list[tuple[tuple[int, ...], tuple[int, ...], str, bool]] = [
        (p.a, p.b, "aligned", bool(p.evidence.numbers) or p.evidence.lexical >= PLAIN_COUNT_LEXICAL) for p in pairs
    ]
    measured_a = _measured(fa)
    measured_b = _measured(fb)
    if measured_a and measured_b:
        ea, eb = _event_profiles(pa), _event_profiles(pb)
        aligned = {(i, j) for p in pairs for i in p.a for j in p.b}
        spans_a = [(f.start, f.end) for f in fa.figures]
        spans_b = [(f.start, f.end) for f in fb.figures]
        for i, keys_a in sorted(measured_a.items()):
            for j, keys_b in sorted(measured_b.items()):
                if (i, j) in aligned or not keys_a & keys_b:
                    continue
                if _event_words(ea[i], eb[j], spans_a, spans_b):
                    pairings.append(((i,), (j,), "same-event", False))
    conflicts: dict[tuple[int, int], FigurePair] = {}
    agreements: dict[tuple[int, int], FigurePair] = {}
    for ga, gb, basis, plain in pairings:
        keyed_a = _comparable(fa, ga, basis, plain)
        keyed_b = _comparable(fb, gb, basis, plain)
        keys = keyed_a.keys() & keyed_b.keys()
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
                conflicts.setdefault((i, j), _figure_pair(i, j, x, y, basis, conflict=True))
    order = lambda c: (c.a_span, c.b_span)  # noqa: E731
    return sorted(conflicts.values(), key=order), sorted(agreements.values(), key=order)


def _comparable(
    figures: FigureSet, sentences: Sequence[int], basis: str, plain: bool
) -> dict[tuple[str, str, str], list[int]]:
    """The figures of ``sentences`` that may be compared on this basis, by key, in text order."""
    out: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for s in sentences:
        for i in figures.by_sentence.get(s, ()):
            f = figures.figures[i]
            if f.group == "all-part":
                continue
            if f.kind == "date" and basis != "aligned":
                continue
            if f.kind != "date" and not f.measure and not (plain and f.noun):
                continue
            out[f.key].append(i)
    return out


def _figure_pair(i: int, j: int, x: Figure, y: Figure, basis: str, *, conflict: bool = False) -> FigurePair:
    gap = 0.0
    if not conflict:
        reason = f"{x.range_text()} and {y.range_text()} can both be true"
    elif x.kind == "date":
        reason = f"{x.text!r} is {x.date_text()}, {y.text!r} is {y.date_text()}"
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


# --- entities ---------------------------------------------------------------------------------------------


def _entity_counts(article: Article) -> dict[str, tuple[str, str, Counter[str]]]:
    found: dict[str, tuple[str, str, Counter[str]]] = {}
    for e in article.entities:
        kind = label_kind(e.label)
        if kind not in ENTITY_KINDS:
            continue
        key = entity_key(e)
        if key not in found:
            found[key] = (e.canonical, kind, Counter())
        found[key][2][" ".join(e.text.split())] += 1
    return found


def _entity_refs(a: Article, b: Article) -> tuple[list[EntityRef], list[EntityRef], list[EntityRef]]:
    ca, cb = _entity_counts(a), _entity_counts(b)
    both, only_a, only_b = [], [], []
    for key in sorted(set(ca) | set(cb)):
        canon_a, kind_a, names_a = ca.get(key, ("", "", Counter()))
        canon_b, kind_b, names_b = cb.get(key, ("", "", Counter()))
        spelled = names_a + names_b
        name = canon_a or canon_b or spelled.most_common(1)[0][0]
        ref = EntityRef(
            id=key,
            name=name,
            kind=kind_a or kind_b,
            a_mentions=sum(names_a.values()),
            b_mentions=sum(names_b.values()),
            a_names=tuple(sorted(names_a)),
            b_names=tuple(sorted(names_b)),
        )
        (both if names_a and names_b else only_a if names_a else only_b).append(ref)
    order = lambda r: (-(r.a_mentions + r.b_mentions), r.name.lower())  # noqa: E731
    return sorted(both, key=order), sorted(only_a, key=order), sorted(only_b, key=order)


# --- the entry point --------------------------------------------------------------------------------------


def compare(a: Article, b: Article, *, weights: Weights | None = None) -> Comparison:
    """Compare article ``a`` with article ``b`` (both annotated: sentences and entities).

    ``weights`` gives a corpus-wide IDF for an index term (``Library.term_weights()``); without it, terms are
    weighted by their rarity among the two articles' sentences only.
    """
    figures_a = FigureSet.of(a.text, a.sentences, a.published)
    figures_b = FigureSet.of(b.text, b.sentences, b.published)
    quotes_a = extract_quotes(a.text, a.entities)
    quotes_b = extract_quotes(b.text, b.entities)
    pa = _profiles(a, figures_a, quotes_a)
    pb = _profiles(b, figures_b, quotes_b)
    scorer = _Scorer(pa, pb, weights)
    scores = scorer.pairs(pa, pb)
    real_a = {i for i in range(len(a.sentences)) if _is_sentence(a, i)}
    real_b = {j for j in range(len(b.sentences)) if _is_sentence(b, j)}
    scores = {k: v for k, v in scores.items() if k[0] in real_a and k[1] in real_b}
    groups = _link(scores)
    pairs = [_pair(scorer, a, b, pa, pb, g, scores) for g in groups]
    aligned_a = {i for g in groups for i in g[0]}
    aligned_b = {j for g in groups for j in g[1]}
    unique_a = _uniques(a, aligned_a)
    unique_b = _uniques(b, aligned_b)
    aligned = {(i, j) for ga, gb in groups for i in ga for j in gb}
    shared_quotes = _match_quotes(quotes_a, quotes_b, scorer, a, b, aligned)
    conflicts, agreements = _compare_figures(figures_a, figures_b, pairs, pa, pb)
    both, only_a, only_b = _entity_refs(a, b)
    summary = Summary(
        a_sentences=len(real_a),
        b_sentences=len(real_b),
        a_aligned=len(aligned_a),
        b_aligned=len(aligned_b),
        same=sum(1 for p in pairs if p.kind == "same"),
        paraphrase=sum(1 for p in pairs if p.kind == "paraphrase"),
        shared_quotes=len(shared_quotes),
        conflicts=len(conflicts),
        entities_both=len(both),
        entities_only_a=len(only_a),
        entities_only_b=len(only_b),
    )
    return Comparison(
        a=_ref(a),
        b=_ref(b),
        summary=summary,
        pairs=tuple(pairs),
        unique_a=tuple(unique_a),
        unique_b=tuple(unique_b),
        quotes_a=tuple(quotes_a),
        quotes_b=tuple(quotes_b),
        shared_quotes=tuple(shared_quotes),
        figures_a=figures_a.figures,
        figures_b=figures_b.figures,
        conflicts=tuple(conflicts),
        agreements=tuple(agreements),
        entities_both=tuple(both),
        entities_only_a=tuple(only_a),
        entities_only_b=tuple(only_b),
    )


def _ref(article: Article) -> ArticleRef:
    return ArticleRef(
        id=article.id,
        title=article.title,
        source=article.source,
        published=article.published,
        sentences=len(article.sentences),
        words=article.words,
    )


def _uniques(article: Article, aligned: set[int]) -> list[UniqueSentence]:
    return [
        UniqueSentence(i, s, e, article.text[s:e])
        for i, (s, e) in enumerate(article.sentences)
        if i not in aligned and _is_sentence(article, i)
    ]


# --- reports ----------------------------------------------------------------------------------------------


def _flat(text: str) -> str:
    """One line: article text keeps its own line breaks, a report line must not."""
    return " ".join(text.split())


def _percent(part: int, whole: int) -> str:
    return f"{part} of {whole} ({round(100 * part / whole) if whole else 0}%)"


def _side_line(ref: ArticleRef) -> str:
    details = ", ".join(x for x in (ref.source, ref.published) if x)
    return f"{ref.title}" + (f" ({details})" if details else "") + f" [{ref.id}]"


def _entity_list(refs: Sequence[EntityRef], limit: int = 30) -> str:
    shown = [
        f"{r.name} (A {r.a_mentions}, B {r.b_mentions})"
        if r.a_mentions and r.b_mentions
        else f"{r.name} ({r.a_mentions or r.b_mentions})"
        for r in refs[:limit]
    ]
    more = f", and {len(refs) - limit} more" if len(refs) > limit else ""
    return (", ".join(shown) + more) if shown else "none"


def _evidence_words(pair: SentencePair, limit: int = 6) -> str:
    words = [t.word for t in pair.evidence.terms[:limit]]
    names = [name for _, name in pair.evidence.entities[:4]]
    parts = []
    if words:
        parts.append("words: " + ", ".join(words))
    if names:
        parts.append("names: " + ", ".join(names))
    if pair.evidence.numbers:
        parts.append("numbers: " + ", ".join(pair.evidence.numbers))
    if pair.evidence.quote:
        parts.append("same speaker's quote" if pair.evidence.speaker else "quoted words")
    return "; ".join(parts)


def format_text(comparison: Comparison) -> str:
    """The comparison as plain terminal text (the CLI neutralises control characters before printing)."""
    c, s = comparison, comparison.summary
    lines = [
        f"A: {_side_line(c.a)}",
        f"B: {_side_line(c.b)}",
        "",
        f"Sentences with a counterpart: A {_percent(s.a_aligned, s.a_sentences)}, "
        f"B {_percent(s.b_aligned, s.b_sentences)}; {s.same} same, {s.paraphrase} paraphrased.",
        f"Shared quotes: {s.shared_quotes}. Conflicting figures: {s.conflicts}.",
    ]
    lines += ["", f"CONFLICTING FIGURES ({len(c.conflicts)})"]
    for x in c.conflicts:
        lines.append(f'  {x.what}: A "{_flat(x.a_text)}" ({x.a_range}) vs B "{_flat(x.b_text)}" ({x.b_range})')
        lines.append(f"    {x.reason}; {'sentences aligned' if x.basis == 'aligned' else 'same event'}")
    if c.agreements:
        lines += ["", f"FIGURES THAT AGREE ({len(c.agreements)})"]
        for x in c.agreements:
            lines.append(f'  {x.what}: A "{_flat(x.a_text)}" ({x.a_range}) ~ B "{_flat(x.b_text)}" ({x.b_range})')
    lines += ["", f"SHARED QUOTES ({len(c.shared_quotes)})"]
    for m in c.shared_quotes:
        who = f"{m.speaker}: " if m.speaker else ""
        lines.append(f"  [{m.kind}] {who}")
        lines.append(f"    A: \u201c{_flat(c.quotes_a[m.a].text)}\u201d")
        lines.append(f"    B: \u201c{_flat(c.quotes_b[m.b].text)}\u201d")
    lines += ["", f"ALIGNED SENTENCES ({len(c.pairs)})"]
    for p in c.pairs:
        where = f"A{'+'.join(str(i + 1) for i in p.a)} ~ B{'+'.join(str(j + 1) for j in p.b)}"
        lines.append(f"  {where}  {p.kind}, score {p.score:.2f}  ({_evidence_words(p)})")
        lines.append(f"    A: {_flat(p.a_text)}")
        lines.append(f"    B: {_flat(p.b_text)}")
    for label, uniques in (("ONLY IN A", c.unique_a), ("ONLY IN B", c.unique_b)):
        lines += ["", f"{label} ({len(uniques)})"]
        side = label[-1]
        lines += [f"  {side}{u.index + 1}: {_flat(u.text)}" for u in uniques]
    lines += [
        "",
        "ENTITIES",
        f"  In both: {_entity_list(c.entities_both)}",
        f"  Only in A: {_entity_list(c.entities_only_a)}",
        f"  Only in B: {_entity_list(c.entities_only_b)}",
    ]
    return "\n".join(lines) + "\n"


#: Characters Markdown acts on inside a line: emphasis, code, links, HTML, table cells, strikethrough.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def _md(text: str) -> str:
    """Article text as literal Markdown: one line, with every character Markdown could act on escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _flat(text))


def format_markdown(comparison: Comparison) -> str:
    """The comparison as a Markdown report a reader can paste into notes."""
    c, s = comparison, comparison.summary
    out = [
        f"# Comparison: {_md(c.a.title)} / {_md(c.b.title)}",
        "",
        "| | A | B |",
        "| --- | --- | --- |",
        f"| Article | {_md(c.a.title)} | {_md(c.b.title)} |",
        f"| Source | {_md(c.a.source) or 'unknown'} | {_md(c.b.source) or 'unknown'} |",
        f"| Published | {_md(c.a.published) or 'unknown'} | {_md(c.b.published) or 'unknown'} |",
        f"| Id | `{c.a.id}` | `{c.b.id}` |",
        f"| Sentences with a counterpart | {_percent(s.a_aligned, s.a_sentences)} "
        f"| {_percent(s.b_aligned, s.b_sentences)} |",
        f"| Entities only here | {s.entities_only_a} | {s.entities_only_b} |",
        "",
        f"**Same wording:** {s.same} · **Paraphrased:** {s.paraphrase} · **Shared quotes:** {s.shared_quotes} · "
        f"**Conflicting figures:** {s.conflicts}",
        "",
        "## Conflicting figures",
        "",
    ]
    out += [
        f"- **{_md(x.what)}**: A says “{_md(x.a_text)}” ({_md(x.a_range)}); B says “{_md(x.b_text)}” "
        f"({_md(x.b_range)}). {'The sentences are aligned' if x.basis == 'aligned' else 'Same event'}; "
        f"{_md(x.reason)}."
        for x in c.conflicts
    ] or ["None found."]
    if c.agreements:
        out += ["", "## Figures that agree", ""]
        out += [
            f"- **{_md(x.what)}**: “{_md(x.a_text)}” ({_md(x.a_range)}) and “{_md(x.b_text)}” ({_md(x.b_range)})"
            for x in c.agreements
        ]
    out += ["", "## Shared quotes", ""]
    for m in c.shared_quotes:
        who = f" — {_md(m.speaker)}" if m.speaker else ""
        out += [
            f"- *{m.kind}*{who}",
            f"  - A: “{_md(c.quotes_a[m.a].text)}”",
            f"  - B: “{_md(c.quotes_b[m.b].text)}”",
        ]
    if not c.shared_quotes:
        out.append("None found.")
    out += ["", "## Aligned sentences", ""]
    for number, p in enumerate(c.pairs, start=1):
        out += [
            f"{number}. **{p.kind}** (score {p.score:.2f}; {_md(_evidence_words(p))})",
            f"   - A: {_md(p.a_text)}",
            f"   - B: {_md(p.b_text)}",
        ]
    if not c.pairs:
        out.append("None found.")
    for label, uniques in (("Only in A", c.unique_a), ("Only in B", c.unique_b)):
        out += ["", f"## {label}", ""]
        out += [f"- {_md(u.text)}" for u in uniques] or ["Nothing."]
    out += [
        "",
        "## Entities",
        "",
        f"- **In both:** {_md(_entity_list(c.entities_both))}",
        f"- **Only in A:** {_md(_entity_list(c.entities_only_a))}",
        f"- **Only in B:** {_md(_entity_list(c.entities_only_b))}",
    ]
    return "\n".join(out) + "\n"
