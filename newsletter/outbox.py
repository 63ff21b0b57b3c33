"""The outbox backend: a built issue written to files an editor can open.

<week>.html opens in a browser, <week>.txt is the plain-text part, and <week>.eml
is the whole message (both parts, the headers) for any mail client. Merge tags
such as *|UNSUB|* are left as Mailchimp will receive them.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from newsletter.issues import Issue

PREVIEW_RECIPIENT = ("Preview", "preview@example.invalid")


def email_message(issue: Issue) -> EmailMessage:
    """The issue as a multipart/alternative message: plain text first, then HTML."""
    message = EmailMessage()
    sender = issue.reply_to or "newsletter@example.invalid"
    message["Subject"] = issue.subject
    message["From"] = formataddr((issue.from_name, sender))
    if issue.reply_to:
        message["Reply-To"] = issue.reply_to
    message["To"] = formataddr(PREVIEW_RECIPIENT)
    message["Date"] = format_datetime(dt.datetime.fromisoformat(issue.date))
    message["Message-ID"] = make_msgid(f"{issue.campaign_title}.preview")
    message.set_content(issue.text)
    message.add_alternative(issue.html, subtype="html")
    return message


def write_outbox(issue: Issue, folder: Path) -> dict[str, Path]:
    """Write <week>.html, .txt and .eml into `folder`; return their paths by kind."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {kind: folder / f"{issue.week}.{kind}" for kind in ("html", "txt", "eml")}
    paths["html"].write_text(issue.html, encoding="utf-8")
    paths["txt"].write_text(issue.text, encoding="utf-8")
    paths["eml"].write_bytes(email_message(issue).as_bytes(policy=SMTP))
    return paths
