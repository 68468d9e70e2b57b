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
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .charts import bar_chart
from .citation import absolute, bibtex
from .errors import BuildError
from .model import LINK_KINDS, Membership, Paper, Theme
from .pipeline import Analysis, FeedLink, PlannedPage, SiteOptions, feed_links, source_path

LINK_LABELS = {"arxiv": "arXiv", "pdf": "PDF", "code": "Code", "project": "Project page", "data": "Data"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
TEASER_LENGTH = 220
MONTHS_AFTER = 20  # a theme page with more papers than this groups them by month


# --------------------------------------------------------------------------- filters (pure)


def human_date(day: dt.date | None) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


def month_label(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


# Display math $$...$$, and inline math as pandoc reads it: $ then a non-space, ...,
# a non-space then $, not followed by a digit, so "$5 and $10" stays text.
_MATH = re.compile(r"\$\$(?=\S)([^$\n]{1,500}?)(?<=\S)\$\$"
                   r"|(?<![\\$\w])\$(?=\S)([^$\n]{1,500}?)(?<=\S)\$(?!\d)")


@functools.lru_cache(maxsize=1 << 16)  # a title is shown on many pages: mark it up once
def rich(text: str) -> Markup:
    """Text as escaped HTML, with each $...$ marked up for the math renderer the way
    pymdownx.arithmatex does (generic mode). The TeX stays escaped text inside the
    span: without the renderer's script the page shows it as written."""
    if "$" not in text:  # most texts: no math to look for
        return escape(text)
    out = []
    position = 0
    for math in _MATH.finditer(text):
        out.append(escape(text[position:math.start()]))
        if math.group(1) is not None:
            out.append(Markup('<span class="arithmatex">\\[{}\\]</span>').format(math.group(1)))
        else:
            out.append(Markup('<span class="arithmatex">\\({}\\)</span>').format(math.group(2)))
        position = math.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def paragraphs(text: str) -> Markup:
    """Plain text to escaped HTML paragraphs (blank lines separate them), math marked up."""
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return Markup("\n").join(Markup("<p>{}</p>").format(rich(p)) for p in parts)


_SENTENCE = re.compile(r"(.{40,}?[.!?])(\s|$)")  # the first sentence, 40 characters or more


@functools.lru_cache(maxsize=1 << 16)  # a paper's card appears on several pages
def teaser(text: str, length: int = TEASER_LENGTH) -> str:
    """The first sentence, or the first `length` characters cut at a word."""
    # Only the start is shown: flatten the whitespace of a prefix, not of the whole
    # abstract (which took longer than the rest of a card). Flattened, a prefix of the
    # text is a prefix of the flat text; longer than `length`, it decides the same teaser.
    flat = " ".join(text[: 2 * length].split())
    if len(flat) <= length and len(text) > 2 * length:  # cut, and it was mostly whitespace
        flat = " ".join(text.split())
    match = _SENTENCE.match(flat)
    if match and len(match.group(1)) <= length:
        return match.group(1)
    if len(flat) <= length:
        return flat
    return flat[:length].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def relative_href(from_url: str, to_url: str) -> str:
    """A link from the page at from_url (a directory URL like "papers/x/", or "" for
    home) to to_url (a directory URL, or a file like "themes/y/feed.xml").

    Plain string work: posixpath.relpath asks the OS for the current folder on
    every call, and a build makes tens of links per page.
    """
    path, _, fragment = to_url.partition("#")
    here = from_url.split("/")[:-1]  # "papers/x/" -> ["papers", "x"]; "" -> []
    there = path.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    rel = "../" * (len(here) - common) + "/".join(there[common:])
    return (rel or "./") + (f"#{fragment}" if fragment else "")


# --------------------------------------------------------------------------- environment


def default_templates() -> Path:
    """The shipped templates: inside an installed package they sit in generator/templates,
    in a source checkout (or an editable install) at the top level, beside generator/."""
    package = Path(__file__).resolve().parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


def make_environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    """Templates from the site's folders first, then the defaults shipped in the package."""
    search = [str(d) for d in template_dirs if d.is_dir()] + [str(default_templates())]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # an environment lives for one build: no stat of the template per page
    )
    env.filters.update(
        human_date=human_date, month_label=month_label, paragraphs=paragraphs, teaser=teaser, rich=rich,
    )
    return env


# --------------------------------------------------------------------------- the site


class Site:
    """Lookups the templates need, computed once per build."""

    def __init__(self, analysis: Analysis, options: SiteOptions) -> None:
        self.analysis = analysis
        self.options = options
        self.digest = analysis.digest
        self.grouping = analysis.grouping
        self.themes: tuple[Theme, ...] = analysis.grouping.themes
        self.theme_by_slug = {t.slug: t for t in self.themes}
        # Newest first; within a day, by slug (as in the feeds), so the order never depends on file order.
        newest = sorted(self.digest.papers, key=lambda p: (-p.added.toordinal(), p.slug))
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
            "theme_bib": options.theme_bib,
        }

    def url(self, kind: str, slug: str = "") -> str:
        return self._url_formats[kind].format(slug=slug)

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
    env = make_environment(options.template_dirs)
    site = Site(analysis, options)
    pages: dict[str, PlannedPage] = {}
    titles = {t.slug: t.title for t in site.themes}

    def add(kind: str, slug: str, template: str, title: str, themes: tuple[str, ...] = (),
            search_text: str = "", **context: Any) -> None:
        url = site.url(kind, slug)
        feeds = feed_links(options, themes, titles) if themes else ()
        html = _render(env, template, url, site, title=title, feeds=feeds, **context)
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
            related_themes=site.related_themes(theme.slug))
    add("archive", "", "archive.html", "Archive", months=_archive(site.papers_newest))
    for name, papers in site.author_papers().items():
        add("author", analysis.author_slugs[name], "author.html", name, name=name, papers=papers)
    pages.update(_paper_pages(env, site, site.digest.papers))
    return pages


def render_paper_pages(analysis: Analysis, options: SiteOptions, slugs: Iterable[str]) -> dict[str, PlannedPage]:
    """Only these papers' own pages, as render_pages would plan them from this analysis."""
    site = Site(analysis, options)
    return _paper_pages(make_environment(options.template_dirs), site, [site.digest.paper(s) for s in slugs])


def _paper_pages(env: jinja2.Environment, site: Site, papers: Iterable[Paper]) -> dict[str, PlannedPage]:
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
                          absolute(options, options.paper_url.format(slug=paper.slug))),
            title=paper.title, feeds=feeds, paper=paper)
        key = keys.key(("paper.html", url, options, sorted(context.items())))
        pages[source_path(url)] = PlannedPage(
            url=url, title=paper.title, key=key, feeds=feeds, search_text=paper.abstract,
            render=functools.partial(_render_alone, env, "paper.html", url, site, context))
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
        known = self._hashes.get(id(obj))
        if known is None:
            digest = hashlib.blake2b(pickle.dumps(obj, protocol=5), digest_size=20).hexdigest()
            known = self._hashes[id(obj)] = (obj, (str, (f"{type(obj).__name__} {digest}",)))
        return known[1]


def _by_month(newest: list[Paper]) -> list[tuple[str, list[Paper]]]:
    """[(month label, papers)], newest first: long theme pages are grouped by month."""
    months: dict[tuple[int, int], list[Paper]] = defaultdict(list)
    for paper in newest:
        months[(paper.added.year, paper.added.month)].append(paper)
    return [(month_label(papers[0].added), papers) for papers in months.values()]


def _archive(newest: list[Paper]) -> list[tuple[str, list[tuple[dt.date, list[Paper]]]]]:
    """[(month label, [(day, papers)])], newest first."""
    months: dict[tuple[int, int], dict[dt.date, list[Paper]]] = defaultdict(lambda: defaultdict(list))
    for paper in newest:
        months[(paper.added.year, paper.added.month)][paper.added].append(paper)
    return [(month_label(next(iter(days))), list(days.items())) for _, days in months.items()]


def _render(env: jinja2.Environment, template: str, url: str, site: Site, **context: Any) -> str:
    """A page that may use anything the site knows."""
    return _render_alone(env, template, url, site, dict(
        site=site, themes_of=site.grouping.themes_of, theme_by_slug=site.theme_by_slug,
        theme_papers=site.theme_papers, **context))


def _render_alone(env: jinja2.Environment, template: str, url: str, site: Site, context: dict[str, Any]) -> str:
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


__all__ = ["render_pages", "render_paper_pages", "relative_href", "teaser", "paragraphs", "make_environment"]
