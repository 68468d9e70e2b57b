"""BibTeX for a paper: @misc for arXiv e-prints, @article when a DOI is known.

Titles and names are untrusted text: every BibTeX special character is escaped
so that no title can end an entry, open a field or run a macro. Math in $...$
is kept as math when the dollars pair up.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from unidecode import unidecode

from .model import Paper

if TYPE_CHECKING:
    from .pipeline import Analysis, SiteOptions

_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "#": r"\#",
             "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "$": r"\$"}
_SPECIAL = re.compile(r"[\\{}&%#_~^$]")
_MATH = re.compile(r"\$[^$\n]+\$")
_NEW_ARXIV = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")
_STOP = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "towards", "toward", "via"}


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


def year_of(paper: Paper) -> int | None:
    if paper.published:
        return paper.published.year
    match = _NEW_ARXIV.match(paper.arxiv or "")
    return 2000 + int(match.group(1)) if match else None


def base_key(paper: Paper) -> str:
    """lastname + year + first title word, in ASCII: "lorch2022amortized"."""
    surname = ""
    if paper.authors:
        surname = re.sub(r"[^a-z]", "", unidecode(paper.authors[0].split()[-1]).lower())
    words = [w for w in re.findall(r"[a-z0-9]+", unidecode(paper.title).lower()) if w not in _STOP]
    year = year_of(paper)
    key = f"{surname}{year or ''}{words[0] if words else ''}"
    return key or re.sub(r"[^a-z0-9]", "", paper.slug)[:30] or "paper"


def citation_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """A key per paper slug, unique across the digest: collisions get a, b, c... in
    (added, slug) order, so a paper added later never changes an existing key."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    # Where each base key's search for a free suffix stopped: the candidates before it
    # are all taken, and stay taken, so the next paper with that key starts there (a
    # key shared by many papers made this quadratic).
    tried: dict[str, int] = {}
    for paper in sorted(papers, key=lambda p: (p.added, p.slug)):
        key = base_key(paper)
        n = tried.get(key, -1)
        candidate = key if n < 0 else _suffixed(key, n)
        while candidate in used:
            n += 1
            candidate = _suffixed(key, n)
        tried[key] = n
        used.add(candidate)
        keys[paper.slug] = candidate
    return keys


def _suffixed(key: str, n: int) -> str:
    """The key's n-th alternative: a, b, ... z, then a1, b1, ..."""
    return f"{key}{chr(ord('a') + n % 26)}{'' if n < 26 else n // 26}"


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



def absolute(options: SiteOptions, path: str) -> str:
    return options.site_url.rstrip("/") + "/" + path if options.site_url else ""


def plan_bibliographies(analysis: Analysis, options: SiteOptions) -> dict[str, bytes]:
    """One .bib file per theme, its papers newest first."""
    digest, grouping = analysis.digest, analysis.grouping
    files = {}
    for theme in grouping.themes:
        papers = sorted((digest.paper(s) for s in grouping.members.get(theme.slug, ())),
                        key=lambda p: (-p.added.toordinal(), p.slug))
        text = "\n".join(bibtex(p, analysis.citation_keys[p.slug],
                                absolute(options, options.paper_url.format(slug=p.slug))) for p in papers)
        files[options.theme_bib.format(slug=theme.slug)] = text.encode("utf-8")
    return files
