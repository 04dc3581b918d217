"""Reading scenario documents: YAML with line numbers, and TOML."""

from __future__ import annotations

import os
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


def read_document(path: str | os.PathLike[str]) -> _Doc:
    """Read a scenario file (YAML, or TOML by suffix) keeping line numbers."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"{p}: no such scenario file")
    _io.note_input(p)
    try:
        _limits.check_size(p.stat().st_size, str(p))
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{p}: cannot read: {exc}") from None
    if p.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _limits.toml_error(exc, str(p)) from None
        except RecursionError:
            raise ScenarioError(f"{p}: not valid TOML: nested too deeply") from None
        except ValueError as exc:
            raise ScenarioError(f"{p}: not valid TOML: {exc}") from None
        _limits.check_depth(data, str(p))
        return _Doc(data, {}, str(p))
    return _parse_yaml(text, str(p))


def _fmt_path(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(document)"
