"""The SUBSCRIBE_* settings: a good form is described, a bad one stops the build
with one sentence naming the setting and the fix."""

import pytest

from sage.subscribe import Interest, SubscribeForm, SubscribeSettingsError, subscribe_form
from tests.conftest import run_invoke

ACTION = "https://example.us21.list-manage.com/subscribe/post?u=1a2b3c&id=4d5e6f"
THEMES = {"expectations": "Expectations", "empathy": "Empathy", "patience": "Patience"}


def test_unset_means_no_form():
    assert subscribe_form({}, THEMES) is None
    assert subscribe_form({"SUBSCRIBE_FORM_ACTION": None}, THEMES) is None


def test_the_honeypot_is_derived_from_the_action_and_interests_follow_the_taxonomy():
    form = subscribe_form(
        {
            "SUBSCRIBE_FORM_ACTION": ACTION,
            "SUBSCRIBE_INTERESTS": {"patience": "group[99][4]", "expectations": "group[99][1]"},
        },
        THEMES,
    )
    assert form == SubscribeForm(
        ACTION,
        "b_1a2b3c_4d5e6f",
        (
            Interest("expectations", "Expectations", "group[99][1]", "1"),
            Interest("patience", "Patience", "group[99][4]", "4"),
        ),
    )
    explicit = {"SUBSCRIBE_FORM_ACTION": ACTION, "SUBSCRIBE_HONEYPOT": "b_1a2b3c_4d5e6f"}
    assert subscribe_form(explicit, THEMES).honeypot == "b_1a2b3c_4d5e6f"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"SUBSCRIBE_FORM_ACTION": "http://example.list-manage.com/subscribe/post?u=1&id=2"},
            "is not a Mailchimp embedded-form URL",
        ),
        (
            {"SUBSCRIBE_FORM_ACTION": "https://example.list-manage.com/subscribe/post?u=1a2b"},
            "it needs both ?u= and &id=",
        ),
        (
            {"SUBSCRIBE_FORM_ACTION": "https://example.org/signup"},
            "copy the form's action from Mailchimp's embedded form code",
        ),
        (
            {"SUBSCRIBE_FORM_ACTION": ACTION, "SUBSCRIBE_HONEYPOT": "b_ffff_4d5e6f"},
            "SUBSCRIBE_HONEYPOT: 'b_ffff_4d5e6f' does not match the form's u and id; use \"b_1a2b3c_4d5e6f\"",
        ),
        (
            {"SUBSCRIBE_FORM_ACTION": ACTION, "SUBSCRIBE_INTERESTS": {"speed": "group[1][1]"}},
            '"speed" is not a theme in the taxonomy; use one of: expectations, empathy, patience',
        ),
        (
            {"SUBSCRIBE_FORM_ACTION": ACTION, "SUBSCRIBE_INTERESTS": {"empathy": "abc123"}},
            "SUBSCRIBE_INTERESTS[\"empathy\"]: 'abc123' is not a Mailchimp interest field",
        ),
        (
            {"SUBSCRIBE_FORM_ACTION": ACTION, "SUBSCRIBE_INTERESTS": ["empathy"]},
            'expected a dict of theme slug -> "group[<n>][<bit>]"',
        ),
    ],
)
def test_bad_settings_name_the_setting_and_the_fix(settings, message):
    with pytest.raises(SubscribeSettingsError) as error:
        subscribe_form(settings, THEMES)
    assert message in str(error.value)


def test_a_local_test_server_is_allowed_over_http():
    action = "http://127.0.0.1:8080/subscribe/post?u=1a&id=2b"
    assert subscribe_form({"SUBSCRIBE_FORM_ACTION": action}, THEMES).honeypot == "b_1a_2b"


def test_a_bad_form_url_stops_the_build_with_one_line(project):
    with (project / "pelicanconf.py").open("a") as settings:
        settings.write('\nSUBSCRIBE_FORM_ACTION = "https://example.org/join"\n')
    result = run_invoke(project, "build")
    assert result.returncode == 1
    assert (
        "setting SUBSCRIBE_FORM_ACTION: 'https://example.org/join' is not a Mailchimp "
        "embedded-form URL" in result.stderr
    )
    assert "Traceback" not in result.stderr + result.stdout
    assert not (project / "output/index.html").exists()
