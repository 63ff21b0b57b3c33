"""Delivery settings, read from the environment in this one place.

Secrets never live in the repository: the key and the list come from the
environment (GitHub repository secrets in the weekly workflow). The key is kept
out of every repr, message and log line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from newsletter.retry import RetryPolicy

KEY_RE = re.compile(r"^[0-9a-zA-Z]+-(?P<dc>[a-z]+[0-9]+)$")
DEFAULT_TIMEOUT = 60.0


class SettingsError(Exception):
    """A delivery setting is missing or malformed; the message names it and the fix."""


@dataclass(frozen=True)
class MailchimpSettings:
    """Where and as whom to talk to Mailchimp, and how patiently."""

    api_key: str = field(repr=False)
    list_id: str
    api_root: str
    timeout: float = DEFAULT_TIMEOUT
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def data_centre(self) -> str:
        return self.api_key.rsplit("-", 1)[-1]


def _number(environ: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise SettingsError(f"{name}={text!r} is not a number >= {minimum:g}; fix or unset it")
    return value


def retry_policy(environ: Mapping[str, str] = os.environ) -> RetryPolicy:
    """MAILCHIMP_MAX_ATTEMPTS (5) and MAILCHIMP_RETRY_DELAY (1 s, doubled per attempt)."""
    return RetryPolicy(
        attempts=int(_number(environ, "MAILCHIMP_MAX_ATTEMPTS", 5, 1)),
        base_delay=_number(environ, "MAILCHIMP_RETRY_DELAY", 1.0, 0),
    )


def mailchimp_settings(environ: Mapping[str, str] = os.environ) -> MailchimpSettings:
    """The settings a send needs; SettingsError names what is missing and how to fix it."""
    key = environ.get("MAILCHIMP_API_KEY", "").strip()
    list_id = environ.get("MAILCHIMP_LIST_ID", "").strip()
    if not key:
        raise SettingsError(
            "MAILCHIMP_API_KEY is not set; create a key in Mailchimp (Profile > Extras > "
            "API keys) and export it, or use `invoke newsletter.preview`, which needs none"
        )
    match = KEY_RE.match(key)
    if not match:
        raise SettingsError(
            "MAILCHIMP_API_KEY does not look like a Mailchimp key: it must end with its "
            "data centre, like -us21; copy the whole key from Mailchimp"
        )
    if not list_id:
        raise SettingsError(
            "MAILCHIMP_LIST_ID is not set; find the audience id in Mailchimp "
            "(Audience > Settings > Audience name and defaults) and export it"
        )
    root = environ.get("MAILCHIMP_API_ROOT", "").strip().rstrip("/")
    if root and not re.match(r"^https?://[^/\s]+", root):
        raise SettingsError(
            f"MAILCHIMP_API_ROOT={root!r} is not a base URL; write it like "
            "https://us21.api.mailchimp.com/3.0 or http://127.0.0.1:8080/3.0"
        )
    return MailchimpSettings(
        api_key=key,
        list_id=list_id,
        api_root=root or f"https://{match['dc']}.api.mailchimp.com/3.0",
        timeout=_number(environ, "MAILCHIMP_TIMEOUT", DEFAULT_TIMEOUT, 0.01),
        retry=retry_policy(environ),
    )
