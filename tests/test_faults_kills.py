"""Kills: `digest import`, `update`, `build` and `email send` killed (SIGKILL) at a row of
increasing delays across a run. After each kill, content/ is as before or complete, site/
is the previous site or the new one, the ledger claims no message the server did not
accept; and the next run, with no manual step, finishes the work."""

from __future__ import annotations

import asyncio
import email
import email.policy
import functools
import http.server
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.delivery.send import address_key
from generator.importing import fetch
from tests.conftest import MKDOCS_YML, paper_file
from tests.faulttools import free_port, leftovers, listing_text, make_digest, run_digest, start_digest, tree

pytestmark = pytest.mark.slow

KILLS = 4  # per command: delays at 1/5, 2/5, 3/5 and 4/5 of a whole run's time


def kill_after(project: Path, seconds: float, *args: str, env: dict[str, str] | None = None) -> bool:
    """Start `digest args`, SIGKILL it after `seconds`; whether it was still running."""
    process = start_digest(project, *args, env=env)
    time.sleep(seconds)
    running = process.poll() is None
    process.kill()
    process.communicate()
    return running


def timed(project: Path, *args: str, env: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    result = run_digest(project, *args, env=env)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def delays(whole: float) -> list[float]:
    return [whole * step / (KILLS + 1) for step in range(1, KILLS + 1)]


def test_import_killed_anywhere_leaves_content_as_before_or_complete(tmp_path: Path) -> None:
    base = make_digest(tmp_path / "base", papers=30)
    listing = tmp_path / "listing.txt"
    listing.write_text(listing_text(250), encoding="utf-8")
    args = ("import", "listing", str(listing), "--added", "2026-11-27")
    before = tree(base / "content")
    alone = tmp_path / "alone"
    shutil.copytree(base, alone)
    whole = timed(alone, *args)
    complete = tree(alone / "content")
    killed = 0
    for number, delay in enumerate(delays(whole)):
        project = tmp_path / f"kill-{number}"
        shutil.copytree(base, project)
        killed += kill_after(project, delay, *args)
        assert tree(project / "content") in (before, complete), f"killed after {delay:.2f} s"
        result = run_digest(project, *args)
        assert result.returncode == 0, result.stderr
        assert tree(project / "content") == complete
        assert leftovers(project) == []
    assert killed >= KILLS - 1  # the loop really cut runs short


class Replay(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = (Path(__file__).parent / "fixtures" / "arxiv_api.xml").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def arxiv() -> Iterator[dict[str, str]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Replay))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {fetch.ARXIV_API_VARIABLE: f"http://127.0.0.1:{server.server_address[1]}/api/query"}
    server.shutdown()
    server.server_close()


def test_update_killed_anywhere_leaves_content_as_before_or_complete(tmp_path: Path, arxiv: dict[str, str]) -> None:
    base = make_digest(tmp_path / "base", papers=30)
    config = yaml.safe_load((base / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [{"digest": {"sources": [{"arxiv": "cat:cs.LG"}]}}]
    (base / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    args = ("update", "--date", "2026-11-20")
    before = tree(base / "content")
    alone = tmp_path / "alone"
    shutil.copytree(base, alone)
    whole = timed(alone, *args, env=arxiv)
    complete = tree(alone / "content")
    assert complete != before
    for number, delay in enumerate(delays(whole)):
        project = tmp_path / f"kill-{number}"
        shutil.copytree(base, project)
        kill_after(project, delay, *args, env=arxiv)
        assert tree(project / "content") in (before, complete), f"killed after {delay:.2f} s"
        result = run_digest(project, *args, env=arxiv)
        assert result.returncode == 0, result.stderr
        assert tree(project / "content") == complete
        assert leftovers(project) == []


def test_build_killed_anywhere_leaves_the_previous_site_or_the_new_one(tmp_path: Path) -> None:
    # One digest, as a curator's: each round adds a paper, a build is killed, the next
    # one repairs; the kill lands on whatever state the rounds before left in .cache/.
    project = make_digest(tmp_path / "digest", papers=30)
    timed(project, "build", "-q")
    (project / "content" / "papers" / "warm.md").write_text(paper_file("Warm", "A daily build's paper."))
    whole = timed(project, "build", "-q")  # a daily build, as the rounds are
    killed = 0
    for number, delay in enumerate(delays(whole)):
        (project / "content" / "papers" / f"round-{number}.md").write_text(
            paper_file(f"Round {number} of kills", "A paper on graph neural networks and causal inference.",
                       added="2026-11-26"), encoding="utf-8")
        previous = tree(project / "site")
        killed += kill_after(project, delay, "build", "-q")
        after_kill = tree(project / "site")
        result = run_digest(project, "build", "-q")
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        new = tree(project / "site")
        assert after_kill in (previous, new), f"killed after {delay:.2f} s: a site neither old nor new"
        assert leftovers(project) == []
    assert killed >= KILLS - 1
    # The repaired site is the one a clean build makes.
    assert run_digest(project, "build", "-q", "--clean", "-d", str(tmp_path / "clean")).returncode == 0
    assert tree(project / "site") == tree(tmp_path / "clean")


aiosmtpd = pytest.importorskip("aiosmtpd", reason="the email tests need aiosmtpd: pip install '.[test]'")
from aiosmtpd.controller import Controller  # noqa: E402


class SlowInbox:
    """Accepts every message after a pause, so that a run spends its time sending."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, str]] = []  # (address, Message-ID)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(0.1)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.accepted.extend((address, str(message["Message-ID"])) for address in envelope.rcpt_tos)
        return "250 OK"


def ledger_entries(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:  # a last line cut short by the kill: no claim
            pass
    return entries


def test_email_send_killed_anywhere_never_claims_a_message_the_server_did_not_accept(tmp_path: Path) -> None:
    papers = {f"graph-{day}": paper_file(f"Graph paper of day {day}", "Graph neural networks.", id=f"g{day}",
                                         added=f"2026-11-{day}") for day in (20, 21)}
    project = tmp_path / "digest"
    (project / "content" / "papers").mkdir(parents=True)
    for slug, text in papers.items():
        (project / "content" / "papers" / f"{slug}.md").write_text(text, encoding="utf-8")
    (project / "mkdocs.yml").write_text(MKDOCS_YML.replace(
        "  - digest\n", "  - digest:\n      email_from: Test digest <digest@example.org>\n"), encoding="utf-8")
    addresses = [f"reader{number}@example.org" for number in range(20)]
    (project / "subscribers.yml").write_text(yaml.safe_dump([{"email": a} for a in addresses]), encoding="utf-8")
    inbox = SlowInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {"DIGEST_SMTP_HOST": "127.0.0.1", "DIGEST_SMTP_PORT": str(port), "DIGEST_SMTP_SECURITY": "none"}
        args = ("email", "send", "--since", "2026-11-20")
        ledger = project / "email-ledger.jsonl"
        whole = timed(project, *args, env=env)
        assert len(inbox.accepted) == 40
        cut = 0  # kills that landed while sending
        for delay in delays(whole):
            ledger.unlink()
            inbox.accepted.clear()
            kill_after(project, delay, *args, env=env)
            cut += 0 < len(inbox.accepted) < 40
            accepted = {address_key(address) for address, _ in inbox.accepted}
            claimed = ledger_entries(ledger)
            assert {entry["to"] for entry in claimed} <= accepted, f"killed after {delay:.2f} s"
            assert len(claimed) <= len(inbox.accepted)
            result = run_digest(project, *args, env=env)
            assert result.returncode == 0, result.stderr
            copies: dict[tuple[str, str], int] = {}
            for key in inbox.accepted:
                copies[key] = copies.get(key, 0) + 1
            assert len(copies) == 40  # everyone has both editions ...
            assert sum(copies.values()) - 40 <= 1  # ... once, but for the one message a kill may catch in flight
            assert len(ledger_entries(ledger)) == 40
        assert cut >= 1
    finally:
        controller.stop()


def test_two_sends_at_once_send_each_message_once(tmp_path: Path) -> None:
    project = tmp_path / "digest"
    (project / "content" / "papers").mkdir(parents=True)
    (project / "content" / "papers" / "graphs.md").write_text(
        paper_file("Graphs", "On graphs.", added="2026-11-20"), encoding="utf-8")
    (project / "mkdocs.yml").write_text(MKDOCS_YML.replace(
        "  - digest\n", "  - digest:\n      email_from: Test digest <digest@example.org>\n"), encoding="utf-8")
    (project / "subscribers.yml").write_text(
        yaml.safe_dump([{"email": f"reader{n}@example.org"} for n in range(10)]), encoding="utf-8")
    inbox = SlowInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {"DIGEST_SMTP_HOST": "127.0.0.1", "DIGEST_SMTP_PORT": str(port), "DIGEST_SMTP_SECURITY": "none"}
        runs = [start_digest(project, "email", "send", env=env) for _ in range(2)]
        assert [run.wait(timeout=120) for run in runs] == [0, 0]
        for run in runs:
            run.communicate()
        assert sorted(address for address, _ in inbox.accepted) == sorted(f"reader{n}@example.org"
                                                                         for n in range(10))
    finally:
        controller.stop()
