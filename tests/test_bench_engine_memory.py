"""``python -m bench.engine_memory``: the engine's memory measured on an index it must not write to."""

from __future__ import annotations

import sys
from pathlib import Path

from bench import engine_memory
from conftest import SEEDS


def files(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in folder.rglob("*") if path.is_file()}


def test_it_measures_without_writing_to_the_index(seeds_index_dir: Path) -> None:
    """Nothing is written but what any reader of an index makes: the empty file its shared lock is held on
    (``index.store.pin_generation``), when the index has none yet."""
    before = files(seeds_index_dir)
    found = engine_memory.measure(str(SEEDS), str(seeds_index_dir), None, searches=5)
    after = files(seeds_index_dir)
    pins = {name for name in after.keys() - before.keys() if name.endswith("/readers") and after[name][0] == 0}
    assert {name: value for name, value in after.items() if name not in pins} == before
    assert found["catalog"]["articles"] == 5
    assert found["after_searches"]["searches"] == 5
    if sys.platform.startswith("linux"):
        for point in ("opened", "catalog", "after_searches"):
            assert {"rss", "peak", "anonymous", "files"} <= set(found[point])


def test_the_default_searches_spread_from_common_words_to_rare_ones() -> None:
    titles = ["Taliban take Kabul", "Kabul airport chaos", "Kabul airport bombing", "Biden defends exit"]
    assert engine_memory.title_words(titles, 2) == ["kabul", "chaos"]  # the first and the middle of nine
    assert engine_memory.title_words(titles, 50) == ["kabul", "airport", "biden", "bombing", "chaos", "defends",
                                                     "exit", "take", "taliban"]  # all, most common first
