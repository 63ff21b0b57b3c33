"""Writing output files without touching the ones whose bytes did not change."""

from __future__ import annotations

from pathlib import Path


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Write `data` to `path` unless it already holds exactly that; return True if written."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True
