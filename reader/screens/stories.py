"""Stories: the corpus grouped into events, and the other coverage of the article being read.

:class:`StoriesScreen` lists the stories (largest, newest or most-covered first; ``s`` cycles), each with its
label, size, sources and dates. Beside the list, the highlighted story: a timeline (a row per outlet, a marker
on a date axis for each of its articles, so who ran it first and who followed shows at a glance), its articles
earliest first (syndicated copies marked), and the sources that left it out. ``enter`` opens an article,
``space`` marks it and ``c`` compares, as in the library. Articles that belong to no story are listed as singles
when ``u`` asks for them.

:class:`OtherCoverageScreen` (``o`` in an article) lists the other articles of the article's story, other
sources first, with how alike they are; ``enter`` compares the chosen one with the article, ``o`` opens it.

Grouping runs in a worker: the first time on a large corpus it takes seconds, then it is cached with the index.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from reader.safe import one_line
from reader.widgets.lists import PagedOptionList
from reader.widgets.title_bar import TitleBar
from reader.words import counted

if TYPE_CHECKING:
    from index import BuildProgress, StoryMap

SORTS = ("size", "date", "sources")
UNKNOWN = "—"


@dataclass
class StoriesGrouped(Message, bubble=False):
    """The corpus is grouped into stories (``stories``: the index's story map)."""

    stories: StoryMap


@dataclass
class GroupingProgress(Message, bubble=False):
    """How grouping the corpus into stories gets on (the first time on an index, seconds on a large corpus)."""

    progress: BuildProgress


def grouping_status(progress: BuildProgress | None, start: str = "Grouping the corpus into stories") -> Content:
    """``Grouping the corpus into stories · reading articles 5,000 of 19,043…``: what runs, counted if it is."""
    step = ""
    if progress is not None:
        counted_part = f" {progress.done:,} of {progress.total:,}" if progress.total else ""
        step = f" · {progress.phase}{counted_part}"
    return Content(f"{start}{step}…").stylize("$text-muted")


@dataclass
class CoverageFound(Message, bubble=False):
    """The story of the article being read, its other coverage (best first) and the sources that left it out."""

    story: object  # the map's story: label, articles, sources
    coverage: list  # the map's neighbours, best first
    left: list  # who left it out


def _flat(text: str) -> str:
    return " ".join(one_line(text).split())


def story_prompt(story) -> Content:
    """``12 · 3 sources · 1987-03-18..03-25 · label`` for the story list ("source unknown" when no article
    names its outlet, as ECB+'s do not: not "0 sources")."""
    dates = story.first if story.first == story.last else f"{story.first}..{story.last[5:]}"
    return Content.assemble(
        (f"{story.size:>3}", "bold"),
        (f" · {counted(len(story.sources), 'source') if story.sources else 'source unknown'} · ", "$text-muted"),
        (dates or "undated", "$text-muted"),
        " · ",
        _flat(story.label) or _flat(story.articles[0].title) or UNKNOWN,
    )


def article_prompt(article, marked: bool = False, note: str = "") -> Content:
    """``● date · source · [note ·] title`` for the story's articles."""
    return Content.assemble(
        ("● " if marked else "  ", "bold $text-accent"),
        article.published or "undated",
        (" · ", "$text-muted"),
        (_flat(article.source) or UNKNOWN, "bold"),
        (" · ", "$text-muted"),
        (f"{note} · " if note else "", "$text-warning" if note.startswith("copy") else "$text-accent"),
        _flat(article.title) or UNKNOWN,
    )


def left_out_text(left) -> Content:
    """"Left out by: X (covered related stories), Y (published then)"."""
    if not left:
        return Content("")
    parts: list[Content | str | tuple[str, str]] = [("Left out by: ", "bold")]
    for number, entry in enumerate(left[:8]):
        why = "covered related stories" if entry.reason == "related" else "published then"
        parts += [", " if number else "", _flat(entry.source), (f" ({why})", "$text-muted")]
    if len(left) > 8:
        parts.append((f" and {len(left) - 8} more", "$text-muted"))
    return Content.assemble(*parts)


#: Outlets drawn in a story's timeline; the others are counted below it.
TIMELINE_ROWS = 8
#: Widest outlet name in the timeline (longer ones end in "…"), and the fewest cells its date axis gets.
TIMELINE_NAME = 20
TIMELINE_AXIS = 12


def _ordinal(day: str) -> int:
    return date.fromisoformat(day[:10]).toordinal()


def timeline_lines(rows, width: int, limit: int = TIMELINE_ROWS) -> list[Content]:
    """A story's timeline as lines of at most ``width`` cells: a row per outlet (``rows``, the story's
    :class:`index.stories.TimelineRow`, first to publish first) with a marker on a shared date axis for each
    of its dated articles (a digit where several fall on one cell), the days after the first outlet, then the
    axis with its first and last dates. Outlets with only undated articles say so instead of a marker."""
    if not rows:
        return []
    names = [_flat(row.source) or "unknown source" for row in rows]
    dated = [row for row in rows if row.published]
    first = min((row.published[0] for row in dated), default="")
    last = max((row.published[-1] for row in dated), default="")
    span = _ordinal(last) - _ordinal(first) if dated else 0
    afters = {id(row): ("first" if row.after_days == 0 else f"+{row.after_days}d")
              + (f" · {row.undated} undated" if row.undated else "") for row in dated}
    # name │axis│ after: names as long as the axis keeps TIMELINE_AXIS cells, the axis what is left.
    after_width = max((len(after) for after in afters.values()), default=0)
    label = min(TIMELINE_NAME, max(len(name) for name in names), max(8, width - 4 - after_width - TIMELINE_AXIS))
    axis = max(4, width - label - 4 - after_width)
    lines: list[Content] = []
    for row, name in list(zip(rows, names, strict=True))[:limit]:
        shown = name if len(name) <= label else name[: label - 1] + "…"
        head = Content.assemble((f"{shown:<{label}}", "bold"), (" │", "$text-muted"))
        if not row.published:
            many = f" ({row.undated} articles)" if row.undated > 1 else ""
            lines.append(head + Content(f" undated{many}").stylize("$text-muted"))
            continue
        cells = Counter(round((_ordinal(day) - _ordinal(first)) * (axis - 1) / span) if span else 0
                        for day in row.published)
        style = "bold $text-success" if row.after_days == 0 else "bold $text-accent"
        marks = [("·", "$text-muted")] * axis
        for column, count in cells.items():
            marks[column] = ("●" if count == 1 else str(min(count, 9)), style)
        lines.append(Content.assemble(head, *marks, ("│ ", "$text-muted"), (afters[id(row)], style)))
    if len(rows) > limit:
        lines.append(Content(f"{'':<{label}}   and {counted(len(rows) - limit, 'more outlet')}")
                     .stylize("$text-muted"))
    if dated:
        if span == 0:
            scale = f"all on {first}"
        elif axis >= len(first) + len(last) + 2:
            scale = first + " " * (axis - len(first) - len(last)) + last
        elif width - label - 2 >= len(first) + len(last) + 3:
            scale = f"{first} → {last}"
        else:  # the year once
            scale = f"{first} → {last[5:] if last[:4] == first[:4] else last}"
        lines.append(Content.assemble(f"{'':<{label}} └", (scale, "$text-muted")))
    return lines


class StoryTimeline(Widget):
    """When each outlet ran the story being shown: :func:`timeline_lines`, drawn to the widget's width."""

    DEFAULT_CSS = """
    StoryTimeline { height: auto; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: tuple = ()

    def show(self, rows) -> None:
        self.rows = tuple(rows)
        self.refresh(layout=True)

    def _lines(self, width: int) -> list[Content]:
        return timeline_lines(self.rows, max(20, width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.content_size.width))


class StoriesScreen(Screen):
    """Browse the corpus's stories. ``escape`` goes back."""

    DEFAULT_CSS = """
    StoriesScreen #stories-status { height: 1; padding: 0 2; }
    StoriesScreen #stories-panes { height: 1fr; }
    StoriesScreen #story-list {
        width: 1fr; height: 1fr; border: round $border-blurred;
        &:focus { border: round $border; }
    }
    StoriesScreen #story-detail { width: 1fr; height: 1fr; }
    StoriesScreen #story-summary { height: auto; max-height: 40%; padding: 0 1; overflow-y: auto; }
    StoriesScreen #story-articles {
        height: 1fr; border: round $border-blurred;
        &:focus { border: round $border; }
    }
    StoriesScreen.-narrow #stories-panes { layout: vertical; }
    """

    AUTO_FOCUS = "#story-list"

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="stories.back"),
        Binding("s", "cycle_sort", "Sort", id="stories.sort"),
        Binding("u", "toggle_singles", "Singles", id="stories.singles"),
        Binding("space", "toggle_mark", "Mark", id="stories.mark"),
        Binding("c", "compare", "Compare", id="stories.compare"),
        Binding("enter", "choose", "Story: its articles; article: read it", show=False, id="stories.open"),
        Binding("tab", "app.focus_next", "Stories / articles pane", show=False, id="stories.pane"),
        Binding("j", "cursor('down')", "Down", show=False, id="stories.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="stories.up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stories = None  # index.stories.StoryMap, once loaded
        self.sort = "size"
        self.singles = False
        self._shown: list = []
        self._current = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="stories-status", markup=False)
        with Horizontal(id="stories-panes"):
            yield PagedOptionList(id="story-list", markup=False)
            with Vertical(id="story-detail"):
                yield Static(id="story-summary", markup=False)
                yield StoryTimeline(id="story-timeline")
                yield PagedOptionList(id="story-articles", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#story-list").border_title = "Stories"
        self.query_one("#story-articles").border_title = "Articles · enter opens · space marks · c compares"
        self.query_one("#stories-status", Static).update(grouping_status(None))
        self.watch(self.app, "marks", self._marks_changed, init=False)
        self.load_stories()

    @work(thread=True, exclusive=True, group="stories", exit_on_error=False)
    def load_stories(self) -> None:
        progress = lambda step: self.post_message(GroupingProgress(step))  # noqa: E731
        self.post_message(StoriesGrouped(self.app.library.stories(progress=progress)))

    @on(GroupingProgress)
    def _grouping(self, event: GroupingProgress) -> None:
        if self.stories is None:
            self.query_one("#stories-status", Static).update(grouping_status(event.progress))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "stories" and event.state == WorkerState.ERROR:
            self.query_one("#stories-status", Static).update(
                Content(f"Could not group the stories: {one_line(str(event.worker.error))}").stylize("$text-error"))

    @on(StoriesGrouped)
    def _loaded(self, event: StoriesGrouped) -> None:
        self.stories = event.stories
        self._fill()

    def _fill(self, keep: str | None = None) -> None:
        if self.stories is None:
            return
        self._shown = self.stories.stories(self.sort, singles=self.singles)
        listing = self.query_one("#story-list", OptionList)
        listing.set_options(Option(story_prompt(story), id=story.id) for story in self._shown)
        ids = [story.id for story in self._shown]
        if ids:
            listing.highlighted = ids.index(keep) if keep in ids else 0
        else:
            self._show_story(None)
        stats = self.stories.stats
        self.query_one("#stories-status", Static).update(Content.assemble(
            (counted(stats.get("stories", 0), "story", "stories"), "bold"),
            f" · {counted(stats.get('singles', 0), 'single')} ({'shown' if self.singles else 'hidden'}, u)",
            f" · {counted(stats.get('articles', 0), 'article')}",
            (f" · by {self.sort} (s)", "$text-muted"),
        ))

    @on(OptionList.OptionHighlighted, "#story-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        self._show_story(self._shown[index] if 0 <= index < len(self._shown) else None)

    def _show_story(self, story) -> None:
        self._current = story
        summary = self.query_one("#story-summary", Static)
        articles = self.query_one("#story-articles", OptionList)
        timeline = self.query_one("#story-timeline", StoryTimeline)
        if story is None:
            summary.update("")
            timeline.show(())
            articles.clear_options()
            return
        timeline.show(story.timeline)
        dates = story.first if story.first == story.last else f"{story.first} to {story.last}"
        copies = f" · {story.copies} syndicated cop{'y' if story.copies == 1 else 'ies'}" if story.copies else ""
        lines = [
            Content.assemble((_flat(story.label) or UNKNOWN, "bold")),
            Content.assemble((f"{counted(story.size, 'article')}{copies} · "
                              f"{dates or 'undated'} · ", "$text-muted"),
                             ", ".join(_flat(s) for s in story.sources) or "unknown sources"),
        ]
        left = left_out_text(self.stories.left_out(story.id))
        if left:
            lines.append(left)
        summary.update(Content("\n").join(lines))
        self._fill_articles(story)

    def _fill_articles(self, story, keep: str | None = None) -> None:
        marks = set(self.app.marks)
        articles = self.query_one("#story-articles", OptionList)
        articles.set_options(
            Option(article_prompt(a, a.id in marks, f"copy of {a.copy_of}" if a.copy_of else ""), id=a.id)
            for a in story.articles
        )
        ids = [a.id for a in story.articles]
        articles.highlighted = ids.index(keep) if keep in ids else 0

    def _marks_changed(self, _marks) -> None:
        if self._current is not None:
            option = self.query_one("#story-articles", OptionList).highlighted_option
            self._fill_articles(self._current, option.id if option else None)

    @on(OptionList.OptionSelected, "#story-list")
    def _story_chosen(self) -> None:
        self.query_one("#story-articles", OptionList).focus()

    @on(OptionList.OptionSelected, "#story-articles")
    def _article_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_id:
            self.app.open_article(event.option_id)

    def _article_under_cursor(self) -> str | None:
        """The highlighted article of the story (its first one while the story list has the focus)."""
        option = self.query_one("#story-articles", OptionList).highlighted_option
        return option.id if option is not None else None

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._fill(self._current.id if self._current else None)

    def action_toggle_singles(self) -> None:
        self.singles = not self.singles
        self._fill(self._current.id if self._current else None)

    def action_toggle_mark(self) -> None:
        article_id = self._article_under_cursor()
        if article_id:
            self.app.toggle_mark(article_id)

    def action_compare(self) -> None:
        """``c``: on the story list with nothing marked, compare the story's first two articles (of two sources
        where it has them); else compare the marked ones, or mark the highlighted article (``compare_marked``)."""
        story = self._current
        if self.focused is self.query_one("#story-list", OptionList) and not self.app.marks and story is not None:
            pair = _story_pair(story.articles)
            if pair:
                self.app.action_compare(*pair)
                return
        article_id = self._article_under_cursor()
        if article_id:
            self.app.compare_marked(article_id)

    def action_cursor(self, direction: str) -> None:
        focused = self.focused
        if isinstance(focused, OptionList):
            focused.action_cursor_down() if direction == "down" else focused.action_cursor_up()

    def action_choose(self) -> None:
        """What ``enter`` does in the focused list (the lists handle it themselves; this is its entry in help)."""
        focused = self.focused
        if isinstance(focused, OptionList):
            focused.action_select()


def _story_pair(articles) -> tuple[str, str] | None:
    """The two articles a story is compared by when none is chosen: its first, and the first after it from
    another source (the next one where all share a source); None for a single."""
    if len(articles) < 2:
        return None
    first = articles[0]
    other = next((a for a in articles[1:] if a.source != first.source), articles[1])
    return first.id, other.id


class OtherCoverageScreen(ModalScreen[None]):
    """The other articles of one article's story, best first. ``enter`` compares, ``o`` opens, ``escape``
    closes."""

    DEFAULT_CSS = """
    OtherCoverageScreen { align: center middle; }
    OtherCoverageScreen #coverage-box {
        width: 90%; max-width: 140; height: auto; max-height: 80%;
        border: round $border; background: $surface; padding: 0 1;
    }
    OtherCoverageScreen #coverage-summary { height: auto; }
    OtherCoverageScreen #coverage-list { height: auto; max-height: 20; border: none; }
    """

    BINDINGS = [
        Binding("escape,q", "dismiss(None)", "Close", id="coverage.close"),
        Binding("o", "open", "Open", id="coverage.open"),
        Binding("enter", "compare", "Compare", show=False, id="coverage.compare"),
    ]

    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id
        self.coverage: list = []  # index.stories.Neighbour, best first

    def compose(self) -> ComposeResult:
        with Vertical(id="coverage-box") as box:
            box.border_title = "Other coverage of this story"
            box.border_subtitle = "enter compares · o opens · escape closes"
            yield Static(Content("Finding the story…").stylize("$text-muted"), id="coverage-summary", markup=False)
            yield PagedOptionList(id="coverage-list", markup=False)

    def on_mount(self) -> None:
        self.query_one("#coverage-list", OptionList).focus()
        self.find_coverage()

    @work(thread=True, exclusive=True, group="coverage", exit_on_error=False)
    def find_coverage(self) -> None:
        progress = lambda step: self.post_message(GroupingProgress(step))  # noqa: E731
        stories = self.app.library.stories(progress=progress)
        story = stories.story_of(self.article_id)
        coverage = stories.other_coverage(self.article_id)
        left = stories.left_out(story.id)
        self.post_message(CoverageFound(story, coverage, left))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "coverage" and event.state == WorkerState.ERROR:
            self.query_one("#coverage-summary", Static).update(
                Content(f"No stories: {one_line(str(event.worker.error))}").stylize("$text-error"))

    @on(GroupingProgress)
    def _grouping(self, event: GroupingProgress) -> None:
        if not self.coverage:
            self.query_one("#coverage-summary", Static).update(grouping_status(event.progress, "Finding the story"))

    @on(CoverageFound)
    def _show(self, event: CoverageFound) -> None:
        story, coverage, left = event.story, event.coverage, event.left
        self.coverage = coverage
        lines = [Content.assemble(("Story: ", "bold"), _flat(story.label) or UNKNOWN)]
        if not coverage:
            lines.append(Content("No other article in the corpus tells this story.").stylize("$text-muted"))
        else:
            sources = {n.source for n in coverage if n.source}
            lines.append(Content(f"{counted(len(coverage), 'other article')} from "
                                 f"{counted(len(sources), 'source')}").stylize("$text-muted"))
        left_line = left_out_text(left)
        if left_line:
            lines.append(left_line)
        self.query_one("#coverage-summary", Static).update(Content("\n").join(lines))
        options = self.query_one("#coverage-list", OptionList)
        options.set_options(
            Option(Content.assemble((f"{n.similarity:>4.0%} ", "bold"),
                                    article_prompt(n, note="copy" if n.copy else "")), id=n.id)
            for n in coverage
        )
        if coverage:
            options.highlighted = 0

    def _chosen(self) -> str | None:
        option = self.query_one("#coverage-list", OptionList).highlighted_option
        return option.id if option is not None else None

    @on(OptionList.OptionSelected, "#coverage-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_compare()

    def action_compare(self) -> None:
        other = self._chosen()
        if other:
            self.dismiss(None)
            self.app.action_compare(self.article_id, other)

    def action_open(self) -> None:
        other = self._chosen()
        if other:
            self.dismiss(None)
            self.app.open_article(other)
