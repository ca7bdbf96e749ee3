"""Untrusted text made safe for a terminal.

Article text, titles, sources and metadata come from anywhere. Before any of it reaches the terminal, control
characters (C0, DEL, C1, which carry ANSI/OSC escape sequences), bidi overrides and other invisible format
characters are replaced by visible stand-ins, so nothing can move the cursor, set the title, write the clipboard
or reorder text. Markup is never parsed: callers hand the result to ``Text``/``Content`` or ``markup=False``.

``neutralise`` keeps the string's length (one character in, one out), so entity and match offsets computed on
the original text stay valid on the safe text.
"""

from __future__ import annotations

import unicodedata

_PICTURES = {i: chr(0x2400 + i) for i in range(32)}  # ␀ .. ␟, the Unicode control pictures
_PICTURES[0x7F] = "\u2421"  # ␡


def _stand_in(char: str, keep_newlines: bool) -> str:
    code = ord(char)
    if char == "\n" and keep_newlines:
        return char
    if char == "\t":
        return " "
    if code < 32 or code == 0x7F:
        return _PICTURES[code]
    if 0x80 <= code < 0xA0:  # C1 controls, including CSI (0x9B) and OSC (0x9D)
        return "\ufffd"
    category = unicodedata.category(char)
    if category in ("Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        # Format characters (bidi overrides, zero-width joiners, BOM), surrogates, private use,
        # unassigned, line/paragraph separators: shown as a visible replacement, never acted upon.
        return "\ufffd" if category in ("Cs", "Cn", "Zl", "Zp") else "\u00b7"
    return char


def needs_neutralising(text: str) -> bool:
    """Whether :func:`neutralise` would change ``text``: asked of its distinct characters, since the rule is one
    character at a time (a search's JSON, 15,000 characters, took 5 ms asked of each)."""
    return any(_stand_in(ch, True) != ch for ch in set(text))


def neutralise(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every control, escape and invisible format character replaced one-for-one."""
    if text.isprintable() and (keep_newlines or "\n" not in text):
        return text
    return "".join(_stand_in(ch, keep_newlines) for ch in text)


def one_line(text: str) -> str:
    """Neutralised and on one line: for titles, sources and other single-line fields."""
    return neutralise(text, keep_newlines=False)


def escape_for_json(text: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) with every character ``neutralise``
    would replace written as a ``\\uXXXX`` escape: the same data for a program, but nothing that acts on a
    terminal (C1 controls such as CSI, bidi overrides) when a person reads it raw. Outside strings JSON is
    plain ASCII, so every such character is inside a string, where the escape means the same character."""
    if not needs_neutralising(text):
        return text
    return "".join(_json_escape(ch) if ch != "\n" and _stand_in(ch, True) != ch else ch for ch in text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # as a UTF-16 surrogate pair, the only way JSON can escape it
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"
