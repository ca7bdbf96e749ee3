"""The reader's option list: Textual's, with page keys that are safe when the list has no room.

Textual 8.2's ``OptionList`` raises ``KeyError`` on page up/down while the list has no height (it lays out no
lines then, and ``_move_page`` looks one up): a list squeezed away by a small terminal crashed the whole
reader at a key press. Every list in the reader is one of these.
"""

from __future__ import annotations

from textual.widgets import OptionList


class PagedOptionList(OptionList):
    """An ``OptionList`` whose page keys do nothing while it has no room to page through."""

    def action_page_down(self) -> None:
        if self.scrollable_content_region:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self.scrollable_content_region:
            super().action_page_up()
