"""One week's send through Mailchimp: plan it, then carry it out, safely repeatable.

The campaign's title (`tip-2026-W47`) is its identity: a run first looks for
it, so running again after any failure continues the same campaign, and a week
that is already sent or scheduled is left alone. Each step's failure becomes one
line saying what happened and what to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from newsletter.issues import Issue
from newsletter.mailchimp import Campaign, MailchimpBackend
from newsletter.retry import CallFailed
from newsletter.schedule import TimingError, check_schedule, round_up_to_quarter_hour
from sage.weeks import current_week, week_start

FINISHED = {"schedule", "sending", "sent", "paused"}
LOOKBACK = dt.timedelta(days=366)
UNSUBSCRIBE_TAG = "*|UNSUB|*"


class SendError(Exception):
    """The send stopped; the message says what happened and what to do."""


@dataclass
class SendRequest:
    """What the editor asked for: test emails, a schedule time, or (neither) send now."""

    test_emails: list[str] = field(default_factory=list)
    at: dt.datetime | None = None  # as given; `schedule_time` is it rounded up

    @property
    def mode(self) -> str:
        return "test" if self.test_emails else "schedule" if self.at else "now"

    @property
    def schedule_time(self) -> dt.datetime | None:
        return round_up_to_quarter_hour(self.at) if self.at else None


@dataclass
class Plan:
    """What a run will do, after looking (read-only) at Mailchimp."""

    issue: Issue
    request: SendRequest
    list_id: str
    list_name: str | None = None
    campaign: Campaign | None = None
    looked: bool = False  # False on a dry run without credentials

    @property
    def finished(self) -> bool:
        return self.campaign is not None and self.campaign.status in FINISHED


def check_request(issue: Issue, request: SendRequest, now: dt.datetime) -> None:
    """Refuse, before any API call, what could never be right."""
    if issue.status == "draft":
        raise SendError(
            f"the tip for {issue.week} is a draft ({issue.source}); remove its "
            "`Status: draft` line to publish it, then send"
        )
    if not issue.siteurl:
        raise SendError(
            f"the built issue for {issue.week} has no SITEURL, so its links are not absolute; "
            "build with publish settings (leave out --no-build, or run `invoke publish` first)"
        )
    if UNSUBSCRIBE_TAG not in issue.html:
        raise SendError(
            f"the email has no {UNSUBSCRIBE_TAG} link and Mailchimp would refuse it; "
            "put it back in theme/email/issue.html"
        )
    if not issue.reply_to:
        raise SendError(
            "NEWSLETTER_REPLY_TO is empty; set it in pelicanconf.py to an address "
            "verified in Mailchimp"
        )
    if request.test_emails and request.at:
        raise SendError("--test and --at do not go together: send tests first, then schedule")
    tip_date = dt.datetime.fromisoformat(issue.date)
    if request.mode == "schedule":
        try:
            check_schedule(request.schedule_time, tip_date, now)
        except TimingError as error:
            raise SendError(str(error)) from None
    elif request.mode == "now":
        suggestion = round_up_to_quarter_hour(max(tip_date, now)).isoformat()
        if issue.week > current_week(issue.timezone, now):
            raise SendError(
                f"{issue.week} is a future week; schedule it with --at "
                f"(e.g. --at {suggestion}) or send yourself a test with --test"
            )
        if tip_date > now:
            raise SendError(
                f"the tip for {issue.week} is queued until {tip_date:%Y-%m-%d %H:%M %Z}; "
                f"schedule it with --at {suggestion} or later"
            )


def campaign_body(issue: Issue, list_id: str) -> dict:
    """The campaign's settings and audience, as POST /campaigns takes them."""
    recipients: dict = {"list_id": list_id}
    if issue.audience:
        recipients["segment_opts"] = {
            "match": "any",
            "conditions": [
                {
                    "condition_type": "Interests",
                    "field": f"interests-{issue.audience['category_id']}",
                    "op": "interestcontains",
                    "value": list(issue.audience["interest_ids"]),
                }
            ],
        }
    return {
        "type": "regular",
        "recipients": recipients,
        "settings": {
            "title": issue.campaign_title,
            "subject_line": issue.subject,
            "preview_text": issue.preheader,
            "from_name": issue.from_name,
            "reply_to": issue.reply_to,
        },
    }


def plan_send(issue: Issue, request: SendRequest, backend: MailchimpBackend) -> Plan:
    """Look (read-only) at the audience and the week's campaign."""
    plan = Plan(issue, request, backend.settings.list_id, looked=True)
    plan.list_name = _step("check", issue, backend.list_name)
    plan.campaign = _step(
        "find", issue, lambda: backend.find_campaign(issue.campaign_title, _since(issue))
    )
    return plan


def _since(issue: Issue) -> dt.datetime:
    """How far back to look for the week's campaign: it was made within a year before
    its week, or before now for a week ahead (scheduled early)."""
    return min(week_start(issue.week, issue.timezone), dt.datetime.now(dt.UTC)) - LOOKBACK


def _needs_update(campaign: Campaign, body: dict) -> bool:
    wanted = body["settings"]
    current = campaign.settings
    if any(current.get(key) != value for key, value in wanted.items()):
        return True
    return campaign.recipients.get("segment_opts") != body["recipients"].get("segment_opts")


def carry_out(plan: Plan, backend: MailchimpBackend, say: Callable[[str], None]) -> None:
    """Create or update the campaign, set its content, check it, then test, schedule or send."""
    issue, request = plan.issue, plan.request
    body = campaign_body(issue, plan.list_id)
    campaign = plan.campaign
    if campaign is None:
        campaign = _step("create", issue, lambda: backend.create_campaign(body, _since(issue)))
        say(f"Created campaign {issue.campaign_title} (id {campaign.id}).")
        if campaign.status in FINISHED:
            say(f"It is already {campaign.status}; nothing else to do.")
            return
    elif _needs_update(campaign, body):
        update = {"recipients": body["recipients"], "settings": body["settings"]}
        _step("update", issue, lambda: backend.update_campaign(campaign.id, update))
        say(f"Updated campaign {issue.campaign_title} (id {campaign.id}).")
    _step("content", issue, lambda: backend.set_content(campaign.id, issue.html, issue.text))
    say(f"Content set: HTML {issue.html_bytes / 1024:.1f} KB and plain text.")
    checklist = _step("checklist", issue, lambda: backend.send_checklist(campaign.id))
    if not checklist.get("is_ready"):
        problems = [
            f"{item.get('heading', '')}: {item.get('details', '')}".strip(": ")
            for item in checklist.get("items") or []
            if item.get("type") == "error"
        ]
        raise SendError(
            f"Mailchimp's send checklist for {issue.campaign_title} is not ready "
            f"({'; '.join(problems) or 'no details given'}). Nothing was sent: fix that in "
            "Mailchimp or in the issue, then run the same command again"
        )
    if request.mode == "test":
        _step("test", issue, lambda: backend.send_test(campaign.id, request.test_emails))
        say(f"Test email sent to {', '.join(request.test_emails)}. The campaign is not sent.")
    elif request.mode == "schedule":
        when = request.schedule_time
        _step("schedule", issue, lambda: backend.schedule(campaign.id, when))
        rounded = "" if when == request.at else " (rounded up to the quarter hour)"
        say(f"Scheduled {issue.campaign_title} for {when:%Y-%m-%d %H:%M} UTC{rounded}.")
    else:
        _step("send", issue, lambda: backend.send_now(campaign.id))
        say(f"Sent {issue.campaign_title}: Mailchimp is delivering it now.")


STEPS = {
    "check": "checking the audience",
    "find": "looking for the campaign",
    "create": "creating the campaign",
    "update": "updating the campaign",
    "content": "setting the content",
    "checklist": "checking the send checklist",
    "test": "sending the test emails",
    "schedule": "scheduling",
    "send": "sending",
}

NOT_DONE = {
    "send": " The campaign was not sent.",
    "schedule": " The campaign was not scheduled.",
    "test": " The test emails were not sent.",
}


def _step(name: str, issue: Issue, action: Callable):
    try:
        return action()
    except CallFailed as failure:
        raise SendError(_explain(name, issue, failure)) from None


def _explain(name: str, issue: Issue, failure: CallFailed) -> str:
    """One line: the step, what Mailchimp said, whether anything went out, what to do."""
    tries = f" after {failure.attempts} attempts" if failure.attempts > 1 else ""
    said = str(failure) if str(failure).endswith((".", "]")) else f"{failure}."
    happened = f"Stopped while {STEPS[name]}{tries}: {said}"
    if name in ("send", "schedule") and failure.maybe_done:
        outcome = " It may or may not have gone through."
    else:
        outcome = NOT_DONE.get(name, " Nothing was sent.")
    if failure.status in (401, 403):
        todo = "Check MAILCHIMP_API_KEY: the whole key, ending in its data centre (like -us21)."
    elif failure.status == 404 and name == "check":
        todo = "Check MAILCHIMP_LIST_ID: Mailchimp has no audience with that id."
    elif failure.status == 404:
        todo = "The campaign is gone from Mailchimp; run the same command again to start afresh."
    elif failure.status is not None and 400 <= failure.status < 500 and failure.status != 429:
        todo = "Fix what Mailchimp names above, then run the same command again."
    else:
        todo = (
            "Run the same command again: it finds the campaign, checks what is done "
            "and never sends twice."
        )
    return f"{happened}{outcome} {todo}"
