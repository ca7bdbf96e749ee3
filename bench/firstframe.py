"""Run an app until its first frame reaches the terminal, note the time and memory, and exit.

``python -m bench.firstframe OUT bare`` runs a bare Textual app that shows one static screen;
``python -m bench.firstframe OUT byline CORPUS INDEX_DIR [QUERIES_FILE]`` runs ``byline CORPUS --index-dir
INDEX_DIR`` through its real command line. The first frame is the first screen update Textual writes to the
terminal for the app's own screen (Byline's library screen; the bare app's only screen): ``App._display`` is
wrapped here to see it, nothing in the reader is changed. With a queries file, the reader then runs each query
through its search box, waiting for the results to be shown, and its resident memory is noted again.

The first frame is Byline's library screen as the user first sees it: its query box (which takes keys at once),
an empty table saying the articles are loading, the footer. The reader opens its index just after that frame
(the engine is imported then), so a frame drawn before is not a blank one: it is the screen typed into.

Writes JSON to OUT: ``first_frame`` (a ``time.time()`` the parent compares with when it started the process),
``cpu_seconds`` (the process's CPU time, user and system, at the first frame: what load on the machine distorts
least), ``rss_mb`` at the first frame (with queries: once the library is open and its catalog read;
``rss_first_frame_mb`` then holds the first frame's) and after the searches, ``peak_mb``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from .report import rss_mb

#: Seconds to wait for one search's results to show before giving up on it.
SEARCH_TIMEOUT = 10.0


class BareApp(App[None]):
    """The yardstick: a Textual app with nothing to load that shows one static screen."""

    def compose(self) -> ComposeResult:
        yield Static("Hello from a bare Textual app.")


def _own_screen(app: App, screen: Screen) -> bool:
    return isinstance(app, BareApp) or type(screen) is not Screen


def _install(out: Path, queries: list[str]) -> None:
    original = App._display
    state: dict = {}

    def display(self: App, screen: Screen, renderable) -> None:
        original(self, screen, renderable)
        if renderable is None or "first_frame" in state or not _own_screen(self, screen):
            return
        state["first_frame"] = time.time()
        state["cpu_seconds"] = time.process_time()
        state["screen"] = type(screen).__name__
        state["rss_mb"], state["peak_mb"] = rss_mb()
        if queries:
            self.run_worker(_search_then_exit(self, screen, queries, state, out), exclusive=True)
        else:
            _finish(self, state, out)

    App._display = display  # type: ignore[method-assign]


async def _search_then_exit(app: App, screen: Screen, queries: list[str], state: dict, out: Path) -> None:
    # The reader opens its index just after its first frame: the memory of the library open is noted once
    # its catalog is read (the resident set at the first frame itself is kept as ``rss_first_frame_mb``).
    state["rss_first_frame_mb"] = state["rss_mb"]
    started = time.perf_counter()
    while not getattr(app, "summaries_loaded", True) and time.perf_counter() - started < SEARCH_TIMEOUT:
        await asyncio.sleep(0.005)
    state["rss_mb"], state["peak_mb"] = rss_mb()
    shown, waited = 0, []
    for query in queries:
        started = time.perf_counter()
        screen.search_for(query)  # type: ignore[attr-defined]
        while time.perf_counter() - started < SEARCH_TIMEOUT:
            await asyncio.sleep(0.005)
            result = getattr(screen, "last_result", None)
            if result is not None and result.query == query.strip():
                shown += 1
                break
        waited.append(time.perf_counter() - started)
    state["searches"] = len(queries)
    state["searches_shown"] = shown
    state["search_seconds"] = waited
    state["rss_after_searches_mb"], state["peak_mb"] = rss_mb()
    _finish(app, state, out)


def _finish(app: App, state: dict, out: Path) -> None:
    out.write_text(json.dumps(state), encoding="utf-8")
    app.exit()


def main(argv: list[str]) -> int:
    out, kind = Path(argv[0]), argv[1]
    if kind == "bare":
        _install(out, [])
        BareApp().run()
        return 0
    corpus, index_dir = argv[2], argv[3]
    queries = json.loads(Path(argv[4]).read_text(encoding="utf-8")) if len(argv) > 4 else []
    _install(out, queries)
    from reader.cli import main as byline

    return byline(["open", corpus, "--index-dir", index_dir])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
