"""One side of the comparison screen: the reader's article view, told where each sentence is and what the
comparison found in it.

The pane is an :class:`ArticleView` (entities, wrapping and virtual rendering come from there) with a gutter
and three layers of its own: a number beside each aligned sentence (the same number beside its counterpart in
the other pane; pairs are numbered in A's order), ``+`` beside a sentence only this side has, the quoted words
the other side quotes too, the figures the other side contradicts, and a tint under the sentence being read;
``≈`` beside a sentence in no pair that says much what a paired sentence of the other side says (a second
counterpart; the status line names the pair).
It knows sentences by their char offsets, so the screen can ask which sentence is at the top and where a
sentence is, and keep the two panes in step by alignment rather than by line number.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from textual import events

from index import Article, Comparison
from reader.widgets.article_view import ArticleView, GutterMark, StyledSpan

#: Gutter labels: beside a sentence only this side has, and beside the further lines of a sentence.
UNIQUE_LABEL = "+"
UNIQUE_REST = "┆"
#: Beside a second counterpart: a sentence in no pair saying much what a paired one of the other side says.
SECOND_LABEL = "≈"
ALIGNED_REST = "│"


class ComparePane(ArticleView):
    """An article as one side (``"a"`` or ``"b"``) of a comparison."""

    DEFAULT_CSS = """
    ComparePane > .compare-pane--update { text-style: bold underline; color: $text-warning; }
    ComparePane > .compare-pane--differs { text-style: underline; color: $text-warning; }
    """

    COMPONENT_CLASSES = ArticleView.COMPONENT_CLASSES | {
        "compare-pane--same",
        "compare-pane--paraphrase",
        "compare-pane--unique",
        "compare-pane--second",
        "compare-pane--current-mark",
        "compare-pane--current",
        "compare-pane--quote",
        "compare-pane--conflict",
        "compare-pane--update",
        "compare-pane--differs",
    }

    def __init__(self, side: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.side = side
        self.article: Article | None = None
        self._sentences: tuple[tuple[int, int], ...] = ()
        self._starts: list[int] = []
        #: Sentence index -> number of its pair (1-based, in A's order), and the pair's kind.
        self._pair_number: dict[int, int] = {}
        self._pair_kind: dict[int, str] = {}
        self._unique: set[int] = set()
        #: Second counterparts: sentences in no pair saying much what a paired one of the other side says.
        self._second: set[int] = set()
        #: Sentences that count for reading and stepping: aligned, second counterparts or unique (not a stray
        #: "." or a blank).
        self._readable: list[int] = []
        #: The sentences tinted now (``None`` right after new text, which has no marks yet).
        self._current: frozenset[int] | None = None

    # -- what is shown --------------------------------------------------------------------------------

    def show_side(self, article: Article, comparison: Comparison, hidden_kinds: Iterable[str] = ()) -> None:
        """Show ``article`` as this pane's side of ``comparison``, at the top, with nothing current."""
        side = self.side
        self.article = article
        self._sentences = tuple(article.sentences)
        self._starts = [start for start, _ in self._sentences]
        self._pair_number = {}
        self._pair_kind = {}
        for number, pair in enumerate(comparison.pairs, start=1):
            for index in pair.a if side == "a" else pair.b:
                self._pair_number[index] = number
                self._pair_kind[index] = pair.kind
        uniques = comparison.unique_a if side == "a" else comparison.unique_b
        self._unique = {index for unique in uniques for index in unique.indices}
        seconds = comparison.second_a if side == "a" else comparison.second_b
        self._second = {index for second in seconds for index in second.indices}
        self._readable = sorted(set(self._pair_number) | self._unique | self._second)
        self.set_text(article.text)
        self._current = None
        self.set_entities(article.entities, hidden_kinds)
        quotes = comparison.quotes_a if side == "a" else comparison.quotes_b
        shared = {match.a if side == "a" else match.b for match in comparison.shared_quotes}
        self.set_layer(
            "quotes",
            (StyledSpan(start, end, "compare-pane--quote") for q in sorted(shared) for start, end in quotes[q].parts),
        )
        self.set_layer(
            "conflicts",
            (
                StyledSpan(
                    *(figures.a_span if side == "a" else figures.b_span),
                    f"compare-pane--{figures.kind if figures.kind in ('update', 'differs') else 'conflict'}",
                )
                for figures in (*comparison.conflicts, *comparison.updates, *comparison.differences)
            ),
        )
        self.show_current(())

    def show_current(self, sentences: Sequence[int]) -> None:
        """Tint ``sentences`` (the one being read, or its counterpart) and mark them in the gutter."""
        current = frozenset(sentences)
        if current == self._current:
            return  # scrolling within one sentence restyles nothing
        self._current = current
        self.set_layer(
            "current",
            (StyledSpan(*self._sentences[i], "compare-pane--current") for i in sorted(current)),
            rank=-1,  # under the entities, so their colours stay on
        )
        width = len(str(max(self._pair_number.values(), default=1))) + 1
        self.set_gutter(self._marks(current), max(2, width))

    def _marks(self, current: frozenset[int]) -> list[GutterMark]:
        marks = []
        for index in self._readable:
            start, end = self._sentences[index]
            if index in self._pair_number:
                label, rest = str(self._pair_number[index]), ALIGNED_REST
                component = f"compare-pane--{self._pair_kind[index]}"
            elif index in self._second:
                label, rest, component = SECOND_LABEL, UNIQUE_REST, "compare-pane--second"
            else:
                label, rest, component = UNIQUE_LABEL, UNIQUE_REST, "compare-pane--unique"
            if index in current:
                component = "compare-pane--current-mark"
            marks.append(GutterMark(start, end, label, component, rest))
        return marks

    # -- where sentences are --------------------------------------------------------------------------

    @property
    def readable(self) -> tuple[int, ...]:
        """The sentences that are aligned, second counterparts or unique, in reading order."""
        return tuple(self._readable)

    def is_unique(self, index: int) -> bool:
        return index in self._unique

    def sentence_span(self, index: int) -> tuple[int, int]:
        return self._sentences[index]

    def sentence_at(self, offset: int) -> int | None:
        """The readable sentence holding ``offset``, else the next one (else the last); ``None`` if none."""
        if not self._readable:
            return None
        index = bisect_right(self._starts, offset) - 1
        if index < 0 or offset >= self._sentences[index][1]:
            index += 1
        position = bisect_right(self._readable, index - 1)
        return self._readable[min(position, len(self._readable) - 1)]

    @property
    def top_sentence(self) -> int | None:
        """The sentence at the top of the view: the one being read. When the top line holds the end of one
        sentence and the start of the next, it is the next: the other has scrolled (almost) out of view."""
        offset = self.first_visible_offset
        index = self.sentence_at(offset)
        if index is None or self._sentences[index][0] >= offset:
            return index
        position = self._readable.index(index) + 1
        if position < len(self._readable):
            following = self._readable[position]
            if self.line_of(self._sentences[following][0]) == self.line_of(offset):
                return following
        return index

    def lines_of(self, start: int, end: int) -> tuple[int, int]:
        """The display lines ``start:end`` covers, as ``(first, last + 1)``."""
        first = self.line_of(start)
        return first, max(first, self.line_of(max(start, end - 1))) + 1

    def scroll_to_line(self, line: int) -> None:
        """Scroll now (not after the next refresh), so whoever asked knows where the view is when it returns."""
        self.scroll_to(y=max(0, line), animate=False, immediate=True)

    # -- mouse ----------------------------------------------------------------------------------------

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self.focus()  # the pane the reader scrolls leads; the other follows it

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.focus()
