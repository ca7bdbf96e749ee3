"""What grouping needs of one article, computed once at index time from its title, text and entity spans:
its index terms with counts (title and lead terms weigh more), how the text writes them (for labels), the entity
mentions spaCy found (surface form and label; resolved to canonical entities only when grouping, so a better
entity registry applies without re-indexing) and a sketch of its word shingles (which :mod:`.copies` compares)."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..analysis import TOKEN_PATTERN, analyze, word_terms
from ..models import EntitySpan, label_kind

#: Bump when :func:`features_of` changes what it computes for the same article.
FEATURES_VERSION = "4"

#: The lead: a news article's first words say what happened, where its later paragraphs give background (which
#: related stories share). Its terms count twice more, as a title's do.
LEAD_WORDS = 40

#: Who took a picture is no part of the story: photo and video credits as captions and wire copy print them,
#: "(AP Photo/Evan Vucci)", "Photo: John Smith/AP", "Chip Somodevilla/Getty Images", "Image credit: Reuters",
#: "(Photo by Jane Doe for The Guardian)". Their words and names are left out of the features (so out of labels).
_AGENCY = (r"(?:Getty\s+Images|AP|AFP|Reuters|EPA(?:-EFE)?|Bloomberg|Shutterstock|Sipa(?:\s+USA)?|Xinhua|NurPhoto|"
           r"Pool|[A-Z][\w&.-]*\s+(?:Images|Photos?|Pictures))")
_NAME = r"(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w.'’-]*"
CREDIT = re.compile(
    r"\((?i:[^()\n]{0,40}\b(?:photo|photograph|image|video|picture)s?\b)[^()\n]{0,80}\)"
    r"|^[ \t]*(?i:(?:photo|photograph|image|picture|video)s?(?:\s+credit)?|credit)\s*(?::|(?i:by)\b)[^\n]{0,120}$"
    rf"|\b(?:AP|AFP|Reuters|EPA)\s+(?i:photo)\s*/\s*{_NAME}"
    rf"|{_NAME}\s*/\s*{_AGENCY}\b"
    r"|\b(?:(?i:via|for|by)\s+)?Getty\s+Images\b",
    re.MULTILINE,
)


def credit_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` prints photo or video credits (see CREDIT), as ``(start, end)``."""
    return [match.span() for match in CREDIT.finditer(text)]


#: Entity kinds that say what a story is about (dates and numbers do not).
ENTITY_KINDS = frozenset({"person", "org", "place", "group", "other"})

#: Words that tell no story apart in any English news corpus: function words, reporting verbs, calendar
#: words. The analyzer already drops its own few stop words; these are weighed as if in every article.
COMMON_WORDS = """
about above according across added after again against ago all almost along already also although always am
among another any anyone anything around away back because been before being below between both but came come
comes could day days did do does doing done down during each early either else even ever every few first five
former four further get gets getting give given go goes going gone got had has having he her here hers herself
him himself his how however i including into its itself just last late later least less like made make makes
many me might monday month months more most much must my near need never new next no nor now off often once one
only other others our out over own part per put rather really reported said same say saying says second see
seen several she should show since six so some something still such sunday take taken ten than their them
themselves then there these they thing things think third those though three through thursday thus time times
today told too took toward tuesday two under until up upon use used very wednesday friday saturday want was way
ways week weeks well went were what whether which while who whom whose why within without would year years
yesterday
"""


@lru_cache(maxsize=1)
def common_terms() -> frozenset[str]:
    """COMMON_WORDS as index terms."""
    return frozenset(term for word in COMMON_WORDS.split() for term, _, _ in analyze(word))


# --- features, at index time ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What grouping needs of one article, computed once from its title, text and entity spans."""

    #: Index terms (as :func:`index.analysis.analyze` gives them) with counts; title terms count twice.
    terms: dict[str, int]
    #: How a term is written, where that differs from the term (``"bomb"`` -> ``"bombing"``), for labels.
    forms: dict[str, str]
    #: Entity mentions: ``(label, surface form, count)``.
    entities: tuple[tuple[str, str, int], ...]
    #: The smallest SKETCH_SIZE 32-bit hashes of the text's word 4-shingles, as hex.
    sketch: str
    #: How many distinct shingles the text has.
    shingles: int

    def to_dict(self) -> dict[str, Any]:
        return {"terms": self.terms, "forms": self.forms, "entities": [list(e) for e in self.entities],
                "sketch": self.sketch, "shingles": self.shingles}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ArticleFeatures:
        return cls(
            terms=data["terms"],
            forms=data.get("forms", {}),
            entities=tuple(map(tuple, data.get("entities", ()))),
            sketch=str(data.get("sketch", "")),
            shingles=int(data.get("shingles", 0)),
        )


def features_of(title: str, text: str, entities: Iterable[EntitySpan]) -> ArticleFeatures:
    """The features of one article (pure: the same input always gives the same features)."""
    terms: Counter[str] = Counter()
    written: Counter[tuple[str, str]] = Counter()
    tokens = TOKEN_PATTERN.findall(text)
    credits = credit_spans(text)
    if credits:  # the sketch keeps every word (copies are copies, credits and all); the terms do not
        kept, last = [], 0
        for start, end in credits:
            kept.append(text[last:start])
            last = end
        told = TOKEN_PATTERN.findall(" ".join([*kept, text[last:]]))
    else:
        told = tokens
    # A title in capitals would make every word an acronym ("CYCLOPS" beside "cyclop"): read it in lowercase.
    shouting = title.isupper()
    title_words = TOKEN_PATTERN.findall(title.lower() if shouting else title)
    lead = told[:LEAD_WORDS]
    for words, in_title in ((title_words, True), (lead, True), (told, False)):
        for word, count in Counter(words).items():
            for term in word_terms(word):
                if len(term) < 2:
                    continue
                terms[term] += 2 * count if in_title else count
                # How the text writes the term, case kept; a title's way (often all capitals or title case)
                # counts only for terms the text never uses.
                if in_title:
                    written[term, word if word.isupper() else word.lower()] += 0
                else:
                    written[term, word] += count
    # The text's own way first; lowercase whenever the text ever writes it so (a capital at the start of a
    # sentence or in a heading is no name); then the most frequent.
    best: dict[str, tuple[bool, bool, int, str]] = {}
    for (term, form), count in written.items():
        key = (count == 0, not form.islower(), -count, form)
        if term not in best or key < best[term]:
            best[term] = key
    # Only terms said twice (or in the title) can be telling enough to make a label.
    forms = {term: key[3] for term, key in best.items() if key[3] != term and terms[term] > 1}
    mentions: Counter[tuple[str, str]] = Counter()
    for span in entities:
        if any(start < span.end and span.start < end for start, end in credits):
            continue
        if label_kind(span.label) in ENTITY_KINDS:
            surface = " ".join(span.text.split())
            if surface:
                mentions[(span.label, surface)] += 1
    sketch, shingles = shingle_sketch(tokens)
    return ArticleFeatures(
        terms=dict(sorted(terms.items())),
        forms=dict(sorted(forms.items())),
        entities=tuple((label, surface, count) for (label, surface), count in sorted(mentions.items())),
        sketch=sketch,
        shingles=shingles,
    )


# --- the shingle sketch ---------------------------------------------------------------------------------

#: Word shingle length and sketch size for near-duplicate detection.
SHINGLE_WORDS = 4
SKETCH_SIZE = 48


def shingle_sketch(words: Sequence[str], size: int = SKETCH_SIZE) -> tuple[str, int]:
    """A bottom-``size`` sketch of the 4-shingles of ``words`` (a text's tokens; hex), and the number of
    distinct shingles.

    Words are hashed with CRC-32 (Python salts ``hash()`` per process, and sketches are stored), shingles
    by mixing their words' hashes, in numpy.
    """
    import numpy as np

    if not words:
        return "", 0
    hashes = np.asarray([zlib.crc32(w.casefold().encode("utf-8", "surrogatepass")) for w in words],
                        dtype=np.uint64)
    if len(hashes) < SHINGLE_WORDS:
        hashes = np.concatenate([hashes, np.zeros(SHINGLE_WORDS - len(hashes), dtype=np.uint64)])
    width = len(hashes) - SHINGLE_WORDS + 1
    mixed = np.zeros(width, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset, multiplier in enumerate(_SHINGLE_MULTIPLIERS):
            mixed = mixed * np.uint64(multiplier) + hashes[offset : offset + width]
        mixed ^= mixed >> np.uint64(29)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(32)
    shingles = np.unique(mixed & np.uint64(0xFFFFFFFF))  # sorted
    return "".join(f"{int(value):08x}" for value in shingles[:size]), len(shingles)


#: Odd 64-bit constants that mix a shingle's word hashes in order (any fixed odd values would do).
_SHINGLE_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)
