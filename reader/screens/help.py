"""The help screen: every key of the reader, generated from the bindings so it cannot drift from them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ItemGrid, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

#: Extra words for keys whose binding description is terse out of context.
TYPING_NOTE = ("On the library, its results and facets, every letter, digit and quote types into the search (q too: "
               "ctrl+q quits there); their commands are arrows, page keys, enter, space and ctrl keys. "
               "tab/shift+tab move between panes.")


def binding_rows(bindings: Iterable[BindingType], key_display) -> list[tuple[str, str]]:
    """``(keys, description)`` for each binding, keys as the footer shows them (``j/↓``)."""
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        keys = [key.strip() for key in binding.key.split(",")]
        shown = "/".join(key_display(replace(binding, key=key, key_display=None)) for key in keys)
        rows.append((shown, binding.description or binding.action))
    return rows


def section(title: str, rows: Sequence[tuple[str, str]]) -> Content:
    """A titled block of ``keys  description`` lines, keys aligned."""
    width = max(len(keys) for keys, _ in rows)
    lines = [Content(title).stylize("bold $text-accent")]
    lines.extend(Content.assemble((f" {keys:<{width}}", "bold"), "  ", description) for keys, description in rows)
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """Lists every key, by where it applies. Any of ``escape``, ``q``, ``?`` closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help.up"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        self._sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "escape closes"
            with ItemGrid(min_column_width=36, stretch_height=False, id="help-sections"):
                # Keys that mean the same in several places (j/k, g/G ...) are listed where they first appear.
                seen: set[tuple[str, str]] = set()
                for title, bindings in self._sections:
                    rows = [row for row in binding_rows(bindings, self.app.get_key_display) if row not in seen]
                    seen.update(rows)
                    if rows:
                        yield Static(section(title, rows), classes="help-section")
            yield Static(Content(TYPING_NOTE).stylize("$text-muted"), id="help-note")

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
