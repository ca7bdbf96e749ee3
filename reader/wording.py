"""How the reader and the command line write counts: "1 story", "2 stories", "1 source", "1,204 articles"."""

from __future__ import annotations


def counted(number: int, one: str, many: str | None = None) -> str:
    """``number`` and the noun in the form that agrees with it (``many`` defaults to ``one + "s"``)."""
    return f"{number:,} {one if number == 1 else many or one + 's'}"
