"""The theme tagger: scores a post against each theme's vocabulary and keeps 0–3 themes.

The vocabulary lives in the taxonomy file (content/themes.toml), per theme:

    [empathy.terms]          # single words; stemmed, so "apology" matches "apologies"
    apology = 2.5
    "=patiently" = 3         # a leading "=" matches the exact word only, unstemmed
    [empathy.phrases]        # two or more words in a row, stemmed the same way
    "let them vent" = 3
    [empathy.negative]       # cues that a word is used in another sense: subtracted
    "years of experience" = 2

A theme's score is the sum over its matches of weight × (1 + ln count), with words
in the title counting `title_weight` times. The highest score is the primary theme
if it reaches `min_score`; others are kept while they reach `secondary_ratio`
(second) or `third_ratio` (third) of the primary's score.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

import Stemmer

from sage.taxonomy import TaxonomyError, Theme

_TAG = re.compile(r"<[^>]*>")
# Everything that is not a letter or a digit separates words ("don't" -> "don", "t"),
# the same way in posts and in the vocabulary. str.translate + split is ~3x faster
# than a regular expression here, and tagging runs on every post of every build.
_SEPARATORS = str.maketrans(
    {chr(code): " " for code in range(128) if not chr(code).isalnum()}
    | dict.fromkeys("‘’“”«»–—―…•·¡¿", " ")
)


def words_of(text: str) -> list[str]:
    """The lowercased words of plain text."""
    return text.translate(_SEPARATORS).split()


@dataclass(frozen=True)
class TaggerSettings:
    """Thresholds; the defaults are the ones measured in the README."""

    min_score: float = 2.0
    secondary_ratio: float = 0.55
    third_ratio: float = 0.7
    title_weight: float = 2.0
    max_themes: int = 3

    @classmethod
    def from_settings(cls, settings: dict) -> TaggerSettings:
        defaults = cls()
        return cls(
            min_score=settings.get("THEMES_MIN_SCORE", defaults.min_score),
            secondary_ratio=settings.get("THEMES_SECONDARY_RATIO", defaults.secondary_ratio),
            third_ratio=settings.get("THEMES_THIRD_RATIO", defaults.third_ratio),
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


def plain_words(text: str) -> str:
    """Lowercased reader-visible text: tags dropped, entities decoded, quotes unified."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text.lower()


class Tagger:
    """Compiled vocabularies for every theme; cheap to call once per post."""

    def __init__(
        self,
        themes: list[Theme],
        settings: TaggerSettings | None = None,
        source: str = "themes.toml",
    ):
        self.settings = settings or TaggerSettings()
        self.slugs = [theme.slug for theme in themes]
        self._stemmer = Stemmer.Stemmer("english")
        self._stems: dict[str, str] = {}
        self._hits: dict[str, tuple[int, ...]] = {}  # word -> the entries it matches alone
        # Every vocabulary entry, by id: (theme index, weight, label).
        self._entries: list[tuple[int, float, str]] = []
        self._by_stem: dict[str, list[int]] = {}  # stem -> entry ids
        self._by_word: dict[str, list[int]] = {}  # exact word ("=word") -> entry ids
        # first two stems -> [(the stems after them, entry id)]
        self._phrases: dict[tuple[str, str], list[tuple[tuple[str, ...], int]]] = {}
        for index, theme in enumerate(themes):
            self._compile(index, theme, source)

    def _stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stems[word] = self._stemmer.stemWord(word)
        return stem

    def _compile(self, index: int, theme: Theme, source: str) -> None:
        vocabulary = theme.vocabulary
        unknown = set(vocabulary) - {"terms", "phrases", "negative"}
        if unknown:
            raise TaxonomyError(
                f"{source}: [{theme.slug}]: unknown key {sorted(unknown)[0]!r}; a theme has "
                "name, description, terms, phrases and negative"
            )
        seen: dict[tuple[str, ...], str] = {}
        for table, sign in (("terms", 1.0), ("phrases", 1.0), ("negative", -1.0)):
            entries = vocabulary.get(table, {})
            if not isinstance(entries, dict):
                raise TaxonomyError(
                    f'{source}: [{theme.slug}.{table}] must be a table of "words" = weight'
                )
            for label, weight in entries.items():
                if isinstance(weight, bool) or not isinstance(weight, int | float):
                    raise TaxonomyError(
                        f'{source}: [{theme.slug}.{table}] "{label}": the weight must be a '
                        f'number, e.g. "{label}" = 2'
                    )
                words = words_of(plain_words(label.lstrip("=")))
                if not words:
                    raise TaxonomyError(
                        f'{source}: [{theme.slug}.{table}] "{label}": no words to match; '
                        "remove the entry or write a word"
                    )
                if table == "phrases" and len(words) < 2:
                    raise TaxonomyError(
                        f'{source}: [{theme.slug}.phrases] "{label}": a phrase has two or more '
                        f"words; move it to [{theme.slug}.terms]"
                    )
                key = self._key(label, words)
                if key in seen:
                    raise TaxonomyError(
                        f'{source}: [{theme.slug}] "{label}" and "{seen[key]}" match the same '
                        "words; keep one of them"
                    )
                seen[key] = label
                self._add(index, label, key, sign * float(weight))

    def _key(self, label: str, words: list[str]) -> tuple[str, ...]:
        """What an entry matches: ("=word",) for exact words, else the stems in order."""
        if label.startswith("=") and len(words) == 1:
            return ("=" + words[0],)
        return tuple(self._stem(word) for word in words)

    def _add(self, index: int, label: str, key: tuple[str, ...], weight: float) -> None:
        entry = len(self._entries)
        self._entries.append((index, weight, label))
        if len(key) > 1:
            self._phrases.setdefault(key[:2], []).append((key[2:], entry))
        elif key[0].startswith("="):
            self._by_word.setdefault(key[0][1:], []).append(entry)
        else:
            self._by_stem.setdefault(key[0], []).append(entry)

    def _hits_for(self, word: str) -> tuple[int, ...]:
        """The entries one word matches on its own (by stem or exactly); cached."""
        entries = tuple(self._by_stem.get(self._stem(word), ())) + tuple(
            self._by_word.get(word, ())
        )
        self._hits[word] = entries
        return entries

    def _count(self, text: str) -> dict[int, int]:
        """How often each vocabulary entry occurs in `text`: {entry id: count}."""
        words = words_of(plain_words(text))
        found: dict[int, int] = {}
        if not words:
            return found
        hits = self._hits
        for word, count in Counter(words).items():
            entries = hits.get(word)
            if entries is None:
                entries = self._hits_for(word)
            for entry in entries:
                found[entry] = found.get(entry, 0) + count
        stems, phrases = self._stems, self._phrases
        sequence = [stems[word] for word in words]
        pairs = pairwise(sequence)
        for position in [i for i, pair in enumerate(pairs) if pair in phrases]:
            for rest, entry in phrases[sequence[position], sequence[position + 1]]:
                end = position + 2 + len(rest)
                if not rest or tuple(sequence[position + 2 : end]) == rest:
                    found[entry] = found.get(entry, 0) + 1
        return found

    def _points(self, count: int, weight: float, in_title: bool) -> float:
        if in_title:
            return weight * self.settings.title_weight * count
        return weight * (1 + math.log(count))

    def _scores(self, title: str, text: str) -> list[float]:
        scores = [0.0] * len(self.slugs)
        entries = self._entries
        log = math.log
        for entry, count in self._count(text).items():
            index, weight, _ = entries[entry]
            scores[index] += weight * (1 + log(count)) if count > 1 else weight
        title_weight = self.settings.title_weight
        for entry, count in self._count(title).items():
            index, weight, _ = entries[entry]
            scores[index] += weight * title_weight * count
        return [max(0.0, round(score, 2)) for score in scores]

    def score(self, title: str, text: str) -> list[ThemeScore]:
        """Every theme's score with its evidence (for explaining), in taxonomy order."""
        results = [ThemeScore(slug) for slug in self.slugs]
        evidence: dict[int, Evidence] = {}
        for in_title, counts in ((False, self._count(text)), (True, self._count(title))):
            for entry, count in counts.items():
                index, weight, label = self._entries[entry]
                item = evidence.get(entry)
                if item is None:
                    item = evidence[entry] = Evidence(label.lstrip("="))
                    results[index].evidence.append(item)
                if in_title:
                    item.title += count
                else:
                    item.body += count
                item.points += self._points(count, weight, in_title)
        for theme, total in zip(results, self._scores(title, text), strict=True):
            theme.score = total
            theme.evidence.sort(key=lambda item: (-abs(item.points), item.term))
        return results

    def _choose(self, scores: list[float]) -> tuple[list[str], dict[str, str]]:
        """Keep the primary theme and the close seconds, with a reason for every theme."""
        settings = self.settings
        order = sorted(range(len(scores)), key=lambda i: -scores[i])  # ties: taxonomy order
        kept: list[str] = []
        reasons: dict[str, str] = {}
        top = scores[order[0]] if order else 0.0
        for position, index in enumerate(order):
            slug, score = self.slugs[index], scores[index]
            if score <= 0:
                reasons[slug] = "no matching words"
            elif position == 0:
                if score >= settings.min_score:
                    kept.append(slug)
                    reasons[slug] = "the highest score"
                else:
                    reasons[slug] = (
                        f"the highest score, but under the minimum {settings.min_score:g}: "
                        "too little evidence for any theme"
                    )
            elif not kept:
                reasons[slug] = "no primary theme was kept"
            elif len(kept) >= settings.max_themes:
                reasons[slug] = f"already {settings.max_themes} themes"
            else:
                ratio = settings.secondary_ratio if len(kept) == 1 else settings.third_ratio
                verdict = (
                    "kept" if score >= top * ratio and score >= settings.min_score else "dropped"
                )
                if verdict == "kept":
                    kept.append(slug)
                relation = "at least" if verdict == "kept" else "under"
                reasons[slug] = (
                    f"{verdict}: {score:g} is {relation} {ratio:.0%} of the primary's {top:g}"
                )
        return kept, reasons

    def decide(self, title: str, text: str) -> Decision:
        """The kept themes, every theme's score with its evidence, and the reasons."""
        scores = self.score(title, text)
        kept, reasons = self._choose([theme.score for theme in scores])
        return Decision(kept, scores, reasons)

    def tag(self, title: str, text: str) -> list[str]:
        """The kept theme slugs, primary first (possibly none). The fast path."""
        return self._choose(self._scores(title, text))[0]
