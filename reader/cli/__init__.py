"""The ``byline`` command line (see :mod:`.main`)."""

from .main import _opens_reader, _with_default_command, build_parser, main

__all__ = ["_opens_reader", "_with_default_command", "build_parser", "main"]
