"""Pelican's reader for Markdown posts: our header parser and cmark-gfm.

It replaces Pelican's Python-Markdown reader (which builds a new parser for every
file and converts a Summary line with a second full pass). Header fields follow
the same `Key: value` rules (sage/sources.py); Pelican still processes each value
(dates, tags, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pelican.readers import BaseReader
from pelican.utils import pelican_open

from sage.markdown import render
from sage.rules import parse_date
from sage.sources import parse_source


class SageMarkdownReader(BaseReader):
    enabled = True
    file_extensions: ClassVar[list[str]] = ["md", "markdown", "mkd", "mdown"]

    def read(self, source_path: str) -> tuple[str, dict]:
        with pelican_open(source_path) as text:
            source = parse_source(text, Path(source_path), "")
        formatted = self.settings["FORMATTED_FIELDS"]
        metadata = {}
        for name, field in source.fields.items():
            value = render(field.value) if name in formatted else field.value
            metadata[name] = self.process_metadata(name, value)
        return render(source.body), metadata

    def process_metadata(self, name: str, value):
        if name in ("date", "modified"):  # as Pelican does, faster (sage/rules.py)
            return parse_date(value)
        return super().process_metadata(name, value)
