"""Importing from arXiv and Hugging Face into content/, merging, filters, citations, authors."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import feedparser
import pytest

from generator.cli import main
from generator.content import load_digest
from tests.conftest import MKDOCS_YML
from tests.sitetools import BuiltSite

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> int:
    return main(["import", *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_arxiv_import_fills_every_field_and_keeps_one_paper_per_id(project: Path) -> None:
    assert run("arxiv", str(FIXTURES / "arxiv_api.xml"), "--added", "2026-11-20") == 0
    digest = load_digest(project / "content")
    # Four entries, two of them versions (v1, v3) of one paper: three papers.
    assert sorted(p.id for p in digest.papers) == ["2312.09876", "2401.01234", "hep-th/9901001"]
    paper = next(p for p in digest.papers if p.id == "2401.01234")
    assert paper.arxiv == "2401.01234"
    assert paper.added.isoformat() == "2026-11-20"
    assert paper.links_of("arxiv") == ("https://arxiv.org/abs/2401.01234",)
    assert paper.links_of("pdf") == ("https://arxiv.org/pdf/2401.01234",)
    assert paper.authors and paper.categories
    revised = next(p for p in digest.papers if p.id == "2312.09876")
    assert revised.slug == "sparse-mixtures-of-low-rank-adapters"  # the first version's title and slug


def test_importing_the_same_arxiv_file_twice_adds_nothing(project: Path) -> None:
    run("arxiv", str(FIXTURES / "arxiv_api.xml"), "--added", "2026-11-20")
    before = snapshot(project / "content")
    assert run("arxiv", str(FIXTURES / "arxiv_api.xml"), "--added", "2026-11-21") == 0
    assert snapshot(project / "content") == before


def test_an_hf_file_after_an_arxiv_file_merges_the_shared_paper(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("arxiv", str(FIXTURES / "arxiv_api.xml"), "--added", "2026-11-20")
    first = load_digest(project / "content").papers_by_slug
    capsys.readouterr()
    assert run("hf-daily", str(FIXTURES / "hf_daily.json"), "--added", "2026-11-22") == 0
    out = capsys.readouterr()
    after = load_digest(project / "content")
    shared = next(p for p in after.papers if p.id == "2401.01234")
    before = first[shared.slug]
    # One paper, its first added date, id, slug and every field it had; only gaps filled.
    assert [p.id for p in after.papers].count("2401.01234") == 1
    assert (shared.added, shared.id, shared.title, shared.authors) == (
        before.added, before.id, before.title, before.authors)
    assert set(before.links) <= set(shared.links)
    assert len(after.papers) == 5  # the two other HF papers are new
    assert "2 added" in out.err


def test_a_curators_edit_survives_a_merge(project: Path) -> None:
    run("hf-daily", str(FIXTURES / "hf_daily.json"), "--added", "2026-11-22")
    paper = next(p for p in load_digest(project / "content").papers if p.id == "2401.01234")
    path = project / "content" / "papers" / f"{paper.slug}.md"
    path.write_text(path.read_text().replace(paper.title, "A Better Title, by the Curator"))
    run("arxiv", str(FIXTURES / "arxiv_api.xml"), "--added", "2026-11-23")
    merged = next(p for p in load_digest(project / "content").papers if p.id == "2401.01234")
    assert merged.title == "A Better Title, by the Curator"
    assert merged.added.isoformat() == "2026-11-22"
    assert merged.categories  # filled from arXiv


def test_include_exclude_and_category_filters(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("arxiv", str(FIXTURES / "arxiv_api.xml"), "--added", "2026-11-20",
               "--exclude", "string theory", "--category", "cs") == 0
    ids = sorted(p.id for p in load_digest(project / "content").papers)
    assert "hep-th/9901001" not in ids and ids
    assert "filtered out" in capsys.readouterr().err
    assert run("arxiv", str(FIXTURES / "arxiv_api.xml"), "--include", "/unclosed(/") == 1
    assert "not a valid regular expression" in capsys.readouterr().err


def test_the_api_error_entry_is_a_clear_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("arxiv", str(FIXTURES / "arxiv_api_error.xml")) == 1
    err = capsys.readouterr().err
    assert "arXiv returned an error" in err and "Traceback" not in err
    assert not (project / "content").exists()


@pytest.fixture
def arxiv_site(project: Path) -> BuiltSite:
    run("arxiv", str(FIXTURES / "arxiv_api.xml"), "--added", "2026-11-20")
    assert main(["build", "-q"]) == 0
    return BuiltSite(project / "site")


def test_a_digest_from_arxiv_alone_has_author_pages_and_authors_in_feeds(
        project: Path, arxiv_site: BuiltSite) -> None:
    digest = load_digest(project / "content")
    for paper in digest.papers:
        article = arxiv_site.article(f"papers/{paper.slug}/")
        names = [a.get_text() for a in article.select(".digest-authors a")]
        assert names == list(paper.authors)
        for a in article.select(".digest-authors a"):
            target, _ = arxiv_site.resolve(f"papers/{paper.slug}/", a["href"])
            author_page = arxiv_site.article(target)
            assert author_page.h1.get_text() == a.get_text()
            linked = {arxiv_site.resolve(target, x["href"])[0] for x in author_page.select(".digest-paper__title")}
            assert f"papers/{paper.slug}/" in linked
    nav = [a.get_text(strip=True) for a in arxiv_site.soup("").select("nav.md-nav--primary a.md-nav__link")]
    assert [label for label in nav if label] == ["Home", "Themes", "Archive"]
    feed = feedparser.parse((arxiv_site.root / "atom.xml").read_bytes())
    by_link = {e.link: e for e in feed.entries}
    for paper in digest.papers:
        entry = by_link[f"https://digest.example.org/papers/{paper.slug}/"]
        assert [a.name for a in entry.authors] == list(paper.authors)


def test_bibtex_parses_and_keeps_author_order(project: Path, arxiv_site: BuiltSite) -> None:
    digest = load_digest(project / "content")
    keys = set()
    for paper in digest.papers:
        code = arxiv_site.article(f"papers/{paper.slug}/").select_one("#cite code")
        library = bibtexparser.parse_string(code.get_text())
        assert not library.failed_blocks and len(library.entries) == 1
        entry = library.entries[0]
        keys.add(entry.key)
        authors = [a.strip() for a in re.split(r"\s+and\s+", entry.fields_dict["author"].value)]
        assert authors == [a.replace("&", r"\&") for a in paper.authors]
        assert entry.fields_dict["eprint"].value == paper.arxiv
        assert entry.entry_type == ("article" if paper.doi else "misc")
        if paper.doi:
            assert entry.fields_dict["doi"].value == paper.doi
    assert len(keys) == len(digest.papers)
    for bib in (arxiv_site.root / "themes").glob("*/papers.bib"):
        library = bibtexparser.parse_string(bib.read_text())
        assert not library.failed_blocks and library.entries
