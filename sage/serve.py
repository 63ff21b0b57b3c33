"""Serving the built site on 127.0.0.1, and rebuilding it on save."""

from __future__ import annotations

import logging
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
