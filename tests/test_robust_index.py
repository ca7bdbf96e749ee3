"""A damaged index, a damaged cache, a full disk, a folder this user cannot write, a missing or broken spaCy model:
each gives a clear message that says what to do (exit status 1 from the CLI, an ``IndexProblem`` from the API),
never a traceback, and the next build repairs what it can.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SEEDS, write_files
from index import IndexCorrupt, IndexProblem, open_library, store
from reader.cli import main


def current(index_dir: Path) -> Path:
    generation = store.current_generation(index_dir)
    assert generation is not None
    return generation


def _segment(index_dir: Path) -> Path:
    """The largest file of the Whoosh segment: the whole segment (compound) or its postings (separate files)."""
    parts = [p for p in current(index_dir).glob("MAIN_*") if p.name != "MAIN_WRITELOCK"]
    return max(parts, key=lambda p: p.stat().st_size)


def _truncate_segment(index_dir: Path) -> None:
    with _segment(index_dir).open("r+b") as handle:
        handle.truncate(1000)


def _garbage_segment(index_dir: Path) -> None:
    segment = _segment(index_dir)
    segment.write_bytes(os.urandom(segment.stat().st_size))


def _garbage_toc(index_dir: Path) -> None:
    next(current(index_dir).glob("_MAIN_*.toc")).write_bytes(b"garbage")


def _missing_segment(index_dir: Path) -> None:
    _segment(index_dir).unlink()


def _garbage_catalog(index_dir: Path) -> None:
    (current(index_dir) / store.CATALOG).write_text("{not json", encoding="utf-8")


def _garbage_format(index_dir: Path) -> None:
    (current(index_dir) / store.FORMAT).write_text("garbage", encoding="utf-8")


#: Damage found when the index is opened: an ordinary `byline index` notices it and builds afresh.
DAMAGE_AT_OPENING: dict[str, Callable[[Path], None]] = {
    "garbage table of contents": _garbage_toc,
    "missing segment": _missing_segment,
    "garbage catalog": _garbage_catalog,
    "garbage format marker": _garbage_format,
}
#: Damage inside a segment's data, which Whoosh may read only when a query needs it.
DAMAGE_IN_DATA: dict[str, Callable[[Path], None]] = {
    "truncated segment": _truncate_segment,
    "garbage segment": _garbage_segment,
}
DAMAGE = {**DAMAGE_AT_OPENING, **DAMAGE_IN_DATA}


@pytest.fixture()
def index_copy(seeds_index_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the session's seed index, to damage."""
    target = tmp_path / "idx"
    shutil.copytree(seeds_index_dir, target)
    return target


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_index_says_rebuild_in_api_and_cli(index_copy: Path, damage: str, capsys) -> None:
    """Whatever part is damaged, the first call that needs it says so (what does not need it may still work)."""
    DAMAGE[damage](index_copy)
    with open_library(SEEDS, index_copy) as lib, pytest.raises(IndexCorrupt, match="rebuild it with `byline index"):
        lib.articles()
        lib.search("kabul OR taliban OR airport")
        lib.article("002")
    failed = 0
    for command in (["list"], ["search", "kabul OR taliban OR airport"], ["show", "002"]):
        status, _, err = cli(capsys, *command, "-C", str(SEEDS), "--index-dir", str(index_copy))
        if status:
            failed += 1
            assert status == 1 and err.startswith("byline: ") and "byline index --rebuild" in err
    assert failed


@pytest.mark.parametrize("damage", DAMAGE)
def test_the_rebuild_it_suggests_repairs_it(index_copy: Path, damage: str) -> None:
    DAMAGE[damage](index_copy)
    with open_library(SEEDS, index_copy) as lib:
        report = lib.build(rebuild=True)
        assert report.full and report.annotated == 0  # spaCy is not needed: annotations are cached
        assert lib.search("kabul").total == 5


@pytest.mark.parametrize("damage", DAMAGE_AT_OPENING)
def test_an_ordinary_update_repairs_a_damaged_index(index_copy: Path, damage: str) -> None:
    """The update notices the damage and builds afresh (spaCy is not needed: annotations are cached)."""
    DAMAGE[damage](index_copy)
    with open_library(SEEDS, index_copy) as lib:
        report = lib.build()
        assert report.full and report.annotated == 0
        assert lib.search("kabul").total == 5
        assert lib.article(lib.articles()[0].id).entities


def test_current_pointing_nowhere_means_no_index(index_copy: Path, capsys) -> None:
    (index_copy / store.CURRENT).write_text("gen-that-is-gone", encoding="utf-8")
    with open_library(SEEDS, index_copy) as lib:
        assert not lib.exists()
        with pytest.raises(IndexProblem, match="has no index yet; build it with `byline index"):
            lib.search("kabul")
    status, _, err = cli(capsys, "search", "kabul", "-C", str(SEEDS), "--index-dir", str(index_copy))
    assert status == 0 and "building it first" in err  # the CLI builds a missing index before searching


def test_current_replaced_by_a_folder_is_reported_not_raised(index_copy: Path, capsys) -> None:
    (index_copy / store.CURRENT).unlink()
    (index_copy / store.CURRENT).mkdir()
    status, _, err = cli(capsys, "index", str(SEEDS), "--index-dir", str(index_copy))
    assert status == 1 and err.startswith("byline: Is a directory")


@pytest.mark.parametrize("damage", [b"garbage, not a database" * 100, None])
def test_damaged_annotation_cache_is_refused_then_set_aside_by_a_rebuild(index_copy: Path, damage, capsys) -> None:
    cache = index_copy / store.ANNOTATIONS
    if damage is None:  # cut off in the middle: "database disk image is malformed"
        with cache.open("r+b") as handle:
            handle.truncate(1000)
    else:
        cache.write_bytes(damage)
    with open_library(SEEDS, index_copy) as lib, pytest.raises(IndexCorrupt, match=r"annotation cache .* damaged"):
        lib.article(lib.articles()[0].id)
    status, _, err = cli(capsys, "show", "002", "-C", str(SEEDS), "--index-dir", str(index_copy))
    assert status == 1 and "byline index --rebuild" in err

    with open_library(SEEDS, index_copy) as lib:
        report = lib.build(rebuild=True)
        assert report.annotated == 5  # a fresh cache: spaCy ran again
        assert lib.article(lib.articles()[0].id).entities
    assert (index_copy / "annotations.sqlite.damaged").is_file()


def test_a_failed_whoosh_commit_keeps_its_own_error(index_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer's cancel after a failed commit used to raise 'This writer is closed', hiding the real error."""
    from whoosh.writing import SegmentWriter

    def no_space(self, *args, **kwargs) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "commit", no_space)
    with open_library(SEEDS, index_copy) as lib:
        with pytest.raises(IndexProblem, match=r"no space left to write the index at .*: free some space"):
            lib.build(rebuild=True)
        assert lib.search("kabul").total == 5  # the previous index is untouched


# -- a full disk, for real ---------------------------------------------------------------------------------


@pytest.fixture()
def tiny_disk() -> Path:
    """A 1 MB tmpfs (mounting needs root; skipped elsewhere)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tiny tmpfs needs root")
    where = Path(tempfile.mkdtemp(prefix="byline-full-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)
        where.rmdir()


def test_full_disk_says_so_and_keeps_the_previous_index(tiny_disk: Path, seeds_copy: Path, capsys) -> None:
    index_dir = tiny_disk / "idx"
    with open_library(seeds_copy, index_dir) as lib:
        lib.build()
    free = shutil.disk_usage(tiny_disk).free
    (tiny_disk / "filler").write_bytes(b"\0" * max(0, free - 16 * 1024))
    write_files(seeds_copy, {"new.txt": "Herat news\n\nA long report from Herat. " + "More words here. " * 2000})

    status, _, err = cli(capsys, "index", str(seeds_copy), "--index-dir", str(index_dir), "--rebuild")
    assert status == 1
    assert err.startswith(f"byline: no space left to write the index at {index_dir}: free some space")
    (tiny_disk / "filler").unlink()
    with open_library(seeds_copy, index_dir) as lib:
        assert lib.search("kabul").total == 5
        assert lib.build().added == 1  # with room again, the next run completes
        assert lib.search("Herat").total >= 1


# -- a folder this user cannot write ------------------------------------------------------------------------


def run_unprivileged(*args: str) -> subprocess.CompletedProcess[str]:
    """``byline ARGS`` as a user who owns nothing here (as root, through setpriv; otherwise as ourselves)."""
    command = [sys.executable, "-m", "reader.cli", *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root, and setpriv (util-linux) is not there to drop the privilege")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1],
                          env={**os.environ, "HOME": "/nonexistent"})


@pytest.fixture()
def read_only_index(seeds_index_dir: Path) -> Path:
    """A copy of the seed index in a folder the unprivileged user can read but not write."""
    base = Path(tempfile.mkdtemp(prefix="byline-ro-"))
    shutil.copytree(seeds_index_dir, base / "idx")
    for path in [base, *base.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    if os.geteuid() != 0:
        for path in [base / "idx", *(p for p in (base / "idx").rglob("*") if p.is_dir())]:
            path.chmod(0o555)
    try:
        yield base / "idx"
    finally:
        for path in [base, *base.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_read_only_index_can_be_read(read_only_index: Path) -> None:
    """Reading used to need write access: SQLite's WAL mode writes its index file even to read."""
    done = run_unprivileged("show", "002", "-C", str(SEEDS), "--index-dir", str(read_only_index))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "entity spans:" in done.stdout
    done = run_unprivileged("search", "kabul", "-C", str(SEEDS), "--index-dir", str(read_only_index))
    assert done.returncode == 0, done.stderr


def test_read_only_index_cannot_be_written_and_says_what_to_do(read_only_index: Path) -> None:
    for target in (read_only_index, read_only_index / "new-index"):
        done = run_unprivileged("index", str(SEEDS), "--index-dir", str(target))
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith(f"byline: cannot write the index at {target} (")
        assert "make that folder writable, or put the index elsewhere with --index-dir DIR" in done.stderr


# -- spaCy models -------------------------------------------------------------------------------------------


def test_missing_model_names_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("BYLINE_SPACY_MODEL", "nonexistent_model_xyz")
    status, out, err = cli(capsys, "index", str(SEEDS), "--index-dir", str(tmp_path / "idx"))
    assert (status, out) == (1, "")
    assert "spaCy model 'nonexistent_model_xyz' is not installed" in err and "pip install" in err


def test_broken_model_says_reinstall(tmp_path: Path, capsys) -> None:
    model = tmp_path / "broken_model"
    model.mkdir()
    (model / "meta.json").write_text("{}", encoding="utf-8")  # no language, no pipeline
    status, out, err = cli(capsys, "index", str(SEEDS), "--index-dir", str(tmp_path / "idx"), "--model", str(model))
    assert (status, out) == (1, "")
    assert f"Could not load spaCy model '{model}'" in err and "Reinstall it, or choose another" in err


@pytest.mark.parametrize("left", ['{"pid": 999999, "host": "gone", "since": "2001-01-01 00:00:00"}', "\x00garbage{"])
def test_a_lock_file_left_by_a_dead_process_is_no_lock(index_copy: Path, left: str) -> None:
    """The lock is the kernel's (flock), not the file: whatever a dead writer left in the file does not stop
    the next one, which does not even wait."""
    (index_copy / store.LOCK).write_text(left, encoding="utf-8")
    with open_library(SEEDS, index_copy) as lib:
        assert lib.build(lock_wait=0).unchanged == 5
