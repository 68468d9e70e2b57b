"""`digest import listing`: the seed's format, idempotence, dedupe, curator edits, links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.cli import main
from generator.content import load_digest
from generator.errors import ImportError_
from generator.importing.links import clean_url, extract_links
from generator.importing.listing import parse_listing
from tests.conftest import MKDOCS_YML, REPO

SEED = REPO.parent / "shared" / "seeds" / "000_1bd35bcc73766d11.txt"

LISTING = """\
Get trending papers in your email inbox once a day!
Get trending papers in your email inbox!
SubscribeFirst Paper: A Study
The first abstract. Code at https://github.com/org/first.
Second paper
The second abstract (see https://example.org/project/page). Data: https://huggingface.co/datasets/org/set, and more.
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_import(listing: Path, added: str = "2026-11-26") -> int:
    return main(["import", "listing", str(listing), "--added", added])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_parse_listing_drops_chrome_and_the_glued_button_label() -> None:
    papers = parse_listing(LISTING, "listing.txt")
    assert [p.title for p in papers] == ["First Paper: A Study", "Second paper"]
    assert papers[0].abstract == "The first abstract. Code at https://github.com/org/first."
    assert [p.line for p in papers] == [3, 5]


@pytest.mark.skipif(not SEED.is_file(), reason="the seed listing lives in ../shared/seeds")
def test_the_seed_listing_holds_193_distinct_papers() -> None:
    papers = parse_listing(SEED.read_text(encoding="utf-8"), SEED.name)
    assert len(papers) == 193
    assert len({p.title for p in papers}) == 193
    assert papers[0].title == "Supervised In-Context Fine-Tuning for Generative Sequence Labeling"


def test_links_lose_glued_punctuation_and_are_sorted_into_kinds() -> None:
    links = extract_links("See https://github.com/GVCLab/VAU-R1. and (https://github.com/vdblm/CausalPFN). "
                          "Data at https://huggingface.co/datasets/a/b; site: https://x.org/p?q=1, "
                          "and https://en.wikipedia.org/wiki/Foo_(bar).")
    assert [(l.kind, l.url) for l in links] == [
        ("code", "https://github.com/GVCLab/VAU-R1"),
        ("code", "https://github.com/vdblm/CausalPFN"),
        ("data", "https://huggingface.co/datasets/a/b"),
        ("project", "https://x.org/p?q=1"),
        ("project", "https://en.wikipedia.org/wiki/Foo_(bar)"),
    ]
    assert clean_url("https://gitlab.com/a/b).") == "https://gitlab.com/a/b"


def test_import_writes_one_file_per_paper_with_links(project: Path) -> None:
    listing = project / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    assert run_import(listing) == 0
    digest = load_digest(project / "content")
    by_slug = {p.slug: p for p in digest.papers}
    assert sorted(by_slug) == ["first-paper-a-study", "second-paper"]
    first = by_slug["first-paper-a-study"]
    assert first.added == dt.date(2026, 11, 26)
    assert first.links_of("code") == ("https://github.com/org/first",)
    second = by_slug["second-paper"]
    assert second.links_of("project") == ("https://example.org/project/page",)
    assert second.links_of("data") == ("https://huggingface.co/datasets/org/set",)
    assert first.id == "first-paper-a-study"


def test_importing_twice_changes_nothing(project: Path) -> None:
    listing = project / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    run_import(listing)
    before = snapshot(project / "content")
    assert run_import(listing, added="2026-11-27") == 0
    assert snapshot(project / "content") == before


def test_a_known_title_is_not_duplicated_and_curator_edits_are_kept(project: Path) -> None:
    listing = project / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    run_import(listing)
    edited = project / "content" / "papers" / "second-paper.md"
    text = edited.read_text().replace("The second abstract", "A curator's better abstract")
    edited.write_text(text)
    again = project / "again.txt"
    # Same titles once case, spacing and punctuation are normalised.
    again.write_text("SECOND   PAPER!\nA scraped abstract.\nFirst paper - a study\nAnother.\n", encoding="utf-8")
    run_import(again, added="2026-11-28")
    assert sorted(p.name for p in (project / "content" / "papers").iterdir()) == [
        "first-paper-a-study.md", "second-paper.md"]
    assert edited.read_text() == text


def test_a_new_paper_with_a_taken_title_slug_never_moves_the_old_page(project: Path) -> None:
    listing = project / "listing.txt"
    listing.write_text("Graph Networks\nOne abstract.\n", encoding="utf-8")
    run_import(listing)
    other = project / "other.txt"
    other.write_text("Graph networks?\nNot the same title key, so a new paper.\nGraph Networks (2)\nThird.\n")
    # "Graph networks?" normalises to the same key: it is the same paper.
    run_import(other, added="2026-11-27")
    names = sorted(p.name for p in (project / "content" / "papers").iterdir())
    assert names == ["graph-networks-2.md", "graph-networks.md"]
    moved = (project / "content" / "papers" / "graph-networks.md").read_text()
    assert "One abstract." in moved


def test_an_odd_line_count_is_an_error_naming_the_line() -> None:
    with pytest.raises(ImportError_) as caught:
        parse_listing("Title one\nAbstract one\nDangling title\n", "x.txt")
    assert str(caught.value) == ("x.txt:3: a title without an abstract ('Dangling title'); "
                                 "each paper needs a title line then one abstract line")


def test_non_utf8_listing_is_refused_with_the_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = project / "latin1.txt"
    listing.write_bytes("Title\nAbstract\nCaf\xe9 title\nAbstract\n".encode("latin-1"))
    assert run_import(listing) == 1
    err = capsys.readouterr().err
    assert err.strip() == (f"error: {listing}:3: not UTF-8 (byte 0xe9); convert the file to UTF-8 and "
                           "import again")
    assert not (project / "content").exists()
