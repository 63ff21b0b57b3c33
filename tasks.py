"""Service Sage tasks: `invoke --list` shows them, the README explains them.

Each task is a few lines that call into sage/ (the site) or newsletter/ (the email).
"""

import shutil
import sys
from pathlib import Path

from invoke import Collection, Exit, Task, task

ROOT = Path(__file__).resolve().parent
DEV_SETTINGS = str(ROOT / "pelicanconf.py")
PUBLISH_SETTINGS = str(ROOT / "publishconf.py")
OUTPUT = ROOT / "output"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"


def _build(settings_file: str = DEV_SETTINGS, verbose: int = 0, **overrides) -> dict:
    from sage.site import BuildError, build

    try:
        return build(settings_file, verbosity=verbose, **overrides)
    except BuildError as error:
        raise Exit(f"Build failed:\n{error}", code=1) from None


@task(incrementable=["verbose"])
def build(c, verbose=0):
    """Build the site with development settings into output/.

    Only what changed since the last build is redone; `invoke rebuild` starts afresh.

    Example: invoke build        (add -v for Pelican's progress, -vv for debug)
    """
    if _build(verbose=verbose).get("SAGE_UP_TO_DATE"):
        print("Nothing changed since the last build: output/ is up to date.")


@task
def clean(c):
    """Remove output/ (the built site) and .cache/ (what builds remember).

    Example: invoke clean
    """
    from sage.site import read_settings

    shutil.rmtree(OUTPUT, ignore_errors=True)
    shutil.rmtree(read_settings(DEV_SETTINGS)["CACHE_PATH"], ignore_errors=True)


@task(incrementable=["verbose"])
def rebuild(c, verbose=0):
    """Remove output/ and .cache/, and build the site from scratch.

    Example: invoke rebuild
    """
    clean(c)
    _build(verbose=verbose)


@task
def serve(c, port=8000, no_build=False):
    """Build the site, then serve output/ on http://127.0.0.1:8000.

    Example: invoke serve --port 8001
    """
    from sage.serve import serve as serve_site

    if not no_build:
        _build()
    serve_site(OUTPUT, port=int(port))


@task
def livereload(c, port=8000):
    """Serve the site, rebuild it on every save, and reload open pages.

    Rebuilds when content/, theme/ or pelicanconf.py change (only the pages a change
    touches are rendered again); restarts itself when sage/ or plugins/ code changes.

    Example: invoke livereload
    """
    from sage.serve import livereload as serve_live

    _build()
    watch = ["content/**/*", "theme/**/*", "pelicanconf.py"]
    serve_live(DEV_SETTINGS, [str(ROOT / pattern) for pattern in watch], OUTPUT, port=int(port))


@task(incrementable=["verbose"])
def publish(c, verbose=0):
    """Build for production and swap it into output/ only if the build succeeded.

    Uses publishconf.py (SITEURL from the environment) and a temporary folder, so a
    failed build never leaves a half-written site.

    Example: SITEURL=https://sage.example.org invoke publish
    """
    from sage.site import BuildError
    from sage.site import publish as publish_site

    try:
        publish_site(PUBLISH_SETTINGS, OUTPUT, verbosity=verbose)
    except BuildError as error:
        raise Exit(f"Publish failed; output/ is unchanged:\n{error}", code=1) from None
    print(f"Published into {OUTPUT}")


@task
def check(c):
    """Check the content rules, build, and check every internal link.

    Prints `file:line: level: problem`; exits 1 on errors, 0 with only warnings.

    Example: invoke check
    """
    from sage.check import run_check

    problems = run_check(DEV_SETTINGS)
    for problem in problems:
        print(problem)
    errors = sum(problem.is_error for problem in problems)
    warnings = len(problems) - errors
    print(f"{errors} error(s), {warnings} warning(s)" if problems else "No problems found.")
    if errors:
        raise Exit(code=1)


@task
def new(c, kind, title):
    """Start a new draft tip, law or story with its header filled in.

    A tip is dated the Monday of the first week after this one that has no tip.
    An existing file is never overwritten.

    Example: invoke new tip "Promise the callback time you can keep"
    """
    from sage.new_post import NewPostError, new_post
    from sage.rules import display_path
    from sage.site import read_settings

    try:
        path = new_post(kind, title, read_settings(DEV_SETTINGS))
    except NewPostError as error:
        raise Exit(f"Not created: {error}", code=1) from None
    print(f"Created {display_path(path)} (Status: draft; remove that line to publish)")


@task
def calendar(c, past=12, ahead=8):
    """Show the tip of every week, with gaps, drafts and queued tips.

    Lists from `past` weeks ago to `ahead` weeks ahead.

    Example: invoke calendar --past 52
    """
    from sage.site import read_settings
    from sage.tip_calendar import tip_calendar

    for row in tip_calendar(read_settings(DEV_SETTINGS), int(past), int(ahead)):
        print(row)


@task(
    help={
        "explain": "a post to explain, e.g. content/tips/2026-w47-….md",
        "evaluate": "P@1, precision, recall and F1 on labelled sets (default: tests/data's)",
        "train": "fit the learned layer (content/themes-learned.toml) to --corpus",
        "corpus": "labelled texts to train on, one .jsonl file per writer (data/theme-corpus)",
        "cross_validate": "with --train: tag each writer's texts by a layer fitted to the others",
    },
    optional=["evaluate"],
)
def themes(  # noqa: PLR0917
    c, explain=None, evaluate=None, train=False, corpus="data/theme-corpus", cross_validate=False
):
    """Show theme counts over the site, explain one post's themes, measure the tagger, or
    train its learned layer.

    Example: invoke themes --explain content/tips/2026-w47-make-automated-messages-sound-human.md
    """
    from sage.post_themes import explain as explain_post
    from sage.post_themes import load_tagger, theme_counts
    from sage.site import read_settings
    from sage.tagger_eval import LabelledSetError, development_sets, evaluate_files
    from sage.taxonomy import TaxonomyError

    settings = read_settings(DEV_SETTINGS)
    try:
        if train:
            from sage.tagger_train import train_site

            for line in train_site(settings, Path(corpus), validate=cross_validate):
                print(line)
            return
        if evaluate:
            paths = [Path(evaluate)] if isinstance(evaluate, str) else development_sets()
            for name, report in evaluate_files(load_tagger(settings)[1], paths):
                print(f"{name}: {report.summary()}")
            return
        if explain:
            path = Path(explain)
            if not path.is_file():
                raise Exit(f"No such post: {explain}", code=1)
            print(explain_post(settings, path.resolve()))
            return
        rows, untagged, explicit = theme_counts(settings)
    except (TaxonomyError, LabelledSetError, ValueError) as error:
        raise Exit(str(error), code=1) from None
    print(f"{'theme':<14} {'primary':>7} {'all':>5} {'tips':>5} {'laws':>5} {'stories':>7}")
    for row in rows:
        print(
            f"{row.slug:<14} {row.primary:>7} {row.total:>5} {row.tips:>5} {row.laws:>5} "
            f"{row.stories:>7}"
        )
    print(f"\n{explicit} post(s) with an explicit Themes line; {len(untagged)} with no theme")
    for path in untagged:
        print(f"  no theme: {path}")


@task(
    help={
        "min_score": "exit 1 if any score is below this (default 100)",
        "path": "a page to audit instead of the default four (repeatable), e.g. /laws/",
    },
    iterable=["path"],
)
def audit(c, min_score=100, path=None):
    """Lighthouse (mobile) on home, the newest tip, the Book of Laws and a theme page.

    Builds with publishconf.py into a temporary folder, serves it on 127.0.0.1 and
    runs npm's lighthouse in /usr/bin/chromium (needs `npm ci` and Debian's chromium).
    Prints the four scores per page; exits 1 if any is below --min-score.

    Example: invoke audit --min-score 95
    """
    from sage.audit import CATEGORIES, AuditError, run_audit
    from sage.site import BuildError

    try:
        results = run_audit(PUBLISH_SETTINGS, LIGHTHOUSE, path or None)
    except (AuditError, BuildError) as error:
        raise Exit(f"Audit failed: {error}", code=1) from None
    print(f"{'page':<48} " + " ".join(f"{name:>14}" for name in CATEGORIES))
    for page in results:
        print(f"{page.path:<48} " + " ".join(f"{page.scores[n]:>14}" for n in CATEGORIES))
        for problem in page.failing:
            print(f"    below 100: {problem}")
    if any(page.below(int(min_score)) for page in results):
        raise Exit(f"A score is below {min_score}.", code=1)


@task(help={"args": 'extra arguments for pytest, e.g. "-k feeds -x"'})
def test(c, args=""):
    """Run the test suite (pytest): unit, build, HTTP and browser tests.

    Example: invoke test --args "-k rules"
    """
    result = c.run(f"{sys.executable} -m pytest {args}", warn=True, pty=False)
    if result.exited:
        raise Exit(code=result.exited)


@task(
    help={
        "posts": "posts in the generated corpus (default 1000)",
        "runs": "counted rounds after one warm-up (default 5)",
    }
)
def bench(c, posts=1000, runs=5):
    """Benchmark our builds against stock Pelican on a generated corpus.

    Full build, rebuild with nothing changed, after a text edit and a title edit,
    stock Pelican with and without its cache, livereload's save-to-reload time,
    tagging speed and newsletter render time. Prints a table and writes
    docs/benchmarks.md. Takes about 4 minutes for 1,000 posts, 20 for 5,000.

    Example: invoke bench --posts 5000
    """
    from benchmarks.bench import main

    main(["--posts", str(int(posts)), "--runs", str(int(runs))])


@task(name="preview", help={"week": "ISO week, e.g. 2026-W47 (default: this week in TIMEZONE)"})
def newsletter_preview(c, week=""):
    """Render the week's email to outbox/ as .html, .txt and .eml; needs no credentials.

    Builds with publish settings in a scratch folder, so links are absolute as sent.

    Example: invoke newsletter.preview --week 2026-W47
    """
    from newsletter.commands import CommandError, preview

    try:
        preview(ROOT, week or None, say=print)
    except CommandError as error:
        raise Exit(str(error), code=1) from None


@task(
    name="send",
    help={
        "week": "ISO week, e.g. 2026-W47 (default: this week in TIMEZONE)",
        "test": "send test emails to these addresses (comma-separated) instead",
        "at": "schedule for this time, e.g. 2026-11-23T09:00:00+00:00 (rounded up to :15)",
        "dry-run": "print the plan; change nothing, in Mailchimp or on disk",
        "yes": "do not ask to type the week to confirm",
        "no-build": "use the issues of the last publish build",
    },
)
def newsletter_send(c, week="", test="", at="", dry_run=False, yes=False, no_build=False):  # noqa: PLR0917
    """Send the week's email through Mailchimp: test emails, schedule, or send now.

    Builds with publish settings, then finds the campaign tip-YYYY-Www (creates it,
    or updates it if unsent), sets its content and checks it. Running it again never
    sends twice. Needs MAILCHIMP_API_KEY and MAILCHIMP_LIST_ID in the environment.

    Example: invoke newsletter.send --test me@example.org
    """
    from newsletter.commands import CommandError, SendOptions, send

    options = SendOptions(week or None, test, at, dry_run, yes, no_build)
    try:
        send(ROOT, options, say=print, ask=input)
    except CommandError as error:
        raise Exit(str(error), code=1) from None


# invoke collects this module's tasks; the newsletter ones go under `newsletter.`.
# Keep this block last, so tasks defined above are all collected.
NEWSLETTER_TASKS = [newsletter_preview, newsletter_send]
ns = Collection(
    *[t for t in list(globals().values()) if isinstance(t, Task) and t not in NEWSLETTER_TASKS]
)
ns.add_collection(Collection("newsletter", *NEWSLETTER_TASKS))
