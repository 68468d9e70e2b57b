"""The read cache: papers read by an earlier build, kept while their files stay the same."""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path

from .papers import PaperFile


class ReadCache:
    """Papers read by an earlier build, each kept while its file's size, modification
    time and inode stay the same. Only files that read without any problem are kept.
    A file changed in the last two seconds is not kept: a second write within the
    file system's clock tick could leave all three the same (git's "racy" files)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.changed = False
        self.entries: dict[str, tuple[tuple[int, int, int], PaperFile]] = {}
        self.used: set[str] = set()
        self.version = _reader_version()
        try:
            with path.open("rb") as file:
                version, entries = pickle.load(file)
            if version == self.version:
                self.entries = entries
        except Exception:  # missing, or written by another version: read everything again
            self.entries = {}

    def get(self, name: str, stamp: tuple[int, int, int]) -> PaperFile | None:
        """The paper read from the file of this name in papers/, if its stamp is the same."""
        entry = self.entries.get(name)
        if entry is None or entry[0] != stamp:
            return None
        self.used.add(name)
        return entry[1]

    def put(self, name: str, stamp: tuple[int, int, int], mtime: float, paper: PaperFile) -> None:
        if mtime < time.time() - 2:
            self.entries[name] = (stamp, paper)
            self.used.add(name)
            self.changed = True

    def save(self) -> None:
        """Write the entries this read used, when any of them is new. The entries of files
        edited, renamed or removed since are dropped then, not on their own: they match
        no file, and writing 10,000 entries again only to drop one took 0.16-0.37 s, in
        the `digest serve` rebuild right after every edit (the edited file, too new to
        keep, is kept at the next rebuild)."""
        if not self.changed:
            return
        kept = {name: self.entries[name] for name in sorted(self.used)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("wb") as file:
            pickle.dump((self.version, kept), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


def _reader_version() -> str:
    """Papers read by other code are read again: the hash of the content package and
    of the modules it reads with."""
    content = Path(__file__).parent
    sha = hashlib.sha256()
    for path in [*sorted(content.glob("*.py")),
                 *(content.parent / name for name in ("model.py", "slugs.py", "text.py", "identifiers.py"))]:
        sha.update(path.read_bytes())
    return sha.hexdigest()
