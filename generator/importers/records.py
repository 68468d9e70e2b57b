from __future__ import annotations

from dataclasses import dataclass

from ..model import Link


@dataclass(frozen=True)
class ImportedPaper:
    """A paper as an importer read it, before it has a slug or an added date."""

    title: str
    abstract: str
    id: str | None = None  # the source's stable id (arXiv id without version), if it has one
    authors: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    line: int = 0  # where it starts in the input, for messages
