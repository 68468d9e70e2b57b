"""`digest serve`: a real server on 127.0.0.1 that rebuilds when content or templates change."""

from __future__ import annotations

import json
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


def wait_for(url: str, text: str, timeout: float = 60.0) -> float:
    """Seconds until the page at url contains text; fails after timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        page = fetch(url)
        if page is not None and text in page:
            return time.monotonic() - start
        time.sleep(0.2)
    pytest.fail(f"{url} did not show {text!r} within {timeout} s")


@pytest.fixture
def served(make_project: Callable[..., Path]) -> Iterator[tuple[Path, str]]:
    project = make_project({"graph-networks": paper_file("Graph Networks", "We study graphs.")},
                           [{"slug": "graphs", "title": "Graphs", "match": ["graph"]}])
    (project / "templates").mkdir()  # watched when it exists as serve starts
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        yield project, f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()


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
