"""How good the tagger is on a labelled set: P@1 and micro precision, recall, F1.

A labelled set is JSON Lines: {"id", "kind", "title", "text", "themes": [gold, ...]}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sage.tagger import Tagger


@dataclass
class Report:
    items: int = 0
    top_correct: int = 0
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0
    misses: list[dict] = field(default_factory=list)

    @property
    def p_at_1(self) -> float:
        return self.top_correct / self.items if self.items else 0.0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> str:
        return (
            f"{self.items} items: P@1 {self.p_at_1:.3f}  precision {self.precision:.3f}  "
            f"recall {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"({self.predicted} themes kept, {self.gold} gold)"
        )


class LabelledSetError(Exception):
    """A labelled set that cannot be read; the message names the file, the line and the fix."""


def load_labelled(path: Path) -> list[dict]:
    """The items of a JSON Lines file: one {"title", "text", "themes"} object a line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise LabelledSetError(f"{path}: cannot read it ({error.strerror})") from None
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise LabelledSetError(f"{path}:{number}: not JSON ({error.msg})") from None
        if not isinstance(item, dict) or not isinstance(item.get("themes"), list):
            raise LabelledSetError(
                f'{path}:{number}: each line needs "text" and a "themes" list, '
                'e.g. {"title": "", "text": "…", "themes": ["empathy"]}'
            )
        items.append({"title": "", **item, "text": str(item.get("text", ""))})
    return items


def evaluate(tagger: Tagger, items: list[dict]) -> Report:
    """Score the tagger's kept themes against the gold themes of every item."""
    report = Report()
    for item in items:
        predicted = tagger.tag(item["title"], item["text"])
        gold = set(item["themes"])
        report.items += 1
        report.top_correct += bool(predicted) and predicted[0] in gold
        report.true_positives += len(gold & set(predicted))
        report.predicted += len(predicted)
        report.gold += len(gold)
        if not predicted or predicted[0] not in gold or set(predicted) != gold:
            report.misses.append({**item, "predicted": predicted})
    return report


def development_sets() -> list[Path]:
    """The labelled sets written for the tagger, in tests/data."""
    data = Path(__file__).resolve().parent.parent / "tests" / "data"
    return [data / "theme_devset.jsonl", data / "theme_devset2.jsonl"]


def evaluate_files(tagger: Tagger, paths: list[Path]) -> list[tuple[str, Report]]:
    """A report per labelled file, and one over all of them when there are several."""
    reports, everything = [], []
    for path in paths:
        items = load_labelled(path)
        everything += items
        reports.append((path.name, evaluate(tagger, items)))
    if len(paths) > 1:
        reports.append(("together", evaluate(tagger, everything)))
    return reports
