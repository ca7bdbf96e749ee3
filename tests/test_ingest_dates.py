"""An article's own date and outlet, read from where articles print them and never from captions, quotes or the
events a story recounts. The fixtures are written for these tests: wire copy, newspaper pages and blog posts with
the captions, embedded posts and corrections that put other dates near the top and bottom of a page."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from index.ingest import outlet_in_text, outlet_of_host, own_date

BASIL = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "basil.jsonl.gz"

PROSE = ("The harbour authority said the ferry would resume service once the pier had been inspected, and that "
         "engineers were expected on site within two days. Residents who rely on the crossing said the delay "
         "would cost them work and school days, and the council promised a shuttle bus in the meantime.")

#: (name, text, the date the article gives as its own or "", where it is printed)
DATED = [
    ("wire-caption-undated",
     "Ferry pier closed after storm damage\n\n"
     "FILE - In this Aug. 26, 2021, file photo, passengers wait at the pier in Port Ellis.\n\n"
     f"PORT ELLIS, Maine (AP) — {PROSE}\n\nThe pier was last repaired on March 3, 2015, officials said.",
     "", ""),
    ("wire-caption-then-published",
     "Ferry pier closed after storm damage\n\n"
     "In this Sept. 1, 2021 photo provided by the harbour authority, a crane lifts debris.\n"
     "Published 3:14 PM EDT, September 2, 2021\n\n"
     f"PORT ELLIS, Maine (AP) — {PROSE}",
     "2021-09-02", "header"),
    ("reuters-dateline-without-year",
     f"Grain exports slow as river levels fall\n\nLONDON, March 3 (Reuters) - {PROSE} Shipments fell sharply on "
     "Feb. 12, 2020, the last time the river ran this low.\n\n(Reporting by Ana Ruiz; Editing by Tom Hale)",
     "", ""),
    ("updated-line",
     f"Council votes on the shuttle bus\n\nUpdated 10:42 AM ET, Tue March 9, 2021\n\n(CNN) — {PROSE}",
     "2021-03-09", "header"),
    ("byline-block",
     f"Students return to flooded school\n\nBy Maria Ortega, Associated Press\nMarch 14, 2022\n\n{PROSE}",
     "2022-03-14", "header"),
    ("byline-with-date-on-one-line",
     f"Students return to flooded school\n\nBy Maria Ortega | March 14, 2022\n\n{PROSE}",
     "2022-03-14", "byline"),
    ("photo-credit-line",
     "Square reopens after repairs\n\nResidents gather on June 2, 2019, in the square. (Jane Roe/Getty Images)\n\n"
     f"{PROSE}", "", ""),
    ("quote-near-the-top",
     f"A town remembers the flood\n\n\u201cOn May 5, 2018 we lost everything,\u201d she said.\n\n{PROSE}",
     "", ""),
    ("event-date-in-headline",
     f"Remembering the flood of April 4, 2011\n\n{PROSE}\n\nThe water rose on April 4, 2011.", "", ""),
    ("european-dateline",
     f"Stadtrat stimmt für Fährbetrieb\n\nBERLIN, 12.05.2020 – {PROSE}", "2020-05-12", "dateline"),
    ("press-release-dateline",
     f"Harbour Lines adds a second ferry\n\nNEW YORK, Jan. 7, 2020 /PRNewswire/ -- {PROSE}",
     "2020-01-07", "dateline"),
    ("print-edition-footer",
     f"The ferry that keeps an island going\n\n{PROSE}\n\n{PROSE}\n\n"
     "A version of this article appears in print on Nov. 3, 2019, Section A, Page 4 of the New York edition.",
     "2019-11-03", "footer"),
    ("correction-footer",
     f"The ferry that keeps an island going\n\n{PROSE}\n\nCorrection: June 5, 2020\n\nAn earlier version misstated "
     "the pier's length.", "", ""),
    ("embedded-post",
     f"Mayor answers critics online\n\nThe mayor replied: — Pat Lee (@patlee) July 1, 2020\n\n{PROSE}", "", ""),
    ("embedded-post-own-line",
     f"Mayor answers critics online\n\n{PROSE}\n\n— Pat Lee (@patlee) July 1, 2020\n\n{PROSE}", "", ""),
    ("first-published-and-modified",
     f"Ferry fares to rise\n\nFirst published on Tue 2 Feb 2021 09.00 GMT\nLast modified on Wed 3 Feb 2021 "
     f"14.20 GMT\n\n{PROSE}", "2021-02-02", "header"),
    ("signed-footer",
     f"Why the ferry matters\n\nVia Harbour Notes,\n\n{PROSE}\n\nJane Doe\nTue, 09/21/2021 – 12:10\n\nShare",
     "2021-09-21", "footer"),
    ("short-caption-in-footer",
     f"Why the ferry matters\n\n{PROSE}\n\nIn this March 3, 2020 photo, a nurse boards the ferry.", "", ""),
    ("date-stamp-first-line",
     f"date 2021-08-30 Ferry resumes service\n\n{PROSE}", "2021-08-30", "header"),
    ("kicker-naming-the-event-day",
     f"Ferry fares to rise\n\nElection Day, Nov. 8, 2016\n\n{PROSE}", "", ""),
    ("agency-and-time-beside-the-date",
     f"Reuters Sep 18, 2013, 02:16PM IST\n\n{PROSE}", "2013-09-18", "header"),
    ("caption-above-the-date-lines",
     f"A ferry in the harbour on Aug. 2, 2021, before the storm damaged the pier, as seen from the hill above "
     f"the town where residents gathered to watch the crossing one last time before it closed.\n"
     f"PUBLISHED: MONDAY, MARCH 11, 2013, 10:34 PM\nUPDATED: TUESDAY, MARCH 12, 2013, 9:36 AM\n\n{PROSE}",
     "2013-03-11", "header"),
    ("past-event-in-prose-only",
     f"Island marks a year without a crossing\n\n{PROSE} The last ferry left on Oct. 9, 2019.\n\n{PROSE}", "", ""),
]


@pytest.mark.parametrize(("name", "text", "expected", "where"), DATED, ids=[d[0] for d in DATED])
def test_an_article_is_dated_only_from_where_it_prints_its_own_date(name: str, text: str, expected: str,
                                                                     where: str) -> None:
    assert own_date(text) == (expected, where)


def date_scores(pairs: list[tuple[str, str]]) -> tuple[int, int, int, int]:
    """(found, right, dated, total) over (found date, true date) pairs."""
    found = sum(1 for got, _ in pairs if got)
    right = sum(1 for got, true in pairs if got and got == true)
    return found, right, sum(1 for _, true in pairs if true), len(pairs)


def test_dates_on_the_fixtures_are_never_wrong() -> None:
    found, right, dated, _ = date_scores([(own_date(text)[0], expected) for _, text, expected, _ in DATED])
    assert right == found  # precision 1.0
    assert found == dated  # every printed date found


@pytest.mark.skipif(not BASIL.is_file(), reason="needs ../shared/corpora/basil.jsonl.gz")
def test_basil_dates_from_the_body_are_right_when_given() -> None:
    """BASIL's bodies rarely print their own date (its `published` field is the truth): what is found must be
    right, and the dates its stories recount (elections, attacks, hearings) must not be taken."""
    with gzip.open(BASIL, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    found, right, _, _ = date_scores([(own_date(row["body"])[0], row["published"]) for row in rows])
    assert found >= 1 and right / found >= 0.9
    outlets = [outlet_of_host(row["url"]) == row["source"] for row in rows]
    assert all(outlets)


@pytest.mark.parametrize(("text", "outlet", "where"), [
    ("Grain exports slow\n\nLONDON (Reuters) - Grain exports slowed.", "Reuters", "dateline"),
    ("Grain exports slow\n\nLONDON, March 3 (Reuters) - Grain exports slowed.", "Reuters", "dateline"),
    ("Council votes\n\n(CNN) — The council voted on Tuesday.", "CNN", "dateline"),
    ("Ferry pier closed\n\nPORT ELLIS, Maine (AP) — The pier closed.", "Associated Press", "dateline"),
    ("Ferry pier closed\n\nKABUL, Afghanistan (AFP) - The pier closed.", "AFP", "dateline"),
    ("Ferry pier closed\n\nDenver (AP) – The pier closed.", "Associated Press", "dateline"),
    ("Flood school\n\nBy Maria Ortega, Associated Press\n\nStudents returned.", "Associated Press", "byline"),
    ("Flood school\n\nBy The Associated Press\n\nStudents returned.", "Associated Press", "byline"),
    ("Flood school\n\nBy MARIA ORTEGA | Reuters\n\nStudents returned.", "Reuters", "byline"),
    # A desk or a job title is not an outlet; a senator's party is not a signature.
    ("Flood school\n\nBy Maria Ortega, Staff Writer\n\nStudents returned.", "", ""),
    ("Vote\n\nSen. Pat Lee (R-Maine) — who chairs the panel — said no.", "", ""),
    ("Plain story\n\nThe council met on Tuesday and voted for the bus.", "", ""),
])
def test_outlets_from_datelines_and_bylines(text: str, outlet: str, where: str) -> None:
    assert outlet_in_text(text) == (outlet, where)


def test_outlets_from_urls() -> None:
    assert outlet_of_host("https://www.nytimes.com/2010/08/17/us/politics/x.html") == "The New York Times"
    assert outlet_of_host("https://thecaucus.blogs.nytimes.com/2010/05/28/x/") == "The New York Times"
    assert outlet_of_host("https://www.harbournotes.example/story") == "harbournotes.example"
    assert outlet_of_host("not a url") == ""
