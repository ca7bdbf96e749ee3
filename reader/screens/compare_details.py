"""Everything a comparison found, as a list: conflicts, later counts, figures, quotes, entities."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from index import Article, Comparison, FigurePair, entity_key
from reader.screens.compare_lines import conflict_line, flat, summary_line
from reader.widgets.lists import PagedOptionList
from reader.words import counted, speaker_or_unclear


@dataclass(frozen=True, slots=True)
class Target:
    """A place the details list sends the reader: a span of one side's text."""

    side: str
    start: int
    end: int
    #: Also show this span of the other side (a conflict's or a quote's other half).
    other: tuple[int, int] | None = None


class CompareDetailsScreen(ModalScreen[Target | None]):
    """Conflicts, agreeing figures, shared quotes and entity differences; ``enter`` goes to the entry."""

    #: Its stylesheets (read when first shown: ``BylineApp.push_screen``).
    STYLESHEETS = ("compare.tcss",)

    BINDINGS = [
        Binding("escape,i,q", "dismiss(None)", "Close", id="details.close"),
    ]

    def __init__(self, comparison: Comparison, a: Article, b: Article) -> None:
        super().__init__()
        self.comparison = comparison
        self.a = a
        self.b = b
        self._targets: dict[str, Target] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="details-box") as box:
            box.border_title = Content("What the comparison found")
            box.border_subtitle = Content("enter goes there · escape closes")
            yield Static(summary_line(self.comparison), id="details-summary")
            yield PagedOptionList(*self._options(), id="details-list", markup=False)

    def on_mount(self) -> None:
        option_list = self.query_one("#details-list", OptionList)
        option_list.focus()
        option_list.highlighted = next(
            (n for n in range(option_list.option_count) if not option_list.get_option_at_index(n).disabled), None
        )

    @staticmethod
    def _with_sentences(figures: FigurePair) -> Content:
        """The figures on one line, then both sentences that hold them, so a reader can judge."""
        again = f" · said {figures.repeats + 1} times" if figures.repeats else ""
        return Content.assemble(
            conflict_line(figures),
            (again, "$text-muted"),
            "\n",
            ("A ", "bold"),
            f"“{flat(figures.a_sentence or figures.a_text)}”",
            "\n",
            ("B ", "bold"),
            f"“{flat(figures.b_sentence or figures.b_text)}”",
        )

    def _heading(self, text: str) -> Option:
        return Option(Content(text).stylize("bold $text-accent"), disabled=True)

    def _entry(self, prompt: Content, target: Target) -> Option:
        key = f"entry-{len(self._targets)}"
        self._targets[key] = target
        return Option(prompt, id=key)

    def _options(self) -> list[Option]:
        c = self.comparison
        options = [self._heading(f"Conflicting figures ({len(c.conflicts)})" if c.conflicts else
                                 "Conflicting figures: none")]
        for conflict in c.conflicts:
            options.append(self._entry(self._with_sentences(conflict), Target("a", *conflict.a_span, conflict.b_span)))
        if c.updates:
            options.append(self._heading(f"Later counts: the later article counts more ({len(c.updates)})"))
            for update in c.updates:
                options.append(self._entry(self._with_sentences(update), Target("a", *update.a_span, update.b_span)))
        if c.differences:
            options.append(self._heading(
                f"Figures that differ, maybe not counting the same thing ({len(c.differences)})"))
            for differs in c.differences:
                options.append(self._entry(self._with_sentences(differs),
                                           Target("a", *differs.a_span, differs.b_span)))
        if c.agreements:
            options.append(self._heading(f"Figures that agree ({len(c.agreements)})"))
            for agreement in c.agreements:
                options.append(self._entry(conflict_line(agreement, agrees=True),
                                           Target("a", *agreement.a_span, agreement.b_span)))
        options.append(self._heading(f"Shared quotes ({len(c.shared_quotes)})" if c.shared_quotes else
                                     "Shared quotes: none"))
        for match in c.shared_quotes:
            quote_a, quote_b = c.quotes_a[match.a], c.quotes_b[match.b]
            prompt = Content.assemble(
                (f"{flat(speaker_or_unclear(match.speaker))} · {match.kind}", "bold"),
                "\n",
                ("A ", "bold"),
                f"“{flat(quote_a.text)}”",
                "\n",
                ("B ", "bold"),
                f"“{flat(quote_b.text)}”",
            )
            options.append(self._entry(prompt, Target("a", quote_a.start, quote_a.end, (quote_b.start, quote_b.end))))
        for side, refs, article in (("a", c.entities_only_a, self.a), ("b", c.entities_only_b, self.b)):
            options.append(self._heading(f"Only in {side.upper()}: {counted(len(refs), 'entity')}"))
            first_mentions = self._first_mentions(article)
            for ref in refs:
                count = ref.a_mentions if side == "a" else ref.b_mentions
                prompt = Content.assemble((flat(ref.name), "bold"), (f" {ref.kind} · {count}×", "$text-muted"))
                where = first_mentions.get(ref.id)
                if where is None:
                    options.append(Option(prompt, disabled=True))
                else:
                    options.append(self._entry(prompt, Target(side, *where)))
        options.append(self._heading(f"In both: {counted(len(c.entities_both), 'entity')}"))
        first_mentions = self._first_mentions(self.a)
        for ref in c.entities_both:
            spelt = ""
            if set(ref.a_names) != set(ref.b_names):  # spelling variants met as one entity
                spelt = (f" · A writes {', '.join(flat(n) for n in ref.a_names)}"
                         f" · B writes {', '.join(flat(n) for n in ref.b_names)}")
            prompt = Content.assemble(
                (flat(ref.name), "bold"),
                (f" {ref.kind} · A {ref.a_mentions}× B {ref.b_mentions}×", "$text-muted"),
                (spelt, "$text-muted"),
            )
            where = first_mentions.get(ref.id)
            options.append(self._entry(prompt, Target("a", *where)) if where else Option(prompt, disabled=True))
        return options

    @staticmethod
    def _first_mentions(article: Article) -> dict[str, tuple[int, int]]:
        found: dict[str, tuple[int, int]] = {}
        for span in article.entities:
            found.setdefault(entity_key(span), (span.start, span.end))
        return found

    @on(OptionList.OptionSelected, "#details-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._targets.get(event.option_id or ""))
