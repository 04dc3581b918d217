"""All text output of cablesim: terminal, JSON, CSV, Markdown, HTML, and the explanation.

A report only consumes a result (of a scenario, a timeline, a comparison, the
history suite, a sweep); it computes nothing new about the network.

* :func:`write` is the one writer (format by suffix, atomic, never over an
  input): :mod:`cablesim.report._write`;
* :mod:`~cablesim.report.result` renders one scenario's result,
  :mod:`~cablesim.report.timeline` a timeline, :mod:`~cablesim.report.compare`
  a comparison and a resilience ranking, :mod:`~cablesim.report.history` the
  validation report;
* :mod:`~cablesim.report.explain` is the plain-language account (one
  narrative, used by the terminal, Markdown and HTML alike);
* :mod:`~cablesim.report.html` is the self-contained HTML page;
* :mod:`~cablesim.report.geo` is the impact layer as GeoPackage and GeoJSON.

Every label beside a number comes from :mod:`cablesim.measures` (one vocabulary).

Layering: report sits above the analyses (it imports results and models) and
beside :mod:`cablesim.maps` (the HTML page embeds a map); nothing below imports it.
"""

from __future__ import annotations

from cablesim.report._write import inputs_of, write
from cablesim.report.explain import explain, paragraphs
from cablesim.report.result import (
    STATUS_STYLE,
    affected_table,
    place_names,
    render_terminal,
    summary_paragraph,
    to_csv,
    to_json,
    to_markdown,
    worst_region,
)

__all__ = [
    "STATUS_STYLE",
    "affected_table",
    "explain",
    "inputs_of",
    "paragraphs",
    "place_names",
    "render_terminal",
    "summary_paragraph",
    "to_csv",
    "to_json",
    "to_markdown",
    "worst_region",
    "write",
]
