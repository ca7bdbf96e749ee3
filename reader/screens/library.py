"""The library: every article in a table, and search-as-you-type over them with snippets and facets.

The query box sits on top. While it is empty the table of articles shows; as soon as it holds a query the
results replace the table and the facets appear beside them. Every keystroke starts a search in a thread
worker of one exclusive group, after a short debounce, so a newer query cancels an older one and the
interface never waits for Whoosh. A query that does not parse shows its error inline and leaves the last good
results where they were; a query still being typed (an open quote, a trailing ``NOT``) only gets a quiet hint.

Typing on the table, the results or the facets types into the query: no printable key but space (mark), ``?``
(help) and ``/`` is a command there, so ``kabul`` never loses its k. The lists' commands are arrows, page keys,
``enter`` and control keys.

The screen is drawn before the articles are read: once it is on screen it reads the catalog in a thread
(:meth:`LibraryScreen.read_catalog`) and hands it to the app, and the table says it is loading until it
arrives. The query box works meanwhile.

Workers post what happened as messages (:class:`SearchDone`, :class:`CatalogRead`), handled here on the UI
thread. A search's results are shown only while the query box still holds the query they answer, so typing
fast never shows the results of an older query, whatever order the threads finish in.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Key, ScreenResume
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

if TYPE_CHECKING:
    from textual.widget import AwaitMount

from reader.safe import one_line
from reader.widgets.article_table import DEFAULT_SORTING, ArticleTable, sort_summaries
from reader.widgets.messages import CompareMarked, OpenArticle, ToggleMark
from reader.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from index import ArticleSummary, IndexProblem, QueryError, SearchResult
    from reader.widgets.facet_list import FacetList

# The results, the no-hits note and the facets are imported where they are first mounted, just after the first
# frame (:meth:`LibraryScreen._mount_search_panes`): the reader's start-up is measured against a bare Textual app.

#: Seconds a query must stay unchanged before it is run: typing "taliban" runs one search, not seven.
DEBOUNCE_SECONDS = 0.12
#: How many hits a search shows.
RESULT_LIMIT = 50
#: Printable keys that stay commands on the lists (mark, help, search): none of them starts a query.
COMMAND_CHARACTERS = frozenset(" ?/")


class SearchDone(Message, bubble=False):
    """A search finished: its results, or why ``query`` could not run (a :class:`QueryError`)."""

    def __init__(self, query: str, outcome: SearchResult | QueryError) -> None:
        super().__init__()
        self.query = query
        self.outcome = outcome


class CatalogRead(Message, bubble=False):
    """The catalog of every article was read; ``rows`` holds the articles in the table's starting order."""

    def __init__(self, summaries: list[ArticleSummary], rows: list[ArticleSummary]) -> None:
        super().__init__()
        self.summaries = summaries
        self.rows = rows


class CatalogUnreadable(Message, bubble=False):
    """The catalog could not be read: the index is damaged or of another version."""

    def __init__(self, problem: IndexProblem) -> None:
        super().__init__()
        self.problem = problem


class LibraryScreen(Screen):
    """Where the reader starts: the articles, the query box, results and facets."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", priority=True, id="library.search"),
        Binding("escape", "back", "Back", show=False, id="library.back"),
        Binding("down", "focus_list", "To list", id="library.to-list"),
        # The app's ``q`` would quit on a word beginning with q: on this screen q is typed, ctrl+q quits.
        Binding("q", "type('q')", "Types q (ctrl+q quits)", show=False, id="library.type-q"),
        # A priority binding, so the footer shows it rather than the app's hidden ctrl+q.
        Binding("ctrl+q", "app.quit", "Quit", priority=True, id="library.quit"),
    ]

    def __init__(self, initial_query: str = "", *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._initial_query = initial_query
        self.last_result: SearchResult | None = None
        #: Set by :meth:`search_for`: the results take the focus when they are shown.
        self._focus_results = False
        self._search_panes: tuple[AwaitMount, ...] | None = None
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Input(
            placeholder="Search: words, \"phrases\", person:Mujahid, source:\"…\", AND/OR/NOT",
            id="query",
            select_on_focus=False,
        )
        yield Static(id="search-status", markup=False)
        with Horizontal(id="panes"), ContentSwitcher(initial="articles", id="lists"):
            yield ArticleTable(id="articles")
        yield Footer(compact=True)

    def _mount_search_panes(self) -> tuple[AwaitMount, ...]:
        """Mount the results, the no-hits note and the facets (once; awaitables for their mounting). Hidden
        until a search shows them, they are mounted just after the library's first frame rather than before it:
        styling their lists was a fifth of the reader's start-up."""
        if self._search_panes is None:
            lists = self.query_one(ContentSwitcher)
            if not lists.is_attached:  # the reader quit at its first frame: nothing will show a search
                return ()
            from reader.widgets.empty_state import NoHits
            from reader.widgets.facet_list import FacetList
            from reader.widgets.results_list import ResultsList

            results, no_hits = ResultsList(id="results"), NoHits(id="no-hits")
            results.display = no_hits.display = False  # the switcher shows them when a search needs them
            self._search_panes = (lists.mount(results, no_hits),
                                  self.query_one("#panes", Horizontal).mount(FacetList(id="facets")))
        return self._search_panes

    def on_screen_resume(self, event: ScreenResume) -> None:
        """Shown for the first time, the screen's widgets were styled as they were mounted, a moment ago: Textual
        would style them all again (a tenth of the reader's first frame). Shown again, they are (a theme may have
        changed meanwhile)."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        table = self.query_one(ArticleTable)
        if self.app.summaries_loaded:
            table.show_articles(self.app.summaries)
        elif not self.app.opening:  # else the app has it read once the index is open
            self.call_after_refresh(self.read_catalog)
        table.show_marks(self.app.marks)
        self.watch(self.app, "marks", self._show_marks, init=False)
        self.call_after_refresh(self._mount_search_panes)
        self._show_library_status()
        if self._initial_query:
            self._rewrite_query(self._initial_query)
        else:
            table.focus()

    @work(thread=True, exclusive=True, group="catalog")
    def read_catalog(self) -> None:
        """Read the catalog of every article (a large JSON file on a large corpus: 0.1 s for 19,000 articles,
        1 s for 100,000) and sort it for the table, in a thread, so that the library is on screen at once and
        its query box takes keys while this runs; the table fills when it is done."""
        from index import IndexProblem

        try:
            summaries = self.app.library.articles()
        except IndexProblem as problem:
            self.post_message(CatalogUnreadable(problem))
            return
        self.post_message(CatalogRead(summaries, sort_summaries(summaries, *DEFAULT_SORTING)))

    @on(CatalogRead)
    def _catalog_read(self, event: CatalogRead) -> None:
        # A library screen taken down meanwhile (the app shows a newer index on a new one) drops what it read.
        if self in self.app.screen_stack:
            self.app.catalog_read(event.summaries, event.rows)

    @on(CatalogUnreadable)
    def _catalog_unreadable(self, event: CatalogUnreadable) -> None:
        if self in self.app.screen_stack:
            self.app.library_unusable(event.problem)

    def show_summaries(self, summaries: list[ArticleSummary], rows: list[ArticleSummary]) -> None:
        """The catalog arrived: fill the table (``rows`` is ``summaries`` in the table's starting order)."""
        self.query_one(ArticleTable).show_articles(summaries, ordered=(DEFAULT_SORTING, rows))
        if not self.query_text.strip():
            self._show_library_status()

    # -- searching ------------------------------------------------------------------------------------

    @property
    def query_text(self) -> str:
        return self.query_one("#query", Input).value

    def search_for(self, query: str) -> None:
        """Show the results of ``query`` (as if typed), with the focus on them once they arrive."""
        self._focus_results = True
        self._rewrite_query(query)

    def _rewrite_query(self, query: str) -> None:
        """Replace the query with ``query``, the cursor after its end: what is typed next is added to it."""
        query_box = self.query_one("#query", Input)
        query_box.value = query
        query_box.cursor_position = len(query)

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        query = event.value.strip()
        if not query:
            self.workers.cancel_group(self, "search")
            self.last_result = None
            self.remove_class("-searching")
            self.query_one(ContentSwitcher).current = "articles"
            self._show_library_status()
            return
        self.run_search(query)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        """Search in a thread; waits out the debounce first and gives up if a newer query arrived (a newer
        search of the group cancels this one)."""
        from index import QueryError  # the engine: imported after the first frame, when the reader opens it

        worker = get_current_worker()
        if worker.cancelled_event.wait(DEBOUNCE_SECONDS):
            return
        outcome: SearchResult | QueryError
        try:
            outcome = self.app.library.search(query, limit=RESULT_LIMIT)
        except QueryError as error:
            outcome = error
        if not worker.is_cancelled:
            self.post_message(SearchDone(query, outcome))

    @on(SearchDone)
    async def _search_done(self, event: SearchDone) -> None:
        if event.query != self.query_text.strip():
            return  # the query changed while this one ran: these results are not the box's
        from index import QueryError

        outcome = event.outcome
        if isinstance(outcome, QueryError):
            if getattr(outcome, "incomplete", False):
                self._show_incomplete(outcome)
            else:
                self._show_error(outcome)
            return
        for mounting in self._mount_search_panes():  # a search answered before they were (a query given at start)
            await mounting
        if event.query != self.query_text.strip():
            return
        self.last_result = outcome
        self.remove_class("-error")
        found = bool(outcome.hits)
        self.set_class(found, "-searching")  # facets only beside results
        self.query_one(ContentSwitcher).current = "results" if found else "no-hits"
        from reader.widgets.empty_state import NoHits
        from reader.widgets.facet_list import FacetList
        from reader.widgets.results_list import ResultsList

        if not found:
            self.query_one(NoHits).show(outcome)
        results = self.query_one(ResultsList)
        results.show_hits(outcome.hits, self.app.marks)
        if self._focus_results and found:
            self._focus_results = False
            results.focus()
        self.query_one(FacetList).show_facets(outcome.facets, active=_clauses_in(outcome.query))
        self.query_one("#search-status", Static).update(_result_status(outcome))

    def _show_error(self, error: QueryError) -> None:
        """The error under the query, pointing at where it went wrong; the last good results stay."""
        self.add_class("-error")
        query = one_line(error.query)
        position = min(max(error.position, 0), len(query))
        marked = Content(query + " ").stylize("reverse bold $text-error", position, position + 1)
        kept = " · showing the last good results" if self.last_result is not None else ""
        self.query_one("#search-status", Static).update(
            Content.assemble(("⚠ ", "$text-error"), (one_line(error.message), "$text-error"), ": ", marked, kept)
        )

    def _show_incomplete(self, error: QueryError) -> None:
        """A query still being typed: no error, the last good results (or the library) stay, and a muted
        line says what the query waits for."""
        self.remove_class("-error")
        kept = "showing the last results" if self.last_result is not None else "the library meanwhile"
        self.query_one("#search-status", Static).update(
            Content.assemble(("… ", "$text-muted"), (one_line(error.message), "italic $text-muted"),
                             (f" · {kept}", "$text-muted"))
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A search that failed for any reason but a bad query (a damaged index, say) is reported inline."""
        if event.worker.group == "search" and event.state == WorkerState.ERROR:
            self.add_class("-error")
            self.query_one("#search-status", Static).update(
                Content.assemble(("⚠ search failed: ", "$text-error"), one_line(str(event.worker.error)))
            )

    def _show_library_status(self) -> None:
        table = self.query_one(ArticleTable)
        if not table.loaded:
            self.query_one("#search-status", Static).update(
                Content.assemble(("Loading the articles…", "bold"), (" · / searches meanwhile", "$text-muted"))
            )
            return
        field, descending = table.sorting
        arrow = "↓" if descending else "↑"
        count = len(self.app.summaries)
        noun = "article" if count == 1 else "articles"
        self.query_one("#search-status", Static).update(
            Content.assemble(
                (f"{count:,} {noun}", "bold"),
                (f" · by {field} {arrow} · type to search, ^d/^s sort, space marks, ^o compares", "$text-muted"),
            )
        )

    # -- lists ----------------------------------------------------------------------------------------

    def on_facet_list_chosen(self, event: FacetList.Chosen) -> None:
        """Add the facet's clause to the query, or take it out if it is there already."""
        query = self.query_text
        if event.clause in query:
            query = " ".join(query.replace(event.clause, " ").split())
        else:
            query = f"{query.strip()} {event.clause}".strip()
        self._rewrite_query(query)

    @on(OpenArticle)
    def _open(self, event: OpenArticle) -> None:
        from reader.screens.article import ArticleScreen

        terms = self.last_result.terms if self.last_result is not None else ()
        self.app.push_screen(ArticleScreen(event.article_id, terms=terms))

    @on(ToggleMark)
    def _toggle_mark(self, event: ToggleMark) -> None:
        self.app.toggle_mark(event.article_id)

    @on(CompareMarked)
    def _compare(self, event: CompareMarked) -> None:
        self.app.compare_marked(event.article_id)

    def _show_marks(self, marks: tuple[str, ...]) -> None:
        self.query_one(ArticleTable).show_marks(marks)
        for results in self.query("#results"):  # none before its first frame
            results.show_marks(marks)  # type: ignore[attr-defined]

    def on_key(self, event: Key) -> None:
        """Typing on the lists goes to the query box: every printable key but :data:`COMMAND_CHARACTERS`.

        A printable key reaches this handler only from a list (the query box consumes its own). If the query
        box has the focus by now, the key is one of a burst typed before the focus moved, and it belongs to
        the query too, whatever it is: it must not mark just because it was queued for the list.
        """
        if not (event.is_printable and event.character):
            return
        query_box = self.query_one("#query", Input)
        if self.focused is query_box or event.character not in COMMAND_CHARACTERS:
            event.stop()
            event.prevent_default()
            self._type(event.character)

    def action_type(self, character: str) -> None:
        """Type ``character`` into the query box (a key the app binds to something else: ``q``)."""
        self._type(character)

    def _type(self, character: str) -> None:
        query_box = self.query_one("#query", Input)
        self.set_focus(query_box)  # now, not after a refresh, so the next keys find it focused
        query_box.insert_text_at_cursor(character)

    @on(Input.Submitted, "#query")
    def action_focus_list(self) -> None:
        """Enter or down in the query box: on to the results (or the articles, with no query)."""
        lists = self.query_one(ContentSwitcher)
        # Now, not after a refresh (``focus()``): the Enter of a quick "down, enter" finds the list focused and
        # opens the highlighted article instead of being the query box's.
        self.set_focus(self.query_one(f"#{lists.current}"))

    # -- actions --------------------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#query", Input))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # ``/`` is a priority binding (so the keys typed right after it already go to the query box); in the
        # query box itself it is just a character.
        return not (action == "focus_search" and isinstance(self.focused, Input))

    def action_back(self) -> None:
        """Escape: from the query box clear it (or leave it); from a list go back to the query box."""
        query_box = self.query_one("#query", Input)
        if self.focused is query_box:
            if query_box.value:
                query_box.value = ""
            self.action_focus_list()
        elif query_box.value:
            query_box.focus()

    def on_article_table_sorted(self, event: ArticleTable.Sorted) -> None:
        self._show_library_status()


def _clauses_in(query: str) -> list[str]:
    """The ``field:"value"`` clauses of a query, to tick the facets already applied."""
    return re.findall(r'\w+:"[^"]*"', query)


def _result_status(result: SearchResult) -> Content:
    noun = "hit" if result.total == 1 else "hits"
    shown = f" (top {len(result.hits)})" if result.total > len(result.hits) else ""
    status = Content.assemble((f"{result.total:,} {noun}", "bold"), shown)
    if result.suggestion:
        status = Content.assemble(status, (" · did you mean: ", "$text-muted"), (one_line(result.suggestion), "italic"))
    return status
