"""The look at the corpus an update starts with: every file's size and modification time, the same names and
figures as asking each file for them by its path, with one ``stat`` a file made through its folder (the look
costs a stat of every file on every update: 19,000 on Reuters)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.ingest import corpus_changes, corpus_file_stats, find_corpus_files
from index.ingest.common import rel_name


def _corpus(root: Path) -> Path:
    (root / "a" / "deeper").mkdir(parents=True)
    (root / "b").mkdir()
    (root / ".hidden").mkdir()
    (root / "top.txt").write_text("Top\n\nText.\n", encoding="utf-8")
    (root / "a" / "one.md").write_text("One\n\nText.\n", encoding="utf-8")
    (root / "a" / "deeper" / "two.txt").write_text("Two\n\nText, longer.\n", encoding="utf-8")
    (root / "b" / "rows.jsonl").write_text('{"id": "r1", "title": "R", "body": "Row."}\n', encoding="utf-8")
    (root / "b" / "notes.pdf").write_bytes(b"%PDF")  # not an article file
    (root / ".hidden" / "secret.txt").write_text("Hidden\n", encoding="utf-8")
    (root / "b" / "link.txt").symlink_to(root / "top.txt")  # a link to a file counts as the file
    (root / "b" / "dangling.txt").symlink_to(root / "missing.txt")
    (root / "byline.toml").write_text("", encoding="utf-8")
    if os.uname().sysname == "Linux":  # a name whose bytes are not UTF-8
        os.close(os.open(os.fsencode(str(root / "b")) + b"/caf\xe9.txt", os.O_CREAT | os.O_WRONLY, 0o644))
    return root


def _by_path(root: Path) -> dict[str, tuple[int, int]]:
    """What the stats are: each file's, asked by its whole path (as Byline did before)."""
    files, _ = find_corpus_files(root)
    stats = {}
    for path in [*files, root / "byline.toml"]:
        status = os.stat(path)
        stats[rel_name(path, root)] = (status.st_size, status.st_mtime_ns)
    return stats


def test_the_stats_are_each_files_own_in_corpus_order(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "corpus")
    stats = corpus_file_stats(root)
    assert stats == _by_path(root)
    assert list(stats) == list(_by_path(root))
    assert "b/link.txt" in stats and "b/dangling.txt" not in stats and "b/notes.pdf" not in stats
    assert not any(name.startswith(".hidden") for name in stats)
    if os.uname().sysname == "Linux":
        assert "b/caf\\xe9.txt" in stats


def test_a_corpus_that_is_one_file(tmp_path: Path) -> None:
    single = tmp_path / "news.jsonl"
    single.write_text('{"id": "r1", "title": "R", "body": "Row."}\n', encoding="utf-8")
    status = single.stat()
    assert corpus_file_stats(single) == {".": (status.st_size, status.st_mtime_ns)}


def test_no_file_is_asked_for_by_its_whole_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder is read once and each file stat'ed through it: a stat by path only for the corpus folder itself,
    the sidecar and a link (whether it leads anywhere)."""
    root = _corpus(tmp_path / "corpus")
    asked: list[str] = []
    real_stat = os.stat

    def counting_stat(path, *args, **kwargs):
        if kwargs.get("dir_fd") is None:
            asked.append(os.fsdecode(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counting_stat)
    corpus_file_stats(root)
    assert asked and {Path(path).name for path in asked} <= {"corpus", "byline.toml", "link.txt", "dangling.txt"}


def test_an_unreadable_folder_is_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _corpus(tmp_path / "corpus")
    (root / "a").chmod(0)
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):  # as the kernel answers anyone but root (tests run as root)
        if Path(os.fsdecode(path)) == root / "a" and flags & os.O_DIRECTORY:
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    try:
        stats = corpus_file_stats(root)
        _, skipped = find_corpus_files(root)
    finally:
        (root / "a").chmod(0o755)
    assert not any(name.startswith("a/") for name in stats) and "top.txt" in stats
    assert [s.path for s in skipped if "folder skipped" in s.reason] == ["a/"]


def test_what_changed_between_two_looks() -> None:
    recorded = {"a.txt": (1, 10), "b.txt": (2, 20), "gone.txt": (3, 30), "listed.txt": [4, 40]}
    current = {"a.txt": (1, 10), "b.txt": (2, 21), "new.txt": (5, 50), "listed.txt": (4, 40)}
    changes = corpus_changes(recorded, current)
    assert (changes.added, changes.changed, changes.deleted) == (("new.txt",), ("b.txt",), ("gone.txt",))
