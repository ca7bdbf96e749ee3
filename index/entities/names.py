"""Names: the key a surface form is grouped by, and acronyms ("Long Form (ACRONYM)") with the letters they
stand for. Shared by every stage: the per-article fixes, the surface table, resolution and the registry."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain

#: The words of a company's legal form, as a name's key writes them ("Gould Inc", "Plessey Co Plc").
COMPANY_SUFFIXES = frozenset((
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "plc", "llc", "lp", "ag",
    "sa", "nv", "bv", "gmbh", "spa", "ab", "as", "oy", "kk", "bhd", "pty", "cos",
))

#: Labels that name things a reader follows across articles. Dates and numbers are not resolved.
RESOLVED_LABELS = frozenset(
    ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE")
)

# --- names ----------------------------------------------------------------------------------------------

_QUOTES = "\"'“”‘’«»„‚`´"
_EDGE_PUNCT = _QUOTES + " .,;:!?()[]{}<>*|/\\"
#: Letters each with a dot, written together or a space apart ("U.S.", "H. W."): one word of them.
_DOTTED_ACRONYM = re.compile(r"(?<![^\W\d_])[^\W\d_]\.(?: ?[^\W\d_]\.)+")
_BRACKETS = str.maketrans("", "", "[]")
_POSSESSIVE = re.compile(r"['’`´]s?$")
_INNER_PUNCT = re.compile(r"[-‐‑‒–—,;]+")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


@lru_cache(maxsize=262_144)
def normalise_name(text: str) -> str:
    """The key of a surface form, so that trivially different spellings meet.

    Casefolded, accents and quotes removed, whitespace collapsed, an editor's square brackets dropped ("[Barack]
    Obama" -> "barack obama"), a possessive ("Taliban's"), a leading "the" and dots in acronyms dropped, their
    letters one word however spaced ("U.S." and "U. S." -> "us"; "George H.W. Bush" and "George H. W. Bush" ->
    "george hw bush"), hyphens and dashes read as spaces ("al-Qaeda" and
    "al Qaeda" meet; "IS-K" -> "is k"), and so are commas ("Kidder, Peabody" -> "kidder peabody"); other
    dots go ("Co." and "Co" meet).
    """
    name = " ".join(unicodedata.normalize("NFKC", unbracketed(text)).split())
    name = _DOTTED_ACRONYM.sub(lambda m: m.group().replace(".", "").replace(" ", ""), name).strip(_EDGE_PUNCT)
    name = _POSSESSIVE.sub("", name).strip(_EDGE_PUNCT)
    name = _LEADING_THE.sub("", name)
    name = _INNER_PUNCT.sub(" ", name).replace(".", "")
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(name.casefold().split())


def unbracketed(text: str) -> str:
    """A name as written without an editor's square brackets: a quotation's "[Barack] Obama" is "Barack Obama"."""
    return text.translate(_BRACKETS) if "[" in text or "]" in text else text


# --- acronyms -------------------------------------------------------------------------------------------

#: Words a long form may contain without contributing a letter to its acronym.
_CONNECTORS = frozenset(("of", "the", "in", "and", "for", "on", "de", "du", "des", "la", "le", "&", "y", "et"))
_ACRONYM_IN_PARENS = re.compile(r"\(\s?([A-Z][A-Za-z0-9&.\-]{0,11}?)\s?\)")
#: Where a long form cannot reach back past: clause punctuation, a blank line, a sentence's full stop.
_SENTENCE_BOUNDARY = re.compile(r"[;:!?()\[\]\"“”,]|\n\s*\n|(?<=[^\W\d_]{2})\.\s")
_LONG_FORM_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_][\w'’]*(?:-[^\W_][\w'’]*)*|&")


def acronym_letters(text: str) -> str:
    """The capital letters an acronym stands for ("IS-K" -> "ISK", "U.S." -> "US"); "" if it is not one."""
    letters = "".join(c for c in text if c.isupper())
    lower = sum(c.islower() for c in text)
    if len(letters) < 2 or lower > len(letters) or not text[0].isupper():
        return ""
    if any(not (c.isalnum() or c in "-.&") for c in text):
        return ""
    return letters


def _long_form_start(words: Sequence[re.Match], letters: str) -> int | None:
    """Index into ``words`` where a long form for ``letters`` starts, reading back from the last word."""
    j = len(letters)
    k = len(words) - 1
    first: int | None = None
    while k >= 0 and j > 0:
        word = words[k].group()
        if word.casefold() in _CONNECTORS and j < len(letters):
            k -= 1
            continue
        if not word[0].isupper():
            return None
        caps = word.replace(".", "")
        if len(caps) >= 2 and caps.isupper():  # an acronym inside the long form gives all its letters
            if j < len(caps) or letters[j - len(caps):j] != caps:
                return None
            j -= len(caps)
        elif word[0] == letters[j - 1]:
            j -= 1
        else:
            return None
        first = k
        k -= 1
    return first if j == 0 else None


def find_acronym_definitions(text: str) -> list[tuple[int, int, int, int]]:
    """Every "Long Form (ACRONYM)" in ``text``: ``(long_start, long_end, acronym_start, acronym_end)``.

    The acronym's capitals must be the initials of the capitalised words right before the parenthesis, in
    order, with only connectors ("of", "in", "and", ...) between them: "Islamic State in Khorasan (IS-K)",
    "Organization of Petroleum Exporting Countries (OPEC)".
    """
    found = []
    for match in _ACRONYM_IN_PARENS.finditer(text):
        acronym = match.group(1).rstrip(".-")
        letters = acronym_letters(acronym)
        if not letters:
            continue
        window_start = max(0, match.start() - 40 * len(letters) - 40)
        window = text[window_start:match.start()]
        cut = 0
        for boundary in _SENTENCE_BOUNDARY.finditer(window):
            cut = boundary.end()
        words = list(_LONG_FORM_WORD.finditer(window, cut))
        if not words or window[words[-1].end():].strip():
            continue
        start = _long_form_start(words, letters)
        if start is None:
            continue
        acronym_start = match.start(1)
        found.append((window_start + words[start].start(), window_start + words[-1].end(),
                      acronym_start, acronym_start + len(acronym)))
    return found



def initials_of(form: str) -> str:
    """The capitals an acronym of a long form is written with ("United States": "US", "District of Columbia":
    "DC"; as :func:`initials_match` reads them), "" when it has none."""
    words = [match.group() for match in _LONG_FORM_WORD.finditer(form)]
    letters = []
    for n, word in enumerate(words):
        if word.casefold() in _CONNECTORS and n < len(words) - 1:
            continue
        if not word[0].isupper():
            return ""
        caps = word.replace(".", "")
        letters.append(caps if len(caps) >= 2 and caps.isupper() else word[0])
    found = "".join(letters)
    return found if len(found) >= 2 and initials_match(form, found) else ""


def initials_match(long_form: str, letters: str) -> bool:
    """Whether ``long_form`` (a span, perhaps with a leading "the") is what ``letters`` stand for."""
    words = list(_LONG_FORM_WORD.finditer(long_form))
    start = _long_form_start(words, letters)
    return start is not None and all(words[k].group().casefold() == "the" for k in range(start))


# --- people's names -------------------------------------------------------------------------------------

#: Given names and the short forms English-language news writes them in ("Jim" Mattis, "Chuck" Schumer, "Bill"
#: Barr). A short form of two given names ("Steve": Stephen, Steven) tells neither; short forms that are often
#: given names of their own or short for several ("Jack", "Will", "Al", "Ted", "Ray", "Sam", "Rick") are not listed.
_SHORT_FORMS = {
    "alexander": ("alex",), "andrew": ("andy",), "anthony": ("tony",), "benjamin": ("ben",),
    "bernard": ("bernie",), "charles": ("chuck", "charlie"), "christopher": ("chris",), "daniel": ("dan", "danny"),
    "david": ("dave",), "deborah": ("debbie",), "donald": ("don",), "douglas": ("doug",),
    "edward": ("ed", "eddie"), "elizabeth": ("liz", "betsy"), "frederick": ("fred",), "gregory": ("greg",),
    "henry": ("hank",), "james": ("jim", "jimmy"), "jeffrey": ("jeff",), "jennifer": ("jenny",),
    "jonathan": ("jon",), "joseph": ("joe", "joey"), "kenneth": ("ken",), "lawrence": ("larry",),
    "margaret": ("maggie", "peggy"), "matthew": ("matt",), "michael": ("mike",), "mitchell": ("mitch",),
    "nicholas": ("nick",), "peter": ("pete",), "rebecca": ("becky",),
    "richard": ("dick",), "robert": ("bob", "bobby", "rob"), "ronald": ("ron",),
    "stephen": ("steve",), "steven": ("steve",), "susan": ("sue",), "thomas": ("tom", "tommy"),
    "timothy": ("tim",), "vincent": ("vince",), "william": ("bill", "billy"), "zachary": ("zach",),
}


def _formal_names() -> dict[str, str]:
    """Each short form's given name in full, for the short forms of one name only."""
    formal_of: dict[str, str] = {}
    for formal, shorts in _SHORT_FORMS.items():
        for short in shorts:
            formal_of[short] = formal if formal_of.get(short, formal) == formal else ""
    return {short: formal for short, formal in formal_of.items() if formal}  # "steve": Stephen or Steven


_FORMAL = _formal_names()


#: Opening quotation marks a nickname starts with inside a name ('Vincent "The Chin" Gigante').
_NICKNAME_OPENS = tuple("\"“‘«'")
_NICKNAME_CLOSES = tuple("\"”’»'")


def person_form(key: str) -> tuple[str, tuple[str, ...]] | None:
    """What the written forms of one person's full name share, from a name's key: the name with its given name
    in full, its initials and a nickname in quotes left out ("jim mattis" and "james mattis": "james mattis";
    "william p barr": "william barr"; "w mark felt": "mark felt"; 'vincent "the chin" gigante': "vincent
    gigante"; "george hw bush": "george bush"), and the initials left out (``("p",)``, ``("h", "w")``; an initial
    before the given name as ``("w.",)``). None for
    a name of one word. A generation ("Jr") stays: "Mark Felt Jr." is not his father."""
    words = key.split()
    if len(words) < 2 or not words[0].isalpha() or not words[-1].isalpha():
        return None
    leading: tuple[str, ...] = ()
    if len(words) >= 3 and len(words[0]) == 1 and len(words[1]) > 1 and words[1].isalpha():
        leading, words = (f"{words[0]}.",), words[1:]  # "W. Mark Felt", "J. Edgar Hoover"
    inner: list[str] = []
    in_nickname = False
    for word in words[1:-1]:
        if not in_nickname and word.startswith(_NICKNAME_OPENS):
            in_nickname = True
        if not in_nickname:
            inner.append(word)
        elif word.endswith(_NICKNAME_CLOSES):
            in_nickname = False
    if in_nickname:  # a quotation mark never closed: no nickname, as written
        inner = words[1:-1]
    first = _FORMAL.get(words[0], words[0])
    middle = [word for word in inner if not _initials(word)]
    initials = leading + tuple(chain.from_iterable(map(_initials, inner)))
    return " ".join((first, *middle, words[-1])), initials


def _initials(word: str) -> str:
    """The initials a word inside a name's key is: a letter, or two or three letters with no vowel, as a key
    writes "H.W." and "H. W." ("hw"); "" for a name ("Ed", "Ali") or a particle ("St")."""
    if len(word) == 1:
        return word
    if 2 <= len(word) <= 3 and word.isalpha() and word not in _PARTICLES and not any(c in "aeiouy" for c in word):
        return word
    return ""


#: Words before a surname that make no full name of it.
_TITLES = frozenset((
    "mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "dame", "president", "minister", "senator", "sen",
    "rep", "gov", "governor", "gen", "general", "judge", "prof", "professor", "ex", "former", "chairman",
    "secretary", "king", "queen", "prince", "princess", "pope", "father", "sheikh", "mullah", "maulawi",
    "sgt", "sergeant", "lt", "lieutenant", "capt", "captain", "col", "colonel", "cpl", "corporal", "det",
    "detective", "insp", "inspector", "supt", "officer", "trooper", "pres", "vp", "rev", "amb", "atty",
))
#: Titles written short, which no one has as a surname: a name ending with one is no full name ("Bloomington
#: Police Sgt").
_SHORT_TITLES = frozenset(("mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "prof", "sgt", "lt", "capt", "col",
                           "cpl", "det", "insp", "supt", "pres", "vp", "atty"))

def full_name_surname(key: str) -> str:
    """The surname a person's full name (its key) ends with, "" for no full name: a title and a name ("Mrs
    Reagan"), a person's thing ("Trump's Twitter"), a name ending with a title ("Bloomington Police Sgt").

    A generation ("Robert S. Mueller III") is read as the surname, so such a name is no holder of "Mueller": news
    writes one person with and without it far more often than a father and a son in one corpus, and telling
    them apart would part "Mueller" from the one Robert Mueller a corpus names."""
    words = _untitled(key)
    if len(words) < 2 or any(w.endswith(("'s", "’s")) for w in words[:-1]) or words[-1] in _SHORT_TITLES:
        return ""
    return words[-1]


#: Words a person's name may hold in lower case ("Ludwig van Beethoven", "Osama bin Laden").
_PARTICLES = frozenset(("van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "bin", "ibn",
                        "al", "el", "ben", "y", "e", "dos", "das", "ter", "op", "zu", "st"))
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")


def looks_like_a_name(form: str) -> bool:
    """Whether a person's name as written looks like one: words of letters, each with a capital but particles
    ("van", "bin", "al-Salim"; "diGenova" has one); not spaCy's "bill Reagan" (a bill Reagan signed), "UTX> Pratt"
    or "GRAIN RICE" (a headline)."""
    words = [word.strip("\"“”‘’«»'") for word in form.split()]  # a nickname in quotes is words too
    if not words or (len(words) > 1 and form.isupper()):
        return False
    return all(_NAME_WORD.fullmatch(w) and (not w.islower() or w.split("-")[0] in _PARTICLES) for w in words)


def titled_name(key: str) -> str:
    """The one word a title stands before in a person's name (its key): "goelman" for "mr goelman", "carrington"
    for "lord carrington"; "" for any other name."""
    words = _untitled(key)
    return words[0] if len(words) == 1 and len(key.split()) > 1 else ""


def given_name(key: str) -> str:
    """The first word of a person's name of several words (its key), after a title; "" for a name of one word."""
    words = _untitled(key)
    return words[0] if len(words) >= 2 else ""


def _untitled(key: str) -> list[str]:
    words = key.split()
    while words and words[0] in _TITLES:
        words = words[1:]
    return words
