"""Real headless Chromium for the tests: Playwright drives Debian's /usr/bin/chromium.

Also the npm quality tools (axe-core, the Nu HTML Checker). A missing tool skips
its tests locally with the reason and the fix, and fails them when CI is set, so
CI can never pass by skipping. Loaded by conftest.py as a pytest plugin.
"""

from __future__ import annotations

import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "test-artifacts"
# Mailchimp's form ids look like these; the form posts to a local server instead.
FORM_U, FORM_ID = "1a2b3c4d5e", "6f7a8b9c0d"
# The one URL the tests request to see the 404 page.
EXPECTED_404 = "/no-such-page/"
INTERESTS = {"expectations": "group[4021][1]", "patience": "group[4021][2]"}


def require(present: bool, message: str) -> None:
    """Skip locally, fail under CI: a quality check must not pass by not running."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)")
    pytest.skip(message)


def require_chromium() -> None:
    require(
        CHROMIUM.exists(),
        f"Chromium not found at {CHROMIUM}; install it with "
        "`apt-get install -y chromium chromium-driver` (.ci/run does)",
    )


def require_npm_tool(path: Path, name: str) -> None:
    require(path.exists(), f"{name} not found at {path}; run `npm ci` in the project folder")


def require_java() -> None:
    require(
        shutil.which("java") is not None,
        "java not found; install a JRE (`apt-get install -y default-jre-headless`)",
    )


class SignupRecorder(BaseHTTPRequestHandler):
    """Stands where Mailchimp's list-manage.com would: records each form post."""

    posts: ClassVar[list[dict]] = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        self.posts.append(
            {"path": self.path, "type": self.headers.get("Content-Type"), **parse_qs(body, True)}
        )
        reply = b"<!doctype html><title>Thanks</title><p>Almost finished.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def signup_server():
    """A local stand-in for Mailchimp's signup endpoint; yields (form action, posts)."""
    SignupRecorder.posts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SignupRecorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    action = f"http://127.0.0.1:{server.server_address[1]}/subscribe/post?u={FORM_U}&id={FORM_ID}"
    yield action, SignupRecorder.posts
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class PageWatch:
    """Everything a page did that a reader would not want: errors, failed or
    off-site requests."""

    def __init__(self, page, base: str):
        self.base = base
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url} {r.failure}"))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", self._response)

    @staticmethod
    def expected_404(url: str) -> bool:
        return url.endswith(EXPECTED_404)

    def _console(self, message):
        if message.type in ("error", "warning") and not self.expected_404(
            message.location.get("url", "")
        ):
            self.errors.append(f"console {message.type}: {message.text}")

    def _response(self, response):
        if response.status >= 400 and not self.expected_404(response.url):
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def off_site(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.base + "/")]


@pytest.fixture
def open_page(browser):
    """open_page(url, width=1280, scheme="light", javascript=True) -> (page, watch)."""
    contexts = []

    def opener(url, width=1280, scheme="light", javascript=True):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            color_scheme=scheme,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        base = "/".join(url.split("/")[:3])
        watch = PageWatch(page, base)
        page.goto(url)
        return page, watch

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def signup_build(tmp_path_factory, signup_server) -> Path:
    """The fixture site built with the signup form configured (posting to signup_server)."""
    from tests.conftest import FIXTURE_SITE, build_site

    action, _ = signup_server
    output = tmp_path_factory.mktemp("signup") / "output"
    build_site(FIXTURE_SITE, output, SUBSCRIBE_FORM_ACTION=action, SUBSCRIBE_INTERESTS=INTERESTS)
    return output


@pytest.fixture(scope="session")
def signup_site(signup_build):
    """signup_build served on 127.0.0.1; yields its base URL."""
    from sage.serve import serving

    with serving(signup_build) as base:
        yield base


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The real content/ built with development settings and served; yields (output, base)."""
    from sage.serve import serving
    from tests.conftest import build_site

    output = tmp_path_factory.mktemp("real") / "output"
    build_site(ROOT / "content", output)
    with serving(output) as base:
        yield output, base
