"""The invoke tasks, run as a user runs them, in a throwaway copy of the project."""

import datetime as dt
import json
import re

from sage.weeks import current_week, shift_week, week_days
from tests.conftest import ROOT, run_invoke

TIMEZONE = "America/New_York"


def test_build_writes_the_site(project):
    result = run_invoke(project, "build")
    assert result.returncode == 0, result.stderr
    assert (project / "output/index.json").is_file()
    assert (project / "output/tips/promise-the-callback-time-you-can-keep/index.html").is_file()


def test_a_second_build_with_nothing_changed_says_so_and_clean_forgets_everything(project):
    assert run_invoke(project, "build").returncode == 0
    again = run_invoke(project, "build")
    assert again.returncode == 0
    assert "Nothing changed since the last build: output/ is up to date." in again.stdout
    assert run_invoke(project, "clean").returncode == 0
    assert not (project / "output").exists() and not (project / ".cache").exists()
    rebuilt = run_invoke(project, "rebuild")
    assert rebuilt.returncode == 0 and "Nothing changed" not in rebuilt.stdout
    assert (project / "output/index.json").is_file()


def test_broken_post_stops_the_build_with_one_line_and_no_traceback(project):
    (project / "content/laws/broken.md").write_text("Title: Broken\nDate: someday\n\nText.\n")
    result = run_invoke(project, "build")
    assert result.returncode == 1
    assert (
        'content/laws/broken.md:2: error: Date "someday" is not a date; write it as YYYY-MM-DD '
        '(time optional), e.g. "Date: 2026-11-16"'
    ) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (project / "output/index.json").exists()


def test_malformed_taxonomy_stops_the_build_naming_file_and_entry(project):
    with (project / "content/themes.toml").open("a") as handle:
        handle.write('\n[speed]\nname = "Speed"\n')
    result = run_invoke(project, "build")
    assert result.returncode == 1
    assert (
        'content/themes.toml: [speed]: description is missing or empty; add description = "…"'
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_malformed_learned_layer_is_one_sentence_in_build_check_and_themes(project):
    (project / "content/themes-learned.json").write_text('{"weights": {"empathy": {"sorry": "x"}}}')
    message = (
        'content/themes-learned.json: "empathy": "sorry": the weight must be a number; train '
        "the layer again with `invoke themes --train`"
    )
    for task in ("build", "check", "themes"):
        result = run_invoke(project, task)
        assert result.returncode == 1, task
        output = result.stderr + result.stdout
        assert "Traceback" not in output, task
        assert message.split(": ", 1)[1] in output and "themes-learned.json" in output, task


def test_failed_publish_leaves_the_previous_output_intact(project):
    assert (
        run_invoke(project, "publish", env={"SITEURL": "https://sage.example.org"}).returncode == 0
    )
    before = {
        p.relative_to(project / "output"): p.read_bytes()
        for p in (project / "output").rglob("*")
        if p.is_file()
    }
    assert before
    (project / "content/tips/2026-w47-promise-the-callback.md").write_text(
        "Title: Broken\n\nNo date.\n"
    )
    result = run_invoke(project, "publish", env={"SITEURL": "https://sage.example.org"})
    assert result.returncode == 1
    assert "Publish failed; output/ is unchanged" in result.stderr
    after = {
        p.relative_to(project / "output"): p.read_bytes()
        for p in (project / "output").rglob("*")
        if p.is_file()
    }
    assert after == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".output")] == []


def test_publish_uses_siteurl_from_the_environment(project):
    result = run_invoke(project, "publish", env={"SITEURL": "https://tips.example.net"})
    assert result.returncode == 0, result.stderr
    items = json.loads((project / "output/index.json").read_text())["items"]
    assert items[0]["url"].startswith("https://tips.example.net/")
    assert not (project / "output/drafts").exists()


def test_new_tip_takes_the_next_free_week_and_never_overwrites(project):
    this_week = current_week(TIMEZONE)
    taken = [shift_week(this_week, 1), shift_week(this_week, 2)]
    for week in taken:
        monday = week_days(week)[0]
        (project / f"content/tips/{week.lower()}-taken.md").write_text(
            f"Title: Taken {week}\nDate: {monday}\nStatus: draft\n\nBody.\n"
        )
    result = run_invoke(project, "new", "tip", "Answer the email you dread first")
    assert result.returncode == 0, result.stderr
    expected_week = shift_week(this_week, 3)
    path = project / f"content/tips/{expected_week.lower()}-answer-the-email-you-dread-first.md"
    text = path.read_text()
    assert text.startswith("Title: Answer the email you dread first\n")
    assert f"Date: {week_days(expected_week)[0].isoformat()}\n" in text
    assert "Status: draft\n" in text

    again = run_invoke(project, "new", "tip", "Answer the email you dread first")
    assert again.returncode == 0, again.stderr
    later = shift_week(this_week, 4)
    assert (project / f"content/tips/{later.lower()}-answer-the-email-you-dread-first.md").is_file()

    # A file without a date does not hold its week, but its name is still never overwritten.
    blocked = project / f"content/tips/{shift_week(this_week, 5).lower()}-my-draft.md"
    blocked.write_text("my notes, no header yet")
    refused = run_invoke(project, "new", "tip", "My draft")
    assert refused.returncode == 1
    assert f"{blocked.relative_to(project)} already exists" in refused.stderr
    assert blocked.read_text() == "my notes, no header yet"


def test_new_refuses_to_overwrite_a_law_or_story(project):
    first = run_invoke(project, "new", "law", "The Law of the Other Line")
    assert first.returncode == 1
    assert "content/laws/the-law-of-the-other-line.md already exists" in first.stderr
    assert "Text." not in (project / "content/laws/the-law-of-the-other-line.md").read_text()
    story = run_invoke(project, "new", "story", "A night at the desk")
    assert story.returncode == 0
    today = dt.datetime.now(dt.UTC).astimezone(__import__("zoneinfo").ZoneInfo(TIMEZONE)).date()
    assert (
        f"Date: {today.isoformat()}"
        in (project / "content/stories/a-night-at-the-desk.md").read_text()
    )
    unknown = run_invoke(project, "new", "poem", "Roses")
    assert unknown.returncode == 1
    assert '"poem" is not a kind of post; use tip, law or story' in unknown.stderr


def test_check_passes_with_warnings_and_fails_with_errors(project):
    clean = run_invoke(project, "check")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "No problems found." in clean.stdout

    (project / "content/tips/2026-w50-short.md").write_text(
        "Title: Short\nDate: 2026-12-07\n\nToo short.\n"
    )
    warned = run_invoke(project, "check")
    assert warned.returncode == 0
    assert "content/tips/2026-w50-short.md:4: warning: tip has 2 words" in warned.stdout
    assert (
        "content/tips/2026-w50-short.md:1: warning: no theme matched this post; add a `Themes:` "
        "line (`invoke themes --explain content/tips/2026-w50-short.md` shows the scores)"
    ) in warned.stdout
    assert "0 error(s), 3 warning(s)" in warned.stdout

    (project / "content/tips/2026-w50-short.md").write_text(
        "Title: Short\nDate: 2026-12-07\nThemes: speed\n\nToo short.\n"
    )
    failed = run_invoke(project, "check")
    assert failed.returncode == 1
    assert re.search(
        r'content/tips/2026-w50-short\.md:3: error: Themes "speed" is not a theme', failed.stdout
    )


def test_check_finds_a_broken_internal_link(project):
    story = project / "content/stories/the-refund-that-took-nine-calls.md"
    story.write_text(
        story.read_text()
        + "\nSee [the missing page](/tips/no-such-tip/) and [a section](#nowhere).\n"
    )
    result = run_invoke(project, "check")
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "broken link" in line]
    assert len(lines) == 2
    page = r"output/stories/the-refund-that-took-nine-calls/index\.html:\d+: error: broken link: "
    assert any(
        re.match(
            page + r"/tips/no-such-tip/ \(no tips/no-such-tip/index\.html in the output\)", line
        )
        for line in lines
    )
    assert any(re.match(page + r'#nowhere \(no id "nowhere" in stories/', line) for line in lines)


def test_calendar_shows_gaps_and_the_queue(project):
    result = run_invoke(project, "calendar", "--past", "60", "--ahead", "4")
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"2026-W47  Week 47 · 16–22 November 2026 +published +Promise the callback", result.stdout
    )
    assert re.search(r"2026-W45  Week 45 · .* +gap +-- no tip --", result.stdout)


def task_names(collection: dict, prefix: str = "") -> dict[str, str]:
    """Every task in `invoke --list --list-format=json` output, with its help line."""
    names = {prefix + task["name"]: task["help"] or "" for task in collection["tasks"]}
    for sub in collection.get("collections", []):
        names |= task_names(sub, prefix + sub["name"] + ".")
    return names


def test_every_task_has_a_docstring_and_is_in_the_readme():
    listing = run_invoke(ROOT, "--list", "--list-format=json")
    assert listing.returncode == 0, listing.stderr
    tasks = task_names(json.loads(listing.stdout))
    assert {"build", "rebuild", "serve", "livereload", "publish", "check", "new", "test"} <= set(
        tasks
    )
    readme = (ROOT / "README.md").read_text()
    for name, help_line in tasks.items():
        assert f"invoke {name}" in readme, f"`invoke {name}` is not in the README"
        assert help_line.strip(), f"`invoke {name}` has no docstring"
