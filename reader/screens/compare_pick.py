"""Choosing the article for one side of a comparison: the other coverage of the fixed side's story first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from index import Article, ArticleSummary, Library
from reader.safe import one_line
from reader.screens.compare_lines import UNKNOWN, flat
from reader.widgets.lists import PagedOptionList

#: Articles the picker lists below the other coverage; typing narrows the list.
PICKER_LIMIT = 200
#: Neighbours asked of the story map for the picker (after the other articles of the story).
PICKER_SIMILAR = 20


@dataclass
class NeighboursFound(Message, bubble=False):
    """The other coverage of the fixed side's story, and its nearest neighbours: ``(article id, note)``."""

    coverage: list[tuple[str, str]]


def summary_prompt(summary: ArticleSummary, note: str = "") -> Content:
    """``Source · date · [note ·] title`` for the picker; the note ("same story", "shown now") before the
    title so a long title cannot push it out of sight."""
    return Content.assemble(
        (one_line(summary.source) or UNKNOWN, "bold"),
        (" · ", "$text-muted"),
        summary.published or "undated",
        (" · ", "$text-muted"),
        (f"{note} · " if note else "", "$text-accent"),
        flat(summary.title) or UNKNOWN,
    )


class PickArticleScreen(ModalScreen[str | None]):
    """Choose the article for one side. The other coverage of the fixed side's story comes first (when the
    index's story map knows it), then every article, newest first; typing narrows by title or source."""

    #: Its stylesheets (read when first shown: ``BylineApp.push_screen``).
    STYLESHEETS = ("compare.tcss",)

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="pick.cancel"),
        Binding("down", "to_list", "To list", show=False, id="pick.to-list"),
    ]

    def __init__(
        self, library: Library, side: str, fixed: Article, shown_id: str, summaries: Sequence[ArticleSummary]
    ) -> None:
        super().__init__()
        self.library = library
        self.side = side
        self.fixed = fixed
        self.shown_id = shown_id
        self.summaries = [s for s in summaries if s.id != fixed.id]
        self._by_id = {s.id: s for s in self.summaries}
        #: Other coverage of the fixed article's story, best first, with a note each (filled by a worker).
        self.coverage: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box") as box:
            box.border_title = Content.assemble(
                f"Article for side {self.side.upper()}, compared with ", (flat(self.fixed.title) or UNKNOWN, "bold")
            )
            box.border_subtitle = Content("enter chooses · escape cancels")
            yield Input(placeholder="Narrow by title or source", id="pick-filter", select_on_focus=False)
            yield PagedOptionList(id="pick-list", markup=False)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#pick-list", OptionList).focus()
        self.find_coverage()

    @work(thread=True, exclusive=True, group="pick", exit_on_error=False)
    def find_coverage(self) -> None:
        """Ask the story map (grouped once per index, then cached) for the fixed article's other coverage."""
        worker = get_current_worker()
        stories = self.library.stories()
        found: dict[str, str] = {}
        for neighbour in stories.other_coverage(self.fixed.id):
            found.setdefault(neighbour.id, "copy" if neighbour.copy else "same story")
        for neighbour in stories.similar(self.fixed.id, PICKER_SIMILAR):
            found.setdefault(neighbour.id, "copy" if neighbour.copy else f"similar {neighbour.similarity:.0%}")
        if not worker.is_cancelled:
            self.post_message(NeighboursFound([(i, note) for i, note in found.items() if i in self._by_id]))

    @on(NeighboursFound)
    def _show_coverage(self, event: NeighboursFound) -> None:
        self.coverage = event.coverage
        self._fill(self.query_one("#pick-filter", Input).value)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Without a story map the picker still lists every article by date; say why nothing comes first.
        if event.worker.group == "pick" and event.state == WorkerState.ERROR:
            self.notify(
                f"No other coverage: {one_line(str(event.worker.error))}", severity="warning", timeout=3, markup=False
            )

    @on(Input.Changed, "#pick-filter")
    def _narrow(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_to_list(self) -> None:
        self.query_one("#pick-list", OptionList).focus()

    @on(Input.Submitted, "#pick-filter")
    def _submitted(self) -> None:
        """Enter in the filter box chooses the entry highlighted below it."""
        option = self.query_one("#pick-list", OptionList).highlighted_option
        if option is not None and option.id:
            self.dismiss(option.id)

    def _fill(self, text: str) -> None:
        words = text.casefold().split()

        def wanted(summary: ArticleSummary) -> bool:
            haystack = f"{summary.title} {summary.source}".casefold()
            return all(word in haystack for word in words)

        options: list[Option] = []
        listed: set[str] = set()
        coverage = [(self._by_id[i], note) for i, note in self.coverage if wanted(self._by_id[i])]
        if coverage:
            options.append(Option(Content("Other coverage of this story").stylize("bold $text-accent"), disabled=True))
            for summary, note in coverage:
                shown = ", shown now" if summary.id == self.shown_id else ""
                options.append(Option(summary_prompt(summary, note + shown), id=summary.id))
                listed.add(summary.id)
        rest = [s for s in self.summaries if s.id not in listed and wanted(s)]
        rest.sort(key=lambda s: s.published, reverse=True)
        heading = f"All articles, newest first ({len(rest):,})" if rest else "No other article matches"
        options.append(Option(Content(heading).stylize("bold $text-accent"), disabled=True))
        for summary in rest[:PICKER_LIMIT]:
            options.append(Option(summary_prompt(summary, "shown now" if summary.id == self.shown_id else ""),
                                  id=summary.id))
        if len(rest) > PICKER_LIMIT:
            options.append(Option(Content(f"… {len(rest) - PICKER_LIMIT:,} more: type to narrow")
                                  .stylize("$text-muted"), disabled=True))
        option_list = self.query_one("#pick-list", OptionList)
        option_list.set_options(options)
        choices = [n for n, option in enumerate(options) if not option.disabled]
        others = [n for n in choices if options[n].id != self.shown_id]
        option_list.highlighted = (others or choices or [None])[0]

    @on(OptionList.OptionSelected, "#pick-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    def on_key(self, event: Key) -> None:
        """Typing on the list narrows it: the keys go to the filter box, focused now (not after a refresh).

        A printable key reaches this handler only from the list (the filter box consumes its own), also when
        it was queued for the list in a burst typed before the focus moved: it belongs to the filter too."""
        filter_box = self.query_one("#pick-filter", Input)
        if event.is_printable and event.character:
            event.stop()
            self.set_focus(filter_box)
            filter_box.insert_text_at_cursor(event.character)
