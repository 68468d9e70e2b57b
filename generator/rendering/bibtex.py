"""BibTeX for a paper: @misc for arXiv e-prints, @article when a DOI is known.

Titles and names are untrusted text: every BibTeX special character is escaped
so that no title can end an entry, open a field or run a macro. Math in $...$
is kept as math when the dollars pair up.
"""

from __future__ import annotations

import functools
import re

from ..analysis import Analysis
from ..analysis.names import year_of
from ..model import Paper, newest_first
from ..options import SiteOptions
from .urls import absolute_url

_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "#": r"\#",
             "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "$": r"\$"}
_SPECIAL = re.compile(r"[\\{}&%#_~^$]")
_MATH = re.compile(r"\$[^$\n]+\$")


def escape_bibtex(text: str) -> str:
    text = " ".join(text.split())
    if not text.isprintable():  # rare: test the whole string in C before each character
        text = "".join(ch for ch in text if ch.isprintable())
    out = []
    position = 0
    for math in _MATH.finditer(text):
        out.append(_SPECIAL.sub(lambda m: _SPECIALS[m.group(0)], text[position:math.start()]))
        inner = math.group(0)[1:-1]
        # Inside math only braces could unbalance the entry: keep math if they pair up.
        if inner.count("{") == inner.count("}") and "\\end" not in inner:
            out.append(f"${inner}$")
        else:
            out.append(_SPECIAL.sub(lambda m: _SPECIALS[m.group(0)], math.group(0)))
        position = math.end()
    out.append(_SPECIAL.sub(lambda m: _SPECIALS[m.group(0)], text[position:]))
    return "".join(out)


@functools.lru_cache(maxsize=1 << 17)  # a paper's entry is on its page and in its themes' .bib files
def bibtex(paper: Paper, key: str, url: str = "") -> str:
    fields: list[tuple[str, str]] = [("title", "{" + escape_bibtex(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(escape_bibtex(a) for a in paper.authors)))
    year = year_of(paper)
    if paper.doi:
        kind = "article"
        if paper.journal_ref:
            fields.append(("journal", escape_bibtex(paper.journal_ref)))
        if year:
            fields.append(("year", str(year)))
        fields.append(("doi", escape_bibtex(paper.doi)))
    else:
        kind = "misc"
        if year:
            fields.append(("year", str(year)))
    if paper.arxiv:
        fields += [("eprint", escape_bibtex(paper.arxiv)), ("archivePrefix", "arXiv")]
        if paper.categories:
            fields.append(("primaryClass", escape_bibtex(paper.categories[0])))
    link = (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else "") or url
    if link:
        fields.append(("url", escape_bibtex(link)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def plan_bibliographies(analysis: Analysis, options: SiteOptions) -> dict[str, bytes]:
    """One .bib file per theme, its papers newest first."""
    digest, grouping = analysis.digest, analysis.grouping
    files = {}
    for theme in grouping.themes:
        papers = sorted((digest.paper(s) for s in grouping.members.get(theme.slug, ())), key=newest_first)
        text = "\n".join(bibtex(p, analysis.citation_keys[p.slug],
                                absolute_url(options.site_url, options.paper_url.format(slug=p.slug)))
                         for p in papers)
        files[options.theme_bib.format(slug=theme.slug)] = text.encode("utf-8")
    for retired in grouping.retired:  # a retired theme's file: its successor's
        if retired.successor:
            files[options.theme_bib.format(slug=retired.slug)] = files[options.theme_bib.format(slug=retired.successor)]
    return files
