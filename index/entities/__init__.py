"""Canonical entities: one entity however each outlet spells or names it.

Three stages, each cheap enough to run on every index update, a module each (:mod:`.names` holds what they
share: the key of a name, acronyms):

1. **At annotation time** (:mod:`.spans`: :func:`refine_spans`, called by the annotator with the article's
   text): fix what the model gets wrong inside one article. A span is cut at a hard line break ("Tyler
   Durden⏎Tue"); an acronym defined in the text ("the Islamic State (IS)") is tagged wherever the article uses
   it, with the label of its long form; in a headline (a one-line paragraph in Title Case) the model's spans
   are replaced by the names the article's body tags, so "Taliban Say No ISIS" becomes "Taliban" and "ISIS".
   Two spans of one label a space apart are joined ("Falcon" "Heavy"); an "-ic" adjective alone ("Islamic")
   is no group, and the first word of a label line ("Invalid email address") is no name.
2. **Across the corpus** (:mod:`.resolve`: :func:`resolve_entities`, over the :mod:`.surfaces` table): every
   (normalised name, label) found is a *surface*; surfaces are grouped into canonical entities by rules,
   applied in this order, each merge recorded with its reason: the alias file (``aliases.toml``) and the
   user's corrections; acronym definitions found in the text; the same name under labels of one kind
   (GPE/LOC/FAC); a place's acronym the corpus never defines joining the one place of those initials it is
   written beside, in two articles at least ("U.S." -> "United States"); a company name with and without
   "Inc"/"Corp"; spelling variants (token by token Levenshtein, see :func:`similar_names`; a group's singular
   and plural, "Republican"/"Republicans"); a person's name with a short given name or middle initials ("Jim
   Mattis", "James N. Mattis" -> "James Mattis"; two sets of initials on one name are two people); a lone
   surname joining the one full name it can mean ("Mujahid" -> "Zabihullah Mujahid"; not a person's thing,
   "Trump's Twitter"); a lone surname the model tags as no person ("Trump" as ORG, "Lyng" as PRODUCT) joining
   the person most articles using it name, or read as the person its article names in full (never where the
   article names a company with that word and a legal form: "Ford" beside "Ford Motor Co"); a lone word tagged
   PERSON that the corpus never writes as part of a person's name and also tags as no person ("Twitter", tagged
   PERSON far more often than PRODUCT) joining what its other tags name; a name's minority label joining its
   majority label. The rules' version (``resolve.RULES``) makes an index grouped by earlier
   rules regroup whole at its next update. Lower-case spans ("mosques", "cts") and bare legal forms ("Co Inc")
   are dropped as mis-tags. An acronym with a hyphenated qualifier ("IS-K") is its own entity, linked to the
   acronym's.
3. **When reading** (:mod:`.registry`: :class:`EntityRegistry`): the index stores the normalised surface forms
   of each article's spans; the registry maps them to canonical entities, expands ``entity:NAME`` into every
   surface form of NAME's entity at query time and fills in canonical ids when an article is opened. So
   merges and user corrections apply without re-indexing: the registry keeps the surface table and is
   re-resolved in milliseconds when the alias file changes.

After an update, :mod:`.update` regroups only the names the changed articles can reach and keeps every other
entity (the same result as regrouping everything). A reader's corrections (merge, split, drop, saved in the
alias file) and regrouping under them are :mod:`.corrections`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

#: Each exported name and the module that defines it, imported on first use (PEP 562): a search needs the
#: registry, not the resolver and its rapidfuzz and alias file.
_EXPORTS = {
    "RESOLVED_LABELS": ".names",
    "find_acronym_definitions": ".names",
    "normalise_name": ".names",
    "CanonicalEntity": ".registry",
    "EntityCoverage": ".registry",
    "EntityRegistry": ".registry",
    "MergeReason": ".registry",
    "RegistryDamaged": ".registry",
    "resolve_entities": ".resolve",
    "resolve_table": ".resolve",
    "similar_names": ".resolve",
    "refine_spans": ".spans",
    "SurfaceTable": ".surfaces",
}

if TYPE_CHECKING:
    from .names import RESOLVED_LABELS, find_acronym_definitions, normalise_name
    from .registry import CanonicalEntity, EntityCoverage, EntityRegistry, MergeReason, RegistryDamaged
    from .resolve import resolve_entities, resolve_table, similar_names
    from .spans import refine_spans
    from .surfaces import SurfaceTable


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


__all__ = [
    "RESOLVED_LABELS",
    "CanonicalEntity",
    "EntityCoverage",
    "EntityRegistry",
    "MergeReason",
    "RegistryDamaged",
    "SurfaceTable",
    "find_acronym_definitions",
    "normalise_name",
    "refine_spans",
    "resolve_entities",
    "resolve_table",
    "similar_names",
]
