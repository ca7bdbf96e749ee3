"""Any string typed as a query either runs or is refused with a :class:`QueryError` that says where; none
crashes with another error or runs for long (hypothesis generates arbitrary text and query-like strings).
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import Library, QueryError
from index.search import MAX_QUERY_CHARS
from reader.cli import main

#: Generous: a hang, not a slow query, is what this catches (nothing here is a timing test).
SECONDS_PER_QUERY = 5.0

#: Pieces of the query language, its edge cases and hostile text, for building query-like strings.
ATOMS = [
    "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "(", ")", "[", "]", "{", "}", '"', "'", "\\", "*", "?", "~",
    "~2", "~9", "^", "^2", ":", "/", "-", "+", "<", ">", ">=", "title:", "Date:", "date:", "published:",
    "source:", "entity:", "person:", "org:", "place:", "group:", "id:", "lang:", "foo:", "2021-08-30", "2021",
    "2021-13-45", "0", "Kabul", "taliban", "IS", "IS-K", "U.S.", "mujahid", '"suicide bombing"', "\x00", "\x1b[31m",
    "[/]", "[@click=app.quit]", "é", "ß", "ﬁ", "İ", "漢字", "🙂", "\u202e", "\u200b", "\u0301", "date:[", "date:>",
    "*:*", "x" * 60,
]

QUERIES = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(ATOMS), max_size=10).map("".join),
    st.lists(st.sampled_from(ATOMS), max_size=10).map(" ".join),
    st.lists(st.one_of(st.sampled_from(ATOMS), st.text(max_size=5)), max_size=8).map(" ".join),
)


def run_query(lib: Library, query: str) -> None:
    """Search; the only error allowed is a QueryError whose position lies within the query."""
    started = time.perf_counter()
    try:
        result = lib.search(query, limit=20)
    except QueryError as error:
        assert 0 <= error.position <= len(query), (query, error.position)
        assert error.query == query
        assert error.message
    else:
        assert result.query == query
        for hit in result.hits:
            for fragment in hit.fragments:
                assert all(0 <= s < e <= len(fragment.text) for s, e in fragment.matches)
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS_PER_QUERY, f"{query!r} took {elapsed:.1f} s"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES)
def test_any_query_runs_or_is_refused_with_a_position(seeds_library: Library, query: str) -> None:
    run_query(seeds_library, query)


@pytest.mark.parametrize(
    "query",
    [
        "x" * 100_000,  # a pasted page: Whoosh's spelling corrector took minutes over one long word
        "kabul " * 5000,
        "é" * 50_000,
        "(" * 5000 + "kabul" + ")" * 5000,  # Python's recursion limit inside Whoosh's parser
        "kabul~99",  # an edit distance at which every word matches
        "x" * 900 + "~2",
        "entity:" + "a" * 990,
        "date:[0 TO 9]",
        "date:[2021-08-30 TO 2021-08-01]",
        "DATE:0",
        '"kabul"~1000000',
        "kabul^1e308",
        "ka\x00bul",
        "*" * 900,
    ],
)
def test_pathological_queries_are_quick(seeds_library: Library, query: str) -> None:
    run_query(seeds_library, query)


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ("x" * (MAX_QUERY_CHARS + 1), MAX_QUERY_CHARS, "query too long"),
        ("(" * 51 + "a" + ")" * 51, 50, "nested too deeply"),
        ("kabul~99", 5, "fuzzy distance 99 too large"),
        # Friendly field names are rewritten before Whoosh parses the query; the position is still the user's.
        ("DATE:0", 5, "not a parseable date"),
        ("taliban Date:2021-13-45", 13, "month must be in 1..12"),
        ("date:[a TO b]", 6, "not a parseable date"),
    ],
)
def test_refusals_point_where_the_user_typed_the_problem(
    seeds_library: Library, query: str, position: int, message: str
) -> None:
    with pytest.raises(QueryError) as caught:
        seeds_library.search(query)
    assert message in caught.value.message
    assert caught.value.position == position


def test_reasonable_queries_still_run(seeds_library: Library) -> None:
    assert seeds_library.search("kabul~3").total
    assert seeds_library.search("(" * 50 + "kabul" + ")" * 50).total
    assert seeds_library.search("Date:2021-08-30").total == seeds_library.search("date:2021-08-30").total


def test_cli_bad_query_shows_where_without_a_traceback(seeds_index_dir, capsys) -> None:
    from conftest import SEEDS

    status = main(["search", "taliban Date:2021-13-45 \x1bc\x07\x9b2J", "-C", str(SEEDS),
                   "--index-dir", str(seeds_index_dir)])
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err and "\x1b" not in err and "\x07" not in err
    lines = err.splitlines()
    assert "month must be in 1..12" in lines[0]
    assert lines[2].index("^") == lines[1].index("Date:2021-13-45") + len("Date:")
