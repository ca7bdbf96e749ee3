"""The help screen: the keys of the screen the reader is on first, then every other key of the reader,
generated from the bindings (with the user's keymap applied) so it cannot drift from them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ItemGrid, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

#: Extra words for keys whose binding description is terse out of context.
TYPING_NOTE = ("F1 opens this help everywhere; ? does too, except in the library's search box, where ? is typed "
               "into the query. On the library, its results and facets, every letter, digit and quote types into the "
               "search (q too: ctrl+q quits there); their commands are arrows, page keys, enter, space and ctrl "
               "keys. tab/shift+tab move between panes.")

#: Section titles where a class's name says less than the place it is (``ArticleView`` is the article text).
SECTION_TITLES = {
    "ArticleTable": "Article list",
    "ResultsList": "Search results",
    "FacetList": "Facets",
    "ArticleView": "Article text",
    "ComparePane": "Compare text",
    "OtherCoverageScreen": "Other coverage",
}

#: Moving about means the same in every list: listed once, where it first appears. Every other key is listed
#: in each section it belongs to, so a screen's section is complete.
MOVEMENT = {"Down", "Up", "Top", "Bottom", "First", "Last", "Page down", "Page up"}


def section_title(cls: type) -> str:
    """``StoriesScreen`` -> ``Stories``, ``EntityPanel`` -> ``Entity panel``."""
    if cls.__name__ in SECTION_TITLES:
        return SECTION_TITLES[cls.__name__]
    words = re.findall(r"[A-Z][a-z0-9]*", cls.__name__.removesuffix("Screen")) or [cls.__name__]
    return " ".join([words[0], *(word.lower() for word in words[1:])])


def own_bindings(node: DOMNode) -> tuple[type, list[BindingType]] | None:
    """The reader's class that gives ``node`` its keys, with them (Textual's own widgets are left out: their
    keys are the usual ones for an input or a list)."""
    for cls in type(node).__mro__:
        if cls.__module__.startswith("reader.") and cls.__dict__.get("BINDINGS"):
            return cls, cls.__dict__["BINDINGS"]
    return None


def screen_sections(screen: DOMNode) -> list[tuple[str, list[BindingType]]]:
    """The keys of ``screen`` and of the reader's widgets on it, screen first, widgets in layout order, each
    titled for the widget it is there (the compare screen's panes are "Compare text", with the article text's
    keys)."""
    sections: list[tuple[str, list[BindingType]]] = []
    seen: set[type] = set()
    for node in [screen, *screen.query("*")]:
        found = own_bindings(node)
        if found is not None and found[0] not in seen:
            seen.add(found[0])
            named = type(node) if type(node).__module__.startswith("reader.") else found[0]
            sections.append((section_title(named), list(found[1])))
    return sections


def binding_rows(bindings: Iterable[BindingType], key_display,
                 keymap: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``(keys, description)`` for each binding, keys as the footer shows them (``j/↓``), remapped by
    ``keymap`` (binding id -> keys) where it names the binding."""
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        key_string = (keymap or {}).get(binding.id or "", binding.key)
        keys = [key.strip() for key in key_string.split(",") if key.strip()]
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
    """Lists every key, by where it applies, the sections of the screen the reader came from first. Any of
    ``escape``, ``q``, ``?`` closes it."""

    #: Its stylesheets (read when first shown: ``BylineApp.push_screen``).
    STYLESHEETS = ("help.tcss",)

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help.up"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Iterable[BindingType]]], *, here: str = "") -> None:
        """``here``: the title of the first section, the screen the reader is on."""
        super().__init__()
        self._sections = sections
        self._here = here

    def compose(self) -> ComposeResult:
        keymap = getattr(getattr(self.app, "settings", None), "keymap", None)
        with VerticalScroll(id="help-body") as body:
            body.border_title = f"Keys: {self._here} first, then the rest" if self._here else "Keys"
            body.border_subtitle = "escape closes"
            with ItemGrid(min_column_width=36, stretch_height=False, id="help-sections"):
                seen: set[tuple[str, str]] = set()
                titles: set[str] = set()
                for title, bindings in self._sections:
                    if title in titles:  # a screen listed first is not listed again among the rest
                        continue
                    titles.add(title)
                    rows = []
                    for row in binding_rows(bindings, self.app.get_key_display, keymap):
                        if row[1] in MOVEMENT and row in seen:
                            continue
                        seen.add(row)
                        rows.append(row)
                    if rows:
                        yield Static(section(title, rows), classes="help-section")
            yield Static(Content(TYPING_NOTE).stylize("$text-muted"), id="help-note")

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
