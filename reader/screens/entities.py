"""The entity browser: every person, group and place of the corpus, who names them, and who leaves them out.

One row per canonical entity (its spellings merged), sortable by mentions, sources or articles, filtered by
kind and by typing part of any of its names. Beside the list, the highlighted entity: its names as found with
counts, why each was merged (alias file, acronym definition, spelling similarity, lone surname), the sources
that mention it and those that leave it out (over the last search's hits when there is one, else the corpus),
and its articles, which ``enter`` opens.

Corrections are made here too: ``m`` on one entity and then on another merges them; ``x`` on one of an
entity's names takes that name out of it. Both are saved to the corpus's alias file (or beside the index for
a read-only corpus) and apply at once, without re-indexing.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from index import ArticleSummary
from reader.safe import one_line
from reader.widgets.entity_legend import KIND_WORDS, kind_style
from reader.widgets.lists import PagedOptionList
from reader.widgets.title_bar import TitleBar
from reader.words import counted

#: Rows listed at once; typing narrows a larger corpus down (the Reuters corpus has some 30,000 entities).
ROW_LIMIT = 200
SORTS = ("mentions", "sources", "articles", "name")
KINDS = ("all", "person", "org", "place", "group", "other")
UNKNOWN_SOURCE = "(unknown source)"
#: Actions of printable keys, which only act from the lists (in the filter box a letter is a letter).
LIST_ACTIONS = ("focus_filter", "cycle_sort", "cycle_kind", "merge", "split", "cursor")


class FilterBox(Input):
    """The filter box: ``?`` opens the help rather than being typed (no entity's name has one)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character != "?" and super().check_consume_key(key, character)


@dataclass(frozen=True, slots=True)
class EntityRow:
    """One entity as the browser lists it: the entity, its sources, and the text typing is matched against."""

    entity: object  # index.entities.CanonicalEntity
    sources: tuple[str, ...]
    haystack: str


@dataclass
class EntitiesRead(Message, bubble=False):
    """Every entity was read, as the browser lists them; ``highlight``: the entity id to put the cursor on."""

    rows: list[EntityRow]
    highlight: str | None


@dataclass
class CorrectionSaved(Message, bubble=False):
    """A merge or split was saved: ``said`` tells the reader what happened and where it was written;
    ``entity_id`` is the entity it made."""

    said: str
    entity_id: str


class EntitiesScreen(Screen):
    """Browse the corpus's canonical entities. ``escape`` goes back."""

    DEFAULT_CSS = """
    EntitiesScreen #entity-filter { margin: 0 1; }
    EntitiesScreen #entity-status { height: 1; padding: 0 2; }
    EntitiesScreen #entity-panes { height: 1fr; }
    EntitiesScreen #entity-list {
        width: 2fr; height: 1fr; border: round $border-blurred;
        &:focus { border: round $border; }
    }
    EntitiesScreen #entity-detail { width: 3fr; height: 1fr; }
    EntitiesScreen #entity-summary { height: auto; max-height: 50%; padding: 0 1; overflow-y: auto; }
    EntitiesScreen #entity-names, EntitiesScreen #entity-articles {
        height: 1fr; border: round $border-blurred; border-title-color: $text-muted;
        &:focus { border: round $border; }
    }
    EntitiesScreen #entity-names { max-height: 10; }
    EntitiesScreen #entity-list, EntitiesScreen #entity-names, EntitiesScreen #entity-articles {
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    #: Typing filters at once, and enter goes on to the list; opened on one entity, the list has the focus.
    AUTO_FOCUS = "#entity-filter"

    BINDINGS = [
        Binding("escape", "back", "Back", id="entities.back"),
        Binding("slash", "focus_filter", "Filter", priority=True, id="entities.filter"),
        # Priority: the browser opens on its filter box (which lets "?" through: no name has one to filter by).
        Binding("question_mark", "help", "Help", priority=True, id="entities.help"),
        Binding("s", "cycle_sort", "Sort", id="entities.sort"),
        Binding("l", "cycle_kind", "Kind", id="entities.kind"),
        Binding("m", "merge", "Merge", id="entities.merge"),
        Binding("x", "split", "Split name", id="entities.split"),
        Binding("j", "cursor('down')", "Down", show=False, id="entities.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="entities.up"),
    ]

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self._initial_name = name
        self._rows: list[EntityRow] = []
        self._shown: list[EntityRow] = []
        self._sort = "mentions"
        self._kind = "all"
        self._marked: str | None = None  # the entity id marked for merging
        self._current: EntityRow | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield FilterBox(placeholder="Filter: part of any name (enter: to the list; escape: clear, then back)",
                    id="entity-filter", select_on_focus=False)
        yield Static(id="entity-status", markup=False)
        with Horizontal(id="entity-panes"):
            yield PagedOptionList(id="entity-list")
            with Vertical(id="entity-detail"):
                yield Static(id="entity-summary", markup=False)
                yield PagedOptionList(id="entity-names")
                yield PagedOptionList(id="entity-articles")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#entity-list").border_title = "Entities"
        self.query_one("#entity-names").border_title = "Names as found · x splits one off"
        self.query_one("#entity-articles").border_title = "Articles · enter opens"
        self.query_one("#entity-status", Static).update(Content("Loading entities…").stylize("$text-muted"))
        if self._initial_name:
            self.query_one("#entity-filter", Input).value = self._initial_name
            self.query_one("#entity-list", OptionList).focus()
        self.load_entities()

    # -- data -----------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def load_entities(self, highlight: str | None = None) -> None:
        """Read every entity (seconds on a large corpus, the first time) off the UI thread; a newer read (after
        a correction) cancels this one."""
        worker = get_current_worker()
        app = self.app
        entities = app.library.entities()
        source_of = {summary.id: summary.source or UNKNOWN_SOURCE for summary in app.summaries}
        rows = [
            EntityRow(
                entity=entity,
                sources=tuple(sorted({source_of.get(a, UNKNOWN_SOURCE) for a in entity.articles})),
                haystack="\n".join(name.casefold() for name, _ in ((entity.name, 0), *entity.names)),
            )
            for entity in entities
        ]
        if not worker.is_cancelled:
            self.post_message(EntitiesRead(rows, highlight))

    @on(EntitiesRead)
    def _loaded(self, event: EntitiesRead) -> None:
        self._rows = event.rows
        self._refilter(event.highlight)
        if not self.query_one("#entity-filter", Input).has_focus:
            self.query_one("#entity-list", OptionList).focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group in ("entities", "correction"):
            self.notify(one_line(f"Entities: {event.worker.error}"), severity="error", markup=False)

    @on(Input.Changed, "#entity-filter")
    def _filter_changed(self) -> None:
        self._refilter()

    def _refilter(self, highlight: str | None = None) -> None:
        words = self.query_one("#entity-filter", Input).value.casefold().split()
        rows = [
            row for row in self._rows
            if (self._kind == "all" or row.entity.kind == self._kind) and all(w in row.haystack for w in words)
        ]
        keys = {
            "mentions": lambda r: (-r.entity.mentions, r.entity.name.casefold()),
            "sources": lambda r: (-len(r.sources), -r.entity.mentions, r.entity.name.casefold()),
            "articles": lambda r: (-len(r.entity.articles), -r.entity.mentions, r.entity.name.casefold()),
            "name": lambda r: (r.entity.name.casefold(), -r.entity.mentions),
        }
        rows.sort(key=keys[self._sort])
        self._shown = rows[:ROW_LIMIT]
        listing = self.query_one("#entity-list", OptionList)
        listing.set_options(Option(self._prompt(row), id=row.entity.id) for row in self._shown)
        if self._shown:
            ids = [row.entity.id for row in self._shown]
            listing.highlighted = ids.index(highlight) if highlight in ids else 0
        else:
            self._show_entity(None)
        self._show_status(len(rows))

    def _prompt(self, row: EntityRow) -> Content:
        entity = row.entity
        swatch = Content(" ").stylize(kind_style(entity.kind))
        mark = Content("● ").stylize("bold $text-accent") if entity.id == self._marked else Content("  ")
        return Content.assemble(
            mark, swatch, " ", one_line(entity.name),
            (f"  {entity.mentions} · {len(row.sources)} src", "$text-muted"),
        )

    def _show_status(self, matching: int) -> None:
        total = len(self._rows)
        parts = [(counted(total, "entity"), "bold")]
        if matching != total:
            parts.append(f" · {matching:,} match")
        if matching > len(self._shown):
            parts.append(f" · showing {len(self._shown)}, type to narrow")
        parts.append((f" · by {self._sort} (s) · kind: {self._kind} (l) · m merges, x splits", "$text-muted"))
        self.query_one("#entity-status", Static).update(Content.assemble(*parts))

    # -- the highlighted entity -----------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#entity-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        self._show_entity(self._shown[index] if 0 <= index < len(self._shown) else None)

    def _group(self) -> tuple[list[ArticleSummary], str]:
        """The articles "who left this out" is asked over: the last search's hits, else the whole corpus."""
        from reader.screens.library import LibraryScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, LibraryScreen) and screen.last_result is not None and screen.last_result.hits:
                ids = {hit.id for hit in screen.last_result.hits}
                group = [s for s in self.app.summaries if s.id in ids]
                return group, f"the {counted(len(group), 'hit')} of “{one_line(screen.last_result.query)}”"
        return list(self.app.summaries), "the corpus"

    def _show_entity(self, row: EntityRow | None) -> None:
        self._current = row
        summary = self.query_one("#entity-summary", Static)
        names = self.query_one("#entity-names", OptionList)
        articles = self.query_one("#entity-articles", OptionList)
        if row is None:
            summary.update(Content("No entity matches.").stylize("$text-muted"))
            names.clear_options()
            articles.clear_options()
            return
        entity = row.entity
        registry = self.app.library.registry
        group, group_name = self._group()
        coverage = registry.coverage(entity, group)
        lines = [
            Content.assemble((one_line(entity.name), f"bold {kind_style(entity.kind)}"),
                             (f"  {KIND_WORDS.get(entity.kind, entity.kind)}", "$text-muted")),
            Content(f"{counted(entity.mentions, 'mention')} in {counted(len(entity.articles), 'article')} from "
                    f"{counted(len(row.sources), 'source')}"),
        ]
        if coverage.mentioning or coverage.silent:
            said = ", ".join(coverage.sources_mentioning) or "no source"
            silent = ", ".join(coverage.sources_silent) or "no source"
            lines.append(Content.assemble(("In ", "$text-muted"), (group_name, "$text-muted"), ":"))
            lines.append(Content.assemble(("  named by   ", "$text-muted"), one_line(said)))
            lines.append(Content.assemble(("  left out by ", "$text-muted"),
                                          (one_line(silent), "bold" if coverage.sources_silent else "")))
        for merge in entity.merges:
            lines.append(Content.assemble(("  ", ""), (one_line(merge.name), "italic"), (": ", ""),
                                          (one_line(merge.detail), "$text-muted")))
        for other_id, relation in entity.related:
            other = registry.get(other_id)
            if other is not None:
                lines.append(Content.assemble((relation.replace("-", " ") + " ", "$text-muted"), one_line(other.name)))
        summary.update(Content("\n").join(lines))
        names.set_options(
            Option(Content.assemble(one_line(name), (f"  {count}", "$text-muted")), id=f"name-{number}")
            for number, (name, count) in enumerate(entity.names)
        )
        names.highlighted = 0
        by_id = {s.id: s for s in self.app.summaries}
        articles.set_options(
            Option(Content.assemble((one_line(by_id[a].source) or "—", "$text-muted"), "  ",
                                    (by_id[a].published or "undated", "$text-muted"), "  ", one_line(by_id[a].title)),
                   id=a)
            for a in entity.articles if a in by_id
        )
        articles.highlighted = 0 if articles.option_count else None

    @on(OptionList.OptionSelected, "#entity-list")
    def _to_articles(self) -> None:
        self.query_one("#entity-articles", OptionList).focus()

    @on(OptionList.OptionSelected, "#entity-articles")
    def _open_article(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.open_article(event.option.id)

    # -- actions --------------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Escape: in the filter box clear it; otherwise (an empty filter, a list) leave the browser."""
        box = self.query_one("#entity-filter", Input)
        if box.has_focus and box.value:
            box.value = ""
        else:
            self.app.pop_screen()

    @on(Input.Submitted, "#entity-filter")
    def _filter_submitted(self) -> None:
        """Enter in the filter box: on to the list."""
        self.query_one("#entity-list", OptionList).focus()

    def on_key(self, event: Key) -> None:
        """Typing on a list goes to the filter box, unless the key is bound to something."""
        if not (event.is_printable and event.character) or event.key in self.active_bindings:
            return
        event.stop()
        box = self.query_one("#entity-filter", Input)
        if self.focused is not box:
            self.set_focus(box)
            box.insert_text_at_cursor(event.character)

    def action_help(self) -> None:
        self.app.action_help()

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#entity-filter", Input))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (isinstance(self.focused, Input) and action in LIST_ACTIONS)

    def action_cursor(self, direction: str) -> None:
        focused = self.focused
        if isinstance(focused, OptionList):
            focused.action_cursor_down() if direction == "down" else focused.action_cursor_up()

    def action_cycle_sort(self) -> None:
        self._sort = SORTS[(SORTS.index(self._sort) + 1) % len(SORTS)]
        self._refilter(self._current.entity.id if self._current else None)

    def action_cycle_kind(self) -> None:
        self._kind = KINDS[(KINDS.index(self._kind) + 1) % len(KINDS)]
        self._refilter(self._current.entity.id if self._current else None)

    def action_merge(self) -> None:
        """First ``m`` marks the highlighted entity; ``m`` on another merges it into the marked one."""
        if self._current is None:
            return
        entity = self._current.entity
        if self._marked is None or self._marked == entity.id:
            self._marked = None if self._marked == entity.id else entity.id
            if self._marked:
                self.notify(one_line(f"Marked {entity.name}: press m on the entity to merge into it."), timeout=4,
                            markup=False)
            self._refilter(entity.id)
            return
        target, self._marked = self._marked, None
        self.correct("merge", target, entity.id)

    def action_split(self) -> None:
        """``x`` on one of the highlighted entity's names: that name is not this entity."""
        names = self.query_one("#entity-names", OptionList)
        if self._current is None:
            return
        entity = self._current.entity
        if self.focused is not names:
            names.focus()
            self.notify("Pick the name to take out of this entity, then press x again.", timeout=4)
            return
        index = names.highlighted
        if index is None or len(entity.names) < 2:
            return
        self.correct("split", entity.names[index][0], entity.id)

    @work(thread=True, exclusive=True, group="correction", exit_on_error=False)
    def correct(self, kind: str, first: str, second: str) -> None:
        """Save a correction (merge ``second`` into ``first``; split name ``first`` out of ``second``)."""
        app = self.app
        library = app.library
        if kind == "merge":
            entity = library.merge_entities([first, second])
            message = f"Merged into {entity.name}"
        else:
            entity = library.split_entity(first, second)
            message = f"{first} is now its own entity: {entity.name}"
        path = library.corrections_file()
        self.post_message(CorrectionSaved(f"{message} (saved to {path})", entity.id))

    @on(CorrectionSaved)
    def _correction_saved(self, event: CorrectionSaved) -> None:
        """Say what was saved, and list the entities anew, the cursor on the one the correction made."""
        self.notify(one_line(event.said), timeout=6, markup=False)
        self.load_entities(event.entity_id)
