"""Related papers: cosine similarity over TF-IDF vectors of title + abstract.

Only each paper's best matches are ever held, so memory grows with papers x k,
never with papers squared.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from scipy import sparse
from sparse_dot_topn import sp_matmul_topn

from ..model import Paper, Related
from .tfidf import tfidf_matrix

TOP_K = 5
# Extra candidates per row, so that ties at the k-th place are decided by us.
TIE_MARGIN = 5
# Rows are independent, so threads change the speed, never the result.
THREADS = max(1, min(4, os.cpu_count() or 1))
# Below this a "related" paper shares little more than common words.
MIN_SIMILARITY = 0.05


def top_k_similar(matrix: sparse.csr_matrix, k: int = TOP_K) -> list[list[tuple[int, float]]]:
    """For each row, the k most similar other rows as (index, score), best first.

    sparse_dot_topn multiplies the matrix by its transpose keeping only each row's
    best scores as it goes, so memory grows with rows x k, never rows squared (and
    it is several times faster than blocks of scipy products). A few spare places
    per row let ties be broken here, not by the library: score first, rounded so
    that last-bit float differences between machines cannot reorder them, then
    the lower index.
    """
    n = matrix.shape[0]
    if n == 0:
        return []
    spare = k + 1 + TIE_MARGIN  # the row itself is among its own best matches
    best = sp_matmul_topn(matrix, matrix.T.tocsr(), top_n=min(spare, n), threshold=MIN_SIMILARITY,
                          sort=False, n_threads=THREADS).tocsr()
    result = []
    for i in range(n):
        start, stop = best.indptr[i], best.indptr[i + 1]
        row = [(round(float(score), 9), int(j)) for j, score in zip(best.indices[start:stop], best.data[start:stop])
               if j != i]
        row.sort(key=lambda pair: (-pair[0], pair[1]))
        result.append([(j, score) for score, j in row[:k]])
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
