"""Tagging speed: posts per second for the tagger alone, and what the plugin adds to a build.

    python -m benchmarks.tagging [--posts 1000] [--runs 5]

Tagging alone: every post of a generated corpus is rendered to HTML first (not
timed), then tagged `runs` times; the median pass gives posts per second.
Plugin cost: the same corpus is built with the tagger choosing every post's themes
and again with those themes written into each post as `Themes:` lines (so the
tagger is skipped but the output is identical); builds alternate, in fresh
processes, after one warm-up each, and the medians are compared.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import generate
from sage.post_themes import load_tagger, render_body
from sage.site import read_settings
from sage.sources import find_sources, read_source

ROOT = Path(__file__).resolve().parent.parent
BUILD = (
    "import sys, time; from sage.site import build; t = time.perf_counter(); "
    "build(sys.argv[1], PATH=sys.argv[2], OUTPUT_PATH=sys.argv[3]); "
    "print(time.perf_counter() - t)"
)


def rendered_posts(settings: dict) -> list[tuple[str, str, Path]]:
    content = Path(settings["PATH"])
    posts = []
    for path in find_sources(content, folders=("tips", "laws", "stories")):
        source = read_source(path, content)
        posts.append((source.get("title") or "", render_body(settings, source.body), path))
    return posts


def tagging_rate(settings: dict, posts: list, runs: int) -> float:
    _, tagger = load_tagger(settings)
    for title, html, _ in posts:  # warm-up: fills the stem cache, as a build would
        tagger.tag(title, html)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for title, html, _ in posts:
            tagger.tag(title, html)
        times.append(time.perf_counter() - start)
    return len(posts) / statistics.median(times)


def write_explicit_themes(settings: dict, posts: list) -> None:
    """Write the tagger's choice into every post as a Themes: line."""
    _, tagger = load_tagger(settings)
    for title, html, path in posts:
        themes = tagger.tag(title, html)
        text = path.read_text(encoding="utf-8")
        if themes:
            text = re.sub(
                r"^(Date: .*)$", rf"\1\nThemes: {', '.join(themes)}", text, count=1, flags=re.M
            )
        path.write_text(text, encoding="utf-8")


def build_seconds(content: Path, work: Path) -> float:
    output = Path(tempfile.mkdtemp(dir=work))
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(ROOT / "pelicanconf.py"), str(content), str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tagged = generate(args.posts, work / "tagged")
        explicit = generate(args.posts, work / "explicit")
        settings = read_settings(ROOT / "pelicanconf.py", PATH=str(tagged))
        posts = rendered_posts(settings)
        rate = tagging_rate(settings, posts, args.runs)
        words = statistics.mean(len(re.sub(r"<[^>]+>", " ", html).split()) for _, html, _ in posts)
        print(
            f"tagging alone: {rate:,.0f} posts/s over {len(posts)} posts "
            f"(mean {words:.0f} words), median of {args.runs} passes"
        )
        write_explicit_themes(
            settings, rendered_posts(read_settings(ROOT / "pelicanconf.py", PATH=str(explicit)))
        )
        build_seconds(tagged, work)
        build_seconds(explicit, work)
        with_tagger, without = [], []
        for _ in range(args.runs):
            with_tagger.append(build_seconds(tagged, work))
            without.append(build_seconds(explicit, work))
        a, b = statistics.median(with_tagger), statistics.median(without)
        print(
            f"{args.posts}-post build: {a:.2f} s with the tagger, {b:.2f} s with the same themes "
            f"given as Themes: lines; the tagger adds {100 * (a - b) / b:+.1f}% "
            f"(medians of {args.runs}, alternating)"
        )


if __name__ == "__main__":
    main()
