"""A deterministic corpus in our content model, for benchmarks.

`generate(posts, target)` writes `posts` Markdown posts (55% tips, one per ISO week
going back from 2026-W47; 30% laws; 15% stories) plus the taxonomy and two pages.
Tips are about 600 words and use what real posts use: headings, lists, a quote,
links and emphasis. The same `posts` and `seed` always give the same files.

    python -m benchmarks.corpus 1000 /tmp/corpus
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAST_WEEK_MONDAY = dt.date(2026, 11, 16)  # 2026-W47; fixed so the corpus never changes

NAMES = [
    "Mara",
    "Dev",
    "Ines",
    "Tomas",
    "Priya",
    "Gordon",
    "Aisha",
    "Felix",
    "Rosa",
    "Ben",
    "Nadia",
    "Joel",
    "Luis",
    "Amira",
    "Harold",
    "Dana",
    "Kofi",
    "Lena",
    "Omar",
    "Greta",
]
PLACES = [
    "a plumbing supply counter",
    "the night desk of a small hotel",
    "a bank branch",
    "a city permit office",
    "a software help desk",
    "a family restaurant",
    "a pharmacy counter",
    "a moving company's phone line",
    "a clinic front desk",
    "an airline gate",
    "a hardware store",
    "a utility call centre",
    "a bike repair shop",
]
THEME_LINES = {
    "expectations": [
        "promised a callback window she could keep",
        "set expectations about the delivery date",
        "explained what happens next, step by step",
        "gave an honest estimate instead of a guess",
    ],
    "empathy": [
        "let the caller vent without interrupting",
        "named the feeling before fixing the fact",
        "listened until the customer felt heard",
        "apologised for the specific harm, sincerely",
    ],
    "recovery": [
        "handled the angry complaint and made it right",
        "fixed the wrong order and then fixed the feeling",
        "turned an escalation into a refund and a thank-you",
        "let the customer who was wrong save face",
    ],
    "patience": [
        "stayed calm when the queue reached the door",
        "answered the same question a third time, unhurried",
        "slowed the pace for a confused older caller",
        "kept her cool during the lunch rush",
    ],
    "ownership": [
        "took ownership instead of transferring the call",
        "said I'll find out and then followed through",
        "used her discretion instead of the rule book",
        "kept the case until it was closed",
    ],
    "teamwork": [
        "treated the warehouse as an internal customer",
        "wrote a hand-off note for the other department",
        "covered for a teammate on a rough shift",
        "asked the sales team what would help",
    ],
    "communication": [
        "swapped jargon for plain language",
        "asked one open question at a time",
        "chose words that explained the reason behind the policy",
        "gave a compliment that named what went well",
    ],
    "leadership": [
        "coached from real calls instead of scripts",
        "changed the metrics the team was measured on",
        "hired for warmth and trained for the system",
        "rewarded the save, not only the speed",
    ],
    "technology": [
        "gave the chatbot an exit to a human",
        "called the phone menu to test it",
        "rewrote the help article for frustrated readers",
        "said plainly that the system was down",
    ],
    "loyalty": [
        "called the customer who quietly stopped ordering",
        "told the truth about the cheaper plan",
        "thanked a long-time customer before the renewal",
        "won back a lost customer with a straight question",
    ],
    "experience": [
        "noticed the occasion and marked it",
        "went above and beyond with a handwritten note",
        "walked the whole customer journey end to end",
        "made the last minute of the visit memorable",
    ],
}
FILLER = [
    "Most of the day was ordinary: questions about hours, a form that needed a signature, "
    "a parcel that had not arrived.",
    "Nobody writes training manuals about moments like that, "
    "but customers remember them for years.",
    "It took less than five minutes, and it changed how the rest of the conversation went.",
    "The difference was not the policy or the price; it was what happened in the first minute.",
    "Her supervisor noticed, and the next week the whole team tried the same thing.",
    "Small habits like this compound: each one costs almost nothing, "
    "and together they become the reputation.",
    "It is easy to agree with this in a meeting and hard to do it at four o'clock on a Friday.",
    "The customer did not say thank you at the time, but the follow-up survey did.",
]
LAW_SHAPES = [
    "The {thing} you {verb} will always {outcome}.",
    "Any {thing} left until Friday will {outcome} on Monday.",
    "The customer who says it will only take a minute will {outcome}.",
    "No {thing} survives its first contact with a real customer.",
]
LAW_WORDS = {
    "thing": [
        "callback",
        "queue",
        "promise",
        "refund",
        "phone menu",
        "hand-off",
        "apology",
        "script",
        "password reset",
        "complaint",
    ],
    "verb": ["forget", "promise", "rush", "skip", "automate", "transfer", "explain twice"],
    "outcome": [
        "arrive with the angriest caller",
        "take forty minutes",
        "need a manager",
        "come back as a complaint",
        "be the one the customer remembers",
    ],
}


def _paragraph(rng: random.Random, theme: str, sentences: int = 5) -> str:
    name, place = rng.choice(NAMES), rng.choice(PLACES)
    parts = [f"{name} works at {place}, and one morning {name} {rng.choice(THEME_LINES[theme])}."]
    for _ in range(sentences - 1):
        if rng.random() < 0.35:
            parts.append(f"That is the habit worth copying: {rng.choice(THEME_LINES[theme])}.")
        else:
            parts.append(rng.choice(FILLER))
    return " ".join(parts)


def _tip(rng: random.Random, index: int, theme: str, other: str) -> str:
    steps = [f"- Try it this week: {line}." for line in rng.sample(THEME_LINES[theme], 3)]
    steps.append(f"- Ask a colleague how they {rng.choice(THEME_LINES[other])}.")
    said = rng.choice(THEME_LINES[theme])
    quote = f'> "I only {said}," {rng.choice(NAMES)} said. "It felt *obvious*."'
    blocks = [
        _paragraph(rng, theme, 8),
        quote,
        "## Why it matters",
        _paragraph(rng, theme, 9),
        _paragraph(rng, other, 8),
        f"See also [an earlier tip](/tips/tip-{index + 1}/) and the **Book of Laws**.",
        "## Try this",
        "\n".join(steps),
        _paragraph(rng, theme, 7),
    ]
    return "\n\n".join(blocks)


def _law(rng: random.Random) -> str:
    shape = rng.choice(LAW_SHAPES)
    text = shape.format(**{key: rng.choice(words) for key, words in LAW_WORDS.items()})
    commentary = f"\n\n{rng.choice(FILLER)}" if rng.random() < 0.5 else ""
    return text + commentary


def _story(rng: random.Random, theme: str) -> str:
    paragraphs = [_paragraph(rng, theme, 7) for _ in range(7)]
    return "\n\n".join(paragraphs[:6]) + "\n\n## What it teaches\n\n" + paragraphs[6]


def generate(posts: int, target: Path, seed: int = 7) -> Path:
    """Write a corpus of `posts` posts into `target` (replacing it); return `target`."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    for folder in ("tips", "laws", "stories", "pages"):
        (target / folder).mkdir(parents=True)
    shutil.copy(ROOT / "content" / "themes.toml", target / "themes.toml")
    (target / "pages" / "about.md").write_text("Title: About\n\nA benchmark corpus.\n")
    (target / "pages" / "subscribe.md").write_text("Title: Subscribe\n\nThe weekly tip.\n")
    themes = list(THEME_LINES)
    tips = round(posts * 0.55)
    laws = round(posts * 0.30)
    stories = posts - tips - laws
    for index in range(tips):
        monday = LAST_WEEK_MONDAY - dt.timedelta(weeks=index)
        theme, other = rng.sample(themes, 2)
        year, week, _ = monday.isocalendar()
        (target / "tips" / f"{year}-w{week:02d}-tip-{index}.md").write_text(
            f"Title: Tip {index}: how {rng.choice(NAMES)} {rng.choice(THEME_LINES[theme])}\n"
            f"Slug: tip-{index}\nDate: {monday.isoformat()}\n"
            f"Summary: A {theme} tip from {rng.choice(PLACES)}.\n"
            f"Tags: {rng.choice(['phone', 'chat', 'counter', 'email'])}\n\n"
            f"{_tip(rng, index, theme, other)}\n"
        )
    span = max(tips, 1) * 7
    for index in range(laws):
        date = LAST_WEEK_MONDAY - dt.timedelta(days=rng.randrange(span))
        (target / "laws" / f"law-{index}.md").write_text(
            f"Title: The Law of the {rng.choice(LAW_WORDS['thing']).title()} No. {index}\n"
            f"Date: {date.isoformat()}\nAttribution: Unknown Sage\n\n{_law(rng)}\n"
        )
    for index in range(stories):
        date = LAST_WEEK_MONDAY - dt.timedelta(days=rng.randrange(span))
        theme = rng.choice(themes)
        (target / "stories" / f"story-{index}.md").write_text(
            f"Title: Story {index}: the day at {rng.choice(PLACES)}\nDate: {date.isoformat()}\n"
            f"Summary: A story about {theme}.\nTags: {rng.choice(['phone', 'counter'])}\n\n"
            f"{_story(rng, theme)}\n"
        )
    return target


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp/sage-corpus")
    print(generate(count, out))
