"""Whether two versions of the code group a corpus the same way, and how long the first grouping takes.

Run with the ``index`` package of the version to measure first on the path (this file imports nothing else of
the repository, so another checkout's code can run it)::

    PYTHONPATH=/path/to/other/checkout python bench/stories_same.py dump CORPUS INDEX_DIR OUT.json
    python bench/stories_same.py dump CORPUS INDEX_DIR OUT.json [--profile OUT.prof]
    python bench/stories_same.py compare A.json B.json

``dump`` groups the indexed corpus afresh (ignoring every cache, as a first grouping does) and writes everything
grouping decides (each story's id, members, label and related stories, each article's neighbours with their
similarity, the copies, the digests an update compares) to OUT.json, outside the repository: labels are words of
the articles. It prints one JSON line of timings: wall and CPU seconds of the grouping, and the wall seconds of
each phase its progress names. ``compare`` says whether two dumps are identical and, if not, where they differ.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def dump(corpus: Path, index_dir: Path, out: Path, profile: Path | None = None) -> dict:
    """Group afresh, write the answer to ``out``, return the timings."""
    import index
    from index import open_library
    from index.stories import STORIES_FILE, story_map

    phases: dict[str, float] = {}
    last = ["", 0.0]

    def report(phase: str, done: int, total: int, *rest) -> None:
        now = time.perf_counter()
        if last[0]:
            phases[last[0]] = phases.get(last[0], 0.0) + now - last[1]
        last[:] = [phase, now]

    with open_library(corpus, index_dir) as library:
        library.registry  # noqa: B018 - loading the registry is no part of grouping
        profiler = None
        if profile is not None:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        wall, cpu = time.perf_counter(), time.process_time()
        stories = story_map(library, refresh=True, report=report)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        if last[0]:
            phases[last[0]] = phases.get(last[0], 0.0) + time.perf_counter() - last[1]
        data = json.loads((library.generation / STORIES_FILE).read_text(encoding="utf-8"))
    data.pop("stats", None)
    out.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    return {"code": str(Path(index.__file__).parent.parent), "wall": round(wall, 3), "cpu": round(cpu, 3),
            "phases": {k: round(v, 3) for k, v in phases.items()},
            "stories": stories.stats.get("stories"), "articles": stories.stats.get("articles")}


def compare(first: Path, second: Path) -> list[str]:
    """Where two dumps differ (nothing: the same answer)."""
    a = json.loads(first.read_text(encoding="utf-8"))
    b = json.loads(second.read_text(encoding="utf-8"))
    out = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            left, right = a.get(key), b.get(key)
            if isinstance(left, dict) and isinstance(right, dict):
                keys = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))
                out.append(f"{key}: {len(keys)} entries differ, e.g. {keys[:5]}")
            elif isinstance(left, list) and isinstance(right, list):
                rows = [i for i, (x, y) in enumerate(zip(left, right, strict=False)) if x != y]
                out.append(f"{key}: {len(left)} vs {len(right)} rows, {len(rows)} differ, first at {rows[:5]}")
            else:
                out.append(f"{key}: differs")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stories_same", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("dump")
    d.add_argument("corpus", type=Path)
    d.add_argument("index_dir", type=Path)
    d.add_argument("out", type=Path)
    d.add_argument("--profile", type=Path)
    c = commands.add_parser("compare")
    c.add_argument("first", type=Path)
    c.add_argument("second", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        print(json.dumps(dump(args.corpus, args.index_dir, args.out, args.profile)))
        return 0
    differences = compare(args.first, args.second)
    print("\n".join(differences) if differences else "identical")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
