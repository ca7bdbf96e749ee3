"""Compare two articles: aligned sentences, shared quotes, conflicting figures, entity differences.

``compare(a, b)`` returns a :class:`Comparison` (``report``). The stages, one module each: ``sentences`` (what
each sentence holds, and which are not content), ``align`` (counterpart sentences and matching quotations),
``numbers`` and ``dates`` (how the text writes them), ``figure`` (the record), ``claims`` (figures with what they
count), ``quotes`` (direct quotations and their speakers), ``conflicts`` (claims of one measure compared) and
``report`` (the result); ``reading`` keeps what was read of the last few articles. Nothing here imports spaCy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import replace
from typing import Any, TypeVar

from ..models import Article, label_kind
from .align import Scorer, Weights, link, match_quotes, pair, second_counterparts
from .claims import FigureSet, extract_figures, ranges_overlap
from .conflicts import compare_figures
from .dates import extract_dates
from .figure import Figure, sentence_of
from .quotes import Quote, Speaker, extract_quotes
from .reading import forget, read
from .report import (
    SCHEMA_VERSION,
    ArticleRef,
    Comparison,
    EntityRef,
    Evidence,
    FigurePair,
    OwnSentence,
    QuoteMatch,
    SecondCounterpart,
    SentencePair,
    SharedTerm,
    Summary,
    UniqueSentence,
)
from .sentences import (
    ENTITY_KINDS,
    Joined,
    boilerplate,
    entity_key,
    is_sentence,
    recurring_sentences,
    sentence_key,
    source_furniture,
)

__all__ = [
    "SCHEMA_VERSION",
    "ArticleRef",
    "Comparison",
    "EntityRef",
    "Evidence",
    "Figure",
    "FigurePair",
    "FigureSet",
    "Quote",
    "QuoteMatch",
    "SecondCounterpart",
    "SentencePair",
    "SharedTerm",
    "Speaker",
    "Summary",
    "UniqueSentence",
    "Weights",
    "compare",
    "entity_key",
    "extract_dates",
    "extract_figures",
    "extract_quotes",
    "forget",
    "ranges_overlap",
    "recurring_sentences",
    "sentence_key",
    "source_furniture",
]

#: A unique sentence or a second counterpart: what the report numbers by the article's own sentences.
Own = TypeVar("Own", bound=OwnSentence)


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


def compare(
    a: Article, b: Article, *, weights: Weights | None = None, recurring: Collection[str] = ()
) -> Comparison:
    """Compare article ``a`` with article ``b`` (both annotated: sentences and entities).

    A sentence the splitter ended on a title abbreviation ("former Sens." | "John Ashcroft, Kit Bond ...") is
    read as one with the next (:class:`~index.compare.sentences.Joined`); what is reported still indexes each
    article's own sentences: a pair holding such a sentence lists both of its pieces.

    ``weights`` gives a corpus-wide IDF for an index term (``Library.term_weights()``); without it, terms are
    weighted by their rarity among the two articles' sentences only. ``recurring`` holds sentences (as
    :func:`sentence_key` gives them) that recur across many articles of a source or of the corpus: site
    furniture, newsletter forms. They, and the captions and credits each article holds, are left out: not
    aligned, not unique, not read for figures.
    """
    joined_a, joined_b = Joined.of(a), Joined.of(b)
    found = _compare(joined_a.article, joined_b.article, weights=weights, recurring=recurring)
    if joined_a.changed or joined_b.changed:
        return _in_own_sentences(found, joined_a, joined_b)
    return found


def _in_own_sentences(found: Comparison, joined_a: Joined, joined_b: Joined) -> Comparison:
    """``found`` (a comparison of the joined sentences) with every sentence index back in each article's own
    sentences."""
    a, b = joined_a.original, joined_b.original
    pairs = tuple(replace(p, a=joined_a.originals(p.a), b=joined_b.originals(p.b)) for p in found.pairs)
    furniture_a = joined_a.originals(found.boilerplate_a)
    furniture_b = joined_b.originals(found.boilerplate_b)
    aligned_a = {i for p in pairs for i in p.a}
    aligned_b = {j for p in pairs for j in p.b}
    real_a = sum(1 for i in range(len(a.sentences)) if is_sentence(a, i) and i not in furniture_a)
    real_b = sum(1 for j in range(len(b.sentences)) if is_sentence(b, j) and j not in furniture_b)
    return replace(
        found,
        a=_ref(a),
        b=_ref(b),
        summary=replace(found.summary, a_sentences=real_a, b_sentences=real_b, a_aligned=len(aligned_a),
                        b_aligned=len(aligned_b), a_second=sum(len(joined_a.groups[x.index]) for x in found.second_a),
                        b_second=sum(len(joined_b.groups[x.index]) for x in found.second_b)),
        pairs=pairs,
        unique_a=_in_pieces(found.unique_a, joined_a),
        unique_b=_in_pieces(found.unique_b, joined_b),
        second_a=_in_pieces(found.second_a, joined_a, joined_b),
        second_b=_in_pieces(found.second_b, joined_b, joined_a),
        figures_a=tuple(replace(f, sentence=sentence_of(a.sentences, f.start)) for f in found.figures_a),
        figures_b=tuple(replace(f, sentence=sentence_of(b.sentences, f.start)) for f in found.figures_b),
        boilerplate_a=furniture_a,
        boilerplate_b=furniture_b,
    )


def _compare(a: Article, b: Article, *, weights: Weights | None, recurring: Collection[str]) -> Comparison:
    furniture_a = boilerplate(a, recurring)
    furniture_b = boilerplate(b, recurring)
    reading_a, reading_b = read(a, furniture_a), read(b, furniture_b)
    figures_a, quotes_a, pa = reading_a.figures, list(reading_a.quotes), reading_a.profiles
    figures_b, quotes_b, pb = reading_b.figures, list(reading_b.quotes), reading_b.profiles
    scorer = Scorer(pa, pb, weights)
    scores = scorer.pairs(pa, pb)
    real_a = {i for i in range(len(a.sentences)) if is_sentence(a, i) and i not in furniture_a}
    real_b = {j for j in range(len(b.sentences)) if is_sentence(b, j) and j not in furniture_b}
    scores = {k: v for k, v in scores.items() if k[0] in real_a and k[1] in real_b}
    groups = link(scores, (min(real_a), min(real_b)) if real_a and real_b else None)
    pairs = [pair(scorer, a, b, pa, pb, g, scores) for g in groups]
    aligned_a = {i for g in groups for i in g[0]}
    aligned_b = {j for g in groups for j in g[1]}
    seconds_a, seconds_b = second_counterparts(scores, groups)
    unique_a = _uniques(a, aligned_a | furniture_a | seconds_a.keys())
    unique_b = _uniques(b, aligned_b | furniture_b | seconds_b.keys())
    aligned = {(i, j) for ga, gb in groups for i in ga for j in gb}
    shared_quotes = match_quotes(quotes_a, quotes_b, scorer, a, b, aligned)
    conflicts, updates, agreements, differences = compare_figures(figures_a, figures_b, pairs, pa, pb, a, b)
    both, only_a, only_b = _entity_refs(a, b)
    summary = Summary(
        a_sentences=len(real_a),
        b_sentences=len(real_b),
        a_aligned=len(aligned_a),
        b_aligned=len(aligned_b),
        a_second=len(seconds_a),
        b_second=len(seconds_b),
        same=sum(1 for p in pairs if p.kind == "same"),
        paraphrase=sum(1 for p in pairs if p.kind == "paraphrase"),
        shared_quotes=len(shared_quotes),
        conflicts=len(conflicts),
        updates=len(updates),
        differences=len(differences),
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
        updates=tuple(updates),
        boilerplate_a=tuple(sorted(furniture_a)),
        boilerplate_b=tuple(sorted(furniture_b)),
        agreements=tuple(agreements),
        differences=tuple(differences),
        second_a=_seconds(a, b, seconds_a),
        second_b=_seconds(b, a, seconds_b),
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


def _in_pieces(sentences: Iterable[Own], joined: Joined, other: Joined | None = None) -> tuple[Own, ...]:
    """Sentences of the joined article (unique ones, or second counterparts with the ``other`` article's
    joined sentences they are like), each numbered by its pieces among the article's own."""
    out = []
    for x in sentences:
        x = replace(x, index=joined.groups[x.index][0], indices=joined.groups[x.index])
        out.append(replace(x, like=other.originals(x.like)) if other is not None else x)
    return tuple(out)


def _seconds(article: Article, other: Article, seconds: dict[int, tuple[int, Any]]) -> tuple[SecondCounterpart, ...]:
    return tuple(
        SecondCounterpart(i, *article.sentences[i], article.text[slice(*article.sentences[i])], like=(j,),
                          like_text=other.text[slice(*other.sentences[j])], score=s.score)
        for i, (j, s) in sorted(seconds.items())
    )


def _uniques(article: Article, aligned: set[int]) -> list[UniqueSentence]:
    return [
        UniqueSentence(i, s, e, article.text[s:e])
        for i, (s, e) in enumerate(article.sentences)
        if i not in aligned and is_sentence(article, i)
    ]


