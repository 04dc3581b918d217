"""CLI command listing the chokepoints (``cablesim chokepoints``)."""

from __future__ import annotations

import click
from rich.table import Table

from cablesim._names import CHOKEPOINT_COMMON
from cablesim._text import esc
from cablesim.cli._base import _console, _echo_json
from cablesim.dataset import CHOKEPOINTS
from cablesim.network import load_network


def chokepoint_table(network) -> list[dict[str, str]]:
    """One record per chokepoint: id, name, what it covers (holds) and its aliases.

    Parameters
    ----------
    network
        The network whose chokepoints to list.
    """
    holds = {c.chokepoint_id: c.holds for c in CHOKEPOINTS}
    out = []
    cp = network.chokepoints
    for cid, name, desc in zip(cp["chokepoint_id"], cp["name"], cp["description"], strict=True):
        out.append(
            {
                "chokepoint_id": cid,
                "name": name,
                "covers": desc,
                "holds": holds.get(cid, ""),
                "aliases": list(CHOKEPOINT_COMMON.get(cid, ())),
            }
        )
    return out


def register(cli: click.Group) -> None:
    """Add this module's commands to the ``cablesim`` group."""

    @cli.command()
    @click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
    def chokepoints(as_json: bool) -> None:
        """List the chokepoints: id, name and what each covers.

        Events, ``cut.near``, ``area.center``, ``depends`` and ``sweep`` accept the id, the
        name or a common alias ("Strait of Hormuz", "strait-of-malacca"), in any case.
        """
        rows = chokepoint_table(load_network())
        if as_json:
            _echo_json(rows)
            return

        t = Table(show_edge=False)
        t.add_column("id", no_wrap=True)
        t.add_column("name")
        t.add_column("what it covers")
        for r in rows:
            t.add_row(esc(r["chokepoint_id"]), esc(r["name"]), esc(r["covers"]))
        con = _console()
        con.print(t)
        con.print(f"{len(rows)} chokepoints; use the id, the name or a common alias", style="dim")
