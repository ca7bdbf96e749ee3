"""Byline's reader: a Textual app over an ``index.Library``.

The app owns what outlives a screen: the library (and a lock so only one thread talks to Whoosh at a time),
the article list, the two articles marked for comparison and the entity kinds switched off. Screens are the
places the reader goes (build, library, article, help, compare); widgets are the parts they are made of.
It never imports spaCy: everything it shows was annotated when the index was built.

Slow work runs in thread workers, which post what they found as messages (:class:`CorpusChecked`,
:class:`UpdateChecked`; each screen has its own), handled on the UI thread.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.message import Message
from textual.reactive import var

from reader.safe import one_line
from reader.screens.library import LibraryScreen
from reader.settings import Settings
from reader.widgets.article_table import DEFAULT_SORTING, sort_summaries
from reader.words import counted

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.theme import Theme

    from index import ArticleSummary, BuildReport, CorpusChanges, IndexProblem, Library
    from reader.screens.web import WebOutcome

# Every other screen is imported where it is first pushed: the first frame is the library, and the reader's
# start-up is measured against a bare Textual app's (bench: start-up).

#: Entity colours by kind, as theme variables (``$kind-person`` …) so the stylesheet and the widgets that
#: build styled content share them, and a theme may override them. On a truecolor terminal a highlight is the
#: kind's colour blended over the theme's background (``$kind-person-background``).
KIND_COLOURS = {
    "person": "#c678dd",
    "org": "#61afef",
    "place": "#98c379",
    "group": "#e5c07b",
    "date": "#56b6c2",
    "number": "#e06c75",
    "other": "#a0a8b7",
}

#: How much of a kind's colour shows over the background on a truecolor terminal.
KIND_BLEND = 0.4

#: Highlights for terminals with fewer colours, as exact entries of their palette: a blend over a dark
#: background downgrades to one grey for five of the seven kinds. For 256 colours, cube entries (dark themes:
#: deep tones under light text; light themes: pale ones under dark text); for 16, the basic ANSI colours,
#: which the terminal's own palette draws.
KIND_PALETTES = {
    ("256", True): {"person": "#875faf", "org": "#005faf", "place": "#5f8700", "group": "#af8700",
                    "date": "#008787", "number": "#af5f5f", "other": "#585858"},
    ("256", False): {"person": "#d7afff", "org": "#87afff", "place": "#afd787", "group": "#ffd787",
                     "date": "#87d7d7", "number": "#ffafaf", "other": "#c6c6c6"},
    ("standard", True): {"person": "#aa00aa", "org": "#0000aa", "place": "#00aa00", "group": "#aa5500",
                         "date": "#00aaaa", "number": "#aa0000", "other": "#555555"},
    ("standard", False): {"person": "#aa00aa", "org": "#0000aa", "place": "#00aa00", "group": "#aa5500",
                          "date": "#00aaaa", "number": "#aa0000", "other": "#aaaaaa"},
}


def kind_backgrounds(colour_system: str | None, dark: bool, background: str,
                     colours: dict[str, str] | None = None) -> dict[str, str]:
    """The highlight colour of each entity kind for a terminal's colour system (Rich's names: ``truecolor``,
    ``256``, ``standard``, ``windows``) and a theme (dark or not, its background colour)."""
    from textual.color import Color

    system = "standard" if colour_system == "windows" else colour_system
    palette = KIND_PALETTES.get((system or "truecolor", dark))
    if palette is not None:
        return dict(palette)
    base = Color.parse(background)
    return {kind: base.blend(Color.parse(colour), KIND_BLEND).hex
            for kind, colour in (colours or KIND_COLOURS).items()}


#: Where the screens' stylesheets are (``STYLESHEETS`` of a screen class names files here).
STYLESHEET_FOLDER = Path(__file__).parent

#: Above this many articles the palette filters titles by substring before fuzzy-scoring them.
PALETTE_FUZZY_LIMIT = 2000

#: A catalog up to this size (bytes; about 700 articles) is read before the library is drawn, in a few
#: milliseconds; a larger one after, in a thread, while the table says it is loading (a blink of "loading"
#: would only flicker).
SMALL_CATALOG_BYTES = 200_000


def build_summary(report: BuildReport) -> str:
    """What a build did, in a line: "2 articles added, 1 changed", "Index up to date", "5 articles indexed"."""
    if report.full:
        return f"{counted(report.articles, 'article')} indexed."
    counts = [(count, what) for count, what in
              ((report.added, "added"), (report.changed, "changed"), (report.deleted, "deleted")) if count]
    if not counts:
        return "Index up to date: nothing was added, changed or deleted."
    (count, what), *rest = counts
    return ", ".join([f"{counted(count, 'article')} {what}", *(f"{n:,} {w}" for n, w in rest)]) + "."


def screenshot_folder() -> Path:
    """Where a screenshot goes: the user's Downloads folder when it exists, else the current folder."""
    from platformdirs import user_downloads_dir

    downloads = Path(user_downloads_dir())
    return downloads if downloads.is_dir() else Path.cwd()


class CorpusChecked(Message, bubble=False):
    """The periodic look at the corpus: whether another process's index ``landed`` (is now the library's),
    and the corpus files changed since the index was built."""

    def __init__(self, landed: bool, changes: CorpusChanges | None, seconds: float = 0.0) -> None:
        super().__init__()
        self.landed = landed
        #: None when the index or the corpus could not be read.
        self.changes = changes
        #: How long the look took.
        self.seconds = seconds


class UpdateChecked(Message, bubble=False):
    """``ctrl+r`` looked before updating: whether a newer index landed, and the changed corpus files (``None``:
    they could not be listed; the build will say why)."""

    def __init__(self, landed: bool, changes: CorpusChanges | None) -> None:
        super().__init__()
        self.landed = landed
        self.changes = changes


class LibraryOpened(Message, bubble=False):
    """The library given as a function was opened after the first frame: its index is ``missing``, unusable
    (``problem``), or ready; or it could not be opened at all (``error``)."""

    def __init__(self, missing: bool, problem: IndexProblem | None, error: Exception | None) -> None:
        super().__init__()
        self.missing = missing
        self.problem = problem
        self.error = error


class BylineCommands(Provider):
    """The app's own commands in the palette: open an article, search an entity, toggle a label, change
    the theme, rebuild the index."""

    def _commands(self) -> Iterable[tuple[str, str, object]]:
        app = self.app
        assert isinstance(app, BylineApp)
        yield "Update index", "Index the corpus files added, changed or deleted since (ctrl+r)", app.action_update_index
        yield "Rebuild index", "Re-read the corpus and rebuild its index", app.action_rebuild
        yield "Add from the web", "Fetch article URLs into the corpus", app.action_add_from_web
        yield "Update feeds", "Fetch new articles from the feeds this corpus follows", app.action_update_feeds
        yield "Browse entities", "Every person, group and place, who names them and who leaves them out", \
            app.action_entities
        yield "Browse stories", "The corpus grouped into events: who covered each, who left it out", \
            app.action_stories
        from reader.widgets.article_view import ENTITY_KINDS

        for kind in ENTITY_KINDS:
            state = "on" if kind in app.hidden_kinds else "off"
            yield f"Toggle label: {kind}", f"Turn {kind} highlighting {state}", partial(app.toggle_kind, kind)
        for name in app.known_entities():
            yield (
                f"Search entity: {one_line(name)}",
                "Every article that names it, in any spelling",
                partial(app.search_corpus, f'entity:"{name}"'),
            )
            yield (
                f"Entity: {one_line(name)}",
                "Its names, why they were merged, and which sources leave it out",
                partial(app.action_entities, name),
            )

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            # As Content: Textual parses a plain string prompt as markup, and entity names come from the corpus.
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        app = self.app
        assert isinstance(app, BylineApp)
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        summaries = app.summaries
        folded = query.casefold()
        for summary in summaries:
            title = f"Open article: {one_line(summary.title)} ({one_line(summary.source) or 'unknown source'})"
            if len(summaries) > PALETTE_FUZZY_LIMIT and folded not in title.casefold():
                continue
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), partial(app.open_article, summary.id))


class BylineApp(App[None]):
    """The reader. ``BylineApp(library).run()``; ``initial_query`` starts it with a search typed in."""

    #: Absolute, so subclasses defined elsewhere (tests, embedding apps) find it too. The library's rules and what
    #: every screen shares; each other screen's are read when it is first pushed (:meth:`push_screen`).
    CSS_PATH = Path(__file__).with_name("byline.tcss")
    TITLE = "Byline"
    COMMANDS = App.COMMANDS | {BylineCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (64, "-medium"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (16, "-tall")]

    BINDINGS = [
        # F1 opens the help everywhere; ? too, except in a box where it is typed (the library's query box).
        # The footer shows the key that works where the focus is: Textual leaves out a binding whose key the
        # focused input takes.
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        # A priority binding: the query box (a Textual Input) would take ctrl+e as "end of line" (End does that).
        Binding("ctrl+e", "entities", "Entities", show=False, priority=True, id="app.entities"),
        Binding("ctrl+t", "stories", "Stories", show=False, id="app.stories"),
        Binding("ctrl+r", "update_index", "Update index", show=False, id="app.update-index"),
    ]

    #: How often (seconds) the reader looks for corpus files changed since the index was built, and for an
    #: index another process built: at most every WATCH_SECONDS, and never more than one part in WATCH_SHARE of
    #: the time (a million files take seconds to look at).
    WATCH_SECONDS = 5.0
    WATCH_SHARE = 20

    #: Up to two article ids marked for comparison, in the order they were marked ("A", then "B").
    marks: var[tuple[str, ...]] = var(())
    #: Entity kinds the reader switched off; kept across articles.
    hidden_kinds: var[frozenset[str]] = var(frozenset())

    def __init__(self, library: Library | Callable[[], Library], *, initial_query: str = "",
                 colour_system: str | None = None, settings: Settings | None = None) -> None:
        """``library``: the library, or a function that opens it (``byline``'s command line gives one): the
        library's screen is then drawn first and the index opened just after, in a thread, so that the engine's
        import is not paid before the first frame; what is typed meanwhile is searched once it is open.
        ``colour_system``: draw entity colours for ``truecolor``, ``256`` or ``standard`` (16 colours)
        whatever the terminal says. ``settings``: the user's (``reader.settings``); a theme chosen in the
        reader is saved to their file. Without them, the defaults, and nothing is saved."""
        self._colour_system = colour_system
        self._styled_for = ""
        super().__init__()
        self.settings = settings or Settings()
        self._settings_notes: list[str] = [self.settings.problem] if self.settings.problem else []
        if self.settings.theme:
            if self.settings.theme in self.available_themes:
                self.theme = self.settings.theme
            else:
                self._settings_notes.append(f"{self.settings.path}: no theme is called {self.settings.theme!r}; "
                                            f"ctrl+p, then Theme, lists them")
        self._opener: Callable[[], Library] | None = library if callable(library) else None
        self._library: Library | None = None if callable(library) else library
        self._opening = threading.Lock()
        #: Why the function given for the library could not open it (the app then exits: :meth:`run` raises it).
        self.open_error: Exception | None = None
        self.initial_query = initial_query
        #: Every article, in corpus order; empty until the catalog is read, after the library's first frame.
        self.summaries: list[ArticleSummary] = []
        #: Whether ``summaries`` holds the catalog of the index the library shows (False while it is read).
        self.summaries_loaded = False
        self._watching = False
        self._last_changes: CorpusChanges | None = None
        self._opened = False

    @property
    def library(self) -> Library:
        """The library the reader shows, opened on first use when the reader was given a function to open it."""
        if self._library is None:
            with self._opening:  # the thread opening it after the first frame, or a search typed meanwhile
                if self._library is None:
                    assert self._opener is not None
                    self._library = self._opener()
        return self._library

    @property
    def opening(self) -> bool:
        """Whether the index is still being opened, after the library's first frame (its catalog is read after)."""
        return self._opener is not None and not self._opened

    def run(self, *args, **kwargs):  # type: ignore[override]
        """Textual's ``run``; raises what kept the library from opening (a corpus that is not there, say)."""
        result = super().run(*args, **kwargs)
        if self.open_error is not None:
            raise self.open_error
        return result

    def breakpoint_classes(self) -> str:
        """The breakpoint classes (``-wide -tall`` …) a screen gets at the terminal's size. A screen created
        with them is styled once; Textual adds them on the screen's first resize, which styles every widget
        again (30 ms of the library's first frame)."""
        classes = []
        for dimension, breakpoints in ((self.size.width, self.HORIZONTAL_BREAKPOINTS),
                                       (self.size.height, self.VERTICAL_BREAKPOINTS)):
            reached = [(edge, name) for edge, name in breakpoints or () if dimension >= edge]
            if reached:
                classes.append(max(reached)[1])
        return " ".join(classes)

    def push_screen(self, screen: Screen | str, *args, **kwargs):  # type: ignore[override]
        """Textual's ``push_screen``, reading the stylesheets the screen names in ``STYLESHEETS`` first (once).

        Each screen's rules are parsed when it is first shown, not before the reader's first frame (bench:
        start-up). They are added as the app's own (not a screen's ``CSS_PATH``, which would parse every rule
        of the app again and restyle every widget): the rules of a screen style only that screen's widgets."""
        if not isinstance(screen, str):
            self.load_stylesheets(getattr(screen, "STYLESHEETS", ()))
        return super().push_screen(screen, *args, **kwargs)

    def load_stylesheets(self, names: Iterable[str]) -> None:
        """Add the stylesheets ``names`` (files beside ``byline.tcss``) to the app's, unless they are there."""
        for name in names:
            path = STYLESHEET_FOLDER / name
            if not self.stylesheet.has_source(str(path)):
                self.stylesheet.add_source(path.read_text(encoding="utf-8"), read_from=(str(path), ""))

    def get_key_display(self, binding: Binding) -> str:
        """Keys as Textual shows them, function keys as keyboards print them: ``F1``, not ``f1``."""
        return re.sub(r"(?<![a-z])f(\d{1,2})$", r"F\1", super().get_key_display(binding))

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {f"kind-{kind}": colour for kind, colour in KIND_COLOURS.items()}

    @property
    def colour_system(self) -> str:
        """The colour system the reader draws for: the one given, else the terminal's as Rich detects it
        (``TERM``, ``COLORTERM``); headless (tests, screenshots) it is truecolor, like an exported screenshot."""
        if self._colour_system:
            return self._colour_system
        if self._driver is not None and self.is_headless:
            return "truecolor"
        return self.console.color_system or "truecolor"

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, plus ``$kind-<kind>-background``: each entity kind's highlight, chosen for
        this terminal's colour system so that no two kinds fall on one colour (a theme may set its own)."""
        variables = super().get_css_variables()
        colours = {kind: variables.get(f"kind-{kind}", colour) for kind, colour in KIND_COLOURS.items()}
        self._styled_for = self.colour_system
        backgrounds = kind_backgrounds(self._styled_for, self.current_theme.dark,
                                       variables.get("background", "#000000"), colours)
        for kind, colour in backgrounds.items():
            variables.setdefault(f"kind-{kind}-background", colour)
        self.theme_variables = variables
        return variables

    def on_mount(self) -> None:
        if self._styled_for != self.colour_system:  # headless: known only now the driver runs
            self.refresh_css(animate=False)
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        for note in self._settings_notes:
            self.notify(note, title="Settings", severity="warning", timeout=10, markup=False)
        self.theme_changed_signal.subscribe(self, self._save_theme)
        if self._library is None:  # the library's frame first, then the index, opened in a thread
            self.push_screen(LibraryScreen(self.initial_query, classes=self.breakpoint_classes()))
            self.call_after_refresh(self._open_in_background)
            return
        self._library_opened(self._check_library())

    def _check_library(self) -> LibraryOpened:
        """Open the library (given a function, importing the engine) and check its index: whether it is there and
        usable. Opens the index and checks its format (two small files); the catalog is read after the first frame."""
        from index import IndexOfAnotherCorpus, IndexProblem

        library = self.library
        if not library.exists():
            return LibraryOpened(True, None, None)
        try:
            library.generation  # noqa: B018
        except IndexOfAnotherCorpus as problem:  # never rebuilt unasked: the command line says what to do
            return LibraryOpened(False, None, problem)
        except IndexProblem as problem:
            return LibraryOpened(False, problem, None)
        return LibraryOpened(False, None, None)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_in_background(self) -> None:
        """:meth:`_check_library` after the first frame."""
        try:
            opened = self._check_library()
        except Exception as error:  # the corpus is not there, say: the command line says so once the app is gone
            opened = LibraryOpened(False, None, error)
        self.post_message(opened)

    @on(LibraryOpened)
    def _library_opened(self, event: LibraryOpened) -> None:
        self._opened = True
        if event.error is not None:
            self.open_error = event.error
            self.exit(return_code=1)
            return
        if event.missing:
            from reader.screens.build import BuildScreen

            self._replace_screens(BuildScreen())
        elif event.problem is not None:
            self.library_unusable(event.problem)
        else:
            screen = next((s for s in self.screen_stack if isinstance(s, LibraryScreen)), None)
            self._open_library(shown=screen)

    def _save_theme(self, theme: Theme) -> None:
        """A theme chosen in the reader is kept in the settings file, for the next start."""
        path = self.settings.path
        if path is None or theme.name == self.settings.theme:
            return
        from index import IndexProblem
        from reader.settings import SettingsError, save_theme

        try:
            save_theme(path, theme.name)
        except (OSError, SettingsError, IndexProblem) as exc:  # IndexProblem: the file did not read back
            self.notify(f"The theme could not be saved: {exc}", severity="warning", markup=False)
            return
        self.settings = replace(self.settings, theme=theme.name)

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """The palette's "Screenshot": an SVG in the Downloads folder if there is one, else the current folder,
        and a message with its path, or with the reason it could not be written."""
        if self.is_web:
            return super().deliver_screenshot(filename, path, time_format)
        folder = Path(path).expanduser() if path else screenshot_folder()
        try:
            saved = self.save_screenshot(filename, str(folder), time_format)
        except OSError as exc:
            self.notify(f"Not saved in {folder}: {exc.strerror or exc}", title="Screenshot", severity="error",
                        markup=False)
            return None
        self.notify(f"Saved to {saved}", title="Screenshot", timeout=6, markup=False)
        return saved

    def library_unusable(self, problem: IndexProblem) -> None:
        """Written by another version of Byline, or half written: rebuild it (annotations are reused).
        The toast outlives the build screen, which a small corpus rebuilds in a blink."""
        from reader.screens.build import BuildScreen

        self.notify(f"{problem}. Rebuilding it now.", title="Index unusable", severity="warning", markup=False)
        self._replace_screens(BuildScreen(rebuild=True, reason=str(problem)))

    def _replace_screens(self, screen: Screen) -> None:
        """Show ``screen`` alone (a build), keeping a query typed in the library meanwhile for the library
        shown after it: typed while the index was being opened, it is not lost to the build."""
        for shown in self.screen_stack:
            if isinstance(shown, LibraryScreen) and shown.query_text.strip():
                self.initial_query = shown.query_text
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def _open_library(self, query: str | None = None, shown: LibraryScreen | None = None) -> None:
        """Show the library screen (``shown``: the one on screen since the first frame, while the index was
        opened). A small catalog is read first; a large one is read once the screen is drawn (the screen reads
        it: :meth:`LibraryScreen.read_catalog`)."""
        self.summaries, self.summaries_loaded = [], False
        self.sub_title = one_line(self.library.name)
        if self.library.catalog_size() <= SMALL_CATALOG_BYTES:
            summaries = self.library.articles()
            self.catalog_read(summaries, sort_summaries(summaries, *DEFAULT_SORTING))
        elif shown is not None:
            shown.read_catalog()
        if shown is None:
            self.push_screen(LibraryScreen(self.initial_query if query is None else query,
                                           classes=self.breakpoint_classes()))
        if not self._watching:
            self._watching = True
            self.set_timer(self.WATCH_SECONDS, self.watch_corpus)

    # -- the catalog ----------------------------------------------------------------------------------

    def catalog_read(self, summaries: list[ArticleSummary], rows: list[ArticleSummary]) -> None:
        """The catalog of the index the library shows is read (``rows``: in the table's starting order): fill
        the library's table, drop marks of articles that are gone, warm up."""
        self.summaries, self.summaries_loaded = summaries, True
        self.sub_title = f"{one_line(self.library.name)} · {counted(len(summaries), 'article')}"
        known = {summary.id for summary in summaries}
        self.marks = tuple(mark for mark in self.marks if mark in known)
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.show_summaries(summaries, rows)
        if summaries:
            self.call_after_refresh(self._warm_up, summaries[0].id)

    # -- the corpus and the index changing under the reader --------------------------------------------

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def watch_corpus(self) -> None:
        """Look for an index another process built, and for corpus files changed since the index was built
        (one stat per file; nothing is read)."""
        from index import IndexProblem

        started = time.perf_counter()
        try:
            landed = self.library.refresh()
            changes: CorpusChanges | None = self.library.changes()
        except (IndexProblem, OSError):
            landed, changes = False, None
        self.post_message(CorpusChecked(landed, changes, time.perf_counter() - started))

    @on(CorpusChecked)
    def _corpus_checked(self, event: CorpusChecked) -> None:
        # The next look once this one is done: checks never pile up behind each other.
        self.set_timer(max(self.WATCH_SECONDS, self.WATCH_SHARE * event.seconds), self.watch_corpus)
        landed, changes = event.landed, event.changes
        if changes is None:  # the index or the corpus could not be read just now
            return
        if landed and isinstance(self.screen, LibraryScreen) and len(self.screen_stack) == 2:
            query = self.screen.query_text
            self.pop_screen()
            self._open_library(query)
            self.notify("The index was updated by another process; the library shows it.", timeout=4)
        elif landed:
            self.notify("A newer index is ready: ctrl+r shows it.", timeout=6)
        if not changes or changes == self._last_changes:
            self._last_changes = changes or None
            return
        self._last_changes = changes
        counts = ", ".join(f"{len(files):,} {what}" for what, files in
                           (("added", changes.added), ("changed", changes.changed), ("deleted", changes.deleted))
                           if files)
        self.notify(f"Corpus files changed since indexing ({counts}): ctrl+r updates the index.",
                    title="Corpus changed", timeout=8, markup=False)
        from reader.screens.article import ArticleScreen

        article = getattr(self.screen, "article", None)
        if isinstance(self.screen, ArticleScreen) and article is not None and changes.touches(article.path):
            self.notify("This article's file changed or went away since it was indexed: what you see may be "
                        "out of date. ctrl+r updates the index.", severity="warning", timeout=10, markup=False)

    def action_update_index(self) -> None:
        """Bring the index up to date with the corpus (incremental), then show the library; when no corpus file
        changed, just say so."""
        from reader.screens.build import BuildScreen

        if not isinstance(self.screen, BuildScreen):
            self._check_for_update()

    @work(thread=True, exclusive=True, group="update-check", exit_on_error=False)
    def _check_for_update(self) -> None:
        """Stat the corpus files (nothing is read) and decide: an update, a newer index to show, or nothing."""
        from index import IndexProblem

        try:
            landed = self.library.refresh()
            changes = self.library.changes()
        except (IndexProblem, OSError):
            landed, changes = False, None  # the build says what is wrong
        self.post_message(UpdateChecked(landed, changes))

    @on(UpdateChecked)
    def _update_checked(self, event: UpdateChecked) -> None:
        from reader.screens.build import BuildScreen

        landed, changes = event.landed, event.changes

        if changes is None or changes:
            if not isinstance(self.screen, BuildScreen):
                self.push_screen(BuildScreen())
        elif landed:
            self.build_finished(None)
            self.notify("The library shows the index another process built.", title="Index updated", timeout=4)
        else:
            self.notify("No corpus file was added, changed or deleted since it was built.",
                        title="Index up to date", timeout=4)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self, article_id: str) -> None:
        """Open the searcher and load the entity registry (seconds on a large corpus) by reading an article
        in the background, after the catalog, so the first search does not pay for it."""
        self.library.article(article_id)

    def build_finished(self, report: BuildReport | None) -> None:
        """Called by the build screen: show the (new) library, and say what changed."""
        self._last_changes = None
        self.library.refresh()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._open_library()
        if report is None:
            return
        self.notify(build_summary(report), title="Index built" if report.full else "Index updated", timeout=5,
                    markup=False)
        if report.skipped:
            self.notify(f"{counted(len(report.skipped), 'file')} skipped; `byline index` lists them.",
                        severity="warning", markup=False)

    # -- marks and comparing --------------------------------------------------------------------------

    def toggle_mark(self, article_id: str) -> None:
        """Mark or unmark an article for comparison; a third mark replaces the oldest."""
        if article_id in self.marks:
            self.marks = tuple(mark for mark in self.marks if mark != article_id)
        else:
            self.marks = (*self.marks, article_id)[-2:]

    def compare_marked(self, article_id: str) -> None:
        """``c``: compare the two marked articles; with one marked, compare it with ``article_id``.

        With none marked, ``article_id`` becomes the first mark, so ``c`` on one row then ``c`` on another
        compares them."""
        marks = self.marks
        if len(marks) < 2 and article_id not in marks:
            self.toggle_mark(article_id)
            marks = self.marks
        if len(marks) < 2:
            self.notify("Marked for comparison: mark one more (space), then c.", timeout=3)
            return
        self.action_compare(marks[0], marks[1])

    def action_compare(self, a_id: str, b_id: str) -> None:
        """Open the comparison of two articles side by side (``reader.screens.compare``)."""
        from reader.screens.compare import CompareScreen

        self.push_screen(CompareScreen(self.library, a_id, b_id))

    # -- things screens and the palette ask for -------------------------------------------------------

    def toggle_kind(self, kind: str) -> None:
        self.hidden_kinds = self.hidden_kinds ^ {kind}

    def open_article(self, article_id: str) -> None:
        from reader.screens.article import ArticleScreen

        self.push_screen(ArticleScreen(article_id))

    def search_corpus(self, query: str | None) -> None:
        """Back to the library with ``query`` typed in (``None``: just focus the query box)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, LibraryScreen):
            self.pop_screen()
        if isinstance(self.screen, LibraryScreen):
            if query is None:
                self.screen.action_focus_search()
            else:
                self.screen.search_for(query)

    def known_entities(self) -> list[str]:
        """Entity names the palette can search for: the open article's, else the last search's facets."""
        from reader.screens.article import ArticleScreen
        from reader.widgets.entity_panel import group_entities

        for screen in reversed(self.screen_stack):
            if isinstance(screen, ArticleScreen) and screen.article is not None:
                return [group.name for group in group_entities(screen.article.entities)]
            if isinstance(screen, LibraryScreen) and screen.last_result is not None:
                return [count.value for count in screen.last_result.facets.get("entity", ())]
        return []

    def action_rebuild(self) -> None:
        from reader.screens.build import BuildScreen

        self.push_screen(BuildScreen(rebuild=True))

    def action_add_from_web(self) -> None:
        from reader.screens.web import WebScreen

        self.push_screen(WebScreen("add"), self.web_finished)

    def action_update_feeds(self) -> None:
        from reader.screens.web import WebScreen

        self.push_screen(WebScreen("feeds"), self.web_finished)

    def web_finished(self, outcome: WebOutcome | None) -> None:
        """After the web screen: show the grown library, then the article the reader picked, if any."""
        if outcome is not None and outcome.build is not None:
            self.build_finished(outcome.build)
        if outcome is not None and outcome.open_id:
            self.open_article(outcome.open_id)

    def action_entities(self, name: str = "") -> None:
        """The entity browser, filtered to ``name`` if given."""
        from reader.screens.entities import EntitiesScreen

        if isinstance(self.screen, EntitiesScreen):
            return
        self.push_screen(EntitiesScreen(name))

    def action_stories(self) -> None:
        """The corpus grouped into stories (``reader.screens.stories``)."""
        from reader.screens.stories import StoriesScreen

        if not isinstance(self.screen, StoriesScreen):
            self.push_screen(StoriesScreen())

    def action_help(self) -> None:
        """The keys of the screen the reader is on, then every other key of the reader."""
        from reader.screens.help import HelpScreen, section_title

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.help_sections(self.screen), here=section_title(type(self.screen))))

    def help_sections(self, screen: Screen | None = None) -> list[tuple[str, list[BindingType]]]:
        """Every binding of the reader, by where it applies: ``screen``'s first (its own, then those of the
        reader's widgets on it), then the keys that work everywhere, then every other place."""
        from reader.screens.article import ArticleScreen
        from reader.screens.build import BuildScreen
        from reader.screens.compare import CompareScreen
        from reader.screens.entities import EntitiesScreen
        from reader.screens.help import HelpScreen, screen_sections, section_title
        from reader.screens.stories import OtherCoverageScreen, StoriesScreen
        from reader.widgets.article_table import ArticleTable
        from reader.widgets.article_view import ArticleView
        from reader.widgets.entity_panel import EntityPanel
        from reader.widgets.facet_list import FacetList
        from reader.widgets.results_list import ResultsList

        here = screen_sections(screen) if screen is not None else []
        everywhere = ("Everywhere", [*self.BINDINGS, Binding("ctrl+p", "command_palette", "Command palette")])
        places = (LibraryScreen, ArticleTable, ResultsList, FacetList, ArticleScreen, ArticleView, EntityPanel,
                  CompareScreen, EntitiesScreen, StoriesScreen, OtherCoverageScreen, BuildScreen,
                  HelpScreen)
        titles = {title for title, _ in here}
        rest = [(section_title(cls), list(cls.BINDINGS)) for cls in places if section_title(cls) not in titles]
        return [*here, everywhere, *rest]
