"""Reading a corpus: folders of articles in the formats news comes in, plus what is said about them beside them.

A corpus is a folder (read recursively) or one file. Each format family has its module:

- :mod:`.text`: ``.txt``/``.md`` files, one article each, titled by their first non-empty line;
- :mod:`.jsonl`: ``.jsonl``/``.jsonl.gz``, one article a line;
- :mod:`.tables`: CSV, TSV (plain or gzipped) and JSON arrays, one article a row, columns found by their usual
  names (:mod:`.records`);
- :mod:`.parquet`: Parquet tables, with the optional ``byline[parquet]`` extra;
- :mod:`.metadata`: the ``byline.toml`` sidecar and metadata tables (``metadata.csv``, ``index.tsv``, ...);
- :mod:`.dates` and :mod:`.outlets`: an article's own date and outlet where no metadata gives them, with where
  each came from.

Nothing here raises on bad input: what cannot be read is reported as a :class:`~index.models.Skipped`
with its reason (and its line or row), and text that is not UTF-8 is decoded with a fallback and flagged.
"""

from .common import MAX_ARTICLE_BYTES, clean_body, clean_metadata, decode_bytes, normalise_newlines, title_of
from .corpus import (
    ARTICLE_SUFFIXES,
    CorpusChanges,
    CorpusScan,
    corpus_changes,
    corpus_file_stats,
    find_corpus_files,
    read_corpus,
    source_file,
)
from .dates import date_in_text, normalise_date, own_date
from .jsonl import JSONL_SUFFIXES, iter_jsonl
from .metadata import (
    METADATA_FIELDS,
    SIDECAR,
    SidecarError,
    is_metadata_file,
    read_corpus_config,
    read_sidecar,
    sidecar_with_entry,
    write_sidecar,
    write_sidecar_entry,
)
from .outlets import outlet_in_text, outlet_of_host
from .records import parse_columns
from .text import TEXT_SUFFIXES, read_text_article

__all__ = [
    "ARTICLE_SUFFIXES",
    "JSONL_SUFFIXES",
    "MAX_ARTICLE_BYTES",
    "METADATA_FIELDS",
    "SIDECAR",
    "TEXT_SUFFIXES",
    "CorpusChanges",
    "CorpusScan",
    "SidecarError",
    "clean_body",
    "clean_metadata",
    "corpus_changes",
    "corpus_file_stats",
    "date_in_text",
    "decode_bytes",
    "find_corpus_files",
    "is_metadata_file",
    "iter_jsonl",
    "normalise_date",
    "normalise_newlines",
    "outlet_in_text",
    "outlet_of_host",
    "own_date",
    "parse_columns",
    "read_corpus",
    "read_corpus_config",
    "read_sidecar",
    "read_text_article",
    "sidecar_with_entry",
    "source_file",
    "title_of",
    "write_sidecar",
    "write_sidecar_entry",
]
