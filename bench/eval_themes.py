"""How well do automatic themes agree with themes a curator chose?

The labelled set is our own: the bundled 193 papers, each labelled with the best
curated theme from content/themes.yml (written by reading every paper). We
group the same papers with no taxonomy and compare the two partitions, taking
each paper's FIRST automatic theme:

- NMI (normalised mutual information): 0 = unrelated, 1 = the same grouping;
- ARI (adjusted Rand index): 0 = chance, 1 = the same grouping;
- purity: the share of papers whose automatic theme's majority label is their own;
- largest share: the largest theme's share of the papers (every member, first or second);
- in two: the share of papers in two automatic themes.

Rows: the old method (LSA + k-means, `cluster`, one theme per paper), the new one
(`auto_themes`: NMF, one or two themes per paper), and chance: the new first
themes shuffled (same sizes). NMI rises with the number of themes even by chance,
so compare each row with the chance row too.

    python bench/eval_themes.py [content_dir]
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

from scipy import sparse
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from generator.analysis.clustering import auto_themes, cluster
from generator.analysis.grouping import group_curated
from generator.analysis.tfidf import tfidf_matrix
from generator.content import load_digest


def purity(truth: list[str], found: list[str]) -> float:
    by_cluster: dict[str, Counter[str]] = {}
    for t, f in zip(truth, found):
        by_cluster.setdefault(f, Counter())[t] += 1
    return sum(c.most_common(1)[0][1] for c in by_cluster.values()) / len(truth)


def old_method(matrix: sparse.csr_matrix) -> list[list[str]]:
    """The themes before NMF: LSA + k-means (`cluster`), one per paper."""
    return [[str(label)] for label in cluster(matrix).tolist()]


def main(content_dir: Path) -> None:
    digest = load_digest(content_dir)
    curated = group_curated(digest)
    papers = [p for p in digest.papers if curated[p.slug]]
    truth = [curated[p.slug][0].theme for p in papers]
    matrix, terms = tfidf_matrix(papers)
    found = auto_themes(papers, matrix, terms, set())
    new = [[m.theme for m in found.memberships[p.slug]] for p in papers]
    shuffled = [row[0] for row in new]
    random.Random(0).shuffle(shuffled)

    rows = [("LSA + k-means (old)", old_method(matrix)), ("NMF, up to 2 (new)", new),
            ("shuffled (chance)", [[label] for label in shuffled])]
    print(f"{len(papers)} papers; {len(set(truth))} curated themes\n")
    print(f"| {'grouping':<20} | themes | {'NMI':>5} | {'ARI':>5} | {'purity':>6} | largest share | in two |")
    print(f"|{'-' * 22}|--------|{'-' * 7}|{'-' * 7}|{'-' * 8}|---------------|--------|")
    for name, themes in rows:
        first = [row[0] for row in themes]
        sizes = Counter(theme for row in themes for theme in row)
        in_two = sum(len(row) == 2 for row in themes) / len(themes)
        print(f"| {name:<20} | {len(sizes):>6} | {normalized_mutual_info_score(truth, first):5.2f} "
              f"| {adjusted_rand_score(truth, first):5.2f} | {purity(truth, first):6.2f} "
              f"| {max(sizes.values()) / len(themes):13.0%} | {in_two:6.0%} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("content"))
