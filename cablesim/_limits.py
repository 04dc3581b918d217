"""Bounds on what a hostile or careless input can make cablesim do (issue 14, items 5, 6 and 9).

Scenario documents: at most :data:`MAX_DOCUMENT_BYTES` bytes, :data:`MAX_DEPTH`
levels of nesting and :data:`MAX_NODES` values after YAML alias expansion (a
517-byte "billion laughs" file expands to billions of values otherwise).
Command-line bounds: :data:`MAX_PIXELS` for a figure, :data:`MAX_YEARS`,
:data:`MAX_TRIALS` and the seed range of numpy's generators.

A scenario is a short list of events; the document bounds are two orders of
magnitude above the largest real one (the bundled history scenarios are under
10 kB, 5 levels deep, a few hundred values).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from cablesim.exceptions import CableSimError, ScenarioError, UnknownNameError

MAX_DOCUMENT_BYTES = 1_000_000
"""Largest scenario file read (1 MB)."""
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings in a scenario."""
MAX_NODES = 200_000
"""Most values in a scenario once YAML aliases are expanded."""
MAX_PIXELS = 100_000_000
"""Largest figure, in pixels (width x height x dpi^2): 10,000 x 10,000."""
MAX_YEARS = 1000.0
"""Longest Monte Carlo period, in years."""
MAX_TRIALS = 10_000_000
"""Most Monte Carlo trials in one run."""
MAX_SEED = 2**63 - 1
"""Largest seed (seeds are non-negative, as numpy's ``SeedSequence`` requires)."""
MAX_KEYS = 1_000
"""Most keys in one mapping of a scenario (a scenario's mappings hold a dozen)."""
MAX_NAME_CHARS = 200
"""Longest name or key looked up (the longest real cable name has under 100 characters).

A longer name is refused before any matching or "did you mean" search."""
MAX_TEXT_CHARS = 20_000
"""Longest text value in a scenario (a description of a few paragraphs)."""
MAX_EVENTS = 500
"""Most events in one scenario (the bundled history scenarios have under 30)."""
MAX_TIMELINE_POINTS = 200
"""Most distinct dates in one timeline (each is a simulation)."""
MAX_FAULTS_PER_YEAR = 2_000.0
"""Largest Monte Carlo fault rate (the observed world rate is about 150 a year)."""
MAX_FAULTS_PER_TRIAL = 10_000
"""Most faults expected in one Monte Carlo period (rate x years): about 1.4 GB of work state
at this bound (10,000 faults a trial measured at 1.35 GB); 175 a year for 57 years."""


class Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with an impossible date read as text (then rejected with its line)."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:  # more digits than Python converts
        raise yaml.constructor.ConstructorError(
            None, None, "integer too large", node.start_mark
        ) from None


Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
Loader.add_constructor("tag:yaml.org,2002:int", _int)


def check_size(nbytes: int, source: str) -> None:
    """Refuse a document larger than :data:`MAX_DOCUMENT_BYTES`."""
    if nbytes > MAX_DOCUMENT_BYTES:
        raise ScenarioError(
            f"{source}: file too large for a scenario "
            f"({nbytes:,} bytes; the limit is {MAX_DOCUMENT_BYTES:,})"
        )


def check_yaml_events(text: str, source: str) -> None:
    """Scan the YAML event stream (no recursion): refuse deep nesting and alias storms.

    Counts every alias's expansion lazily: an alias to a collection counts the
    values that collection holds, so the total is what construction would build.
    """
    try:
        loader = Loader(text)
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        raise ScenarioError(f"{source}: not valid YAML: {exc}") from None
    sizes: dict[str, int] = {}  # anchor -> values it expands to
    # [anchor, count, direct children, is a mapping, last key, most direct children]
    stack: list[list[Any]] = []
    depth = total = 0
    try:
        while loader.check_event():
            ev = loader.get_event()
            n = 0
            if isinstance(ev, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ScenarioError(
                        f"{source}:{ev.start_mark.line + 1}: nested more than {MAX_DEPTH} levels deep"
                    )
                most = None
                if stack:
                    _child(stack[-1], ev, source)
                    if len(stack) == 1 and stack[0][4] == "events":  # the list of events
                        most = MAX_EVENTS
                stack.append([ev.anchor, 1, 0, isinstance(ev, yaml.MappingStartEvent), None, most])
                continue
            if isinstance(ev, yaml.CollectionEndEvent):
                depth -= 1
                anchor, n, *_ = stack.pop()
                if anchor:
                    sizes[anchor] = n
                if stack:
                    stack[-1][1] += n
                continue
            if isinstance(ev, yaml.ScalarEvent):
                n = 1
                if ev.anchor:
                    sizes[ev.anchor] = 1
            elif isinstance(ev, yaml.AliasEvent):
                n = sizes.get(ev.anchor, 1)  # unknown (recursive) anchors: reported by the composer
                total += n
            else:
                continue
            if stack:
                stack[-1][1] += n
                _child(stack[-1], ev, source)
            if total > MAX_NODES or (stack and stack[-1][1] > MAX_NODES):
                raise ScenarioError(
                    f"{source}:{ev.start_mark.line + 1}: aliases expand to more than "
                    f"{MAX_NODES:,} values (an alias bomb?)"
                )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ScenarioError(f"{source}{line}: not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def shorten(text: Any, n: int = 60) -> str:
    """``repr`` of ``text`` cut to about ``n`` characters (a message never echoes 100 kB)."""
    s = str(text)
    if len(s) <= n:
        return repr(s)
    return f"{s[:n]!r}... ({len(s):,} characters)"


def check_name(name: Any, kind: str = "name") -> None:
    """Refuse a name longer than :data:`MAX_NAME_CHARS` before any matching or suggestion."""
    if isinstance(name, str) and len(name) > MAX_NAME_CHARS:
        raise UnknownNameError(
            name,
            message=f"unknown {kind} {shorten(name)}: longer than any real name "
            f"(the limit is {MAX_NAME_CHARS} characters)",
            suggestions=[],
        )


_TOML_TOKENS = re.compile(
    r'"""(?:\\.|[^\\])*?"""|\'\'\'.*?\'\'\'|"(?:\\.|[^"\\\n])*"?|\'[^\'\n]*\'?|#[^\n]*|[.\[\]{}=,\n]',
    re.DOTALL,
)
_JSON_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"?|[\[\]{}\n]')


def _scan_strings(text: str, tokens: re.Pattern, on_char) -> None:
    """Call ``on_char(i, c)`` for every structural character outside strings and comments."""
    for m in tokens.finditer(text):
        c = m.group()
        if len(c) == 1 and c not in "\"'#":
            on_char(m.start(), c)
        elif "\n" in c and c[0] in "\"'":  # a multi-line string: count its lines
            for _ in range(c.count("\n")):
                on_char(m.start(), "\r")


def check_toml_keys(text: str, source: str) -> None:
    """Bound a TOML text's dotted keys and nesting before :mod:`tomllib` reads it.

    One key of thousands of dotted parts makes the parser's memory grow with the
    square of its length (20 kB -> 0.6 GB); more than :data:`MAX_DEPTH` parts in
    a key, or brackets nested deeper, is refused here, from the text alone.
    """
    state = {"dots": 0, "depth": 0, "line": 1}

    def on_char(i: int, c: str) -> None:
        if c == "\r":
            state["line"] += 1
        elif c == "\n":
            state["line"] += 1
            state["dots"] = 0
        elif c == ".":
            state["dots"] += 1
            if state["dots"] >= MAX_DEPTH:
                raise ScenarioError(
                    f"{source}:{state['line']}: a dotted key of more than {MAX_DEPTH} parts"
                )
        elif c in "[{":
            state["depth"] += 1
            state["dots"] = 0
            if state["depth"] > MAX_DEPTH:
                raise ScenarioError(
                    f"{source}:{state['line']}: nested more than {MAX_DEPTH} levels deep"
                )
        elif c in "]}":
            state["depth"] = max(0, state["depth"] - 1)
            state["dots"] = 0
        elif c in "=,":
            state["dots"] = 0

    _scan_strings(text, _TOML_TOKENS, on_char)


def check_json_depth(text: str, source: str) -> None:
    """Refuse JSON text nested deeper than :data:`MAX_DEPTH` before it is parsed."""
    depth = 0

    def on_char(i: int, c: str) -> None:
        nonlocal depth
        if c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, i) + 1
                raise ScenarioError(f"{source}:{line}: nested more than {MAX_DEPTH} levels deep")
        elif c in "]}":
            depth -= 1

    _scan_strings(text, _JSON_TOKENS, on_char)


def _child(entry: list[Any], ev: Any, source: str) -> None:
    """Count a direct child of an open collection: refuse a mapping of over :data:`MAX_KEYS`
    keys as soon as it passes (60,000 unknown keys stop here, not after parsing them all)."""
    if entry[3] and entry[2] % 2 == 0:  # a key of a mapping
        entry[4] = ev.value if isinstance(ev, yaml.ScalarEvent) else None
    entry[2] += 1
    if entry[3] and entry[2] > 2 * MAX_KEYS:
        raise ScenarioError(
            f"{source}:{ev.start_mark.line + 1}: more than {MAX_KEYS:,} keys in one mapping"
        )
    if entry[5] is not None and entry[2] > entry[5]:
        raise ScenarioError(
            f"{source}:{ev.start_mark.line + 1}: events: more than {entry[5]:,} events; the "
            "limit is a bound on work (split the scenario, or cut many cables in one event)"
        )


def check_depth(data: Any, source: str) -> None:
    """Refuse a parsed document nested deeper than :data:`MAX_DEPTH` (iteratively)."""
    todo: list[tuple[Any, int]] = [(data, 0)]
    seen = 0
    while todo:
        value, depth = todo.pop()
        seen += 1
        if depth > MAX_DEPTH:
            raise ScenarioError(f"{source}: nested more than {MAX_DEPTH} levels deep")
        if seen > MAX_NODES:
            raise ScenarioError(f"{source}: more than {MAX_NODES:,} values")
        if isinstance(value, dict):
            todo.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            todo.extend((v, depth + 1) for v in value)


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_error(exc: Exception, source: str) -> ScenarioError:
    """A TOML error as ``file:line: not valid TOML: message``."""
    msg = str(exc)
    m = _TOML_AT.search(msg)
    if m:
        msg = msg[: m.start()].rstrip() + f" (column {m.group(2)})"
        return ScenarioError(f"{source}:{m.group(1)}: not valid TOML: {msg}")
    return ScenarioError(f"{source}: not valid TOML: {msg}")


def date_in_range(value: dt.date) -> bool:
    """Dates a scenario may use: years 1850 to 2100, as years are."""
    return 1850 <= value.year <= 2100


def check_pixels(width_in: float, height_in: float, dpi: float) -> None:
    """Refuse a figure of more than :data:`MAX_PIXELS` pixels (``--size`` times ``--dpi``)."""
    pixels = float(width_in) * float(height_in) * float(dpi) ** 2
    if not pixels <= MAX_PIXELS:
        raise CableSimError(
            f"a {width_in:g}x{height_in:g}-inch figure at {dpi:g} dpi is {pixels / 1e6:,.0f} "
            f"megapixels; the limit is {MAX_PIXELS / 1e6:,.0f} (use a smaller --size or --dpi)"
        )


_ADDRESS = re.compile(
    r"(?:(?:tcp|tls|ucx|ws|wss)://)?"
    r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?)"
    r":(?P<port>[0-9]{1,5})/?\Z"
)


def check_scheduler(address: str | None) -> str | None:
    """A Dask scheduler address, ``[tcp://]HOST:PORT``, checked before any work starts."""
    if address is None:
        return None
    if re.fullmatch(r"inproc://\S+", address.strip()):  # an in-process cluster
        return address.strip()
    m = _ADDRESS.match(address.strip())
    if not m or not 0 < int(m.group("port")) < 65536:
        raise CableSimError(
            f"--scheduler {address!r:.80} is not a scheduler address: expected tcp://HOST:PORT "
            "(e.g. tcp://127.0.0.1:8786)"
        )
    return address.strip()
