"""What a benchmark run found: figures with their budgets, printed as a table and saved as JSON."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) of ``values``, interpolated linearly between ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: Sequence[float]) -> dict[str, float]:
    """p50, p95, max and count of a list of timings (any unit), for the JSON."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 3),
        "p95": round(percentile(values, 95), 3),
        "max": round(max(values), 3),
        "mean": round(statistics.fmean(values), 3),
    }


def spread(values: Sequence[float]) -> str:
    """How noisy repeated runs were: ``min-max`` as a percentage around the median."""
    if len(values) < 2:
        return "one run"
    mid = statistics.median(values)
    if mid == 0:
        return "n/a"
    return f"±{100 * (max(values) - min(values)) / 2 / mid:.0f}% over {len(values)} runs"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM) of a process, in MB (Linux; NaN elsewhere)."""
    now = peak = float("nan")
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    now = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
    except OSError:
        pass
    return now, peak


@dataclass
class Row:
    """One line of the table: a figure, its budget (if the design sets one) and the alternative beside it."""

    section: str
    what: str
    value: str
    budget: str = ""
    #: True met, False missed, None: no budget for this figure.
    met: bool | None = None
    versus: str = ""

    @property
    def verdict(self) -> str:
        return "" if self.met is None else ("met" if self.met else "MISSED")


@dataclass
class Report:
    """Everything one run measured: rows for the table, raw data per section, sections skipped and why."""

    corpus: str
    rows: list[Row] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.time)

    def add(self, section: str, what: str, value: str, *, budget: str = "", met: bool | None = None,
            versus: str = "") -> None:
        self.rows.append(Row(section, what, value, budget, met, versus))

    def skip(self, section: str, reason: str) -> None:
        """Record (and say at once) that a section or an alternative could not run here."""
        self.skipped[section] = reason
        print(f"  skipped {section}: {reason}", file=sys.stderr, flush=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "corpus": self.corpus,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.started)),
            "seconds": round(time.time() - self.started, 1),
            "machine": machine(),
            "rows": [asdict(r) | {"verdict": r.verdict} for r in self.rows],
            "skipped": self.skipped,
            "data": self.data,
        }


def machine() -> dict[str, Any]:
    """What the figures were measured on, so a reader can judge them."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "processor": _cpu_model(),
        "load_average_at_end": [round(x, 2) for x in load],
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def table(rows: Iterable[Row], *, markdown: bool = False) -> str:
    """The rows as an aligned text table (or a Markdown one for the README)."""
    header = ("section", "figure", "value", "budget", "", "side by side")
    lines = [(r.section, r.what, r.value, r.budget, r.verdict, r.versus) for r in rows]
    if markdown:
        out = ["| " + " | ".join(header[:4]) + " | verdict | " + header[5] + " |",
               "| " + " | ".join("---" for _ in header) + " |"]
        out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)]
    widths[-1] = 0  # the last column is not padded
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*header).rstrip(), fmt.format(*("-" * w for w in widths)).rstrip()]
    previous = None
    for line in lines:
        shown = ("" if line[0] == previous else line[0], *line[1:])
        previous = line[0]
        out.append(fmt.format(*shown).rstrip())
    return "\n".join(out)


def save(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
