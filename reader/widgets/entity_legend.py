"""The legend of entity colours, one entry per label kind, showing which kinds are switched on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.content import Content
from textual.widgets import Static

from reader.widgets.article_view import ENTITY_KINDS

#: Each kind in words, where a reader sees one kind on its own.
KIND_WORDS = {"person": "person", "org": "organisation", "place": "place", "group": "group (nationality, "
              "religion, politics)", "date": "date or time", "number": "number or quantity", "other": "other name"}


def kind_style(kind: str) -> str:
    """The style a kind's swatch uses everywhere outside the article text (legend, entity panel)."""
    return f"$text on $kind-{kind}-background"


class EntityLegend(Static):
    """``1 person  2 org  3 place …``: the number is the key that toggles the kind; off kinds are struck out.

    Each entry is clickable; the click runs ``screen.toggle_kind('<kind>')``, so the screen that shows the
    legend decides what toggling means.
    """

    DEFAULT_CSS = """
    EntityLegend { height: auto; }
    """

    def show_kinds(self, counts: Mapping[str, int], hidden: Iterable[str]) -> None:
        """Redraw for the kinds present (``counts``: mentions per kind) and those switched off."""
        hidden = set(hidden)
        parts: list[Content] = []
        for number, kind in enumerate(ENTITY_KINDS, start=1):
            count = counts.get(kind, 0)
            label = Content(f" {kind} {count} ")
            label = label.stylize("strike $text-muted" if kind in hidden else kind_style(kind))
            entry = Content.assemble((f"{number}", "bold $text-accent"), label)
            parts.append(entry.stylize(f"@click=screen.toggle_kind('{kind}')"))
        self.update(Content(" ").join(parts))
