"""Broken state: a .cache/ file cut short or not the digest's, a site/ edited by hand, a
spare site left by a killed run. The next `digest build` notices, builds in full, says so
once, and publishes the right site; never a traceback. One digest, built once, is broken
and repaired by each test in turn; its content never changes, so every repaired site is
the clean build's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.faulttools import leftovers, make_digest, run_digest, tree


@pytest.fixture(scope="module")
def digest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("state")
    project = make_digest(root / "digest", papers=40)
    for path in (project / "content" / "papers").iterdir():  # older than the read cache's two seconds
        os.utime(path, (path.stat().st_mtime - 60,) * 2)
    assert run_digest(project, "build", "-q").returncode == 0
    assert run_digest(project, "build", "-q", "--clean", "-d", str(root / "clean")).returncode == 0
    return project, tree(root / "clean")


def rebuild(project: Path, reference: dict[str, bytes]) -> str:
    """`digest build` (not quiet); checks the site and what it left; returns its messages."""
    result = run_digest(project, "build")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert tree(project / "site") == reference
    assert leftovers(project) == []
    return result.stderr


def cache_file(project: Path, pattern: str) -> Path:
    found = sorted((project / ".cache" / "digest").glob(pattern))
    assert found, pattern
    return found[0]


@pytest.mark.parametrize("name, damage", [
    ("papers.pickle", "cut"), ("phrases.pickle", "foreign"), ("outputs-*.json", "cut"),
    ("outputs.json", "wrong shape")])
def test_a_broken_cache_file_is_named_once_and_the_build_is_full(
        digest: tuple[Path, dict[str, bytes]], name: str, damage: str) -> None:
    project, reference = digest
    path = cache_file(project, name)
    data = path.read_bytes()
    path.write_bytes({"cut": data[: len(data) // 2], "foreign": b"GIF89a not a pickle",
                      "wrong shape": b'{"planned": 5, "pages": []}'}[damage])
    said = rebuild(project, reference)
    assert said.count("notice: ") == 1, said
    assert f"notice: .cache/digest/{path.name} is cut short or not the digest's: building in full" in said
    assert "notice" not in rebuild(project, reference)  # once: the next build has nothing to say


def test_a_site_edited_by_hand_is_built_again_in_full(digest: tuple[Path, dict[str, bytes]]) -> None:
    project, reference = digest
    page = sorted((project / "site" / "papers").glob("*/index.html"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", "<p>edited</p></article>"),
                    encoding="utf-8")
    said = rebuild(project, reference)  # the edit is gone
    assert said.count("notice: site was changed since the last build (by hand, or another program): "
                      "building in full") == 1, said


def test_a_broken_archive_stamp_is_a_changed_site(digest: tuple[Path, dict[str, bytes]]) -> None:
    project, reference = digest
    stamp = project / "site" / "pagefind-archive" / "digest-records.sha256"
    stamp.write_text(stamp.read_text(encoding="utf-8")[:10], encoding="utf-8")
    said = rebuild(project, reference)
    assert said.count("notice: site was changed since the last build") == 1, said


def test_a_stale_or_broken_spare_site_is_repaired(digest: tuple[Path, dict[str, bytes]]) -> None:
    project, reference = digest
    spare = cache_file(project, "spare-*")
    pages = sorted(spare.rglob("index.html"))
    for page in pages[::2]:  # as a killed run's half-deleted, half-written folder
        page.unlink()
    for page in pages[1::4]:
        page.write_bytes(b"junk")
    (spare / "stray.html").write_text("left by a killed run", encoding="utf-8")
    assert "notice" not in rebuild(project, reference)  # the kept site is only a base: nothing to say
    spare = cache_file(project, "spare-*")
    shutil.rmtree(spare)
    spare.write_text("not a folder", encoding="utf-8")
    said = rebuild(project, reference)
    assert said.count(f"notice: .cache/digest/{spare.name} is not the kept site: building in full") == 1, said


def test_an_import_killed_between_two_renames_is_undone_by_the_next(tmp_path: Path) -> None:
    # Where the system cannot exchange two folders in one step (not Linux), an import renames
    # the papers folder aside, then the new one into place: a kill between leaves no papers/.
    project = make_digest(tmp_path / "digest", papers=5)
    papers = project / "content" / "papers"
    before = tree(papers)
    papers.rename(project / ".content-papers.replaced-killed")
    (project / ".content-papers.importing-killed").mkdir()  # the new folder, never put in place
    listing = tmp_path / "listing.txt"
    listing.write_text("A title\nAn abstract of a paper that is long enough.\n", encoding="utf-8")
    result = run_digest(project, "import", "listing", str(listing), "--added", "2026-11-27")
    assert result.returncode == 0, result.stderr
    after = tree(papers)
    assert {k: v for k, v in after.items() if k in before} == before and len(after) == len(before) + 1
    assert leftovers(project) == []
