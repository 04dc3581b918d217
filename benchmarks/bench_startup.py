"""Benchmark: start-up of ``cablesim --help`` and ``import cablesim``, warm (issue 21).

Goal: ``cablesim --help`` under 0.5 s warm. Each command runs in a new process
(``python -m cablesim --help`` is the console script's code path); "warm" means
the files are in the operating system's cache: every command runs once before
timing, then the best of ``--repeat`` runs counts. The plain baseline, in the
same run, is a Python that does nothing (``python -c pass``): the interpreter's
own start-up, which no package can go below.

With ``--before DIR`` (another checkout, e.g. a worktree of the previous
commit) the same commands also run against DIR's code, interleaved with this
checkout's, so both see the same load.

Run from the repository root: ``PYTHONPATH=. python benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COMMANDS = {
    "python -c pass (baseline)": ["-c", "pass"],
    "import cablesim": ["-c", "import cablesim"],
    "cablesim --help": ["-m", "cablesim", "--help"],
    "cablesim run --help": ["-m", "cablesim", "run", "--help"],
}


def _once(args: list[str], code_dir: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(code_dir)}
    t = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--before", type=Path, default=None, help="another checkout to compare")
    opts = ap.parse_args()
    trees = {"this": ROOT} | ({"before": opts.before.resolve()} if opts.before else {})
    best: dict[tuple[str, str], float] = {}
    for args in COMMANDS.values():  # warm the file cache
        for tree in trees.values():
            _once(args, tree)
    for _ in range(opts.repeat):
        for name, args in COMMANDS.items():
            for label, tree in trees.items():
                t = _once(args, tree)
                best[label, name] = min(best.get((label, name), t), t)
    base = best["this", "python -c pass (baseline)"]
    print(f"best of {opts.repeat}, warm; baseline python -c pass: {base * 1000:.0f} ms")
    print("| what | " + " | ".join(trees) + " | ratio to baseline (this) |")
    print("| --- |" + " ---: |" * (len(trees) + 1))
    for name in COMMANDS:
        cells = " | ".join(f"{best[label, name] * 1000:.0f} ms" for label in trees)
        print(f"| {name} | {cells} | {best['this', name] / base:.1f}x |")


if __name__ == "__main__":
    main()
