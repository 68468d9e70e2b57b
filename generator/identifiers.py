"""arXiv identifiers, one definition for reading, importing, citing and feeds.

New style: 2401.01234 (YYMM.NNNNN, 0704.0001 on); old style: hep-th/9901001,
math.GT/0309136 (archive, optional subject class, YYMMNNN). Either may carry an
"arXiv:" prefix and a version ("v2") where a source writes one; a paper's `arxiv`
field holds the id alone.
"""

from __future__ import annotations

import re

ARXIV_ID = r"(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7})"
_WRITTEN = re.compile(rf"(?:arxiv:)?({ARXIV_ID})(?:v\d+)?", re.IGNORECASE)
_ID = re.compile(ARXIV_ID, re.IGNORECASE)
_VERSIONED = re.compile(rf"((?:arxiv:)?{ARXIV_ID})v\d+", re.IGNORECASE)
_NEW_STYLE = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")


def bare_arxiv_id(text: str) -> str | None:
    """The id without prefix and version from an id as sources write it
    ("arXiv:2401.01234v2" -> "2401.01234"), else None."""
    match = _WRITTEN.fullmatch(text)
    return match.group(1) if match else None


def is_arxiv_id(text: str) -> bool:
    """An id without prefix and version, as a paper's `arxiv` field holds it."""
    return _ID.fullmatch(text) is not None


def strip_arxiv_version(paper_id: str) -> str:
    """"2401.12345v2" -> "2401.12345"; any other id is returned unchanged."""
    match = _VERSIONED.fullmatch(paper_id)
    return match.group(1) if match else paper_id


def arxiv_year(arxiv: str | None) -> int | None:
    """The year a new-style id was announced in (2401.01234 -> 2024); None for others."""
    match = _NEW_STYLE.fullmatch(arxiv or "")
    return 2000 + int(match.group(1)) if match else None
