"""What a count is a claim about: found reading the false conflicts compare reported on ECB+'s dev half with every
pair of its stories (bench/labels/ecbplus_conflicts.json, round 6), on Reuters pairs of one place within three
days, and (ages, populations, an earlier event pointed back at) in classes the lead first noticed on the test half;
the sentences below are invented."""

from __future__ import annotations

from test_compare import _article

from index.compare import compare
from index.compare.claims import extract_counts


def _toll(text: str) -> list[tuple[str, str, str]]:
    return [(f.text, f.measure, f.group) for f in extract_counts(text, [(0, len(text))]) if f.measure]


def test_an_age_shared_by_the_people_counted_is_not_a_count():
    # "both 51" is how old they were; the count is "two teachers".
    assert _toll("Two teachers, both 51, were killed in the attack on the school.") == [
        ("Two teachers", "killed", "teacher")
    ]
    assert _toll("The victims, both aged 19, died at the scene.") == []


def test_the_population_of_a_place_is_not_a_toll():
    assert _toll("At least 30 people died in Dinar, a town of 500,000.") == [("At least 30 people", "killed", "all")]
    assert _toll("The storm flooded Tacloban, a city of about 220,000 people, and killed 12.") == [
        ("12", "killed", "all")
    ]
    # A place "home to" people counted by their measure still counts them.
    assert _toll("The camp is home to more than 22,000 refugees.") == [("more than 22,000", "displaced", "all")]


def test_a_sum_of_money_or_a_number_of_games_counts_no_one():
    assert _toll("He drew a two month jail sentence and a 25,000 dlr fine.") == []
    assert _toll("The running back was placed on injured reserve and will miss the final two games.") == []


def test_a_count_since_an_event_or_over_several_nights_is_a_running_total():
    assert _toll("Since the shooting, over 50 arrests have been made.") == [("over 50", "arrested", "all since")]
    assert _toll("Police made 46 arrests over four nights of protest.") == [("46", "arrested", "all since")]
    # A weekday is the day of one incident, not the start of a running total.
    assert _toll("Since Monday, 12 people have been arrested.") == [("12 people", "arrested", "all")]
    lead = "Protesters marched again in Flatbush on Wednesday after the shooting of a teenager by police. "
    a = _article("a", lead + "Since the shooting, over 50 arrests have been made over four nights of protest.")
    b = _article("b", lead + "By the end of the night, 46 people had been arrested in Flatbush.")
    assert not compare(a, b).conflicts


def test_an_earlier_event_pointed_back_at_with_another_month_is_not_the_storys():
    a = _article("a", "A strong quake struck Aceh on Tuesday, killing 24 people and flattening homes in the hills.")
    b = _article(
        "b",
        "A strong quake struck Aceh on Tuesday, flattening homes in the hills. "
        "That quake in September flattened homes in the hills of Aceh and killed 300 people.",
    )
    assert not compare(a, b).conflicts and not compare(a, b).updates
    # Without the month, "that quake" may be the story's own: it is still compared.
    c = _article("c", b.text.replace(" in September", ""))
    assert compare(a, c).conflicts or compare(a, c).updates


def test_a_count_equal_to_a_part_the_other_side_gives_is_that_part():
    a = _article("a", "Five Israeli soldiers were killed in Gaza on Wednesday, four from friendly fire.")
    b = _article("b", "Four Israeli soldiers were killed by friendly fire in Gaza on Wednesday.")
    assert not compare(a, b).conflicts
    c = _article("c", "Eight Israeli soldiers were killed by friendly fire in Gaza on Wednesday.")
    assert compare(a, c).conflicts


def test_a_count_said_earlier_is_an_update_when_the_articles_own_later_count_agrees():
    a = _article("a", "Israeli shells hit a UN school in Jabaliya on Tuesday, killing at least 40 people.")
    b = _article(
        "b",
        "Doctors said 42 people were killed when shells hit the UN school in Jabaliya on Tuesday. "
        "The school was full of families sheltering from the fighting. "
        "The UN said earlier that it had confirmed 30 dead.",
    )
    c = compare(a, b)
    assert not c.conflicts
    assert [(u.a_text, u.b_text) for u in c.updates] == [("at least 40 people", "30")]
    # Not said to be earlier: the smaller count beside the article's own toll is left out, as before.
    plain = _article("p", b.text.replace("The UN said earlier that it had confirmed", "The UN confirmed"))
    p = compare(a, plain)
    assert not p.conflicts and not p.updates


_STORY = "A strong quake struck Qeshm island in southern Iran on Sunday, killing 10 people and flattening villages."


def _recalled(*sentences: str, stamp: str = "") -> tuple:
    """The story told plainly, and told with ``sentences`` about the island added (after a stamp line)."""
    a = _article("a", _STORY)
    b = _article("b", (stamp + ".\n" if stamp else "") + _STORY.replace("killing 10 people and ", "") + " "
                 + " ".join(sentences))
    return a, compare(a, b)


def test_an_earlier_temblor_pointed_back_at_is_not_the_storys():
    _, c = _recalled("That temblor killed six people on Qeshm island in southern Iran and flattened villages in "
                     "September.")
    assert not c.conflicts and not c.updates


def test_the_last_quake_recalled_and_the_sentence_going_on_about_it_are_not_the_storys():
    _, c = _recalled("The last major quake to hit southern Iran was in March, when a temblor flattened villages.",
                     "It killed 600 people on the mainland.")
    assert not c.conflicts and not c.updates
    # The story's own quake told again in the next sentence is still compared.
    _, c = _recalled("The quake flattened villages on Qeshm island.", "It killed 600 people on the island.")
    assert c.conflicts or c.updates


def test_a_quake_years_before_that_a_sentence_recalls_is_not_the_storys():
    _, c = _recalled("The island was hit almost two years after a quake flattened villages in southern Iran and "
                     "killed 600 people.")
    assert not c.conflicts and not c.updates


def test_an_articles_dateline_dates_it_so_a_quake_in_another_month_is_another_event():
    recalled = "In February, a quake flattened villages in southern Iran, killing 600 people."
    for stamp in ("Nov 28, 2005", "Posted 11 / 27 / 2005 7:21 AM"):
        _, c = _recalled(recalled, stamp=stamp)
        assert not c.conflicts and not c.updates, stamp
    # In a story of February, February is the story's own month.
    _, c = _recalled(recalled, stamp="Feb 28, 2005")
    assert c.conflicts or c.updates


def test_counts_listed_after_a_count_that_add_up_to_it_are_its_parts():
    sentence = ("At least 12 of one family, seven children aged from one to 12, three women and two men, were killed "
                "in an air strike on their house in Gaza City.")
    assert [group for _, _, group in _toll(sentence)] == ["part"]
    assert _toll("The blast killed 15 people: eight Iraqis, four Americans and three Britons.") == [
        ("15 people", "killed", "all")
    ]
    a = _article("a", sentence)
    b = _article("b", "Three men were killed in an air strike on their house in Gaza City.")
    assert not compare(a, b).conflicts
    # A list that does not add up to the count before it is not its parts: each is still a count of its own.
    text = "The blast killed 20 people: eight Iraqis, four Americans and three Britons."
    groups = [f.group for f in extract_counts(text, [(0, len(text))]) if f.kind == "count"]
    assert groups == ["all", "iraqi", "us", "uk"]


def test_people_who_arrived_are_not_compared_with_how_many_live_there():
    arrived = _article("a", "Thousands of people who have fled fighting in Sudan have crossed the border to take "
                            "refuge at the Yida camp.")
    living = _article("b", "At least 15,000 refugees who fled fighting in Sudan are living in the Yida camp.")
    assert not compare(arrived, living).conflicts
    # Two counts of those living there still disagree.
    fewer = _article("c", "About 4,000 refugees who fled fighting in Sudan are living in the Yida camp.")
    assert compare(fewer, living).conflicts


def test_a_measure_word_with_a_count_of_its_own_is_not_the_count_before_its():
    # Three were shot; two of them were killed.
    assert _toll("The woman who shot three co-workers, killing two, has been charged with murder.") == [
        ("two", "killed", "all")
    ]
    a = _article("a", "The woman who allegedly shot three co-workers — killing two — at the plant has been charged.")
    b = _article("b", "A woman shot and killed two co-workers at the plant, police said.")
    assert not compare(a, b).conflicts
    c = _article("c", "A woman shot and killed four co-workers at the plant, police said.")
    assert compare(b, c).conflicts


def test_a_dash_with_no_spaces_before_a_number_word_opens_an_apposition():
    # The three workers were two women and a man: no count of three women.
    assert [f.group for f in extract_counts(*_whole("The three bank workers-two women and a man-were killed."))] == [
        "worker"
    ]
    a = _article("a", "Police said at least three people, a man and two women, were killed in the fire at the bank.")
    b = _article("b", "The three bank workers-two women and a man-were killed in the fire at the bank.")
    assert not compare(a, b).conflicts
    assert [f.text for f in extract_counts(*_whole("Twenty-two people were killed."))] == ["Twenty-two people"]


def _whole(text: str) -> tuple[str, list[tuple[int, int]]]:
    return text, [(0, len(text))]


def test_half_a_million_is_half_of_a_million():
    (count,) = extract_counts(*_whole("The quake left nearly half a million people homeless."))
    assert (count.text, count.low, count.high) == ("nearly half a million people", 400_000, 499_999)
    a = _article("a", "The quake in the mountains left nearly half a million people homeless.")
    b = _article("b", "The quake in the mountains left 450,000 people homeless.")
    assert not compare(a, b).conflicts


def test_the_sentence_after_one_about_another_incident_that_opens_on_it_goes_on_about_it():
    a = _article("a", "A strong quake struck Qeshm island on Sunday, flattening villages and leaving 300 homeless.")
    b = _article(
        "b",
        "A strong quake struck Qeshm island on Sunday, flattening villages. Rescue teams reached the island by boat. "
        "On Saturday, a quake in eastern China flattened villages and killed more than a dozen people. "
        "It flattened villages and left nearly half a million people homeless.",
    )
    assert not compare(a, b).conflicts and not compare(a, b).updates
    # After a sentence of the story's own, "It" is the story's quake: still compared.
    c = _article("c", b.text.replace("On Saturday, a quake in eastern China flattened villages and killed more than a "
                                     "dozen people. ", ""))
    assert compare(a, c).conflicts or compare(a, c).updates
