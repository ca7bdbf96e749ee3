"""Shared fixtures: the seed corpus indexed once per test session (spaCy costs seconds, not the tests)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from index import Annotation, EntitySpan, Library, bundled_corpus, open_library

SEEDS = bundled_corpus()
REUTERS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "reuters21578.jsonl.gz"

# The benchmarks (bench/) are not installed with Byline: tests that check them import them from the checkout.
# Appended, so the installed `index` and `reader` packages still come first (CI tests what pip installed).
sys.path.append(str(Path(__file__).resolve().parents[1]))


@pytest.fixture(scope="session")
def seeds_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled seeds, built once for the session."""
    index_dir = tmp_path_factory.mktemp("seeds-index")
    with open_library(SEEDS, index_dir) as lib:
        lib.build()
    return index_dir


@pytest.fixture()
def seeds_library(seeds_index_dir: Path) -> Library:
    """The indexed seed corpus (read-only: tests that write use their own copy)."""
    with open_library(SEEDS, seeds_index_dir) as lib:
        yield lib


@pytest.fixture()
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def child_processes(pid: int) -> set[int]:
    """The processes ``pid`` started that are still its children (Linux's ``/proc``)."""
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def process_gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (gone, or a zombie its parent has not waited for)."""
    return not Path(f"/proc/{pid}").exists() or Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


def assert_interrupted_cleanly(returncode: int | None, err: str, workers: set[int], index_dir: Path) -> None:
    """A ``byline index`` stopped by an interrupt: status 130, one line saying so (no traceback), none of its
    ``workers`` left running, and its writer lock released."""
    from index import store

    assert returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert all(process_gone(pid) for pid in workers)
    with store.writer_lock(index_dir, wait=0):
        pass


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create ``files`` (relative path -> text or bytes) below ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def annotation(*names: tuple[str, str]) -> Annotation:
    """An article naming ``names`` ((text, label)), one sentence each, in order."""
    spans, at = [], 0
    for text, label in names:
        spans.append(EntitySpan(at, at + len(text), label, text))
        at += len(text) + 10
    return Annotation(entities=tuple(spans))


#: The ways a file Byline checks before it decodes it (a checksum in its header) is damaged in the tests.
DAMAGE = ("cut short", "one byte changed", "header cut", "magic only")


def damaged(data: bytes, damage: str, magic: int) -> bytes:
    """``data`` damaged as ``damage`` (one of :data:`DAMAGE`) says; ``magic``: the length of the file's magic."""
    changed = bytearray(data)
    if damage == "cut short":
        return bytes(changed[: len(changed) - 7])
    if damage == "one byte changed":
        changed[len(changed) * 3 // 4] ^= 0x20
        return bytes(changed)
    if damage == "header cut":
        return bytes(changed[:40])
    if damage == "magic only":
        return bytes(changed[:magic])
    raise ValueError(damage)
