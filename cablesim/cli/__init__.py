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

Layering: the top layer. Imports inside functions are allowed here only, for
start-up speed, each marked ``# lazy: start-up speed``.
"""

from __future__ import annotations

import sys

from cablesim.cli import data as _data
from cablesim.cli import history as _history
from cablesim.cli import maps as _maps
from cablesim.cli import names as _names
from cablesim.cli import plan as _plan
from cablesim.cli import run as _run
from cablesim.cli import sweep as _sweep
from cablesim.cli import web as _web
from cablesim.cli._base import EXIT_INPUT, EXIT_OK, _quiet_stdout, cli

for _mod in (_maps, _sweep, _history, _plan, _names, _web):
    _mod.register(cli)
del _mod, _data, _run


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        cli.main(args=argv, prog_name="cablesim", standalone_mode=True)
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
