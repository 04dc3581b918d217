"""The ``cablesim`` command: a thin shell over the Python API (click lives only here).

Each module registers the commands of one concern: :mod:`~cablesim.cli.run`
(run, check), :mod:`~cablesim.cli.data` (data, cables, cable),
:mod:`~cablesim.cli.maps` (map, explain, depends), :mod:`~cablesim.cli.sweep`
(sweep, minimal-cut, montecarlo), :mod:`~cablesim.cli.plan` (compare,
resilience, data import-telegeography), :mod:`~cablesim.cli.history`,
:mod:`~cablesim.cli.web` (serve: the classroom web app). A command
parses its arguments, calls one library function and prints.

Exit codes: 0 success, 2 bad input (scenario, arguments, names), 1 internal
error, 130 interrupted. No traceback without ``--debug``.

The group imports a command's module only when that command runs
(:class:`~cablesim.cli._base._LazyGroup`; names, modules and summaries in
:data:`~cablesim.cli._base.COMMANDS`), so ``cablesim --help`` loads none of the
engine, maps, web or build code. Every module imports what it needs at its top.

Layering: the top layer; it may import any layer below.
"""

from __future__ import annotations

import sys

from cablesim.cli._base import EXIT_INPUT, EXIT_OK, _quiet_stdout, cli

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        # obj["main"]: Ctrl-C ends the command with "interrupted" and exit code 130 (called
        # in-process, through ``cli``, the KeyboardInterrupt goes to the caller)
        cli.main(args=argv, prog_name="cablesim", standalone_mode=True, obj={"main": True})
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return EXIT_OK
        return code if isinstance(code, int) else EXIT_INPUT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
