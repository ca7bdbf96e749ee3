"""``byline index`` loads the spaCy model in a process of its own from its start (index.annotate.PreloadedAnnotator),
while the update reads the index and the corpus: the annotations are the ones the build's own process gives, a
model that fails to load is a clear error, and no process outlives the build (done, failed or interrupted). The
model's tokenizer is read once, not made from the language's defaults first: the same tokenizer, the same
annotations."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SEEDS, assert_interrupted_cleanly, child_processes, write_files
from index import ModelError, PreloadedAnnotator, open_library
from index.aliases import load_aliases
from index.annotate import Annotator, load_pipeline, resolve_model

LINUX = Path("/proc/self/task").exists()


def _seed_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]


def _patterns() -> list[dict[str, str]]:
    return load_aliases(SEEDS, SEEDS).ruler_patterns()


def test_the_preloaded_model_annotates_as_the_builds_own_process_does() -> None:
    patterns = _patterns()
    assert patterns, "the seeds' alias file gives the ruler patterns to check with"
    texts = [*_seed_texts(), "", "Angela Merkel met IS-K leaders.\n\nIBM Corp said so."]
    with PreloadedAnnotator() as preloaded:
        process = preloaded._process
        assert process is not None and process.pid != os.getpid()
        got = list(preloaded(preloaded.model_name, patterns=patterns).annotate(texts))
    assert process.exitcode is not None  # stopped with the build
    expected = list(Annotator(patterns=patterns).annotate(texts))
    assert got == expected and any(a.entities for a in got)


def test_the_models_tokenizer_is_the_one_spacys_own_loading_gives() -> None:
    """The model's tokenizer is read into an empty one (index.annotate._tokenizer_from_model): the same special
    cases and expressions as spaCy's loading, which first makes the language's own."""
    import spacy

    from index.annotate import UNNEEDED

    model = resolve_model(None)
    ours = load_pipeline(model).tokenizer
    theirs = spacy.load(model, exclude=list(UNNEEDED)).tokenizer
    assert ours.rules == theirs.rules and ours.rules
    for part in ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match"):
        mine, spacys = getattr(ours, part), getattr(theirs, part)
        assert (mine is None and spacys is None) or mine.__self__.pattern == spacys.__self__.pattern, part
    assert ours.faster_heuristics == theirs.faster_heuristics
    text = "Mr. O'Neill's U.S.-based co. (IBM) paid $3.5bn on 12/03/2026 -- see https://example.com/a?b=1 :-)"
    assert [t.text for t in ours(text)] == [t.text for t in theirs(text)]


def test_the_model_as_byline_loads_it_annotates_as_spacys_own_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read without the vocabulary's strings and with the model's tokenizer read once (NOT_READ,
    _tokenizer_from_model), the model gives the seeds (with their alias rules) the annotations it gives loaded
    as spaCy loads it."""
    from index import annotate

    patterns = _patterns()
    texts = [*_seed_texts(), "Mr. O'Neill of IS-K and the U.S. met Zabihullah Mujahid in Kabul on 12/03/2026."]
    ours = list(Annotator(patterns=patterns).annotate(texts))
    assert len(load_pipeline(resolve_model(None), Annotator(patterns=patterns).patterns).vocab.strings) < 10_000
    monkeypatch.setattr(annotate, "NOT_READ", ())
    monkeypatch.setattr(annotate, "_tokenizer_from_model", lambda: {})
    spacys = annotate._with_rules(annotate._load_model(resolve_model(None)), Annotator(patterns=patterns).patterns)
    assert len(spacys.vocab.strings) > 50_000
    finish = Annotator(patterns=patterns).finish
    theirs = [finish(text, entities, sentences)
              for text, (entities, sentences) in zip(texts, annotate._spans(spacys, texts, 32, 1), strict=True)]
    assert ours == theirs and all(a.entities for a in ours)


def test_a_model_that_fails_to_load_is_a_clear_error_and_its_process_ends(tmp_path: Path) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "meta.json").write_text("{not json", encoding="utf-8")
    preloaded = PreloadedAnnotator(str(broken))
    process = preloaded._process
    try:
        with pytest.raises(ModelError, match="Could not load spaCy model"):
            list(preloaded(preloaded.model_name).annotate(["Angela Merkel"]))
    finally:
        preloaded.close()
    assert process.exitcode is not None


def test_a_process_that_died_is_replaced_by_the_builds_own() -> None:
    texts = _seed_texts()
    with PreloadedAnnotator() as preloaded:
        preloaded._process.kill()
        preloaded._process.join()
        got = list(preloaded(preloaded.model_name).annotate(texts))
    assert got == list(Annotator().annotate(texts))


def test_many_processes_or_another_model_are_the_builds_own() -> None:
    """``--jobs 2`` with enough texts to share out: spaCy's own worker processes, as without the preloaded model,
    which is stopped."""
    texts = ["Angela Merkel went to Paris."] * 64
    with PreloadedAnnotator() as preloaded:
        run = preloaded(preloaded.model_name, jobs=2)
        got = run.annotate(texts)
        first = next(got)
        assert preloaded._process is None  # stopped: the build's own annotator works
        rest = list(got)
    assert [first, *rest] == list(Annotator().annotate(texts))


def _index_process(corpus: Path, index_dir: Path, *extra: str) -> subprocess.Popen:
    code = ("import sys; from reader.cli import main; code = main(sys.argv[1:]); "
            "print('SPACY_IN_MAIN=' + str('spacy' in sys.modules), file=sys.stderr); sys.exit(code)")
    return subprocess.Popen([sys.executable, "-c", code, "index", str(corpus), "--index-dir", str(index_dir),
                             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "BYLINE_PRELOAD": "1"})  # however busy


def test_an_edit_is_annotated_by_the_preloaded_model_not_the_index_process(seeds_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    with open_library(seeds_copy, index_dir) as lib:
        lib.build()
    edited = sorted(seeds_copy.glob("*.txt"))[1]
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("\nEdited: Angela Merkel met Sabine Weber of Globex Corp in Brussels.\n")
    build = _index_process(seeds_copy, index_dir, "--json")
    out, err = build.communicate(timeout=300)
    assert build.returncode == 0, err
    report = json.loads(out)
    assert (report["changed"], report["annotated"]) == (1, 1)
    assert "SPACY_IN_MAIN=False" in err  # the model loaded in the other process only
    with open_library(seeds_copy, index_dir) as lib:
        article = next(a for a in lib.articles() if a.path.endswith(edited.name))
        shown = lib.article(article.id)
        expected = next(Annotator(patterns=load_aliases(seeds_copy, index_dir).ruler_patterns())
                        .annotate([shown.text]))
        assert [(e.start, e.end, e.label) for e in shown.entities] == \
            [(e.start, e.end, e.label) for e in expected.entities]
        assert any(e.text == "Sabine Weber" for e in shown.entities)


@pytest.mark.skipif(not LINUX, reason="needs Linux's /proc to see the process")
@pytest.mark.parametrize("to_group", [False, True], ids=["to the parent alone", "to the whole group (ctrl-C)"])
def test_an_interrupt_while_the_model_loads_or_annotates_stops_both_processes(tmp_path: Path, to_group: bool) -> None:
    corpus = tmp_path / "corpus"
    pick = random.Random(2)
    words = ["the", "said", "Monday", "talks", "city", "Kabul", "Reuters", "Alice Brown", "United Nations", "Paris"]
    write_files(corpus, {f"a{n:03d}.txt": f"Story {n}\n\n{' '.join(pick.choice(words) for _ in range(1500))}.\n"
                         for n in range(120)})
    index_dir = tmp_path / "index"
    build = _index_process(corpus, index_dir)
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 120
        while not workers and build.poll() is None and time.monotonic() < deadline:
            workers = child_processes(build.pid)
            time.sleep(0.05)
        assert workers, "the model was not loaded in a process of its own"
        time.sleep(1.5)  # loading the model, or annotating
        if to_group:
            os.killpg(build.pid, signal.SIGINT)
        else:
            os.kill(build.pid, signal.SIGINT)
        _, err = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait()
    assert_interrupted_cleanly(build.returncode, err, workers, index_dir)


def test_nothing_to_annotate_stops_the_process_unused(seeds_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    with open_library(seeds_copy, index_dir) as lib:
        lib.build()
    write_files(seeds_copy, {"notes/readme.md": ""})  # an empty file: skipped, nothing to annotate
    build = _index_process(seeds_copy, index_dir, "--json")
    out, err = build.communicate(timeout=300)
    assert build.returncode == 0, err
    assert json.loads(out)["annotated"] == 0
    assert "SPACY_IN_MAIN=False" in err


def test_the_model_loads_without_srslys_yaml_which_still_works_when_used() -> None:
    done = subprocess.run([sys.executable, "-c", """
import sys
from index.annotate import load_pipeline, resolve_model
load_pipeline(resolve_model(None))
assert "srsly.ruamel_yaml" not in sys.modules, "YAML imported with spaCy"
import srsly
assert srsly.yaml_loads("a: 1") == {"a": 1} and srsly.yaml_dumps({"b": 2}).strip() == "b: 2"
from srsly._yaml_api import CustomYaml
assert "srsly.ruamel_yaml" in sys.modules and CustomYaml
print("ok")
"""], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")


def test_the_model_is_preloaded_only_with_a_core_free_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a busy machine (or one core) the second process would only compete with the build: not started,
    unless ``$BYLINE_PRELOAD`` says 1; never with 0."""
    from index import annotate

    monkeypatch.delenv("BYLINE_PRELOAD", raising=False)
    monkeypatch.setattr(annotate, "_core_free", lambda: False)
    assert PreloadedAnnotator.started() is None
    monkeypatch.setenv("BYLINE_PRELOAD", "1")
    with PreloadedAnnotator.started() as preloaded:
        assert preloaded._process is not None
    monkeypatch.setattr(annotate, "_core_free", lambda: True)
    monkeypatch.setenv("BYLINE_PRELOAD", "0")
    assert PreloadedAnnotator.started() is None


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="needs the CPU affinity of a process")
def test_one_core_is_never_free_for_a_second_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from index import annotate

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert not annotate._core_free()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(512)))
    assert annotate._core_free()


@pytest.mark.skipif(not LINUX, reason="reads a process's state from /proc")
def test_the_model_process_ends_when_the_build_process_is_killed(tmp_path: Path) -> None:
    # A build killed outright (SIGKILL: no handler runs) must not leave its model process waiting for ever.
    script = ("import sys, time\nfrom index import PreloadedAnnotator\np = PreloadedAnnotator()\n"
              "print(p._process.pid, flush=True)\ntime.sleep(120)\n")
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(build.stdout.readline())
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 60
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        state = Path(f"/proc/{worker}/stat").read_text().split(")")[-1].split()[0] if Path(
            f"/proc/{worker}/stat").exists() else "X"
        if state == "Z":  # ended, not yet reaped by init
            break
        time.sleep(0.2)
    else:
        assert not Path(f"/proc/{worker}").exists(), "the model process outlived the killed build"
