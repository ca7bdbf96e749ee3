"""The library table: one row per article (mark, source, date, title), sortable by date or source.

A corpus can hold twenty thousand articles, so this is not a ``DataTable`` (which builds every row up front:
0.7 s for 19k rows here, again on each sort) but a ``ScrollView`` that draws only the rows on screen from
the sorted list of summaries. Sorting re-sorts that list; resizing only changes the column widths.

Until :meth:`ArticleTable.show_articles` is called the table says it is loading: the reader reads the catalog
after its first frame, so that a large corpus opens as fast as a small one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.safe import one_line
from reader.widgets.messages import CompareMarked, OpenArticle, ToggleMark

if TYPE_CHECKING:
    from index import ArticleSummary

UNKNOWN = "—"
DATE_WIDTH = 10
#: The source column is as wide as the widest source, within these bounds.
SOURCE_WIDTHS = (6, 24)
#: Cells between columns.
GAP = 2
#: The order the table starts in: newest first.
DEFAULT_SORTING = ("date", True)
#: What the table shows until it has the articles.
LOADING = "Loading the articles…"


def mark_letter(article_id: str, marks: Sequence[str]) -> str:
    """``A``/``B`` for the first and second article marked for comparison, else ``""``."""
    return "AB"[marks.index(article_id)] if article_id in marks[:2] else ""


def sort_summaries(summaries: Sequence[ArticleSummary], field: str, descending: bool) -> list[ArticleSummary]:
    """Summaries by date (undated last, whichever the direction) or by source (then newest first)."""
    if field == "source":
        known = [s for s in summaries if s.source]
        unknown = [s for s in summaries if not s.source]
        known.sort(key=lambda s: (s.source.casefold(), s.published, s.title.casefold()), reverse=descending)
        return known + sorted(unknown, key=lambda s: s.title.casefold())
    dated = sorted((s for s in summaries if s.published), key=lambda s: (s.published, s.title.casefold()))
    if descending:
        dated.reverse()
    undated = sorted((s for s in summaries if not s.published), key=lambda s: s.title.casefold())
    return dated + undated


class ArticleTable(ScrollView, can_focus=True):
    """The articles of the library. ``enter`` opens, ``space`` marks, ``ctrl+o`` compares, ``ctrl+d``/``ctrl+s``
    sort. No printable key but space is bound: typing on the table starts a search (see ``LibraryScreen``)."""

    COMPONENT_CLASSES = {
        "article-table--header",
        "article-table--cursor",
        "article-table--mark",
        "article-table--muted",
        "article-table--odd-row",
    }

    BINDINGS = [
        Binding("down", "cursor(1)", "Down", show=False, id="library.down"),
        Binding("up", "cursor(-1)", "Up", show=False, id="library.up"),
        Binding("home", "first", "First", show=False, id="library.first"),
        Binding("end", "last", "Last", show=False, id="library.last"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="library.page-down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="library.page-up"),
        Binding("enter", "open", "Open", id="library.open"),
        Binding("space", "toggle_mark", "Mark", id="library.mark"),
        Binding("ctrl+o", "compare", "Compare", id="library.compare"),
        Binding("ctrl+d", "sort('date')", "By date", show=False, id="library.sort-date"),
        Binding("ctrl+s", "sort('source')", "By source", show=False, id="library.sort-source"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Sorted(Message):
        """The table was sorted again (see ``sorting``)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._summaries: list[ArticleSummary] = []
        self._rows: list[ArticleSummary] = []
        self._marks: tuple[str, ...] = ()
        self._source_width = SOURCE_WIDTHS[0]
        #: Current sort: ``("date" | "source", descending)``.
        self.sorting: tuple[str, bool] = DEFAULT_SORTING
        #: False until the articles are given to :meth:`show_articles`.
        self.loaded = False

    # -- data -----------------------------------------------------------------------------------------

    def show_articles(self, summaries: Sequence[ArticleSummary], *,
                      ordered: tuple[tuple[str, bool], list[ArticleSummary]] | None = None) -> None:
        """Show ``summaries``. ``ordered`` is ``(sorting, rows)``: them already sorted (a thread can do that
        for a large corpus), used if the table is still sorted that way."""
        self._summaries = list(summaries)
        self.loaded = True
        widest = max((cell_len(one_line(source)) for source in {s.source for s in self._summaries}), default=0)
        self._source_width = min(max(widest, SOURCE_WIDTHS[0]), SOURCE_WIDTHS[1])
        self._resort(ordered[1] if ordered is not None and ordered[0] == self.sorting else None)

    def show_marks(self, marks: Sequence[str]) -> None:
        """Redraw the mark column for ``marks`` (article ids, in marking order)."""
        self._marks = tuple(marks)
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def row_ids(self) -> list[str]:
        """Article ids in the order shown."""
        return [row.id for row in self._rows]

    @property
    def current_id(self) -> str | None:
        """The id of the article under the cursor."""
        return self._rows[self.cursor].id if self._rows else None

    def _resort(self, rows: list[ArticleSummary] | None = None) -> None:
        current = self.current_id
        self._rows = sort_summaries(self._summaries, *self.sorting) if rows is None else rows
        ids = self.row_ids
        self.cursor = ids.index(current) if current in ids else 0
        self.virtual_size = Size(1, len(self._rows) + 1)  # one column wide: never scrolls sideways; + header
        self.refresh()

    # -- cursor and scrolling -------------------------------------------------------------------------

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def validate_cursor(self, cursor: int) -> int:
        return min(max(cursor, 0), max(len(self._rows) - 1, 0))

    def watch_cursor(self) -> None:
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + self._page_rows:
            self.scroll_to(y=self.cursor - self._page_rows + 1, animate=False)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.cursor += direction * self._page_rows

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    # -- actions --------------------------------------------------------------------------------------

    def action_sort(self, field: str) -> None:
        """Sort by ``field``; asking again for the same field flips the direction."""
        current_field, descending = self.sorting
        self.sorting = (field, not descending if field == current_field else field == "date")
        self._resort()
        self.post_message(self.Sorted())

    def action_open(self) -> None:
        if (article_id := self.current_id) is not None:
            self.post_message(OpenArticle(article_id))

    def action_toggle_mark(self) -> None:
        if (article_id := self.current_id) is not None:
            self.post_message(ToggleMark(article_id))

    def action_compare(self) -> None:
        if (article_id := self.current_id) is not None:
            self.post_message(CompareMarked(article_id))

    def on_click(self, event: events.Click) -> None:
        """A click on a row moves the cursor there (a second click opens it); on a header, sorts."""
        if event.y == 0:
            source_start = 1 + GAP
            date_start = source_start + self._source_width + GAP
            if source_start <= event.x < date_start:
                self.action_sort("source")
            elif date_start <= event.x < date_start + DATE_WIDTH:
                self.action_sort("date")
            return
        row = self.scroll_offset.y + event.y - 1
        if 0 <= row < len(self._rows):
            if row == self.cursor or event.chain > 1:
                self.cursor = row
                self.action_open()
            else:
                self.cursor = row

    # -- rendering ------------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("article-table--header")
            field, descending = self.sorting
            arrow = " ↓" if descending else " ↑"
            titles = ("", "Source" + (arrow if field == "source" else ""), "Date" + (arrow if field == "date" else ""))
            return self._strip((*titles, "Title"), [style] * 4, style, width)
        index = self.scroll_offset.y + y - 1
        if not self.loaded and index == 0:
            muted = base + self.get_component_rich_style("article-table--muted", partial=True)
            return self._strip(("", "", "", LOADING), [muted] * 4, base, width)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        if index == self.cursor:
            style = base + self.get_component_rich_style("article-table--cursor")
        elif index % 2:
            style = base + self.get_component_rich_style("article-table--odd-row")
        else:
            style = base
        muted = style + self.get_component_rich_style("article-table--muted", partial=True)
        mark = mark_letter(row.id, self._marks)
        mark_style = style + self.get_component_rich_style("article-table--mark", partial=True) if mark else style
        cells = (
            mark or " ",
            one_line(row.source) or UNKNOWN,
            row.published or UNKNOWN,
            one_line(row.title) or UNKNOWN,
        )
        styles = [
            mark_style,
            style if row.source else muted,
            style if row.published else muted,
            style,
        ]
        return self._strip(cells, styles, style, width)

    def _strip(self, cells: Sequence[str], styles: Sequence[Style], fill: Style, width: int) -> Strip:
        """One line of the table: cells laid out in the columns, the title taking what is left."""
        widths = (1, self._source_width, DATE_WIDTH)
        segments: list[Segment] = []
        used = 0
        for cell, cell_style, cell_width in zip(cells[:3], styles[:3], widths, strict=True):
            text = Text(cell, no_wrap=True, end="")
            text.truncate(cell_width, overflow="ellipsis", pad=True)
            segments.append(Segment(" " if not used else " " * GAP, fill))
            segments.append(Segment(text.plain, cell_style))
            used += cell_width + (1 if not used else GAP)
        title_width = max(0, width - used - GAP)
        title = Text(cells[3], no_wrap=True, end="")
        title.truncate(title_width, overflow="ellipsis", pad=True)
        segments.append(Segment(" " * GAP, fill))
        segments.append(Segment(title.plain, styles[3]))
        return Strip(segments).adjust_cell_length(width, fill)
