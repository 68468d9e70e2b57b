"""The site plan's records: what rendering returns and the engine hands to MkDocs.

    SitePlan {source path: PlannedPage} + {output path: bytes} (feeds, data, BibTeX)

A PlannedPage's body is rendered when first read (`html`), so that an incremental
build renders only the pages whose key changed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from ..analysis import Analysis
from ..errors import Problem
from ..options import SiteOptions

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


def author_feeds(options: SiteOptions, slug: str, name: str) -> tuple[FeedLink, ...]:
    """An author's feeds, announced on their page."""
    return (FeedLink(RSS, f"{name} (RSS)", options.author_feed_rss.format(slug=slug)),
            FeedLink(ATOM, f"{name} (Atom)", options.author_feed_atom.format(slug=slug)))


def edition_feeds(options: SiteOptions, theme_slug: str = "", theme_title: str = "") -> tuple[FeedLink, ...]:
    """The feeds of daily editions: the digest's, or a theme's."""
    if theme_slug:
        return (FeedLink(RSS, f"{theme_title}: daily editions (RSS)", options.theme_editions_rss.format(slug=theme_slug)),
                FeedLink(ATOM, f"{theme_title}: daily editions (Atom)", options.theme_editions_atom.format(slug=theme_slug)))
    return (FeedLink(RSS, f"{options.site_name}: daily editions (RSS)", options.editions_rss),
            FeedLink(ATOM, f"{options.site_name}: daily editions (Atom)", options.editions_atom))


def source_path(url: str) -> str:
    """The Markdown source path MkDocs needs for a page at url: "papers/x/" -> "papers/x.md"."""
    stem = url.strip("/")
    return f"{stem}.md" if stem else "index.md"
