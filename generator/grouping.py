"""Curated themes: match a taxonomy's phrases against titles and abstracts.

Scoring, per paper and theme: each distinct phrase found in the title counts
TITLE_WEIGHT, each found only in the abstract counts ABSTRACT_WEIGHT. A paper
joins every theme scoring at least MIN_SCORE, best first, at most
MAX_THEMES_PER_PAPER. A `themes:` pin in front matter replaces the rules for
that paper. Phrases match whole words, case-insensitively, with hyphens and
spaces interchangeable and an optional plural "s"/"es" at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from scipy import sparse

from .clustering import auto_themes
from .model import Digest, Grouping, Membership, Paper, Theme

TITLE_WEIGHT = 3.0
ABSTRACT_WEIGHT = 1.0
MIN_SCORE = 2.0  # one title hit, or two distinct phrases in the abstract
MAX_THEMES_PER_PAPER = 3


_WORD = re.compile(r"[^\W_]+|[^\w\s-]")


def phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(phrase.lower()))


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """One phrase as a regular expression: the definition of a match (PhraseMatcher is the fast path)."""
    body = r"[\s\-]+".join(re.escape(w) for w in phrase_words(phrase))
    return re.compile(rf"(?<![\w-]){body}(?:e?s)?(?![\w])", re.IGNORECASE)


class PhraseMatcher:
    """Finds which of many phrases occur in a text.

    A match is what phrase_pattern says. Running every pattern over every text
    was most of a build's time, so a cheap necessary condition comes first: all
    the phrase's words are words of the text (the last one perhaps plural). Only
    the few phrases that pass it are searched for.
    """

    def __init__(self, phrases: Sequence[str]) -> None:
        # phrase_pattern without its look-behind, for lowercased text: a pattern that
        # starts with a literal lets the regex engine skip ahead, several times faster.
        self._patterns = [
            re.compile(r"[\s\-]+".join(re.escape(w) for w in phrase_words(p)) + r"(?:e?s)?(?![\w])")
            for p in phrases
        ]
        self._by_first: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for number, phrase in enumerate(phrases):
            words = phrase_words(phrase)
            if words:
                self._by_first.setdefault(words[0], []).append((number, frozenset(words)))
        self._first_words = frozenset(self._by_first)

    def find(self, text: str) -> set[int]:
        """Numbers of the phrases found in text."""
        lower = text.lower()
        words = set(_WORD.findall(lower))
        words |= {w[:-1] for w in words if w.endswith("s")} | {w[:-2] for w in words if w.endswith("es")}
        found = set()
        for first in words & self._first_words:
            for number, needed in self._by_first[first]:
                if needed <= words and self._search(self._patterns[number], lower):
                    found.add(number)
        return found

    @staticmethod
    def _search(pattern: re.Pattern[str], text: str) -> bool:
        """pattern.search, where a match must not follow a word character or a hyphen."""
        position = 0
        while (match := pattern.search(text, position)) is not None:
            start = match.start()
            if start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_-"):
                return True
            position = start + 1
        return False


def compile_rules(themes: Iterable[Theme]) -> tuple[PhraseMatcher, dict[str, list[tuple[int, str]]]]:
    """One matcher over every phrase, and each theme's (phrase number, phrase) list."""
    phrases: list[str] = []
    by_theme: dict[str, list[tuple[int, str]]] = {}
    for theme in themes:
        by_theme[theme.slug] = []
        for phrase in theme.match:
            by_theme[theme.slug].append((len(phrases), phrase))
            phrases.append(phrase)
    return PhraseMatcher(phrases), by_theme


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
