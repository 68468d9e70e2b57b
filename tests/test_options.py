"""The plugin's options: README lists exactly the declared ones (generator/options.py),
and every one of them, set in mkdocs.yml, reaches the built site."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
import yaml

from generator.options import SiteOptions, plugin_options, readme_block
from tests.conftest import REPO, mkdocs_build, paper_file
from tests.sitetools import BuiltSite

# Every option at a value other than its default.
CUSTOM = {
    "intro": "A digest for the options test.",
    "home_url": "start/",
    "themes_url": "topics/",
    "theme_url": "topic/{slug}/",
    "paper_url": "p/{slug}/",
    "archive_url": "by-date/",
    "author_url": "people/{slug}/",
    "authors_url": "people/",
    "theme_bib": "topic/{slug}/refs.bib",
    "feed_rss": "rss.xml",
    "feed_atom": "feed.atom",
    "theme_feed_rss": "topic/{slug}/rss.xml",
    "theme_feed_atom": "topic/{slug}/feed.atom",
    "author_feed_rss": "people/{slug}/rss.xml",
    "author_feed_atom": "people/{slug}/feed.atom",
    "opml": "all.opml",
    "editions_url": "days/",
    "edition_url": "days/{date}/",
    "editions_rss": "days.xml",
    "editions_atom": "days-atom.xml",
    "theme_editions_rss": "topic/{slug}/days.xml",
    "theme_editions_atom": "topic/{slug}/days-atom.xml",
    "email_from": "Options digest <digest@example.org>",
    "email_subscribers": "people.yml",
    "email_ledger": "sent.jsonl",
    "email_unsubscribe": "https://digest.example.org/unsubscribe/",
    "feed_items": 2,
    "feed_id_authority": "ids.example.net",
    "latest": 1,
    "related": 1,
    "search_bundle": 1,
    "templates_dir": "my-templates",
    "stamp_pages": False,  # (tests/test_stamped.py builds with it on and off)
}

MKDOCS_YML = """\
site_name: Options digest
site_url: https://digest.example.org/
docs_dir: content
strict: true
theme:
  name: material
  font: false
nav:
  - Home: start.md
  - Themes: topics.md
  - Archive: by-date.md
"""

ABSTRACT = "We study graph neural networks for molecules, with message passing and attention."


def test_readme_lists_every_option_with_its_default() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme_block() in readme, "README's option list differs from generator/options.py: " + readme_block()
    listed = yaml.safe_load(readme_block())["plugins"][0]["digest"]
    assert listed == {f.name: f.default for f in plugin_options()}


def test_every_option_is_customised_here() -> None:
    assert set(CUSTOM) == {f.name for f in plugin_options()}
    assert all(CUSTOM[f.name] != f.default for f in plugin_options())
    SiteOptions(**CUSTOM)  # each value has the option's type


@pytest.fixture(scope="module")
def custom_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    project = tmp_path_factory.mktemp("options") / "project"
    papers = project / "content" / "papers"
    papers.mkdir(parents=True)
    for number, day in enumerate(("2026-10-20", "2026-10-21", "2026-11-22"), start=1):
        (papers / f"graph-paper-{number}.md").write_text(
            paper_file(f"Graph paper {number}", ABSTRACT, id=f"graph-{number}", added=day,
                       authors=[f"Author {number}"]), encoding="utf-8")
    (project / "content" / "themes.yml").write_text(yaml.safe_dump({"themes": [
        {"slug": "graphs", "title": "Graphs", "description": "Graph learning.", "match": ["graph"]}]}),
        encoding="utf-8")
    templates = project / "my-templates"
    templates.mkdir()
    (templates / "author.html").write_text("<p class=\"custom-author\">Papers by {{ name }}</p>\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        MKDOCS_YML + yaml.safe_dump({"plugins": [{"digest": CUSTOM}]}, sort_keys=False), encoding="utf-8")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return BuiltSite(project / "site", project / "content")


def test_url_formats_place_every_page(custom_site: BuiltSite) -> None:
    for url in ("start/", "topics/", "topic/graphs/", "p/graph-paper-1/", "by-date/", "people/author-1/",
                "days/", "days/2026-10-21/"):
        assert url in custom_site.pages, url
    assert not any(url.startswith(("papers/", "themes/", "authors/", "archive/")) for url in custom_site.pages)
    # ... and the links between them follow.
    assert "topic/graphs/" in custom_site.internal_links("p/graph-paper-1/", article_only=True)
    assert "p/graph-paper-3/" in custom_site.internal_links("topic/graphs/", article_only=True)


def test_intro_latest_and_related_reach_the_pages(custom_site: BuiltSite) -> None:
    home = custom_site.article("start/")
    assert CUSTOM["intro"] in home.get_text()
    assert len(home.select("#latest .digest-paper")) == 1
    assert len(custom_site.article("p/graph-paper-2/").select("#related li")) == 1


def test_search_bundle_holds_that_many_older_papers(custom_site: BuiltSite) -> None:
    bundles = custom_site.search_bundles()
    assert [b.name for b in bundles] == ["pagefind", "pagefind-archive", "pagefind-archive-2"]
    assert [[p["url"] for p in custom_site.search_pages(b.name)] for b in bundles[1:]] == [
        ["p/graph-paper-1/"], ["p/graph-paper-2/"]]  # oldest first


def test_feed_paths_items_and_ids(custom_site: BuiltSite) -> None:
    root = custom_site.root
    for path in ("rss.xml", "feed.atom", "topic/graphs/rss.xml", "topic/graphs/feed.atom",
                 "days.xml", "days-atom.xml", "topic/graphs/days.xml", "topic/graphs/days-atom.xml"):
        feed = feedparser.parse((root / path).read_bytes())
        assert not feed.bozo, path
        assert len(feed.entries) == 2, path  # feed_items
        assert all(entry.id.startswith("tag:ids.example.net,") for entry in feed.entries), path
    listed = {outline.get("xmlUrl") for outline in ET.parse(root / "all.opml").iter("outline")}
    assert "https://digest.example.org/topic/graphs/feed.atom" in listed
    assert "https://digest.example.org/rss.xml" in listed


def test_theme_bib_and_templates_dir(custom_site: BuiltSite) -> None:
    bib = (custom_site.root / "topic" / "graphs" / "refs.bib").read_text(encoding="utf-8")
    assert len(re.findall(r"^@\w+\{", bib, re.M)) == 3
    assert "topic/graphs/refs.bib" in custom_site.internal_links("topic/graphs/", article_only=True)
    assert custom_site.article("people/author-2/").select_one("p.custom-author").get_text() == "Papers by Author 2"


def test_a_slug_format_without_slug_is_refused(make_project: Callable[..., Path]) -> None:
    for key in ("author_url", "theme_bib"):  # options README listed but mkdocs.yml could not set before
        project = make_project({"a": paper_file("A paper", ABSTRACT)},
                               mkdocs_yml=MKDOCS_YML.replace("start.md", "index.md").replace("topics.md", "themes.md")
                               .replace("by-date.md", "archive.md") + f"plugins:\n  - digest:\n      {key}: fixed/\n",
                               name=key)
        result = mkdocs_build(project, project / "site")
        assert result.returncode != 0
        assert f"`{key}` must contain {{slug}}" in result.stderr
