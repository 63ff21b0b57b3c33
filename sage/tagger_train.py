"""The tagger's learned layer: word and phrase weights fitted to a labelled corpus.

Why: the hand-written vocabulary (content/themes.toml) says how an editor thinks about
each theme; a corpus written and labelled by many writers (data/theme-corpus/) shows how
people actually write about them, including the words no editor would list ("weekend",
"headset", "shift"). The layer adds what the corpus teaches on top of the vocabulary,
and is written as the same kind of tables, so the tagger, `invoke themes --explain` and
an author reading content/themes-learned.json all see plain words with weights.

How: every text becomes its stems and pairs of adjacent stems, counted as the tagger
counts them (1 + ln count in the text, `title_weight` × count in the title). Each
theme's score is the vocabulary's score plus the learned weights of the text's words;
a softmax over the themes is fitted to the gold themes (the primary gets most of the
mass) by gradient descent with an L2 penalty, the vocabulary's part held fixed. Words
seen in fewer than `min_texts` texts or from fewer than `min_writers` writers are left
out, so one writer's habits are not learned; weights under `prune` are dropped.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from sage.tagger import Tagger
from sage.tagger_eval import Report, load_labelled

Key = tuple[str, ...]  # one stem, or two adjacent stems


@dataclass(frozen=True)
class TrainingOptions:
    """The fitting's knobs; the defaults are the ones measured in the README."""

    l2: float = 0.003
    hand_scale: float = 0.3  # the vocabulary's score, as a share of the softmax's input
    primary_share: float = 0.6  # of the target mass, when a text has more than one theme
    epochs: int = 300
    learning_rate: float = 0.05
    min_texts: int = 3
    min_writers: int = 2
    prune: float = 0.05


def load_corpus(folder: Path) -> list[dict]:
    """Every labelled text of the corpus; each file is one writer's (its name is `writer`)."""
    items = []
    for path in sorted(folder.glob("*.jsonl")):
        items += [{**item, "writer": path.stem} for item in load_labelled(path)]
    return items


def counted(tagger: Tagger, title: str, text: str) -> tuple[dict[Key, float], Counter]:
    """The text's stems and stem pairs with the tagger's points for each, and which
    words each came from (to write the layer in words, not stems)."""
    values: dict[Key, float] = {}
    surfaces: Counter = Counter()
    for part, in_title in ((text, False), (title, True)):
        words = tagger.words_read(part)
        stems = tagger.stem(words)
        keys = [(stem,) for stem in stems] + list(pairwise(stems))
        shown = [(word,) for word in words] + list(pairwise(words))
        counts = Counter(keys)
        surfaces.update(zip(keys, shown, strict=True))
        weight = tagger.settings.title_weight
        for key, count in counts.items():
            points = weight * count if in_title else 1 + math.log(count)
            values[key] = values.get(key, 0.0) + points
    return values, surfaces


class Layer:
    """Learned weights per theme, and the words each key is written as."""

    def __init__(self, slugs: list[str], weights: dict[str, dict[Key, float]], words: dict):
        self.slugs, self.weights, self.words = slugs, weights, words

    def tables(self) -> dict[str, dict[str, float]]:
        """The layer as the tagger loads it from its file (the same JSON, read back)."""
        return json.loads(self.json(""))["weights"]

    def size(self) -> int:
        return sum(len(table) for table in self.weights.values())

    def json(self, about: str) -> str:
        """The layer file: what it is, then each theme's words, strongest first, one a line."""
        themes = []
        for slug in self.slugs:
            table = self.weights.get(slug, {})
            keys = sorted(table, key=lambda key: (-table[key], self.words[key]))
            rows = [f"    {json.dumps(self.words[key])}: {table[key]:g}" for key in keys]
            themes.append(f"  {json.dumps(slug)}: {{\n" + ",\n".join(rows) + "\n  }")
        weights = ",\n".join(themes)
        return f'{{"about": {json.dumps(about)},\n"weights": {{\n{weights}\n}}}}\n'


def fit(tagger: Tagger, items: list[dict], options: TrainingOptions | None = None) -> Layer:
    """Fit the learned layer to `items` on top of `tagger`'s vocabulary (no layer of its own)."""
    import numpy as np

    options = options or TrainingOptions()
    slugs = tagger.slugs
    rows, surfaces, texts, writers = [], Counter(), Counter(), defaultdict(set)
    for item in items:
        values, shown = counted(tagger, item["title"], item["text"])
        rows.append(values)
        surfaces.update(shown)
        for key in values:
            texts[key] += 1
            writers[key].add(item.get("writer", ""))
    keys = sorted(
        key
        for key, count in texts.items()
        if count >= options.min_texts and len(writers[key]) >= options.min_writers
    )
    column = {key: index for index, key in enumerate(keys)}
    pairs = [
        (row, column[key], value)
        for row, values in enumerate(rows)
        for key, value in values.items()
        if key in column
    ]
    row_of = np.array([pair[0] for pair in pairs], dtype=np.int64)
    col_of = np.array([pair[1] for pair in pairs], dtype=np.int64)
    value_of = np.array([pair[2] for pair in pairs], dtype=np.float64)
    hand = np.array([tagger._scores(item["title"], item["text"])[0] for item in items])
    target = np.zeros((len(items), len(slugs)))
    for row, item in enumerate(items):
        gold = [slugs.index(slug) for slug in item["themes"] if slug in slugs]
        if len(gold) == 1:
            target[row, gold[0]] = 1.0
        elif gold:
            target[row, gold[0]] = options.primary_share
            for index in gold[1:]:
                target[row, index] += (1 - options.primary_share) / (len(gold) - 1)

    weights = np.zeros((len(keys), len(slugs)))
    first, second = np.zeros_like(weights), np.zeros_like(weights)
    epochs = options.epochs if keys else 0  # nothing seen often enough: nothing to learn
    for step in range(1, epochs + 1):  # Adam on the softmax's cross-entropy
        contributions = weights[col_of] * value_of[:, None]
        logits = options.hand_scale * hand + np.stack(
            [
                np.bincount(row_of, contributions[:, k], minlength=len(items))
                for k in range(len(slugs))
            ],
            axis=1,
        )
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        error = (probabilities - target) / len(items)
        gradient = np.stack(
            [
                np.bincount(col_of, error[row_of, k] * value_of, minlength=len(keys))
                for k in range(len(slugs))
            ],
            axis=1,
        )
        gradient += options.l2 * weights
        first = 0.9 * first + 0.1 * gradient
        second = 0.999 * second + 0.001 * gradient**2
        corrected = (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
        weights -= options.learning_rate * corrected

    scaled = weights / options.hand_scale  # in the vocabulary's own units
    table: dict[str, dict[Key, float]] = {slug: {} for slug in slugs}
    for index, key in enumerate(keys):
        for k, slug in enumerate(slugs):
            weight = round(float(scaled[index, k]), 2)
            if abs(weight) >= options.prune:
                table[slug][key] = weight
    words = {}
    for (key, shown), _ in sorted(surfaces.items(), key=lambda pair: (-pair[1], pair[0])):
        words.setdefault(key, " ".join(shown))
    return Layer(slugs, table, words)


def cross_validate(
    build_tagger, items: list[dict], options: TrainingOptions | None = None
) -> Report:
    """Leave one writer out: fit on the others, tag the writer's texts; the honest
    estimate of how the layer does on texts by someone it never read.
    `build_tagger(layer)` gives a tagger with that layer (None: the vocabulary alone)."""
    from sage.tagger_eval import evaluate

    report = Report()
    plain = build_tagger(None)
    for writer in sorted({item["writer"] for item in items}):
        seen = [item for item in items if item["writer"] != writer]
        unseen = [item for item in items if item["writer"] == writer]
        part = evaluate(build_tagger(fit(plain, seen, options)), unseen)
        for name in ("items", "top_correct", "true_positives", "predicted", "gold"):
            setattr(report, name, getattr(report, name) + getattr(part, name))
    return report


HEADER = (
    "The tagger's learned layer: weights fitted to {count} labelled texts by {writers} "
    "writers ({corpus}) on top of content/themes.toml, by `invoke themes --train`. Edit "
    "content/themes.toml, not this file: training writes it again. A word, or two words "
    "in a row, adds its weight to a theme's score (a negative weight counts against it), "
    "counted like the vocabulary's words. Delete this file to tag with the vocabulary "
    "alone. Options: {options}"
)


def train(
    tagger: Tagger,
    corpus: Path,
    target: Path,
    build_tagger,
    *,
    validate: bool = False,
    options: TrainingOptions | None = None,
) -> list[str]:
    """Fit the layer to `corpus`, write it to `target`, and say what it did (and, with
    `validate`, how it does on writers it did not read)."""
    options = options or TrainingOptions()
    items = load_corpus(corpus)
    writers = sorted({item["writer"] for item in items})
    if len(writers) < 2 or len(items) < 20:
        raise ValueError(
            f"{corpus}: {len(items)} labelled texts by {len(writers)} writer(s); training needs "
            "at least 20 texts in two or more .jsonl files (one file per writer)"
        )
    lines = []
    if validate:
        from sage.tagger_eval import evaluate

        alone = evaluate(build_tagger(None), items)
        report = cross_validate(build_tagger, items, options)
        lines += [
            "Each writer's texts tagged by a layer fitted to the other writers' texts:",
            f"  vocabulary alone:   {alone.summary()}",
            f"  with learned layer: {report.summary()}",
        ]
    layer = fit(tagger, items, options)
    header = HEADER.format(
        count=len(items), writers=len(writers), corpus=corpus.name, options=options
    )
    target.write_text(layer.json(header), encoding="utf-8")
    lines.append(f"Wrote {target}: {layer.size()} weights from {len(items)} texts.")
    return lines


def train_site(settings: dict, corpus: Path, validate: bool = False) -> list[str]:
    """`invoke themes --train`: fit the site's learned layer (THEMES_LEARNED_FILE) to
    `corpus` on top of its vocabulary (THEMES_FILE)."""
    from sage.tagger import TaggerSettings
    from sage.taxonomy import learned_path, load_taxonomy, taxonomy_path

    target = learned_path(settings)
    if target is None:
        raise ValueError("THEMES_LEARNED_FILE is empty; name a file to train the layer into")
    themes = load_taxonomy(taxonomy_path(settings))
    tagger_settings = TaggerSettings.from_settings(settings)

    def build_tagger(layer: Layer | None) -> Tagger:
        return Tagger(themes, tagger_settings, learned=layer.tables() if layer else None)

    return train(build_tagger(None), corpus, target, build_tagger, validate=validate)
