"""What each way in loads: reading (the reader's start, a search, an article, a comparison) never imports spaCy,
and the engine never imports Textual or the reader.

Each check runs in a fresh interpreter, since this test session has long since imported both.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import SEEDS

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("spacy", "thinc", "torch")


def loaded_after(script: str) -> set[str]:
    """The top-level packages loaded once ``script`` has run in a new interpreter."""
    probe = textwrap.dedent(script) + textwrap.dedent("""
        import json as _json, sys as _sys
        print("MODULES=" + _json.dumps(sorted({name.split(".")[0] for name in _sys.modules})))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES=")))


@pytest.mark.parametrize("argv", [
    ["search", "taliban airport"],
    ["search", 'entity:"Zabihullah Mujahid"', "--json"],
    ["show", "001"],
    ["list"],
    ["compare", "001", "002", "--format", "json"],
    ["entities"],
    ["stories"],
])
def test_commands_that_read_never_import_spacy(seeds_index_dir: Path, argv: list[str]) -> None:
    loaded = loaded_after(f"""
        from reader.cli import main
        status = main({[*argv, "--corpus", str(SEEDS), "--index-dir", str(seeds_index_dir)]!r})
        assert status in (0, None), status
    """)
    assert not loaded & set(HEAVY), f"byline {' '.join(argv)} imported {sorted(loaded & set(HEAVY))}"


def test_the_reader_starts_searches_and_opens_an_article_without_spacy(seeds_index_dir: Path) -> None:
    loaded = loaded_after(f"""
        import asyncio
        from index import open_library
        from reader.app import BylineApp

        async def drive():
            app = BylineApp(open_library({str(SEEDS)!r}, {str(seeds_index_dir)!r}), initial_query="kabul")
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                app.library.search("taliban")
                app.library.article("001")

        asyncio.run(drive())
    """)
    assert "textual" in loaded  # the probe did start the app
    assert not loaded & set(HEAVY), f"the reader imported {sorted(loaded & set(HEAVY))}"


def test_the_engine_never_imports_the_interface() -> None:
    modules = sorted({
        ".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for p in (REPO / "index").rglob("*.py")
    })
    assert len(modules) > 10
    loaded = loaded_after("import importlib\n" + "\n".join(
        f"try:\n    importlib.import_module({name!r})\nexcept ImportError as exc:\n"
        f"    assert exc.name not in ('textual', 'reader'), exc\n"
        for name in modules
    ))
    assert "textual" not in loaded and "reader" not in loaded


def test_the_reader_uses_only_the_engines_public_names() -> None:
    """``reader/`` imports ``index`` (its exported names), never an engine module: the engine can move its
    modules without the reader noticing."""
    import ast

    reaching: list[str] = []
    for path in sorted((REPO / "reader").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("index."):
                reaching.append(f"{path.relative_to(REPO)}:{node.lineno} from {node.module}")
            if isinstance(node, ast.Import):
                reaching += [f"{path.relative_to(REPO)}:{node.lineno} import {a.name}"
                             for a in node.names if a.name.startswith("index.")]
    assert not reaching, "\n".join(reaching)


def test_every_package_of_the_source_is_installed() -> None:
    """`pip install .` (not editable) copies only the packages pyproject.toml lists: a new subpackage left out
    of the list works from a checkout and is missing from every real install."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(REPO).parts) for top in ("index", "reader")
             for init in (REPO / top).rglob("__init__.py")}
    assert found - listed == set()
