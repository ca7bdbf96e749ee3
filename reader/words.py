"""Counts in words: ``counted(1, "entity")`` is "1 entity", ``counted(2, "entity")`` "2 entities"."""

from __future__ import annotations

#: Plurals English does not form by adding "s".
IRREGULAR = {"entity": "entities", "story": "stories", "match": "matches", "copy": "copies", "was": "were",
             "this": "these", "difference": "differences"}


def plural(word: str) -> str:
    """The plural of ``word`` (the reader's own nouns: entity, story, article, match ...)."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def counted(number: int, word: str, words: str | None = None) -> str:
    """``number`` and ``word``, in the plural unless there is exactly one (``1,234 articles``)."""
    return f"{number:,} {word if number == 1 else words or plural(word)}"
