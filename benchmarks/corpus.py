"""A deterministic corpus in our content model, for benchmarks.

`generate(posts, target)` writes `posts` Markdown posts (55% tips, one per ISO week
going back from 2026-W47; 30% laws; 15% stories) plus the taxonomy and two pages.

The text is realistic where speed depends on it: sentences come from a word-level
Markov chain trained on the publication's own posts, so word frequencies follow
real writing, and every post names its own people, places and products, so the
vocabulary keeps growing with the site as a real archive's does (search indexing
cost depends on that). Tips are about 600 words and use what real posts use:
headings, a list, a quote, links and emphasis. The same `posts` and `seed` over
the same content always give the same files.

    python -m benchmarks.corpus 1000 /tmp/corpus
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path

from sage.sources import find_sources, read_source

ROOT = Path(__file__).resolve().parent.parent
LAST_WEEK_MONDAY = dt.date(2026, 11, 16)  # 2026-W47; fixed so the corpus never moves
SYLLABLES = "ka lo mi ren sa to vel dor an is ru bel cor mar ten wi fa hol pe zu gra lin".split()
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TOKEN = re.compile(r"[A-Za-z0-9’'-]+|[.,;:!?]")


class Chain:
    """A second-order word chain over the sentences of the shipped posts."""

    def __init__(self, content: Path):
        self.next: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.starts: list[tuple[str, str]] = []
        for path in find_sources(content, folders=("tips", "laws", "stories")):
            body = read_source(path, content).body
            text = re.sub(r"[#>*_`\[\]()]|https?://\S+|^- ", " ", body, flags=re.M)
            for sentence in _SENTENCE_END.split(text):
                words = _TOKEN.findall(sentence)
                if len(words) < 6:
                    continue
                self.starts.append((words[0], words[1]))
                for a, b, c in zip(words, words[1:], words[2:], strict=False):
                    self.next[(a, b)].append(c)
                self.next[(words[-2], words[-1])].append("")

    def sentence(self, rng: random.Random, names: list[str]) -> str:
        a, b = rng.choice(self.starts)
        words = [a, b]
        while len(words) < 45:
            choices = self.next.get((a, b))
            if not choices:
                break
            c = rng.choice(choices)
            if not c:
                break
            words.append(c)
            a, b = b, c
        if rng.random() < 0.3:
            words.insert(rng.randrange(1, len(words)), rng.choice(names))
        text = " ".join(words)
        text = re.sub(r" ([.,;:!?])", r"\1", text)
        return text if text[-1] in ".!?" else text + "."


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()


def _paragraph(rng: random.Random, chain: Chain, names: list[str], words: int) -> str:
    parts: list[str] = []
    while sum(len(part.split()) for part in parts) < words:
        parts.append(chain.sentence(rng, names))
    return " ".join(parts)


def _tip(rng: random.Random, chain: Chain, names: list[str], index: int) -> str:
    steps = [f"- {chain.sentence(rng, names)}" for _ in range(4)]
    steps[1] = f"- *{steps[1][2:]}*"
    blocks = [
        _paragraph(rng, chain, names, 110),
        f'> "{chain.sentence(rng, names)}" {names[0]} said.',
        "## Why it matters",
        _paragraph(rng, chain, names, 140),
        _paragraph(rng, chain, names, 120),
        f"See also [an earlier tip](/tips/tip-{index + 1}/) and the **Book of Laws**.",
        "## Try this",
        "\n".join(steps),
        _paragraph(rng, chain, names, 90),
    ]
    return "\n\n".join(blocks)


def _story(rng: random.Random, chain: Chain, names: list[str]) -> str:
    paragraphs = [_paragraph(rng, chain, names, 110) for _ in range(6)]
    return "\n\n".join(paragraphs[:5]) + "\n\n## What it teaches\n\n" + paragraphs[5]


def generate(posts: int, target: Path, seed: int = 7, content: Path | None = None) -> Path:
    """Write a corpus of `posts` posts into `target` (replacing it); return `target`."""
    content = content or ROOT / "content"
    rng = random.Random(seed)
    chain = Chain(content)
    if target.exists():
        shutil.rmtree(target)
    for folder in ("tips", "laws", "stories", "pages"):
        (target / folder).mkdir(parents=True)
    for taxonomy in ("themes.toml", "themes-learned.json"):
        if (content / taxonomy).exists():
            shutil.copy(content / taxonomy, target / taxonomy)
    (target / "pages" / "about.md").write_text("Title: About\n\nA benchmark corpus.\n")
    (target / "pages" / "subscribe.md").write_text("Title: Subscribe\n\nThe weekly tip.\n")
    tips = round(posts * 0.55)
    laws = round(posts * 0.30)
    span = max(tips, 1) * 7
    for index in range(posts):
        names = [_name(rng) for _ in range(4)]
        title = " ".join(chain.sentence(rng, names).split()[:7]).rstrip(".,;:!?")
        if index < tips:
            monday = LAST_WEEK_MONDAY - dt.timedelta(weeks=index)
            year, week, _ = monday.isocalendar()
            summary = chain.sentence(rng, names)[:150]
            (target / "tips" / f"{year}-w{week:02d}-tip-{index}.md").write_text(
                f"Title: {title}\nSlug: tip-{index}\nDate: {monday.isoformat()}\n"
                f"Summary: {summary}\nTags: {rng.choice(['phone', 'chat', 'counter', 'email'])}\n\n"
                f"{_tip(rng, chain, names, index)}\n"
            )
        elif index < tips + laws:
            date = LAST_WEEK_MONDAY - dt.timedelta(days=rng.randrange(span))
            law = chain.sentence(rng, names)
            commentary = f"\n\n{_paragraph(rng, chain, names, 40)}" if rng.random() < 0.5 else ""
            (target / "laws" / f"law-{index}.md").write_text(
                f"Title: The Law of {names[1]}\nSlug: law-{index}\nDate: {date.isoformat()}\n"
                f"Attribution: {names[2]}\n\n{law}{commentary}\n"
            )
        else:
            date = LAST_WEEK_MONDAY - dt.timedelta(days=rng.randrange(span))
            (target / "stories" / f"story-{index}.md").write_text(
                f"Title: {title}\nSlug: story-{index}\nDate: {date.isoformat()}\n"
                f"Summary: {chain.sentence(rng, names)[:150]}\n"
                f"Tags: {rng.choice(['phone', 'counter'])}\n\n"
                f"{_story(rng, chain, names)}\n"
            )
    return target


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp/sage-corpus")
    print(generate(count, out))
