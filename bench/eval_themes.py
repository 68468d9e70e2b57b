"""How well do automatic themes agree with themes a curator chose?

The labelled set is our own: the bundled 193 papers, each labelled with the best
curated theme from content/themes.yml (written by reading every paper). We
cluster the same papers with no taxonomy and compare the two partitions:

- NMI (normalised mutual information): 0 = unrelated, 1 = the same grouping;
- ARI (adjusted Rand index): 0 = chance, 1 = the same grouping;
- purity: the share of papers whose automatic theme's majority label is their own.

A baseline shuffles the automatic assignment (same theme sizes) to show chance.

    python bench/eval_themes.py [content_dir]
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from generator.analysis.clustering import auto_themes
from generator.analysis.grouping import group_curated
from generator.analysis.tfidf import tfidf_matrix
from generator.content import load_digest


def purity(truth: list[str], found: list[str]) -> float:
    by_cluster: dict[str, Counter[str]] = {}
    for t, f in zip(truth, found):
        by_cluster.setdefault(f, Counter())[t] += 1
    return sum(c.most_common(1)[0][1] for c in by_cluster.values()) / len(truth)


def main(content_dir: Path) -> None:
    digest = load_digest(content_dir)
    curated = group_curated(digest)
    papers = [p for p in digest.papers if curated[p.slug]]
    truth = [curated[p.slug][0].theme for p in papers]
    matrix, terms = tfidf_matrix(papers)
    found_themes = auto_themes(papers, matrix, terms, set())
    found = [found_themes.memberships[p.slug][0].theme for p in papers]
    shuffled = found[:]
    random.Random(0).shuffle(shuffled)

    rows = [("automatic themes", found), ("shuffled (chance)", shuffled)]
    print(f"{len(papers)} papers; {len(set(truth))} curated themes; {len(set(found))} automatic themes\n")
    print(f"| {'grouping':<18} | {'NMI':>5} | {'ARI':>5} | {'purity':>6} |")
    print(f"|{'-' * 20}|{'-' * 7}|{'-' * 7}|{'-' * 8}|")
    for name, labels in rows:
        print(f"| {name:<18} | {normalized_mutual_info_score(truth, labels):5.2f} "
              f"| {adjusted_rand_score(truth, labels):5.2f} | {purity(truth, labels):6.2f} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("content"))
