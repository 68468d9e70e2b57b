"""Automatic themes: topics of the TF-IDF matrix (NMF), up to two per paper, named by labels.py.

Used for every paper when there is no taxonomy, and for the papers a taxonomy's
rules leave out. Deterministic: fixed seeds, sorted inputs, rounded scores, so
the same content gives the same themes on every run.

NMF rather than the LSA + k-means of `cluster` (kept, and measured against in
bench/eval_themes.py): its topics are non-negative mixtures of terms, so a paper's
weights say how much of it each theme explains, and a paper between two themes can
sit in both. On the bundled papers it agrees better with the curated themes.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..model import Membership, Paper, Theme
from ..slugs import slugify, unique_slug

# _term_pattern and surface_form are imported from here by the taxonomy helpers and tests.
from .labels import (
    DESCRIPTION_TERMS,
    Texts,
    class_term_scores,
    completed,
    describe,
    distinct_terms,
    is_modifier,
    noun_after,
    pair_boost,
    ranked_terms,
    title,
)
from .labels import _term_pattern as _term_pattern
from .labels import surface_form as surface_form

SEED = 0
# Below this many papers, clustering finds noise rather than topics: one group.
MIN_PAPERS_TO_CLUSTER = 8
# A theme a reader can browse holds a handful of papers at least, and a list of
# more than ~30 themes is no longer a menu. Within that, sqrt(n/2) .. sqrt(n) is
# the classic range for text collections; silhouette picks the k that separates best.
MIN_THEME_SIZE = 4
MAX_THEMES = 30
# Dimensions of the projection: few enough that k-means sees topics rather than
# vocabulary (on the bundled papers, 20 agree best with the curated themes: NMI
# 0.59 against 0.48 at 100, see bench/eval_themes.py), more for larger corpora.
MIN_COMPONENTS, MAX_COMPONENTS = 20, 100
REASON_TERMS = 3
# A theme page stays a browsable part of the digest, not half of it: a theme holding
# more than this share of the papers (first or second theme) is split, or gives way.
MAX_THEME_SHARE = 0.25
# A paper joins its second-best theme too when that theme explains at least this share
# of what its first explains (NMF weights): about a quarter of the bundled papers.
SECOND_THEME_WEIGHT = 0.5
MAX_THEMES_PER_PAPER = 2
# NMF learns its topics from at most this many papers (evenly spaced), then weighs every
# paper against them: learning costs grow with papers, weighing stays cheap.
FIT_SAMPLE = 2000
NMF_ITERATIONS = 400
TERMS_PER_THEME = 40  # candidates for a theme's label, description and reasons


@dataclass(frozen=True)
class AutoThemes:
    themes: tuple[Theme, ...]
    memberships: dict[str, tuple[Membership, ...]]  # paper slug -> its one or two automatic themes, best first
    top_terms: dict[str, tuple[str, ...]]  # theme slug -> its most distinctive terms, best first


def candidate_ks(n: int) -> list[int]:
    """The numbers of themes worth trying for n papers with k-means (`cluster`)."""
    return _spread(round(math.sqrt(n / 2)), round(math.sqrt(n)), n)


def topic_counts(n: int) -> list[int]:
    """The numbers of NMF topics worth trying for n papers: from sqrt(n/2) to sqrt(2n).

    Both the number of themes and their mean size then stay within a factor of sqrt(2)
    of sqrt(n), the balance between a list of themes and the list of a theme's papers.
    Wider than candidate_ks above: with a second theme per paper, themes can be narrower.
    """
    return _spread(round(math.sqrt(n / 2)), round(math.sqrt(2 * n)), n)


def _spread(low: int, high: int, n: int) -> list[int]:
    """At most five numbers from low to high, within 2 .. MAX_THEMES and n // MIN_THEME_SIZE."""
    low = max(2, min(low, MAX_THEMES))  # sqrt(n/2) passes 30 from 1,800 papers on
    high = max(low, min(MAX_THEMES, high, n // MIN_THEME_SIZE))
    low = min(low, high)
    if high - low <= 4:
        return list(range(low, high + 1))
    step = (high - low) / 4
    return sorted({round(low + i * step) for i in range(5)})


def _project(matrix: sparse.csr_matrix) -> np.ndarray:
    """Rows of a low-rank (LSA) projection, L2-normalised: k-means on it groups by topic."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    wanted = min(MAX_COMPONENTS, max(MIN_COMPONENTS, matrix.shape[0] // 10))
    components = min(wanted, matrix.shape[0] - 1, matrix.shape[1] - 1)
    if components < 2:
        return normalize(matrix.toarray())
    svd = TruncatedSVD(n_components=components, algorithm="randomized", n_iter=7, random_state=SEED)
    reduced = svd.fit_transform(matrix)
    # The sign of each component is arbitrary; fix it so results cannot flip between machines.
    signs = np.sign(svd.components_.sum(axis=1))
    signs[signs == 0] = 1
    return np.round(normalize(reduced * signs), 10)


def cluster(matrix: sparse.csr_matrix) -> np.ndarray:
    """A cluster label per row, numbered by first appearance so numbering is stable."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = matrix.shape[0]
    if n < MIN_PAPERS_TO_CLUSTER or matrix.shape[1] == 0:  # few papers, or no term to tell them apart
        return np.zeros(n, dtype=int)
    points = _project(matrix)
    best: tuple[float, int, np.ndarray] | None = None
    for k in candidate_ks(n):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning on duplicate points
            labels = KMeans(n_clusters=k, n_init=4, random_state=SEED).fit_predict(points)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(points, labels, metric="cosine",
                                       sample_size=min(n, 2000), random_state=SEED))
        score = round(score, 6)
        if best is None or score > best[0]:
            best = (score, k, labels)
    labels = best[2] if best is not None else np.zeros(n, dtype=int)
    renumber: dict[int, int] = {}
    return np.array([renumber.setdefault(int(label), len(renumber)) for label in labels])




def _fit_topics(matrix: sparse.csr_matrix, k: int) -> np.ndarray:
    """k NMF topics (rows: term weights) of the matrix's rows; NNDSVD starts it without chance."""
    from sklearn.decomposition import NMF

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: the topics are good long before the tolerance
        model = NMF(n_components=k, init="nndsvd", max_iter=NMF_ITERATIONS, random_state=SEED)
        model.fit(matrix)
    return np.asarray(model.components_)


def _weigh(matrix: sparse.csr_matrix, topics: np.ndarray) -> np.ndarray:
    """How much each topic explains of each row (NMF with the topics held fixed), rounded."""
    from sklearn.decomposition import non_negative_factorization

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights, _, _ = non_negative_factorization(matrix, H=topics, n_components=len(topics), init="custom",
                                                   update_H=False, max_iter=NMF_ITERATIONS, random_state=SEED)
    return np.round(np.asarray(weights), 9)


def _best_topics(matrix: sparse.csr_matrix, n: int) -> np.ndarray:
    """The topics of the k in topic_counts(n) whose hard grouping separates best.

    Silhouette (cosine) is measured on the TF-IDF rows themselves, the space every k
    shares, so that the ks compare fairly.
    """
    from sklearn.metrics import silhouette_score

    best: tuple[float, np.ndarray] | None = None
    for k in topic_counts(n):
        topics = _fit_topics(matrix, k)
        labels = _weigh(matrix, topics).argmax(axis=1)
        if len(set(labels.tolist())) < 2:
            continue
        score = round(float(silhouette_score(matrix, labels, metric="cosine")), 6)
        if best is None or score > best[0]:
            best = (score, topics)
    return best[1] if best is not None else _fit_topics(matrix, 1)


def _settle(matrix: sparse.csr_matrix, topics: np.ndarray) -> np.ndarray:
    """Topics whose themes all hold MIN_THEME_SIZE papers, and at most MAX_THEME_SHARE of them
    where a split can give two such themes: the smallest theme goes (its papers to their
    next-best topic), the largest over the cap splits in two (NMF on its own papers)."""
    n = matrix.shape[0]
    cap = max(MIN_THEME_SIZE, int(MAX_THEME_SHARE * n))
    unsplittable: set[bytes] = set()  # topics whose split left a theme too small
    for _ in range(2 * MAX_THEMES):  # each pass drops or splits one topic; a bound, never reached in practice
        first = _weigh(matrix, topics).argmax(axis=1)
        sizes = np.bincount(first, minlength=len(topics))
        if len(topics) > 1 and sizes.min() < MIN_THEME_SIZE:
            topics = np.delete(topics, int(sizes.argmin()), axis=0)
            continue
        over = [t for t in np.argsort(-sizes, kind="stable").tolist()
                if sizes[t] > cap and sizes[t] >= 2 * MIN_THEME_SIZE and topics[t].tobytes() not in unsplittable]
        if not over or len(topics) >= MAX_THEMES:
            return topics
        big = over[0]
        halves = _fit_topics(matrix[np.flatnonzero(first == big)], 2)
        trial = np.vstack([np.delete(topics, big, axis=0), halves])
        if np.bincount(_weigh(matrix, trial).argmax(axis=1), minlength=len(trial)).min() < MIN_THEME_SIZE:
            unsplittable.add(topics[big].tobytes())
        else:
            topics = trial
    return topics


def _assign(weights: np.ndarray) -> list[list[int]]:
    """Each row's themes, best first: its best, and its second best when that weighs at least
    SECOND_THEME_WEIGHT of the best. No theme grows past MAX_THEME_SHARE of the rows: a paper
    whose first theme is full moves to its next-best, and second themes join strongest first."""
    n, k = weights.shape
    cap = max(MIN_THEME_SIZE, int(MAX_THEME_SHARE * n))
    order = np.argsort(-weights, axis=1, kind="stable")
    first = order[:, 0].copy()
    sizes = np.bincount(first, minlength=k)
    # Over the cap (no split could help): the papers that fit their theme least move on.
    for theme in np.flatnonzero(sizes > cap).tolist():
        members = np.flatnonzero(first == theme)
        margin = weights[members, theme] - weights[members, order[members, 1]] if k > 1 else np.zeros(len(members))
        for i in members[np.lexsort((members, margin))].tolist():
            if sizes[theme] <= cap:
                break
            room = [t for t in order[i, 1:].tolist() if sizes[t] < cap]
            if room:
                sizes[theme] -= 1
                sizes[room[0]] += 1
                first[i] = room[0]
    themes = [[int(t)] for t in first]
    if k == 1:
        return themes
    runner_up = np.array([next(t for t in order[i].tolist() if t != first[i]) for i in range(n)])
    best_weight = weights[np.arange(n), first]
    ratio = np.round(weights[np.arange(n), runner_up] / np.maximum(best_weight, 1e-12), 6)
    for i in sorted(np.flatnonzero((ratio >= SECOND_THEME_WEIGHT) & (best_weight > 0)).tolist(),
                    key=lambda i: (-ratio[i], i)):
        if sizes[runner_up[i]] < cap:
            sizes[runner_up[i]] += 1
            themes[i].append(int(runner_up[i]))
    return themes


def soft_cluster(matrix: sparse.csr_matrix) -> tuple[list[list[int]], np.ndarray]:
    """Each row's one or two themes (best first), and its weight for each theme (rows sum to 1).

    Themes are numbered by the first row that has them first, so numbering is stable.
    """
    n = matrix.shape[0]
    if n < MIN_PAPERS_TO_CLUSTER or matrix.shape[1] == 0 or matrix.nnz == 0:  # noise, or nothing to tell apart
        return [[0] for _ in range(n)], np.ones((n, 1))
    sample = matrix[np.unique(np.linspace(0, n - 1, min(n, FIT_SAMPLE)).round().astype(int))]
    # Only the terms the sample holds: a topic weighs no other term, and NMF's work grows
    # with the columns (a few hundred papers left to automatic themes hold a third of the
    # digest's terms; at 100,000 papers the digest has 20 times the sample's terms). Of a
    # sample of many, only the terms two of its papers share: what one paper alone says
    # is no topic, and they were half of the columns left.
    held = np.flatnonzero(np.diff(sample.tocsc().indptr) >= (2 if n > FIT_SAMPLE else 1))
    sample, matrix = sample[:, held], matrix[:, held]
    topics = _settle(sample, _best_topics(sample, n))
    weights = _weigh(matrix, topics)
    totals = weights.sum(axis=1, keepdims=True)
    shares = np.round(np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0), 3)
    themes = _assign(shares)
    renumber: dict[int, int] = {}
    for row in themes:
        renumber.setdefault(row[0], len(renumber))
    for row in themes:  # a theme only ever second (never first) would be empty: numbered last, kept off
        row[:] = [t for t in row if t in renumber]
    columns = sorted(renumber, key=renumber.__getitem__)
    return [[renumber[t] for t in row] for row in themes], shares[:, columns]


def auto_themes(papers: Sequence[Paper], matrix: sparse.csr_matrix, terms: Sequence[str],
                taken_slugs: set[str]) -> AutoThemes:
    """Group papers (rows of matrix, in the same order) into named themes, one or two per paper."""
    if not papers:
        return AutoThemes(themes=(), memberships={}, top_terms={})
    assigned, weights = soft_cluster(matrix)
    count = weights.shape[1]
    # A theme's label comes from the papers it holds first: the core, not the borderline.
    cores = [np.array([i for i, row in enumerate(assigned) if row[0] == t], dtype=int) for t in range(count)]
    members = [np.array([i for i, row in enumerate(assigned) if t in row], dtype=int) for t in range(count)]
    scores = class_term_scores(matrix, cores, pair_boost(terms)) if matrix.shape[1] else np.zeros((count, 0))
    present = matrix.copy()
    present.data = np.ones_like(present.data)
    themes = []
    slug_of: list[str] = []
    top_terms: dict[str, tuple[str, ...]] = {}
    best_of: list[list[str]] = []
    taken = set(taken_slugs)
    for number in range(count):
        # Title and abstract apart, so that no phrase runs from one into the other.
        texts = Texts([text for i in members[number].tolist() for text in (papers[i].title, papers[i].abstract)])
        held_by = np.asarray(present[cores[number]].sum(axis=0)).ravel()
        candidates = ranked_terms(scores[number], held_by, terms, TERMS_PER_THEME)
        forms = {t: surface_form(t, texts) for t in candidates}
        best = [t for t in candidates if forms[t] is not None and not _too_short(forms[t])]
        named = _topic_phrases(best, forms, texts)
        name = title(named)
        slug = unique_slug(slugify(name), taken)
        taken.add(slug)
        themes.append(Theme(slug=slug, title=name, automatic=True, description=describe(named)))
        top_terms[slug] = tuple(best[:10])
        slug_of.append(slug)
        best_of.append(best)
    # Each member's weights of the theme's terms, read in one block per theme, not cell by cell.
    term_index = {t: j for j, t in enumerate(terms)}
    reasons: dict[tuple[int, int], tuple[str, ...]] = {}
    for number, best in enumerate(best_of):
        rows = members[number].tolist()
        block = matrix[rows][:, [term_index[t] for t in best]].toarray() if best else np.zeros((len(rows), 0))
        for i, row in zip(rows, block.tolist()):
            weight = dict(zip(best, row))
            shared = [t for t in sorted(best, key=lambda t: (-weight[t], t)) if weight[t] > 0]
            reasons[i, number] = tuple(shared[:REASON_TERMS])
    memberships = {paper.slug: tuple(Membership(theme=slug_of[number], score=float(weights[i, number]),
                                                reasons=reasons[i, number]) for number in assigned[i])
                   for i, paper in enumerate(papers)}
    return AutoThemes(themes=tuple(themes), memberships=memberships, top_terms=top_terms)


def _topic_phrases(best: Sequence[str], forms: dict[str, str | None], texts: Sequence[str]) -> list[str]:
    """Up to DESCRIPTION_TERMS distinct phrases for a title and a description, best first, as
    the papers write them. A title's halves name topics: a phrase the papers write as a
    modifier ("latent") gives way to what they most often say it of ("latent factors"),
    or to the next distinct phrase."""
    named: list[str] = []
    for term in best:
        phrase = completed(forms[term] or term, texts)
        if is_modifier(phrase, texts):  # "counterfactual": the thing it is said of, if one is common
            phrase = noun_after(phrase, texts) or ""
        if not phrase or is_modifier(phrase, texts) \
                or distinct_terms([*named, phrase], len(named) + 1) != [*named, phrase]:
            continue
        named.append(phrase)
        if len(named) == DESCRIPTION_TERMS:
            break
    return named or [completed(forms[t] or t, texts) for t in distinct_terms(best, DESCRIPTION_TERMS)]


def _too_short(form: str | None) -> bool:
    """"vs", "et": two lowercase letters name no topic (an acronym like "RL" does)."""
    return form is None or (len(form) < 3 and form.islower())
