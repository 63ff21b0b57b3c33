"""Serving the built site on 127.0.0.1, and rebuilding it on save."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sage.site import BuildError, build

logger = logging.getLogger(__name__)


def serve(output: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve `output` until interrupted (Pelican's own handler: /x/ -> /x/index.html)."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    class ReusableServer(RootedHTTPServer):
        allow_reuse_address = True

    server = ReusableServer(str(output), (host, port), ComplexHTTPRequestHandler)
    logger.warning("Serving %s on http://%s:%d/ (Ctrl-C to stop)", output, host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files as a host serves them: /x/ is /x/index.html, misses get 404.html."""

    def log_message(self, format, *args):
        logger.debug("%s " + format, self.address_string(), *args)

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory, "404.html")
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None


@contextmanager
def serving(output: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `output` from a background thread while the block runs; yield its base URL.

    Port 0 picks a free port. The audit and the browser tests use it: they need a
    real HTTP server on 127.0.0.1, not a terminal.
    """
    handler = partial(_SiteHandler, directory=str(output))
    server = ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def rebuild_quietly(settings_file: str, number: int, **overrides) -> None:
    """Rebuild `number` for livereload: a broken post is reported, the server keeps running.

    Every message carries the rebuild's number: Pelican's loggers drop a warning that
    repeats one already shown, so a second identical "failed" (the same mistake saved
    twice) or "done in 1.55 s" would otherwise never reach the author.
    """
    started = time.perf_counter()
    try:
        build(settings_file, **overrides)
    except BuildError as error:
        logger.warning("Rebuild %d failed; fix this and save again:\n%s", number, error)
        return
    logger.warning("Rebuild %d done in %.2f s", number, time.perf_counter() - started)


def watch_roots(patterns: list[str]) -> list[str]:
    """The folders (or files) to watch for glob `patterns`: each up to its first wildcard."""
    roots = set()
    for pattern in patterns:
        plain = []
        for part in Path(pattern).parts:
            if any(char in part for char in "*?["):
                break
            plain.append(part)
        root = Path(*plain) if plain else Path(".")
        if root.exists():
            roots.add(str(root))
    return sorted(roots)


def _instant_watcher():
    """livereload's watcher, told of changes by the OS instead of polling every 0.8 s.

    watchfiles (Rust `notify`: inotify on Linux; Pelican depends on it too) reports a
    save within milliseconds; livereload then compares file dates as usual and runs
    the rebuild. Without OS events, livereload's own polling still works.
    """
    import watchfiles
    from livereload.watcher import Watcher
    from tornado.ioloop import IOLoop

    class InstantWatcher(Watcher):
        def start(self, callback) -> bool:
            loop = IOLoop.current()
            roots = watch_roots(list(self._tasks))

            def notify() -> None:
                for _changes in watchfiles.watch(*roots, debounce=30, step=10):
                    loop.add_callback(callback)

            threading.Thread(target=notify, name="watchfiles", daemon=True).start()
            callback()
            return True

    return InstantWatcher()


def livereload(
    settings_file: str,
    watch: list[str],
    output: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    **overrides,
) -> None:
    """Serve `output`, rebuild when a watched file changes, and reload open browsers.

    Rebuilds run in this process, so imports and caches stay warm. A change to our
    Python code (sage/, plugins/) restarts the process instead (Tornado's autoreload,
    livereload's debug mode), since a running process would keep the old code.
    `overrides` are settings for every rebuild (the benchmark points PATH at a corpus).
    """
    from livereload import Server

    server = Server(watcher=_instant_watcher())
    # Open pages reload as soon as they are written; the search index follows.
    overrides = {"SAGE_BACKGROUND_SEARCH": True, **overrides}
    saves = itertools.count(1)
    for pattern in watch:
        server.watch(pattern, lambda: rebuild_quietly(settings_file, next(saves), **overrides))
    server.serve(host=host, port=port, root=str(output), open_url_delay=None, debug=True)
