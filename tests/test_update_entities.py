"""An update that names someone new regroups only the names it can reach, and gives the entities regrouping every
name gives: new names, names gone, a name joining a group, a group split, a word becoming too common to match
spellings on, with and without the reader's corrections and the alias file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import annotation, write_files
from index import Annotation, EntitySpan, open_library, store
from index.aliases import AliasEntity, Aliases, Drop, Merge, Split, load_aliases
from index.entities import EntityRegistry, SurfaceTable
from index.entities import resolve as resolution
from index.entities import update as updating
from index.entities.resolve import resolve_table
from index.entities.update import resolve_update


def defining(long_form: str, acronym: str, label: str) -> Annotation:
    """An article writing "Long Form (ACRONYM)": the acronym two characters after its long form."""
    end = len(long_form)
    return Annotation(entities=(EntitySpan(0, end, label, long_form),
                                EntitySpan(end + 2, end + 2 + len(acronym), label, acronym)))


_SYLLABLES = ("ka", "lo", "mi", "ne", "pu", "ro", "sa", "ti", "vu", "ze", "bo", "du")


def filler(number: int) -> Annotation:
    """An article of names no other article uses (so an update reaches a small part of the table)."""
    word = "".join(_SYLLABLES[(number // 12 ** k) % 12] for k in range(3)).capitalize()
    return annotation((f"Dr {word} Qx{number}", "PERSON"), (f"{word}qua Holdings", "ORG"), (f"Vel{word}", "GPE"))


def corpus() -> dict[str, Annotation]:
    articles = {
        "smith-1": annotation(("John Smith", "PERSON"), ("Smith", "PERSON")),
        "smith-2": annotation(("Jane Smith", "PERSON"), ("Smith", "PERSON")),
        "smith-3": annotation(("Smith", "PERSON"), ("Kabul", "GPE")),
        "khorasan-1": annotation(("Khorasan", "GPE"), ("Kabul", "GPE")),
        "khorasan-2": annotation(("Khorasan", "GPE"), ("Kabul", "ORG")),
        "mca-1": defining("Monetary Compensatory Amounts", "MCA", "ORG"),
        "mca-2": annotation(("MCA Inc", "ORG"), ("MCA", "ORG")),
        "texaco": annotation(("Texaco Inc", "ORG"), ("Texaco", "ORG"), ("Kabul", "GPE")),
        "daesh": annotation(("Daesh", "GPE"), ("IS", "ORG"), ("Islamic State", "ORG")),
        "northern": annotation(("Northern Alliance", "ORG"), ("Kabul", "GPE")),
        "northern-2": annotation(("Northern Alliance", "ORG")),
        "northern-3": annotation(("Northern Aliance", "ORG")),
        "mistag": annotation(("Co Inc", "ORG"), ("mosques", "FAC"), ("Revs", "ORG")),
        "lyng-1": annotation(("Richard Lyng", "PERSON"), ("Lyng", "ORG")),
        "lyng-2": annotation(("Richard Lyng", "PERSON"), ("Lyng", "ORG")),
        "lyng-3": annotation(("Lyng", "ORG")),
        "lyng-5": annotation(("Lyng", "ORG"), ("Kabul", "GPE")),
        "us-1": annotation(("United States", "GPE"), ("U.S.", "GPE")),
        "us-2": annotation(("U.S.", "GPE"), ("United States", "GPE")),
        "us-3": annotation(("U.S.", "GPE"), ("Upper Silesia", "GPE")),
        "mattis": annotation(("James Mattis", "PERSON"), ("Mattis", "PERSON")),
        "bush-1": annotation(("George W. Bush", "PERSON")),
        "bush-2": annotation(("George Bush", "PERSON"), ("Bush", "PERSON")),
        "dems": annotation(("Democrats", "NORP"), ("Kabul", "GPE")),
        "kelly": annotation(("John F. Kelly", "PERSON")),
        "felt": annotation(("Mark Felt", "PERSON")),
        "nfl-1": annotation(("Reggie Bush", "PERSON"), ("Bush", "PERSON"), ("Saints", "ORG"), ("NFL", "ORG")),
        "nfl-2": annotation(("Reggie Bush", "PERSON"), ("Bush", "PERSON"), ("Saints", "ORG"), ("NFL", "ORG")),
        "esa-1": annotation(("George W. Bush", "PERSON"), ("Endangered Species Act", "LAW"), ("Interior", "ORG")),
        "esa-2": annotation(("Bush", "PERSON"), ("Endangered Species Act", "LAW"), ("Interior", "ORG")),
        "esa-3": annotation(("Bush", "PERSON"), ("Endangered Species Act", "LAW"), ("Interior", "ORG")),
        "chirp-1": annotation(("Chirper", "PERSON"), ("Kabul", "GPE")),
        "chirp-2": annotation(("Chirper", "PERSON"), ("Chirper", "ORG")),
        "gazette-1": annotation(("Gazette", "PERSON"), ("Gazette", "ORG")),
    }
    # 48 organisations sharing the word "northern": two more and it is too common to match spellings on.
    articles |= {f"north-{n}": annotation((f"Northern {word.capitalize()}works", "ORG"))
                 for n, word in enumerate(f"{a}{b}" for a in _SYLLABLES for b in _SYLLABLES[:4])}
    articles |= {f"filler-{n}": filler(n) for n in range(150)}
    return articles


#: Each edit: articles removed (by id) and articles added or changed (id -> annotation).
EDITS = {
    "a new name": ((), {"merkel": annotation(("Angela Merkel", "PERSON"), ("Berlin", "GPE"))}),
    "a name joins a group by its spelling": ((), {"khorosan": annotation(("Khorosan", "GPE"))}),
    "a lone surname joins the only person left of that name": (("smith-2",), {}),
    "a new person of that surname splits a lone surname from its group": (
        (), {"smith-4": annotation(("Will Smith", "PERSON"), ("Smith", "PERSON"))}),
    "a surname tagged ORG is the person once most articles using it name them": (("lyng-5",), {}),
    "a surname tagged ORG loses a person's article to a company named with it": (
        (), {"lyng-1": annotation(("Richard Lyng", "PERSON"), ("Lyng Foods Inc", "ORG"), ("Lyng", "ORG"))}),
    "an article using the surname alone goes, the company stays": (("lyng-3",), {}),
    "a new person of that surname reads it as them in their article": (
        (), {"lyng-4": annotation(("Ann Lyng", "PERSON"), ("Lyng", "ORG"), ("Lyng", "PERSON"))}),
    "a place's acronym is no longer written beside another place of its initials": (("us-3",), {}),
    "an acronym loses its definition": (("mca-1",), {}),
    "a changed article names a company without its legal form": (
        (), {"texaco": annotation(("Texaco Inc", "ORG"), ("Kabul", "ORG"), ("Kabul", "ORG"))}),
    "a word becomes too common to match spellings on": (
        (), {"north-a": annotation(("Northern Grainworks", "ORG")),
             "north-b": annotation(("Northern Oilworks", "ORG"))}),
    "a name the user dropped comes back, another is added": (
        (), {"revs": annotation(("Revs", "ORG"), ("Sabine Weber", "PERSON"), ("Globex Corp", "ORG"))}),
    "the alias file's names are named again": ((), {"isis": annotation(("ISIS", "ORG"), ("Daesh", "ORG"))}),
    "a filler article goes": (("filler-7",), {}),
    "a short given name joins the name in full": ((), {"jim": annotation(("Jim Mattis", "PERSON"))}),
    "a second set of initials parts the name written without": (
        (), {"bush-3": annotation(("George H. W. Bush", "PERSON"))}),
    "a group's singular joins its plural": ((), {"dem": annotation(("Democrat", "NORP"))}),
    "a name written without its middle initial joins it": ((), {"kelly-2": annotation(("John Kelly", "PERSON"))}),
    "a lone surname becomes a given name more often than a surname": (
        (), {"given": annotation(*((f"Bush {name}", "PERSON") for name in ("Hager", "Miller", "Jones", "Gray")))}),
    "the given names go again": (("given",), {}),
    "an article's other names come to point to another person of its lone surname": (
        (), {"esa-2": annotation(("Bush", "PERSON"), ("Saints", "ORG"), ("NFL", "ORG"))}),
    "the article naming a person in full, whom another article's names point to, goes": (("esa-1",), {}),
    "a word tagged PERSON and ORG is written as a person's given name": (
        (), {"chirp-3": annotation(("Chirper Jones", "PERSON"))}),
    "the word is tagged PERSON in another article, beside the given name": (
        (), {"chirp-6": annotation(("Chirper", "PERSON"), ("Kabul", "GPE"))}),
    "the given name goes, a title comes before the word": (
        ("chirp-3",), {"chirp-4": annotation(("Mr Chirper", "PERSON"))}),
    "the title goes, a name of two words tagged ORG ends with the word": (
        ("chirp-4",), {"chirp-5": annotation(("Aitan Chirper", "ORG"))}),
    "the name of two words goes": (("chirp-5",), {}),
    "a word tagged PERSON is no longer tagged as no person": (
        (), {"gazette-1": annotation(("Gazette", "PERSON"), ("Kabul", "GPE"))}),
    "a name with an initial before its given name or a nickname joins it": (
        (), {"felt-2": annotation(("W. Mark Felt", "PERSON"), ('Mark "Deep Throat" Felt', "PERSON"))}),
}

ALIASES = {
    "none": Aliases(),
    "alias file and corrections": Aliases(
        entities=(AliasEntity("Islamic State", "ORG", ("IS", "ISIS", "Daesh")),),
        merges=(Merge("PERSON", ("Angela Merkel", "Sabine Weber")),),
        splits=(Split("GPE", "Khorosan", ("Khorasan",)),),
        drops=(Drop("ORG", ("Revs",)),),
    ),
}


def _whole(*args: object) -> EntityRegistry:
    raise AssertionError("the update regrouped the whole table")


def state(registry: EntityRegistry, path: Path) -> tuple[dict, dict]:
    """Everything a registry saves (both files), but the stamp."""
    registry.save(path)
    return EntityRegistry.load_checked(path).to_json()


def touched(removed: dict[str, Annotation], added: dict[str, Annotation]) -> set[tuple[str, str]]:
    tables = SurfaceTable.from_annotations(removed), SurfaceTable.from_annotations(added)
    return {(s.key, s.label) for table in tables for s in table.surfaces}


@pytest.mark.parametrize("aliases", list(ALIASES), ids=list(ALIASES))
def test_each_kind_of_edit_regroups_a_part_and_equals_regrouping_everything(
        aliases: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = ALIASES[aliases]
    articles = corpus()
    registry = resolve_table(SurfaceTable.from_annotations(articles), rules)
    for what, (gone, new) in EDITS.items():
        removed = {aid: articles.pop(aid) for aid in [*gone, *(aid for aid in new if aid in articles)]}
        articles.update(new)
        table = registry.table.updated(removed, new)
        everything = resolve_table(table, rules)

        with monkeypatch.context() as patched:
            patched.setattr(resolution, "resolve_table", _whole)
            part = resolve_update(registry, table, touched(removed, new), rules)
        assert state(part, tmp_path / "part.json") == state(everything, tmp_path / "all.json"), what
        registry = part


def test_the_edits_change_the_entities_as_the_rules_say() -> None:
    """The edits above do what their names say (so the test above compares regroupings that differ)."""
    articles = corpus()
    before = resolve_table(SurfaceTable.from_annotations(articles), Aliases())
    assert before.canonical("Smith", "PERSON")[1] == "Smith"  # John or Jane: nobody can tell
    assert before.canonical("MCA", "ORG")[1] == "Monetary Compensatory Amounts"
    assert before.canonical("Northern Aliance", "ORG")[1] == "Northern Alliance"
    assert before.canonical("Lyng", "ORG")[1:] == ("Lyng", "ORG")  # two of four articles name Richard Lyng
    three = {aid: a for aid, a in articles.items() if aid != "lyng-5"}
    joined = resolve_table(SurfaceTable.from_annotations(three), Aliases())
    assert joined.canonical("Lyng", "ORG")[1:] == ("Richard Lyng", "PERSON")  # two of three
    assert before.canonical("U.S.", "GPE")[1:] == ("U.S.", "GPE")  # beside two places of those initials
    for gone in ("smith-2", "mca-1", "lyng-3", "lyng-5", "us-3"):
        articles.pop(gone)
    articles |= {"north-a": annotation(("Northern Grainworks", "ORG")),
                 "north-b": annotation(("Northern Oilworks", "ORG")),
                 "khorosan": annotation(("Khorosan", "GPE")),
                 "lyng-1": annotation(("Richard Lyng", "PERSON"), ("Lyng Foods Inc", "ORG"), ("Lyng", "ORG")),
                 "lyng-4": annotation(("Ann Lyng", "PERSON"), ("Lyng", "ORG"), ("Lyng", "PERSON"))}
    after = resolve_table(SurfaceTable.from_annotations(articles), Aliases())
    assert after.canonical("Lyng", "ORG")[1:] == ("Lyng", "ORG")  # the other article names a company Lyng
    assert after.canonical("Lyng", "ORG", "lyng-4")[1] == "Ann Lyng"
    assert after.canonical("U.S.", "GPE")[1:] == ("United States", "GPE")
    assert after.canonical("Smith", "PERSON")[1] == "John Smith"
    assert after.canonical("MCA", "ORG")[1] == "MCA Inc"  # no longer the amounts: the company
    assert after.canonical("Northern Aliance", "ORG")[1] == "Northern Aliance"
    assert after.canonical("Khorosan", "GPE")[1] == "Khorasan"


def test_an_update_that_reaches_too_far_regroups_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    articles = corpus()
    registry = resolve_table(SurfaceTable.from_annotations(articles), Aliases())
    removed = {f"filler-{n}": articles[f"filler-{n}"] for n in range(100)}
    table = registry.table.updated(removed, {})
    calls = []
    monkeypatch.setattr(resolution, "resolve_table", lambda *args: calls.append(args) or resolve_table(*args))
    resolve_update(registry, table, touched(removed, {}), Aliases())
    assert len(calls) == 1


# --- through the library: the seeds, and a small corpus built by spaCy ----------------------------------

def _check_sealed_registry_is_the_whole_regroup(corpus: Path, index_dir: Path, tmp_path: Path) -> None:
    generation = store.current_generation(index_dir)
    registry = EntityRegistry.load(generation / store.ENTITIES)
    everything = resolve_table(registry.table, load_aliases(corpus, index_dir))
    assert state(registry, tmp_path / "saved.json") == state(everything, tmp_path / "all.json")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


SMALL = {
    f"story-{n}.txt": f"Story {n}\n\n{text}" for n, text in enumerate([
        "John Smith met Jane Smith in Kabul. Smith said the talks went well.",
        "Angela Merkel spoke in Berlin. Merkel said Germany would help.",
        "The Organization of Petroleum Exporting Countries (OPEC) met in Vienna. OPEC kept its quota.",
        "Texaco Inc said profits rose. Texaco will pay a dividend.",
        "Zabihullah Mujahid, the Taliban spokesman, spoke in Kandahar.",
        "Emmanuel Macron visited Paris and Lyon with Olaf Scholz.",
        "The World Bank lent money to Kenya. Nairobi welcomed the World Bank loan.",
        "Toyota Motor Corp sold more cars in Japan. Toyota said sales rose.",
    ])
}


@pytest.mark.parametrize("with_corrections", [False, True], ids=["as built", "with a correction"])
def test_library_updates_seal_the_entities_a_whole_regroup_gives(
        with_corrections: bool, seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(updating, "_WIDEST_UPDATE", 1.0)  # the seeds are small: never fall back
    write_files(seeds_copy, SMALL)
    index_dir = tmp_path / "idx"
    lib = open_library(seeds_copy, index_dir)
    lib.build()
    if with_corrections:
        lib.merge_entities(["Angela Merkel", "Olaf Scholz"])
        lib.build()
    calls = []
    monkeypatch.setattr(resolution, "resolve_table", lambda *args: calls.append(args) or resolve_table(*args))
    edits = [
        ("story-0.txt", "\nWill Smith arrived later. Smith was late.\n"),  # a new Smith: the lone one splits off
        ("story-1.txt", "\nSabine Weber of Globex Corp joined Merkel.\n"),  # new names
        ("story-4.txt", "\nZabihula Mujahid repeated it.\n"),  # a spelling joins a group
        ("story-2.txt", "\nOPEC Inc is a different company.\n"),
    ]
    for name, text in edits:
        _append(seeds_copy / name, text)
        update = lib.build()
        assert (update.full, update.changed) == (False, 1)
        _check_sealed_registry_is_the_whole_regroup(seeds_copy, index_dir, tmp_path)
    (seeds_copy / "story-3.txt").unlink()  # names gone
    assert lib.build().deleted == 1
    _check_sealed_registry_is_the_whole_regroup(seeds_copy, index_dir, tmp_path)
    assert lib.entity("Will Smith").name == "Will Smith"
    assert "story-3" not in lib.entity("Kabul").articles
    assert not calls  # every update regrouped a part


def test_an_update_with_nothing_to_annotate_loads_neither_spacy_nor_the_story_grouping(
        seeds_copy: Path, tmp_path: Path) -> None:
    """A `byline index` process pays for spaCy only when some text needs annotating, and never for what only
    reading stories needs."""
    index_dir = tmp_path / "idx"
    open_library(seeds_copy, index_dir).build()
    (seeds_copy / "001_4953294115b9d26d.txt").unlink()
    probe = f"""
import json, sys
from reader.cli import main
assert main(["index", {str(seeds_copy)!r}, "--index-dir", {str(index_dir)!r}, "--json"]) in (0, None)
print("MODULES=" + json.dumps(sorted(sys.modules)))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    report, modules = done.stdout.rsplit("MODULES=", 1)
    assert json.loads(report)["deleted"] == 1
    loaded = set(json.loads(modules))
    assert "spacy" not in loaded
    assert not loaded & {"index.stories.grouping", "index.stories.map", "index.stories.cache"}
