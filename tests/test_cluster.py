"""``byline index --cluster``: annotation on a real Dask cluster (two worker processes on this machine) gives the
index a build in this process gives, and a worker that dies mid-batch loses nothing."""

from __future__ import annotations

import json
import os
import signal
import sys
from functools import partial
from pathlib import Path

import pytest

from conftest import SEEDS
from index import Library, cluster, extras, install_hint, open_library
from index.ingest import read_corpus
from reader.cli import main

distributed = pytest.importorskip("distributed", reason="needs the cluster extra: pip install 'byline[cluster]'")

QUERIES = ("Taliban", 'entity:"Zabihullah Mujahid"', "IS-K", "airport AND bombing", "person:Mujahid", '"Islamic State"')


def index_contents(lib: Library) -> dict:
    """What a user sees of an index: its articles, their entity spans and sentences, and the hits of searches."""
    articles = [lib.article(summary.id) for summary in lib.articles()]
    return {
        "articles": [(a.id, a.title, a.source, a.published, a.text) for a in articles],
        "entities": {a.id: [(e.start, e.end, e.label, e.text, e.canonical) for e in a.entities] for a in articles},
        "sentences": {a.id: list(a.sentences) for a in articles},
        "hits": {query: [(hit.id, round(hit.score, 6)) for hit in lib.search(query).hits] for query in QUERIES},
    }


@pytest.fixture(scope="module")
def scheduler() -> str:
    """The address of a local cluster of two worker processes, one thread each, for this module."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def paragraphs_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small corpus made from the seeds: every two paragraphs of a seed article an article of their own."""
    lines = []
    for article in read_corpus(SEEDS).articles:
        paragraphs = [p for p in article.text.split("\n\n") if p.strip()]
        for number in range(0, len(paragraphs), 2):
            body = "\n\n".join(paragraphs[number:number + 2])
            lines.append(json.dumps({"id": f"{article.id}-{number:02d}", "title": body.split("\n")[0][:80],
                                     "body": body, "source": article.source}))
    path = tmp_path_factory.mktemp("paragraphs") / "paragraphs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def paragraphs_here(paragraphs_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The small corpus indexed in this process, the way every build runs without ``--cluster``."""
    with open_library(paragraphs_corpus, tmp_path_factory.mktemp("paragraphs-here")) as lib:
        lib.build()
        return index_contents(lib)


def test_the_seeds_indexed_on_a_local_cluster_equal_the_seeds_indexed_here(
        seeds_library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", str(SEEDS), "--index-dir", str(tmp_path), "--cluster", "local", "--jobs", "2",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["annotated"] == report["articles"] == 5  # a fresh cache: every article went to the cluster
    with open_library(SEEDS, tmp_path) as lib:
        assert index_contents(lib) == index_contents(seeds_library)


def test_batches_spread_over_the_workers_and_each_loads_the_model_once(
        scheduler: str, paragraphs_corpus: Path, paragraphs_here: dict, tmp_path: Path) -> None:
    annotator = cluster.cluster_annotator(scheduler, batch_articles=3)
    with open_library(paragraphs_corpus, tmp_path) as lib:
        built = lib.build(annotator=annotator)
        assert built.annotated == built.articles > 2 * 3
        assert index_contents(lib) == paragraphs_here
    with distributed.Client(scheduler) as client:
        loaded = client.run(lambda: cluster._worker_annotator.cache_info())
    assert len(loaded) == 2
    for info in loaded.values():
        assert info.currsize == 1 and info.misses == 1 and info.hits >= 1  # several batches, one model load


def test_a_worker_killed_mid_batch_loses_nothing(
        scheduler: str, paragraphs_corpus: Path, paragraphs_here: dict, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import cloudpickle

    marker = tmp_path / "killed-once"
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    try:
        monkeypatch.setattr(cluster, "annotate_batch", partial(_annotate_then_die_the_first_time, str(marker)))
        with open_library(paragraphs_corpus, tmp_path / "index") as lib:
            built = lib.build(annotator=cluster.cluster_annotator(scheduler, batch_articles=3))
            assert marker.exists()  # a worker did die with a batch annotated and not returned
            assert built.annotated == built.articles
            assert index_contents(lib) == paragraphs_here
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _annotate_then_die_the_first_time(marker: str, *args):
    """Run on a worker: the batch's work, then (the first time in this test) the death of the worker's process
    before it returns anything."""
    from index.cluster import annotate_batch

    result = annotate_batch(*args)
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return result
    os.kill(os.getpid(), signal.SIGKILL)
    return result


def test_without_the_extra_the_message_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(extras, "find_spec", lambda name, *a: None)
    assert main(["index", str(SEEDS), "--index-dir", str(tmp_path), "--cluster", "local"]) == 1
    assert install_hint("cluster") in capsys.readouterr().err
    assert not any(tmp_path.iterdir())  # refused before any work


def test_a_scheduler_that_does_not_answer_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    assert main(["index", str(SEEDS), "--index-dir", str(tmp_path), "--cluster", "tcp://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err
