"""Writing output files without touching the ones whose bytes did not change.

A build can listen (`listen(callback)`) to learn every file written here, so
it knows which files it produced (see sage/build_state.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

_listeners: list[Callable[[Path], None]] = []


def listen(callback: Callable[[Path], None] | None) -> None:
    """Call `callback(path)` for every file written from now on (None: stop listening)."""
    _listeners.clear()
    if callback is not None:
        _listeners.append(callback)


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Write `data` to `path` unless it already holds exactly that; return True if written."""
    for callback in _listeners:
        callback(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True
