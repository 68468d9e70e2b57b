"""Links found in abstracts, sorted into the kinds a paper page shows."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..model import Link

# A URL runs to the next space; brackets and quotes around it are not part of it, and a
# control character ends it (no address holds one; a scraped page may).
_URL = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\")]}>*"

CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")
DATA_HOSTS = ("huggingface.co/datasets", "kaggle.com/datasets", "zenodo.org", "figshare.com",
              "dataverse", "physionet.org", "osf.io")


def clean_url(url: str) -> str:
    """Strip sentence punctuation glued to a URL's end, keeping balanced brackets:
    "https://github.com/x/y)." -> "https://github.com/x/y"."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def link_kind(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    where = host + parts.path.lower()
    if host in CODE_HOSTS:
        return "code"
    if any(where.startswith(h) or h in host for h in DATA_HOSTS):
        return "data"
    if host == "arxiv.org":
        return "pdf" if parts.path.startswith("/pdf") else "arxiv"
    return "project"


def extract_links(text: str) -> tuple[Link, ...]:
    """Every http(s) link in text, cleaned and classified, first occurrence first."""
    seen: set[str] = set()
    links = []
    for match in _URL.finditer(text):
        url = clean_url(match.group(0))
        parts = urlsplit(url)
        if not parts.netloc or "." not in parts.netloc or url in seen:
            continue
        seen.add(url)
        links.append(Link(link_kind(url), url))
    return tuple(links)
