"""What a feed per author costs, and what writing them from one feedgen feed saves.

Synthetic papers (generator.synthetic) have no authors, so bench/run.py does not see
author feeds; here each paper gets four authors drawn from a pool of twice as many
names as papers (most authors have one or two papers, as in a real field). Times are
of every author's RSS and Atom: `small_feeds` (what a build runs) against feedgen
writing each feed by itself (`_build`, as for the digest's and themes' feeds), and
whether the two give the same bytes. Medians of three.

    python bench/author_feeds.py [papers ...]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from generator.analysis import analyse
from generator.content import load_digest
from generator.model import Digest
from generator.options import SiteOptions
from generator.rendering import feeds
from generator.synthetic import synthetic_papers

REPO = Path(__file__).resolve().parent.parent


def main(sizes: list[int]) -> None:
    sample = load_digest(REPO / "content").papers
    options = SiteOptions(site_url="https://digest.example.org/")
    print("| papers | authors | small_feeds | feedgen, a feed at a time | same bytes |")
    print("|---|---|---|---|---|")
    for size in sizes:
        rng = random.Random(0)
        pool = [f"Author {i}" for i in range(2 * size)]
        papers = sorted((replace(p, authors=tuple(rng.sample(pool, 4))) for p in synthetic_papers(sample, size)),
                        key=lambda p: (p.added, p.slug))
        analysis = analyse(Digest(papers=tuple(papers), themes=()))
        specs = feeds.author_specs(analysis, options)
        items = {p.slug: feeds._item(p, analysis, options, {}) for p in papers}
        fast_times, slow_times = [], []
        for _ in range(3):
            start = time.perf_counter()
            fast = feeds.small_feeds(specs, options, items)
            fast_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            slow = {}
            for spec in specs:
                slow[spec.rss_path], slow[spec.atom_path] = feeds._build(spec, options, items)
            slow_times.append(time.perf_counter() - start)
        print(f"| {size:,} | {len(specs):,} | {statistics.median(fast_times):.2f} s | "
              f"{statistics.median(slow_times):.2f} s | {'yes' if fast == slow else 'NO'} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000])
