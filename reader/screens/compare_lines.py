"""The compare screens' lines of text: the summary, a pane's title, a pair's and a conflict's status, as styled
:class:`Content` built from untrusted article text put on one line (never parsed as markup)."""

from __future__ import annotations

from textual.content import Content

from index import Article, Comparison, FigurePair, SecondCounterpart, SentencePair
from reader.safe import one_line
from reader.words import counted

UNKNOWN = "—"
#: Words of a pair's evidence shown in the status line.
EVIDENCE_WORDS = 6
#: Characters of a figure's words shown in a list of conflicts (the whole words are in the text), and the
#: fewest kept when the status line is narrow.
FIGURE_WORDS = 48
FIGURE_WORDS_MIN = 4


def flat(text: str, limit: int = 0) -> str:
    """Untrusted text on one line, for a status line or a list entry; clipped to ``limit`` characters."""
    flat = one_line(" ".join(text.split()))
    return flat[: limit - 1].rstrip() + "…" if 0 < limit < len(flat) else flat


def side_title(side: str, article: Article) -> Content:
    """A pane's border title: the side letter, the source and the date."""
    return Content.assemble(
        (side.upper(), "bold"),
        " ",
        one_line(article.source) or "unknown source",
        (" · ", "$text-muted"),
        article.published or "undated",
    )


def summary_line(comparison: Comparison) -> Content:
    """The numbers a reader wants first: how much of each side has a counterpart, shared quotes, conflicts,
    and the entities both, or only one, of them name."""
    s = comparison.summary
    dot = (" · ", "$text-muted")
    return Content.assemble(
        ("aligned ", "$text-muted"),
        ("A ", "bold"),
        f"{s.a_share:.0%} ",
        ("B ", "bold"),
        f"{s.b_share:.0%}",
        dot,
        counted(len(comparison.pairs), "pair"),
        (f" ({s.same} same)", "$text-muted"),
        dot,
        counted(s.shared_quotes, "shared quote"),
        dot,
        (counted(s.conflicts, "conflict"), "bold $text-error" if s.conflicts else ""),
        *([dot, (counted(s.updates, "later count"), "bold $text-warning")] if s.updates else []),
        *([dot, (f"{s.differences} figure{'s' if s.differences != 1 else ''} differ{'s' if s.differences == 1 else ''}",
                 "$text-warning")] if s.differences else []),
        dot,
        ("entities ", "$text-muted"),
        f"{s.entities_both} both, {s.entities_only_a} only A, {s.entities_only_b} only B",
    )


def conflict_line(
    conflict: FigurePair, *, agrees: bool = False, limits: tuple[int, int] = (FIGURE_WORDS, FIGURE_WORDS)
) -> Content:
    """``killed (all): A 101–200 “more than a hundred people” vs B 2,013 or more “thousands and …”``: the
    ranges first and the words clipped, so both sides' figures fit on one line."""
    update = conflict.kind == "update"
    differs = conflict.kind == "differs"
    return Content.assemble(
        *([("later count ", "bold $text-warning")] if update else []),
        *([("figures differ ", "$text-warning")] if differs else []),
        (f"{one_line(conflict.what)}: ", "bold"),
        ("A ", "bold"),
        (f"{one_line(conflict.a_range)} ", "$text-muted"),
        f"“{flat(conflict.a_text, limits[0])}”",
        (" ~ " if agrees else " → " if update else " vs ", "bold" if not agrees else "$text-muted"),
        ("B ", "bold"),
        (f"{one_line(conflict.b_range)} ", "$text-muted"),
        f"“{flat(conflict.b_text, limits[1])}”",
    )


def pair_status(comparison: Comparison, pair: SentencePair) -> Content:
    """``pair 3 of 9 · paraphrase 0.45 · shared: hope, Afghans … · same speaker's quote``."""
    number = comparison.pairs.index(pair) + 1
    evidence = pair.evidence
    words = [flat(term.word) for term in evidence.terms[:EVIDENCE_WORDS]]
    names = [flat(name) for _, name in evidence.entities]
    parts: list[Content | str | tuple[str, str]] = [
        (f"pair {number} of {len(comparison.pairs)}", "bold"),
        (" · ", "$text-muted"),
        (pair.kind, "$text-success" if pair.kind == "same" else "$text-accent"),
        (f" {pair.score:.2f}", "$text-muted"),
    ]
    if words:
        parts += [(" · shared: ", "$text-muted"), ", ".join(words)]
    if names:
        parts += [(" · names: ", "$text-muted"), ", ".join(names)]
    if evidence.speaker:
        parts.append((" · same speaker's quote", "$text-muted"))
    elif evidence.quote:
        parts.append((" · both quote", "$text-muted"))
    return Content.assemble(*parts)


def second_status(comparison: Comparison, side: str, second: SecondCounterpart) -> Content:
    """``≈ said again · much like B's sentence of pair 3 (0.24) · so not counted as only in A · enter: go there``."""
    other = "b" if side == "a" else "a"
    pair = comparison.counterpart(other, second.like[0])
    where = f"of pair {comparison.pairs.index(pair) + 1}" if pair is not None else str(second.like[0] + 1)
    return Content.assemble(
        ("≈ said again", "bold $text-accent"),
        (f" · much like {other.upper()}'s sentence {where} ({second.score:.2f}) · so not counted as only in "
         f"{side.upper()} · enter: go there", "$text-muted"),
    )
