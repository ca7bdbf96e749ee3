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
and ``[[drop]]`` only change how names are grouped, so they apply at once, without spaCy. Byline rewrites only
what follows the corrections marker; everything above it is the user's.
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

    def to_toml(self) -> str:
        return f"[[merge]]\nlabel = {_toml_str(self.label)}\nnames = [{', '.join(map(_toml_str, self.names))}]\n"


@dataclass(frozen=True, slots=True)
class Split:
    """A user's correction: ``name`` is not the entity known by ``from_names`` (all of ``label``)."""

    label: str
    name: str
    from_names: tuple[str, ...]

    def to_toml(self) -> str:
        return (f"[[split]]\nlabel = {_toml_str(self.label)}\nname = {_toml_str(self.name)}\n"
                f"from = [{', '.join(map(_toml_str, self.from_names))}]\n")


@dataclass(frozen=True, slots=True)
class Drop:
    """A user's correction: these are not names (of ``label``; of any label when it is empty)."""

    label: str
    names: tuple[str, ...]

    def to_toml(self) -> str:
        label = f"label = {_toml_str(self.label)}\n" if self.label else ""
        return f"[[drop]]\n{label}names = [{', '.join(map(_toml_str, self.names))}]\n"


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
        entities = tuple(
            AliasEntity(
                name=_text(item, "name"),
                label=_text(item, "label").upper(),
                aliases=tuple(str(a).strip() for a in item.get("aliases", ()) if str(a).strip()),
                part_of=str(item.get("part_of", "")).strip(),
            )
            for item in data.get("entity", ())
        )
        merges = tuple(
            Merge(label=_text(item, "label").upper(), names=tuple(str(n).strip() for n in item.get("names", ())))
            for item in data.get("merge", ())
        )
        splits = tuple(
            Split(label=_text(item, "label").upper(), name=_text(item, "name"), from_names=_names(item["from"]))
            for item in data.get("split", ())
        )
        drops = tuple(
            Drop(label=str(item.get("label", "")).strip().upper(), names=_names(item["names"]))
            for item in data.get("drop", ())
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise AliasFileError(f"{path}: every table needs its keys ({exc})") from None
    return Aliases(entities=entities, merges=merges, splits=splits, drops=drops, paths=(path,))


def load_aliases(corpus: Path | None, index_dir: Path | None = None) -> Aliases:
    """The corpus's alias file, then the corrections kept beside its index (for read-only corpora)."""
    aliases = Aliases()
    if corpus is not None:
        aliases += read_aliases(corpus_alias_path(corpus))
    if index_dir is not None:
        aliases += read_aliases(index_dir / ALIAS_FILE)
    return aliases


def write_corrections(path: Path, merges: list[Merge], splits: list[Split], drops: list[Drop]) -> None:
    """Replace the corrections section of the alias file at ``path`` (creating the file if need be).

    Everything above the corrections marker is kept byte for byte. The file is replaced atomically.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    head = text.split(CORRECTIONS_MARKER, 1)[0].rstrip("\n")
    parts = [head + "\n\n" if head else "", CORRECTIONS_MARKER, "\n"]
    for item in [*merges, *splits, *drops]:
        parts.append("\n" + item.to_toml())
    new_text = "".join(parts)
    tomllib.loads(new_text)  # never write a file we could not read back
    write_atomic(path, new_text, check=lambda data: tomllib.loads(data.decode("utf-8")))


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


def _toml_str(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes), and json.dumps escapes control characters.
    return json.dumps(value, ensure_ascii=False)
