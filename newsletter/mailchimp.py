"""The Mailchimp backend: the real mailchimp-marketing client, made safe to retry.

The client (3.0.80) has traps this module closes (see the notes in the README):
an empty reply is returned as a requests.Response even for a 429 or a 503, a
connection error or timeout is an ApiClientError with no status, error bodies
are raw strings, and a base URL containing "server" is rewritten. Every call
goes through `_call`, which turns all of that into a result or a CallFailed;
steps that change something look before they try again, so a lost reply never
creates a second campaign or sends one twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from mailchimp_marketing import Client
from mailchimp_marketing.api_client import ApiClientError

from newsletter.retry import CallFailed, with_retries
from newsletter.settings import MailchimpSettings

logger = logging.getLogger(__name__)
CAMPAIGN_FIELDS = [
    "campaigns.id",
    "campaigns.status",
    "campaigns.create_time",
    "campaigns.send_time",
    "campaigns.settings",
    "campaigns.recipients.list_id",
    "campaigns.recipients.segment_opts",
    "total_items",
]
PAGE = 1000


@dataclass
class Campaign:
    """What a send needs to know about a campaign in Mailchimp."""

    id: str
    status: str  # save, paused, schedule, sending, sent
    settings: dict
    recipients: dict
    send_time: str = ""

    @classmethod
    def from_api(cls, data: dict) -> Campaign:
        return cls(
            id=data["id"],
            status=data.get("status", ""),
            settings=data.get("settings") or {},
            recipients=data.get("recipients") or {},
            send_time=data.get("send_time") or "",
        )


def _problem(text) -> dict:
    if isinstance(text, dict):
        return text
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _failure(error: ApiClientError) -> CallFailed:
    """A CallFailed for what the client raised, with Mailchimp's own explanation."""
    status = error.status_code
    if status is None:
        cause = error.text
        if isinstance(cause, requests.Timeout):
            return CallFailed("no reply in time (timeout)", transient=True)
        if isinstance(cause, requests.ConnectionError):
            return CallFailed("the connection failed or was dropped", transient=True)
        return CallFailed(f"the request could not be made ({type(cause).__name__})")
    problem = _problem(error.text)
    title = problem.get("title") or "error"
    detail = problem.get("detail") or ""
    fields = tuple(
        f"{item.get('field') or '(no field)'}: {item.get('message', '')}"
        for item in problem.get("errors") or []
        if isinstance(item, dict)
    )
    message = f"Mailchimp replied {status} {title}" + (f": {detail}" if detail else "")
    if fields:
        message += " [" + "; ".join(fields) + "]"
    return CallFailed(
        message, status=status, transient=status == 429 or status >= 500, field_errors=fields
    )


class MailchimpBackend:
    """The calls a weekly send makes, each retried as far as it is safe to."""

    def __init__(self, settings: MailchimpSettings, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self.sleep = sleep
        self.calls = 0
        self.client = Client()
        self.client.set_config(
            {
                "api_key": settings.api_key,
                "server": settings.data_centre,
                "timeout": settings.timeout,
            }
        )
        # Our base URL is complete: turn off the client's "server" substitution,
        # which would also rewrite any host that contains those letters.
        self.client.api_client.host = settings.api_root
        self.client.api_client.server = ""

    def _call(self, method: Callable, *args, **kwargs):
        """One HTTP call: its JSON, or None for an empty success; CallFailed otherwise."""
        self.calls += 1
        try:
            result = method(*args, **kwargs)
        except ApiClientError as error:
            raise _failure(error) from None
        if isinstance(result, requests.Response):
            if not result.ok:
                status = result.status_code
                raise CallFailed(
                    f"Mailchimp replied {status} with an empty body",
                    status=status,
                    transient=status == 429 or status >= 500,
                )
            return None
        return result

    def _retried(self, what: str, method: Callable, *args, reconcile=None, **kwargs):
        return with_retries(
            lambda: self._call(method, *args, **kwargs),
            self.settings.retry,
            what,
            reconcile=reconcile,
            sleep=self.sleep,
        )

    # Reading (safe to repeat) ----------------------------------------------

    def list_name(self) -> str:
        """The audience's name; a 404 here means MAILCHIMP_LIST_ID is wrong."""
        data = self._retried(
            "checking the audience",
            self.client.lists.get_list,
            self.settings.list_id,
            fields=["id", "name"],
        )
        return (data or {}).get("name", "")

    def find_campaign(self, title: str, created_since: dt.datetime) -> Campaign | None:
        """The campaign titled `title` in our list (there is no title filter: we page)."""
        found: list[Campaign] = []
        offset = 0
        while True:
            data = (
                self._retried(
                    "looking for the week's campaign",
                    self.client.campaigns.list,
                    list_id=self.settings.list_id,
                    type="regular",
                    since_create_time=created_since.astimezone(dt.UTC).isoformat(),
                    sort_field="create_time",
                    sort_dir="ASC",
                    count=PAGE,
                    offset=offset,
                    fields=CAMPAIGN_FIELDS,
                )
                or {}
            )
            page = data.get("campaigns") or []
            found += [
                Campaign.from_api(item)
                for item in page
                if (item.get("settings") or {}).get("title") == title
            ]
            offset += len(page)
            if not page or offset >= int(data.get("total_items") or 0):
                break
        return pick_campaign(found, title)

    def get_campaign(self, campaign_id: str) -> Campaign:
        data = self._retried(
            "reading the campaign", self.client.campaigns.get, campaign_id, fields=["id", "status"]
        )
        return Campaign.from_api(data or {"id": campaign_id})

    def send_checklist(self, campaign_id: str) -> dict:
        return (
            self._retried(
                "checking Mailchimp's send checklist",
                self.client.campaigns.get_send_checklist,
                campaign_id,
            )
            or {}
        )

    # Changing (looked at again before a retry) -----------------------------

    def create_campaign(self, body: dict, created_since: dt.datetime) -> Campaign:
        title = body["settings"]["title"]
        data = self._retried(
            "creating the campaign",
            self.client.campaigns.create,
            body,
            reconcile=lambda: self.find_campaign(title, created_since),
        )
        if isinstance(data, Campaign):
            return data
        if not isinstance(data, dict) or not data.get("id"):
            raise CallFailed("Mailchimp's reply had no campaign id", transient=True)
        return Campaign.from_api(data)

    def update_campaign(self, campaign_id: str, body: dict) -> None:
        self._retried("updating the campaign", self.client.campaigns.update, campaign_id, body)

    def set_content(self, campaign_id: str, html: str, text: str) -> None:
        self._retried(
            "setting the content",
            self.client.campaigns.set_content,
            campaign_id,
            {"html": html, "plain_text": text},
        )

    def send_test(self, campaign_id: str, emails: list[str]) -> None:
        self._retried(
            "sending the test emails",
            self.client.campaigns.send_test_email,
            campaign_id,
            {"test_emails": emails, "send_type": "html"},
        )

    def schedule(self, campaign_id: str, when: dt.datetime) -> None:
        self._retried(
            "scheduling the campaign",
            self.client.campaigns.schedule,
            campaign_id,
            {"schedule_time": when.astimezone(dt.UTC).isoformat()},
            reconcile=lambda: self._status_is(campaign_id, {"schedule", "sending", "sent"}),
        )

    def send_now(self, campaign_id: str) -> None:
        self._retried(
            "sending the campaign",
            self.client.campaigns.send,
            campaign_id,
            reconcile=lambda: self._status_is(campaign_id, {"sending", "sent"}),
        )

    def _status_is(self, campaign_id: str, statuses: set[str]) -> bool | None:
        return True if self.get_campaign(campaign_id).status in statuses else None


def pick_campaign(found: list[Campaign], title: str) -> Campaign | None:
    """The campaign a run continues: one already on its way wins over a draft."""
    if len(found) > 1:
        logger.warning(
            "%d campaigns are titled %s in Mailchimp; using one, the others are left alone",
            len(found),
            title,
        )
    for status in ("sent", "sending", "schedule", "paused", "save"):
        for campaign in found:
            if campaign.status == status:
                return campaign
    return found[0] if found else None
