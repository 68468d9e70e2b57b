"""Pages from Jinja2 templates: structured data in, HTML bodies out.

Paper and theme pages come from data, so they are rendered straight to HTML and
skip Markdown conversion. Autoescaping is on: every title and abstract is text,
never markup. Links are written relative to the page, as MkDocs would.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import pickle
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import jinja2
from markupsafe import Markup

from ..analysis import Analysis
from ..errors import BuildError
from ..model import LINK_KINDS, Membership, Paper, Theme, newest_first
from ..options import SiteOptions
from .bibtex import bibtex
from .charts import bar_chart
from .editions import edition_title, editions
from .markup import human_date, month_label
from .plan import FeedLink, PlannedPage, author_feeds, edition_feeds, feed_links, source_path
from .templates import make_environment
from .urls import absolute_url, relative_href

LINK_LABELS = {"arxiv": "arXiv", "pdf": "PDF", "code": "Code", "project": "Project page", "data": "Data"}
MONTHS_AFTER = 20  # a theme page with more papers than this groups them by month


class SiteLookups:
    """What the templates look up (a theme's papers, a paper's neighbours, shared
    themes...), computed once per build."""

    def __init__(self, analysis: Analysis, options: SiteOptions) -> None:
        self.analysis = analysis
        self.options = options
        self.digest = analysis.digest
        self.grouping = analysis.grouping
        self.themes: tuple[Theme, ...] = analysis.grouping.themes
        self.theme_by_slug = {t.slug: t for t in self.themes}
        # Newest first; within a day, by slug (as in the feeds), so the order never depends on file order.
        newest = sorted(self.digest.papers, key=newest_first)
        self.papers_newest = newest
        rank = {p.slug: i for i, p in enumerate(newest)}
        self.theme_papers: dict[str, list[Paper]] = {
            t.slug: sorted((self.digest.paper(s) for s in self.grouping.members.get(t.slug, ())),
                           key=lambda p: rank[p.slug])
            for t in self.themes
        }
        self.theme_position: dict[str, dict[str, int]] = {
            slug: {p.slug: i for i, p in enumerate(papers)} for slug, papers in self.theme_papers.items()
        }
        # A paper's theme slugs, for shared_themes: asked for every related paper of every paper.
        self.theme_slugs_of: dict[str, tuple[str, ...]] = {
            slug: tuple(m.theme for m in memberships) for slug, memberships in self.grouping.memberships.items()
        }
        self._url_formats = {
            "home": options.home_url, "themes": options.themes_url, "theme": options.theme_url,
            "paper": options.paper_url, "archive": options.archive_url, "author": options.author_url,
            "authors": options.authors_url,
            "theme_bib": options.theme_bib, "editions": options.editions_url, "edition": options.edition_url,
        }

    def url(self, kind: str, slug: str = "") -> str:
        """A page's site-relative URL; `slug` is a day (YYYY-MM-DD) for an edition."""
        return self._url_formats[kind].format(slug=slug, date=slug)

    def related_themes(self, theme_slug: str, limit: int = 5) -> list[tuple[Theme, int]]:
        """Themes sharing papers with this one, most shared first."""
        counts: Counter[str] = Counter()
        for paper in self.theme_papers[theme_slug]:
            for membership in self.grouping.themes_of(paper.slug):
                if membership.theme != theme_slug:
                    counts[membership.theme] += 1
        order = {t.slug: i for i, t in enumerate(self.themes)}
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]]))[:limit]
        return [(self.theme_by_slug[slug], n) for slug, n in ranked]

    def author_papers(self) -> dict[str, list[Paper]]:
        """Author name -> their papers, newest first."""
        papers: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.papers_newest:
            for name in dict.fromkeys(paper.authors):
                papers[name].append(paper)
        return dict(sorted(papers.items()))

    def shared_themes(self, a: str, b: str) -> list[Theme]:
        theirs = self.theme_slugs_of.get(b, ())
        return [self.theme_by_slug[slug] for slug in self.theme_slugs_of.get(a, ()) if slug in theirs]

    def neighbours(self, paper: Paper) -> tuple[Paper | None, Paper | None]:
        """Previous (newer) and next (older) paper within the paper's first theme."""
        memberships = self.grouping.themes_of(paper.slug)
        if not memberships:
            return None, None
        slug = memberships[0].theme
        papers = self.theme_papers[slug]
        i = self.theme_position[slug][paper.slug]
        return (papers[i - 1] if i > 0 else None), (papers[i + 1] if i + 1 < len(papers) else None)


def render_pages(analysis: Analysis, options: SiteOptions) -> dict[str, PlannedPage]:
    """Source path ("papers/x.md") -> the planned page. (plan_site makes it without full
    garbage collections: nearly every object made here lives as long as the plan.)"""
    env = make_environment(options.site_templates())
    site = SiteLookups(analysis, options)
    pages: dict[str, PlannedPage] = {}
    titles = {t.slug: t.title for t in site.themes}

    def add(kind: str, slug: str, template: str, title: str, themes: tuple[str, ...] = (),
            search_text: str = "", feeds: tuple[FeedLink, ...] = (), **context: Any) -> None:
        url = site.url(kind, slug)
        feeds = feed_links(options, themes, titles) if themes else feeds
        html = _render_with_site(env, template, url, site, title=title, feeds=feeds, **context)
        pages[source_path(url)] = PlannedPage.rendered(url, title, html, feeds, search_text)

    chart = bar_chart([(t.title, len(site.theme_papers[t.slug])) for t in site.themes], "Papers per theme")
    add("home", "", "home.html", options.site_name, chart=chart, search_text=options.intro,
        latest=site.papers_newest[: options.latest], digest_feeds=feed_links(options))
    add("themes", "", "themes.html", "Themes")
    for theme in site.themes:
        papers = site.theme_papers[theme.slug]
        add("theme", theme.slug, "theme.html", theme.title, themes=(theme.slug,), theme=theme,
            search_text=theme.description,
            papers=papers, months=_by_month(papers) if len(papers) > MONTHS_AFTER else [],
            related_themes=site.related_themes(theme.slug),
            edition_feeds=edition_feeds(options, theme.slug, theme.title))
    add("archive", "", "archive.html", "Archive", months=_archive(site.papers_newest))
    days = editions(analysis)
    add("editions", "", "editions.html", "Daily editions", editions=days, digest_feeds=edition_feeds(options))
    for edition in days:
        day = edition.day.isoformat()
        add("edition", day, "edition.html", edition_title(edition, options.site_name, human_date(edition.day)),
            edition=edition)
    authors = site.author_papers()
    add("authors", "", "authors.html", "Authors", count=len(authors), authors=_by_initial(
        [(name, analysis.author_slugs[name], len(papers)) for name, papers in authors.items()]))
    for name, papers in authors.items():
        slug = analysis.author_slugs[name]
        add("author", slug, "author.html", name, name=name, papers=papers, feeds=author_feeds(options, slug, name))
    pages.update(_paper_pages(env, site, site.digest.papers))
    return pages


def render_paper_pages(analysis: Analysis, options: SiteOptions, slugs: Iterable[str]) -> dict[str, PlannedPage]:
    """Only these papers' own pages, as render_pages would plan them from this analysis."""
    site = SiteLookups(analysis, options)
    return _paper_pages(make_environment(options.site_templates()), site, [site.digest.paper(s) for s in slugs])


def _paper_pages(env: jinja2.Environment, site: SiteLookups, papers: Iterable[Paper]) -> dict[str, PlannedPage]:
    """Paper pages, each rendered when its HTML is first needed. A paper page's
    template sees only its own context (no `site`), so the context's hash is a complete
    key: a page whose key did not change is the same page, and an incremental build
    skips it."""
    analysis, options = site.analysis, site.options
    titles = {t.slug: t.title for t in site.themes}
    keys = _PageKeys()
    pages: dict[str, PlannedPage] = {}

    @functools.lru_cache(maxsize=None)
    def theme_feeds(themes: tuple[str, ...]) -> tuple[FeedLink, ...]:
        return feed_links(options, themes, titles) if themes else ()

    for paper in papers:
        previous, following = site.neighbours(paper)
        memberships = site.grouping.themes_of(paper.slug)
        url = site.url("paper", paper.slug)
        feeds = theme_feeds(tuple(m.theme for m in memberships))
        context: dict[str, Any] = dict(
            memberships=[(site.theme_by_slug[m.theme], m) for m in memberships],
            related=[(site.digest.paper(r.slug), site.shared_themes(paper.slug, r.slug))
                     for r in analysis.related.get(paper.slug, ())],
            previous=previous, next=following,
            links=[(kind, LINK_LABELS[kind], url) for kind in LINK_KINDS for url in paper.links_of(kind)],
            authors=[(name, analysis.author_slugs[name]) for name in paper.authors],
            bibtex=bibtex(paper, analysis.citation_keys[paper.slug],
                          absolute_url(options.site_url, options.paper_url.format(slug=paper.slug))),
            title=paper.title, feeds=feeds, paper=paper)
        key = keys.key(("paper.html", url, options, sorted(context.items())))
        pages[source_path(url)] = PlannedPage(
            url=url, title=paper.title, key=key, feeds=feeds, search_text=paper.abstract,
            render=functools.partial(_render_from_context, env, "paper.html", url, site, context))
    return pages


class _PageKeys:
    """Hashes of page contexts. A paper or theme is on many pages (related lists,
    neighbours, chips): each is pickled and hashed once, and stands in the pickle of
    a page's context by its hash (a reducer in the pickler's dispatch table, so that
    only papers and themes call back into Python)."""

    def __init__(self) -> None:
        # id -> (the object, kept alive; its reduction to its hash, made once)
        self._hashes: dict[int, tuple[object, tuple[type[str], tuple[str]]]] = {}
        self._table: dict[type, Callable[[Any], tuple[Any, ...]]] = {
            Paper: self._reduce, Theme: self._reduce, SiteOptions: self._reduce, FeedLink: self._reduce,
            # A membership is on one page only: pickled as a plain tuple, faster than a dataclass.
            Membership: lambda m: (tuple, ((m.theme, m.score, m.reasons, m.pinned),)),
        }

    def key(self, context: object) -> str:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=5)
        pickler.dispatch_table = self._table
        pickler.dump(context)
        return hashlib.blake2b(buffer.getbuffer(), digest_size=20).hexdigest()

    def _reduce(self, obj: Paper | Theme | SiteOptions | FeedLink) -> tuple[type[str], tuple[str]]:
        made = self._hashes.get(id(obj))
        if made is None:
            key = hashlib.blake2b(pickle.dumps(obj, protocol=5), digest_size=20).hexdigest()
            made = self._hashes[id(obj)] = (obj, (str, (f"{type(obj).__name__} {key}",)))
        return made[1]


def _by_month(newest: list[Paper]) -> list[tuple[str, list[Paper]]]:
    """[(month label, papers)], newest first: long theme pages are grouped by month."""
    months: dict[tuple[int, int], list[Paper]] = defaultdict(list)
    for paper in newest:
        months[(paper.added.year, paper.added.month)].append(paper)
    return [(month_label(papers[0].added), papers) for papers in months.values()]


def _by_initial(authors: list[tuple[str, str, int]]) -> list[tuple[str, list[tuple[str, str, int]]]]:
    """[(initial, [(name, slug, papers)])]: the authors index, by the first letter of the
    slug (ASCII, so "Émile" sits under E), names in that order."""
    letters: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for author in sorted(authors, key=lambda a: (a[1], a[0])):
        initial = author[1][:1].upper()
        letters[initial if initial.isalpha() else "#"].append(author)
    return sorted(letters.items(), key=lambda kv: (kv[0] == "#", kv[0]))


def _archive(newest: list[Paper]) -> list[tuple[str, list[tuple[dt.date, list[Paper]]]]]:
    """[(month label, [(day, papers)])], newest first."""
    months: dict[tuple[int, int], dict[dt.date, list[Paper]]] = defaultdict(lambda: defaultdict(list))
    for paper in newest:
        months[(paper.added.year, paper.added.month)][paper.added].append(paper)
    return [(month_label(next(iter(days))), list(days.items())) for _, days in months.items()]


def _render_with_site(env: jinja2.Environment, template: str, url: str, site: SiteLookups, **context: Any) -> str:
    """A page that may use anything the site knows."""
    return _render_from_context(env, template, url, site, dict(
        site=site, themes_of=site.grouping.themes_of, theme_by_slug=site.theme_by_slug,
        theme_papers=site.theme_papers, **context))


def _render_from_context(env: jinja2.Environment, template: str, url: str, site: SiteLookups, context: dict[str, Any]) -> str:
    """A page from this context, the options and link helpers only."""
    def href(kind: str, slug: str = "") -> str:
        return relative_href(url, site.url(kind, slug))

    def href_path(path: str) -> str:
        return relative_href(url, path)

    def theme_chip(theme: Theme) -> Markup:
        return _chip(href("theme", theme.slug), theme.title)

    helpers: dict[str, Callable[..., Any]] = {"href": href, "href_path": href_path, "theme_chip": theme_chip,
                                              "quoted": lambda phrases: _quoted(tuple(phrases))}
    try:
        return env.get_template(template).render(options=site.options, page_url=url, **helpers, **context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message}; "
                         "fix the template") from None
    except jinja2.TemplateError as exc:
        where = _template_frame(exc) or template
        raise BuildError(f"{where}: template error while rendering {url or 'the home page'}: {exc}; "
                         "fix the template") from None


@functools.lru_cache(maxsize=1 << 12)
def _chip(href: str, title: str) -> Markup:
    """A theme's chip: a link to its page."""
    return Markup('<a class="digest-chip" dir="auto" href="{}">{}</a>').format(href, title)


@functools.lru_cache(maxsize=1 << 12)
def _quoted(phrases: tuple[str, ...]) -> Markup:
    """Phrases as inline quotes: <q>a</q>, <q>b</q>."""
    return Markup(", ").join(Markup("<q>{}</q>").format(phrase) for phrase in phrases)


def _template_frame(exc: BaseException) -> str | None:
    """file:line of the innermost template frame in exc's traceback."""
    tb = exc.__traceback__
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            found = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found
