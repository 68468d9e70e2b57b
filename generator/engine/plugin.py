"""The MkDocs adapter: hands the core's site plan to MkDocs as generated files.

    on_config  check settings, add our theme overrides and stylesheets
    on_files   load content, plan the site, swap content files for planned pages
               (under `digest serve`, a few new or edited papers are first shown by
               a preview that renders only their pages; the exact build follows)
    on_page_*  give each planned page its title and pre-rendered HTML (no Markdown pass)
    on_env, on_page_context  stamp paper, theme, author and edition pages from one
               render of the theme's frame per shape of page (stamp.py)
    on_post_build  record the outputs; install the search index (site_search.py)
    on_serve   also watch templates/ (MkDocs already watches the content folder), and
               the file a preview touches to ask for the exact build; a failed rebuild
               serves the last good site with its error on every page (serve_errors.py)

So plain `mkdocs build`, `mkdocs serve` and `mkdocs gh-deploy` work as they are. A
DigestError from any event reaches MkDocs once, as its PluginError (`_reported`),
which MkDocs prints as an error, without a traceback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import importlib.util
import logging
import os
import re
import shutil
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import markdown
from markupsafe import Markup, escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import meta

from ..content import AUTO_THEMES_FILE, PAPERS_DIR, THEMES_FILE
from ..errors import DigestError
from ..model import Digest
from ..options import SLUG_FORMATS, SiteOptions, plugin_options
from ..phrases import Matchers
from ..pipeline import PHRASE_FINDS, plan_site, preview_site
from ..rendering.plan import FeedLink, PlannedPage, SitePlan, feed_links, source_path
from ..rendering.templates import default_templates
from .cache import CACHE_DIR, PageCache, fingerprint, page_hash
from .publish import remove_outputs
from .serve_errors import show_build_errors
from .site_search import BackgroundSearch, OwnPage, SiteSearch
from .stamp import STAMP_SOURCE, STAMP_TEMPLATE, Stamper, split_url

log = logging.getLogger("mkdocs.plugins.digest")

STYLESHEET = "assets/digest.css"
SEARCH_STYLESHEET = "assets/digest-search.css"  # Pagefind's search in Material's colours
SEARCH_SCRIPT = "assets/digest-search.js"  # merges the archive's search bundle (search.archive_script)
MATH_CONFIG = "assets/digest-math.js"
# MathJax, served from the site: the SVG output needs no font files.
MATHJAX = {"assets/mathjax/tex-svg.js": "es5/tex-svg.js", "assets/mathjax/ui/safe.js": "es5/ui/safe.js"}
# Where the code that renders pages lives: a page rendered by other code is rendered again.
CODE_DIR = Path(__file__).resolve().parent.parent

Event = TypeVar("Event", bound=Callable[..., Any])


def _reported(event: Event) -> Event:
    """The event, with a DigestError raised inside it handed to MkDocs as a PluginError."""
    @functools.wraps(event)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return event(*args, **kwargs)
        except DigestError as exc:
            raise PluginError(str(exc)) from None
    return run  # type: ignore[return-value]


class DigestPlugin(BasePlugin[base.LegacyConfig]):  # type: ignore[no-untyped-call]
    # The options in mkdocs.yml: SiteOptions' (generator/options.py), each with its type
    # and default. (A schema as data, which MkDocs still takes, rather than a Config class.)
    # `sources` is read by `digest update` only (importing/sources.py), never by a build.
    config_scheme = (*((f.name, c.Type(type(f.default), default=f.default)) for f in plugin_options()),
                     ("sources", c.Type(list, default=[])))

    def __init__(self) -> None:
        self.plan = SitePlan()
        self.templates_dir: Path | None = None
        self._epoch_we_set: str | None = None
        self.cache = PageCache(Path(CACHE_DIR))
        self.matchers = Matchers()
        self.fingerprint = ""
        self._outputs: tuple[list[str], list[str]] = ([], [])
        # Under `digest serve`, every output the builds so far may have left in the site
        # folder: a dirty build does not clean, so an exact build removes those it did not
        # write (a deleted paper's page, a renamed theme's feeds).
        self._served: set[str] = set()
        self._own_pages: list[File] = []  # the curator's pages
        self.base_pages: dict[str, str] = {}  # see build_on
        self._hashes: dict[str, str] = {}  # this build's, of the pages handed to MkDocs
        self._nav_pages: set[str] = set()  # the planned pages in the navigation
        self._search: SiteSearch | None = None  # this build's
        self._background = BackgroundSearch()  # under `digest serve`
        self._serving = False
        self._dirty = False  # builds leave the outputs they do not write (`digest serve`)
        self._planned_with: tuple[str, SiteOptions] | None = None  # the exact plan's fingerprint and options
        self._rebuild_request: Path | None = None  # touched after a preview; the server watches it
        self._stamp_folders: set[str] = set()  # the URL folders of the pages stamped (see on_files)
        self._stamping = False  # this build stamps pages (stamp_pages, and no other on_page_context)
        self._stamper: Stamper | None = None  # this build's, once MkDocs has its theme (on_env)

    def build_on(self, page_hashes: dict[str, str]) -> None:
        """Say that the site folder holds the outputs of these planned pages (by source
        path), written from these page hashes (engine.cache): in a dirty build, a page
        whose hash is the same now is not rendered again. `digest build` calls it with
        its record of the site the build starts from; under `digest serve` each build
        adds its own."""
        self.base_pages = dict(page_hashes)

    def on_config(self, config: Any) -> Any:
        if not config.use_directory_urls:
            raise PluginError("digest: set `use_directory_urls: true` in mkdocs.yml; paper and theme "
                              "pages use directory URLs like papers/<slug>/")
        for key in SLUG_FORMATS:
            directory = key.endswith("_url")
            if "{slug}" not in self.config[key] or (directory and not self.config[key].endswith("/")):
                raise PluginError(f"digest: `{key}` must contain {{slug}}"
                                  + (" and end with '/'" if directory else "")
                                  + f", got {self.config[key]!r}")
        if "{date}" not in self.config["edition_url"] or not self.config["edition_url"].endswith("/"):
            raise PluginError(f"digest: `edition_url` must contain {{date}} and end with '/', "
                              f"got {self.config['edition_url']!r}")
        if self.config["search_bundle"] < 1:
            raise PluginError(f"digest: `search_bundle` must be a number of papers, 1 or more; got "
                              f"{self.config['search_bundle']!r}")
        authority = self.config["feed_id_authority"]
        if authority and not re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?(@[a-z0-9.-]+)?", authority):
            raise PluginError(f"digest: `feed_id_authority` must be a domain name you own (or an e-mail "
                              f"address), like research-digest.example.org; got {authority!r}")
        _use_material(config)
        self._nav_pages = {source_path(self.config[key]) for key in ("home_url", "themes_url", "archive_url")}
        # The pages stamped: a paper's, theme's, author's or edition's, at "<folder>{slug}/".
        self._stamp_folders = {self.config[key].rpartition("{")[0]
                               for key in ("paper_url", "theme_url", "author_url", "edition_url")
                               if re.fullmatch(r"([^{}]*/)?\{(slug|date)\}/", self.config[key])}
        config_dir = Path(config.config_file_path or ".").resolve().parent
        self.templates_dir = (config_dir / self.config["templates_dir"]).resolve()
        self.cache = PageCache(config_dir / CACHE_DIR)
        if self.matchers.saved != self.cache.root / PHRASE_FINDS:  # kept across `digest serve` rebuilds
            self.matchers = Matchers(saved=self.cache.root / PHRASE_FINDS)
        # Earlier versions kept a file per planned page there (tens of MB at 10,000 papers).
        shutil.rmtree(self.cache.root / "pages", ignore_errors=True)
        self.fingerprint = fingerprint(
            Path(config.config_file_path or "mkdocs.yml"),
            [self.templates_dir, default_templates(), CODE_DIR],
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
        """The options of this site: the plugin's, and mkdocs.yml's own that the core reads."""
        return SiteOptions(site_name=config.site_name, site_url=config.site_url or "",
                           config_dir=Path(config.config_file_path or ".").resolve().parent,
                           **{f.name: self.config[f.name] for f in plugin_options()})

    def on_files(self, files: Files, config: Any) -> Files:
        if self._serving:
            self._background.stop()  # an index of older content: it would compete for the CPU
        content_dir = Path(config.docs_dir)
        options = self._with_home_text(self.options(config), files, config)
        self._hashes = {}
        self._stamper = None
        others = _page_context_handlers(self, config.plugins)
        self._stamping = self.config["stamp_pages"] and not others
        if self.config["stamp_pages"] and others:
            log.info(f"digest: pages are rendered in full, not stamped: on_page_context in {', '.join(others)} "
                     "may change any page's frame")
        preview = self._preview(content_dir, options)
        if preview is not None and preview.preview_of:
            self.plan = preview
            count = len(preview.preview_of)
            log.info(f"digest: showing {count} new or edited paper{'s' if count > 1 else ''} at once; "
                     "the exact build follows")
            self._set_build_date()
            return self._preview_files(files, config)

        # Under `digest serve` the index follows the build (on_post_build); else it starts
        # as soon as the papers are read.
        search = self._search = SiteSearch(_language(config), Path(config.site_dir), self.cache.root,
                                           start=not self._serving)

        def on_read(digest: Digest) -> None:
            search.papers_read(digest.papers, options)

        if preview is not None:  # no paper or theme changed: the plan is the same
            self.plan = preview
            if preview.analysis is not None:  # (the index that follows holds the same papers)
                search.papers_read(preview.analysis.digest.papers, options)
        else:
            self.plan = plan_site(content_dir, options, cache_dir=self.cache.root, on_read=on_read,
                                  matchers=self.matchers)
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
        files.append(File.generated(config, SEARCH_SCRIPT, content=search.script()))
        mathjax = _mathjax_dir()
        for asset, mathjax_file in MATHJAX.items():
            files.append(File.generated(config, asset, abs_src_path=str(mathjax / mathjax_file)))
        if search.running:
            search.planned(self.plan, self._own_documents(config))
        return files

    def _with_home_text(self, options: SiteOptions, files: Files, config: Any) -> SiteOptions:
        """The curator's own page at the home page's path (content/index.md, as `digest new`
        writes it) is the home page's text, above what the digest lists; it is taken out
        of the files, since the home page is generated."""
        home = files.get_file_from_path(source_path(self.config["home_url"]))
        if home is None or home.generated_by:
            return options
        files.remove(home)
        try:
            text, _front = meta.get_data(home.content_string)
        except (OSError, ValueError) as error:
            raise DigestError(f"{home.abs_src_path}: cannot be read as the home page's text ({error}); "
                              "fix or remove it") from error
        html = markdown.Markdown(extensions=config.markdown_extensions,
                                 extension_configs=config.mdx_configs or {}).convert(text)
        return dataclasses.replace(options, home_text=html)

    def _preview(self, content_dir: Path, options: SiteOptions) -> SitePlan | None:
        """A preview of the content's changes since the last exact plan (preview_site),
        when the server can be asked for the exact build after it."""
        if not (self._serving and self._dirty and self._rebuild_request is not None
                and self._planned_with == (self.fingerprint, options)):
            return None
        return preview_site(self.plan, content_dir, options, cache_dir=self.cache.root, matchers=self.matchers)

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
            if file.src_uri.rpartition("/")[0] == PAPERS_DIR or file.src_uri in (THEMES_FILE, AUTO_THEMES_FILE):
                files.remove(file)  # content, not pages: the plan has their pages
            elif file.src_uri in self.plan.pages:
                log.warning(f"digest: {file.src_uri} in the content folder is replaced by the "
                            "generated page of the same URL; rename it")
                files.remove(file)

    def _page_file(self, config: Any, src_uri: str) -> File:
        """A planned page's file: changed, for a dirty build, unless the site folder holds
        its output from the same hash (engine/cache.py)."""
        inclusion = InclusionLevel.UNDEFINED if src_uri in self._nav_pages else InclusionLevel.NOT_IN_NAV
        page_key = self._hashes[src_uri] = page_hash(self.plan.pages[src_uri], self.fingerprint)
        file = _PlannedFile.generated(config, src_uri, content="", inclusion=inclusion)
        assert isinstance(file, _PlannedFile)
        file.unchanged = self.base_pages.get(src_uri) == page_key
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

    def _own_documents(self, config: Any) -> list[OwnPage]:
        """The curator's own pages as the search index reads them."""
        language = _language(config)
        own = [(f.url, _own_page_document(f, config, language)) for f in self._own_pages]
        return [(url, document) for url, document in own if document]

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
        html = planned.html if planned is not None else html  # a paper page is rendered here
        # Only pages with math load the renderer (templates/overrides/main.html).
        page.meta["digest_math"] = 'class="arithmatex"' in html
        if planned is not None and self._stamps(page):
            # MkDocs renders the template a page names: this one writes what on_page_context
            # gives it. (The key is taken out of the page's meta again there.)
            page.meta["template"] = STAMP_TEMPLATE
        return html

    def _stamps(self, page: Any) -> bool:
        """Whether a planned page is stamped rather than rendered by the theme."""
        where = split_url(page.url)
        return (self._stamping and where is not None and where[0] in self._stamp_folders
                and page.file.src_uri not in self._nav_pages and "template" not in page.meta
                and not page.file.inclusion.is_excluded())

    def on_env(self, env: jinja2.Environment, config: Any, files: Files) -> jinja2.Environment:
        if self._stamping:
            assert env.loader is not None  # (a theme's environment loads its templates from its folders)
            env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({STAMP_TEMPLATE: STAMP_SOURCE}), env.loader])
            self._stamper = Stamper(env, config)
        return env

    def on_page_context(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        if page.meta.get("template") != STAMP_TEMPLATE:
            return context
        del page.meta["template"]  # (MkDocs has taken its template: the page's own meta again)
        assert self._stamper is not None
        context["digest_stamped"] = Markup(self._stamper.html(page, context, "main.html"))
        return context

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
        if self._search is not None:
            self._search.cancel()
        self._search = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Its presence also keeps this plugin object across `digest serve` rebuilds.
        self._serving = command == "serve"
        self._dirty = dirty

    def on_post_build(self, config: Any) -> None:
        self._restore_build_date()  # the sitemap, the only page that needs it, is written
        if self._stamper is not None:
            stamper, self._stamper = self._stamper, None
            log.info(f"digest: {stamper.stamped} pages stamped from {len(stamper.frames)} renders of their "
                     f"frame; {stamper.rendered} rendered in full")
        self.base_pages = {**self.base_pages, **self._hashes}  # (a preview writes a few pages)
        if self.plan.preview_of and self._rebuild_request is not None:
            # Shown; now the exact build (its search index too). The server sees this
            # file change within its polling interval, half a second.
            self._rebuild_request.parent.mkdir(parents=True, exist_ok=True)  # (.cache/ may have been deleted)
            self._rebuild_request.write_text(" ".join(self.plan.preview_of), encoding="utf-8")
            return
        self.cache.write_outputs(*self._outputs, pages=self._hashes)
        search, self._search = self._search, None
        if self._serving and self._dirty:
            written = {*self._outputs[0], *self._outputs[1]}
            remove_outputs(Path(config.site_dir), self._served - written)
            self._served = written
        if self._serving:
            # The server shows the pages at once; their search index follows when it is ready.
            if search is not None:
                self._background.rebuild(search, self.plan, self._own_documents(config))
            return
        if search is not None:
            search.install()

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        if self.templates_dir and self.templates_dir.is_dir():
            server.watch(str(self.templates_dir))
        request = self.cache.root / "serve" / "rebuild"
        request.parent.mkdir(parents=True, exist_ok=True)
        server.watch(str(request.parent))
        self._rebuild_request = request
        return show_build_errors(server)  # a failed rebuild: the last good site, with its error


# Errors are caught once, here: every event of the plugin reports a DigestError to MkDocs.
for _name, _event in list(vars(DigestPlugin).items()):
    if _name.startswith("on_") and callable(_event):
        setattr(DigestPlugin, _name, _reported(_event))


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


# The theme a site gets when its mkdocs.yml names none: the bundled mkdocs.yml's.
MATERIAL_THEME: dict[str, Any] = {
    "name": "material",
    "font": False,  # no requests to Google Fonts: pages work offline
    "features": ["navigation.tabs", "content.code.copy"],
    "palette": [
        {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo",
         "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"}},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo",
         "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"}},
    ],
}


def _use_material(config: Any) -> None:
    """The site's pages, search and overrides are Material's. A mkdocs.yml without `theme`
    gets MkDocs' plain theme, with no search box and a script from a CDN: give it
    Material, set up as the bundled mkdocs.yml does (MkDocs loads the theme while it
    validates the configuration, before on_config, but uses it only after). Any other
    theme named in mkdocs.yml is refused with what to write."""
    if config.theme.name == "material":
        return
    if config.theme.name == "mkdocs" and not config.theme.custom_dir and not _names_a_theme(config):
        config.theme = c.Theme(default="mkdocs").validate(dict(MATERIAL_THEME))
        log.info("digest: mkdocs.yml sets no `theme`; building with Material, set up as the bundled "
                 "mkdocs.yml does (add a `theme:` section to change it)")
        return
    raise PluginError(f"digest: the theme is {config.theme.name or config.theme.custom_dir!r}; the digest's pages "
                      "need Material for MkDocs: set `theme: {name: material, font: false}` in mkdocs.yml, "
                      "or leave `theme` out to have it set up for you")


def _names_a_theme(config: Any) -> bool:
    """Whether mkdocs.yml itself has a `theme` key (MkDocs' default theme is `mkdocs`)."""
    from mkdocs.utils.yaml import yaml_load

    if not config.config_file_path or not os.path.isfile(config.config_file_path):
        return True  # a configuration made in code: take its theme as chosen
    with open(config.config_file_path, encoding="utf-8") as handle:
        raw = yaml_load(handle)
    return not isinstance(raw, dict) or "theme" in raw or "INHERIT" in raw


def _page_context_handlers(plugin: DigestPlugin, plugins: Any) -> list[str]:
    """The other plugins (or hooks) with an on_page_context: each may change what the
    theme shows of any page, so with them pages are rendered by the theme."""
    origins = getattr(plugins, "_event_origins", {})
    return sorted({str(origins.get(method, "a plugin")) for method in plugins.events["page_context"]
                   if getattr(method, "__self__", None) is not plugin})


def _version(package: str) -> str:
    try:
        return f"{package} {version(package)}"
    except PackageNotFoundError:
        return f"{package} (not installed)"


def _feed_dict(feed: FeedLink) -> dict[str, str]:
    return {"type": feed.type, "title": feed.title, "path": feed.path}


def _mathjax_dir() -> Path:
    """MathJax's files, from the django-static-mathjax package (static files only: it
    needs no Django), so that pages load no script from another site."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise PluginError("digest: MathJax is missing; reinstall research-digest (it depends on "
                          "django-static-mathjax)")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"


def _own_page_document(file: File, config: Any, language: str) -> str | None:
    """A curator's page for the search index, in the element the index reads (Material's
    article, whose first heading is the title). MkDocs renders it only later; its
    Markdown is converted here with the site's extensions."""
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
