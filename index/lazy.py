"""Imports paid for on first use. Names a package exports, each imported from its module on first use (PEP 562),
so importing the package costs nothing until a name is asked for (used by :mod:`index`, :mod:`index.entities`
and :mod:`index.stories`); and third-party modules that Whoosh imports for features Byline never uses, stood in
for until they are used (:func:`defer_module`, called by :mod:`index`), or only while another module is imported
(:func:`standing_in`, :func:`hashlib_md5_only`)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from types import ModuleType


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


def stand_in(name: str, functions: tuple[str, ...]) -> ModuleType:
    """A module to put in ``sys.modules`` for the module ``name`` until it is used: its ``functions`` (and any
    other name read from it) import the real module, taking the stand-in out of ``sys.modules`` first, and
    forward to it."""
    module = ModuleType(name, f"Stands in for {name} until it is used (index.lazy.stand_in).")

    def real() -> ModuleType:
        if sys.modules.get(name) is module:
            del sys.modules[name]
        return import_module(name)

    def forwarder(function: str) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            return getattr(real(), function)(*args, **kwargs)

        call.__name__ = call.__qualname__ = function
        return call

    for function in functions:
        setattr(module, function, forwarder(function))

    def __getattr__(attribute: str) -> object:
        if attribute.startswith("__"):  # the import system asks for __path__, __spec__...: not a use
            raise AttributeError(attribute)
        return getattr(real(), attribute)

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]
    return module


def defer_module(name: str, functions: tuple[str, ...]) -> None:
    """Stand in for the module ``name`` until one of its ``functions`` is called (or any other name of it is
    read), so a module imported only for a feature Byline never uses costs nothing at start-up; after that
    ``sys.modules`` holds the real module. Does nothing when ``name`` is already imported."""
    if name not in sys.modules:
        sys.modules[name] = stand_in(name, functions)


@contextlib.contextmanager
def standing_in(modules: Mapping[str, ModuleType]) -> Iterator[None]:
    """``modules`` (stand-ins, by name) in ``sys.modules`` while the block imports a module that would import them
    for something it seldom does; the importer keeps its stand-in, which imports the real module when used. Each
    leaves ``sys.modules`` after the block, so no other module ever sees one. A name already imported is left as
    it is."""
    added = {name: module for name, module in modules.items() if name not in sys.modules}
    sys.modules.update(added)
    try:
        yield
    finally:
        for name, module in added.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def hashlib_md5_only() -> dict[str, ModuleType]:
    """A stand-in for ``hashlib`` (for :func:`standing_in`) whose ``md5`` is the standard library's own
    (``_md5``), for Whoosh's term dictionary, which hashes each term it looks up with MD5: the same digests,
    without loading OpenSSL's ``_hashlib`` (2.5 ms of a search process). Nothing where Python was built without
    ``_md5``."""
    try:
        from _md5 import md5
    except ImportError:
        return {}
    module = stand_in("hashlib", ())
    module.md5 = md5  # type: ignore[attr-defined]
    return {"hashlib": module}
