"""The MkDocs adapter: hands the core's site plan to MkDocs as generated files.

    on_config  check settings, add our theme overrides and stylesheets
    on_files   load content, plan the site, swap content files for planned pages
               (under `digest serve`, a few new or edited papers are first shown by
               a preview that renders only their pages; the exact build follows)
    on_page_*  give each planned page its title and pre-rendered HTML (no Markdown pass)
    on_post_build  install the search index (Pagefind, started as soon as the papers are
                   read; under `digest serve` started here and installed when ready)
    on_serve   also watch templates/ (MkDocs already watches the content folder), and
               the file a preview touches to ask for the exact build

So plain `mkdocs build`, `mkdocs serve` and `mkdocs gh-deploy` work as they are.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any

from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .cache import CACHE_DIR, PageCache, fingerprint, page_hash, remove_outputs
from .content import PAPERS_DIR, THEMES_FILE
from .errors import DigestError
from .model import Digest
from .pipeline import (FeedLink, PlannedPage, SiteOptions, SitePlan, feed_links, plan_site, preview_site,
                       source_path)
from .render import default_templates
from .search import (ARCHIVE_DIR, ARCHIVE_STAMP, SEARCH_DIR, IndexJob, SearchRecord, archive_script,
                     archive_split, archive_stamp, paper_records, search_records)

log = logging.getLogger("mkdocs.plugins.digest")

STYLESHEET = "assets/digest.css"
SEARCH_STYLESHEET = "assets/digest-search.css"  # Pagefind's search in Material's colours
SEARCH_SCRIPT = "assets/digest-search.js"  # merges the archive's search bundle (search.archive_script)
MATH_CONFIG = "assets/digest-math.js"
# MathJax, served from the site: the SVG output needs no font files.
MATHJAX = {"assets/mathjax/tex-svg.js": "es5/tex-svg.js", "assets/mathjax/ui/safe.js": "es5/ui/safe.js"}


class DigestConfig(base.Config):  # type: ignore[no-untyped-call]
    intro = c.Type(str, default="")
    feed_rss = c.Type(str, default="feed.xml")
    feed_atom = c.Type(str, default="atom.xml")
    theme_feed_rss = c.Type(str, default="themes/{slug}/feed.xml")
    theme_feed_atom = c.Type(str, default="themes/{slug}/atom.xml")
    opml = c.Type(str, default="feeds.opml")
    feed_items = c.Type(int, default=50)
    feed_id_authority = c.Type(str, default="")
    home_url = c.Type(str, default="")
    themes_url = c.Type(str, default="themes/")
    theme_url = c.Type(str, default="themes/{slug}/")
    paper_url = c.Type(str, default="papers/{slug}/")
    archive_url = c.Type(str, default="archive/")
    latest = c.Type(int, default=10)
    related = c.Type(int, default=5)
    templates_dir = c.Type(str, default="templates")


class DigestPlugin(BasePlugin[DigestConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.plan = SitePlan()
        self.templates_dir: Path | None = None
        self._epoch_we_set: str | None = None
        self.cache = PageCache(Path(CACHE_DIR))
        self.fingerprint = ""
        self._outputs: tuple[list[str], list[str]] = ([], [])
        # Under `digest serve`, every output the builds so far may have left in the site
        # folder: a dirty build does not clean, so an exact build removes those it did not
        # write (a deleted paper's page, a renamed theme's feeds).
        self._served: set[str] = set()
        self._own_pages: list[File] = []  # the curator's pages
        # The hash of each planned page (by source path) whose output the site folder holds:
        # `digest build` sets it from its record of the site the build starts from; under
        # `digest serve` it is kept from build to build. A page with the same hash now is
        # not rendered again in a dirty build.
        self.base_pages: dict[str, str] = {}
        self._hashes: dict[str, str] = {}  # this build's, of the pages handed to MkDocs
        self._nav_pages: set[str] = set()  # the planned pages in the navigation
        self._search: IndexJob | None = None
        self._archive: IndexJob | None = None  # the older papers' bundle, when it must be made again
        self._archive_stamp: str | None = None  # None: no older papers, so no archive bundle
        self._serving = False
        self._dirty = False  # builds leave the outputs they do not write (`digest serve`)
        self._planned_with: tuple[str, SiteOptions] | None = None  # the exact plan's fingerprint and options
        self._rebuild_request: Path | None = None  # touched after a preview; the server watches it
        self._generation = 0  # of search indexes under `digest serve`: only the newest is installed
        self._lock = threading.Lock()
        self._background: IndexJob | None = None  # under `digest serve`, the index being built
        self._paper_records: list[SearchRecord] = []  # every paper's, in the order the indexes get them

    def on_config(self, config: Any) -> Any:
        if not config.use_directory_urls:
            raise PluginError("digest: set `use_directory_urls: true` in mkdocs.yml; paper and theme "
                              "pages use directory URLs like papers/<slug>/")
        for key in ("paper_url", "theme_url", "theme_feed_rss", "theme_feed_atom"):
            if "{slug}" not in self.config[key] or (key.endswith("_url") and not self.config[key].endswith("/")):
                raise PluginError(f"digest: `{key}` must contain {{slug}}"
                                  + (" and end with '/'" if key.endswith("_url") else "")
                                  + f", got {self.config[key]!r}")
        authority = self.config.feed_id_authority
        if authority and not re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?(@[a-z0-9.-]+)?", authority):
            raise PluginError(f"digest: `feed_id_authority` must be a domain name you own (or an e-mail "
                              f"address), like research-digest.example.org; got {authority!r}")
        self._nav_pages = {source_path(self.config[key]) for key in ("home_url", "themes_url", "archive_url")}
        config_dir = Path(config.config_file_path or ".").resolve().parent
        self.templates_dir = (config_dir / self.config.templates_dir).resolve()
        self.cache = PageCache(config_dir / CACHE_DIR)
        # Earlier versions kept a file per planned page there (tens of MB at 10,000 papers).
        shutil.rmtree(self.cache.root / "pages", ignore_errors=True)
        self.fingerprint = fingerprint(
            Path(config.config_file_path or "mkdocs.yml"),
            [self.templates_dir, default_templates(), Path(__file__).parent],
            [_version("mkdocs"), _version("mkdocs-material"), _version("research-digest")],
        )
        # Our overrides of Material's templates sit after the site's own custom_dir
        # (so a site can still override them) and before the theme's.
        overrides = [str(d / "overrides") for d in (self.templates_dir, default_templates())
                     if (d / "overrides").is_dir()]
        position = 1 if config.theme.custom_dir else 0
        for directory in reversed(overrides):
            if directory not in config.theme.dirs:
                config.theme.dirs.insert(position, directory)
        if "search" in config.plugins or "material/search" in config.plugins:
            log.warning("digest: remove `search` from `plugins` in mkdocs.yml: the digest writes its own "
                        "search index (Pagefind), and Material's would index every page a second time")
        for position, stylesheet in enumerate((STYLESHEET, SEARCH_STYLESHEET)):
            if stylesheet not in config.extra_css:
                config.extra_css.insert(position, stylesheet)
        # Every page's head announces the digest's feeds (templates/overrides/main.html).
        config.extra["digest_feeds"] = [_feed_dict(f) for f in feed_links(self.options(config))]
        return config

    def options(self, config: Any) -> SiteOptions:
        return SiteOptions(
            site_name=config.site_name, site_url=config.site_url or "", intro=self.config.intro,
            home_url=self.config.home_url, themes_url=self.config.themes_url,
            theme_url=self.config.theme_url, paper_url=self.config.paper_url,
            archive_url=self.config.archive_url, latest=self.config.latest,
            feed_rss=self.config.feed_rss, feed_atom=self.config.feed_atom,
            theme_feed_rss=self.config.theme_feed_rss, theme_feed_atom=self.config.theme_feed_atom,
            opml=self.config.opml, feed_items=self.config.feed_items,
            feed_id_authority=self.config.feed_id_authority,
            related=self.config.related, template_dirs=(self.templates_dir,) if self.templates_dir else (),
        )

    def on_files(self, files: Files, config: Any) -> Files:
        if self._serving:
            self._stop_background_search()  # an index of older content: it would compete for the CPU
        content_dir = Path(config.docs_dir)
        options = self.options(config)
        self._hashes = {}
        preview = self._preview(content_dir, options)
        if preview is not None and preview.preview_of:
            self.plan = preview
            count = len(preview.preview_of)
            log.info(f"digest: showing {count} new or edited paper{'s' if count > 1 else ''} at once; "
                     "the exact build follows")
            self._set_build_date()
            return self._preview_files(files, config)

        def on_read(digest: Digest) -> None:
            self._paper_records = paper_records(digest.papers, options)
            self._archive_stamp = None
            if self._serving:  # a preview makes one bundle, once its pages are written
                return
            recent, archived = archive_split(digest.papers)
            self._search = self._start_search(config, paper_records(recent, options))
            if archived:
                self._start_archive(config, paper_records(archived, options))

        if preview is not None:  # no paper or theme changed: the plan is the same
            self.plan = preview
        else:
            try:
                self.plan = plan_site(content_dir, options, cache_dir=self.cache.root, on_read=on_read)
            except DigestError as exc:  # (on_build_error stops a search index started)
                raise PluginError(str(exc)) from None
            self._planned_with = (self.fingerprint, options)
        for problem in self.plan.warnings:  # under --strict, MkDocs counts these and fails
            log.warning(str(problem).replace(": warning: ", ": ", 1))
        self._set_build_date()

        self._remove_content(files)
        own = files.documentation_pages()
        others = [f.dest_uri for f in own]
        self._own_pages = sorted(own, key=lambda f: f.src_uri)
        planned: list[str] = []
        for src_uri in sorted(self.plan.pages):
            page_file = self._page_file(config, src_uri)
            files.append(page_file)
            planned.append(page_file.dest_uri)
        planned.extend(self.plan.files)
        self._outputs = (planned, others)
        for path in sorted(self.plan.files):
            files.append(File.generated(config, path, content=self.plan.files[path]))
        for asset, name in ((STYLESHEET, "digest.css"), (SEARCH_STYLESHEET, "digest-search.css"),
                            (MATH_CONFIG, "digest-math.js")):
            files.append(File.generated(config, asset, content=self._template_file(name).read_bytes()))
        files.append(File.generated(config, SEARCH_SCRIPT, content=archive_script(self._archive_stamp is not None)))
        mathjax = _mathjax_dir()
        for asset, mathjax_file in MATHJAX.items():
            files.append(File.generated(config, asset, abs_src_path=str(mathjax / mathjax_file)))
        if self._search is not None:
            self._add_rest(self._search, config)
        return files

    def _preview(self, content_dir: Path, options: SiteOptions) -> SitePlan | None:
        """A preview of the content's changes since the last exact plan (preview_site),
        when the server can be asked for the exact build after it."""
        if not (self._serving and self._dirty and self._rebuild_request is not None
                and self._planned_with == (self.fingerprint, options)):
            return None
        try:
            return preview_site(self.plan, content_dir, options, cache_dir=self.cache.root)
        except DigestError as exc:
            raise PluginError(str(exc)) from None

    def _preview_files(self, files: Files, config: Any) -> Files:
        """A preview builds the pages it rendered again, and the pages in the navigation
        (which every page shows); every other output stays as the last build wrote it."""
        self._remove_content(files)
        for src_uri in sorted({*self.plan.preview_of, *self._nav_pages}):
            page_file = self._page_file(config, src_uri)
            files.append(page_file)
            self._served.add(page_file.dest_uri)  # an added paper's page is new
        return files

    def _remove_content(self, files: Files) -> None:
        for file in list(files):
            # src_uri is relative to the content folder (docs_dir), with forward slashes.
            if file.src_uri.rpartition("/")[0] == PAPERS_DIR or file.src_uri == THEMES_FILE:
                files.remove(file)  # content, not pages: the plan has their pages
            elif file.src_uri in self.plan.pages:
                log.warning(f"digest: {file.src_uri} in the content folder is replaced by the "
                            "generated page of the same URL; rename it")
                files.remove(file)

    def _page_file(self, config: Any, src_uri: str) -> File:
        """A planned page's file: changed, for a dirty build, unless the site folder holds
        its output from the same hash (generator/cache.py)."""
        inclusion = InclusionLevel.UNDEFINED if src_uri in self._nav_pages else InclusionLevel.NOT_IN_NAV
        digest = self._hashes[src_uri] = page_hash(self.plan.pages[src_uri], self.fingerprint)
        file = _PlannedFile.generated(config, src_uri, content="", inclusion=inclusion)
        assert isinstance(file, _PlannedFile)
        file.unchanged = self.base_pages.get(src_uri) == digest
        if src_uri not in self._nav_pages:
            # Its page now: MkDocs makes a plain Page for every file without one when
            # it reads the navigation, before any later event. (The navigation's own
            # pages take their titles from it: MkDocs makes those.)
            _PlannedPage(None, file, config)
        return file

    def _template_file(self, name: str) -> Path:
        """A site's own copy of a shipped file, or the default."""
        if self.templates_dir and (self.templates_dir / name).is_file():
            return self.templates_dir / name
        return default_templates() / name

    def _planned(self, page: Any) -> PlannedPage | None:
        return self.plan.pages.get(page.file.src_uri) if page.file.generated_by else None

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        planned = self._planned(page)
        if planned is None:
            return markdown
        # MkDocs and Material write the title into <title> and the nav without
        # escaping it: escape it here, once.
        page.meta["title"] = str(escape(planned.title))
        page.meta["digest_feeds"] = [_feed_dict(f) for f in planned.feeds]
        return ""

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        planned = self._planned(page)
        try:
            html = planned.html if planned is not None else html  # a paper page is rendered here
        except DigestError as exc:
            raise PluginError(str(exc)) from None
        # Only pages with math load the renderer (templates/overrides/main.html).
        page.meta["digest_math"] = 'class="arithmatex"' in html
        return html

    def _set_build_date(self) -> None:
        """MkDocs stamps sitemap.xml with the build time unless SOURCE_DATE_EPOCH is set:
        take the date from the content (the newest paper's added date) instead, so that
        the same content always gives the same bytes. A value set by the user wins; ours
        is set for this build only (see _restore_build_date)."""
        if "SOURCE_DATE_EPOCH" in os.environ or self.plan.newest is None:
            return
        newest = self.plan.newest
        moment = dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.timezone.utc)
        self._epoch_we_set = str(int(moment.timestamp()))
        os.environ["SOURCE_DATE_EPOCH"] = self._epoch_we_set

    def _restore_build_date(self) -> None:
        if self._epoch_we_set is not None and os.environ.get("SOURCE_DATE_EPOCH") == self._epoch_we_set:
            del os.environ["SOURCE_DATE_EPOCH"]
        self._epoch_we_set = None

    def on_build_error(self, error: Exception) -> None:
        self._restore_build_date()
        self.base_pages = {}  # what the folder holds now is not known: the next build renders all
        for job in (self._search, self._archive):
            if job is not None:
                job.cancel()
        self._search = self._archive = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Its presence also keeps this plugin object across `digest serve` rebuilds.
        self._serving = command == "serve"
        self._dirty = dirty

    def _start_search(self, config: Any, records: list[SearchRecord], data_only: bool = False) -> IndexJob:
        """Start the search index with these records. A build starts it with the papers'
        as soon as they are read: Pagefind (seconds at 10,000 papers) then works on the
        other core while the build goes on; _add_rest gives it the rest."""
        try:
            job = IndexJob(_language(config), scratch=self.cache.root, data_only=data_only)
        except DigestError as exc:
            raise PluginError(str(exc)) from None
        job.add(records)
        return job

    def _start_archive(self, config: Any, records: list[SearchRecord]) -> None:
        """Start the archive's bundle, unless the one in the site (a warm build's) was
        made from the same records."""
        self._archive_stamp = archive_stamp(records, _language(config))
        stamp = Path(config.site_dir) / ARCHIVE_DIR / ARCHIVE_STAMP
        if stamp.is_file() and stamp.read_text(encoding="utf-8") == self._archive_stamp:
            return
        self._archive = self._start_search(config, records, data_only=True)
        self._archive.close()

    def _add_rest(self, job: IndexJob, config: Any) -> None:
        """The rest of the planned pages, then the curator's own pages; and no more."""
        job.add(search_records(self.plan, known=self._paper_records)[len(self._paper_records):])
        language = _language(config)
        own = [(f.url, _own_page_document(f, config, language)) for f in self._own_pages]
        job.add_pages([(url, document) for url, document in own if document])
        job.close()

    def on_post_build(self, config: Any) -> None:
        self._restore_build_date()  # the sitemap, the only page that needs it, is written
        self.base_pages = {**self.base_pages, **self._hashes}  # (a preview writes a few pages)
        folder = Path(config.site_dir) / SEARCH_DIR
        if self.plan.preview_of and self._rebuild_request is not None:
            # Shown; now the exact build (its search index too). The server sees this
            # file change within its polling interval, half a second.
            self._rebuild_request.parent.mkdir(parents=True, exist_ok=True)  # (.cache/ may have been deleted)
            self._rebuild_request.write_text(" ".join(self.plan.preview_of), encoding="utf-8")
            return
        self.cache.write_outputs(*self._outputs, pages=self._hashes)
        if self._serving and self._dirty:
            written = {*self._outputs[0], *self._outputs[1]}
            remove_outputs(Path(config.site_dir), self._served - written)
            self._served = written
        if self._serving:
            # The server shows the pages at once; their search index follows when it is ready.
            background = self._start_search(config, self._paper_records)
            self._add_rest(background, config)
            with self._lock:
                self._generation += 1
                self._background = background
            threading.Thread(target=self._install_later, args=(background, folder, self._generation),
                             daemon=True).start()
            return
        job, self._search = self._search, None
        archive, self._archive = self._archive, None
        archive_folder = Path(config.site_dir) / ARCHIVE_DIR
        try:
            if job is not None:
                job.finish(folder)
            if archive is not None:
                archive.finish(archive_folder)
                (archive_folder / ARCHIVE_STAMP).write_text(str(self._archive_stamp), encoding="utf-8")
        except DigestError as exc:
            raise PluginError(str(exc)) from None
        finally:
            if archive is not None:
                archive.cancel()
        if self._archive_stamp is None:
            shutil.rmtree(archive_folder, ignore_errors=True)  # a digest with no older papers now

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

    def _stop_background_search(self) -> None:
        with self._lock:
            self._generation += 1
            job, self._background = self._background, None
        if job is not None:
            job.cancel()

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        if self.templates_dir and self.templates_dir.is_dir():
            server.watch(str(self.templates_dir))
        request = self.cache.root / "serve" / "rebuild"
        request.parent.mkdir(parents=True, exist_ok=True)
        server.watch(str(request.parent))
        self._rebuild_request = request
        return server


class _PlannedFile(File):
    """A planned page's file: its Markdown is empty (on_page_content gives the page its
    HTML from the plan). In a dirty build, MkDocs renders it again unless the site
    folder holds its output from the same page hash; a page counted as changed costs
    a render, a page wrongly counted as unchanged would be stale, so anything unknown
    counts as changed."""

    unchanged = False

    def is_modified(self) -> bool:
        return not (self.unchanged and os.path.isfile(self.abs_dest_path))


class _PlannedPage(Page):
    """A generated page: its HTML comes from the plan (on_page_content), so MkDocs'
    Markdown pass is skipped. Setting up Markdown with every extension for an empty
    text cost 0.3 ms a page."""

    def render(self, config: Any, files: Files) -> None:
        self.content = ""
        self.toc = get_toc([])
        self.present_anchor_ids = set()


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{package} {version(package)}"
    except PackageNotFoundError:
        return f"{package} (not installed)"


def _feed_dict(feed: FeedLink) -> dict[str, str]:
    return {"type": feed.type, "title": feed.title, "path": feed.path}


def _mathjax_dir() -> Path:
    """MathJax's files, from the django-static-mathjax package (static files only: it
    needs no Django), so that pages load no script from another site."""
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise PluginError("digest: MathJax is missing; reinstall research-digest (it depends on "
                          "django-static-mathjax)")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"


def _own_page_document(file: File, config: Any, language: str) -> str | None:
    """A curator's page for the search index, in the element the index reads (Material's
    article, whose first heading is the title). MkDocs renders it only later; its
    Markdown is converted here with the site's extensions."""
    import markdown
    from mkdocs.utils import meta

    try:
        text, front = meta.get_data(file.content_string)
    except (OSError, ValueError):
        return None  # MkDocs reports it when it reads the page
    html = markdown.Markdown(extensions=config.markdown_extensions,
                             extension_configs=config.mdx_configs or {}).convert(text)
    if "<h1" not in html:  # MkDocs' title: the meta title, else from the file name
        title = str(front.get("title") or file.name.replace("-", " ").replace("_", " ").capitalize())
        html = f"<h1>{escape(title)}</h1>{html}"
    return (f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8"></head><body>'
            f'<article class="md-content__inner">{html}</article></body></html>')


def _language(config: Any) -> str:
    """The site's language (Material's `theme.language`): the one its pages declare, and
    so the index Pagefind's script looks for."""
    return str(config.theme.get("language") or "en")
