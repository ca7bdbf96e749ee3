"""Figures that differ but may not count the same thing ("figures differ"): listed apart from conflicts, with
both sentences, in the text and Markdown of `byline compare` and on the compare screen."""

from __future__ import annotations

import pytest
from test_compare_screen import prompts, reader, settle, status
from textual.widgets import OptionList

from conftest import write_files
from index import Library, open_library
from reader.cli import main
from reader.screens.compare import CompareScreen
from reader.screens.compare_details import CompareDetailsScreen

A_TAX = "The firm paid $43 million in federal taxes, its filing shows."
B_TAX = "The firm paid $90 million in federal taxes, its filing shows."


@pytest.fixture(scope="module")
def tax_pair(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """Two outlets' accounts of one filing whose sums of money disagree (spaCy runs once, for this module)."""
    root = tmp_path_factory.mktemp("differs")
    shared = "Acme Corp filed its annual report with regulators in Washington on Monday."
    corpus = write_files(root / "corpus", {
        "one.txt": f"Acme files its report\n\n{shared} {A_TAX} Analysts were surprised.\n",
        "two.txt": f"Acme report filed\n\n{shared} {B_TAX} Shares were flat.\n",
    })
    with open_library(corpus, index_dir=root / "idx") as library:
        library.build()
        yield library


def _ids(library: Library) -> list[str]:
    return sorted(summary.id for summary in library.articles())


def test_the_text_and_markdown_list_differences_apart_from_conflicts(tax_pair: Library, capsys) -> None:
    a, b = _ids(tax_pair)
    comparison = tax_pair.compare(a, b)
    assert not comparison.conflicts and [d.kind for d in comparison.differences] == ["differs"]
    assert comparison.summary.differences == 1 and comparison.to_dict()["summary"]["differences"] == 1
    location = ["--index-dir", str(tax_pair.index_dir), "--corpus", str(tax_pair.corpus)]
    assert main(["compare", a, b, *location]) == 0
    text = capsys.readouterr().out
    assert "Conflicting figures: 0" in text and "Figures that differ: 1" in text
    listed = text.split("FIGURES THAT DIFFER (1")[1]
    assert "43 million" in listed and "90 million" in listed
    assert "$43 million in federal taxes" in listed and "$90 million in federal taxes" in listed
    assert main(["compare", a, b, "--format", "markdown", *location]) == 0
    markdown = capsys.readouterr().out
    assert "## Figures that differ" in markdown and "**Figures that differ:** 1" in markdown


async def test_the_compare_screen_marks_steps_to_and_lists_a_difference(tax_pair: Library) -> None:
    app = reader(tax_pair)
    async with app.run_test(size=(120, 30)) as pilot:
        app.action_compare(*_ids(tax_pair))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        differs = screen.comparison.differences[0]
        assert "1 figure differs" in str(screen.query_one("#compare-summary").render())
        # Marked in both panes, in its own style (not a conflict's).
        assert [(s.start, s.end, s.component) for s in screen.pane("a").layer_spans("conflicts")] == [
            (*differs.a_span, "compare-pane--differs")
        ]
        # n stops at it, and the status line says what differs, not that it conflicts.
        sentence = screen.comparison.figures_a[differs.a].sentence
        for _ in range(len(screen.differences("a"))):
            await pilot.press("n")
            if screen.position == ("a", sentence):
                break
        assert screen.position == ("a", sentence)
        shown = status(screen)
        assert "figures differ" in shown and "≠" in shown and "⚠" not in shown
        await pilot.press("i")
        details = app.screen
        assert isinstance(details, CompareDetailsScreen)
        listing = prompts(details.query_one(OptionList))
        assert "Conflicting figures: none" in listing
        assert "Figures that differ, maybe not counting the same thing (1)" in listing
        assert "$43 million in federal taxes" in listing and "$90 million in federal taxes" in listing
