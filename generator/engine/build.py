"""`digest build` and `digest serve`: MkDocs run the way a curator wants it run.

The core (generator.pipeline) knows nothing of MkDocs; the plugin hands its plan to
MkDocs; here MkDocs builds into a staging folder that publish.py swaps in, and only
the pages that changed since the last build are rendered again (cache.py).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from mkdocs import exceptions
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.commands.serve import serve as mkdocs_serve

from ..content import AUTO_THEMES_FILE
from ..content.auto_themes import write_recorded
from ..errors import BuildError
from . import publish
from .cache import CACHE_DIR, PageCache, broken_state, site_stamp
from .config import load_mkdocs_config
from .plugin import DigestPlugin


def _setup_logging(quiet: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


def build(config_file: Path, *, site_dir: Path | None = None, quiet: bool = False, clean: bool = False) -> int:
    """Build into a staging folder beside site/, then swap it in (publish.py says the
    order and what a kill at each step leaves).

    Whatever fails (content, templates, MkDocs, a kill midway), the previous site/ is
    left as it was: only a finished build is ever moved into place. When a previous
    build left site/ and its record in .cache/digest/, the build starts from a copy of
    site/ (made cheaply: publish.start_from) and MkDocs renders only the pages that
    changed (cache.py); the result is the same, byte for byte, as a clean build.
    """
    _setup_logging(quiet)
    config = load_mkdocs_config(config_file)
    target = Path(site_dir or config["site_dir"]).resolve()
    publish.clear_leftovers(target)
    staging = publish.make_staging(target)
    cache = PageCache(config_file.resolve().parent / CACHE_DIR)
    record, spare = cache.record_for(target), cache.spare_for(target)
    problems = broken_state(cache.root, spare)
    previous = cache.read_outputs(record)
    # The record says what site/ holds only if nothing replaced site/ or its files since
    # (a plain `mkdocs build` empties it and writes it again; a hand edit changes a file).
    files = site_stamp(target) if previous and target.is_dir() else ""
    if previous.get("files") not in (None, files):
        problems.append(f"{os.path.relpath(target)} was changed since the last build (by hand, or another program)")
    incremental = (not clean and not problems and target.is_dir() and bool(previous)
                   and previous.get("site") == publish.folder_stamp(target) and previous.get("files") == files)
    if problems and not quiet:
        print(f"notice: {'; '.join(problems)}: building in full", file=sys.stderr)
    try:
        config = load_mkdocs_config(config_file, site_dir=str(staging))
        plugin = next((p for p in config.plugins.values() if isinstance(p, DigestPlugin)), None)
        if incremental:
            publish.start_from(target, staging, spare, previous.get("other_pages", []), trash=cache.root)
            if plugin is not None:  # staging now holds what site/ holds
                plugin.build_on(cache.page_hashes(previous))
        try:
            with _dirty_warning_silenced():
                mkdocs_build(config, dirty=incremental)
        except exceptions.Abort as exc:
            raise BuildError(f"the build was aborted: {exc}; nothing was published") from None
        except exceptions.MkDocsException as exc:
            raise BuildError(f"{exc}\nthe build failed; {target} was left as it was") from None
        if incremental:  # what the previous plan wrote and this one did not
            stale = set(previous.get("planned", [])) - set(cache.read_outputs().get("planned", []))
            publish.remove_outputs(staging, stale)
        record.unlink(missing_ok=True)  # until the swap is done, site/ is not what it records
        old = publish.swap_into_place(staging, target)
        publish.keep_as_spare(old, spare)
        cache.write_record(record, cache.read_outputs() | {"site": publish.folder_stamp(target),
                                                           "files": site_stamp(target)})
    except OSError as exc:
        publish.discard(staging)
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise BuildError(f"no space left on the device writing {exc.filename or target}; the build failed and "
                         f"{os.path.relpath(target)} was left as it was: free some space and build again") from None
    except BaseException:
        publish.discard(staging)
        raise
    # The site is published: record its automatic themes, so that the next build, here or
    # from a clean checkout, carries them on (a kill before this: the next build makes
    # the same themes again from the record before).
    if plugin is not None and plugin.plan.analysis is not None:
        grouping = plugin.plan.analysis.grouping
        automatic = [t for t in grouping.themes if t.automatic]
        content_dir = Path(config["docs_dir"])
        if write_recorded(content_dir, automatic, grouping.memberships, grouping.retired) and not quiet:
            where = os.path.relpath(content_dir / AUTO_THEMES_FILE)
            print(f"Recorded {len(automatic)} automatic themes in {where}", file=sys.stderr)
    if not quiet:
        pages = sum(1 for _ in target.rglob("index.html"))
        print(f"Built {pages} pages into {os.path.relpath(target)}", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _dirty_warning_silenced() -> Iterator[None]:
    """MkDocs warns on every dirty build that navigation may be stale, which --strict
    would count; here every page that shows the navigation is in the plan, and a
    page whose plan did not change has the same navigation. It also says "The
    directory contains stale files. Use --clean" on every one: a dirty build starts
    from the last site by design, and the outputs that left the site are removed
    (build: remove_outputs), so there is nothing for the curator to do."""
    class Drop(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            message = record.getMessage()
            return "'dirty' build" not in message and "contains stale files" not in message

    logger = logging.getLogger("mkdocs.commands.build")
    dropper = Drop()
    logger.addFilter(dropper)
    try:
        yield
    finally:
        logger.removeFilter(dropper)


def serve(config_file: Path, *, dev_addr: str) -> int:
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


