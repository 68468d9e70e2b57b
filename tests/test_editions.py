"""Daily editions on the site: a page per day, an index, and feeds of one item a day."""

from __future__ import annotations

import feedparser

from generator.content import load_digest
from tests.conftest import REPO
from tests.sitetools import BuiltSite

DAY = "2026-11-26"  # the day the bundled papers were added


def test_the_edition_page_lists_every_paper_of_its_day_under_its_first_theme(bundled_site: BuiltSite) -> None:
    papers = {f"papers/{p.slug}/" for p in load_digest(REPO / "content").papers if p.added.isoformat() == DAY}
    article = bundled_site.article(f"editions/{DAY}/")
    linked = [t for t in bundled_site.internal_links(f"editions/{DAY}/", article_only=True) if t.startswith("papers/")]
    assert sorted(linked) == sorted(papers)  # each paper once
    headings = [h.find("a") for h in article.find_all("h2")]
    assert headings and all(a is not None for a in headings)
    sizes = [len(h.find_next("ul").find_all("li", recursive=False)) for h in article.find_all("h2")]
    assert sizes == sorted(sizes, reverse=True)  # the largest theme first
    for heading in headings:
        target = bundled_site.resolve(f"editions/{DAY}/", heading["href"])
        assert target is not None and bundled_site.file_for(target[0]) is not None


def test_the_editions_index_is_linked_from_home_and_archive(bundled_site: BuiltSite) -> None:
    assert f"editions/{DAY}/" in bundled_site.internal_links("editions/", article_only=True)
    for page in ("", "archive/"):
        assert "editions/" in bundled_site.internal_links(page, article_only=True), page


def test_edition_feeds_have_an_item_a_day_with_stable_ids(bundled_site: BuiltSite) -> None:
    for path in ("editions.xml", "editions-atom.xml"):
        feed = feedparser.parse((bundled_site.root / path).read_bytes())
        assert not feed.bozo, path
        assert [e.id for e in feed.entries] == [f"tag:research-digest.example.org,2026:edition/{DAY}"]
        assert feed.entries[0].link == f"https://research-digest.example.org/editions/{DAY}/"
    theme = "causal-discovery"
    page_feeds = {a["href"] for a in bundled_site.article(f"themes/{theme}/").select("a.digest-feed")}
    assert {"editions.xml", "editions-atom.xml"} <= page_feeds
    feed = feedparser.parse((bundled_site.root / "themes" / theme / "editions.xml").read_bytes())
    assert [e.id for e in feed.entries] == [f"tag:research-digest.example.org,2026:edition/{DAY}/theme/{theme}"]


def test_the_theme_editions_made_in_one_pass_are_each_themes_editions() -> None:
    from generator.analysis import analyse
    from generator.rendering.editions import editions, theme_editions

    analysis = analyse(load_digest(REPO / "content"))
    fast = theme_editions(analysis, 50)
    assert fast.keys() == {t.slug for t in analysis.grouping.themes}
    for slug, found in fast.items():
        assert found == editions(analysis, (slug,))[:50], slug
