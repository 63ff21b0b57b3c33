"""Read a Markdown post the way an author wrote it: header fields with line numbers.

Pelican's Markdown reader parses the same `Key: value` header (Python-Markdown's
meta extension); this module mirrors its rules so that checks can point at the
line an author must fix, before Pelican reads anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# The meta extension's own patterns (markdown/extensions/meta.py).
_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)")
_BEGIN = re.compile(r"^-{3}(\s.*)?")
_END = re.compile(r"^(-{3}|\.{3})(\s.*)?")

KINDS_BY_FOLDER = ("tips", "laws", "stories", "pages")


@dataclass
class Field:
    """One header field: its value and the line it starts on (1-based)."""

    name: str
    value: str
    line: int


@dataclass
class Source:
    """A Markdown source file split into header fields and body."""

    path: Path
    rel: str
    folder: str
    fields: dict[str, Field] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def get(self, name: str, default: str | None = None) -> str | None:
        found = self.fields.get(name.lower())
        return found.value if found else default

    def line_of(self, name: str) -> int:
        found = self.fields.get(name.lower())
        return found.line if found else 1

    @property
    def status(self) -> str:
        return (self.get("status") or "published").strip().lower()


def parse_source(text: str, path: Path, rel: str) -> Source:
    """Split `text` into header fields and body, as Python-Markdown's meta does."""
    lines = text.splitlines()
    folder = rel.split("/", 1)[0] if "/" in rel else ""
    source = Source(path=path, rel=rel, folder=folder)
    index = 0
    if lines and _BEGIN.match(lines[0]):
        index = 1
    key = None
    while index < len(lines):
        line = lines[index]
        if line.strip() == "" or _END.match(line):
            index += 1
            break
        meta = _META.match(line)
        if meta:
            key = meta["key"].lower()
            source.fields[key] = Field(meta["key"], meta["value"].strip(), index + 1)
        else:
            more = _META_MORE.match(line)
            if more and key:
                previous = source.fields[key]
                previous.value = f"{previous.value} {more['value'].strip()}".strip()
            else:
                break
        index += 1
    source.body_line = index + 1
    source.body = "\n".join(lines[index:])
    return source


def read_source(path: Path, content_root: Path) -> Source:
    """Read one source file, normally below `content_root`. A file elsewhere (a draft
    given to `invoke themes --explain`) is read too, with no content folder."""
    try:
        rel = path.relative_to(content_root).as_posix()
    except ValueError:
        rel = path.name
    text = path.read_text(encoding="utf-8-sig")
    return parse_source(text, path, rel)


def find_sources(content_root: Path, folders=KINDS_BY_FOLDER) -> list[Path]:
    """Every Markdown file in the content folders, sorted, hidden files skipped."""
    found = []
    for folder in folders:
        base = content_root / folder
        if base.is_dir():
            found.extend(
                p
                for p in base.rglob("*.md")
                if not any(part.startswith(".") for part in p.relative_to(base).parts)
            )
    return sorted(found)


_MARKUP = re.compile(r"<[^>]+>|\]\([^)]*\)|[#>*_`~\[\]|]")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def count_words(markdown_text: str) -> int:
    """Count the words a reader sees in Markdown (link targets and tags excluded)."""
    return len(_WORD.findall(_MARKUP.sub(" ", markdown_text)))


def first_paragraph(markdown_text: str) -> str:
    """The first block of text in a Markdown body (headings skipped)."""
    for raw in re.split(r"\n\s*\n", markdown_text.strip()):
        block = raw.strip()
        if block and not block.startswith("#"):
            return block
    return ""
