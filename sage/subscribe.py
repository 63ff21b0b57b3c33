"""The signup form: Mailchimp's embedded form, described by SUBSCRIBE_* settings.

Checked once per build, so a mistyped form URL stops the build with a sentence
instead of shipping a form that silently loses subscribers. When the form is not
configured the theme offers the feeds instead, never a form that cannot work.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
HONEYPOT_RE = re.compile(r"^b_\w+_\w+$")
INTEREST_RE = re.compile(r"^group\[(\d+)\]\[(\d+)\]$")
EXAMPLE_ACTION = "https://<account>.<dc>.list-manage.com/subscribe/post?u=<u>&id=<list>"


class SubscribeSettingsError(Exception):
    """A SUBSCRIBE_* setting is wrong; the message names the setting and the fix."""


@dataclass(frozen=True)
class Interest:
    """One interest checkbox: a theme a subscriber can ask for."""

    slug: str
    name: str
    field: str
    value: str


@dataclass(frozen=True)
class SubscribeForm:
    """What the templates need to render the form; posts without JavaScript."""

    action: str
    honeypot: str
    interests: tuple[Interest, ...] = ()


def _check_action(action: object) -> tuple[str, str]:
    """Return the form's (u, id) from its action URL, or raise naming the fix."""
    problem = (
        f"setting SUBSCRIBE_FORM_ACTION: {action!r} is not a Mailchimp embedded-form URL; "
        f"copy the form's action from Mailchimp's embedded form code ({EXAMPLE_ACTION})"
    )
    if not isinstance(action, str):
        raise SubscribeSettingsError(problem)
    parts = urlsplit(action.strip())
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS)
    query = parse_qs(parts.query)
    if not (secure and parts.hostname and parts.path.rstrip("/").endswith("/subscribe/post")):
        raise SubscribeSettingsError(problem)
    if not (query.get("u") and query.get("id")):
        raise SubscribeSettingsError(f"{problem}: it needs both ?u= and &id=")
    return query["u"][0], query["id"][0]


def _check_honeypot(honeypot: object, u: str, list_id: str) -> str:
    expected = f"b_{u}_{list_id}"
    if honeypot in (None, ""):
        return expected
    if not isinstance(honeypot, str) or not HONEYPOT_RE.match(honeypot) or honeypot != expected:
        raise SubscribeSettingsError(
            f"setting SUBSCRIBE_HONEYPOT: {honeypot!r} does not match the form's u and id; "
            f'use "{expected}" or leave it unset to derive it from SUBSCRIBE_FORM_ACTION'
        )
    return honeypot


def _check_interests(interests: object, theme_names: Mapping[str, str]) -> tuple[Interest, ...]:
    if not interests:
        return ()
    if not isinstance(interests, Mapping):
        raise SubscribeSettingsError(
            'setting SUBSCRIBE_INTERESTS: expected a dict of theme slug -> "group[<n>][<bit>]", '
            'e.g. {"empathy": "group[1234][1]"}'
        )
    found = []
    for slug, field in interests.items():
        if slug not in theme_names:
            known = ", ".join(theme_names)
            raise SubscribeSettingsError(
                f'setting SUBSCRIBE_INTERESTS: "{slug}" is not a theme in the taxonomy; '
                f"use one of: {known}"
            )
        match = INTEREST_RE.match(str(field))
        if not match:
            raise SubscribeSettingsError(
                f'setting SUBSCRIBE_INTERESTS["{slug}"]: {field!r} is not a Mailchimp interest '
                'field; copy its name from the embedded form code, e.g. "group[1234][1]"'
            )
        found.append(Interest(slug, theme_names[slug], str(field), match.group(2)))
    order = list(theme_names)
    return tuple(sorted(found, key=lambda interest: order.index(interest.slug)))


def subscribe_form(settings: Mapping, theme_names: Mapping[str, str]) -> SubscribeForm | None:
    """The configured form, or None when SUBSCRIBE_FORM_ACTION is unset (feeds instead).

    `theme_names` maps theme slug to name, in taxonomy order, for the interest boxes.
    """
    action = settings.get("SUBSCRIBE_FORM_ACTION")
    if not action:
        return None
    u, list_id = _check_action(action)
    honeypot = _check_honeypot(settings.get("SUBSCRIBE_HONEYPOT"), u, list_id)
    interests = _check_interests(settings.get("SUBSCRIBE_INTERESTS"), theme_names)
    return SubscribeForm(action.strip(), honeypot, interests)
