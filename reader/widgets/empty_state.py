"""What the library shows when a search finds nothing: what to try next, instead of two empty panes."""

from __future__ import annotations

import re

from textual.content import Content
from textual.widgets import Static

from index import SearchResult
from reader.safe import one_line

#: ``field:value`` and ``field:"a value"`` clauses: the filters a query holds.
_CLAUSE = re.compile(r'-?\w+:(?:"[^"]*"|\[[^\]]*\]|\S+)')
#: Words that make a query more than a name.
_OPERATORS = {"AND", "OR", "NOT"}


def suggestions(result: SearchResult) -> list[tuple[str, str]]:
    """``(what to type, why)`` pairs for a query that found nothing, most useful first."""
    query = result.query.strip()
    tried: list[tuple[str, str]] = []
    if result.suggestion:
        tried.append((result.suggestion, "did you mean this?"))
    clauses = _CLAUSE.findall(query)
    for clause in clauses:
        rest = " ".join(query.replace(clause, " ").split())
        if rest:
            tried.append((rest, f"without the filter {clause}"))
    words = query.split()
    if not clauses and words and not any(w in _OPERATORS or '"' in w or "*" in w or "~" in w for w in words):
        if any(word[:1].isupper() for word in words):
            tried.append((f'entity:"{query}"', "a name in any of its spellings"))
        if len(words) == 1:
            tried.append((f"{query}~", "words spelled like it"))
            tried.append((f"{query}*", "words that begin with it"))
    if len(words) > 1 and not clauses and not any(w in _OPERATORS for w in words):
        tried.append((" OR ".join(words), "any of the words, not all of them"))
    return tried


class NoHits(Static):
    """The empty state of a search: the query that found nothing and what to try instead."""

    DEFAULT_CSS = """
    NoHits { height: 1fr; padding: 1 2; border: round $border-blurred; }
    """

    def show(self, result: SearchResult) -> None:
        lines = [Content.assemble(("No article matches ", "bold"), (one_line(result.query), "bold $text-accent"))]
        tried = suggestions(result)
        if tried:
            lines.append(Content(""))
            lines.append(Content("Try:").stylize("$text-muted"))
            lines.extend(Content.assemble("  ", (one_line(query), "bold"), ("  " + why, "$text-muted"))
                         for query, why in tried)
        lines.append(Content(""))
        lines.append(Content("escape clears the query").stylize("$text-muted"))
        self.update(Content("\n").join(lines))
