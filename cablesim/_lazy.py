"""Public names of a package imported on first use (PEP 562), so that importing the package
costs nothing until a name is used (``import cablesim``, ``cablesim --help`` and a command
that draws no figure load no tables, solvers or plotting)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def attach(
    package: str, api: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` whose public names live in submodules.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    api : Mapping[str, str]
        Each public name and the submodule (relative to ``package``) that defines it.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)``, to be bound at module level in the package.
    """

    def __getattr__(name: str) -> Any:
        module = api.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # later look-ups are plain attributes
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(api))

    return __getattr__, __dir__
