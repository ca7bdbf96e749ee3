"""The reader's settings: a TOML file a user may edit by hand, and that the reader writes a theme to.

It lives under the user's config directory (``settings.toml`` in platformdirs' ``user_config_dir("byline")``);
``$BYLINE_CONFIG`` or ``byline --config PATH`` points elsewhere. Every key is optional::

    theme = "nord"                 # any theme the palette's "Theme" command lists
    corpus = "~/news"              # what `byline` opens without a PATH
    reading_width = 100            # article lines wrap at most this wide (0: the window's width)

    [keymap]                       # binding id = keys (comma-separated); `?` lists the ids' keys
    "app.quit" = "ctrl+q"
    "article.next-match" = "n,right"

A file that cannot be read gives a message naming the line, and the defaults. Saving a theme changes only the
``theme`` line, so comments and everything else in the file stay as they were.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

#: The environment variable naming another settings file.
CONFIG_ENV = "BYLINE_CONFIG"
SETTINGS_FILE = "settings.toml"
#: Article lines wrap at this many columns at most, unless the settings say otherwise.
DEFAULT_READING_WIDTH = 100


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Settings:
    """What the settings file says; defaults for what it leaves out. ``problem`` is why a file was not used
    (empty when it was, or when there is none)."""

    path: Path | None = None
    theme: str = ""
    corpus: str = ""
    reading_width: int = DEFAULT_READING_WIDTH
    keymap: dict[str, str] = field(default_factory=dict)
    problem: str = ""


def settings_path(explicit: str | Path | None = None) -> Path:
    """Where the settings are: ``explicit`` (``--config``), else ``$BYLINE_CONFIG``, else the user's config
    directory."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("byline")) / SETTINGS_FILE


def load_settings(path: Path) -> Settings:
    """The settings at ``path``: the defaults when there is no file, and the defaults with ``problem`` set when
    the file cannot be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(path=path)
    except (OSError, UnicodeDecodeError) as exc:
        return Settings(path=path, problem=f"{path}: {exc}; using the default settings")
    try:
        return parse_settings(text, path)
    except SettingsError as exc:
        return Settings(path=path, problem=f"{exc}; using the default settings")


def parse_settings(text: str, path: Path | None = None) -> Settings:
    """Settings from the text of a settings file. Raises :class:`SettingsError` naming the line at fault."""
    where = str(path) if path else SETTINGS_FILE
    try:  # imported here: a reader with no settings file starts without the TOML parser
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{where}: {exc}") from None

    def bad(key: str, wanted: str) -> SettingsError:
        line = _line_of(text, key)
        return SettingsError(f"{where}, line {line}: {key} should be {wanted}" if line else
                             f"{where}: {key} should be {wanted}")

    theme, corpus = data.get("theme", ""), data.get("corpus", "")
    for key, value in (("theme", theme), ("corpus", corpus)):
        if not isinstance(value, str):
            raise bad(key, "a string in quotes")
    width = data.get("reading_width", DEFAULT_READING_WIDTH)
    if isinstance(width, bool) or not isinstance(width, int) or width < 0:
        raise bad("reading_width", "a whole number of columns (0 for the window's width)")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        raise bad("keymap", 'a table: [keymap] then "binding.id" = "keys"')
    for binding_id, keys in keymap.items():
        if not isinstance(keys, str) or not keys.strip():
            raise bad(binding_id, 'keys in quotes, such as "ctrl+q" or "n,right"')
    return Settings(path=path, theme=theme.strip(), corpus=corpus.strip(), reading_width=width,
                    keymap={str(k): v.strip() for k, v in keymap.items()})


def _line_of(text: str, key: str) -> int:
    """The line (from 1) where ``key`` is given, 0 if it cannot be found."""
    pattern = re.compile(rf'^\s*["\']?{re.escape(key)}["\']?\s*=')
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 0


_THEME_LINE = re.compile(r"^\s*theme\s*=")
_TABLE_LINE = re.compile(r"^\s*\[")


def save_theme(path: Path, theme: str) -> None:
    """Write ``theme`` to the settings file at ``path`` (created if need be). Only the top-level ``theme`` line
    changes (or is added after the file's opening comments): comments, tables and unknown keys stay. The new
    text is read back before it atomically replaces the old file. Raises ``OSError`` or
    :class:`SettingsError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    import tomlkit  # writes the value as TOML does, escapes and all (the engine's sidecar is edited with it too)

    line = f"theme = {tomlkit.string(theme).as_string()}"
    lines = text.splitlines()
    top = next((number for number, text_line in enumerate(lines) if _TABLE_LINE.match(text_line)), len(lines))
    found = next((number for number in range(top) if _THEME_LINE.match(lines[number])), None)
    if found is not None:
        lines[found] = line
    else:
        opening = 0
        while opening < top and lines[opening].lstrip().startswith("#"):
            opening += 1
        lines.insert(opening, line)
    new_text = "\n".join(lines) + "\n"
    if parse_settings(new_text, path).theme != theme:  # never write a file we could not read back
        raise SettingsError(f"{path}: the theme could not be written in it")
    from index import write_atomic  # the engine's one atomic write (read back before it replaces)

    write_atomic(path, new_text)
