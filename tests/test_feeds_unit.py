"""generator.feeds: RSS, Atom and OPML from a hand-built Analysis, checked with feedparser."""

from __future__ import annotations

import datetime as dt
import html
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser

import feedparser
import pytest

from generator.analysis import Analysis, analyse
from generator.errors import BuildError
from generator.identifiers import strip_arxiv_version
from generator.model import Digest, Link, Paper, Theme
from generator.options import SiteOptions
from generator.rendering.feeds import (
    EMPTY_FEED_DATE,
    _build,
    _item,
    author_specs,
    feed_item_id,
    plan_feeds,
    small_feeds,
)

SITE = "https://digest.example.org/sub/"
HOSTILE_TITLE = "<script>alert(1)</script> Diffusion & <b>friends</b>"
HOSTILE_ABSTRACT = "<img src=x onerror=alert(1)> We study diffusion.\x00\x0b <script>alert(1)</script>"

THEMES = (
    Theme(slug="diffusion", title="Diffusion models", match=("diffusion",)),
    Theme(slug="graphs", title="Graphs & networks", match=("graph neural network",)),
    Theme(slug="quantum", title="Quantum gravity", match=("quantum gravity",)),  # no papers
)


def paper(slug: str, added: dt.date, title: str = "", abstract: str = "", **kw: object) -> Paper:
    return Paper(id=str(kw.pop("id", slug)), slug=slug, title=title or slug.replace("-", " ").title(),
                 abstract=abstract, added=added, **kw)  # type: ignore[arg-type]


def papers() -> tuple[Paper, ...]:
    return (
        paper("diffusion-one", dt.date(2026, 1, 1), "Diffusion for images", "Diffusion models for images.",
              id="2401.00001v3", authors=("Ada Lovelace", "Alan Turing"),
              links=(Link("arxiv", "https://arxiv.org/abs/2401.00001"),
                     Link("pdf", "https://arxiv.org/pdf/2401.00001"),
                     Link("code", "javascript:alert(1)"))),
        paper("graphs-one", dt.date(2026, 1, 3), "Graph neural network basics", "A graph neural network."),
        paper("b-tied", dt.date(2026, 1, 5), "Diffusion again", "More diffusion."),
        paper("a-tied", dt.date(2026, 1, 5), "Diffusion once more", "Even more diffusion."),
        paper("hostile", dt.date(2026, 1, 2), HOSTILE_TITLE, HOSTILE_ABSTRACT),
    )


def build(items: tuple[Paper, ...] | None = None, **options: object) -> tuple[Analysis, SiteOptions]:
    opts = replace(SiteOptions(site_url=SITE, intro="A test digest."), **options)  # type: ignore[arg-type]
    digest = Digest(papers=tuple(sorted(items or papers(), key=lambda p: (p.added, p.slug))), themes=THEMES)
    return analyse(digest, related=opts.related), opts


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    analysis, options = build()
    return plan_feeds(analysis, options)


FEED_PATHS = ("feed.xml", "atom.xml", "themes/diffusion/feed.xml", "themes/diffusion/atom.xml",
              "themes/graphs/feed.xml", "themes/graphs/atom.xml", "themes/quantum/feed.xml",
              "themes/quantum/atom.xml")
# The daily editions' feeds (an item a day): the digest's and each theme's.
EDITION_PATHS = ("editions.xml", "editions-atom.xml",
                 *(f"themes/{slug}/{name}" for slug in ("diffusion", "graphs", "quantum")
                   for name in ("editions.xml", "editions-atom.xml")))


def parse(data: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


# A feed per author (not in the OPML).
AUTHOR_PATHS = tuple(f"authors/{slug}/{name}" for slug in ("ada-lovelace", "alan-turing")
                     for name in ("feed.xml", "atom.xml"))


def test_every_feed_and_the_opml_are_planned(files: dict[str, bytes]) -> None:
    assert set(files) == {*FEED_PATHS, *EDITION_PATHS, *AUTHOR_PATHS, "feeds.opml"}
    assert all(isinstance(data, bytes) and data.startswith(b"<?xml") for data in files.values())


@pytest.mark.parametrize("path", FEED_PATHS)
def test_feeds_parse_cleanly_in_their_format(files: dict[str, bytes], path: str) -> None:
    parsed = parse(files[path])
    assert parsed.version == ("rss20" if path.endswith("feed.xml") else "atom10")
    # The self link is the feed's own absolute URL; the alternate link is the page.
    links = {link["rel"]: link["href"] for link in parsed.feed.links}
    assert links["self"] == SITE + path
    assert links["alternate"] == SITE + ("" if "/" not in path else path.rsplit("/", 1)[0] + "/")


@pytest.mark.parametrize("path, slugs", [
    ("feed.xml", ["a-tied", "b-tied", "graphs-one", "hostile", "diffusion-one"]),
    ("atom.xml", ["a-tied", "b-tied", "graphs-one", "hostile", "diffusion-one"]),
    ("themes/diffusion/atom.xml", ["a-tied", "b-tied", "hostile", "diffusion-one"]),
    ("themes/graphs/feed.xml", ["graphs-one"]),
    ("themes/quantum/atom.xml", []),
])
def test_items_newest_first_ties_by_slug(files: dict[str, bytes], path: str, slugs: list[str]) -> None:
    entries = parse(files[path]).entries
    assert [e.link for e in entries] == [f"{SITE}papers/{slug}/" for slug in slugs]
    ids = [e.id for e in entries]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("tag:digest.example.org,2026:paper/") for i in ids)


def test_dates_come_from_papers_not_the_clock(files: dict[str, bytes]) -> None:
    rss, atom = parse(files["feed.xml"]), parse(files["atom.xml"])
    assert rss.feed.updated == "Mon, 05 Jan 2026 00:00:00 +0000"  # lastBuildDate: the newest item
    assert atom.feed.updated == "2026-01-05T00:00:00+00:00"
    assert rss.entries[0].published == "Mon, 05 Jan 2026 00:00:00 +0000"
    assert atom.entries[-1].published == atom.entries[-1].updated == "2026-01-01T00:00:00+00:00"
    assert b"python-feedgen" not in files["feed.xml"] + files["atom.xml"]


def test_an_empty_feed_has_a_fixed_date(files: dict[str, bytes]) -> None:
    assert parse(files["themes/quantum/atom.xml"]).feed.updated == EMPTY_FEED_DATE.isoformat()
    assert b"<lastBuildDate>Sat, 01 Jan 2000 00:00:00 +0000<" in files["themes/quantum/feed.xml"]


def test_two_builds_are_byte_identical(files: dict[str, bytes]) -> None:
    analysis, options = build()
    assert plan_feeds(analysis, options) == files


def test_item_details(files: dict[str, bytes]) -> None:
    entry = parse(files["atom.xml"]).entries[-1]  # diffusion-one, the oldest
    assert entry.title == "Diffusion for images"
    assert entry.id == "tag:digest.example.org,2026:paper/2401.00001"  # no arXiv version
    assert [a["name"] for a in entry.authors] == ["Ada Lovelace", "Alan Turing"]
    assert [(t["term"], t["scheme"], t["label"]) for t in entry.tags] == [
        ("Diffusion models", f"{SITE}themes/", "Diffusion models")]
    links = [(link["rel"], link["href"], link.get("title")) for link in entry.links]
    assert links == [
        ("alternate", f"{SITE}papers/diffusion-one/", None),
        ("related", "https://arxiv.org/abs/2401.00001", "arXiv"),
        ("related", "https://arxiv.org/pdf/2401.00001", "PDF"),
    ]  # the javascript: "code" link is dropped
    assert entry.summary == "<p>Diffusion models for images.</p>"

    item = parse(files["feed.xml"]).entries[-1]
    assert item.link == f"{SITE}papers/diffusion-one/"
    assert item.guidislink is False
    assert b'<guid isPermaLink="false">tag:digest.example.org,2026:paper/2401.00001</guid>' in files["feed.xml"]
    assert b"<dc:creator>Ada Lovelace</dc:creator>" in files["feed.xml"]


@pytest.mark.parametrize("versioned, bare", [
    ("2401.00001v3", "2401.00001"), ("arXiv:2401.12345v12", "arXiv:2401.12345"),
    ("hep-th/9901001v2", "hep-th/9901001"), ("math.GT/0309136v1", "math.GT/0309136"),
    ("2401.00001", "2401.00001"), ("gpt-v2", "gpt-v2"), ("10.1000/xyz123v2", "10.1000/xyz123v2"),
])
def test_strip_arxiv_version(versioned: str, bare: str) -> None:
    assert strip_arxiv_version(versioned) == bare


def test_item_id_survives_a_new_arxiv_version_and_a_new_slug() -> None:
    old = paper("some-paper", dt.date(2026, 1, 1), id="2401.00001")
    new = replace(old, id="2401.00001v2", slug="some-paper-renamed")
    assert feed_item_id(old, SITE) == feed_item_id(new, SITE) == "tag:digest.example.org,2026:paper/2401.00001"
    # And inside built feeds, too.
    ids = []
    for item in (old, new):
        analysis, options = build((item,))
        ids.append(parse(plan_feeds(analysis, options)["atom.xml"]).entries[0].id)
    assert ids[0] == ids[1]


@pytest.mark.parametrize("feed", ["", "themes/diffusion/", "authors/ada-lovelace/"])
def test_rss_and_atom_carry_the_same_categories(files: dict[str, bytes], feed: str) -> None:
    rss, atom = (parse(files[feed + name]).entries for name in ("feed.xml", "atom.xml"))
    assert [e.id for e in rss] == [e.id for e in atom]
    assert any(e.tags for e in rss)
    for one, other in zip(rss, atom):
        assert [(t["term"], t["scheme"]) for t in one.get("tags", [])] == \
            [(t["term"], t["scheme"]) for t in other.get("tags", [])], one.id


def test_author_feeds_are_the_bytes_feedgen_writes_for_each() -> None:
    # small_feeds writes thousands of author feeds from one feedgen feed per format: each must
    # be exactly the feed _build (feedgen, one feed at a time) writes for it.
    names = ("<script>Ada & \"Bob\"</script>", "Ünï Cödé", "Alan Turing")
    items = tuple(paper(f"diffusion-{i}", dt.date(2026, 1, 1 + i % 3), HOSTILE_TITLE if i == 2 else "",
                        abstract="diffusion", authors=names[: 1 + i % 3]) for i in range(7))
    analysis, options = build(items, feed_items=2, site_url="https://digest.example.org/a&b/")
    specs = author_specs(analysis, options)
    assert len(specs) == 3 and all(spec.papers for spec in specs)
    entries = {p.slug: _item(p, analysis, options, {}) for p in items}
    fast = small_feeds(specs, options, entries)
    for spec in specs:
        assert (fast[spec.rss_path], fast[spec.atom_path]) == _build(spec, options, entries), spec.key
        assert [e.link for e in parse(fast[spec.atom_path]).entries] == \
            [f"https://digest.example.org/a&b/papers/{p.slug}/" for p in spec.papers]


def test_a_feed_holds_whole_days() -> None:
    # Days of 2, 2 and 3 papers, newest first, and room for 5: the third day would not
    # fit whole, so the feed stops after the second (never a part of a day).
    days = [dt.date(2026, 1, 5)] * 2 + [dt.date(2026, 1, 4)] * 2 + [dt.date(2026, 1, 3)] * 3
    items = tuple(paper(f"diffusion-{i}", day, abstract="diffusion") for i, day in enumerate(days))
    analysis, options = build(items, feed_items=5)
    for path in ("feed.xml", "atom.xml", "themes/diffusion/feed.xml"):
        links = [e.link for e in parse(plan_feeds(analysis, options)[path]).entries]
        assert links == [f"{SITE}papers/diffusion-{i}/" for i in range(4)], path
    # A newest day larger than feed_items is held in full.
    analysis, options = build(items, feed_items=1)
    assert len(parse(plan_feeds(analysis, options)["atom.xml"]).entries) == 2


def test_limit_keeps_the_newest(files: dict[str, bytes]) -> None:
    analysis, options = build(feed_items=2)
    limited = plan_feeds(analysis, options)
    for path in ("feed.xml", "atom.xml"):
        entries = parse(limited[path]).entries
        assert [e.link for e in entries] == [f"{SITE}papers/a-tied/", f"{SITE}papers/b-tied/"]
    assert len(parse(limited["themes/graphs/atom.xml"]).entries) == 1


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


@pytest.mark.parametrize("path", ["feed.xml", "atom.xml", "themes/diffusion/feed.xml", "themes/diffusion/atom.xml"])
def test_hostile_text_stays_text(files: dict[str, bytes], path: str) -> None:
    raw = files[path]
    assert b"<script" not in raw.lower() and b"<img" not in raw.lower() and b"<b>" not in raw
    entry = next(e for e in parse(raw).entries if e.link.endswith("/hostile/"))
    # Shown as text, character for character: Atom says type="text"; in RSS, where readers
    # guess, the title is escaped HTML whose text is the title.
    if entry.title_detail.type == "text/html":
        assert html.unescape(entry.title) == HOSTILE_TITLE and "<" not in entry.title
    else:
        assert entry.title == HOSTILE_TITLE
    tags = _Tags()
    tags.feed(entry.summary)
    assert tags.tags == ["p"]  # the only markup is ours
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entry.summary
    assert "\x00" not in entry.summary and "\x0b" not in entry.summary


def test_opml_lists_every_feed_in_order(files: dict[str, bytes]) -> None:
    root = ET.fromstring(files["feeds.opml"])
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Research digest feeds"
    outlines = root.findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [SITE + path for path in (*FEED_PATHS, *EDITION_PATHS)]
    assert all(o.get("type") == "rss" and o.get("text") and o.get("title") for o in outlines)
    assert outlines[4].get("text") == "Graphs & networks — Research digest (RSS)"
    assert outlines[4].get("htmlUrl") == SITE + "themes/graphs/"


@pytest.mark.parametrize("site_url", ["", "   "])
def test_missing_site_url_is_a_build_error(site_url: str) -> None:
    analysis, options = build(site_url=site_url)
    with pytest.raises(BuildError, match=r"set `site_url` in mkdocs\.yml"):
        plan_feeds(analysis, options)


def test_site_url_without_a_host_is_a_build_error() -> None:
    analysis, options = build(site_url="digest.example.org")
    with pytest.raises(BuildError, match="absolute"):
        plan_feeds(analysis, options)
