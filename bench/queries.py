"""The query set: a fixed number of queries of each kind, drawn deterministically from the corpus itself.

Drawing them from the corpus (by document frequency, from real word pairs, from the entity registry) keeps the
set meaningful on any corpus: rare and common terms really are rare and common there, phrases really occur,
entities are ones the index knows. The same corpus always gives the same set (fixed seeds); the set is saved
with the results. Each query is also translated for the alternatives: a ripgrep pattern (what a user would
type) and an SQLite FTS5 ``MATCH`` expression; ``None`` where the alternative has no equivalent (fuzzy search).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from index import Article

KINDS = ("rare", "common", "and", "or", "phrase", "fuzzy", "prefix", "field", "entity")

#: Words never drawn as query terms: Whoosh's stop words and English function words.
SKIP = frozenset("""
a an and are as at be by can for from have if in is it may not of on or tbd that the this to us we when will
with yet you your about above after again also been before being below between both but could did does doing
down during each few further had has having here how into its just more most much must other over only own same
should some such than then there these they those through under until very was were what which while who whom
why would their them said says mln pct dlrs cts year last week reuter reuters
""".split())

_WORD = re.compile(r"[A-Za-z]+")
_NEVER_OPERATOR = frozenset({"and", "or", "not", "andnot", "andmaybe", "to"})


@dataclass(frozen=True)
class RgQuery:
    """How ripgrep runs a query: one pass per pattern group; a file must match every group (AND)."""

    groups: tuple[tuple[str, ...], ...]
    #: Patterns may span lines (phrases over wrapped text, a title on the first line): ``rg -U``.
    multiline: bool = False


@dataclass(frozen=True)
class Query:
    kind: str
    byline: str
    rg: RgQuery | None
    fts: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _content(word: str) -> bool:
    return len(word) >= 4 and word not in SKIP and word not in _NEVER_OPERATOR


class Vocabulary:
    """Document frequencies of the corpus's words (titles and texts) and of its title words."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = articles
        self.df: Counter[str] = Counter()
        self.title_df: Counter[str] = Counter()
        for article in articles:
            self.df.update(set(_words(article.title)) | set(_words(article.text)))
            self.title_df.update(set(_words(article.title)))
        self.ranked = sorted((w for w in self.df if _content(w)), key=lambda w: (-self.df[w], w))

    def common(self, n: int) -> list[str]:
        return self.ranked[:n]

    def rare(self) -> list[str]:
        """Words in a handful of articles (at least two where the corpus is big enough to have them)."""
        floor = 2 if len(self.articles) >= 50 else 1
        ceiling = max(floor, len(self.articles) // 1000)
        return sorted(w for w in self.ranked if floor <= self.df[w] <= ceiling and len(w) >= 5)


def _pick(rng: random.Random, pool: Sequence, n: int) -> list:
    if len(pool) <= n:
        return list(pool)
    return rng.sample(list(pool), n)


def _rg_word(word: str) -> str:
    return re.escape(word)


def _rg_phrase(words: Sequence[str]) -> str:
    return r"\s+".join(re.escape(w) for w in words)


def build(articles: Sequence[Article], entities: Sequence[tuple[str, str]], per_kind: int) -> list[Query]:
    """``per_kind`` queries of each kind in :data:`KINDS` for this corpus (fewer where it lacks material).

    ``entities`` are ``(name, kind)`` of canonical entities the index knows, most mentioned first.
    """
    vocab = Vocabulary(articles)
    out: list[Query] = []

    def rng(kind: str) -> random.Random:
        return random.Random(f"byline-bench-queries-1-{kind}")

    for word in _pick(rng("rare"), vocab.rare(), per_kind):
        out.append(Query("rare", word, RgQuery(((_rg_word(word),),)), f'"{word}"'))
    for word in _pick(rng("common"), vocab.common(max(per_kind * 4, 40)), per_kind):
        out.append(Query("common", word, RgQuery(((_rg_word(word),),)), f'"{word}"'))

    frequent = set(vocab.common(1500))
    r = rng("and")
    pairs: list[tuple[str, str]] = []
    for _ in range(per_kind * 50):
        if len(pairs) >= per_kind:
            break
        article = articles[r.randrange(len(articles))]
        words = sorted({w for w in _words(article.text) if w in frequent})
        if len(words) >= 2:
            a, b = r.sample(words, 2)
            if (a, b) not in pairs and (b, a) not in pairs:
                pairs.append((a, b))
    for a, b in pairs:
        out.append(Query("and", f"{a} AND {b}", RgQuery(((_rg_word(a),), (_rg_word(b),))), f'"{a}" AND "{b}"'))

    r = rng("or")
    pool = vocab.common(5000)
    for _ in range(per_kind):
        a, b = r.sample(pool, 2) if len(pool) >= 2 else (pool[0], pool[0])
        out.append(Query("or", f"{a} OR {b}", RgQuery(((_rg_word(a), _rg_word(b)),)), f'"{a}" OR "{b}"'))

    r = rng("phrase")
    phrases: list[tuple[str, ...]] = []
    for _ in range(per_kind * 50):
        if len(phrases) >= per_kind:
            break
        article = articles[r.randrange(len(articles))]
        tokens = _words(article.text)
        if len(tokens) < 3:
            continue
        at = r.randrange(len(tokens) - 2)
        length = 3 if r.random() < 0.3 else 2
        words = tuple(tokens[at:at + length])
        if all(_content(w) or (0 < i < length - 1 and w in SKIP) for i, w in enumerate(words)) \
                and words not in phrases:
            phrases.append(words)
    for words in phrases:
        text = " ".join(words)
        out.append(Query("phrase", f'"{text}"', RgQuery(((_rg_phrase(words),),), multiline=True), f'"{text}"'))

    r = rng("fuzzy")
    for word in _pick(r, [w for w in vocab.common(3000) if len(w) >= 6], per_kind):
        at = r.randrange(2, len(word) - 1)  # a typo one edit away (Whoosh's ``~``), past the first letters
        if r.random() < 0.5:
            typo = word[:at] + word[at + 1:]  # a letter dropped
        else:
            typo = word[:at] + r.choice([c for c in "aeioulnrst" if c != word[at]]) + word[at + 1:]
        out.append(Query("fuzzy", f"{typo}~", None, None))

    r = rng("prefix")
    stems: list[str] = []
    for word in _pick(r, [w for w in vocab.common(2000) if len(w) >= 6], per_kind * 2):
        stem = word[: r.choice((4, 5))]
        if stem not in stems and stem not in SKIP:
            stems.append(stem)
    for stem in stems[:per_kind]:
        out.append(Query("prefix", f"{stem}*", RgQuery((("\\b" + re.escape(stem),),)), f'"{stem}"*'))

    r = rng("field")
    titled = sorted(w for w, n in vocab.title_df.items() if _content(w) and n >= min(2, len(articles)))
    for word in _pick(r, titled, per_kind):
        out.append(Query("field", f"title:{word}", RgQuery(((r"\A[^\n]*" + _rg_word(word),),), multiline=True),
                         f'title:"{word}"'))

    r = rng("entity")
    usable = [(name, kind) for name, kind in entities if name and '"' not in name and _words(name)]
    for name, kind in _pick(r, usable[: max(per_kind * 10, 100)], per_kind):
        field = kind if kind in ("person", "org", "place", "group") and r.random() < 0.5 else "entity"
        words = name.split()
        fts_words = " ".join(_WORD.findall(name))
        out.append(Query("entity", f'{field}:"{name}"', RgQuery(((_rg_phrase(words),),), multiline=len(words) > 1),
                         f'"{fts_words}"'))
    return out
