"""The tagger's table of single words and pairs of adjacent words, scored with arrays.

Most of what the tagger weighs is one word or two in a row: the vocabulary's terms and
two-word phrases (content/themes.toml), and all of the learned layer
(content/themes-learned.json, written by `invoke themes --train`, see
sage/tagger_train.py), whose entries match most words of a post. Finding them one
match at a time would cost more than everything else the tagger does; instead each
stem gets a number, a post becomes an array of those numbers, and its words and pairs
are looked up in one sorted table. Points are counted as everywhere in the tagger:
1 + ln(count) in the text, title_weight × count in the title, summed in millionths
of a point as integers, so that every machine gets the same total.
"""

from __future__ import annotations

import contextlib
import math
import pickle
import re
from pathlib import Path

import numpy as np

from sage.taxonomy import TaxonomyError

Key = tuple[str, ...]  # one stem, or two adjacent stems
TABLE_FORMAT = 2  # of a WordTable kept in the build cache: raise it when the class changes
_TITLE = 1 << 40  # added to a title's keys (a key is under 2 × width², far below)
_CODE = _TITLE - 1
_ENTRY = re.compile(r"[a-z0-9]+( [a-z0-9]+)?")  # one word or two, as the tagger splits them
# Words that say little about a theme on their own ("of", "the", "we"). The layer
# learns them too (they shift scores a little), but an explanation names other words
# first: "of the" is no reason an editor would give.
FUNCTION_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing don down during
    each few for from further had has have having he her here hers herself him himself
    his how i if in into is it its itself just ll me more most my myself no nor not now
    of off on once only or other our ours ourselves out over own re s same she should so
    some such t than that the their theirs them themselves then there these they this
    those through to too under until up ve very was we were what when where which while
    who whom why will with would you your yours yourself yourselves""".split()
)
# 1 + ln(count), what a word repeated `count` times in a text adds per unit of weight.
GROWTH = np.array([0.0] + [1 + math.log(count) for count in range(1, 1024)])


def growth(times: np.ndarray) -> np.ndarray:
    """1 + ln(count) for each count, exact for any count."""
    if not len(times) or times.max() < len(GROWTH):
        return GROWTH[times]
    return np.array([1 + math.log(count) for count in times.tolist()])


def learned_entries(
    tables: dict, slugs: list[str], stemmer, source: str
) -> tuple[dict[Key, np.ndarray], dict[Key, str]]:
    """The learned layer file's "weights" ({theme slug: {"word" or "two words":
    weight}}, a negative weight counting against the theme) as a weight per theme for
    each key, and the words each key is shown as; a malformed layer names the entry."""
    position = {slug: index for index, slug in enumerate(slugs)}
    entries: list[tuple[str, int, float]] = []  # (label, theme index, weight)
    for slug, table in tables.items():
        if slug not in position:
            raise TaxonomyError(
                f'{source}: "{slug}": not a theme of the taxonomy; train the layer again '
                "with `invoke themes --train`, or delete the file"
            )
        if not isinstance(table, dict):
            raise TaxonomyError(f'{source}: "{slug}": expected {{"word": weight, …}}')
        for label, weight in table.items():
            if type(weight) not in (int, float):
                raise TaxonomyError(
                    f'{source}: "{slug}": "{label}": the weight must be a number; train '
                    "the layer again with `invoke themes --train`"
                )
            entries.append((label, position[slug], weight))
    labels = sorted({label for label, _, _ in entries})
    bad = next((label for label in labels if not _ENTRY.fullmatch(label)), None)
    if bad is not None:
        raise TaxonomyError(
            f'{source}: "{bad}": a learned entry is one word or two, of lowercase '
            "letters and digits; train the layer again with `invoke themes --train`"
        )
    words = sorted({word for label in labels for word in label.split(" ")})
    stem_of = dict(zip(words, stemmer.stemWords(words), strict=True))
    key_of = {label: tuple(stem_of[word] for word in label.split(" ")) for label in labels}
    weights: dict[Key, np.ndarray] = {}
    shown: dict[Key, str] = {}
    for label, index, weight in entries:
        key = key_of[label]
        weights.setdefault(key, np.zeros(len(slugs)))[index] += weight
        shown.setdefault(key, label)
    return weights, shown


class WordTable:
    """Weights per theme for stems and pairs of adjacent stems, the vocabulary's and the
    learned layer's added together; `points` scores a text, `evidence` explains it."""

    def __init__(
        self,
        vocabulary: dict[Key, np.ndarray],
        learned: dict[Key, np.ndarray],
        learned_words: dict[Key, str],
        themes: int,
        stemmer,
    ):
        self._stemmer = stemmer
        self._word_ids: dict[bytes, int] = {}  # a post's word -> its stem's number, or 0
        keys = set(vocabulary) | set(learned)
        stems = sorted({stem for key in keys for stem in key})
        self._ids = {stem: number for number, stem in enumerate(stems, start=1)}
        # One sorted table of keys: stem number r is key r, a pair (a, b) is key
        # a × width + b + width² (above every word; a pair with a word the table lacks,
        # number 0, matches nothing), so a text's words and pairs are looked up together.
        self._width = width = len(self._ids) + 1
        code_of = {}
        for key in keys:
            numbers = [self._ids[stem] for stem in key]
            code_of[key] = (
                numbers[0] if len(numbers) == 1 else numbers[0] * width + numbers[1] + width**2
            )
        order = sorted(keys, key=code_of.__getitem__)
        self._keys = np.array([*map(code_of.__getitem__, order), np.iinfo(np.int64).max])
        zero = np.zeros(themes)
        self._learned = np.array([learned.get(key, zero) for key in order]).reshape(-1, themes)
        self._weights = self._learned + np.array(
            [vocabulary.get(key, zero) for key in order]
        ).reshape(-1, themes)
        self._shown = [learned_words.get(key, " ".join(key)) for key in order]

    def __getstate__(self) -> dict:  # for the build cache: no stemmer, no word cache
        return {k: v for k, v in self.__dict__.items() if k not in ("_stemmer", "_word_ids")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _stemmer=None, _word_ids={})

    def save(self, path: Path) -> None:
        """Keep the table for the next build (any older table beside it is removed)."""
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            for stale in path.parent.glob("tagger-table-*.pickle"):
                stale.unlink()
            partial = path.with_suffix(".partial")
            partial.write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))
            partial.replace(path)

    @staticmethod
    def load(path: Path, stemmer) -> WordTable | None:
        """A table an earlier build kept, or None when there is none (or it is unreadable)."""
        try:
            table = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None
        if not isinstance(table, WordTable):
            return None
        table._stemmer = stemmer
        return table

    def learned_weights(self) -> int:
        return int(np.count_nonzero(self._learned))

    def rows(self, words: list[bytes]) -> np.ndarray:
        """Each word's stem number (0 for a stem the table lacks)."""
        known = self._word_ids
        try:
            return np.fromiter(map(known.__getitem__, words), np.int64, len(words))
        except KeyError:  # words not seen before: stem each once
            for word in set(words).difference(known):
                known[word] = self._ids.get(self._stemmer.stemWord(word.decode("ascii")), 0)
            return np.fromiter(map(known.__getitem__, words), np.int64, len(words))

    def _codes(self, rows: np.ndarray) -> np.ndarray:
        """The table keys a text's stem numbers could match: each word, each pair."""
        width = self._width
        return np.concatenate([rows, rows[:-1] * width + rows[1:] + width * width])

    def _matches(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(places in the table, counts, codes) of the keys among `codes` the table has."""
        codes, times = np.unique(codes, return_counts=True)
        places = np.searchsorted(self._keys, codes & _CODE)
        found = self._keys[places] == codes & _CODE
        return places[found], times[found], codes[found]

    def points(self, words: list[bytes], title: list[bytes], title_weight: float) -> np.ndarray:
        """Every theme's points from a text's words and its title's, in millionths: in
        the text a match counts 1 + ln count, in the title `title_weight` × count. One
        pass: title keys are told apart by a high bit."""
        rows = self.rows(words + title)
        codes = np.concatenate(
            [self._codes(rows[: len(words)]), self._codes(rows[len(words) :]) | _TITLE]
        )
        places, times, codes = self._matches(codes)
        if not len(places):
            return np.zeros(self._weights.shape[1], np.int64)
        factor = np.where(codes & _TITLE, times * title_weight, growth(times))
        points = self._weights[places] * factor[:, None]
        return np.rint(points * 1e6).astype(np.int64).sum(axis=0)

    def evidence(self, words: list[bytes]) -> list[tuple[str, int, int, float]]:
        """(words, theme index, count, learned weight) of each learned entry matched."""
        found = []
        places, times, _ = self._matches(self._codes(self.rows(words)))
        for place, count in zip(places.tolist(), times.tolist(), strict=True):
            weights = enumerate(self._learned[place].tolist())
            found += [(self._shown[place], i, count, weight) for i, weight in weights if weight]
        return found
