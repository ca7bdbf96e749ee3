"""The corpora the benchmarks run on, and the plain-file copies the alternatives (ripgrep) search.

``seeds``: the bundled five articles. ``reuters``: Reuters-21578 as one ``.jsonl.gz``, read in place (never copied
into the repository). ``synthetic:N``: N articles generated deterministically from the Reuters text (article *i*
depends only on *i*, so ``synthetic:50000`` is a prefix of ``synthetic:100000``), written as a folder of ``.txt``
files under the scratch folder, so the vocabulary and lengths stay realistic at any size.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from index import Article, bundled_corpus
from index.ingest import read_corpus

#: Where generated corpora, plain-text copies and indexes go (never the repository, never the user's cache).
BENCH_DIR = Path(os.environ.get("BYLINE_BENCH_DIR", "/tmp/byline-bench"))


def shared_corpus(file_name: str, variable: str) -> Path:
    """A corpus of ``../shared/corpora``, read in place: ``$variable`` when set, else ``shared/corpora/<file_name>``
    in the nearest folder above the repository that has one."""
    if os.environ.get(variable):
        return Path(os.environ[variable])
    for folder in Path(__file__).resolve().parents[1:]:
        found = folder / "shared" / "corpora" / file_name
        if found.is_file():
            return found
    return Path(__file__).resolve().parents[2] / "shared" / "corpora" / file_name


#: The Reuters corpus, read in place; ``$BYLINE_REUTERS`` points elsewhere.
REUTERS = shared_corpus("reuters21578.jsonl.gz", "BYLINE_REUTERS")
#: Bump when the synthetic generator changes, so stale generated corpora are rebuilt.
SYNTHETIC_VERSION = "1"
FILES_PER_FOLDER = 1000


#: The repository, the working folder of the processes the benchmarks start (``python -m bench.*`` needs it).
REPO = Path(__file__).resolve().parents[1]


def child_env() -> dict[str, str]:
    """The environment for the processes the benchmarks time: bytecode cached (under the scratch folder) as in
    an installed Byline, even where the shell sets ``PYTHONDONTWRITEBYTECODE`` (an editable install would
    otherwise compile every module of the project at every start)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(BENCH_DIR / "pycache")
    return env


class Unmeasurable(RuntimeError):
    """Something this machine lacks for a measurement (the message says what): the section is skipped."""


class CorpusUnavailable(Unmeasurable):
    """A corpus this machine does not have (the message says which and why)."""


@dataclass(frozen=True)
class Corpus:
    """A corpus to benchmark: what Byline indexes, where the plain text for ripgrep is, where its index goes."""

    name: str
    #: What Byline indexes: a folder, or a ``.jsonl.gz`` file.
    path: Path
    #: A folder with one ``.txt`` per article (title line, blank line, body) for ripgrep; may be ``path``.
    plain: Path
    #: The index used by the search, start-up and memory sections (built once, reused across runs).
    index_dir: Path

    @property
    def is_folder(self) -> bool:
        return self.path.is_dir()

    def articles(self) -> list[Article]:
        """The articles exactly as Byline reads them."""
        return read_corpus(self.path).articles


def resolve(spec: str) -> Corpus:
    """The corpus named by ``spec`` (``seeds``, ``reuters``, ``synthetic:N``), generating what it needs."""
    if spec == "seeds":
        seeds = bundled_corpus()
        return Corpus("seeds", seeds, seeds, BENCH_DIR / "indexes" / "seeds")
    if spec == "reuters":
        if not REUTERS.is_file():
            raise CorpusUnavailable(f"the Reuters corpus is not at {REUTERS} (set $BYLINE_REUTERS)")
        plain = BENCH_DIR / "plain" / "reuters"
        if not _complete(plain, "plain-1"):
            write_plain(read_corpus(REUTERS).articles, plain, "plain-1")
        return Corpus("reuters", REUTERS, plain, BENCH_DIR / "indexes" / "reuters")
    if spec.startswith("synthetic:"):
        try:
            count = int(spec.split(":", 1)[1].replace("_", "").replace(",", ""))
        except ValueError:
            raise CorpusUnavailable(f"synthetic:N needs a number of articles, not {spec!r}") from None
        folder = synthetic(count)
        return Corpus(f"synthetic-{count}", folder, folder, BENCH_DIR / "indexes" / f"synthetic-{count}")
    raise CorpusUnavailable(f"unknown corpus {spec!r} (seeds, reuters or synthetic:N)")


def _complete(folder: Path, stamp: str) -> bool:
    try:
        return (folder / ".complete").read_text(encoding="utf-8") == stamp
    except OSError:
        return False


def _shard(root: Path, number: int) -> Path:
    return root / f"d{number // FILES_PER_FOLDER:04d}"


def write_plain(articles: Iterable[Article], folder: Path, stamp: str) -> None:
    """One ``.txt`` per article (its title, a blank line, its text), in folders of a thousand files."""
    shutil.rmtree(folder, ignore_errors=True)
    for number, article in enumerate(articles):
        shard = _shard(folder, number)
        shard.mkdir(parents=True, exist_ok=True)
        (shard / f"a{number:06d}.txt").write_text(f"{article.title}\n\n{article.text}", encoding="utf-8")
    (folder / ".complete").write_text(stamp, encoding="utf-8")


def write_bodies(articles: Iterable[Article], folder: Path, stamp: str) -> None:
    """One ``.txt`` per article holding exactly its text: the same content hash as in the ``.jsonl.gz``, so a
    folder index of it can reuse the annotations of the Reuters index (no second spaCy pass)."""
    shutil.rmtree(folder, ignore_errors=True)
    for number, article in enumerate(articles):
        shard = _shard(folder, number)
        shard.mkdir(parents=True, exist_ok=True)
        (shard / f"a{number:06d}.txt").write_text(article.text, encoding="utf-8")
    (folder / ".complete").write_text(stamp, encoding="utf-8")


def reuters_folder() -> Path:
    """The Reuters articles as a folder of files (text only), for what needs files to touch, add and delete."""
    if not REUTERS.is_file():
        raise CorpusUnavailable(f"the Reuters corpus is not at {REUTERS}")
    folder = BENCH_DIR / "corpora" / "reuters-folder"
    if not _complete(folder, "bodies-1"):
        write_bodies(read_corpus(REUTERS).articles, folder, "bodies-1")
    return folder


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def synthetic_articles(source: list[Article], start: int, stop: int) -> Iterable[tuple[str, str]]:
    """Articles ``start`` to ``stop`` of the synthetic corpus, as ``(title, text)``.

    Article *i* takes the title and first paragraph of one Reuters article and as many paragraphs as another
    has, drawn from anywhere in the corpus, by a generator seeded with *i* alone.
    """
    pool = [p for article in source for p in _paragraphs(article.text)]
    shapes = [max(1, len(_paragraphs(article.text))) for article in source]
    for number in range(start, stop):
        rng = random.Random(f"byline-synthetic-{SYNTHETIC_VERSION}-{number}")
        lead = source[rng.randrange(len(source))]
        paragraphs = _paragraphs(lead.text)[:1]
        paragraphs += [pool[rng.randrange(len(pool))] for _ in range(shapes[rng.randrange(len(shapes))] - 1)]
        yield lead.title, "\n\n".join(paragraphs) + "\n"


def synthetic(count: int, source_articles: list[Article] | None = None) -> Path:
    """The folder of the ``count``-article synthetic corpus, generated (once) from the Reuters text."""
    folder = BENCH_DIR / "corpora" / f"synthetic-{count}"
    stamp = f"synthetic-{SYNTHETIC_VERSION}-{count}"
    if _complete(folder, stamp):
        return folder
    if source_articles is None:
        if not REUTERS.is_file():
            raise CorpusUnavailable(f"synthetic corpora are generated from the Reuters corpus, absent at {REUTERS}")
        source_articles = read_corpus(REUTERS).articles
    shutil.rmtree(folder, ignore_errors=True)
    for number, (title, text) in enumerate(synthetic_articles(source_articles, 0, count)):
        shard = _shard(folder, number)
        shard.mkdir(parents=True, exist_ok=True)
        (shard / f"s{number:06d}.txt").write_text(f"{title}\n\n{text}", encoding="utf-8")
    (folder / ".complete").write_text(stamp, encoding="utf-8")
    return folder
