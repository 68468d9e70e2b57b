"""Synthetic digests for tests and benchmarks: realistic text, any size, same seed same output.

Titles and abstracts are stitched from the sentences and title words of a
sample of real papers (the bundled digest), so the vocabulary, lengths and
topic mix look like the real thing; added dates spread over the past year.

With `new_words`, the vocabulary also grows as real abstracts' does (Heaps' law):
a stitched sample alone repeats the same few thousand words however many papers
it makes, so every term is common and every pair of papers shares many of them,
which real text at 100,000 papers does not. `listing_text` makes the other
extreme: a pasted listing of word salad, for a digest imported all at once.
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

# Heaps' law: a corpus of N words has about HEAPS_K * N ** HEAPS_BETA distinct ones, so
# the chance that the next word is new is the derivative, HEAPS_K * HEAPS_BETA * N ** -0.4.
# K is set so that the law gives the bundled sample's own vocabulary at its size (about
# 8,000 distinct words in 40,000), and N counts from there: text stitched from the
# sample holds no new word until the synthetic corpus outgrows it.
HEAPS_K, HEAPS_BETA = 12.0, 0.6
# Of the other words, this share repeats a word invented before for a paper of the same
# parent topic, chosen by its uses so far (the rich get richer, as Zipf's law has it):
# a rare term is then shared by a few papers of one topic, as jargon is.
REUSE_SHARE = 0.02
_LETTERS = re.compile(r"[A-Za-z]+")
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]  # 70


def synthetic_papers(sample: Sequence[Paper], count: int, *, seed: int = 0,
                     last_day: dt.date = dt.date(2026, 11, 26), days: int = 365,
                     new_words: bool = False) -> list[Paper]:
    if not sample:
        raise ValueError("synthetic_papers needs at least one sample paper")
    rng = random.Random(seed)
    ordered = sorted(sample, key=lambda p: p.slug)
    sentences = [re.split(r"(?<=[.!?])\s+", p.abstract.strip()) for p in ordered]
    title_words = [p.title.split() for p in ordered]
    # A generator of its own, so that the papers are the same ones with or without new words.
    vocabulary = (_GrowingVocabulary(random.Random(f"{seed} new words"), sum(len(p.abstract.split()) for p in ordered))
                  if new_words else None)
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
        abstract = " ".join(body)
        if vocabulary is not None:
            abstract = vocabulary.rewrite(abstract, parent)
        slug = unique_slug(slugify(title), taken)
        taken.add(slug)
        added = last_day - dt.timedelta(days=rng.randrange(days))
        papers.append(Paper(id=f"synthetic-{i + 1:06d}", slug=slug, title=title, abstract=abstract,
                            added=added, source="synthetic"))
    return papers


class _GrowingVocabulary:
    """Replaces words of stitched text with invented ones at Heaps' law's rate."""

    def __init__(self, rng: random.Random, words_so_far: int) -> None:
        self.rng = rng
        self.words = words_so_far
        self.invented = 0
        self.uses: dict[int, list[str]] = {}  # parent paper -> every use of a word invented for its children

    def rewrite(self, text: str, parent: int) -> str:
        uses = self.uses.setdefault(parent, [])
        out = []
        for word in text.split(" "):
            self.words += 1
            draw = self.rng.random()
            new = HEAPS_K * HEAPS_BETA * self.words ** (HEAPS_BETA - 1)
            letters = _LETTERS.match(word)
            if letters is None or draw >= new + REUSE_SHARE:
                out.append(word)
                continue
            if draw < new:
                invented = self._invent()
            elif uses:
                invented = self.rng.choice(uses)
            else:
                out.append(word)
                continue
            uses.append(invented)
            out.append(invented + word[letters.end():])  # punctuation after the word stays
        return " ".join(out)

    def _invent(self) -> str:
        """A word no text holds: its number in syllables (three at least), "zo..." in front."""
        number = self.invented
        syllables: list[str] = []
        self.invented += 1
        while number or len(syllables) < 3:
            number, digit = divmod(number, len(_SYLLABLES))
            syllables.append(_SYLLABLES[digit])
        return "zo" + "".join(syllables)


def listing_text(sample: Sequence[Paper], count: int, *, seed: int = 0) -> str:
    """A pasted "trending papers" listing (the seed listing's format: two lines of page
    chrome, then a title line and an abstract line per paper) of `count` papers whose
    titles and abstracts are word salad: words drawn at random from the sample's, so
    that few papers hold a theme phrase and most are left to automatic themes."""
    rng = random.Random(seed)
    words = sorted({w for p in sample for w in f"{p.title} {p.abstract}".split() if w.isalpha()})
    lines = ["Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!"]
    for i in range(count):
        title = " ".join(rng.choices(words, k=rng.randint(5, 12))).capitalize() + f" {i + 1}"
        sentences = [" ".join(rng.choices(words, k=rng.randint(8, 25))).capitalize() + "."
                     for _ in range(rng.randint(5, 10))]
        lines += [title, " ".join(sentences)]
    return "\n".join(lines) + "\n"


def write_papers(content_dir: Path, papers: Sequence[Paper]) -> None:
    # Plain writes: throwaway content needs no fsync, and 100,000 of them would take minutes.
    folder = content_dir / PAPERS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for paper in papers:
        (folder / f"{paper.slug}.md").write_text(paper_file_text(paper), encoding="utf-8")
