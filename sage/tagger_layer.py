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
TABLE_FORMAT = 3  # of a WordTable kept in the build cache: raise it when the class changes
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
    """Weights per theme for every vocabulary entry and every learned entry, matched
    with arrays: `points` scores a text, `evidence` explains the learned part.

    Each stem an entry uses gets a number; a text becomes an array of tokens (a word's
    stem number, or for a word the vocabulary names exactly, a token of its own that
    carries its stem's number too). One sorted table of codes holds every entry: a stem
    r is code r, a pair (a, b) is W² + a × W + b (W is the width, one more than the
    stems), an exact word j is 2W² + j, and a phrase of three stems or more is 3W² +
    its node in a trie of such phrases (found where a text's three stems in a row begin
    one, then followed word by word). A text's codes are looked up in the table at once."""

    def __init__(
        self,
        vocabulary: dict[Key, np.ndarray],
        learned: dict[Key, np.ndarray],
        learned_words: dict[Key, str],
        themes: int,
        stemmer,
    ):
        self._stemmer = stemmer
        self._word_ids: dict[bytes, int] = {b"": 0}  # a post's word -> its token (a cache)
        exact = sorted(key[0][1:] for key in vocabulary if key[0].startswith("="))
        keys = set(vocabulary) | set(learned)
        stems = sorted({stem for key in keys if not key[0].startswith("=") for stem in key})
        self._ids = {stem: number for number, stem in enumerate(stems, start=1)}
        self._width = width = len(self._ids) + 1
        if 3 * width * width >= _TITLE:  # codes must stay under the title bit (and W³ < 2⁶³)
            raise ValueError(f"{width - 1} stems are more than the word table can number")
        # Tokens: a stem's number, or width + j for the j-th exact word.
        self._exact = {word.encode("ascii"): width + j for j, word in enumerate(exact)}
        exact_stems = [self._ids.get(stem, 0) for stem in stemmer.stemWords(exact)]
        self._stem_of = np.array([*range(width), *exact_stems], dtype=np.int64)
        self._build_trie([key for key in keys if len(key) >= 3])
        code_of = {key: self._code(key) for key in keys}
        order = sorted(keys, key=code_of.__getitem__)
        self._keys = np.array([*map(code_of.__getitem__, order), np.iinfo(np.int64).max])
        zero = np.zeros(themes)
        self._learned = np.array([learned.get(key, zero) for key in order]).reshape(-1, themes)
        self._weights = self._learned + np.array(
            [vocabulary.get(key, zero) for key in order]
        ).reshape(-1, themes)
        self._shown = [learned_words.get(key, " ".join(key)) for key in order]

    def _build_trie(self, phrases: list[Key]) -> None:
        """Phrases of three stems or more as a trie. A phrase's first three stems
        (a, b, c) are code (a × W + b) × W + c, kept sorted with the node they lead to;
        a further stem s leads from node n to edges[n × W + s]. Nodes are numbered from 1."""
        width, edges = self._width, {}
        starts: dict[int, int] = {}
        for phrase in phrases:
            a, b, c, *rest = (self._ids[stem] for stem in phrase)
            node = starts.setdefault((a * width + b) * width + c, len(starts) + len(edges) + 1)
            for stem in rest:
                node = edges.setdefault(node * width + stem, len(starts) + len(edges) + 1)
        self._edges = edges
        self._starts = np.array([*sorted(starts), np.iinfo(np.int64).max], dtype=np.int64)
        self._start_nodes = np.array([starts[key] for key in sorted(starts)] + [0], np.int64)
        self._longest = max(map(len, phrases), default=0)

    def _code(self, key: Key) -> int:
        width = self._width
        if key[0].startswith("="):
            return 2 * width * width + self._exact[key[0][1:].encode("ascii")] - width
        numbers = [self._ids[stem] for stem in key]
        if len(key) == 1:
            return numbers[0]
        if len(key) == 2:
            return width * width + numbers[0] * width + numbers[1]
        start = (numbers[0] * width + numbers[1]) * width + numbers[2]
        node = int(self._start_nodes[np.searchsorted(self._starts, start)])
        for number in numbers[3:]:
            node = self._edges[node * width + number]
        return 3 * width * width + node

    def __getstate__(self) -> dict:  # for the build cache: no stemmer, no word cache
        return {k: v for k, v in self.__dict__.items() if k not in ("_stemmer", "_word_ids")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _stemmer=None, _word_ids={b"": 0})

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

    def tokens(self, words: list[bytes]) -> np.ndarray:
        """Each word's token (0 for a word whose stem the table lacks)."""
        known = self._word_ids
        try:
            return np.fromiter(map(known.__getitem__, words), np.int64, len(words))
        except KeyError:  # words not seen before: stem each once
            for word in set(words).difference(known):
                token = self._exact.get(word)
                if token is None:
                    token = self._ids.get(self._stemmer.stemWord(word.decode("ascii")), 0)
                known[word] = token
            return np.fromiter(map(known.__getitem__, words), np.int64, len(words))

    def _codes(self, tokens: np.ndarray, title: int) -> np.ndarray:
        """The table codes a text's tokens could match, those from `title` on marked
        with a high bit: each word, each pair, each exact word, each longer phrase."""
        width = self._width
        stems = self._stem_of.take(tokens)
        words = stems.copy()
        words[title:] |= _TITLE
        pairs = stems[:-1] * width + stems[1:]
        codes = [words, pairs + width * width]
        codes[1][title:] |= _TITLE
        exact = np.flatnonzero(tokens >= width)
        if len(exact):
            codes.append(tokens.take(exact) + (2 * width * width - width))
            codes[-1][np.searchsorted(exact, title) :] |= _TITLE
        if len(self._starts) > 1 and len(tokens) > 2:
            threes = pairs[:-1] * width + stems[2:]
            found = np.searchsorted(self._starts, threes)
            places = np.flatnonzero(self._starts.take(found) == threes)
            if len(places):
                nodes = self._start_nodes.take(found.take(places))
                codes.append(self._phrases(stems, places, nodes, title))
        return np.concatenate(codes)

    def _phrases(
        self, stems: np.ndarray, places: np.ndarray, nodes: np.ndarray, title: int
    ) -> np.ndarray:
        """Codes of the phrases of three stems or more starting at `places`, whose first
        three stems lead to `nodes` (rare: walked a word at a time)."""
        width, edges, base = self._width, self._edges, 3 * self._width * self._width
        codes = []
        for place, first in zip(places.tolist(), nodes.tolist(), strict=True):
            flag = _TITLE if place >= title else 0
            codes.append((base + first) | flag)
            node: int | None = first
            for stem in stems[place + 3 : place + self._longest].tolist():
                node = edges.get(node * width + stem)
                if node is None:
                    break
                codes.append((base + node) | flag)
        return np.array(codes, dtype=np.int64)

    def _matches(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(places in the table, counts, codes) of the keys among `codes` the table has."""
        codes, times = np.unique(codes, return_counts=True)
        places = np.searchsorted(self._keys, codes & _CODE)
        found = self._keys.take(places) == codes & _CODE
        return places[found], times[found], codes[found]

    def points(self, words: list[bytes], title: list[bytes], title_weight: float) -> np.ndarray:
        """Every theme's points from a text's words and its title's, in millionths: in
        the text a match counts 1 + ln count, in the title `title_weight` × count. One
        pass over the text, a gap (token 0, which matches nothing), then the title."""
        tokens = self.tokens([*words, b"", *title])
        places, times, codes = self._matches(self._codes(tokens, len(words) + 1))
        if not len(places):
            return np.zeros(self._weights.shape[1], np.int64)
        factor = np.where(codes & _TITLE, times * title_weight, growth(times))
        points = self._weights.take(places, axis=0) * factor[:, None]
        return np.rint(points * 1e6).astype(np.int64).sum(axis=0)

    def evidence(self, words: list[bytes]) -> list[tuple[str, int, int, float]]:
        """(words, theme index, count, learned weight) of each learned entry matched."""
        found = []
        tokens = self.tokens(words)
        places, times, _ = self._matches(self._codes(tokens, len(tokens)))
        for place, count in zip(places.tolist(), times.tolist(), strict=True):
            weights = enumerate(self._learned[place].tolist())
            found += [(self._shown[place], i, count, weight) for i, weight in weights if weight]
        return found
