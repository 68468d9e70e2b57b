"""publish.mirror: the copy of site/ that a warm build starts from, made by copying only what differs;
publish.carry_stamped: the same for a folder whose stamp file says what it holds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.engine.publish import ARCHIVE_STAMP, carry_stamped, mirror


def snapshot(folder: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every file (bytes, mtime) and folder (None) under folder."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def put(path: Path, text: str, mtime: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, ns=(mtime, mtime))


def test_mirror_makes_target_equal_to_source(tmp_path: Path) -> None:
    source, target = tmp_path / "site", tmp_path / "old"
    put(source / "index.html", "home v2", 2_000_000_000)
    put(source / "papers" / "a" / "index.html", "a", 1_000_000_000)
    put(source / "papers" / "b" / "index.html", "b v2", 2_000_000_000)
    put(source / "feed.xml", "feed", 1_000_000_000)
    put(source / "themes" / "x", "now a file", 1_000_000_000)

    put(target / "index.html", "home v1", 1_000_000_000)  # changed since
    put(target / "papers" / "a" / "index.html", "a", 1_000_000_000)  # unchanged
    put(target / "papers" / "b" / "index.html", "b v1", 1_000_000_000)  # same size, older
    put(target / "papers" / "gone" / "index.html", "gone", 1_000_000_000)  # removed since
    put(target / "themes" / "x" / "index.html", "was a folder", 1_000_000_000)
    (target / "feed.xml").mkdir()  # was a folder, now a file

    mirror(source, target)
    assert snapshot(target) == snapshot(source)


def test_mirror_copies_nothing_whose_size_and_time_agree(tmp_path: Path) -> None:
    # Like rsync: same size and modification time means the same file (MkDocs' dirty
    # mode trusts modification times too), so it is not read or copied.
    source, target = tmp_path / "site", tmp_path / "old"
    put(source / "papers" / "a" / "index.html", "a", 1_000_000_000)
    put(target / "papers" / "a" / "index.html", "b", 1_000_000_000)
    mirror(source, target)
    assert (target / "papers" / "a" / "index.html").read_text() == "b"


def test_mirror_leaves_skipped_top_level_folders_as_they_are(tmp_path: Path) -> None:
    source, target = tmp_path / "site", tmp_path / "old"
    put(source / "pagefind" / "entry.json", "new index", 2_000_000_000)
    put(source / "pagefind-archive" / "entry.json", "archive", 2_000_000_000)
    put(source / "papers" / "pagefind" / "index.html", "a paper called pagefind", 1_000_000_000)
    put(target / "pagefind" / "entry.json", "old index", 1_000_000_000)
    mirror(source, target, skip=("pagefind", "pagefind-archive"))
    assert (target / "pagefind" / "entry.json").read_text() == "old index"
    assert not (target / "pagefind-archive").exists()
    assert (target / "papers" / "pagefind" / "index.html").read_text() == "a paper called pagefind"


def test_a_stamped_folder_is_kept_when_the_stamps_agree_and_copied_whole_when_not(tmp_path: Path) -> None:
    source, target, trash = tmp_path / "site" / "bundle", tmp_path / "old" / "bundle", tmp_path / "trash"
    put(source / ARCHIVE_STAMP, "v1", 1_000_000_000)
    put(source / "fragment" / "a", "a", 2_000_000_000)
    put(target / ARCHIVE_STAMP, "v1", 1_000_000_000)
    put(target / "fragment" / "a", "b", 1_000_000_000)  # not compared: the stamps agree
    carry_stamped(source, target, trash)
    assert (target / "fragment" / "a").read_text() == "b"

    put(source / ARCHIVE_STAMP, "v2", 2_000_000_000)
    carry_stamped(source, target, trash)
    assert snapshot(target) == snapshot(source)

    shutil.rmtree(source)
    carry_stamped(source, target, trash)  # none any more
    assert not target.exists()
