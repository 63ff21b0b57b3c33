"""How the tagger reads a text: the words it sees, the same in posts and vocabularies."""

from __future__ import annotations

import re

_TAG = re.compile(r"<[^>]*>")
# Only ASCII letters and digits make words, lowercased; every other byte separates
# them ("don't" -> "don", "t"; "&rsquo;" -> "rsquo"), the same way in posts and in the
# vocabulary. A bytes.translate table is several times faster than a regular
# expression or str.lower, and tagging runs on every post of every build.
_KEEP = b"abcdefghijklmnopqrstuvwxyz0123456789"
_WORD_BYTES = bytes(
    code if code in _KEEP else code + 32 if 65 <= code <= 90 else 32 for code in range(256)
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
    """The lowercased words of plain text."""
    return text.encode("utf-8", "replace").translate(_WORD_BYTES).decode("ascii").split()


def byte_words(text: str) -> list[bytes]:
    """words_of, as ASCII bytes: splitting bytes is faster than splitting a str."""
    return text.encode("utf-8", "replace").translate(_WORD_BYTES).split()


def plain_words(text: str) -> str:
    """Reader-visible text: tags dropped (entities fall apart into words)."""
    return _TAG.sub(" ", text) if "<" in text else text
