"""Bringing news in from the reader: paste article URLs, or update the feeds the corpus follows.

A modal screen over the library. Fetching, extraction and the incremental index build run in one thread
worker (the engine's :func:`index.web.add_urls` / :func:`index.feeds.update_feeds`, then ``library.build``);
their progress callbacks only store the latest step and a timer draws it, so the reader never waits on the
network. What happened to every URL or feed item is listed, reasons included; an added article can be opened
from the list. Escape cancels a running fetch (after the current download) and closes the screen.

The screen dismisses with a :class:`WebOutcome`: the app refreshes its library when ``build`` is set and opens
``open_id`` when the reader picked an article.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from index import BuildProgress, BuildReport, IndexProblem, bundled_corpus, install_hint, missing_modules
from reader.safe import one_line
from reader.widgets.lists import PagedOptionList
from reader.words import counted

Mode = Literal["add", "feeds"]
TITLES = {"add": "Add from the web", "feeds": "Update feeds"}
STATUS_STYLES = {"added": "$text-success", "skipped": "$text-warning", "failed": "$text-error"}


@dataclass(frozen=True)
class WebOutcome:
    """What the screen did: the index build that followed (``None`` when nothing was added or indexing
    failed) and the article the reader chose to open (``""`` for none)."""

    build: BuildReport | None = None
    open_id: str = ""


@dataclass(frozen=True)
class _Done:
    lines: list[tuple[str, str, str]]  # (status, text, added path)
    summary: str
    build: BuildReport | None
    error: str = ""


class WebScreen(ModalScreen[WebOutcome]):
    """``WebScreen("add")`` asks for URLs; ``WebScreen("feeds")`` updates every followed feed at once."""

    DEFAULT_CSS = """
    WebScreen { align: center middle; }
    WebScreen #web-box {
        width: 90%; max-width: 120; height: 80%;
        border: round $accent; border-title-color: $accent; padding: 0 1; background: $surface;
    }
    WebScreen #web-urls { margin-bottom: 1; }
    WebScreen #web-bar { margin: 0 0 1 0; }
    WebScreen #web-results { height: 1fr; border: none; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="web.close"),
    ]

    def __init__(self, mode: Mode) -> None:
        super().__init__()
        self.mode = mode
        self._latest: Any = None
        self._added: dict[str, str] = {}  # option id -> article path
        self._build: BuildReport | None = None
        self._worker: Worker[_Done] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="web-box") as box:
            box.border_title = TITLES[self.mode]
            box.border_subtitle = "escape closes"
            if self.mode == "add":
                yield Input(placeholder="Paste one or more article URLs (space-separated), then press enter",
                            id="web-urls")
            yield Static(id="web-status", markup=False)
            yield ProgressBar(id="web-bar", show_eta=False)
            yield PagedOptionList(id="web-results")

    def on_mount(self) -> None:
        self.query_one("#web-bar", ProgressBar).display = False
        problem = self._corpus_problem()
        if problem:
            self._status(Content(problem).stylize("$text-error"))
            if self.mode == "add":
                self.query_one("#web-urls", Input).disabled = True
            return
        self.set_interval(0.1, self._draw_progress)
        if self.mode == "feeds":
            self._start([])
        else:
            self.query_one("#web-urls", Input).focus()

    def _corpus_problem(self) -> str:
        missing = missing_modules("web")
        if missing:
            return (f"Fetching from the web needs the web extra ({', '.join(missing)} "
                    f"{'is' if len(missing) == 1 else 'are'} missing). Install it with: {install_hint('web')}")
        corpus = Path(self.app.library.corpus)
        if corpus.resolve() == bundled_corpus().resolve():
            return ("The bundled seed corpus is not added to. Open a folder of your own to bring news into it, "
                    "e.g. `byline ~/news`.")
        if not corpus.is_dir():
            return f"Articles are added to a corpus folder; {one_line(str(corpus))} is a file."
        return ""

    @on(Input.Submitted, "#web-urls")
    def _submitted(self, event: Input.Submitted) -> None:
        urls = event.value.split()
        if urls:
            event.input.disabled = True
            self._start(urls)

    def _start(self, urls: list[str]) -> None:
        self.query_one("#web-bar", ProgressBar).display = True
        self._status(Content("Checking feeds…" if self.mode == "feeds" else "Fetching…"))
        self._worker = self._fetch(urls)

    @work(thread=True, exclusive=True, group="web")
    def _fetch(self, urls: list[str]) -> _Done:
        from index import WebStateError, WebUnavailable, add_urls, update_feeds

        worker = get_current_worker()
        library = self.app.library
        try:
            if self.mode == "add":
                report = add_urls(library.corpus, urls, progress=self._store, cancel=worker.cancelled_event)
                outcomes = list(report.outcomes)
                summary = (f"{counted(len(report.added), 'article')} added, {len(report.skipped)} skipped, "
                           f"{len(report.failed)} failed")
            else:
                feeds = update_feeds(library.corpus, progress=self._store, cancel=worker.cancelled_event)
                outcomes = [item for feed in feeds.feeds for item in feed.items]
                failed = [f for f in feeds.feeds if f.status == "failed"]
                summary = (f"{counted(len(feeds.feeds), 'feed')}: {counted(len(feeds.added), 'article')} added, "
                           f"{len(feeds.skipped)} skipped, {len(feeds.failed)} failed"
                           + (f"; {counted(len(failed), 'feed')} could not be read" if failed else ""))
                if not feeds.feeds:
                    summary = "This corpus follows no feeds yet; add one with `byline feeds add URL -C DIR`."
        except (WebUnavailable, WebStateError, IndexProblem, OSError) as exc:
            return _Done([], "", None, str(exc))
        lines = [(o.status, self._describe(o), o.path if o.status == "added" else "") for o in outcomes]
        if self.mode == "feeds":
            lines = [("failed", f"{f.title or f.url} — {f.reason}", "") for f in failed] + lines
        build = None
        if any(status == "added" for status, _, _ in lines) and not worker.is_cancelled:
            try:
                # No library lock: the engine takes its own writer lock and readers wait only for the swap.
                build = library.build(progress=self._store)
            except (IndexProblem, OSError) as exc:
                return _Done(lines, summary, None, f"The articles are stored, but indexing failed: {exc}")
        return _Done(lines, summary, build)

    @staticmethod
    def _describe(outcome: Any) -> str:
        if outcome.status == "added":
            return outcome.title + ("" if not outcome.notes else f" — {'; '.join(outcome.notes)}")
        return f"{outcome.target} — {outcome.reason}"

    def _store(self, step: Any) -> None:
        self._latest = step  # called from the worker thread; drawn by the UI timer

    def _draw_progress(self) -> None:
        step = self._latest
        if step is None:
            return
        bar = self.query_one("#web-bar", ProgressBar)
        if isinstance(step, BuildProgress):
            bar.update(total=max(step.total, 1), progress=step.done)
            self._status(Content(f"Indexing · {step.phase} · {step.done:,} of {step.total:,}"))
        else:
            bar.update(total=max(step.total, 1), progress=step.done)
            self._status(Content(one_line(step.message)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "web" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self._latest = None
        self.query_one("#web-bar", ProgressBar).display = False
        if event.state == WorkerState.ERROR:
            self._status(Content(one_line(f"{type(event.worker.error).__name__}: {event.worker.error}"))
                         .stylize("$text-error"))
            return
        done: _Done = event.worker.result
        self._build = done.build
        results = self.query_one("#web-results", OptionList)
        results.clear_options()
        for number, (status, text, path) in enumerate(done.lines):
            option_id = f"outcome-{number}"
            if path:
                self._added[option_id] = path
            prompt = Content.assemble((f"{status:<8}", STATUS_STYLES.get(status, "")), one_line(text))
            results.add_option(Option(prompt, id=option_id, disabled=not path))
        message = Content(one_line(done.summary)).stylize("bold")
        if done.error:
            message = Content.assemble(message, "\n" if done.summary else "",
                                       Content(one_line(done.error)).stylize("$text-error"))
        if self._added:
            message = Content.assemble(message, ("\nenter opens an added article", "$text-muted"))
            results.highlighted = results.get_option_index(next(iter(self._added)))
            results.focus()
        self._status(message)

    @on(OptionList.OptionSelected, "#web-results")
    def _open(self, event: OptionList.OptionSelected) -> None:
        path = self._added.get(event.option_id or "")
        if not path:
            return
        ids = {summary.path: summary.id for summary in self.app.library.articles()}
        self.dismiss(WebOutcome(self._build, ids.get(path, "")))

    def action_close(self) -> None:
        if self._worker is not None and self._worker.is_running:
            self._worker.cancel()  # the engine stops after the current download
        self.dismiss(WebOutcome(self._build))

    def _status(self, content: Content) -> None:
        self.query_one("#web-status", Static).update(content)
