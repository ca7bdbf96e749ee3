"""spaCy's own NER-only throughput on a corpus's texts, in a process of its own: the yardstick for a build.

``python -m bench.nerbaseline CORPUS --jobs N [--max-articles M]`` prints one JSON object: articles, words,
seconds to load the model, seconds to run ``nlp.pipe`` (spaCy's default batch size, ``n_process=N``) over the
texts with only the model's ``ner`` component, as Byline loads it, but without Byline's sentence splitting,
entity refinement, cache or index.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.nerbaseline")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--max-articles", type=int, default=0, help="only the first M articles (0: all)")
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)

    from index.annotate import UNNEEDED, resolve_model
    from index.ingest import read_corpus

    texts = [a.text for a in read_corpus(args.corpus).articles]
    if args.max_articles:
        texts = texts[: args.max_articles]
    started = time.perf_counter()
    import spacy

    nlp = spacy.load(resolve_model(args.model), exclude=list(UNNEEDED))
    loaded = time.perf_counter()
    entities = 0
    for doc in nlp.pipe(texts, n_process=args.jobs):
        entities += len(doc.ents)
    done = time.perf_counter()
    json.dump({"articles": len(texts), "words": sum(len(t.split()) for t in texts), "jobs": args.jobs,
               "pipes": nlp.pipe_names, "entities": entities, "load_seconds": round(loaded - started, 3),
               "seconds": round(done - loaded, 3)}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
