"""The build path, top to bottom, with no MkDocs in it.

    content/ --load + validate--> Digest            (generator.content)
             --analyse--> Analysis                  (generator.analysis: TF-IDF, relate, group, names)
             --render--> SitePlan {path: page | file}  (generator.rendering: pages, feeds, data, BibTeX)

`plan_site` returns the whole plan; `preview_site` a quick one for an edit under
`digest serve`. An engine (generator.engine, for MkDocs) decides how a plan reaches
the disk.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from .analysis import analyse
from .analysis.grouping import theme_phrases
from .analysis.names import author_slugs, citation_keys
from .content import load_digest
from .errors import Problem
from .model import Digest
from .options import SiteOptions
from .phrases import Matchers
from .rendering.bibtex import plan_bibliographies
from .rendering.data import plan_data
from .rendering.feeds import plan_feeds
from .rendering.pages import render_pages, render_paper_pages
from .rendering.plan import SitePlan
from .rendering.redirects import plan_redirects

# In the cache folder a caller names (see generator.engine): what the last build read.
READ_CACHE = "papers.pickle"  # each paper file as read, by its size, modification time and inode
PHRASE_FINDS = "phrases.pickle"  # the theme rules' phrases found in each title and abstract


def plan_site(content_dir: Path, options: SiteOptions, cache_dir: Path | None = None,
              on_read: Callable[[Digest], None] | None = None, matchers: Matchers | None = None) -> SitePlan:
    """The whole site. With a cache_dir, unchanged paper files are not read again and
    texts are not searched again for the same phrases. on_read is called with the
    papers as soon as they are read (the search index starts then). `matchers` may be
    kept from one plan to the next (`digest serve` does)."""
    if matchers is None:
        matchers = Matchers(saved=cache_dir / PHRASE_FINDS if cache_dir is not None else None)
    with full_collections_paused():
        # 1. Read and check the content; every error at once, or nothing goes on.
        warnings: list[Problem] = []
        digest = load_digest(content_dir, warnings=warnings, matchers=matchers,
                             cache_file=cache_dir / READ_CACHE if cache_dir is not None else None)
        if on_read is not None:
            on_read(digest)
        # 2. Analyse: TF-IDF, related papers, themes, citation keys, author slugs.
        analysis = analyse(digest, related=options.related, matchers=matchers)
        matchers.save(theme_phrases(digest.themes), (text for p in digest.papers for text in (p.title, p.abstract)))
        # 3. Render: the pages (a paper page's HTML when first asked for), feeds, data, BibTeX,
        #    and redirects from the URLs of retired themes.
        pages = render_pages(analysis, options)
        files = (plan_feeds(analysis, options) | plan_data(analysis, options)
                 | plan_bibliographies(analysis, options) | plan_redirects(analysis, options))
        newest = max((p.added for p in digest.papers), default=None)
        return SitePlan(pages=pages, files=files, newest=newest, warnings=tuple(warnings), analysis=analysis)


# Papers a preview renders at most; an edit of more waits for the exact plan.
PREVIEW_LIMIT = 20


def preview_site(previous: SitePlan, content_dir: Path, options: SiteOptions,
                 cache_dir: Path | None = None, matchers: Matchers | None = None) -> SitePlan | None:
    """Under `digest serve`, a quick plan for an edit: the previous plan's pages, but
    the pages of the papers edited or added since rendered with their new text, from
    the previous analysis (an edited paper keeps its themes, related papers and
    neighbours; an added one has none yet). It shows an edit at once at any size; the
    caller follows it with the exact plan_site, since one abstract can move themes and
    related papers anywhere in the digest.

    The previous plan itself when no paper or theme changed (only the curator's
    pages, which MkDocs renders); None when the change is more than that: papers
    removed or re-dated, the taxonomy or the recorded themes changed, or more than
    PREVIEW_LIMIT papers.
    Pass the `matchers` of the previous plan: the content check then searches only the
    texts that changed.
    """
    analysis = previous.analysis
    if analysis is None:
        return None
    warnings: list[Problem] = []
    digest = load_digest(content_dir, warnings=warnings, matchers=matchers,
                         cache_file=cache_dir / READ_CACHE if cache_dir is not None else None)
    before = {p.slug: p for p in analysis.digest.papers}
    if (digest.themes, digest.recorded) != (analysis.digest.themes, analysis.digest.recorded) \
            or not before.keys() <= {p.slug for p in digest.papers}:
        return None
    changed = [p for p in digest.papers if before.get(p.slug) != p]
    if not changed:
        return replace(previous, warnings=tuple(warnings))
    if len(changed) > PREVIEW_LIMIT or any(p.slug in before and p.added != before[p.slug].added for p in changed):
        return None
    # Citation keys and author pages' slugs are cheap to redo, and an edit may change them.
    provisional = replace(analysis, digest=digest, citation_keys=citation_keys(digest.papers),
                          author_slugs=author_slugs(digest.papers))
    pages = render_paper_pages(provisional, options, [p.slug for p in changed])
    return SitePlan(pages=previous.pages | pages, files=previous.files,
                    newest=max(p.added for p in digest.papers), warnings=tuple(warnings), preview_of=tuple(pages))


@contextlib.contextmanager
def full_collections_paused() -> Iterator[None]:
    """Only the young generations are collected inside; the next full collection comes
    after, when the collector's own counts call for it. Nearly every object a plan is
    made of lives as long as the plan, and a full collection walks the whole heap: at
    10,000 papers, the six that planning set off took 0.7 s and found next to no
    garbage. (The threshold is the process's: one plan is made at a time.)"""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)
