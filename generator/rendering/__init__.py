"""Rendering: an Analysis and the site's options in, the site plan out. Pure: no file is
written here.

    plan.py      the plan's records: SitePlan, PlannedPage, FeedLink
    pages.py     Jinja2 pages (templates.py: the environment; markup.py: text to HTML;
                 charts.py: the home page's SVG chart; urls.py: links)
    feeds.py     RSS, Atom and OPML (feedgen)
    data.py      papers.json and themes.json
    bibtex.py    BibTeX entries, and a .bib file per theme
    editions.py  the daily editions (their pages are in pages.py, their feeds in feeds.py)
    redirects.py pages that send a retired theme's readers to its successor
"""
