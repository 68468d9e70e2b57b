"""Names minted for the papers and authors of a digest: BibTeX keys and author page slugs.

Both are unique across the digest and decided in a fixed order, so that a paper
added later never changes the name of one already published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from unidecode import unidecode

from ..identifiers import arxiv_year
from ..model import Paper
from ..slugs import slugify, unique_slug

_STOP = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "towards", "toward", "via"}


def year_of(paper: Paper) -> int | None:
    if paper.published:
        return paper.published.year
    return arxiv_year(paper.arxiv)


def base_key(paper: Paper) -> str:
    """lastname + year + first title word, in ASCII: "lorch2022amortized"."""
    surname = ""
    if paper.authors:
        surname = re.sub(r"[^a-z]", "", unidecode(paper.authors[0].split()[-1]).lower())
    words = [w for w in re.findall(r"[a-z0-9]+", unidecode(paper.title).lower()) if w not in _STOP]
    year = year_of(paper)
    key = f"{surname}{year or ''}{words[0] if words else ''}"
    return key or re.sub(r"[^a-z0-9]", "", paper.slug)[:30] or "paper"


def citation_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """A key per paper slug, unique across the digest: collisions get a, b, c... in
    (added, slug) order, so a paper added later never changes an existing key."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    # Where each base key's search for a free suffix stopped: the candidates before it
    # are all taken, and stay taken, so the next paper with that key starts there (a
    # key shared by many papers made this quadratic).
    tried: dict[str, int] = {}
    for paper in sorted(papers, key=lambda p: (p.added, p.slug)):
        key = base_key(paper)
        n = tried.get(key, -1)
        candidate = key if n < 0 else _suffixed(key, n)
        while candidate in used:
            n += 1
            candidate = _suffixed(key, n)
        tried[key] = n
        used.add(candidate)
        keys[paper.slug] = candidate
    return keys


def _suffixed(key: str, n: int) -> str:
    """The key's n-th alternative: a, b, ... z, then a1, b1, ..."""
    return f"{key}{chr(ord('a') + n % 26)}{'' if n < 26 else n // 26}"


def author_slugs(papers: Sequence[Paper]) -> dict[str, str]:
    """A page slug per distinct author name; names that slugify alike get -2, -3 in name order."""
    taken: set[str] = set()
    slugs = {}
    for name in sorted({a for p in papers for a in p.authors}):
        slug = unique_slug(slugify(name), taken)
        taken.add(slug)
        slugs[name] = slug
    return slugs
