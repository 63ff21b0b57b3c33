"""The fake Mailchimp refuses what Mailchimp refuses, so the send tests can fail.

Driven by the real mailchimp-marketing client, without our code in between.
"""

import datetime as dt
import json
import subprocess
import sys

import pytest
from mailchimp_marketing import Client
from mailchimp_marketing.api_client import ApiClientError

from tests.conftest import ROOT
from tests.fake_mailchimp import KEY, LIST_ID, FakeMailchimp

SETTINGS = {
    "title": "tip-2026-W47",
    "subject_line": "Subject",
    "from_name": "Service Sage",
    "reply_to": "editor@example.org",
}


@pytest.fixture
def client():
    with FakeMailchimp() as fake:
        api = Client()
        api.set_config({"api_key": KEY, "server": "us21", "timeout": 5})
        api.api_client.host = fake.root
        yield api, fake


def refusal(call) -> tuple[int, dict]:
    with pytest.raises(ApiClientError) as caught:
        call()
    return caught.value.status_code, json.loads(caught.value.text)


def test_bodies_are_validated_against_the_openapi_description(client):
    api, _ = client
    status, problem = refusal(
        lambda: api.campaigns.create(
            {"type": "regular", "recipients": {"list_id": LIST_ID}, "settings": {"subject": "x"}}
        )
    )
    assert status == 400
    assert problem["title"] == "Invalid Resource"
    assert problem["errors"][0]["field"] == "settings"
    assert "'subject' was unexpected" in problem["errors"][0]["message"]
    status, problem = refusal(lambda: api.campaigns.create({"recipients": {"list_id": LIST_ID}}))
    assert (status, problem["errors"][0]["message"]) == (400, "'type' is a required property")
    condition = {"condition_type": "Interests", "field": "interests-x", "op": "has", "value": []}
    status, problem = refusal(
        lambda: api.campaigns.create(
            {
                "type": "regular",
                "recipients": {"list_id": LIST_ID, "segment_opts": {"conditions": [condition]}},
            }
        )
    )
    assert status == 400 and problem["errors"][0]["field"] == "recipients.segment_opts.conditions.0"


def test_auth_schedule_times_and_the_unsubscribe_link_are_enforced(client):
    api, fake = client
    campaign = api.campaigns.create(
        {"type": "regular", "recipients": {"list_id": LIST_ID}, "settings": SETTINGS}
    )
    api.campaigns.set_content(campaign["id"], {"html": "<p>No way out</p>", "plain_text": "x"})
    checklist = api.campaigns.get_send_checklist(campaign["id"])
    assert checklist["is_ready"] is False
    assert refusal(lambda: api.campaigns.send(campaign["id"]))[0] == 400
    api.campaigns.set_content(campaign["id"], {"html": '<a href="*|UNSUB|*">Unsubscribe</a>'})
    assert api.campaigns.get_send_checklist(campaign["id"])["is_ready"] is True
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(
        minute=7, second=0, microsecond=0
    )
    status, problem = refusal(
        lambda: api.campaigns.schedule(campaign["id"], {"schedule_time": soon.isoformat()})
    )
    assert (status, problem["errors"][0]["field"]) == (400, "schedule_time")
    assert (
        api.campaigns.schedule(
            campaign["id"], {"schedule_time": soon.replace(minute=15).isoformat()}
        ).status_code
        == 204
    )
    assert refusal(lambda: api.campaigns.send(campaign["id"]))[0] == 400  # scheduled: no send
    api.set_config({"api_key": "wrong-us21", "server": "us21"})
    api.api_client.host = fake.root
    assert refusal(lambda: api.lists.get_list(LIST_ID))[0] == 401


def test_injected_faults_reach_the_client_as_mailchimp_would_send_them(client):
    api, fake = client
    fake.fail("GET /lists/{listId}", status=503, body=None)
    empty = api.lists.get_list(LIST_ID)  # the client's trap: no exception for an empty body
    assert empty.status_code == 503
    fake.fail("GET /lists/{listId}", drop=True)
    with pytest.raises(ApiClientError) as dropped:
        api.lists.get_list(LIST_ID)
    assert dropped.value.status_code is None
    assert api.lists.get_list(LIST_ID)["id"] == LIST_ID
    assert fake.calls() == ["GET /lists/{listId}"] * 3


def test_delivery_never_imports_pelican():
    code = (
        "import sys, newsletter.send, newsletter.outbox, newsletter.issues, newsletter.mailchimp;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pelican'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
