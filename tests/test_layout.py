"""The package layout keeps its rules (issue 16): data flows one way, click only in the CLI.

Layers, bottom to top: exceptions and private helpers (``_geo``, ``_format``,
``_io``) -> dataset -> network -> whatif (extending a network) -> scenario ->
engine, cuts, parallel -> metrics, simulate -> analyses (sweep, risk, depends,
history, timeline, plan) -> report, maps -> cli, web. Every import counts,
those inside functions and under ``TYPE_CHECKING`` too.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

import cablesim
from cablesim.cli import cli
from cablesim.cli._base import COMMANDS

PKG = Path(cablesim.__file__).resolve().parent

LAYER = {
    "cablesim.exceptions": 0,
    "cablesim._geo": 0,
    "cablesim._format": 0,
    "cablesim._io": 0,
    "cablesim._names": 0,
    "cablesim._limits": 0,
    "cablesim._text": 0,
    "cablesim._lookup": 0,
    "cablesim._procs": 0,
    "cablesim.measures": 0,
    "cablesim._memo": 0,
    "cablesim._lazy": 0,
    "cablesim._elements": 2,
    "cablesim.dataset": 1,
    "cablesim.network": 2,  # the network and its what-ifs (network.whatif)
    "cablesim.scenario": 4,  # scenario files and their application (scenario.failures)
    "cablesim.engine": 5,  # flows, traffic, metrics, simulate
    "cablesim.parallel": 5,
    "cablesim.analyses": 8,  # sweep, risk, plan, timeline, depends, history, tally
    "cablesim.report": 10,
    "cablesim.maps": 10,
    "cablesim.cli": 11,
    "cablesim.web": 11,
}


def _modules() -> dict[str, Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        if "_bundled" in p.parts:
            continue
        parts = list(p.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _imports(path: Path):
    """(imported module, imported name or None, node) for every cablesim import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cablesim"):
            for a in node.names:
                yield node.module, a.name, node
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("cablesim"):
                    yield a.name, None, node


def _unit(module: str) -> str:
    """The layer unit of a module: its subpackage, or itself."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for mod, path in MODULES.items():
        for target, name, _ in _imports(path):
            full = f"{target}.{name}" if name and f"{target}.{name}" in MODULES else target
            parts = full.split(".")
            for i in range(2, len(parts) + 1):
                x = ".".join(parts[:i])
                implicit = i < len(parts)  # a parent package run on the way to a submodule
                if x in MODULES and x != mod and not (implicit and mod.startswith(x + ".")):
                    graph[mod].add(x)
    return graph


def test_no_import_cycle():
    graph = _edges()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycle = [*stack[stack.index(n) :], n]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_data_flows_up_only():
    """No module imports a module of a higher layer."""
    bad = []
    for mod, targets in _edges().items():
        for t in targets:
            a, b = LAYER.get(_unit(mod)), LAYER.get(_unit(t))
            if a is not None and b is not None and b > a:
                bad.append(f"{mod} (layer {a}) imports {t} (layer {b})")
    assert not bad, "\n".join(sorted(bad))


def test_every_module_has_a_layer():
    missing = sorted({_unit(m) for m in MODULES} - set(LAYER) - {"cablesim", "cablesim.__main__"})
    assert not missing


def test_click_only_in_the_cli():
    users = []
    for mod, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            names = (
                [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if any(n == "click" or n.startswith("click.") for n in names):
                users.append(mod)
    assert users
    assert all(m.startswith(("cablesim.cli", "cablesim.web")) for m in users), users


def test_imports_at_module_level():
    """Every import is at module level (an optional extra excepted), the CLI's too: start-up
    speed comes from what each module imports, not from imports hidden in functions."""
    bad = []
    for mod, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        guarded = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                guarded.update(range(node.lineno, node.end_lineno + 1))
            if isinstance(node, ast.Try) and any(  # optional dependencies only
                h.type is not None and "ImportError" in ast.unparse(h.type) for h in node.handlers
            ):
                guarded.update(range(node.lineno, node.end_lineno + 1))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or node.col_offset == 0:
                continue
            if node.lineno in guarded:
                continue
            if "optional dependency" not in lines[node.lineno - 1]:
                bad.append(f"{mod}:{node.lineno}: import inside a function")
    assert not bad, "\n".join(bad)


HEAVY = (
    "numpy",
    "pandas",
    "geopandas",
    "shapely",
    "pyproj",
    "pyarrow",
    "scipy",
    "networkx",
    "matplotlib",
    "starlette",
    "uvicorn",
    "cablesim.dataset._build",
    "cablesim.dataset._severed",
    "cablesim.dataset._topology",
    "cablesim.dataset._tgimport",
    "cablesim.dataset._load",
    "cablesim.network",
    "cablesim.engine",
    "cablesim.analyses.plan",
    "cablesim.analyses.risk",
    "cablesim.maps",
    "cablesim.report",
    "cablesim.web",
)
"""What neither ``import cablesim`` nor ``cablesim --help`` may load (issue 21): the array,
table, geometry, solver, plotting and web stacks, the dataset's tables and build pipeline,
and every module that needs them. They load when a command or an API function needs them."""


def _loaded(code: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(PKG.parent)}
    out = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    )
    return set(out.stdout.split())


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


@pytest.mark.parametrize(
    "code",
    ["import cablesim", "from cablesim.cli import main\nmain(['--help'])"],
    ids=["import", "help"],
)
def test_start_up_imports_nothing_heavy(code):
    """The modules loaded, not the time: a measure that does not depend on the machine."""
    modules = _loaded(code)
    assert "cablesim" in modules
    assert not _heavy(modules), _heavy(modules)


def test_a_command_loads_its_module_only_when_run():
    modules = _loaded(
        "from click.testing import CliRunner; from cablesim.cli import cli; "
        "CliRunner().invoke(cli, ['check', '--help'])"
    )
    assert "cablesim.cli.run" in modules
    assert not {"cablesim.cli.sweep", "cablesim.cli.web", "cablesim.cli.maps"} & modules


def test_command_summaries_match_their_docstrings():
    """``cablesim --help`` prints the summaries of COMMANDS without importing the commands:
    they must say what each command's docstring says."""
    ctx = click.Context(cli)
    groups = [(cli, COMMANDS), (cli.get_command(ctx, "data"), cli.get_command(ctx, "data").lazy)]
    for group, lazy in groups:
        for name, (module, summary) in lazy.items():
            cmd = group.get_command(ctx, name)
            assert cmd is not None, name
            assert cmd.callback.__module__ == module, name
            for limit in (45, 80, 200):
                shown = click.Command(name, help=summary).get_short_help_str(limit)
                assert shown == cmd.get_short_help_str(limit)
    assert set(cli.commands) == set(COMMANDS)  # every command is listed


def test_no_private_name_of_another_subpackage():
    """``from cablesim.a._b import x`` or ``... import _x`` only within package ``a``."""
    bad = []
    for mod, path in MODULES.items():
        for target, name, node in _imports(path):
            if _unit(target) == _unit(mod):
                continue
            private_module = any(p.startswith("_") for p in target.split(".")[2:])
            private_name = (
                name is not None
                and name.startswith("_")
                and name != "__version__"
                and f"{target}.{name}" not in MODULES  # cablesim's own helper modules (_geo...)
            )
            if private_module or private_name:
                bad.append(f"{mod}:{node.lineno}: {target} import {name}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("package", ["dataset", "scenario", "engine", "report", "maps", "cli"])
def test_subpackage_docstring_says_what_it_owns_and_may_import(package):
    doc = (PKG / package / "__init__.py").read_text(encoding="utf-8")
    tree = ast.parse(doc)
    text = ast.get_docstring(tree) or ""
    assert len(text) > 200
    assert "Layering" in text or "layer" in text.lower()


def test_one_writer_and_one_figure_set_up():
    """Only ``_io`` writes files atomically, only ``maps/_figure`` makes a Figure."""
    writers, figures = [], []
    for mod, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if "os.replace(" in text:
            writers.append(mod)
        if "Figure(" in text and "FigureCanvasAgg(" in text:
            figures.append(mod)
    assert figures == ["cablesim.maps._figure"], figures
    assert set(writers) <= {"cablesim._io", "cablesim.dataset._build"}, writers


def test_network_memo_is_the_only_writer_of_its_cache():
    """No module but ``network`` touches a network's ``_cache``: everything else memoises
    through ``Network.memo`` (a compiled network keeps its own derived data)."""
    touching = [mod for mod, path in MODULES.items() if "._cache" in path.read_text("utf-8")]
    assert touching == ["cablesim.network"], touching


def _calls(path: Path, name: str) -> list[ast.Call]:
    """Calls of a function or method named ``name`` (``f(...)``, ``x.f(...)``) in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            called = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            if called == name:
                out.append(node)
    return out


def test_one_after_state_builder():
    """The state after the events is built in one place (issue 21): only
    ``cablesim.engine.state`` splits the backhaul of closed areas and compiles the split
    network; everything else asks it (``after_state``)."""
    split, compiled_split = [], []
    for mod, path in MODULES.items():
        if mod == "cablesim.engine.flows":  # where they are defined
            continue
        if _calls(path, "split_backhaul"):
            split.append(mod)
        for call in _calls(path, "compile_network"):
            if any(k.arg in ("backhaul_edges", "corridor_of") for k in call.keywords):
                compiled_split.append(mod)
    assert split == ["cablesim.engine.state"], split
    assert compiled_split == ["cablesim.engine.state"], compiled_split
    builders = [m for m, p in MODULES.items() if "def after_state(" in p.read_text("utf-8")]
    assert builders == ["cablesim.engine.state"], builders


def test_one_max_flow_call_site():
    """Every maximum flow of the engine goes through ``TaskGraph.solve`` (issue 21): one
    call of scipy's ``maximum_flow`` in the package, and no module but ``engine.flows``
    builds a task graph by hand or sums pair capacities itself."""
    sites = [(m, len(_calls(p, "maximum_flow"))) for m, p in MODULES.items()]
    sites = [(m, n) for m, n in sites if n]
    assert sites == [("cablesim.engine.flows", 1)], sites
    flows_src = MODULES["cablesim.engine.flows"].read_text("utf-8")
    solve = flows_src[flows_src.index("    def solve(") :].split("\n    def ", 1)[0]
    assert "maximum_flow(" in solve
    for mod, path in MODULES.items():
        if mod == "cablesim.engine.flows":
            continue
        text = path.read_text("utf-8")
        assert "pair_of_edge[ok], weights=" not in text, f"{mod} sums pair capacities itself"
        assert "csgraph import maximum_flow" not in text, mod


def test_no_module_cache_keyed_by_object_id():
    """Derived data lives with its owner (``Network.memo``, a compiled network's memo), not in
    module-level dictionaries keyed by ``id()`` (issue 21)."""
    bad = []
    for mod, path in MODULES.items():
        if not mod.startswith(("cablesim.engine", "cablesim.network.whatif", "cablesim.network")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "id":
                bad.append(f"{mod}:{node.lineno}")
    assert not bad, bad
