"""Bring imported papers into content/: plan the changes (pure), then write them.

A paper already present (the same id, or the same title once case, spacing and
punctuation are normalised) is never duplicated and never overwritten: a
curator's edits win. New papers get a slug minted from their title; once minted
it lives in the file name and never moves, so a later paper with the same title
gets `-2`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from .content import PAPERS_DIR, check_content, create_files, one_line, paper_path, paper_text
from .errors import ContentError, ImportError_
from .importers import ImportedPaper
from .model import Digest, Paper
from .slugs import slugify, title_key, unique_slug


@dataclass
class ImportPlan:
    added: list[Paper] = field(default_factory=list)
    skipped: list[tuple[ImportedPaper, Paper]] = field(default_factory=list)  # (incoming, existing)


def plan_import(existing: Digest, incoming: list[ImportedPaper], *, added: dt.date, source: str) -> ImportPlan:
    by_id = {p.id: p for p in existing.papers}
    by_title = {_same_paper_key(p.title): p for p in existing.papers}
    # A minted slug is also the new paper's id: it must not be an existing id either
    # (a curator may have renamed a file, keeping its minted id).
    taken = set(existing.papers_by_slug) | set(by_id)
    plan = ImportPlan()
    for item in incoming:
        match = (by_id.get(item.id) if item.id else None) or by_title.get(_same_paper_key(item.title))
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
        by_title[_same_paper_key(paper.title)] = paper
    return plan


def _same_paper_key(title: str) -> str:
    """title_key, or for a title without a letter or digit ("....", "🎉🎉"), whose key is
    empty, the title itself as the loader shows it: such titles name no paper in common."""
    return title_key(title) or f"={one_line(title)}"


def apply_import(content_dir: Path, plan: ImportPlan) -> list[Path]:
    """Write the new papers all together or not at all; existing files are never touched.

    Every path comes from a validated slug (content.paper_path), so no title can
    make the import write outside content/papers/. When a write fails midway (a
    full disk, a read-only folder), the files already written are removed and
    content/ is left as it was.
    """
    files = {paper_path(content_dir, paper.slug): paper_text(paper) for paper in plan.added}
    try:
        create_files(files)
    except OSError as exc:
        where = os.path.relpath(exc.filename or content_dir / PAPERS_DIR)
        raise ImportError_(f"{where}: cannot write ({exc.strerror or exc}); nothing was imported: "
                           "fix the cause and import again") from None
    return list(files)


def load_existing(content_dir: Path) -> Digest:
    """The content as it is now; an import onto broken content would hide its problems."""
    if not content_dir.exists():
        return Digest(papers=(), themes=())
    digest, problems = check_content(content_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(errors)
    return digest
