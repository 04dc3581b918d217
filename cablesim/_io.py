"""Writing files safely: one atomic writer and one output-path guard, for every writer.

Every file cablesim writes goes through :func:`write_atomic` (or, for writers
that need a path of their own such as ``to_parquet`` or ``savefig``, through
:func:`atomic_path`):

* the temporary file is created with :func:`tempfile.mkstemp` in the target's
  folder: ``O_CREAT | O_EXCL`` with a random name, so a link planted under a
  predictable name is never followed and never written through;
* an existing target keeps its permission bits (a new file gets the usual
  ``0o666 & ~umask``);
* the data is flushed and ``fsync``-ed before ``os.replace``;
* the temporary file is removed on every exit path, including
  ``KeyboardInterrupt``; one left by a process killed outright (``kill -9``) is
  removed by the next write of the same target (its name carries the writer's
  process id: a file of a writer still running is kept);
* :func:`check_output` refuses a target that is, or resolves to (through a
  symlink), one of the input files given, and a target that is a directory or
  whose folder does not exist.

While a CLI command runs (:func:`guard_inputs`), every input file the command
reads through :func:`note_input` (scenario files) is protected as well, so no
command can write its output over its own input whatever the option names.

This module imports nothing from cablesim except the exceptions.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from cablesim.exceptions import OutputError

__all__ = [
    "atomic_path",
    "check_output",
    "guard_inputs",
    "note_input",
    "refuse_inputs",
    "remove_stale_temps",
    "scenario_file",
    "write_atomic",
]

_guarded: list[set[str]] = []  # a stack: one set of input paths per active CLI command


@contextlib.contextmanager
def guard_inputs() -> Iterator[set[str]]:
    """Protect every input noted while the block runs from being written over."""
    inputs: set[str] = set()
    _guarded.append(inputs)
    try:
        yield inputs
    finally:
        _guarded.remove(inputs)


def note_input(path: str | os.PathLike[str]) -> None:
    """Record ``path`` as an input of the running command (no-op outside :func:`guard_inputs`)."""
    if _guarded:
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            _guarded[-1].add(os.path.realpath(path))


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def check_output(
    path: str | os.PathLike[str], *, inputs: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    """Check that ``path`` may be written; return it as a :class:`~pathlib.Path`.

    Parameters
    ----------
    path
        The output file.
    inputs
        Input files that must never be overwritten, in addition to those noted
        by the running command.

    Raises
    ------
    OutputError
        If ``path`` is (or is a symlink to) one of the inputs, is a directory,
        or its folder does not exist.
    """
    target = Path(path)
    try:
        real = os.path.realpath(target)
    except (OSError, ValueError, RuntimeError) as exc:
        raise OutputError(f"cannot write {target}: {exc}") from None
    protected = [os.fspath(p) for p in inputs if p]
    if _guarded:
        protected.extend(_guarded[-1])
    for p in protected:
        if real == os.path.realpath(p) or _same_file(os.fspath(target), p):
            raise OutputError(f"refusing to overwrite the input file {target}")
    if target.is_dir():
        raise OutputError(f"{target} is a directory")
    parent = target.parent
    if not parent.is_dir():
        raise OutputError(f"cannot write {target}: folder {parent} does not exist")
    return target


def _tmp_prefix(target: Path) -> str:
    return f".{target.name}.{os.getpid()}."


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError, OSError):
        return True  # another user's process, or not ours to judge: keep its file
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove temporary files of earlier writes of ``target`` whose writer is gone.

    Only files named as :func:`write_atomic` names them (``.NAME.PID.XXXXXXXX.tmp``),
    regular (not links), owned by this user, and whose process no longer runs.
    Returns the files removed.
    """
    head = f".{target.name}."
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(head) and name.endswith(".tmp")):
            continue
        pid, _, rest = name[len(head) : -len(".tmp")].partition(".")
        if not pid.isdigit() or not rest or pid == str(os.getpid()):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or _pid_alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _mode_for(target: Path) -> int:
    try:
        st = os.stat(target)  # the file a link points at keeps its mode too
        return stat.S_IMODE(st.st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(
    path: str | os.PathLike[str], *, inputs: Iterable[str | os.PathLike[str]] = ()
) -> Iterator[Path]:
    """Yield a fresh temporary path next to ``path``; move it into place if the block succeeds.

    The temporary file already exists (created empty, ``O_EXCL``) when the
    block starts; the block writes it by name (e.g. ``frame.to_parquet(tmp)``).
    On any exception, including ``KeyboardInterrupt``, it is removed and
    ``path`` is left untouched.
    """
    target = check_output(path, inputs=inputs)
    remove_stale_temps(target)
    mode = _mode_for(target)
    try:
        fd, name = tempfile.mkstemp(prefix=_tmp_prefix(target), suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            os.fsync(fd)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        _unlink(tmp)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically and safely.

    Parameters
    ----------
    path
        Target file.
    data
        Text (written as UTF-8) or bytes.
    inputs
        Input files that must never be overwritten.

    Returns
    -------
    Path
        The target.

    Raises
    ------
    OutputError
        If the target is refused by :func:`check_output` or cannot be written.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    target = check_output(path, inputs=inputs)
    remove_stale_temps(target)
    mode = _mode_for(target)
    try:
        fd, name = tempfile.mkstemp(prefix=_tmp_prefix(target), suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:  # the descriptor mkstemp opened: no name look-up
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, target)
    except OSError as exc:
        _unlink(tmp)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        _unlink(tmp)
        raise
    return target


def scenario_file(scenario: Any) -> list[str]:
    """The scenario's own file, which no output may overwrite (none for a dict or a string)."""
    return [] if scenario.source in ("<dict>", "<string>") else [scenario.source]


def refuse_inputs(target: Path, protect: Iterable[str | os.PathLike[str]]) -> None:
    for p in protect:
        try:
            same = target.exists() and Path(p).exists() and target.resolve() == Path(p).resolve()
        except OSError:
            continue
        if same:
            raise OutputError(f"refusing to overwrite the input file {target}")
