"""Quote speakers: a name only where the text ties it to the quote; "unclear" rather than a wrong name."""

from __future__ import annotations

from test_compare import _people

from index.compare import extract_quotes


def _speakers(text: str, *names: str) -> list[tuple[str, str] | None]:
    return [(q.speaker.name, q.speaker.how) if q.speaker else None for q in extract_quotes(text, _people(text, *names))]


def test_a_title_in_quotes_is_nobodys_words():
    text = "Sen. Dianne Feinstein said on NBC’s “Meet the Press” on Sunday that the panel had begun its work."
    quotes = extract_quotes(text, _people(text, "Dianne Feinstein"))
    assert quotes[0].text == "Meet the Press"
    assert quotes[0].speaker is None and not quotes[0].is_statement


def test_a_quote_attributed_to_someone_unnamed_is_not_the_last_speakers():
    text = (
        "“I intend to move forward on both of these bills,” Harry Reid said.\n\n"
        "“We already have things on the calendar,” said the Democratic staffer, noting the schedule."
    )
    speakers = _speakers(text, "Harry Reid")
    assert speakers[0] == ("Harry Reid", "named")
    assert speakers[1] is None


def test_a_name_that_modifies_a_role_is_not_the_speaker():
    text = "Paul Ryan will speak on Thursday. “He remains grateful for the invitation,” a Ryan spokesman said."
    assert _speakers(text, "Paul Ryan")[0] == ("a Ryan spokesman", "role-unresolved")


def test_a_name_inside_an_apposition_is_not_the_subject():
    text = (
        "Ms. Ingraham, one of the few conservatives to put her muscle behind Mr. Brat, said the results were "
        "“an absolute repudiation of establishment politics.”"
    )
    assert _speakers(text, "Ingraham", "Brat")[0] == ("Ingraham", "named")


def test_she_is_not_a_man_named_by_his_first_name():
    text = (
        "Lois Lerner was asked about the inquiry. Rep. Joseph Crowley asked her if she could "
        "“comment briefly on the status of the investigation.” "
        "She said: “Well, there is a questionnaire that began this discussion.”"
    )
    speakers = _speakers(text, "Lois Lerner", "Joseph Crowley")
    assert speakers[1] != ("Joseph Crowley", "pronoun")


def test_he_stays_unclear_when_another_man_was_just_named():
    text = (
        "The argument confounded Justice Kennedy and drew the ire of Justice Antonin Scalia. "
        "“If somebody tells you how to exercise discretion, you don’t have discretion,” he said."
    )
    assert _speakers(text, "Kennedy", "Antonin Scalia")[0] is None


def test_a_quote_before_but_is_not_the_next_clauses_speakers():
    text = (
        "Some senators called the idea “intriguing,” but Sen. Claire McCaskill said it was a mistake to "
        "nominate him."
    )
    assert _speakers(text, "Claire McCaskill")[0] is None


def test_a_role_inside_a_clause_is_not_the_speaker():
    text = (
        "President Donald Trump spoke on Friday. Mr. diGenova, who has been an adviser to the president through "
        "the inquiry, told reporters: “This is an abuse of power and a vindictive use of arrest.”"
    )
    speaker = extract_quotes(text, _people(text, "Donald Trump"))[0].speaker
    assert speaker is None or speaker.name != "Donald Trump"


def test_a_quote_inside_someone_elses_sentence_continues_no_one():
    text = (
        "By lifting the ban, Ellen DeGeneres said, the president was “encouraging Americans to kill elephants.” "
        "A day later, the Safari Club sent out a “call to arms for every hunter in the country,” urging members "
        "to write to Congress."
    )
    speakers = _speakers(text, "Ellen DeGeneres")
    assert speakers[0] == ("Ellen DeGeneres", "named")
    assert speakers[1] is None


def test_the_president_is_unclear_when_the_article_names_two_presidents():
    text = (
        "Former President Jimmy Carter praised him last year. President Donald Trump met him in May. "
        "“We feel very badly for him,” the president said on Monday."
    )
    speaker = extract_quotes(text, _people(text, "Jimmy Carter", "Donald Trump"))[0].speaker
    assert speaker is not None and speaker.how == "role-unresolved"


def test_a_role_after_a_verb_that_does_not_open_the_attribution_is_not_the_speaker():
    text = (
        "Deputy Director David Bowdich took the decision. The agent's lawyer blasted the bureau on Monday, saying "
        "the deputy director “reversed the decision of the career official responsible for discipline.”"
    )
    speaker = extract_quotes(text, _people(text, "David Bowdich"))[0].speaker
    assert speaker is None or speaker.name != "David Bowdich"


def test_he_is_unclear_after_someone_else_spoke_in_between():
    text = (
        "“We are deeply concerned about this law,” said Mark Emmert. When asked about new protections, the "
        "governor said that he would not seek them. “That is not on my agenda,” he said on Sunday."
    )
    speakers = _speakers(text, "Mark Emmert")
    assert speakers[0] == ("Mark Emmert", "named")
    assert speakers[1] is None
