"""An update that needs spaCy imports it without its command line (``spacy.cli``, a third of importing spaCy), and
annotates exactly as spaCy imported whole does; ``spacy.cli`` and ``spacy.info`` still work afterwards."""

from __future__ import annotations

import json
import subprocess
import sys

TEXT = "Angela Merkel met Barack Obama of the United Nations in Berlin on Monday.\n\nIBM Corp said so."

ANNOTATE = """
import json, sys
BEFORE
from index.annotate import Annotator
annotation = next(Annotator().annotate([TEXT]))
print(json.dumps({"annotation": annotation.to_dict(), "cli": "spacy.cli" in sys.modules}))
"""


def _run(before: str = "") -> dict:
    code = ANNOTATE.replace("BEFORE", before).replace("TEXT", repr(TEXT))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout.splitlines()[-1])


def test_spacy_is_imported_without_its_command_line_and_annotates_the_same() -> None:
    lean = _run()
    whole = _run(before="import spacy, spacy.cli")
    assert not lean["cli"] and whole["cli"]
    assert lean["annotation"]["entities"] and lean["annotation"] == whole["annotation"]


def test_the_command_line_is_the_real_one_when_asked_for_later() -> None:
    done = subprocess.run([sys.executable, "-c", """
import sys
from index.annotate import load_pipeline, resolve_model
load_pipeline(resolve_model(None))
import spacy
assert "spacy.cli" not in sys.modules and callable(spacy.info)
import spacy.cli
from spacy.cli.info import info
assert hasattr(spacy.cli, "download") and callable(info) and spacy.cli.__file__
assert isinstance(spacy.info(markdown=False, silent=True), dict)
print("ok")
"""], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
