"""Mapping a function over many items on every core, with forked workers.

The build's slow steps over every post (checking, tagging, measuring) are pure
functions of the post. `fork_map` splits the items between the current process
and `workers - 1` forked copies of it, which inherit everything already loaded
(no pickling of the function or its setup) and send back only their results.
Small jobs, or a system without fork, run in this process.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
MIN_ITEMS_PER_WORKER = 64


class WorkerError(RuntimeError):
    """A forked worker failed; the message carries its traceback."""


def worker_count(settings: dict) -> int:
    """SAGE_WORKERS, or one worker per core."""
    return max(1, int(settings.get("SAGE_WORKERS") or os.cpu_count() or 1))


def fork_map(function: Callable[[Item], Result], items: Sequence[Item], workers: int) -> list:
    """[function(item) for item in items], computed by up to `workers` processes."""
    workers = min(workers, len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or not hasattr(os, "fork"):
        return [function(item) for item in items]
    sys.stdout.flush()
    sys.stderr.flush()
    # The workers share this process's memory until they write to it; frozen objects
    # are skipped by their garbage collector, which would otherwise touch (and so
    # copy) every page of the parent's heap.
    gc.freeze()
    children = []
    for index in range(1, workers):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: its share, its results down the pipe, then exit
            os.close(reader)
            try:
                payload = ("ok", [function(item) for item in items[index::workers]])
            except BaseException:
                payload = ("error", traceback.format_exc())
            try:
                with os.fdopen(writer, "wb") as stream:
                    pickle.dump(payload, stream, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                os._exit(0)
        os.close(writer)
        children.append((pid, reader))
    gc.unfreeze()
    shares: list[list] = [[] for _ in range(workers)]
    failure = None
    try:
        shares[0] = [function(item) for item in items[0::workers]]
    except BaseException as error:
        failure = error
    for index, (pid, reader) in enumerate(children, start=1):
        with os.fdopen(reader, "rb") as stream:
            try:
                status, payload = pickle.load(stream)
            except (EOFError, pickle.UnpicklingError):
                status, payload = "error", "a worker exited without its results"
        os.waitpid(pid, 0)
        if status != "ok" and failure is None:
            failure = WorkerError(payload)
        shares[index] = payload if status == "ok" else []
    if failure is not None:
        raise failure
    results = [None] * len(items)
    for index, share in enumerate(shares):
        results[index::workers] = share
    return results
