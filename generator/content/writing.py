"""Writing content/: paper files in a fixed form, and files replaced atomically, one or
all together."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..model import LINK_KINDS, Paper
from ..slugs import slug_problem
from .files import PAPERS_DIR, Dumper


def paper_path(content_dir: Path, slug: str) -> Path:
    """Where a paper's file lives. A slug that is not valid could name a path outside
    papers/ (or a reserved name): refuse it rather than write there."""
    wrong = slug_problem(slug)
    if wrong is not None:
        raise ValueError(f"slug {slug!r} {wrong}")
    return content_dir / PAPERS_DIR / f"{slug}.md"


def paper_file_text(paper: Paper) -> str:
    """The file content for a paper: YAML front matter in a fixed key order, then the abstract."""
    meta: dict[str, Any] = {"id": paper.id, "title": paper.title}
    if paper.authors:
        meta["authors"] = list(paper.authors)
    if paper.published:
        meta["published"] = paper.published
    meta["added"] = paper.added
    if paper.links:
        links: dict[str, Any] = {}
        for kind in LINK_KINDS:
            urls = paper.links_of(kind)
            if urls:
                links[kind] = urls[0] if len(urls) == 1 else list(urls)
        meta["links"] = links
    for key in ("arxiv", "doi"):
        if getattr(paper, key):
            meta[key] = getattr(paper, key)
    if paper.categories:
        meta["categories"] = list(paper.categories)
    if paper.journal_ref:
        meta["journal_ref"] = paper.journal_ref
    if paper.pinned_themes:
        meta["themes"] = list(paper.pinned_themes)
    if paper.source:
        meta["source"] = paper.source
    front = yaml.dump(meta, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{front}---\n{paper.abstract.strip()}\n"


def _write_temp(path: Path, text: str) -> Path:
    """text in a hidden temporary file beside path, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, text: str) -> None:
    """Write text to path so that a crash leaves either the old file or the new one."""
    tmp = _write_temp(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def create_files(files: Mapping[Path, str], updates: Mapping[Path, str] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
    """Create new files, and replace existing ones, all together or not at all.

    Every file is first written to a temporary file beside it; only when all of
    them are on disk are they renamed into place. If anything fails, the
    temporary files are removed, files already created are removed and files
    already replaced get their old bytes back, so the folder is left as it was.
    Refuses (FileExistsError) to create a file that exists: `files` are new
    files only; `updates` names the files to replace.
    """
    updates = dict(updates or {})
    for path in files:
        if path.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    originals = {path: path.read_bytes() for path in updates}
    temps: dict[Path, Path] = {}
    done: list[Path] = []
    everything = {**files, **updates}
    try:
        for number, (path, text) in enumerate(everything.items(), start=1):
            temps[path] = _write_temp(path, text)
            if progress is not None:
                progress(number, len(everything))
        for path, tmp in temps.items():
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        for path in done:
            if path in originals:
                path.write_bytes(originals[path])
            else:
                path.unlink(missing_ok=True)
        raise
