"""The hand-written vocabulary of content/themes.toml, checked and compiled for the tagger.

Each entry becomes the stems it matches (or "=word" for an exact word) with its theme
and weight; a malformed entry stops the build with the file, the table and the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sage.tagger_words import plain_words, words_of
from sage.taxonomy import TaxonomyError, Theme

Target = tuple[int, int, float]  # (entry id, theme index, weight)


@dataclass
class Vocabulary:
    """Every entry, by id: (theme index, weight, label); what each matches."""

    stemmer: object
    entries: list[tuple[int, float, str]] = field(default_factory=list)
    patterns: dict[tuple[str, ...], list[Target]] = field(default_factory=dict)
    exact: dict[str, list[Target]] = field(default_factory=dict)  # "=word" entries

    def key(self, label: str, words: list[str]) -> tuple[str, ...]:
        """What an entry matches: ("=word",) for exact words, else the stems in order."""
        if label.startswith("=") and len(words) == 1:
            return ("=" + words[0],)
        return tuple(self.stemmer.stemWords(words))

    def add(self, index: int, label: str, key: tuple[str, ...], weight: float) -> None:
        entry = len(self.entries)
        self.entries.append((index, weight, label))
        target = (entry, index, weight)
        if key[0].startswith("="):
            self.exact.setdefault(key[0][1:], []).append(target)
        else:
            self.patterns.setdefault(key, []).append(target)


def compile_vocabulary(themes: list[Theme], stemmer, source: str) -> Vocabulary:
    """The themes' [terms], [phrases] and [negative] tables, checked and stemmed."""
    vocabulary = Vocabulary(stemmer)
    for index, theme in enumerate(themes):
        _compile(vocabulary, index, theme, source)
    return vocabulary


def _compile(vocabulary: Vocabulary, index: int, theme: Theme, source: str) -> None:
    tables = theme.vocabulary
    unknown = set(tables) - {"terms", "phrases", "negative"}
    if unknown:
        raise TaxonomyError(
            f"{source}: [{theme.slug}]: unknown key {sorted(unknown)[0]!r}; a theme has "
            "name, description, terms, phrases and negative"
        )
    seen: dict[tuple[str, ...], str] = {}
    for table, sign in (("terms", 1.0), ("phrases", 1.0), ("negative", -1.0)):
        entries = tables.get(table, {})
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
            key = vocabulary.key(label, words)
            if key in seen:
                raise TaxonomyError(
                    f'{source}: [{theme.slug}] "{label}" and "{seen[key]}" match the same '
                    "words; keep one of them"
                )
            seen[key] = label
            vocabulary.add(index, label, key, sign * float(weight))
