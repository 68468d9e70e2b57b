"""Automatic themes, the taxonomy helpers, related papers at scale, and the JSON API."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from generator.analysis.clustering import auto_themes
from generator.analysis.stopwords import ENGLISH_STOP_WORDS
from generator.analysis.tfidf import indexed_text as paper_text
from generator.analysis.tfidf import tfidf_matrix
from generator.cli import main
from generator.content import load_digest
from generator.model import Paper
from tests.conftest import MKDOCS_YML, REPO, paper_file
from tests.sitetools import BuiltSite


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def untaxed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled papers without content/themes.yml."""
    project = tmp_path_factory.mktemp("untaxed")
    shutil.copytree(REPO / "content" / "papers", project / "content" / "papers")
    (project / "mkdocs.yml").write_text(MKDOCS_YML)
    return project


def build(project: Path, monkeypatch: pytest.MonkeyPatch, site: str = "site") -> BuiltSite:
    monkeypatch.chdir(project)
    assert main(["build", "-q", "-d", site]) == 0
    return BuiltSite(project / site)


def test_without_a_taxonomy_every_paper_gets_a_named_automatic_theme(
        untaxed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = build(untaxed, monkeypatch, "one")
    second = build(untaxed, monkeypatch, "two")
    assert tree(first.root) == tree(second.root)
    themes = json.loads((first.root / "themes.json").read_text())["themes"]
    assert 5 <= len(themes) <= 30
    assert all(t["automatic"] for t in themes)
    assert all("cluster" not in t["title"].lower() and t["title"] != "Other papers" for t in themes)
    papers = json.loads((first.root / "papers.json").read_text())["papers"]
    assert len(papers) == 193 and all(1 <= len(p["themes"]) <= 2 for p in papers)  # up to two automatic
    why = first.article(f"papers/{papers[0]['slug']}/").select_one(".digest-why").get_text(" ")
    assert "grouped automatically; shares the terms" in " ".join(why.split())


def test_auto_themes_are_deterministic() -> None:
    papers = load_digest(REPO / "content").papers
    matrix, terms = tfidf_matrix(papers)
    first = auto_themes(papers, matrix, terms, set())
    second = auto_themes(papers, *tfidf_matrix(papers), set())
    assert first == second


def test_suggest_output_saved_as_themes_yml_builds_without_edits(
        untaxed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(untaxed)
    capsys.readouterr()
    assert main(["themes", "suggest"]) == 0
    draft = capsys.readouterr().out
    assert "#   - " in draft  # member titles as comments
    (untaxed / "content" / "themes.yml").write_text(draft)
    try:
        assert main(["check"]) == 0
        assert "warning" not in capsys.readouterr().err
        site = build(untaxed, monkeypatch, "suggested")
        themes = json.loads((site.root / "themes.json").read_text())["themes"]
        assert any(not t["automatic"] for t in themes)
    finally:
        (untaxed / "content" / "themes.yml").unlink()


def test_report_exits_1_when_the_taxonomy_leaves_a_paper_out(
        make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(
        {"graphs": paper_file("Graph Networks", "On graphs."),
         "orphan": paper_file("Orphan", "Nothing matches here.")},
        [{"slug": "graphs", "title": "Graphs", "match": ["graph"]}])
    monkeypatch.chdir(project)
    assert main(["themes", "report"]) == 1
    out = capsys.readouterr().out
    assert any(line.split()[:3] == ["graphs", "1", "50.0%"] for line in out.splitlines() if line)
    assert "papers in no curated theme: 1 (the build puts them in automatic themes)" in out
    assert "content/papers/orphan.md: Orphan" in out


def sklearn_tfidf(papers: list[Paper]) -> tuple[np.ndarray, list[str]]:
    """The definition tfidf_matrix follows, computed by scikit-learn."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    many = len(papers) >= 50
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2 if many else 1, max_df=0.5 if many else 1.0,
                                 stop_words="english", sublinear_tf=True, dtype=np.float64,
                                 token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b")
    matrix = vectorizer.fit_transform(paper_text(p) for p in papers)
    return matrix.toarray(), list(vectorizer.get_feature_names_out())


@pytest.mark.parametrize("count", [3, 49, 50, 193])
def test_tfidf_matrix_is_scikit_learns(count: int) -> None:
    papers = list(load_digest(REPO / "content").papers[:count])
    # Edge cases of the tokenizer: hyphens, digits, accents, capitals, stop words only.
    papers[0] = replace(papers[0], abstract="Self- supervised state-of-the-art GPT-4 models. Ça marche, K8s!")
    papers[1] = replace(papers[1], title="The", abstract="and of the")
    matrix, terms = tfidf_matrix(papers)
    expected, expected_terms = sklearn_tfidf(papers)
    assert terms == expected_terms
    assert matrix.has_sorted_indices
    np.testing.assert_allclose(matrix.toarray(), expected, rtol=0, atol=1e-12)


def test_papers_of_stop_words_only_still_get_a_theme() -> None:
    papers = [replace(p, title="The", abstract="And of the.") for p in load_digest(REPO / "content").papers[:60]]
    matrix, terms = tfidf_matrix(papers)
    assert matrix.shape == (60, 0) and terms == []
    found = auto_themes(papers, matrix, terms, set())
    assert len(found.themes) == 1 and len(found.memberships) == 60


def test_our_stop_words_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as theirs

    assert ENGLISH_STOP_WORDS == theirs


MEMORY_PROBE = """
import json, resource, sys
from pathlib import Path
from generator.content import load_digest
from generator.analysis.relating import top_k_similar
from generator.analysis.tfidf import tfidf_matrix
from generator.synthetic import synthetic_papers

papers = synthetic_papers(load_digest(Path(sys.argv[1])).papers, 10_000, seed=3)
matrix, _ = tfidf_matrix(papers)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
neighbours = top_k_similar(matrix, k=5)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"n": matrix.shape[0], "growth": after - before,
                  "rows": sum(len(r) == 5 for r in neighbours),
                  "self": sum(i in {j for j, _ in r} for i, r in enumerate(neighbours))}))
"""


def test_related_papers_for_10000_never_hold_a_dense_matrix() -> None:
    # In a fresh process, so that the peak memory measured is this computation's own.
    result = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(REPO / "content")],
                            capture_output=True, text=True, check=True, cwd=REPO)
    probe = json.loads(result.stdout)
    dense_bytes = probe["n"] ** 2 * 8  # 800 MB for the papers-by-papers matrix
    assert probe["rows"] == probe["n"] and probe["self"] == 0
    assert probe["growth"] < dense_bytes / 8, f"peak grew by {probe['growth'] / 1e6:.0f} MB"


def test_json_agrees_with_the_pages(bundled_site: BuiltSite) -> None:
    papers = json.loads((bundled_site.root / "papers.json").read_text())["papers"]
    themes = json.loads((bundled_site.root / "themes.json").read_text())["themes"]
    by_id = {p["id"]: p for p in papers}
    assert len(papers) == 193
    for paper in papers:
        url = paper["url"].removeprefix("https://research-digest.example.org/")
        article = bundled_site.article(url)
        assert article.h1.get_text() == paper["title"]
        chips = [bundled_site.resolve(url, a["href"])[0] for a in article.select(".digest-chips a")]
        assert chips == [f"themes/{slug}/" for slug in paper["themes"]]
        related = [bundled_site.resolve(url, a["href"])[0] for a in article.select("#related li > a")]
        assert related == [by_id[i]["url"].removeprefix("https://research-digest.example.org/")
                           for i in paper["related"]]
    for theme in themes:
        url = theme["url"].removeprefix("https://research-digest.example.org/")
        article = bundled_site.article(url)
        assert article.h1.get_text() == theme["title"]
        listed = [bundled_site.resolve(url, a["href"])[0] for a in article.select(".digest-paper__title")]
        assert listed == [by_id[i]["url"].removeprefix("https://research-digest.example.org/")
                          for i in theme["papers"]]
        for feed in theme["feeds"].values():
            assert bundled_site.file_for(feed.removeprefix("https://research-digest.example.org/"))
