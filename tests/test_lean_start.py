"""What a whole ``byline`` process loads to do one thing: a search for a script, the reader's first frame.

Every module a process imports is paid for by every run of it (a ``byline search`` is a whole process; the
reader's start-up is measured against a bare Textual app). These checks name the modules that one way in does
not need, so that a top-level import added for another command shows up here rather than as a slower start.
Each runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import SEEDS

REPO = Path(__file__).resolve().parents[1]


def modules_after(script: str, env: dict[str, str] | None = None) -> set[str]:
    """Every module loaded once ``script`` has run in a new interpreter."""
    probe = textwrap.dedent(script) + textwrap.dedent("""
        import json as _json, sys as _sys
        print("MODULES=" + _json.dumps(sorted(_sys.modules)))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120,
                          env=env)
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES=")))


def modules_at_first_frame(setup: str, make_app: str, after_frame: str = "") -> set[str]:
    """The modules loaded when the reader's library is first drawn, in a new interpreter: ``setup`` runs first
    (imports, an opener), ``make_app`` is the expression that makes the :class:`BylineApp`, ``after_frame`` runs
    in the pilot once the frame is drawn (checks that the reader went on to open its library, say)."""
    return modules_after(textwrap.dedent("""
        import asyncio, sys
        from textual.app import App
        from reader.app import BylineApp
        from reader.screens.library import LibraryScreen

        at_first_frame = []
        display = App._display

        def noted(self, screen, renderable):
            display(self, screen, renderable)
            if renderable is not None and isinstance(screen, LibraryScreen) and not at_first_frame:
                at_first_frame.append(set(sys.modules))

        App._display = noted
    """) + textwrap.dedent(setup) + textwrap.dedent(f"""
        async def drive():
            app = {make_app}
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
    """) + textwrap.indent(textwrap.dedent(after_frame), " " * 8) + textwrap.dedent("""
        asyncio.run(drive())
        for name in set(sys.modules) - at_first_frame[0]:
            del sys.modules[name]
    """))


def test_a_search_for_a_script_loads_neither_rich_nor_the_writing_side(seeds_index_dir: Path) -> None:
    """``byline search --json`` prints JSON: no Rich; it writes nothing: no SQLite (the annotation cache), no
    temporary files, no host name for a writer's lock; it annotates nothing: not the annotator's module; and it
    groups no entities: not the resolver, nor the alias file's TOML parser."""
    loaded = modules_after(f"""
        from reader.cli import main
        status = main(["search", "kabul", "--json", "--corpus", {str(SEEDS)!r}, "--index-dir",
                       {str(seeds_index_dir)!r}])
        assert status == 0, status
    """)
    assert "index.search" in loaded  # the probe did search
    unneeded = {"rich", "sqlite3", "tempfile", "socket", "index.annotate", "index.entities.resolve", "index.aliases"}
    assert not loaded & unneeded, sorted(loaded & unneeded)


def test_a_search_does_not_load_whoosh_modules_for_features_byline_never_uses(seeds_index_dir: Path) -> None:
    """Whoosh imports its word-variation rules (about 50 regular expressions compiled on import) and its
    original Porter stemmer for queries and analysers Byline never builds: a search runs without loading them."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from reader.cli import main
        status = main(["search", "kabul", "--json", "--corpus", {str(SEEDS)!r}, "--index-dir",
                       {str(seeds_index_dir)!r}])
        assert status == 0, status
        print("STANDS-IN=" + ",".join(name for name in ("whoosh.lang.morph_en", "whoosh.lang.porter")
                                      if "Stands in" in (sys.modules[name].__doc__ or "")))
    """)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "STANDS-IN=whoosh.lang.morph_en,whoosh.lang.porter" in done.stdout


def test_a_deferred_whoosh_module_answers_as_the_real_one_when_used() -> None:
    """Whoosh's ``Variations`` query and ``StemFilter`` still work: the stand-in loads the real module on use."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import importlib.util, sys
        import index  # installs the stand-ins
        import whoosh.query
        from whoosh.lang.morph_en import variations
        from whoosh.lang.porter import stem
        found = (sorted(variations("rendering")), stem("generalizations"))
        assert "Stands in" not in (sys.modules["whoosh.lang.morph_en"].__doc__ or "")
        def load(name):
            spec = importlib.util.find_spec(name)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
        expected = (sorted(load("whoosh.lang.morph_en").variations("rendering")),
                    load("whoosh.lang.porter").stem("generalizations"))
        assert found == expected, (found, expected)
        assert {"render", "renderings"} <= set(found[0]) and found[1] == "gener", found
        print("OK")
    """)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "OK"


def test_a_failing_command_still_says_why_in_one_line(tmp_path: Path) -> None:
    """The error classes are imported only once something failed: the messages are those they always were."""
    done = subprocess.run([sys.executable, "-m", "reader.cli", "search", "kabul", "--corpus", str(tmp_path / "none")],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("byline: no such corpus:") and "Traceback" not in done.stderr


def test_the_reader_draws_its_first_frame_without_the_annotator_or_a_settings_parser(
    seeds_index_dir: Path, tmp_path: Path
) -> None:
    """With no settings file, the reader's start reads no TOML; its first frame shows no article, so it opens no
    annotation cache (the warm-up after the frame does, in the background); and it shows no search, so the
    results, the no-hits note and the facets are imported when they are mounted, just after it."""
    loaded = modules_at_first_frame(f"""
        from pathlib import Path
        from index import open_library
        from reader.settings import load_settings

        settings = load_settings(Path({str(tmp_path / "absent.toml")!r}))
    """, f"BylineApp(open_library({str(SEEDS)!r}, {str(seeds_index_dir)!r}), settings=settings)")
    assert "textual" in loaded and "index.library" in loaded  # the probe did start the reader
    unneeded = {"tomllib", "tomli", "sqlite3", "index.annotate", "reader.widgets.results_list",
                "reader.widgets.facet_list", "reader.widgets.empty_state"}
    assert not loaded & unneeded, sorted(loaded & unneeded)


async def test_the_search_panes_are_mounted_after_the_first_frame(seeds_library, monkeypatch) -> None:
    """The results, the no-hits note and the facets are hidden until a search: the library's first frame is
    drawn without them, they are there (hidden) right after it, and a search shows them as before."""
    from textual.app import App
    from textual.widgets import ContentSwitcher

    from reader.app import BylineApp
    from reader.screens.library import LibraryScreen
    from reader.widgets.empty_state import NoHits
    from reader.widgets.facet_list import FacetList
    from reader.widgets.results_list import ResultsList

    at_first_frame: list[int] = []
    display = App._display

    def noted(self, screen, renderable) -> None:
        display(self, screen, renderable)
        if renderable is not None and isinstance(screen, LibraryScreen) and not at_first_frame:
            at_first_frame.append(len(screen.query(ResultsList)) + len(screen.query(FacetList)))

    monkeypatch.setattr(App, "_display", noted)
    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert at_first_frame == [0]
        screen = app.screen
        results, no_hits, facets = screen.query_one(ResultsList), screen.query_one(NoHits), screen.query_one(FacetList)
        assert not results.display and not no_hits.display and facets.region.width == 0
        assert screen.query_one(ContentSwitcher).current == "articles"
        await pilot.press(*"kabul")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert results.display and results.hits and facets.region.width > 0


async def test_quitting_at_the_first_frame_exits_cleanly(seeds_library, monkeypatch) -> None:
    """The search panes are mounted just after the first frame: a reader that quits at once (a script, the
    start-up benchmark, a quick ctrl+q) must not fail mounting them into a screen being taken down."""
    from textual.app import App

    from reader.app import BylineApp
    from reader.screens.library import LibraryScreen

    display = App._display

    def quit_at_first_frame(self, screen, renderable) -> None:
        display(self, screen, renderable)
        if renderable is not None and isinstance(screen, LibraryScreen):
            self.exit()

    monkeypatch.setattr(App, "_display", quit_at_first_frame)
    app = BylineApp(seeds_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
    assert app.return_code == 0


async def test_a_search_given_at_start_is_shown(seeds_library) -> None:
    """``byline -q kabul``: the search may be answered before the panes that show it are mounted."""
    from reader.app import BylineApp
    from reader.widgets.results_list import ResultsList

    app = BylineApp(seeds_library, initial_query="kabul")
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(20):
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            if app.screen.query(ResultsList) and app.screen.query_one(ResultsList).hits:
                break
        assert app.screen.last_result is not None and app.screen.last_result.query == "kabul"
        assert app.screen.query_one(ResultsList).display and app.screen.query_one(ResultsList).hits
