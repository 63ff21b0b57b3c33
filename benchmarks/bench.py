"""The build benchmark: our builds against stock Pelican, in one run.

    invoke bench [--posts 1000] [--runs 5]
    python -m benchmarks.bench --posts 1000 --runs 5 [--report docs/benchmarks.md]

On one deterministic corpus (benchmarks/corpus.py) each round runs, in turn:

1. stock Pelican 4.12, full build (default theme and settings, no plugins);
2. our full build from nothing (pages, feeds, index.json, search index, newsletter
   issues), its output folder and caches deleted first;
3. our rebuild with nothing changed;
4. our rebuild after editing one post's text (a different post each round);
5. our rebuild after editing one post's title (the lists that show it change too);
6. stock Pelican's rebuild after the same kind of text edit, its content cache on;
7. our full build without the search index, and 8. without the search index and the
   newsletter issues: what those two parts cost.

Every build is a fresh process (as `invoke build` is), timed from start to exit;
CPU time and peak memory come from the kernel (os.wait4): CPU includes the build's
worker processes, peak memory is the largest single process (ru_maxrss). The first
round warms the disk cache and is not counted; the table gives medians of the rest.

Then, once each and untimed, both full builds again to sample the memory of their
whole process tree (sum of PSS every 20 ms); `invoke livereload`'s latency from a
save to the rebuilt site (the moment open pages reload); the tagger's throughput;
and the time to render one newsletter issue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.corpus import generate
from benchmarks.runner import issues_folder_name

ROOT = Path(__file__).resolve().parent.parent
RUNNER = [sys.executable, "-m", "benchmarks.runner"]
logger = logging.getLogger("bench")


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float


@dataclass
class Row:
    name: str
    samples: list[Sample] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(sample, attribute) for sample in self.samples)

    def spread(self) -> str:
        walls = [sample.wall for sample in self.samples]
        return f"{min(walls):.2f}–{max(walls):.2f}"


def run(command: list[str], sampler: Callable[[int], None] | None = None) -> Sample:
    """Run `command` from the project folder; its wall time, CPU time and peak RSS."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
        watcher = None
        if sampler is not None:
            watcher = threading.Thread(target=sampler, args=(process.pid,), daemon=True)
            watcher.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if watcher is not None:
            watcher.join()
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace").strip().splitlines()[-15:]
            raise RuntimeError(f"{' '.join(command)} failed:\n" + "\n".join(tail))
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


class TreeMemory:
    """Samples the memory of a process and all its descendants: the peak sum of PSS
    (each process's share of the pages it uses, so shared pages count once)."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.peak_mb = 0.0

    def __call__(self, pid: int) -> None:
        while os.path.exists(f"/proc/{pid}/status") and not _is_zombie(pid):
            total = sum(_pss_kb(child) for child in _tree(pid))
            self.peak_mb = max(self.peak_mb, total / 1024)
            time.sleep(self.interval)


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def _tree(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, flags=re.M)
    return int(match.group(1)) if match else 0


class Corpus:
    """The benchmark's content folder, and the edits the rounds make to it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.tips = sorted((folder / "tips").glob("*.md"))
        self.edits = 0

    def edit_text(self) -> Path:
        """Change one sentence at the end of a tip (a different tip each time)."""
        path = self._next()
        text = re.sub(r"\n\nEdit \d+\.\n$", "\n", path.read_text(encoding="utf-8"))
        path.write_text(f"{text.rstrip()}\n\nEdit {self.edits}.\n", encoding="utf-8")
        return path

    def edit_title(self) -> Path:
        path = self._next()
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^(Title: .*?)(?: \(take \d+\))?$", rf"\1 (take {self.edits})", text,
                      count=1, flags=re.M)  # fmt: skip
        path.write_text(text, encoding="utf-8")
        return path

    def _next(self) -> Path:
        self.edits += 1
        return self.tips[(self.edits * 7919) % len(self.tips)]


class Bench:
    def __init__(self, work: Path, corpus: Corpus):
        self.work = work
        self.corpus = corpus
        self.rows = {
            name: Row(name)
            for name in (
                "stock Pelican, full build",
                "ours, full build",
                "ours, nothing changed",
                "ours, one post's text edited",
                "ours, one post's title edited",
                "stock Pelican with its cache, one post's text edited",
                "ours, full build without the search index",
                "ours, full build without search index and newsletter",
            )
        }

    def command(self, kind: str, name: str, *leave_out: str) -> list[str]:
        output, cache = self.work / f"out-{name}", self.work / f"cache-{name}"
        return [*RUNNER, kind, str(self.corpus.folder), str(output), str(cache), *leave_out]

    def clear(self, name: str) -> None:
        output = self.work / f"out-{name}"
        issues = self.work / issues_folder_name(output)
        for folder in (output, self.work / f"cache-{name}", issues):
            shutil.rmtree(folder, ignore_errors=True)

    def stock_cached(self) -> list[str]:
        return self.command("stock_cached", "stock-cached")

    def round(self, counted: bool) -> None:
        rows = list(self.rows.values())
        results = []
        self.clear("stock")
        results.append(run(self.command("stock", "stock")))
        self.clear("ours")
        results.append(run(self.command("ours", "ours")))
        results.append(run(self.command("ours", "ours")))
        self.corpus.edit_text()
        results.append(run(self.command("ours", "ours")))
        self.corpus.edit_title()
        results.append(run(self.command("ours", "ours")))
        if not (self.work / "out-stock-cached").is_dir():
            run(self.stock_cached())  # fill its cache (the warm-up round does this)
        self.corpus.edit_text()
        results.append(run(self.stock_cached()))
        self.clear("partial")
        results.append(run(self.command("ours", "partial", "search")))
        self.clear("partial")
        results.append(run(self.command("ours", "partial", "search", "newsletter")))
        if counted:
            for row, sample in zip(rows, results, strict=True):
                row.samples.append(sample)
        logger.info(
            "round %s: %s", "counted" if counted else "warm-up",
            ", ".join(f"{sample.wall:.2f}" for sample in results),
        )  # fmt: skip

    def tree_memory(self) -> dict[str, float]:
        peaks = {}
        for name, kind in (("stock Pelican, full build", "stock"), ("ours, full build", "ours")):
            self.clear(kind)
            sampler = TreeMemory()
            run(self.command(kind, kind), sampler)
            peaks[name] = sampler.peak_mb
        return peaks

    def livereload(self, runs: int) -> list[float]:
        """Seconds from saving a post to the end of the rebuild `invoke livereload` runs."""
        port = _free_port()
        output, cache = self.work / "out-live", self.work / "cache-live"
        command = [*RUNNER, "live", str(self.corpus.folder), str(output), str(cache), str(port)]
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        lines: list[str] = []
        ready, done = threading.Event(), threading.Event()

        def read() -> None:  # Pelican logs to stdout
            for line in process.stdout:
                lines.append(line)
                if line.strip() == "ready":
                    ready.set()
                if re.search(r"Rebuild \d+ (done in|failed)", line):
                    done.set()

        threading.Thread(target=read, daemon=True).start()
        try:
            if not ready.wait(600):
                raise RuntimeError("livereload did not start:\n" + "".join(lines[-15:]))
            _wait_for_port(port)
            time.sleep(1.0)
            latencies = []
            for attempt in range(runs + 1):
                done.clear()
                start = time.perf_counter()
                self.corpus.edit_text()
                if not done.wait(120):
                    raise RuntimeError("livereload did not rebuild:\n" + "".join(lines[-15:]))
                if attempt:  # the first save warms the process
                    latencies.append(time.perf_counter() - start)
                time.sleep(1.0)
            return latencies
        finally:
            process.terminate()
            process.wait(30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"livereload is not serving on port {port}")


def tagging_rate(content: Path, runs: int) -> tuple[float, int]:
    from benchmarks.tagging import rendered_posts
    from benchmarks.tagging import tagging_rate as rate
    from sage.site import read_settings

    settings = read_settings(ROOT / "pelicanconf.py", PATH=str(content))
    posts = rendered_posts(settings)
    return rate(settings, posts, runs), len(posts)


def newsletter_ms(content: Path, work: Path) -> list[float]:
    """Milliseconds to render each issue's email (HTML, inlined CSS, plain text), read
    from the newsletter plugin's own timing in a one-worker build."""
    from sage.site import build

    timings: list[float] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.msg.startswith("newsletter %s rendered in"):
                timings.append(float(record.args[1]))

    plugin = logging.getLogger("sage_newsletter.sage_newsletter")
    plugin.setLevel(logging.DEBUG)
    plugin.propagate = False  # collected here, not printed
    handler = Collect()
    plugin.addHandler(handler)
    try:
        build(
            ROOT / "pelicanconf.py",
            PATH=str(content),
            OUTPUT_PATH=str(work / "out-newsletter"),
            CACHE_PATH=str(work / "cache-newsletter"),
            NEWSLETTER_ISSUES_PATH=issues_folder_name(work / "out-newsletter"),
            SAGE_WORKERS=1,
        )
    finally:
        plugin.removeHandler(handler)
        plugin.propagate = True
    return timings


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        names = re.findall(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = names[0] if names else cpu
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    import pelican

    return [
        f"{cpu}, {os.cpu_count()} cores{memory}",
        f"{platform.platform()}, Python {platform.python_version()}, Pelican {pelican.__version__}",
    ]


def load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def table(bench: Bench, peaks: dict[str, float]) -> list[str]:
    rows = list(bench.rows.values())
    stock_full = rows[0]
    lines = [
        "| build | wall s (median) | min–max | CPU s | peak RSS MB | whole-tree peak MB "
        "| wall vs stock full |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        peak = f"{peaks[row.name]:.0f}" if row.name in peaks else ""
        ratio = row.median("wall") / stock_full.median("wall")
        lines.append(
            f"| {row.name} | {row.median('wall'):.2f} | {row.spread()} | {row.median('cpu'):.2f} "
            f"| {row.median('rss_mb'):.0f} | {peak} | {ratio:.2f}× |"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="counted rounds (plus one warm-up)")
    parser.add_argument("--report", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--workdir", default=None, help="where the corpus and outputs go")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.posts < 10:
        parser.error("need --runs ≥ 1 and --posts ≥ 10")
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    started = dt.datetime.now().astimezone()
    load_before = load()
    with tempfile.TemporaryDirectory(prefix="sage-bench-", dir=args.workdir) as folder:
        work = Path(folder)
        corpus = Corpus(generate(args.posts, work / "content"))
        bench = Bench(work, corpus)
        for index in range(args.runs + 1):
            bench.round(counted=index > 0)
        peaks = bench.tree_memory()
        live = bench.livereload(args.runs)
        rate, tagged = tagging_rate(corpus.folder, args.runs)
        issues = newsletter_ms(corpus.folder, work)
    lines = summary(
        bench, peaks=peaks, live=live, tagging=(rate, tagged), issues=issues, runs=args.runs
    )
    lines.insert(0, f"Load average before and after: {load_before} / {load()}.")
    print("\n".join(lines))
    command = f"invoke bench --posts {args.posts} --runs {args.runs}"
    section = [
        f"## {args.posts} posts",
        "",
        f"Measured {started:%Y-%m-%d %H:%M %Z} with `{command}`: medians of {args.runs} "
        "rounds after a warm-up, the commands alternating.",
        "",
        *(f"- {line}" for line in machine()),
        "",
        *lines,
    ]
    update_report(Path(args.report), args.posts, "\n".join(section) + "\n")


def summary(bench: Bench, *, peaks: dict, live: list, tagging: tuple, issues: list, runs: int):
    """The table and the lines under it, each target with its figure."""
    rows = list(bench.rows.values())
    stock, full, _, edit, _, stock_edit, no_search, core = (row.median("wall") for row in rows)
    ours_rss, stock_rss = rows[1].median("rss_mb"), rows[0].median("rss_mb")
    ours_tree, stock_tree = peaks["ours, full build"], peaks["stock Pelican, full build"]
    rate, tagged = tagging

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    return [
        "",
        *table(bench, peaks),
        "",
        f"- Full build: {full / stock:.2f}× stock Pelican's wall time "
        f"(target ≤ 0.8×: {verdict(full <= 0.8 * stock)}). Of our {full:.2f} s, the search "
        f"index takes {full - no_search:.2f} s and the newsletter issues "
        f"{no_search - core:.2f} s; without them the build is {core / stock:.2f}× stock.",
        f"- Edit → updated pages, `invoke build`: {edit:.2f} s (target ≤ 1 s: "
        f"{verdict(edit <= 1)}); stock Pelican with its cache: {stock_edit:.2f} s.",
        f"- Edit → updated pages, `invoke livereload` (save to reload): median "
        f"{statistics.median(live):.2f} s, min {min(live):.2f}, max {max(live):.2f} over "
        f"{len(live)} saves (target ≤ 1 s: {verdict(statistics.median(live) <= 1)}).",
        f"- Peak memory: largest process {ours_rss:.0f} MB vs {stock_rss:.0f} MB "
        f"({ours_rss / stock_rss:.2f}×); whole process tree {ours_tree:.0f} MB vs "
        f"{stock_tree:.0f} MB ({ours_tree / stock_tree:.2f}×) (target ≤ 2×: "
        f"{verdict(max(ours_rss / stock_rss, ours_tree / stock_tree) <= 2)}).",
        f"- Tagging alone: {rate:,.0f} posts/s ({tagged} posts, median of {runs} passes).",
        f"- Newsletter: median {statistics.median(issues):.1f} ms per issue over "
        f"{len(issues)} issues (HTML, inlined CSS and plain text; one worker).",
    ]


def update_report(report: Path, posts: int, section: str) -> None:
    """Write this corpus size's section of the report, keeping the other sizes'."""
    sections: dict[int, str] = {}
    if report.exists():
        pattern = r"^## (\d+) posts\n.*?(?=^## \d+ posts\n|\Z)"
        for match in re.finditer(pattern, report.read_text(encoding="utf-8"), re.M | re.S):
            sections[int(match.group(1))] = match.group(0).rstrip() + "\n"
    sections[posts] = section
    intro = (
        "# Build benchmarks\n\n"
        "Our build (every plugin, search index and newsletter issues) against stock "
        "Pelican 4.12 on the same generated corpus; `benchmarks/bench.py` says how each "
        "row is measured. Each section is one run of `invoke bench`.\n\n"
    )
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(intro + "\n".join(sections[size] for size in sorted(sections)))
    logger.info("wrote %s", report)


if __name__ == "__main__":
    main()
