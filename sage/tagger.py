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

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import Stemmer

from sage.taxonomy import TaxonomyError, Theme

_TAG = re.compile(r"<[^>]*>")
# Only ASCII letters and digits make words; every other byte separates them
# ("don't" -> "don", "t"; "&rsquo;" -> "rsquo"), the same way in posts and in the
# vocabulary. A bytes.translate table is several times faster than a regular
# expression, and tagging runs on every post of every build.
_KEEP = b"abcdefghijklmnopqrstuvwxyz0123456789"
_WORD_BYTES = bytes(code if code in _KEEP else 32 for code in range(256))


# Words too common to anchor a phrase search, most frequent first (a phrase is looked
# for only where its anchor, its rarest word, occurs).
_COMMON = tuple(
    "a an the to of in on at by for from with and or but not no it its this that these "
    "those them they their you your we our us i me my he she his her him who what when "
    "how why where there here be is are was were been am do does did done have has had "
    "will would could should can may must just so as if than then too very up down out "
    "off over into about after before again back all any each every some more most one "
    "two three first last next other same own way thing things time times day days get "
    "got make made take took come came go went say said tell told ask asked let keep "
    "kept put find call calls called customer customers service people person team work "
    "help good long end line hand still even ever never".split()
)


# A law's attribution at the end of its text ("… — a call-centre team leader") names
# who said it, not what it is about.
_ATTRIBUTION = re.compile(r"""([.!?'"”’])\s*[—–-]{1,2}\s*[^—–\n.!?]{1,80}\s*$""")


def without_attribution(text: str) -> str:
    """`text` minus a trailing "— who said it" of at most ten words."""
    match = _ATTRIBUTION.search(text[-120:])
    if match and len(match.group(0).split()) <= 11:
        return text[: len(text) - len(match.group(0))] + match.group(1)
    return text


def words_of(text: str) -> list[str]:
    """The words of lowercased plain text."""
    return text.encode("utf-8", "replace").translate(_WORD_BYTES).decode("ascii").split()


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


def plain_words(text: str) -> str:
    """Lowercased reader-visible text: tags dropped (entities fall apart into words)."""
    if "<" in text:
        text = _TAG.sub(" ", text)
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
        self.version = ""  # set by whoever knows the vocabulary's source (a cache key)
        self.slugs = [theme.slug for theme in themes]
        self._stemmer = Stemmer.Stemmer("english")
        self._stems: dict[str, str] = {}  # word -> stem (a cache)
        self._learned: set[str] = set()  # words of posts already looked up
        self._hits: dict[str, tuple[int, ...]] = {}  # word -> the entries it matches alone
        self._matching: set[str] = set()  # words seen that match an entry alone
        self._anchor_words: set[str] = set()  # words seen whose stem anchors a phrase
        # Every vocabulary entry, by id: (theme index, weight, label).
        self._entries: list[tuple[int, float, str]] = []
        self._by_stem: dict[str, list[int]] = {}  # stem -> entry ids
        self._by_word: dict[str, list[int]] = {}  # exact word ("=word") -> entry ids
        # a phrase's anchor (its rarest stem) -> {(-1 or +1, the stem beside the anchor):
        # [(the anchor's offset in the phrase, all its stems, entry id)]}
        self._phrases: dict[str, dict[tuple[int, str], list[tuple[int, tuple[str, ...], int]]]] = {}
        # stem -> rank, higher is rarer; words outside the list rank above all of them
        self._common = {self._stem(word): rank for rank, word in reversed(list(enumerate(_COMMON)))}
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
            offset = max(
                range(len(key)),
                key=lambda i: (
                    key[i] not in self._common,
                    self._common.get(key[i], 0),
                    len(key[i]),
                ),
            )
            side = -1 if offset > 0 else 1
            neighbours = self._phrases.setdefault(key[offset], {})
            neighbours.setdefault((side, key[offset + side]), []).append((offset, key, entry))
        elif key[0].startswith("="):
            self._by_word.setdefault(key[0][1:], []).append(entry)
        else:
            self._by_stem.setdefault(key[0], []).append(entry)

    def _learn(self, words) -> None:
        """Stem new words once and remember what each matches on its own."""
        for word in sorted(words):
            stem = self._stem(word)
            entries = tuple(self._by_stem.get(stem, ())) + tuple(self._by_word.get(word, ()))
            if entries:
                self._hits[word] = entries
                self._matching.add(word)
            if stem in self._phrases:
                self._anchor_words.add(word)
        self._learned.update(words)

    def _count(self, text: str) -> tuple[dict[int, int], int]:
        """How often each vocabulary entry occurs in `text` ({entry id: count}), and
        how many words the text has."""
        words = words_of(without_attribution(plain_words(text)))
        found: dict[int, int] = {}
        if not words:
            return found, 0
        counts = Counter(words)
        unseen = counts.keys() - self._learned
        if unseen:
            self._learn(unseen)
        hits = self._hits
        for word in sorted(counts.keys() & self._matching):
            count = counts[word]
            for entry in hits[word]:
                found[entry] = found.get(entry, 0) + count
        anchors = counts.keys() & self._anchor_words
        if anchors:
            stems, phrases, size = self._stems, self._phrases, len(words)
            for position in [i for i, word in enumerate(words) if word in anchors]:
                neighbours = phrases[stems[words[position]]]
                for side in (-1, 1):
                    beside = position + side
                    if not 0 <= beside < size:
                        continue
                    candidates = neighbours.get((side, stems[words[beside]]))
                    if not candidates:
                        continue
                    for offset, key, entry in candidates:
                        start, end = position - offset, position - offset + len(key)
                        if (
                            start >= 0
                            and end <= size
                            and key == tuple(stems[word] for word in words[start:end])
                        ):
                            found[entry] = found.get(entry, 0) + 1
        return found, len(words)

    def _points(self, count: int, weight: float, in_title: bool) -> float:
        """A match's points: title matches count `title_weight` times each; repeats in
        the text grow slowly (1 + ln count), so one word cannot carry a long post."""
        if in_title:
            return weight * self.settings.title_weight * count
        return weight * (1 + math.log(count)) if count > 1 else weight

    def _scores(self, title: str, text: str) -> tuple[list[float], int]:
        """Every theme's score in taxonomy order, and the text's length in words."""
        scores = [0.0] * len(self.slugs)
        entries, points = self._entries, self._points
        body, length = self._count(text)
        for in_title, counts in ((False, body), (True, self._count(title)[0])):
            for entry, count in counts.items():
                index, weight, _ = entries[entry]
                scores[index] += points(count, weight, in_title)
        return [max(0.0, round(score, 2)) for score in scores], length

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
        for in_title, counts in ((False, self._count(text)[0]), (True, self._count(title)[0])):
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
