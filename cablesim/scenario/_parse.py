"""Reading scenario documents: YAML with line numbers, TOML and JSON, through one input gate.

The gate (:func:`parse_text`, :func:`read_document`, :func:`check_document`) is the
only way a scenario document enters cablesim, from a file (CLI) or from a request
body (web app). Before any parsing it bounds the size; before building any value
it bounds nesting, YAML aliases and TOML dotted keys; after parsing it bounds the
keys per mapping and the length of every key and text (:mod:`cablesim._limits`).
YAML follows one rule set everywhere: no duplicate keys, no merge keys (``<<``),
no tabs for indentation.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import yaml

from cablesim import _io, _limits
from cablesim._text import has_surrogate
from cablesim.exceptions import ScenarioError


class _Doc:
    """A parsed document with the line of every path (tuple of keys/indices)."""

    def __init__(self, data: Any, lines: dict[tuple, int], source: str) -> None:
        self.data = data
        self.lines = lines
        self.source = source

    def where(self, path: tuple) -> str:
        p = tuple(path)
        while p and p not in self.lines:
            p = p[:-1]
        line = self.lines.get(p)
        return f"{self.source}:{line}" if line else self.source


def _construct(node: yaml.Node, loader: yaml.SafeLoader, path: tuple, lines: dict) -> Any:
    if len(path) > _limits.MAX_DEPTH or len(lines) > _limits.MAX_NODES:  # e.g. a recursive alias
        raise ScenarioError(
            f"{loader.name}:{node.start_mark.line + 1}: {_fmt_path(path[:3])}: nested too deeply "
            f"or too large (more than {_limits.MAX_DEPTH} levels or {_limits.MAX_NODES:,} values; "
            "a recursive alias?)"
        )
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # a list, mapping or set as a key
                raise ScenarioError(
                    f"{loader.name}:{key_node.start_mark.line + 1}: {_fmt_path(path)}: "
                    "a key must be plain text, not a list, mapping or set"
                )
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ScenarioError(
                    f"{loader.name}:{key_node.start_mark.line + 1}: {_fmt_path(path)}: "
                    "merge keys (<<) are not supported; write the keys out"
                )
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                key = str(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            if key in out:
                raise ScenarioError(
                    f"{loader.name}:{key_node.start_mark.line + 1}: "
                    f"{_fmt_path((*path, key))}: duplicate key"
                )
            out[key] = _construct(value_node, loader, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, loader, (*path, i), lines) for i, v in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str) and has_surrogate(value):
        raise ScenarioError(
            f"{loader.name}:{node.start_mark.line + 1}: {_fmt_path(path)}: "
            "text holds a lone surrogate (not valid Unicode)"
        )
    return value


def _parse_yaml(text: str, source: str) -> _Doc:
    _limits.check_size(len(text.encode("utf-8", "surrogatepass")), source)
    for i, row in enumerate(text.splitlines(), start=1):
        if "\t" in row[: len(row) - len(row.lstrip())]:
            raise ScenarioError(
                f"{source}:{i}: not valid YAML: tabs are not allowed for indentation; "
                "indent with spaces"
            )
    _limits.check_yaml_events(text, source)  # depth and alias expansion, before building
    try:
        loader = _limits.Loader(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML: {exc}") from None
    loader.name = source
    try:
        node = loader.get_single_node()
        lines: dict[tuple, int] = {}
        data = {} if node is None else _construct(node, loader, (), lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = exc.problem
        rows = text.splitlines()
        row = rows[mark.line] if mark is not None and mark.line < len(rows) else ""
        if "'\\t'" in str(problem) or row[: len(row) - len(row.lstrip())].count("\t"):
            problem = "tabs are not allowed for indentation; indent with spaces"
        raise ScenarioError(f"{source}{line}: not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return _Doc(data, lines, source)


FORMATS = ("yaml", "toml", "json")
"""Document formats the gate reads."""


def parse_text(text: str | bytes, *, fmt: str = "yaml", source: str = "<upload>") -> Any:
    """Parse a scenario document through the input gate; return its plain data.

    The one entry for documents that are not files (the web app's upload and
    request bodies): the same limits and YAML rules as the CLI's files.

    Parameters
    ----------
    text
        The document (bytes are decoded as UTF-8, a byte-order mark allowed).
    fmt
        ``"yaml"``, ``"toml"`` or ``"json"``.
    source
        How messages name the document.

    Returns
    -------
    Any
        The parsed document (a mapping for a scenario; the caller validates it).

    Raises
    ------
    ScenarioError
        Too large, too deep, an alias bomb, a TOML key of too many parts, a
        duplicate or merge key, a key or text too long, or not valid YAML/TOML/JSON.

    Examples
    --------
    >>> parse_text("name: x\nevents: [{cable: tonga-cable}]")["events"]
    [{'cable': 'tonga-cable'}]
    """
    return _parse(text, fmt, source).data


def _decode(raw: bytes, source: str) -> str:
    _limits.check_size(len(raw), source)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and b"\x00" in raw[:64]):
        raise ScenarioError(f"{source}: not UTF-8 text (UTF-16? save the file as UTF-8)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"{source}: not UTF-8 text (byte {exc.start:,}: {raw[exc.start : exc.start + 1]!r}); "
            "a scenario is a YAML, TOML or JSON text file"
        ) from None


def _parse(text: str | bytes, fmt: str, source: str) -> _Doc:
    if fmt not in FORMATS:
        raise ScenarioError(f"{source}: unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if isinstance(text, bytes | bytearray):
        text = _decode(bytes(text), source)
    if not isinstance(text, str):
        raise ScenarioError(f"{source}: expected text, got {type(text).__name__}")
    _limits.check_size(len(text.encode("utf-8", "surrogatepass")), source)
    if "\x00" in text:
        raise ScenarioError(f"{source}: holds a NUL character (binary data, not a text file)")
    if fmt == "yaml":
        doc = _parse_yaml(text, source)
    elif fmt == "toml":
        doc = _Doc(_parse_toml(text, source), {}, source)
    else:
        doc = _Doc(_parse_json(text, source), {}, source)
    check_document(doc.data, source)
    return doc


def _parse_toml(text: str, source: str) -> Any:
    _limits.check_toml_keys(text, source)  # dotted keys and nesting, before tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _limits.toml_error(exc, source) from None
    except RecursionError:
        raise ScenarioError(f"{source}: not valid TOML: nested too deeply") from None
    except ValueError as exc:
        raise ScenarioError(f"{source}: not valid TOML: {exc}") from None


def _parse_json(text: str, source: str) -> Any:
    _limits.check_json_depth(text, source)  # nesting, before json builds anything
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{source}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except (RecursionError, ValueError) as exc:
        raise ScenarioError(f"{source}: not valid JSON: {exc}") from None


def check_document(data: Any, source: str = "<dict>") -> None:
    """Apply the gate's limits to an already parsed document (e.g. a JSON request body).

    Iterative (no recursion): at most :data:`~cablesim._limits.MAX_DEPTH` levels,
    :data:`~cablesim._limits.MAX_NODES` values, :data:`~cablesim._limits.MAX_KEYS`
    keys per mapping, keys of at most :data:`~cablesim._limits.MAX_NAME_CHARS`
    characters and texts of at most :data:`~cablesim._limits.MAX_TEXT_CHARS`.

    Raises
    ------
    ScenarioError
        Naming the first limit passed, with the path where it was passed.
    """
    todo: list[tuple[Any, tuple]] = [(data, ())]
    seen = 0
    while todo:
        value, path = todo.pop()
        seen += 1
        where = f"{source}: {_fmt_path(path[:6])}{'...' if len(path) > 6 else ''}"
        if len(path) > _limits.MAX_DEPTH:
            raise ScenarioError(f"{where}: nested more than {_limits.MAX_DEPTH} levels deep")
        if seen > _limits.MAX_NODES:
            raise ScenarioError(f"{source}: more than {_limits.MAX_NODES:,} values")
        if isinstance(value, dict):
            if len(value) > _limits.MAX_KEYS:
                raise ScenarioError(
                    f"{where}: {len(value):,} keys; the limit is {_limits.MAX_KEYS:,} per mapping"
                )
            for k, v in value.items():
                if isinstance(k, str) and len(k) > _limits.MAX_NAME_CHARS:
                    raise ScenarioError(
                        f"{where}: a key of {len(k):,} characters ({_limits.shorten(k)}); "
                        f"the limit is {_limits.MAX_NAME_CHARS}"
                    )
                todo.append((v, (*path, k)))
        elif isinstance(value, list | tuple):
            todo.extend((v, (*path, i)) for i, v in enumerate(value))
        elif isinstance(value, str) and len(value) > _limits.MAX_TEXT_CHARS:
            raise ScenarioError(
                f"{where}: a text of {len(value):,} characters; "
                f"the limit is {_limits.MAX_TEXT_CHARS:,}"
            )


def read_document(path: str | os.PathLike[str]) -> _Doc:
    """Read a scenario file (YAML or JSON, or TOML by suffix) through the gate, keeping lines."""
    p = Path(path)
    try:
        st = p.stat()
    except (OSError, ValueError):
        raise ScenarioError(f"{p}: no such scenario file") from None
    if stat.S_ISDIR(st.st_mode):
        raise ScenarioError(f"{p}: is a directory, not a scenario file")
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError(f"{p}: not a regular file (a device, FIFO or socket); give a file")
    _io.note_input(p)
    _limits.check_size(st.st_size, str(p))
    try:
        with open(p, "rb") as fh:
            raw = fh.read(_limits.MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"{p}: cannot read: {exc.strerror or exc}") from None
    suffix = p.suffix.lower()
    fmt = "toml" if suffix == ".toml" else "yaml"  # JSON files read as YAML: with their lines
    return _parse(raw, fmt, str(p))


def _fmt_path(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(document)"
