"""Figures as claims: each number of an article with what it counts, in what respect, and derived totals.

A :class:`Figure` holds the words, their offsets, a closed range ``[low, high]`` (``numbers`` reads the words),
what is counted and in what respect (``measure`` such as "killed", ``group`` such as "all" or "us"), and for
dates the calendar fields (``dates``).

What is counted: ``measure`` is the nearest word of a known kind in the same sentence (killed, injured,
arrested, ...; the vocabulary and the choice of the nearest are ``measures``) and ``group`` says who: a
nationality or named group in the noun phrase ("13 Americans", "13 members of the US army" -> ``us``), ``all``
for people in general ("more than 170 people", "hundreds"),
else the head noun ("three areas" -> ``area``). Figures joined by "and"/"as well as" with the same
measure add up to a derived total ("169 Afghans and 13 U.S. service members" -> all = 182); "including" and
"among them" name a part of the whole, so they do not add.

Nothing here imports spaCy: it runs when two articles are compared, in the reader's process.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from .dates import date_matches, dates_agree, extract_dates
from .figure import Figure, sentence_of
from .measures import (
    A_NUMBER,
    CLAUSE_BREAK,
    INCLUSIVE,
    MEASURE_WORD,
    PEOPLE_MEASURES,
    age_spans,
    measure_near,
    measure_of_word,
    measure_words,
    without_ages,
)
from .numbers import SCALES, Token, may_start_number, modifier_at, modifier_range, number_at, number_tokens

#: Head nouns that mean "people in general": a figure counting them is the whole, not a group.
PEOPLE = frozenset("people persons person individuals victims lives others civilians residents".split())

#: Names of nationalities and countries that mean the same group, so "13 Americans" and "13 U.S. service
#: members" are one group. Anything not listed stands for itself (lowercase, dots and plural "s" dropped).
GROUP_ALIASES: dict[str, str] = {
    "american": "us",
    "americans": "us",
    "us": "us",
    "usa": "us",
    "united states": "us",
    "america": "us",
    "british": "uk",
    "briton": "uk",
    "britons": "uk",
    "uk": "uk",
    "britain": "uk",
    "afghans": "afghan",
    "afghanistan": "afghan",
    "iraqis": "iraqi",
    "iraq": "iraqi",
    "syrians": "syrian",
    "syria": "syrian",
    "pakistanis": "pakistani",
    "pakistan": "pakistani",
    "russians": "russian",
    "russia": "russian",
    "germans": "german",
    "germany": "german",
    "french": "french",
    "france": "french",
}

#: Words that end the noun phrase after a number (the head is found before them).
_PHRASE_STOP = frozenset(
    """a an the and or but as at by for from in into of on onto to with without who whom which that this these
    those were was are is be been being have has had will would could should may might can must do did does
    including among while when where after before since than then there their its his her they he she it we
    you our said say says told including versus vs v against per each every all both""".split()
)
#: Connectors between two figures of one sentence: additive ones make a total, inclusive ones a part.
_ADDITIVE = re.compile(r"\b(?:and|as well as|plus|along with|together with)\W*$", re.IGNORECASE)
#: The words between two counts joined additively: "..., and", "and" (the clause's other words before it).
_ADDITIVE_AFTER = re.compile(r"[^;.]*\b(?:and|as well as|while)\W+$", re.IGNORECASE)
_PLUS = re.compile(r"\b(?:plus|in addition to)\W*$", re.IGNORECASE)

#: Things made of digits that are not counts: clock times, slashed and ISO dates, ages, dimensions.
_NOT_A_COUNT = re.compile(
    r"\b\d{1,2}:\d{2}\b|\b\d{1,4}/\d{1,2}(?:/\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b|\b\d+-\w+\b|\b[A-Za-z]+-\d+\b"
    # A name made of letters and digits ("IE6", "F16"), a fraction written with spaces ("4 1 / 2 months").
    r"|\b[A-Za-z]+\d+[A-Za-z\d]*(?:-[A-Za-z\d]+)*\b|\b(?:\d+\s+)?\d+\s*/\s*\d+\b"
    # A number that names something: "version 6", "model 3", "No. 10", "flight 93".
    r"|\b(?:[Vv]ersion|[Mm]odel|[Nn]umber|No\.|[Cc]ategory|[Ll]evel|[Ss]tage|[Pp]hase|[Ff]light|[Rr]oute|[Pp]age)\s+\d+"
    # A time of day: "at 11am", "11 a.m.", "5.30pm".
    r"|\b\d{1,2}(?:[.:]\d{2})?\s?[AaPp]\.?[Mm]\b\.?"
)
#: A number written into a compound with its unit, before the noun it describes: "a 48-page indictment", "the
#: 35-word oath" (not "a 10-year-old", not "3-0"). The unit and the noun say what is counted closely.
#: "32- and 64-bit": a compound's number shared with another before it.
_SUSPENDED = re.compile(r"\d-?\s*(?:and|or|to)\s+$")
_COMPOUND = re.compile(r"(?<![\w.,$€£-])(\d{1,3}(?:,\d{3})+|\d+)-([a-z]+)[ \t]+([a-z]+)\b")


def _noun_phrase(tokens: list[Token], j: int, text: str, stop: int | None = None) -> tuple[str, str, int, int]:
    """The noun a number counts: (head as written, qualifier words, phrase end offset, next token index).
    ``stop``: the index of the first token after the number's sentence; the phrase never runs past it.

    Without a tagger, the phrase is the run of words after the number up to a function word or punctuation
    (skipping "of" right after plural number words: "thousands of people"); its head is the first plural or
    collective word in it that is not an acronym ("six ISIS fighters" -> fighters), else its last word.
    """
    n = len(tokens) if stop is None else stop
    if j < n and tokens[j].low == "of":
        j += 1
        if j < n and tokens[j].low in ("the", "them", "whom"):
            return "", "", tokens[j - 1].end, j
    words: list[Token] = []
    k = j
    while k < n and len(words) < 4:
        tok = tokens[k]
        if not (tok.text[0].isalpha()) or tok.low in _PHRASE_STOP:
            break
        if _COLUMN_BREAK.search(text[tokens[k - 1].end : tok.start]):
            break
        dashed = _DASHED_NUMBER.fullmatch(tok.text)
        if dashed and words:
            # "The three bank workers-two women and a man-were killed": a dash written without spaces opens an
            # apposition; the phrase ends before it.
            end = tok.start + len(dashed.group(1))
            words.append(Token(dashed.group(1), dashed.group(1).lower(), tok.start, end))
            k += 1
            break
        words.append(tok)
        k += 1
    if not words:
        return "", "", tokens[j - 1].end if j > 0 else 0, j
    head_index = len(words) - 1
    for index, tok in enumerate(words):
        if MEASURE_WORD.match(tok.low):  # "Hundreds died", "13 Americans killed"
            head_index = index - 1
            break
        if index and _PARTICIPLE.fullmatch(tok.low):  # "a $38 billion deal announced Monday": a clause of its own
            head_index = index - 1
            break
        is_acronym = tok.text.isupper() and len(tok.text) > 1
        if not is_acronym and (tok.low in PEOPLE or tok.low.endswith("s") or tok.low in _COLLECTIVE):
            head_index = index
            break
    words = words[: head_index + 1]
    if not words:
        return "", "", tokens[j - 1].end if j > 0 else 0, j
    head = words[-1].text
    qualifiers = " ".join(t.text for t in words[:-1])
    # "13 members of the US army": the of-complement names the group.
    extra = _complement(tokens, j + len(words), n)
    if extra:
        qualifiers = (qualifiers + " " + " ".join(t.text for t in extra)).strip()
    return head, qualifiers, words[-1].end, j + len(words)


#: Words that may open an of-complement: "members of the US army", "pages of her emails".
_DETERMINERS = frozenset("the a an his her their its our".split())


def _complement(tokens: list[Token], after: int, n: int) -> list[Token]:
    """The words of the of-complement right after a count's head noun at ``tokens[after]`` ("members of the US
    army" -> the US army), up to a function word or the sentence's end; ``[]`` when none follows."""
    if not (after + 1 < n and tokens[after].low == "of"):
        return []
    extra = []
    for t in tokens[after + 1 : min(n, after + 5)]:
        if t.text == "." or not (t.text[0].isalpha() or t.text[0] == "."):
            break  # "members of the U.S. Army. They left": the complement ends with its sentence
        if t.low in _PHRASE_STOP and t.low not in _DETERMINERS:
            break  # "50,000 pages of printed emails from Mrs. Clinton": the complement ends at "from"
        extra.append(t)
    return extra


def _described(tokens: list[Token], after: int, n: int, head: str) -> str:
    """What a plain count of things says they are made of, after its head: the complement's last word, singular
    ("50,000 pages of printed emails" -> email; "pages of Clinton's emails" -> email), or ``""`` when the head
    has no of-complement, is a span of time ("20 years of war") or the complement ends on a name."""
    extra = _complement(tokens, after, n)
    last = extra[-1].text if extra else ""
    if not last.isalpha() or not last.islower() or head.lower() in _TIME_UNITS or last in _PHRASE_STOP:
        return ""
    return singular(last)


#: A past participle after a noun opens a clause about it ("deal announced", "pages released").
_PARTICIPLE = re.compile(r"[a-z]{3,}ed")

#: A word, then a dash and a number word with no spaces: "workers-two" (not "twenty-two", not "year-old").
_DASHED_NUMBER = re.compile(
    r"([A-Za-z]{3,}(?<!ty))-(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|hundreds)",
    re.IGNORECASE,
)
#: A paragraph break, or the indentation or column gap of a table row: the words after it are not the
#: number's noun ("14.40\n Imports" in a USDA table is the end of one row and the label of the next).
_COLUMN_BREAK = re.compile(r"\n\s*\n|\n[ \t]|\t| {2,}")
_TIME_UNITS = frozenset(
    "seconds minutes hours days nights weeks months years decades centuries "
    "second minute hour day night week month year decade century".split()
)
_COLLECTIVE = frozenset("personnel staff police military crew people children men women youth".split())


def _group_of(head: str, qualifiers: str) -> str:
    """Who is counted: a nationality or named group when the phrase names one, ``all`` for people in
    general, else the head noun (lowercase, plural "s" dropped)."""
    words = [w.strip(".").lower() for w in (qualifiers + " " + head).split()]
    joined = " ".join(words)
    for alias, group in GROUP_ALIASES.items():
        if " " in alias and alias in joined:
            return group
    for raw in (qualifiers + " " + head).split():
        word = raw.replace(".", "").lower()
        if word in GROUP_ALIASES:
            return GROUP_ALIASES[word]
    for raw in qualifiers.split():
        if raw[:1].isupper() and raw.lower() not in ("the",) and not _POSSESSIVE.search(raw):
            # "six ISIS fighters" counts ISIS's; "pages of Clinton's emails" counts pages, not Clinton.
            return raw.replace(".", "").lower()
    low = head.lower()
    if not low or low in PEOPLE:
        return "all"
    if head[:1].isupper():
        return GROUP_ALIASES.get(low, low.rstrip("s"))
    return singular(low)


_POSSESSIVE = re.compile(r"['’]s?$")


def singular(word: str) -> str:
    """A plural noun's singular, as far as spelling tells: "bills" -> "bill", "boxes" -> "box", "cities" ->
    "city"; "glass" and "bus" stay."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(?:x|z|ch|sh|ss)es$", word):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith(("ss", "us", "is")) else word


#: Head nouns that are never people: "10 houses were damaged" beside "injured", "falling 200ft" beside "killed".
_NOT_PEOPLE = frozenset(
    """house houses home homes building buildings village villages school schools camp camps vehicle vehicles car cars
    shell shells round rounds rifle rifles magazine magazines bomb bombs rocket rockets point points version versions
    ft feet foot metre metres meter meters m km kilometres kilometers mile miles yard yards inch inches pound pounds
    kg tonnes tons percent acre acres hectare hectares storey storeys floor floors sentence sentences term terms
    count counts game games match matches season seasons inning innings goal goals""".split()
)
#: "a city of 500,000", "the island nation of about 20 million", "a population of", "home to": the number of
#: people who live somewhere, never a count of what happened to them.
_POPULATION_BEFORE = re.compile(
    r"\b(?:(?:city|town|village|country|nation|state|province|island|region|district|community|capital|metropolis"
    r"|municipality|county|suburb)\s+of|population\s+(?:of|is|was|at)|home\s+to|inhabited\s+by)"
    r"\s+(?:(?:about|some|around|nearly|almost|roughly|approximately|more\s+than|over|just\s+over|under|less\s+than)\s+)?$",
    re.IGNORECASE,
)
#: Words of a sum of money written out: "a 25,000 dlr fine", "5 mln stg", "300 dollars bail".
_CURRENCY = frozenset(
    "dlr dlrs dollar dollars yen franc francs mark marks stg sterling lira lire peso pesos rupee rupees yuan euro "
    "euros cent cents bail fine fines".split()
)
#: A count of people beside another ("another two", "four other people", "two more victims") adds to a toll
#: given elsewhere: it is a part, never the whole.
_ADDITIONAL_BEFORE = re.compile(r"\b(?:another|an additional|a further)\s+$", re.IGNORECASE)
#: "Three people also died in a strike on another school": a count of a further incident.
_ALSO_AFTER = re.compile(r"\s+(?:(?:were|was|have|had|has)\s+)?also\b", re.IGNORECASE)
#: "nine of the dead", "two of them", "12 of one family", "three of his children": a part of a whole.
_PART_OF = frozenset("the them those these whom one a an his her their its".split())
#: "bringing to 10 the number of Israelis killed", "raising the toll to 40": a running total.
_BRINGING_TO = re.compile(r"\b(?:bringing|brings|brought|raising|raises|raised|taking|takes|took)\b[^,;]*\bto\s+$")
#: "since Monday", "since yesterday", "since last night": the time of one incident, not of a running count.
_ONE_DAY = (r"(?:mon|tues|wednes|thurs|fri|satur|sun)day", "yesterday", r"last\s+night")
_SINCE_AFTER = re.compile(r"\s+(?:\w+\s+){0,2}since\s+(?!" + "|".join(_ONE_DAY) + ")", re.IGNORECASE)
_DURING_AFTER = re.compile(
    r"\s+(?:during|in\s+the\s+(?:first|second|third|fourth|final|last|opening))\b", re.IGNORECASE
)
#: "... are living in the camp", "who fled the fighting live in", "are now housed": people where they stay now,
#: after the count's own relative clause if any.
_LIVING_AFTER = re.compile(
    r"(?:\s+[a-z]+){0,2}?(?:\s+(?:who|that)\s+[^,;]{1,80}?)?\s+(?:(?:are|were)\s+(?:now\s+|still\s+)?(?:living|housed|sheltering|staying)"
    r"|(?:now\s+|still\s+)?live)\b",
    re.IGNORECASE,
)
#: A place smaller than the story's: a count there is a part of the whole toll.
_LOCAL = re.compile(
    r"\b(?:[Ii]n|[Aa]t)\s+(?:the\s+)?(?:neighbou?ring\s+|nearby\s+)?(?:[A-Z][\w'-]*\s+){0,3}"
    r"(district|village|town|county|camp|school|neighbou?rhood|hospital|mosque)s?\b"
)
#: "Nine Israelis, including three civilians", "including an entire family of seven": a part of the count before.
_INCLUDING_BEFORE = re.compile(r"\bincluding\s+(?:[\w-]+\s+){0,4}$", re.IGNORECASE)
_ADDITIONAL_QUALIFIER = re.compile(r"\b(?:other|more|additional|further)\b", re.IGNORECASE)
#: "in the protests over the past eight days": a count of a whole campaign.
#: "over four nights of protest", "across three days": the count of several days together.
_CUMULATIVE = re.compile(
    r"\b(?:over|in|during|for)\s+the\s+(?:past|last|previous)\s+(?:\w+\s+)?(?:days?|weeks?|months?|years?)\b"
    r"|\b(?:over|across)\s+(?:the\s+)?(?:\w+\s+)?(?:days|nights|weeks|months)\b",
    re.IGNORECASE,
)
#: "Since the shooting, over 50 arrests have been made": a sentence opening on the time since an event counts
#: everything from then on (not "Since Monday", the day of one incident; see :data:`_SINCE_AFTER`).
_SINCE_OPENING = re.compile(
    r"\W*since\s+(?!" + "|".join(day + r"\b" for day in _ONE_DAY) + r")[^,;.]{1,60},",
    re.IGNORECASE,
)
#: "have killed 300 people so far", "a total of 300 people": a running total, not one incident's count.
_TOTAL_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,3}?(?:so\s+far|in\s+total|to\s+date|altogether)\b", re.IGNORECASE)
_TOTAL_BEFORE = re.compile(r"\b(?:a\s+)?(?:total|tally|cumulative\s+\w+)\s+of\s+$", re.IGNORECASE)
#: "After 13 days of bombardment, which has claimed more than 660 lives": the campaign's count, when it comes
#: before the figure.
_CUMULATIVE_BEFORE = re.compile(r"\bafter\s+(?:\w+\s+)?(?:days?|nights?|weeks?|months?)\s+of\b", re.IGNORECASE)
#: "across the continent", "nationwide": a count of a wider area than the story's.
_WIDER = re.compile(
    r"\bacross\s+(?:the\s+)?(?:continent|country|region|world|nation|globe|Europe|Asia|Africa)\b"
    r"|\b(?:nationwide|worldwide|countrywide)\b",
    re.IGNORECASE,
)
#: "She had treated 20 victims", "we have received around 50 people": one hospital's or team's share.
_RECEIVED_BEFORE = re.compile(
    r"\b(?:received|receiving|treated|treating|admitted|admitting|took\s+in|taken\s+in)\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
#: "They also attacked a truck, injuring two": "also" before a deed that is not itself the measure, with the
#: count in a clause after it, tells of one more act beside the story's main one.
_ALSO_DEED = re.compile(r"\balso\s+(?:\w+ly\s+)?([a-z]+)", re.IGNORECASE)
#: A word after a number that is a verb of its own ("14 trapped", "12 stranded").
_OWN_VERB = re.compile(r"[a-z]+ed")
#: "Windows 8", "Internet Explorer 10", "Apollo 11": a capitalised name right before a bare number.
_NAMED_BEFORE = re.compile(r"(\S?)\s*\b([A-Z][a-z]+)\s+$")
_NOT_A_NAME = frozenset(
    """on in at by for to from since until of and but the about around over under nearly some only just almost all
    another exactly roughly approximately than least most more less fewer up down with""".split()
)


def _named_before(text: str, lo: int, start: int) -> bool:
    """Whether the number at ``start`` follows a capitalised word that is not the first of its sentence."""
    match = _NAMED_BEFORE.search(text, max(lo, start - 30), start)
    if not match or match.group(2).lower() in _NOT_A_NAME:
        return False
    return match.group(1) not in (".", "!", "?", ":", '"', "“")


_NEXT_WORD = re.compile(r"\s*([A-Za-z]+)")


def _names_its_measure(text: str, end: int, hi: int) -> bool:
    """Whether the word right after a count says what it measures ("22,000 refugees", "300 dead")."""
    match = _NEXT_WORD.match(text, end, hi)
    return match is not None and bool(measure_of_word(match.group(1).lower()))


def _has_own_verb(noun: str) -> bool:
    words = noun.split()
    first = words[0] if words else ""
    if _OWN_VERB.fullmatch(first) is None or measure_of_word(first):
        return False
    return len(words) == 1 or words[1].lower() in _AFTER_A_PREDICATE


#: "where hundreds of people were sheltering", "as 300 people were fleeing": the count's own verb in the
#: progressive, which a measure word before it ("killed ... where hundreds were sheltering") is not.
_PROGRESSIVE_AFTER = re.compile(r"\s+(?:were|was|are|is|had\s+been|have\s+been)\s+([a-z]+ing)\b")


def _own_progressive(text: str, end: int, hi: int) -> bool:
    match = _PROGRESSIVE_AFTER.match(text, end, hi)
    return match is not None and not measure_of_word(match.group(1))


#: Words that may follow a count's own verb ("14 trapped under debris"); a noun there makes the word an adjective.
_AFTER_A_PREDICATE = frozenset(
    """under in inside beneath at on by near after when while as and or but with without for from during since
    until there here overnight""".split()
)


def _also_another_act(text: str, lo: int, start: int) -> bool:
    """Whether "also" before the figure, in its sentence, introduces a deed other than the measure's own."""
    for match in _ALSO_DEED.finditer(text, lo, start):
        word = match.group(1).lower()
        if "," not in text[match.end() : start]:
            continue  # "the quake also destroyed 300 homes and killed 12": one clause, the story's own deed
        if measure_of_word(word) or word in _NOT_A_DEED or _RELATIVE.search(text, match.end(), start):
            # "which also wounded 100", "he also said that the blast, which killed 170": not another deed
            continue
        return True
    return False


_NOT_A_DEED = frozenset(
    """be been being was were is are have has had said says told tells noted added reported stated confirmed
    warned analyzed analysed believed believes claimed claims estimated""".split()
)
_RELATIVE = re.compile(r"\b(?:that|which|who|whom|where)\b", re.IGNORECASE)


#: A figure after "by" following its measure is the agent, not the count ("killed ... by tens of thousands").
_AGENT = re.compile(r"\bby\s+$", re.IGNORECASE)


#: "None of the 40 people were hurt", "were not killed": a count of whom the measure is denied.
_NEGATED_BEFORE = re.compile(r"\b(?:none|neither|no\s+one)\s+of\s+(?:the\s+|those\s+|them\s+)?$", re.IGNORECASE)


def extract_counts(
    text: str, sentences: Sequence[tuple[int, int]], dates: Sequence[re.Match[str]] | None = None
) -> list[Figure]:
    """Every count in ``text`` with its range, measure and group, plus derived totals (see module doc).
    ``dates``: the date patterns' matches (:func:`date_matches`), when the caller has them already."""
    tokens = number_tokens(text, sentences)
    token_starts = [t.start for t in tokens]
    skipped = [(m.start(), m.end()) for m in _NOT_A_COUNT.finditer(text)]
    skipped += [(m.start(), m.end()) for m in (date_matches(text) if dates is None else dates)]
    skipped += age_spans(text)
    not_counts = _starts_within(tokens, skipped)
    starts = [s for s, _ in sentences]
    figures: list[Figure] = []
    words_of: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
    i, n = 0, len(tokens)
    while i < n:
        if not may_start_number(tokens[i]):
            i += 1
            continue
        modifier, j = modifier_at(tokens, i)
        if modifier and j + 1 < n and tokens[j].text in "$€£":
            j += 1  # "nearly $44 million"
        if j >= n:
            break
        tok = tokens[j]
        if tok.start in not_counts:
            i = max(i + 1, j + 1) if modifier else i + 1
            continue
        core = number_at(tokens, j)
        if core is None:
            i += 1
            continue
        low, high, approx, k = core
        if modifier and approx != "repeated":
            whole = "." not in tokens[j].text
            if approx == "exact":
                low, high = modifier_range(modifier, low, whole)
            else:
                low, high = modifier_range(modifier, low, whole)[0], modifier_range(modifier, high, whole)[1]
            approx = modifier
        # A bare year ("in 2001") is a date, not a count.
        if approx == "exact" and 1800 <= low <= 2100 and re.fullmatch(r"\d{4}", tokens[j].text):
            i = k
            continue
        # "one of the deadliest", "one of his vehicles": "one" alone is a pronoun far more often than a count, but
        # not after a modifier ("killing at least one person").
        if tokens[j].low == "one" and k == j + 1 and (not modifier or (k < len(tokens) and tokens[k].low == "of")):
            i = k
            continue
        start = tokens[i].start
        sentence = sentence_of(sentences, start, starts)
        lo, hi = sentences[sentence] if sentence >= 0 else (0, len(text))
        stop = bisect_left(token_starts, hi)
        head, qualifiers, phrase_end, after = _noun_phrase(tokens, k, text, stop)
        described = _described(tokens, after, stop, head) if head else ""
        scale = max((SCALES[t.low] for t in tokens[j + 1 : k] if SCALES.get(t.low, 0) >= 1000), default=1)
        before = tokens[i - 1].low if i > 0 else ""
        second = _range_end(tokens, after if head else k, text) if before not in ("from", "by") else None
        if second is not None and low < second[1] <= 5 * max(high, 1):
            # "10 to 15 cents", "10 cents to 15 cnts": one range, not two figures.
            high, approx = second[1], "range"
            if not head:
                head, qualifiers = second[2], second[3]
            phrase_end, after = second[4], second[5]
        if approx == "exact" and re.search(r"\bother\b", qualifiers, re.IGNORECASE):
            # "Elders Futures and three other large firms": three, or four counting the one named.
            high, approx = high + 1, "other"
        # Not a count of what happened: a counter ("11 of 25"), an age ("Mr. Mattis, 68,", "aged 16").
        following = tokens[k].low if k < n else ""
        if following == "of" and k + 1 < n and tokens[k + 1].text[0].isdigit():
            i = k + 2
            continue
        if not head and low == high and low < 120 and approx == "exact" and (
            re.search(r"\b(?:aged?|ages)\s+$", text[max(lo, start - 6) : start], re.IGNORECASE)
            # "Mr. Mattis, 68, will leave"
            or (text[max(lo, start - 2) : start].strip() == "," and text[tokens[k - 1].end :].startswith(","))
        ):
            i = k
            continue
        if not head and approx == "exact" and _named_before(text, lo, start):
            # "Windows 8, due out in October", "Internet Explorer 10": a number that names, not a count.
            i = k
            continue
        # A part of a whole ("nine of the dead", "two of them") is not the whole's count.
        part = following == "of" and k + 1 < n and tokens[k + 1].low in _PART_OF
        # A span of time ("20 years of war") measures nothing that a nearby "killed" could count.
        if (lo, hi) not in words_of:
            words_of[(lo, hi)] = measure_words(text, lo, hi)
        # "six were killed and 14 trapped under debris": a count with a verb of its own ("trapped") does not
        # take the measure of the clause before it.
        own_verb = (
            k < n
            and tokens[k].start < hi
            and _OWN_VERB.fullmatch(tokens[k].text) is not None
            and not measure_of_word(tokens[k].low)
            # "14 trapped under debris", "12 stranded.", not "12 unarmed protesters": a predicate, not an adjective
            and (k + 1 >= n or tokens[k + 1].start >= hi or not tokens[k + 1].text[0].isalpha()
                 or tokens[k + 1].low in _AFTER_A_PREDICATE)
        ) or _own_progressive(text, phrase_end, hi)
        near = measure_near(text, start, phrase_end, lo, hi, words_of[(lo, hi)], after_only=own_verb)[0]
        measure = "" if head.lower() in _TIME_UNITS else near
        if measure in PEOPLE_MEASURES and (
            head.lower() in _NOT_PEOPLE
            or _NEGATED_BEFORE.search(text[max(lo, start - 20) : start])
            # People are whole: "a quake measuring 6.4", "Windows 8.1" count no one.
            or (scale == 1 and not float(low).is_integer())
            or _AGENT.search(text[max(lo, start - 4) : start])
            # "Dinar, a town of 500,000", "a population of 2 million": how many live there, not a toll ("home to
            # 22,000 refugees" names its measure in its noun).
            or (
                _POPULATION_BEFORE.search(text[max(lo, start - 50) : start])
                and not _names_its_measure(text, phrase_end, hi)
            )
            # "a 25,000 dlr fine": a sum of money beside "jail" counts no one.
            or not _CURRENCY.isdisjoint(w.lower() for w in f"{qualifiers} {head}".split())
        ):
            measure = ""
        group = _group_of(head, qualifiers)
        if (start > 0 and text[start - 1] in "$€£") or (modifier and text[tokens[j].start - 1] in "$€£"):
            glued = _GLUED_SCALE.get(head.lower()) if text[tokens[k - 1].end : phrase_end] == head else None
            # The noun the sum is of ("a $38 billion deal", "$25 a share"), else what it is for ("$43 million in
            # federal taxes").
            measure, group = "money", _money_noun(text, head, glued, phrase_end, hi) or _money_of(text, phrase_end, hi)
            symbol = text[start - 1] if start > 0 and text[start - 1] in "$€£" else text[tokens[j].start - 1]
            if symbol != "$":
                # £88m and €103 million may be one sum in two currencies: only sums in one currency compare.
                group = f"{symbol} {group}".strip()
            if glued and approx == "exact":
                # "$281m", "£2bn": the scale written as a letter after the digits.
                scale = glued
                low, high = low * glued, high * glued
            if approx == "exact" and scale > 1 and float(low / scale * 10).is_integer():
                # "$43 million" is rounded (often down): $42.5 million up to $44 million.
                low, high = low - scale / 2, high + scale
            elif approx == "exact" and scale == 1 and (step := _rounded_to(low)):
                # "$250,000" written in digits is rounded too (against "more than $250,000"): to its last non-zero
                # digit's place, at most a tenth of the sum.
                low, high = low - step / 2, high + step
        elif head.lower() in ("percent", "%", "per") or text[phrase_end - 1 : phrase_end] == "%":
            measure, group = "percent", _percent_of(text, lo, start)
        if measure in PEOPLE_MEASURES and group not in ("part", "all-part") and not group.endswith(" since") and (
            _SINCE_AFTER.match(text, phrase_end, hi)
            or _BRINGING_TO.search(text[max(lo, start - 40) : start])
            or _CUMULATIVE.search(text, lo, hi)
            or _CUMULATIVE_BEFORE.search(text, lo, start)
            or _SINCE_OPENING.match(text, lo, start)
            or _TOTAL_AFTER.match(text, phrase_end, hi)
            or _TOTAL_BEFORE.search(text[max(lo, start - 30) : start])
            # "More than 600 Palestinians have been killed so far ..., and around 3,000 have been wounded": a
            # count joined to a running total is one too.
            or _after_running_total(text, figures, sentence, start)
        ):
            # "pushing the death toll above 680 since the conflict began", "more than 600 Palestinians have been
            # killed so far": a running total of a campaign, of everyone or of one group.
            group = f"{group} since"
        elif not measure and _DURING_AFTER.match(text, phrase_end, hi):
            # "five points during a 15-2 run", "10 points in the first half": a part of the game's count.
            part = True
        if measure in PEOPLE_MEASURES and group == "all" and _WIDER.search(text, lo, hi):
            # "dozens of arrests have been made across the continent": a wider count than the story's own.
            group = "all across"
        if measure in PEOPLE_MEASURES and group == "all":
            place = _LOCAL.search(text, lo, hi)
            if place:
                # "Twelve people were killed in Bener Meriah district": one place's count, not the whole toll.
                group = f"all in a {place.group(1).lower().rstrip('s')}"
        if measure == "displaced" and _LIVING_AFTER.match(text, phrase_end, hi):
            # "15,000 refugees who fled Sudan are living in the camp": how many are there now, not how many came
            # ("thousands have crossed the border to the camp").
            group = f"{group} living"
        if (
            not head
            and measure in PEOPLE_MEASURES
            and figures
            and figures[-1].sentence == sentence
            and text[max(lo, start - 2) : start].strip() == ","
        ):
            # "Five soldiers died on Wednesday, four from friendly fire": a bare number after a comma, with a
            # count before it in the sentence, is a part of that count.
            part = True
        if part or (
            measure in PEOPLE_MEASURES
            and (
                _ADDITIONAL_BEFORE.search(text[max(lo, start - 16) : start])
                or _ADDITIONAL_QUALIFIER.search(qualifiers)
                or _ALSO_AFTER.match(text, phrase_end, hi)
                or _also_another_act(text, lo, start)
                or _RECEIVED_BEFORE.search(text[max(lo, start - 40) : start])
                # "Nine Israelis, including three civilians"; "including 13 American soldiers" keeps its group.
                or (group == "all" and _INCLUDING_BEFORE.search(text[max(lo, start - 40) : start]))
            )
        ):
            group = "part"
        if measure in PEOPLE_MEASURES:
            # "3,000 men killed or wounded", "left 1,000 people dead or missing": one count of two measures.
            measure = _combined_measure(text, start, phrase_end, words_of[(lo, hi)], measure)
        figures.append(
            Figure(
                start=start,
                end=phrase_end,
                text=text[start:phrase_end],
                kind="count",
                low=low,
                high=high,
                approx=approx,
                measure=measure,
                group=group,
                noun=(qualifiers + " " + head).strip() if head else "",
                sentence=sentence,
                scale=scale,
                of="" if measure or part else described,
            )
        )
        i = max(after, k)
    figures.extend(_compounds(text, sentences, starts))
    figures.sort(key=lambda f: f.start)
    return _with_totals(text, _listed_parts(text, _inherit_measures(text, figures)))


#: What joins two measure words into one measure: "killed or wounded", "dead and missing", "killed or
#: seriously injured".
_JOINED_MEASURES = re.compile(r"\s+(?:or|and|and/or)\s+(?:[a-z]+ly\s+)?$", re.IGNORECASE)
#: At most this many words between a count and the two measure words joined that it counts.
_JOINED_REACH = 3


def _combined_measure(text: str, start: int, end: int, words: list[tuple[int, int, str]], measure: str) -> str:
    """``measure``, or two measures joined ("injured or killed", in alphabetical order) when the count stands
    right beside two measure words joined by "or"/"and" ("3,000 men killed or wounded", "killed or wounded 3,000
    men"): the sum of two measures is neither one's count."""
    for (a1, b1, m1), (a2, b2, m2) in pairwise(words):
        if m1 == m2 or measure not in (m1, m2) or not {m1, m2} <= PEOPLE_MEASURES:
            continue
        if not _JOINED_MEASURES.fullmatch(text, b1, a2):
            continue
        gap = text[end:a1] if a1 >= end else text[b2:start] if b2 <= start else "x " * 9
        if len(gap.split()) <= _JOINED_REACH and not A_NUMBER.search(gap) and not CLAUSE_BREAK.search(gap):
            return " or ".join(sorted((m1, m2)))
    return measure


def _after_running_total(text: str, figures: Sequence[Figure], sentence: int, start: int) -> bool:
    """Whether the sentence's last count of people before ``start`` is a running total joined to it by "and"."""
    for f in reversed(figures):
        if f.sentence != sentence:
            return False
        if f.measure in PEOPLE_MEASURES:
            return f.group.endswith(" since") and _ADDITIVE_AFTER.match(text, f.end, start) is not None
    return False


def _compounds(text: str, sentences: Sequence[tuple[int, int]], starts: Sequence[int]) -> list[Figure]:
    """The numbers written into a compound with their unit ("a 48-page indictment"): a count of the unit, its
    group the unit and the noun ("page indictment"), so it meets only the same compound on the other side."""
    out = []
    for match in _COMPOUND.finditer(text):
        unit, head = match.group(2), match.group(3)
        sentence = sentence_of(sentences, match.start(), starts)
        if sentence < 0 or head in _PHRASE_STOP or measure_of_word(head) or measure_of_word(unit):
            continue
        if singular(head) != head or _SUSPENDED.search(text, max(0, match.start() - 12), match.start()):
            # "32-bit versions", "32- and 64-bit": a kind of thing, not one thing measured.
            continue
        value = float(match.group(1).replace(",", ""))
        out.append(
            Figure(
                start=match.start(),
                end=match.end(),
                text=match.group(),
                kind="count",
                low=value,
                high=value,
                group=f"{unit} {head}",
                noun=f"{unit} {head}",
                sentence=sentence,
                unit=unit,
            )
        )
    return out


_GLUED_SCALE = {"m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000, "k": 1_000}
_MONEY_OF = re.compile(r"^\s*(?:in|of|for|on|to)\s+((?:[a-z][a-z-]*\s+){0,2}[a-z][a-z-]*)")
_NOT_WHAT = frozenset("was were is are be been rose fell dropped gained jumped up down by to of at from about for "
                      "and or the a an its their his her".split())


def _rounded_to(value: float) -> float:
    """The place a whole sum of thousands or more written in digits is rounded to ("250,000" -> 10,000, at most
    a tenth of the sum: "200,000" -> 20,000), or 0 when it is not round to a thousand ("1,250", "43,885,310")."""
    if value < 10_000 or not float(value).is_integer() or value % 1000:
        return 0
    place = 1000
    while value % (place * 10) == 0:
        place *= 10
    return min(place, value / 10)


def _money_of(text: str, end: int, hi: int) -> str:
    """What a sum of money is for: the noun after "in"/"of"/"for" ("$43 million in federal taxes" -> taxes)."""
    match = _MONEY_OF.match(text[end:hi])
    if not match:
        return ""
    return " ".join(w for w in match.group(1).split() if w not in _PHRASE_STOP)


#: "$25.50 a share", "$3 per share": a share's price.
_PER_SHARE = re.compile(r"\s*(?:a|per|each)\s+share\b", re.IGNORECASE)


def _money_noun(text: str, head: str, glued: float | None, end: int, hi: int) -> str:
    """What a sum of money is, said by the noun after it ("a $38 billion deal" -> deal) or "a share" ("$25 a
    share" -> share); ``""`` when neither says (a scale written as a letter, "$281m", is no noun)."""
    if _PER_SHARE.match(text, end, hi):
        return "share"
    if not head or glued or not head.isalpha() or not head.islower() or head in _CURRENCY:
        return ""
    return singular(head)


def _percent_of(text: str, lo: int, start: int) -> str:
    """What a percentage measures: the nearest content word before it ("a tax rate of 35.7 percent" -> rate)."""
    for word in reversed(re.findall(r"[A-Za-z][a-z-]+", text[max(lo, start - 60) : start])):
        if word.lower() not in _NOT_WHAT and word.lower() not in _PHRASE_STOP:
            return word.lower()
    return ""


def _starts_within(tokens: list[Token], spans: list[tuple[int, int]]) -> set[int]:
    """Start offsets of the tokens that begin inside any of ``spans``."""
    starts = [t.start for t in tokens]
    inside: set[int] = set()
    for a, b in spans:
        inside.update(starts[bisect_left(starts, a) : bisect_left(starts, b)])
    return inside


def _range_end(tokens: list[Token], k: int, text: str) -> tuple[float, float, str, str, int, int] | None:
    """The second number of "N to M" / "N-M" at ``tokens[k]``: (low, high, head, qualifiers, end, next)."""
    if k + 1 >= len(tokens) or tokens[k].low not in ("to", "-", "–"):
        return None
    core = number_at(tokens, k + 1)
    if core is None:
        return None
    low, high, _, after_number = core
    head, qualifiers, end, after = _noun_phrase(tokens, after_number, text)
    return low, high, head, qualifiers, (end if head else tokens[after_number - 1].end), max(after, after_number)


def _inherit_measures(text: str, figures: list[Figure]) -> list[Figure]:
    """A count joined to the previous one of its sentence ("..., as well as 13 US service personnel",
    "..., including 13 members") shares its measure when it has none of its own nearby."""
    out: list[Figure] = []
    for figure in figures:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.sentence == figure.sentence
            and previous.measure
            and not figure.measure
            and not figure.unit
            and (figure.noun.split() or [""])[-1].lower() not in _NOT_PEOPLE | _TIME_UNITS
            # "six were killed and 14 trapped": a count with a verb of its own keeps to it.
            and not _has_own_verb(figure.noun)
            and (
                _ADDITIVE.search(text[previous.end : figure.start])
                or INCLUSIVE.search(text[previous.end : figure.start])
            )
        ):
            figure = replace(figure, measure=previous.measure)
        out.append(figure)
    return out


#: What stands between a count and the list of its parts after it: "12 of one family, seven children ...",
#: "15 people: eight Iraqis, ...", "11 people (four soldiers and ...".
_LIST_OPENS = re.compile(r"\s*[,:(–—]\s*$|\s+-+\s+$")
#: What stands between two items of a list: ", ", " and ", ", and ", after a few words of the item's own
#: ("seven children aged from one to 12, three women").
_LIST_GOES_ON = re.compile(r"(?:\s+[^,;:.()]{1,40}?)?(?:\s*,\s*(?:and\s+)?|,?\s+and\s+)$")


def _listed_parts(text: str, figures: list[Figure]) -> list[Figure]:
    """The counts listed right after a count of people that add up to it are its parts: "At least 12 of one
    family, seven children, three women and two men" (7 + 3 + 2 = 12), "15 people: eight Iraqis, four Americans
    and three Britons". Each is a part (group ``part``), never compared as a toll of its own."""
    out = list(figures)
    index = 0
    while index < len(figures):
        whole = figures[index]
        run: list[int] = []
        k = index + 1
        while k < len(figures):
            item, previous = figures[k], figures[k - 1]
            between = without_ages(text[previous.end : item.start])
            joined = _LIST_OPENS.fullmatch(between) if not run else _LIST_GOES_ON.fullmatch(between)
            if item.sentence != whole.sentence or item.kind != "count" or not item.noun or not joined \
                    or A_NUMBER.search(between):
                break
            run.append(k)
            k += 1
        low = sum(figures[r].low for r in run)
        high = sum(figures[r].high for r in run)
        if len(run) >= 2 and whole.kind == "count" and whole.low <= high and low <= whole.high and (
            whole.measure in PEOPLE_MEASURES or any(figures[r].measure in PEOPLE_MEASURES for r in run)
        ):
            for r in run:
                out[r] = replace(figures[r], group="part")
            index = k
            continue
        index += 1
    return out


def _with_totals(text: str, figures: list[Figure]) -> list[Figure]:
    """Add a ``total`` for counts of one measure joined by "and"/"as well as" in one sentence.

    "169 Afghans and 13 U.S. service members" -> all = 182; "thousands and thousands of people ..., as well as
    13 US service personnel" -> all = 2013 or more. A count of people in general that is joined additively
    to a group becomes a part of the total, so the total is what is compared as ``all``.
    """
    out = list(figures)
    run: list[int] = []

    def close_run() -> None:
        if len(run) < 2:
            return
        parts = [figures[p] for p in run]
        first, last = parts[0], parts[-1]
        out.append(
            Figure(
                start=first.start,
                end=last.end,
                text=text[first.start : last.end],
                kind="total",
                low=sum(p.low for p in parts),
                high=sum(p.high for p in parts),
                approx="sum",
                measure=first.measure,
                group="all" if first.measure else first.group,
                noun="" if first.measure else first.noun,
                sentence=first.sentence,
                parts=tuple(run),
            )
        )
        for p in run:
            if first.measure and figures[p].group == "all":
                out[p] = replace(figures[p], group="all-part")

    for index, figure in enumerate(figures):
        if run:
            prev = figures[run[-1]]
            between = text[prev.end : figure.start]
            measured = figure.measure and figure.measure == prev.measure and figure.group != prev.group
            # "15.8 mln bpd ..., plus 1.4 mln bpd of NGLs": one unit, explicitly added.
            plain = not figure.measure and not prev.measure and figure.group == prev.group and _PLUS.search(between)
            if (
                figure.sentence == prev.sentence
                and figure.group != "part"
                and (measured or plain)
                and _ADDITIVE.search(between)
                and not INCLUSIVE.search(between)
                and len(between.split()) <= 12
            ):
                run.append(index)
                continue
            close_run()
        # A part of a count given before it ("12 of one family, seven children, three women and two men") is not
        # summed again.
        run = [index] if (figure.measure or figure.noun) and figure.group != "part" else []
    close_run()
    return out


def extract_figures(text: str, sentences: Sequence[tuple[int, int]], published: str = "") -> list[Figure]:
    """Counts (with totals), the years of periods and dates of one article, in text order (totals after their
    parts)."""
    matches = date_matches(text)
    counts = extract_counts(text, sentences, matches)
    dates = extract_dates(text, sentences, published, matches)
    # Totals refer to their parts by index: keep counts first, in their own order, then periods and dates.
    return counts + periods(text, sentences) + times_of_day(text, sentences) + dates


#: A period of years: "from 1966 to 1978", "between 2005 and 2008", "from 2007 through 2014", "from 1989-2013".
_PERIOD = re.compile(
    r"\b(?P<word>[Ff]rom|[Bb]etween)\s+(?P<first>(?:19|20)\d{2})\s*(?:to|and|until|through|-|–)\s*"
    r"(?P<last>(?:19|20)\d{2})\b(?![-–/]\d)"
)


def periods(text: str, sentences: Sequence[tuple[int, int]]) -> list[Figure]:
    """The first and last years of each period of years ("from 1966 to 1978"), as two counts of unit ``year``
    (groups ``year from`` and ``year to``): a term of office or the years a sum covers, which two accounts of
    one fact give alike. Compared like a compound in any two aligned sentences, even about another time ("held
    the seat from 1966 to 1978" against "served from 1967 to 1979")."""
    out = []
    starts = [s for s, _ in sentences]
    for match in _PERIOD.finditer(text):
        sentence = sentence_of(sentences, match.start(), starts)
        if sentence < 0:
            continue
        for part, group, lo, hi in (
            ("first", "year from", match.start(), match.end("first")),
            ("last", "year to", match.start("last"), match.end("last")),
        ):
            value = float(match.group(part))
            out.append(Figure(start=lo, end=hi, text=text[lo:hi], kind="count", low=value, high=value, group=group,
                              noun="years", sentence=sentence, unit="year"))
    return out


#: A time of day: "at 11am", "12:00 p.m.", "noon", "Tuesday afternoon", "this morning".
_CLOCK = re.compile(r"(?<![\d:.,$])(\d{1,2})(?:[.:](\d{2}))?\s?([AaPp])\.?[Mm]\b\.?")
_NOON = re.compile(r"\b(?:[Nn]oon|[Mm]idday)\b")
#: The word, then what must stand before it (searched only before a match: a scan of the whole text for the
#: words before would be three times slower).
_PART_OF_DAY = re.compile(r"\b([Mm]orning|[Aa]fternoon|[Ee]vening)\b")
_DAY_BEFORE = re.compile(
    r"\b(?:this|that|in\s+the|(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|tomorrow|late|early)\s+$",
    re.IGNORECASE,
)
#: The hours each part of the day spans.
_PARTS_OF_DAY = {"morning": (5.0, 11.99), "afternoon": (12.0, 17.99), "evening": (17.0, 21.99)}


def times_of_day(text: str, sentences: Sequence[tuple[int, int]]) -> list[Figure]:
    """Each time of day ("at 11am", "12:00 p.m.", "noon", "Tuesday afternoon") as a count of unit ``hour``
    (group ``time of day``), its hours as a range: "11am" is 11, "afternoon" 12 to 18. Compared like a compound
    in any two aligned sentences, so "announced today at 11am" and "announced Tuesday afternoon" differ while
    "at noon" and "at 12:00 p.m." agree."""
    out = []
    starts = [s for s, _ in sentences]
    found: list[tuple[int, int, float, float]] = []
    for match in _CLOCK.finditer(text):
        hour, minutes, half = int(match.group(1)), int(match.group(2) or 0), match.group(3).lower()
        if not 1 <= hour <= 12 or minutes > 59:
            continue
        value = (hour % 12 + (12 if half == "p" else 0)) + minutes / 60
        found.append((match.start(), match.end(), value, value))
    found += [(m.start(), m.end(), 12.0, 12.0) for m in _NOON.finditer(text)]
    for m in _PART_OF_DAY.finditer(text):
        before = _DAY_BEFORE.search(text, max(0, m.start() - 12), m.start())
        if before is not None:
            found.append((before.start(), m.end(), *_PARTS_OF_DAY[m.group(1).lower()]))
    for lo, hi, low, high in sorted(found):
        sentence = sentence_of(sentences, lo, starts)
        if sentence < 0:
            continue
        out.append(Figure(start=lo, end=hi, text=text[lo:hi], kind="count", low=low, high=high, group="time of day",
                          noun="time of day", sentence=sentence, unit="hour"))
    return out


def ranges_overlap(a: Figure, b: Figure) -> bool:
    """Whether two figures of one key can both be true."""
    if a.kind == "date" or b.kind == "date":
        return dates_agree(a, b)
    if a.low <= b.high and b.low <= a.high:
        return True
    # "1.5 mln bpd" and, further down, "1.5 bpd": a writer dropping the scale word repeats the number.
    if a.scale != b.scale and min(a.scale, b.scale) == 1 and a.approx == b.approx:
        return math.isclose(a.low / a.scale, b.low / b.scale) and math.isclose(a.high / a.scale, b.high / b.scale)
    return False


def gap_ratio(a: Figure, b: Figure) -> float:
    """How far apart two disjoint count ranges are: the higher range's low over the lower range's high."""
    lower, upper = (a, b) if a.high < b.low else (b, a)
    if lower.high <= 0:
        return math.inf
    return upper.low / lower.high


@dataclass(frozen=True, slots=True)
class FigureSet:
    """The figures of one article, with lookups by sentence."""

    figures: tuple[Figure, ...] = ()
    by_sentence: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, sentences: Sequence[tuple[int, int]], published: str = "") -> FigureSet:
        figures = tuple(extract_figures(text, sentences, published))
        by_sentence: dict[int, list[int]] = {}
        for index, figure in enumerate(figures):
            by_sentence.setdefault(figure.sentence, []).append(index)
        return cls(figures, {k: tuple(v) for k, v in by_sentence.items()})

    def without(self, sentences: Collection[int]) -> FigureSet:
        """The same figures, with none read from ``sentences`` (captions, site furniture)."""
        if not sentences:
            return self
        return FigureSet(self.figures, {k: v for k, v in self.by_sentence.items() if k not in sentences})
