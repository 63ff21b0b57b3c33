"""Compiled templates, kept between builds.

Pelican gives every generator its own Jinja environment, and every build new
ones, so each compiled `base.html` again. Jinja's bytecode cache keeps the
compiled code: in memory for the rest of this process (livereload, tests), and
on disk under CACHE_PATH/jinja for the next one. Jinja checks each entry against
a checksum of the template's source, so an edited template is compiled afresh.
"""

from __future__ import annotations

import contextlib
import os

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket


class TemplateCache(FileSystemBytecodeCache):
    def __init__(self, directory: str):
        super().__init__(directory)
        self._compiled: dict[tuple[str, str], object] = {}  # (key, source checksum) -> code

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._compiled.get((bucket.key, bucket.checksum))
        if code is not None:
            bucket.code = code
            return
        super().load_bytecode(bucket)
        if bucket.code is not None:
            self._compiled[(bucket.key, bucket.checksum)] = bucket.code

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[(bucket.key, bucket.checksum)] = bucket.code
        with contextlib.suppress(OSError):  # a read-only folder costs the next build a compile
            super().dump_bytecode(bucket)


_caches: dict[str, TemplateCache] = {}


def template_cache(settings: dict) -> TemplateCache | None:
    """The cache for this CACHE_PATH, or None when its folder cannot be made."""
    folder = os.path.join(settings["CACHE_PATH"], "jinja")
    if folder not in _caches:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            return None
        _caches[folder] = TemplateCache(folder)
    return _caches[folder]
