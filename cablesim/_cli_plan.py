"""CLI commands for compare, resilience and data import-telegeography (issue 7)."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    """Add this module's commands to the ``cablesim`` group."""
