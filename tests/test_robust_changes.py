"""The corpus changes under the reader: ``Library.changes()`` says which files were added, changed or deleted
since the index was built (from sizes and modification times, opening nothing), so the reader can offer to
re-index and never present an edited or deleted file's old text as current."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import write_files
from index import CorpusChanges, open_library, store


def bump(path: Path) -> None:
    """Change the file's modification time for certain, even on a file system with coarse timestamps."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 2_000_000_000))


def test_changes_since_the_build(seeds_copy: Path, tmp_path: Path) -> None:
    with open_library(seeds_copy, tmp_path / "idx") as lib:
        lib.build()
        assert lib.changes() == CorpusChanges() and not lib.changes()

        edited = seeds_copy / "004_e8aa0ffba7751739.txt"
        edited.write_text(edited.read_text(encoding="utf-8") + "\nKandahar was quiet.\n", encoding="utf-8")
        write_files(seeds_copy, {"new/added.md": "Herat news\n\nA report from Herat."})
        (seeds_copy / "001_4953294115b9d26d.txt").unlink()
        bump(seeds_copy / "byline.toml")  # metadata counts too

        changes = lib.changes()
        assert changes.added == ("new/added.md",)
        assert changes.changed == ("004_e8aa0ffba7751739.txt", "byline.toml") or set(changes.changed) == {
            "004_e8aa0ffba7751739.txt", "byline.toml"}
        assert changes.deleted == ("001_4953294115b9d26d.txt",)
        assert changes.touches(lib.article("004").path) and changes.touches("001_4953294115b9d26d.txt")
        assert not changes.touches(lib.article("002").path)
        # What the index still shows for the edited article is its old text: the reader must say so.
        assert "Kandahar was quiet" not in lib.article("004").text

        lib.build()
        assert not lib.changes()
        assert "Kandahar was quiet" in lib.article("004").text


def test_a_jsonl_line_is_touched_when_its_file_changes(tmp_path: Path) -> None:
    corpus = write_files(tmp_path / "corpus", {"feed.jsonl": json.dumps({"id": "a", "body": "Kabul"}) + "\n"})
    with open_library(corpus, tmp_path / "idx") as lib:
        lib.build()
        path = lib.article("a").path
        assert path == "feed.jsonl:1" and not lib.changes().touches(path)
        with (corpus / "feed.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"id": "b", "body": "Herat"}) + "\n")
        assert lib.changes().changed == ("feed.jsonl",) and lib.changes().touches(path)


def test_an_index_that_recorded_nothing_reports_everything(seeds_copy: Path, tmp_path: Path) -> None:
    """Built by an older Byline (or the record is damaged): every file may have changed; re-index to be sure."""
    with open_library(seeds_copy, tmp_path / "idx") as lib:
        lib.build()
        (store.current_generation(lib.index_dir) / store.FILE_STATS).write_text("garbage", encoding="utf-8")
        changes = lib.changes()
        assert len(changes.changed) == len(lib.articles()) + 1 and not changes.added and not changes.deleted
        lib.build()
        assert not lib.changes()
