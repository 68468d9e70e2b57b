"""Network faults, served for real by an HTTP server on 127.0.0.1: each gives a retry or a
clear error naming the source and what to do, content/ is unchanged on failure, and
every case ends in bounded time (importing/fetch.py)."""

from __future__ import annotations

import functools
import http.server
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.importing import fetch
from tests.conftest import MKDOCS_YML, paper_file
from tests.faulttools import tree

FIXTURES = Path(__file__).parent / "fixtures"
ARXIV = (FIXTURES / "arxiv_api.xml").read_bytes()
HF = (FIXTURES / "hf_daily.json").read_bytes()


class Faulty(http.server.BaseHTTPRequestHandler):
    """Answers every request with `fault(handler, number)`, number counting from 1."""

    fault: Callable[[Faulty, int], None]
    requests = 0

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).requests += 1
        type(self).fault(self, type(self).requests)

    def answer(self, body: bytes, status: int = 200, kind: str = "application/atom+xml",
               headers: dict[str, str] | None = None, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def good(handler: Faulty, number: int) -> None:
    if handler.path.startswith("/api/query"):
        handler.answer(ARXIV)
    else:
        handler.answer(HF, kind="application/json")


def silent(handler: Faulty, number: int) -> None:
    time.sleep(3)  # longer than the patched timeout


def trickle(handler: Faulty, number: int) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/atom+xml")
    handler.end_headers()
    try:
        for _ in range(40):  # a byte every 0.2 s: no read times out, the whole answer does
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:  # the client gave up
        pass


def busy(seconds: str) -> Callable[[Faulty, int], None]:
    def fault(handler: Faulty, number: int) -> None:
        if number == 1:
            handler.answer(b"slow down", 429, "text/plain", {"Retry-After": seconds})
        else:
            good(handler, number)
    return fault


def broken_then_good(handler: Faulty, number: int) -> None:
    if number == 1:
        handler.answer(b"oops", 500, "text/plain")
    else:
        good(handler, number)


def truncated(handler: Faulty, number: int) -> None:
    handler.answer(ARXIV[: len(ARXIV) // 2], length=len(ARXIV))  # then the connection closes


def cut_xml(handler: Faulty, number: int) -> None:
    handler.answer(ARXIV[: len(ARXIV) // 2])  # a whole answer of half a feed


def bad_json(handler: Faulty, number: int) -> None:
    handler.answer(HF[: len(HF) // 2], kind="application/json")


def web_page(handler: Faulty, number: int) -> None:
    handler.answer(b"<!DOCTYPE html><html><body><h1>We'll be back soon</h1></body></html>", kind="text/html")


def redirect_loop(handler: Faulty, number: int) -> None:
    handler.send_response(302)
    handler.send_header("Location", handler.path)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def endless(handler: Faulty, number: int) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/atom+xml")
    handler.end_headers()
    try:
        while True:
            handler.wfile.write(b"<feed>" * 10_000)
    except OSError:  # the client gave up
        pass


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Callable[[Faulty, int], None]], type[Faulty]]]:
    servers: list[http.server.ThreadingHTTPServer] = []
    monkeypatch.setattr(fetch, "LIMITER", fetch.RateLimiter(0))
    monkeypatch.setattr(fetch, "BACKOFF", 0.0)
    monkeypatch.setattr(fetch, "TIMEOUT", 1.0)
    monkeypatch.setattr(fetch, "MAX_BYTES", 2**20)

    def start(fault: Callable[[Faulty, int], None]) -> type[Faulty]:
        handler = type("Handler", (Faulty,), {"fault": staticmethod(fault), "requests": 0})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        root = f"http://127.0.0.1:{server.server_address[1]}"
        monkeypatch.setenv(fetch.ARXIV_API_VARIABLE, f"{root}/api/query")
        monkeypatch.setenv(fetch.HF_DAILY_API_VARIABLE, f"{root}/api/daily_papers")
        return handler

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "content" / "papers").mkdir(parents=True)
    (tmp_path / "content" / "papers" / "graphs.md").write_text(paper_file("Graphs", "On graphs."))
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.replace(
        "  - digest\n", '  - digest:\n      sources:\n        - arxiv: "cat:cs.LG"\n'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


ARXIV_QUERY = ["import", "arxiv", "--query", "cat:cs.LG", "--added", "2026-11-27"]
HF_DAY = ["import", "hf-daily", "--date", "2026-11-20", "--added", "2026-11-27"]

# fault, command, what the error says (in order), requests made
FAILURES = {
    "connection refused": (None, ARXIV_QUERY, ["cannot reach 127.0.0.1", "Connection refused",
                                               "check your connection, or import a saved file"], 0),
    "no answer (timeout)": (silent, ARXIV_QUERY, ["127.0.0.1 did not answer after 3 attempts (last: TimeoutError: timed out)",
                                                  "try again later, or import a saved file"], 3),
    "an answer trickling in": (trickle, ARXIV_QUERY, ["127.0.0.1 did not answer after 3 attempts",
                                                      "took more than 1 s", "try again later"], 3),
    "429, Retry-After an hour": (busy("3600"), ARXIV_QUERY, ["127.0.0.1 is busy (HTTP 429", "asks to wait 3600 s",
                                                            "try again later"], 1),
    "a body cut short": (truncated, ARXIV_QUERY, ["127.0.0.1 did not answer after 3 attempts (last: IncompleteRead",
                                                  "try again later"], 3),
    "malformed XML": (cut_xml, ARXIV_QUERY, ["arxiv:cat:cs.LG:", "malformed XML",
                                             "(the live answer for arxiv:cat:cs.LG); nothing was imported: "
                                             "try again later"], 1),
    "malformed JSON": (bad_json, HF_DAY, ["hf-daily:2026-11-20:", "invalid JSON",
                                          "nothing was imported: try again later"], 1),
    "an HTML page with 200": (web_page, HF_DAY, ["did not answer after 3 attempts (last: a web page (HTML) "
                                                 "instead of the API's answer)", "try again later"], 3),
    "a redirect loop": (redirect_loop, ARXIV_QUERY, ["127.0.0.1 redirected in a loop (HTTP 302)",
                                                     "import a saved file"], None),
    "an endless answer": (endless, ARXIV_QUERY, ["127.0.0.1 sent more than 1 MB, far more than any real answer; "
                                                 "nothing was imported"], 1),
}


@pytest.mark.parametrize("name", FAILURES)
def test_a_network_fault_fails_clearly_in_bounded_time_and_changes_nothing(
        name: str, project: Path, serve: Callable[..., type[Faulty]], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    fault, command, says, requests = FAILURES[name]
    if fault is None:
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        monkeypatch.setenv(fetch.ARXIV_API_VARIABLE, f"http://127.0.0.1:{port}/api/query")
        handler = None
    else:
        handler = serve(fault)
    before = tree(project / "content")
    started = time.monotonic()
    assert main(command) == 1
    assert time.monotonic() - started < 20
    error = capsys.readouterr().err
    position = 0
    for part in says:
        found = error.find(part, position)
        assert found >= 0, f"{part!r} not in (or out of order in) {error!r}"
        position = found + len(part)
    assert "Traceback" not in error
    if handler is not None and requests is not None:
        assert handler.requests == requests
    assert tree(project / "content") == before


def test_update_names_the_failing_source_and_imports_nothing(
        project: Path, serve: Callable[..., type[Faulty]], capsys: pytest.CaptureFixture[str]) -> None:
    serve(web_page)
    before = tree(project / "content")
    assert main(["update", "--date", "2026-11-20"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("arxiv cat:cs.LG: ") or error.startswith("arxiv:")
    assert "a web page (HTML)" in error and "nothing was imported: content/ is as it was" in error
    assert tree(project / "content") == before


@pytest.mark.parametrize("fault", [busy("1"), broken_then_good], ids=["429 then success", "500 then success"])
def test_a_passing_fault_is_retried_and_the_papers_come_in(
        fault: Callable[[Faulty, int], None], project: Path, serve: Callable[..., type[Faulty]],
        capsys: pytest.CaptureFixture[str]) -> None:
    handler = serve(fault)
    started = time.monotonic()
    assert main(ARXIV_QUERY) == 0
    took = time.monotonic() - started
    assert handler.requests == 2
    if fault is not broken_then_good:
        assert took >= 1.0  # Retry-After was honoured
    assert "0 added" not in capsys.readouterr().err
    assert len(list((project / "content" / "papers").glob("*.md"))) > 1
