"""`invoke livereload` as an author uses it: save a post, the page is rebuilt; save a
broken post, the server says why and keeps serving."""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sage.serve import rebuild_quietly
from tests.conftest import FIXTURE_SITE, LEARNED, ROOT, TAXONOMY, copy_project


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def live(tmp_path):
    project = copy_project(tmp_path / "project")
    port = free_port()
    log = (tmp_path / "livereload.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", str(port)],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )

    def serving() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait_for(serving, 120, "livereload to serve")
        yield project, port, tmp_path / "livereload.log"
    finally:
        process.terminate()
        process.wait(30)
        log.close()


def test_a_saved_post_is_rebuilt_and_served(live):
    project, port, log = live
    tip = project / "content" / "tips" / "2026-w46-write-it-down.md"
    page = project / "output" / "tips" / "write-the-promise-down" / "index.html"
    assert "quokka" not in page.read_text(encoding="utf-8")
    time.sleep(1.0)  # let the watcher settle after the first build
    tip.write_text(tip.read_text(encoding="utf-8") + "\nA quokka would write it down.\n")
    wait_for(lambda: "quokka" in page.read_text(encoding="utf-8"), 30, "the page to change")
    with urllib.request.urlopen(
        f"http://127.0.0.1:{port}/tips/write-the-promise-down/"
    ) as response:
        assert "quokka" in response.read().decode("utf-8")
    # The search index follows in the background: its shard for this page is rebuilt.
    stamps = project / ".cache" / "sage"
    wait_for(lambda: list(stamps.glob("*.stamp")), 30, "the build to complete")
    assert re.search(r"Rebuild \d+ done in \d+\.\d\d s", Path(log).read_text())


def test_a_broken_post_is_reported_and_the_server_keeps_serving(live):
    project, port, log = live
    time.sleep(1.0)
    broken = project / "content" / "stories" / "broken.md"
    broken.write_text("Title: Broken\nDate: someday\n\nText.\n", encoding="utf-8")
    wait_for(lambda: " failed; fix this" in Path(log).read_text(), 30, "the failure to be reported")
    text = Path(log).read_text()
    assert "broken.md" in text and "Date" in text
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
        assert response.status == 200


def test_every_rebuild_is_reported_even_when_its_message_repeats(tmp_path, caplog):
    """Pelican's loggers drop a warning that repeats an earlier one: the same broken
    post saved twice must still be reported twice (each rebuild has its number)."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    (content / "stories" / "broken.md").write_text("Title: Broken\nDate: someday\n\nText.\n")
    folders = {
        "PATH": str(content),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / ".cache"),
        "THEMES_FILE": str(TAXONOMY),
        "THEMES_LEARNED_FILE": str(LEARNED),
    }
    with caplog.at_level(logging.WARNING, logger="sage.serve"):
        for number in (1, 2, 3):
            rebuild_quietly(str(ROOT / "pelicanconf.py"), number, **folders)
    failures = [record for record in caplog.records if "failed; fix this" in record.msg]
    assert [record.args[0] for record in failures] == [1, 2, 3]
    assert all("broken.md" in record.getMessage() for record in failures)
