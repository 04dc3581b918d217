"""CLI commands for maps, HTML report, explain and depends (issue 4)."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    """Add this module's commands to the ``cablesim`` group."""
