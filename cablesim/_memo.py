"""Derived data kept by its owner: one thread-safe memo (``Network.memo``, a compiled network's).

A :class:`Memo` computes each value once per key, even when several threads ask
at once: the first builds it under a lock of that key while the others wait
for it (other keys are built in parallel). A bounded memo (keys that come from
users: closed areas, split networks) forgets the least recently used entry.
Pickling keeps the values and drops the locks (a worker process gets a copy).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


class Memo:
    """Values computed once per key (thread-safe; optionally bounded).

    Parameters
    ----------
    maxsize
        Entries kept at most (the least recently used goes first); ``None``: all.
    """

    def __init__(self, maxsize: int | None = None) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, fn: Callable[[], Any]) -> Any:
        """``fn()``, computed once for ``key`` and kept."""
        if self.maxsize is None:  # no order to keep: a plain look-up (atomic) first
            value = self._data.get(key, _MISSING)
            if value is not _MISSING:
                return value
        with self._lock:
            if key in self._data:
                if self.maxsize is not None:
                    self._data.move_to_end(key)
                return self._data[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if key in self._data:
                    return self._data[key]
            try:
                value = fn()
            except BaseException:
                with self._lock:
                    self._building.pop(key, None)
                raise
            with self._lock:
                self._data[key] = value
                self._building.pop(key, None)
                if self.maxsize is not None:
                    while len(self._data) > self.maxsize:
                        self._data.popitem(last=False)
            return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._data.clear()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def __getstate__(self) -> dict[str, Any]:
        with self._lock:
            return {"maxsize": self.maxsize, "data": list(self._data.items())}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["maxsize"])
        self._data.update(state["data"])
