"""What makes `digest build` incremental: one small file per planned page, changed only
when the page changes, so that MkDocs' dirty mode can skip the pages that did not.

MkDocs skips a page in a dirty build when its source file is older than the output
it wrote last time (File.is_modified). In-memory generated files always count as
modified, so each planned page is backed by a file under `.cache/digest/pages/`
that holds a hash of everything the page's HTML depends on: its planned content
(PlannedPage.key: paper pages are rendered only when MkDocs asks for their HTML),
and a fingerprint of the site's configuration, templates and tool versions. A
file is rewritten only when its hash changes; its modification time then moves
past the previous output, and MkDocs renders that page again.

`outputs.json` records what the last build wrote; `digest build` keeps a copy per
output folder, so that its next build there can remove the outputs of pages that
left the site (a dirty build does not clean).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .pipeline import PlannedPage

CACHE_DIR = ".cache/digest"


def page_hash(page: PlannedPage, fingerprint: str) -> str:
    digest = hashlib.sha256(fingerprint.encode())
    for part in (page.url, page.title, page.key, repr(page.feeds)):
        digest.update(b"\0" + part.encode("utf-8"))
    return digest.hexdigest()


def fingerprint(config_file: Path, template_dirs: Iterable[Path], versions: Iterable[str]) -> str:
    """Everything besides its own content that a rendered page depends on."""
    digest = hashlib.sha256()
    for version in versions:
        digest.update(version.encode() + b"\0")
    digest.update(config_file.read_bytes() if config_file.is_file() else b"")
    for folder in template_dirs:
        files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts] \
            if folder.is_dir() else []
        for path in sorted(files):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class PageCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._hashes: dict[str, str] | None = None  # src_uri -> the hash its file holds

    def page_file(self, src_uri: str, content_hash: str) -> Path:
        """The file standing for a page: rewritten only when the hash changed.
        The hashes are also kept in one index file, so that an unchanged page costs
        a lookup and a stat rather than reading its file (save_index writes it)."""
        if self._hashes is None:
            self._hashes = self._read_index()
        path = self.root / "pages" / src_uri
        if self._hashes.get(src_uri) == content_hash and os.path.exists(path):
            return path
        try:
            if path.read_text(encoding="utf-8") == content_hash:
                self._hashes[src_uri] = content_hash
                return path
        except OSError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content_hash, encoding="utf-8")
        self._hashes[src_uri] = content_hash
        return path

    @property
    def _index_file(self) -> Path:
        return self.root / "pages.json"

    def _read_index(self) -> dict[str, str]:
        """The index of the last build, which then no longer counts: a build that fails
        after rewriting page files must leave no index that disagrees with them."""
        data = self.read_outputs(self._index_file)
        self._index_file.unlink(missing_ok=True)
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}

    def save_index(self) -> None:
        if self._hashes is not None:
            self.write_record(self._index_file, dict(sorted(self._hashes.items())))

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

    def write_outputs(self, planned: Iterable[str], others: Iterable[str]) -> None:
        """Output paths (site-relative) of the planned pages and files, and of the other pages."""
        self.write_record(self.outputs_file, {"planned": sorted(planned), "other_pages": sorted(others)})

    def write_record(self, path: Path, data: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=0), encoding="utf-8")
