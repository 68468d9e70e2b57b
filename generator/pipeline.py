"""The build path, top to bottom, with no MkDocs in it.

    content/ -> load + validate -> group by theme -> relate -> render pages (+ feeds, data)
             -> SitePlan {path: page | file}

`plan_site` returns the whole plan; an adapter (generator.plugin for MkDocs)
decides how it reaches the disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from scipy import sparse

from .citation import citation_keys
from .content import load_digest
from .errors import Problem
from .grouping import group, theme_phrases
from .phrases import load_finds, save_finds
from .model import Digest, Grouping, Paper, Related
from .relating import relate, tfidf_matrix
from .slugs import slugify, unique_slug


@dataclass(frozen=True)
class SiteOptions:
    """URL formats and sizes; the plugin fills these from mkdocs.yml."""

    site_name: str = "Research digest"
    site_url: str = ""
    intro: str = ""
    home_url: str = ""
    themes_url: str = "themes/"
    theme_url: str = "themes/{slug}/"
    paper_url: str = "papers/{slug}/"
    archive_url: str = "archive/"
    author_url: str = "authors/{slug}/"
    theme_bib: str = "themes/{slug}/papers.bib"
    feed_rss: str = "feed.xml"
    feed_atom: str = "atom.xml"
    theme_feed_rss: str = "themes/{slug}/feed.xml"
    theme_feed_atom: str = "themes/{slug}/atom.xml"
    opml: str = "feeds.opml"
    feed_items: int = 50  # newest items per feed
    feed_id_authority: str = ""  # the tag: URI authority of feed ids; "" = the host of site_url
    latest: int = 10  # papers listed under "latest additions" on the home page
    related: int = 5  # related papers per paper page
    template_dirs: tuple[Path, ...] = ()


RSS = "application/rss+xml"
ATOM = "application/atom+xml"


@dataclass(frozen=True)
class FeedLink:
    type: str  # RSS or ATOM
    title: str  # plain text
    path: str  # site-relative, like "themes/x/feed.xml"


@dataclass(frozen=True, eq=False)
class PlannedPage:
    url: str  # site-relative, like "papers/some-slug/"
    title: str  # plain text; escaped where it is used
    render: Callable[[], str]  # the page body as HTML: called once, when `html` is first read
    key: str  # a hash of everything the body depends on, besides the templates and tool versions
    feeds: tuple[FeedLink, ...] = ()  # its themes' feeds, announced in the head beside the digest's
    search_text: str = ""  # plain text the search index holds for it, beside its title

    @functools.cached_property
    def html(self) -> str:
        # Lazy: an incremental build renders only the pages whose key changed.
        return self.render()

    @classmethod
    def rendered(cls, url: str, title: str, html: str, feeds: tuple[FeedLink, ...] = (),
                 search_text: str = "") -> PlannedPage:
        """A page whose body is already rendered: its key is the body's hash."""
        key = hashlib.blake2b(html.encode("utf-8"), digest_size=20).hexdigest()
        return cls(url=url, title=title, render=lambda: html, key=key, feeds=feeds, search_text=search_text)


@dataclass(frozen=True)
class SitePlan:
    pages: dict[str, PlannedPage] = field(default_factory=dict)  # by source path, like "papers/x.md"
    files: dict[str, bytes] = field(default_factory=dict)  # feeds and data, by output path
    newest: dt.date | None = None  # the newest paper's added date: the site's date
    warnings: tuple[Problem, ...] = ()  # content problems that do not stop a build
    analysis: Analysis | None = None  # what the pages were planned from; None in a preview
    preview_of: tuple[str, ...] = ()  # a preview's pages rendered again (see preview_site)


@dataclass(frozen=True)
class Analysis:
    """Everything known about the content before rendering."""

    digest: Digest
    grouping: Grouping
    related: dict[str, tuple[Related, ...]]
    matrix: sparse.csr_matrix  # TF-IDF of title + abstract, rows in digest.papers order
    citation_keys: dict[str, str]  # paper slug -> BibTeX key, unique in the digest
    author_slugs: dict[str, str]  # author name -> slug of the author's page


def analyse(digest: Digest, options: SiteOptions) -> Analysis:
    matrix, terms = tfidf_matrix(digest.papers)  # one TF-IDF for grouping and relating
    # One after the other: relating's sparse product (sparse-dot-topn, on two threads of
    # its own) holds the interpreter lock throughout, so grouping in a thread beside it
    # waited for it (measured: no gain).
    related = relate(digest.papers, matrix, k=options.related)
    grouping = group(digest, matrix, terms)
    return Analysis(digest=digest, grouping=grouping, related=related, matrix=matrix,
                    citation_keys=citation_keys(digest.papers), author_slugs=author_slugs(digest.papers))


def author_slugs(papers: Sequence[Paper]) -> dict[str, str]:
    """A page slug per distinct author name; names that slugify alike get -2, -3 in name order."""
    taken: set[str] = set()
    slugs = {}
    for name in sorted({a for p in papers for a in p.authors}):
        slug = unique_slug(slugify(name), taken)
        taken.add(slug)
        slugs[name] = slug
    return slugs


def plan_site(content_dir: Path, options: SiteOptions, cache_dir: Path | None = None,
              on_read: Callable[[Digest], None] | None = None) -> SitePlan:
    """The whole site. With a cache_dir, unchanged paper files are not read again.
    on_read is called with the papers as soon as they are read (the search index starts
    then)."""
    with full_collections_paused():
        return _plan_site(content_dir, options, cache_dir, on_read)


def _plan_site(content_dir: Path, options: SiteOptions, cache_dir: Path | None,
               on_read: Callable[[Digest], None] | None) -> SitePlan:
    # Imported here: they import this module's records.
    from .citation import plan_bibliographies
    from .data import plan_data
    from .feeds import plan_feeds
    from .render import render_pages

    warnings: list[Problem] = []
    if cache_dir is not None:
        load_finds(cache_dir / "phrases.pickle")
    digest = load_digest(content_dir, warnings=warnings,
                         cache_file=cache_dir / "papers.pickle" if cache_dir is not None else None)
    if on_read is not None:
        on_read(digest)
    analysis = analyse(digest, options)
    if cache_dir is not None:
        save_finds(cache_dir / "phrases.pickle", theme_phrases(digest.themes),
                   (text for p in digest.papers for text in (p.title, p.abstract)))
    pages = render_pages(analysis, options)
    files = plan_feeds(analysis, options) | plan_data(analysis, options) | plan_bibliographies(analysis, options)
    newest = max((p.added for p in digest.papers), default=None)
    return SitePlan(pages=pages, files=files, newest=newest, warnings=tuple(warnings), analysis=analysis)


# Papers a preview renders at most; an edit of more waits for the exact plan.
PREVIEW_LIMIT = 20


def preview_site(previous: SitePlan, content_dir: Path, options: SiteOptions,
                 cache_dir: Path | None = None) -> SitePlan | None:
    """Under `digest serve`, a quick plan for an edit: the previous plan's pages, but
    the pages of the papers edited or added since rendered with their new text, from
    the previous analysis (an edited paper keeps its themes, related papers and
    neighbours; an added one has none yet). It shows an edit at once at any size; the
    caller follows it with the exact plan_site, since one abstract can move themes and
    related papers anywhere in the digest.

    The previous plan itself when no paper or theme changed (only the curator's
    pages, which MkDocs renders); None when the change is more than that: papers
    removed or re-dated, the taxonomy changed, or more than PREVIEW_LIMIT papers.
    """
    analysis = previous.analysis
    if analysis is None:
        return None
    warnings: list[Problem] = []
    digest = load_digest(content_dir, warnings=warnings,
                         cache_file=cache_dir / "papers.pickle" if cache_dir is not None else None)
    before = {p.slug: p for p in analysis.digest.papers}
    if digest.themes != analysis.digest.themes or not before.keys() <= {p.slug for p in digest.papers}:
        return None
    changed = [p for p in digest.papers if before.get(p.slug) != p]
    if not changed:
        return replace(previous, warnings=tuple(warnings))
    if len(changed) > PREVIEW_LIMIT or any(p.slug in before and p.added != before[p.slug].added for p in changed):
        return None
    from .render import render_paper_pages

    # Citation keys and author pages' slugs are cheap to redo, and an edit may change them.
    provisional = replace(analysis, digest=digest, citation_keys=citation_keys(digest.papers),
                          author_slugs=author_slugs(digest.papers))
    pages = render_paper_pages(provisional, options, [p.slug for p in changed])
    return SitePlan(pages=previous.pages | pages, files=previous.files,
                    newest=max(p.added for p in digest.papers), warnings=tuple(warnings), preview_of=tuple(pages))


@contextlib.contextmanager
def full_collections_paused() -> Iterator[None]:
    """Only the young generations are collected inside; the next full collection comes
    after, when the collector's own counts call for it. Nearly every object a plan is
    made of lives as long as the plan, and a full collection walks the whole heap: at
    10,000 papers, the six that planning set off took 0.7 s and found next to no
    garbage. (The threshold is the process's: one plan is made at a time.)"""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


def feed_links(options: SiteOptions, theme_slugs: tuple[str, ...] = (),
               theme_titles: dict[str, str] | None = None) -> tuple[FeedLink, ...]:
    """The feeds a page's head announces: the digest's, or its themes'."""
    if not theme_slugs:
        return (FeedLink(RSS, f"{options.site_name} (RSS)", options.feed_rss),
                FeedLink(ATOM, f"{options.site_name} (Atom)", options.feed_atom))
    titles = theme_titles or {}
    links = []
    for slug in theme_slugs:
        title = titles.get(slug, slug)
        links.append(FeedLink(RSS, f"{title} (RSS)", options.theme_feed_rss.format(slug=slug)))
        links.append(FeedLink(ATOM, f"{title} (Atom)", options.theme_feed_atom.format(slug=slug)))
    return tuple(links)


def source_path(url: str) -> str:
    """The Markdown source path MkDocs needs for a page at url: "papers/x/" -> "papers/x.md"."""
    stem = url.strip("/")
    return f"{stem}.md" if stem else "index.md"
