"""`invoke audit`: Lighthouse (npm, default mobile settings) on the pages that matter.

Measured on a production build served from 127.0.0.1, in Debian's headless
Chromium, so the figures are the ones a reader's phone would get from the
published site, not from a development preview.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"


class AuditError(Exception):
    """The audit could not run; the message says what to install or fix."""


@dataclass(frozen=True)
class PageScores:
    path: str
    scores: dict[str, int]
    failing: tuple[str, ...] = ()

    def below(self, minimum: int) -> bool:
        return any(score < minimum for score in self.scores.values())


def audit_paths(output: Path) -> list[str]:
    """Home, the newest tip, the Book of Laws and the first theme page with posts."""
    items = json.loads((output / "index.json").read_text(encoding="utf-8"))["items"]
    tip = next((item["url"] for item in items if item["kind"] == "tip"), None)
    theme = next((item["themes"][0] for item in items if item["themes"]), None)
    paths = ["/"]
    if tip:
        paths.append(urlsplit(tip).path)
    paths.append("/laws/")
    paths.append(f"/themes/{theme}/" if theme else "/themes/")
    return paths


def lighthouse(url: str, lighthouse_bin: Path, chrome: str = "/usr/bin/chromium") -> PageScores:
    """Run Lighthouse once on `url`; return its four category scores out of 100."""
    if not lighthouse_bin.exists():
        raise AuditError(f"{lighthouse_bin} is missing; run: npm ci")
    if not Path(chrome).exists():
        raise AuditError(f"{chrome} is missing; run: apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder, "report.json")
        command = [
            str(lighthouse_bin),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report_path}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ]
        env = {**os.environ, "CHROME_PATH": chrome}
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0 or not report_path.exists():
            detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise AuditError(f"Lighthouse failed on {url}: {detail}")
        report = json.loads(report_path.read_text(encoding="utf-8"))
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    failing = tuple(
        f"{audit['id']} ({audit.get('displayValue') or audit['score']})"
        for name in CATEGORIES
        for ref in report["categories"][name]["auditRefs"]
        if ref.get("weight")
        and (audit := report["audits"][ref["id"]]).get("score") is not None
        and audit["score"] < 1
    )
    return PageScores(urlsplit(url).path, scores, failing)


def run_audit(
    settings_file: str | Path, lighthouse_bin: Path, paths: list[str] | None = None, **overrides
) -> list[PageScores]:
    """Build with `settings_file` (and setting `overrides`) into a temporary folder served
    on 127.0.0.1, and run Lighthouse on each of `paths` (default: audit_paths).

    Raises BuildError or AuditError.
    """
    from sage.serve import serving
    from sage.site import build

    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder, "output")
        output.mkdir()
        with serving(output) as base:
            overrides.update(OUTPUT_PATH=str(output), SITEURL=base, FEED_DOMAIN=base)
            build(settings_file, **overrides)
            paths = paths or audit_paths(output)
            return [lighthouse(base + path, lighthouse_bin) for path in paths]
