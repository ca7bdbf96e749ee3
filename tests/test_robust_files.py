"""Broken corpus files: the index builds from everything usable and the report names every file or line skipped.

One corpus holds every kind of bad file a folder of downloaded news collects (wrong encodings, binary data
with a text extension, empty files, a file far too large, one enormous line, a pipe, a link to ``/dev/zero``,
broken links, JSONL with bad lines, a truncated ``.gz``); it is indexed once, for real, with spaCy.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import write_files
from index import BuildReport, Library, open_library
from index import annotate as annotate_module
from index.annotate import Annotator, split_for_annotation
from index.ingest import MAX_ARTICLE_BYTES
from reader.cli import main

#: Longer than spaCy's own limit (``nlp.max_length``, 1,000,000 characters), but cheap to annotate: mostly
#: blank space, with names at both ends.
LONG_ARTICLE = "A very long report\n\nThe Taliban spoke in Kabul.\n\n" + " " * 1_050_000 + "\n\nAfter that, Kandahar.\n"
#: One line of a million characters (no line break at all), with a name every 50,000 characters.
ONE_LINE = "Fighting in Herat. " + ("x" * 50_000 + " Fighting broke out in Herat on Monday. ") * 20


def _gzip_truncated() -> bytes:
    lines = b"".join(json.dumps({"id": f"gz{i}", "title": "G", "body": f"gz body {i}"}).encode() + b"\n"
                     for i in range(200))
    data = gzip.compress(lines)
    return data[: len(data) // 2]


BROKEN_FILES: dict[str, str | bytes] = {
    "cp1252.txt": "Café news “quoted”\n\nThe café in Kabul opened.\n".encode("cp1252"),
    "utf16.txt": "UTF-16 news\n\nA report from Mazar-i-Sharif.\n".encode("utf-16"),
    "utf8-bom.txt": "\ufeffBOM news\n\nA report from Jalalabad.\n".encode(),
    "binary.txt": bytes(range(256)) * 20,
    "control-bytes.txt": bytes([1, 2, 3, 4, 5, 6, 14, 15, 16, 17, 18, 19]) * 100,
    "empty.txt": b"",
    "blank.md": "  \n\n \t \n",
    "long.txt": LONG_ARTICLE,
    "one-line.txt": ONE_LINE,
    "sub/ok.md": "Nested news\n\nA report from Ghazni.\n",
    "feed.jsonl": "\n".join([
        json.dumps({"id": "a", "title": "Alpha", "body": "Alpha body about Kunduz"}),
        "not json at all",
        json.dumps({"id": "b", "title": "no body"}),
        "[1, 2, 3]",
        json.dumps({"id": "a", "title": "Duplicate", "body": "Same id again"}),
        json.dumps({"id": "c", "title": "Gamma", "body": "Gamma body"}),
    ]) + "\n",
    "empty.jsonl": "",
    "oversized-line.jsonl": json.dumps({"id": "small", "body": "Small body"}) + "\n"
    + json.dumps({"id": "big", "body": "x " * (MAX_ARTICLE_BYTES // 2 + 10)}) + "\n",
    "truncated.jsonl.gz": _gzip_truncated(),
    "not-gzip.jsonl.gz": b"plain text, not gzip\n",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, BuildReport]:
    root = tmp_path_factory.mktemp("broken")
    corpus = write_files(root / "corpus", BROKEN_FILES)
    (corpus / "dangling.txt").symlink_to(corpus / "nowhere.txt")
    (corpus / "zero.txt").symlink_to("/dev/zero")  # read to the end, it would fill the memory
    os.mkfifo(corpus / "pipe.txt")  # read, it would block the build forever
    with (corpus / "huge.txt").open("wb") as handle:  # sparse: costs no disk
        handle.truncate(50 * 1024 * 1024)
    with open_library(corpus, root / "idx") as lib:
        report = lib.build()
        yield lib, report


def test_every_usable_article_is_indexed(broken: tuple[Library, BuildReport]) -> None:
    lib, report = broken
    ids = {summary.id for summary in lib.articles()}
    assert {"cp1252", "utf16", "utf8-bom", "long", "one-line", "sub/ok", "a", "c", "small"} <= ids
    gz_ids = {i for i in ids if i.startswith("gz")}
    assert len(gz_ids) >= 50  # everything before the point where the .gz breaks off
    assert report.articles == len(ids)
    assert lib.article("cp1252").title == "Café news “quoted”"
    assert lib.article("utf16").text.startswith("UTF-16 news")
    assert lib.article("utf8-bom").title == "BOM news"  # the byte-order mark is not part of the text
    assert {h.id for h in lib.search("Jalalabad").hits} == {"utf8-bom"}
    assert {h.id for h in lib.search("café").hits} == {"cp1252"}


def test_every_skipped_file_and_line_is_reported_with_its_reason(broken: tuple[Library, BuildReport]) -> None:
    _, report = broken
    reasons = {(item.path, item.line): item.reason for item in report.skipped}
    expected = {
        ("binary.txt", 0): "binary",
        ("control-bytes.txt", 0): "binary",
        ("empty.txt", 0): "empty",
        ("blank.md", 0): "empty",
        ("empty.jsonl", 0): "empty",
        ("huge.txt", 0): "too large",
        ("oversized-line.jsonl", 2): "too large",
        ("dangling.txt", 0): "broken symlink",
        ("zero.txt", 0): "not a regular file",
        ("pipe.txt", 0): "not a regular file",
        ("feed.jsonl", 2): "invalid JSON",
        ("feed.jsonl", 3): "no body",
        ("feed.jsonl", 4): "not a JSON object",
        ("not-gzip.jsonl.gz", 1): "unreadable",
    }
    for where, reason in expected.items():
        assert reason in reasons.get(where, ""), f"{where} not reported as {reason!r}: {reasons}"
    assert any(path == "feed.jsonl:5" and "duplicate id" in reason for (path, _), reason in reasons.items())
    truncated = [item for item in report.skipped if item.path == "truncated.jsonl.gz"]
    assert len(truncated) == 1 and "unreadable after line" in truncated[0].reason
    flagged = {item.path: item.reason for item in report.flagged}
    assert flagged["cp1252.txt"] == "decoded-as:cp1252" and flagged["utf16.txt"] == "decoded-as:utf-16"


def test_the_cli_summary_lists_every_skip(broken: tuple[Library, BuildReport], capsys) -> None:
    lib, report = broken
    assert main(["index", str(lib.corpus), "--index-dir", str(lib.index_dir)]) == 0
    out = capsys.readouterr().out
    assert f"{len(report.skipped)} skipped:" in out
    for item in report.skipped:
        assert str(item) in out


def test_articles_longer_than_spacys_limit_are_annotated_whole(broken: tuple[Library, BuildReport]) -> None:
    """spaCy refuses more than 1,000,000 characters at once; the build used to die on such a file."""
    lib, _ = broken
    article = lib.article("long")
    assert len(article.text) > 1_000_000
    names = {(e.text, e.start) for e in article.entities}
    assert ("Kabul", LONG_ARTICLE.index("Kabul")) in names
    assert ("Kandahar", LONG_ARTICLE.index("Kandahar")) in names  # past the first million characters
    line = lib.article("one-line")
    assert all(line.text[e.start:e.end] == e.text for e in line.entities)
    assert len({e.start for e in line.entities if e.text == "Herat" and e.start > 500_000}) >= 5
    assert {h.id for h in lib.search("Kandahar").hits} == {"long"}


def test_pieces_cover_the_text_and_cut_at_paragraphs() -> None:
    text = ("word " * 30 + "\n\n") * 40
    pieces = split_for_annotation(text, 500)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(end == next_start for (_, end), (next_start, _) in itertools.pairwise(pieces))
    assert all(0 < end - start <= 500 for start, end in pieces)
    assert all(text[end - 2:end] == "\n\n" for _, end in pieces[:-1])
    assert split_for_annotation("x" * 1001, 500) == [(0, 500), (500, 1000), (1000, 1001)]


def test_annotating_in_pieces_finds_the_same_entities(monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import SEEDS

    text = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    annotator = Annotator()
    whole = next(annotator.annotate([text]))
    monkeypatch.setattr(annotate_module, "PIECE_CHARS", 400)
    assert len(split_for_annotation(text, 400)) > 5
    pieces = next(annotator.annotate([text]))
    assert all(text[e.start:e.end] == e.text for e in pieces.entities)
    assert {(e.start, e.end, e.label) for e in pieces.entities} == {(e.start, e.end, e.label) for e in whole.entities}


def test_an_unreadable_file_or_folder_is_reported(tmp_path: Path) -> None:
    """Permission bits do not stop root, so when the tests run as root the corpus is read by an unprivileged
    user (``setpriv``, which also lets that user start this Python from root's own folders)."""
    script = ("import json, sys; from index.ingest import read_corpus; s = read_corpus(sys.argv[1]); "
              "print(json.dumps([[a.id for a in s.articles], [str(x) for x in s.skipped]]))")
    command = [sys.executable, "-c", script]
    base = tmp_path
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root, and setpriv (util-linux) is not there to drop the privilege")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        base = Path(tempfile.mkdtemp(prefix="byline-perm-"))  # pytest's own tmp folders are private to root
        base.chmod(0o755)
    corpus = write_files(base / "corpus", {"ok.txt": "Fine\n\nKabul.\n", "secret.txt": "No\n\nentry.\n",
                                           "closed/inside.txt": "Hidden\n\ntext.\n"})
    corpus.chmod(0o755)
    (corpus / "secret.txt").chmod(0)
    (corpus / "closed").chmod(0)
    try:
        done = subprocess.run([*command, str(corpus)], capture_output=True, text=True, check=True)
        ids, skipped = json.loads(done.stdout)
        assert ids == ["ok"]
        assert skipped == ["closed/: folder skipped: permission denied", "secret.txt: permission denied"]
    finally:
        (corpus / "closed").chmod(0o755)
        if base != tmp_path:
            shutil.rmtree(base, ignore_errors=True)
