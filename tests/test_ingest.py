"""Reading corpora: every format, the seeds' metadata and dates, and bad files skipped with reasons."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from conftest import SEEDS, write_files
from index.ingest import date_in_text, read_corpus, title_of, write_sidecar_entry

SEED_IDS = [
    "000_e5d06ce29edb4d1f",
    "001_4953294115b9d26d",
    "002_d39dd3bf9bf62004",
    "003_a25ce7c72124d8bc",
    "004_e8aa0ffba7751739",
]


def test_seeds_are_the_shared_articles_byte_for_byte() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    for path in shared.glob("*.txt"):
        assert (SEEDS / path.name).read_bytes() == path.read_bytes()


def test_seed_metadata_comes_from_the_sidecar_and_the_text() -> None:
    scan = read_corpus(SEEDS)
    assert [a.id for a in scan.articles] == SEED_IDS
    assert not scan.skipped and not scan.flagged
    by_id = {a.id: a for a in scan.articles}
    assert by_id["002_d39dd3bf9bf62004"].published == "2021-08-30"
    assert by_id["003_a25ce7c72124d8bc"].published == "2021-08-31"
    assert by_id["004_e8aa0ffba7751739"].published == "2021-09-21"
    # The Korean and German reports print no date: unknown, not guessed.
    assert by_id["000_e5d06ce29edb4d1f"].published == ""
    assert by_id["001_4953294115b9d26d"].published == ""
    assert by_id["000_e5d06ce29edb4d1f"].language == "ko"
    assert by_id["004_e8aa0ffba7751739"].author == "Tyler Durden"
    # A leading date stamp is not part of the title.
    assert by_id["002_d39dd3bf9bf62004"].title.startswith("Afghanistan | ISIS attacks")


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        ("002_d39dd3bf9bf62004", "2021-08-30"),  # "date 2021-08-30"
        ("003_a25ce7c72124d8bc", "2021-08-31"),  # "August 31, 2021"
        ("004_e8aa0ffba7751739", "2021-09-21"),  # "Tue, 09/21/2021 – 12:10" in the footer
    ],
)
def test_dates_are_read_from_the_text_in_three_formats(seed: str, expected: str) -> None:
    assert date_in_text((SEEDS / f"{seed}.txt").read_text(encoding="utf-8")) == expected


def test_dates_the_story_talks_about_are_not_its_own() -> None:
    middle = "Intro line\n\n" + "words " * 300 + "on August 26, 2021 the bomb went off. " + "more " * 300
    assert date_in_text(middle) == ""
    assert date_in_text("Posted 30 August 2021\n\nText") == "2021-08-30"


def test_title_is_the_first_non_empty_line() -> None:
    assert title_of("\n\n  Kabul   airport attack \nBody") == "Kabul airport attack"


def test_every_format_is_read(tmp_path: Path) -> None:
    lines = [
        {"id": "r1", "title": "Cocoa review", "body": "Showers continued.", "source": "Reuters",
         "published": "1987-02-26T15:01:01"},
        {"id": "r2", "body": "Second line article.\nMore."},
    ]
    payload = "\n".join(json.dumps(x) for x in lines) + "\n"
    write_files(tmp_path, {
        "a.txt": "Plain title\n\nBody of a.",
        "sub/b.md": "# Markdown title\n\nBody of b.",
        "feed.jsonl": payload,
        "ignored.csv": "not an article",
    })
    (tmp_path / "gz.jsonl.gz").write_bytes(gzip.compress(payload.replace('"r', '"g').encode()))
    scan = read_corpus(tmp_path)
    ids = sorted(a.id for a in scan.articles)
    assert ids == ["a", "g1", "g2", "r1", "r2", "sub/b"]
    r1 = next(a for a in scan.articles if a.id == "r1")
    assert (r1.title, r1.source, r1.published, r1.path) == ("Cocoa review", "Reuters", "1987-02-26", "feed.jsonl:1")
    r2 = next(a for a in scan.articles if a.id == "r2")
    assert r2.title == "Second line article."


def test_bad_files_are_skipped_with_reasons_and_the_rest_indexed(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "good.txt": "Good title\n\nGood body.",
        "empty.txt": "   \n\n",
        "binary.txt": b"\x00\x01\x02PNG\x00\x00" * 20,
        "cp1252.txt": "Caf\u00e9 \u201cquoted\u201d\n\nBody".encode("cp1252"),
        "utf16.txt": "UTF-16 title\n\nBody".encode("utf-16"),
        "lines.jsonl": '{"id": "ok", "body": "fine"}\n{broken\n{"id": "nobody"}\n[1, 2]\n',
    })
    os.symlink(tmp_path / "missing.txt", tmp_path / "dangling.txt")
    locked = write_files(tmp_path, {"locked.txt": "secret"}) / "locked.txt"
    locked.chmod(0)
    try:
        scan = read_corpus(tmp_path)
    finally:
        locked.chmod(0o644)
    reasons = {(s.path, s.line): s.reason for s in scan.skipped}
    assert reasons[("empty.txt", 0)] == "empty file"
    assert reasons[("binary.txt", 0)].startswith("binary file")
    assert reasons[("dangling.txt", 0)] == "broken symlink"
    assert reasons[("lines.jsonl", 2)].startswith("invalid JSON")
    assert reasons[("lines.jsonl", 3)] == "no body"
    assert reasons[("lines.jsonl", 4)] == "not a JSON object"
    if os.geteuid() != 0:  # root reads anything
        assert reasons[("locked.txt", 0)] == "permission denied"
    ids = {a.id for a in scan.articles}
    assert {"good", "cp1252", "utf16", "ok"} <= ids
    cp = next(a for a in scan.articles if a.id == "cp1252")
    assert cp.title == "Caf\u00e9 \u201cquoted\u201d" and cp.flags == ("decoded-as:cp1252",)
    assert next(a for a in scan.articles if a.id == "utf16").title == "UTF-16 title"
    assert any(f.path == "cp1252.txt" for f in scan.flagged)


def test_front_matter_gives_the_metadata_and_is_not_the_article(tmp_path: Path) -> None:
    """A Markdown file opening with YAML front matter (a site's, or a web clipper's: its "source" is the page's
    address, its authors a list of links) or Hugo's TOML is an article of the text after it, with the title, date,
    outlet, URL and author the block gives; ``byline.toml`` still wins. A rule ("---") that never closes, or a
    block of prose, is text."""
    write_files(tmp_path, {
        "site.md": "---\ntitle: \"Quake strikes Aceh\"\ndate: 2013-07-02T07:41:00Z\npublisher: Example Times\n"
                   "tags:\n  - quake\n---\n\nA magnitude-6.1 earthquake struck Aceh on Tuesday.\n",
        "clip.md": "---\ntitle: Aceh toll rises\nsource: \"https://news.example.com/aceh\"\nauthor:\n"
                   "  - \"[[Jane Doe]]\"\n  - \"[[John Roe]]\"\npublished: 2013-07-03\n---\n"
                   "At least 24 people were killed.\n",
        "hugo.md": "+++\ntitle = \"Aftershocks\"\ndate = 2013-07-04\n+++\nAftershocks shook Aceh.\n",
        "told.md": "---\ntitle: Their title\nsource: Their Outlet\n---\nBody of told.\n",
        "rule.md": "---\nNot front matter: a rule\nand prose after it.\n",
        "prose.md": "---\nA line of prose, not a field.\n---\nMore.\n",
        "bare.md": "---\ntitle: Only metadata\n---\n\n",
    })
    write_sidecar_entry(tmp_path, "told.md", {"source": "Our Outlet"})
    scan = read_corpus(tmp_path)
    got = {a.id: a for a in scan.articles}
    site, clip, hugo, told = got["site"], got["clip"], got["hugo"], got["told"]
    assert (site.title, site.published, site.source) == ("Quake strikes Aceh", "2013-07-02", "Example Times")
    assert site.text == "A magnitude-6.1 earthquake struck Aceh on Tuesday.\n"
    assert (clip.title, clip.url, clip.author, clip.published) == (
        "Aceh toll rises", "https://news.example.com/aceh", "Jane Doe, John Roe", "2013-07-03")
    assert clip.text.startswith("At least 24")
    assert (hugo.title, hugo.published, hugo.text) == ("Aftershocks", "2013-07-04", "Aftershocks shook Aceh.\n")
    assert (told.title, told.source) == ("Their title", "Our Outlet")
    assert got["rule"].text.startswith("---\nNot front matter") and got["prose"].text.startswith("---\nA line")
    assert {(s.path, s.reason) for s in scan.skipped} == {("bare.md", "no text after its front matter")}


def test_sidecar_entries_are_written_and_read_back(tmp_path: Path) -> None:
    write_files(tmp_path, {"x.txt": "Title\n\nBody"})
    write_sidecar_entry(tmp_path, "x.txt", {"source": 'The "Daily"', "published": "2024-01-02", "bogus": "no"})
    article = read_corpus(tmp_path).articles[0]
    assert (article.source, article.published) == ('The "Daily"', "2024-01-02")


def test_control_bytes_without_nuls_are_not_an_article_but_a_few_are(tmp_path):
    write_files(tmp_path, {
        "controls.txt": bytes(range(1, 32)) * 40,
        "terminal.txt": "Escapes \x1b[31mred\x1b[0m and a bell \x07\n\nA real article with a few controls.\f",
    })
    scan = read_corpus(tmp_path)
    reasons = {s.path: s.reason for s in scan.skipped}
    assert reasons == {"controls.txt": "binary file (mostly control bytes)"}
    assert [a.title for a in scan.articles] == ["Escapes \x1b[31mred\x1b[0m and a bell \x07"]
