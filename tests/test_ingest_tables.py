"""Corpora as datasets ship them: CSV, TSV, JSON arrays and Parquet tables of one article a row, metadata tables
beside text files, folder-per-outlet layouts, and file names that are not UTF-8."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from conftest import write_files
from index import install_hint, open_library
from index.ingest import MAX_ARTICLE_BYTES, parse_columns, read_corpus, write_sidecar_entry
from reader.cli import main

BODY = ("The harbour authority said the ferry would resume service once the pier had been inspected. "
        "Residents said the delay would cost them work and school days.")


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


ALL_THE_NEWS = [
    ["", "id", "title", "publication", "author", "date", "year", "month", "url", "content"],
    ["0", "17283", "Ferry resumes", "New York Times", "Carl Hulse", "2016-12-31", "2016.0", "12.0",
     "https://www.nytimes.com/2016/12/31/ferry.html", BODY],
    ["1", "17284", "Pier \"inspected\", mayor says", "Breitbart", "Jane Roe", "2017-01-02", "2017.0", "1.0", "",
     f"{BODY}\n\nA second paragraph, with a comma."],
]


def test_all_the_news_layout_is_read_one_article_a_row(tmp_path: Path) -> None:
    write_files(tmp_path, {"articles1.csv": csv_text(ALL_THE_NEWS)})
    scan = read_corpus(tmp_path)
    assert not scan.skipped and not scan.flagged
    first, second = scan.articles
    assert (first.id, first.title, first.source, first.published, first.author, first.url, first.path) == (
        "17283", "Ferry resumes", "New York Times", "2016-12-31", "Carl Hulse",
        "https://www.nytimes.com/2016/12/31/ferry.html", "articles1.csv:1")
    assert (first.published_from, first.source_from) == ("metadata", "metadata")
    assert second.title == 'Pier "inspected", mayor says' and second.text.endswith("with a comma.")


def test_a_single_table_file_is_a_corpus(tmp_path: Path) -> None:
    path = write_files(tmp_path, {"news.tsv": "headline\ttext\tsite\tpublishedAt\n"
                                              f'Ferry\t"We hope" {BODY}\twww.bbc.co.uk\t2021-03-09T10:00:00Z\n'})
    path = path / "news.tsv"
    [article] = read_corpus(path).articles
    # A plain TSV: a quote opening a cell is text; a site given as a domain is its outlet's name.
    assert article.text.startswith('"We hope"') and article.source == "BBC" and article.published == "2021-03-09"
    assert article.id == "news:1" and article.path == ".:1"


def test_json_arrays_and_parquet_are_read(tmp_path: Path) -> None:
    items = [{"title": "Ferry", "content": BODY, "source": "AFP", "date_publish": "2021-08-30 09:35:00"},
             {"title": "No text", "content": ""}, "not an object"]
    write_files(tmp_path, {"a.json": json.dumps(items), "b.json": json.dumps({"articles": items[:1]})})
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pyarrow.table({"title": ["Ferry P"], "text": [BODY], "domain": ["apnews.com"],
                                  "date": ["2021-08-31"], "url": ["https://apnews.com/x"]}), tmp_path / "c.parquet")
    scan = read_corpus(tmp_path)
    by_id = {a.id: a for a in scan.articles}
    assert set(by_id) == {"a:1", "b:1", "c:1"}
    assert (by_id["a:1"].source, by_id["a:1"].published) == ("AFP", "2021-08-30")
    assert (by_id["c:1"].source, by_id["c:1"].published) == ("Associated Press", "2021-08-31")
    reasons = {(s.path, s.line): s.reason for s in scan.skipped}
    assert reasons == {("a.json", 2): "empty 'content'", ("a.json", 3): "not a JSON object"}


def test_parquet_without_pyarrow_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError("no pyarrow")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    write_files(tmp_path, {"c.parquet": b"PAR1 not really", "a.txt": "Title\n\nBody."})
    scan = read_corpus(tmp_path)
    assert [a.id for a in scan.articles] == ["a"]
    assert [s.reason for s in scan.skipped] == [f"reading Parquet needs pyarrow: {install_hint('parquet')}"]


def test_bad_rows_are_skipped_with_their_row_and_reason_and_the_rest_read(tmp_path: Path) -> None:
    text = csv_text([["title", "body", "source"], ["One", BODY, "AFP"], ["Two", "", "AFP"],
                     ["Three", BODY, "AFP", "extra", "cells"], ["Four", BODY, "AFP"]])
    text += 'Five,"an open quote that never closes\n'
    write_files(tmp_path, {"rows.csv": text.encode("utf-8") + b"Six,caf\xe9 latin-1 body,AFP\n"})
    scan = read_corpus(tmp_path)
    assert [a.title for a in scan.articles] == ["One", "Four"]
    reasons = {s.line: s.reason for s in scan.skipped}
    assert reasons[2] == "empty 'body'"
    assert reasons[3].startswith("5 fields where the header has 3")
    assert reasons[5].startswith("2 fields where the header has 3")  # the open quote swallowed the rest
    assert all(s.path == "rows.csv" for s in scan.skipped)


def test_a_row_in_another_encoding_is_flagged(tmp_path: Path) -> None:
    data = csv_text([["title", "body"], ["Good", BODY]]).encode() + b"Caf\xe9,Une br\xe8ve\n"
    write_files(tmp_path, {"t.csv": data})
    scan = read_corpus(tmp_path)
    assert [a.title for a in scan.articles] == ["Good", "Caf\u00e9"]
    assert [(f.path, f.reason) for f in scan.flagged if f.reason.startswith("decoded")] == [
        ("t.csv:2", "decoded-as:cp1252")]


def test_missing_columns_are_named_and_can_be_given(tmp_path: Path) -> None:
    write_files(tmp_path, {"news.csv": csv_text([["headline", "story_body", "site"], ["Ferry", BODY, "AFP"]])})
    scan = read_corpus(tmp_path)
    assert not scan.articles
    [problem] = scan.skipped
    assert "no column of article text" in problem.reason and "story_body" in problem.reason
    assert "--columns body=COLUMN" in problem.reason
    scan = read_corpus(tmp_path, columns="body=story_body")
    assert [(a.title, a.source) for a in scan.articles] == [("Ferry", "AFP")]
    [note] = scan.flagged
    assert note.reason.startswith("no date column") and "--columns published=COLUMN" in note.reason
    assert "no column 'nope'" in read_corpus(tmp_path, columns="body=nope").skipped[0].reason
    with pytest.raises(ValueError, match="unknown field"):
        parse_columns("bodyy=text")
    assert parse_columns("text=story, outlet=site,date=when") == {"body": "story", "source": "site",
                                                                  "published": "when"}


def test_huge_cells_are_read_and_rows_too_large_skipped(tmp_path: Path) -> None:
    long_body = ("A long sentence about the ferry and the pier. " * 4000)  # 184 kB: past csv's 128 kB default
    too_large = "x" * (MAX_ARTICLE_BYTES + 10)
    write_files(tmp_path, {"big.csv": csv_text([["title", "body"], ["Long", long_body], ["Huge", too_large],
                                                ["After", BODY]])})
    scan = read_corpus(tmp_path)
    assert [a.title for a in scan.articles] == ["Long", "After"]
    assert scan.articles[0].text == long_body.strip() or scan.articles[0].text == long_body
    assert scan.skipped[0].line == 2 and scan.skipped[0].reason.startswith("too large")


def test_a_metadata_table_beside_text_files_is_read_like_the_sidecar(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "a.txt": f"Ferry resumes\n\n{BODY}",
        "sub/b.txt": f"Pier inspected\n\n{BODY}",
        "sub/c.md": f"Bus promised\n\n{BODY}",
        "metadata.csv": csv_text([["file", "source", "date", "url"], ["a.txt", "AFP", "2021-08-30", ""],
                                  ["sub/b.txt", "Reuters", "2021-08-31", ""]]),
        "sub/index.tsv": csv_text([["filename", "outlet"], ["c", "DW"]], "\t"),
        "byline.toml": '[files."sub/b.txt"]\nsource = "Reuters via the sidecar"\n',
    })
    scan = read_corpus(tmp_path)
    by_id = {a.id: a for a in scan.articles}
    assert set(by_id) == {"a", "sub/b", "sub/c"}  # the tables are metadata, not articles
    assert (by_id["a"].source, by_id["a"].published, by_id["a"].source_from) == ("AFP", "2021-08-30", "metadata")
    assert (by_id["sub/b"].source, by_id["sub/b"].published) == ("Reuters via the sidecar", "2021-08-31")
    assert by_id["sub/c"].source == "DW"


def test_writing_a_files_entry_keeps_the_corpus_settings(tmp_path: Path) -> None:
    write_files(tmp_path, {"byline.toml": '# how to read it\n[corpus]\noutlet_from = "folder"  # one a folder\n',
                           "cnn/a.txt": f"Ferry\n\n{BODY}"})
    write_sidecar_entry(tmp_path, "cnn/a.txt", {"published": "2021-08-30"})
    text = (tmp_path / "byline.toml").read_text()
    assert text.startswith("# how to read it\n[corpus]\noutlet_from = \"folder\"  # one a folder")
    [article] = read_corpus(tmp_path).articles
    assert (article.source, article.source_from, article.published) == ("cnn", "folder", "2021-08-30")


def test_outlets_from_a_folder_per_outlet_layout_when_declared(tmp_path: Path) -> None:
    write_files(tmp_path, {"cnn/a.txt": f"Ferry\n\n{BODY}", "nytimes.com/2021/b.txt": f"Pier\n\n{BODY}",
                           "c.txt": f"Bus\n\nLONDON (Reuters) - {BODY}"})
    assert {a.id: a.source for a in read_corpus(tmp_path).articles} == {"cnn/a": "", "nytimes.com/2021/b": "",
                                                                       "c": "Reuters"}
    write_files(tmp_path, {"byline.toml": '[corpus]\noutlet_from = "folder"\n'})
    scan = read_corpus(tmp_path)
    assert {a.id: (a.source, a.source_from) for a in scan.articles} == {
        "cnn/a": ("cnn", "folder"), "nytimes.com/2021/b": ("The New York Times", "folder"),
        "c": ("Reuters", "dateline")}


@pytest.mark.skipif(os.uname().sysname == "Darwin", reason="macOS file systems refuse names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_indexed_under_a_safe_id(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    try:
        (Path(os.fsdecode(os.path.join(os.fsencode(corpus), b"caf\xe9.txt")))).write_text(f"Caf\u00e9\n\n{BODY}")
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    write_files(corpus, {"plain.txt": f"Plain\n\n{BODY}"})
    with open_library(corpus, tmp_path / "index") as lib:
        report = lib.build()
        assert report.articles == 2 and not report.skipped
        assert {row.id for row in lib.articles()} == {"caf\\xe9", "plain"}
        assert lib.article("caf\\xe9").title == "Caf\u00e9"
        assert not lib.changes()
        os.utime(os.path.join(os.fsencode(corpus), b"caf\xe9.txt"), (1, 1))
        assert lib.changes().changed == ("caf\\xe9.txt",)
        update = lib.build()
        assert (update.changed + update.unchanged, update.articles) == (2, 2)


def test_the_cli_indexes_a_csv_with_columns_and_shows_where_dates_and_outlets_came_from(tmp_path: Path,
                                                                                        capsys) -> None:
    path = write_files(tmp_path, {"news.csv": csv_text([["title", "txt", "link"], [
        "Ferry", f"PORT ELLIS, Maine (AP) — {BODY}", "https://example.org/2021/03/09/ferry"]])}) / "news.csv"
    index_dir = tmp_path / "index"
    assert main(["index", str(path), "--index-dir", str(index_dir)]) == 0
    assert "no column of article text" in capsys.readouterr().out
    assert main(["index", str(path), "--index-dir", str(index_dir), "--columns", "bodyy=txt"]) == 2
    assert "unknown field" in capsys.readouterr().err
    assert main(["index", str(path), "--index-dir", str(index_dir), "--columns", "body=txt"]) == 0
    assert "1 articles" in capsys.readouterr().out
    # The index remembers the columns: an update without them still reads the table.
    path.write_text(path.read_text() + csv_text([["Pier", BODY, ""]]))
    assert main(["index", str(path), "--index-dir", str(index_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 2
    assert main(["show", "news:1", "-C", str(path), "--index-dir", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "Associated Press  (from dateline)" in out and "published" not in out  # a URL's date is not taken
    assert main(["show", "news:1", "-C", str(path), "--index-dir", str(index_dir), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["source_from"], record["published_from"]) == ("dateline", "")


def test_an_edited_metadata_table_updates_the_articles_it_describes(tmp_path: Path) -> None:
    corpus = write_files(tmp_path / "corpus", {
        "a.txt": f"Ferry resumes\n\n{BODY}", "b.txt": f"Pier inspected\n\n{BODY}",
        "metadata.csv": csv_text([["file", "source"], ["a.txt", "AFP"]])})
    with open_library(corpus, tmp_path / "index") as lib:
        lib.build()
        assert {row.id: row.source for row in lib.articles()} == {"a": "AFP", "b": ""}
        write_files(corpus, {"metadata.csv": csv_text([["file", "source"], ["a.txt", "AFP"], ["b.txt", "DW"]])})
        assert lib.changes().changed == ("metadata.csv",)
        update = lib.build()
        assert (update.articles, update.changed) == (2, 1)
        assert {row.id: row.source for row in lib.articles()} == {"a": "AFP", "b": "DW"}
        assert lib.article("b").source_from == "metadata"


def test_a_news_api_response_is_read(tmp_path: Path) -> None:
    response = {"status": "ok", "totalResults": 1, "articles": [
        {"source": {"id": "cnn", "name": "CNN"}, "author": None, "title": "Ferry", "publishedAt": "2021-03-09T10:00Z",
         "url": "https://edition.cnn.com/x", "content": BODY}]}
    write_files(tmp_path, {"everything.json": json.dumps(response)})
    [article] = read_corpus(tmp_path).articles
    assert (article.source, article.published, article.author) == ("CNN", "2021-03-09", "")


def test_jsonl_lines_find_their_fields_by_the_usual_names_too(tmp_path: Path) -> None:
    lines = [{"title": "Ferry", "text": BODY, "site": "dw.com", "date_publish": "2021-03-09 10:00:00"},
             {"id": 7, "body": f"LONDON (Reuters) - {BODY}"}]
    write_files(tmp_path, {"cc.jsonl": "\n".join(json.dumps(line) for line in lines) + "\n"})
    first, second = read_corpus(tmp_path).articles
    assert (first.id, first.source, first.published) == ("cc:1", "DW", "2021-03-09")
    assert (second.id, second.source, second.source_from, second.published) == ("7", "Reuters", "dateline", "")
