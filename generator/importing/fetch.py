"""Fetching arXiv and Hugging Face responses, politely, with the standard library.

arXiv's API terms ask for one request at a time and no more than one every three
seconds; the same limiter serves Hugging Face. Transient failures (429, 5xx,
timeouts) are retried up to three attempts with backoff, honouring Retry-After.
The opener and the limiter's clock and sleep are parameters, so tests never touch
the network or wait.
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
TIMEOUT = 30.0  # seconds per attempt: arXiv can be slow on large queries
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
                    return _decode(response.read(), response.headers)
            except urllib.error.HTTPError as error:
                body = error.read() if error.fp is not None else b""
                if error_feed and error.code == 400 and b"<feed" in body:
                    return _decode(body, error.headers)
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
            except (TimeoutError, ConnectionError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
                limiter.defer(BACKOFF * 2 ** (attempt - 1))
    raise ImportError_(f"{host} did not answer after {ATTEMPTS} attempts (last: {problem}); try again later, "
                       f"or import a saved file with `{command}`")


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
