"""Pelican's reader for Markdown posts: our header parser and cmark-gfm.

It replaces Pelican's Python-Markdown reader (which builds a new parser for every
file and converts a Summary line with a second full pass). Header fields follow
the same `Key: value` rules (sage/sources.py); Pelican still processes each value
(dates, tags, ...).
"""

from __future__ import annotations

import os
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
    # A long-lived process (livereload) rebuilds often: a file's parsed and rendered
    # text is kept while its size and modification time stay the same.
    _rendered: ClassVar[dict[str, tuple]] = {}

    def read(self, source_path: str) -> tuple[str, dict]:
        info = os.stat(source_path)
        stamp = (info.st_mtime_ns, info.st_size, tuple(self.settings["FORMATTED_FIELDS"]))
        known = self._rendered.get(source_path)
        if known is None or known[0] != stamp:
            known = self._rendered[source_path] = (stamp, *self._render(source_path))
        _, body, fields = known
        metadata = {name: self.process_metadata(name, value) for name, value in fields.items()}
        return body, metadata

    def _render(self, source_path: str) -> tuple[str, dict]:
        with pelican_open(source_path) as text:
            source = parse_source(text, Path(source_path), "")
        formatted = self.settings["FORMATTED_FIELDS"]
        fields = {
            name: render(field.value) if name in formatted else field.value
            for name, field in source.fields.items()
        }
        return render(source.body), fields

    def process_metadata(self, name: str, value):
        if name in ("date", "modified"):  # as Pelican does, faster (sage/rules.py)
            return parse_date(value)
        return super().process_metadata(name, value)
