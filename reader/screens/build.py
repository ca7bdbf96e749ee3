"""Building the index, with progress, before there is anything to read.

Shown at start when the corpus has no index yet, and by the "Rebuild index" command. The build runs in a
thread worker; it reports progress through a callback that only stores the latest report, and a timer draws
it a few times a second, so a build of twenty thousand articles never waits on the screen.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import Worker, WorkerState

from index import BuildProgress, BuildReport, IndexProblem, bundled_corpus
from reader.safe import one_line
from reader.widgets.title_bar import TitleBar

#: Phases the engine reports, in the words the screen uses.
PHASE_NAMES = {"reading": "Reading the corpus", "annotating": "Finding entities", "indexing": "Indexing"}
#: The share of the bar each phase fills (percent, from-to): a small corpus goes through its phases in a
#: blink each, and the bar still moves from one to the next.
PHASE_SPANS = {"reading": (0, 10), "annotating": (10, 85), "indexing": (85, 100), "done": (100, 100)}


def overall_progress(progress: BuildProgress) -> float | None:
    """How far the whole build is, in percent; ``None`` while it waits with nothing to count (loading the
    spaCy model): the bar then pulses instead of sitting at a number."""
    if progress.phase == "done":
        return 100.0
    if progress.total <= 0 or (progress.done == 0 and progress.current.startswith("loading")):
        return None
    start, end = PHASE_SPANS.get(progress.phase, (0, 100))
    return start + (end - start) * min(progress.done, progress.total) / progress.total


def corpus_name(corpus: Path) -> str:
    """The corpus as a reader knows it: "the bundled corpus" for the seeds (not a path inside the installed
    package), else its path with ``~`` for the home folder."""
    try:
        if corpus.resolve() == bundled_corpus().resolve():
            return "the bundled corpus"
    except OSError:
        pass
    home = Path.home()
    text = str(corpus)
    if corpus.is_absolute() and corpus.is_relative_to(home):
        text = "~/" + corpus.relative_to(home).as_posix()
    return one_line(text)


class BuildScreen(Screen):
    """Runs ``library.build`` and shows how far it got; then hands over to the library."""

    #: Its stylesheets (read when first shown: ``BylineApp.push_screen``).
    STYLESHEETS = ("build.tcss",)

    BINDINGS = [
        Binding("r", "retry", "Retry", id="build.retry"),
    ]

    def __init__(self, *, rebuild: bool = False, reason: str = "") -> None:
        """``reason``: why the index is being rebuilt, when the reader found it unusable."""
        super().__init__()
        self.rebuild = rebuild
        self.reason = reason
        self._latest: BuildProgress | None = None
        self._failed = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="build-box") as box:
            box.border_title = "Rebuilding the index" if self.rebuild else "Building the index"
            if self.reason:
                yield Static(Content(one_line(self.reason)).stylize("$text-warning"), id="build-reason")
            yield Static(id="build-phase", markup=False)
            yield ProgressBar(id="build-bar", show_eta=False)
            yield Static(id="build-current", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#build-phase", Static).update(Content(f"Corpus: {corpus_name(Path(self.app.library.corpus))}"))
        self.set_interval(0.1, self._draw_progress)
        self.run_build()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._failed if action == "retry" else True

    @work(thread=True, exclusive=True, group="build", exit_on_error=False)
    def run_build(self) -> BuildReport:
        # The build closes and reopens the library's searcher: no search or article read may run meanwhile.
        return self.app.library.build(rebuild=self.rebuild, progress=self._store_progress)

    def _store_progress(self, progress: BuildProgress) -> None:
        self._latest = progress  # called from the build thread; drawn by the UI timer

    def _draw_progress(self) -> None:
        progress = self._latest
        if progress is None:
            return
        phase = PHASE_NAMES.get(progress.phase, progress.phase.capitalize())
        self.query_one("#build-phase", Static).update(
            Content.assemble((phase, "bold"), f" · {progress.done:,} of {progress.total:,}")
        )
        percent = overall_progress(progress)
        self.query_one(ProgressBar).update(total=None if percent is None else 100, progress=percent or 0)
        self.query_one("#build-current", Static).update(Content(one_line(progress.current)).stylize("$text-muted"))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "build":
            return
        if event.state == WorkerState.SUCCESS:
            self.app.build_finished(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self._failed = True
            self.refresh_bindings()
            error = event.worker.error
            message = str(error) if isinstance(error, IndexProblem | OSError) else f"{type(error).__name__}: {error}"
            self.query_one("#build-phase", Static).update(Content("The build failed").stylize("bold $text-error"))
            self.query_one("#build-current", Static).update(
                Content.assemble(one_line(message), ("\nr retries, q quits", "$text-muted"))
            )

    def action_retry(self) -> None:
        self._failed = False
        self.refresh_bindings()
        self.run_build()
