"""The one writer: any result to a file, in the format its suffix names.

Every command and function that writes a report goes through :func:`write`:
the format comes from the suffix (``.json``, ``.csv``, ``.md``, ``.html``, and
for a scenario's result the GIS formats ``.gpkg`` and ``.geojson``),
the inputs of the result (its scenario files) and any other ``protect`` path
are never overwritten, and the file is written atomically
(:func:`cablesim._io.write_atomic`). Figures go through
:func:`cablesim.maps.save_figure`, which uses the same atomic writer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from cablesim._format import plain_record
from cablesim._io import refuse_inputs, scenario_file, write_atomic
from cablesim.analyses.history import HistoryReport
from cablesim.analyses.plan import Comparison
from cablesim.analyses.timeline import TimelineResult
from cablesim.engine.simulate import Result
from cablesim.exceptions import OutputError
from cablesim.report import compare as _compare
from cablesim.report import geo as _geo
from cablesim.report import history as _history
from cablesim.report import html as _html
from cablesim.report import result as _result
from cablesim.report import timeline as _timeline
from cablesim.report.explain import explain

Renderer = Callable[..., str | bytes]


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _table_csv(df: pd.DataFrame, *, index: bool = False) -> str:
    df = df.copy()
    for col in df.columns:
        if df[col].map(lambda v: isinstance(v, list | tuple)).any():
            df[col] = df[col].map(
                lambda v: " ".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    return df.to_csv(index=index, float_format="%.6g")


def _table_json(df: pd.DataFrame, *, index: bool = False) -> str:
    data = df.reset_index() if index else df
    rows = [plain_record(r) for r in data.to_dict("records")]
    return _json({**dict(df.attrs.items()), "rows": rows})


def _timeline_html(tl: TimelineResult, **_: Any) -> str:
    return _html.render(tl.peak.result)


def _renderers(obj: Any, table: pd.DataFrame | None) -> dict[str, Renderer]:
    """The formats an object can be written in, by suffix."""
    if isinstance(obj, str):  # text already rendered (e.g. docs/validation.md updated in place)
        return dict.fromkeys((".md", ".markdown", ".txt", ".csv", ".json", ".html"), str)
    if isinstance(obj, Result):
        md = _result.to_markdown
        return {
            ".json": _result.to_json,
            ".csv": _result.to_csv,
            ".md": md,
            ".markdown": md,
            ".html": _html.render,
            ".gpkg": _geo.to_gpkg,
            ".geojson": _geo.to_geojson,
        }
    if isinstance(obj, TimelineResult):

        def md(tl, **kw):
            kw.setdefault("explanation", explain(tl.peak.result))
            return _timeline.to_markdown(tl, **kw)

        return {
            ".json": _timeline.to_json,
            ".csv": _timeline.to_csv,
            ".md": md,
            ".markdown": md,
            ".html": _timeline_html,
        }
    if isinstance(obj, Comparison):
        md = _compare.to_markdown
        return {".json": _compare.to_json, ".csv": _compare.to_csv, ".md": md, ".markdown": md}
    if isinstance(obj, HistoryReport):
        return {
            ".json": lambda r: _json(r.to_dict()),
            ".md": _history.to_markdown,
            ".markdown": _history.to_markdown,
        }
    if isinstance(obj, pd.DataFrame):
        return {".csv": _table_csv, ".json": _table_json}
    if isinstance(obj, Mapping):
        out: dict[str, Renderer] = {".json": lambda d: _json(d)}
        if table is not None:
            out[".csv"] = lambda d: _table_csv(table)
        return out
    raise TypeError(f"cannot write a {type(obj).__name__}")


def inputs_of(obj: Any) -> list[str]:
    """The input files a result came from (its scenario files), which no output may replace."""
    if isinstance(obj, Result | TimelineResult):
        return scenario_file(obj.scenario)
    if isinstance(obj, Comparison):
        paths = [s.split(" (")[0] for s in (obj.a.scenario.source, obj.b.scenario.source)]
        return [p for p in paths if Path(p).exists()]
    return []


def write(
    obj: Any,
    path: str | os.PathLike[str],
    *,
    protect: Iterable[str | os.PathLike[str]] = (),
    table: pd.DataFrame | None = None,
    **options: Any,
) -> Path:
    """Write ``obj`` to ``path`` in the format named by the suffix, atomically.

    Parameters
    ----------
    obj
        A :class:`~cablesim.engine.simulate.Result` (``.json``, ``.csv``, ``.md``,
        ``.html``, ``.gpkg``, ``.geojson``: :mod:`cablesim.report.geo`), a
        :class:`~cablesim.analyses.timeline.TimelineResult` (the same but the GIS formats;
        the HTML page shows the worst state), a :class:`~cablesim.analyses.plan.Comparison`
        or a :class:`~cablesim.analyses.history.HistoryReport` (``.json``, ``.md``), a
        table (``.csv``, ``.json``; ``DataFrame.attrs`` go into the JSON), or a
        JSON-ready mapping (``.json``; ``.csv`` writes ``table``), or text
        already rendered (written as it is).
    path
        The file to write.
    protect
        Input files that must never be overwritten, beside the result's own
        scenario files.
    table
        For a mapping: the table its ``.csv`` form holds.
    **options
        Passed to the renderer (e.g. ``explanation=`` for Markdown, ``index=``
        for a table); options set to ``None`` are dropped.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputError
        For a suffix the object has no format for, a protected path, a
        directory or a folder that does not exist.
    """
    p = Path(path)
    guard = [*protect, *inputs_of(obj)]
    refuse_inputs(p, guard)
    renderers = _renderers(obj, table)
    suffix = p.suffix.lower()
    render = renderers.get(suffix)
    if render is None:
        names = [s for s in renderers if s != ".markdown"]
        choices = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
        raise OutputError(f"{p}: unknown output format {suffix or '(none)'!r}; use {choices}")
    options = {k: v for k, v in options.items() if v is not None}
    return write_atomic(p, render(obj, **options), inputs=guard)
