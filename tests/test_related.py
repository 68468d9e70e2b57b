"""Related papers: exact up to a size, from candidates above it (analysis/relating.py).

The approximate path is reached by lowering the size threshold, not by making a
digest of 20,000 papers: the bundled papers and a few near-duplicates of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from generator.analysis.relating import approximate_top_k, exact_top_k, relate, top_k_similar
from generator.analysis.tfidf import tfidf_matrix
from generator.content import load_digest
from generator.importing.listing import parse_listing
from generator.model import Paper
from generator.synthetic import listing_text, synthetic_papers
from tests.conftest import REPO

DUPLICATED = 12  # bundled papers that get a near-duplicate each


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    """The bundled papers, and a near-duplicate of every 16th: its abstract with one
    sentence left out, its title with a word more."""
    bundled = sorted(load_digest(REPO / "content").papers, key=lambda p: p.slug)
    twins = []
    for paper in bundled[::16][:DUPLICATED]:
        sentences = paper.abstract.split(". ")
        twins.append(replace(paper, id=f"twin-{paper.id}", slug=f"twin-{paper.slug}", title=f"{paper.title} revisited",
                             abstract=". ".join(sentences[:-1] if len(sentences) > 2 else sentences)))
    return bundled + twins


def test_above_the_threshold_the_approximate_search_runs(papers: list[Paper]) -> None:
    matrix, _ = tfidf_matrix(papers)
    n = matrix.shape[0]
    exact, approximate = exact_top_k(matrix), approximate_top_k(matrix)
    assert top_k_similar(matrix, exact_up_to=n) == exact
    assert top_k_similar(matrix, exact_up_to=n - 1) == approximate
    # Not the same computation: some list differs (else this test could not tell the paths apart) ...
    assert approximate != exact
    # ... but scores are exact cosines, and few related papers are missed.
    exact_scores = {(i, j): score for i, row in enumerate(exact) for j, score in row}
    for i, row in enumerate(approximate):
        assert [score for _, score in row] == sorted((score for _, score in row), reverse=True)
        for j, score in row:
            assert j != i
            if (i, j) in exact_scores:
                assert score == exact_scores[i, j]
    missed = sum(len({j for j, _ in e} - {j for j, _ in a}) for a, e in zip(approximate, exact))
    assert missed <= 0.02 * sum(len(e) for e in exact)


def test_a_near_duplicate_is_the_first_related_paper(papers: list[Paper]) -> None:
    related = relate(papers, exact_up_to=50)
    for twin in papers[-DUPLICATED:]:
        original = twin.slug.removeprefix("twin-")
        assert related[twin.slug][0].slug == original
        assert related[original][0].slug == twin.slug
        assert related[twin.slug][0].score > 0.8


RELATE_TWICE = """
import json, sys
from generator.analysis.relating import relate
from generator.content import load_digest
from generator.synthetic import synthetic_papers
from pathlib import Path
papers = synthetic_papers(load_digest(Path(sys.argv[1])).papers, 1500, seed=4, new_words=True)
related = relate(papers, exact_up_to=100)
print(json.dumps({slug: [[r.slug, r.score] for r in row] for slug, row in related.items()}))
"""


def test_the_approximate_search_gives_the_same_lists_every_run() -> None:
    # Two processes with different hash seeds: nothing may hang on set or dict order.
    runs = [subprocess.run([sys.executable, "-c", RELATE_TWICE, str(REPO / "content")], capture_output=True,
                           text=True, check=True, cwd=REPO, env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout
            for seed in ("1", "2")]
    assert runs[0] == runs[1]
    related = json.loads(runs[0])
    assert len(related) == 1500 and sum(len(row) == 5 for row in related.values()) > 1400


def test_the_bench_corpus_grows_its_vocabulary() -> None:
    sample = load_digest(REPO / "content").papers

    def vocabulary(papers: list[Paper]) -> int:
        return len({w for p in papers for w in p.abstract.split()})

    fixed = synthetic_papers(sample, 3000, seed=1)
    growing = synthetic_papers(sample, 3000, seed=1, new_words=True)
    assert vocabulary(fixed) <= vocabulary(sample)
    assert vocabulary(growing) > 3 * vocabulary(sample)  # Heaps' law: about 35,000 words at 3,000 papers
    assert growing == synthetic_papers(sample, 3000, seed=1, new_words=True)
    assert [p.title for p in growing] == [p.title for p in fixed]  # the same papers, with new words


def test_a_word_salad_listing_imports_as_listed() -> None:
    text = listing_text(load_digest(REPO / "content").papers, 300, seed=2)
    imported = parse_listing(text, "salad.txt")
    assert len(imported) == 300 and len({p.title for p in imported}) == 300
    assert text == listing_text(load_digest(REPO / "content").papers, 300, seed=2)
