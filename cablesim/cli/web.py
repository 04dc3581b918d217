"""CLI command ``cablesim serve``: the classroom web app (issue 12)."""

from __future__ import annotations

import socket
import threading
import webbrowser

import click
import uvicorn

from cablesim.cli._base import _echo, _secho
from cablesim.web import _server
from cablesim.web.app import create_app


def _bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket on ``host:port`` (port 0: a free one the system picks)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise click.BadParameter(f"cannot listen on {host!r}:{port}: {exc}") from None
    return sock


def register(cli: click.Group) -> None:
    """Add this module's commands to the ``cablesim`` group."""

    @cli.command()
    @click.option(
        "--port",
        type=click.IntRange(0, 65535),
        default=8765,
        show_default=True,
        help="Port to listen on; 0 picks a free one (the URL is printed).",
    )
    @click.option(
        "--host",
        default="127.0.0.1",
        show_default=True,
        help="Address to bind. The default serves this machine only.",
    )
    @click.option("--no-browser", is_flag=True, help="Do not open a web browser.")
    def serve(port: int, host: str, no_browser: bool) -> None:
        """Start the classroom web app: click a cable to cut it, watch the world recolour.

        Everything runs on this machine: the page loads nothing from the network.
        Stop it with Ctrl-C.

        \b
        Bounds, so a class (or a hostile page) cannot freeze it or fill the machine:
        - answers only requests for 127.0.0.1, localhost, [::1] and --host, from its own page;
        - 2 computing threads, 48 waiting (then "busy, retry"), 30 s per answer;
        - 256 KiB per request, 200 events per scenario, 200 characters per name;
        - 200 connections, 10 s to send a request's headers;
        - caches of 6 networks and 12 maps, 384 MiB together: the server stays under
          1.5 GB of memory whatever the requests.
        """
        sock = _bind(host, port)
        port = int(sock.getsockname()[1])
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        _echo(f"cablesim web app at {url}  (Ctrl-C stops it)", err=True)
        if host not in ("127.0.0.1", "localhost", "::1"):
            _secho(
                f"warning: listening on {host}: other machines can reach this server",
                fg="yellow",
                err=True,
            )
        if not no_browser:
            threading.Timer(1.0, lambda: webbrowser.open(url)).start()
        config = _server.config(create_app(hosts=[host]))
        try:
            uvicorn.Server(config).run(sockets=[sock])
        finally:
            sock.close()
