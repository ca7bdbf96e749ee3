"""A reader's entity corrections: merge two entities, split a name out of one, drop a mis-tag. Each is saved in
the corpus's alias file (:mod:`index.aliases`, beside the names written by hand), and the registry is regrouped
under them from its surface table: no spaCy, no re-indexing. :class:`index.Library` runs each under its writer
lock, from reading the saved corrections to sealing the regrouped table; a build regroups when the corrections
changed by hand since the last one (their :func:`corrections_fingerprint` tells)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from ..aliases import Aliases, Drop, Merge, Split, read_aliases, write_corrections
from .names import normalise_name
from .registry import CanonicalEntity, EntityRegistry
from .resolve import RULES, resolve_table

#: The entity a user's name refers to, KeyError when none (``Library.entity``).
Find = Callable[[str], CanonicalEntity]


def merge(path: Path, find: Find, names: Sequence[str]) -> str:
    """Save in the alias file at ``path`` that the entities ``names`` are one (the first one's); a split that
    kept two of them apart is forgotten. Returns a name of the merged entity."""
    entities = list(dict.fromkeys(find(name) for name in names))
    if len(entities) < 2:
        raise ValueError("name at least two different entities to merge")
    current = read_aliases(path)
    keys = {normalise_name(form) for e in entities for form, _ in e.names}
    splits = [s for s in current.splits
              if not (normalise_name(s.name) in keys and any(normalise_name(f) in keys for f in s.from_names))]
    correction = Merge(label=entities[0].label, names=tuple(e.names[0][0] for e in entities))
    write_corrections(path, [*current.merges, correction], splits, list(current.drops))
    return entities[0].names[0][0]


def split(path: Path, find: Find, name: str, entity: str) -> None:
    """Save in the alias file at ``path`` that the name ``name`` is none of the other names of the entity
    ``entity`` (a wrong merge); a merge that named it is forgotten. KeyError if it is not one of them."""
    whole = find(entity)
    key = normalise_name(name)
    others = tuple(dict.fromkeys(f for f, _ in whole.names if normalise_name(f) != key))
    if not others or all(normalise_name(f) != key for f, _ in whole.names):
        raise KeyError(f"{name!r} is not one of the other names of {whole.name!r}")
    current = read_aliases(path)
    merges = [m for m in current.merges if key not in {normalise_name(n) for n in m.names}]
    write_corrections(path, merges, [*current.splits, Split(whole.label, name, others)], list(current.drops))


def drop(path: Path, find: Find, name: str) -> CanonicalEntity:
    """Save in the alias file at ``path`` that the entity ``name`` is no name at all (a mis-tag: "Revs" heading
    a table row). Returns the entity as it was."""
    entity = find(name)
    current = read_aliases(path)
    forms = tuple(dict.fromkeys(form for form, _ in entity.names))
    write_corrections(path, list(current.merges), list(current.splits), [*current.drops, Drop(entity.label, forms)])
    return entity


def regroup(registry: EntityRegistry, aliases: Aliases) -> EntityRegistry:
    """``registry``'s surfaces grouped again under ``aliases`` (after a correction): no spaCy, no index."""
    return resolve_table(registry.table, aliases)


def corrections_fingerprint(aliases: Aliases) -> str:
    """Changes whenever the corrections (merges, splits, drops) change, by hand or by a command, and when the
    rules that group names change (:data:`.resolve.RULES`): either way the next update regroups every entity."""
    text = repr((RULES, aliases.merges, aliases.splits, aliases.drops))
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
