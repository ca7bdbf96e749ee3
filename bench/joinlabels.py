"""Extend BASIL's alignment labels over sentences comparison reads as one (``index.compare.sentences.Joined``).

A sentence the splitter ended on a title abbreviation ("former Sens." | "John Ashcroft ...") is compared as one
with the next, and a pair holding it lists both pieces. A label naming one piece names the whole sentence, so
``python -m bench.joinlabels`` gives each labelled pair (``aligned`` and ``unsure``) every index pair of the
joined sentences on both sides: a pair that is aligned by one label and unsure by another stays aligned. The
labels keep their indices (each article's own sentences); run it again after the joining rule changes. Only ids
and indices are written, never text.
"""

from __future__ import annotations

import json
import re
import sys

from .quality import LABELS


def joined_labels(labels: dict, articles) -> tuple[dict, int]:
    """``labels`` with each same-event pair's ``aligned`` and ``unsure`` pairs extended over joined sentences, and
    how many index pairs were added."""
    from index.compare.sentences import Joined

    added = 0
    for pair in labels["same_event"]:
        groups = []
        for side in ("a", "b"):
            joined = Joined.of(articles[pair[side]])
            groups.append({k: group for group in joined.groups for k in group})
        of_a, of_b = groups
        extended = {}
        for key in ("unsure", "aligned"):  # aligned last: it wins over unsure
            for i, j in pair[key]:
                for x in of_a.get(i, (i,)):
                    for y in of_b.get(j, (j,)):
                        extended[(x, y)] = key
        for key in ("aligned", "unsure"):
            new = sorted(k for k, v in extended.items() if v == key)
            added += len(new) - len(pair[key])
            pair[key] = [list(k) for k in new] if new != sorted(map(tuple, pair[key])) else pair[key]
    return labels, added


def dumps(labels: dict) -> str:
    """The labels as the file keeps them: one key a line, an index pair or a span on one line."""
    text = json.dumps(labels, indent=1, ensure_ascii=False)
    return re.sub(r"\[\s+(-?\d+),\s+(-?\d+)\s+\]", r"[\1, \2]", text) + "\n"


def main(argv: list[str]) -> None:
    from . import basil

    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    labels, added = joined_labels(labels, basil.articles(build=False))
    if "--write" in argv:
        LABELS.write_text(dumps(labels), encoding="utf-8")
    print(f"{added} index pairs added{'' if '--write' in argv else ' (not written: pass --write)'}")


if __name__ == "__main__":
    main(sys.argv[1:])
