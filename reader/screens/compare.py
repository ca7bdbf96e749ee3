"""Two articles side by side: what they agree on, what only one of them says, where their figures conflict.

Each side is a :class:`ComparePane` (the reader's article view with a gutter): aligned sentences carry the
number of their pair in both panes, sentences only one side has carry ``+``, a second counterpart (a sentence
in no pair saying much what a paired sentence of the other side says) ``≈``, shared
quotes and contradicted figures are styled in the text, and the sentence being read is tinted together with
its counterpart.

The panes keep in step by alignment, not by line number: the pane the reader moves leads and the other is
put at the counterpart of the sentence at the leader's top (proportionally, line by line, through a long
one), at the sentence a second counterpart says again, or, for a sentence the other side lacks, just after the
counterpart of the aligned sentence before it.
The screen moves the follower itself, synchronously, with a flag up, so the follower's scrolling is never
taken for the reader's: there is no feedback loop. ``compare()`` runs in a thread worker (up to ~150 ms on
long articles), which posts :class:`ComparisonReady`; swapping or picking again while one runs cancels it.

Beside it: ``compare_lines`` (the summary and status lines), ``compare_pick`` (choosing another article for a
side) and ``compare_details`` (everything found, as a list to go to).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState, get_current_worker

from index import Article, Comparison, FigurePair, Library
from reader.safe import one_line
from reader.screens.compare_details import CompareDetailsScreen, Target
from reader.screens.compare_lines import (
    FIGURE_WORDS_MIN,
    conflict_line,
    flat,
    pair_status,
    second_status,
    side_title,
    summary_line,
)
from reader.screens.compare_pick import PickArticleScreen
from reader.widgets.article_view import ENTITY_KINDS, StyledSpan
from reader.widgets.compare_pane import ComparePane
from reader.widgets.title_bar import TitleBar

SIDES = ("a", "b")


def other_side(side: str) -> str:
    return "b" if side == "a" else "a"


@dataclass
class ComparisonReady(Message, bubble=False):
    """Both articles are read and compared; ``keep`` is where to put the reader (``(article id, sentence)``)."""

    a: Article
    b: Article
    comparison: Comparison
    keep: tuple[str, int] | None


class CompareScreen(Screen):
    """Article A and article B side by side. ``escape`` goes back to where the comparison was opened."""

    #: Its stylesheets (read when first shown: ``BylineApp.push_screen``).
    STYLESHEETS = ("article.tcss", "compare.tcss")

    # Notifications stand above the status line (and the footer), never on it.
    DEFAULT_CSS = """
    CompareScreen ToastRack { margin-bottom: 2; }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="compare.back"),
        # Not in the footer: at 80 columns it would push out "? Help" and "q Quit" (enter is the key one tries).
        Binding("enter", "counterpart", "Counterpart", show=False, id="compare.counterpart"),
        Binding("n", "difference(1)", "Next diff", id="compare.next-difference"),
        Binding("N", "difference(-1)", "Prev diff", show=False, id="compare.previous-difference"),
        Binding("right_parenthesis", "sentence(1)", "Next sentence", show=False, id="compare.next-sentence"),
        Binding("left_parenthesis", "sentence(-1)", "Prev sentence", show=False, id="compare.previous-sentence"),
        Binding("f", "figure", "Figure", id="compare.figure"),
        Binding("s", "swap", "Swap", id="compare.swap"),
        Binding("p", "pick", "Pick", id="compare.pick"),
        Binding("i", "details", "Details", id="compare.details"),
        Binding("tab,shift+tab", "other_side", "Other side", show=False, id="compare.other-side"),
        *(
            Binding(str(number), f"toggle_kind('{kind}')", f"Toggle {kind}", show=False, id=f"compare.toggle-{kind}")
            for number, kind in enumerate(ENTITY_KINDS, start=1)
        ),
        Binding("0", "toggle_all_kinds", "All labels on/off", show=False, id="compare.toggle-all"),
    ]

    def __init__(self, library: Library, a_id: str, b_id: str) -> None:
        super().__init__()
        self.library = library
        self.a_id = a_id
        self.b_id = b_id
        self.comparison: Comparison | None = None
        self.articles: dict[str, Article] = {}
        #: Comparisons already made, by (A id, B id): swapping back or picking again is instant.
        self._comparisons: dict[tuple[str, str], Comparison] = {}
        #: Where the reader is: the side that leads and the sentence at its top.
        self.position: tuple[str, int] | None = None
        #: Where n/N last stepped to, and what to say there: ("difference 3 of 12", wrapped), kept while the
        #: reader stays at that sentence (a resize redraws the status line).
        self._difference: tuple[tuple[str, int], str, bool] | None = None
        #: Raised while the screen scrolls a pane itself, so that scrolling is not taken for the reader's.
        self._driving = False
        #: Per side: sentence index -> indices into ``disagreements`` of the figures it holds.
        self._conflicts_at: dict[str, dict[int, list[int]]] = {"a": {}, "b": {}}
        self._figure_turn = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(Content("Comparing…"), id="compare-summary")
        with Horizontal(id="compare-panes"):
            yield ComparePane("a", id="pane-a")
            yield ComparePane("b", id="pane-b")
        yield Static(id="compare-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "compare"
        for side in SIDES:
            self.watch(self.pane(side), "scroll_y", partial(self._scrolled, side), init=False)
        self.watch(self.app, "hidden_kinds", self._show_entities, init=False)
        self.pane("a").focus()
        self.run_compare(self.a_id, self.b_id, None)

    @property
    def disagreements(self) -> tuple[FigurePair, ...]:
        """Conflicting figures, later counts (updates), then figures that differ but may not count the same thing:
        every figure a reader may want to check."""
        if self.comparison is None:
            return ()
        return (*self.comparison.conflicts, *self.comparison.updates, *self.comparison.differences)

    def pane(self, side: str) -> ComparePane:
        return self.query_one(f"#pane-{side}", ComparePane)

    @property
    def focused_side(self) -> str:
        focused = self.focused
        if isinstance(focused, ComparePane):
            return focused.side
        return self.position[0] if self.position else "a"

    # -- comparing ------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def run_compare(self, a_id: str, b_id: str, keep: tuple[str, int] | None) -> None:
        """Read both articles and compare them off the UI thread. ``keep`` is ``(article id, sentence)``: where
        to put the reader once the comparison shows (on whichever side that article is now)."""
        worker = get_current_worker()
        a = self.articles.get(a_id) or self.library.article(a_id)
        b = self.articles.get(b_id) or self.library.article(b_id)
        comparison = self._comparisons.get((a.id, b.id)) or self.library.compare(a.id, b.id)
        if not worker.is_cancelled:
            self.post_message(ComparisonReady(a, b, comparison, keep))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "compare" and event.state == WorkerState.ERROR:
            self.notify(f"Could not compare: {one_line(str(event.worker.error))}", severity="error", markup=False)
            if self.comparison is None:
                self.dismiss()

    @on(ComparisonReady)
    def _show(self, event: ComparisonReady) -> None:
        a, b, comparison, keep = event.a, event.b, event.comparison, event.keep
        self.a_id, self.b_id = a.id, b.id
        self.articles[a.id], self.articles[b.id] = a, b
        self._comparisons[(a.id, b.id)] = comparison
        self.comparison = comparison
        self._conflicts_at = {"a": {}, "b": {}}
        for number, conflict in enumerate(self.disagreements):
            at_a = comparison.figures_a[conflict.a].sentence
            at_b = comparison.figures_b[conflict.b].sentence
            self._conflicts_at["a"].setdefault(at_a, []).append(number)
            self._conflicts_at["b"].setdefault(at_b, []).append(number)
        hidden = self.app.hidden_kinds
        with self._driving_panes():
            for side, article in (("a", a), ("b", b)):
                pane = self.pane(side)
                pane.show_side(article, comparison, hidden)
                pane.border_title = side_title(side, article)
                pane.border_subtitle = Content(
                    f"{comparison.summary.a_share if side == 'a' else comparison.summary.b_share:.0%} aligned"
                )
        self.query_one("#compare-summary", Static).update(summary_line(comparison))
        self.position = None
        self._difference = None
        article_id, index = keep or (a.id, None)
        side = "a" if article_id == a.id else "b"
        if index is None:
            index = next(iter(self.pane(side).readable), None)
        if index is not None:
            self.pane(side).focus()
            self._go(side, index)

    def _show_entities(self, hidden: frozenset[str]) -> None:
        for side in SIDES:
            pane = self.pane(side)
            if pane.article is not None:
                pane.set_entities(pane.article.entities, hidden)

    # -- keeping the panes in step --------------------------------------------------------------------

    @contextmanager
    def _driving_panes(self) -> Iterator[None]:
        self._driving = True
        try:
            yield
        finally:
            self._driving = False

    def _scrolled(self, side: str) -> None:
        """A pane moved and the screen did not move it: the reader did, so that pane leads."""
        if self._driving or self.comparison is None:
            return
        pane = self.pane(side)
        index = pane.top_sentence
        if index is None:
            return
        first, stop = pane.lines_of(*self._span(side, index))
        progress = (pane.scroll_offset.y - first) / max(1, stop - first)
        self._follow(side, index, min(1.0, max(0.0, progress)))

    def _span(self, side: str, index: int) -> tuple[int, int]:
        """The text a sentence stands for on its side: its pair's sentences when it has a counterpart."""
        assert self.comparison is not None
        pair = self.comparison.counterpart(side, index)
        if pair is None:
            return self.pane(side).sentence_span(index)
        return pair.a_span if side == "a" else pair.b_span

    def _go(self, side: str, index: int) -> None:
        """Put sentence ``index`` of ``side`` at the top of its pane and the other pane at its counterpart."""
        pane = self.pane(side)
        with self._driving_panes():
            pane.scroll_to_line(pane.line_of(self._span(side, index)[0]))
        self._follow(side, index, 0.0)

    def _follow(self, side: str, index: int, progress: float) -> None:
        """``side`` is at sentence ``index`` (``progress`` of the way through it): show its counterpart."""
        assert self.comparison is not None
        self.position = (side, index)
        other = other_side(side)
        leader, follower = self.pane(side), self.pane(other)
        pair = self.comparison.counterpart(side, index)
        if pair is not None:
            here, there = (pair.a, pair.b) if side == "a" else (pair.b, pair.a)
            first, stop = follower.lines_of(*(pair.b_span if side == "a" else pair.a_span))
            line = first + int(progress * (stop - first))
        elif (second := self.comparison.second_counterpart(side, index)) is not None:
            here, there = second.indices, second.like
            line = follower.lines_of(*follower.sentence_span(second.like[0]))[0]
        else:
            here, there = (index,), ()
            line = self._anchor_line(side, index)
        leader.show_current(here)
        follower.show_current(there)
        for pane in (leader, follower):
            pane.clear_layer("focus")
        with self._driving_panes():
            follower.scroll_to_line(line)
        self._show_status()

    def _anchor_line(self, side: str, index: int) -> int:
        """Where the other pane stands while this side reads a sentence the other lacks: just after the
        counterpart of the nearest aligned sentence before it, or at the top."""
        assert self.comparison is not None
        follower = self.pane(other_side(side))
        for before in reversed([i for i in self.pane(side).readable if i < index]):
            pair = self.comparison.counterpart(side, before)
            if pair is not None:
                return follower.lines_of(*(pair.b_span if side == "a" else pair.a_span))[1]
        return 0

    def current_sentence(self, side: str) -> int | None:
        """The sentence being read on ``side``: the position if that side leads, else the counterpart of the
        position, else whatever is at the top of that pane."""
        if self.position is None or self.comparison is None:
            return None
        lead, index = self.position
        if lead == side:
            return index
        pair = self.comparison.counterpart(lead, index)
        if pair is not None:
            return (pair.a if side == "a" else pair.b)[0]
        second = self.comparison.second_counterpart(lead, index)
        if second is not None:
            return second.like[0]
        return self.pane(side).top_sentence

    def on_resize(self, event: Resize) -> None:
        """The panes wrap again at their new width: keep the sentence being read at the top."""
        if self.position is not None:
            self.call_after_refresh(self._go, *self.position)

    # -- the status line ------------------------------------------------------------------------------

    def _show_status(self, extra: Content | None = None) -> None:
        if extra is None:
            extra = self._position_status()
            stepped = self._difference
            if stepped is not None and stepped[0] == self.position:  # still there: keep "difference 3 of 12"
                extra = Content.assemble(
                    (stepped[1], "bold"), (" (wrapped)" if stepped[2] else "", "$text-muted"), (" · ", "$text-muted"),
                    extra,
                )
        self.query_one("#compare-status", Static).update(extra)

    def _position_status(self) -> Content:
        if self.position is None or self.comparison is None:
            return Content("")
        side, index = self.position
        conflicts = self._conflicts_at[side].get(index, [])
        if conflicts:
            conflict = self.disagreements[conflicts[0]]
            return self._conflict_status(conflict)
        pair = self.comparison.counterpart(side, index)
        second = self.comparison.second_counterpart(side, index) if pair is None else None
        if second is not None:
            return second_status(self.comparison, side, second)
        if pair is None:
            return Content.assemble(
                (f"only in {side.upper()}", "bold $text-warning"),
                (f" · no counterpart in {other_side(side).upper()} · n: next difference", "$text-muted"),
            )
        return pair_status(self.comparison, pair)

    def _conflict_status(self, conflict: FigurePair) -> Content:
        """A conflict on the one status line, each side's words clipped so that both figures fit its width."""
        prefix = Content.assemble(("≠ ", "bold $text-warning") if conflict.kind == "differs" else
                                  ("⚠ ", "bold $text-error"))
        width = self.query_one("#compare-status", Static).content_region.width
        fixed = prefix.cell_length + conflict_line(conflict, limits=(1, 1)).cell_length - 2
        room = width - fixed
        lengths = len(flat(conflict.a_text)), len(flat(conflict.b_text))
        if sum(lengths) <= room:
            limits = lengths
        elif min(lengths) <= room // 2:  # the short side whole, the long one gets the rest
            limits = tuple(length if length == min(lengths) else room - min(lengths) for length in lengths)
        else:
            limits = (room // 2, room // 2)
        line = conflict_line(conflict, limits=(max(FIGURE_WORDS_MIN, limits[0]), max(FIGURE_WORDS_MIN, limits[1])))
        return Content.assemble(prefix, line)

    # -- actions --------------------------------------------------------------------------------------

    def action_other_side(self) -> None:
        self.pane(other_side(self.focused_side)).focus()

    def action_counterpart(self) -> None:
        """Over to the other pane, at the counterpart of the sentence being read."""
        if self.comparison is None:
            return
        side = self.focused_side
        index = self.current_sentence(side)
        if index is None:
            return
        pair = self.comparison.counterpart(side, index)
        second = self.comparison.second_counterpart(side, index) if pair is None else None
        if pair is None and second is None:
            self.notify(f"Only in {side.upper()}: no counterpart in {other_side(side).upper()}.", timeout=3)
            return
        other = other_side(side)
        self.pane(other).focus()
        self._go(other, second.like[0] if second is not None else (pair.a if other == "a" else pair.b)[0])

    def action_sentence(self, direction: int) -> None:
        """The next (or previous) sentence of the focused side; a pair's sentences count as one."""
        if self.comparison is None:
            return
        side = self.focused_side
        pane = self.pane(side)
        index = self.current_sentence(side)
        readable = pane.readable
        if index is None or not readable:
            return
        unit = self._span(side, index)
        order = readable if direction > 0 else tuple(reversed(readable))
        for candidate in order:
            if (candidate - index) * direction > 0 and self._span(side, candidate) != unit:
                self._go(side, candidate)
                return

    def differences(self, side: str) -> list[int]:
        """Where ``side`` differs: the first sentence of each run it alone has, and each sentence holding a
        conflicting figure."""
        pane = self.pane(side)
        stops = set(self._conflicts_at[side])
        previous_unique = False
        for index in pane.readable:
            unique = pane.is_unique(index)
            if unique and not previous_unique:
                stops.add(index)
            previous_unique = unique
        return sorted(stops)

    def action_difference(self, direction: int) -> None:
        """Step to the next (or previous) difference on the focused side, wrapping around."""
        if self.comparison is None:
            return
        side = self.focused_side
        stops = self.differences(side)
        if not stops:
            self.notify(f"No differences in {side.upper()}: every sentence has a counterpart.", timeout=3)
            return
        here = self.current_sentence(side)
        here = -1 if here is None else here
        after = [i for i in stops if (i - here) * direction > 0]
        wrapped = not after
        target = (after[0] if direction > 0 else after[-1]) if after else (stops[0] if direction > 0 else stops[-1])
        self._difference = ((side, target), f"difference {stops.index(target) + 1} of {len(stops)}", wrapped)
        self._go(side, target)

    def action_figure(self) -> None:
        """Show the other side's figure for a conflict in the sentence being read (or the next one)."""
        if self.comparison is None:
            return
        if not self.disagreements:
            self.notify("No conflicting figures between these two articles.", timeout=3)
            return
        side = self.focused_side
        index = self.current_sentence(side)
        here = self._conflicts_at[side].get(index, []) if index is not None else []
        if not here:
            stops = sorted(self._conflicts_at[side])
            after = [i for i in stops if index is None or i > index]
            index = after[0] if after else stops[0]
            self._go(side, index)
            here = self._conflicts_at[side][index]
            self._figure_turn = 0
        number = here[self._figure_turn % len(here)]
        self._figure_turn += 1
        self.reveal_conflict(side, self.disagreements[number])

    def reveal_conflict(self, side: str, conflict: FigurePair) -> None:
        """Mark a conflict's figures on both sides and bring the other side's into view."""
        spans = {"a": conflict.a_span, "b": conflict.b_span}
        for pane_side in SIDES:
            self.pane(pane_side).set_layer("focus", [StyledSpan(*spans[pane_side], "article-view--focus")])
        self._bring_into_view(other_side(side), *spans[other_side(side)])
        self._show_status(self._conflict_status(conflict))

    def _bring_into_view(self, side: str, start: int, end: int) -> None:
        """Scroll ``side`` just enough to show ``start:end`` (without the other pane following)."""
        pane = self.pane(side)
        first, stop = pane.lines_of(start, end)
        top, height = pane.scroll_offset.y, pane.scrollable_content_region.height
        if first < top or stop > top + height:
            with self._driving_panes():
                pane.scroll_to_line(first - max(0, height // 3))

    def action_swap(self) -> None:
        """A becomes B and B becomes A; the reader stays at the sentence being read."""
        if self.comparison is None:
            return
        self.run_compare(self.b_id, self.a_id, self._reading(self.focused_side))

    def _reading(self, side: str) -> tuple[str, int] | None:
        """``(article id, sentence)`` being read on ``side``, to come back to after comparing anew."""
        article, index = self.pane(side).article, self.current_sentence(side)
        return (article.id, index) if article is not None and index is not None else None

    def action_pick(self) -> None:
        """Choose another article for the focused side; the other side stays."""
        if self.comparison is None:
            return
        side = self.focused_side
        fixed = self.pane(other_side(side)).article
        shown = self.pane(side).article
        if fixed is None or shown is None:
            return
        self.app.push_screen(
            PickArticleScreen(self.library, side, fixed, shown.id, self.app.summaries),
            lambda chosen: self._picked(side, chosen),
        )

    def _picked(self, side: str, chosen: str | None) -> None:
        if not chosen:
            return
        a_id, b_id = (chosen, self.b_id) if side == "a" else (self.a_id, chosen)
        self.query_one("#compare-summary", Static).update(Content("Comparing…"))
        self.run_compare(a_id, b_id, self._reading(other_side(side)))

    def action_details(self) -> None:
        """Everything the comparison found, as a list; choosing an entry goes to it."""
        if self.comparison is None:
            return
        a, b = self.pane("a").article, self.pane("b").article
        if a is None or b is None:
            return
        self.app.push_screen(CompareDetailsScreen(self.comparison, a, b), self._go_to_target)

    def _go_to_target(self, target: Target | None) -> None:
        if target is None:
            return
        pane = self.pane(target.side)
        index = pane.sentence_at(target.start)
        if index is None:
            return
        pane.focus()
        self._go(target.side, index)
        pane.set_layer("focus", [StyledSpan(target.start, target.end, "article-view--focus")])
        if target.other is not None:
            other = other_side(target.side)
            self.pane(other).set_layer("focus", [StyledSpan(*target.other, "article-view--focus")])
            self._bring_into_view(other, *target.other)

    def action_toggle_kind(self, kind: str) -> None:
        self.app.toggle_kind(kind)

    def action_toggle_all_kinds(self) -> None:
        self.app.hidden_kinds = frozenset() if self.app.hidden_kinds else frozenset(ENTITY_KINDS)
