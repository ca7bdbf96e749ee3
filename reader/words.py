"""Words the reader shows: counts (``counted(1, "entity")`` is "1 entity", ``counted(2, "entity")`` "2 entities"),
and who said a quote."""

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


#: Said of a quote whose text does not say who spoke (a wrong name is worse than none).
SPEAKER_UNCLEAR = "speaker unclear"


def speaker_or_unclear(speaker: str | None) -> str:
    """Who said a quote, as the reader shows it: the name, or "speaker unclear" when the text does not say."""
    return speaker or SPEAKER_UNCLEAR
