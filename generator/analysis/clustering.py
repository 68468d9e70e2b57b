"""Automatic themes: TF-IDF, a low-rank projection, k-means, labels from distinctive terms.

Used for every paper when there is no taxonomy, and for the papers a taxonomy's
rules leave out. Deterministic: fixed seeds, sorted inputs, rounded scores, so
the same content gives the same themes on every run.
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..model import Membership, Paper, Theme
from ..slugs import slugify, unique_slug

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
LABEL_TERMS = 2
REASON_TERMS = 3


@dataclass(frozen=True)
class AutoThemes:
    themes: tuple[Theme, ...]
    memberships: dict[str, tuple[Membership, ...]]  # paper slug -> its one automatic theme
    top_terms: dict[str, tuple[str, ...]]  # theme slug -> its most distinctive terms, best first


def candidate_ks(n: int) -> list[int]:
    """The numbers of themes worth trying for n papers."""
    low = max(2, round(math.sqrt(n / 2)))
    high = max(low, min(MAX_THEMES, round(math.sqrt(n)), n // MIN_THEME_SIZE))
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


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def pair_boost(terms: Sequence[str]) -> np.ndarray:
    """Each term's weight in distinctive_terms: word pairs name topics ("causal discovery"
    beats "discovery")."""
    return np.array([1.5 if " " in t else 1.0 for t in terms])


def distinctive_terms(matrix: sparse.csr_matrix, rows: np.ndarray, terms: Sequence[str],
                      count: int, boost: np.ndarray | None = None) -> list[str]:
    """Terms weighing most in these rows against the whole digest, best first.

    Word pairs get a boost (pair_boost(terms), if not given), and a term adds nothing
    beside a chosen one that contains it or its plural.
    """
    inside = np.asarray(matrix[rows].mean(axis=0)).ravel()
    overall = np.asarray(matrix.mean(axis=0)).ravel()
    if boost is None:
        boost = pair_boost(terms)
    score = np.round((inside - overall) * boost, 9)
    order = sorted(np.flatnonzero(score > 0).tolist(), key=lambda j: (-score[j], terms[j]))
    chosen: list[str] = []
    stems: list[set[str]] = []
    for j in order:
        words = {_stem(w) for w in terms[j].split()}
        if any(words <= other or other <= words for other in stems):
            continue
        chosen.append(terms[j])
        stems.append(words)
        if len(chosen) == count:
            break
    return chosen


def _term_pattern(term: str) -> re.Pattern[str]:
    """The term's words, separated by spaces or hyphens, not inside a longer word.

    The test that no word character or hyphen comes before the first word is made
    after it, looking back over it: a pattern that starts with a look-behind is tried
    at every place in the text, one that starts with a word only where the word's
    first letter is (a third of the time surface_form took, at 10,000 papers).
    """
    first, *rest = (re.escape(w) for w in term.split())
    words = "".join(rf"[\s-]+{w}" for w in rest)
    return re.compile(rf"{first}(?<![\w-]{first}){words}(?![\w-])", re.IGNORECASE)


def surface_form(term: str, texts: Sequence[str]) -> str | None:
    """The term as the papers write it, or None when it never appears as such.

    TF-IDF pairs words across removed stop words ("ability to produce" gives
    "ability produce"): such a pair names nothing. Capitals are kept where they
    mark a name or an acronym ("LoRA", "SFT", "LLMs"), not where they start a title word.
    """
    pattern = _term_pattern(term)
    # Only texts holding every word of the term can match: a substring test first is
    # many times cheaper than the pattern (casefold, as the pattern ignores case).
    words = term.split()

    def may_hold(text: str) -> bool:
        folded = text.casefold()
        return all(w in folded for w in words)

    forms = Counter(m.group(0) for text in texts if may_hold(text) for m in pattern.finditer(text))
    if not forms:
        return None
    form = min(forms, key=lambda f: (-forms[f], f))
    words = re.split(r"([\s-]+)", form)
    return "".join(w if any(c.isupper() for c in w[1:]) else w.lower() for w in words)


def _label_terms(best: Sequence[str]) -> list[str]:
    """The best term, and the next one that shares no word with it."""
    def words(term: str) -> set[str]:
        return {_stem(w) for w in term.replace("-", " ").split()}

    def squashed(term: str) -> str:  # "fine-tuning" and "finetuning" name one thing
        return re.sub(r"[\s-]+", "", term)

    def initials(term: str) -> str:  # "reinforcement learning" -> "rl"
        return "".join(w[0] for w in term.replace("-", " ").split())

    def distinct(a: str, b: str) -> bool:
        return (not words(a) & words(b) and squashed(a) not in squashed(b) and squashed(b) not in squashed(a)
                and _stem(squashed(a)) != initials(b) and _stem(squashed(b)) != initials(a))

    chosen: list[str] = []
    for term in best:
        if all(distinct(term, c) for c in chosen):
            chosen.append(term)
        if len(chosen) == LABEL_TERMS:
            break
    return chosen


def label(terms: Sequence[str]) -> str:
    """"causal discovery", "time series" -> "Causal discovery · time series"."""
    if not terms:
        return "Other papers"
    text = " · ".join(terms)
    return text[0].upper() + text[1:]


def auto_themes(papers: Sequence[Paper], matrix: sparse.csr_matrix, terms: Sequence[str],
                taken_slugs: set[str]) -> AutoThemes:
    """Group papers (rows of matrix, in the same order) into named themes."""
    if not papers:
        return AutoThemes(themes=(), memberships={}, top_terms={})
    labels = cluster(matrix)
    themes = []
    memberships: dict[str, tuple[Membership, ...]] = {}
    top_terms: dict[str, tuple[str, ...]] = {}
    taken = set(taken_slugs)
    term_index = {t: j for j, t in enumerate(terms)}
    boost = pair_boost(terms)  # once, not per theme: a Python loop over every term
    for number in range(int(labels.max()) + 1):
        rows = np.flatnonzero(labels == number)
        members = [papers[i] for i in rows.tolist()]
        texts = [f"{p.title}\n{p.abstract}" for p in members]
        forms = {t: surface_form(t, texts) for t in distinctive_terms(matrix, rows, terms, 40, boost)}
        best = [t for t, form in forms.items() if form is not None]
        title = label([forms[t] or t for t in _label_terms(best)])
        slug = unique_slug(slugify(title), taken)
        taken.add(slug)
        themes.append(Theme(slug=slug, title=title, automatic=True,
                            description=describe(best[:4], members)))
        top_terms[slug] = tuple(best[:10])
        # Each member's weights of the theme's terms, read in one block, not cell by cell.
        block = matrix[rows][:, [term_index[t] for t in best]].toarray()
        for i, row in zip(rows.tolist(), block.tolist()):
            weights = dict(zip(best, row))
            reasons = tuple(t for t in sorted(best, key=lambda t: (-weights[t], t)) if weights[t] > 0)
            memberships[papers[i].slug] = (Membership(theme=slug, score=0.0, reasons=reasons[:REASON_TERMS]),)
    return AutoThemes(themes=tuple(themes), memberships=memberships, top_terms=top_terms)


def describe(terms: Sequence[str], members: Sequence[Paper]) -> str:
    """A one-paragraph description drawn from the papers themselves."""
    if not terms:
        return f"{len(members)} papers that no other theme covers."
    listed = ", ".join(terms[:-1]) + (f" and {terms[-1]}" if len(terms) > 1 else terms[0])
    return (f"Found automatically: {len(members)} papers whose titles and abstracts share "
            f"the terms {listed}.")
