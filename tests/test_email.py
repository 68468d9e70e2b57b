"""Editions by email, against a real SMTP server (aiosmtpd on 127.0.0.1): the messages
as `email` parses them, theme choices, STARTTLS with a login, and a run cut short then
run again, after which each subscriber has exactly one copy."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from generator.cli import main
from generator.delivery import send
from tests.conftest import MKDOCS_YML, paper_file

aiosmtpd = pytest.importorskip("aiosmtpd", reason="the email tests need aiosmtpd: pip install '.[test]'")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult  # noqa: E402

HOSTILE = 'Graphs <script>alert(1)</script> & "quotes"\r\nBcc: victim@example.org'
PAPERS = {
    "graph-a": paper_file("Graph networks for molecules", "Graph neural networks for molecules.", id="ga",
                          added="2026-11-20"),
    "graph-b": paper_file(HOSTILE, "Message passing on graphs, <b>bold</b>.", id="gb", added="2026-11-21"),
    "speech-a": paper_file("Streaming speech recognition", "Speech recognition with transducers.", id="sa",
                           added="2026-11-21"),
}
THEMES = [{"slug": "graphs", "title": "Graphs", "match": ["graph", "graphs"]},
          {"slug": "speech", "title": "Speech", "match": ["speech recognition"]}]
SUBSCRIBERS = [{"email": "all@example.org"}, {"email": "graphs@example.org", "themes": ["graphs"]},
               {"email": "speech@example.org", "themes": ["speech"]}]


class Inbox:
    """An aiosmtpd handler keeping what it accepts. After `accept` messages it drops the
    connection at each message (or, with `busy`, answers 421); it refuses `refuse` for good."""

    def __init__(self, accept: int | None = None, busy: bool = False, refuse: str = "") -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.accept = accept
        self.busy = busy
        self.refuse = refuse

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if address == self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        if self.accept is not None and len(self.received) >= self.accept:
            if self.busy:
                return "421 4.3.0 closing: too many messages"
            server.transport.close()  # gone mid-message, as a server that dies
            return "421 4.3.0 gone"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[Callable[..., tuple[Inbox, int]]]:
    started: list[Controller] = []

    def start(inbox: Inbox, **options: Any) -> tuple[Inbox, int]:
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return inbox, port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def project(make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    mkdocs_yml = MKDOCS_YML.replace("  - digest\n", "  - digest:\n      email_from: Test digest <digest@example.org>\n")
    root = make_project(PAPERS, THEMES, mkdocs_yml=mkdocs_yml)
    (root / "subscribers.yml").write_text(yaml.safe_dump(SUBSCRIBERS), encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setattr(send, "RETRY_DELAYS", (0.01, 0.01, 0.01))
    for name in ("DIGEST_SMTP_USER", "DIGEST_SMTP_PASSWORD", "DIGEST_SMTP_CAFILE"):
        monkeypatch.delenv(name, raising=False)
    return root


def use_server(monkeypatch: pytest.MonkeyPatch, port: int, security: str = "none") -> None:
    monkeypatch.setenv("DIGEST_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DIGEST_SMTP_PORT", str(port))
    monkeypatch.setenv("DIGEST_SMTP_SECURITY", security)


def test_render_writes_a_message_with_text_and_html_parts(project: Path) -> None:
    assert main(["email", "render", "--edition", "2026-11-21", "-o", "edition.eml"]) == 0
    message = email.message_from_bytes((project / "edition.eml").read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Message-ID"].startswith("<edition-2026-11-21.")
    assert message["Date"] == "Sat, 21 Nov 2026 00:00:00 +0000"
    assert message["List-Unsubscribe"] == "<mailto:digest@example.org?subject=unsubscribe>"
    assert "Bcc" not in message and message["To"] is None  # no header from a title
    assert "2 papers" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "https://digest.example.org/papers/graph-b/" in text
    html = BeautifulSoup(message.get_body(("html",)).get_content(), "html.parser")
    assert html.find("script") is None and html.find("img") is None and html.find("b") is None
    links = {a["href"] for a in html.find_all("a")}
    assert all(href.startswith(("https://digest.example.org/", "mailto:")) for href in links)
    assert "https://digest.example.org/editions/2026-11-21/" in links
    shown = [a.get_text() for a in html.find_all("a", class_="title")]
    assert " ".join(HOSTILE.split()) in shown  # the title as text
    assert html.find("p", class_="paper").get("style")  # CSS inlined


def test_send_delivers_one_message_a_subscriber_and_edition_with_their_themes(
        project: Path, smtp: Callable[..., tuple[Inbox, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = smtp(Inbox())
    use_server(monkeypatch, port)
    assert main(["email", "send", "--since", "2026-11-20"]) == 0
    got: dict[str, list[str]] = {}
    for recipients, message in inbox.received:
        text = message.get_body(("plain",)).get_content()
        got.setdefault(recipients[0], []).append(message["Date"][5:16] + ":" + ",".join(
            slug for slug in ("graph-a", "graph-b", "speech-a") if f"/papers/{slug}/" in text))
    assert got == {
        "all@example.org": ["20 Nov 2026:graph-a", "21 Nov 2026:graph-b,speech-a"],
        "graphs@example.org": ["20 Nov 2026:graph-a", "21 Nov 2026:graph-b"],
        "speech@example.org": ["21 Nov 2026:speech-a"],  # nothing on a day without speech papers
    }
    ledger = (project / "email-ledger.jsonl").read_text(encoding="utf-8")
    assert len(ledger.splitlines()) == 5 and "@" not in ledger  # no address in it
    assert main(["email", "send", "--since", "2026-11-20"]) == 0  # run again: nothing new
    assert len(inbox.received) == 5


@pytest.mark.parametrize("busy", [False, True], ids=["dropped", "421"])
def test_a_run_cut_short_then_run_again_sends_each_message_once(
        project: Path, smtp: Callable[..., tuple[Inbox, int]], monkeypatch: pytest.MonkeyPatch, busy: bool) -> None:
    first, port = smtp(Inbox(accept=2, busy=busy))  # then it fails every message
    use_server(monkeypatch, port)
    assert main(["email", "send", "--since", "2026-11-20"]) == 1
    assert len(first.received) == 2
    second, port = smtp(Inbox())
    use_server(monkeypatch, port)
    assert main(["email", "send", "--since", "2026-11-20"]) == 0
    copies: dict[tuple[str, str], int] = {}
    for recipients, message in first.received + second.received:
        key = (recipients[0], message["Message-ID"])
        copies[key] = copies.get(key, 0) + 1
    assert len(copies) == 5 and set(copies.values()) == {1}


def test_a_refused_address_is_reported_and_the_others_still_get_theirs(
        project: Path, smtp: Callable[..., tuple[Inbox, int]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = smtp(Inbox(refuse="graphs@example.org"))
    use_server(monkeypatch, port)
    assert main(["email", "send"]) == 1  # not all delivered
    assert sorted(r[0] for r, _ in inbox.received) == ["all@example.org", "speech@example.org"]
    assert "not delivered to g***@example.org: 550" in capsys.readouterr().out
    assert len((project / "email-ledger.jsonl").read_text().splitlines()) == 2


def test_starttls_and_login(project: Path, smtp: Callable[..., tuple[Inbox, int]], tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                           "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                           "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True)
    if made.returncode != 0:
        pytest.skip("openssl could not make a test certificate")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[str, str]] = []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"secret")

    inbox, port = smtp(Inbox(), tls_context=context, require_starttls=True, authenticator=authenticate,
                       auth_required=True)
    use_server(monkeypatch, port, "starttls")
    monkeypatch.setenv("DIGEST_SMTP_CAFILE", str(cert))
    monkeypatch.setenv("DIGEST_SMTP_USER", "curator")
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "secret")
    assert main(["email", "send"]) == 0  # the latest edition only
    assert logins == [("curator", "secret")]
    assert sorted(r[0] for r, _ in inbox.received) == ["all@example.org", "graphs@example.org", "speech@example.org"]


def test_dry_run_masks_addresses_and_sends_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["email", "send", "--dry-run", "--since", "2026-11-20"]) == 0
    out = capsys.readouterr().out
    assert out.count("would send") == 5 and "a***@example.org" in out and "all@example.org" not in out
    assert not (project / "email-ledger.jsonl").exists()
    assert json.dumps(SUBSCRIBERS)  # (the file is the only place the addresses are)
