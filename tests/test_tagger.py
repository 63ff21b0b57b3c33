"""The theme tagger: scoring, explanation, hostile inputs, the taxonomy's vocabulary."""

import json
import math
import re
import time

import pytest

from sage.post_themes import explain, load_tagger
from sage.site import read_settings
from sage.tagger import Tagger, TaggerSettings, without_attribution, words_of
from sage.tagger_eval import LabelledSetError, load_labelled
from sage.taxonomy import TaxonomyError, Theme, load_taxonomy
from tests.conftest import FIXTURE_SITE, ROOT, THEME_SLUGS, run_invoke

SETTINGS = read_settings(ROOT / "pelicanconf.py")


def small_taxonomy(**vocabularies) -> list[Theme]:
    return [
        Theme(slug, slug.title(), f"About {slug}.", vocab) for slug, vocab in vocabularies.items()
    ]


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return load_tagger(SETTINGS)[1]


def test_stems_match_word_forms_and_exact_words_do_not():
    themes = small_taxonomy(
        empathy={"terms": {"apology": 2}},
        patience={"terms": {"=patiently": 3}},
    )
    tagger = Tagger(themes)
    scores, _ = tagger._scores("", "An apology, two apologies, and one apologized.")
    assert scores == [round(2 * (1 + math.log(3)), 2), 0.0]  # three forms of one stem
    assert tagger.tag("", "She waited patiently.") == ["patience"]
    assert tagger.tag("", "Three patients waited.") == []


def test_an_exact_word_also_counts_for_its_stem_and_inside_phrases():
    themes = small_taxonomy(
        patience={"terms": {"=patiently": 3, "patient": 1}},
        empathy={"phrases": {"patiently listen": 2, "be patient": 2}},
    )
    tagger = Tagger(themes, TaggerSettings(min_score=1))
    text = "Be patient. Patiently listen, patiently listen; patients wait. Be patiently."
    decision = tagger.decide("", text)
    patience, empathy = decision.scores
    evidence = {item.term: item.body for item in patience.evidence + empathy.evidence}
    # "patient", "Patiently" ×3 and "patients" share the stem; only "patiently" is exact;
    # "be patiently" is the phrase "be patient" too, the stem standing for the word.
    assert evidence == {"patiently": 3, "patient": 5, "patiently listen": 2, "be patient": 2}
    assert patience.score == round(3 * (1 + math.log(3)) + 1 + math.log(5), 2)
    assert decision.length == len(text.split())


def test_phrases_match_through_stems_and_title_counts_double():
    themes = small_taxonomy(
        recovery={"phrases": {"ask for a manager": 3}},
        leadership={"terms": {"manager": 1}},
    )
    tagger = Tagger(themes, TaggerSettings(min_score=1))
    decision = tagger.decide("", "He asked for a manager twice.")
    assert decision.themes[0] == "recovery"
    recovery = decision.scores[0]
    assert recovery.score == 3 and recovery.evidence[0].term == "ask for a manager"
    titled = tagger.decide("Asked for a manager", "")
    assert titled.scores[0].score == 3 * TaggerSettings().title_weight


def test_long_phrases_share_beginnings_and_never_span_text_and_title():
    themes = small_taxonomy(
        recovery={"phrases": {"ask for a refund": 3, "ask for a": 1}},
        leadership={"phrases": {"ask for a manager today": 2}},
    )
    tagger = Tagger(themes, TaggerSettings(min_score=0.5))
    scores, _ = tagger._scores("", "Ask for a refund, then ask for a manager today")
    assert scores == [round(3 + 1 + math.log(2), 2), 2.0]
    # The text ends "ask for a" and the title is "Refund": the tagger reads the text,
    # then the title, and a phrase never runs from one into the other.
    scores, _ = tagger._scores("Refund", "Please ask for a")
    assert scores == [1.0, 0.0]
    scores, _ = tagger._scores("Ask for a refund", "")
    assert scores == [(3 + 1) * TaggerSettings().title_weight, 0.0]


def test_secondary_themes_need_a_share_of_the_primary():
    themes = small_taxonomy(
        a={"terms": {"alpha": 3}}, b={"terms": {"beta": 2}}, c={"terms": {"gamma": 1}}
    )
    words = " filler" * 70
    tagger = Tagger(themes, TaggerSettings(min_score=1, secondary_ratio=0.5, third_ratio=0.6))
    assert tagger.tag("", "alpha beta gamma" + words) == ["a", "b"]  # gamma: 1 < 60% of 3
    assert tagger.tag("", "alpha alpha beta beta gamma gamma" + words)[:2] == ["a", "b"]
    # A one-line law needs more: a single word must not add a second theme.
    assert tagger.tag("", "alpha beta") == ["a"]


def test_negative_cues_subtract():
    themes = small_taxonomy(
        experience={"terms": {"experience": 2}, "negative": {"years of experience": 2}}
    )
    tagger = Tagger(themes)
    assert tagger.tag("", "A memorable experience for every guest.") == ["experience"]
    assert tagger.tag("", "An agent with ten years of experience.") == []


def test_ties_are_broken_by_taxonomy_order_and_results_are_stable(tagger):
    themes = small_taxonomy(first={"terms": {"apple": 2}}, second={"terms": {"pear": 2}})
    tied = Tagger(themes, TaggerSettings(secondary_ratio=1.01, short_secondary_ratio=1.01))
    assert tied.tag("", "apple pear") == ["first"]
    text = (FIXTURE_SITE / "tips/2026-w47-promise-the-callback.md").read_text()
    assert len({tuple(tagger.tag("Promise", text)) for _ in range(5)}) == 1


def test_real_posts_get_sensible_themes(tagger):
    assert (
        tagger.tag(
            "The customer who shouted",
            "He was furious about the double charge and asked for a manager. She let him finish, "
            "apologised for the mistake, refunded it on the spot and made it right.",
        )[0]
        == "recovery"
    )
    assert (
        tagger.tag(
            "When the chatbot loops",
            "The bot kept sending her back to the same help article. Give every chatbot an exit to a "
            "human agent and test your phone menu and website yourself.",
        )[0]
        == "technology"
    )
    law = tagger.tag("The Law of the Other Line", "The queue you leave always moves faster.")
    assert law[0] == "patience"


def test_attribution_at_the_end_of_a_law_is_ignored():
    assert (
        without_attribution("Nobody reads the sign. — a call-centre team leader")
        == "Nobody reads the sign."
    )
    assert without_attribution("It works — mostly.") == "It works — mostly."


@pytest.mark.parametrize(
    "title, text",
    [
        ("", ""),
        ("!!!", "?!… — ;;; ... ((( ))) *** ###"),
        ("<b>bold</b>", "<div><p><br><img src=x onerror=alert(1)></p></div>" * 100),
        ("Kundenservice", "Der Kunde wartet seit Tagen auf eine Antwort und niemand ruft zurück."),
        ("客户服务", "顾客一直在等待回复。"),
    ],
)
def test_hostile_inputs_never_crash_and_get_no_theme(tagger, title, text):
    assert tagger.tag(title, text) == []
    decision = tagger.decide(title, text)
    assert decision.themes == [] and len(decision.scores) == 11


def test_a_one_megabyte_post_is_tagged(tagger):
    paragraph = (
        "The caller was furious about the refund, so the agent apologised, listened and fixed it. "
    ) * 12
    text = (paragraph + "\n\n") * (1_000_000 // len(paragraph))
    assert len(text) > 1_000_000
    started = time.perf_counter()
    themes = tagger.tag("A long post", text)
    assert themes[0] == "recovery" and len(themes) <= 3
    assert time.perf_counter() - started < 30  # sanity bound only; speed lives in benchmarks/


def test_words_are_split_on_everything_but_ascii_letters_and_digits():
    assert words_of("don't re-open the 24h ticket—ever") == [
        "don",
        "t",
        "re",
        "open",
        "the",
        "24h",
        "ticket",
        "ever",
    ]


@pytest.mark.parametrize(
    "table, message",
    [
        ({"terms": {"apology": "lots"}}, '[empathy.terms] "apology": the weight must be a number'),
        ({"phrases": {"vent": 2}}, '[empathy.phrases] "vent": a phrase has two or more words'),
        (
            {"terms": {"apology": 2, "apologies": 1}},
            '[empathy] "apologies" and "apology" match the same words',
        ),
        ({"terms": {"...": 2}}, '[empathy.terms] "...": no words to match'),
        ({"synonyms": {"x": 1}}, "[empathy]: unknown key 'synonyms'"),
        ({"terms": ["apology"]}, "[empathy.terms] must be a table"),
    ],
)
def test_a_malformed_vocabulary_names_the_file_and_the_entry(table, message):
    with pytest.raises(TaxonomyError) as error:
        Tagger([Theme("empathy", "Empathy", "Feelings.", table)], source="content/themes.toml")
    assert str(error.value).startswith("content/themes.toml: ")
    assert message in str(error.value)


def test_the_shipped_taxonomy_loads_with_every_theme():
    themes = load_taxonomy(ROOT / "content" / "themes.toml")
    assert [theme.slug for theme in themes] == THEME_SLUGS
    assert all(len(theme.vocabulary.get("terms", {})) >= 50 for theme in themes)


def test_explain_reads_like_an_editors_reasoning(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = ROOT / "content/tips/2026-w47-make-automated-messages-sound-human.md"
    text = explain(SETTINGS, path)
    lines = text.splitlines()
    assert (
        lines[0]
        == "content/tips/2026-w47-make-automated-messages-sound-human.md: Make automated messages sound human"
    )
    assert lines[2].split() == [
        "theme",
        "score",
        "words",
        "and",
        "phrases",
        "that",
        "produced",
        "it",
    ]
    assert any(
        line.startswith("technology ") and '"automated message" (title' in line for line in lines
    )
    assert "Primary: Technology, the highest score" in text
    assert "Not kept (under" in text


def test_explain_says_when_the_author_decided(tmp_path):
    post = tmp_path / "tips" / "x.md"
    post.parent.mkdir()
    post.write_text("Title: A quiet week\nDate: 2026-11-16\nThemes: loyalty\n\nNothing to see.\n")
    (tmp_path / "themes.toml").write_text((ROOT / "content/themes.toml").read_text())
    settings = read_settings(ROOT / "pelicanconf.py", PATH=str(tmp_path))
    text = explain(settings, post)
    assert "No theme: not one word of any theme's vocabulary appears in the post." in text
    assert "The author's Themes line wins: loyalty." in text


def test_explain_reads_a_draft_outside_the_content_folder(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("Title: Say sorry first\n\nWe apologised, refunded and fixed the mistake.\n")
    result = run_invoke(ROOT, "themes", "--explain", str(draft))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith(f"{draft}: Say sorry first")
    assert "Primary: Recovery" in result.stdout


def test_index_json_has_tagger_themes_and_author_themes_win(built_site):
    items = {
        item["title"]: item for item in json.loads((built_site / "index.json").read_text())["items"]
    }
    assert items["The Law of the Chatbot Loop"]["themes"] == ["technology"]
    # The fixture's refund story is about recovery, but its author wrote "Themes: ownership, recovery".
    assert items["The refund that took nine calls"]["themes"] == ["ownership", "recovery"]
    feed = json.loads((built_site / "feeds/themes/technology.json").read_text())
    assert "The Law of the Chatbot Loop" in [item["title"] for item in feed["items"]]
    assert (
        "The Law of the Chatbot Loop" in (built_site / "themes/technology/index.html").read_text()
    )


def dev_set_report():
    from sage.tagger_eval import development_sets, evaluate_files

    (*_, (name, report)) = evaluate_files(load_tagger(SETTINGS)[1], development_sets())
    assert name == "together" and report.items >= 80
    return report


@pytest.mark.xfail(
    strict=True,
    reason="not reached yet: P@1 0.892 and F1 0.748 on the 260 development texts "
    "(invoke themes --evaluate); strict, so this fails once the bar is met and must "
    "become a plain test again",
)
def test_dev_set_quality():
    """The bar from the issue, on the development sets written for it (tests/data)."""
    report = dev_set_report()
    assert report.p_at_1 >= 0.85, report.summary()
    assert report.f1 >= 0.75, report.summary()


def test_dev_set_quality_does_not_regress():
    """Until the bar is met, the figures measured when the vocabulary or the learned
    layer last changed are a floor: a change must not make the tagger worse."""
    report = dev_set_report()
    assert report.p_at_1 >= 0.88, report.summary()
    assert report.f1 >= 0.74, report.summary()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"text": "x"}\n', ':1: each line needs "text" and a "themes" list'),
        ('\n{"text": \n', ":2: not JSON"),
    ],
)
def test_a_malformed_labelled_set_names_the_file_and_line(tmp_path, text, message):
    path = tmp_path / "set.jsonl"
    path.write_text(text)
    with pytest.raises(LabelledSetError, match=f"^{re.escape(str(path) + message)}"):
        load_labelled(path)
