"""Stories: how well grouping finds the events of corpora whose grouping is known, as B-cubed precision, recall
and F1, and how long a regroup takes after one article changes.

Corpora (each skipped, with the reason, when absent):

- **BASIL** (``../shared/corpora/basil.jsonl.gz``): 100 events, each told by The New York Times, Fox News and
  HuffPost; an article's ``story`` field is its event. The events are split once, by a hash of the event id
  (:func:`basil_half`: the first hex digit of ``sha1("byline-basil-split/" + event)``, 0-7 dev, 8-f test),
  decided before any tuning: thresholds are tuned on the dev half and the test half is only measured. The
  whole corpus is grouped together (as a user would); each half's figures average over its own articles, and
  an article's precision counts every article grouped with it, from either half.
- **The Reuters sample** the tests use (:func:`reuters_sample`): eight takeover battles and a commodity
  negotiation known by rule, distractors from the same weeks, and pairs of texts Reuters ran twice.
- **The seeds**: four articles about the Taliban's answer to the Kabul bombing, and one three weeks later.

And the first grouping of the corpus the bench runs on (``--corpus``): everything grouped afresh in a process of
its own, as a user's first ``byline stories`` or stories screen does, with its wall and CPU time and its phases
(:mod:`bench.stories_same`).

Indexes are built once under the scratch folder and reused (spaCy over BASIL's 192k words takes half a minute;
an unchanged corpus is not read again), then grouped afresh each run (``refresh``), since grouping is what is
measured.
"""

from __future__ import annotations

import collections
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from index import bundled_corpus, open_library

from .corpora import BENCH_DIR, REUTERS, Unmeasurable
from .report import Report

BASIL = Path(os.environ.get("BYLINE_BASIL", Path(__file__).resolve().parents[2] / "shared" / "corpora"
                            / "basil.jsonl.gz"))
#: The seeds' known grouping (see tests/test_stories.py): 000-003 one story, 004 another.
SEEDS_TRUTH = {"000": "kabul", "001": "kabul", "002": "kabul", "003": "kabul", "004": "jalalabad"}


# --- the metric ------------------------------------------------------------------------------------------

def bcubed(predicted: Mapping[str, str], truth: Mapping[str, str],
           over: set[str] | None = None) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``predicted`` clusters against ``truth``, averaged over the items
    of ``over`` (default: every item of ``truth``). An item's precision is the share of its predicted cluster
    (all of it, whatever ``over`` holds) in its true cluster; its recall the share of its true cluster in its
    predicted one."""
    members_p: dict[str, set[str]] = collections.defaultdict(set)
    members_t: dict[str, set[str]] = collections.defaultdict(set)
    for item, cluster in predicted.items():
        if item in truth:
            members_p[cluster].add(item)
    for item, cluster in truth.items():
        members_t[cluster].add(item)
    items = sorted(over if over is not None else truth)
    if not items:
        return 0.0, 0.0, 0.0
    precision = recall = 0.0
    for item in items:
        mine = members_p[predicted[item]] if item in predicted else {item}
        right = members_t[truth[item]]
        precision += len(mine & right) / len(mine)
        recall += len(mine & right) / len(right)
    precision, recall = precision / len(items), recall / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def grouping_of(stories) -> dict[str, str]:
    """Article id -> story id, singles included."""
    return {a.id: s.id for s in stories.stories() for a in s.articles}


# --- BASIL -----------------------------------------------------------------------------------------------

def basil_half(event: str) -> str:
    """``"dev"`` or ``"test"``: the fixed half of an event (see the module's docstring)."""
    digit = hashlib.sha1(f"byline-basil-split/{event}".encode()).hexdigest()[0]
    return "dev" if digit in "01234567" else "test"


def basil_rows() -> list[dict]:
    if not BASIL.is_file():
        raise Unmeasurable(f"BASIL is not at {BASIL} (set $BYLINE_BASIL)")
    with gzip.open(BASIL, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def basil_library():
    """The BASIL index (built once under the scratch folder; later runs find it up to date)."""
    library = open_library(BASIL, BENCH_DIR / "indexes" / "basil")
    library.build(jobs=min(2, os.cpu_count() or 1))
    return library


def measure_basil() -> dict[str, dict[str, float]]:
    """B-cubed figures on BASIL's dev and test halves and on the whole corpus, with singles counted."""
    from index.stories import story_map

    rows = basil_rows()
    truth = {row["id"]: row["story"] for row in rows}
    halves: dict[str, set[str]] = collections.defaultdict(set)
    for row in rows:
        halves[basil_half(row["story"])].add(row["id"])
    with basil_library() as library:
        stories = story_map(library, refresh=True)
        predicted = grouping_of(stories)
    sizes = collections.Counter(predicted.values())
    out: dict[str, dict[str, float]] = {}
    for name, over in (("dev", halves["dev"]), ("test", halves["test"]), ("all", set(truth))):
        precision, recall, f1 = bcubed(predicted, truth, over)
        singles = sum(1 for aid in over if sizes[predicted[aid]] == 1)
        out[name] = {"articles": len(over), "events": len({truth[a] for a in over}), "precision": round(precision, 4),
                     "recall": round(recall, 4), "f1": round(f1, 4), "singles": singles}
    out["all"]["seconds"] = stories.stats.get("seconds", {}).get("total", 0.0)
    return out


# --- the Reuters sample ----------------------------------------------------------------------------------

#: Takeover battles and a commodity negotiation, each in the days it ran: an article belongs to one when its
#: headline names it, its Reuters topic is the event's and it was published in those days.
EVENTS = (
    ("cyclops", ("CYCLOPS", "DIXONS"), "acq", "1987-03-18", "1987-03-25"),
    ("gencorp", ("GENCORP",), "acq", "1987-03-18", "1987-03-25"),
    ("purolator", ("PUROLATOR",), "acq", "1987-03-31", "1987-04-09"),
    ("taft", ("TAFT",), "acq", "1987-03-06", "1987-03-17"),
    ("caesars", ("CAESARS", "SOSNOFF"), "acq", "1987-03-09", "1987-03-16"),
    ("borg-warner", ("BORG-WARNER",), "acq", "1987-03-31", "1987-04-13"),
    ("cocoa-buffer", ("BUFFER",), "cocoa", "1987-03-16", "1987-03-27"),
    ("usair-twa", ("USAIR", "PIEDMONT"), "acq", "1987-03-04", "1987-03-09"),
)
#: One in DISTRACTOR_STRIDE of the other articles of those weeks that never name an event: each its own story.
DISTRACTOR_STRIDE = 70
#: Pairs of identical texts (Reuters ran some stories twice): each pair is one story, one a copy of the other.
DUPLICATE_PAIRS = 6


def event_of(row: Mapping) -> str | None:
    """The EVENTS name of a Reuters row, if it belongs to one."""
    day = row["published"][:10]
    for name, words, topic, first, last in EVENTS:
        if topic in row["topics"] and first <= day <= last and any(w in row["title"] for w in words):
            return name
    return None


def reuters_sample(folder: Path) -> tuple[Path, dict[str, str], list[tuple[str, str]], dict[str, str]]:
    """Write the Reuters sample to ``folder/sample.jsonl``: the file, the true grouping (``alone:<id>`` for a
    distractor, ``copies:<id>`` for a pair of copies), the pairs of copies, and every article's body."""
    if not REUTERS.is_file():
        raise Unmeasurable(f"the Reuters corpus is not at {REUTERS}")
    with gzip.open(REUTERS, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    words = [w for _, names, *_ in EVENTS for w in names]
    events = [r for r in rows if event_of(r)]
    others = [r for r in rows if "1987-03-02" <= r["published"][:10] <= "1987-04-13" and not event_of(r)
              and not any(w in (r["title"] + " " + r["body"]).upper() for w in words)]
    by_text: dict[str, list[dict]] = collections.defaultdict(list)
    for row in others:
        by_text[row["body"]].append(row)
    pairs = [group for _, group in sorted(by_text.items(), key=lambda kv: kv[1][0]["id"]) if len(group) == 2]
    pairs = pairs[:DUPLICATE_PAIRS]
    chosen = {r["id"]: r for r in [*events, *others[::DISTRACTOR_STRIDE], *(r for p in pairs for r in p)]}
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "sample.jsonl"
    text = "".join(json.dumps({k: row[k] for k in ("id", "title", "source", "published", "body")}) + "\n"
                   for row in sorted(chosen.values(), key=lambda r: r["id"]))
    if not corpus.is_file() or corpus.read_text(encoding="utf-8") != text:
        corpus.write_text(text, encoding="utf-8")
    truth = {aid: event_of(row) or f"alone:{aid}" for aid, row in chosen.items()}
    for first, second in pairs:
        truth[first["id"]] = truth[second["id"]] = f"copies:{first['id']}"
    return corpus, truth, [(a["id"], b["id"]) for a, b in pairs], {aid: row["body"] for aid, row in chosen.items()}


def measure_reuters(report: Report) -> None:
    from index.stories import story_map

    corpus, truth, _, _ = reuters_sample(BENCH_DIR / "corpora" / "reuters-stories")
    with open_library(corpus, BENCH_DIR / "indexes" / "reuters-stories") as library:
        library.build(jobs=min(2, os.cpu_count() or 1))
        stories = story_map(library, refresh=True)
        predicted = grouping_of(stories)
        precision, recall, f1 = bcubed(predicted, truth)
        events = {aid: name for aid, name in truth.items() if not name.startswith(("alone:", "copies:"))}
        _, event_recall, _ = bcubed(predicted, events)
        data = report.data.setdefault("stories", {})
        data["reuters"] = {"articles": len(truth), "precision": round(precision, 4), "recall": round(recall, 4),
                           "f1": round(f1, 4), "event_recall": round(event_recall, 4)}
        report.add("stories", f"Reuters sample ({len(truth)} articles), B-cubed P / R / F1",
                   f"{precision:.3f} / {recall:.3f} / {f1:.3f}",
                   versus=f"recall within the {len(set(events.values()))} events {event_recall:.3f}")
    corpus = reuters_slice(BENCH_DIR / "corpora" / "reuters-stories", REGROUP_ARTICLES)
    with open_library(corpus, BENCH_DIR / "indexes" / f"reuters-{REGROUP_ARTICLES}") as library:
        library.build(jobs=min(2, os.cpu_count() or 1))
        regroup(report, library, corpus)


#: Articles of the corpus the regroup is timed on: the first of Reuters (by id), enough for grouping everything
#: to cost what it does on a real corpus, few enough to index in a minute.
REGROUP_ARTICLES = 3000


def reuters_slice(folder: Path, count: int) -> Path:
    """The first ``count`` Reuters articles as a ``.jsonl`` file in ``folder`` (written once)."""
    corpus = folder / f"first-{count}.jsonl"
    if corpus.is_file():
        return corpus
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(REUTERS, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle][:count]
    corpus.write_text("".join(json.dumps({k: row[k] for k in ("id", "title", "source", "published", "body")}) + "\n"
                              for row in rows), encoding="utf-8")
    return corpus


def regroup(report: Report, library, corpus: Path) -> None:
    """A regroup after one article's text changes, on a copy of ``corpus`` and its index: only what the change
    touches, against grouping everything."""
    from index.stories import STORIES_FILE, cache, story_map

    work = BENCH_DIR / "work" / "stories-regroup"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(library.index_dir, work / "index")
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    row = json.loads(lines[len(lines) // 2])
    row["body"] += "\n\nThe company declined to comment on the offer on Friday.\n"
    lines[len(lines) // 2] = json.dumps(row) + "\n"
    (work / corpus.name).write_text("".join(lines), encoding="utf-8")
    with open_library(work / corpus.name, work / "index") as copy:
        story_map(copy)  # the map of the index as it was
        copy.build()
        before = (copy.generation / STORIES_FILE).read_bytes()
        started = time.perf_counter()  # everything, first (warming what both share)
        story_map(copy, refresh=True)
        whole = time.perf_counter() - started
        (copy.generation / STORIES_FILE).write_bytes(before)  # back to the map of the index before the edit
        cache._LAST.clear()
        started = time.perf_counter()
        incremental = story_map(copy)
        quick = time.perf_counter() - started
    data = report.data.setdefault("stories", {})
    data["regroup"] = {"incremental_seconds": round(quick, 4), "full_seconds": round(whole, 4),
                       "regrouped": incremental.stats.get("regrouped", incremental.stats.get("articles"))}
    report.add("stories", f"regroup after one article edited (first {REGROUP_ARTICLES:,} of Reuters)",
               f"{quick * 1000:.0f} ms",
               versus=f"grouping everything {whole * 1000:.0f} ms; regrouped "
                      f"{data['regroup']['regrouped']} of {incremental.stats.get('articles')} articles")
    shutil.rmtree(work, ignore_errors=True)


# --- the first grouping of the bench's corpus ------------------------------------------------------------

def first_grouping(report: Report, corpus) -> None:
    """Group ``corpus`` (a :class:`bench.corpora.Corpus`, indexed) afresh in a new process, ignoring every cache:
    what a user waits for the first time the stories are asked for."""
    work = BENCH_DIR / "work" / "stories-first"
    work.mkdir(parents=True, exist_ok=True)
    script = Path(__file__).with_name("stories_same.py")
    done = subprocess.run([sys.executable, str(script), "dump", str(corpus.path), str(corpus.index_dir),
                           str(work / "answer.json")], capture_output=True, text=True, check=False)
    (work / "answer.json").unlink(missing_ok=True)  # words of the articles: not kept
    if done.returncode != 0:
        raise RuntimeError(f"grouping failed: {done.stderr.strip().splitlines()[-1:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    report.data.setdefault("stories", {})["first_grouping"] = figures
    phases = ", ".join(f"{name} {seconds:.2f}" for name, seconds in figures["phases"].items())
    report.add("stories", f"first grouping into stories ({figures['articles']:,} articles, {figures['stories']:,} "
                          "stories), a process of its own",
               f"{figures['wall']:.2f} s (CPU {figures['cpu']:.2f} s)", versus=f"phases (s): {phases}")


# --- the section -----------------------------------------------------------------------------------------

def measure_ecbplus() -> dict[str, dict[str, float]]:
    """B-cubed figures on ECB+ (43 topics, each two look-alike events: two earthquakes, two piracy arrests), by
    the halves of ``bench.ecbplus`` (odd topics dev, even test), and how many topics' two events were grouped
    into one story. Most ECB+ articles carry no date, so only their words and names tell the events apart."""
    from index.stories import story_map

    from . import ecbplus

    if not ecbplus.available():
        raise Unmeasurable(f"ECB+ is not at {ecbplus.ECBPLUS} (set $BYLINE_ECBPLUS)")
    with open_library(ecbplus.ECBPLUS, ecbplus.INDEX) as library:
        library.build(jobs=min(2, os.cpu_count() or 1))
        predicted = grouping_of(story_map(library, refresh=True))
    truth = {aid: story for aid, story in ecbplus.stories().items() if aid in predicted}
    members: dict[str, set[str]] = collections.defaultdict(set)
    for aid, story in predicted.items():
        if aid in truth:
            members[story].add(truth[aid])
    joined = {events.pop().split("-")[0] for events in members.values()
              if len(events) == 2 and len({event.split("-")[0] for event in events}) == 1}
    out: dict[str, dict[str, float]] = {}
    for name in ("dev", "test"):
        over = {aid for aid, story in truth.items() if ecbplus.half(story.split("-")[0]) == name}
        precision, recall, f1 = bcubed(predicted, truth, over)
        topics = {truth[aid].split("-")[0] for aid in over}
        out[name] = {"articles": len(over), "topics": len(topics), "precision": round(precision, 4),
                     "recall": round(recall, 4), "f1": round(f1, 4), "joined": len(joined & topics)}
    return out


def measure_seeds(report: Report) -> None:
    from index.stories import story_map

    with open_library(bundled_corpus(), BENCH_DIR / "indexes" / "seeds") as library:
        library.build()
        predicted = grouping_of(story_map(library, refresh=True))
    truth = {aid: SEEDS_TRUTH[aid[:3]] for aid in predicted if aid[:3] in SEEDS_TRUTH}
    precision, recall, f1 = bcubed(predicted, truth)
    report.data.setdefault("stories", {})["seeds"] = {"precision": precision, "recall": recall, "f1": f1}
    report.add("stories", "seeds (5 articles, 2 events), B-cubed P / R / F1",
               f"{precision:.3f} / {recall:.3f} / {f1:.3f}", budget="1.000", met=f1 >= 0.999)


def _add_halves(report: Report, key: str, figures: Mapping[str, Mapping], what, beside, budget: float = 0.0) -> None:
    """A B-cubed row for each half of ``figures`` (``what`` names the half's articles, with ``{half}`` for the
    half's name; ``beside`` says what else it found), kept in the report's data under ``key``."""
    report.data.setdefault("stories", {})[key] = figures
    for half in ("dev", "test"):
        f = figures[half]
        met = {"budget": f"F1 >= {budget}", "met": f["f1"] >= budget} if budget else {}
        report.add("stories", what(f).format(half=half) + ", B-cubed P / R / F1",
                   f"{f['precision']:.3f} / {f['recall']:.3f} / {f['f1']:.3f}", versus=beside(f), **met)


def run(report: Report, corpus=None) -> None:
    """Every corpus this machine has; the ones it lacks are skipped with the reason. With ``corpus`` (the
    bench's), also its first grouping."""
    if corpus is not None:
        first_grouping(report, corpus)
    measure_seeds(report)
    try:
        figures = measure_basil()
    except Unmeasurable as exc:
        report.skip("stories: BASIL", str(exc))
    else:
        _add_halves(report, "basil", figures, lambda f: f"BASIL {{half}} half ({f['articles']} articles, "
                    f"{f['events']} events)", lambda f: f"{f['singles']} left single", budget=0.97)
    try:
        ecb = measure_ecbplus()
    except Unmeasurable as exc:
        report.skip("stories: ECB+", str(exc))
    else:
        _add_halves(report, "ecbplus", ecb, lambda f: f"ECB+ {{half}} half ({f['articles']} articles, "
                    f"{f['topics']} topics of two look-alike events)",
                    lambda f: f"{f['joined']} of {f['topics']} topics' two events grouped as one")
    try:
        measure_reuters(report)
    except Unmeasurable as exc:
        report.skip("stories: Reuters sample", str(exc))
