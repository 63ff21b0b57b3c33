"""fork_map: the build's way of using every core."""

from __future__ import annotations

import os

import pytest

from sage.parallel import MIN_ITEMS_PER_WORKER, WorkerError, fork_map


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
