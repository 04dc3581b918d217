"""The engine's derived data of the bundled network, kept on disk between processes.

A cold process would otherwise recompute the route corridors, the baseline
flows and the traffic model of the bundled network (most of a cold
``cablesim run``). They are stored as NumPy ``.npz`` archives (arrays only,
read with ``allow_pickle=False``: nothing in them is executed) in a private
per-user folder:

* ``$CABLESIM_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/cablesim``, else
  ``~/.cache/cablesim``; created with mode 0700. ``CABLESIM_CACHE_DIR=off``
  turns the cache off;
* one file per key: the dataset's digest (its manifest and table files), the
  network's date and capacity basis, the engine's options (backhaul, core,
  routing, utilization) and a digest of the engine's source code, so that a
  new dataset, a model change or other options never read a stale file;
* written atomically (:func:`cablesim._io.write_atomic`); a file that cannot be
  read, or whose arrays do not fit the compiled network, is rebuilt and
  rewritten. A folder that cannot be written only means nothing is kept.

Only networks loaded as bundled (:func:`cablesim.load_network`, no ``add:``)
are cached; anything else is computed as before. The values read back are the
arrays that were computed, bit for bit.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import stat
from collections.abc import Callable
from pathlib import Path

import numpy as np

from cablesim import _io
from cablesim.exceptions import CableSimError
from cablesim.network import Network, load_network

ENV = "CABLESIM_CACHE_DIR"
_SOURCES = (
    "flows.py",
    "traffic.py",
    "demand.py",
    "_hubs.py",
    "state.py",
    "_disk.py",
    "../network/__init__.py",
    "../network/whatif.py",
)
"""The modules whose code the cached values depend on: the engine's and
:mod:`cablesim.network`'s (which turns the dataset into a network of a date)."""


def cache_dir() -> Path | None:
    """The cache folder (see the module doc), or ``None`` when turned off."""
    env = os.environ.get(ENV)
    if env is not None:
        if env.strip().lower() in ("", "off", "0", "no", "none"):
            return None
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cablesim"


@functools.lru_cache(maxsize=1)
def source_digest() -> str:
    """A digest of the engine's source code: a model change invalidates every cached file."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in _SOURCES:
        h.update(name.encode())
        h.update((here / name).read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=8)
def _dataset_digest(data_dir: str, stamp: tuple) -> str:
    h = hashlib.sha256()
    for p in sorted(Path(data_dir).iterdir()):
        if p.suffix in (".parquet", ".json") and p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def dataset_digest(data_dir: str) -> str:
    """A digest of the dataset's files (recomputed when one of them changes)."""
    stamp = tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(Path(data_dir).iterdir())
        if p.suffix in (".parquet", ".json") and p.is_file()
    )
    return _dataset_digest(data_dir, stamp)


def network_key(network: Network) -> str | None:
    """The part of a cache key that names ``network``, or ``None`` when it is not bundled."""

    def build() -> str | None:
        info = network.info or {}
        data = info.get("data_dir")
        if not data:
            return None
        try:
            same = load_network(network.as_of, data=data, capacity=network.capacity_basis)
        except (CableSimError, OSError):
            return None
        if same is not network:  # an extended or hand-built network
            return None
        try:
            digest = dataset_digest(str(data))
        except OSError:
            return None
        return f"{digest}|{network.as_of.isoformat()}|{network.capacity_basis}"

    return network.memo("engine:disk-key", build)


def _private_dir(path: Path) -> bool:
    """Create ``path`` (mode 0700) and check it is a folder of this user only."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    if st.st_mode & 0o077:
        with contextlib.suppress(OSError):
            os.chmod(path, 0o700)
        st = os.lstat(path)
        return not st.st_mode & 0o077
    return True


def _file(network: Network, what: str, parts: tuple) -> Path | None:
    base = cache_dir()
    if base is None:
        return None
    net = network_key(network)
    if net is None:
        return None
    raw = repr((what, net, parts, source_digest()))
    return base / f"{what}-{hashlib.sha256(raw.encode()).hexdigest()[:32]}.npz"


def cached(
    network: Network,
    what: str,
    parts: tuple,
    build: Callable[[], dict[str, np.ndarray]],
    check: Callable[[dict[str, np.ndarray]], bool],
) -> dict[str, np.ndarray]:
    """The arrays ``build()`` returns, read from the disk cache when there.

    Parameters
    ----------
    network
        The network they derive from (only a bundled one is cached).
    what
        What they are (part of the file name).
    parts
        The rest of the key (options).
    build
        Computes them (a dict of arrays).
    check
        Whether arrays read back fit (shapes); if not, they are rebuilt.
    """
    path = _file(network, what, parts)
    # read and write only in a folder of this user's that nobody else can write to
    if path is not None and not _private_dir(path.parent):
        path = None
    if path is not None and path.is_file() and not path.is_symlink():
        try:
            with np.load(path, allow_pickle=False) as z:
                got = {k: z[k] for k in z.files}
            if check(got):
                return got
        except (OSError, ValueError, KeyError, EOFError):
            pass  # unreadable: rebuilt below
    arrays = build()
    if path is not None:
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        with contextlib.suppress(CableSimError, OSError):
            _io.write_atomic(path, buf.getvalue())
    return arrays
