"""The command line: JSON for scripts, neutralised text for people, one-line errors with exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEEDS, write_files
from reader.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_search_json_has_hits_facets_and_match_offsets(capsys, seeds_index_dir: Path) -> None:
    status, out, _ = run(capsys, "search", "IS-K", "--json", "--index-dir", str(seeds_index_dir))
    assert status == 0
    data = json.loads(out)
    assert data["total"] == 2 and data["query"] == "IS-K"
    assert {h["id"][:3] for h in data["hits"]} == {"000", "002"}
    assert {"source", "entity"} <= set(data["facets"])
    fragment = data["hits"][0]["fragments"][0]
    for start, end in fragment["matches"]:
        assert fragment["text"][start:end] == "IS-K"  # a phrase (IS, K) is highlighted whole


def test_search_limit(capsys, seeds_index_dir: Path) -> None:
    status, out, _ = run(capsys, "search", "taliban", "--limit", "2", "--json", "--index-dir", str(seeds_index_dir))
    data = json.loads(out)
    assert status == 0 and data["total"] == 5 and len(data["hits"]) == 2


def test_bad_query_is_one_line_with_a_pointer_and_status_2(capsys, seeds_index_dir: Path) -> None:
    status, out, err = run(capsys, "search", '"kabul airport', "--index-dir", str(seeds_index_dir))
    assert status == 2 and out == ""
    assert err.splitlines()[0] == "byline: bad query: unclosed quote (at character 1)"
    assert "Traceback" not in err


def test_show_json_is_the_annotated_article_record(capsys, seeds_index_dir: Path) -> None:
    status, out, _ = run(capsys, "show", "002", "--json", "--index-dir", str(seeds_index_dir))
    assert status == 0
    data = json.loads(out)
    assert data["id"] == "002_d39dd3bf9bf62004" and data["published"] == "2021-08-30"
    assert data["text"] == (SEEDS / "002_d39dd3bf9bf62004.txt").read_text(encoding="utf-8")
    spans = data["entities"]
    assert spans and all(data["text"][s["start"] : s["end"]] == s["text"] for s in spans)
    assert any(s["label"] == "PERSON" and "Mujahid" in s["text"] for s in spans)
    assert all(s["entity_id"] for s in spans)
    assert all(data["text"][a:b].strip() for a, b in data["sentences"])


def test_show_unknown_id(capsys, seeds_index_dir: Path) -> None:
    status, _, err = run(capsys, "show", "999", "--index-dir", str(seeds_index_dir))
    assert status == 2 and "no article '999'" in err


def test_text_output_neutralises_hostile_text_and_json_keeps_it(capsys, tmp_path: Path) -> None:
    hostile = "Evil \x1b]0;pwned\x07title \x1b[31mred\x1b[0m [bold]x[/bold]"
    write_files(tmp_path / "c", {"evil.txt": f"{hostile}\n\nBody with \x1b[2J clear and [@click=app.quit] link."})
    index_dir = str(tmp_path / "idx")
    assert run(capsys, "index", str(tmp_path / "c"), "--index-dir", index_dir)[0] == 0
    status, out, _ = run(capsys, "search", "evil", "--corpus", str(tmp_path / "c"), "--index-dir", index_dir)
    assert status == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "[bold]x[/bold]" in out  # shown literally, not parsed
    status, out, _ = run(capsys, "search", "evil", "--json", "--corpus", str(tmp_path / "c"), "--index-dir", index_dir)
    assert json.loads(out)["hits"][0]["title"] == hostile


def test_index_reports_what_it_skipped(capsys, tmp_path: Path) -> None:
    write_files(tmp_path / "c", {"ok.txt": "Fine\n\nText.", "empty.txt": "", "bad.jsonl": "{nope\n"})
    status, out, _ = run(capsys, "index", str(tmp_path / "c"), "--index-dir", str(tmp_path / "idx"), "--json")
    report = json.loads(out)
    assert status == 0 and report["articles"] == 1
    assert {(s["path"], s["line"]) for s in report["skipped"]} == {("empty.txt", 0), ("bad.jsonl", 1)}
    status, out, _ = run(capsys, "index", str(tmp_path / "c"), "--index-dir", str(tmp_path / "idx"))
    assert "2 skipped" in out and "empty.txt: empty file" in out


def test_an_index_of_another_corpus_is_not_replaced_by_an_update(capsys, tmp_path: Path) -> None:
    """``--index-dir`` naming the index of another corpus (a typo, or two corpora given one folder): the update
    refuses, names both corpora and leaves that index as it was; ``--rebuild`` replaces it on purpose. The same
    after an update of the first corpus was recorded in the catalog's journal, not the catalog."""
    first = write_files(tmp_path / "first", {"a.txt": "Alpha\n\nThe harbour reopened on Monday."})
    second = write_files(tmp_path / "second", {"b.txt": "Beta\n\nThe bridge closed on Tuesday."})
    index_dir = str(tmp_path / "idx")
    assert run(capsys, "index", str(first), "--index-dir", index_dir)[0] == 0
    write_files(first, {"c.txt": "Gamma\n\nThe harbour opened again."})
    assert run(capsys, "index", str(first), "--index-dir", index_dir)[0] == 0  # an update: a journal line

    status, out, err = run(capsys, "index", str(second), "--index-dir", index_dir)
    assert (status, out) == (1, "")
    assert err.startswith("byline: ") and str(first.resolve()) in err and str(second.resolve()) in err
    assert "--rebuild" in err
    status, out, _ = run(capsys, "search", "harbour", "--corpus", str(first), "--index-dir", index_dir, "--json")
    assert status == 0 and len(json.loads(out)["hits"]) == 2  # the first corpus's index, whole

    assert run(capsys, "index", str(second), "--index-dir", index_dir, "--rebuild")[0] == 0
    status, out, _ = run(capsys, "search", "bridge", "--corpus", str(second), "--index-dir", index_dir, "--json")
    assert status == 0 and len(json.loads(out)["hits"]) == 1
    assert run(capsys, "index", str(second), "--index-dir", index_dir)[0] == 0  # and it updates as its own
    moved = second.rename(tmp_path / "moved")  # the same corpus in another folder is still its own
    status, out, _ = run(capsys, "index", str(moved), "--index-dir", index_dir, "--json")
    assert status == 0 and json.loads(out)["articles"] == 1


def test_list_and_stories_take_the_corpus_as_a_word_like_index(capsys, tmp_path: Path) -> None:
    """``byline list ~/news`` and ``byline stories ~/news`` (as ``byline index ~/news``): the corpus given as a
    word is read; given twice, differently, the command line is refused (status 2) rather than one ignored."""
    corpus = write_files(tmp_path / "c", {"a.txt": "Harbour news\n\nThe harbour reopened on Monday."})
    index_dir = str(tmp_path / "idx")
    assert run(capsys, "index", str(corpus), "--index-dir", index_dir)[0] == 0
    status, out, _ = run(capsys, "list", str(corpus), "--index-dir", index_dir)
    assert status == 0 and "Harbour news" in out
    status, out, _ = run(capsys, "stories", str(corpus), "--index-dir", index_dir, "--json")
    assert status == 0 and [s["id"] for s in json.loads(out)["singles"]] == ["a"]
    status, out, err = run(capsys, "list", str(corpus), "--corpus", str(SEEDS), "--index-dir", index_dir)
    assert (status, out) == (2, "") and "two corpora" in err


def test_index_and_open_take_the_corpus_as_an_option_like_every_command(capsys, tmp_path: Path) -> None:
    """``byline index -C ~/news`` (as ``byline search -C ~/news``) builds that corpus, and ``byline open -C`` names
    a missing one as ``byline open PATH`` does, before the reader starts; two different ones are refused."""
    corpus = write_files(tmp_path / "c", {"a.txt": "Harbour news\n\nThe harbour reopened on Monday."})
    index_dir = str(tmp_path / "idx")
    status, out, _ = run(capsys, "index", "-C", str(corpus), "--index-dir", index_dir, "--json")
    assert status == 0 and json.loads(out)["articles"] == 1
    status, out, _ = run(capsys, "search", "harbour", "-C", str(corpus), "--index-dir", index_dir, "--json")
    assert status == 0 and [h["id"] for h in json.loads(out)["hits"]] == ["a"]
    status, _, err = run(capsys, "open", "--corpus", str(tmp_path / "nowhere"))
    assert status != 0 and "no such corpus" in err and "nowhere" in err
    status, out, err = run(capsys, "index", str(corpus), "-C", str(SEEDS), "--index-dir", index_dir)
    assert (status, out) == (2, "") and "two corpora" in err


def test_missing_corpus_is_a_clear_error(capsys, tmp_path: Path) -> None:
    status, _, err = run(capsys, "index", str(tmp_path / "nowhere"))
    assert status == 1 and err.startswith("byline: no such corpus")


def test_opening_a_missing_corpus_says_so_without_starting_the_reader(capsys, tmp_path: Path, monkeypatch) -> None:
    """``byline PATH`` on a path that is not there: one line and status 1, and the reader's screen never comes up
    (it would flash the library's frame and vanish)."""
    from reader.app import BylineApp

    started = []
    monkeypatch.setattr(BylineApp, "run", lambda self, *a, **k: started.append(self))
    status, out, err = run(capsys, str(tmp_path / "nowhere"), "--config", str(tmp_path / "settings.toml"))
    assert (status, started, out) == (1, [], "")
    assert err.startswith("byline: no such corpus:") and "nowhere" in err


def test_installed_command_runs_from_any_directory(tmp_path: Path, seeds_index_dir: Path) -> None:
    exe = Path(sys.executable).with_name("byline")
    if not exe.exists():
        pytest.skip("the byline console script is not installed in this environment")
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run([str(exe), "search", "Jalalabad", "--json", "--index-dir", str(seeds_index_dir)],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["hits"][0]["id"] == "004_e8aa0ffba7751739"
    helped = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "query syntax" in helped.stdout


def test_help_lists_every_command_and_a_reading_command_parses_alone(capsys) -> None:
    """``byline -h`` names every command; ``byline search`` builds only its own group's parsers (so it does not
    import the comparison engine)."""
    from reader.cli.main import build_parser

    with pytest.raises(SystemExit):
        main(["-h"])
    out = capsys.readouterr().out
    for command in ("search", "show", "list", "index", "compare", "entities", "stories"):
        assert command in out
    args = build_parser(command="search").parse_args(["search", "oil", "--json", "-n", "5"])
    assert (args.command, args.query, args.json, args.limit) == ("search", "oil", True, 5)
    assert "compare" not in build_parser(command="search")._subparsers._group_actions[0].choices
