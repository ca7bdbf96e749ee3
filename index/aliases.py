"""A corpus's alias file: what a reader of the corpus knows about its names, and the corrections they made.

``aliases.toml`` at the corpus root (beside ``byline.toml``)::

    [[entity]]                      # one entity, all its names; read at index time
    name = "Islamic State"          # the preferred name
    label = "ORG"                   # a spaCy label: PERSON, ORG, GPE, LOC, FAC, NORP, ...
    aliases = ["IS", "ISIS", "Daesh"]
    part_of = "Islamic State"       # optional: a branch/part of another entity (linked, not merged)

    # --- corrections (written by byline; edit freely) ---
    [[merge]]                       # these names are one entity
    label = "PERSON"
    names = ["Baker", "James Baker"]

    [[split]]                       # this name is none of the names in `from`
    label = "PERSON"
    name = "Mohammad"
    from = ["Feda Mohammad"]

    [[drop]]                        # not names at all ("Revs" heading a table row, tagged PERSON)
    label = "PERSON"
    names = ["Revs", "Avg"]

``[[entity]]`` names and aliases become spaCy ``EntityRuler`` patterns, so the model tags them (with this label)
even where it would miss or mislabel them; changing them re-annotates the corpus. ``[[merge]]``, ``[[split]]``
and ``[[drop]]`` only change how names are grouped, so they apply at once, without spaCy, and an update applies
those added by hand. Byline edits the file through a TOML library: it changes only the corrections, and keeps
the rest as written (comments, order, tables it does not know).
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .storage import ALIAS_FILE, IndexProblem, write_atomic

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CORRECTIONS_MARKER = "# --- corrections (written by byline; edit freely) ---"


class AliasFileError(IndexProblem):
    """An alias file that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class AliasEntity:
    """One ``[[entity]]`` table: a preferred name, its label and every other name it goes by."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    part_of: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Merge:
    """A user's correction: these names (of ``label``) are one entity."""

    label: str
    names: tuple[str, ...]

    def to_table(self) -> dict[str, Any]:
        return {"label": self.label, "names": list(self.names)}


@dataclass(frozen=True, slots=True)
class Split:
    """A user's correction: ``name`` is not the entity known by ``from_names`` (all of ``label``)."""

    label: str
    name: str
    from_names: tuple[str, ...]

    def to_table(self) -> dict[str, Any]:
        return {"label": self.label, "name": self.name, "from": list(self.from_names)}


@dataclass(frozen=True, slots=True)
class Drop:
    """A user's correction: these are not names (of ``label``; of any label when it is empty)."""

    label: str
    names: tuple[str, ...]

    def to_table(self) -> dict[str, Any]:
        return {"label": self.label, "names": list(self.names)} if self.label else {"names": list(self.names)}


@dataclass(frozen=True, slots=True)
class Aliases:
    """Everything a corpus's alias files say (the corpus's own file, then the one beside its index)."""

    entities: tuple[AliasEntity, ...] = ()
    merges: tuple[Merge, ...] = ()
    splits: tuple[Split, ...] = ()
    drops: tuple[Drop, ...] = ()
    #: The files read, in order.
    paths: tuple[Path, ...] = field(default=())

    def ruler_patterns(self) -> list[dict[str, str]]:
        """spaCy ``EntityRuler`` patterns: every name of every ``[[entity]]``, matched exactly as written."""
        patterns = []
        seen: set[tuple[str, str]] = set()
        for entity in self.entities:
            for name in entity.names:
                if (name, entity.label) not in seen:
                    seen.add((name, entity.label))
                    patterns.append({"label": entity.label, "pattern": name})
        return patterns

    def __add__(self, other: Aliases) -> Aliases:
        return Aliases(
            entities=self.entities + other.entities,
            merges=self.merges + other.merges,
            splits=self.splits + other.splits,
            drops=self.drops + other.drops,
            paths=self.paths + other.paths,
        )


def patterns_fingerprint(patterns: list[dict[str, str]]) -> str:
    """A short hash of ruler patterns, for the annotation cache key ("" when there are none)."""
    if not patterns:
        return ""
    data = json.dumps(sorted((p["label"], p["pattern"]) for p in patterns), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:12]


def corpus_alias_path(corpus: Path) -> Path:
    """Where a corpus's alias file lives: in the corpus folder, or beside a single-file corpus."""
    return corpus / ALIAS_FILE if corpus.is_dir() else corpus.parent / ALIAS_FILE


def read_aliases(path: Path) -> Aliases:
    """One alias file (empty when it does not exist). Raises :class:`AliasFileError` when it is malformed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Aliases()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AliasFileError(f"{path}: {exc}") from None
    try:
        entities = tuple(_entity_of(item) for item in _tables(data, "entity"))
        merges = tuple(_merge_of(item) for item in _tables(data, "merge"))
        splits = tuple(_split_of(item) for item in _tables(data, "split"))
        drops = tuple(_drop_of(item) for item in _tables(data, "drop"))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise AliasFileError(f"{path}: every table needs its keys ({exc})") from None
    return Aliases(entities=entities, merges=merges, splits=splits, drops=drops, paths=(path,))


def _tables(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    tables = data.get(key, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise TypeError(f"`{key}` must be written as [[{key}]] tables")
    return tables


def _entity_of(item: dict[str, Any]) -> AliasEntity:
    return AliasEntity(name=_text(item, "name"), label=_text(item, "label").upper(),
                       aliases=tuple(str(a).strip() for a in _list(item, "aliases") if str(a).strip()),
                       part_of=str(item.get("part_of", "")).strip())


def _merge_of(item: dict[str, Any]) -> Merge:
    return Merge(label=_text(item, "label").upper(), names=tuple(str(n).strip() for n in _list(item, "names")))


def _split_of(item: dict[str, Any]) -> Split:
    return Split(label=_text(item, "label").upper(), name=_text(item, "name"), from_names=_names(item["from"]))


def _drop_of(item: dict[str, Any]) -> Drop:
    return Drop(label=str(item.get("label", "")).strip().upper(), names=_names(item["names"]))


def _list(item: dict[str, Any], key: str) -> list[Any]:
    value = item.get(key, [])
    if not isinstance(value, list):
        raise TypeError(f"`{key}` must be a list of names")
    return value


def load_aliases(corpus: Path | None, index_dir: Path | None = None) -> Aliases:
    """The corpus's alias file, then the corrections kept beside its index (for read-only corpora)."""
    aliases = Aliases()
    if corpus is not None:
        aliases += read_aliases(corpus_alias_path(corpus))
    if index_dir is not None:
        aliases += read_aliases(index_dir / ALIAS_FILE)
    return aliases


def write_corrections(path: Path, merges: list[Merge], splits: list[Split], drops: list[Drop]) -> None:
    """Make the corrections (``[[merge]]``, ``[[split]]``, ``[[drop]]``) of the alias file at ``path`` these
    (creating the file if need be), through a TOML library: the user's comments, order, ``[[entity]]`` tables and
    anything Byline does not know are kept as written, corrections still wanted stay where they are, those no
    longer wanted go and new ones are added after the corrections marker. The new file must read back with
    exactly these corrections and the same entities, else nothing is written; it replaces the old atomically.
    Raises :class:`AliasFileError` when the current file cannot be read."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        document = tomlkit.parse(text)
    except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
        raise AliasFileError(f"{path}: {exc}") from None
    before = read_aliases(path) if text else Aliases()
    if CORRECTIONS_MARKER not in text and (merges or splits or drops):
        if text.strip():
            document.add(tomlkit.nl())
        document.add(tomlkit.comment(CORRECTIONS_MARKER.removeprefix("# ")))
    for key, wanted, parse in (("merge", merges, _merge_of), ("split", splits, _split_of),
                               ("drop", drops, _drop_of)):
        _set_tables(document, key, list(wanted), parse)
    new_text = tomlkit.dumps(document)

    def check(data: bytes) -> None:
        found = tomllib.loads(data.decode("utf-8"))
        if (tuple(_entity_of(i) for i in _tables(found, "entity")) != before.entities
                or sorted(map(repr, map(_merge_of, _tables(found, "merge")))) != sorted(map(repr, merges))
                or sorted(map(repr, map(_split_of, _tables(found, "split")))) != sorted(map(repr, splits))
                or sorted(map(repr, map(_drop_of, _tables(found, "drop")))) != sorted(map(repr, drops))):
            raise ValueError("the corrections would not read back as written")

    write_atomic(path, new_text, check=check)


def _set_tables(document: Any, key: str, wanted: list[Any], parse: Any) -> None:
    """Make the ``[[key]]`` tables of ``document`` those of ``wanted`` (parsed from a table by ``parse``)."""
    import tomlkit

    remaining = list(wanted)
    tables = document.get(key)
    if tables is not None:
        unwanted = []
        for number in range(len(tables)):
            try:
                value = parse(tables[number])
            except (KeyError, TypeError, AttributeError, ValueError):
                value = None
            if value in remaining:
                remaining.remove(value)
            else:
                unwanted.append(number)
        for number in reversed(unwanted):
            del tables[number]
        if not len(tables):
            del document[key]
            tables = None
    if not remaining:
        return
    if tables is None:
        tables = tomlkit.aot()
        document.append(key, tables)
    for item in remaining:
        table = tomlkit.table()
        table.update(item.to_table())
        tables.append(table)


def _text(item: dict[str, Any], key: str) -> str:
    value = str(item[key]).strip()
    if not value:
        raise KeyError(key)
    return value


def _names(value: Any) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    names = tuple(str(n).strip() for n in names if str(n).strip())
    if not names:
        raise KeyError("from")
    return names
