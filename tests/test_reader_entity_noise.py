"""Entities a reader sees first are names: no "-ic" adjective as a group, no page furniture, no name cut in
two, figures after names in the panel."""

from __future__ import annotations

from index.entities import refine_spans
from index.models import EntitySpan
from reader.widgets.entity_panel import group_entities


def span(text: str, word: str, label: str, nth: int = 0) -> EntitySpan:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return EntitySpan(start, start + len(word), label, word)


def names(spans) -> list[tuple[str, str]]:
    return [(s.text, s.label) for s in spans]


def test_an_ic_adjective_is_no_group() -> None:
    text = "An Islamic government was formed. The Taliban, an Islamic militant group, and Afghans."
    spans = [span(text, "Islamic", "NORP"), span(text, "Taliban", "ORG"), span(text, "Islamic", "NORP", 1),
             span(text, "Afghans", "NORP")]
    assert names(refine_spans(text, spans)) == [("Taliban", "ORG"), ("Afghans", "NORP")]
    assert names(refine_spans(text, spans, frozenset({"Islamic"})))[0] == ("Islamic", "NORP")  # the alias file


def test_a_label_line_of_a_page_is_no_name() -> None:
    text = "Subscribe to our newsletter\nInvalid email address\nThanks for subscribing!\n\nMujahid spoke."
    spans = [span(text, "Invalid", "ORG"), span(text, "Mujahid", "PERSON")]
    assert names(refine_spans(text, spans)) == [("Mujahid", "PERSON")]


def test_a_caption_naming_someone_the_text_names_keeps_the_name() -> None:
    text = "Mujahid speaking\n\nThe spokesman Mujahid said the attacks would end."
    spans = [span(text, "Mujahid", "PERSON"), span(text, "Mujahid", "PERSON", 1)]
    assert len(refine_spans(text, spans)) == 2


def test_a_name_cut_in_two_is_joined() -> None:
    text = "SpaceX flew the Falcon Heavy on Tuesday, and Kabul, Kandahar stayed quiet."
    spans = [span(text, "SpaceX", "ORG"), span(text, "Falcon", "PRODUCT"), span(text, "Heavy", "PRODUCT"),
             span(text, "Kabul", "GPE"), span(text, "Kandahar", "GPE")]
    assert names(refine_spans(text, spans)) == [("SpaceX", "ORG"), ("Falcon Heavy", "PRODUCT"), ("Kabul", "GPE"),
                                                ("Kandahar", "GPE")]


def test_an_acronym_beside_a_name_is_not_joined() -> None:
    text = "Taliban soldiers in search of IS Taliban soldiers armed with rifles"
    spans = [span(text, "Taliban", "ORG"), span(text, "IS", "ORG"), span(text, "Taliban", "ORG", 1)]
    assert names(refine_spans(text, spans)) == [("Taliban", "ORG"), ("IS", "ORG"), ("Taliban", "ORG")]


def test_figures_come_after_names_in_the_entity_panel() -> None:
    text = "first 5 first 5 first 5 three 5 three 5 Taliban Kabul Taliban"
    spans = [span(text, "first 5", "ORDINAL", n) for n in range(3)] + \
        [span(text, "three 5", "CARDINAL", n) for n in range(2)] + \
        [span(text, "Taliban", "ORG"), span(text, "Kabul", "GPE"), span(text, "Taliban", "ORG", 1)]
    assert [group.name for group in group_entities(spans)] == ["Taliban", "Kabul", "first 5", "three 5"]
