"""Canonical entities: one entity however each outlet spells or names it.

The index stores, per article, the normalised surface forms of its entity mentions. The registry built here maps
surface forms to canonical entities; searches expand ``entity:NAME`` into every surface form of NAME's entity at
query time, and the reader fills in canonical ids when an article is opened. So merges and corrections apply
without re-indexing.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .models import Annotation, label_kind

REGISTRY_VERSION = 1

_QUOTES = "\"'“”‘’«»"
_POSSESSIVE = re.compile(r"['’]s$")


def normalise_name(text: str) -> str:
    """The key of a surface form: casefolded, whitespace collapsed, no quotes, possessive or leading "the"."""
    name = " ".join(text.split()).strip(_QUOTES + " .,;:")
    name = _POSSESSIVE.sub("", name)
    name = re.sub(r"^the\s+", "", name, flags=re.I)
    return name.casefold()


@dataclass(frozen=True, slots=True)
class CanonicalEntity:
    id: str
    name: str
    label: str
    #: Surface forms as found, with mention counts, most frequent first.
    names: tuple[tuple[str, int], ...]
    articles: tuple[str, ...]

    @property
    def mentions(self) -> int:
        return sum(count for _, count in self.names)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "label": self.label,
            "mentions": self.mentions,
            "names": [{"name": n, "count": c} for n, c in self.names],
            "articles": list(self.articles),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CanonicalEntity:
        return cls(
            id=data["id"],
            name=data["name"],
            label=data["label"],
            names=tuple((n["name"], int(n["count"])) for n in data["names"]),
            articles=tuple(data["articles"]),
        )


class EntityRegistry:
    """Canonical entities of one corpus and the surface forms that name them."""

    def __init__(self, entities: Mapping[str, CanonicalEntity]) -> None:
        self._entities = dict(entities)
        self._by_surface: dict[tuple[str, str], str] = {}
        self._by_name: dict[str, list[str]] = defaultdict(list)
        for entity in self._entities.values():
            for surface, _ in entity.names:
                key = normalise_name(surface)
                self._by_surface[(key, entity.label)] = entity.id
                if entity.id not in self._by_name[key]:
                    self._by_name[key].append(entity.id)

    def __len__(self) -> int:
        return len(self._entities)

    def get(self, entity_id: str) -> CanonicalEntity | None:
        return self._entities.get(entity_id)

    def entities(self) -> list[CanonicalEntity]:
        return sorted(self._entities.values(), key=lambda e: (-e.mentions, e.name))

    def canonical(self, text: str, label: str) -> tuple[str, str, str] | None:
        entity_id = self._by_surface.get((normalise_name(text), label))
        if entity_id is None:
            return None
        entity = self._entities[entity_id]
        return entity.id, entity.name, entity.label

    def canonical_by_key(self, key: str, kind: str) -> tuple[str, str] | None:
        """The canonical name and kind for a normalised surface form indexed under ``kind``."""
        for entity_id in self._by_name.get(key, ()):
            entity = self._entities[entity_id]
            if label_kind(entity.label) == kind:
                return entity.name, kind
        return None

    def expand(self, name: str, kinds: set[str] | None = None) -> list[str]:
        """Every normalised surface form of the entities ``name`` names (restricted to ``kinds``)."""
        key = normalise_name(name)
        forms: set[str] = set()
        for entity_id in self._by_name.get(key, ()):
            entity = self._entities[entity_id]
            if kinds and label_kind(entity.label) not in kinds:
                continue
            forms.update(normalise_name(surface) for surface, _ in entity.names)
        if not forms:
            forms.add(key)
        return sorted(forms)

    def save(self, path: Path) -> None:
        data = {"version": REGISTRY_VERSION, "entities": [e.to_dict() for e in self.entities()]}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> EntityRegistry:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls({})
        if data.get("version") != REGISTRY_VERSION:
            return cls({})
        entities = (CanonicalEntity.from_dict(e) for e in data.get("entities", ()))
        return cls({e.id: e for e in entities})


def resolve_entities(annotations: Mapping[str, Annotation], root: Path | None = None) -> EntityRegistry:
    """The corpus's canonical entities: one per normalised name and label."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    articles: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for article_id, annotation in annotations.items():
        for span in annotation.entities:
            key = normalise_name(span.text)
            if not key:
                continue
            entity_id = f"{span.label}:{key}"
            labels[entity_id] = span.label
            counts[entity_id][" ".join(span.text.split())] += 1
            articles[entity_id].add(article_id)
    entities = {}
    for entity_id, names in counts.items():
        ordered = tuple(sorted(names.items(), key=lambda item: (-item[1], item[0])))
        entities[entity_id] = CanonicalEntity(
            id=entity_id,
            name=ordered[0][0],
            label=labels[entity_id],
            names=ordered,
            articles=tuple(sorted(articles[entity_id])),
        )
    return EntityRegistry(entities)
