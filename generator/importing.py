"""Bring imported papers into content/: plan the changes (pure), then write them.

A paper already present (the same id, or the same title once case, spacing and
punctuation are normalised) is never duplicated and never overwritten: a
curator's edits win. New papers get a slug minted from their title; once minted
it lives in the file name and never moves, so a later paper with the same title
gets `-2`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .content import PAPERS_DIR, check_content, paper_text, write_atomic
from .errors import ContentError
from .importers import ImportedPaper
from .model import Digest, Paper
from .slugs import slugify, title_key, unique_slug


@dataclass
class ImportPlan:
    added: list[Paper] = field(default_factory=list)
    skipped: list[tuple[ImportedPaper, Paper]] = field(default_factory=list)  # (incoming, existing)


def plan_import(existing: Digest, incoming: list[ImportedPaper], *, added: dt.date, source: str) -> ImportPlan:
    by_id = {p.id: p for p in existing.papers}
    by_title = {title_key(p.title): p for p in existing.papers}
    taken = set(existing.papers_by_slug)
    plan = ImportPlan()
    for item in incoming:
        match = (by_id.get(item.id) if item.id else None) or by_title.get(title_key(item.title))
        if match is not None:
            plan.skipped.append((item, match))
            continue
        slug = unique_slug(slugify(item.title), taken)
        taken.add(slug)
        paper = Paper(
            id=item.id or slug, slug=slug, title=item.title, abstract=item.abstract, added=added,
            authors=item.authors, links=item.links, source=source,
        )
        plan.added.append(paper)
        by_id[paper.id] = paper
        by_title[title_key(paper.title)] = paper
    return plan


def apply_import(content_dir: Path, plan: ImportPlan) -> list[Path]:
    """Write each new paper atomically; existing files are left untouched."""
    written = []
    for paper in plan.added:
        path = content_dir / PAPERS_DIR / f"{paper.slug}.md"
        write_atomic(path, paper_text(paper))
        written.append(path)
    return written


def load_existing(content_dir: Path) -> Digest:
    """The content as it is now; an import onto broken content would hide its problems."""
    if not content_dir.exists():
        return Digest(papers=(), themes=())
    digest, problems = check_content(content_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(errors)
    return digest
