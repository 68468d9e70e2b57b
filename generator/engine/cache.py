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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..rendering.plan import PlannedPage

CACHE_DIR = ".cache/digest"


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
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=0), encoding="utf-8")
