"""What makes `digest build` incremental: a hash per planned page, of everything its
HTML depends on, recorded with the outputs of each build.

MkDocs' dirty mode asks each file whether it changed (File.is_modified). A planned
page's file (plugin._PlannedFile) says it did unless the site folder holds its output
written from the same hash: its planned content (PlannedPage.key: paper pages are
rendered only when MkDocs asks for their HTML) and a fingerprint of the site's
configuration, templates and tool versions.

`outputs.json` records what the last build wrote and each page's hash; `digest
build` keeps a copy per output folder, so that its next build there knows what the
folder holds, and can remove the outputs of pages that left the site (a dirty build
does not clean).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..rendering.plan import PlannedPage

CACHE_DIR = ".cache/digest"
PICKLES = ("papers.pickle", "phrases.pickle")  # the read cache and the phrase finds


def page_hash(page: PlannedPage, fingerprint: str) -> str:
    sha = hashlib.sha256(fingerprint.encode())
    for part in (page.url, page.title, page.key, repr(page.feeds)):
        sha.update(b"\0" + part.encode("utf-8"))
    return sha.hexdigest()


def fingerprint(config_file: Path, template_dirs: Iterable[Path], versions: Iterable[str]) -> str:
    """Everything besides its own content that a rendered page depends on."""
    sha = hashlib.sha256()
    for version in versions:
        sha.update(version.encode() + b"\0")
    sha.update(config_file.read_bytes() if config_file.is_file() else b"")
    for folder in template_dirs:
        files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts] \
            if folder.is_dir() else []
        for path in sorted(files):
            sha.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


class PageCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def outputs_file(self) -> Path:
        return self.root / "outputs.json"

    def record_for(self, site: Path) -> Path:
        """Where the record of the last build into `site` is kept."""
        return self.root / f"outputs-{hashlib.sha256(str(site).encode()).hexdigest()[:16]}.json"

    def spare_for(self, site: Path) -> Path:
        """Where the site before the current one is kept, as the next dirty build's base."""
        return self.root / f"spare-{hashlib.sha256(str(site).encode()).hexdigest()[:16]}"

    def read_outputs(self, path: Path | None = None) -> dict[str, Any]:
        try:
            data = json.loads((path or self.outputs_file).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_outputs(self, planned: Iterable[str], others: Iterable[str], pages: dict[str, str]) -> None:
        """Output paths (site-relative) of the planned pages and files, and of the other
        pages; the hash each planned page (by source path) was written from."""
        self.write_record(self.outputs_file, {"planned": sorted(planned), "other_pages": sorted(others),
                                              "pages": dict(sorted(pages.items()))})

    @staticmethod
    def page_hashes(record: dict[str, Any]) -> dict[str, str]:
        """The page hashes of a record read back (an earlier version's record has none)."""
        pages = record.get("pages")
        if not isinstance(pages, dict):
            return {}
        return {k: v for k, v in pages.items() if isinstance(k, str) and isinstance(v, str)}

    def write_record(self, path: Path, data: dict[str, Any]) -> None:
        """Written whole (a temporary file, then a rename): a kill or a full disk leaves
        the old record or none, never half of one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_text(json.dumps(data, indent=0), encoding="utf-8")
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)


def site_stamp(site: Path) -> str:
    """A hash of every file's path, size and modification time in the site folder: what a
    hand edit (or any other writer) changes. (scandir and string prefixes: os.walk with
    relpath took several times as long over the 30,000 files of 10,000 papers.)"""
    lines = []
    folders = [("", str(site))]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append((f"{prefix}{entry.name}/", entry.path))
            else:
                info = entry.stat(follow_symlinks=False)
                lines.append(f"{prefix}{entry.name}\0{info.st_size}\0{info.st_mtime_ns}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def broken_state(root: Path, spare: Path) -> list[str]:
    """What in .cache/digest/ cannot be what a build wrote (cut short by a kill or a full
    disk, or written by something else): each is removed, and named once by the caller.
    The readers would pass over such files anyway; this makes the build say so, and
    build in full."""
    found = []
    for name in PICKLES:
        path = root / name
        if path.is_file() and not _whole_pickle(path):
            found.append(f"{_where(path)} is cut short or not the digest's")
            path.unlink(missing_ok=True)
    for path in sorted(root.glob("outputs*.json")):
        if not _valid_record(path):
            found.append(f"{_where(path)} is cut short or not the digest's")
            path.unlink(missing_ok=True)
    if spare.exists() and not spare.is_dir():
        found.append(f"{_where(spare)} is not the kept site")
        spare.unlink()
    return found


def _where(path: Path) -> str:
    return os.path.relpath(path)


def _whole_pickle(path: Path) -> bool:
    """A pickle of protocol 2 or newer starts with PROTO and ends with STOP: a file cut
    short, or another program's, almost never does both (the readers check the rest)."""
    try:
        with path.open("rb") as file:
            head = file.read(2)
            file.seek(-1, os.SEEK_END)
            tail = file.read(1)
    except OSError:
        return False
    return len(head) == 2 and head[0] == 0x80 and head[1] >= 2 and tail == b"."


def _valid_record(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    lists_ok = all(isinstance(data.get(key, []), list) and all(isinstance(v, str) for v in data.get(key, []))
                   for key in ("planned", "other_pages"))
    return lists_ok and isinstance(data.get("pages", {}), dict) and isinstance(data.get("site", ""), str) \
        and isinstance(data.get("files", ""), str)
