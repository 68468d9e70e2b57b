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

from .clustering import auto_themes
from .model import Digest, Grouping, Membership, Paper, Theme
from .phrases import PhraseMatcher, phrase_matcher, phrase_pattern, phrase_words

__all__ = ["PhraseMatcher", "phrase_pattern", "phrase_words", "group", "group_curated", "make_grouping"]

TITLE_WEIGHT = 3.0
ABSTRACT_WEIGHT = 1.0
MIN_SCORE = 2.0  # one title hit, or two distinct phrases in the abstract
MAX_THEMES_PER_PAPER = 3


def compile_rules(themes: Iterable[Theme]) -> tuple[PhraseMatcher, dict[str, list[tuple[int, str]]]]:
    """One matcher over every phrase, and each theme's (phrase number, phrase) list."""
    phrases: list[str] = []
    by_theme: dict[str, list[tuple[int, str]]] = {}
    for theme in themes:
        by_theme[theme.slug] = []
        for phrase in theme.match:
            by_theme[theme.slug].append((len(phrases), phrase))
            phrases.append(phrase)
    return phrase_matcher(tuple(phrases)), by_theme


def score_theme(rules: list[tuple[int, str]], in_title: set[int],
                in_abstract: set[int]) -> tuple[float, tuple[str, ...]]:
    score = 0.0
    matched = []
    for number, phrase in rules:
        if number in in_title:
            score += TITLE_WEIGHT
            matched.append(phrase)
        elif number in in_abstract:
            score += ABSTRACT_WEIGHT
            matched.append(phrase)
    return score, tuple(matched)


def curated_memberships(paper: Paper, themes: tuple[Theme, ...],
                        rules: tuple[PhraseMatcher, dict[str, list[tuple[int, str]]]]) -> tuple[Membership, ...]:
    if paper.pinned_themes:
        return tuple(Membership(theme=slug, score=0.0, reasons=(), pinned=True) for slug in paper.pinned_themes)
    matcher, by_theme = rules
    in_title, in_abstract = matcher.find(paper.title), matcher.find(paper.abstract)
    order = {t.slug: i for i, t in enumerate(themes)}
    scored = []
    for theme in themes:
        score, matched = score_theme(by_theme[theme.slug], in_title, in_abstract)
        if score >= MIN_SCORE:
            scored.append(Membership(theme=theme.slug, score=score, reasons=matched))
    scored.sort(key=lambda m: (-m.score, order[m.theme]))
    return tuple(scored[:MAX_THEMES_PER_PAPER])


def group_curated(digest: Digest) -> dict[str, tuple[Membership, ...]]:
    """Each paper's curated themes; papers the rules miss get none."""
    rules = compile_rules(digest.themes)
    return {p.slug: curated_memberships(p, digest.themes, rules) for p in digest.papers}


def group(digest: Digest, matrix: sparse.csr_matrix | None = None, terms: Sequence[str] = ()) -> Grouping:
    """Curated themes first; the papers they leave out go to automatic themes.

    matrix and terms are the digest's TF-IDF (rows in digest.papers order); without
    them, left-out papers stay in no theme.
    """
    memberships = group_curated(digest)
    left_out = [i for i, p in enumerate(digest.papers) if not memberships[p.slug]]
    themes = digest.themes
    if left_out and matrix is not None:
        found = auto_themes([digest.papers[i] for i in left_out], matrix[left_out], terms,
                            taken_slugs={t.slug for t in digest.themes})
        memberships.update(found.memberships)
        themes = digest.themes + found.themes
    return make_grouping(themes, memberships)


def make_grouping(themes: tuple[Theme, ...], memberships: dict[str, tuple[Membership, ...]]) -> Grouping:
    members: dict[str, list[str]] = {t.slug: [] for t in themes}
    for paper_slug in sorted(memberships):
        for membership in memberships[paper_slug]:
            members[membership.theme].append(paper_slug)
    return Grouping(themes=themes, memberships=memberships,
                    members={slug: tuple(papers) for slug, papers in members.items()})
