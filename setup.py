"""Build hook: ship the top-level ``data/`` and ``scenarios/`` inside the wheel.

The design card keeps the bundled dataset and the example scenarios at the top
level of the repository. An installed cablesim must find them without the
source tree, so the build copies them into ``cablesim/_bundled/`` of the build
directory (never into the source tree).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithBundledData(build_py):
    """``build_py`` that also copies ``data/`` and ``scenarios/`` into the package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "cablesim" / "_bundled"
        for name in ("data", "scenarios"):
            src = HERE / name
            dst = target / name
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithBundledData})
