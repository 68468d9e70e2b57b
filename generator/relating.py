"""Related papers: cosine similarity over TF-IDF vectors of title + abstract.

Computed in row blocks so that memory grows with papers x block, never with
papers squared: each block's similarities are reduced to its top k at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .model import Paper, Related

TOP_K = 5
# At most this many similarity values are held at once (8 bytes each: 32 MB).
BLOCK_CELLS = 4_000_000
# Below this a "related" paper shares little more than common words.
MIN_SIMILARITY = 0.05


def paper_text(paper: Paper) -> str:
    # The title counts twice: it is the author's own summary of the paper.
    return f"{paper.title}\n{paper.title}\n{paper.abstract}"


def tfidf_matrix(papers: Sequence[Paper]) -> tuple[sparse.csr_matrix, list[str]]:
    """Rows L2-normalised, so that a dot product is a cosine similarity."""
    if not papers:
        return sparse.csr_matrix((0, 0)), []
    many = len(papers) >= 50
    vectorizer = TfidfVectorizer(
        # Word pairs make readable theme labels ("causal discovery"); terms in one
        # paper only, or in more than half of them, say nothing about topics.
        ngram_range=(1, 2), min_df=2 if many else 1, max_df=0.5 if many else 1.0,
        stop_words="english", sublinear_tf=True, dtype=np.float64,
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b",
    )
    matrix = vectorizer.fit_transform(paper_text(p) for p in papers)
    return sparse.csr_matrix(matrix), list(vectorizer.get_feature_names_out())


def top_k_similar(matrix: sparse.csr_matrix, k: int = TOP_K,
                  block_cells: int = BLOCK_CELLS) -> list[list[tuple[int, float]]]:
    """For each row, the k most similar other rows as (index, score), best first.

    Ties go to the lower index, and scores are rounded so that last-bit float
    differences between machines cannot reorder them.
    """
    n = matrix.shape[0]
    result: list[list[tuple[int, float]]] = []
    if n == 0:
        return result
    block = max(1, block_cells // max(n, 1))
    transposed = matrix.T.tocsc()
    for start in range(0, n, block):
        stop = min(n, start + block)
        sims = (matrix[start:stop] @ transposed).toarray()
        np.round(sims, 9, out=sims)
        sims[np.arange(stop - start), np.arange(start, stop)] = -1.0  # not related to itself
        for row in range(stop - start):
            scores = sims[row]
            take = min(k, n - 1)
            if take <= 0:
                result.append([])
                continue
            candidates = np.argpartition(-scores, take - 1)[:take] if take < n else np.arange(n)
            # argpartition picks arbitrarily among ties at the boundary: widen to every
            # index scoring at least the k-th score, then sort (score desc, index asc).
            threshold = max(scores[candidates].min(), MIN_SIMILARITY)
            candidates = np.flatnonzero(scores >= threshold)
            ordered = sorted(candidates.tolist(), key=lambda j: (-scores[j], j))[:take]
            result.append([(j, float(scores[j])) for j in ordered])
    return result


def relate(papers: Sequence[Paper], matrix: sparse.csr_matrix | None = None,
           k: int = TOP_K) -> dict[str, tuple[Related, ...]]:
    """paper slug -> its k most related papers in the digest."""
    if matrix is None:
        matrix, _ = tfidf_matrix(papers)
    neighbours = top_k_similar(matrix, k)
    return {
        papers[i].slug: tuple(Related(slug=papers[j].slug, score=score) for j, score in row)
        for i, row in enumerate(neighbours)
    }
