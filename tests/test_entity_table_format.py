"""The entity table on disk: what format 3 saves is read back answering every question as the table built in
memory did, and an index whose table an earlier Byline wrote (format 2) still opens, with its entities."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from index import open_library, store
from index.aliases import load_aliases
from index.entities import EntityRegistry
from index.entities.resolve import resolve_table

NAMES = ["Zabihullah Mujahid", "Mujahid", "Islamic State", "IS-K", "ISIS", "Taliban", "Kabul", "the Taliban",
         "Biden", "United States", "nobody of that name"]


def _answers(registry: EntityRegistry) -> list[object]:
    """What a reader asks of an entity table, for the names of the seeds (also used by test_table_binary)."""
    answers: list[object] = []
    for name in NAMES:
        answers.append([e.id for e in registry.find(name)])
        answers.append(registry.expand_terms(name))
        answers.append(registry.canonical(name, "PERSON"))
        answers.append(registry.canonical(name, "ORG"))
        answers.append(registry.canonical_by_key(name.lower(), "group"))
    answers.append([(e.id, e.name, e.mentions, e.articles) for e in registry.entities()])
    return answers


def test_a_saved_table_answers_as_the_one_built(seeds_index_dir: Path, tmp_path: Path) -> None:
    generation = store.current_generation(seeds_index_dir)
    loaded = EntityRegistry.load_checked(generation / store.ENTITIES)
    built = resolve_table(loaded.table, load_aliases(None))
    path = tmp_path / store.ENTITIES
    built.save(path)
    saved, _ = EntityRegistry.load_checked(path).to_json()
    assert saved["version"] == 3 and saved["lookup"]["keys"] == sorted(saved["lookup"]["keys"])
    again = EntityRegistry.load_checked(path)
    assert len(again) == len(built) > 20
    assert _answers(again) == _answers(built)
    # An entity's names are read from the saved columns for that entity alone: a search process asking for one
    # entity does not build every entity's list of names first (170 ms of such a process on Reuters).
    assert again._members is None


def test_an_index_with_a_format_2_table_still_opens_with_its_entities(seeds_copy: Path, seeds_index_dir: Path,
                                                                      tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(seeds_index_dir, index_dir)
    generation = store.current_generation(index_dir)
    path = generation / store.ENTITIES
    with open_library(seeds_copy, index_dir) as lib:
        expected = [(e.id, e.name) for e in lib.entities()]
        mujahid = lib.entity("Mujahid")
    current = EntityRegistry.load_checked(path)
    rows = [[key, label, number] for key, found in current._lookup.items()
            for label, number in zip(found[::2], found[1::2], strict=True) if label]
    data, _ = current.to_json(current.stamp)
    old = {"version": 2, "stamp": data["stamp"], "entities": [list(h) for h in zip(data["ids"], data["names"],
                                                                                   data["labels"], strict=True)],
           "surfaces": rows, "in_article": data["in_article"]}
    path.unlink()  # the table as an earlier Byline wrote it, in the file it wrote it to
    path.with_name("entities.json").write_text(json.dumps(old), encoding="utf-8")
    _, detail = current.to_json(current.stamp)  # the detail as JSON, as an earlier Byline wrote it
    (generation / "entities.detail.json").write_text(json.dumps(detail | {"version": 2}), encoding="utf-8")
    record = json.loads((generation / store.FORMAT).read_text(encoding="utf-8"))
    (generation / store.FORMAT).write_text(json.dumps(record | {"entities": 2}), encoding="utf-8")
    with open_library(seeds_copy, index_dir) as lib:
        assert [(e.id, e.name) for e in lib.entities()] == expected
        assert lib.entity("Mujahid") == mujahid
        assert lib.search("entity:Mujahid").total > 0
