"""The line atop every screen: the icon, then the title and subtitle centred ("Byline — reuters · 19,043 articles").

It draws what Textual's ``Header`` draws, cell for cell, as one widget where ``Header`` composes four (icon, title,
clock space) and retitles itself four times on mounting: a tenth of the library's first frame, which the reader's
start-up is measured by (bench: start-up). A click on the icon opens the command palette, as on ``Header``.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widget import Widget

#: The icon at the left, and the cells ``Header`` gives it (with one of padding each side) and its clock space.
ICON = "⭘"
ICON_WIDTH = 8
CLOCK_WIDTH = 10


class TitleBar(Widget):
    """The screen's title (else the app's) and subtitle, centred between the icon and an empty clock space."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self.refresh, init=False)
            self.watch(node, "sub_title", self.refresh, init=False)

    def render(self) -> Content:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        width = self.size.width
        room = max(width - ICON_WIDTH - CLOCK_WIDTH, 0)
        text = app.format_title(title, sub_title).truncate(room, ellipsis=True)
        left = (room - text.cell_length) // 2
        icon = f" {ICON}" + " " * (ICON_WIDTH - 1 - cell_len(ICON))
        right = width - ICON_WIDTH - left - text.cell_length
        return Content.assemble(icon, " " * left, text, " " * right).truncate(width)

    def on_click(self, event: events.Click) -> None:
        """A click on the icon opens the command palette."""
        if event.x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            self.app.action_command_palette()
