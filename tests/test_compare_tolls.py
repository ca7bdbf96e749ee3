"""Which count is an account's toll: found reading the false conflicts compare reported on ECB+'s dev half
(bench/labels/ecbplus_conflicts.json, round 5); the sentences below are invented."""

from __future__ import annotations

from dataclasses import replace

from test_compare import _article

from index.compare import compare
from index.compare.claims import extract_counts
from index.models import EntitySpan


def _toll(text: str) -> list[tuple[str, str, str]]:
    return [(f.text, f.measure, f.group) for f in extract_counts(text, [(0, len(text))]) if f.measure]


def _places(text: str, *names: str) -> tuple[EntitySpan, ...]:
    out = []
    for name in names:
        at = text.index(name)
        out.append(EntitySpan(at, at + len(name), "GPE", name))
    return tuple(out)


_SCHOOL = "Israeli shells hit a UN school in Jabaliya on Tuesday, killing more than 40 people. "


def test_a_smaller_count_beside_the_accounts_own_toll_is_not_compared_outside_counterparts():
    a = _article("a", _SCHOOL + "Doctors said children were among the dead.")
    b = _article(
        "b",
        "More than 40 Palestinians died at the UN school in Jabaliya on Tuesday. "
        "The army insists it was fired on from the school building. "
        "Its claim was undermined when one of its tanks fired on a building used by Israeli troops, killing four.",
    )
    # "four" (of a tank's shot at a building of its own troops) is not the school's toll, which both give alike.
    assert not compare(a, b).conflicts
    # The same sentence as the account's only count is its toll, and disagrees.
    c = _article(
        "c",
        "The army insists it was fired on from the school building in Jabaliya. "
        "Its claim was undermined when one of its tanks fired on the school building, killing four.",
    )
    assert compare(a, c).conflicts


def test_a_count_the_other_accounts_title_gives_agrees_with_it():
    a = _article("a", "A quake hit Papua on Sunday, killing four people and injuring dozens of others.")
    b = _article(
        "b",
        "The quakes were felt across the region on Sunday. "
        "A police spokesman said the quakes had damaged 18 houses in the regency, injuring 11 residents.",
    )
    assert compare(a, b).conflicts  # "dozens" against "11": nothing else says which is the toll
    titled = replace(b, title="Quakes rock Papua, killing four people, injuring dozens")
    # The title gives "dozens" too: the accounts agree on the toll; "11 residents" is one regency's.
    assert not compare(a, titled).conflicts


def test_a_count_joined_to_a_running_total_is_one_too():
    assert _toll(
        "More than 600 Palestinians have been killed so far in the 12 days of the offensive, and around 3,000 have "
        "been wounded."
    ) == [("More than 600 Palestinians", "killed", "palestinian since"), ("around 3,000", "injured", "all since")]


def test_a_place_a_where_clause_tells_of_is_another_incident():
    lead = "Sudanese bombers struck the Yida refugee camp on Thursday, aid workers said. No one was hurt there. "
    a = _article("a", lead + "The army fought rebels in the hills, killing dozens.", published="2011-11-10")
    b = _article(
        "b",
        lead + "Rebels have fought the army in the hills for months. “I pray the world will not just sit by and "
        "watch like it did during Rwanda, where close to a million people were killed,” he said.",
        published="2011-11-14",
    )
    c = compare(a, b)
    assert not c.conflicts and not c.updates


def test_two_articles_with_no_counterpart_and_no_place_in_common_are_not_compared_outside_counterparts():
    camp = "Fighting has driven about 20,000 refugees into the camp at Yida, in South Sudan, since June."
    school = "The school in Gaza was packed with hundreds of people who had fled the fighting of the last days."
    a = _article("a", camp, entities=_places(camp, "Yida", "South Sudan"))
    b = _article("b", school, entities=_places(school, "Gaza"))
    c = compare(a, b)
    assert not c.pairs and not c.conflicts and not c.updates
    # The same articles naming the other's places are two accounts of one story: compared. (Naming only one of
    # them is not enough when each opening names a place the other never writes: "Gaza", "South Sudan".)
    yida = _places(camp, "Yida")
    named = (*yida, EntitySpan(yida[0].start, yida[0].end, "GPE", "South Sudan"))
    d = _article("d", school, entities=_places(school, "Gaza") + named)
    assert compare(a, d).conflicts


def test_a_date_beside_the_same_deed_in_counterparts_is_compared_however_else_they_differ():
    a = _article(
        "a",
        "The communications director for a Republican congressman had to apologize Saturday for a Facebook post "
        "critical of the president's daughters.",
        published="2014-11-30",
    )
    b = _article(
        "b",
        "A Republican staffer on Friday apologized for a Facebook post that criticized the president's daughters "
        "at the turkey pardon.",
        published="2014-11-29",
    )
    c = compare(a, b)
    assert c.pairs and c.pairs[0].evidence.lexical < 0.5
    # Saturday the 29th and Friday the 28th: when she apologized, told two ways by two outlets a day apart.
    assert [(d.what, d.a_text, d.b_text) for d in c.conflicts] == [("date", "Saturday", "Friday")]
    assert not c.differences


def test_a_name_beside_two_dates_does_not_say_they_date_one_deed():
    a = _article(
        "a",
        "The drunk driving arrest will not keep wide receiver Vincent Jackson out of Sunday's playoff game.",
        published="2009-01-13",
    )
    b = _article(
        "b",
        "Wide receiver Vincent Jackson was arrested Tuesday on suspicion of drunk driving.",
        published="2009-01-13",
    )
    c = compare(a, b)
    assert c.pairs and not c.differences


def test_a_count_of_two_measures_joined_is_neither_ones_toll():
    assert _toll("Iraq lost at least 3,000 men killed or wounded in the battle.") == [
        ("at least 3,000 men", "injured or killed", "men")
    ]
    assert _toll("The quake left 1,000 people dead or missing.") == [("1,000 people", "killed or missing", "all")]
    # Two counts, each of its own measure, are not joined: "seven dead and dozens injured".
    assert _toll("Seven people were dead and dozens injured.") == [
        ("Seven people", "killed", "all"), ("dozens", "injured", "all")
    ]
    a = _article("a", "The quake struck Ecuador on March 5. It killed at least 300 people, officials said.",
                 published="1987-03-20")
    b = _article("b", "The quake struck Ecuador on March 5. It left 1,000 people dead or missing, officials said.",
                 published="1987-03-25")
    c = compare(a, b)
    assert not c.conflicts and not c.updates
    # Two accounts giving the joined count are compared as a toll.
    d = _article("d", "The quake struck Ecuador on March 5. It left 400 people dead or missing, officials said.",
                 published="1987-03-20")
    assert [u.what for u in compare(d, b).updates] == ["killed or missing (all)"]


def test_tolls_of_incidents_whose_openings_name_two_places_are_not_compared():
    aceh = (
        "A strong earthquake hit Indonesia's Aceh province on Tuesday, killing at least one person and injuring "
        "dozens. Rescuers searched collapsed buildings through the night."
    )
    papua = (
        "A strong earthquake hit Indonesia's West Papua province on Tuesday, killing five people and injuring "
        "hundreds. Rescuers searched collapsed buildings through the night."
    )
    a = _article("a", aceh, entities=_places(aceh, "Indonesia", "Aceh"))
    b = _article("b", papua, entities=_places(papua, "Indonesia", "West Papua"))
    c = compare(a, b)
    assert c.pairs and not c.conflicts and not c.updates
    # An account that writes the other's place too may tell of the same quake: its tolls are compared.
    sumatra = papua.replace("West Papua", "Sumatra") + " The quake was felt across Aceh."
    d = _article("d", sumatra, entities=_places(sumatra, "Indonesia", "Sumatra", "Aceh"))
    assert compare(a, d).conflicts


def test_one_after_a_modifier_is_a_count_and_an_early_toll_of_one_is_a_later_count():
    """"killing at least one person" counts the dead (while "one of the deadliest" and "one killed" alone stay a
    pronoun); an early account's "at least one" against a later "at least 24 killed" is an update."""
    assert _toll("The quake struck Aceh on Tuesday, killing at least one person.") == [
        ("at least one person", "killed", "all")
    ]
    assert _toll("It was one of the deadliest quakes, and at least one of the dead was a child.") == []
    a = _article("a", "A quake struck Aceh on Tuesday, killing at least one person, officials said.",
                 published="2013-07-02")
    b = _article("b", "At least 24 people were killed by the quake that hit Aceh on Tuesday, officials said.",
                 published="2013-07-03")
    c = compare(a, b)
    assert not c.conflicts and [(u.what, u.a_text, u.b_text) for u in c.updates] == [
        ("killed (all)", "at least one person", "At least 24 people")
    ]
