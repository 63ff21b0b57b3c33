"""Shared fixtures: a real Pelican build of a small fixture site, and throwaway
copies of the project for running `invoke` exactly as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Real headless Chromium and the npm quality tools (tests/browser.py).
pytest_plugins = ["tests.browser"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"
# Fixture sites use the real taxonomy, vocabulary included: the tagger is under test too.
TAXONOMY = ROOT / "content" / "themes.toml"
LEARNED = ROOT / "content" / "themes-learned.json"  # the tagger's learned layer, likewise
# The fixture site's "now" for the home page picks; dates in it are fixed.
FIXTURE_WEEK = "2026-W47"
SITEURL = "https://sage.example.org"
# The fixture site's story whose title tries to inject markup (stories/hostile-title.md).
HOSTILE = '<script>alert(1)</script> & "friends"'
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# The taxonomy of ../shared/DESIGN.md, in its order.
THEME_SLUGS = [
    "expectations",
    "empathy",
    "recovery",
    "patience",
    "ownership",
    "teamwork",
    "communication",
    "leadership",
    "technology",
    "loyalty",
    "experience",
]
PROJECT_FILES = ["pelicanconf.py", "publishconf.py", "tasks.py", "README.md"]
PROJECT_DIRS = ["sage", "plugins", "theme", "newsletter"]


def copy_project(target: Path, content: Path = FIXTURE_SITE) -> Path:
    """A runnable copy of the project in `target` with `content` as its content/."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, target / name)
    for name in PROJECT_DIRS:
        if (ROOT / name).exists():
            (target / name).symlink_to(ROOT / name, target_is_directory=True)
    shutil.copytree(content, target / "content")
    if not (target / "content" / "themes.toml").exists():
        shutil.copy(TAXONOMY, target / "content" / "themes.toml")
        shutil.copy(LEARNED, target / "content" / "themes-learned.json")
    return target


def run_invoke(project: Path, *args: str, env: dict | None = None, input: str | None = None):
    """Run `invoke ARGS` in `project` as a user would; return the CompletedProcess."""
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        check=False,
        cwd=project,
        capture_output=True,
        text=True,
        env=environment,
        input=input,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh copy of the project with the fixture content."""
    return copy_project(tmp_path / "project")


def build_site(content: Path, output: Path, settings_file: str = "pelicanconf.py", **overrides):
    """Build `content` into `output` in-process with the project's real settings."""
    from sage.site import build

    overrides.setdefault("SAGE_CURRENT_WEEK", FIXTURE_WEEK)
    overrides.setdefault("CACHE_PATH", str(Path(output).parent / ".cache"))
    if not (Path(content) / "themes.toml").exists():
        overrides.setdefault("THEMES_FILE", str(TAXONOMY))
        overrides.setdefault("THEMES_LEARNED_FILE", str(LEARNED))
    return build(ROOT / settings_file, PATH=str(content), OUTPUT_PATH=str(output), **overrides)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The fixture site built once with development settings; tests only read it."""
    output = tmp_path_factory.mktemp("site") / "output"
    build_site(FIXTURE_SITE, output)
    return output


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> Path:
    """The fixture site built once with production settings and an absolute SITEURL."""
    output = tmp_path_factory.mktemp("published") / "output"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEURL", SITEURL)
        build_site(FIXTURE_SITE, output, "publishconf.py")
    return output


def read_output(output: Path, rel: str) -> str:
    """A built file's text."""
    return (output / rel).read_text(encoding="utf-8")
