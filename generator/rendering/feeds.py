"""Feeds: RSS 2.0 and Atom 1.0 for the digest and for each theme, plus an OPML list.

Pure: an Analysis and SiteOptions in, {output path: bytes} out; no file I/O.

Every output is reproducible: dates come from the papers' `added` days, never
from the clock, so building twice gives the same bytes. Item ids are `tag:`
URIs built from the paper id, so they survive URL changes and arXiv versions.
All text is untrusted (scraped titles and abstracts): it is stripped of
characters XML cannot hold and only ever reaches the XML as escaped text.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import formatRFC2822

from ..analysis import Analysis
from ..errors import BuildError
from ..identifiers import strip_arxiv_version
from ..model import Paper, newest_first
from ..options import SiteOptions
from ..text import one_line, printable, split_paragraphs
from .editions import Edition, edition_title, editions, theme_editions
from .markup import human_date
from .urls import absolute_url

# The date in every tag: URI. It must never change (RFC 4151: the authority
# owned the host name on that date); a build date would change every id.
TAG_DATE = "2026"
GENERATOR = "research-digest"
# An empty feed still needs an `updated`; a fixed one keeps builds reproducible.
EMPTY_FEED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
# Extra links an item carries besides its page: (kind, link title, media type).
ITEM_LINKS: tuple[tuple[str, str, str], ...] = (
    ("arxiv", "arXiv", "text/html"), ("pdf", "PDF", "application/pdf"), ("code", "Code", "text/html"),
)

# Characters allowed unescaped in the specific part of a tag: URI (RFC 4151: pchar / "/" / "?").
_TAG_SAFE = "-._~!$&'()*+,;=:@/?"


# --------------------------------------------------------------------------- small pure helpers


def html_summary(abstract: str) -> str:
    """The abstract as escaped HTML paragraphs (blank lines separate them): text, never markup."""
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in split_paragraphs(printable(abstract)))


def site_host(site_url: str) -> str:
    """The host name of site_url; a BuildError when feeds cannot have absolute links."""
    if not site_url.strip():
        raise BuildError("mkdocs.yml: `site_url` is not set; feeds need absolute links: "
                         "set `site_url` in mkdocs.yml, like site_url: https://example.org/")
    host = urlsplit(site_url.strip()).hostname
    if not host:
        raise BuildError(f"mkdocs.yml: `site_url` {site_url!r} is not an absolute URL; feeds need "
                         "absolute links: set `site_url` in mkdocs.yml, like site_url: https://example.org/")
    return host


def tag_uri(host: str, specific: str) -> str:
    return f"tag:{host},{TAG_DATE}:{quote(specific, safe=_TAG_SAFE)}"


def feed_item_id(paper: Paper, site_url: str, authority: str = "") -> str:
    """The permanent id of a paper's feed item: tag:<authority>,2026:paper/<id without arXiv version>.

    Independent of the paper's URL and slug, so moving pages never re-announces papers.
    The authority is `feed_id_authority` when set (so that moving the whole site to
    another host keeps every id), else the host of site_url.
    """
    return tag_uri(authority or site_host(site_url), f"paper/{strip_arxiv_version(paper.id.strip())}")


def day_start(day: dt.date) -> dt.datetime:
    """A date as 00:00 UTC: feeds want timezone-aware datetimes."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.timezone.utc)


def whole_days(papers: list[Paper], limit: int) -> list[Paper]:
    """The papers of the newest days, newest first (model.newest_first): the newest day
    always in full, then each older day whole while the total stays within `limit`. A
    feed never holds part of a day: the papers of a day it cut would never reach a
    subscriber, since the next build's feed starts from a newer day."""
    ordered = sorted(papers, key=newest_first)
    held = 0
    while held < len(ordered):
        day = ordered[held].added
        end = held
        while end < len(ordered) and ordered[end].added == day:
            end += 1
        if held and end > max(limit, 0):
            break
        held = end
    return ordered[:held]


def _http_url(url: str) -> str | None:
    """Only web links go into a feed: a scraped "javascript:" URL must not become a link."""
    url = printable(url).strip()
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


# --------------------------------------------------------------------------- one feed


class AtomEntryLinks(BaseEntryExtension):  # type: ignore[misc]  # feedgen is untyped
    """Writes an Atom entry's <link> elements, with their attributes.

    feedgen 1.0 drops rel, type and title from entry links (FeedEntry.atom_entry
    shadows its loop variable: lkiesow/python-feedgen#135), so every link would
    read as rel="alternate", and two alternate links of one type make an entry invalid.
    """

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: Any) -> Any:
        old = entry.findall("link")  # feedgen's copies, attributes lost
        position = entry.index(old[0]) if old else len(entry)
        for element in old:
            entry.remove(element)
        for offset, attributes in enumerate(self.links):
            link = entry.makeelement("link", {"href": attributes["href"]})
            for name in ("rel", "type", "title"):
                if attributes.get(name):
                    link.set(name, attributes[name])
            entry.insert(position + offset, link)
        return entry


@dataclass(frozen=True)
class FeedSpec:
    """One feed, in both formats."""

    key: str  # "digest" or "theme/<slug>": the feed's id, stable across builds
    title: str
    description: str
    page_url: str  # absolute: the site or theme page
    rss_path: str  # output paths, site-relative
    atom_path: str
    papers: tuple[Paper, ...]  # newest first, whole days (whole_days)


def _build(spec: FeedSpec, options: SiteOptions, items: dict[str, _Item]) -> tuple[bytes, bytes]:
    """(RSS bytes, Atom bytes) for one feed; items holds each paper's item, by slug."""
    site_url = options.site_url
    host = options.feed_id_authority or site_host(site_url)
    rss_url, atom_url = absolute_url(site_url, spec.rss_path), absolute_url(site_url, spec.atom_path)
    return (
        _generator(spec, options, items, host, rss_url, "application/rss+xml")
        .rss_str(pretty=True, encoding="UTF-8"),
        _generator(spec, options, items, host, atom_url, "application/atom+xml")
        .atom_str(pretty=True, encoding="UTF-8"),
    )


def _generator(spec: FeedSpec, options: SiteOptions, items: dict[str, _Item],
               host: str, self_url: str, self_type: str, updated: dt.datetime | None = None) -> FeedGenerator:
    """A FeedGenerator whose self link is self_url (each format links to itself); its
    `updated` is its newest item's day unless given."""
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)  # dc:creator: RSS <author> needs an e-mail
    fg.register_extension("atom_links", BaseExtension, AtomEntryLinks, atom=True, rss=False)
    fg.id(tag_uri(host, f"feed/{spec.key}"))
    rss = self_type == "application/rss+xml"
    fg.title(_title_text(spec.title, rss))
    fg.description(_title_text(spec.description, rss))  # RSS description and Atom subtitle
    fg.author({"name": one_line(options.site_name) or GENERATOR})
    # The RSS channel <link> is feedgen's LAST link: self first, the page last.
    fg.link(href=self_url, rel="self", type=self_type)
    fg.link(href=spec.page_url, rel="alternate", type="text/html")
    fg.generator(GENERATOR)  # the default names feedgen's version: output would change on upgrades
    # Sets Atom <updated> and RSS <lastBuildDate>, which feedgen would take from the clock.
    if updated is None:
        newest = max((p.added for p in spec.papers), default=None)
        updated = day_start(newest) if newest else EMPTY_FEED_DATE
    fg.updated(updated)
    scheme = absolute_url(options.site_url, options.themes_url)
    for paper in spec.papers:
        _add_item(fg, paper, items[paper.slug], rss, scheme)
    return fg


def _title_text(text: str, rss: bool) -> str:
    """RSS readers (feedparser among them) take a title that looks like markup for HTML,
    so in RSS a title holding "<" is HTML-escaped once before feedgen XML-escapes it:
    shown as HTML it reads as the literal text. Titles without "<" stay as they are, so
    readers that show titles as plain text see "Q&A", not "Q&amp;A". Atom's type="text"
    titles are unambiguous."""
    line = one_line(text)
    return html.escape(line, quote=False) if rss and "<" in line else line


@dataclass(frozen=True)
class _Item:
    """A paper's item as every feed holds it, in both formats (its title aside): made
    once per paper, though a paper is in up to four feeds, each in two formats."""

    id: str  # also the RSS guid, isPermaLink="false"
    page: str  # the item's link (RSS <link>)
    links: list[dict[str, str]]  # the page, then arXiv, PDF and code as "related" links (Atom only)
    summary: str
    when: dt.datetime
    authors: tuple[str, ...]
    categories: tuple[str, ...]  # its themes' titles


def _item(paper: Paper, analysis: Analysis, options: SiteOptions, theme_titles: dict[str, str]) -> _Item:
    page = absolute_url(options.site_url, options.paper_url.format(slug=paper.slug))
    links = [{"href": page, "rel": "alternate", "type": "text/html"}]
    for kind, label, media_type in ITEM_LINKS:
        for url in paper.links_of(kind):
            if href := _http_url(url):
                links.append({"href": href, "rel": "related", "type": media_type, "title": label})
    categories = []
    for membership in analysis.grouping.themes_of(paper.slug):
        label = one_line(theme_titles.get(membership.theme, membership.theme))
        categories.append(label or membership.theme)
    return _Item(id=feed_item_id(paper, options.site_url, options.feed_id_authority), page=page, links=links,
                 summary=html_summary(paper.abstract), when=day_start(paper.added),
                 authors=tuple(name for name in (one_line(a) for a in paper.authors) if name),
                 categories=tuple(categories))


def _add_item(fg: FeedGenerator, paper: Paper, item: _Item, rss: bool, scheme: str) -> None:
    entry = fg.add_entry(order="append")  # the default prepends, which would reverse the order
    entry.id(item.id)
    entry.title(_title_text(paper.title, rss) or paper.slug)
    entry.link(href=item.page, rel="alternate", type="text/html")
    entry.atom_links.links = item.links  # only read
    if item.summary:
        entry.summary(item.summary, type="html")  # also the RSS <description>
    entry.published(item.when)  # also RSS <pubDate>
    entry.updated(item.when)  # feedgen would use the clock
    if item.authors:
        entry.author([{"name": name} for name in item.authors])
        entry.dc.dc_creator(list(item.authors))
    # The same value in both formats: the theme's title (RSS has no separate label; feedgen
    # writes a label as RSS's value), in the site's themes as the scheme (RSS: domain).
    for title in item.categories:
        entry.category(term=title, scheme=scheme, label=title)


# --------------------------------------------------------------------------- all feeds


def feed_specs(analysis: Analysis, options: SiteOptions) -> list[FeedSpec]:
    """The digest feed, then one per theme in the grouping's order."""
    site_url, site_name = options.site_url, one_line(options.site_name)
    limit = options.feed_items
    specs = [FeedSpec(
        key="digest", title=site_name,
        description=options.intro.strip() or f"New papers in {site_name}, newest first.",
        page_url=absolute_url(site_url, options.home_url),
        rss_path=options.feed_rss, atom_path=options.feed_atom,
        papers=tuple(whole_days(list(analysis.digest.papers), limit)),
    )]
    for theme in analysis.grouping.themes:
        members = [analysis.digest.paper(slug) for slug in analysis.grouping.members.get(theme.slug, ())]
        specs.append(FeedSpec(
            key=f"theme/{theme.slug}", title=f"{theme.title} — {site_name}",
            description=theme.description.strip() or f"New papers on {theme.title} in {site_name}.",
            page_url=absolute_url(site_url, options.theme_url.format(slug=theme.slug)),
            rss_path=options.theme_feed_rss.format(slug=theme.slug),
            atom_path=options.theme_feed_atom.format(slug=theme.slug),
            papers=tuple(whole_days(members, limit)),
        ))
    return specs


def author_specs(analysis: Analysis, options: SiteOptions) -> list[FeedSpec]:
    """A feed per author, by the slug of their page (not listed in the OPML: a digest
    has thousands of authors)."""
    site_name = one_line(options.site_name)
    papers: dict[str, list[Paper]] = {}
    for paper in analysis.digest.papers:
        for name in dict.fromkeys(paper.authors):
            papers.setdefault(name, []).append(paper)
    specs = []
    for name in sorted(papers):
        slug = analysis.author_slugs[name]
        specs.append(FeedSpec(
            key=f"author/{slug}", title=f"{one_line(name)} — {site_name}",
            description=f"New papers by {one_line(name)} in {site_name}.",
            page_url=absolute_url(options.site_url, options.author_url.format(slug=slug)),
            rss_path=options.author_feed_rss.format(slug=slug), atom_path=options.author_feed_atom.format(slug=slug),
            papers=tuple(whole_days(papers[name], options.feed_items))))
    return specs


# Stand-ins in the one feed small_feeds has feedgen write: text XML leaves as it is.
_KEY, _TITLE, _DESCRIPTION, _PAGE, _SELF = (f"digest-stand-in-{name}" for name in
                                            ("key", "title", "description", "page", "self"))
_STAND_IN_DAY = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_ITEM = {"rss": re.compile(rb"^ *<item>.*?</item>\n", re.M | re.S),
         "atom": re.compile(rb"^ *<entry>.*?</entry>\n", re.M | re.S)}


def small_feeds(specs: list[FeedSpec], options: SiteOptions, items: dict[str, _Item]) -> dict[str, bytes]:
    """Each spec's RSS and Atom, byte for byte as _build writes them (a test compares),
    for thousands of small feeds (one per author): feedgen took 1.5-3 ms a feed, most of
    it making the feed itself. Here feedgen writes one feed per format holding every
    item, with stand-ins for what differs between feeds; each feed is then that feed's
    head with its own values, its items' XML, and the tail."""
    if not specs:
        return {}
    host = options.feed_id_authority or site_host(options.site_url)
    papers = {p.slug: p for spec in specs for p in spec.papers}
    every = FeedSpec(key=_KEY, title=_TITLE, description=_DESCRIPTION, page_url=_PAGE, rss_path=_SELF,
                     atom_path=_SELF, papers=tuple(papers[slug] for slug in sorted(papers)))
    files: dict[str, bytes] = {}
    for kind, media_type in (("rss", "application/rss+xml"), ("atom", "application/atom+xml")):
        fg = _generator(every, options, items, host, _SELF, media_type, updated=_STAND_IN_DAY)
        whole = (fg.rss_str if kind == "rss" else fg.atom_str)(pretty=True, encoding="UTF-8")
        found = list(_ITEM[kind].finditer(whole))
        assert len(found) == len(every.papers), "an item per paper"
        head, tail = whole[: found[0].start()], whole[found[-1].end():]
        xml = {paper.slug: match[0] for paper, match in zip(every.papers, found)}
        rss = kind == "rss"
        stand_in_day = formatRFC2822(_STAND_IN_DAY) if rss else _STAND_IN_DAY.isoformat()
        for spec in specs:
            day = day_start(max(p.added for p in spec.papers))
            values = {  # (what lxml would write: text escaped, attributes escaped and quoted)
                f'"{_SELF}"': _attribute(absolute_url(options.site_url, spec.rss_path if rss else spec.atom_path)),
                f'"{_PAGE}"': _attribute(spec.page_url), _PAGE: escape(spec.page_url),
                tag_uri(host, f"feed/{_KEY}"): escape(tag_uri(host, f"feed/{spec.key}")),
                _TITLE: escape(_title_text(spec.title, rss)), _DESCRIPTION: escape(_title_text(spec.description, rss)),
                stand_in_day: formatRFC2822(day) if rss else day.isoformat(),
            }
            own = head
            for stand_in, value in values.items():
                own = own.replace(stand_in.encode("utf-8"), value.encode("utf-8"))
            files[spec.rss_path if rss else spec.atom_path] = own + b"".join(xml[p.slug] for p in spec.papers) + tail
    return files


def _attribute(value: str) -> str:
    return '"' + escape(value, {'"': "&quot;"}) + '"'


def retired_specs(specs: list[FeedSpec], analysis: Analysis, options: SiteOptions) -> list[FeedSpec]:
    """A feed at each retired theme's paths, with its own id (a reader holds it as the same
    feed) and its successor's items and page; the digest's when it has no successor."""
    by_key = {spec.key: spec for spec in specs}
    found = []
    for theme in analysis.grouping.retired:
        successor = by_key.get(f"theme/{theme.successor}", specs[0])
        found.append(replace(successor, key=f"theme/{theme.slug}",
                             rss_path=options.theme_feed_rss.format(slug=theme.slug),
                             atom_path=options.theme_feed_atom.format(slug=theme.slug)))
    return found


def opml(specs: list[FeedSpec], options: SiteOptions) -> bytes:
    """OPML 2.0 listing every feed, RSS then Atom, in the order of specs."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = one_line(f"{options.site_name} feeds")
    body = ET.SubElement(root, "body")
    for spec in specs:
        for label, path in (("RSS", spec.rss_path), ("Atom", spec.atom_path)):
            text = one_line(f"{spec.title} ({label})")
            # ElementTree escapes attribute values; clean_text keeps them XML-valid.
            ET.SubElement(body, "outline", type="rss", text=text, title=text,
                          xmlUrl=absolute_url(options.site_url, path), htmlUrl=spec.page_url)
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def plan_feeds(analysis: Analysis, options: SiteOptions) -> dict[str, bytes]:
    """Output path -> file bytes: digest RSS (options.feed_rss), digest Atom (options.feed_atom),
    per theme RSS/Atom (options.theme_feed_rss/theme_feed_atom formatted with slug=theme.slug),
    and the OPML (options.opml) listing every feed."""
    site_host(options.site_url)  # fail first, with the message, when site_url is missing
    theme_titles = {t.slug: t.title for t in (*analysis.digest.themes, *analysis.grouping.themes)}
    specs = feed_specs(analysis, options)
    retired = retired_specs(specs, analysis, options)  # served, not announced in the OPML
    authors = author_specs(analysis, options)  # likewise
    items: dict[str, _Item] = {}
    for spec in (*specs, *authors):
        for paper in spec.papers:
            if paper.slug not in items:
                items[paper.slug] = _item(paper, analysis, options, theme_titles)
    files: dict[str, bytes] = {}
    for spec in (*specs, *retired):
        files[spec.rss_path], files[spec.atom_path] = _build(spec, options, items)
    files.update(small_feeds(authors, options, items))
    files[options.opml] = opml(specs + edition_specs(analysis, options), options)
    return files | plan_edition_feeds(analysis, options)


# --------------------------------------------------------------------------- editions


def edition_specs(analysis: Analysis, options: SiteOptions) -> list[FeedSpec]:
    """The feeds of daily editions, the digest's then each theme's (their items are days,
    not papers: `papers` is empty)."""
    site_name = one_line(options.site_name)
    page = absolute_url(options.site_url, options.editions_url)
    specs = [FeedSpec(key="editions", title=f"{site_name}: daily editions", page_url=page,
                      description=f"The papers added to {site_name} each day.",
                      rss_path=options.editions_rss, atom_path=options.editions_atom, papers=())]
    specs += [FeedSpec(key=f"editions/theme/{t.slug}", title=f"{t.title} — {site_name}: daily editions",
                       description=f"The papers on {t.title} added to {site_name} each day.", page_url=page,
                       rss_path=options.theme_editions_rss.format(slug=t.slug),
                       atom_path=options.theme_editions_atom.format(slug=t.slug), papers=())
              for t in analysis.grouping.themes]
    return specs


def plan_edition_feeds(analysis: Analysis, options: SiteOptions) -> dict[str, bytes]:
    """The feeds of daily editions, one item a day (edition_specs). Item ids are tag: URIs
    of the day (and theme), as stable as the papers'; the newest feed_items days."""
    host = options.feed_id_authority or site_host(options.site_url)
    files: dict[str, bytes] = {}
    by_theme = theme_editions(analysis, options.feed_items)
    for spec in edition_specs(analysis, options):
        theme = spec.key.removeprefix("editions/theme/")
        days = by_theme[theme] if spec.key != "editions" else editions(analysis)[: max(options.feed_items, 0)]
        for path, kind in ((spec.rss_path, "application/rss+xml"), (spec.atom_path, "application/atom+xml")):
            fg = FeedGenerator()
            fg.id(tag_uri(host, f"feed/{spec.key}"))
            rss = kind == "application/rss+xml"
            fg.title(_title_text(spec.title, rss))
            fg.description(_title_text(spec.description, rss))
            fg.author({"name": one_line(options.site_name) or GENERATOR})
            fg.link(href=absolute_url(options.site_url, path), rel="self", type=kind)
            fg.link(href=spec.page_url, rel="alternate", type="text/html")
            fg.generator(GENERATOR)
            fg.updated(day_start(days[0].day) if days else EMPTY_FEED_DATE)
            for edition in days:
                _add_edition(fg, edition, options, host, rss)
            files[path] = fg.rss_str(pretty=True, encoding="UTF-8") if rss else fg.atom_str(pretty=True, encoding="UTF-8")
    return files


def _add_edition(fg: FeedGenerator, edition: Edition, options: SiteOptions, host: str, rss: bool) -> None:
    day = edition.day.isoformat()
    page = absolute_url(options.site_url, options.edition_url.format(date=day))
    entry = fg.add_entry(order="append")
    entry.id(tag_uri(host, f"edition/{day}" + (f"/theme/{edition.theme.slug}" if edition.theme else "")))
    entry.title(_title_text(edition_title(edition, options.site_name, human_date(edition.day)), rss))
    entry.link(href=page, rel="alternate", type="text/html")
    entry.summary(edition_html(edition, options), type="html")
    entry.published(day_start(edition.day))
    entry.updated(day_start(edition.day))


def edition_html(edition: Edition, options: SiteOptions) -> str:
    """The day's papers as escaped HTML: a heading per theme, a linked title per paper."""
    parts = []
    for theme, papers in edition.sections:
        if edition.theme is None:
            parts.append(f"<h3>{html.escape(one_line(theme.title) if theme else 'Other papers')}</h3>")
        links = "".join(f'<li><a href="{html.escape(absolute_url(options.site_url, options.paper_url.format(slug=p.slug)))}">'
                        f"{html.escape(one_line(p.title))}</a></li>" for p in papers)
        parts.append(f"<ul>{links}</ul>")
    return "\n".join(parts)


