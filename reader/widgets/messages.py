"""Messages the library's lists post; the screen that owns them decides what happens."""

from __future__ import annotations

from textual.message import Message


class OpenArticle(Message):
    """The reader chose an article to read."""

    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id


class ToggleMark(Message):
    """The reader marked (or unmarked) an article for comparison."""

    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id


class CompareMarked(Message):
    """The reader asked to compare the marked articles; ``article_id`` is the one under the cursor."""

    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id
