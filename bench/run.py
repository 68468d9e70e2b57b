"""Benchmark: our pipeline's stages, `digest build`, and bare MkDocs on the same pages.

    python bench/run.py                         # 200, 2,000 and 10,000 papers, core-only 100,000
    python bench/run.py --sizes 200 --core 0    # a quick run

For each size it makes a synthetic digest (abstracts stitched from the bundled
papers' sentences, with new rare words at Heaps' law's rate unless `--corpus sample`;
the bundled taxonomy; added dates spread over a year) under bench/out/, and one of
--listing papers imported at once from a listing of word salad (all added the same
day, most papers left to automatic themes), then measures, each in a fresh process, --repeat times (3 unless told;
once above 20,000 papers; the digest's build and the floor's in turn; the table shows medians, the JSON every run):

- the core stages (load+validate, group+relate, render (the plan's pages: list pages
  rendered, paper pages keyed), feeds+data, their sum "before MkDocs" (run as plan_site
  runs them: without full garbage collections), the paper pages' HTML (rendered as
  MkDocs asks for each page), and the search index: Pagefind over the planned pages):
  wall time, and peak memory;
- `digest build`: wall time and peak memory;
- the floor: bare `mkdocs build` of the same pages pre-written as plain Markdown,
  with the same theme and navigation, and Material's own search plugin;
- site size, the median paper page's size, the search index's size (the pagefind/
  and pagefind-archive/ folders; Material's search_index.json for the floor);
- search in Chromium (if Playwright and Debian's chromium are installed): what the
  reader downloads for search, from opening the home page until the first result of a
  query shows, and the time from opening the search to that result (see search_cost).

It prints a Markdown table and writes bench/out/results.json. It asserts nothing.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

MKDOCS_YML = """\
site_name: Bench digest
site_url: https://bench.example.org/
docs_dir: {docs}
site_dir: site
theme:
  name: material
  font: false
  features: [navigation.tabs, search.suggest, content.code.copy]
nav:
  - Home: index.md
  - Themes: themes.md
  - Archive: archive.md
plugins:
{plugin}"""


def run_measured(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, peak memory in MB) of a command run in its own process. The peak
    is of the process and all its children at once (Pagefind runs beside the build),
    their resident memory summed, sampled every 0.1 s."""
    # Written-back first: the last command's 200 MB of pages, flushed during this one,
    # would slow it by seconds, and by more or less from run to run.
    os.sync()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.1)
    wall = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    return wall, peak / 2**20


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> int:
    """Resident bytes of a process and its descendants, from /proc (0 where there is none)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as file:
                fields = file.read().rsplit(b")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)  # field 4: the parent
        rss[pid] = int(fields[21]) * PAGE_SIZE  # field 24: resident pages
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


# The synthetic corpora (generator/synthetic.py): "heaps", the bundled papers' sentences
# stitched, with a vocabulary that grows as real abstracts' does; "sample", the same
# without new words (every word common: the corpus of the runs before 2026-12-02).
CORPORA = ("heaps", "sample")
# Above this many papers, a size's row is measured once (not --repeat times) and without
# the core's search index column (see bench_size).
ONE_BUNDLE = 20_000


def make_digest(size: int, corpus: str = "heaps") -> Path:
    from generator.content import load_digest
    from generator.synthetic import synthetic_papers, write_papers

    project = OUT / f"{corpus}-{size}"
    if (project / "content" / "papers").is_dir() and len(list((project / "content" / "papers").iterdir())) == size:
        (project / "mkdocs.yml").write_text(MKDOCS_YML.format(docs="content", plugin="  - digest\n"))
        return project
    shutil.rmtree(project, ignore_errors=True)
    (project / "content").mkdir(parents=True)
    sample = load_digest(ROOT / "content").papers
    write_papers(project / "content", synthetic_papers(sample, size, seed=size, new_words=corpus == "heaps"))
    shutil.copy(ROOT / "content" / "themes.yml", project / "content" / "themes.yml")
    (project / "mkdocs.yml").write_text(MKDOCS_YML.format(docs="content", plugin="  - digest\n"))
    return project


def make_listing_digest(size: int) -> Path:
    """`size` papers imported at once from one pasted listing (`digest import listing`),
    all added the same day, with word-salad titles and abstracts (synthetic.listing_text):
    the bundled taxonomy's rules hold few of them, so most go to automatic themes, and
    no paper is older than the newest month (no archive bundle for search)."""
    from generator.content import load_digest
    from generator.synthetic import listing_text

    project = OUT / f"listing-{size}"
    papers = project / "content" / "papers"
    if not (papers.is_dir() and len(list(papers.iterdir())) == size):
        shutil.rmtree(project, ignore_errors=True)
        (project / "content").mkdir(parents=True)
        shutil.copy(ROOT / "content" / "themes.yml", project / "content" / "themes.yml")
        (project / "mkdocs.yml").write_text(MKDOCS_YML.format(docs="content", plugin="  - digest\n"))
        listing = project / "listing.txt"
        listing.write_text(listing_text(load_digest(ROOT / "content").papers, size, seed=size), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "generator.cli", "import", "listing", str(listing),
                        "--added", "2026-11-26"], cwd=project, check=True, stdout=subprocess.DEVNULL)
    (project / "mkdocs.yml").write_text(MKDOCS_YML.format(docs="content", plugin="  - digest\n"))
    return project


def make_floor(project: Path) -> Path:
    """The same pages as plain Markdown, for bare MkDocs."""
    from generator.content import load_digest

    floor = project / "floor"
    shutil.rmtree(floor, ignore_errors=True)
    docs = floor / "docs"
    (docs / "papers").mkdir(parents=True)
    digest = load_digest(project / "content")
    for name in ("index", "themes", "archive"):
        (docs / f"{name}.md").write_text(f"# {name.title()}\n\nThe {name} page.\n")
    for paper in digest.papers:
        links = "\n".join(f"- [{link.kind}]({link.url})" for link in paper.links)
        (docs / "papers" / f"{paper.slug}.md").write_text(
            f"# {paper.title}\n\nAdded {paper.added}\n\n## Abstract\n\n{paper.abstract}\n\n{links}\n")
    (floor / "mkdocs.yml").write_text(
        MKDOCS_YML.format(docs="docs", plugin="  - search\n") + "not_in_nav: |\n  /papers/\n")
    return floor


CORE = """
import json, resource, sys, tempfile, time
from pathlib import Path
from generator.analysis import analyse
from generator.content import load_digest
from generator.engine.search import search_records, write_index
from generator.options import SiteOptions
from generator.phrases import Matchers
from generator.pipeline import full_collections_paused
from generator.rendering.bibtex import plan_bibliographies
from generator.rendering.data import plan_data
from generator.rendering.feeds import plan_feeds
from generator.rendering.pages import render_pages
from generator.rendering.plan import SitePlan

content = Path(sys.argv[1])
options = SiteOptions(site_url="https://bench.example.org/")
times = {}
cpu = {}  # processor seconds of each stage: on a shared machine, less noisy than wall time
matchers = Matchers()  # one per build, as plan_site makes it: checking and grouping share its finds


class stage:
    def __init__(self, name): self.name = name
    def __enter__(self): self.wall, self.cpu = time.perf_counter(), time.process_time()
    def __exit__(self, *exc):
        times[self.name] = time.perf_counter() - self.wall
        cpu[self.name] = time.process_time() - self.cpu


with full_collections_paused():  # as plan_site runs these stages
    with stage("load+validate"):
        digest = load_digest(content, matchers=matchers)
    with stage("group+relate"):
        analysis = analyse(digest, related=options.related, matchers=matchers)
    with stage("render"):
        pages = render_pages(analysis, options)
    with stage("feeds+data"):
        files = plan_feeds(analysis, options) | plan_data(analysis, options) | plan_bibliographies(analysis, options)
times["before MkDocs"] = sum(times.values())
times.update({f"{name} cpu": seconds for name, seconds in cpu.items()})
times["before MkDocs cpu"] = sum(cpu.values())
t = time.perf_counter()
rendered = sum(len(page.html) for page in pages.values())  # rendered when MkDocs asks for each: all of them
times["paper pages"] = time.perf_counter() - t
if "--search" in sys.argv:
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        write_index(Path(folder) / "pagefind", search_records(SitePlan(pages=pages)), [], "en")
        times["search index"] = time.perf_counter() - t
times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(times))
"""


def core_stages(content: Path, search: bool = True) -> dict[str, float]:
    command = [sys.executable, "-c", CORE, str(content)] + (["--search"] if search else [])
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(result.stdout)


def site_sizes(site: Path) -> dict[str, float]:
    pages = sorted((site / "papers").glob("*/index.html"))
    sizes = sorted(p.stat().st_size for p in pages)
    material_index = site / "search" / "search_index.json"  # the floor's
    pagefind = [p for bundle in site.glob("pagefind*")  # the digest's bundles: the first, the archive's
                for p in bundle.rglob("*") if p.is_file()]
    return {
        "site_mb": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6,
        "paper_page_kb": sizes[len(sizes) // 2] / 1e3 if sizes else 0.0,
        "search_index_mb": (material_index.stat().st_size if material_index.exists()
                            else sum(p.stat().st_size for p in pagefind)) / 1e6,
    }


# What belongs to search: Pagefind's bundles (the digest), or Material's index and worker (the floor).
SEARCH_PATHS = ("/pagefind/", "/pagefind-archive/", "/assets/digest-search.js", "/search/", "/workers/search")


def search_cost(site: Path, query: str = "reasoning") -> dict[str, float] | None:
    """Search in Chromium, served locally with an empty cache: open the home page, open
    the search (Ctrl+K for the digest's Pagefind dialog, a click in Material's field for
    the floor), type the query, wait for the first result.

    - download_mb: the bytes of every response that belongs to search (Pagefind's
      bundle, or Material's search index and worker) from opening the page until the
      first result shows, plus any other response in that time; for Pagefind that is
      its script and style (loaded with the page), then pagefind.js, its worker and
      WebAssembly, the entry and meta files, the index chunks for the words typed and
      the fragments of the results shown, of both bundles (the older papers' too);
    - with_page_mb: the part of it loaded with the page, before the search was opened;
    - first_result_s: from opening the search to the first result shown.

    None without Playwright and Debian's chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"])
            page = browser.new_page()
            responses: list[tuple[bool, Any]] = []  # (after the search was opened, response)
            opened = False
            page.on("response", lambda response: responses.append((opened, response)))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
            page.wait_for_load_state("networkidle")
            start = time.perf_counter()
            opened = True
            if (site / "pagefind").is_dir():
                page.keyboard.press("Control+k")
                result = ".pf-result-link"
            else:
                page.locator("input.md-search__input").click()
                result = ".md-search-result__item"
            page.keyboard.type(query)
            try:
                page.wait_for_selector(result, timeout=120_000)
            except Exception as error:  # Material's search crashed the tab at 100,000 pages
                browser.close()
                return {"failed": str(error).splitlines()[0]}
            seconds = time.perf_counter() - start
            counted = [(after, _body_size(r)) for after, r in responses
                       if after or any(part in r.url for part in SEARCH_PATHS)]
            browser.close()
    finally:
        server.shutdown()
    return {"download_mb": sum(size for _, size in counted) / 1e6,
            "with_page_mb": sum(size for after, size in counted if not after) / 1e6,
            "requests": len(counted), "first_result_s": seconds}


def _body_size(response: Any) -> int:
    try:
        return len(response.body())
    except Exception:  # a redirect or a failed request has no body
        return 0


def warm_disk(folder: Path) -> None:
    """Read every file once, so that no measurement pays for a cold disk (it varies from run to run)."""
    for path in folder.rglob("*"):
        if path.is_file():
            path.read_bytes()


def bench_size(size: int, repeat: int, project: Path, label: str = "", unstamped: bool = False) -> dict[str, object]:
    """One size's row, for the digest in `project`. The builds run `repeat` times, the
    digest's and the floor's in turn, and the row keeps each one's median: on a shared
    machine a single run can be 30% off, and a slow spell then hits both alike. The core
    stages are run as often. With `unstamped`, each turn also builds the digest with
    `stamp_pages: false`."""
    floor = make_floor(project)
    warm_disk(project / "content")
    warm_disk(floor / "docs")
    (project / "mkdocs-unstamped.yml").write_text(
        MKDOCS_YML.format(docs="content", plugin="  - digest:\n      stamp_pages: false\n"))
    cores, builds, floors, plain = [], [], [], []
    def cold() -> None:
        # Cold builds: no site and no cache from an earlier run, and no recorded automatic
        # themes (a first build clusters them; later builds carry them on).
        for leftover in (project / "site", project / ".cache", floor / "site"):
            shutil.rmtree(leftover, ignore_errors=True)
        (project / "content" / "themes.auto.yml").unlink(missing_ok=True)

    for _ in range(repeat if size <= ONE_BUNDLE else 1):  # a large size's turn takes many minutes
        cold()
        # Pagefind over every record in one bundle, as this column times it, took 9.8 GB and
        # 13 minutes at 100,000 papers: a build makes bundles of search_bundle papers instead.
        cores.append(core_stages(project / "content", search=size <= ONE_BUNDLE))
        if unstamped:  # (first, so that the site the row measures is the stamped build's)
            plain.append(run_measured([sys.executable, "-m", "generator.cli", "build", "-q", "-f",
                                       "mkdocs-unstamped.yml"], project))
            cold()
        builds.append(run_measured([sys.executable, "-m", "generator.cli", "build", "-q"], project))
        floors.append(run_measured([sys.executable, "-m", "mkdocs", "build", "-q"], floor))
    row: dict[str, object] = {"papers": size, "label": label, "core": {key: statistics.median(c[key] for c in cores) for key in cores[0]},
                              "core_runs": cores}
    row["digest_build_s"] = statistics.median(wall for wall, _ in builds)
    row["digest_build_peak_mb"] = max(peak for _, peak in builds)
    row["digest_build_runs_s"] = [wall for wall, _ in builds]
    row["digest_site"] = site_sizes(project / "site")
    row["digest_search"] = search_cost(project / "site")
    row["floor_s"] = statistics.median(wall for wall, _ in floors)
    row["floor_peak_mb"] = max(peak for _, peak in floors)
    row["floor_runs_s"] = [wall for wall, _ in floors]
    if plain:
        row["unstamped_build_s"] = statistics.median(wall for wall, _ in plain)
        row["unstamped_build_runs_s"] = [wall for wall, _ in plain]
    row["floor_site"] = site_sizes(floor / "site")
    row["floor_search"] = search_cost(floor / "site")
    return row


def copy_of_digest(size: int, name: str, corpus: str) -> Path:
    """A fresh copy of the synthetic digest of `size` papers, content and config only."""
    source = make_digest(size, corpus)
    project = OUT / f"{name}-{size}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copytree(source / "content", project / "content")
    (project / "content" / "themes.auto.yml").unlink(missing_ok=True)  # a first build records its own
    shutil.copy(source / "mkdocs.yml", project / "mkdocs.yml")
    return project


def daily_case(size: int, corpus: str, added: int = 50) -> dict[str, object]:
    """The day's work: a digest of `size` papers, built (twice, as in daily use: a build
    keeps the site it replaces as the next build's starting point), gets `added` new
    ones; time the warm `digest build`, and compare its site with a clean build."""
    import datetime as dt
    from dataclasses import replace

    from generator.content import load_digest
    from generator.synthetic import synthetic_papers, write_papers

    project = copy_of_digest(size, "daily", corpus)
    build = [sys.executable, "-m", "generator.cli", "build", "-q"]
    cold, _ = run_measured(build, project)
    run_measured(build, project)  # yesterday's build too: a digest in daily use has been built before
    sample = load_digest(ROOT / "content").papers
    new = synthetic_papers(sample, added, seed=size + 1, last_day=dt.date(2026, 11, 27), days=1,
                           new_words=corpus == "heaps")
    write_papers(project / "content", [replace(p, id=f"new-{p.id}", slug=f"new-{p.slug}") for p in new])
    started = time.time()
    warm, _ = run_measured(build, project)
    rendered = sum(1 for page in (project / "site").rglob("index.html") if page.stat().st_mtime > started)
    run_measured([*build, "--clean", "-d", "clean-site"], project)
    comparison = filecmp.dircmp(project / "site", project / "clean-site")
    identical = _same_tree(comparison)
    return {"papers": size, "added": added, "cold_s": cold, "warm_s": warm, "identical": identical,
            "pages_rendered": rendered}


def serve_case(size: int, corpus: str) -> dict[str, object]:
    """`digest serve` on a digest of `size` papers: seconds from saving one paper's file
    (a new title) until the server returns its page with that title, and until the
    archive page lists it (the exact build, which follows the preview, writes that one)."""
    import socket
    import urllib.request

    project = copy_of_digest(size, "serve", corpus)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # A paper from the middle whose title is written unquoted, so a prefix keeps the YAML valid.
    paper = next(p for p in sorted((project / "content" / "papers").glob("*.md"))[size // 2:]
                 if re.search(r"^title: [^'\"]", p.read_text(encoding="utf-8"), re.M))
    url = f"http://127.0.0.1:{port}/papers/{paper.stem}/"
    archive = f"http://127.0.0.1:{port}/archive/"

    def wait_for(url: str, text: str, timeout: float, start: float | None = None) -> float:
        start = time.perf_counter() if start is None else start
        while time.perf_counter() - start < timeout:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    if text in response.read().decode("utf-8"):
                        return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"{url} did not show {text!r} within {timeout} s")

    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
                               cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first = wait_for(url, "<h1", 600)
        time.sleep(2)  # let the server settle after its first build
        text = paper.read_text(encoding="utf-8")
        paper.write_text(text.replace("\ntitle: ", "\ntitle: Edited Title ", 1), encoding="utf-8")
        saved = time.perf_counter()
        update = wait_for(url, "Edited Title", 300, saved)
        exact = wait_for(archive, "Edited Title", 300, saved)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {"papers": size, "first_build_s": first, "update_s": update, "exact_s": exact}


def _same_tree(comparison: Any) -> bool:
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right, comparison.common_files,
                                           shallow=False)
    return not mismatch and not errors and all(_same_tree(sub) for sub in comparison.subdirs.values())


def print_table(rows: list[dict[str, object]], core_only: dict[str, object] | None) -> None:
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| papers | load+validate | group+relate | render | feeds+data | before MkDocs | paper pages "
          "| search index | core peak | digest build | build peak | floor (bare MkDocs) | ratio | paper page | site "
          "| pagefind folder | search download | first result | floor: search download | floor: first result |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        core = row["core"]
        site = row["digest_site"]
        assert isinstance(core, dict) and isinstance(site, dict)
        ratio = float(row["digest_build_s"]) / float(row["floor_s"])  # type: ignore[arg-type]
        print(f"| {row['papers']:,}{row.get('label') or ''} | {core['load+validate']:.2f} s | {core['group+relate']:.2f} s "
              f"| {core['render']:.2f} s | {core['feeds+data']:.2f} s | {core['before MkDocs']:.2f} s "
              f"| {core['paper pages']:.2f} s | {_seconds(core.get('search index'))} "
              f"| {core['peak_mb']:.0f} MB | {row['digest_build_s']:.1f} s | {row['digest_build_peak_mb']:.0f} MB "
              f"| {row['floor_s']:.1f} s | {ratio:.2f} "
              f"| {site['paper_page_kb']:.1f} kB | {site['site_mb']:.1f} MB | {site['search_index_mb']:.1f} MB "
              f"| {_search(row.get('digest_search'))} | {_search(row.get('floor_search'))} |")
    if core_only:
        core = core_only["core"]
        assert isinstance(core, dict)
        print(f"| {core_only['papers']:,} (core only){core_only.get('label') or ''} | {core['load+validate']:.2f} s "
              f"| {core['group+relate']:.2f} s | {core['render']:.2f} s | {core['feeds+data']:.2f} s "
              f"| {core['before MkDocs']:.2f} s | {core['paper pages']:.2f} s "
              f"| | {core['peak_mb']:.0f} MB | | | | | | | | | | | |")
    print()
    for row in [*rows, *([core_only] if core_only else [])]:
        core = row["core"]
        assert isinstance(core, dict)
        if "before MkDocs cpu" in core:
            print(f"{row['papers']:,}{row.get('label') or ''} papers, processor time of the core stages: "
                  + ", ".join(f"{name} {core[name + ' cpu']:.2f} s"
                              for name in ("load+validate", "group+relate", "render", "feeds+data", "before MkDocs")))
    for row in rows:
        builds, floors = row["digest_build_runs_s"], row["floor_runs_s"]
        assert isinstance(builds, list) and isinstance(floors, list)
        print(f"{row['papers']:,}{row.get('label') or ''} papers, each run: `digest build` {', '.join(f'{s:.1f}' for s in builds)} s; "
              f"floor {', '.join(f'{s:.1f}' for s in floors)} s")
        if "unstamped_build_s" in row:
            runs = row["unstamped_build_runs_s"]
            assert isinstance(runs, list)
            print(f"{row['papers']:,} papers, `digest build` with `stamp_pages: false` (in the same turns): median "
                  f"{row['unstamped_build_s']:.1f} s ({float(row['unstamped_build_s']) / float(row['floor_s']):.2f}"  # type: ignore[arg-type]
                  f" of the floor), each run {', '.join(f'{s:.1f}' for s in runs)} s")


def _seconds(value: object) -> str:
    return f"{value:.2f} s" if isinstance(value, float) else "n/a"


def _of_floor(daily: dict[str, object], rows: list[dict[str, object]]) -> str:
    """The warm build against the floor of the same size and corpus in this run, if it has one."""
    floors = [float(row["floor_s"]) for row in rows  # type: ignore[arg-type]
              if row["papers"] == daily["papers"] and "listing" not in str(row.get("label"))]
    return f" ({float(daily['warm_s']) / floors[0]:.2f} of the floor)" if floors else ""  # type: ignore[arg-type]


def _search(cost: object) -> str:
    """Two cells: what the reader downloaded for a first result, and how long it took."""
    if not isinstance(cost, dict):
        return "n/a | n/a"
    if "failed" in cost:
        return f"{cost['failed']} | n/a"
    return f"{cost['download_mb']:.2f} MB | {cost['first_result_s']:.1f} s"


def _label(corpus: str) -> str:
    """How a row names its corpus: the default one goes unnamed."""
    return "" if corpus == "heaps" else f" ({corpus})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 2000, 10000])
    parser.add_argument("--core", type=int, default=100_000, help="core-only size (0 to skip)")
    parser.add_argument("--daily", type=int, default=10_000,
                        help="size of the daily case: add 50 papers to a built digest (0 to skip)")
    parser.add_argument("--serve", type=int, default=10_000,
                        help="size of the preview case: edit one paper under `digest serve` (0 to skip)")
    parser.add_argument("--unstamped", action="store_true",
                        help="also build each size with `stamp_pages: false`, in the same turns")
    parser.add_argument("--corpus", choices=CORPORA, default="heaps",
                        help="heaps: a vocabulary that grows as real abstracts' does (Heaps' law); "
                             "sample: the bundled papers' words only, as in runs before 2026-12-02")
    parser.add_argument("--listing", type=int, default=10_000,
                        help="size of the listing case: papers imported at once from one listing of word salad, "
                             "all added the same day (0 to skip)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the core stages, `digest build` and the floor per size; medians are shown")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        print(f"{size} papers ...", file=sys.stderr)
        rows.append(bench_size(size, args.repeat, make_digest(size, args.corpus), _label(args.corpus),
                               unstamped=args.unstamped))
    if args.listing:
        print(f"{args.listing} papers imported at once from a listing ...", file=sys.stderr)
        rows.append(bench_size(args.listing, args.repeat, make_listing_digest(args.listing), " (listing)",
                               unstamped=args.unstamped))
    core_only = None
    if args.core:
        print(f"{args.core} papers, core only ...", file=sys.stderr)
        content = make_digest(args.core, args.corpus) / "content"
        warm_disk(content)
        core_only = {"papers": args.core, "label": _label(args.corpus),
                     "core": core_stages(content, search=False)}
    daily = None
    if args.daily:
        print(f"{args.daily} papers, daily case ...", file=sys.stderr)
        daily = daily_case(args.daily, args.corpus)
    serve = None
    if args.serve:
        print(f"{args.serve} papers, digest serve ...", file=sys.stderr)
        serve = serve_case(args.serve, args.corpus)
    print_table(rows, core_only)
    if daily:
        print(f"\ndaily case: {daily['added']} papers added to a built digest of {daily['papers']:,}: "
              f"warm `digest build` {daily['warm_s']:.1f} s (cold {daily['cold_s']:.1f} s), "
              f"{daily['pages_rendered']:,} pages rendered again{_of_floor(daily, rows)}; "
              f"site identical to a clean build: {'yes' if daily['identical'] else 'NO'}")
    if serve:
        print(f"\npreview: under `digest serve` with {serve['papers']:,} papers, a saved paper's page was "
              f"served updated {serve['update_s']:.1f} s later, the archive page {serve['exact_s']:.1f} s later "
              f"(first build {serve['first_build_s']:.1f} s)")
    (OUT / "results.json").write_text(json.dumps({"corpus": args.corpus, "rows": rows, "core_only": core_only, "daily": daily,
                                                  "serve": serve},
                                                 indent=1))
    print(f"\nwritten {OUT / 'results.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
