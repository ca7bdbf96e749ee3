"""Searching: Whoosh's query language with friendly fields, entity expansion, snippets as offsets.

Query language (Whoosh's): ``AND``/``OR``/``NOT``, ``"phrases"``, ``field:term``, ``term~`` (fuzzy),
``prefix*``, ``date:[2021-08-01 TO 2021-08-31]``, with these fields:

``title:`` ``source:`` ``date:`` (``published:``) ``language:`` ``entity:`` ``person:`` ``org:`` ``place:``
``group:``.

Entity fields match canonical entities: ``entity:"Sabihullah Mujahid"`` finds every article that names him in
any spelling the corpus uses, because the name is expanded into all the surface forms of its entity here, at
query time, each searched as the kind it is tagged (``entity:`` takes entities of every kind, not the dates and
numbers written the same way), as each article reads it. A query Whoosh would silently misread (an open quote,
an unknown field, a dangling ``AND``) is refused with a :class:`QueryError` that says where.

All Whoosh reading lives in this package, a module a stage: :mod:`.query` (checking and parsing what was
typed), :mod:`.terms` (a field's terms, fuzzy words and prefixes summed per document, columns read in one
piece), :mod:`.searcher` (running a query: hits, facets, suggestions) and :mod:`.snippets` (highlights as
offsets, fragments).
"""

from ..lazy import hashlib_md5_only, stand_in, standing_in

# Whoosh imports ``random`` (to name files it writes, to sample clusters) and ``calendar`` (for date ranges with a
# day past a month's end): 3 ms of a search process, which does none of these. While Whoosh's modules are imported
# here they get stand-ins that import the real modules when used. Its hash files (the term dictionary, opened
# with the index) are imported here too, to get ``md5`` from :func:`~index.lazy.hashlib_md5_only`.
with standing_in({**{name: stand_in(name, ()) for name in ("calendar", "random")}, **hashlib_md5_only()}):
    import whoosh.filedb.filetables
    import whoosh.searching
    import whoosh.util.times  # noqa: F401

from .query import MAX_QUERY_CHARS, IncompleteQuery, parse, validate
from .searcher import Searcher
from .terms import FieldTerms, WordFuzzy, WordPrefix, column_values, field_terms

__all__ = ["MAX_QUERY_CHARS", "FieldTerms", "IncompleteQuery", "Searcher", "WordFuzzy", "WordPrefix",
           "column_values", "field_terms", "parse", "validate"]
