"""A build's search indexes: which Pagefind jobs run, what they are fed, and when
their bundles reach the site (engine.search runs Pagefind; publish installs).

    SiteSearch        one per exact build: the papers' bundle started as soon as the
                      papers are read, the older papers' bundles whose stamps changed
                      (ArchiveJobs, one after another),
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
from .publish import ARCHIVE_STAMP, SEARCH_DIR, archive_dir, archive_dirs, remove_folder
from .search import (
    IndexJob,
    SearchRecord,
    archive_bundles,
    archive_script,
    archive_split,
    archive_stamp,
    paper_records,
    search_records,
)

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
        self.archive_stamps: list[str] = []  # one per archive bundle (none: no older papers)
        self._recent: IndexJob | None = None
        self._archives: ArchiveJobs | None = None  # the archive bundles that must be made again

    def papers_read(self, papers: Sequence[Paper], options: SiteOptions) -> None:
        """Start indexing the papers: Pagefind (seconds at 10,000 papers) then works on the
        other core while the build goes on."""
        self.paper_records = paper_records(papers, options)
        if not self.start:
            return
        recent, archived = archive_split(papers)
        self._recent = self._job(paper_records(recent, options))
        remake = []
        for number, bundle in enumerate(archive_bundles(archived, options.search_bundle)):
            records = paper_records(bundle, options)
            self.archive_stamps.append(archive_stamp(records, self.language))
            stamp = self.site_dir / archive_dir(number) / ARCHIVE_STAMP
            # A warm build's site holds the bundle already when it was made from the same records.
            if not (stamp.is_file() and stamp.read_text(encoding="utf-8") == self.archive_stamps[-1]):
                remake.append((number, records))
        if remake:
            self._archives = ArchiveJobs(self.language, self.scratch, remake)

    def script(self) -> str:
        """assets/digest-search.js: it merges the archive's bundles, when there are some."""
        return archive_script(len(self.archive_stamps))

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
        archives, self._archives = self._archives, None
        try:
            if recent is not None:
                recent.finish(self.site_dir / SEARCH_DIR)
            if archives is not None:
                archives.install(self.site_dir, self.archive_stamps)
        finally:
            if archives is not None:
                archives.cancel()
        kept = {archive_dir(number) for number in range(len(self.archive_stamps))}
        for name in archive_dirs(self.site_dir):
            if name not in kept:
                remove_folder(self.site_dir / name)  # fewer older papers now

    def cancel(self) -> None:
        if self._recent is not None:
            self._recent.cancel()
        if self._archives is not None:
            self._archives.cancel()
        self._recent = self._archives = None

    def _job(self, records: list[SearchRecord]) -> IndexJob:
        job = IndexJob(self.language, scratch=self.scratch)
        job.add(records)
        return job


class ArchiveJobs:
    """The archive bundles to make, one Pagefind at a time on a thread of their own (two
    at once would need twice the memory, on a machine whose other core is busy with
    MkDocs anyway)."""

    def __init__(self, language: str, scratch: Path, bundles: list[tuple[int, list[SearchRecord]]]) -> None:
        self._language = language
        self._scratch = scratch
        self._bundles = bundles
        self._made: list[tuple[int, IndexJob]] = []
        self._lock = threading.Lock()
        self._cancelled = False
        self._failure: DigestError | None = None
        self._thread = threading.Thread(target=self._run, name="digest-search-archive", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for number, records in self._bundles:
            with self._lock:
                if self._cancelled:
                    return
                job = IndexJob(self._language, scratch=self._scratch, data_only=True)
                self._made.append((number, job))
            job.add(records)
            job.close()
            try:
                job.wait()
            except DigestError as exc:
                self._failure = exc
                return

    def install(self, site_dir: Path, stamps: Sequence[str]) -> None:
        """Wait for every bundle, and put each in its folder with its stamp."""
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        for number, job in self._made:
            job.install(site_dir / archive_dir(number), stamps[number])

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            made = list(self._made)
        for _, job in made:
            job.cancel()
        self._thread.join()


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
