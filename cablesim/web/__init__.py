"""The classroom web app: an interactive map where a click cuts a cable.

This subpackage owns the local web app started by ``cablesim serve``: a
Starlette application (:mod:`cablesim.web.app`) with a small JSON API over the
library, the uvicorn settings it is served with (:mod:`cablesim.web._server`:
header timeout, connection cap), and the page it serves (``static/``: HTML, CSS, JavaScript and the
vendored d3 map library, so nothing is loaded from the network).

It may import everything below it (dataset, network, scenario, simulate,
metrics, depends, explain, maps, history); nothing in cablesim imports it,
except the CLI command that starts the server.
"""

from __future__ import annotations

from cablesim.web.app import create_app

__all__ = ["create_app"]
