"""Facet counts of a search (by source, by entity); choosing one narrows the query with its clause."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from index import FacetCount
from reader.safe import one_line
from reader.widgets.lists import PagedOptionList

#: Headings for the facets the engine returns; unknown facets are titled by their name.
FACET_TITLES = {"source": "Sources", "entity": "Entities"}


class FacetList(PagedOptionList):
    """``enter`` on a facet adds its clause to the query (or takes it out again if it is already there)."""

    BINDINGS = [
        Binding("down", "cursor_down", "Down", show=False, id="facets.down"),
        Binding("up", "cursor_up", "Up", show=False, id="facets.up"),
        Binding("home", "first", "First", show=False, id="facets.first"),
        Binding("end", "last", "Last", show=False, id="facets.last"),
        Binding("enter", "select", "Narrow", id="facets.narrow"),
    ]

    class Chosen(Message):
        """The reader chose the facet whose query clause is ``clause``."""

        def __init__(self, clause: str) -> None:
            super().__init__()
            self.clause = clause

    def show_facets(self, facets: Mapping[str, Sequence[FacetCount]], active: Sequence[str] = ()) -> None:
        """List ``facets``; those whose clause is already in the query (``active``) are ticked."""
        options: list[Option | None] = []
        for name, counts in facets.items():
            # Largest first, then by name: a stable order, whatever order the engine breaks ties in.
            usable = sorted((c for c in counts if c.clause), key=lambda c: (-c.count, c.value.casefold()))
            if not usable:
                continue
            if options:
                options.append(None)
            options.append(Option(Content(FACET_TITLES.get(name, name.title())).stylize("bold"), disabled=True))
            for count in usable:
                tick = "✓ " if count.clause in active else "  "
                prompt = Content.assemble(tick, one_line(count.value), (f" {count.count}", "$text-muted"))
                options.append(Option(prompt, id=count.clause))
        self.set_options(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))
