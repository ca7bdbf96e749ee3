"""``byline compare``: two articles side by side, as text for the terminal, Markdown for notes or JSON.

The comparison is the engine's (:func:`index.compare.compare`); this module only prints it. Article text is
untrusted: the text report is neutralised before it reaches the terminal, and the Markdown report escapes
every character Markdown or HTML could act on, in text and in ids alike, so a report renders as the words the
articles hold whatever they contain.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

from index import ArticleRef, Comparison, EntityRef, FigurePair, SentencePair

from ..safe import neutralise
from ..words import counted, speaker_or_unclear
from .common import add_location, dump_json, ensure_index, fail, open_corpus


def register(subparsers) -> None:
    """Add ``compare`` to the ``byline`` command's subparsers."""
    p = subparsers.add_parser(
        "compare", help="compare two articles: aligned sentences, quotes, conflicting figures",
        description="Compare two articles (ids or unique prefixes): which sentences have a "
                    "counterpart in the other (same wording or paraphrase), which are unique, the "
                    "quotes they share, the figures on which they conflict, and the entities only "
                    "one of them mentions. The JSON schema is in docs/compare-json.md.")
    p.add_argument("a", help="first article id (or unique prefix)")
    p.add_argument("b", help="second article id (or unique prefix)")
    add_location(p)
    p.add_argument("--format", "-f", choices=("text", "markdown", "json"), default="text",
                   help="text for the terminal, markdown for notes, json for scripts (default text)")
    p.set_defaults(handler=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    lib = open_corpus(args)
    with lib:
        ensure_index(lib, quiet=args.format != "text")
        try:
            comparison = lib.compare(args.a, args.b)
        except KeyError as exc:
            return fail(str(exc.args[0] if exc.args else exc), 2)
    if args.format == "json":
        dump_json(comparison.to_dict())
    elif args.format == "markdown":
        sys.stdout.write(neutralise(format_markdown(comparison)))
    else:
        sys.stdout.write(neutralise(format_text(comparison)))
    return 0


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


def _figure_lines(x: FigurePair) -> list[str]:
    """A conflict, update or difference: what is counted, both figures with their ranges, both sentences, and
    why."""
    again = f" (and {counted(x.repeats, 'more time')})" if x.repeats else ""
    return [
        f"  {x.what}: A {x.a_range} vs B {x.b_range}{again}",
        f'    A: "{_flat(x.a_sentence or x.a_text)}"',
        f'    B: "{_flat(x.b_sentence or x.b_text)}"',
        f"    {x.reason}; {'sentences aligned' if x.basis == 'aligned' else 'same event'}",
    ]


def format_text(comparison: Comparison) -> str:
    """The comparison as plain terminal text (the CLI neutralises control characters before printing)."""
    c, s = comparison, comparison.summary
    lines = [
        f"A: {_side_line(c.a)}",
        f"B: {_side_line(c.b)}",
        "",
        f"Sentences with a counterpart: A {_percent(s.a_aligned, s.a_sentences)}, "
        f"B {_percent(s.b_aligned, s.b_sentences)}; {s.same} same, {s.paraphrase} paraphrased.",
        f"Shared quotes: {s.shared_quotes}. Conflicting figures: {s.conflicts}. Later counts: {s.updates}. "
        f"Figures that differ: {s.differences}.",
    ]
    lines += ["", f"CONFLICTING FIGURES ({len(c.conflicts)})"]
    for x in c.conflicts:
        lines += _figure_lines(x)
    if c.updates:
        lines += ["", f"LATER COUNTS ({len(c.updates)}: the later article counts more, not a contradiction)"]
        for x in c.updates:
            lines += _figure_lines(x)
    if c.differences:
        lines += ["", f"FIGURES THAT DIFFER ({len(c.differences)}: may not count the same thing; judge from the "
                      "sentences)"]
        for x in c.differences:
            lines += _figure_lines(x)
    if c.agreements:
        lines += ["", f"FIGURES THAT AGREE ({len(c.agreements)})"]
        for x in c.agreements:
            lines.append(f'  {x.what}: A "{_flat(x.a_text)}" ({x.a_range}) ~ B "{_flat(x.b_text)}" ({x.b_range})')
    lines += ["", f"SHARED QUOTES ({len(c.shared_quotes)})"]
    for m in c.shared_quotes:
        lines.append(f"  [{m.kind}] {speaker_or_unclear(m.speaker)}")
        lines.append(f"    A: \u201c{_flat(c.quotes_a[m.a].text)}\u201d")
        lines.append(f"    B: \u201c{_flat(c.quotes_b[m.b].text)}\u201d")
    lines += ["", f"ALIGNED SENTENCES ({len(c.pairs)})"]
    for p in c.pairs:
        where = f"A{'+'.join(str(i + 1) for i in p.a)} ~ B{'+'.join(str(j + 1) for j in p.b)}"
        lines.append(f"  {where}  {p.kind}, score {p.score:.2f}  ({_evidence_words(p)})")
        lines.append(f"    A: {_flat(p.a_text)}")
        lines.append(f"    B: {_flat(p.b_text)}")
    seconds = [("A", "B", x) for x in c.second_a] + [("B", "A", x) for x in c.second_b]
    if seconds:
        lines += ["", f"SAID AGAIN ({len(seconds)}: in no pair, but saying much what a paired sentence of the other "
                      "side says)"]
        for side, other, x in seconds:
            lines.append(f"  {side}{'+'.join(str(i + 1) for i in x.indices)} ~ {other}"
                         f"{'+'.join(str(j + 1) for j in x.like)}, score {x.score:.2f}")
            lines.append(f"    {side}: {_flat(x.text)}")
            lines.append(f"    {other}: {_flat(x.like_text)}")
    for label, uniques in (("ONLY IN A", c.unique_a), ("ONLY IN B", c.unique_b)):
        lines += ["", f"{label} ({len(uniques)})"]
        side = label[-1]
        lines += [f"  {side}{'+'.join(str(i + 1) for i in u.indices)}: {_flat(u.text)}" for u in uniques]
    lines += [
        "",
        "ENTITIES",
        f"  In both: {_entity_list(c.entities_both)}",
        f"  Only in A: {_entity_list(c.entities_only_a)}",
        f"  Only in B: {_entity_list(c.entities_only_b)}",
    ]
    return "\n".join(lines) + "\n"


#: Characters Markdown acts on inside a line: emphasis, code, links, HTML, table cells, strikethrough.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&])")


def _md(text: str) -> str:
    """Article text as literal Markdown: one line, with every character Markdown could act on escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _flat(text))


def _figure_markdown(x: FigurePair) -> list[str]:
    again = f" Said {x.repeats + 1} times." if x.repeats else ""
    return [
        f"- **{_md(x.what)}**: A {_md(x.a_range)}, B {_md(x.b_range)}. "
        f"{'The sentences are aligned' if x.basis == 'aligned' else 'Same event'}; {_md(x.reason)}.{again}",
        f"  - A: “{_md(x.a_sentence or x.a_text)}”",
        f"  - B: “{_md(x.b_sentence or x.b_text)}”",
    ]


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
        f"| Id | {_md(c.a.id)} | {_md(c.b.id)} |",
        f"| Sentences with a counterpart | {_percent(s.a_aligned, s.a_sentences)} "
        f"| {_percent(s.b_aligned, s.b_sentences)} |",
        f"| Entities only here | {s.entities_only_a} | {s.entities_only_b} |",
        "",
        f"**Same wording:** {s.same} · **Paraphrased:** {s.paraphrase} · **Shared quotes:** {s.shared_quotes} · "
        f"**Conflicting figures:** {s.conflicts} · **Later counts:** {s.updates} · "
        f"**Figures that differ:** {s.differences}",
        "",
        "## Conflicting figures",
        "",
    ]
    for x in c.conflicts:
        out += _figure_markdown(x)
    if not c.conflicts:
        out.append("None found.")
    if c.updates:
        out += ["", "## Later counts", "", "The later article counts more: an update, not a contradiction.", ""]
        for x in c.updates:
            out += _figure_markdown(x)
    if c.differences:
        out += ["", "## Figures that differ", "",
                "The figures disagree, but the two may not count the same thing: judge from the sentences.", ""]
        for x in c.differences:
            out += _figure_markdown(x)
    if c.agreements:
        out += ["", "## Figures that agree", ""]
        out += [
            f"- **{_md(x.what)}**: “{_md(x.a_text)}” ({_md(x.a_range)}) and “{_md(x.b_text)}” ({_md(x.b_range)})"
            for x in c.agreements
        ]
    out += ["", "## Shared quotes", ""]
    for m in c.shared_quotes:
        out += [
            f"- *{m.kind}* — {_md(speaker_or_unclear(m.speaker))}",
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
    seconds = [("A", "B", x) for x in c.second_a] + [("B", "A", x) for x in c.second_b]
    if seconds:
        out += ["", "## Said again", "", "In no pair, but saying much what a paired sentence of the other side says.",
                ""]
        for side, other, x in seconds:
            out += [
                f"- **{side}** (score {x.score:.2f})",
                f"  - {side}: {_md(x.text)}",
                f"  - {other}: {_md(x.like_text)}",
            ]
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

