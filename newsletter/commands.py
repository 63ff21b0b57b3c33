"""What `invoke newsletter.preview` and `invoke newsletter.send` do, minus the printing.

The tasks pass in `say` (print) and `ask` (input); everything an editor reads
goes through them with the API key redacted. The build runs here (publish
settings, so every link is absolute); delivery then only reads the built issue.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from newsletter.issues import Issue, IssueError, issues_folder, load_issue
from newsletter.mailchimp import MailchimpBackend
from newsletter.outbox import write_outbox
from newsletter.schedule import TimingError, parse_at
from newsletter.send import Plan, SendError, SendRequest, carry_out, check_request, plan_send
from newsletter.settings import MailchimpSettings, SettingsError, mailchimp_settings
from sage.weeks import current_week, normalize_week

Say = Callable[[str], None]
Ask = Callable[[str], str]
PUBLISH_SETTINGS = "publishconf.py"
LOGGERS = ["newsletter.retry", "newsletter.mailchimp", "newsletter.send"]


class CommandError(Exception):
    """The command stopped; the message (one line, key redacted) says why and what to do."""


class _Redact(logging.Filter):
    def __init__(self, secret: str):
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, "[redacted]"), ()
        return True


def _redacting(say: Say, secret: str) -> Say:
    return lambda text: say(text.replace(secret, "[redacted]") if secret else text)


def _week(week: str | None, timezone: str) -> str:
    try:
        return normalize_week(week) if week else current_week(timezone)
    except ValueError as error:
        raise CommandError(f"--week {error}") from None


def _build(root: Path, scratch: Path | None) -> tuple[Path, dict]:
    """Build with publish settings, into `scratch` (preview, dry run) or, exactly as
    `invoke publish` does, into output/ (scratch None). Returns the issues folder."""
    from sage.site import BuildError, build, publish, read_settings

    settings_file = root / PUBLISH_SETTINGS
    settings = read_settings(settings_file)
    try:
        if scratch is None:
            publish(settings_file, settings["OUTPUT_PATH"])
            return _issues_of(settings), settings
        folder = scratch / "issues"
        build(
            settings_file, OUTPUT_PATH=str(scratch / "output"), NEWSLETTER_ISSUES_PATH=str(folder)
        )
        return folder, settings
    except BuildError as error:
        raise CommandError(f"Build failed:\n{error}") from None


def _issues_of(settings: dict) -> Path:
    return issues_folder(settings["OUTPUT_PATH"], settings.get("NEWSLETTER_ISSUES_PATH", ""))


def preview(root: Path, week: str | None, say: Say) -> dict[str, Path]:
    """Build, then write the week's issue to outbox/ as .html, .txt and .eml."""
    week = _week(week, "UTC") if week else None  # a typo stops before the build
    with tempfile.TemporaryDirectory(prefix="newsletter-preview-") as scratch:
        folder, settings = _build(root, Path(scratch))
        try:
            issue = load_issue(folder, _week(week, settings["TIMEZONE"]))
        except IssueError as error:
            raise CommandError(str(error)) from None
    paths = write_outbox(issue, root / "outbox")
    say(f"Subject: {issue.subject}")
    say(f"Preheader: {issue.preheader}")
    for kind, path in paths.items():
        say(f"  {kind:4} {path}")
    say(f"HTML part: {issue.html_bytes / 1024:.1f} KB. {_status_note(issue)}")
    return paths


def _status_note(issue: Issue) -> str:
    if issue.status == "draft":
        return f"The tip is a draft ({issue.source}): it cannot be sent until published."
    if issue.status == "queued":
        date = dt.datetime.fromisoformat(issue.date)
        return f"The tip is queued until {date:%-d %B %Y %H:%M %Z}: schedule it with --at."
    return "The tip is published."


@dataclass(frozen=True)
class SendOptions:
    """The options of `invoke newsletter.send`, as typed."""

    week: str | None = None
    test: str = ""
    at: str = ""
    dry_run: bool = False
    yes: bool = False
    no_build: bool = False


def send(
    root: Path, options: SendOptions, say: Say, ask: Ask, environ: Mapping[str, str] = os.environ
) -> None:
    """Build, then create or update the week's campaign and test, schedule or send it."""
    secret = environ.get("MAILCHIMP_API_KEY", "").strip()
    # Logger filters apply only where a record is made: put one on each of ours.
    loggers = [logging.getLogger(name) for name in LOGGERS] if secret else []
    redact = _Redact(secret)
    for logger in loggers:
        logger.addFilter(redact)
    try:
        _send(root, options, _redacting(say, secret), ask, environ)
    except (SendError, SettingsError, IssueError, TimingError, CommandError) as error:
        message = str(error).replace(secret, "[redacted]") if secret else str(error)
        raise CommandError(message) from None
    finally:
        for logger in loggers:
            logger.removeFilter(redact)


def _request(options: SendOptions) -> SendRequest:
    emails = [email.strip() for email in options.test.split(",") if email.strip()]
    bad = [email for email in emails if "@" not in email]
    if bad:
        raise CommandError(
            f"--test {bad[0]!r} is not an email address; list them like a@x.org,b@y.org"
        )
    return SendRequest(test_emails=emails, at=parse_at(options.at) if options.at else None)


def _issue(root: Path, options: SendOptions) -> tuple[Issue, Path | None]:
    """The week's built issue: built now (publish, or scratch for a dry run) or as last built."""
    if options.no_build:
        from sage.site import read_settings

        settings = read_settings(root / PUBLISH_SETTINGS)
        folder = _issues_of(settings)
        return load_issue(folder, _week(options.week, settings["TIMEZONE"])), folder
    if options.dry_run:
        with tempfile.TemporaryDirectory(prefix="newsletter-dry-run-") as scratch:
            folder, settings = _build(root, Path(scratch))
            return load_issue(folder, _week(options.week, settings["TIMEZONE"])), None
    folder, settings = _build(root, None)
    return load_issue(folder, _week(options.week, settings["TIMEZONE"])), folder


def _send(root: Path, options: SendOptions, say: Say, ask: Ask, environ) -> None:
    if options.week:
        _week(options.week, "UTC")  # a typo stops before the build
    request = _request(options)
    try:
        credentials: MailchimpSettings | None = mailchimp_settings(environ)
    except SettingsError:
        if not options.dry_run:
            raise
        credentials = None
    issue, folder = _issue(root, options)
    check_request(issue, request, dt.datetime.now(dt.UTC))
    backend = MailchimpBackend(credentials) if credentials else None
    plan = plan_send(issue, request, backend) if backend else Plan(issue, request, "")
    for line in describe(plan, folder):
        say(line)
    if plan.finished:
        say(_finished(plan))
        return
    if options.dry_run:
        say("Dry run: nothing was changed, in Mailchimp or on disk.")
        return
    if request.mode != "test" and not options.yes:
        _confirm(issue, request, ask)
    carry_out(plan, backend, say)
    say(f"Done in {backend.calls} Mailchimp API calls.")


def _confirm(issue: Issue, request: SendRequest, ask: Ask) -> None:
    verb = "schedule" if request.mode == "schedule" else "send"
    try:
        answer = ask(f"Type {issue.week} to {verb} it to the whole audience: ")
    except EOFError:
        answer = ""
    if answer.strip().upper() != issue.week:
        raise CommandError("Not confirmed, nothing was sent. (Pass --yes to skip the question.)")


def _finished(plan: Plan) -> str:
    campaign = plan.campaign
    when = f" ({campaign.send_time})" if campaign.send_time else ""
    if campaign.status == "schedule":
        return (
            f"{plan.issue.campaign_title} is already scheduled{when}: nothing changed. To change "
            "it, unschedule it in Mailchimp, then run this again."
        )
    if campaign.status == "paused":
        return f"{plan.issue.campaign_title} is paused in Mailchimp: nothing changed."
    return f"{plan.issue.campaign_title} was already {campaign.status}{when}: nothing changed."


def describe(plan: Plan, folder: Path | None) -> list[str]:
    """The plan in a few lines, for the editor to read before confirming."""
    issue, request = plan.issue, plan.request
    lines = [
        f"Week {issue.week}: {issue.subject!r} ({issue.status} tip)",
        f"  email     {f'{folder / issue.week}/' if folder else 'built for this run'} "
        f"(HTML {issue.html_bytes / 1024:.1f} KB, plain text)",
    ]
    targeting = (
        "subscribers with interest " + ", ".join(issue.audience["interest_ids"])
        if issue.audience
        else "everyone"
    )
    if not plan.looked:
        lines.append("  audience  not checked: no Mailchimp credentials in the environment")
    else:
        lines.append(f"  audience  {plan.list_name or '?'} (list {plan.list_id}): {targeting}")
        campaign = plan.campaign
        if campaign is None:
            state = "not in Mailchimp yet: it will be created"
        elif plan.finished:
            state = f"exists (id {campaign.id}) and is {campaign.status}"
        else:
            state = f"exists, unsent (id {campaign.id}): it will be updated and reused"
        lines.append(f"  campaign  {issue.campaign_title}: {state}")
        if plan.finished:
            return lines
    if request.mode == "test":
        then = f"send test emails to {', '.join(request.test_emails)}"
    elif request.mode == "schedule":
        then = f"schedule for {request.schedule_time:%Y-%m-%d %H:%M} UTC"
    else:
        then = "send now"
    lines.append(f"  then      {then}")
    return lines
