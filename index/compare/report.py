"""What ``compare(a, b)`` returns: plain data that the CLI prints (``to_dict()`` as JSON; text and Markdown in
``reader.cli.compare``) and the reader's compare screen renders. The JSON schema is documented in
``docs/compare-json.md``; ``SCHEMA_VERSION`` changes whenever a key changes meaning or goes away."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .figure import Figure
from .quotes import Quote

SCHEMA_VERSION = 2

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
class OwnSentence:
    """A sentence of one side, as the report names it: ``index`` is its first piece's number among the article's
    own sentences, ``indices`` every piece's (more than one where the splitter cut it at a title abbreviation and
    comparison read it whole); ``start``/``end``/``text`` cover it whole."""

    index: int
    start: int
    end: int
    text: str
    indices: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.indices:
            object.__setattr__(self, "indices", (self.index,))

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "indices": list(self.indices), "start": self.start, "end": self.end,
                "text": self.text}


@dataclass(frozen=True, slots=True)
class UniqueSentence(OwnSentence):
    """A sentence with no counterpart on the other side."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SecondCounterpart(OwnSentence):
    """A sentence in no pair that says much what a sentence of the other side says, that sentence being paired
    already: a second counterpart of it (an article repeating its lede's facts lower down), neither unique nor a
    pair. ``like``: the other side's sentence (its pieces) and ``like_text`` its text, ``score``: how alike, as a
    pair's."""

    like: tuple[int, ...]
    like_text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        # Zero-argument super() does not work in a slotted dataclass (the class is made anew).
        return {**OwnSentence.to_dict(self), "like": list(self.like), "like_text": self.like_text,
                "score": round(self.score, 4)}


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
    #: ``"conflict"``, ``"update"`` (a count of what happened, higher in the later article), ``"differs"`` (two
    #: figures that disagree but may not count the same thing: a weaker signal than a conflict) or
    #: ``"agreement"``.
    kind: str = "agreement"
    #: The sentences that hold the two figures, so a reader can judge.
    a_sentence: str = ""
    b_sentence: str = ""
    #: How many more times the same disagreement recurs (same measure, same two ranges).
    repeats: int = 0

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
            "kind": self.kind,
            "a_sentence": self.a_sentence,
            "b_sentence": self.b_sentence,
            "repeats": self.repeats,
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
    updates: int
    entities_both: int
    entities_only_a: int
    entities_only_b: int
    #: Figures that disagree where it is not clear both count the same thing ("figures differ").
    differences: int = 0
    #: Sentences in no pair saying much what a paired sentence of the other side says (second counterparts).
    a_second: int = 0
    b_second: int = 0

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
            "a_second": self.a_second,
            "b_second": self.b_second,
            "a_share": round(self.a_share, 4),
            "b_share": round(self.b_share, 4),
            "same": self.same,
            "paraphrase": self.paraphrase,
            "shared_quotes": self.shared_quotes,
            "conflicts": self.conflicts,
            "updates": self.updates,
            "differences": self.differences,
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
    #: Counts of what happened that are higher in the later article (the toll grew): not contradictions.
    updates: tuple[FigurePair, ...]
    #: Figures of one thing that were compared and can both be true ("more than 170" and "169 + 13").
    agreements: tuple[FigurePair, ...]
    entities_both: tuple[EntityRef, ...]
    entities_only_a: tuple[EntityRef, ...]
    entities_only_b: tuple[EntityRef, ...]
    #: Sentences left out as site furniture, captions and credits (indices into each side's sentences).
    boilerplate_a: tuple[int, ...] = ()
    boilerplate_b: tuple[int, ...] = ()
    #: Figures that disagree where it is not clear both count the same thing of the same event (plain counts,
    #: dates, sums of money): "figures differ", for a reader to judge, never a conflict.
    differences: tuple[FigurePair, ...] = ()
    #: Sentences in no pair that say much what a paired sentence of the other side says (not unique).
    second_a: tuple[SecondCounterpart, ...] = ()
    second_b: tuple[SecondCounterpart, ...] = ()

    def counterpart(self, side: str, index: int) -> SentencePair | None:
        """The pair holding sentence ``index`` of side ``"a"`` or ``"b"``, if it has a counterpart."""
        for pair in self.pairs:
            if index in (pair.a if side == "a" else pair.b):
                return pair
        return None

    def second_counterpart(self, side: str, index: int) -> SecondCounterpart | None:
        """What sentence ``index`` of side ``"a"`` or ``"b"`` is a second counterpart of, if it is one."""
        for second in self.second_a if side == "a" else self.second_b:
            if index in second.indices:
                return second
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
            "updates": [c.to_dict() for c in self.updates],
            "agreements": [c.to_dict() for c in self.agreements],
            "differences": [c.to_dict() for c in self.differences],
            "second_counterparts": {"a": [x.to_dict() for x in self.second_a],
                                    "b": [x.to_dict() for x in self.second_b]},
            "boilerplate": {"a": list(self.boilerplate_a), "b": list(self.boilerplate_b)},
            "entities": {
                "both": [e.to_dict() for e in self.entities_both],
                "only_a": [e.to_dict() for e in self.entities_only_a],
                "only_b": [e.to_dict() for e in self.entities_only_b],
            },
        }


