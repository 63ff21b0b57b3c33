"""Sending the week's issue through the real mailchimp-marketing client to a local fake.

CLI checks run `invoke newsletter.send` as a user would; the fault matrix calls the
same code in-process (newsletter.commands.send), which is quicker. Either way the
requests go over HTTP on 127.0.0.1 to tests/fake_mailchimp.py.
"""

import base64
import datetime as dt
import email
import json
from email import policy
from zoneinfo import ZoneInfo

import pytest

from newsletter.commands import CommandError, SendOptions, send
from sage.site import publish
from sage.weeks import current_week
from tests.conftest import ROOT, SITEURL, copy_project, run_invoke
from tests.fake_mailchimp import KEY, LIST_ID, FakeMailchimp

WEEK = "2026-W47"
TITLE = f"tip-{WEEK}"
NORMAL_SEND = [
    "GET /lists/{listId}",
    "GET /campaigns",
    "POST /campaigns",
    "PUT /campaigns/{campaignId}/content",
    "GET /campaigns/{campaignId}/send-checklist",
    "POST /campaigns/{campaignId}/actions/send",
]
SEND = "POST /campaigns/{campaignId}/actions/send"
SCHEDULE = "POST /campaigns/{campaignId}/actions/schedule"
TEST = "POST /campaigns/{campaignId}/actions/test"
CREATE = "POST /campaigns"
GET_CAMPAIGN = "GET /campaigns/{campaignId}"


@pytest.fixture(scope="module")
def published_project(tmp_path_factory):
    """A copy of the project published once; most sends reuse its issues (--no-build)."""
    project = copy_project(tmp_path_factory.mktemp("newsletter") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEURL", SITEURL)
        publish(project / "publishconf.py", project / "output")
    return project


@pytest.fixture
def fake():
    with FakeMailchimp() as server:
        yield server


def cli(project, fake, *args, env=None, input=None, build=False):
    """`invoke newsletter.send` as a user runs it; never a traceback, never the key."""
    argv = ["newsletter.send", *([] if build else ["--no-build"]), *args]
    result = run_invoke(project, *argv, env={**fake.env(), **(env or {})}, input=input)
    assert KEY not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


def run(project, fake, week=WEEK, env=None, **options):
    """The same send in-process: (lines printed, error message or None)."""
    lines = []
    options.setdefault("yes", True)
    try:
        send(
            project,
            SendOptions(week=week, no_build=True, **options),
            lines.append,
            lambda _prompt: "",
            {**fake.env(), **(env or {})},
        )
    except CommandError as error:
        return lines, str(error)
    return lines, None


def the_campaign(fake, week=WEEK):
    found = fake.titled(f"tip-{week}")
    assert len(found) == 1, f"{len(found)} campaigns titled tip-{week}"
    return found[0]


def later(days=2, minute=7):
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    return moment.replace(minute=minute, second=0, microsecond=0)


# The normal send and the re-run -----------------------------------------------


def test_send_now_makes_six_calls_and_sends_the_built_issue(published_project, fake):
    result = cli(published_project, fake, "--week", WEEK, "--yes")
    assert result.returncode == 0, result.stderr
    assert f"Sent {TITLE}: Mailchimp is delivering it now." in result.stdout
    assert "Done in 6 Mailchimp API calls." in result.stdout
    assert fake.calls() == NORMAL_SEND
    campaign = the_campaign(fake)
    assert (campaign["status"], campaign["sends"]) == ("sent", 1)
    built = published_project / "newsletter-issues" / WEEK
    assert campaign["content"] == {
        "html": (built / "email.html").read_text(),
        "plain_text": (built / "email.txt").read_text(),
    }
    assert campaign["settings"] == {
        "title": TITLE,
        "subject_line": "Tip of the week: Promise the callback time you can keep",
        "preview_text": "Give a window you can meet, then meet it.",
        "from_name": "Service Sage",
        "reply_to": "editor@servicesage.example.org",
    }
    assert campaign["recipients"] == {"list_id": LIST_ID}
    basic = "Basic " + base64.b64encode(f"user:{KEY}".encode()).decode()
    assert {entry["auth"] for entry in fake.log} == {basic}


def test_a_second_run_for_a_sent_or_scheduled_week_changes_nothing(published_project, fake):
    assert cli(published_project, fake, "--week", WEEK, "--yes").returncode == 0
    changes = fake.changes()
    again = cli(published_project, fake, "--week", WEEK, "--yes")
    assert again.returncode == 0
    assert f"{TITLE} was already sent" in again.stdout and "nothing changed" in again.stdout
    assert fake.changes() == changes

    at = later(minute=30).isoformat()
    assert cli(published_project, fake, "--week", "2026-W46", "--at", at, "--yes").returncode == 0
    changes = fake.changes()
    for args in (["--at", later(days=3).isoformat()], [], ["--test", "ed@example.org"]):
        rerun = cli(published_project, fake, "--week", "2026-W46", "--yes", *args)
        assert rerun.returncode == 0, rerun.stderr
        assert "tip-2026-W46 is already scheduled" in rerun.stdout
        assert "nothing changed" in rerun.stdout
    assert fake.changes() == changes
    assert the_campaign(fake, "2026-W46")["status"] == "schedule"


# A failure at each step, then a re-run ------------------------------------------

STEPS = {
    "checking the audience": "GET /lists/{listId}",
    "looking for the campaign": "GET /campaigns",
    "creating the campaign": CREATE,
    "setting the content": "PUT /campaigns/{campaignId}/content",
    "checking the send checklist": "GET /campaigns/{campaignId}/send-checklist",
    "sending": SEND,
}


@pytest.mark.parametrize("step", STEPS)
def test_a_failed_step_then_a_rerun_sends_exactly_once(published_project, fake, step):
    fake.fail(STEPS[step], status=503, body=None, times=5)
    _, error = run(published_project, fake)
    assert error.startswith(f"Stopped while {step} after 5 attempts: Mailchimp replied 503")
    assert "Run the same command again" in error
    assert fake.calls(STEPS[step]).count(STEPS[step]) == 5
    assert not any(c["sends"] for c in fake.campaigns.values())
    _, error = run(published_project, fake)
    assert error is None
    campaign = the_campaign(fake)
    assert (campaign["status"], campaign["sends"]) == ("sent", 1)


def test_a_failed_update_then_a_rerun(published_project, fake):
    assert run(published_project, fake, test="ed@example.org")[1] is None
    campaign = the_campaign(fake)
    campaign["settings"]["subject_line"] = "Edited in Mailchimp"
    fake.fail("PATCH /campaigns/{campaignId}", status=500, body=None, times=5)
    _, error = run(published_project, fake)
    assert error.startswith("Stopped while updating the campaign after 5 attempts")
    assert campaign["sends"] == 0
    assert run(published_project, fake)[1] is None
    assert the_campaign(fake)["settings"]["subject_line"].startswith("Tip of the week:")
    assert (campaign["status"], campaign["sends"]) == ("sent", 1)


def test_a_failed_test_email_then_a_rerun(published_project, fake):
    fake.fail(TEST, status=503, body=None, times=5)
    _, error = run(published_project, fake, test="ed@example.org")
    assert error.startswith("Stopped while sending the test emails after 5 attempts")
    assert "The test emails were not sent." in error
    assert run(published_project, fake, test="ed@example.org")[1] is None
    assert the_campaign(fake)["tests"] == [["ed@example.org"]]
    assert run(published_project, fake)[1] is None
    campaign = the_campaign(fake)
    assert (campaign["status"], campaign["sends"]) == ("sent", 1)


def test_a_failed_schedule_then_a_rerun(published_project, fake):
    at = later().isoformat()
    fake.fail(SCHEDULE, status=503, body=None, times=5)
    _, error = run(published_project, fake, at=at)
    assert error.startswith("Stopped while scheduling after 5 attempts")
    assert "It may or may not have gone through." in error
    assert the_campaign(fake)["status"] == "save"
    assert run(published_project, fake, at=at)[1] is None
    assert run(published_project, fake, at=at)[1] is None
    campaign = the_campaign(fake)
    assert campaign["status"] == "schedule"
    assert fake.calls(SCHEDULE).count(SCHEDULE) == 6


def test_a_failed_step_exits_non_zero_and_the_rerun_finishes(published_project, fake):
    fake.fail(SEND, status=503, body=None, times=5)
    failed = cli(published_project, fake, "--week", WEEK, "--yes")
    assert failed.returncode == 1
    assert failed.stderr.count("trying again") == 4
    message = [line for line in failed.stderr.splitlines() if "Stopped while" in line]
    assert message == [
        "Stopped while sending after 5 attempts: Mailchimp replied 503 with an empty body. "
        "It may or may not have gone through. Run the same command again: it finds the "
        "campaign, checks what is done and never sends twice."
    ]
    rerun = cli(published_project, fake, "--week", WEEK, "--yes")
    assert rerun.returncode == 0, rerun.stderr
    campaign = the_campaign(fake)
    assert (campaign["status"], campaign["sends"]) == ("sent", 1)


# Retried faults: each is retried and still ends with one campaign sent once --------

RETRIED = {
    "429 with a problem body": (SEND, {"status": 429}, {SEND: 3, GET_CAMPAIGN: 0}),
    "429 with an empty body": (SEND, {"status": 429, "body": None}, {SEND: 3, GET_CAMPAIGN: 0}),
    "500 with an empty body": (SEND, {"status": 500, "body": None}, {SEND: 3, GET_CAMPAIGN: 2}),
    "503 with an empty body": (SEND, {"status": 503, "body": None}, {SEND: 3, GET_CAMPAIGN: 2}),
    "a timeout after the send": (SEND, {"delay": 2.0}, {SEND: 1, GET_CAMPAIGN: 1}),
    "a dropped connection": (SEND, {"drop": True}, {SEND: 3, GET_CAMPAIGN: 2}),
    "a dropped reply after the send": (
        SEND,
        {"drop": True, "processed": True},
        {SEND: 1, GET_CAMPAIGN: 1},
    ),
    "a timeout after the create": (CREATE, {"delay": 2.0}, {CREATE: 1, "GET /campaigns": 2}),
    "a dropped reply after the create": (
        CREATE,
        {"drop": True, "processed": True},
        {CREATE: 1, "GET /campaigns": 2},
    ),
    "429 while looking": ("GET /campaigns", {"status": 429, "body": None}, {"GET /campaigns": 3}),
    "a 502 on the checklist": (
        "GET /campaigns/{campaignId}/send-checklist",
        {"status": 502},
        {"GET /campaigns/{campaignId}/send-checklist": 3},
    ),
}


@pytest.mark.parametrize("fault", RETRIED)
def test_retried_faults_still_send_exactly_once(published_project, fake, fault):
    endpoint, injected, expected_calls = RETRIED[fault]
    fake.fail(endpoint, times=2, **injected)
    # The client gives up after 1 s; a late reply comes after 2 s.
    lines, error = run(published_project, fake, env={"MAILCHIMP_TIMEOUT": "1"})
    assert error is None, error
    campaign = the_campaign(fake)
    assert (campaign["status"], campaign["sends"]) == ("sent", 1)
    calls = fake.calls()
    assert {name: calls.count(name) for name in expected_calls} == expected_calls
    assert KEY not in "\n".join(lines)


@pytest.mark.parametrize(
    ("endpoint", "status", "body"),
    [
        ("PUT /campaigns/{campaignId}/content", 400, "problem"),
        (SEND, 403, None),
        (CREATE, 404, "problem"),
        (CREATE, 422, "problem"),
    ],
)
def test_other_client_errors_are_not_retried(published_project, fake, endpoint, status, body):
    fake.fail(endpoint, status=status, body=body, times=5)
    _, error = run(published_project, fake)
    assert f"Mailchimp replied {status}" in error
    assert "after" not in error.split(":")[0]  # a single attempt
    assert fake.calls().count(endpoint) == 1
    assert not any(c["sends"] for c in fake.campaigns.values())


def test_a_host_with_server_in_its_name_is_not_rewritten(published_project, fake):
    root = fake.root.replace("/3.0", "/testserver/3.0")
    assert run(published_project, fake, env={"MAILCHIMP_API_ROOT": root})[1] is None
    assert the_campaign(fake)["sends"] == 1


# Clear one-line errors --------------------------------------------------------------


def test_clear_errors_for_bad_key_unknown_list_and_mailchimp_validation(published_project, fake):
    bad_key = cli(
        published_project, fake, "--week", WEEK, "--yes", env={"MAILCHIMP_API_KEY": "f00d-us21"}
    )
    assert bad_key.returncode == 1
    assert bad_key.stderr.strip() == (
        "Stopped while checking the audience: Mailchimp replied 401 API Key Invalid: Your API "
        "key may be invalid, or you've attempted to access the wrong datacenter. Nothing was "
        "sent. Check MAILCHIMP_API_KEY: the whole key, ending in its data centre (like -us21)."
    )
    unknown = cli(
        published_project, fake, "--week", WEEK, "--yes", env={"MAILCHIMP_LIST_ID": "nope"}
    )
    assert unknown.returncode == 1
    assert unknown.stderr.strip().endswith(
        "Check MAILCHIMP_LIST_ID: Mailchimp has no audience with that id."
    )
    assert "replied 404 Resource Not Found" in unknown.stderr
    assert fake.calls() == ["GET /lists/{listId}", "GET /lists/{listId}"]  # never retried

    problem = {
        "type": "https://mailchimp.com/developer/marketing/docs/errors/",
        "title": "Invalid Resource",
        "status": 400,
        "detail": "The resource submitted could not be validated.",
        "instance": "x",
        "errors": [{"field": "settings.reply_to", "message": "This value is not a valid email."}],
    }
    fake.fail(CREATE, status=400, body=json.dumps(problem))
    invalid = cli(published_project, fake, "--week", WEEK, "--yes")
    assert invalid.returncode == 1
    assert invalid.stderr.strip() == (
        "Stopped while creating the campaign: Mailchimp replied 400 Invalid Resource: The "
        "resource submitted could not be validated. [settings.reply_to: This value is not a "
        "valid email.] Nothing was sent. Fix what Mailchimp names above, then run the same "
        "command again."
    )
    assert fake.calls().count(CREATE) == 1


def test_clear_errors_before_any_call(published_project, fake):
    cases = {
        ("--week", "2026-W45"): "no tip for 2026-W45: no tip in content/tips/ is dated in that "
        'week; write one with `invoke new tip "Title"` or choose another --week',
        ("--week", "2099-W02"): "2099-W02 is a future week; schedule it with --at "
        "(e.g. --at 2099-01-05T05:00:00+00:00) or send yourself a test with --test",
        ("--week", "2099-W02", "--at", "2099-01-01T09:00:00+00:00"): "--at 2099-01-01 09:00 "
        "UTC is before the tip is published (2099-01-05 05:00 UTC), so its links would not work "
        "yet; schedule it at or after that",
        ("--week", WEEK, "--at", "2020-01-06T09:00:00+00:00"): "--at 2020-01-06 09:00 UTC is "
        "in the past; "
        "choose a later time, or leave out --at to send now",
        ("--at", "next monday"): '--at "next monday" is not a date and time; write it like '
        "2026-11-23T09:00:00+00:00",
        ("--week", "47"): '--week "47" is not an ISO week; write it like 2026-W47',
        ("--test", "ed"): "--test 'ed' is not an email address; list them like a@x.org,b@y.org",
    }
    for args, message in cases.items():
        result = cli(published_project, fake, "--yes", *args)
        assert result.returncode == 1, args
        assert result.stderr.strip() == message
    missing = cli(published_project, fake, "--yes", env={"MAILCHIMP_API_KEY": ""})
    assert missing.returncode == 1
    assert missing.stderr.startswith("MAILCHIMP_API_KEY is not set;")
    assert fake.calls() == []


def test_a_draft_tip_and_a_development_build_are_refused(project, fake):
    (project / "content/tips/2026-w45-draft.md").write_text(
        "Title: Not ready yet\nDate: 2026-11-02\nStatus: draft\n\nBody.\n"
    )
    draft = cli(project, fake, "--week", "2026-W45", "--yes", build=True, env={"SITEURL": SITEURL})
    assert draft.returncode == 1
    assert draft.stderr.strip().endswith(
        "the tip for 2026-W45 is a draft (content/tips/2026-w45-draft.md); remove its "
        "`Status: draft` line to publish it, then send"
    )
    assert run_invoke(project, "build").returncode == 0
    development = cli(project, fake, "--week", WEEK, "--yes")
    assert development.returncode == 1
    assert "has no SITEURL, so its links are not absolute" in development.stderr
    assert fake.calls() == []


def test_the_key_never_appears_in_output_logs_or_files(published_project, fake):
    echo = json.dumps({"title": "Proxy Error", "status": 502, "detail": f"rejected {KEY}"})
    fake.fail("GET /lists/{listId}", status=502, body=echo, times=5)
    result = cli(published_project, fake, "--week", WEEK, "--yes")
    assert result.returncode == 1
    assert "rejected [redacted]" in result.stderr  # the retry warnings and the error
    assert result.stderr.count("[redacted]") == 5
    preview = run_invoke(published_project, "newsletter.preview", "--week", WEEK, env=fake.env())
    assert preview.returncode == 0, preview.stderr
    assert cli(published_project, fake, "--week", WEEK, "--yes").returncode == 0
    for folder in ("output", "newsletter-issues", "outbox"):
        for path in (published_project / folder).rglob("*"):
            assert not path.is_file() or KEY.encode() not in path.read_bytes(), path


# Scheduling, tests, confirmation, dry run, targeting ----------------------------------


def test_schedule_is_rounded_up_to_the_quarter_hour(published_project, fake):
    at = later(minute=7)
    result = cli(published_project, fake, "--week", WEEK, "--at", at.isoformat(), "--yes")
    assert result.returncode == 0, result.stderr
    expected = at.replace(minute=15)
    assert f"for {expected:%Y-%m-%d %H:%M} UTC (rounded up to the quarter hour)" in result.stdout
    campaign = the_campaign(fake)
    assert (campaign["status"], campaign["send_time"]) == ("schedule", expected.isoformat())
    # A queued tip can be scheduled for its publication day; an offset time is UTC-converted.
    queued = cli(
        published_project, fake, "--week", "2099-W02", "--at", "2099-01-05T09:00:00-05:00", "--yes"
    )
    assert queued.returncode == 0, queued.stderr
    assert "for 2099-01-05 14:00 UTC." in queued.stdout
    assert the_campaign(fake, "2099-W02")["send_time"] == "2099-01-05T14:00:00+00:00"
    again = cli(published_project, fake, "--week", "2099-W02", "--at", "2099-01-05T09:00:00-05:00")
    assert again.returncode == 0
    assert "tip-2099-W02 is already scheduled" in again.stdout
    assert fake.calls().count(CREATE) == 2


def test_test_emails_need_no_confirmation_and_the_send_reuses_the_campaign(published_project, fake):
    tested = cli(published_project, fake, "--week", WEEK, "--test", "a@x.org, b@y.org")
    assert tested.returncode == 0, tested.stderr
    assert "Test email sent to a@x.org, b@y.org. The campaign is not sent." in tested.stdout
    campaign = the_campaign(fake)
    assert (campaign["status"], campaign["tests"]) == ("save", [["a@x.org", "b@y.org"]])
    sent = cli(published_project, fake, "--week", WEEK, "--yes")
    assert sent.returncode == 0
    assert fake.calls().count(CREATE) == 1
    assert (the_campaign(fake)["status"], campaign["sends"]) == ("sent", 1)


def test_send_asks_to_type_the_week(published_project, fake):
    refused = cli(published_project, fake, "--week", WEEK, input="yes\n")
    assert refused.returncode == 1
    assert "Type 2026-W47 to send it to the whole audience:" in refused.stdout
    assert refused.stderr.strip() == (
        "Not confirmed, nothing was sent. (Pass --yes to skip the question.)"
    )
    assert fake.changes() == []
    confirmed = cli(published_project, fake, "--week", WEEK, input="2026-w47\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert the_campaign(fake)["sends"] == 1


def test_dry_run_changes_nothing_anywhere(project, fake):
    env = {"SITEURL": SITEURL}
    result = cli(project, fake, "--week", WEEK, "--dry-run", build=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-6:] == [
        "Week 2026-W47: 'Tip of the week: Promise the callback time you can keep' (published tip)",
        "  email     built for this run (HTML 10.0 KB, plain text)",
        f"  audience  Service Sage readers (list {LIST_ID}): everyone",
        "  campaign  tip-2026-W47: not in Mailchimp yet: it will be created",
        "  then      send now",
        "Dry run: nothing was changed, in Mailchimp or on disk.",
    ]
    assert fake.changes() == []
    blind = cli(project, fake, "--dry-run", "--week", WEEK, build=True, env={**env, "MAILCHIMP_API_KEY": ""})  # fmt: skip
    assert blind.returncode == 0
    assert "not checked: no Mailchimp credentials in the environment" in blind.stdout
    assert not (project / "output").exists()
    assert not (project / "newsletter-issues").exists()
    assert not (project / "outbox").exists()


def test_theme_targeting_sends_segment_opts(project):
    with (project / "pelicanconf.py").open("a") as settings:
        settings.write(
            '\nNEWSLETTER_INTERESTS = {"category_id": "topics", "every_tip": "all", '
            '"themes": {"communication": "com", "expectations": "exp", "patience": "pat"}}\n'
        )
    lists = {LIST_ID: {"name": "Readers", "interests": {"topics": ["all", "exp", "com", "pat"]}}}
    with FakeMailchimp(lists=lists) as fake:
        result = cli(project, fake, "--week", WEEK, "--yes", build=True, env={"SITEURL": SITEURL})
        assert result.returncode == 0, result.stderr
        assert the_campaign(fake)["recipients"] == {
            "list_id": LIST_ID,
            "segment_opts": {
                "match": "any",
                "conditions": [
                    {
                        "condition_type": "Interests",
                        "field": "interests-topics",
                        "op": "interestcontains",
                        "value": ["all", "exp", "com"],
                    }
                ],
            },
        }
    assert (project / "output/newsletter/2026-W47/index.html").is_file()  # published, too
    # An interest Mailchimp does not know: its validation error, field by field, once.
    with FakeMailchimp(lists={LIST_ID: {"name": "Readers", "interests": {"topics": ["all"]}}}) as fake:  # fmt: skip
        refused = cli(project, fake, "--week", WEEK, "--yes")
        assert refused.returncode == 1
        assert (
            "Mailchimp replied 400 Invalid Resource: The segment is not valid. "
            "[recipients.segment_opts: Unknown interest category or interest.]" in refused.stderr
        )
        assert fake.calls().count(CREATE) == 1


def test_preview_writes_html_text_and_an_eml_without_credentials(project):
    """The preview is of this week's tip, whatever the date the tests run on."""
    week = current_week("America/New_York")
    title = "Promise the callback time you can keep"  # the fixture's tip in WEEK
    if week != WEEK:  # keep one tip a week: this week's tip replaces any fixture tip in it
        for tip in (project / "content/tips").glob(f"{week.lower()}-*.md"):
            tip.unlink()
        title = "Keep the promise you made this week"
        today = dt.datetime.now(ZoneInfo("America/New_York")).date().isoformat()
        (project / "content/tips/this-week.md").write_text(
            f"Title: {title}\nDate: {today}\n"
            "Summary: Give a window you can meet, then meet it.\n\nBody.\n"
        )
    empty = {"MAILCHIMP_API_KEY": "", "MAILCHIMP_LIST_ID": "", "SITEURL": SITEURL}
    result = run_invoke(project, "newsletter.preview", env=empty)
    assert result.returncode == 0, result.stderr
    assert f"Subject: Tip of the week: {title}" in result.stdout
    paths = {kind: project / "outbox" / f"{week}.{kind}" for kind in ("html", "txt", "eml")}
    for path in paths.values():
        assert f" {path}" in result.stdout
    message = email.message_from_bytes(paths["eml"].read_bytes(), policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert message["Subject"] == f"Tip of the week: {title}"
    assert message["From"] == "Service Sage <editor@servicesage.example.org>"
    assert message["Date"] and message["Message-ID"] and message["To"]
    for kind, path in (("plain", paths["txt"]), ("html", paths["html"])):
        content = message.get_body((kind,)).get_content().replace("\r\n", "\n")
        assert content.rstrip("\n") == path.read_text().rstrip("\n")
    assert f'href="{SITEURL}/' in paths["html"].read_text()
    assert not (project / "output").exists()  # a preview builds in a scratch folder


def test_weekly_workflow_tests_publishes_then_sends():
    workflow = (ROOT / ".github/workflows/weekly.yml").read_text()
    for line in (
        '- cron: "0 13 * * 1"',
        "workflow_dispatch:",
        "run: invoke test",
        "uses: actions/configure-pages@v5",
        "SITEURL: ${{ steps.pages.outputs.base_url }}",
        "run: invoke publish",
        "uses: actions/upload-pages-artifact@v3",
        "uses: actions/deploy-pages@v4",
        "needs: [build, deploy]",
        "MAILCHIMP_API_KEY: ${{ secrets.MAILCHIMP_API_KEY }}",
        "MAILCHIMP_LIST_ID: ${{ secrets.MAILCHIMP_LIST_ID }}",
        "run: invoke newsletter.send --yes",
    ):
        assert line in workflow, line
    assert workflow.index("invoke test") < workflow.index("invoke publish")
    assert workflow.index("deploy-pages") < workflow.index("invoke newsletter.send")
    assert "`.github/workflows/weekly.yml`" in (ROOT / "README.md").read_text()
