"""The tagger's learned layer: training writes it, the tagger reads it, explain shows it."""

import json
import math
import shutil
from pathlib import Path

import pytest

from sage.post_themes import explain, load_tagger
from sage.site import read_settings
from sage.tagger import Tagger
from sage.tagger_eval import evaluate, load_labelled
from sage.tagger_train import TrainingOptions, counted, fit, train
from sage.taxonomy import TaxonomyError, load_learned, load_taxonomy
from tests.conftest import LEARNED, ROOT, TAXONOMY, copy_project, run_invoke

THEMES = load_taxonomy(TAXONOMY)
DEV = ROOT / "tests" / "data"
# A word no vocabulary has: the corpus below teaches the tagger that it means technology.
NONCE = "zorblat"


def write_corpus(folder: Path) -> Path:
    """The development sets as two writers, with NONCE in every technology-first text."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("theme_devset.jsonl", "theme_devset2.jsonl"):
        with (folder / name).open("w", encoding="utf-8") as handle:
            for item in load_labelled(DEV / name):
                if item["themes"][0] == "technology":
                    item["text"] += f" The {NONCE} again."
                handle.write(json.dumps(item) + "\n")
    return folder


def with_layer(layer) -> Tagger:
    return Tagger(THEMES, learned=layer.tables() if layer else None)


@pytest.fixture(scope="module")
def layer(tmp_path_factory):
    corpus = write_corpus(tmp_path_factory.mktemp("corpus"))
    items = [item for path in sorted(corpus.glob("*.jsonl")) for item in load_labelled(path)]
    return fit(with_layer(None), [{**item, "writer": item["id"][:3]} for item in items])


def test_a_word_the_corpus_ties_to_a_theme_is_learned(layer):
    assert layer.weights["technology"][(NONCE,)] > 0.5
    plain, learned = with_layer(None), with_layer(layer)
    assert plain.tag("", f"The {NONCE} broke.") == []
    assert learned.tag("", f"The {NONCE} broke.") == ["technology"]
    decision = learned.decide(f"A {NONCE}", f"The {NONCE}, the {NONCE}.")
    technology = next(score for score in decision.scores if score.slug == "technology")
    nonce = next(item for item in technology.evidence if item.term == NONCE)
    assert nonce.learned and (nonce.body, nonce.title) == (2, 1)


def test_the_tagger_scores_exactly_what_was_fitted(layer):
    """Vocabulary score + Σ points × learned weight, counted as the trainer counts."""
    plain, learned = with_layer(None), with_layer(layer)
    items = load_labelled(DEV / "theme_devset2.jsonl")[:25]
    for item in items:
        values, _ = counted(plain, item["title"], item["text"])
        base, _ = plain._scores(item["title"], item["text"])
        expected = [
            base[index] + sum(layer.weights[slug].get(key, 0) * v for key, v in values.items())
            for index, slug in enumerate(plain.slugs)
        ]
        got, _ = learned._scores(item["title"], item["text"])
        assert got == pytest.approx([max(0.0, value) for value in expected], abs=0.02)


def test_the_layer_file_round_trips_and_tagging_is_deterministic(layer, tmp_path):
    path = tmp_path / "themes-learned.json"
    path.write_text(layer.json("test layer"), encoding="utf-8")
    data = json.loads(path.read_text())
    assert data["about"] == "test layer"
    assert set(data["weights"]) == {theme.slug for theme in THEMES}
    assert data["weights"]["technology"][NONCE] > 0
    assert all(
        1 <= len(label.split()) <= 2 for table in data["weights"].values() for label in table
    )
    first, second = Tagger(THEMES, learned=load_learned(path)), with_layer(layer)
    for item in load_labelled(DEV / "theme_devset.jsonl"):
        assert first._scores(item["title"], item["text"]) == second._scores(
            item["title"], item["text"]
        )


def test_repeats_grow_slowly_in_the_text_and_count_fully_in_the_title():
    tagger = Tagger(THEMES, learned={"patience": {NONCE: 1.5}})
    index = tagger.slugs.index("patience")
    three = f"{NONCE} {NONCE} {NONCE}"
    assert tagger._scores("", three)[0][index] == round(1.5 * (1 + math.log(3)), 2)
    assert tagger._scores(f"{NONCE} {NONCE}", "")[0][index] == 1.5 * 2 * 2


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({"empathy": {"sorry": "a lot"}}, '"empathy": "sorry": the weight must be a number'),
        ({"empathy": {"so very sorry": 1}}, '"so very sorry": a learned entry is one word or two'),
        ({"empathy": {"Sorry!": 1}}, '"Sorry!": a learned entry is one word or two'),
        ({"sympathy": {"sorry": 1}}, '"sympathy": not a theme of the taxonomy'),
        ({"empathy": ["sorry"]}, '"empathy": expected {"word": weight, …}'),
    ],
)
def test_a_malformed_layer_names_the_file_and_the_entry(tables, message):
    with pytest.raises(TaxonomyError) as error:
        Tagger(THEMES, learned=tables, learned_source="content/themes-learned.json").ready()
    assert str(error.value).startswith("content/themes-learned.json: ")
    assert message in str(error.value)


@pytest.mark.parametrize("text", ["{not json", '["a list"]', '{"about": "no weights"}'])
def test_a_layer_file_that_is_not_the_layer_says_how_to_mend_it(tmp_path, text):
    path = tmp_path / "themes-learned.json"
    path.write_text(text)
    with pytest.raises(TaxonomyError) as error:
        load_learned(path, "content/themes-learned.json")
    assert str(error.value).startswith("content/themes-learned.json: ")
    assert "invoke themes --train" in str(error.value)


def test_without_the_file_the_vocabulary_tags_alone(tmp_path):
    (tmp_path / "themes.toml").write_text(TAXONOMY.read_text())
    settings = read_settings(ROOT / "pelicanconf.py", PATH=str(tmp_path))
    _, tagger = load_tagger(settings)
    assert tagger.learned_weights() == 0
    assert tagger.tag("", "We apologised and fixed the mistake the same day.")


def test_explain_shows_learned_words_apart(tmp_path, layer):
    (tmp_path / "themes.toml").write_text(TAXONOMY.read_text())
    (tmp_path / "themes-learned.json").write_text(layer.json("test"))
    post = tmp_path / "tips" / "x.md"
    post.parent.mkdir()
    post.write_text(f"Title: The {NONCE} kiosk\nDate: 2026-11-16\n\nThe {NONCE} froze again.\n")
    text = explain(read_settings(ROOT / "pelicanconf.py", PATH=str(tmp_path)), post)
    assert f'"{NONCE}" (learned, title, 1×)' in text
    assert "learned layer +" in text
    assert text.count("Primary: Technology") == 1


def test_train_writes_the_layer_and_validates_on_unseen_writers(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    target = tmp_path / "themes-learned.json"
    lines = train(
        with_layer(None),
        corpus,
        target,
        with_layer,
        validate=True,
        options=TrainingOptions(epochs=60, min_writers=1),
    )
    assert lines[0].startswith("Each writer's texts tagged by a layer fitted to the other")
    assert lines[1].startswith("  vocabulary alone:   260 items: P@1 ")
    assert lines[-1].startswith(f"Wrote {target}: ")
    about = json.loads(target.read_text())["about"]
    assert about.startswith("The tagger's learned layer: weights fitted to 260 labelled texts by 2")


def test_invoke_themes_train_needs_two_writers(tmp_path):
    project = copy_project(tmp_path / "project")
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "theme_devset2.jsonl").unlink()
    result = run_invoke(project, "themes", "--train", "--corpus", str(corpus))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"{corpus}: 110 labelled texts by 1 writer(s); training needs at least 20 texts in "
        "two or more .jsonl files (one file per writer)"
    )


def test_the_shipped_layer_helps_on_the_development_sets():
    """Fitted to data/theme-corpus (other writers' texts), it must do better on the
    development sets than the vocabulary alone."""
    items = load_labelled(DEV / "theme_devset.jsonl") + load_labelled(DEV / "theme_devset2.jsonl")
    plain = evaluate(Tagger(THEMES), items)
    learned = evaluate(Tagger(THEMES, learned=load_learned(LEARNED)), items)
    assert learned.p_at_1 > plain.p_at_1 and learned.f1 > plain.f1


def test_the_word_table_is_kept_between_builds(tmp_path):
    """An edit rebuild reads the built table back instead of the layer's JSON."""
    from sage import post_themes

    shutil.copy(TAXONOMY, tmp_path / "themes.toml")
    shutil.copy(LEARNED, tmp_path / "themes-learned.json")
    settings = read_settings(
        ROOT / "pelicanconf.py", PATH=str(tmp_path), CACHE_PATH=str(tmp_path / "cache")
    )
    item = load_labelled(DEV / "theme_devset.jsonl")[0]
    _, first = load_tagger(settings)
    expected = first.ready()._scores(item["title"], item["text"])
    assert first.table_file.is_file() and first.table_file.parent.name == "sage"
    post_themes._CACHE.clear()
    _, second = load_tagger(settings)
    assert second is not first
    second._learned = lambda: pytest.fail("the layer file was read again")
    assert second.ready()._scores(item["title"], item["text"]) == expected
    assert second.learned_weights() == first.learned_weights() > 10_000
