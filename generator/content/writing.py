"""Writing content/: paper files in a fixed form, and files replaced atomically, one or
all together."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
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
    """Create new files, and replace existing ones, in one folder, all together or not at
    all, even if the process is killed midway.

    The folder is staged whole beside its parent (`.<parent>-<folder>.importing-*`): its
    files as hard links (no copying; an unchanged file keeps its inode, so the read cache
    still knows it), the new and replaced files written and flushed to disk. Then one
    atomic exchange of the two folders (renameat2, RENAME_EXCHANGE) puts the new folder
    in place, and the old one is deleted. Until that instant the folder is as it was; a
    kill leaves only the staging folder, which the next call removes. Where the system
    cannot exchange, two renames do, and `recover_folder` undoes a kill between them.
    Refuses (FileExistsError) to create a file that exists: `files` are new files only;
    `updates` names the files to replace.
    """
    updates = dict(updates or {})
    everything = {**files, **updates}
    if not everything:
        return
    folder = next(iter(everything)).parent
    if any(path.parent != folder for path in everything):
        raise ValueError("create_files writes into one folder")
    for path in files:
        if path.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    folder.mkdir(parents=True, exist_ok=True)
    recover_folder(folder)
    staging = Path(tempfile.mkdtemp(prefix=f"{_aside_prefix(folder)}.importing-", dir=folder.parent.parent))
    try:
        shutil.copytree(folder, staging, symlinks=True, copy_function=_link_or_copy, dirs_exist_ok=True)
        for number, (path, text) in enumerate(everything.items(), start=1):
            os.replace(_write_temp(staging / path.name, text), staging / path.name)  # (not through a link)
            if progress is not None:
                progress(number, len(everything))
        os.chmod(staging, stat.S_IMODE(folder.stat().st_mode))
        _sync_folder(staging)
        _exchange(staging, folder)
        _sync_folder(folder.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # the old folder, or the unfinished new one


def recover_folder(folder: Path) -> None:
    """Undo what a killed create_files left: put back a folder renamed aside (where two
    renames stood in for an exchange) and remove unfinished staging folders."""
    prefix = _aside_prefix(folder)
    aside = sorted(folder.parent.parent.glob(f"{prefix}.replaced-*"))
    if aside and not folder.exists():
        os.rename(aside[-1], folder)
    for leftover in [*folder.parent.parent.glob(f"{prefix}.importing-*"),
                     *folder.parent.parent.glob(f"{prefix}.replaced-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _aside_prefix(folder: Path) -> str:
    return f".{folder.parent.name}-{folder.name}"  # .content-papers


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target)


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk (a rename is durable only then)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_RENAME_EXCHANGE, _AT_FDCWD = 2, -100


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders' names in one step (Linux renameat2, RENAME_EXCHANGE): False where
    the system or the file system cannot, and the caller renames twice instead."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _exchange(new: Path, folder: Path) -> None:
    if exchange(new, folder):
        return
    aside = new.with_name(new.name.replace(".importing-", ".replaced-"))
    os.rename(folder, aside)
    os.rename(new, folder)  # a kill before this: recover_folder puts the old folder back
    os.rename(aside, new)  # where the caller deletes it
