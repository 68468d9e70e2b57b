"""Automatic themes across builds: what a subscriber holds must not break.

    continue_themes  the default build: the recorded themes keep their papers, slugs,
                     titles and descriptions; a new paper joins the recorded theme it is
                     closest to, when it is as close as the theme's own papers are; the
                     papers that fit nowhere make new themes when they form a group of
                     their own (else they join the closest theme anyway); a recorded
                     theme left without papers retires, its URL and feeds going to the
                     theme that took most of its papers.
    recluster        on a curator's request: cluster from the papers alone, then match
                     the new themes to the recorded ones by the papers they share (an
                     optimal assignment): a new theme holding most of a recorded theme's
                     papers takes its slug, title and description; the other recorded
                     themes retire.
    moves            what changed between the record and a grouping, for the curator.

Pure: papers, their TF-IDF rows and the record in, themes out. Deterministic: every
order is by slug or by the digest's order, and ties go to the first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..model import Membership, Paper, RecordedThemes, RetiredTheme, Theme
from .clustering import MIN_PAPERS_TO_CLUSTER, MIN_THEME_SIZE, auto_themes

REASON_TERMS = 3
# A new paper fits a theme when it is at least as close to the theme's centre as this
# share of the theme's own papers are (the loosest tenth may be looser still).
FIT_QUANTILE = 0.1


@dataclass(frozen=True)
class AutomaticThemes:
    themes: tuple[Theme, ...]
    members: dict[str, tuple[str, ...]]  # theme slug -> paper slugs, in the papers' order
    first: dict[str, str]  # paper slug -> its first theme (a paper sits in up to two)
    retired: tuple[RetiredTheme, ...]  # successors may be curated themes, or retired ones resolved later


def continue_themes(papers: Sequence[Paper], matrix: sparse.csr_matrix, terms: Sequence[str],
                    recorded: RecordedThemes, taken_slugs: set[str]) -> AutomaticThemes:
    """The automatic themes of these papers (rows of matrix), carrying on from the record.
    `taken_slugs` are the curated themes': a recorded theme of the same slug gives way."""
    index = {p.slug: i for i, p in enumerate(papers)}
    kept = {t.slug: [index[s] for s in t.every_paper if s in index]
            for t in recorded.themes if t.slug not in taken_slugs}
    themes = [Theme(slug=t.slug, title=t.title, description=t.description, automatic=True)
              for t in recorded.themes if kept.get(t.slug)]
    if not themes:  # nothing recorded, or nothing left of it: from the papers alone
        return _retire_the_rest(_fresh(papers, matrix, terms, taken_slugs | _slugs(recorded)), recorded)
    members = {t.slug: kept[t.slug] for t in themes}
    first = {s: t.slug for t in recorded.themes if t.slug in members for s in t.papers if s in index}
    for slug, rows in members.items():  # a paper whose first theme gave way: its other one
        for i in rows:
            first.setdefault(papers[i].slug, slug)
    placed = {i for rows in members.values() for i in rows}
    new = [i for i in range(len(papers)) if i not in placed]
    if new:
        centres, fits = _centres(matrix, members)
        closeness = {i: centres @ matrix[i].toarray().ravel() for i in new}
        unfit = []
        for i in new:
            best = int(np.argmax(closeness[i]))  # (the first of equals)
            if closeness[i][best] >= fits[best]:
                members[themes[best].slug].append(i)
                first[papers[i].slug] = themes[best].slug
            else:
                unfit.append(i)
        grown = _new_groups(papers, matrix, terms, unfit, taken_slugs | _slugs(recorded))
        first.update(grown.first)
        for theme in grown.themes:
            themes.append(theme)
            members[theme.slug] = [index[s] for s in grown.members[theme.slug]]
        for i in unfit:  # too few to be a theme of their own: the closest theme takes them
            if papers[i].slug not in first:
                closest = themes[int(np.argmax(closeness[i]))].slug
                members[closest].append(i)
                first[papers[i].slug] = closest
    found = AutomaticThemes(themes=tuple(themes), retired=recorded.retired, first=first,
                            members={slug: tuple(papers[i].slug for i in sorted(rows)) for slug, rows in members.items()})
    return _retire_the_rest(found, recorded)


def recluster(papers: Sequence[Paper], matrix: sparse.csr_matrix, terms: Sequence[str],
              recorded: RecordedThemes, taken_slugs: set[str]) -> AutomaticThemes:
    """Themes from the papers alone, matched to the recorded ones so that a theme that
    keeps most of its papers keeps its slug, title and description."""
    from scipy.optimize import linear_sum_assignment

    fresh = _fresh(papers, matrix, terms, taken_slugs | _slugs(recorded))
    old = [t for t in recorded.themes if t.slug not in taken_slugs]
    new = list(fresh.themes)
    overlap = np.array([[len(set(o.every_paper) & set(fresh.members[n.slug])) for n in new] for o in old],
                       dtype=float)
    renamed: dict[str, Theme] = {}
    if old and new:
        for i, j in zip(*linear_sum_assignment(-overlap)):
            if 2 * overlap[i, j] > len(old[i].every_paper):  # it keeps most of its papers
                renamed[new[j].slug] = Theme(slug=old[i].slug, title=old[i].title,
                                             description=old[i].description, automatic=True)
    themes = [renamed.get(t.slug, t) for t in new]
    members = {renamed.get(t.slug, t).slug: fresh.members[t.slug] for t in new}
    first = {paper: renamed[slug].slug if slug in renamed else slug for paper, slug in fresh.first.items()}
    return _retire_the_rest(AutomaticThemes(themes=tuple(themes), members=members, first=first,
                                            retired=recorded.retired), recorded)


def successors(retired: Sequence[RetiredTheme], recorded: RecordedThemes,
               memberships: dict[str, tuple[Membership, ...]], live: Sequence[str]) -> tuple[RetiredTheme, ...]:
    """Each retired theme with a live successor: the live theme holding most of its last
    recorded papers now (first in the site's order among equals); a theme retired before
    follows its successor's successor. Without any live theme there is none ("")."""
    order = {slug: n for n, slug in enumerate(live)}
    papers_of = {t.slug: t.every_paper for t in recorded.themes}
    chosen: dict[str, str] = {}
    for theme in retired:
        if theme.successor and theme.slug not in papers_of:
            continue  # retired before: follows its successor below
        counts = Counter(m.theme for slug in papers_of.get(theme.slug, ()) for m in memberships.get(slug, ())[:1]
                         if m.theme in order)
        best = min(counts, key=lambda s: (-counts[s], order[s])) if counts else (live[0] if live else "")
        chosen[theme.slug] = best
    resolved = []
    for theme in retired:
        successor, seen = chosen.get(theme.slug, theme.successor), {theme.slug}
        while successor and successor not in order and successor not in seen:
            seen.add(successor)
            successor = chosen.get(successor, next((r.successor for r in retired if r.slug == successor), ""))
        if successor not in order:
            successor = live[0] if live else ""
        resolved.append(RetiredTheme(slug=theme.slug, title=theme.title, successor=successor))
    return tuple(sorted((r for r in resolved if r.slug not in order), key=lambda r: r.slug))


def memberships(found: AutomaticThemes, papers: Sequence[Paper], matrix: sparse.csr_matrix,
                terms: Sequence[str]) -> dict[str, tuple[Membership, ...]]:
    """Each paper's automatic themes, its first theme first, each with the terms that add
    most to its closeness to the theme's centre (its weight times the centre's). Made from
    the members alone, however they were found, so that a build from the record gives
    the same."""
    index = {p.slug: i for i, p in enumerate(papers)}
    placed: dict[int, list[tuple[bool, float, int, str, tuple[str, ...]]]] = {}
    for position, theme in enumerate(found.themes):
        rows = [index[s] for s in found.members[theme.slug]]
        centre = _unit(np.asarray(matrix[rows].mean(axis=0)).ravel())
        for i in rows:
            row = matrix[i]
            weights = np.round(row.data * centre[row.indices], 9)
            order = sorted(range(len(weights)), key=lambda k: (-weights[k], terms[row.indices[k]]))
            why = tuple(terms[row.indices[k]] for k in order[:REASON_TERMS] if weights[k] > 0)
            second = found.first.get(papers[i].slug) != theme.slug
            placed.setdefault(i, []).append((second, -round(float(weights.sum()), 9), position, theme.slug, why))
    return {papers[i].slug: tuple(Membership(theme=slug, score=0.0, reasons=why) for *_, slug, why in sorted(entries))
            for i, entries in sorted(placed.items())}


@dataclass(frozen=True)
class Move:
    kind: str  # "kept", "grown", "changed", "merged", "split", "new", "retired"
    theme: str  # the slug it is about
    text: str  # for the curator


def moves(recorded: RecordedThemes, themes: Sequence[Theme], members_of: dict[str, tuple[str, ...]]) -> list[Move]:
    """What moved between the record and these automatic themes, recorded themes first."""
    members = {t.slug: set(members_of.get(t.slug, ())) for t in themes}
    home: dict[str, str] = {p: slug for slug, rows in members.items() for p in sorted(rows)}
    found = []
    for old in recorded.themes:
        before = set(old.papers)
        if old.slug in members:
            after = members[old.slug]
            if after == before:
                kind, text = "kept", f"{old.slug}: kept, {len(after)} papers"
            elif before <= after:
                kind, text = "grown", f"{old.slug}: grown by {len(after - before)} to {len(after)} papers"
            else:
                kind, text = "changed", (f"{old.slug}: {len(after)} papers, {len(before - after)} left and "
                                         f"{len(after - before)} joined")
        else:
            went = Counter(home[p] for p in before if p in home)
            if len([s for s, n in went.items() if 4 * n >= len(before)]) >= 2:
                kind, text = "split", f"{old.slug}: split into {', '.join(s for s, _ in went.most_common())}"
            elif went:
                kind, text = "merged", f"{old.slug}: merged into {went.most_common(1)[0][0]}"
            else:
                kind, text = "retired", f"{old.slug}: retired, its papers left the automatic themes"
        found.append(Move(kind, old.slug, text))
    recorded_slugs = {t.slug for t in recorded.themes}
    for theme in themes:
        if theme.slug not in recorded_slugs:
            found.append(Move("new", theme.slug, f"{theme.slug}: new, {len(members[theme.slug])} papers "
                                                 f"({theme.title})"))
    return found


def _fresh(papers: Sequence[Paper], matrix: sparse.csr_matrix, terms: Sequence[str],
           taken_slugs: set[str]) -> AutomaticThemes:
    """Themes from these papers alone (clustering.auto_themes)."""
    found = auto_themes(papers, matrix, terms, taken_slugs)
    members: dict[str, list[str]] = {t.slug: [] for t in found.themes}
    for paper in papers:
        for membership in found.memberships.get(paper.slug, ()):
            members[membership.theme].append(paper.slug)
    first = {paper: held[0].theme for paper, held in found.memberships.items() if held}
    return AutomaticThemes(themes=found.themes, members={s: tuple(p) for s, p in members.items()}, first=first,
                           retired=())


def _retire_the_rest(found: AutomaticThemes, recorded: RecordedThemes) -> AutomaticThemes:
    """found, with every recorded theme it does not hold among the retired (their
    successors are chosen once every theme is known: see successors)."""
    live = {t.slug for t in found.themes}
    retired = {r.slug: r for r in (*recorded.retired, *found.retired) if r.slug not in live}
    for theme in recorded.themes:
        if theme.slug not in live:
            retired[theme.slug] = RetiredTheme(slug=theme.slug, title=theme.title, successor="")
    return AutomaticThemes(themes=found.themes, members=found.members, first=found.first,
                           retired=tuple(retired[slug] for slug in sorted(retired)))


def _new_groups(papers: Sequence[Paper], matrix: sparse.csr_matrix, terms: Sequence[str], rows: list[int],
                taken_slugs: set[str]) -> AutomaticThemes:
    """New themes among the papers that fit no recorded theme: the groups of at least
    MIN_THEME_SIZE papers that clustering them finds (first theme)."""
    if len(rows) < MIN_PAPERS_TO_CLUSTER:
        return AutomaticThemes(themes=(), members={}, first={}, retired=())
    fresh = _fresh([papers[i] for i in rows], matrix[rows], terms, taken_slugs)
    firsts = Counter(fresh.first.values())
    themes = tuple(t for t in fresh.themes if firsts[t.slug] >= MIN_THEME_SIZE)
    kept = {t.slug for t in themes}
    return AutomaticThemes(themes=themes, members={slug: fresh.members[slug] for slug in kept},
                           first={p: s for p, s in fresh.first.items() if s in kept}, retired=())


def _centres(matrix: sparse.csr_matrix, members: dict[str, list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Each theme's centre (its papers' mean row, unit length), and how close to it a paper
    must be to fit: the FIT_QUANTILE closeness of its own papers, each measured against
    the centre of the others (a paper is always close to a centre it is part of, and a
    new paper is not part of it)."""
    centres, fits = [], []
    for rows in members.values():
        total = np.asarray(matrix[rows].sum(axis=0)).ravel()
        centres.append(_unit(total))
        own = matrix[rows]
        if len(rows) < 2:
            fits.append(0.0)
            continue
        others = own @ total - np.asarray(own.multiply(own).sum(axis=1)).ravel()  # x . (total - x)
        norms = np.sqrt(np.maximum(total @ total - 2 * (own @ total) + np.asarray(own.multiply(own).sum(axis=1)).ravel(),
                                   1e-24))  # |total - x|
        fits.append(round(float(np.quantile(others / norms, FIT_QUANTILE)), 9))
    return np.round(np.array(centres), 12), np.array(fits)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def _slugs(recorded: RecordedThemes) -> set[str]:
    """Slugs a new theme may not take: a URL once published keeps its meaning."""
    return {t.slug for t in recorded.themes} | {r.slug for r in recorded.retired}
