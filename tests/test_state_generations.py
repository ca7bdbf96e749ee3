"""What a build writes is one generation: an update notices a part that is missing, damaged or from another
build (a kill between two writes, simulated by a failure injected between them) and repairs it; corrections
written by hand are applied by a plain update."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index import IndexCorrupt, open_library, store

NEW_ARTICLE = ("Envoy arrives in Kabul\n\nDiplomat Xavier Quintrell arrived in Kabul on Tuesday to meet the "
               "Taliban. Quintrell said the talks would take a week.\n")


@pytest.fixture()
def corpus_and_index(seeds_copy: Path, seeds_index_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A writable copy of the seeds and of their index (built once per session)."""
    index_dir = tmp_path / "index"
    shutil.copytree(seeds_index_dir, index_dir)
    return seeds_copy, index_dir


def _knows_quintrell(corpus: Path, index_dir: Path) -> bool:
    with open_library(corpus, index_dir) as lib:
        try:
            entity = lib.entity("Xavier Quintrell")
        except KeyError:
            return False
        return entity.articles == ("005",) and any(s.canonical == entity.name for s in lib.article("005").entities)


@pytest.mark.parametrize("interrupted", ["write_catalog", "write_format"])
def test_a_build_killed_between_two_writes_heals_on_the_next_update(
        corpus_and_index: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, interrupted: str) -> None:
    corpus, index_dir = corpus_and_index
    (corpus / "005.txt").write_text(NEW_ARTICLE, encoding="utf-8")

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed between two writes")

    with monkeypatch.context() as patch:
        patch.setattr(store, interrupted, killed)
        with open_library(corpus, index_dir) as lib, pytest.raises(KeyboardInterrupt):
            lib.build()
    with open_library(corpus, index_dir) as lib:
        report = lib.build()
    assert report.articles == 6
    assert _knows_quintrell(corpus, index_dir)
    with open_library(corpus, index_dir) as lib:  # and the next update is a quick one again
        again = lib.build()
    assert (again.added, again.changed, again.annotated) == (0, 0, 0)


def test_a_stale_entity_table_is_regrouped_not_trusted(corpus_and_index: tuple[Path, Path]) -> None:
    """The catalog has the new article, the entity table is the one from before it (what an older Byline
    left after a kill): the update regroups instead of saying nothing changed."""
    corpus, index_dir = corpus_and_index
    generation = store.current_generation(index_dir)
    before = {name: (generation / name).read_bytes() for name in (store.ENTITIES, "entities.detail.json")}
    (corpus / "005.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    with open_library(corpus, index_dir) as lib:
        lib.build()
    for name, data in before.items():
        (generation / name).write_bytes(data)
    assert not _knows_quintrell(corpus, index_dir)
    with open_library(corpus, index_dir) as lib:
        lib.build()
    assert _knows_quintrell(corpus, index_dir)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty object", "wrong types"])
def test_a_damaged_entity_table_is_repaired_not_read_as_empty(corpus_and_index: tuple[Path, Path],
                                                              damage: str) -> None:
    corpus, index_dir = corpus_and_index
    path = store.current_generation(index_dir) / store.ENTITIES
    with open_library(corpus, index_dir) as lib:
        count = len(lib.entities())
    data = path.read_bytes()
    path.write_bytes({"garbage": b"\x00garbage", "truncated": data[: len(data) // 2], "empty object": b"{}",
                      "wrong types": data.replace(b'"ids":[', b'"ids":{"x":[', 1)
                      .replace(b'],"names"', b']},"names"', 1)}[damage])
    with open_library(corpus, index_dir) as lib, pytest.raises(IndexCorrupt, match="byline index"):
        lib.entities()  # the reader says so; it does not show a corpus without entities
    with open_library(corpus, index_dir) as lib:
        lib.build()
    with open_library(corpus, index_dir) as lib:
        assert len(lib.entities()) == count


def test_a_merge_written_by_hand_is_applied_by_a_plain_update(corpus_and_index: tuple[Path, Path]) -> None:
    corpus, index_dir = corpus_and_index
    with open_library(corpus, index_dir) as lib:
        assert lib.entity("Afghan") != lib.entity("Afghans")
    with (corpus / "aliases.toml").open("a", encoding="utf-8") as out:
        out.write('\n[[merge]]  # by hand\nlabel = "NORP"\nnames = ["Afghans", "Afghan"]\n')
    with open_library(corpus, index_dir) as lib:
        report = lib.build()
        assert report.annotated == 0
        assert lib.entity("Afghan") == lib.entity("Afghans")


def test_a_correction_interrupted_before_its_seal_heals(corpus_and_index: tuple[Path, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, index_dir = corpus_and_index
    with monkeypatch.context() as patch:
        patch.setattr(store, "write_format", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
        with open_library(corpus, index_dir) as lib, pytest.raises(KeyboardInterrupt):
            lib.merge_entities(["Afghans", "Afghan"])
    with open_library(corpus, index_dir) as lib:
        lib.build()
        assert lib.entity("Afghan") == lib.entity("Afghans")
        assert len([m for m in (lib.entity("Afghan").merges) if m.reason == "correction"]) >= 1
