"""Hugging Face daily papers: the JSON list https://huggingface.co/api/daily_papers returns.

Each item wraps a `paper` (id = the arXiv id, title, summary, publishedAt, authors,
upvotes, optional githubRepo and projectPage) with the day's own fields
(title, publishedAt, submittedBy, ...). The paper's fields win; the item's title
and summary are a fallback.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

from ..errors import ImportError_
from ..model import Link
from .arxiv import collapse, paper_links, split_arxiv_id
from .records import ImportedPaper

API_URL = "https://huggingface.co/api/daily_papers"


def parse_hf_daily(text: str, source: str) -> list[ImportedPaper]:
    """Papers from a daily_papers response, in its order; `line` is the item's 1-based position."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ImportError_(f"{source}: the file is empty; expected the JSON list {API_URL} returns")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportError_(f"{source}:{error.lineno}: invalid JSON at line {error.lineno}, column {error.colno}: "
                           f"{error.msg}; expected the JSON list {API_URL} returns, as downloaded") from None
    if isinstance(data, dict) and "error" in data:  # the API answers {"error": "..."} to a bad request
        raise ImportError_(f"{source}: Hugging Face returned an error: {data['error']}; check the date")
    if not isinstance(data, list):
        raise ImportError_(f"{source}: expected a JSON list of daily papers, found a JSON {_kind(data)}; "
                           f"save the response of {API_URL}?date=YYYY-MM-DD unchanged")
    return [_item(item, number, source) for number, item in enumerate(data, start=1)]


def _kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")


def _missing(source: str, number: int, key: str) -> ImportError_:
    return ImportError_(f"{source}: item {number}: missing key '{key}' (or it is empty); each item needs "
                        "paper.id and a title, as the daily_papers API returns them")


def _item(item: Any, number: int, source: str) -> ImportedPaper:
    if not isinstance(item, dict):
        raise ImportError_(f"{source}: item {number}: expected an object, found a JSON {_kind(item)}")
    paper = item.get("paper")
    if not isinstance(paper, dict):
        raise _missing(source, number, "paper")
    raw_id = paper.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise _missing(source, number, "paper.id")
    title = collapse(_str(paper.get("title")) or _str(item.get("title")))
    if not title:
        raise _missing(source, number, "paper.title")
    abstract = collapse(_str(paper.get("summary")) or _str(item.get("summary")))
    # Papers on the hub are arXiv papers; an id that is not one is kept as is, without arXiv links.
    arxiv_id = split_arxiv_id(raw_id)
    extra = [Link(kind, url) for kind, key in (("code", "githubRepo"), ("project", "projectPage"))
             if (url := _http_url(paper.get(key)))]
    return ImportedPaper(
        title=title,
        abstract=abstract,
        id=arxiv_id or raw_id.strip(),
        # Every listed author is kept: `hidden` hides a claimed hub profile, not the authorship.
        authors=tuple(name for author in paper.get("authors") or []
                      if isinstance(author, dict) and (name := collapse(_str(author.get("name"))))),
        links=paper_links(arxiv_id, [abstract], extra),
        line=number,
        published=_date(paper.get("publishedAt") or item.get("publishedAt"), source, number),
        arxiv=arxiv_id,
    )


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _http_url(value: Any) -> str | None:
    url = _str(value).strip()
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _date(value: Any, source: str, number: int) -> dt.date | None:
    """The date as written: "2024-01-22T18:59:59.000Z" -> 2024-01-22."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(_str(value).strip()[:10])
    except ValueError:
        raise ImportError_(f"{source}: item {number}: publishedAt {value!r} is not an ISO date like "
                           "2024-01-22T18:59:59.000Z") from None


__all__ = ["parse_hf_daily"]
