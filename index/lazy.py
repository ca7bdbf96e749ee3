"""Names a package exports, each imported from its module on first use (PEP 562), so importing the package
costs nothing until a name is asked for. Used by :mod:`index`, :mod:`index.entities` and :mod:`index.stories`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``, which exports each name of ``exports`` from the
    (relative) module it maps to; a name, once imported, is kept on the package."""
    module = sys.modules[package]

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(exports[name], package), name)
        setattr(module, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(module), *exports})

    return __getattr__, __dir__
