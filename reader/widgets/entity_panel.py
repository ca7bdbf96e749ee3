"""The side panel of an article's entities: one row per canonical entity, with its number of mentions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from index import EntitySpan
from reader.safe import one_line
from reader.widgets.article_view import ENTITY_KINDS
from reader.widgets.entity_legend import kind_style
from reader.widgets.lists import PagedOptionList

#: Kinds listed after the names in the panel.
LESSER_KINDS = frozenset(("date", "number"))


@dataclass(frozen=True, slots=True)
class EntityGroup:
    """Every mention of one canonical entity in an article, in reading order."""

    key: str
    name: str
    kind: str
    mentions: tuple[tuple[int, int], ...]


def group_entities(entities: Iterable[EntitySpan]) -> list[EntityGroup]:
    """Mentions grouped by canonical entity (spelling variants of one entity count together): names (people,
    organisations, places, groups) before dates and figures, which a reader follows less ("first 5" is
    mentioned often and says little); within each, most mentioned first, then by kind and name."""
    groups: dict[str, list[EntitySpan]] = {}
    for entity in entities:
        key = entity.entity_id or f"{entity.label}:{entity.text.casefold()}"
        groups.setdefault(key, []).append(entity)
    result = [
        EntityGroup(
            key=key,
            name=spans[0].canonical or spans[0].text,
            kind=spans[0].kind,
            mentions=tuple(sorted((span.start, span.end) for span in spans)),
        )
        for key, spans in groups.items()
    ]
    kind_order = {kind: number for number, kind in enumerate(ENTITY_KINDS)}
    result.sort(key=lambda g: (g.kind in LESSER_KINDS, -len(g.mentions), kind_order.get(g.kind, 99),
                               g.name.casefold()))
    return result


class EntityPanel(PagedOptionList):
    """Lists entity groups; ``enter`` (or a click) asks to jump to the entity's next mention."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="entities.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="entities.up"),
        Binding("g,home", "first", "First", show=False, id="entities.first"),
        Binding("G,end", "last", "Last", show=False, id="entities.last"),
        Binding("enter", "select", "Next mention", show=False, id="entities.jump"),
    ]

    class Jump(Message):
        """The reader wants to see the next mention of ``group``."""

        def __init__(self, group: EntityGroup) -> None:
            super().__init__()
            self.group = group

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._groups: dict[str, EntityGroup] = {}

    def show_groups(self, groups: Sequence[EntityGroup], hidden_kinds: Iterable[str] = ()) -> None:
        """List ``groups``; entities of switched-off kinds are dimmed, not removed, so the list stays put."""
        hidden = set(hidden_kinds)
        highlighted = self.highlighted
        self._groups = {group.key: group for group in groups}
        self.set_options(
            Option(self._prompt(group, group.kind in hidden), id=group.key) for group in groups
        )
        if groups:
            self.highlighted = min(highlighted or 0, len(groups) - 1)

    @staticmethod
    def _prompt(group: EntityGroup, hidden: bool) -> Content:
        swatch = Content(" ").stylize(kind_style(group.kind))
        name = Content(one_line(group.name))
        if hidden:
            name = name.stylize("$text-muted")
        return Content.assemble(swatch, " ", name, (f" {len(group.mentions)}", "$text-muted"))

    @property
    def selected_group(self) -> EntityGroup | None:
        """The highlighted entity, if any."""
        option = self.highlighted_option
        return self._groups.get(option.id) if option is not None and option.id else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and (group := self._groups.get(event.option.id)):
            self.post_message(self.Jump(group))
