"""Reading what a user typed: checking a query before Whoosh sees it (a :class:`QueryError` that says where),
parsing it with the friendly field names, prefixes and fuzzy words as typed, and entity names expanded into
every surface form of their entity."""

from __future__ import annotations

import re
from collections.abc import Callable

from whoosh import query as wq
from whoosh.qparser import FuzzyTermPlugin, GtLtPlugin, MultifieldPlugin, PhrasePlugin, QueryParser
from whoosh.qparser.syntax import attach

from ..analysis import STOP_MARK, STOP_WORDS, word_terms
from ..entities import EntityRegistry
from ..models import QueryError
from ..store import ENTITY_FIELDS, KIND_FIELDS
from .compound import fast
from .terms import TermUnion, WordFuzzy, WordPrefix, _is_union_of_terms

FIELD_ALIASES = {
    "title": "title",
    "body": "body",
    "text": "body",
    "source": "source",
    "date": "published",
    "published": "published",
    "language": "language",
    "lang": "language",
    "entity": "entity",
    "person": "person",
    "org": "org",
    "place": "place",
    "group": "group",
    "id": "id",
}
ENTITY_QUERY_FIELDS = ("entity", *ENTITY_FIELDS)
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}

#: Longest query accepted. Whoosh's spelling corrector and fuzzy terms build automata that grow with the
#: length of a word: a pasted page of text as a query took minutes. No query a person types comes near this.
MAX_QUERY_CHARS = 1000
#: Deepest nesting of brackets accepted (Whoosh's parser recurses once per level).
MAX_NESTING = 50
#: Largest edit distance of a fuzzy term (``word~N``): beyond it every word matches, and slowly.
MAX_FUZZY_DISTANCE = 3
#: Words longer than this get no "did you mean" (no real word is this long, and correcting one is slow).
MAX_SUGGEST_WORD = 40
#: Letters a stem can drop from the end of a word ("failing" -> ``fail``): the stems shorter than a prefix by
#: at most this many are checked (see :func:`prefix_query`).
STEM_SUFFIX_CHARS = 4
#: Documents read to decide whether a prefix's stem is a word the prefix begins (see :func:`prefix_query`).
STEM_SAMPLE_DOCS = 10

# --- checking a query before Whoosh sees it -------------------------------------------------------------

class IncompleteQuery(QueryError):
    """A query that is not finished yet (an open quote or bracket, a trailing ``NOT`` or ``field:``): what one
    reads while it is being typed. A reader can keep its last results and wait for the rest."""

    incomplete = True


_WORD = re.compile(r'[^\s()"\[\]{}]+')


def validate(text: str) -> None:
    """Refuse what Whoosh's forgiving parser would silently misread, and what would take it too long."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text):,} characters; at most {MAX_QUERY_CHARS:,})",
                         MAX_QUERY_CHARS, text)
    stack: list[tuple[str, int]] = []
    pairs = {")": "(", "]": "[", "}": "{"}
    previous_operator: tuple[str, int] | None = None
    seen_term = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            close = text.find('"', i + 1)
            if close == -1:
                raise IncompleteQuery("unclosed quote", i, text)
            i = close + 1
            previous_operator, seen_term = None, True
            continue
        if ch in "([{":
            stack.append((ch, i))
            if len(stack) > MAX_NESTING:
                raise QueryError(f"brackets nested too deeply (at most {MAX_NESTING} levels)", i, text)
        elif ch in ")]}":
            if not stack or stack[-1][0] != pairs[ch]:
                raise QueryError(f"unmatched '{ch}'", i, text)
            stack.pop()
            if ch == ")" and previous_operator and previous_operator[0] != "NOT":
                raise QueryError(f"nothing after {previous_operator[0]}", previous_operator[1], text)
        elif not ch.isspace():
            match = _WORD.match(text, i)
            if match:
                word = match.group()
                _check_word(word, i, text, inside_range=bool(stack and stack[-1][0] in "[{"))
                fuzzy = _FUZZY.search(word)
                if fuzzy and int(fuzzy.group(1)) > MAX_FUZZY_DISTANCE:
                    raise QueryError(f"fuzzy distance {fuzzy.group(1)} too large (at most {MAX_FUZZY_DISTANCE})",
                                     i + fuzzy.start(), text)
                if word in _OPERATORS and not (stack and stack[-1][0] in "[{"):
                    if word != "NOT" and (not seen_term or previous_operator):
                        where = previous_operator[1] if previous_operator else i
                        raise QueryError(f"{word} needs a term on each side", where, text)
                    previous_operator = (word, i)
                else:
                    previous_operator, seen_term = None, True
                i = match.end()
                continue
        i += 1
    if stack:
        ch, position = stack[-1]
        raise IncompleteQuery(f"unclosed '{ch}'", position, text)
    if previous_operator:
        raise IncompleteQuery(f"nothing after {previous_operator[0]}", previous_operator[1], text)


_FUZZY = re.compile(r"(?<=[^\s~])~(\d+)")
_FIELD_PREFIX = re.compile(r"^([A-Za-z_][\w-]*):(.*)$", re.S)


def _check_word(word: str, position: int, text: str, *, inside_range: bool) -> None:
    match = _FIELD_PREFIX.match(word)
    if not match or inside_range:
        return
    name, rest = match.group(1), match.group(2)
    if name.lower() not in FIELD_ALIASES:
        known = ", ".join(sorted(k for k in FIELD_ALIASES if k not in ("text", "lang", "published", "body")))
        raise QueryError(f"unknown field '{name}' (fields: {known})", position, text)
    after = position + len(word)
    if not rest and after >= len(text):
        raise IncompleteQuery(f"nothing after '{name}:'", position, text)
    if not rest and text[after].isspace():
        raise QueryError(f"nothing after '{name}:'", position, text)


# --- parsing --------------------------------------------------------------------------------------------

#: Fields analysed by :func:`~index.analysis.news_analyzer`, whose phrases keep their stop words.
TEXT_FIELDS = ("title", "body", "source")


class _PhraseNode(PhrasePlugin.PhraseNode):
    """A quoted phrase whose stop words stay in it, each matching exactly that word (the index holds them at
    their positions: see :mod:`index.analysis`). Whoosh drops them from a phrase, leaving words the text
    never prints side by side ("We hope that the Afghans" became ``hope afghan``, which is never adjacent)."""

    def query(self, parser):
        fieldname = self.fieldname or parser.fieldname
        if fieldname not in TEXT_FIELDS or not parser.schema or fieldname not in parser.schema:
            return super().query(parser)
        start = self.textstartchar
        tokens = parser.schema[fieldname].tokenize(self.text, mode="query", chars=True, removestops=False)
        words, char_ranges = [], []
        for token in tokens:
            words.append(token.text)
            char_ranges.append((start + token.startchar, start + token.endchar))
        return attach(parser.phraseclass(fieldname, words, slop=self.slop, boost=self.boost,
                                         char_ranges=char_ranges), self)


class _PhraseTagger(PhrasePlugin.PhraseTagger):
    def create(self, parser, match):
        slop = match.group("slop")
        return _PhraseNode(match.group("text"), match.start("text"), int(slop) if slop else 1)


class _PhrasePlugin(PhrasePlugin):
    def taggers(self, parser):
        return [(_PhraseTagger(self.expr), 0)]


class _Parser(QueryParser):
    """Whoosh's parser over titles and bodies, but a prefix in them is the prefix as typed (see
    :func:`prefix_query`) and a phrase keeps its stop words (see :class:`_PhraseNode`)."""

    def __init__(self, schema, stem_fits: Callable[[str, str, str], bool]) -> None:
        super().__init__(None, schema=schema)
        self.remove_plugin_class(PhrasePlugin)
        self.add_plugin(_PhrasePlugin())
        self.add_plugin(MultifieldPlugin(["title", "body"], fieldboosts={"title": 2.0}))
        self.stem_fits = stem_fits

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        if termclass is wq.Prefix and fieldname in ("title", "body"):
            return prefix_query(fieldname, text, boost, self.stem_fits)
        if termclass is wq.FuzzyTerm:
            termclass = WordFuzzy
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)


def make_parser(schema, stem_fits: Callable[[str, str, str], bool] = lambda field, stem, typed: False):
    """The query parser. ``stem_fits(field, stem, typed)``: whether the corpus has a word beginning with
    ``typed`` whose index term is ``stem`` (see :func:`prefix_query`)."""
    parser = _Parser(schema, stem_fits)
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(GtLtPlugin())
    return parser


def prefix_query(field: str, typed: str, boost: float, stem_fits: Callable[[str, str, str], bool]):
    """The query for ``typed*`` in a text field: index terms (stems) that begin with the prefix as typed.

    Whoosh would stem the prefix itself, and the stem of a prefix is a shorter prefix: ``expe*`` became
    ``exp*``, matching "explain", "export" and every other exp- word (5,741 Reuters articles instead of 3,489),
    and ``pers*`` became ``per*``. The words the prefix begins are stemmed in the index, though, and a
    stem can end before the prefix does ("agreed" is indexed as ``agre``, which ``agree*`` must find): that
    stem is added as an exact term when the corpus writes such a word (``stem_fits``, which reads a few
    articles); ``pers`` stems to ``per`` too, but no word indexed as ``per`` begins with "pers". The same
    holds for a prefix that goes past a word's stem: ``faili*`` finds "failing" (``fail``). Where stemming
    changes a letter ("company" -> ``compani``) the stem is the prefix, as the index holds the word that way.
    An acronym keeps its case, as the index keeps it."""
    terms = word_terms(typed, True)
    lowered = re.sub(r"['’]s$", "", typed.lower())
    query = _stemmed_prefix(field, typed, lowered, terms, boost, stem_fits)
    if lowered.isalpha() and any(word.startswith(lowered) for word in STOP_WORDS):
        # Stop words are indexed apart (``=with``): ``with*`` finds "with" as well as "within".
        return wq.Or([query, WordPrefix(field, STOP_MARK + lowered, boost=boost)])
    return query


def _stemmed_prefix(field: str, typed: str, lowered: str, terms: tuple[str, ...], boost: float,
                    stem_fits: Callable[[str, str, str], bool]):
    if not terms:  # a stop word ("the*"): the words it begins are not all stop words
        return WordPrefix(field, lowered, boost=boost)
    stem = terms[0]
    if not lowered.startswith(stem):
        # Stemming changed a letter: "company*" is held as ``compani``, but "analy*" (stem ``anali``) must still
        # find ``analyst``: both prefixes.
        return wq.Or([WordPrefix(field, lowered, boost=boost), WordPrefix(field, stem, boost=boost)])
    prefix = WordPrefix(field, lowered, boost=boost)
    # Stems that end before the prefix does: "failing" is indexed as ``fail``, which ``faili*`` must find.
    shorter = {stem} | {lowered[:k] for k in range(max(3, len(lowered) - STEM_SUFFIX_CHARS), len(lowered))}
    stems = [wq.Term(field, s, boost=boost) for s in sorted(shorter - {lowered}) if stem_fits(field, s, lowered)]
    return wq.Or([prefix, *stems]) if stems else prefix


_FIELD_NAME = re.compile(r"(?<![\w\\])([A-Za-z_][\w-]*):")


def _normalise_fields(text: str) -> tuple[str, list[int]]:
    """``Date:x`` -> ``published:x`` etc., outside quotes, so users can type friendly names; and for each
    character of the result (and its end), where it came from in ``text``, so an error Whoosh finds in the
    result is reported where the user typed it."""
    out: list[str] = []
    origin: list[int] = []
    offset = 0
    for part in re.split(r'("(?:[^"\\]|\\.)*")', text):
        done = 0
        if not part.startswith('"'):
            for match in _FIELD_NAME.finditer(part):
                name = match.group(1)
                out.append(part[done:match.start()] + FIELD_ALIASES.get(name.lower(), name) + ":")
                origin.extend(range(offset + done, offset + match.start()))
                replaced = len(out[-1]) - (match.start() - done)
                origin.extend(offset + match.start() + min(k, len(match.group()) - 1) for k in range(replaced))
                done = match.end()
        out.append(part[done:])
        origin.extend(range(offset + done, offset + len(part)))
        offset += len(part)
    origin.append(len(text))
    return "".join(out), origin


def parse(parser, registry: EntityRegistry, text: str):
    """The Whoosh query for ``text`` (validated), with entity names expanded to all their surface forms."""
    validate(text)
    normalised, origin = _normalise_fields(text)
    try:
        parsed = parser.parse(normalised)
    except Exception as exc:  # Whoosh raises assorted errors on odd input
        raise QueryError(f"cannot parse query: {exc}", _quoted_position(str(exc), text), text) from None
    _raise_error_nodes(parsed, text, origin)
    expanded = _expand_entities(parsed, registry)
    if type(expanded) is wq.Or and _is_union_of_terms(expanded):  # the whole query; inside an AND, Whoosh skips
        return TermUnion(expanded.subqueries, boost=expanded.boost)
    return fast(expanded)


def _quoted_position(message: str, text: str) -> int:
    """Where the part an error message quotes (``'0' is not a parseable date``) is in the query, else 0."""
    quoted = re.search(r"'([^']+)'", message)
    found = re.search(rf"(?<!\w){re.escape(quoted.group(1))}(?!\w)", text) if quoted else None
    return found.start() if found else 0


def _raise_error_nodes(q, text: str, origin: list[int]) -> None:
    """Whoosh marks what it could not read (a bad date, say) with an ``error``; report the first."""
    error = getattr(q, "error", None)
    if error:
        position = origin[min(max(getattr(q, "startchar", None) or 0, 0), len(origin) - 1)]
        raise QueryError(f"cannot read this part of the query: {error}", position, text)
    for child in q.children():
        _raise_error_nodes(child, text, origin)


def _expand_entities(q, registry: EntityRegistry):
    if isinstance(q, (wq.Term, wq.Phrase)) and q.field() in ENTITY_QUERY_FIELDS:
        field = q.field()
        name = " ".join(q.words) if isinstance(q, wq.Phrase) else q.text
        if isinstance(name, bytes):
            name = name.decode("utf-8", "replace")
        # Each name of the entity is searched where the index holds it, in the field of the kind it is tagged as: an
        # ORG the model once tagged as a place is in `place`, and `org:` still finds that article. `entity:` takes the
        # entities of every kind, each name in its kind's field too: not in `entity`, which holds every span, and
        # would find the month where the entity is a person called May. A name no entity has is searched as written
        # (in `entity`, dates and numbers too, for `entity:`).
        kinds = None if field == "entity" else {field}
        pairs = registry.expand_terms(name, kinds)
        readings = registry.own_readings(name, kinds)
        if readings:
            return _read_in_articles(pairs, readings, q.boost)
        terms = [wq.Term(field, text, boost=q.boost) for field, text in _fields_of(pairs)]
        return terms[0] if len(terms) == 1 else wq.Or(terms)
    if q.is_leaf():
        return q
    return q.apply(lambda sub: _expand_entities(sub, registry))


def _fields_of(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(field, term)`` for each ``(kind, form)`` of :meth:`EntityRegistry.expand_terms`, once each."""
    return sorted({(_term_field(kind), _term_text(form)) for kind, form in pairs})


def _term_field(kind: str) -> str:
    return kind if kind in KIND_FIELDS else "entity"


def _term_text(form: str) -> str:
    return form.replace(",", " ").strip()


def _read_in_articles(pairs: list[tuple[str, str]], readings: dict[tuple[str, str], dict[str, bool]], boost: float):
    """The terms of ``pairs`` (``(kind, form)``: the forms the corpus reads as the entity searched for) without
    the articles that read a form otherwise (a lone surname that is another person there: see
    :meth:`EntityRegistry.own_readings`), or'ed with each form such an article reads as the entity, in that
    article alone. Each form is searched in the field of its kind, which holds that kind's forms alone."""
    terms = _fields_of(pairs)
    own: dict[tuple[str, str], dict[str, bool]] = {}  # (field, term) -> article -> read as the entity there
    for (kind, form), articles in readings.items():
        where = own.setdefault((_term_field(kind), _term_text(form)), {})
        for article_id, reads_as in articles.items():
            where[article_id] = where.get(article_id, False) or reads_as
    parts = []
    for field, text in terms:
        otherwise = sorted(article_id for article_id, reads_as in own.get((field, text), {}).items() if not reads_as)
        term = wq.Term(field, text, boost=boost)
        parts.append(wq.AndNot(term, _ids(otherwise)) if otherwise else term)
    listed = set(terms)
    for (field, text), articles in sorted(own.items()):
        read_as = sorted(article_id for article_id, reads_as in articles.items() if reads_as)
        if read_as and (field, text) not in listed:
            parts.append(wq.Require(wq.Term(field, text, boost=boost), _ids(read_as)))
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def _ids(article_ids: list[str]):
    terms = [wq.Term("id", article_id) for article_id in article_ids]
    return terms[0] if len(terms) == 1 else wq.Or(terms)
