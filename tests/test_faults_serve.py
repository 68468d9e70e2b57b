"""Serving under load: `digest serve` answers 200 requests from 50 at a time (on 127.0.0.1)
while a rebuild runs: every answer is a 200 with a whole page or feed, never a 5xx and
never a page cut short."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from tests.faulttools import free_port, make_digest
from tests.test_serve import wait_for

REQUESTS, AT_ONCE = 200, 50


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    project = make_digest(tmp_path / "digest", papers=40)
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
                               cwd=project, stdout=subprocess.DEVNULL, stderr=log)
    try:
        yield project, f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
        log.close()


class Closed(HTMLParser):
    """Whether the page's <html> element is closed: a page cut short is not."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    def handle_endtag(self, tag: str) -> None:
        self.closed = self.closed or tag == "html"


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def whole(url: str, body: bytes) -> bool:
    if url.endswith(".xml"):
        return not feedparser.parse(body).bozo
    parser = Closed()
    parser.feed(body.decode("utf-8"))
    return parser.closed


def test_serve_answers_every_request_whole_while_it_rebuilds(served: tuple[Path, str]) -> None:
    project, root = served
    wait_for(root, "</html>", timeout=180)
    papers = sorted((project / "content" / "papers").glob("*.md"))
    urls = [root, root + "themes/", root + "archive/", root + "feed.xml",
            *(root + f"papers/{p.stem}/" for p in papers[:6])]
    # An edit: a preview of the paper, then the exact build of the whole site.
    edited = papers[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEdited under load.\n", encoding="utf-8")
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        futures = []
        for number in range(REQUESTS):
            futures.append((urls[number % len(urls)], pool.submit(get, urls[number % len(urls)])))
            time.sleep(0.02)  # spread over the rebuild's seconds
        answers = [(url, future.result()) for url, future in futures]
    statuses = sorted({status for _, (status, _) in answers})
    assert statuses == [200], statuses
    cut = [url for url, (_, body) in answers if not whole(url, body)]
    assert cut == []
    wait_for(root + f"papers/{edited.stem}/", "Edited under load.", timeout=120)
