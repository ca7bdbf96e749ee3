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


def test_the_same_words_given_to_two_people_are_shared_with_the_speaker_unclear() -> None:
    a_text = f"Rescue teams kept digging on Tuesday. {QUOTE} Maria Lopez said. The river kept rising all night."
    b_text = f"Rescue teams kept digging into the night. {QUOTE} said Tom Baker. Roads closed."
    c = compare(_article("a", a_text, tuple(_people(a_text, "Maria Lopez"))),
                _article("b", b_text, tuple(_people(b_text, "Tom Baker"))))
    (match,) = c.shared_quotes
    # One of the two attributions is wrong, and the texts do not say which: neither name is given.
    assert match.kind == "verbatim" and not match.same_speaker and match.speaker == ""


def test_two_peoples_words_that_agree_in_part_are_not_one_quote() -> None:
    a_text = ("The two candidates met in Ohio. “We will protect our workers and defend our factories from every "
              "unfair deal,” Maria Lopez said. The crowd cheered.")
    b_text = ("The rally ended late. “I will protect our workers, and I will defend our factories against the "
              "cheaters,” Tom Baker said. Rain fell.")
    c = compare(_article("a", a_text, tuple(_people(a_text, "Maria Lopez"))),
                _article("b", b_text, tuple(_people(b_text, "Tom Baker"))))
    assert c.shared_quotes == ()
    # The same speaker's words are one statement told twice.
    b_same = b_text.replace("Tom Baker", "Maria Lopez")
    c = compare(_article("a", a_text, tuple(_people(a_text, "Maria Lopez"))),
                _article("b", b_same, tuple(_people(b_same, "Maria Lopez"))))
    assert [(m.kind, m.speaker) for m in c.shared_quotes] == [("paraphrase", "Maria Lopez")]


def test_a_short_quote_is_verbatim_only_word_for_word() -> None:
    a_text = "The company said “Walmart was behind the others” last year. Shares fell."
    b_text = "Workers called it the “Walmart Way” in a letter. Shares rose."
    assert compare(_article("a", a_text), _article("b", b_text)).shared_quotes == ()
    b_inside = "Critics wrote that “Walmart was behind the others” in sales. Shares rose."
    (match,) = compare(_article("a", a_text), _article("b", b_inside)).shared_quotes
    assert match.kind == "verbatim"
