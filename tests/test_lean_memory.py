"""What a reader keeps resident between searches: not the pages of the index that the searches read.

A searcher maps the postings and term dictionary (read-only) and reads them through the map; every page a search
touches used to stay in the process's resident set for as long as the library was open (137 MB after 50
searches at 100,000 articles). After each search they are given back to the system's file cache: the next
search that needs them maps them again, and finds the same results.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from index import Library


def mapped_resident_kb(folder: Path) -> int:
    """Resident kilobytes of this process's mappings of files under ``folder`` (``/proc/self/smaps``)."""
    total, inside = 0, False
    prefix = str(folder.resolve()) + "/"
    with open("/proc/self/smaps", encoding="utf-8", errors="replace") as smaps:
        for line in smaps:
            fields = line.split()
            if fields and re.fullmatch(r"[0-9a-f]+-[0-9a-f]+", fields[0]):  # a mapping's first line
                inside = len(fields) >= 6 and fields[5].startswith(prefix)
            elif inside and fields[:1] == ["Rss:"]:
                total += int(fields[1])
    return total


needs_smaps = pytest.mark.skipif(not sys.platform.startswith("linux") or not Path("/proc/self/smaps").exists(),
                                 reason="resident pages of a mapping are read from Linux's /proc/self/smaps")

QUERIES = ("kabul", "taliban airport", '"suicide bombing"', "negotiat*", "mujahid~", "isis OR daesh")


def answers(library: Library) -> list[dict]:
    out = []
    for query in QUERIES:
        result = library.search(query).to_dict()
        result.pop("elapsed_ms", None)
        out.append(result)
    return out


@needs_smaps
def test_a_search_gives_back_the_index_pages_it_read(seeds_library: Library) -> None:
    with seeds_library:
        answers(seeds_library)
        searcher = seeds_library._search_engine()
        assert searcher._maps, "the seed index's postings are read through a memory map"
        assert mapped_resident_kb(seeds_library.generation) == 0


def test_results_are_the_same_when_the_pages_are_given_back(seeds_library: Library,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Hits, scores, snippets, facets and suggestions as when every page stayed mapped."""
    with seeds_library:
        searcher = seeds_library._search_engine()
        monkeypatch.setattr(searcher, "release_pages", lambda: None)
        kept = answers(seeds_library)
        monkeypatch.undo()
        assert answers(seeds_library) == kept
        assert answers(seeds_library) == kept  # every page read again after the previous round gave it back
