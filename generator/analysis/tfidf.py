"""TF-IDF of each paper's title and abstract: the vectors grouping and relating share.

Words and word pairs are the terms; English stop words (stopwords.py, scikit-learn's
list) are dropped first. Counted with numpy, batch by batch, so that a digest's
every word is never held as a Python string at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from ..model import Paper
from .stopwords import ENGLISH_STOP_WORDS


def indexed_text(paper: Paper) -> str:
    # The title counts twice: it is the author's own summary of the paper.
    return f"{paper.title}\n{paper.title}\n{paper.abstract}"


# Words of two characters or more, starting with a letter, lowercased; English stop
# words dropped; then each word and each pair of neighbouring words is a term. Word
# pairs make readable theme labels ("causal discovery").
_WORD = re.compile(r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b")
# Before each paper's lowercased text in a batch: a word (for _WORD) that no lowercased
# text holds, so the words found in a batch say where each paper starts.
_START = "\nSTART\n"
_PAIR = 1 << 32  # a pair's key: (first word's id + 1) * _PAIR + second's; above every word's id


def tfidf_matrix(papers: Sequence[Paper]) -> tuple[sparse.csr_matrix, list[str]]:
    """TF-IDF of each paper's text: rows L2-normalised, so that a dot product is a
    cosine similarity; columns are terms in alphabetical order.

    The same matrix as scikit-learn's TfidfVectorizer(ngram_range=(1, 2),
    stop_words="english", sublinear_tf=True, min_df, max_df) (tests/test_themes.py
    compares them), counted with numpy: that one counts term by term in Python and
    took most of this stage's time.
    """
    n = len(papers)
    many = n >= 50
    # Terms in one paper only, or in more than half of them, say nothing about topics.
    min_df, max_df = (2, n // 2) if many else (1, n)
    # Words numbered as first seen, a batch of papers at a time: a digest's every word
    # as a Python string at once took gigabytes at 100,000 papers. One search per batch,
    # not per paper: the calls cost a third as much as the searching.
    word_id: dict[str, int] = {_START.strip(): 0}
    ids_parts = []
    for start in range(0, n, 1000):
        tokens = _WORD.findall("".join(_START + indexed_text(paper).lower() for paper in papers[start:start + 1000]))
        for word in sorted(set(tokens).difference(word_id)):
            word_id[word] = len(word_id)
        ids_parts.append(np.fromiter(map(word_id.__getitem__, tokens), dtype=np.int64, count=len(tokens)))
    words = list(word_id)
    ids = np.concatenate(ids_parts) if ids_parts else np.zeros(0, np.int64)
    paper_of = np.cumsum(ids == 0, dtype=np.int32) - 1
    kept = ~np.isin(ids, [0] + [word_id[w] for w in ENGLISH_STOP_WORDS if w in word_id])
    ids, paper_of = ids[kept], paper_of[kept]
    # A pair is two neighbouring words of one paper (stop words dropped first).
    same_paper = paper_of[:-1] == paper_of[1:]
    pairs = ((ids[:-1] + 1) * _PAIR + ids[1:])[same_paper]
    rows = np.concatenate((paper_of, paper_of[:-1][same_paper]))
    del paper_of, same_paper, kept
    # A word's column is its id. The distinct pairs are numbered in sorted order after
    # the words (np.unique, without its slower inverse): only pairs need sorting.
    order = np.argsort(pairs)
    pairs = pairs[order]
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = pairs[1:] != pairs[:-1]
    distinct = pairs[first]
    del pairs
    columns_of = np.empty(len(rows), dtype=np.int32)  # 32 bits, as rows: 100 MB less at 100,000 papers
    columns_of[:len(ids)] = ids
    columns_of[len(ids):][order] = len(words) + np.cumsum(first) - 1
    del ids, order, first
    counts = sparse.csr_matrix((np.ones(len(rows)), (rows, columns_of)), shape=(n, len(words) + len(distinct)))
    # Stop words (and the start word) have no count: min_df leaves them out.
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    frequent = np.flatnonzero((df >= min_df) & (df <= max_df))
    keys = np.concatenate((np.arange(len(words)), distinct))  # each column's word id or pair key
    names = [words[k] if k < _PAIR else f"{words[k // _PAIR - 1]} {words[k % _PAIR]}"
             for k in keys[frequent].tolist()]
    alphabetical = sorted(range(len(names)), key=names.__getitem__)
    columns = frequent[alphabetical]
    matrix = sparse.csr_matrix(counts[:, columns])
    matrix.sort_indices()
    idf = np.log((n + 1) / (df[columns] + 1)) + 1  # smoothed, as if one more paper held every term
    matrix.data = (np.log(matrix.data) + 1) * idf[matrix.indices]
    row_of = np.repeat(np.arange(n), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(row_of, weights=matrix.data ** 2, minlength=n))
    matrix.data /= norms[row_of]
    return matrix, [names[i] for i in alphabetical]
