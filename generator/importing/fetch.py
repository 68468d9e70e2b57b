"""Fetching arXiv and Hugging Face responses, politely, with the standard library.

arXiv's API terms ask for one request at a time and no more than one every three
seconds; the same limiter serves Hugging Face. Transient failures (429, 5xx,
timeouts, a body cut short, a web page where the API's answer should be) are retried
up to three attempts with backoff, honouring Retry-After up to two minutes. Every
attempt is bounded: TIMEOUT seconds for the whole answer, however slowly it trickles
in, and MAX_BYTES for its size. The opener and the limiter's clock and sleep are
parameters, so tests never touch the network or wait.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from ..errors import ImportError_

ARXIV_API = "https://export.arxiv.org/api/query"
HF_DAILY_API = "https://huggingface.co/api/daily_papers"
# Testing aids: point the fetches at a local server replaying saved responses.
ARXIV_API_VARIABLE, HF_DAILY_API_VARIABLE = "DIGEST_ARXIV_API", "DIGEST_HF_DAILY_API"
USER_AGENT = "research-digest/0.1 (static research-digest site generator; Python urllib)"
TIMEOUT = 30.0  # seconds per attempt, for the whole answer: arXiv can be slow on large queries
MAX_BYTES = 64 * 2**20  # 2,000 arXiv entries are about 6 MB; far more is no real answer
CHUNK = 2**16
ATTEMPTS = 3
INTERVAL = 3.0  # seconds between request starts (arXiv API terms of use)
BACKOFF = 3.0  # first retry waits this long, then twice as long
MAX_RETRY_AFTER = 120.0  # a longer Retry-After means "come back later", not "wait here"
MAX_RESULTS = 2000  # the API's largest page
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})

Opener = Callable[..., Any]  # urllib.request.urlopen(request, timeout=...) or a test double


class RateLimiter:
    """Serialises requests and spaces their starts at least `interval` seconds apart."""

    def __init__(self, interval: float = INTERVAL, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self.lock = threading.Lock()  # held for a whole request: one at a time
        self._next: float | None = None  # earliest start of the next request

    def wait(self) -> None:
        """Block until the next request may start, and book the slot after it."""
        if self._next is not None:
            delay = self._next - self.clock()
            if delay > 0:
                self.sleep(delay)
        self._next = self.clock() + self.interval

    def defer(self, seconds: float) -> None:
        """The server asked for a pause: no request before `seconds` from now."""
        later = self.clock() + seconds
        self._next = later if self._next is None else max(self._next, later)


LIMITER = RateLimiter()


def fetch_arxiv(query: str, *, max_results: int = 100, start: int = 0,
                opener: Opener = urllib.request.urlopen, limiter: RateLimiter | None = None) -> str:
    """The API's Atom response for `query` (arXiv search syntax, like 'cat:cs.LG AND ti:causal'),
    newest submissions first. Parse it with arxiv.parse_arxiv."""
    if not query.strip():
        raise ImportError_("the arXiv query is empty; give one like --query 'cat:cs.LG AND abs:causal'")
    if not 1 <= max_results <= MAX_RESULTS:
        raise ImportError_(f"max_results is {max_results}; the arXiv API returns 1 to {MAX_RESULTS} per request")
    if start < 0:
        raise ImportError_(f"start is {start}; it must be 0 or more")
    params = {"search_query": query.strip(), "start": start, "max_results": max_results,
              "sortBy": "submittedDate", "sortOrder": "descending"}
    # A bad query gets an Atom error feed, sometimes with HTTP 400: keep it, parse_arxiv explains it.
    api = os.environ.get(ARXIV_API_VARIABLE) or ARXIV_API
    return _get(f"{api}?{urlencode(params)}", command="digest import arxiv FILE",
                opener=opener, limiter=limiter or LIMITER, error_feed=True)


def fetch_hf_daily(day: dt.date, *, opener: Opener = urllib.request.urlopen,
                   limiter: RateLimiter | None = None) -> str:
    """The JSON list of Hugging Face daily papers for `day`. Parse it with hf_daily.parse_hf_daily."""
    api = os.environ.get(HF_DAILY_API_VARIABLE) or HF_DAILY_API
    return _get(f"{api}?{urlencode({'date': day.isoformat()})}", command="digest import hf-daily FILE",
                opener=opener, limiter=limiter or LIMITER)


def _get(url: str, *, command: str, opener: Opener, limiter: RateLimiter, error_feed: bool = False) -> str:
    host = urlsplit(url).hostname or url
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    problem = ""
    for attempt in range(1, ATTEMPTS + 1):
        with limiter.lock:
            limiter.wait()
            try:
                with opener(request, timeout=TIMEOUT) as response:
                    body = _read_bounded(response, host, time.monotonic() + TIMEOUT)
                    if _is_web_page(body, response.headers):  # a proxy's or a status page, with 200
                        problem = "a web page (HTML) instead of the API's answer"
                        limiter.defer(BACKOFF * 2 ** (attempt - 1))
                        continue
                    return _decode(body, response.headers)
            except urllib.error.HTTPError as error:
                body = error.read() if error.fp is not None else b""
                if error_feed and error.code == 400 and b"<feed" in body:
                    return _decode(body, error.headers)
                if 300 <= error.code < 400:  # urllib follows redirects; this one loops or goes nowhere
                    raise ImportError_(f"{host} redirected in a loop (HTTP {error.code}) for {url}; the service "
                                       "may have moved: try again later, or import a saved file with "
                                       f"`{command}`") from None
                if error.code not in RETRY_STATUS:
                    raise ImportError_(f"{host} answered HTTP {error.code} {error.reason} for {url}; "
                                       "check the query") from None
                problem = f"HTTP {error.code} {error.reason}"
                wait = _retry_after(error.headers.get("Retry-After") if error.headers is not None else None)
                if wait is not None and wait > MAX_RETRY_AFTER:
                    raise ImportError_(f"{host} is busy ({problem}) and asks to wait {wait:.0f} s; "
                                       "try again later") from None
                limiter.defer(wait if wait is not None else BACKOFF * 2 ** (attempt - 1))
            except urllib.error.URLError as error:
                if not isinstance(error.reason, TimeoutError):
                    raise ImportError_(f"cannot reach {host} ({error.reason}); check your connection, "
                                       f"or import a saved file with `{command}`") from None
                problem = "timed out"
                limiter.defer(BACKOFF * 2 ** (attempt - 1))
            except (TimeoutError, ConnectionError, http.client.HTTPException) as error:  # incl. a body cut short
                problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
                limiter.defer(BACKOFF * 2 ** (attempt - 1))
    raise ImportError_(f"{host} did not answer after {ATTEMPTS} attempts (last: {problem}); try again later, "
                       f"or import a saved file with `{command}`")


def _read_bounded(response: Any, host: str, deadline: float) -> bytes:
    """The whole body, within the deadline and MAX_BYTES (a socket timeout bounds each
    read only: a server sending a byte a second would never time out)."""
    chunks, size = [], 0
    read = getattr(response, "read1", response.read)  # what has come, not CHUNK bytes however long they take
    while True:
        chunk = read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > MAX_BYTES:
            raise ImportError_(f"{host} sent more than {MAX_BYTES // 2**20} MB, far more than any real answer; "
                               "nothing was imported. Check the address, or ask for fewer results")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the answer took more than {TIMEOUT:.0f} s")
        chunks.append(chunk)
    body = b"".join(chunks)
    # http.client's read(size) returns what came when the server closes early: compare.
    length = response.headers.get("Content-Length", "") if response.headers is not None else ""
    if length.strip().isdigit() and len(body) < int(length):
        raise http.client.IncompleteRead(body, int(length) - len(body))
    return body


def _is_web_page(body: bytes, headers: Any) -> bool:
    kind = headers.get_content_type() if headers is not None else ""
    start = body[:512].lstrip().lower()
    return kind == "text/html" or start.startswith((b"<!doctype html", b"<html"))


def _decode(body: bytes, headers: Any) -> str:
    charset = headers.get_content_charset() if headers is not None else None
    return body.decode(charset or "utf-8", errors="replace")


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


__all__ = ["fetch_arxiv", "fetch_hf_daily", "RateLimiter", "LIMITER", "USER_AGENT"]
