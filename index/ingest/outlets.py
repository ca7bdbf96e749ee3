"""Outlets: who published an article, when no metadata says.

From the text where it says so: the wire-service dateline ("LONDON (Reuters) -", "(CNN) —", "KABUL, Afghanistan
(AP) —") and the byline block ("By Jane Roe, Associated Press"); from the host of the article's URL (a map of
well-known outlets, else the domain itself); or from the folder an article sits in, when the corpus declares
one folder per outlet (``outlet_from = "folder"`` in ``byline.toml``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Where an outlet is read from, for :attr:`Article.source_from`.
FROM_METADATA, FROM_FOLDER, FROM_DATELINE, FROM_BYLINE, FROM_URL = "metadata", "folder", "dateline", "byline", "url"

#: Hosts of well-known outlets (a host and every subdomain of it) and the names readers know them by.
KNOWN_HOSTS: dict[str, str] = {
    "abcnews.go.com": "ABC News", "afp.com": "AFP", "aljazeera.com": "Al Jazeera", "apnews.com": "Associated Press",
    "ap.org": "Associated Press", "axios.com": "Axios", "bbc.co.uk": "BBC", "bbc.com": "BBC",
    "bloomberg.com": "Bloomberg", "breitbart.com": "Breitbart", "businessinsider.com": "Business Insider",
    "buzzfeednews.com": "BuzzFeed News", "cbsnews.com": "CBS News", "cnbc.com": "CNBC", "cnn.com": "CNN",
    "dailymail.co.uk": "Daily Mail", "dw.com": "DW", "economist.com": "The Economist", "foxnews.com": "Fox News",
    "france24.com": "France 24", "ft.com": "Financial Times", "huffingtonpost.com": "HuffPost",
    "huffpost.com": "HuffPost", "independent.co.uk": "The Independent", "latimes.com": "Los Angeles Times",
    "lemonde.fr": "Le Monde", "motherjones.com": "Mother Jones", "msnbc.com": "MSNBC",
    "nationalreview.com": "National Review", "nbcnews.com": "NBC News", "newyorker.com": "The New Yorker",
    "npr.org": "NPR", "nypost.com": "New York Post", "nytimes.com": "The New York Times",
    "politico.com": "Politico", "reuters.com": "Reuters", "slate.com": "Slate", "spiegel.de": "Der Spiegel",
    "talkingpointsmemo.com": "Talking Points Memo", "telegraph.co.uk": "The Telegraph",
    "theatlantic.com": "The Atlantic", "theguardian.com": "The Guardian", "guardian.co.uk": "The Guardian",
    "thehill.com": "The Hill", "time.com": "Time", "usatoday.com": "USA Today", "vox.com": "Vox",
    "washingtonexaminer.com": "Washington Examiner", "washingtonpost.com": "The Washington Post",
    "washingtontimes.com": "The Washington Times", "wsj.com": "The Wall Street Journal",
}

KNOWN_OUTLETS = frozenset(KNOWN_HOSTS.values())

#: Names outlets sign with in datelines and bylines, and the name used for them.
KNOWN_NAMES: dict[str, str] = {
    "ap": "Associated Press", "the associated press": "Associated Press", "associated press": "Associated Press",
    "afp": "AFP", "agence france-presse": "AFP", "agence france presse": "AFP", "reuters": "Reuters",
    "thomson reuters": "Reuters", "cnn": "CNN", "upi": "UPI", "dpa": "dpa", "bloomberg": "Bloomberg",
    "bloomberg news": "Bloomberg", "efe": "EFE", "ansa": "ANSA", "kyodo": "Kyodo", "xinhua": "Xinhua",
    "yonhap": "Yonhap", "tass": "TASS", "ria novosti": "RIA Novosti", "pti": "PTI", "ians": "IANS",
    "anadolu": "Anadolu Agency", "anadolu agency": "Anadolu Agency", "cnn business": "CNN", "cnn wire": "CNN",
    "bbc": "BBC", "bbc news": "BBC", "nbc news": "NBC News", "abc news": "ABC News", "cbs news": "CBS News",
    "fox news": "Fox News", "npr": "NPR", "the new york times": "The New York Times",
    "new york times": "The New York Times", "the washington post": "The Washington Post",
    "washington post": "The Washington Post", "the guardian": "The Guardian", "politico": "Politico",
    "the hill": "The Hill", "huffpost": "HuffPost", "al jazeera": "Al Jazeera", "axios": "Axios",
    "usa today": "USA Today", "the wall street journal": "The Wall Street Journal",
    "wall street journal": "The Wall Street Journal", "the times": "The Times", "sky news": "Sky News",
}

#: "LONDON (Reuters) -", "(CNN) —", "KABUL, Afghanistan (AP) —", "WASHINGTON, March 3 (Reuters) -".
_DATELINE = re.compile(
    r"^(?:[A-Z][\w.'’-]*(?:[ ,]+[A-Z\d][\w.'’-]*){0,6}[ ,]*)?\((?P<name>[A-Z][\w.&'’ -]{0,30}?)\)\s*(?:--|[-—–:])")
#: What a parenthesis before a dash may hold that is no outlet: a party and state ("R-Texas"), a number, a label.
_NOT_A_SIGNATURE = re.compile(r"[RDI]-[\w .]+|\d+|[a-z].*|(?i:videos?|photos?|updated?|live|opinion|analysis|"
                              r"watch|listen|audio|file|pictured|graphic|map|exclusive|breaking)")
#: "By Jane Roe, Associated Press", "By JANE ROE | Reuters", "By The Associated Press", "Jane Roe, CNN".
_BYLINE = re.compile(r"^\W*(?:by\s+)?(?:(?P<person>[^,|·•—–()]{2,60}?)\s*(?:,|\||·|•|—|–|-|\bfor\b|\bof\b)\s*)?"
                     r"(?P<name>(?:the\s+)?[A-Za-z][\w.&'’ -]{1,40}?)\W*$", re.I)


def outlet_of_host(url: str) -> str:
    """The outlet a URL belongs to: a well-known outlet's name, else the host without ``www.``; ``""`` without
    a host."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    if not host or "." not in host:
        return ""
    parts = host.split(".")
    for start in range(len(parts) - 1):
        known = KNOWN_HOSTS.get(".".join(parts[start:]))
        if known:
            return known
    return host[4:] if host.startswith("www.") else host


def outlet_name(value: str) -> str:
    """A source given as a domain (``www.nytimes.com``, CC-News's ``domain`` column) as its outlet's name; any
    other name, and a site no outlet is known for, as it is written."""
    text = value.strip()
    if re.fullmatch(r"(?:https?://)?[\w-]+(?:\.[\w-]+)+/?", text, re.I):
        outlet = outlet_of_host(text if "://" in text else f"http://{text}")
        if outlet in KNOWN_OUTLETS:
            return outlet
        site = text.split("://", 1)[-1].rstrip("/")  # any other site as the metadata spells it ("Southfront.org")
        return site[4:] if site.lower().startswith("www.") else site
    return text


def outlet_in_text(text: str) -> tuple[str, str]:
    """The outlet an article names as its own, and where: ``("Reuters", "dateline")`` for a text opening
    "LONDON (Reuters) -"; ``("Associated Press", "byline")`` for "By Jane Roe, Associated Press" in its header;
    ``("", "")`` when it names none. Only well-known wire services and outlets count in a byline (a byline also
    carries job titles and desks); a dateline's parenthesis is a signature whatever it names."""
    lines = [" ".join(line.split()) for line in text.splitlines()[:40]]
    lines = [line for line in lines if line][:8]
    for line in lines:
        match = _DATELINE.match(line)
        if match and not _NOT_A_SIGNATURE.fullmatch(match["name"].strip()):
            name = match["name"].strip()
            return KNOWN_NAMES.get(name.lower(), name), FROM_DATELINE
        if len(line) > 200:
            break
    for line in lines[:6]:
        if len(line) > 100:
            continue
        match = _BYLINE.match(line)
        if match and (line.lower().lstrip(" *_").startswith("by ") or match["person"]):
            known = KNOWN_NAMES.get(" ".join(match["name"].lower().split()))
            if known:
                return known, FROM_BYLINE
    return "", ""


def outlet_of_folder(relpath: str) -> str:
    """The outlet of an article in a corpus laid out one folder per outlet: its top folder (a folder named
    after a site, ``nytimes.com``, as that site's outlet); ``""`` for a file at the top."""
    parts = relpath.split("/")
    return outlet_name(parts[0]) if len(parts) > 1 else ""
