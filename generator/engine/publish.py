"""Publishing: the only code of ours that writes into site/ or its staging folder.
(MkDocs writes the pages and our generated files; everything else written there is
written here.)

`digest build` (engine.build) publishes in this order; what a kill at each step
leaves is said beside it:

 1. `clear_leftovers`: the staging and old folders of a build killed before (a kill
    here: site/ untouched; the leftovers go at the next build).
 2. `make_staging`: a hidden folder beside site/, `.site.building-*`, on the same
    file system so that the swap is a rename (site/ untouched).
 3. `start_from`, for an incremental build: staging is made what site/ is, from the
    site kept aside by the build before (a rename) and the files that differ
    (site/ untouched; a half-made staging folder is a leftover of step 1).
 4. MkDocs builds into staging; then the plugin installs the search bundles
    (`install_folder`, `remove_folder`) and, in an incremental build, the build
    removes the outputs of pages that left the site (`remove_outputs`) (site/
    untouched).
 5. The record of what site/ holds is removed: until the swap is done, site/ is not
    what it says (a kill here: the next build is a full one).
 6. `swap_into_place`: staging and site/ exchange names in one step (renameat2 on
    Linux), and the old site is renamed aside to `.site.old-*`. Where the system
    cannot exchange, two renames: a kill between them leaves no site/ for an instant,
    and the old one in `.site.old-*`; the next build builds it again in full.
 7. `keep_as_spare`: the replaced site is kept in .cache/digest/spare-* as the next
    build's base (a kill: it stays a leftover and is deleted at the next build).
 8. The record of the new site/ is written (engine.cache).

Under `mkdocs build` and `digest serve`, MkDocs builds straight into site_dir and
only step 4 runs: a failed build may leave that folder half-written, as MkDocs does.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from ..content.writing import exchange

# The site's search bundles (engine.search), which publishing treats as wholes.
SEARCH_DIR = "pagefind"  # the first bundle: made afresh by every build
ARCHIVE_DIR = "pagefind-archive"  # the older papers' bundles (then -2, -3...), each kept while its stamp is the same
ARCHIVE_STAMP = "digest-records.sha256"  # in each: what it was made from (search.archive_stamp)
_ARCHIVE_NAME = re.compile(re.escape(ARCHIVE_DIR) + r"(-[0-9]+)?")


def archive_dir(number: int) -> str:
    """The site folder of archive bundle `number` (from 0): pagefind-archive/, then
    pagefind-archive-2/, -3/..."""
    return ARCHIVE_DIR if number == 0 else f"{ARCHIVE_DIR}-{number + 1}"


def archive_dirs(site: Path) -> list[str]:
    """The archive bundles' folders a site holds."""
    return sorted(p.name for p in site.glob(f"{ARCHIVE_DIR}*") if _ARCHIVE_NAME.fullmatch(p.name) and p.is_dir())


def clear_leftovers(target: Path) -> None:
    """Remove the staging and old folders a killed build left beside target."""
    for pattern in (f".{target.name}.building-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def make_staging(target: Path) -> Path:
    """An empty hidden folder beside target, to build into."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))


def discard(folder: Path) -> None:
    """Remove a staging folder whose build failed."""
    shutil.rmtree(folder, ignore_errors=True)


def start_from(site: Path, staging: Path, spare: Path, other_pages: Iterable[str], trash: Path) -> None:
    """Make staging what site/ is (files and modification times): the base of a dirty build.

    It starts from the site before the previous one, which the last build kept aside,
    and copies over only the files that differ (those the previous build wrote): at
    10,000 papers, copying all of site/ took seconds. Without a kept site, all is copied.
    Pages that are not the digest's (a curator's own, `other_pages`) lose their output,
    so that they are built again: nothing records what else their HTML depends on.
    """
    try:
        staging.rmdir()
        os.rename(spare, staging)
    except OSError:  # none kept, or on another file system
        staging.mkdir(exist_ok=True)
    # The first search bundle is written afresh every build; the old one can be thousands
    # of small files (1.7 s to delete at 10,000 papers), so it is deleted without waiting
    # for it. The older papers' bundles are kept or copied whole, by their stamps.
    _discard_later(staging / SEARCH_DIR, trash)
    archives = sorted({*archive_dirs(site), *archive_dirs(staging)})
    mirror(site, staging, skip=(SEARCH_DIR, *archives))
    for name in archives:
        carry_stamped(site / name, staging / name, trash)
    for output in other_pages:
        (staging / output).unlink(missing_ok=True)


def carry_stamped(source: Path, target: Path, trash: Path) -> None:
    """Make target what source is, for a folder whose stamp file says what it holds (the
    older papers' search bundle: 10,000 files at a year of papers, and comparing them one
    by one took most of a second): the same stamp, the same files."""
    stamp = source / ARCHIVE_STAMP
    if stamp.is_file() and (target / ARCHIVE_STAMP).is_file() \
            and stamp.read_bytes() == (target / ARCHIVE_STAMP).read_bytes():
        return
    _discard_later(target, trash)
    if source.is_dir():
        shutil.copytree(source, target)  # (copy2: with their modification times)


def _discard_later(folder: Path, trash: Path) -> None:
    """Delete folder in a process of its own, which also deletes whatever an earlier
    one left in trash/ unfinished."""
    if not folder.is_dir():
        return
    aside = trash / f"trash-{os.getpid()}-{time.monotonic_ns()}"
    try:
        trash.mkdir(parents=True, exist_ok=True)
        os.rename(folder, aside)
    except OSError:  # on another file system
        shutil.rmtree(folder)
        return
    delete = "import pathlib, shutil, sys\nfor p in pathlib.Path(sys.argv[1]).glob('trash-*'): shutil.rmtree(p, True)"
    subprocess.Popen([sys.executable, "-c", delete, str(trash)], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def mirror(source: Path, target: Path, skip: tuple[str, ...] = ()) -> None:
    """Make target hold source's files with their modification times, copying only
    the files whose size or modification time differ, and deleting the others.
    Top-level folders named in `skip` are not looked at, in source or in target."""
    wanted_files, wanted_dirs = set(), {str(target)}
    for folder, subfolders, names in os.walk(source):
        if folder == str(source):
            subfolders[:] = [name for name in subfolders if name not in skip]
        out = os.path.join(target, os.path.relpath(folder, source)) if folder != str(source) else str(target)
        if os.path.isfile(out) or os.path.islink(out):
            os.unlink(out)
        os.makedirs(out, exist_ok=True)
        wanted_dirs.add(os.path.normpath(out))
        for name in names:
            src, dst = os.path.join(folder, name), os.path.join(out, name)
            wanted_files.add(dst)
            have = os.lstat(dst) if os.path.lexists(dst) else None
            if have is not None and stat.S_ISDIR(have.st_mode):
                shutil.rmtree(dst)
                have = None
            want = os.stat(src)
            if have is None or have.st_size != want.st_size or have.st_mtime_ns != want.st_mtime_ns:
                shutil.copy2(src, dst)
    for folder, subfolders, names in os.walk(target):
        walked = []
        for name in subfolders:
            path = os.path.join(folder, name)
            if folder == str(target) and name in skip:
                continue  # left as it is
            if path in wanted_dirs:
                walked.append(name)
            elif os.path.islink(path):
                os.unlink(path)
            else:
                shutil.rmtree(path)
        subfolders[:] = walked
        for name in names:
            if os.path.join(folder, name) not in wanted_files:
                os.unlink(os.path.join(folder, name))


def remove_outputs(site: Path, outputs: Iterable[str]) -> None:
    """Delete these site-relative outputs, and the folders they leave empty: a dirty
    build does not clean, so the pages of papers and themes that left the site stay
    until removed."""
    for output in sorted(outputs):
        path = site / output
        path.unlink(missing_ok=True)
        for folder in path.parents:  # up to the site's root
            if folder == site or not folder.is_dir() or any(os.scandir(folder)):
                break
            folder.rmdir()


def install_folder(made: Path, folder: Path, stamp: str | None = None) -> None:
    """Put a folder made elsewhere (a search bundle) at `folder` in the site, replacing
    what was there; with a stamp, write it as the folder's ARCHIVE_STAMP file last, so
    that a folder with a stamp is always whole."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.move(str(made), folder)
    if stamp is not None:
        (folder / ARCHIVE_STAMP).write_text(stamp, encoding="utf-8")


def remove_folder(folder: Path) -> None:
    """A folder the site no longer has (the older papers' bundle of a digest that has no
    older papers now)."""
    shutil.rmtree(folder, ignore_errors=True)


def swap_into_place(staging: Path, target: Path) -> Path | None:
    """Replace target by staging with two renames on one file system; return where
    the replaced site now is (a hidden folder beside it), if there was one."""
    if not target.exists():
        os.rename(staging, target)
        return None
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent)) / target.name
    if exchange(staging, target):  # one step: there is always a whole site/
        os.rename(staging, old)
    else:
        os.rename(target, old)
        os.rename(staging, target)
    return old


def keep_as_spare(old: Path | None, spare: Path) -> None:
    """Keep the site just replaced as the next build's starting point (a rename; it
    costs the disk space of one more site), or delete it."""
    if old is None:
        return
    shutil.rmtree(spare, ignore_errors=True)
    try:
        spare.parent.mkdir(parents=True, exist_ok=True)
        os.rename(old, spare)
    except OSError:
        shutil.rmtree(old, ignore_errors=True)
    with contextlib.suppress(OSError):
        old.parent.rmdir()  # the hidden folder the swap moved it into


def folder_stamp(folder: Path) -> str:
    """Changes when the folder is replaced or an entry is added to it or removed."""
    info = folder.stat()
    return f"{info.st_dev}:{info.st_ino}:{info.st_mtime_ns}"

