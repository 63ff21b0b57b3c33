"""The theme tagger: scores a post against each theme's vocabulary and keeps 0–3 themes.

The vocabulary lives in the taxonomy file (content/themes.toml), per theme:

    [empathy.terms]          # single words; stemmed, so "apology" matches "apologies"
    apology = 2.5
    "=patiently" = 3         # a leading "=" matches the exact word only, unstemmed
    [empathy.phrases]        # two or more words in a row, stemmed the same way
    "let them vent" = 3
    [empathy.negative]       # cues that a word is used in another sense: subtracted
    "years of experience" = 2

A second, learned layer (content/themes-learned.json, written by
`invoke themes --train` from a labelled corpus; see sage/tagger_train.py) weighs single
words and pairs of words for every theme; its weights are small, many and sometimes
negative, and are added to the vocabulary's.

Matching: single words and pairs of adjacent words, the vocabulary's and the learned
layer's, are looked up in one table of stems (sage/tagger_layer.py); exact words and
longer phrases are found by one Aho-Corasick pass over the post written as its stems
(see _build_automaton). A theme's score is the sum over its matches of weight ×
(1 + ln count), with words in the title counting `title_weight` times. The highest
score is the primary theme if it reaches `min_score`; others are kept while they reach
`secondary_ratio` (second) or `third_ratio` (third) of the primary's score.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product
from operator import itemgetter
from pathlib import Path

import ahocorasick
import numpy as np
import Stemmer

from sage.tagger_layer import FUNCTION_WORDS, Key, WordTable, learned_entries
from sage.tagger_vocabulary import compile_vocabulary
from sage.tagger_words import byte_words, plain_words, without_attribution, words_of
from sage.taxonomy import Theme

# What one match adds to: (entry id, theme index, weight) for each entry matched.
_Targets = tuple[tuple[int, int, float], ...]
_SECOND = itemgetter(1)  # (end, pattern id) -> pattern id


@dataclass(frozen=True)
class TaggerSettings:
    """Thresholds; the defaults are the ones measured in the README."""

    min_score: float = 2.0
    secondary_ratio: float = 0.55
    third_ratio: float = 0.7
    short_words: int = 60
    short_secondary_ratio: float = 0.8
    short_third_ratio: float = 0.9
    title_weight: float = 2.0
    max_themes: int = 3

    @classmethod
    def from_settings(cls, settings: dict) -> TaggerSettings:
        defaults = cls()
        return cls(
            min_score=settings.get("THEMES_MIN_SCORE", defaults.min_score),
            secondary_ratio=settings.get("THEMES_SECONDARY_RATIO", defaults.secondary_ratio),
            third_ratio=settings.get("THEMES_THIRD_RATIO", defaults.third_ratio),
            short_words=settings.get("THEMES_SHORT_WORDS", defaults.short_words),
            short_secondary_ratio=settings.get(
                "THEMES_SHORT_SECONDARY_RATIO", defaults.short_secondary_ratio
            ),
            short_third_ratio=settings.get("THEMES_SHORT_THIRD_RATIO", defaults.short_third_ratio),
            title_weight=settings.get("THEMES_TITLE_WEIGHT", defaults.title_weight),
            max_themes=settings.get("THEMES_MAX", defaults.max_themes),
        )


@dataclass
class Evidence:
    """What one term contributed to one theme's score."""

    term: str
    body: int = 0
    title: int = 0
    points: float = 0.0
    learned: bool = False  # from the learned layer, not the hand-written vocabulary
    minor: bool = False  # learned weight of words like "of the": counted, not named

    def add(self, count: int, points: float, in_title: bool) -> None:
        if in_title:
            self.title += count
        else:
            self.body += count
        self.points += points


@dataclass
class ThemeScore:
    slug: str
    score: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Decision:
    """The tagger's answer for one post: kept slugs, and every theme's score."""

    themes: list[str]
    scores: list[ThemeScore]  # taxonomy order
    reasons: dict[str, str]
    length: int = 0  # words in the text


class Tagger:
    """Compiled vocabularies for every theme; cheap to call once per post."""

    def __init__(
        self,
        themes: list[Theme],
        settings: TaggerSettings | None = None,
        source: str = "themes.toml",
        learned: dict | Callable[[], dict] | None = None,
        learned_source: str = "themes-learned.json",
    ):
        self.settings = settings or TaggerSettings()
        self.version = ""  # set by whoever knows the vocabulary's source (a cache key)
        # Where the built word table is kept between builds (set with `version`).
        self.table_file: Path | None = None
        self.slugs = [theme.slug for theme in themes]
        self._stemmer = Stemmer.Stemmer("english")
        self._stems: dict[bytes, str] = {}  # word -> stem, or token of an exact word (a cache)
        vocabulary = compile_vocabulary(themes, self._stemmer, source)
        # Every vocabulary entry, by id: (theme index, weight, label); the stems of a
        # term or phrase (or "=word") -> (entry id, theme index, weight) of its entries.
        self._entries = vocabulary.entries
        self._patterns, self._exact = vocabulary.patterns, vocabulary.exact
        self._automaton = ahocorasick.Automaton()  # every entry (for the explanation)
        self._pattern_targets: list[_Targets] = []
        self._build_automaton()
        # What tagging uses: one table of every entry's weights (sage/tagger_layer.py),
        # built when first needed: a build whose posts are all tagged already (the build
        # state remembers) never reads the learned layer.
        self._vectors: dict[Key, np.ndarray] = {}
        for key, targets in self._patterns.items():
            vector = self._vectors[key] = np.zeros(len(self.slugs))
            for _, index, weight in targets:
                vector[index] += weight
        self._learned, self._learned_source = learned, learned_source
        self._built: WordTable | None = None

    @property
    def _table(self) -> WordTable:
        if self._built is None:
            self._built = self._cached_table() or self._new_table()
            self._learned = None
        return self._built

    def _new_table(self) -> WordTable:
        tables = self._learned() if callable(self._learned) else self._learned
        weights, words = (
            learned_entries(tables, self.slugs, self._stemmer, self._learned_source)
            if tables
            else ({}, {})
        )
        table = WordTable(self._vectors, weights, words, len(self.slugs), self._stemmer)
        if self.table_file is not None:  # for the next build: a tenth of the time to read
            table.save(self.table_file)
        return table

    def _cached_table(self) -> WordTable | None:
        """The table a build with the same vocabulary, layer and settings left, if any."""
        if self.table_file is None:
            return None
        return WordTable.load(self.table_file, self._stemmer)

    def ready(self) -> Tagger:
        """Build the word table now, learned layer included (before forking workers, so
        that they share it, and so that a malformed layer file is reported here)."""
        _ = self._table
        return self

    def learned_weights(self) -> int:
        """How many weights the learned layer has (0: the vocabulary tags alone)."""
        return self._table.learned_weights()

    def _build_automaton(self) -> None:
        """One pass over a text written as its stems between spaces finds every term
        and phrase, matches inside matches too (Aho-Corasick, in C). An exact word is
        written as its stem followed by a marker ("patiently" -> "patient =patiently"):
        the marker is the exact entry's pattern, and phrases that go on past the stem
        are also searched for with the marker in place."""
        self._markers: dict[str, list[str]] = {}  # stem -> "stem =word" per exact word
        for word, targets in self._exact.items():
            stem = self._stemmer.stemWord(word)
            self._stems[word.encode("ascii")] = f"{stem} ={word}"
            self._markers.setdefault(stem, []).append(f"{stem} ={word}")
            self._patterns[(f"={word}",)] = targets
        for key, targets in self._patterns.items():
            pattern = len(self._pattern_targets)
            self._pattern_targets.append(tuple(targets))
            for variant in self._variants(key):
                self._automaton.add_word(variant, pattern)
        if self._pattern_targets:
            self._automaton.make_automaton()

    def _variants(self, key: Key) -> list[str]:
        """How an entry appears in a text written as stems, markers of exact words in place."""
        last = len(key) - 1
        forms = [
            [stem, *(self._markers.get(stem, ()) if i < last else ())] for i, stem in enumerate(key)
        ]
        return [f" {' '.join(variant)} " for variant in product(*forms)]

    def words_read(self, text: str) -> list[str]:
        """The words of `text` the tagger reads (tags and a law's attribution left out),
        lowercased: what the trainer counts, so that it learns what the tagger sees."""
        return words_of(without_attribution(plain_words(text)))

    def stem(self, words: list[str]) -> list[str]:
        """The stems of `words`, as vocabulary entries are stemmed."""
        return self._stemmer.stemWords(words)

    def _read(self, text: str) -> list[bytes]:
        """The words of `text` the tagger reads, as ASCII bytes."""
        return byte_words(without_attribution(plain_words(text)))

    def _matches(self, words: list[bytes], automaton=None) -> Counter:
        """How often the words match each pattern of `automaton` (by default the one of
        every entry): {pattern id: count}, in the order the text first uses them."""
        automaton = automaton if automaton is not None else self._automaton
        if not words or not len(automaton):
            return Counter()
        stems = self._stems
        try:
            joined = " ".join(map(stems.__getitem__, words))
        except KeyError:  # words not seen before: stem each once
            for word in set(words).difference(stems):
                stems[word] = self._stemmer.stemWord(word.decode("ascii"))
            joined = " ".join(map(stems.__getitem__, words))
        return Counter(map(_SECOND, automaton.iter(f" {joined} ")))

    def _count(self, text: str) -> dict[int, int]:
        """How often each vocabulary entry occurs in `text`: {entry id: count}. An entry
        has one pattern, so it appears at most once."""
        targets = self._pattern_targets
        return {
            entry: count
            for pattern, count in self._matches(self._read(text)).items()
            for entry, _, _ in targets[pattern]
        }

    def _points(self, count: int, weight: float, in_title: bool) -> float:
        """A match's points: title matches count `title_weight` times each; repeats in
        the text grow slowly (1 + ln count), so one word cannot carry a long post."""
        if in_title:
            return weight * self.settings.title_weight * count
        return weight * (1 + math.log(count)) if count > 1 else weight

    def _scores(self, title: str, text: str) -> tuple[list[float], int]:
        """Every theme's score in taxonomy order, and the text's length in words."""
        words, title_words = self._read(text), self._read(title)
        total = self._table.points(words, title_words, self.settings.title_weight)
        length = len(words)
        return [max(0.0, round(points / 1e6, 2)) for points in total.tolist()], length

    def ratios(self, length: int) -> tuple[float, float]:
        """The share of the primary's score a second and a third theme need. Short texts
        (a one-line law) need more: a single word should not add a theme."""
        settings = self.settings
        if length < settings.short_words:
            return settings.short_secondary_ratio, settings.short_third_ratio
        return settings.secondary_ratio, settings.third_ratio

    def _keep(self, scores: list[float], length: int) -> list[int]:
        """The indices of the kept themes, primary first."""
        settings = self.settings
        order = sorted(range(len(scores)), key=lambda i: -scores[i])  # ties: taxonomy order
        if not order or scores[order[0]] < settings.min_score:
            return []
        top, (second, third) = scores[order[0]], self.ratios(length)
        kept = [order[0]]
        for index in order[1 : settings.max_themes]:
            ratio = second if len(kept) == 1 else third
            if scores[index] < top * ratio or scores[index] < settings.min_score:
                break
            kept.append(index)
        return kept

    def tag(self, title: str, text: str) -> list[str]:
        """The kept theme slugs, primary first (possibly none). The fast path."""
        scores, length = self._scores(title, text)
        return [self.slugs[index] for index in self._keep(scores, length)]

    def decide(self, title: str, text: str) -> Decision:
        """The kept themes, every theme's score with the words that produced it, and a
        reason for keeping or dropping each theme (for `invoke themes --explain`)."""
        totals, length = self._scores(title, text)
        kept = self._keep(totals, length)
        results = [ThemeScore(slug, total) for slug, total in zip(self.slugs, totals, strict=True)]
        evidence: dict[int, Evidence] = {}
        for in_title, counts in ((False, self._count(text)), (True, self._count(title))):
            for entry, count in counts.items():
                index, weight, label = self._entries[entry]
                item = evidence.get(entry)
                if item is None:
                    item = evidence[entry] = Evidence(label.lstrip("="))
                    results[index].evidence.append(item)
                item.add(count, self._points(count, weight, in_title), in_title)
        if self.learned_weights():
            learned: dict[tuple[str, int], Evidence] = {}
            for in_title, part in ((False, text), (True, title)):
                for label, index, count, weight in self._table.evidence(self._read(part)):
                    item = learned.get((label, index))
                    if item is None:
                        minor = FUNCTION_WORDS.issuperset(label.split())
                        item = learned[label, index] = Evidence(label, learned=True, minor=minor)
                        results[index].evidence.append(item)
                    item.add(count, self._points(count, weight, in_title), in_title)
        for theme in results:
            theme.evidence.sort(key=lambda item: (-abs(item.points), item.term))
        return Decision(
            [self.slugs[index] for index in kept],
            results,
            self._reasons(totals, kept, length),
            length,
        )

    def _reasons(self, scores: list[float], kept: list[int], length: int) -> dict[str, str]:
        settings = self.settings
        reasons: dict[str, str] = {}
        top = scores[kept[0]] if kept else max(scores, default=0.0)
        second, third = self.ratios(length)
        for index, score in enumerate(scores):
            slug = self.slugs[index]
            if score <= 0:
                reasons[slug] = "no matching words"
            elif index in kept:
                position = kept.index(index)
                ratio = second if position == 1 else third
                reasons[slug] = (
                    "the highest score"
                    if position == 0
                    else f"kept: {score:g} is at least {ratio:.0%} of the primary's {top:g}"
                )
            elif not kept:
                reasons[slug] = f"under the minimum score of {settings.min_score:g}"
            elif len(kept) >= settings.max_themes:
                reasons[slug] = f"already {settings.max_themes} themes"
            else:
                ratio = second if len(kept) == 1 else third
                reasons[slug] = f"dropped: {score:g} is under {ratio:.0%} of the primary's {top:g}"
        return reasons
