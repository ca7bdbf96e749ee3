"""Signals and oversized input against a real ``byline index`` process: an interrupt sent to the parent alone
(as a process manager sends it) while spaCy works in two worker processes; one line of a gigabyte."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import assert_interrupted_cleanly, child_processes
from index.ingest import MAX_ARTICLE_BYTES

WORDS = ["the", "said", "on", "Monday", "talks", "city", "people", "met", "in", "Kabul", "Taliban", "Reuters",
         "Alice Brown", "United Nations", "Paris"]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc to see the workers")
def test_an_interrupt_to_the_parent_alone_stops_a_two_job_build(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pick = random.Random(1)
    for number in range(240):  # enough for spaCy to work in two processes for a while
        body = " ".join(pick.choice(WORDS) for _ in range(1500))
        (corpus / f"a{number:03d}.txt").write_text(f"Story {number}\n\n{body}.\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    code = "import sys; from reader.cli import main; sys.exit(main(sys.argv[1:]))"
    build = subprocess.Popen([sys.executable, "-c", code, "index", str(corpus), "--index-dir", str(index_dir),
                              "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)  # its own group: the signal reaches the parent alone
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 300
        while len(workers) < 2 and build.poll() is None and time.monotonic() < deadline:
            workers = child_processes(build.pid)
            time.sleep(0.1)
        assert len(workers) >= 2, "the build never started its workers"
        os.kill(build.pid, signal.SIGINT)
        _, err = build.communicate(timeout=120)  # it used to hang here for ever
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait()
    assert_interrupted_cleanly(build.returncode, err, workers, index_dir)


def test_a_gigantic_line_is_skipped_without_holding_it(tmp_path: Path) -> None:
    """One line of 1 GB in a JSONL file (a sparse file: no disk is used) costs at most the article size limit
    in memory, not the line (a check in a fresh process, whose peak memory is its own)."""
    path = tmp_path / "dump.jsonl"
    with path.open("wb") as out:
        out.write(b'{"id": "a", "title": "A", "body": "first article"}\n')
        out.truncate(out.tell() + 1_000_000_000)  # a gigabyte of NUL bytes, then the end of the line
        out.seek(0, os.SEEK_END)
        out.write(b'\n{"id": "b", "title": "B", "body": "last article"}\n')
    probe = textwrap.dedent(f"""
        import resource
        from pathlib import Path
        from index.ingest import iter_jsonl
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        items = list(iter_jsonl(Path({str(path)!r}), "dump.jsonl", {{}}))
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(len(items), [getattr(i, "id", None) for i in items], [getattr(i, "reason", "") for i in items], grown)
        """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert line.startswith("3 ['a', None, 'b']")
    assert "too large (1000.0 MB" in line
    grown_kb = int(line.rsplit(" ", 1)[1])  # kilobytes on Linux
    assert grown_kb * 1024 < 4 * MAX_ARTICLE_BYTES  # the line is 1,000,000,000 bytes
