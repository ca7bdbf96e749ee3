"""The index's JSON files are written exactly as the standard encoder writes them (the catalog, and the entity detail
as JSON data, go through the encoder without its check for cycles: plain data, a third faster to write)."""

from __future__ import annotations

import json
from pathlib import Path

from index import store
from index.storage import write_json


def test_the_files_written_are_what_the_standard_encoder_gives(seeds_library, tmp_path: Path) -> None:
    _, detail = seeds_library.registry.to_json("a stamp")
    rows, annotator = store.read_catalog(seeds_library.generation)
    catalog = {"corpus": "x", "annotator": annotator, "articles": list(rows.values())}
    for name, data in (("detail", detail), ("catalog", catalog), ("odd", {"é\u2028": [1.5, None, True, "\x00"]})):
        path = tmp_path / f"{name}.json"
        write_json(path, data)
        assert path.read_text(encoding="utf-8") == json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        assert json.loads(path.read_text(encoding="utf-8")) == data
