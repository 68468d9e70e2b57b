"""The digest as data: papers.json and themes.json, a stable interface for other tools.

Field names and meanings are documented in README ("The digest as data"); add
fields freely, but never rename or remove one.
"""

from __future__ import annotations

import json
from typing import Any

from ..analysis import Analysis
from ..model import LINK_KINDS, newest_first
from ..options import SiteOptions
from .urls import absolute_url

PAPERS_JSON = "papers.json"
THEMES_JSON = "themes.json"


def _url(options: SiteOptions, path: str) -> str:
    """Absolute, or from the site's root when site_url is not set."""
    return absolute_url(options.site_url, path) or "/" + path


def _dump(value: Any) -> bytes:
    # Sorted input, fixed separators, no timestamps: the same content gives the same bytes.
    # No indent: json's C encoder only runs without one (4x faster for 10,000 papers).
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def plan_data(analysis: Analysis, options: SiteOptions) -> dict[str, bytes]:
    digest, grouping = analysis.digest, analysis.grouping
    id_of = {paper.slug: paper.id for paper in digest.papers}
    papers = []
    for paper in sorted(digest.papers, key=newest_first):
        urls: dict[str, list[str]] = {}
        for link in paper.links:
            urls.setdefault(link.kind, []).append(link.url)
        papers.append({
            "id": paper.id,
            "slug": paper.slug,
            "title": paper.title,
            "url": _url(options, options.paper_url.format(slug=paper.slug)),
            "added": paper.added.isoformat(),
            "published": paper.published.isoformat() if paper.published else None,
            "authors": list(paper.authors),
            "links": {kind: urls[kind] for kind in LINK_KINDS if kind in urls},
            "themes": [m.theme for m in grouping.themes_of(paper.slug)],
            "related": [id_of[r.slug] for r in analysis.related.get(paper.slug, ())],
        })
    themes = []
    for theme in grouping.themes:
        themes.append({
            "slug": theme.slug,
            "title": theme.title,
            "description": theme.description,
            "automatic": theme.automatic,
            "url": _url(options, options.theme_url.format(slug=theme.slug)),
            "feeds": {"rss": _url(options, options.theme_feed_rss.format(slug=theme.slug)),
                      "atom": _url(options, options.theme_feed_atom.format(slug=theme.slug))},
            "papers": [id_of[s] for s in sorted(grouping.members.get(theme.slug, ()),
                                                key=lambda s: newest_first(digest.paper(s)))],
        })
    return {PAPERS_JSON: _dump({"papers": papers}), THEMES_JSON: _dump({"themes": themes})}
