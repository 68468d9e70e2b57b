"""What each `digest` command does: configuration, MkDocs, and the site/ swap.

The core (generator.pipeline) knows nothing of MkDocs; the plugin hands its
plan to MkDocs; these functions run MkDocs the way a curator wants it run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import CACHE_DIR, PageCache, remove_outputs
from .content import check_content
from .errors import BuildError, ContentError, DigestError, ImportError_
from .importers import IMPORTERS
from .importing import apply_import, load_existing, plan_import
from .search import ARCHIVE_DIR, ARCHIVE_STAMP, SEARCH_DIR

def _setup_logging(quiet: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


def load_mkdocs_config(config_file: Path, **overrides: Any) -> Any:
    from mkdocs import exceptions
    from mkdocs.config import load_config

    if not config_file.is_file():
        raise BuildError(f"{config_file}: not found; run digest in the folder that holds mkdocs.yml, "
                         "or pass -f path/to/mkdocs.yml")
    try:
        return load_config(config_file=str(config_file), **overrides)
    except exceptions.ConfigurationError as exc:
        raise BuildError(f"{config_file}: {exc}") from None
    except exceptions.Abort:
        raise BuildError(f"{config_file}: invalid configuration (the messages above say which key); "
                         "fix mkdocs.yml") from None


def content_dir_from_file(config_file: Path) -> Path:
    """docs_dir from mkdocs.yml without validating the rest: an import may create it."""
    from mkdocs.utils.yaml import yaml_load

    if not config_file.is_file():
        raise BuildError(f"{config_file}: not found; run digest in the folder that holds mkdocs.yml, "
                         "or pass -f path/to/mkdocs.yml")
    with config_file.open(encoding="utf-8") as handle:
        data = yaml_load(handle) or {}
    return config_file.resolve().parent / str(data.get("docs_dir", "docs"))


def build(config_file: Path, *, site_dir: Path | None = None, quiet: bool = False, clean: bool = False) -> int:
    """Build into a temporary folder beside site/, then swap it in.

    Whatever fails (content, templates, MkDocs, a kill midway), the previous
    site/ is left as it was: only a finished build is ever moved into place.
    When a previous build left site/ and its record in .cache/digest/, the build
    starts from a copy of site/ (made cheaply: see _start_from) and MkDocs renders
    only the pages that changed (generator/cache.py); the result is the same, byte
    for byte, as a clean build.
    """
    from mkdocs import exceptions
    from mkdocs.commands.build import build as mkdocs_build

    from .plugin import DigestPlugin

    _setup_logging(quiet)
    config = load_mkdocs_config(config_file)
    target = Path(site_dir or config["site_dir"]).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    # A build killed midway leaves its staging folder behind (site/ itself is untouched):
    # clear such leftovers first.
    for pattern in (f".{target.name}.building-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    cache = PageCache(config_file.resolve().parent / CACHE_DIR)
    record, spare = cache.record_for(target), cache.spare_for(target)
    previous = cache.read_outputs(record)
    # The record says what site/ holds only if nothing replaced site/ or its files since
    # (a plain `mkdocs build` empties it and writes it again).
    incremental = not clean and target.is_dir() and bool(previous) and previous.get("site") == _stamp(target)
    try:
        config = load_mkdocs_config(config_file, site_dir=str(staging))
        if incremental:
            _start_from(target, staging, spare, previous, trash=cache.root)
            for plugin in config.plugins.values():
                if isinstance(plugin, DigestPlugin):  # staging now holds what site/ holds
                    plugin.base_pages = cache.page_hashes(previous)
        try:
            with _dirty_warning_silenced():
                mkdocs_build(config, dirty=incremental)
        except exceptions.Abort as exc:
            raise BuildError(f"the build was aborted: {exc}; nothing was published") from None
        except exceptions.MkDocsException as exc:
            raise BuildError(f"{exc}\nthe build failed; {target} was left as it was") from None
        if incremental:  # what the previous plan wrote and this one did not
            stale = set(previous.get("planned", [])) - set(cache.read_outputs().get("planned", []))
            remove_outputs(staging, stale)
        record.unlink(missing_ok=True)  # until the swap is done, site/ is not what it records
        old = _swap_into_place(staging, target)
        _keep_as_spare(old, spare)
        cache.write_record(record, cache.read_outputs() | {"site": _stamp(target)})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not quiet:
        pages = sum(1 for _ in target.rglob("index.html"))
        print(f"Built {pages} pages into {os.path.relpath(target)}", file=sys.stderr)
    return 0


def _stamp(folder: Path) -> str:
    """Changes when the folder is replaced or an entry is added to it or removed."""
    info = folder.stat()
    return f"{info.st_dev}:{info.st_ino}:{info.st_mtime_ns}"


def _start_from(site: Path, staging: Path, spare: Path, previous: dict[str, Any], trash: Path) -> None:
    """Make staging what site/ is (files and modification times): the base of a dirty build.

    It starts from the site before the previous one, which the last build kept aside,
    and copies over only the files that differ (those the previous build wrote): at
    10,000 papers, copying all of site/ took seconds. Without a kept site, all is copied.
    Pages that are not the digest's (a curator's own) lose their output, so that they
    are built again: nothing records what else their HTML depends on.
    """
    try:
        staging.rmdir()
        os.rename(spare, staging)
    except OSError:  # none kept, or on another file system
        staging.mkdir(exist_ok=True)
    # The first search bundle is written afresh every build; the old one can be thousands
    # of small files (1.7 s to delete at 10,000 papers), so it is deleted without waiting
    # for it. The older papers' bundle is kept or copied whole, by its stamp.
    _discard_later(staging / SEARCH_DIR, trash)
    _mirror(site, staging, skip=(SEARCH_DIR, ARCHIVE_DIR))
    _carry_stamped(site / ARCHIVE_DIR, staging / ARCHIVE_DIR, trash)
    for output in previous.get("other_pages", []):
        (staging / output).unlink(missing_ok=True)


def _carry_stamped(source: Path, target: Path, trash: Path) -> None:
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


def _mirror(source: Path, target: Path, skip: tuple[str, ...] = ()) -> None:
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


def _keep_as_spare(old: Path | None, spare: Path) -> None:
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


@contextlib.contextmanager
def _dirty_warning_silenced() -> Iterator[None]:
    """MkDocs warns on every dirty build that navigation may be stale, which --strict
    would count; here every page that shows the navigation is in the plan, and a
    page whose plan did not change has the same navigation."""
    class Drop(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return "'dirty' build" not in record.getMessage()

    logger = logging.getLogger("mkdocs.commands.build")
    dropper = Drop()
    logger.addFilter(dropper)
    try:
        yield
    finally:
        logger.removeFilter(dropper)


def _swap_into_place(staging: Path, target: Path) -> Path | None:
    """Replace target by staging with two renames on one file system; return where
    the replaced site now is (a hidden folder beside it), if there was one."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent)) / target.name
        os.rename(target, old)
    os.rename(staging, target)
    return old


def serve(config_file: Path, *, dev_addr: str) -> int:
    from mkdocs import exceptions
    from mkdocs.commands.serve import serve as mkdocs_serve

    _setup_logging()
    load_mkdocs_config(config_file)  # fail early, with our message, on a missing or bad file
    try:
        # Dirty rebuilds: a planned page whose hash is the one the last build wrote is
        # not rendered again (plugin._PlannedFile), so a save renders just what it changed.
        with _dirty_warning_silenced():
            mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True, build_type="dirty")
    except exceptions.MkDocsException as exc:
        raise BuildError(str(exc)) from None
    return 0


def check(config_file: Path) -> int:
    digest, problems = check_content(content_dir_from_file(config_file))
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if errors:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
        return 1
    print(f"{len(digest.papers)} papers, {len(digest.themes)} themes: OK"
          + (f" ({warnings} warning(s))" if warnings else ""), file=sys.stderr)
    return 0


def themes(config_file: Path, action: str) -> int:
    from .content import load_digest
    from .pipeline import SiteOptions, analyse
    from .taxonomy import format_report, report, suggest

    digest = load_digest(content_dir_from_file(config_file))
    if action == "suggest":
        sys.stdout.write(suggest(digest))
        return 0
    analysis = analyse(digest, SiteOptions())
    result = report(digest, analysis.grouping, analysis.matrix)
    sys.stdout.write(format_report(result))
    return 1 if result.no_theme else 0


PROGRESS_FROM = 200  # files; fewer are written in a blink


def _progress_bar(done: int, total: int, width: int = 30) -> None:
    filled = width * done // total
    end = "\n" if done == total else ""
    print(f"\rwriting [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end, file=sys.stderr,
          flush=True)


@dataclass(frozen=True)
class ImportOptions:
    added: dt.date
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    query: str | None = None  # arxiv: fetch instead of reading a file
    max_results: int = 100
    day: dt.date | None = None  # hf-daily: fetch instead of reading a file


def _read_input(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportError_(f"{path}:{line}: not UTF-8 (byte {data[exc.start]:#04x}); "
                           "convert the file to UTF-8 and import again") from None


def import_papers(config_file: Path, fmt: str, path: Path | None, options: ImportOptions) -> int:
    from .importers.fetch import fetch_arxiv, fetch_hf_daily
    from .importing import make_filter

    content_dir = content_dir_from_file(config_file)
    keep = make_filter(options.include, options.exclude, options.categories)  # bad regex: fail first
    if path is not None:
        text, source = _read_input(path), f"{fmt}:{path.name}"
    elif fmt == "arxiv" and options.query:
        text, source = fetch_arxiv(options.query, max_results=options.max_results), f"arxiv:{options.query}"
    elif fmt == "hf-daily" and options.day:
        text, source = fetch_hf_daily(options.day), f"hf-daily:{options.day.isoformat()}"
    else:  # pragma: no cover - argparse requires one of them
        raise ImportError_("name a file to import")
    incoming = IMPORTERS[fmt](text, str(path) if path else source)
    try:
        existing = load_existing(content_dir)
    except ContentError as exc:
        raise DigestError(f"{exc}\nfix the content before importing into it") from None
    plan = plan_import(existing, incoming, added=options.added, source=source, keep=keep)
    large = len(plan.added) + len(plan.merged) >= PROGRESS_FROM and sys.stderr.isatty()
    apply_import(content_dir, plan, progress=_progress_bar if large else None)
    for paper in plan.added:
        print(f"added    {paper.slug}")
    for paper in plan.merged:
        print(f"merged   {paper.slug}")
    for item, existing_paper in plan.skipped:
        print(f"present  {existing_paper.slug}  (item at line {item.line})" if fmt == "listing"
              else f"present  {existing_paper.slug}")
    print(f"{len(plan.added)} added, {len(plan.merged)} merged, {len(plan.skipped)} already present"
          + (f", {len(plan.filtered)} filtered out" if plan.filtered else ""), file=sys.stderr)
    return 0
