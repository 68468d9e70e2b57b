"""The bundled digest, built with plain `mkdocs build --strict`, read back as HTML."""

from __future__ import annotations

import pytest

from generator.analysis.grouping import group
from generator.content import load_digest
from tests.conftest import REPO
from tests.sitetools import BuiltSite, as_indexed


@pytest.fixture(scope="session")
def grouping():
    return group(load_digest(REPO / "content"))


@pytest.fixture(scope="session")
def paper_slugs() -> list[str]:
    return sorted(p.stem for p in (REPO / "content" / "papers").glob("*.md"))


def test_every_page_kind_is_built(bundled_site: BuiltSite, grouping, paper_slugs) -> None:
    assert len(paper_slugs) == 193
    assert sorted(bundled_site.urls_under("papers/")) == [f"papers/{s}/" for s in paper_slugs]
    assert sorted(bundled_site.urls_under("themes/")) == sorted(f"themes/{t.slug}/" for t in grouping.themes)
    for url in ("", "themes/", "archive/"):
        assert url in bundled_site.pages
    assert 10 <= len(grouping.themes) <= 20


def test_paper_pages_link_to_each_of_their_themes(bundled_site: BuiltSite, grouping, paper_slugs) -> None:
    theme_urls = {f"themes/{t.slug}/" for t in grouping.themes}
    for slug in paper_slugs:
        url = f"papers/{slug}/"
        linked = {t for t in bundled_site.internal_links(url, article_only=True) if t in theme_urls}
        chips = bundled_site.article(url).select(".digest-chips a")
        expected = {f"themes/{m.theme}/" for m in grouping.themes_of(slug)}
        assert expected, f"{slug} is in no theme"
        assert {bundled_site.resolve(url, a["href"])[0] for a in chips} == expected
        assert expected <= linked


def test_theme_pages_link_to_each_of_their_papers(bundled_site: BuiltSite, grouping) -> None:
    for theme in grouping.themes:
        url = f"themes/{theme.slug}/"
        linked = {t for t in bundled_site.internal_links(url, article_only=True) if t.startswith("papers/")}
        assert linked == {f"papers/{s}/" for s in grouping.members[theme.slug]}
        assert bundled_site.article(url).h1.get_text() == theme.title


def test_every_internal_link_and_fragment_resolves(bundled_site: BuiltSite) -> None:
    broken = []
    for url in bundled_site.pages:
        for a in bundled_site.soup(url).find_all("a", href=True):
            resolved = bundled_site.resolve(url, a["href"])
            if resolved is None:
                continue
            target, fragment = resolved
            path = bundled_site.file_for(target)
            if path is None:
                broken.append(f"{url} -> {a['href']} (no such page)")
            elif fragment and path.suffix == ".html":
                target_url = target if target.endswith("/") or not target else target + "/"
                if fragment not in bundled_site.ids(target_url if target_url in bundled_site.pages else target):
                    broken.append(f"{url} -> {a['href']} (no such anchor)")
    assert not broken, "\n".join(broken[:20])


def test_navigation_lists_home_themes_and_archive_never_papers(bundled_site: BuiltSite) -> None:
    nav = bundled_site.soup(bundled_site.urls_under("papers/")[0])
    nav_links = [a.get_text(strip=True) for a in nav.select("nav.md-nav--primary a.md-nav__link")]
    assert [label for label in nav_links if label] == ["Home", "Themes", "Archive"]


def test_home_lists_latest_and_every_theme_with_count(bundled_site: BuiltSite, grouping) -> None:
    home = bundled_site.article("")
    latest = home.find(id="latest").find_next("ul").select("li")
    assert 0 < len(latest) <= 10
    theme_list = home.select_one("ul.digest-theme-list")
    for theme in grouping.themes:
        link = theme_list.find("a", href=f"themes/{theme.slug}/")
        assert link is not None and link.get_text() == theme.title
        count = link.find_next(class_="digest-count").get_text()
        assert count == str(len(grouping.members[theme.slug]))


def test_archive_lists_every_paper_once(bundled_site: BuiltSite, paper_slugs) -> None:
    linked = [t for t in bundled_site.internal_links("archive/", article_only=True) if t.startswith("papers/")]
    assert sorted(linked) == [f"papers/{s}/" for s in paper_slugs]
    assert bundled_site.article("archive/").find("h3", id="2026-11-26") is not None  # the day's anchor


def test_paper_page_shows_abstract_links_related_and_neighbours(bundled_site: BuiltSite) -> None:
    # This paper's abstract names its code on GitHub with a full stop glued to the URL.
    text = (REPO / "content" / "papers").glob("*.md")
    with_code = next(p for p in sorted(text) if "github.com/vdblm/CausalPFN" in p.read_text())
    url = f"papers/{with_code.stem}/"
    article = bundled_site.article(url)
    buttons = {a.get_text(strip=True): a["href"] for a in article.select(".digest-links a.md-button")}
    assert buttons["Code"] == "https://github.com/vdblm/CausalPFN"
    assert "CausalPFN" in article.select_one(".digest-abstract").get_text()
    related = article.select("#related > li > a")
    assert 1 <= len(related) <= 5
    assert article.select("nav.digest-pager a")


def test_paper_title_is_escaped_once_in_head(bundled_site: BuiltSite) -> None:
    url = bundled_site.urls_under("papers/")[0]
    title = bundled_site.soup(url).title.get_text()
    assert title.endswith(" - Research digest")
    assert bundled_site.article(url).h1.get_text() == title.removesuffix(" - Research digest")


def test_site_output_is_not_in_the_repository() -> None:
    ignored = (REPO / ".gitignore").read_text().splitlines()
    assert "/site/" in ignored
    assert not (REPO / "content" / "index.md").exists(), "home is generated, not a content file"


def test_no_content_file_is_copied_to_the_site(bundled_site: BuiltSite) -> None:
    assert not list(bundled_site.root.rglob("*.md"))
    assert not (bundled_site.root / "themes.yml").exists()


def test_stylesheet_is_served(bundled_site: BuiltSite) -> None:
    assert (bundled_site.root / "assets" / "digest.css").is_file()
    head = bundled_site.soup("").head
    assert any(link["href"].endswith("assets/digest.css") for link in head.find_all("link", rel="stylesheet"))


def test_bundled_themes_follow_the_taxonomy_rules(grouping, paper_slugs) -> None:
    per_paper = {slug: len(grouping.themes_of(slug)) for slug in paper_slugs}
    assert set(per_paper.values()) <= {1, 2, 3}, [s for s, n in per_paper.items() if not 1 <= n <= 3]
    for theme in grouping.themes:
        share = len(grouping.members[theme.slug]) / len(paper_slugs)
        assert share <= 0.20, theme.slug
        assert theme.description and theme.match


def test_search_indexes_each_paper_by_title_and_abstract_once(bundled_site: BuiltSite, paper_slugs) -> None:
    pages = bundled_site.search_pages()
    assert bundled_site.search_page_count() == len(pages)
    urls = [page["url"] for page in pages]
    assert len(urls) == len(set(urls))
    assert [u for u in urls if u.startswith("papers/")] == [f"papers/{s}/" for s in paper_slugs]
    digest = load_digest(REPO / "content")
    for page in pages:
        assert page["url"] in bundled_site.pages, page["url"]  # every hit is a page of the site
        if page["url"].startswith("papers/"):
            paper = digest.paper(page["url"].split("/")[1])
            assert page["meta"]["title"] == paper.title
            # The abstract alone: no lists, chips or citations, so a paper's page is the hit,
            # not every page that lists it.
            assert page["content"] == as_indexed(paper.abstract)


@pytest.mark.parametrize("url", ["", "themes/", "papers/causalpfn-amortized-causal-effect-estimation-via-in-context-learning/"])
def test_every_page_loads_the_search_from_the_site_relative_to_itself(bundled_site: BuiltSite, url: str) -> None:
    soup = bundled_site.soup(url)
    scripts = [s["src"] for s in soup.find_all("script", src=True) if "pagefind" in s["src"]]
    styles = [link["href"] for link in soup.find_all("link", rel="stylesheet") if "pagefind" in link["href"]]
    assert len(scripts) == len(styles) == 1
    for href in scripts + styles:
        assert not href.startswith("/"), href  # relative: the site may be served under a sub-path
        target, _ = bundled_site.resolve(url, href)
        assert bundled_site.file_for(target) is not None, href
    assert soup.select_one("header pagefind-modal-trigger") is not None
    assert soup.find("pagefind-modal") is not None


def test_the_search_bundle_holds_no_interface_the_pages_do_not_load(bundled_site: BuiltSite) -> None:
    bundle = bundled_site.root / "pagefind"
    names = sorted(p.name for p in bundle.iterdir() if p.is_file())
    assert "pagefind-component-ui.js" in names and "pagefind.js" in names and "pagefind-worker.js" in names
    assert [n for n in names if n.startswith(("pagefind-ui.", "pagefind-modular-ui.", "pagefind-highlight."))] == []
