"""Each entity's record in the entity detail (its surfaces, why each name joined it, its links) is kept and saved as
columns: every entity's members in one flat list and where each starts, the merges and links of the few entities
that have any. Read back as built; a detail an earlier Byline wrote with a list of records still opens and is
saved as columns next time; columns that do not hold together are a damaged detail, never read wrongly."""

from __future__ import annotations

import json
import marshal
import zlib
from itertools import accumulate, pairwise
from pathlib import Path

import pytest
from test_entity_table_format import _answers

from index import store
from index.entities import EntityRegistry
from index.entities.registry import EntityRecords, RegistryDetail

_MAGIC = b"BYLINE ENTITY DETAIL\n"


def _body(detail: Path) -> tuple[dict, dict]:
    """The detail's header, and its body as one piece holds it (the table's columns and the records)."""
    raw = detail.read_bytes()
    start = len(_MAGIC) + 8
    size = int.from_bytes(raw[len(_MAGIC):start], "little")
    header, data = json.loads(raw[start:start + size]), raw[start + size:]
    if header["body"] == "marshal 4":
        return header, marshal.loads(data)
    ends = list(accumulate(header["parts"]))
    head = marshal.loads(data[:ends[0]])
    table = {"articles": head["articles"], "definitions": head["definitions"]}
    for a, b in pairwise(ends):
        for name, column in marshal.loads(data[a:b]).items():
            table[name] = table.get(name, []) + column
    return header, {"table": table, "records": head["records"]}


def _write(detail: Path, header: dict, body: dict) -> None:
    """``body`` written as the detail's body under ``header`` (its size and checksum made right), in one piece, as
    a Byline before the chunks of surfaces wrote it."""
    data = marshal.dumps(body, 4)
    header = {name: value for name, value in header.items() if name != "parts"} | {"body": "marshal 4"}
    head = json.dumps(header | {"size": len(data), "crc": zlib.crc32(data)}).encode("utf-8")
    detail.write_bytes(b"".join((_MAGIC, len(head).to_bytes(8, "little"), head, data)))


def test_records_are_saved_as_columns_and_read_back_as_built(seeds_library, tmp_path: Path) -> None:
    built = seeds_library.registry
    path = tmp_path / store.ENTITIES
    built.save(path)
    _, body = _body(path.with_name("entities.detail.json"))
    records = body["records"]
    assert set(records) == {"members", "starts", "merges", "related"}
    assert len(records["starts"]) == len(built) + 1 and records["starts"][-1] == len(records["members"])
    assert len(records["merges"]) < len(built)  # only the entities with a merge have an entry
    again = EntityRegistry.load_checked(path)
    assert again.to_json() == built.to_json()
    listed = again.detail.records.to_list()
    assert listed == built.detail.records.to_list() and len(listed) == len(built)
    assert all(set(record) == {"members", "merges", "related"} and record["members"] for record in listed)
    assert any(record["merges"] for record in listed)


def test_a_detail_with_a_list_of_records_opens_and_is_saved_as_columns(seeds_library, tmp_path: Path) -> None:
    path = tmp_path / store.ENTITIES
    seeds_library.registry.save(path)
    saved = EntityRegistry.load_checked(path)
    expected = _answers(saved), saved.to_json()
    detail = path.with_name("entities.detail.json")
    header, body = _body(detail)
    _write(detail, header, body | {"records": saved.detail.records.to_list()})  # as Byline wrote it before
    old = EntityRegistry.load_checked(path)
    assert (_answers(old), old.to_json()) == expected
    old.save(path)
    assert isinstance(_body(detail)[1]["records"], dict)
    again = EntityRegistry.load_checked(path)
    assert (_answers(again), again.to_json()) == expected


@pytest.mark.parametrize("damage", ["starts past the members", "starts going back", "a merge of no entity",
                                    "no starts", "records of another shape"])
def test_records_that_do_not_hold_together_are_a_damaged_detail(seeds_library, tmp_path: Path, damage: str) -> None:
    path = tmp_path / store.ENTITIES
    seeds_library.registry.save(path)
    stamp = EntityRegistry.load_checked(path).stamp
    detail = path.with_name("entities.detail.json")
    header, body = _body(detail)
    records = body["records"]
    if damage == "starts past the members":
        records["starts"][-1] += 1
    elif damage == "starts going back":
        records["starts"][1], records["starts"][2] = records["starts"][2], records["starts"][1]
    elif damage == "a merge of no entity":
        records["merges"][len(records["starts"])] = []
    elif damage == "no starts":
        records["starts"] = []
    else:
        body["records"] = [1, 2, 3]
    _write(detail, header, body)
    loaded = RegistryDetail.load(detail, stamp)
    assert loaded.records == [] and loaded.table.surfaces == []


def test_records_read_as_the_dicts_they_were_made_from() -> None:
    listed = [{"members": [0, 3], "merges": [{"name": "B", "reason": "spelling", "detail": "d"}], "related": []},
              {"members": [1], "merges": [], "related": [{"id": "ORG:x", "relation": "part-of"}]},
              {"members": [2], "merges": [], "related": []}]
    records = EntityRecords.from_list(listed)
    assert len(records) == 3 and list(records) == listed and records == listed and records[-1] == listed[-1]
    assert records[1:] == listed[1:] and records.members(0) == [0, 3] and records.owners() == {0: 0, 3: 0, 1: 1, 2: 2}
    assert EntityRecords.from_columns(records.to_columns()) == records
    with pytest.raises(IndexError):
        records[3]


def test_entities_of_one_name_are_told_apart_by_their_first_surface() -> None:
    from index.entities.resolve import _build_registry
    from index.entities.surfaces import Surface, SurfaceTable

    surfaces = [Surface("acme", "ORG", {"Acme": 2}, [0]), Surface("acme", "GPE", {"Acme": 1}, [1]),
                Surface("acme co", "ORG", {"Acme Co": 1}, [1]), Surface("bob", "PERSON", {"Bob": 1}, [0])]
    table = SurfaceTable(["a", "b"], surfaces, [])
    merge = {"name": "Acme Co", "reason": "company-suffix", "detail": "d"}
    entries = [([0, 2], "Acme", "ORG", [merge], ""), ([1], "Acme", "ORG", [], ""), ([3], "Bob", "PERSON", [], "")]
    registry = _build_registry(table, entries, [], {"b\tacme\tGPE": 0})
    assert [header[0] for header in registry.headers] == ["ORG:acme", "ORG:acme#1", "PERSON:bob"]
    assert registry.detail.records.to_list() == [{"members": [0, 2], "merges": [merge], "related": []},
                                                 {"members": [1], "merges": [], "related": []},
                                                 {"members": [3], "merges": [], "related": []}]
    assert registry.in_article == {"b\tacme\tGPE": 0}
    assert [e.id for e in registry.find("Acme Co")] == ["ORG:acme"]
