from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Link


@dataclass(frozen=True)
class ImportedPaper:
    """A paper as an importer read it, before it has a slug or an added date."""

    title: str
    abstract: str
    id: str | None = None  # the source's stable id (arXiv id without version), if it has one
    authors: tuple[str, ...] = ()  # in the paper's order
    links: tuple[Link, ...] = ()
    line: int = 0  # where it starts in the input, for messages
    published: dt.date | None = None
    arxiv: str | None = None  # arXiv id without version, like "2401.01234" or "hep-th/9901001"
    doi: str | None = None
    categories: tuple[str, ...] = ()  # arXiv categories, primary first
    journal_ref: str | None = None
