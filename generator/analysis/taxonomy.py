"""Helping a curator with the taxonomy: `digest themes suggest` and `digest themes report`.

Both are pure: content and analysis in, text out.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import yaml
from scipy import sparse

from ..model import Digest, Grouping, Paper
from ..phrases import phrase_pattern
from .clustering import auto_themes, surface_form
from .grouping import group_curated
from .tfidf import tfidf_matrix

SUGGESTED_PHRASES = 8
# Two themes overlap heavily when they share this share of the smaller one's papers.
HEAVY_OVERLAP = 0.5


# --------------------------------------------------------------------------- suggest


def suggest(digest: Digest) -> str:
    """A themes.yml draft: for every paper without a taxonomy, else for the papers it leaves out."""
    matrix, terms = tfidf_matrix(digest.papers)
    curated = group_curated(digest)
    left_out = [i for i, p in enumerate(digest.papers) if not curated[p.slug]]
    lines = ["# A draft taxonomy from `digest themes suggest`: edit titles, descriptions and phrases.",
             "# Phrases match titles (3 points) and abstracts (1 point); a paper joins themes scoring 2 or more."]
    if digest.themes:
        lines.append(f"# content/themes.yml leaves {len(left_out)} of {len(digest.papers)} papers out: "
                     "append these themes to its `themes:` list.")
    if not left_out:
        lines.append("# Every paper is in a curated theme: nothing to suggest.")
        return "\n".join(lines) + "\nthemes: []\n"
    papers = [digest.papers[i] for i in left_out]
    found = auto_themes(papers, matrix[left_out], terms, taken_slugs={t.slug for t in digest.themes})
    lines.append("themes:")
    members: dict[str, list[Paper]] = {t.slug: [] for t in found.themes}
    for paper in papers:
        members[found.memberships[paper.slug][0].theme].append(paper)
    for theme in found.themes:
        phrases = _phrases(found.top_terms[theme.slug], members[theme.slug])
        item = {"slug": theme.slug, "title": theme.title, "description": theme.description,
                "match": phrases}
        block = yaml.safe_dump([item], sort_keys=False, allow_unicode=True, width=100)
        lines.extend("  " + line for line in block.rstrip("\n").split("\n"))
        lines.append(f"    # {len(members[theme.slug])} papers:")
        lines.extend(f"    #   - {' '.join(p.title.split())}" for p in sorted(members[theme.slug],
                                                                                 key=lambda p: p.slug))
    return "\n".join(lines) + "\n"


def _phrases(top_terms: tuple[str, ...], members: list[Paper]) -> list[str]:
    """Phrases as the papers write them, each matching at least one member."""
    texts = [f"{p.title}\n{p.abstract}" for p in members]
    phrases = []
    for term in top_terms:
        form = surface_form(term, texts)
        if form and len(form) < 3 and form.islower():
            continue  # "vs", "et": not a topic
        if form and any(phrase_pattern(form).search(t) for t in texts) and form not in phrases:
            phrases.append(form)
        if len(phrases) == SUGGESTED_PHRASES:
            break
    return phrases


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class ThemeStats:
    slug: str
    title: str
    size: int
    share: float
    cohesion: float  # mean cosine similarity between its papers
    automatic: bool


@dataclass(frozen=True)
class Report:
    papers: int
    themes: tuple[ThemeStats, ...]
    digest_similarity: float  # mean cosine similarity between any two papers
    no_theme: tuple[Paper, ...]  # in no curated theme (they go to automatic themes at build)
    over_three: tuple[tuple[Paper, int], ...]
    overlaps: tuple[tuple[str, str, int, float], ...]  # (a, b, shared, share of the smaller)
    has_taxonomy: bool


def mean_similarity(matrix: sparse.csr_matrix, rows: list[int]) -> float:
    """Mean cosine similarity over distinct pairs of rows (rows are L2-normalised)."""
    n = len(rows)
    if n < 2:
        return 0.0
    total = np.asarray(matrix[rows].sum(axis=0)).ravel()
    return float((total @ total - n) / (n * (n - 1)))


def report(digest: Digest, grouping: Grouping, matrix: sparse.csr_matrix) -> Report:
    index = {p.slug: i for i, p in enumerate(digest.papers)}
    n = len(digest.papers)
    stats = []
    for theme in grouping.themes:
        members = grouping.members.get(theme.slug, ())
        stats.append(ThemeStats(slug=theme.slug, title=theme.title, size=len(members),
                                share=len(members) / n if n else 0.0,
                                cohesion=mean_similarity(matrix, [index[s] for s in members]),
                                automatic=theme.automatic))
    curated = group_curated(digest)
    no_theme = tuple(p for p in digest.papers if digest.themes and not curated[p.slug])
    over_three = tuple((p, len(grouping.themes_of(p.slug))) for p in digest.papers
                       if len(grouping.themes_of(p.slug)) > 3)
    overlaps = []
    for a, b in combinations(grouping.themes, 2):
        first, second = set(grouping.members[a.slug]), set(grouping.members[b.slug])
        shared = len(first & second)
        smaller = min(len(first), len(second))
        if smaller and shared / smaller >= HEAVY_OVERLAP:
            overlaps.append((a.slug, b.slug, shared, shared / smaller))
    return Report(papers=n, themes=tuple(stats), digest_similarity=mean_similarity(matrix, list(range(n))),
                  no_theme=no_theme, over_three=over_three, overlaps=tuple(overlaps),
                  has_taxonomy=bool(digest.themes))


def format_report(r: Report) -> str:
    width = max([len(t.slug) for t in r.themes] + [5])
    lines = [f"{r.papers} papers in {len(r.themes)} themes"
             + ("" if r.has_taxonomy else " (no content/themes.yml: every theme is automatic)"), "",
             f"{'theme':<{width}}  papers   share  cohesion (digest mean {r.digest_similarity:.3f})"]
    for t in r.themes:
        ratio = t.cohesion / r.digest_similarity if r.digest_similarity else 0.0
        mark = "  (automatic)" if t.automatic else ""
        lines.append(f"{t.slug:<{width}}  {t.size:>6}  {t.share:>6.1%}  {t.cohesion:.3f} = {ratio:.1f}x{mark}")
    lines.append("")
    lines.append(f"papers in no curated theme: {len(r.no_theme)}"
                 + (" (the build puts them in automatic themes)" if r.no_theme else ""))
    lines.extend(f"  {p.path}: {p.title}" for p in r.no_theme)
    lines.append(f"papers in more than three themes: {len(r.over_three)}")
    lines.extend(f"  {p.path}: {count} themes" for p, count in r.over_three)
    lines.append(f"pairs of themes sharing at least {HEAVY_OVERLAP:.0%} of the smaller one: {len(r.overlaps)}")
    lines.extend(f"  {a} & {b}: {shared} papers ({share:.0%})" for a, b, shared, share in r.overlaps)
    return "\n".join(lines) + "\n"
