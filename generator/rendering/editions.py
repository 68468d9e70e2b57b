"""Daily editions: the papers added on one day, grouped by theme, the largest theme first.

One edition a day a paper was added on. The site has a page per edition and an index;
the feeds have one item per edition (feeds.py); the email of an edition is made from the
same record (generator/delivery/). Pure: an Analysis in, editions out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from ..analysis import Analysis
from ..model import Paper, Theme


@dataclass(frozen=True)
class Edition:
    day: dt.date
    sections: tuple[tuple[Theme | None, tuple[Paper, ...]], ...]  # (theme, its papers that day); None: no theme
    theme: Theme | None = None  # an edition of one theme's papers only
    themes: tuple[str, ...] = ()  # the themes it holds the papers of (none: every paper)

    @property
    def papers(self) -> tuple[Paper, ...]:
        return tuple(paper for _, papers in self.sections for paper in papers)


def editions(analysis: Analysis, themes: Collection[str] = ()) -> list[Edition]:
    """Every day's edition, newest first. With `themes`, only those themes' papers (and
    only the days they have any), each under the first of them it is in; the edition of
    one theme is that theme's (Edition.theme)."""
    grouping = analysis.grouping
    order = {t.slug: n for n, t in enumerate(grouping.themes)}
    by_slug = {t.slug: t for t in grouping.themes}
    chosen = set(themes)
    by_day: dict[dt.date, list[tuple[str | None, Paper]]] = defaultdict(list)
    for paper in analysis.digest.papers:
        held = [m.theme for m in grouping.themes_of(paper.slug) if not chosen or m.theme in chosen]
        if held or not chosen:
            by_day[paper.added].append((held[0] if held else None, paper))
    found = []
    for day in sorted(by_day, reverse=True):
        sections: dict[str | None, list[Paper]] = defaultdict(list)
        for slug, paper in sorted(by_day[day], key=lambda entry: entry[1].slug):
            sections[slug].append(paper)
        # The largest section first, then the site's order; papers without a theme last.
        ranked = sorted(sections, key=lambda slug: (slug is None, -len(sections[slug]), order.get(slug or "", 0)))
        found.append(Edition(day, tuple((by_slug[slug] if slug else None, tuple(sections[slug])) for slug in ranked),
                             theme=by_slug[next(iter(chosen))] if len(chosen) == 1 else None,
                             themes=tuple(sorted(chosen))))
    return found


def theme_editions(analysis: Analysis, limit: int) -> dict[str, list[Edition]]:
    """Each theme's newest `limit` editions, as editions(analysis, (slug,)) gives them, in one
    pass over the papers rather than one a theme."""
    grouping = analysis.grouping
    by_slug = {t.slug: t for t in grouping.themes}
    days: dict[str, dict[dt.date, list[Paper]]] = {slug: defaultdict(list) for slug in by_slug}
    for paper in analysis.digest.papers:
        for membership in grouping.themes_of(paper.slug):
            days[membership.theme][paper.added].append(paper)
    found = {}
    for slug, by_day in days.items():
        newest = sorted(by_day, reverse=True)[: max(limit, 0)]
        found[slug] = [Edition(day, ((by_slug[slug], tuple(sorted(by_day[day], key=lambda p: p.slug))),),
                               theme=by_slug[slug], themes=(slug,)) for day in newest]
    return found


def edition_title(edition: Edition, site_name: str, human_date: str) -> str:
    """"Research digest, 26 November 2026: 12 papers" (plain text)."""
    count = len(edition.papers)
    what = f"{edition.theme.title} in {site_name}" if edition.theme is not None else site_name
    return f"{what}, {human_date}: {count} paper{'s' if count != 1 else ''}"
