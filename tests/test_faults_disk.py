"""A full disk, for real: a small tmpfs that the test mounts (it needs root, as in .ci/run;
skipped with a message otherwise). A build and an import into it fail with a clear "no
space left" error, leave site/ and content/ as they were and no temporary folder; once
there is room again, both succeed."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import paper_file
from tests.faulttools import leftovers, listing_text, make_digest, run_digest, tree

SIZE_MB = 150


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("the full-disk tests mount a small tmpfs, which needs root (.ci/run runs as root)")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m", "tmpfs", str(mount)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"could not mount a tmpfs for the full-disk tests: {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount: Path, leave: int) -> Path:
    """A file that takes all the free space but `leave` bytes."""
    filler = mount / "filler"
    room = shutil.disk_usage(mount).free - leave
    with filler.open("wb") as file:
        block = b"\0" * 2**20
        while room > 0:
            file.write(block[: min(room, len(block))])
            room -= len(block)
    return filler


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_a_build_on_a_full_disk_fails_clearly_and_keeps_the_site(disk: Path) -> None:
    project = make_digest(disk / "digest", papers=30)
    assert run_digest(project, "build", "-q").returncode == 0
    (project / "content" / "papers" / "new.md").write_text(paper_file("A new paper", "On graphs."))
    site, content = tree(project / "site"), tree(project / "content")
    filler = fill(disk, size_of(project / "site") // 4)  # room for a quarter of a site
    result = run_digest(project, "build", "-q")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error: no space left on the device writing " in result.stderr
    assert "the build failed and site was left as it was: free some space and build again" in result.stderr
    assert tree(project / "site") == site and tree(project / "content") == content
    assert leftovers(project) == []
    filler.unlink()
    assert run_digest(project, "build", "-q").returncode == 0
    assert (project / "site" / "papers" / "new" / "index.html").is_file()


def test_an_import_on_a_full_disk_fails_clearly_and_keeps_the_content(disk: Path, tmp_path: Path) -> None:
    project = make_digest(disk / "digest", papers=30)
    listing = tmp_path / "listing.txt"
    listing.write_text(listing_text(200), encoding="utf-8")
    args = ("import", "listing", str(listing), "--added", "2026-11-27")
    content = tree(project / "content")
    filler = fill(disk, 64 * 1024)
    result = run_digest(project, *args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == ("error: content/papers: cannot write (No space left on device); nothing was "
                                     "imported: fix the cause and import again")
    assert tree(project / "content") == content
    assert leftovers(project) == []
    filler.unlink()
    result = run_digest(project, *args)
    assert result.returncode == 0, result.stderr
    assert len(tree(project / "content")) == len(content) + 200
