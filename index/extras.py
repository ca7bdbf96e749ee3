"""How to install one of Byline's optional extras (``web``, ``parquet``, ``cluster``), said the way that works
where this copy of Byline runs: from a checkout (the packages sit beside their ``pyproject.toml``) it is
``pip install '.[web]'`` there; from an installed package, ``pip install 'byline[web]'``."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

#: The libraries each optional extra brings, by the names they are imported as.
EXTRA_MODULES = {
    "web": ("httpx", "feedparser", "trafilatura"),
    "parquet": ("pyarrow",),
    "cluster": ("distributed",),
}


def checkout_root() -> Path | None:
    """The checkout of Byline this code runs from, or ``None`` when it runs from an installed package."""
    root = Path(__file__).resolve().parents[1]
    if (root / "pyproject.toml").is_file() and (root / "index").is_dir() and (root / "reader").is_dir():
        return root
    return None


def install_hint(extra: str) -> str:
    """The command that installs ``extra`` (e.g. ``"web"``) for this copy of Byline."""
    root = checkout_root()
    if root is not None:
        return f"pip install '.[{extra}]' in {root}"
    return f"pip install 'byline[{extra}]' (from a checkout of Byline: pip install '.[{extra}]')"


def missing_modules(extra: str) -> list[str]:
    """The libraries of ``extra`` that are not installed, found without importing them (trafilatura alone
    takes a good part of a second to import)."""
    return [module for module in EXTRA_MODULES[extra] if find_spec(module) is None]
