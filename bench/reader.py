"""The reader as a user meets it: start-up to first frame beside a bare Textual app, memory, typing a query.

Start-up: each app runs as a fresh process in a pseudo-terminal (120×40) until its first frame (see
:mod:`bench.firstframe`); runs alternate between the two so that load on the machine hits both alike.
Memory: the reader's resident set at its first frame (library open) and after 50 searches typed into its search
box. Typing: the reader driven headless by Textual's Pilot, keys pressed at a steady pace, measuring how many
searches the keystrokes start, how many are overtaken by a newer key while they run (their results are
dropped), and the time from the last
keystroke to the results on screen (which includes the reader's debounce).
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from index import Library

from .corpora import REPO, Corpus, Unmeasurable, child_env
from .report import Report, percentile, spread, summary

ROWS, COLUMNS = 40, 120
PROCESS_TIMEOUT = 60
#: And this much more for each search the reader is given (a million articles: 50 searches took minutes).
SEARCH_TIMEOUT = 20


def _in_pty(command: list[str], timeout: float = PROCESS_TIMEOUT) -> float:
    """Run ``command`` in a fresh pseudo-terminal; the ``time.time()`` it was started at."""
    try:
        master, slave = pty.openpty()
    except OSError as exc:
        raise Unmeasurable(f"no pseudo-terminal on this machine ({exc})") from None
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    env = {**child_env(), "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)}

    def drain() -> None:
        while True:
            try:
                if not os.read(master, 65536):
                    return
            except OSError:
                return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    started = time.time()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                               start_new_session=True, cwd=REPO)
    os.close(slave)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise RuntimeError(f"{command[3:5]} did not finish in {timeout:.0f} s") from None
    finally:
        reader.join(timeout=2)
        os.close(master)
    return started


def _first_frame(kind: str, corpus: Corpus | None = None, queries: Sequence[str] = ()) -> dict:
    with tempfile.TemporaryDirectory(prefix="byline-bench-") as tmp:
        out = Path(tmp) / "frame.json"
        command = [sys.executable, "-m", "bench.firstframe", str(out), kind]
        if corpus is not None:
            command += [str(corpus.path), str(corpus.index_dir)]
        if queries:
            (Path(tmp) / "queries.json").write_text(json.dumps(list(queries)), encoding="utf-8")
            command.append(str(Path(tmp) / "queries.json"))
        started = _in_pty(command, PROCESS_TIMEOUT + SEARCH_TIMEOUT * len(queries))
        if not out.exists():
            raise RuntimeError(f"{kind}: the app exited without drawing a frame")
        result = json.loads(out.read_text(encoding="utf-8"))
    result["seconds"] = result["first_frame"] - started
    return result


def startup(report: Report, corpus: Corpus, runs: int) -> None:
    _first_frame("bare")  # untimed: bytecode cached, files in the page cache, for both alike
    _first_frame("byline", corpus)
    bare, byline = [], []
    for _ in range(runs):
        bare.append(_first_frame("bare"))
        byline.append(_first_frame("byline", corpus))
    bare_s = statistics.median(r["seconds"] for r in bare)
    byline_s = statistics.median(r["seconds"] for r in byline)
    ratio = byline_s / bare_s
    # CPU time to the first frame: what load on the machine (other processes on its cores) distorts least.
    cpu_ratio = statistics.median(r["cpu_seconds"] for r in byline) / statistics.median(r["cpu_seconds"] for r in bare)
    report.data["startup"] = {"bare": bare, "byline": byline, "ratio": round(ratio, 3),
                              "cpu_ratio": round(cpu_ratio, 3)}
    report.add("start-up", f"process start to first frame (median of {runs})", f"{byline_s * 1000:.0f} ms",
               budget="≤ 1.5 × bare Textual", met=ratio <= 1.5,
               versus=f"bare Textual app {bare_s * 1000:.0f} ms: ×{ratio:.2f} "
                      f"({spread([r['seconds'] for r in byline])}); CPU time ×{cpu_ratio:.2f}")


def memory(report: Report, corpus: Corpus, queries: Sequence[str]) -> None:
    result = _first_frame("byline", corpus, queries)
    bare = _first_frame("bare")
    report.data["memory"] = {"byline": result, "bare": bare}
    opened = result["rss_mb"]
    after = result.get("rss_after_searches_mb", float("nan"))
    first = result.get("rss_first_frame_mb", opened)
    report.add("memory", "reader resident set, library open (catalog read)", f"{opened:.0f} MB",
               budget="≤ 200 MB", met=opened <= 200,
               versus=f"bare Textual app {bare['rss_mb']:.0f} MB; the reader's first frame {first:.0f} MB")
    shown = result.get("searches_shown", 0)
    report.add("memory", f"  after {len(queries)} searches in the reader ({shown} shown)", f"{after:.0f} MB",
               budget="≤ 200 MB", met=after <= 200, versus=f"peak {result['peak_mb']:.0f} MB")


def _debounce_ms() -> str:
    try:
        from reader.screens.library import DEBOUNCE_SECONDS
    except ImportError:
        return "unknown"
    return f"{DEBOUNCE_SECONDS * 1000:.0f} ms"


def typing_in_reader(report: Report, lib: Library, queries: Sequence[str], interval: float) -> None:
    """Type ``queries`` into the reader's search box, one key every ``interval`` seconds (headless Pilot)."""
    from textual.keys import _character_to_key
    from textual.widgets import Input

    from reader.app import BylineApp

    calls: list[tuple[str, float, float]] = []
    keys: list[float] = []
    search = lib.search

    def timed(query: str, **options):
        started = time.perf_counter()
        try:
            return search(query, **options)
        finally:
            calls.append((query, started, time.perf_counter()))

    lib.search = timed  # type: ignore[method-assign]
    settle: list[float] = []
    keystrokes = 0

    async def drive() -> None:
        nonlocal keystrokes
        app = BylineApp(lib)
        async with app.run_test(size=(COLUMNS, ROWS)) as pilot:
            screen = app.screen
            box = screen.query_one("#query", Input)
            for query in queries:
                box.value = ""
                box.focus()
                await pilot.pause(0.3)
                for character in query:
                    keys.append(time.perf_counter())
                    await pilot.press(_character_to_key(character))
                    keystrokes += 1
                    await asyncio.sleep(interval)
                last_key = time.perf_counter() - interval
                while time.perf_counter() - last_key < 10:
                    result = getattr(screen, "last_result", None)
                    if result is not None and result.query == query.strip():
                        break
                    await asyncio.sleep(0.002)
                settle.append(time.perf_counter() - last_key)

    try:
        asyncio.run(drive())
    finally:
        del lib.search
    # A search is wasted when a newer key was pressed before it finished: the reader drops its results.
    stale = [c for c in calls if any(c[1] < key < c[2] for key in keys)]
    data = {"interval_ms": interval * 1000, "keystrokes": keystrokes, "searches_run": len(calls),
            "searches_overtaken": len(stale), "settle_ms": summary([s * 1000 for s in settle]),
            "search_ms": summary([(c[2] - c[1]) * 1000 for c in calls])}
    report.data.setdefault("typing", {})[f"reader_{int(interval * 1000)}ms"] = data
    report.add("typing", f"reader, a key every {interval * 1000:.0f} ms: last key to results, p50 / max",
               f"{percentile([s * 1000 for s in settle], 50):.0f} / {max(settle) * 1000:.0f} ms",
               versus=f"{keystrokes} keys ran {len(calls)} searches (debounce {_debounce_ms()}); "
                      f"{len(stale)} overtaken by a newer key while running, their results dropped")
