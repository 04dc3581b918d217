"""User and data strings printed as text, never as markup or terminal codes (issue 14, item 7).

Scenario names, descriptions, event labels, cable and country names reach the
terminal through Rich, which reads ``[...]`` as markup: ``[/red]`` crashes a
report, ``[link=...]`` makes a hidden hyperlink. And raw control bytes (ESC
sequences) would pass straight through to the terminal.

* :func:`clean` removes control characters (C0 except tab and newline, DEL,
  C1), bidirectional overrides, and replaces lone surrogates;
* :func:`esc` is :func:`clean` plus Rich markup escaping: use it on every
  string that did not come from cablesim's own source code;
* :func:`json_safe` writes the control characters and lone surrogates of
  JSON text as ``\\uXXXX`` escapes (the same JSON, safe on a terminal);
* :func:`console` makes a Rich console that also cleans every text segment
  it renders, a second line of defence for strings printed without :func:`esc`.

The CLI prints plain lines through ``cablesim.cli._base._echo`` (:func:`clean`),
JSON through ``_echo_json``/``_echo_json_text`` (:func:`json_safe`) and Rich
output through a :class:`SafeConsole`, with every user or data string passed
through :func:`esc` where it meets markup (``console.print``, table cells and
titles).
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.segment import Segment

__all__ = ["SafeConsole", "clean", "console", "esc", "has_surrogate", "is_blank", "json_safe"]

# C0 controls except \t and \n, DEL, C1 controls, bidi embeddings/overrides/isolates
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSAFE_JSON = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# characters that show nothing: whitespace, zero-width and other format characters
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e\u034f]+")


def clean(value: Any) -> str:
    """``value`` as a string safe to print: no control characters, no lone surrogates."""
    text = value if isinstance(value, str) else str(value)
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub("", text)


def esc(value: Any) -> str:
    """``value`` cleaned and escaped so Rich prints it literally."""
    return escape(clean(value))


def json_safe(text: str) -> str:
    """JSON ``text`` with control characters and lone surrogates as ``\\uXXXX`` escapes.

    JSON escapes only C0 controls; with ``ensure_ascii=False`` DEL, C1 controls
    (``\\x9b`` starts a terminal sequence), bidirectional overrides and lone
    surrogates pass raw. Outside strings JSON holds none of them, so the
    result parses to the same data.
    """
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def is_blank(text: str) -> bool:
    """True if ``text`` shows nothing (only whitespace, zero-width or format characters)."""
    return not _INVISIBLE.sub("", _CONTROL.sub("", text))


def has_surrogate(text: str) -> bool:
    """True if ``text`` holds a lone surrogate (cannot be encoded as UTF-8)."""
    return bool(_SURROGATE.search(text))


class SafeConsole(Console):
    """A Rich console that strips control characters from every text segment it renders."""

    def _render_buffer(self, buffer: Any) -> str:
        safe = [
            seg if seg.control else Segment(clean(seg.text), seg.style, seg.control)
            for seg in buffer
        ]
        return super()._render_buffer(safe)


def console(**kwargs: Any) -> SafeConsole:
    """A :class:`SafeConsole` (control characters stripped from all it prints)."""
    return SafeConsole(**kwargs)
