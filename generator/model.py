"""The digest's records: frozen, typed, and free of I/O.

Everything downstream of loading (grouping, relating, rendering, feeds) takes
these records and returns new data; nothing here touches the file system.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

# The kinds of link a paper may carry, in the order pages show them.
LINK_KINDS: tuple[str, ...] = ("arxiv", "pdf", "code", "project", "data")


@dataclass(frozen=True)
class Link:
    kind: str  # one of LINK_KINDS
    url: str


@dataclass(frozen=True)
class Paper:
    id: str  # stable forever: arXiv id without version, DOI, or a minted slug
    slug: str  # minted once at import, kept in the file name
    title: str
    abstract: str
    added: dt.date  # the day the paper entered the digest
    published: dt.date | None = None
    authors: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    pinned_themes: tuple[str, ...] = ()  # a curator's `themes:` list; wins over rules
    arxiv: str | None = None  # arXiv id without version
    doi: str | None = None
    categories: tuple[str, ...] = ()  # arXiv categories, primary first
    journal_ref: str | None = None
    source: str = ""
    path: str = ""  # the content file, relative to the project, for messages

    def links_of(self, kind: str) -> tuple[str, ...]:
        return tuple(link.url for link in self.links if link.kind == kind)


def newest_first(paper: Paper) -> tuple[int, str]:
    """The sort key of every newest-first list (pages, feeds, data): the latest `added`
    day first, ties by slug, so that an order never depends on file order."""
    return -paper.added.toordinal(), paper.slug


@dataclass(frozen=True)
class Theme:
    slug: str
    title: str
    description: str = ""
    match: tuple[str, ...] = ()  # phrases looked for in title and abstract
    automatic: bool = False  # discovered by clustering rather than written by a curator


@dataclass(frozen=True)
class RecordedTheme:
    """An automatic theme as the last recording left it (content/themes.auto.yml)."""

    slug: str
    title: str
    description: str
    papers: tuple[str, ...]  # slugs of the papers it was the first theme of
    also: tuple[str, ...] = ()  # ... and of those it was the second theme of

    @property
    def every_paper(self) -> tuple[str, ...]:
        return self.papers + self.also


@dataclass(frozen=True)
class RetiredTheme:
    """An automatic theme that is gone: its URL and feeds now serve its successor's."""

    slug: str
    title: str
    successor: str  # the slug of the theme that took most of its papers


@dataclass(frozen=True)
class RecordedThemes:
    themes: tuple[RecordedTheme, ...] = ()
    retired: tuple[RetiredTheme, ...] = ()


@dataclass(frozen=True)
class Digest:
    """All content, sorted: papers by (added, slug), themes in taxonomy order."""

    papers: tuple[Paper, ...]
    themes: tuple[Theme, ...]
    recorded: RecordedThemes = RecordedThemes()  # the automatic themes of the last recording

    def paper(self, slug: str) -> Paper:
        return self.papers_by_slug[slug]

    def theme(self, slug: str) -> Theme:
        return self.themes_by_slug[slug]

    # cached_property writes to the instance __dict__ directly, so it works on a
    # frozen dataclass; the indexes are built once, on first use.
    @cached_property
    def papers_by_slug(self) -> dict[str, Paper]:
        return {p.slug: p for p in self.papers}

    @cached_property
    def themes_by_slug(self) -> dict[str, Theme]:
        return {t.slug: t for t in self.themes}


@dataclass(frozen=True)
class Membership:
    """Why one paper sits in one theme."""

    theme: str  # theme slug
    score: float
    reasons: tuple[str, ...]  # matched phrases, or shared terms for automatic themes
    pinned: bool = False  # chosen by the curator in front matter


@dataclass(frozen=True)
class Grouping:
    """Which themes each paper belongs to, and which papers each theme holds."""

    themes: tuple[Theme, ...]  # every theme shown on the site, curated then automatic
    memberships: dict[str, tuple[Membership, ...]] = field(default_factory=dict)  # paper slug ->
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # theme slug -> paper slugs
    retired: tuple[RetiredTheme, ...] = ()  # each with a successor among `themes`

    def themes_of(self, paper_slug: str) -> tuple[Membership, ...]:
        return self.memberships.get(paper_slug, ())


@dataclass(frozen=True)
class Related:
    slug: str  # the related paper
    score: float
