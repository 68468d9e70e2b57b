"""Analysis: everything known about the content before anything is rendered.

    Digest -> TF-IDF (tfidf.py) -> related papers (relating.py)
                                -> themes: curated rules, then automatic ones (grouping.py,
                                   clustering.py), carried on from the recorded ones (history.py)
           -> citation keys and author slugs (names.py)

Pure: a Digest in, an Analysis out; nothing here reads or writes files.
`taxonomy.py` helps a curator with the themes (`digest themes suggest | report`).
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy import sparse

from ..model import Digest, Grouping, Related
from ..phrases import Matchers
from .grouping import group
from .names import author_slugs, citation_keys
from .relating import TOP_K, relate
from .tfidf import tfidf_matrix


@dataclass(frozen=True)
class Analysis:
    """Everything known about the content before rendering."""

    digest: Digest
    grouping: Grouping
    related: dict[str, tuple[Related, ...]]
    matrix: sparse.csr_matrix  # TF-IDF of title + abstract, rows in digest.papers order
    citation_keys: dict[str, str]  # paper slug -> BibTeX key, unique in the digest
    author_slugs: dict[str, str]  # author name -> slug of the author's page


def analyse(digest: Digest, related: int = TOP_K, matchers: Matchers | None = None,
            recluster: bool = False) -> Analysis:
    """The digest's analysis, with `related` papers per paper. Pass the `matchers` that
    read the content (content.load_digest) so that no text is searched for the theme
    rules' phrases twice. The automatic themes carry on from the recorded ones unless
    asked to `recluster` (analysis/history.py)."""
    matrix, terms = tfidf_matrix(digest.papers)  # one TF-IDF for grouping and relating
    # One after the other: relating's sparse product (sparse-dot-topn, on two threads of
    # its own) holds the interpreter lock throughout, so grouping in a thread beside it
    # waited for it (measured: no gain).
    related_papers = relate(digest.papers, matrix, k=related)
    grouping = group(digest, matrix, terms, matchers=matchers, recluster=recluster)
    return Analysis(digest=digest, grouping=grouping, related=related_papers, matrix=matrix,
                    citation_keys=citation_keys(digest.papers), author_slugs=author_slugs(digest.papers))
