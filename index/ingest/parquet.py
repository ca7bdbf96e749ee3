"""Parquet tables of articles (CC-News and most dataset hubs ship them), read in batches with pyarrow.

pyarrow is an optional extra (``pip install 'byline[parquet]'``): a corpus without Parquet files never needs
it, and one that has them without it gets each file skipped with a message naming the extra.
"""

from __future__ import annotations

from pathlib import Path

from ..extras import install_hint
from ..models import Skipped
from .common import Rows, Table, unreadable

PARQUET_SUFFIXES = (".parquet", ".parq")

_BATCH = 512


def open_parquet(path: Path, rel: str) -> Table | Skipped:
    """The columns and rows of a Parquet file, or why it cannot be read."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return Skipped(rel, f"reading Parquet needs pyarrow: {install_hint('parquet')}")
    try:
        handle = pq.ParquetFile(path)
    except OSError as exc:
        return Skipped(rel, unreadable(exc) if exc.errno else f"not a readable Parquet file ({exc})")
    except Exception as exc:  # pyarrow raises its own kinds for a damaged or foreign file
        return Skipped(rel, f"not a readable Parquet file ({exc.__class__.__name__}: {exc})")
    columns = list(handle.schema_arrow.names)

    def rows() -> Rows:
        number = 0
        try:
            for batch in handle.iter_batches(batch_size=_BATCH):
                for record in batch.to_pylist():
                    number += 1
                    yield number, record, ()
        except Exception as exc:  # a damaged row group: what was read stays read
            yield number + 1, f"unreadable after row {number} ({exc.__class__.__name__}: {exc})", ()

    return Table(columns, rows())
