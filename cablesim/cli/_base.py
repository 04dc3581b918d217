"""The ``cablesim`` group, its error policy and the helpers every command shares.

The group knows its commands by name, module and one-line summary
(:data:`COMMANDS`); a command's module, with everything it imports, is imported
only when that command is looked up (:class:`_LazyGroup`). ``cablesim --help``
therefore imports none of them.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

import cablesim
from cablesim import dataset
from cablesim._io import check_output, guard_inputs
from cablesim._text import SafeConsole, clean, json_safe
from cablesim.exceptions import CableSimError, OutputError

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def _clean_click_error(exc: click.ClickException) -> None:
    """Strip control characters from what click will print of ``exc`` (it echoes user input)."""
    exc.message = clean(exc.message)
    for attr in ("option_name", "param_hint"):
        if isinstance(getattr(exc, attr, None), str):
            setattr(exc, attr, clean(getattr(exc, attr)))
    if getattr(exc, "possibilities", None):
        exc.possibilities = [clean(p) for p in exc.possibilities]


class _Group(click.Group):
    """Runs commands with cablesim's error policy."""

    command_class = None  # set below: _Command (outputs checked before the work)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:  # a bad top-level option, printed as text
            _clean_click_error(exc)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        debug = ctx.params.get("debug") or (ctx.obj or {}).get("debug")
        try:
            with guard_inputs():  # no output may overwrite a file the command read
                return super().invoke(ctx)
        except click.ClickException as exc:  # usage errors echo user input: printed as text
            _clean_click_error(exc)
            raise
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except CableSimError as exc:
            if debug:
                raise
            _error(str(exc))
            ctx.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            if not (ctx.obj or {}).get("main"):
                raise  # called in-process (a test, CliRunner): the interrupt is the caller's
            _error("interrupted")
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            _quiet_stdout()
            ctx.exit(EXIT_OK)
        except Exception as exc:
            if debug:
                raise
            _error(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)"
            )
            ctx.exit(EXIT_INTERNAL)


RESULT_FORMATS = (".json", ".csv", ".md", ".markdown", ".html", ".gpkg", ".geojson")
"""Suffixes a scenario's result (``run -o``) is written in."""
TABLE_FORMATS = (".json", ".csv")
"""Suffixes of tables and JSON-ready results (sweeps, Monte Carlo, dependency tables)."""
FIGURE_FORMATS = (".png", ".svg", ".pdf")
"""Suffixes of maps and plots."""


class OutputPath(click.Path):
    """An output file option, checked when the command line is read, before any work.

    Every command's ``-o``/``--map``/``--plot``... uses it, so a long computation never
    ends on a path it cannot write: the suffix must be one of ``suffixes`` (any, if none
    are given), the folder must exist and the path must not be a directory
    (:func:`cablesim._io.check_output`). The writers check again when they write.

    Parameters
    ----------
    *suffixes
        The formats the option writes, e.g. ``".json", ".csv"``.
    """

    name = "file"

    def __init__(self, *suffixes: str) -> None:
        super().__init__(dir_okay=False)
        self.suffixes = tuple(s.lower() for s in suffixes)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        value = super().convert(value, param, ctx)
        if Path(value).is_file() and not self._known(value):
            return value  # an existing file of another kind: judged with every input known
        self.check(value, param, ctx, inputs=())
        return value

    def _known(self, value: str) -> bool:
        return not self.suffixes or Path(value).suffix.lower() in self.suffixes

    def check(
        self, value: str, param: click.Parameter | None, ctx: click.Context | None, *, inputs
    ) -> None:
        """Refuse ``value``: over an input, in no folder, a directory or of an unknown format."""
        try:
            check_output(value, inputs=inputs)
        except OutputError as exc:
            self.fail(clean(str(exc)), param, ctx)
        if not self._known(value):
            suffix = Path(value).suffix.lower()
            shown = [s for s in self.suffixes if s != ".markdown"]
            choices = ", ".join(shown[:-1]) + " or " + shown[-1] if len(shown) > 1 else shown[0]
            what = "map" if set(self.suffixes) <= set(FIGURE_FORMATS) else "output"
            self.fail(
                f"{clean(str(value))}: unknown {what} format {suffix or '(none)'!r}; use {choices}",
                param,
                ctx,
            )


class _Command(click.Command):
    """A command whose output files are checked again once every parameter is read.

    :class:`OutputPath` checks each output as it is read; here, before the command
    runs, each is also checked against the files the other parameters name (``run
    s.yaml -o s.yaml`` is refused as writing over its input, before any work).
    """

    def invoke(self, ctx: click.Context) -> Any:
        outs = [p for p in self.params if isinstance(p.type, OutputPath)]
        if outs:
            names = {p.name for p in outs}
            inputs = [
                item
                for name, v in ctx.params.items()
                if name not in names
                for item in (v if isinstance(v, tuple | list) else (v,))
                if isinstance(item, str) and item and os.path.isfile(item)
            ]
            for p in outs:
                v = ctx.params.get(p.name)
                for item in v if isinstance(v, tuple | list) else (v,):
                    if item:
                        p.type.check(item, p, ctx, inputs=inputs)
        return super().invoke(ctx)


_Group.command_class = _Command


class _LazyGroup(_Group):
    """A group whose commands live in modules imported when a command is looked up.

    ``lazy`` maps a command name to (module, one-line summary). The module defines the
    command at import time, or has ``register(root_group)`` that defines it. ``--help``
    prints the summaries without importing anything.
    """

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module = importlib.import_module(self.lazy[cmd_name][0])
            register = getattr(module, "register", None)
            if register is not None:  # commands added to the root (some to its subgroups)
                register(ctx.find_root().command)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            cmd = self.commands.get(name)
            if cmd is None:
                text = click.Command(name, help=self.lazy[name][1]).get_short_help_str(limit)
            elif cmd.hidden:
                continue
            else:
                text = cmd.get_short_help_str(limit)
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


COMMANDS: dict[str, tuple[str, str]] = {
    "cable": (
        "cablesim.cli.data",
        "Detail of one cable: landing points, segments, capacity and its source.",
    ),
    "cables": ("cablesim.cli.data", "List cables in service (optionally by country or text)."),
    "check": ("cablesim.cli.run", "Validate SCENARIO files without running them."),
    "chokepoints": ("cablesim.cli.names", "List the chokepoints: id, name and what each covers."),
    "compare": (
        "cablesim.cli.plan",
        "The same events on two networks, side by side per country.",
    ),
    "data": ("cablesim.cli.data", "The bundled dataset: info and validation."),
    "depends": (
        "cablesim.cli.maps",
        "What COUNTRY's capacity to the core depends on: each chokepoint and cable.",
    ),
    "explain": (
        "cablesim.cli.maps",
        "Tell in plain language what happens in SCENARIO, and why.",
    ),
    "history": (
        "cablesim.cli.history",
        "Replay documented incidents and score the model against what was reported.",
    ),
    "map": (
        "cablesim.cli.maps",
        "Draw the cable network: cables by capacity, chokepoints labelled.",
    ),
    "minimal-cut": (
        "cablesim.cli.sweep",
        "The fewest cables (or segments) whose failure cuts COUNTRY off from the core.",
    ),
    "montecarlo": (
        "cablesim.cli.sweep",
        "Random cable faults: each country's chance of isolation and severe loss.",
    ),
    "resilience": (
        "cablesim.cli.plan",
        "Rank candidate new cables by how much they reduce COUNTRY's worst single-failure loss.",
    ),
    "run": (
        "cablesim.cli.run",
        "Run SCENARIO (a file, or the name of a bundled scenario such as alexandria-2008).",
    ),
    "serve": (
        "cablesim.cli.web",
        "Start the classroom web app: click a cable to cut it, watch the world recolour.",
    ),
    "sweep": (
        "cablesim.cli.sweep",
        "Fail every cable (station, chokepoint, segment, land link) in turn and rank them by impact.",
    ),
}
"""Each command of ``cablesim``: the module that defines it and its one-line summary (the
first paragraph of its docstring, shown by ``cablesim --help``; a test keeps them equal)."""


def _error(msg: str) -> None:
    click.secho(f"error: {clean(msg)}", fg="red", err=True)


def _quiet_stdout() -> None:
    """The reader closed the pipe (``| head``): send the rest of stdout nowhere."""
    with contextlib.suppress(OSError, ValueError):  # stdout without a descriptor
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _console():
    class _PipeConsole(SafeConsole):
        def on_broken_pipe(self) -> None:  # a closed pipe ends quietly, exit 0
            _quiet_stdout()
            raise SystemExit(EXIT_OK)

    return _PipeConsole(
        highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 120
    )


def _echo(message: Any = "", **kwargs: Any) -> None:
    """``click.echo`` of a line that may hold user or data strings: printed as text."""
    click.echo(clean(message), **kwargs)


def _secho(message: Any = "", **kwargs: Any) -> None:
    """``click.secho`` of a line that may hold user or data strings: printed as text."""
    click.secho(clean(message), **kwargs)


def _echo_json_text(text: str, **kwargs: Any) -> None:
    """Print JSON text with its control characters escaped (the same JSON, safe on a terminal)."""
    click.echo(json_safe(text), **kwargs)


def _echo_json(data: Any) -> None:
    _echo_json_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@click.group(
    cls=_LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Use the dataset in DIR (e.g. one made by 'cablesim data import-telegeography'); "
    "same as CABLESIM_DATA=DIR.",
)
@click.version_option(package_name="cablesim")
@click.pass_context
def cli(ctx: click.Context, debug: bool, data_dir: str | None) -> None:
    """cablesim: what happens to whom if submarine cables are cut."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if data_dir is not None:
        _use_data(ctx, data_dir)


def _use_data(ctx: click.Context, data_dir: str) -> None:
    """Point CABLESIM_DATA at ``data_dir`` for this command (restored afterwards).

    The network cache needs no clearing: it is keyed by the dataset's directory and its
    manifest's mtime, so networks loaded from other directories stay cached.
    """
    previous = os.environ.get("CABLESIM_DATA")
    os.environ["CABLESIM_DATA"] = str(dataset.data_dir(data_dir))

    def restore() -> None:
        if previous is None:
            os.environ.pop("CABLESIM_DATA", None)
        else:
            os.environ["CABLESIM_DATA"] = previous

    ctx.call_on_close(restore)


def _load(scenario: str):
    return cablesim.load_scenario(cablesim.find_scenario(scenario))
