"""CLI commands for sweep, minimal-cut and montecarlo (issue 5)."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    """Add this module's commands to the ``cablesim`` group."""
