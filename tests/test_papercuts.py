"""What a new curator tripped over (issue 23), on one real site built twice with `digest build`:
feeds that cut a large day, the home page's title, archive days without anchors, no
authors index or author feeds, RSS and Atom with different categories, and MkDocs'
"stale files" line on every incremental build."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import feedparser
import pytest
import yaml

from tests.conftest import MKDOCS_YML, paper_file
from tests.sitetools import BuiltSite

SITE_URL = "https://digest.example.org/"
FEED_ITEMS = 5
BIG_DAY, SMALL_DAY = "2026-11-21", "2026-11-20"
# The newest day holds more papers than feed_items; the day before would not fit beside it.
PAPERS = {
    **{f"graph-networks-part-{i}": paper_file(f"Graph Networks Part {i}", "We study graph networks.",
                                               added=BIG_DAY, authors=["Ada Lovelace", f"Author {i}"])
       for i in range(1, 8)},
    **{f"diffusion-study-{i}": paper_file(f"Diffusion Study {i}", "We study diffusion models.",
                                          added=SMALL_DAY, authors=["Ada Lovelace"])
       for i in range(1, 4)},
}
THEMES = [{"slug": "graphs", "title": "Graphs & networks", "match": ["graph"]},
          {"slug": "diffusion", "title": "Diffusion", "match": ["diffusion"]}]


@dataclass
class Built:
    site: BuiltSite
    second_build_log: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = tmp_path_factory.mktemp("papercuts")
    (project / "content" / "papers").mkdir(parents=True)
    for slug, text in PAPERS.items():
        (project / "content" / "papers" / f"{slug}.md").write_text(text, encoding="utf-8")
    (project / "content" / "themes.yml").write_text(yaml.safe_dump({"themes": THEMES}), encoding="utf-8")
    config = MKDOCS_YML.replace("  - digest\n", f"  - digest:\n      feed_items: {FEED_ITEMS}\n")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    command = [sys.executable, "-m", "generator.cli", "build"]
    first = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    paper = project / "content" / "papers" / "diffusion-study-1.md"  # an edit: the next build is incremental
    paper.write_text(paper.read_text().replace("We study diffusion models.", "We study diffusion models again."))
    second = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    return Built(BuiltSite(project / "site", project / "content"), second.stderr)


def entries(site: BuiltSite, path: str) -> list[feedparser.FeedParserDict]:
    parsed = feedparser.parse((site.root / path).read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return list(parsed.entries)


def slugs_in(site: BuiltSite, path: str) -> set[str]:
    return {entry.link.removeprefix(SITE_URL + "papers/").strip("/") for entry in entries(site, path)}


# --------------------------------------------------------------------------- 1. feeds hold whole days


@pytest.mark.parametrize("feed", ["", "themes/graphs/", "authors/ada-lovelace/"])
def test_a_day_larger_than_feed_items_is_held_in_full(built: Built, feed: str) -> None:
    big_day = {slug for slug in PAPERS if slug.startswith("graph-networks")}
    assert len(big_day) > FEED_ITEMS
    for name in ("feed.xml", "atom.xml"):
        # All of the newest day; the day before does not fit beside it, so none of it.
        assert slugs_in(built.site, feed + name) == big_day, feed + name


def test_an_older_day_is_held_whole_while_it_fits(built: Built) -> None:
    assert slugs_in(built.site, "themes/diffusion/atom.xml") == {f"diffusion-study-{i}" for i in (1, 2, 3)}


# --------------------------------------------------------------------------- 5. small things


def test_rss_and_atom_carry_the_same_categories(built: Built) -> None:
    for feed in ("", "themes/graphs/"):
        rss, atom = entries(built.site, feed + "feed.xml"), entries(built.site, feed + "atom.xml")
        assert [e.id for e in rss] == [e.id for e in atom]
        for one, other in zip(rss, atom):
            terms = [(t.term, t.scheme) for t in one.tags]
            assert terms == [(t.term, t.scheme) for t in other.tags] == [("Graphs & networks", SITE_URL + "themes/")]


def test_the_home_page_title_is_the_site_name_once(built: Built) -> None:
    assert built.site.soup("").title.get_text(strip=True) == "Test digest"
    assert built.site.soup("themes/graphs/").title.get_text(strip=True) == "Graphs & networks - Test digest"


def test_archive_days_have_anchors(built: Built) -> None:
    headings = built.site.article("archive/").find_all("h3")
    assert [h.get("id") for h in headings] == [BIG_DAY, SMALL_DAY]
    for heading in headings:
        link = heading.find("a", class_="headerlink")
        assert link is not None and link["href"] == f"#{heading['id']}"


def test_an_authors_index_links_every_author_page(built: Built) -> None:
    site = built.site
    assert "authors/" in site.pages
    linked = {target for target in site.internal_links("authors/", article_only=True) if target != "authors/"}
    pages = {url for url in site.pages if url.startswith("authors/") and url != "authors/"}
    assert linked == pages and len(pages) == 8  # Ada Lovelace and Authors 1-7
    text = site.article("authors/").get_text(" ", strip=True)
    assert "Ada Lovelace (10)" in text and "Author 3 (1)" in text
    assert "authors/" in site.internal_links("archive/", article_only=True)
    assert "authors/" in site.internal_links("authors/author-3/", article_only=True)


def test_an_author_page_links_its_feeds(built: Built) -> None:
    site = built.site
    head = {link["href"] for link in site.soup("authors/author-3/").head.find_all("link", rel="alternate")}
    assert {"feed.xml", "atom.xml"} <= {site.resolve("authors/author-3/", h)[0] for h in head}
    targets = {site.resolve("authors/author-3/", h)[0] for h in head}
    assert {"authors/author-3/feed.xml", "authors/author-3/atom.xml"} <= targets
    assert "authors/author-3/feed.xml" in site.internal_links("authors/author-3/", article_only=True)
    assert slugs_in(site, "authors/author-3/atom.xml") == {"graph-networks-part-3"}


def test_an_incremental_build_does_not_say_use_clean(built: Built) -> None:
    assert "Building documentation" in built.second_build_log  # it logged at all
    assert "stale files" not in built.second_build_log
