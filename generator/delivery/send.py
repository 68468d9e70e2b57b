"""Sending editions over SMTP, each message once.

- Subscribers: a YAML file outside content/ (`email_subscribers`), a list of entries
  `- email: reader@example.org` with an optional `themes: [slug, ...]`: such a reader
  gets only those themes' papers, and nothing on a day with none.
- The server: DIGEST_SMTP_HOST, DIGEST_SMTP_PORT, DIGEST_SMTP_SECURITY (starttls, the
  default; tls; or none), DIGEST_SMTP_USER and DIGEST_SMTP_PASSWORD (or
  DIGEST_SMTP_PASSWORD_FILE), DIGEST_SMTP_CAFILE: from the environment, never mkdocs.yml.
- The ledger (`email_ledger`): a JSON line per message the server accepted, written and
  flushed to disk as soon as it accepted it, so that a run killed half-way and run again
  sends each message once. It holds a hash of each address, never the address; output
  shows addresses masked (r***@example.org), as CI logs may be public.
- A temporary failure (a 4xx answer, a dropped connection) is tried again, after 1, 2
  and 4 s; a permanent one (5xx) for one address is reported and the others still get
  theirs.
"""

from __future__ import annotations

import hashlib
import json
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import yaml

from ..errors import DigestError

RETRY_DELAYS = (1.0, 2.0, 4.0)  # seconds before each new try of a temporary failure
TIMEOUT = 30.0  # seconds the server may take to answer


@dataclass(frozen=True)
class Subscriber:
    address: str
    themes: tuple[str, ...] = ()  # none: every paper


def read_subscribers(path: Path, theme_slugs: set[str]) -> list[Subscriber]:
    """The subscribers file; a DigestError naming the entry and the fix for a bad one."""
    where = os.path.relpath(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except FileNotFoundError:
        raise DigestError(f"{where}: not found; list your subscribers there, one `- email: reader@example.org` "
                          "a line (see README, Editions by email)") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise DigestError(f"{where}{line}: invalid YAML; write one `- email: ...` entry a line") from None
    if not isinstance(data, list):
        raise DigestError(f"{where}: expected a list of subscribers, like `- email: reader@example.org`")
    found = []
    for number, entry in enumerate(data, start=1):
        entry = {"email": entry} if isinstance(entry, str) else entry
        address = entry.get("email") if isinstance(entry, dict) else None
        if not isinstance(address, str) or "@" not in address or any(c in address for c in "\r\n<>, "):
            raise DigestError(f"{where}: subscriber {number}: `email` must be one address like "
                              f"reader@example.org, got {address!r}")
        themes = entry.get("themes") or []
        if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
            raise DigestError(f"{where}: subscriber {number}: `themes` must be a list of theme slugs")
        unknown = [t for t in themes if t not in theme_slugs]
        if unknown:
            raise DigestError(f"{where}: subscriber {number}: no theme {unknown[0]!r}; known themes: "
                              f"{', '.join(sorted(theme_slugs))}")
        found.append(Subscriber(address.strip(), tuple(themes)))
    return found


def masked(address: str) -> str:
    """r***@example.org: enough to tell subscribers apart in a log, not to write to them."""
    name, _, host = address.partition("@")
    return f"{name[:1]}***@{host}"


def address_key(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]


class Ledger:
    """What the server accepted: (edition day, the themes asked for, the address's hash)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.delivered: set[tuple[str, str, str]] = set()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        for number, line in enumerate(lines, start=1):
            try:
                entry = json.loads(line)
                self.delivered.add((entry["edition"], entry["themes"], entry["to"]))
            except (ValueError, KeyError, TypeError):
                if number < len(lines):  # a last line cut short by a kill is no delivery
                    raise DigestError(f"{os.path.relpath(path)}:{number}: not a ledger entry; restore the "
                                      "file from git, or delete the line (its message may then be sent again)") from None

    def has(self, day: str, themes: str, address: str) -> bool:
        return (day, themes, address_key(address)) in self.delivered

    def record(self, day: str, themes: str, address: str) -> None:
        entry = {"edition": day, "themes": themes, "to": address_key(address)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(entry, sort_keys=True) + "\n")
            file.flush()
            os.fsync(file.fileno())
        self.delivered.add((day, themes, entry["to"]))


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "starttls", "tls" or "none"
    user: str = ""
    password: str = ""
    cafile: str = ""

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> SmtpSettings:
        host = env.get("DIGEST_SMTP_HOST", "")
        if not host:
            raise DigestError("DIGEST_SMTP_HOST is not set; set it (and DIGEST_SMTP_PORT, DIGEST_SMTP_USER, "
                              "DIGEST_SMTP_PASSWORD) in the environment, or use --dry-run")
        security = env.get("DIGEST_SMTP_SECURITY", "starttls")
        if security not in ("starttls", "tls", "none"):
            raise DigestError(f"DIGEST_SMTP_SECURITY must be starttls, tls or none, got {security!r}")
        port_text = env.get("DIGEST_SMTP_PORT", {"starttls": "587", "tls": "465", "none": "25"}[security])
        if not port_text.isdigit():
            raise DigestError(f"DIGEST_SMTP_PORT must be a port number, got {port_text!r}")
        password = env.get("DIGEST_SMTP_PASSWORD", "")
        if not password and env.get("DIGEST_SMTP_PASSWORD_FILE"):
            password = Path(env["DIGEST_SMTP_PASSWORD_FILE"]).read_text(encoding="utf-8").strip()
        return cls(host, int(port_text), security, env.get("DIGEST_SMTP_USER", ""), password,
                   env.get("DIGEST_SMTP_CAFILE", ""))


@dataclass(frozen=True)
class Delivery:
    day: str
    themes: str  # the themes asked for, joined by commas ("" = all): the ledger's key
    address: str
    message: EmailMessage


def deliver(deliveries: Sequence[Delivery], settings: SmtpSettings, ledger: Ledger,
            say: Callable[[str], None], sleep: Callable[[float], None] = time.sleep) -> list[Delivery]:
    """Send each message the ledger does not hold; return the ones that failed."""
    failed = []
    connection: smtplib.SMTP | None = None
    try:
        for delivery in deliveries:
            if ledger.has(delivery.day, delivery.themes, delivery.address):
                continue
            for attempt in range(len(RETRY_DELAYS) + 1):
                try:
                    if connection is None:
                        connection = _connect(settings)
                    connection.send_message(delivery.message, to_addrs=[delivery.address])
                except smtplib.SMTPRecipientsRefused as exc:
                    code, reason = next(iter(exc.recipients.values()))
                    if 400 <= code < 500 and attempt < len(RETRY_DELAYS):
                        sleep(RETRY_DELAYS[attempt])
                        continue
                    say(f"not delivered to {masked(delivery.address)}: {code} {_text(reason)}")
                    failed.append(delivery)
                except smtplib.SMTPResponseException as exc:
                    if 400 <= exc.smtp_code < 500 and attempt < len(RETRY_DELAYS):
                        _close(connection)
                        connection = None
                        sleep(RETRY_DELAYS[attempt])
                        continue
                    say(f"not delivered to {masked(delivery.address)}: {exc.smtp_code} {_text(exc.smtp_error)}")
                    failed.append(delivery)
                    _close(connection)
                    connection = None
                except (smtplib.SMTPServerDisconnected, OSError) as exc:
                    connecting = connection is None
                    _close(connection)
                    connection = None
                    if attempt < len(RETRY_DELAYS):
                        sleep(RETRY_DELAYS[attempt])
                        continue
                    if connecting:  # no message can go: stop here, the ledger says what went
                        raise DigestError(f"cannot reach the SMTP server {settings.host}:{settings.port} ({exc}); "
                                          "check DIGEST_SMTP_HOST and DIGEST_SMTP_PORT, and run again: what was "
                                          "delivered is not sent twice") from None
                    say(f"not delivered to {masked(delivery.address)}: {exc or 'the server closed the connection'}")
                    failed.append(delivery)
                else:
                    ledger.record(delivery.day, delivery.themes, delivery.address)
                    say(f"sent     {delivery.day} to {masked(delivery.address)}")
                break
    finally:
        _close(connection)
    return failed


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=settings.cafile or None)
    if settings.security == "tls":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT, context=context)
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
        if settings.security == "starttls":
            connection.starttls(context=context)
    if settings.user:
        try:
            connection.login(settings.user, settings.password)
        except smtplib.SMTPAuthenticationError as exc:
            _close(connection)
            raise DigestError(f"the SMTP server refused the login of {settings.user!r}: {exc.smtp_code} "
                              f"{_text(exc.smtp_error)}; check DIGEST_SMTP_USER and DIGEST_SMTP_PASSWORD") from None
    return connection


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is not None:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
