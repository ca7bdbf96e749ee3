"""Annotation on a Dask cluster: ``byline index CORPUS --cluster tcp://scheduler:8786`` (or ``--cluster local``).

spaCy is nearly all of a build's cost, and it is the one step that needs no shared state: each text's annotation
depends on the text, the model and the alias patterns alone. So a build hands that step to the workers of a
Dask cluster (the ``distributed`` package, the optional ``byline[cluster]`` extra), and does everything else here
as always: reading the corpus, the content-hash annotation cache, entities, stories and the Whoosh index.

- Texts go out in batches of contiguous articles, a bounded number in flight at once (the corpus is never held
  twice in the scheduler's memory), and the annotations come back as plain dicts (``Annotation.to_dict()``)
  in the order the build asked for them, so the cache fills as batches return.
- A worker loads the model once: :func:`annotate_batch` keeps one pipeline per model and alias patterns for the
  life of the worker's process, and runs one batch at a time (one spaCy pipeline is not shared by threads);
  run workers with one thread each and as many processes as cores (``dask worker ADDRESS --nworkers -1
  --nthreads 1``; ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` saves them a few per cent more). Each
  worker needs Byline (``pip install 'byline[cluster]'``) and the build's spaCy model.
- A worker that dies mid-batch loses nothing: the scheduler runs the batch again elsewhere (or on the worker
  the nanny restarts); a batch that raises is retried too, then reported.
- The workers' model must be the one this machine would use (the same name and version): every batch says
  which it ran, and a different one stops the build before its annotations reach the cache.

``--cluster local`` starts a ``LocalCluster`` of ``--jobs`` worker processes on this machine, to try it out.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache, partial

from .annotate import Annotator, AnnotatorFactory, model_fingerprint, resolve_model
from .extras import install_hint, missing_modules
from .models import Annotation

#: ``--cluster local``: a cluster of worker processes on this machine rather than a scheduler's address.
LOCAL = "local"
#: Most articles, and most characters, in one batch sent to a worker.
BATCH_ARTICLES = 64
BATCH_CHARS = 250_000
#: Batches in flight (sent, or annotated and waiting for an earlier one) per worker.
IN_FLIGHT_PER_WORKER = 3
#: How often a batch that raised is run again before the build fails (a worker's death is not counted here:
#: the scheduler reschedules those batches itself, up to ``distributed.scheduler.allowed-failures`` times).
RETRIES = 2
#: Seconds to wait for the scheduler to answer and for a first worker to join it.
CONNECT_TIMEOUT = 30
WORKERS_TIMEOUT = 120

MISSING_EXTRA = ("--cluster needs the Dask `distributed` package: install Byline's cluster extra, "
                 f"`{install_hint('cluster')}`")


class ClusterError(RuntimeError):
    """The cluster cannot be used (the message says why and what to do)."""


def cluster_annotator(address: str, *, batch_articles: int = BATCH_ARTICLES,
                      batch_chars: int = BATCH_CHARS) -> AnnotatorFactory:
    """The annotator factory for ``Library.build(annotator=...)`` that annotates on the Dask cluster whose
    scheduler is at ``address`` (``tcp://host:8786``), or on a ``LocalCluster`` of ``jobs`` processes when
    ``address`` is ``"local"``. Raises :class:`ClusterError` now, before any work, when ``distributed`` is not
    installed."""
    if missing_modules("cluster"):
        raise ClusterError(MISSING_EXTRA)
    return partial(ClusterAnnotator, address=address, batch_articles=batch_articles, batch_chars=batch_chars)


class ClusterAnnotator:
    """Annotates texts on a Dask cluster's workers (see the module's notes); a :class:`TextAnnotator`."""

    def __init__(self, model: str | None = None, *, jobs: int = 1, patterns: Sequence[Mapping[str, str]] = (),
                 address: str = LOCAL, batch_articles: int = BATCH_ARTICLES,
                 batch_chars: int = BATCH_CHARS) -> None:
        self.model_name = resolve_model(model)
        self.jobs = max(1, jobs)
        self.patterns = tuple((p["label"], p["pattern"]) for p in patterns)
        self.address = address
        self.batch_articles = max(1, batch_articles)
        self.batch_chars = batch_chars
        #: What the annotations are cached under here; every batch must come back from the same model.
        self.fingerprint = model_fingerprint(self.model_name)

    def annotate(self, texts: Sequence[str]) -> Iterator[Annotation]:
        """Annotations for ``texts``, in order, annotated by the cluster's workers."""
        if not texts:
            return
        from distributed import as_completed

        with self._client() as client:
            workers = max(1, len(client.nthreads()))
            batches = batch_ranges(texts, workers, self.batch_articles, self.batch_chars)
            window = IN_FLIGHT_PER_WORKER * workers
            numbers: dict[str, int] = {}  # a future's key -> its batch number, until it arrives
            done: dict[int, tuple[str, list[dict]]] = {}
            arrivals = as_completed()
            sent = 0
            for number, (start, end) in enumerate(batches):
                while sent < len(batches) and sent < number + window:
                    first, last = batches[sent]
                    # The task is looked up here, at submission, so a test can put a different one in its place.
                    future = client.submit(annotate_batch, self.model_name, self.patterns, list(texts[first:last]),
                                           pure=False, retries=RETRIES)
                    numbers[future.key] = sent
                    arrivals.add(future)
                    sent += 1
                while number not in done:
                    future = next(arrivals)
                    arrived = numbers.pop(future.key)
                    done[arrived] = self._result(future, batches[arrived])
                fingerprint, annotations = done.pop(number)
                if fingerprint != self.fingerprint:
                    raise ClusterError(
                        f"the cluster's workers annotate with {fingerprint!r}, this machine with "
                        f"{self.fingerprint!r}: install the same Byline and spaCy model ({self.model_name}) on both")
                if len(annotations) != end - start:
                    raise ClusterError(f"a worker returned {len(annotations)} annotations for {end - start} texts")
                for data in annotations:
                    yield Annotation.from_dict(data)

    def _result(self, future, batch: tuple[int, int]) -> tuple[str, list[dict]]:
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker as exc:
            raise ClusterError(f"articles {batch[0] + 1}-{batch[1]} of this build killed a worker each time "
                               f"they were tried ({exc}); look at the workers' logs (memory?)") from None

    @contextlib.contextmanager
    def _client(self):
        """A client of the cluster at :attr:`address` (a new ``LocalCluster`` for ``"local"``) with at least one
        worker; closed, with the local cluster, when the annotations are all in (or the build stops)."""
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ClusterError(MISSING_EXTRA) from None
        with contextlib.ExitStack() as stack:
            if self.address == LOCAL:
                import dask

                # Without the workers' statistical profiler, which samples the running task's stack every 10 ms:
                # about 7 % of a worker's CPU time when the task is spaCy, measured here. The scheduler's web
                # server takes any free port (":0"), never another cluster's 8787.
                with dask.config.set({"distributed.worker.profile.enabled": False}):
                    cluster = stack.enter_context(LocalCluster(
                        n_workers=self.jobs, threads_per_worker=1, processes=True, dashboard_address=":0"))
                client = stack.enter_context(Client(cluster))
            else:
                try:
                    client = stack.enter_context(Client(self.address, timeout=CONNECT_TIMEOUT))
                except (OSError, TimeoutError, ValueError) as exc:
                    raise ClusterError(f"cannot reach the Dask scheduler at {self.address} ({exc}); start one with "
                                       "`dask scheduler` and workers with `dask worker ADDRESS --nthreads 1`, or "
                                       "try `--cluster local`") from None
            try:
                client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
            except TimeoutError:
                raise ClusterError(f"no worker joined the Dask scheduler at {self.address} within "
                                   f"{WORKERS_TIMEOUT} s: start some with `dask worker {self.address} "
                                   "--nthreads 1`") from None
            yield client


def batch_ranges(texts: Sequence[str], workers: int, most_articles: int = BATCH_ARTICLES,
                 most_chars: int = BATCH_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` ranges of consecutive texts covering them all: at most ``most_articles`` texts and (past the
    first text) ``most_chars`` characters each, and small enough that every worker gets a few batches."""
    per_batch = min(most_articles, max(1, -(-len(texts) // (IN_FLIGHT_PER_WORKER * workers))))
    ranges: list[tuple[int, int]] = []
    start = chars = 0
    for i, text in enumerate(texts):
        if i > start and (i - start >= per_batch or chars + len(text) > most_chars):
            ranges.append((start, i))
            start, chars = i, 0
        chars += len(text)
    ranges.append((start, len(texts)))
    return ranges


# --- on the workers ----------------------------------------------------------------------------------------

#: One batch at a time in a worker's process, whatever its thread count: the pipeline is not shared by threads.
_ONE_AT_A_TIME = threading.Lock()


@lru_cache(maxsize=2)
def _worker_annotator(model: str, patterns: tuple[tuple[str, str], ...]) -> Annotator:
    annotator = Annotator(model, patterns=[{"label": label, "pattern": text} for label, text in patterns])
    annotator.nlp  # noqa: B018 - load the model now, once for the life of this process
    return annotator


def annotate_batch(model: str, patterns: tuple[tuple[str, str], ...], texts: list[str]) -> tuple[str, list[dict]]:
    """Run on a worker: the fingerprint of the model this worker annotates with, and the annotations of
    ``texts`` as dicts (the cache's format)."""
    with _ONE_AT_A_TIME:
        annotator = _worker_annotator(model, patterns)
        return model_fingerprint(model), [annotation.to_dict() for annotation in annotator.annotate(texts)]
