"""One article, for reading: entities coloured by kind, a legend, the entity panel, search matches.

The text is drawn by :class:`ArticleView` (only the visible lines, from cached strips); this screen decides
what is highlighted. Keys ``1``–``7`` switch an entity kind on or off (the choice is the app's, so it holds for
the next article too), ``]``/``[`` step through the mentions of the entity selected in the panel, ``e``
searches the whole corpus for it, and ``n``/``N`` step through the search's matches in this article.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from index import Article, match_spans
from reader.safe import one_line
from reader.widgets.article_view import ENTITY_KINDS, ArticleView
from reader.widgets.entity_legend import EntityLegend
from reader.widgets.entity_panel import EntityGroup, EntityPanel, group_entities
from reader.widgets.title_bar import TitleBar
from reader.words import counted

UNKNOWN = "—"


@dataclass
class ArticleRead(Message, bubble=False):
    """The article was read, with where the search that opened it matched in it."""

    article: Article
    matches: list[tuple[int, int]]


def article_heading(article: Article) -> Content:
    """Title on the first line; source, date, author, language and length on the second."""
    facts = [one_line(article.source) or "unknown source", article.published or "undated"]
    if article.author:
        facts.append(f"by {one_line(article.author)}")
    if article.language:
        facts.append(f"from {one_line(article.language)}")
    facts.append(counted(article.words, "word"))
    if article.url:
        facts.append(one_line(article.url))
    return Content.assemble(
        (one_line(article.title) or UNKNOWN, "bold"),
        "\n",
        (" · ".join(facts), "$text-muted"),
    )


class ArticleScreen(Screen):
    """Reads one article. ``escape`` goes back to where it was opened from."""

    #: Its stylesheets (read when first shown: ``BylineApp.push_screen``).
    STYLESHEETS = ("article.tcss",)

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="article.back"),
        Binding("n", "next_match", "Next match", id="article.next-match"),
        Binding("N", "previous_match", "Prev match", show=False, id="article.previous-match"),
        # Not in the footer: at 80 columns it would push out "? Help" and "q Quit" (enter in the panel jumps too).
        Binding("right_square_bracket", "mention(1)", "Next mention", show=False, id="article.next-mention"),
        Binding("left_square_bracket", "mention(-1)", "Prev mention", show=False, id="article.previous-mention"),
        Binding("e", "search_entity", "Search entity", id="article.search-entity"),
        Binding("slash", "search", "Search", show=False, id="article.search"),
        Binding("o", "other_coverage", "Coverage", id="article.other-coverage"),
        Binding("y", "copy_url", "Copy URL", show=False, id="article.copy-url"),
        *(
            Binding(str(number), f"toggle_kind('{kind}')", f"Toggle {kind}", show=False, id=f"article.toggle-{kind}")
            for number, kind in enumerate(ENTITY_KINDS, start=1)
        ),
        Binding("0", "toggle_all_kinds", "All labels on/off", show=False, id="article.toggle-all"),
    ]

    def __init__(self, article_id: str, *, terms: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.article_id = article_id
        self.article: Article | None = None
        self._terms = terms
        self._matches: list[tuple[int, int]] = []
        self._match_starts: list[int] = []
        self._groups: list[EntityGroup] = []
        #: Where the reader is: the span last revealed, so "next" means after it.
        self._position: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="article-heading", markup=False)
        yield EntityLegend(id="legend")
        with Horizontal(id="reading"):
            yield ArticleView(id="text")
            yield EntityPanel(id="entities")
        yield Static(id="article-status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.watch(self.app, "hidden_kinds", self._show_entities, init=False)
        view = self.query_one(ArticleView)
        view.reading_width = self.app.settings.reading_width
        view.focus()
        self.load_article()

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self) -> None:
        """Read the article (and find the search's matches in it) off the UI thread."""
        article = self.app.library.article(self.article_id)
        matches = match_spans(article.text, set(self._terms)) if self._terms else []
        self.post_message(ArticleRead(article, matches))

    @property
    def matches(self) -> tuple[tuple[int, int], ...]:
        """Where the search that opened this article matched in it, in reading order."""
        return tuple(self._matches)

    @on(ArticleRead)
    def _show_article(self, event: ArticleRead) -> None:
        article, matches = event.article, event.matches
        self.article = article
        self._matches = matches
        self._match_starts = [start for start, _ in matches]
        self._groups = group_entities(article.entities)
        self.sub_title = one_line(article.source)
        self.query_one("#article-heading", Static).update(article_heading(article))
        view = self.query_one(ArticleView)
        view.set_text(article.text)
        view.set_matches(matches)
        self._show_entities(self.app.hidden_kinds)
        self._status(self._summary())

    def action_copy_url(self) -> None:
        """Copy the article's address to the clipboard (the terminal's, through OSC 52, base64-encoded)."""
        url = self.article.url if self.article is not None else ""
        if not url:
            self.notify("This article has no URL.", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {one_line(url)}", timeout=3, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "article" and event.state == WorkerState.ERROR:
            self.notify(f"Could not open the article: {one_line(str(event.worker.error))}", severity="error",
                        markup=False)
            self.dismiss()

    def _show_entities(self, hidden: frozenset[str]) -> None:
        if self.article is None:
            return
        self.query_one(ArticleView).set_entities(self.article.entities, hidden)
        counts = Counter(entity.kind for entity in self.article.entities)
        self.query_one(EntityLegend).show_kinds(counts, hidden)
        self.query_one(EntityPanel).show_groups(self._groups, hidden)

    def _summary(self) -> Content:
        assert self.article is not None
        entities = f"{counted(len(self._groups), 'entity')}, {counted(len(self.article.entities), 'mention')}"
        if not self._terms:
            return Content(entities)
        return Content(f"{counted(len(self._matches), 'search match', 'search matches')} (n/N) · {entities}")

    def _status(self, content: Content) -> None:
        self.query_one("#article-status", Static).update(content)

    def _reveal(self, start: int, end: int) -> None:
        self._position = (start, end)
        self.query_one(ArticleView).reveal(start, end)

    # -- actions --------------------------------------------------------------------------------------

    def action_toggle_kind(self, kind: str) -> None:
        self.app.toggle_kind(kind)

    def action_toggle_all_kinds(self) -> None:
        self.app.hidden_kinds = frozenset() if self.app.hidden_kinds else frozenset(ENTITY_KINDS)

    def action_next_match(self) -> None:
        self._step_match(1)

    def action_previous_match(self) -> None:
        self._step_match(-1)

    def _step_match(self, direction: int) -> None:
        if not self._matches:
            self.notify("No search matches in this article.", severity="warning", timeout=3)
            return
        here = self._position[0] if self._position else self.query_one(ArticleView).first_visible_offset - 1
        if direction > 0:
            index = bisect_right(self._match_starts, here) % len(self._matches)
        else:
            index = (bisect_left(self._match_starts, here) - 1) % len(self._matches)
        start, end = self._matches[index]
        self._reveal(start, end)
        self._status(Content(f"match {index + 1} of {len(self._matches)}"))

    def action_mention(self, direction: int) -> None:
        group = self.query_one(EntityPanel).selected_group
        if group is None:
            return
        self._step_mention(group, direction)

    @on(EntityPanel.Jump)
    def _jump(self, event: EntityPanel.Jump) -> None:
        self._step_mention(event.group, 1)

    def _step_mention(self, group: EntityGroup, direction: int) -> None:
        """Reveal the mention of ``group`` after (or before) the one last revealed, wrapping around."""
        starts = [start for start, _ in group.mentions]
        here = self._position[0] if self._position else -1
        if direction > 0:
            index = bisect_right(starts, here) % len(starts)
        else:
            index = (bisect_left(starts, here) - 1) % len(starts)
        start, end = group.mentions[index]
        self._reveal(start, end)
        self._status(
            Content.assemble(
                (one_line(group.name), "bold"),
                (f" ({group.kind})", "$text-muted"),
                f" · mention {index + 1} of {len(starts)}",
                (" · ]/[ next/previous, e searches the corpus", "$text-muted"),
            )
        )

    def action_search_entity(self) -> None:
        """Search the corpus for the entity selected in the panel, in any of its spellings."""
        group = self.query_one(EntityPanel).selected_group
        if group is None:
            return
        name = group.name.replace('"', " ").strip()
        self.app.search_corpus(f'entity:"{name}"')

    def action_search(self) -> None:
        self.app.search_corpus(None)

    def action_other_coverage(self) -> None:
        """The other articles of this article's story (``reader.screens.stories``)."""
        from reader.screens.stories import OtherCoverageScreen

        self.app.push_screen(OtherCoverageScreen(self.article_id))
