"""fork_map and fork_call: the build's ways of using every core."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from sage.parallel import MIN_ITEMS_PER_WORKER, WorkerError, fork_call, fork_map
from tests.conftest import ROOT


def square_with_pid(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def test_results_come_back_in_order_from_several_processes():
    items = list(range(3 * MIN_ITEMS_PER_WORKER))
    results = fork_map(square_with_pid, items, workers=3)
    assert [value for value, _ in results] == [number * number for number in items]
    assert len({pid for _, pid in results}) == 3
    assert os.getpid() in {pid for _, pid in results}


def test_small_jobs_stay_in_this_process():
    results = fork_map(square_with_pid, list(range(10)), workers=4)
    assert {pid for _, pid in results} == {os.getpid()}


def fail_on_seven(number: int) -> int:
    if number == 7:
        raise ValueError("seven is not allowed")
    return number


def test_a_failure_in_a_worker_is_raised_with_its_traceback():
    items = list(range(2 * MIN_ITEMS_PER_WORKER))  # 7 is in the second worker's share
    with pytest.raises(WorkerError, match="seven is not allowed"):
        fork_map(fail_on_seven, items, workers=2)


def test_a_failure_in_this_process_is_raised_as_it_is():
    items = [7, *range(8, 8 + 2 * MIN_ITEMS_PER_WORKER)]  # 7 is in this process's share
    with pytest.raises(ValueError, match="seven is not allowed"):
        fork_map(fail_on_seven, items, workers=2)


def test_fork_call_runs_in_another_process_while_this_one_goes_on(tmp_path):
    started = tmp_path / "started"

    def slow_pid() -> int:
        started.write_text("yes")
        time.sleep(0.3)
        return os.getpid()

    result = fork_call(slow_pid)
    assert os.getpid() != result()  # the result came from the child
    assert started.read_text() == "yes"


def test_fork_call_raises_the_childs_own_error():
    result = fork_call(fail_on_seven, 7)
    with pytest.raises(ValueError, match="seven is not allowed"):
        result()


def test_fork_call_sends_an_error_that_cannot_travel_as_a_worker_error():
    class Local(Exception):  # defined in a function: pickle cannot name it
        pass

    def fail():
        raise Local("no way home")

    with pytest.raises(WorkerError, match="no way home"):
        fork_call(fail)()


def test_a_fork_call_nobody_waits_for_is_stopped_with_what_it_started(tmp_path):
    """A build that fails leaves its search job behind: when the process exits, the
    job and the program it ran (Pagefind, here `sleep`) are stopped, not left running."""
    pids = tmp_path / "pids"
    script = f"""
import os, subprocess, sys, time
sys.path.insert(0, {str(ROOT)!r})
from sage.parallel import fork_call
def job():
    child = subprocess.Popen(["sleep", "30"])
    open({str(pids)!r}, "w").write(f"{{os.getpid()}} {{child.pid}}")
    child.wait()
fork_call(job)
while not os.path.exists({str(pids)!r}) or not open({str(pids)!r}).read():
    time.sleep(0.05)
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=20)
    for pid in map(int, pids.read_text().split()):
        for _ in range(50):
            if not _alive(pid):
                break
            time.sleep(0.1)
        assert not _alive(pid), pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead, only not yet reaped
        return stat.read().split(") ")[-1][0] != "Z"
