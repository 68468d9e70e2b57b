"""Related papers: cosine similarity over TF-IDF vectors of title + abstract.

Only each paper's best matches are ever held, so memory grows with papers x k,
never with papers squared.

Up to EXACT_UP_TO papers every pair is scored (sparse-dot-topn): seconds at
10,000 papers, but the work grows with the square of the papers, since every two
abstracts share common words. Above it, the search is approximate in which pairs
it looks at, never in their scores: each paper's CANDIDATES are the papers it
shares the most uncommon terms with (those in at most COMMON_SHARE of the
papers: a product that stays sparse), and each candidate's score is then the
exact cosine over all terms. A related paper the exact search would list is
missed only when it is close through common words alone (README, Related
papers, gives the share).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
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
# Above this many papers, related papers come from candidates (approximate_top_k).
EXACT_UP_TO = 20_000
# A term in more than this share of the papers (and more than COMMON_FLOOR of them)
# proposes no candidates (it still counts in their scores), and each paper gets this
# many candidates to score.
COMMON_SHARE, COMMON_FLOOR = 0.01, 50
CANDIDATES = 20
# Candidate pairs scored at a time: a block's rows are copied to be multiplied.
PAIR_BLOCK = 200_000


def top_k_similar(matrix: sparse.csr_matrix, k: int = TOP_K,
                  exact_up_to: int = EXACT_UP_TO) -> list[list[tuple[int, float]]]:
    """For each row, the k most similar other rows as (index, score), best first:
    exact up to `exact_up_to` rows, from candidates above (approximate_top_k)."""
    n = matrix.shape[0]
    if n == 0:
        return []
    if n > exact_up_to:
        return approximate_top_k(matrix, k)
    return exact_top_k(matrix, k)


def exact_top_k(matrix: sparse.csr_matrix, k: int = TOP_K) -> list[list[tuple[int, float]]]:
    """Every pair scored. sparse_dot_topn multiplies the matrix by its transpose keeping
    only each row's best scores as it goes, so memory grows with rows x k, never rows
    squared (and it is several times faster than blocks of scipy products). A few
    spare places per row let ties be broken here, not by the library."""
    n = matrix.shape[0]
    spare = k + 1 + TIE_MARGIN  # the row itself is among its own best matches
    best = sp_matmul_topn(matrix, matrix.T.tocsr(), top_n=min(spare, n), threshold=MIN_SIMILARITY,
                          sort=False, n_threads=THREADS).tocsr()
    rows = np.repeat(np.arange(n), np.diff(best.indptr))
    return _best_per_row(n, rows, best.indices.astype(np.int64), best.data, k)


def approximate_top_k(matrix: sparse.csr_matrix, k: int = TOP_K, common_share: float = COMMON_SHARE,
                      candidates: int = CANDIDATES) -> list[list[tuple[int, float]]]:
    """Each row's k best among its candidates: the rows it shares most uncommon-term
    weight with, scored by their exact cosine. No randomness: the same matrix gives
    the same lists."""
    n = matrix.shape[0]
    document_frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    uncommon = (document_frequency <= max(COMMON_FLOOR, common_share * n))[matrix.indices]
    rare, common = _split(matrix, uncommon), _split(matrix, ~uncommon)
    proposed = sp_matmul_topn(rare, rare.T.tocsr(), top_n=min(candidates + 1, n), threshold=0.0,
                              sort=False, n_threads=THREADS).tocsr()
    rows = np.repeat(np.arange(n), np.diff(proposed.indptr))
    columns = proposed.indices.astype(np.int64)
    scores = proposed.data.astype(np.float64)  # the uncommon terms' share of the cosine, exact
    for start in range(0, len(rows), PAIR_BLOCK):  # ... plus the common terms' share
        block = slice(start, start + PAIR_BLOCK)
        scores[block] += np.asarray(common[rows[block]].multiply(common[columns[block]]).sum(axis=1)).ravel()
    return _best_per_row(n, rows, columns, scores, k)


def _split(matrix: sparse.csr_matrix, keep: np.ndarray) -> sparse.csr_matrix:
    """The matrix with only the entries where keep is true."""
    part = sparse.csr_matrix((np.where(keep, matrix.data, 0.0), matrix.indices.copy(), matrix.indptr.copy()),
                             shape=matrix.shape)
    part.eliminate_zeros()
    return part


def _best_per_row(n: int, rows: np.ndarray, columns: np.ndarray, scores: np.ndarray,
                  k: int) -> list[list[tuple[int, float]]]:
    """Scored pairs (row, column, score) to each row's k best other columns at
    MIN_SIMILARITY or more: score first, rounded so that last-bit float differences
    between machines cannot reorder them, then the lower index."""
    rounded = np.round(scores, 9)
    keep = (rows != columns) & (rounded >= MIN_SIMILARITY)
    rows, columns, rounded = rows[keep], columns[keep], rounded[keep]
    order = np.lexsort((columns, -rounded, rows))
    rows, columns, rounded = rows[order], columns[order], rounded[order]
    bounds = np.searchsorted(rows, np.arange(n + 1)).tolist()
    pairs = list(zip(columns.tolist(), rounded.tolist()))
    return [pairs[bounds[i]:min(bounds[i + 1], bounds[i] + k)] for i in range(n)]


def relate(papers: Sequence[Paper], matrix: sparse.csr_matrix | None = None,
           k: int = TOP_K, exact_up_to: int = EXACT_UP_TO) -> dict[str, tuple[Related, ...]]:
    """paper slug -> its k most related papers in the digest."""
    if matrix is None:
        matrix, _ = tfidf_matrix(papers)
    neighbours = top_k_similar(matrix, k, exact_up_to)
    return {
        papers[i].slug: tuple(Related(slug=papers[j].slug, score=score) for j, score in row)
        for i, row in enumerate(neighbours)
    }
