"""Work on every core, with forked copies of this process.

The build's slow steps over every post (checking, tagging, measuring) are pure
functions of the post. `fork_map` splits the items between the current process
and `workers - 1` forked copies of it, which inherit everything already loaded
(no pickling of the function or its setup) and send back only their results.
Small jobs, or a system without fork, run in this process. `fork_call` runs one
function in a forked copy while this process goes on (the search index, built
beside the pages), and waits for its result when asked.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import pickle
import signal
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
    children = _fork(
        [lambda index=index: [function(item) for item in items[index::workers]]
         for index in range(1, workers)]
    )  # fmt: skip
    shares: list[list] = [[] for _ in range(workers)]
    failure = None
    try:
        shares[0] = [function(item) for item in items[0::workers]]
    except BaseException as error:
        failure = error
    for index, child in enumerate(children, start=1):
        status, payload = _collect(*child)
        if status == "ok":
            shares[index] = payload
        elif failure is None:
            failure = WorkerError(payload[1])
    if failure is not None:
        raise failure
    results = [None] * len(items)
    for index, share in enumerate(shares):
        results[index::workers] = share
    return results


def fork_call(function: Callable[..., Result], *args) -> Callable[[], Result]:
    """Start function(*args) in a forked copy of this process; the returned callable
    waits for it and returns its result, or raises its error. Without fork, the
    function runs when its result is asked for.

    The copy runs in a process group of its own: if this process exits without
    asking for the result (its build failed), the copy and the programs it started
    are stopped rather than left writing files."""
    if not hasattr(os, "fork"):
        return lambda: function(*args)
    [child] = _fork([lambda: function(*args)], own_group=True)
    _RUNNING.add(child[0])

    def result() -> Result:
        _RUNNING.discard(child[0])
        status, payload = _collect(*child)
        if status == "ok":
            return payload
        error, trace = payload
        raise error if error is not None else WorkerError(trace)

    return result


_RUNNING: set[int] = set()  # fork_call children whose result nobody has asked for yet


@atexit.register
def _stop_running() -> None:
    for pid in list(_RUNNING):
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGTERM)
            os.waitpid(pid, 0)


def _fork(jobs: list[Callable[[], object]], own_group: bool = False) -> list[tuple[int, int]]:
    """One forked child per job; each sends its result (or error) down a pipe and exits.
    Returns (pid, pipe) for each, for `_collect`."""
    sys.stdout.flush()
    sys.stderr.flush()
    # The children share this process's memory until they write to it; frozen objects
    # are skipped by their garbage collector, which would otherwise touch (and so
    # copy) every page of the parent's heap.
    gc.freeze()
    children = []
    for job in jobs:
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its job, its result down the pipe, then exit
            os.close(reader)
            if own_group:
                os.setpgid(0, 0)
            try:
                payload = ("ok", job())
            except BaseException as error:
                payload = ("error", (_picklable(error), traceback.format_exc()))
            try:
                with os.fdopen(writer, "wb") as stream:
                    pickle.dump(payload, stream, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                os._exit(0)
        if own_group:  # here too, so that it holds before either side goes on
            with contextlib.suppress(OSError):
                os.setpgid(pid, pid)
        os.close(writer)
        children.append((pid, reader))
    gc.unfreeze()
    return children


def _collect(pid: int, reader: int) -> tuple[str, object]:
    """What a forked child sent: ("ok", its result) or ("error", (the error if it
    could travel, else None; its traceback))."""
    with os.fdopen(reader, "rb") as stream:
        try:
            status, payload = pickle.load(stream)
        except (EOFError, pickle.UnpicklingError):
            status, payload = "error", (None, "a worker exited without its results")
    os.waitpid(pid, 0)
    return status, payload


def _picklable(error: BaseException) -> BaseException | None:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return None
    return error
