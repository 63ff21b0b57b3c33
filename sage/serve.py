"""Serving the built site on 127.0.0.1, and rebuilding it on save."""

from __future__ import annotations

import logging
import threading
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


def rebuild_quietly(settings_file: str) -> None:
    """One rebuild for livereload: a broken post is reported, the server keeps running."""
    try:
        build(settings_file)
    except BuildError as error:
        logger.warning("Build failed; fix this and save again:\n%s", error)


def livereload(
    settings_file: str, watch: list[str], output: Path, host: str = "127.0.0.1", port: int = 8000
) -> None:
    """Serve `output`, rebuild when a watched file changes, and reload open browsers."""
    from livereload import Server

    server = Server()
    for pattern in watch:
        server.watch(pattern, lambda: rebuild_quietly(settings_file))
    server.serve(host=host, port=port, root=str(output), open_url_delay=None)
