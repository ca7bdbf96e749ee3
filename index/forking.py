"""Work done in a forked process beside the build: one home for whether this process may fork, and for what a
forked process does before and after its work."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable


def can_fork() -> bool:
    """Whether this process may fork a worker: from its main thread only (a thread of the reader may hold a lock
    the forked copy would never see released), never on macOS (its system libraries are not safe to fork), and
    only where the system forks at all."""
    return threading.current_thread() is threading.main_thread() and sys.platform != "darwin" and hasattr(os, "fork")


def fork(work: Callable[[], object]) -> int:
    """Run ``work`` in a forked process (see :func:`can_fork`) and return its pid. The process ignores a
    terminal's ctrl-C (the build's process kills it) and ends with status 0 when ``work`` returns, 1 when it
    raises, without running what this process would run at exit."""
    import signal  # here, not at import: a search process imports the index's storage and never forks

    for stream in (sys.stdout, sys.stderr):  # what a forked process inherits unwritten it could write again
        if stream is not None:
            stream.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked process (coverage does not follow it)
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            work()
            code = 0
        finally:
            os._exit(code)
    return pid


def reap(pid: int, *, kill: bool = False) -> int | None:
    """Wait for a forked process to end (killing it first with ``kill``): its exit status, None when it was
    already gone."""
    with contextlib.suppress(OSError):
        if kill:
            os.kill(pid, 9)
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    return None
