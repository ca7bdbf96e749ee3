"""Search results: one entry per hit with source, date, score, title and snippets, matches highlighted.

Snippets are built from the engine's ``Fragment.matches`` offsets as styled ``Content`` spans: the
article's words are never parsed as markup, and control characters are neutralised first (length-preserving,
so the offsets still point at the matched words).

The first line of a hit (rank, source, date, score) never wraps: the list builds its entries for its width, the
source clipped first, and builds them again when it is resized.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding
from textual.content import Content
from textual.events import Resize
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from index import Hit
from reader.safe import one_line
from reader.widgets.article_table import mark_letter
from reader.widgets.lists import PagedOptionList
from reader.widgets.messages import CompareMarked, OpenArticle, ToggleMark

#: How matched words look in titles and snippets.
MATCH_STYLE = "bold underline $text-warning"
UNKNOWN = "—"
#: Snippets shown under each hit: two keep several hits on an 80x24 screen.
SNIPPETS_PER_HIT = 2


def highlighted(text: str, matches: Sequence[tuple[int, int]]) -> Content:
    """``text`` on one line (line breaks become spaces) with ``matches`` (offsets into ``text``) styled."""
    content = Content(one_line(text.replace("\n", " ")))
    for start, end in matches:
        content = content.stylize(MATCH_STYLE, start, end)
    return content


def facts_line(hit: Hit, mark: str, width: int = 0) -> Content:
    """``A 1. Source · date · score 3.94``, within ``width`` cells (0: however long it is): the source is clipped
    first, with an ellipsis, so the line does not wrap; only a list too narrow for the rest clips that too."""

    def line(source: Content) -> Content:
        return Content.assemble(
            (f"{mark or ' '} ", "bold reverse" if mark else ""),
            (f"{hit.rank}. ", "$text-muted"),
            source.stylize("bold"),
            (" · ", "$text-muted"),
            hit.published or UNKNOWN,
            (" · ", "$text-muted"),
            (f"score {hit.score:.2f}", "$text-muted"),
        )

    source = Content(one_line(hit.source) or UNKNOWN)
    facts = line(source)
    if width <= 0 or facts.cell_length <= width:
        return facts
    room = source.cell_length - (facts.cell_length - width)
    if room >= 4:
        return line(source.truncate(room, ellipsis=True))
    return facts.truncate(width, ellipsis=True)


def hit_prompt(hit: Hit, mark: str, width: int = 0) -> Content:
    """The entry for one hit: a line of facts (fitted to ``width`` cells, see :func:`facts_line`), the title,
    then each snippet on its own line."""
    facts = facts_line(hit, mark, width)
    title = highlighted(hit.title, hit.title_matches).stylize("bold")
    lines = [facts, title]
    for fragment in hit.fragments[:SNIPPETS_PER_HIT]:
        snippet = highlighted(fragment.text, fragment.matches)
        lines.append(Content.assemble(("…", "$text-muted"), snippet, ("…", "$text-muted")))
    return Content("\n").join(lines)


class ResultsList(PagedOptionList):
    """The hits of the last good search. ``enter`` opens, ``space`` marks, ``ctrl+o`` compares; letters go on
    typing the query."""

    BINDINGS = [
        Binding("down", "cursor_down", "Down", show=False, id="results.down"),
        Binding("up", "cursor_up", "Up", show=False, id="results.up"),
        Binding("home", "first", "First", show=False, id="results.first"),
        Binding("end", "last", "Last", show=False, id="results.last"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="results.page-down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="results.page-up"),
        Binding("enter", "select", "Open", id="results.open"),
        Binding("space", "toggle_mark", "Mark", id="results.mark"),
        Binding("ctrl+o", "compare", "Compare", id="results.compare"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._hits: tuple[Hit, ...] = ()
        self._marks: tuple[str, ...] = ()
        #: The width the entries were built for.
        self._built_for = 0

    @property
    def hits(self) -> tuple[Hit, ...]:
        return self._hits

    def show_hits(self, hits: Sequence[Hit], marks: Sequence[str]) -> None:
        """Show ``hits``, keeping the highlight on the same article when it is still among them."""
        current = self.current_id
        self._hits = tuple(hits)
        self._marks = tuple(marks)
        self.set_options(self._hit_options())
        ids = [hit.id for hit in self._hits]
        if ids:
            self.highlighted = ids.index(current) if current in ids else 0

    def show_marks(self, marks: Sequence[str]) -> None:
        old, self._marks = self._marks, tuple(marks)
        for hit in self._hits:
            if mark_letter(hit.id, old) != mark_letter(hit.id, marks):
                self.replace_option_prompt(hit.id, hit_prompt(hit, mark_letter(hit.id, marks), self._built_for))

    @property
    def line_width(self) -> int:
        """The cells an entry's line has (0 before the list is laid out): the room inside the border and the
        entries' padding, less a scrollbar's, which a long list shows."""
        padding = self.get_component_styles("option-list--option").padding.width
        return max(0, self.content_region.width - padding - self.styles.scrollbar_size_vertical)

    def on_resize(self, event: Resize) -> None:
        if self._hits and self.line_width != self._built_for:
            self.show_hits(self._hits, self._marks)

    def _hit_options(self) -> list[Option | None]:
        self._built_for = width = self.line_width
        options: list[Option | None] = []
        for number, hit in enumerate(self._hits):
            if number:
                options.append(None)  # a separator line between hits
            options.append(Option(hit_prompt(hit, mark_letter(hit.id, self._marks), width), id=hit.id))
        return options

    @property
    def current_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def action_toggle_mark(self) -> None:
        if (article_id := self.current_id) is not None:
            self.post_message(ToggleMark(article_id))

    def action_compare(self) -> None:
        if (article_id := self.current_id) is not None:
            self.post_message(CompareMarked(article_id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(OpenArticle(event.option.id))
