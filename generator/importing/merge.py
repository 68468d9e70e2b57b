"""Bring imported papers into content/: plan the changes (pure), then write them.

The same paper from two sources or two days is one paper. An incoming paper
matches an existing one by arXiv id, then DOI, then title once case, spacing
and punctuation are normalised. A match is merged: fields the existing paper
lacks are filled in, nothing it has is overwritten (a curator's edits win), and
it keeps its first `added` date, its id and its slug. New papers get a slug
minted from their title; once minted it lives in the file name and never
moves, so a later paper with the same title gets `-2`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..content import PAPERS_DIR, check_content
from ..content.writing import create_files, paper_file_text, paper_path
from ..errors import ContentError, ImportError_
from ..model import Digest, Paper
from ..phrases import phrase_pattern
from ..slugs import slugify, title_key, unique_slug
from ..text import one_line
from .records import ImportedPaper


@dataclass
class ImportPlan:
    added: list[Paper] = field(default_factory=list)
    merged: list[Paper] = field(default_factory=list)  # existing papers with fields filled in
    skipped: list[tuple[ImportedPaper, Paper]] = field(default_factory=list)  # (incoming, existing)
    filtered: list[ImportedPaper] = field(default_factory=list)  # left out by --include/--exclude/--category


class _Index:
    """The papers known so far, by each key a match can use."""

    def __init__(self, papers: tuple[Paper, ...]) -> None:
        self.by_id: dict[str, Paper] = {}
        self.by_arxiv: dict[str, Paper] = {}
        self.by_doi: dict[str, Paper] = {}
        self.by_title: dict[str, Paper] = {}
        for paper in papers:
            self.add(paper)

    def add(self, paper: Paper) -> None:
        self.by_id.setdefault(paper.id, paper)
        if paper.arxiv:
            self.by_arxiv.setdefault(paper.arxiv, paper)
        if paper.doi:
            self.by_doi.setdefault(paper.doi.lower(), paper)
        self.by_title.setdefault(_same_paper_key(paper.title), paper)

    def replace(self, old: Paper, new: Paper) -> None:
        for table in (self.by_id, self.by_arxiv, self.by_doi, self.by_title):
            for key in [k for k, v in table.items() if v is old]:
                table[key] = new
        self.add(new)

    def match(self, item: ImportedPaper) -> Paper | None:
        arxiv = item.arxiv or None
        return ((self.by_arxiv.get(arxiv) or self.by_id.get(arxiv)) if arxiv else None) \
            or (self.by_doi.get(item.doi.lower()) if item.doi else None) \
            or (self.by_id.get(item.id) if item.id else None) \
            or self.by_title.get(_same_paper_key(item.title))


def merge(existing: Paper, item: ImportedPaper) -> Paper:
    """existing with the fields it lacks taken from item; nothing it has changes."""
    kinds = {link.kind for link in existing.links}
    new_links = tuple(link for link in item.links if link.kind not in kinds)
    return replace(
        existing,
        authors=existing.authors or item.authors,
        published=existing.published or item.published,
        arxiv=existing.arxiv or item.arxiv,
        doi=existing.doi or item.doi,
        categories=existing.categories or item.categories,
        journal_ref=existing.journal_ref or item.journal_ref,
        links=existing.links + new_links,
    )


def plan_import(existing: Digest, incoming: list[ImportedPaper], *, added: dt.date, source: str,
                keep: Callable[[ImportedPaper], bool] = lambda item: True) -> ImportPlan:
    index = _Index(existing.papers)
    # A minted slug is also the new paper's id: it must not be an existing id either
    # (a curator may have renamed a file, keeping its minted id).
    taken = set(existing.papers_by_slug) | set(index.by_id)
    merged: dict[str, Paper] = {}  # slug -> merged paper, for papers already in content/
    plan = ImportPlan()
    for item in incoming:
        if not keep(item):
            plan.filtered.append(item)
            continue
        match = index.match(item)
        if match is not None:
            result = merge(match, item)
            if result == match:
                plan.skipped.append((item, match))
                continue
            index.replace(match, result)
            if any(p.slug == match.slug for p in plan.added):  # new in this import: update it
                plan.added = [result if p.slug == match.slug else p for p in plan.added]
            else:
                merged[match.slug] = result
            continue
        slug = unique_slug(slugify(item.title), taken)
        taken.add(slug)
        paper = Paper(
            id=item.id or slug, slug=slug, title=item.title, abstract=item.abstract, added=added,
            published=item.published, authors=item.authors, links=item.links, arxiv=item.arxiv,
            doi=item.doi, categories=item.categories, journal_ref=item.journal_ref, source=source,
        )
        plan.added.append(paper)
        index.add(paper)
    plan.merged = [merged[slug] for slug in sorted(merged)]
    return plan


def make_filter(include: Sequence[str], exclude: Sequence[str],
                categories: Sequence[str]) -> Callable[[ImportedPaper], bool]:
    """A test for --include, --exclude and --category.

    Keywords are phrases matched like theme rules (whole words, any case, plural
    allowed); a keyword written /like this/ is a regular expression. A category
    "cs" means every cs.* category; a paper with no categories has none of them.
    """
    def compile_keyword(keyword: str) -> re.Pattern[str]:
        if len(keyword) > 2 and keyword.startswith("/") and keyword.endswith("/"):
            try:
                return re.compile(keyword[1:-1], re.IGNORECASE)
            except re.error as exc:
                raise ImportError_(f"--include/--exclude {keyword!r}: not a valid regular expression "
                                   f"({exc}); fix it, or drop the slashes to match it as plain words") from None
        return phrase_pattern(keyword)

    included = [compile_keyword(k) for k in include]
    excluded = [compile_keyword(k) for k in exclude]

    def keep(item: ImportedPaper) -> bool:
        text = f"{item.title}\n{item.abstract}"
        if included and not any(p.search(text) for p in included):
            return False
        if any(p.search(text) for p in excluded):
            return False
        if categories and not any(c == want or c.startswith(want + ".")
                                  for c in item.categories for want in categories):
            return False
        return True

    return keep


def _same_paper_key(title: str) -> str:
    """title_key, or for a title without a letter or digit ("....", "🎉🎉"), whose key is
    empty, the title itself as the loader shows it: such titles name no paper in common."""
    return title_key(title) or f"={one_line(title)}"


def apply_import(content_dir: Path, plan: ImportPlan,
                 progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Write new and merged papers all together or not at all.

    A merged paper's file is rewritten in the standard key order with its fields
    filled in; the values a curator wrote are kept as they are.

    Every path comes from a validated slug (content.writing.paper_path), so no title can
    make the import write outside content/papers/. When a write fails midway (a
    full disk, a read-only folder), the files already written are removed and
    content/ is left as it was.
    """
    files = {paper_path(content_dir, paper.slug): paper_file_text(paper) for paper in plan.added}
    updates = {paper_path(content_dir, paper.slug): paper_file_text(paper) for paper in plan.merged}
    try:
        create_files(files, updates, progress)
    except OSError as exc:
        where = os.path.relpath(exc.filename or content_dir / PAPERS_DIR)
        raise ImportError_(f"{where}: cannot write ({exc.strerror or exc}); nothing was imported: "
                           "fix the cause and import again") from None
    return [*files, *updates]


def load_existing(content_dir: Path) -> Digest:
    """The content as it is now; an import onto broken content would hide its problems."""
    if not content_dir.exists():
        return Digest(papers=(), themes=())
    digest, problems = check_content(content_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(errors)
    return digest
