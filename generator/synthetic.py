"""Synthetic digests for tests and benchmarks: realistic text, any size, same seed same output.

Titles and abstracts are stitched from the sentences and title words of a
sample of real papers (the bundled digest), so the vocabulary, lengths and
topic mix look like the real thing; added dates spread over the past year.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from pathlib import Path

from .content import PAPERS_DIR
from .content.writing import paper_file_text
from .model import Paper
from .slugs import slugify, unique_slug


def synthetic_papers(sample: Sequence[Paper], count: int, *, seed: int = 0,
                     last_day: dt.date = dt.date(2026, 11, 26), days: int = 365) -> list[Paper]:
    if not sample:
        raise ValueError("synthetic_papers needs at least one sample paper")
    rng = random.Random(seed)
    ordered = sorted(sample, key=lambda p: p.slug)
    sentences = [re.split(r"(?<=[.!?])\s+", p.abstract.strip()) for p in ordered]
    title_words = [p.title.split() for p in ordered]
    taken: set[str] = set()
    papers = []
    for i in range(count):
        # Most text from one "parent" paper keeps each synthetic paper on one topic.
        parent = rng.randrange(len(ordered))
        other = rng.randrange(len(ordered))
        words = title_words[parent][:]
        words[rng.randrange(len(words))] = rng.choice(title_words[other])
        title = " ".join(words) + f" ({i + 1})"
        body = sentences[parent][:]
        rng.shuffle(body)
        body = body[: max(3, len(body) - 2)] + rng.sample(sentences[other], min(2, len(sentences[other])))
        slug = unique_slug(slugify(title), taken)
        taken.add(slug)
        added = last_day - dt.timedelta(days=rng.randrange(days))
        papers.append(Paper(id=f"synthetic-{i + 1:06d}", slug=slug, title=title, abstract=" ".join(body),
                            added=added, source="synthetic"))
    return papers


def write_papers(content_dir: Path, papers: Sequence[Paper]) -> None:
    # Plain writes: throwaway content needs no fsync, and 100,000 of them would take minutes.
    folder = content_dir / PAPERS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for paper in papers:
        (folder / f"{paper.slug}.md").write_text(paper_file_text(paper), encoding="utf-8")
