"""Feeds of built sites, read with feedparser; discovery links read with an HTML parser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from generator.analysis.grouping import group
from generator.content import load_digest
from tests.conftest import REPO, mkdocs_build, paper_file
from tests.sitetools import BuiltSite

FEED_TYPES = {"application/rss+xml", "application/atom+xml"}


def feeds_of(site: Path) -> list[Path]:
    return sorted([*site.rglob("feed.xml"), *site.rglob("atom.xml")])


def test_every_feed_of_the_bundled_site_parses(bundled_site: BuiltSite) -> None:
    digest = load_digest(REPO / "content")
    grouping = group(digest)
    # The bundled papers were all added on one day: a feed holds whole days, so all of them.
    assert len({p.added for p in digest.papers}) == 1
    expected = {"feed.xml": len(digest.papers), "atom.xml": len(digest.papers)}
    for theme in grouping.themes:
        size = len(grouping.members[theme.slug])
        expected[f"themes/{theme.slug}/feed.xml"] = size
        expected[f"themes/{theme.slug}/atom.xml"] = size
    found = {p.relative_to(bundled_site.root).as_posix(): p for p in feeds_of(bundled_site.root)}
    assert sorted(found) == sorted(expected)
    for path, file in found.items():
        parsed = feedparser.parse(file.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.version == ("rss20" if path.endswith("feed.xml") else "atom10")
        assert len(parsed.entries) == expected[path], path
        ids = [entry.id for entry in parsed.entries]
        assert len(set(ids)) == len(ids), path
        for entry in parsed.entries:
            target = bundled_site.resolve("", entry.link.removeprefix("https://research-digest.example.org/"))
            assert bundled_site.file_for(target[0]) is not None, entry.link
            assert entry.published_parsed is not None


def test_the_opml_lists_every_feed(bundled_site: BuiltSite) -> None:
    from xml.etree import ElementTree

    root = ElementTree.parse(bundled_site.root / "feeds.opml").getroot()
    urls = sorted(o.get("xmlUrl") for o in root.iter("outline"))
    editions = [*bundled_site.root.rglob("editions.xml"), *bundled_site.root.rglob("editions-atom.xml")]
    files = sorted("https://research-digest.example.org/" + p.relative_to(bundled_site.root).as_posix()
                   for p in [*feeds_of(bundled_site.root), *editions])
    assert urls == files and editions  # the paper feeds and the daily editions' feeds


def test_every_page_head_links_its_feeds_and_each_resolves(bundled_site: BuiltSite) -> None:
    grouping = group(load_digest(REPO / "content"))
    for url in bundled_site.pages:
        if url.endswith(".html"):  # 404.html: served at any depth, links are root-relative
            continue
        links = [link for link in bundled_site.soup(url).head.find_all("link", href=True)
                 if "alternate" in link.get("rel", []) and link.get("type") in FEED_TYPES]
        targets = set()
        for link in links:
            target, _ = bundled_site.resolve(url, link["href"])
            assert bundled_site.file_for(target) is not None, f"{url}: {link['href']}"
            targets.add(target)
        expected = {"feed.xml", "atom.xml"}
        slugs: list[str] = []
        if url.startswith("themes/") and url != "themes/":
            slugs = [url.split("/")[1]]
        elif url.startswith("papers/"):
            slugs = [m.theme for m in grouping.themes_of(url.split("/")[1])]
        for slug in slugs:
            expected |= {f"themes/{slug}/feed.xml", f"themes/{slug}/atom.xml"}
        assert targets == expected, url


def test_home_and_theme_pages_show_a_subscribe_link(bundled_site: BuiltSite) -> None:
    for url in ["", *bundled_site.urls_under("themes/")]:
        subscribe = bundled_site.article(url).select_one(".digest-subscribe")
        assert subscribe is not None, url
        hrefs = [bundled_site.resolve(url, a["href"])[0] for a in subscribe.find_all("a")]
        feeds = [h for h in hrefs if h.endswith(("feed.xml", "atom.xml"))]
        assert len(feeds) == 2 and all(bundled_site.file_for(h) for h in feeds), url


THEMES = [{"slug": "graphs", "title": "Graphs", "description": "Graph learning.", "match": ["graph"]},
          {"slug": "speech", "title": "Speech", "description": "Speech.", "match": ["speech"]}]


def build(project: Path, site: str) -> Path:
    result = mkdocs_build(project, project / site)
    assert result.returncode == 0, result.stderr
    return project / site


def entries(site: Path, path: str) -> dict[str, str]:
    parsed = feedparser.parse((site / path).read_bytes())
    assert not parsed.bozo
    return {e.id: e.title for e in parsed.entries}


def test_feeds_are_byte_identical_across_builds_and_grow_by_one_item(
        make_project: Callable[..., Path]) -> None:
    papers = {f"graph-{i}": paper_file(f"Graph {i}", f"A graph paper number {i}.", added=f"2026-11-{10 + i}")
              for i in range(4)}
    papers["speech-0"] = paper_file("Speech 0", "A speech paper.", id="2401.01234", added="2026-11-05")
    project = make_project(papers, THEMES)
    first, second = build(project, "one"), build(project, "two")
    for feed in feeds_of(first):
        assert feed.read_bytes() == (second / feed.relative_to(first)).read_bytes(), feed

    (project / "content" / "papers" / "graph-speech.md").write_text(
        paper_file("Graph Speech", "Speech on a graph.", added="2026-11-20"))
    third = build(project, "three")
    for path in ("feed.xml", "atom.xml", "themes/graphs/feed.xml", "themes/graphs/atom.xml",
                 "themes/speech/feed.xml", "themes/speech/atom.xml"):
        before, after = entries(first, path), entries(third, path)
        assert set(before) < set(after), path
        assert len(after) == len(before) + 1, path
        assert all(after[i] == before[i] for i in before), path


def test_a_new_arxiv_version_keeps_the_item_id(make_project: Callable[..., Path]) -> None:
    project = make_project({"speech-0": paper_file("Speech 0", "A speech paper.", id="2401.01234v1")}, THEMES)
    before = entries(build(project, "one"), "feed.xml")
    paper = project / "content" / "papers" / "speech-0.md"
    paper.write_text(paper.read_text().replace("2401.01234v1", "2401.01234v3"))
    after = entries(build(project, "two"), "feed.xml")
    assert list(before) == list(after) == ["tag:digest.example.org,2026:paper/2401.01234"]


def test_a_site_without_site_url_stops_with_a_message(make_project: Callable[..., Path]) -> None:
    from tests.conftest import MKDOCS_YML

    project = make_project({"x": paper_file("X", "Text.")},
                           mkdocs_yml=MKDOCS_YML.replace("site_url: https://digest.example.org/\n", ""))
    result = mkdocs_build(project, project / "site")
    assert result.returncode != 0
    assert "`site_url` is not set; feeds need absolute links: set `site_url` in mkdocs.yml" in result.stderr


@pytest.mark.parametrize("path", ["feed.xml", "atom.xml"])
def test_feed_items_carry_themes_and_escaped_abstracts(bundled_site: BuiltSite, path: str) -> None:
    parsed = feedparser.parse((bundled_site.root / path).read_bytes())
    entry = parsed.entries[0]
    assert entry.tags, "an item's themes are its categories"
    assert entry.summary.startswith("<p>")


def test_a_feed_id_authority_keeps_ids_when_the_site_moves_host(make_project: Callable[..., Path]) -> None:
    from tests.conftest import MKDOCS_YML

    config = MKDOCS_YML.replace("  - digest\n", "  - digest:\n      feed_id_authority: digest.example.org\n")
    project = make_project({"speech-0": paper_file("Speech 0", "A speech paper.", id="2401.01234")},
                           THEMES, mkdocs_yml=config)
    before = entries(build(project, "one"), "atom.xml")
    (project / "mkdocs.yml").write_text(config.replace("https://digest.example.org/", "https://new-host.org/d/"))
    after_site = build(project, "two")
    assert list(entries(after_site, "atom.xml")) == list(before) == ["tag:digest.example.org,2026:paper/2401.01234"]
    link = feedparser.parse((after_site / "atom.xml").read_bytes()).entries[0].link
    assert link == "https://new-host.org/d/papers/speech-0/"
