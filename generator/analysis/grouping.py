"""Curated themes: match a taxonomy's phrases against titles and abstracts.

Scoring, per paper and theme: each distinct phrase found in the title counts
TITLE_WEIGHT, each found only in the abstract counts ABSTRACT_WEIGHT. A paper
joins every theme scoring at least MIN_SCORE, best first, at most
MAX_THEMES_PER_PAPER. A `themes:` pin in front matter replaces the rules for
that paper. Phrases match whole words, case-insensitively, with hyphens and
spaces interchangeable and an optional plural "s"/"es" at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scipy import sparse

from ..model import Digest, Grouping, Membership, Paper, RetiredTheme, Theme
from ..phrases import Matchers, PhraseMatcher
from . import history

TITLE_WEIGHT = 3.0
ABSTRACT_WEIGHT = 1.0
MIN_SCORE = 2.0  # one title hit, or two distinct phrases in the abstract
MAX_THEMES_PER_PAPER = 3


def compile_rules(themes: Iterable[Theme], matchers: Matchers) -> tuple[PhraseMatcher, list[tuple[str, str]]]:
    """One matcher over every phrase, and each phrase number's (theme slug, phrase),
    numbered theme by theme in the order the taxonomy lists them."""
    themes = tuple(themes)
    rules = [(theme.slug, phrase) for theme in themes for phrase in theme.match]
    return matchers.matcher(theme_phrases(themes)), rules


def theme_phrases(themes: Iterable[Theme]) -> tuple[str, ...]:
    """Every theme's phrases, in the numbering compile_rules gives them."""
    return tuple(phrase for theme in themes for phrase in theme.match)


def curated_memberships(paper: Paper, themes: tuple[Theme, ...],
                        rules: tuple[PhraseMatcher, list[tuple[str, str]]]) -> tuple[Membership, ...]:
    if paper.pinned_themes:
        return tuple(Membership(theme=slug, score=0.0, reasons=(), pinned=True) for slug in paper.pinned_themes)
    matcher, phrases = rules
    in_title, in_abstract = matcher.find(paper.title), matcher.find(paper.abstract)
    # Only the themes whose phrases were found can score; a theme's reasons keep its
    # phrases' order, since phrase numbers follow it.
    scores: dict[str, float] = {}
    matched: dict[str, list[str]] = {}
    for number in sorted(in_title | in_abstract):
        slug, phrase = phrases[number]
        scores[slug] = scores.get(slug, 0.0) + (TITLE_WEIGHT if number in in_title else ABSTRACT_WEIGHT)
        matched.setdefault(slug, []).append(phrase)
    order = {t.slug: i for i, t in enumerate(themes)} if scores else {}
    best = sorted((slug for slug, score in scores.items() if score >= MIN_SCORE),
                  key=lambda slug: (-scores[slug], order[slug]))
    return tuple(Membership(theme=slug, score=scores[slug], reasons=tuple(matched[slug]))
                 for slug in best[:MAX_THEMES_PER_PAPER])


def group_curated(digest: Digest, matchers: Matchers | None = None) -> dict[str, tuple[Membership, ...]]:
    """Each paper's curated themes; papers the rules miss get none."""
    rules = compile_rules(digest.themes, matchers or Matchers())
    return {p.slug: curated_memberships(p, digest.themes, rules) for p in digest.papers}


def group(digest: Digest, matrix: sparse.csr_matrix | None = None, terms: Sequence[str] = (),
          matchers: Matchers | None = None, recluster: bool = False) -> Grouping:
    """Curated themes first; the papers they leave out go to automatic themes, which carry
    on from the recorded ones (history.py), or start over when asked to `recluster`.

    matrix and terms are the digest's TF-IDF (rows in digest.papers order); without
    them, left-out papers stay in no theme.
    """
    memberships = group_curated(digest, matchers)
    if matrix is None:
        return make_grouping(digest.themes, memberships)
    left_out = [i for i, p in enumerate(digest.papers) if not memberships[p.slug]]
    papers = [digest.papers[i] for i in left_out]
    curated = {t.slug for t in digest.themes}
    find = history.recluster if recluster else history.continue_themes
    found = find(papers, matrix[left_out], terms, digest.recorded, curated)
    memberships.update(history.memberships(found, papers, matrix[left_out], terms))
    themes = digest.themes + found.themes
    retired = history.successors(found.retired, digest.recorded, memberships, [t.slug for t in themes])
    return make_grouping(themes, memberships, retired)


def make_grouping(themes: tuple[Theme, ...], memberships: dict[str, tuple[Membership, ...]],
                  retired: tuple[RetiredTheme, ...] = ()) -> Grouping:
    members: dict[str, list[str]] = {t.slug: [] for t in themes}
    for paper_slug in sorted(memberships):
        for membership in memberships[paper_slug]:
            members[membership.theme].append(paper_slug)
    return Grouping(themes=themes, memberships=memberships, retired=retired,
                    members={slug: tuple(papers) for slug, papers in members.items()})
