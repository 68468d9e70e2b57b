"""How far the approximate related papers are from the exact ones (analysis/relating.py).

    python bench/related.py                 # the bundled papers and 10,000 synthetic ones
    python bench/related.py --sizes 100000  # (the exact search takes minutes there)

For each digest: the exact top-k over every pair and the approximate one (forced,
whatever the size), their times, and how much the related lists differ: the share of
papers whose list changes at all (another paper, or the same ones in another order),
whose set of related papers changes, and the share of the exact lists' entries that
the approximate lists miss. The synthetic digests are the bench's (bench/run.py's
default corpus, same seed). It prints a table and asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def compare(size: int) -> dict[str, float]:
    from generator.analysis.relating import approximate_top_k, exact_top_k
    from generator.analysis.tfidf import tfidf_matrix
    from generator.content import load_digest
    from generator.synthetic import synthetic_papers

    sample = load_digest(ROOT / "content").papers
    papers = sample if size == 0 else synthetic_papers(sample, size, seed=size, new_words=True)
    matrix, _ = tfidf_matrix(papers)
    start = time.perf_counter()
    exact = exact_top_k(matrix)
    exact_s = time.perf_counter() - start
    start = time.perf_counter()
    approximate = approximate_top_k(matrix)
    approximate_s = time.perf_counter() - start
    lists = [([j for j, _ in a], [j for j, _ in e]) for a, e in zip(approximate, exact)]
    entries = sum(len(e) for _, e in lists)
    return {"papers": len(papers), "exact_s": exact_s, "approximate_s": approximate_s,
            "lists_changed": sum(a != e for a, e in lists) / len(lists),
            "sets_changed": sum(set(a) != set(e) for a, e in lists) / len(lists),
            "entries_missed": sum(len(set(e) - set(a)) for a, e in lists) / max(1, entries)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[0, 10_000],
                        help="synthetic digests' sizes; 0 is the bundled papers")
    args = parser.parse_args()
    print("| papers | exact | approximate | lists changed | sets changed | entries missed |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        row = compare(size)
        name = f"{row['papers']:,}" + (" (bundled)" if size == 0 else "")
        print(f"| {name} | {row['exact_s']:.2f} s | {row['approximate_s']:.2f} s | {100 * row['lists_changed']:.2f}% "
              f"| {100 * row['sets_changed']:.2f}% | {100 * row['entries_missed']:.2f}% |", flush=True)


if __name__ == "__main__":
    main()
