"""Files a user writes by hand (byline.toml, aliases.toml, and web.json they may edit) survive Byline's edits,
and values Byline cannot use are reported by key and line, never as a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index.aliases import Drop, Merge, read_aliases, write_corrections
from index.ingest import read_corpus, read_sidecar
from index.web import WebState, WebStateError, add_urls

pytest.importorskip("trafilatura")

HAND_WRITTEN = '''# My corpus. Byline must keep this comment.
files."a.txt".source = "X"
files."a.txt".published = 2021-08-30
files."a.txt".notes = """first line
[not a table] but text
last line"""

[project]  # not Byline's: kept
owner = "me"

[files."b.txt"]
title = "B"   # the title I want
'''


def _page(path: Path, words: str = "river") -> Path:
    body = " ".join(f"{words}{k}" for k in range(120))
    path.write_text(f"<html><head><title>Flood on the {words}</title></head><body><article><h1>Flood on the "
                    f"{words}</h1><p>{body}</p><p>{body}.</p></article></body></html>", encoding="utf-8")
    return path


def _corpus(tmp_path: Path, sidecar: str) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("A title\n\nThe text of a.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("B title\n\nThe text of b.\n", encoding="utf-8")
    (corpus / "byline.toml").write_text(sidecar, encoding="utf-8")
    return corpus


def test_add_keeps_a_hand_written_byline_toml(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, HAND_WRITTEN)
    report = add_urls(corpus, [str(_page(tmp_path / "page.html"))])
    assert len(report.added) == 1, report
    text = (corpus / "byline.toml").read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN)  # comments, dotted keys, multi-line string, unknown table: as written
    sidecar, problems = read_sidecar(corpus)
    assert not problems
    assert sidecar["a.txt"] == {"source": "X", "published": "2021-08-30"}
    assert sidecar["b.txt"] == {"title": "B"}
    assert sidecar[report.added[0].path]["title"] == "Flood on the river"
    articles = {a.id: a for a in read_corpus(corpus).articles}
    assert articles["a"].published == "2021-08-30" and articles["a"].source == "X"


def test_a_native_toml_date_is_a_date_and_a_retry_stores_nothing_twice(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, 'files."a.txt".published = 2021-08-30\n')
    page = _page(tmp_path / "page.html")
    first = add_urls(corpus, [str(page)])
    again = add_urls(corpus, [str(page)])
    assert len(first.added) == 1 and len(again.skipped) == 1
    assert len(list((corpus / "web").rglob("*.txt"))) == 1


@pytest.mark.parametrize(("sidecar", "key", "line"), [
    ("files = 3\n", "`files`", "line 1"),
    ('# notes\n[files."a.txt"]\npublished = 3\n', '`files."a.txt".published`', "line 3"),
    ('[files]\n"a.txt" = "AFP"\n', '`files."a.txt"`', "line 2"),
])
def test_values_byline_cannot_use_are_named_with_their_line(tmp_path: Path, sidecar: str, key: str,
                                                           line: str) -> None:
    corpus = _corpus(tmp_path, sidecar)
    scan = read_corpus(corpus)
    assert len(scan.articles) == 2  # the articles are read whatever the metadata says
    reasons = [s.reason for s in scan.skipped if s.path == "byline.toml"]
    assert len(reasons) == 1 and key in reasons[0] and line in reasons[0], reasons


def test_a_sidecar_that_cannot_take_an_entry_stops_add_before_anything_is_written(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, "files = 3\n")
    with pytest.raises(WebStateError, match="`files`"):
        add_urls(corpus, [str(_page(tmp_path / "page.html"))])
    assert not (corpus / "web").exists()
    assert (corpus / "byline.toml").read_text(encoding="utf-8") == "files = 3\n"


def _cli(*args: str) -> subprocess.CompletedProcess:
    code = "import sys; from reader.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("state", [
    {"articles": [{"path": 3}]},
    {"articles": {"path": "x"}},
    {"feeds": [{"url": "http://127.0.0.1/feed", "seen": "abc"}]},
    {"feeds": [{"title": "no address"}]},
])
def test_wrong_types_in_web_json_are_a_message(tmp_path: Path, state: dict) -> None:
    corpus = _corpus(tmp_path, "")
    (corpus / ".byline").mkdir()
    (corpus / ".byline" / "web.json").write_text(json.dumps(state), encoding="utf-8")
    with pytest.raises(WebStateError, match=r"web\.json"):
        WebState(corpus)
    for args in (["add", str(_page(tmp_path / "page.html")), "-C", str(corpus), "--no-index"],
                 ["feeds", "update", "-C", str(corpus), "--no-index"], ["feeds", "list", "-C", str(corpus)]):
        done = _cli(*args)
        assert done.returncode == 1, done
        assert "Traceback" not in done.stderr and "web.json" in done.stderr


def test_corrections_keep_the_rest_of_a_hand_written_alias_file(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    mine = ('# my names\n[[entity]]  # the group\nname = "Islamic State"\nlabel = "ORG"\n'
            'aliases = ["IS", """Daesh\n[not a table]"""]\n\n[mine]\nkept = true\n\n'
            '[[merge]]  # written by hand\nlabel = "PERSON"\nnames = ["A", "B"]\n')
    path.write_text(mine, encoding="utf-8")
    current = read_aliases(path)
    write_corrections(path, [*current.merges, Merge("ORG", ("C", "D"))], [], [Drop("", ("Revs\x7f",))])
    text = path.read_text(encoding="utf-8")
    assert text.startswith(mine.split("[[merge]]")[0])
    assert "# written by hand" in text
    found = read_aliases(path)
    assert found.merges == (Merge("PERSON", ("A", "B")), Merge("ORG", ("C", "D")))
    assert found.drops == (Drop("", ("Revs\x7f",)),)
    assert found.entities == current.entities
    write_corrections(path, [Merge("ORG", ("C", "D"))], [], [])  # a merge undone by a split
    assert read_aliases(path).merges == (Merge("ORG", ("C", "D")),)
    assert "[mine]\nkept = true" in path.read_text(encoding="utf-8")


def test_a_name_holding_a_control_character_is_dropped_with_a_message(tmp_path: Path) -> None:
    """An entity whose name holds DEL (tagged from the corpus's own alias file): dropping it, and naming
    something with control characters that is no entity, both answer in words; the alias file stays valid."""
    from index import open_library

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Talks in Kabul\n\nThe Tali\x7fban met envoys in Kabul on Monday.\n",
                                  encoding="utf-8")
    (corpus / "aliases.toml").write_text('[[entity]]\nname = "Tali\\u007fban"\nlabel = "ORG"\n', encoding="utf-8")
    index_dir = tmp_path / "index"
    with open_library(corpus, index_dir) as lib:
        lib.build()
        assert lib.entity("Tali\x7fban").label == "ORG"
    for name, status in (("Tali\x7fban", 0), ("\x7f", 2), ("\x1b[2J\x7f", 2), ("", 2)):
        done = _cli("entities", "drop", name, "--corpus", str(corpus), "--index-dir", str(index_dir))
        assert done.returncode == status, done
        assert "Traceback" not in done.stderr and "\x7f" not in done.stdout + done.stderr
    assert read_aliases(corpus / "aliases.toml").drops == (Drop("ORG", ("Tali\x7fban",)),)
