"""Direct quotations in news text, with who said them.

Quotation marks in real copy are messy, more so after machine translation: curly and straight marks, closing
marks used as opening ones (``” Technical problems ”``), a closing mark after a space (``foreign powers, ”``),
an opening mark glued to the word before (``citing“ some``), a quote left open when the next one starts, and one
statement split around "he said". Marks are therefore paired by position within a paragraph, not by their
shape, with the shape used only where it is unambiguous (an opening ``“`` after a space restarts a quote; a
lone closing ``”`` at the end of a line closes a quote that began at the line's start). Single marks
(``‘ … ’``) count when they cannot be apostrophes.

The speaker is the PERSON entity named next to the quote (before it or after it, up to the sentence's end);
"he"/"she" resolve to the nearest person named before the quote; "the spokesman", "the commander" and the
like resolve to the nearest person named with that role word ("Taliban spokesman Zabihula Mujahid"), else
stay as the role. A quote with no attribution that follows another quote of the same speaker directly (the
next paragraph of one statement) inherits its speaker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..models import EntitySpan

_DOUBLE = '"“”„«»'
_OPENING_ONLY = "“„«"
_SPEECH_VERBS = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|warned|warns|asked|asks|stated|states|declared|insisted|"
    r"explained|noted|argued|continued|claimed|announced|replied|wrote|tweeted|assured|stressed|"
    r"according to|quoted|citing|called|admitted|acknowledged|denied|reiterated|promised|vowed|"
    r"threatened|urged|saying|writing|writes|tweeting|posted|contended|contends|maintained|suggested|countered|"
    r"responded|recalled|remarked|lamented|conceded|complained|joked|predicted|emphasized|observed|echoed)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)
_ROLE = re.compile(
    r"\b(?:the|a|an|its|their|his|her)\s+(?:[a-z]+\s+)?(?P<role>spokesman|spokeswoman|spokesperson|"
    r"commander|official|minister|ambassador|president|chief|leader|source|officer|analyst|director|"
    r"governor|general|mayor|secretary|envoy|prosecutor|witness|resident|brother|sister|father|mother)\b",
    re.IGNORECASE,
)
#: A role that speaks ("the governor said"): someone other than the last speaker has the word.
_ROLE_SPEAKS = re.compile(_ROLE.pattern + r"\s+(?:[a-z]+\s+){0,2}" + _SPEECH_VERBS.pattern, re.IGNORECASE)
#: Words of a quote that tell nothing about what was said (for telling a quote from a scare-quoted term).
_MIN_QUOTE_WORDS = 3


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who said a quote, and how we know."""

    name: str
    #: The canonical entity id when the speaker is a named entity, else ``""``.
    entity_id: str = ""
    #: ``"named"`` (a PERSON next to the quote), ``"pronoun"`` (he/she resolved), ``"role"`` (the spokesman
    #: resolved to a person), ``"role-unresolved"`` ("the commander"), ``"continued"`` (inherited).
    how: str = "named"
    #: Where the name (or pronoun/role) is written, offsets into the article.
    start: int = -1
    end: int = -1

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "entity_id": self.entity_id,
            "how": self.how,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation: one or more spans of quoted words (split around "he said") and its speaker."""

    #: ``(start, end)`` of each quoted part, without the marks.
    parts: tuple[tuple[int, int], ...]
    #: The quoted words, parts joined by " … ".
    text: str
    speaker: Speaker | None = None

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def is_statement(self) -> bool:
        """A quoted statement rather than a scare-quoted term (“inclusive”, ‘irreconcilable’)."""
        return not is_title(self.text) and (self.words >= _MIN_QUOTE_WORDS or self.speaker is not None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "parts": [list(p) for p in self.parts],
            "text": self.text,
            "words": self.words,
            "speaker": self.speaker.to_dict() if self.speaker else None,
        }


_MINOR_WORDS = frozenset("a an and at by for in of on or the to with".split())


def is_title(text: str) -> bool:
    """A quote in title case names a show, a book, a headline or a slogan (“Meet the Press”, “The Godfather:
    Part II”, “Newsweek Puts Picture of Bachmann on Cover”): nobody says it."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    return 0 < len(words) <= 15 and all(w[0].isupper() or w.lower() in _MINOR_WORDS for w in words) and any(
        w[0].isupper() for w in words[1:] or words
    )


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in re.finditer(r"\n\s*\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def _quote_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Quoted spans (inside the marks) of one paragraph ``text[lo:hi]``."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for index in range(lo, hi):
        char = text[index]
        if char not in _DOUBLE:
            continue
        before = text[index - 1] if index > lo else " "
        after = text[index + 1] if index + 1 < hi else " "
        if open_at is None:
            line_end = text.find("\n", index, hi)
            line_end = hi if line_end == -1 else line_end
            closes = char not in _OPENING_ONLY and not before.isspace() and after.isspace()
            if closes and not _has_mark(text, index + 1, line_end):
                # A closing mark with no opening one, last on its line: the quote is the line.
                spans.append((max(lo, text.rfind("\n", lo, index) + 1), index))
                continue
            open_at = index
        elif char in _OPENING_ONLY and before.isspace() and not after.isspace():
            # An opening mark while a quote is open: the open one was never closed; it ends here.
            spans.append((open_at + 1, index))
            open_at = index
        else:
            spans.append((open_at + 1, index))
            open_at = None
    if open_at is not None:
        spans.append((open_at + 1, hi))
    spans.extend(_single_quote_spans(text, lo, hi, spans))
    return sorted(_trimmed(text, a, b) for a, b in spans if _trimmed(text, a, b)[1] > _trimmed(text, a, b)[0])


def _has_mark(text: str, a: int, b: int) -> bool:
    return any(c in _DOUBLE for c in text[a:b])


def _single_quote_spans(text: str, lo: int, hi: int, doubles: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """‘…’ quotes: an opening ‘ not inside a word, closed by the next ’ not followed by a letter."""
    spans = []
    for match in re.finditer("‘", text[lo:hi]):
        index = lo + match.start()
        if index > lo and text[index - 1].isalnum():
            continue
        if any(a <= index < b for a, b in doubles):
            continue
        for close in range(index + 1, min(hi, index + 400)):
            if text[close] == "’" and (close + 1 >= hi or not text[close + 1].isalpha()):
                spans.append((index + 1, close))
                break
            if text[close] in "‘\n":
                break
    return spans


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in _DOUBLE):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in _DOUBLE):
        b -= 1
    return a, b


_ABBREVIATIONS = frozenset("mr mrs ms dr gen sen rep st lt col capt sgt gov prof jr sr no vs".split())
_STOP = re.compile(r"[.!?](?=\s)|\n")


def _is_stop(text: str, index: int) -> bool:
    """Whether the mark at ``index`` ends a sentence (not "Mr." or "U.S.")."""
    if text[index] == "\n":
        return True
    if text[index] != ".":
        return True
    word = re.search(r"([A-Za-z.]+)$", text[max(0, index - 12) : index])
    if word is None:
        return True
    token = word.group(1)
    return not (token.lower() in _ABBREVIATIONS or len(token) == 1 or "." in token)


def _sentence_end(text: str, start: int, limit: int) -> int:
    for match in _STOP.finditer(text, start, limit):
        if _is_stop(text, match.start()):
            return match.end()
    return limit


def _sentence_start(text: str, end: int, limit: int) -> int:
    for index in range(end - 1, limit - 1, -1):
        if text[index] in ".!?\n" and (index + 1 >= len(text) or text[index + 1].isspace()) and _is_stop(text, index):
            return index + 1
    return limit


def extract_quotes(text: str, entities: Sequence[EntitySpan]) -> list[Quote]:
    """Every direct quotation of ``text``, split quotes joined, each with its speaker when one is named."""
    persons = sorted((e for e in entities if e.label == "PERSON"), key=lambda e: e.start)
    raw: list[tuple[tuple[int, int], tuple[int, int]]] = []  # (quoted span, paragraph)
    for lo, hi in _paragraphs(text):
        raw.extend((span, (lo, hi)) for span in _quote_spans(text, lo, hi))
    quoted = [span for span, _ in raw]
    genders = genders_of(text, persons)
    outside_persons = [p for p in persons if not any(a <= p.start < b for a, b in quoted)]
    # Join parts split around an attribution without a full stop: "We are X," he said, "and Y."
    merged: list[tuple[list[tuple[int, int]], tuple[int, int]]] = []
    for span, para in raw:
        if merged and merged[-1][1] == para:
            prev_end = merged[-1][0][-1][1]
            gap = text[prev_end : span[0]]
            inner = gap.strip(_DOUBLE + " ,")
            if (
                len(gap.split()) <= 8
                and _SPEECH_VERBS.search(gap)
                and not re.search(r"[.!?]", inner)
                and (text[:prev_end].rstrip().endswith(",") or gap.strip(_DOUBLE + " ").startswith(","))
            ):
                merged[-1][0].append(span)
                continue
        merged.append(([span], para))
    quotes: list[Quote] = []
    previous: Quote | None = None
    for parts, (lo, hi) in merged:
        start, end = parts[0][0], parts[-1][1]
        others = [s for s in quoted if s[1] <= start or s[0] >= end]
        before_lo = max([_sentence_start(text, start - 1, lo)] + [b for _, b in others if b <= start])
        after_hi = min([_sentence_end(text, end + 1, hi)] + [a for a, _ in others if a >= end])
        regions = [(before_lo, max(before_lo, start - 1)), (min(end + 1, after_hi), after_hi)]
        regions += [(a[1], b[0]) for a, b in pairwise(parts)]
        text_parts = [" ".join(text[a:b].split()) for a, b in parts]
        joined = " … ".join(text_parts)
        title = is_title(joined)
        speaker = None if title else _speaker(text, regions, start, outside_persons, previous, genders)
        words = sum(len(text[a:b].split()) for a, b in parts)
        # An attribution after the quote that names no one we know ("said the Democratic staffer") says the
        # speaker is someone else than the last one: unclear, not inherited.
        attributed = bool(_SPEECH_VERBS.search(text[regions[1][0] : regions[1][1]]))
        # A quote inside someone else's sentence ("the Safari Club sent out a “call to arms”") continues no one;
        # one led only by its attribution ("adding, “...") does.
        lead = text[regions[0][0] : regions[0][1]]
        inside_a_sentence = bool(re.search(r"[A-Za-z]", lead)) and not _SPEECH_VERBS.search(lead)
        if (
            speaker is None
            and not title
            and not attributed
            and not inside_a_sentence
            and words >= _MIN_QUOTE_WORDS
            and previous is not None
            and previous.speaker is not None
        ):
            between = text[previous.end : start]
            if (
                len(between) <= 120
                and between.count("\n\n") <= 1
                and not re.search(r"[.!?][”\"’']*\s+[A-Z][a-z]+ ", _strip_attribution(between))
            ):
                how = "role-unresolved" if previous.speaker.how == "role-unresolved" else "continued"
                speaker = Speaker(previous.speaker.name, previous.speaker.entity_id, how, -1, -1)
        quote = Quote(parts=tuple(parts), text=joined, speaker=speaker)
        quotes.append(quote)
        previous = quote
    return quotes


def _strip_attribution(gap: str) -> str:
    return _SPEECH_VERBS.sub("", gap)


#: Words that may stand between a speech verb and the name after it: "said Gov. Rick Perry", "said Senate
#: Majority Leader Mitch McConnell".
_TITLE_GAP = re.compile(r"^[\s,]*(?:[A-Z][\w.'’-]*\s+){0,4}$")
#: What may stand between a name and its speech verb: nothing much ("Trump also said"), or an apposition
#: ("Jim Manley, a spokesman for Mr. Reid, said").
_SUBJECT_GAP = re.compile(r"^(?:[\s,]*(?:[a-z]+\s+){0,2}|\s*,[^\"“”;:!?]{1,160},\s*(?:[a-z]+\s+){0,2})$")
_FEMALE_TITLE = re.compile(r"\b(?:Ms|Mrs|Miss)\.?\s+([A-Z][\w'’-]+)")
_MALE_TITLE = re.compile(r"\bMr\.?\s+([A-Z][\w'’-]+)")
_FEMALE_WORDS = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
_MALE_WORDS = re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE)


def _speaker(
    text: str,
    regions: list[tuple[int, int]],
    quote_start: int,
    persons: list[EntitySpan],
    previous: Quote | None,
    genders: dict[str, str] | None = None,
) -> Speaker | None:
    """The speaker an attribution names, or None when the text does not say.

    Only a name, pronoun or role tied to a speech verb counts: the name right after the verb ("said Gov.
    Perry"), the pronoun right before it ("she said"), or the subject before it, the name standing next to the
    verb or before an apposition ("Elizabeth Lauten, the communications director for Rep. Stephen Fincher,
    wrote"). A name elsewhere in the sentence ("he said of Obama") is not the speaker; where nothing ties a
    name to the quote, the speaker is left unknown rather than guessed.
    """
    genders = genders if genders is not None else {}
    # The words between the parts of a split quote first, then after the quote, then before it.
    ordered = [*regions[2:], regions[1], regions[0]]
    for a, b in ordered:
        if b <= a:
            continue
        region = text[a:b]
        if (a, b) == regions[1] and re.search(r"[.!?]\W*$", text[max(0, quote_start - 1) : a]) and (
            region.rstrip(" \n" + _DOUBLE).endswith(":")
        ):
            continue  # "... attack.” He added: “We will win.”": the words after lead into the next quote
        verbs = list(_SPEECH_VERBS.finditer(region))
        # The verb nearest the quote first.
        verbs.sort(key=lambda m: min(abs(a + m.start() - quote_start), abs(a + m.end() - quote_start)))
        for verb in verbs:
            v0, v1 = a + verb.start(), a + verb.end()
            if (a, b) == regions[1] and _NEW_CLAUSE.search(text[a:v0]):
                continue  # "called the idea “intriguing,” but Sen. McCaskill said": her words come later
            found = _tied_to_verb(text, a, b, v0, v1, persons, previous, genders)
            if found is not None:
                return found
    return None


def _next_to_verb(text: str, r0: int, r1: int, v0: int, v1: int) -> bool:
    """Whether the role at ``[r0, r1)`` is the speech verb's own: a few words from it with no clause between
    ("the spokesman for the campaign said", "said a spokeswoman")."""
    gap = text[r1:v0] if r1 <= v0 else text[v1:r0] if r0 >= v1 else ""
    return len(gap.split()) <= 4 and not re.search(r"[,;:.!?]", gap)


#: After a quote, a conjunction opens a clause of its own: its verb's subject did not say the quote.
_NEW_CLAUSE = re.compile(r"^\W*(?:but|while|whereas|although|though|yet|and)\b", re.IGNORECASE)


def _tied_to_verb(
    text: str,
    a: int,
    b: int,
    v0: int,
    v1: int,
    persons: list[EntitySpan],
    previous: Quote | None,
    genders: dict[str, str],
) -> Speaker | None:
    inside = [p for p in persons if a <= p.start and p.end <= b]
    before_verb = text[a:v0]
    # "he said", "she added"
    pronoun = re.search(r"\b(he|she)\s+(?:[a-z]+\s+)?$", before_verb, re.IGNORECASE)
    if pronoun:
        at = (a + pronoun.start(1), a + pronoun.end(1))
        return _pronoun_speaker(text, at, pronoun.group(1).lower(), persons, previous, genders)
    # "..." said Jim Manley; "said Gov. Perry"; "according to Mr. Reid": the verb opens the attribution.
    if not re.search(r"\w", before_verb) or text[v0:v1].lower() == "according to":
        for p in inside:
            if p.start >= v1 and _TITLE_GAP.match(text[v1 : p.start]):
                return _speaker_of(p, "named", persons)
    # the subject: "Trump said", "Jim Manley, a spokesman for Mr. Reid, said"
    subjects = [
        p
        for p in inside
        if p.end <= v0
        and _SUBJECT_GAP.match(text[p.end : v0])
        # not "a lawyer for Trump said", "Trump's spokesman said": there the speaker is someone else
        and not _OBJECT_BEFORE.search(text[max(0, p.start - 40) : p.start])
        and not _MODIFIER_AFTER.match(text[p.end : p.end + 30])
    ]
    if subjects:
        chosen = subjects[-1]
        # "Ms. Ingraham, one of the few to put her muscle behind Mr. Brat, said": a name inside the apposition
        # of an earlier one is not the subject.
        for p in subjects[:-1]:
            if text[p.end : v0].lstrip().startswith(","):
                chosen = p
                break
        return _speaker_of(chosen, "named", persons)
    # a surname spaCy did not tag, of a person the article names in full: "Fox told CNN"
    word = re.search(r"\b([A-Z][\w'’-]+)\s+(?:[a-z]+\s+)?$", before_verb)
    w0 = a + word.start(1) if word else -1
    if word is None:
        word = re.match(r"^\s+([A-Z][\w'’-]+)\b", text[v1:b])
        w0 = v1 + word.start(1) if word else -1
    tagged = word is not None and any(p.start <= w0 < p.end for p in inside)
    if (
        word is not None
        and not tagged
        and not _OBJECT_BEFORE.search(text[max(0, w0 - 40) : w0])
        # "a Ryan spokesman said": the name modifies the one who spoke
        and not _MODIFIER_AFTER.match(text[w0 + len(word.group(1)) : w0 + len(word.group(1)) + 30])
    ):
        for p in persons:
            parts = (p.canonical or p.text).split()
            if len(parts) > 1 and parts[-1] == word.group(1):
                found = _speaker_of(p, "named", persons)
                return Speaker(found.name, found.entity_id, "named", w0, w0 + len(word.group(1)))
    # "the spokesman said", "said a spokeswoman": the role next to the verb, not one in a clause between
    # ("diGenova, an adviser to the president throughout the inquiry, told Fox News")
    window = max(a, v0 - 60)
    roles = _ROLE.finditer(text[window : min(b, v1 + 60)])
    # A role after the verb is its subject only when the verb opens the attribution (`,” said a spokeswoman`),
    # not in "saying the deputy director reversed the decision".
    opens = not re.search(r"\w", before_verb)
    role = next(
        (
            m
            for m in roles
            if _next_to_verb(text, window + m.start(), window + m.end(), v0, v1) and (window + m.end() <= v0 or opens)
        ),
        None,
    )
    if role:
        r0 = window + role.start()
        r1 = window + role.end()
        word_ = re.compile(r"\b" + role.group("role").lower() + r"\b")
        # The person named with that word ("Taliban spokesman Zabihullah Mujahid"), when only one is: an article
        # that names a former president and the president leaves "the president" to the reader.
        holders = {
            _surname_key(p.canonical or p.text): p
            for p in persons
            if p.end <= r0 and word_.search(text[max(0, p.start - 40) : p.start].lower())
        }
        if len(holders) == 1:
            found = _speaker_of(next(iter(holders.values())), "role", persons)
            return Speaker(found.name, found.entity_id, "role", r0, r1)
        return Speaker(" ".join(role.group().split()), "", "role-unresolved", r0, r1)
    return None


def _gender_of(name: str, genders: dict[str, str]) -> str:
    return genders.get(name.split()[-1] if name.split() else "", "")


def genders_of(text: str, persons: Sequence[EntitySpan] = ()) -> dict[str, str]:
    """Surname -> "f"/"m" where the article says it ("Ms. Lauten", "Mr. Trump"), else where a common first name
    does ("Joseph Crowley"): outlets without honorifics still tell "she said" from a man's name."""
    out: dict[str, str] = {}
    for pattern, gender in ((_FEMALE_TITLE, "f"), (_MALE_TITLE, "m")):
        for match in pattern.finditer(text):
            name = match.group(1)
            out[name] = "" if out.get(name, gender) != gender else gender
    by_first: dict[str, str] = {}
    for p in persons:
        words = (p.canonical or p.text).split()
        if len(words) < 2 or words[-1] in out:
            continue
        first = words[0].lower()
        gender = "m" if first in _MALE_NAMES else "f" if first in _FEMALE_NAMES else ""
        if gender:
            surname = words[-1]
            by_first[surname] = "" if by_first.get(surname, gender) != gender else gender
    for surname, gender in by_first.items():
        out.setdefault(surname, gender)
    return out


#: Common first names that say a person's gender (US and UK news; names used by both are left out).
_MALE_NAMES = frozenset(
    """aaron adam alan albert alex alexander andrew anthony antonin arthur barack ben benjamin bernie bill billy
    bob bobby brad brandon brett brian bruce carl charles charlie chris christopher chuck clarence craig dan
    daniel darrell dave david dennis devin dick don donald doug douglas duncan ed edward eric frank fred gary
    george gerald greg gregory harold harry henry howard ian jack jacob jake james jared jason jay jeb jeff
    jeffrey jerry jim jimmy joe joel john johnny jon jonathan jose joseph josh joshua juan justin keith ken
    kenneth kevin kirk larry luis marco mark martin matt matthew michael mike mitch mitt
    nathan neil newt nicholas nick orrin patrick paul pete peter phil philip ralph rand randy raymond reince
    richard rick rob robert roger ron ronald roy rudy russell ryan sam samuel scott sean sergio stephen steve
    steven ted thomas tim timothy todd tom tony vladimir walter wayne william xi""".split()
)
_FEMALE_NAMES = frozenset(
    """alexandria alice amanda amy andrea angela ann anna anne barbara betsy betty carly carol caroline
    catherine cheryl christine claire condoleezza cynthia debbie deborah diane dianne donna dorothy elaine
    elena elizabeth ellen emily gabrielle gretchen heather heidi helen hillary ilhan jane janet jeanne jennifer
    jessica jill joan joni julia julie karen kate katherine kathleen kathy kellyanne kim kirsten laura
    lauren linda lisa loretta lynn margaret maria marie martha mary maxine megan melania melissa michele
    michelle monica nancy nicole nikki pamela patricia patty rachel rebecca samantha sandra sarah sharon
    sheila shirley stephanie susan susana suzanne tammy theresa tulsi valerie virginia""".split()
)


#: A name used as a modifier or an object is rarely what a later "he" or "she" stands for.
_MODIFIER_AFTER = re.compile(
    r"^(?:['’]s?\b|\s+(?:administration|campaign|era|government|camp|White House|spokes(?:man|woman|person)|aide|"
    r"aides|adviser|advisers|advisor|lawyer|lawyers|attorney|attorneys|staffer|staff|office|team|allies|ally)\b)"
)
_OBJECT_BEFORE = re.compile(
    r"\b(?:of|about|to|at|with|for|on|against|by|from|behind|under|over|toward|towards|like|than|into|onto|"
    r"beside|between|among|including|alongside|despite|after|before|via|unlike|versus|vs)\s+"
    r"(?:(?:the|a|an|his|her|their|its)\s+(?:[a-z]+\s+)?)?(?:[A-Z][\w.'’-]*\s+){0,2}$"
)


def _pronoun_speaker(
    text: str,
    at: tuple[int, int],
    pronoun: str,
    persons: list[EntitySpan],
    previous: Quote | None,
    genders: dict[str, str],
) -> Speaker | None:
    """Whom "he"/"she" stands for, when only one person fits: the people named in the few hundred characters
    before (not as a modifier, "the Obama administration", nor as an object, "of Obama"), of a gender that
    fits, and the last quote's speaker. Two who fit, or an unattributed quote in between, leave it unknown."""
    want = "f" if pronoun == "she" else "m"
    last = previous.speaker if previous is not None else None
    if previous is not None and last is None and previous.is_statement and at[0] - previous.end < 400:
        return None
    window = at[0] - 400
    fits: dict[str, EntitySpan] = {}
    #: People named as an object ("drew the ire of Justice Scalia, who said ..."): rarely the one meant, but
    #: when named after the one who fits, the text no longer says which of them it is.
    objects: dict[str, EntitySpan] = {}
    for p in persons:
        if p.end > at[0] or p.end < window:
            continue
        if _MODIFIER_AFTER.match(text[p.end : p.end + 30]):
            continue
        name = p.canonical or p.text
        if _gender_of(name, genders) not in ("", want):
            continue
        if _OBJECT_BEFORE.search(text[max(0, p.start - 40) : p.start]):
            objects[_surname_key(name)] = p
            continue
        fits[_surname_key(name)] = p
    if last is not None:
        # "the governor said that he would not. “...,” he said": someone else spoke since the last quote (its
        # own attribution, "the spokesman said", is the last speaker's).
        after = max(previous.end, last.end)  # type: ignore[union-attr]
        if _ROLE_SPEAKS.search(text[after : at[0]]):
            return None
    if last is not None and _gender_of(last.name, genders) in ("", want):
        # The last speaker, unless someone else who fits was named since.
        anchor = last.start if last.start >= 0 else previous.start  # type: ignore[union-attr]
        since = {key for key, p in (*fits.items(), *objects.items()) if p.end > anchor}
        if since <= {_surname_key(last.name)}:
            # "the new president ... he said": still a role no name was found for.
            how = "role-unresolved" if last.how == "role-unresolved" else "pronoun"
            return Speaker(last.name, last.entity_id, how, *at)
        return None
    if len(fits) == 1:
        key, person = next(iter(fits.items()))
        if any(k != key and p.end > person.end for k, p in objects.items()):
            return None
        found = _speaker_of(person, "pronoun", persons)
        return Speaker(found.name, found.entity_id, "pronoun", *at)
    return None


def _surname_key(name: str) -> str:
    words = name.replace("’", "'").split()
    return words[-1].rstrip("'s").lower() if words else ""


def _nearest_before(persons: list[EntitySpan], offset: int) -> EntitySpan | None:
    before = [p for p in persons if p.end <= offset]
    return before[-1] if before else None


def _speaker_of(person: EntitySpan, how: str, persons: list[EntitySpan]) -> Speaker:
    """The speaker for a mention; a bare surname ("Mohammed") takes the full name of an earlier mention."""
    name = person.canonical or person.text
    if not person.entity_id and " " not in name.strip():
        for other in persons:
            if other.start >= person.start:
                break
            if other.text.split()[-1:] == [name.strip()] and " " in other.text.strip():
                name = other.text
    return Speaker(" ".join(name.split()), person.entity_id, how, person.start, person.end)
