"""preview_site: what `digest serve` shows at once after an edit, before the exact plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.options import SiteOptions
from generator.pipeline import PREVIEW_LIMIT, plan_site, preview_site
from generator.rendering.plan import SitePlan
from tests.conftest import paper_file

OPTIONS = SiteOptions(site_url="https://digest.example.org/")
THEMES = [{"slug": "graphs", "title": "Graphs", "match": ["graph"]}]


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    papers = {f"graph-study-{i}": paper_file(f"Graph Study {i}", f"We study graph number {i}.",
                                             added=f"2026-10-{1 + i:02d}")
              for i in range(PREVIEW_LIMIT + 2)}
    return make_project(papers, THEMES)


def plans(project: Path) -> tuple[SitePlan, Path]:
    cache = project / ".cache"
    return plan_site(project / "content", OPTIONS, cache_dir=cache), cache


def edit(project: Path, slug: str, old: str, new: str) -> None:
    path = project / "content" / "papers" / f"{slug}.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def h1(html: str) -> str:
    return BeautifulSoup(html, "html.parser").h1.get_text(strip=True)


def test_an_edit_renders_only_the_edited_papers_page_again(project: Path) -> None:
    before, cache = plans(project)
    edit(project, "graph-study-3", "title: Graph Study 3", "title: Graph Study <b>Three</b>")

    preview = preview_site(before, project / "content", OPTIONS, cache)

    assert preview is not None
    assert preview.preview_of == ("papers/graph-study-3.md",)
    assert h1(preview.pages["papers/graph-study-3.md"].html) == "Graph Study <b>Three</b>"  # still text
    page = BeautifulSoup(preview.pages["papers/graph-study-3.md"].html, "html.parser")
    assert page.find(id="related") is not None and page.find(class_="digest-chip") is not None  # as before
    assert preview.pages["papers/graph-study-3.md"].key != before.pages["papers/graph-study-3.md"].key
    unchanged = {path: page for path, page in preview.pages.items() if path not in preview.preview_of}
    assert unchanged == {path: page for path, page in before.pages.items() if path not in preview.preview_of}
    assert preview.files == before.files
    # A preview is no base for another: the exact plan comes next.
    assert preview.analysis is None
    assert preview_site(preview, project / "content", OPTIONS, cache) is None


def test_a_previewed_page_is_the_exact_page_when_the_edit_moves_nothing(project: Path) -> None:
    before, cache = plans(project)
    # New punctuation, the same words: the analysis cannot move.
    edit(project, "graph-study-3", "We study graph number 3.", "We study graph number 3!")
    preview = preview_site(before, project / "content", OPTIONS, cache)
    exact, _ = plans(project)

    assert preview is not None
    page = "papers/graph-study-3.md"
    assert exact.analysis is not None and before.analysis is not None
    assert exact.analysis.related == before.analysis.related
    assert exact.analysis.grouping == before.analysis.grouping
    assert preview.pages[page].key == exact.pages[page].key
    assert preview.pages[page].html == exact.pages[page].html


def test_no_change_to_papers_or_themes_keeps_the_plan(project: Path) -> None:
    before, cache = plans(project)
    (project / "content" / "about.md").write_text("# About\n\nA curator's page.\n", encoding="utf-8")

    same = preview_site(before, project / "content", OPTIONS, cache)

    assert same is not None and same.preview_of == ()
    assert same.pages == before.pages and same.analysis is before.analysis


def test_an_added_paper_is_shown_with_no_themes_or_related_papers_yet(project: Path) -> None:
    before, cache = plans(project)
    (project / "content" / "papers" / "graph-new.md").write_text(
        paper_file("Graph New", "A new graph paper.", added="2026-10-30"), encoding="utf-8")

    preview = preview_site(before, project / "content", OPTIONS, cache)

    assert preview is not None and preview.preview_of == ("papers/graph-new.md",)
    page = BeautifulSoup(preview.pages["papers/graph-new.md"].html, "html.parser")
    assert page.h1.get_text(strip=True) == "Graph New"
    assert page.find(id="related") is None and page.find(class_="digest-chip") is None
    assert preview.pages.keys() - {"papers/graph-new.md"} == before.pages.keys()
    assert preview.newest is not None and preview.newest.isoformat() == "2026-10-30"


@pytest.mark.parametrize("change", ["remove", "redate", "themes", "too many"])
def test_more_than_an_edit_of_text_waits_for_the_exact_plan(project: Path, change: str) -> None:
    before, cache = plans(project)
    papers = project / "content" / "papers"
    if change == "remove":
        (papers / "graph-study-0.md").unlink()
    elif change == "redate":
        edit(project, "graph-study-1", "added: '2026-10-02'", "added: '2026-10-03'")
    elif change == "themes":
        edit_themes = project / "content" / "themes.yml"
        edit_themes.write_text(edit_themes.read_text().replace("title: Graphs", "title: Graph papers"))
    else:
        for i in range(PREVIEW_LIMIT + 1):
            edit(project, f"graph-study-{i}", "We study", "We look at")

    assert preview_site(before, project / "content", OPTIONS, cache) is None
