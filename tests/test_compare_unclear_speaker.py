"""A shared quote is shown with its speaker, or as "speaker unclear" where the text does not say: never blank."""

from __future__ import annotations

from test_compare import _article, _people

from index.compare import compare
from reader.cli.compare import format_markdown, format_text

QUOTE = "“We will not leave until every family has been reached,”"


def test_a_shared_quote_names_its_speaker_or_says_the_speaker_is_unclear() -> None:
    said = f"Rescue teams kept digging on Tuesday. {QUOTE} Maria Lopez said. The river kept rising all night."
    also_said = f"Rescue teams kept digging into the night. {QUOTE} said Maria Lopez. Roads closed."
    attributed = compare(_article("a", said, tuple(_people(said, "Maria Lopez"))),
                         _article("b", also_said, tuple(_people(also_said, "Maria Lopez"))))
    unattributed = compare(_article("a", f"Rain fell. {QUOTE} Roads closed."),
                           _article("b", f"Rain fell again. {QUOTE} Bridges shut."))
    named, unnamed = attributed.shared_quotes[0], unattributed.shared_quotes[0]
    assert named.speaker == "Maria Lopez" and not unnamed.speaker
    assert f"  [{named.kind}] Maria Lopez\n" in format_text(attributed)
    assert f"- *{named.kind}* — Maria Lopez\n" in format_markdown(attributed)
    assert f"  [{unnamed.kind}] speaker unclear\n" in format_text(unattributed)
    assert f"- *{unnamed.kind}* — speaker unclear\n" in format_markdown(unattributed)
