"""Stories: grouping articles about the same event, other coverage, who left a story out, syndicated copies.

The seeds have a known grouping: 000-003 report the Taliban's answer, in an AFP interview over the weekend of
28-29 August 2021, to the Kabul airport bombing of 26 August (IS attacks will end once US troops have left);
004 (21 September) reports the Jalalabad bombings of 18-19 September and the Taliban's denial that IS or al-Qaeda
are in the country: the same actors three weeks later, another event. So: one story of four, and a single.
002 and 003 are two outlets' rewrites of the same AFP interview, not copies of one text.

The Reuters test assembles a corpus whose grouping is known by rule (``bench.stories.EVENTS``) and prints B-cubed
precision and recall.
"""

from __future__ import annotations

import collections
import difflib
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.stories import EVENTS, event_of, reuters_sample
from bench.stories import REUTERS as SAMPLE_SOURCE
from bench.stories import bcubed as bench_bcubed
from conftest import REUTERS, SEEDS, write_files
from index import Library, open_library
from index.stories import STORIES_FILE, credit_spans, features_of, near_duplicate, shingle_sketch, story_map
from reader.cli import main

KABUL = {"000", "001", "002", "003"}


def short(ids) -> set[str]:
    return {i[:3] for i in ids}


@pytest.fixture(scope="module")
def seeds_dir(seeds_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the session's seeds index: grouping writes its cache into the index."""
    target = tmp_path_factory.mktemp("stories-seeds") / "index"
    shutil.copytree(seeds_index_dir, target)
    return target


@pytest.fixture()
def seeds(seeds_dir: Path) -> Library:
    with open_library(SEEDS, seeds_dir) as lib:
        yield lib


# --- the seeds ------------------------------------------------------------------------------------------

def test_seeds_group_into_the_kabul_story_and_the_jalalabad_single(seeds: Library) -> None:
    stories = story_map(seeds)
    groups = {frozenset(short(a.id for a in s.articles)) for s in stories.stories()}
    precision, recall = bcubed(
        {a.id[:3]: s.id for s in stories.stories() for a in s.articles},
        {"000": "kabul", "001": "kabul", "002": "kabul", "003": "kabul", "004": "jalalabad"},
    )
    print(f"\nseeds: B-cubed precision {precision:.2f} recall {recall:.2f}")
    assert groups == {frozenset(KABUL), frozenset({"004"})}
    kabul = stories.story_of("002_d39dd3bf9bf62004")
    assert not kabul.single and kabul.size == 4
    assert stories.story_of("004_e8aa0ffba7751739").single
    assert (kabul.first, kabul.last) == ("2021-08-30", "2021-08-31")  # 000 and 001 are undated
    assert len(kabul.sources) == 4
    assert kabul.copies == 0  # 002 and 003 tell the same interview in their own words
    assert "Taliban" in kabul.entities
    assert kabul.label.startswith(", ".join(kabul.entities))
    assert stories.stats["stories"] == 1 and stories.stats["singles"] == 1


def test_other_coverage_lists_the_story_best_first(seeds: Library) -> None:
    stories = story_map(seeds)
    others = stories.other_coverage("000_e5d06ce29edb4d1f")
    assert short(n.id for n in others) == {"001", "002", "003"}
    assert all(n.same_story and not n.copy and 0 < n.similarity <= 1 for n in others)
    assert [n.similarity for n in others] == sorted((n.similarity for n in others), reverse=True)
    assert stories.other_coverage("004_e8aa0ffba7751739") == []


def test_similar_reaches_beyond_the_story(seeds: Library) -> None:
    stories = story_map(seeds)
    similar = stories.similar("004_e8aa0ffba7751739")
    assert similar, "the Jalalabad report shares the Kabul story's actors"
    assert not any(n.same_story for n in similar)
    assert short(n.id for n in stories.similar("002_d39dd3bf9bf62004", limit=2)) <= KABUL
    assert len(stories.similar("002_d39dd3bf9bf62004", limit=2)) == 2


def test_who_left_the_kabul_story_out(seeds: Library) -> None:
    stories = story_map(seeds)
    kabul = stories.story_of("001_4953294115b9d26d")
    left = stories.left_out(kabul.id)
    assert [(lo.source, lo.reason) for lo in left] == [("Southfront.org", "related")]
    assert short(a.id for a in left[0].articles) == {"004"}
    jalalabad = stories.story_of("004_e8aa0ffba7751739")
    assert {lo.source for lo in stories.left_out(jalalabad.id)} == set(kabul.sources)


def test_sorting(seeds: Library) -> None:
    stories = story_map(seeds)
    assert [s.size for s in stories.stories("size")] == [4, 1]
    assert stories.stories("date")[0].articles[0].id[:3] == "004"  # newest first
    assert [len(s.sources) for s in stories.stories("sources")] == [4, 1]
    assert [s.size for s in stories.stories(singles=False)] == [4]
    with pytest.raises(ValueError):
        stories.stories("colour")


def test_grouping_is_cached_in_the_index_and_reused(seeds: Library) -> None:
    first = story_map(seeds)
    cache = seeds.generation / STORIES_FILE
    assert cache.exists()
    stamp = cache.stat().st_mtime_ns
    again = story_map(seeds)
    assert cache.stat().st_mtime_ns == stamp
    assert again.to_dict() == first.to_dict()


def test_grouping_says_how_it_gets_on_and_gives_the_same_stories(seeds: Library) -> None:
    """Grouping a large corpus the first time takes seconds: it reports each step, counting what it counts,
    and the stories are those grouped without anyone listening."""
    heard = []
    told = seeds.stories(refresh=True, progress=heard.append)
    phases = [step.phase for step in heard]
    assert [p for k, p in enumerate(phases) if k == 0 or phases[k - 1] != p] == [
        "reading articles", "comparing articles", "clustering", "naming stories", "saving"]
    reading = [step for step in heard if step.phase == "reading articles"]
    assert reading[-1].done == reading[-1].total == len(seeds.articles())
    naming = [step for step in heard if step.phase == "naming stories"]
    assert naming[-1].done == naming[-1].total >= 1
    assert _without_timings(told.to_dict()) == _without_timings(seeds.stories(refresh=True).to_dict())


def test_a_search_goes_on_while_the_stories_are_grouped(seeds: Library, monkeypatch) -> None:
    """Grouping holds the library only while it reads the index: a search from another thread (the reader's
    search box while the stories screen groups) is answered meanwhile, not after the grouping."""
    import threading

    from index.stories import cache

    grouping_started, searched = threading.Event(), threading.Event()
    real_group = cache.group

    def slow_group(*args, **kwargs):
        grouping_started.set()
        assert searched.wait(60), "the search waited for the grouping"
        return real_group(*args, **kwargs)

    monkeypatch.setattr(cache, "group", slow_group)
    grouper = threading.Thread(target=lambda: seeds.stories(refresh=True))
    grouper.start()
    try:
        assert grouping_started.wait(60)
        found = []
        searcher = threading.Thread(target=lambda: (found.append(seeds.search("kabul")), searched.set()))
        searcher.start()
        searcher.join(60)
        assert found and found[0].total >= 1, "the search did not finish while the stories were grouped"
    finally:
        searched.set()
        grouper.join(60)


# --- stable, incremental, syndicated ----------------------------------------------------------------------

def _without_timings(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data["stats"].pop("seconds", None)
    return data


def test_stories_are_stable_across_a_rebuild(seeds_copy: Path, tmp_path: Path) -> None:
    with open_library(seeds_copy, tmp_path / "index") as lib:
        lib.build()
        before = _without_timings(story_map(lib).to_dict())
        lib.build(rebuild=True)
        after = _without_timings(story_map(lib).to_dict())
    assert after == before
    assert [s["id"] for s in after["stories"]] == [s["id"] for s in before["stories"]]


def test_a_syndicated_copy_is_marked_as_a_copy_not_new_coverage(seeds_copy: Path, tmp_path: Path) -> None:
    original = (seeds_copy / "002_d39dd3bf9bf62004.txt").read_text(encoding="utf-8")
    paragraphs = original.split("\n\n")
    # Another outlet runs the same wire text a day later, under its own headline, trimmed at the end.
    copy = "\n\n".join(["Taliban: IS attacks will stop when the Americans are gone", *paragraphs[1:-2]])
    write_files(seeds_copy, {"005_syndicated.txt": copy})
    with (seeds_copy / "byline.toml").open("a", encoding="utf-8") as sidecar:
        sidecar.write('\n[files."005_syndicated.txt"]\nsource = "Belgian outlet (AFP)"\npublished = "2021-08-31"\n')
    with open_library(seeds_copy, tmp_path / "index") as lib:
        lib.build()
        stories = story_map(lib)
        story = stories.story_of("005_syndicated")
        assert short(a.id for a in story.articles) == KABUL | {"005"}
        marked = {a.id: a.copy_of for a in story.articles if a.copy_of}
        assert marked == {"005_syndicated": "002_d39dd3bf9bf62004"}  # the earlier one is the original
        assert story.copies == 1
        coverage = {n.id[:3]: n for n in stories.other_coverage("002_d39dd3bf9bf62004")}
        assert coverage["005"].copy and not coverage["003"].copy
        data = stories.to_dict()
    assert data["stories"][0]["copies"] == 1


def test_adding_articles_updates_the_stories_and_keeps_their_ids(seeds_copy: Path, tmp_path: Path) -> None:
    with open_library(seeds_copy, tmp_path / "index") as lib:
        lib.build()
        before = story_map(lib)
        kabul = before.story_of("002_d39dd3bf9bf62004").id
        write_files(seeds_copy, {"010_football.txt": (
            "Late goal sends Rovers into the cup final\n\nA header in the 89th minute from the defender "
            "Tom Ellis gave Rovers a 2-1 win over City at a packed Meadow Park on Saturday, and a first cup "
            "final in forty years. City's manager said his side had been the better team for an hour.\n")})
        lib.build()
        after = story_map(lib)
    assert after.story_of("002_d39dd3bf9bf62004").id == kabul
    assert after.story_of("010_football").single
    assert after.stats["articles"] == before.stats["articles"] + 1


# --- near-duplicates ------------------------------------------------------------------------------------

TEXT = (SEEDS / "003_a25ce7c72124d8bc.txt").read_text(encoding="utf-8")


def test_near_duplicates_copies_trims_and_rewrites() -> None:
    original = features_of("Taliban affirm", TEXT, ())
    trimmed = features_of("Another headline", TEXT[: int(len(TEXT) * 0.7)], ())
    edited = features_of("Taliban affirm", TEXT.replace("August 31, 2021", "Published Tuesday, 31 August")
                         .replace("Leave a Reply", "Read more on our website"), ())
    rewrite = features_of("x", (SEEDS / "002_d39dd3bf9bf62004.txt").read_text(encoding="utf-8"), ())
    assert near_duplicate(original, original)
    assert near_duplicate(original, trimmed) and near_duplicate(trimmed, original)
    assert near_duplicate(original, edited)
    assert not near_duplicate(original, rewrite)  # the same interview retold is not a copy


def test_sketches_do_not_depend_on_the_process() -> None:
    code = "from index.stories import shingle_sketch; import sys; print(shingle_sketch(sys.argv[1].split())[0])"
    sketches = {
        subprocess.run([sys.executable, "-c", code, TEXT], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip()
        for seed in ("1", "2")
    }
    assert sketches == {shingle_sketch(TEXT.split())[0]}


def test_photo_credits_are_found_and_ordinary_slashes_are_not() -> None:
    text = ("Senators met on Tuesday. (AP Photo/Evan Vucci)\nPhoto: John Smith/AP\nThe president spoke. "
            "Chip Somodevilla/Getty Images\nImage credit: Reuters\nThe plan (Photo by Jane Doe for The Guardian) "
            "works, via Getty Images. A 50/50 split; the Senate/House vote; the AP reported it.")
    found = [text[a:b] for a, b in credit_spans(text)]
    assert found == ["(AP Photo/Evan Vucci)", "Photo: John Smith/AP", "Chip Somodevilla/Getty Images",
                     "Image credit: Reuters", "(Photo by Jane Doe for The Guardian)", "via Getty Images"]


def test_story_labels_never_carry_photo_credits(capsys, tmp_path: Path) -> None:
    credit = "Chip Somodevilla/Getty Images"
    corpus = write_files(tmp_path / "corpus", {
        f"{name}.txt": f"{title}\n\n{body}\n\n{credit}\n\nPhoto: Evan Vucci/AP\n" for name, title, body in (
            ("a", "Strelsau market bomb kills four", "A bomb hit the central market of Strelsau, Ruritania's "
             "capital, on Monday, killing four people, police chief Rudolf Rassendyll said."),
            ("b", "Four dead in Strelsau market blast", "Four people died when a bomb exploded in the central "
             "market of Strelsau on Monday, Ruritanian police chief Rudolf Rassendyll told reporters."),
        )
    })
    status, out, _ = run(capsys, "stories", "--json", "--corpus", str(corpus), "--index-dir", str(tmp_path / "idx"))
    assert status == 0
    story = json.loads(out)["stories"][0]
    assert story["size"] == 2
    label = story["label"].casefold()
    assert "strelsau" in label
    assert not any(word in label for word in ("getty", "somodevilla", "vucci", "images", "photo"))


def test_a_label_names_each_entity_once_by_its_fullest_name() -> None:
    from index.stories.labels import _distinct_names

    names = {"PERSON:tlaib": "Tlaib", "PERSON:rashida tlaib": "Rashida Tlaib", "ORG:tlaib": "Tlaib",
             "PERSON:nancy pelosi": "Nancy Pelosi", "GPE:moscow": "Moscow",
             "FAC:trump tower moscow": "Trump Tower Moscow"}
    assert _distinct_names(["PERSON:tlaib", "PERSON:rashida tlaib", "ORG:tlaib", "PERSON:nancy pelosi"], names) == [
        "PERSON:rashida tlaib", "PERSON:nancy pelosi"]
    assert _distinct_names(["GPE:moscow", "FAC:trump tower moscow"], names) == ["FAC:trump tower moscow"]
    names = {"ORG:is": "Islamic State", "ORG:isk": "Islamic State Khorasan Province"}
    assert _distinct_names(["ORG:is", "ORG:isk"], names) == ["ORG:is", "ORG:isk"]


def test_a_label_writes_a_term_without_its_possessive() -> None:
    """A story about Mueller's report is labelled "Mueller", as its articles write the name, not "Mueller's"."""
    from index.stories.features import features_of
    from index.stories.labels import _form

    text = "Mueller’s report is out.\n\nMueller’s team said Mueller’s findings stand."
    features = features_of("Mueller’s report", text, ())
    assert features.forms.get("mueller") == "Mueller’s"  # how the text writes it, kept in the features
    assert _form("mueller", [features]) == "Mueller"


#: Three events in three weeks, told by several outlets, and an article that belongs to none.
SMALL_CORPUS = {
    "bomb-a.txt": "Strelsau market bomb kills four\n\n2021-05-03\n\nA bomb hit the central market of Strelsau, "
                  "Ruritania's capital, on Monday, killing four people, police chief Rudolf Rassendyll said.\n",
    "bomb-b.txt": "Four dead in Strelsau market blast\n\n2021-05-03\n\nFour people died when a bomb exploded in "
                  "the central market of Strelsau, Ruritanian police chief Rudolf Rassendyll told reporters.\n",
    "bomb-c.txt": "Ruritania mourns Strelsau market victims\n\n2021-05-04\n\nFlags flew at half mast in Strelsau "
                  "a day after a bomb killed four people at the central market, police chief Rassendyll said.\n",
    "vote-a.txt": "Zenda votes for a new mayor\n\n2021-05-17\n\nVoters in Zenda elected Flavia Elphberg mayor on "
                  "Sunday after a campaign dominated by the castle restoration budget.\n",
    "vote-b.txt": "Elphberg wins Zenda mayoral race\n\n2021-05-17\n\nFlavia Elphberg won the Zenda mayoral "
                  "election, promising to finish the castle restoration within its budget.\n",
    "port-a.txt": "Hentzau port strike ends\n\n2021-05-24\n\nDockers in the port of Hentzau returned to work "
                  "after a ten-day strike over wages, the harbour authority said.\n",
    "port-b.txt": "Hentzau dockers back at work\n\n2021-05-24\n\nThe strike at the port of Hentzau is over: "
                  "dockers accepted a wage offer from the harbour authority.\n",
    "fair.txt": "Cheese fair draws crowds\n\n2021-05-10\n\nThe annual cheese fair in a mountain village drew "
                "record crowds to taste goat and sheep cheeses.\n",
}


def _groups(stories) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    return {s.id: (tuple(a.id for a in s.articles), tuple(a.copy_of for a in s.articles)) for s in stories.stories()}


@pytest.mark.parametrize("change", ["edit", "add", "delete"])
def test_a_regroup_after_a_change_equals_grouping_everything(tmp_path: Path, change: str) -> None:
    corpus = write_files(tmp_path / "corpus", SMALL_CORPUS)
    with open_library(corpus, tmp_path / "idx") as lib:
        lib.build()
        before = story_map(lib)
        assert {tuple(sorted(a.id for a in s.articles)) for s in before.stories(singles=False)} == {
            ("bomb-a", "bomb-b", "bomb-c"), ("vote-a", "vote-b"), ("port-a", "port-b")}
        if change == "edit":
            path = corpus / "vote-b.txt"
            path.write_text(path.read_text(encoding="utf-8") + "\nTurnout was the highest in a decade.\n",
                            encoding="utf-8")
        elif change == "add":
            (corpus / "vote-c.txt").write_text(
                "Zenda's new mayor Flavia Elphberg sworn in\n\n2021-05-18\n\nFlavia Elphberg took office as mayor "
                "of Zenda a day after winning the election on the castle restoration budget.\n", encoding="utf-8")
        else:
            (corpus / "bomb-c.txt").unlink()
        lib.build()
        regrouped = story_map(lib)
        assert 0 < regrouped.stats["regrouped"] < regrouped.stats["articles"]
        everything = story_map(lib, refresh=True)
        assert "regrouped" not in everything.stats
        assert _groups(regrouped) == _groups(everything)
        assert [s.label for s in regrouped.stories()] == [s.label for s in everything.stories()]


#: Two look-alike events: the same city's marathon in 2019 and in 2023, told in the same words (course, crowds,
#: embankment). Only race-2023-a is dated, and its text names no year.
LOOKALIKES = {
    "race-2019-a.txt": "Strelsau marathon won by Anna Sapt\n\nAnna Sapt won the 2019 Strelsau marathon on Sunday in "
                       "heavy rain, beating Olga Detchard by a minute on the river embankment as crowds lined the "
                       "course.\n",
    "race-2019-b.txt": "Sapt wins rainy Strelsau marathon\n\nIn heavy rain, Anna Sapt beat Olga Detchard by a minute "
                       "to win the 2019 Strelsau marathon, breaking away on the river embankment.\n",
    "race-2023-a.txt": "Strelsau marathon won by Berta Tarlenheim\n\n2023-04-02\n\nBerta Tarlenheim won the "
                       "Strelsau marathon in scorching heat, outsprinting Clara Hentzau on the river embankment as "
                       "crowds lined the course.\n",
    "race-2023-b.txt": "Tarlenheim sprints to Strelsau marathon win\n\nIn scorching heat, Berta Tarlenheim "
                       "outsprinted Clara Hentzau on the river embankment to win the 2023 Strelsau marathon.\n",
}


def test_undated_look_alikes_that_name_different_years_are_two_stories(tmp_path: Path) -> None:
    """An undated article is not taken for this year's race because it reads like it: it says 2019, the other
    race's articles say (or are dated) 2023."""
    corpus = write_files(tmp_path / "corpus", LOOKALIKES)
    with open_library(corpus, tmp_path / "idx") as lib:
        lib.build()
        stories = story_map(lib, refresh=True)
    assert {tuple(sorted(a.id for a in s.articles)) for s in stories.stories()} == {
        ("race-2019-a", "race-2019-b"), ("race-2023-a", "race-2023-b")}
    assert [n.id for n in stories.other_coverage("race-2019-a")] == ["race-2019-b"]
    assert "race-2023-a" in [n.id for n in stories.similar("race-2019-a")]  # alike all the same


#: SMALL_CORPUS with a syndicated copy (port-c runs port-a's text under another title) and a single related to
#: the vote story (the castle budget, two weeks later).
PINNED_CORPUS = {
    **SMALL_CORPUS,
    "port-c.txt": "Strike over at Hentzau port\n\n2021-05-25\n\n" + SMALL_CORPUS["port-a.txt"].split("\n\n", 2)[2],
    "castle.txt": "Zenda castle restoration budget doubled\n\n2021-06-02\n\nThe council of Zenda doubled the castle "
                  "restoration budget, a week after mayor Flavia Elphberg took office.\n",
}


def _answer(stories) -> dict:
    """Everything grouping decides, as a user sees it: each story's articles (earliest first), label, copies and
    related stories, and each article's neighbours (similarity in thousandths, as cached)."""
    return {
        "stories": sorted([[a.id for a in s.articles], s.label, [a.copy_of for a in s.articles],
                           [[other.id, round(value, 3)] for other, value in stories.related(s.id)]]
                          for s in stories.stories()),
        "neighbours": {a.id: [[n.id, round(n.similarity, 3), n.copy] for n in stories.similar(a.id, 20)]
                       for s in stories.stories() for a in s.articles},
    }


def test_a_small_corpus_groups_exactly_as_it_always_has(tmp_path: Path) -> None:
    """Grouping's answer pinned, to the thousandth: a faster grouping must find the same stories, labels,
    neighbours, copies and related stories (bench/stories_same.py compares whole corpora)."""
    corpus = write_files(tmp_path / "corpus", PINNED_CORPUS)
    with open_library(corpus, tmp_path / "idx") as lib:
        lib.build()
        answer = _answer(story_map(lib, refresh=True))
    assert answer["stories"] == [
        [["bomb-a", "bomb-b", "bomb-c"], "Strelsau, Rudolf Rassendyll, Ruritania: market, bomb, central",
         ["", "", ""], []],
        [["castle"], "Zenda, Flavia Elphberg: doubled, budget, castle", [""], [["Sb84e1870", 1.401]]],
        [["fair"], "cheese, crowds, fair", [""], []],
        [["port-a", "port-b", "port-c"], "Hentzau: port, strike, Dockers", ["", "", "port-a"], []],
        [["vote-a", "vote-b"], "Zenda, Flavia Elphberg: mayoral, elected, budget", ["", ""], [["S36e473c8", 1.401]]],
    ]
    assert answer["neighbours"] == {
        "bomb-a": [["bomb-b", 0.679, False], ["bomb-c", 0.614, False]],
        "bomb-b": [["bomb-a", 0.679, False], ["bomb-c", 0.514, False]],
        "bomb-c": [["bomb-a", 0.614, False], ["bomb-b", 0.514, False]],
        "castle": [["vote-a", 0.712, False], ["vote-b", 0.688, False]],
        "fair": [],
        "port-a": [["port-c", 0.91, True], ["port-b", 0.872, False]],
        "port-b": [["port-a", 0.872, False], ["port-c", 0.856, False]],
        "port-c": [["port-a", 0.91, True], ["port-b", 0.856, False]],
        "vote-a": [["vote-b", 0.764, False], ["castle", 0.712, False]],
        "vote-b": [["vote-a", 0.764, False], ["castle", 0.688, False]],
    }


def test_the_seeds_group_exactly_as_they_always_have(seeds: Library) -> None:
    answer = _answer(story_map(seeds, refresh=True))
    kabul, jalalabad = "Sf2ec2795", "S2d78ae85"
    assert answer["stories"] == [
        [["002_d39dd3bf9bf62004", "003_a25ce7c72124d8bc", "000_e5d06ce29edb4d1f", "001_4953294115b9d26d"],
         "Islamic State, Taliban, United States: attacks, Afghanistan, Kabul", ["", "", "", ""], [[jalalabad, 1.263]]],
        [["004_e8aa0ffba7751739"], "al Qaeda, Islamic State, Taliban: string, despite, terror", [""],
         [[kabul, 1.263]]],
    ]
    assert {aid: [(other[:3], value) for other, value, _ in near] for aid, near in answer["neighbours"].items()} == {
        "000_e5d06ce29edb4d1f": [("001", 0.471), ("003", 0.446), ("002", 0.44), ("004", 0.386)],
        "001_4953294115b9d26d": [("002", 0.58), ("003", 0.564), ("000", 0.471), ("004", 0.448)],
        "002_d39dd3bf9bf62004": [("001", 0.58), ("003", 0.556), ("000", 0.44)],
        "003_a25ce7c72124d8bc": [("001", 0.564), ("002", 0.556), ("000", 0.446), ("004", 0.43)],
        "004_e8aa0ffba7751739": [("001", 0.448), ("003", 0.43), ("000", 0.386)],
    }


def test_resolving_every_mention_at_once_still_reads_a_lone_surname_per_article() -> None:
    """Grouping resolves a corpus's mentions with a memory of each span (the registry's resolver): a lone surname
    resolved once must still be whoever each article names in full."""
    from test_entities import annotations

    from index.entities import resolve_entities

    registry = resolve_entities(annotations(
        {"a1": "John Smith spoke. Smith said no.", "a2": "Jane Smith replied. Smith said yes.",
         "a3": "Smith was not reached."},
        {"a1": [("John Smith", "PERSON"), ("Smith", "PERSON")], "a2": [("Jane Smith", "PERSON"), ("Smith", "PERSON")],
         "a3": [("Smith", "PERSON")]},
    ))
    resolve = registry.resolver()
    spans = [("Smith", "PERSON", None), ("Smith", "PERSON", "a1"), ("Smith", "PERSON", "a2"), ("Smith", "PERSON", "a3"),
             ("John Smith", "PERSON", "a2"), ("smith", "PERSON", "a1"), ("1987", "DATE", "a1"), ("Nobody", "ORG", "a1")]
    for text, label, article in spans + spans:
        assert resolve(text, label, article) == registry.canonical(text, label, article)
    assert resolve("Smith", "PERSON", "a1")[1] == "John Smith" and resolve("Smith", "PERSON", "a2")[1] == "Jane Smith"


def test_rows_are_ordered_as_a_stable_lexicographic_sort_orders_them() -> None:
    import numpy as np

    from index.stories.similarity import descending_ranks, sort_order

    rng = np.random.default_rng(7)
    for size in (1, 2, 10, 500):
        story = rng.integers(0, 4, size)
        weight = rng.integers(0, 5, size) / 4  # many ties
        other = rng.permutation(size)
        assert sort_order(story).tolist() == np.argsort(story, kind="stable").tolist()
        assert sort_order(story, descending_ranks(weight)).tolist() == np.lexsort((-weight, story)).tolist()
        assert (sort_order(story, descending_ranks(weight), other, distinct=True).tolist()
                == np.lexsort((other, -weight, story)).tolist())
    huge = np.array([1 << 62, 3, 1 << 62, 0, 3])  # one number per row would not fit in 64 bits
    assert sort_order(huge).tolist() == [3, 1, 4, 0, 2]
    assert sort_order(np.zeros(0, dtype=np.int64)).tolist() == []


def _textbook_average_linkage(n: int, edges: dict[tuple[int, int], float], threshold: float) -> list[int]:
    """Average linkage as defined: merge the two groups of highest mean similarity (missing pairs 0; ties to the
    smallest names) while it is at least ``threshold``; each item's group named by its smallest member."""
    groups = {i: [i] for i in range(n)}
    while True:
        best = None
        for a in sorted(groups):
            for b in sorted(groups):
                if a < b:
                    total = sum(edges.get((min(x, y), max(x, y)), 0.0) for x in groups[a] for y in groups[b])
                    mean = total / (len(groups[a]) * len(groups[b]))
                    if mean >= threshold and (best is None or (-mean, a, b) < best):
                        best = (-mean, a, b)
        if best is None:
            break
        _, a, b = best
        groups[a] += groups.pop(b)
    return [next(name for name, members in groups.items() if i in members) for i in range(n)]


def test_clustering_is_average_linkage_as_defined() -> None:
    """Clustering leaves out the edges no merge can use (between components of the edges at the threshold): the
    groups are still those of the textbook procedure, on graphs with ties, chains and weak links between them."""
    import random

    import numpy as np

    from index.stories.grouping import _average_linkage

    rng = random.Random(3)
    for _ in range(200):
        n = rng.randint(1, 9)
        pairs = [(a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < 0.5]
        # Sums of these are exact, so a mean at the threshold is at it whatever the order of the sum.
        edges = {pair: rng.choice((0.0625, 0.125, 0.1875, 0.25, 0.375, 0.5, 0.875)) for pair in pairs}
        first = np.asarray([a for a, _ in pairs], dtype=np.int64)
        second = np.asarray([b for _, b in pairs], dtype=np.int64)
        weights = np.asarray([edges[pair] for pair in pairs], dtype=np.float64)
        assert _average_linkage(n, first, second, weights, 0.25) == _textbook_average_linkage(n, edges, 0.25)


# --- the command line -----------------------------------------------------------------------------------

def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_stories_json(capsys, seeds_dir: Path) -> None:
    status, out, _ = run(capsys, "stories", "--json", "--index-dir", str(seeds_dir))
    assert status == 0
    data = json.loads(out)
    assert [short(a["id"] for a in s["articles"]) for s in data["stories"]] == [KABUL]
    assert short(a["id"] for a in data["singles"]) == {"004"}
    story = data["stories"][0]
    assert {"id", "label", "entities", "terms", "first", "last", "size", "copies", "sources", "left_out",
            "timeline"} <= set(story)
    # When each outlet ran it, the first first, the others with how many days later; the two seeds that print
    # no date (and whose sidecar gives none) are undated, not guessed.
    assert story["timeline"] == [
        {"source": "French outlet (AFP)", "first": "2021-08-30", "after_days": 0, "published": ["2021-08-30"],
         "undated": 0},
        {"source": "English outlet (AFP)", "first": "2021-08-31", "after_days": 1, "published": ["2021-08-31"],
         "undated": 0},
        {"source": "German outlet", "first": "", "after_days": None, "published": [], "undated": 1},
        {"source": "Korean outlet", "first": "", "after_days": None, "published": [], "undated": 1},
    ]
    assert story["left_out"] == [{"source": "Southfront.org", "reason": "related",
                                  "articles": [data["singles"][0]]}]
    assert data["stats"]["articles"] == 5


def test_cli_stories_text_and_one_story(capsys, seeds_dir: Path) -> None:
    status, out, _ = run(capsys, "stories", "--index-dir", str(seeds_dir))
    assert status == 0
    assert out.splitlines()[0] == "1 story and 1 single in 5 articles"
    assert "4 articles, 4 sources" in out and "left out by: Southfront.org" in out and "singles (1):" in out
    assert ("  timeline: French outlet (AFP) 2021-08-30 (first), English outlet (AFP) +1d, German outlet undated, "
            "Korean outlet undated") in out
    story_id = json.loads(run(capsys, "stories", "--json", "--index-dir", str(seeds_dir))[1])["stories"][0]["id"]
    status, out, _ = run(capsys, "stories", "--story", story_id[:4], "--json", "--index-dir", str(seeds_dir))
    assert status == 0 and json.loads(out)["id"] == story_id
    status, out, err = run(capsys, "stories", "--story", "nope", "--index-dir", str(seeds_dir))
    assert status == 2 and err.startswith("byline: no story 'nope'")


def test_cli_similar(capsys, seeds_dir: Path) -> None:
    status, out, _ = run(capsys, "similar", "004", "--json", "--index-dir", str(seeds_dir))
    assert status == 0
    data = json.loads(out)
    assert data["id"] == "004_e8aa0ffba7751739" and data["similar"]
    assert all(not n["same_story"] and 0 < n["similarity"] <= 1 for n in data["similar"])
    status, out, _ = run(capsys, "similar", "002", "--limit", "1", "--index-dir", str(seeds_dir))
    assert status == 0 and "[same story]" in out and len(out.strip().splitlines()) == 3
    status, _, err = run(capsys, "similar", "9", "--index-dir", str(seeds_dir))
    assert status == 2 and "no article" in err


def test_cli_text_neutralises_hostile_titles(capsys, tmp_path: Path) -> None:
    corpus = write_files(tmp_path / "corpus", {
        "a.txt": "Bomb \x1b[2J hits \x1b]0;pwned\x07 market [bold]x[/]\n\nA bomb hit the central market of "
                 "Ruritania's capital Strelsau on Monday, killing four, police in Strelsau said.\n",
        "b.txt": "Strelsau market bomb kills four\n\nFour people died when a bomb hit the central market of "
                 "Strelsau, Ruritania's capital, on Monday, police said.\n",
    })
    status, out, _ = run(capsys, "stories", "--corpus", str(corpus), "--index-dir", str(tmp_path / "idx"))
    assert status == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "[bold]x[/]" in out


# --- Reuters: a corpus with a grouping known by rule -------------------------------------------------------

def bcubed(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float]:
    """B-cubed precision and recall of ``predicted`` clusters against ``truth`` over truth's items."""
    precision, recall, _ = bench_bcubed(predicted, truth)
    return precision, recall


@pytest.fixture(scope="module")
def reuters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, dict[str, str], list[tuple[str, str]]]:
    """A few hundred Reuters articles (written to a temporary file, read in place from the shared corpus),
    indexed; with their true grouping and the duplicate pairs."""
    if not SAMPLE_SOURCE.exists():
        pytest.skip(f"the Reuters corpus is not at {SAMPLE_SOURCE} (set $BYLINE_REUTERS)")
    folder = tmp_path_factory.mktemp("reuters")
    corpus, truth, pairs, bodies = reuters_sample(folder)
    lib = open_library(corpus, folder / "index")
    lib.build()
    yield lib, truth, pairs, bodies
    lib.close()


@pytest.mark.reuters
def test_reuters_grouping_quality(reuters, capsys) -> None:
    lib, truth, _, _ = reuters
    stories = story_map(lib, refresh=True)
    predicted = {a.id: s.id for s in stories.stories() for a in s.articles}
    precision, recall = bcubed(predicted, truth)
    events = {aid: name for aid, name in truth.items() if not name.startswith(("alone:", "copies:"))}
    event_precision, event_recall = bcubed(predicted, events)
    with capsys.disabled():
        print(f"\nReuters sample, {len(truth)} articles in {len(set(truth.values()))} true groups "
              f"({len(set(events.values()))} events, {len(events)} articles): {stories.stats['stories']} stories, "
              f"{stories.stats['singles']} singles")
        print(f"  B-cubed, all articles:   precision {precision:.3f}  recall {recall:.3f}")
        print(f"  B-cubed, event articles: precision {event_precision:.3f}  recall {event_recall:.3f}"
              "  (precision counts any other article grouped with an event's)")
    # Measured when written: 0.945 / 0.864 and 1.000 / 0.567; with the lead weighed as the title and a threshold
    # of 0.2, 0.905 / 0.918 and 1.000 / 0.738 (the events are week-long takeover battles; a story is an episode of
    # a few days, so a battle is told as two or three stories).
    assert precision >= 0.9 and recall >= 0.8
    assert event_precision >= 0.97 and event_recall >= 0.5


@pytest.mark.reuters
def test_reuters_duplicates_are_copies_and_copies_are_duplicates(reuters) -> None:
    lib, _, pairs, bodies = reuters
    stories = story_map(lib)
    for first, second in pairs:
        story = stories.story_of(first)
        assert stories.story_of(second).id == story.id
        marks = {a.id: a.copy_of for a in story.articles}
        assert (marks[first], marks[second]) in {(second, ""), ("", first)}
    for story in stories.stories(singles=False):
        for article in story.articles:
            if article.copy_of:
                ratio = difflib.SequenceMatcher(None, bodies[article.id], bodies[article.copy_of]).ratio()
                assert ratio > 0.8, (article.id, article.copy_of, ratio)


# --- the reader -----------------------------------------------------------------------------------------

async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _options(screen, selector: str) -> list[str]:
    from textual.widgets import OptionList

    listing = screen.query_one(selector, OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def test_stories_screen_lists_stories_and_their_articles(seeds: Library) -> None:
    from textual.widgets import Static

    from reader.app import BylineApp
    from reader.screens.article import ArticleScreen
    from reader.screens.stories import StoriesScreen

    app = BylineApp(seeds)
    async with app.run_test(size=(120, 32)) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+t")
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        stories = _options(screen, "#story-list")
        assert len(stories) == 1 and stories[0].startswith("  4 · 4 sources · 2021-08-30..08-31 · ")
        assert "Taliban" in stories[0]
        summary = str(screen.query_one("#story-summary", Static).render())
        assert "Left out by: Southfront.org (covered related stories)" in summary
        articles = _options(screen, "#story-articles")
        assert [line.split(" · ")[1] for line in articles] == [
            "French outlet (AFP)", "English outlet (AFP)", "Korean outlet", "German outlet"]
        await pilot.press("u")  # singles too
        assert len(_options(screen, "#story-list")) == 2
        await pilot.press("s")  # by date: the newest (the Jalalabad single) first
        assert screen.sort == "date" and _options(screen, "#story-list")[0].startswith("  1 · 1 source · 2021-09-21")
        await pilot.press("s", "s")  # back to size
        await pilot.press("enter")  # to the story's articles
        await pilot.press("j", "enter")  # open the second one
        await _settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and app.screen.article_id == "003_a25ce7c72124d8bc"


async def test_stories_screen_says_how_grouping_gets_on(seeds: Library, monkeypatch) -> None:
    """While the corpus is grouped (seconds, the first time on a large one) the screen says which step runs."""
    import threading

    from textual.widgets import Static

    from index import BuildProgress
    from reader.app import BylineApp
    from reader.screens.stories import StoriesScreen

    release = threading.Event()
    real_stories = seeds.stories

    def slow_stories(*, refresh=False, progress=None):
        if progress is not None:
            progress(BuildProgress("naming stories", 1_500, 3_971))
        assert release.wait(30)
        return real_stories(refresh=refresh, progress=progress)

    monkeypatch.setattr(seeds, "stories", slow_stories)
    app = BylineApp(seeds)
    async with app.run_test(size=(120, 32)) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+t")
        status = ""
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, StoriesScreen):
                status = str(app.screen.query_one("#stories-status", Static).render())
                if "naming" in status:
                    break
        assert status == "Grouping the corpus into stories · naming stories 1,500 of 3,971…"
        release.set()
        await _settle(pilot)
        assert _options(app.screen, "#story-list")


async def _to_stories(app, pilot) -> list[tuple[str, str]]:
    """Open the stories screen; the comparisons asked for from then on, instead of their screens."""
    calls: list[tuple[str, str]] = []
    await _settle(pilot)
    await pilot.press("ctrl+t")
    await _settle(pilot)
    app.action_compare = lambda a, b: calls.append((a, b))
    return calls


async def test_marking_and_comparing_from_a_story(seeds: Library) -> None:
    from reader.app import BylineApp

    app = BylineApp(seeds)
    async with app.run_test(size=(120, 32)) as pilot:
        calls = await _to_stories(app, pilot)
        await pilot.press("enter", "space", "j", "c")
        assert calls == [("002_d39dd3bf9bf62004", "003_a25ce7c72124d8bc")]
        assert _options(app.screen, "#story-articles")[0].startswith("● ")


async def test_c_on_a_story_compares_two_of_its_sources(seeds: Library) -> None:
    from reader.app import BylineApp

    app = BylineApp(seeds)
    async with app.run_test(size=(120, 32)) as pilot:
        calls = await _to_stories(app, pilot)
        story = app.screen._current
        assert story.size >= 2
        await pilot.press("c")  # the story list has the focus and nothing is marked
        (pair,) = calls
        first, other = (next(x for x in story.articles if x.id == i) for i in pair)
        assert first.id == story.articles[0].id and first.source != other.source
        assert not app.marks


async def test_other_coverage_from_an_article_then_compare(seeds: Library) -> None:
    from reader.app import BylineApp
    from reader.screens.stories import OtherCoverageScreen

    app = BylineApp(seeds)
    calls: list[tuple[str, str]] = []
    async with app.run_test(size=(120, 32)) as pilot:
        await _settle(pilot)
        app.open_article("000_e5d06ce29edb4d1f")
        await _settle(pilot)
        await pilot.press("o")
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, OtherCoverageScreen)
        shown = _options(screen, "#coverage-list")
        assert len(shown) == 3
        assert all(line.strip()[0].isdigit() and "%" in line for line in shown)
        assert {line.split(" · ")[1] for line in shown} == {"German outlet", "French outlet (AFP)",
                                                             "English outlet (AFP)"}
        best = screen.coverage[0].id
        app.action_compare = lambda a, b: calls.append((a, b))
        await pilot.press("enter")
        await _settle(pilot)
        assert calls == [("000_e5d06ce29edb4d1f", best)]
        assert not isinstance(app.screen, OtherCoverageScreen)


async def test_other_coverage_of_a_single_says_so(seeds: Library) -> None:
    from textual.widgets import Static

    from reader.app import BylineApp

    app = BylineApp(seeds)
    async with app.run_test(size=(120, 32)) as pilot:
        await _settle(pilot)
        app.open_article("004_e8aa0ffba7751739")
        await _settle(pilot)
        await pilot.press("o")
        await _settle(pilot)
        summary = str(app.screen.query_one("#coverage-summary", Static).render())
        assert "No other article in the corpus tells this story." in summary
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "ArticleScreen"


async def test_stories_screen_shows_hostile_titles_literally(tmp_path: Path) -> None:
    from reader.app import BylineApp

    corpus = write_files(tmp_path / "corpus", {
        "a.txt": "Bomb [bold]hits[/] \x1b[2J market\n\nA bomb hit the central market of Strelsau, the capital of "
                 "Ruritania, on Monday, killing four people, police in Strelsau said.\n",
        "b.txt": "Strelsau [@click=app.quit]market[/] bomb kills four\n\nFour people died when a bomb hit the "
                 "central market of Strelsau, Ruritania's capital, on Monday, police said.\n",
    })
    with open_library(corpus, tmp_path / "index") as lib:
        lib.build()
        app = BylineApp(lib)
        async with app.run_test(size=(120, 32)) as pilot:
            await _settle(pilot)
            await pilot.press("ctrl+t")
            await _settle(pilot)
            articles = " ".join(_options(app.screen, "#story-articles"))
            assert "[bold]hits[/]" in articles and "[@click=app.quit]market[/]" in articles
            assert "\x1b" not in articles
            assert app.is_running


# --- Reuters: the whole corpus (on request) ---------------------------------------------------------------

def _shingles(text: str) -> set[str]:
    from index.analysis import TOKEN_PATTERN

    words = [w.casefold() for w in TOKEN_PATTERN.findall(text)]
    return {" ".join(words[i : i + 4]) for i in range(max(1, len(words) - 3))}


@pytest.mark.reuters
def test_reuters_whole_corpus_figures(capsys) -> None:
    """Grouping time and quality on all 19,043 articles, given an index of them (``byline index
    .../reuters21578.jsonl.gz --index-dir DIR``; minutes of spaCy) in $BYLINE_REUTERS_INDEX."""
    import time

    from index.stories import cache as stories_cache

    index_dir = os.environ.get("BYLINE_REUTERS_INDEX", "")
    if not REUTERS.exists() or not index_dir:
        pytest.skip("set BYLINE_REUTERS_INDEX to an index of the Reuters corpus to measure the whole corpus")
    with gzip.open(REUTERS, "rt", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in map(json.loads, handle)}
    with open_library(REUTERS, index_dir) as lib:
        cpu, wall = time.process_time(), time.perf_counter()
        stories = story_map(lib, refresh=True)
        grouped = (time.process_time() - cpu, time.perf_counter() - wall)
        stories_cache._LAST.clear()
        cpu, wall = time.process_time(), time.perf_counter()
        story_map(lib)
        cached = (time.process_time() - cpu, time.perf_counter() - wall)
    predicted = {a.id: s.id for s in stories.stories() for a in s.articles}
    events = {aid: name for aid, row in rows.items() if (name := event_of(row))}
    precision, recall = bcubed(predicted, events)
    # An unlabelled story-mate that names the event (an article about Cyclops whose headline does not) is right.
    names = {name: words for name, words, *_ in EVENTS}
    members: dict[str, list[str]] = collections.defaultdict(list)
    for aid, story in predicted.items():
        members[story].append(aid)
    named = sum(
        sum(1 for other in members[predicted[aid]] if events.get(other) == name or (
            other not in events and any(w in (rows[other]["title"] + rows[other]["body"]).upper()
                                        for w in names[name])))
        / len(members[predicted[aid]])
        for aid, name in events.items()
    ) / len(events)
    by_text: dict[str, list[str]] = collections.defaultdict(list)
    for aid, row in rows.items():
        by_text[row["body"]].append(aid)
    duplicates = [ids for ids in by_text.values() if len(ids) > 1]
    copy_of = {a.id: a.copy_of for s in stories.stories(singles=False) for a in s.articles}
    together = sum(1 for ids in duplicates if len({predicted[i] for i in ids}) == 1)
    marked = sum(1 for ids in duplicates if sum(1 for i in ids if copy_of.get(i)) == len(ids) - 1)
    copies = [(a, b) for a, b in copy_of.items() if b]
    overlapping = 0
    for a, b in copies:
        first, second = _shingles(rows[a]["body"]), _shingles(rows[b]["body"])
        shared = len(first & second)
        overlapping += shared / len(first | second) >= 0.5 or shared / min(len(first), len(second)) >= 0.8
    stats = stories.stats
    with capsys.disabled():
        print(f"\nReuters, {stats['articles']:,} articles: {stats['stories']:,} stories, {stats['singles']:,} singles, "
              f"largest {stats['largest']}; {stats['pairs']:,} pairs compared, {stats['edges']:,} kept")
        print(f"  grouping {grouped[1]:.1f} s ({grouped[0]:.1f} s CPU; group() alone {stats['seconds']}); "
              f"the cached map read back in {cached[1]:.2f} s")
        print(f"  events ({len(events)} articles, {len(set(events.values()))} events): B-cubed precision "
              f"{precision:.3f} (any other story-mate wrong), {named:.3f} (story-mates naming the event right), "
              f"recall {recall:.3f}")
        print(f"  identical texts: {len(duplicates)} groups, {together} in one story, {marked} with all but one "
              f"marked as copies; {len(copies)} copies marked, {overlapping} of them share >= 50 % of their "
              "4-word shingles or >= 80 % of the shorter text's")
    assert named >= 0.9 and recall >= 0.55
    assert together >= 0.95 * len(duplicates) and marked >= 0.95 * len(duplicates)
    assert overlapping >= 0.95 * len(copies)
