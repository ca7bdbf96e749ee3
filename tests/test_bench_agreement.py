"""The agreement bench scores each reader against the other as the quality bench scores the engine."""

from __future__ import annotations

from bench.agreement import table


def test_each_reader_is_scored_against_the_other_and_unsure_pairs_count_neither_way():
    first = [{"aligned": [[0, 0], [1, 2], [3, 3]], "unsure": [[2, 2]]}]
    # The second reader agrees on two, calls one of the first's pairs unsure, and adds (2, 2) and (4, 1).
    second = [{"aligned": [[0, 0], [1, 2], [2, 2], [4, 1]], "unsure": [[3, 3]]}]
    engine = [{(0, 0), (3, 3), (4, 1), (5, 5)}]
    rows = {what: (precision, recall) for what, precision, recall in table(first, second, engine)}
    # (2, 2) is unsure to the first reader, so only (4, 1) is false: 2 of 3; recall 2 of the first's 3.
    assert rows["second reader, scored against the first"] == ("0.67 (2/3)", "0.67 (2/3)")
    # (3, 3) is unsure to the second reader: 2 of 2; recall 2 of the second's 4.
    assert rows["first reader, scored against the second"] == ("1.00 (2/2)", "0.50 (2/4)")
    assert rows["engine against the first reader"] == ("0.50 (2/4)", "0.67 (2/3)")
    assert rows["engine against the second reader"] == ("0.67 (2/3)", "0.50 (2/4)")
    # Both call (0, 0) and (1, 2) counterparts; what either alone labelled is unsure; (5, 5) is false.
    assert rows["engine against the pairs both call counterparts (either's others unsure)"] == (
        "0.50 (1/2)", "0.50 (1/2)"
    )
