"""Trying a remote call again, boundedly, when trying again can help.

Worth retrying: 429 (too many connections), 5xx, timeouts and dropped
connections. Never another 4xx: a bad key or a bad field fails the same way
every time. Waits grow exponentially with jitter, so a busy API is not hammered
by many clients in step. A call that changes something (create, send) may have
happened even though its reply was lost; `reconcile` looks before trying again.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")


class CallFailed(Exception):
    """A remote call failed. `transient` says whether trying again may help."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        transient: bool = False,
        field_errors: tuple[str, ...] = (),
    ):
        super().__init__(message)
        self.status = status
        self.transient = transient
        self.field_errors = field_errors
        self.attempts = 1

    @property
    def maybe_done(self) -> bool:
        """The request may have been carried out although it failed (not a 429 refusal)."""
        return self.transient and self.status != 429


@dataclass(frozen=True)
class RetryPolicy:
    """At most `attempts` tries; waits of about base_delay, doubling, capped at max_delay."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, attempt: int) -> float:
        """The wait after failed attempt number `attempt` (1-based): "equal jitter"."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


def with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    what: str,
    reconcile: Callable[[], T | None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """`call()`, tried again on transient failures; the last CallFailed is raised.

    Before trying again after a failure that may have been carried out,
    `reconcile()` checks: anything but None is taken as the call's result.
    """
    for attempt in range(1, policy.attempts + 1):
        try:
            return call()
        except CallFailed as failure:
            failure.attempts = attempt
            if not failure.transient or attempt >= policy.attempts:
                raise
            wait = policy.delay(attempt)
            logger.warning(
                "%s: %s; trying again in %.1f s (attempt %d of %d)",
                what,
                failure,
                wait,
                attempt + 1,
                policy.attempts,
            )
            sleep(wait)
            if reconcile is not None and failure.maybe_done:
                done = reconcile()
                if done is not None:
                    logger.warning("%s: it had gone through after all", what)
                    return done
    raise AssertionError("unreachable: the loop returns or raises")
