"""Byline's benchmarks: speed and memory where a user feels them, side by side with what they would use instead.

Run ``python -m bench --help``. Not a test suite: nothing here asserts a time. Every section measures, prints a
row per figure (with its budget from ``ARCHITECTURE.md`` where there is one) and writes everything it measured
as JSON under ``bench/results/`` (git-ignored). Corpora and indexes are generated under a scratch folder
(``$BYLINE_BENCH_DIR``, default ``/tmp/byline-bench``), never in the repository or the user's cache.
"""
