"""A build's search indexes: which Pagefind jobs run, what they are fed, and when
their bundles reach the site (engine.search runs Pagefind; publish installs).

    SiteSearch        one per exact build: the papers' bundle started as soon as the
                      papers are read, the older papers' bundle when its stamp changed,
                      the rest of the pages added once planned, installed after MkDocs
    BackgroundSearch  under `digest serve`: the pages are shown at once and the index
                      follows, installed only if no newer build started meanwhile
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from ..errors import DigestError
from ..model import Paper
from ..options import SiteOptions
from ..rendering.plan import SitePlan
from .publish import ARCHIVE_DIR, ARCHIVE_STAMP, SEARCH_DIR, remove_folder
from .search import IndexJob, SearchRecord, archive_script, archive_split, archive_stamp, paper_records, search_records

log = logging.getLogger("mkdocs.plugins.digest")

# A page of the curator's own, for the index: (url, HTML document as the index reads it).
OwnPage = tuple[str, str]


class SiteSearch:
    """The search bundles of one build into `site_dir`; `scratch` is where Pagefind's
    jobs keep their files (on the site's file system, so that installing is a rename).
    With `start=False` (a preview under `digest serve`) no job is started: the
    records are only kept for the background index that follows."""

    def __init__(self, language: str, site_dir: Path, scratch: Path, *, start: bool = True) -> None:
        self.language = language
        self.site_dir = site_dir
        self.scratch = scratch
        self.start = start
        self.paper_records: list[SearchRecord] = []  # every paper's, in the order the indexes get them
        self.archive_stamp: str | None = None  # None: no older papers, so no archive bundle
        self._recent: IndexJob | None = None
        self._archive: IndexJob | None = None  # the older papers' bundle, when it must be made again

    def papers_read(self, papers: Sequence[Paper], options: SiteOptions) -> None:
        """Start indexing the papers: Pagefind (seconds at 10,000 papers) then works on the
        other core while the build goes on."""
        self.paper_records = paper_records(papers, options)
        if not self.start:
            return
        recent, archived = archive_split(papers)
        self._recent = self._job(paper_records(recent, options))
        if archived:
            records = paper_records(archived, options)
            self.archive_stamp = archive_stamp(records, self.language)
            stamp = self.site_dir / ARCHIVE_DIR / ARCHIVE_STAMP
            # A warm build's site holds the bundle already when it was made from the same records.
            if not (stamp.is_file() and stamp.read_text(encoding="utf-8") == self.archive_stamp):
                self._archive = self._job(records, data_only=True)
                self._archive.close()

    def script(self) -> str:
        """assets/digest-search.js: it merges the archive's bundle, when there is one."""
        return archive_script(self.archive_stamp is not None)

    @property
    def running(self) -> bool:
        return self._recent is not None

    def planned(self, plan: SitePlan, own_pages: Sequence[OwnPage]) -> None:
        """The rest of the planned pages, then the curator's own pages; and no more."""
        if self._recent is not None:
            add_rest(self._recent, plan, self.paper_records, own_pages)

    def install(self) -> None:
        """Wait for the bundles and put them in the site (after MkDocs wrote its pages)."""
        recent, self._recent = self._recent, None
        archive, self._archive = self._archive, None
        try:
            if recent is not None:
                recent.finish(self.site_dir / SEARCH_DIR)
            if archive is not None:
                archive.finish(self.site_dir / ARCHIVE_DIR, stamp=str(self.archive_stamp))
        finally:
            if archive is not None:
                archive.cancel()
        if self.archive_stamp is None:
            remove_folder(self.site_dir / ARCHIVE_DIR)  # a digest with no older papers now

    def cancel(self) -> None:
        for job in (self._recent, self._archive):
            if job is not None:
                job.cancel()
        self._recent = self._archive = None

    def _job(self, records: list[SearchRecord], data_only: bool = False) -> IndexJob:
        job = IndexJob(self.language, scratch=self.scratch, data_only=data_only)
        job.add(records)
        return job


def add_rest(job: IndexJob, plan: SitePlan, first: list[SearchRecord], own_pages: Sequence[OwnPage]) -> None:
    """Give a job started with the `first` records the plan's other pages and the
    curator's own, and close it."""
    job.add(search_records(plan, first=first)[len(first):])
    job.add_pages(own_pages)
    job.close()


class BackgroundSearch:
    """Under `digest serve`: the index of the last build, made in a thread after its
    pages are served. One lives as long as the server; each build stops the index of
    the one before (it would compete for the CPU with the new build)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = 0  # only the newest build's index is installed
        self._job: IndexJob | None = None

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
            job, self._job = self._job, None
        if job is not None:
            job.cancel()

    def rebuild(self, search: SiteSearch, plan: SitePlan, own_pages: Sequence[OwnPage]) -> None:
        """Index every page of this build's plan, and install the bundle when done."""
        job = IndexJob(search.language, scratch=search.scratch)
        job.add(search.paper_records)
        add_rest(job, plan, search.paper_records, own_pages)
        with self._lock:
            self._generation += 1
            self._job = job
            generation = self._generation
        threading.Thread(target=self._install_later, args=(job, search.site_dir / SEARCH_DIR, generation),
                         daemon=True).start()

    def _install_later(self, job: IndexJob, folder: Path, generation: int) -> None:
        try:
            job.wait()
            with self._lock:
                if generation == self._generation:
                    job.install(folder)
        except (DigestError, OSError) as exc:
            if generation == self._generation:  # not stopped on purpose by a newer build
                log.warning(f"digest: the search index was not updated: {exc}")
        finally:
            job.cancel()
