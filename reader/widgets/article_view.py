"""The article reader: an article's text, wrapped to the widget, with styled spans drawn from char offsets.

Long articles must scroll smoothly and a key press must not rebuild the document, so this is a
``ScrollView`` that renders only the visible lines (``render_line``) from a cache of strips, like toolong's
log view. The text is wrapped once per width into ``(start, end)`` line ranges; styling is a list of spans
over the original offsets, rebuilt only when a layer changes (an entity label toggled, a match selected),
after which only the lines on screen are drawn again.

Spans come in named layers so other screens can reuse the view: ``entities`` (coloured by label kind),
``matches`` (search matches), ``focus`` (the mention or match the reader is looking at) and any layer a
caller adds with :meth:`ArticleView.set_layer`, e.g. the comparison screen's aligned sentences. A caller
may also give the view a gutter (:meth:`ArticleView.set_gutter`): a few cells left of the text with a marker
beside the lines of a span, such as the number a comparison gives a pair of sentences.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Span, Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from index import EntitySpan
from reader.safe import neutralise

#: The kinds of entity the reader colours, in legend order (see ``index.models.label_kind``).
ENTITY_KINDS: tuple[str, ...] = ("person", "org", "place", "group", "date", "number", "other")


@dataclass(frozen=True, slots=True)
class StyledSpan:
    """One span of a layer: char offsets into the article text and the component class that styles it."""

    start: int
    end: int
    component: str


@dataclass(frozen=True, slots=True)
class GutterMark:
    """A marker in the gutter beside the display lines of ``start:end``: ``label`` beside the first line,
    ``rest`` beside the others, both styled by the component class ``component``."""

    start: int
    end: int
    label: str
    component: str
    rest: str = ""


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of ``text`` to ``width`` cells, as ``(start, end)`` offsets of each display line.

    Offsets (not strings) so styled spans over the original text map straight onto lines. Newlines end a
    line; words longer than the width are folded; trailing spaces stay on the line they follow (they are
    cropped at render time), so every character belongs to exactly one line.
    """
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    position = 0
    for paragraph in text.split("\n"):
        end_of_paragraph = position + len(paragraph)
        line_start = position
        line_cells = 0
        index = position
        while index < end_of_paragraph:
            # One word and the spaces after it.
            word_end = index
            while word_end < end_of_paragraph and text[word_end] != " ":
                word_end += 1
            space_end = word_end
            while space_end < end_of_paragraph and text[space_end] == " ":
                space_end += 1
            word_cells = cell_len(text[index:word_end])
            if line_cells and line_cells + word_cells > width:
                lines.append((line_start, index))
                line_start, line_cells = index, 0
            while word_cells > width:  # fold a word wider than the line
                cut = index
                cells = 0
                while cut < word_end and cells + cell_len(text[cut]) <= width:
                    cells += cell_len(text[cut])
                    cut += 1
                cut = max(cut, index + 1)
                lines.append((line_start, cut))
                # What is left of the word: measured once per fold (not the rest of it again, which took
                # minutes on a megabyte without a space).
                word_cells -= cell_len(text[index:cut])
                index = line_start = cut
            line_cells += word_cells + (space_end - word_end)
            index = space_end
        lines.append((line_start, end_of_paragraph))
        position = end_of_paragraph + 1
    return lines


#: Layers drawn over others where spans overlap; caller-defined layers sit between entities and matches.
_LAYER_RANKS = {"entities": 0, "matches": 2, "focus": 3}


def _layer_rank(name: str) -> int:
    return _LAYER_RANKS.get(name, 1)


class ArticleView(ScrollView, can_focus=True):
    """Scrollable, wrapped article text with layers of styled spans; renders only what is visible."""

    COMPONENT_CLASSES = {
        *(f"article-view--{kind}" for kind in ENTITY_KINDS),
        "article-view--match",
        "article-view--focus",
    }

    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False, id="article.scroll-down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="article.scroll-up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="article.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="article.bottom"),
        Binding("pagedown,space,ctrl+f", "page_down", "Page down", show=False, id="article.page-down"),
        Binding("pageup,b,ctrl+b", "page_up", "Page up", show=False, id="article.page-up"),
    ]

    def __init__(
        self,
        text: str = "",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._text = neutralise(text)
        self._layers: dict[str, list[StyledSpan]] = {}
        self._spans: list[tuple[StyledSpan, int]] = []
        self._span_starts: list[int] = []
        self._longest_span = 0
        self._lines: list[tuple[int, int]] = []
        self._line_starts: list[int] = []
        self._wrap_width = 0
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        self._span_styles_cache: dict[str, Style] = {}
        #: Layers drawn at a rank of the caller's choosing (see :meth:`set_layer`).
        self._ranks: dict[str, int] = {}
        #: Lines wrap at most this many cells wide (0: the widget's width): a reading measure on wide terminals.
        self._reading_width = 0
        self._gutter_width = 0
        self._gutter_marks: list[GutterMark] = []
        #: Display line -> (text, component) of the gutter, for the current wrapping.
        self._gutter_lines: dict[int, tuple[str, str]] = {}

    # -- content --------------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The text shown (neutralised: same length and offsets as the article's text)."""
        return self._text

    def set_text(self, text: str) -> None:
        """Show a new text; clears every layer and gutter mark (their offsets belonged to the old text)."""
        self._text = neutralise(text)
        self._layers.clear()
        self._ranks.clear()
        self._gutter_marks = []
        self._restyle()
        self._wrap_width = 0
        self._rewrap()
        self.scroll_home(animate=False, immediate=True)

    def set_layer(self, name: str, spans: Iterable[StyledSpan], *, rank: int | None = None) -> None:
        """Replace one named layer of styled spans. Where spans overlap, focus beats matches beats caller
        layers beat entities. A span's ``component`` must be one of ``COMPONENT_CLASSES``: a screen that
        needs its own looks subclasses the view, adds its classes there and styles them in the stylesheet.

        ``rank`` places a caller's layer elsewhere in that order (entities 0, caller layers 1, matches 2,
        focus 3): a negative rank draws under the entities, so a background tint leaves their colours on."""
        self._layers[name] = [span for span in spans if span.end > span.start]
        if rank is None:
            self._ranks.pop(name, None)
        else:
            self._ranks[name] = rank
        self._restyle()

    def layer_spans(self, name: str) -> tuple[StyledSpan, ...]:
        """The spans of one layer (empty if it is not set)."""
        return tuple(self._layers.get(name, ()))

    def clear_layer(self, name: str) -> None:
        if self._layers.pop(name, None) is not None:
            self._restyle()

    def set_entities(self, entities: Sequence[EntitySpan], hidden_kinds: Iterable[str] = ()) -> None:
        """Colour entity mentions by label kind, leaving out the kinds the reader switched off."""
        hidden = set(hidden_kinds)
        self.set_layer(
            "entities",
            (
                StyledSpan(entity.start, entity.end, f"article-view--{entity.kind}")
                for entity in entities
                if entity.kind not in hidden
            ),
        )

    def set_matches(self, matches: Sequence[tuple[int, int]]) -> None:
        self.set_layer("matches", (StyledSpan(start, end, "article-view--match") for start, end in matches))

    def reveal(self, start: int, end: int) -> None:
        """Mark ``start:end`` as the span being looked at and scroll it into the middle of the view."""
        self.set_layer("focus", [StyledSpan(start, end, "article-view--focus")])
        line = self.line_of(start)
        self.scroll_to(y=max(0, line - self.scrollable_content_region.height // 2), animate=False)

    def set_gutter(self, marks: Iterable[GutterMark], width: int) -> None:
        """Show ``marks`` in a gutter ``width`` cells wide left of the text (0: no gutter). The text wraps to
        what is left of the width, so offsets, lines and layers keep working as before."""
        self._gutter_marks = sorted(marks, key=lambda mark: mark.start)
        width = max(0, width)
        if width != self._gutter_width:
            self._gutter_width = width
            self._wrap_width = 0  # rewrap to the new text width
            self._ensure_wrapped()
        self._map_gutter()
        self._strips.clear()
        self.refresh()

    @property
    def reading_width(self) -> int:
        """The widest a line of text may wrap to, in cells (0: as wide as the view)."""
        return self._reading_width

    @reading_width.setter
    def reading_width(self, width: int) -> None:
        self._reading_width = max(0, width)
        self._ensure_wrapped()

    def line_of(self, offset: int) -> int:
        """The display line holding char ``offset`` (at the current width)."""
        self._ensure_wrapped()
        return max(0, bisect_right(self._line_starts, offset) - 1)

    @property
    def first_visible_offset(self) -> int:
        """Char offset at the top of the view: where "next match" starts looking."""
        self._ensure_wrapped()
        if not self._lines:
            return 0
        return self._lines[min(self.scroll_offset.y, len(self._lines) - 1)][0]

    # -- styling and wrapping -------------------------------------------------------------------------

    def _restyle(self) -> None:
        ranked = [
            (span, self._ranks.get(name, _layer_rank(name))) for name, layer in self._layers.items() for span in layer
        ]
        ranked.sort(key=lambda item: item[0].start)
        self._spans = ranked
        self._span_starts = [span.start for span, _ in ranked]
        self._longest_span = max((span.end - span.start for span, _ in ranked), default=0)
        self._strips.clear()
        self.refresh()

    def _ensure_wrapped(self) -> None:
        region_width = self.scrollable_content_region.width
        width = max(1, region_width - self._gutter_width) if region_width > 0 else 0
        if width and self._reading_width:
            width = min(width, self._reading_width)
        if width > 0 and width != self._wrap_width:
            self._wrap_width = width
            self._rewrap()

    def _rewrap(self) -> None:
        width = self._wrap_width or 80
        self._lines = wrap_offsets(self._text, width)
        self._line_starts = [start for start, _ in self._lines]
        self._map_gutter()
        self._strips.clear()
        self.virtual_size = Size(width + self._gutter_width, len(self._lines))
        self.refresh()

    def _map_gutter(self) -> None:
        """Which gutter text goes beside which display line, at the current wrapping. Where two marks meet
        on one line, the first label written there wins over any continuation."""
        labels: dict[int, tuple[str, str]] = {}
        rests: dict[int, tuple[str, str]] = {}
        if self._gutter_width and self._lines:
            for mark in self._gutter_marks:
                first = max(0, bisect_right(self._line_starts, mark.start) - 1)
                last = max(first, bisect_right(self._line_starts, max(mark.start, mark.end - 1)) - 1)
                labels.setdefault(first, (mark.label, mark.component))
                for line in range(first + 1, last + 1) if mark.rest else ():
                    rests.setdefault(line, (mark.rest, mark.component))
        self._gutter_lines = rests | labels

    def on_resize(self) -> None:
        self._ensure_wrapped()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._span_styles_cache.clear()
        self._strips.clear()

    # -- rendering ------------------------------------------------------------------------------------

    def _span_style(self, component: str) -> Style:
        """A component's style for a span: with its background blended over the view's when it sets one
        (``$kind-person-background``), else only its own attributes, so a match keeps the entity colour under it."""
        style = self._span_styles_cache.get(component)
        if style is None:
            sets_background = self.get_component_styles(component).has_rule("background")
            style = self.get_component_rich_style(component, partial=not sets_background)
            self._span_styles_cache[component] = style
        return style

    def render_line(self, y: int) -> Strip:
        self._ensure_wrapped()
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        line_number = scroll_y + y
        if line_number >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._strips.get(line_number)
        if strip is None:
            strip = self._render_text_line(line_number, base)
            self._strips[line_number] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, line_number)

    def _render_text_line(self, line_number: int, base: Style) -> Strip:
        start, end = self._lines[line_number]
        plain = self._text[start:end]
        first = bisect_left(self._span_starts, start - self._longest_span)
        last = bisect_left(self._span_starts, end)
        # Rich lets later spans win where they overlap: order by layer so focus beats matches beats entities.
        visible = sorted((item for item in self._spans[first:last] if item[0].end > start), key=lambda i: i[1])
        # The base style as a span of its own: Rich drops ``Text.style`` when it renders a line with no spans.
        spans = [Span(0, len(plain), base)]
        spans.extend(
            Span(
                max(span.start, start) - start,
                min(span.end, end) - start,
                self._span_style(span.component),
            )
            for span, _ in visible
        )
        line = Text(plain, spans=spans, no_wrap=True, end="")
        strip = Strip(line.render(self.app.console), cell_len(plain))
        if not self._gutter_width:
            return strip
        label, component = self._gutter_lines.get(line_number, ("", ""))
        cells = set_cell_size(neutralise(label, keep_newlines=False), self._gutter_width)
        style = base + self._span_style(component) if component else base
        gutter = Text(cells, spans=[Span(0, len(cells), style)], no_wrap=True, end="")
        return Strip.join([Strip(gutter.render(self.app.console), self._gutter_width), strip])
