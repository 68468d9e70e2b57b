"""`digest serve`: a real server on 127.0.0.1 that rebuilds when content or templates change."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import paper_file


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def poll(done: Callable[[], bool], timeout: float, failure: str) -> float:
    """Seconds until done() is true, asked every 0.2 s; fails with `failure` after timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if done():
            return time.monotonic() - start
        time.sleep(0.2)
    pytest.fail(failure)


def wait_for(url: str, text: str, timeout: float = 60.0) -> float:
    """Seconds until the page at url contains text; fails after timeout."""
    def shows() -> bool:
        page = fetch(url)
        return page is not None and text in page

    return poll(shows, timeout, f"{url} did not show {text!r} within {timeout} s")


@pytest.fixture
def served(make_project: Callable[..., Path], tmp_path: Path) -> Iterator[tuple[Path, str]]:
    project = make_project({"graph-networks": paper_file("Graph Networks", "We study graphs.")},
                           [{"slug": "graphs", "title": "Graphs", "match": ["graph"]}])
    (project / "templates").mkdir()  # watched when it exists as serve starts
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.DEVNULL, stderr=log,
    )
    try:
        yield project, f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
        log.close()


def test_serve_rebuilds_when_a_paper_or_a_template_changes(served: tuple[Path, str]) -> None:
    project, root = served
    page = root + "papers/graph-networks/"
    wait_for(page, "We study graphs.")

    paper = project / "content" / "papers" / "graph-networks.md"
    paper.write_text(paper.read_text().replace("We study graphs.", "We study bigger graphs."))
    wait_for(page, "We study bigger graphs.")

    (project / "templates" / "paper.html").write_text("<h1>{{ paper.title }}</h1><p>custom template</p>\n")
    wait_for(page, "custom template")


def test_serve_updates_the_search_index_after_a_save(served: tuple[Path, str]) -> None:
    # Under serve the index is built after the pages are served, and installed when ready.
    project, root = served
    entry = root + "pagefind/pagefind-entry.json"
    wait_for(entry, '"page_count":')
    pages = json.loads(fetch(entry) or "{}")["languages"]["en"]["page_count"]
    paper = project / "content" / "papers" / "graph-pooling.md"
    paper.write_text(paper_file("Graph Pooling", "We study pooling in graphs."))
    wait_for(entry, f'"page_count":{pages + 1}')


def test_serve_shows_an_edit_at_once_then_builds_the_exact_site(served: tuple[Path, str], tmp_path: Path) -> None:
    # The edited paper's page comes first, from a preview; the exact build that follows
    # also writes every page listing the paper, and leaves the site a clean build makes.
    project, root = served
    wait_for(root + "papers/graph-networks/", "We study graphs.")
    paper = project / "content" / "papers" / "graph-networks.md"
    paper.write_text(paper.read_text().replace("title: Graph Networks", "title: Graph Networks Revisited"))
    wait_for(root + "papers/graph-networks/", "Graph Networks Revisited")
    wait_for(root + "themes/graphs/", "Graph Networks Revisited")  # a page only the exact build writes
    log = (tmp_path / "serve.log").read_text()
    assert "digest: showing 1 new or edited paper at once; the exact build follows" in log
    assert log.count("Building documentation") == 3  # the first, the preview, the exact one

    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns(".cache", "site"))
    config = clean / "mkdocs.yml"  # the server puts its own address in site_url
    config.write_text(config.read_text().replace("https://digest.example.org/", root))
    subprocess.run([sys.executable, "-m", "generator.cli", "build", "-q"], cwd=clean, check=True)
    pages = sorted((clean / "site").rglob("index.html"))
    assert len(pages) == 8  # home, themes, archive, the theme, the paper, the editions, the day's, authors
    for page in pages:
        url = root + page.parent.relative_to(clean / "site").as_posix() + "/"
        assert without_livereload(fetch(url.replace(root + "./", root)) or "") == page.read_text(), url


def wait_until_gone(url: str, timeout: float = 60.0) -> None:
    """Until the server answers url with an error (404); fails after timeout."""
    poll(lambda: fetch(url) is None, timeout, f"{url} was still served after {timeout} s")


def test_serve_stops_serving_the_pages_of_a_deleted_paper_and_a_renamed_theme(served: tuple[Path, str]) -> None:
    # Builds under serve are dirty (they leave what they do not write), so the outputs
    # that left the site must be removed, or the server shows them as if still there.
    project, root = served
    paper = project / "content" / "papers" / "graph-pooling.md"
    paper.write_text(paper_file("Graph Pooling", "We study pooling in graphs."))
    wait_for(root + "themes/graphs/", "Graph Pooling")  # written by the exact build after the preview
    assert fetch(root + "papers/graph-pooling/") is not None

    paper.unlink()
    wait_until_gone(root + "papers/graph-pooling/")
    theme_page = fetch(root + "themes/graphs/") or ""
    assert "Graph Networks" in theme_page and "Graph Pooling" not in theme_page
    assert fetch(root + "papers/graph-networks/") is not None

    themes = project / "content" / "themes.yml"
    themes.write_text(themes.read_text().replace("slug: graphs", "slug: graph-learning"))
    wait_for(root + "themes/graph-learning/", "Graph Networks")
    for gone in ("themes/graphs/", "themes/graphs/feed.xml", "themes/graphs/atom.xml"):
        assert fetch(root + gone) is None, gone


def without_livereload(html: str) -> str:
    """The page as written: the server adds one script just before </body>."""
    end = html.rindex("</body>")
    return html[:html.rindex("<script>", 0, end)] + html[end:]


def test_a_broken_edit_serves_the_last_good_site_with_the_error_on_every_page(served: tuple[Path, str]) -> None:
    # MkDocs' server held every request until a rebuild succeeded: a bad date made pages hang.
    project, root = served
    page = root + "papers/graph-networks/"
    wait_for(page, "We study graphs.")
    paper = project / "content" / "papers" / "graph-networks.md"
    good = paper.read_text()
    # A bad date, written as markup: the banner shows it as text.
    broken = re.sub(r"(?m)^added: .*$", 'added: "<b>2026-13-01</b>"', good).replace("We study graphs.", "Edited.")
    assert broken != good.replace("We study graphs.", "Edited.")
    paper.write_text(broken)
    wait_for(page, 'id="digest-build-error"')  # each request answered within fetch's 5 s
    for url in (page, root, root + "themes/graphs/"):
        served_page = fetch(url) or ""
        banner = served_page[served_page.index('id="digest-build-error"'):]
        assert "content/papers/graph-networks.md:" in banner and "&lt;b&gt;2026-13-01&lt;/b&gt;" in banner, url
        assert "<b>" not in banner, url
        assert "We study graphs." in served_page or url != page  # the last good page, not the broken edit
    paper.write_text(good.replace("We study graphs.", "We study graphs, fixed."))
    wait_for(page, "We study graphs, fixed.")
    for url in (page, root):
        assert 'id="digest-build-error"' not in (fetch(url) or ""), url
