"""`invoke audit` run as a user runs it: Lighthouse in Debian's headless Chromium."""

import re

import pytest

from sage.audit import audit_paths
from tests.browser import require_chromium, require_npm_tool
from tests.conftest import ROOT, run_invoke

pytestmark = pytest.mark.browser
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"


def test_audit_pages_are_home_a_tip_the_book_and_a_theme(built_site):
    assert audit_paths(built_site) == [
        "/",
        "/tips/promise-the-callback-time-you-can-keep/",
        "/laws/",
        "/themes/expectations/",
    ]


def test_invoke_audit_reports_four_scores_for_a_page(project):
    require_chromium()
    require_npm_tool(LIGHTHOUSE, "lighthouse")
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    result = run_invoke(project, "audit", "--path", "/laws/", "--min-score", "90")
    assert result.returncode == 0, result.stdout + result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("/laws/"))
    scores = [int(score) for score in re.findall(r"\d+", row)]
    assert len(scores) == 4
    # Accessibility, best practices and SEO do not depend on the machine's speed.
    assert scores[1:] == [100, 100, 100]
    assert scores[0] >= 90
