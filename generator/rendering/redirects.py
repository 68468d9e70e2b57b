"""Redirect pages: a retired theme's URL keeps answering, with a page that sends the
reader to the theme that took most of its papers.

A static page (`<meta http-equiv="refresh">` and `rel=canonical`, as mkdocs-redirects
writes them) works on any static host, with no server rules; the title is escaped.
"""

from __future__ import annotations

import html

from ..analysis import Analysis
from ..options import SiteOptions
from .urls import absolute_url, relative_href


def plan_redirects(analysis: Analysis, options: SiteOptions) -> dict[str, bytes]:
    """Output path ("themes/old/index.html") -> the redirect page, for each retired theme."""
    titles = {t.slug: t.title for t in analysis.grouping.themes}
    files = {}
    for theme in analysis.grouping.retired:
        here = options.theme_url.format(slug=theme.slug)
        there = options.theme_url.format(slug=theme.successor) if theme.successor else options.themes_url
        files[here + "index.html"] = redirect_page(
            relative_href(here, there), absolute_url(options.site_url, there),
            titles.get(theme.successor, "Themes"), theme.title).encode("utf-8")
    return files


def redirect_page(href: str, canonical: str, title: str, old_title: str) -> str:
    target = html.escape(href)
    return ("<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n"
            + (f'<link rel="canonical" href="{html.escape(canonical)}">\n' if canonical else "")
            + f'<meta http-equiv="refresh" content="0; url={target}">\n'
            '<meta name="robots" content="noindex">\n</head>\n<body>\n'
            f'<p>{html.escape(old_title)} is now part of <a href="{target}">{html.escape(title)}</a>.</p>\n'
            "</body>\n</html>\n")
