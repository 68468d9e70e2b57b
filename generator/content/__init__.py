"""Reading and writing content/: the only package that touches the content files.

    content/
      papers/<slug>.md   YAML front matter + the abstract as the body   (papers.py)
      themes.yml         the taxonomy (optional)                        (themes.py)
      themes.auto.yml    the recorded automatic themes (written by builds)  (auto_themes.py)

    files.py       what both share: UTF-8, YAML that keeps dates as text, error lines
    read_cache.py  the papers an earlier build read, kept while their files stay the same
    writing.py     paper files in a fixed form, written all together or not at all
    this module    the folder as a whole: every file read, then checks across them

`load_digest` reads and validates everything, collects every problem, and raises
one ContentError listing them all; it returns a Digest only when nothing is wrong.

Every problem reads `path:line: what is wrong; what to do`. The line is the key's
line in front matter or themes.yml, or the first line (1) when the problem is the
file as a whole (its name, missing front matter). It is left out for a required
key that is missing, for a theme pin naming no theme (tests/test_build.py expects
`path: message` for both), and where there is no text to point into (a folder,
an unreadable file).

Decisions about hostile or odd input, made here once for the whole tool:

- A paper's slug is its file name. It must pass `slugs.is_valid_slug`
  (lowercase ASCII words joined by hyphens, at most 88 characters, no reserved
  name like `index` or `con`), so it can never reach outside papers/ or shadow
  a page of the site. "Two files claiming one slug" can then only mean two names
  that differ in case or accents (`X.md`, `x.md`, `café.md`, `cafe.md`): only the
  valid one is a paper; the other is an error naming the file it collides with.
- Text is shown as the literal text it is, with one exception: characters no
  page or feed can hold (C0 and C1 control characters other than tab and line
  breaks, DEL, lone surrogates, U+FFFE and U+FFFF) are dropped on reading, or
  become a space where they are whitespace (form feed, NEL): text.printable.
  Zero-width and right-to-left characters are printable text and are kept.
- Dates are YYYY-MM-DD and nothing else: a time of day (whose time zone could
  move the day) or a week date is an error, never a guess.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import stat
from pathlib import Path

from ..errors import ContentError, Problem
from ..model import Digest, Paper
from ..phrases import Matchers
from ..slugs import slug_problem
from .auto_themes import read_recorded
from .files import AUTO_THEMES_FILE, PAPERS_DIR, THEMES_FILE, display_path
from .papers import PaperFile, read_paper_file
from .read_cache import ReadCache
from .themes import Taxonomy, read_themes

__all__ = ["AUTO_THEMES_FILE", "PAPERS_DIR", "THEMES_FILE", "check_content", "load_digest"]


def load_digest(content_dir: Path, *, today: dt.date | None = None, warnings: list[Problem] | None = None,
                cache_file: Path | None = None, matchers: Matchers | None = None, drift: bool = False) -> Digest:
    """Read and validate content_dir; raise ContentError naming every problem.

    Warnings (an unknown key, a phrase that matches nothing) do not stop a build:
    pass a list to receive them. Drift (a phrase that matches no paper now, as papers
    come and go) is for `digest check` and `digest themes report`, not for a build:
    it is left out of `warnings` unless `drift` is true. With a cache_file (read_cache.py), papers whose files
    have not changed since the last build are taken from it instead of read again;
    `matchers` search the theme rules' phrases (pass the ones grouping will use).
    """
    digest, problems = check_content(content_dir, today=today, cache_file=cache_file, matchers=matchers)
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    if warnings is not None:
        warnings.extend(p for p in problems if drift or not p.drift)
    return digest


def check_content(content_dir: Path, *, today: dt.date | None = None, cache_file: Path | None = None,
                  matchers: Matchers | None = None) -> tuple[Digest, list[Problem]]:
    """Read content_dir; return what could be read and every problem found."""
    problems: list[Problem] = []
    if not content_dir.is_dir():
        problems.append(Problem(display_path(content_dir), None,
                                "content folder not found; create it (with papers/ inside) and import papers "
                                "into it, or start a digest with `digest new DIR`; if your content is "
                                "elsewhere, point `docs_dir` in mkdocs.yml at it"))
        return Digest(papers=(), themes=()), problems
    taxonomy = read_themes(content_dir, problems)
    recorded = read_recorded(content_dir, problems)
    read_cache = ReadCache(cache_file) if cache_file is not None else None
    papers = _read_papers(content_dir, problems, today or dt.date.today(), read_cache)
    if read_cache is not None:
        read_cache.save()
    # A phrase may match only a paper that could not be read: judge the rules on all papers or none.
    themes_files = (taxonomy.path, display_path(content_dir / AUTO_THEMES_FILE))
    every_paper_read = not any(p.severity == "error" for p in problems if p.path not in themes_files)
    _check_across_papers(papers, taxonomy, problems)
    if every_paper_read:
        _check_rules(papers, taxonomy, problems, matchers or Matchers())
    problems.sort(key=lambda p: (p.path, p.line or 0, p.message))
    ordered = tuple(sorted((p.paper for p in papers), key=lambda p: (p.added, p.slug)))
    return Digest(papers=ordered, themes=tuple(taxonomy.themes), recorded=recorded), problems


def _read_papers(content_dir: Path, problems: list[Problem], today: dt.date,
                 read_cache: ReadCache | None = None) -> list[PaperFile]:
    papers_dir = content_dir / PAPERS_DIR
    if not papers_dir.is_dir():
        return []
    # Names, not Paths: making, comparing and testing 10,000 Paths took most of a cached read.
    # (Sorted names are sorted Paths: all are in one folder.)
    names = sorted(os.listdir(papers_dir))
    base = os.fspath(papers_dir)
    folder = display_path(papers_dir)  # once: relpath asks the OS for the current folder
    # Valid slugs first claim their names; an invalid name is then checked against them.
    # (A name is a paper's when it ends in ".md" with something before: Path.suffix.)
    slugs = {name[:-3] for name in names if name.endswith(".md") and len(name) > 3
             and slug_problem(name[:-3]) is None}
    papers = []
    for name in names:
        if name.startswith("."):
            continue  # hidden: editors' swap files, an interrupted write's temporary file
        try:
            info = os.stat(os.path.join(base, name))
        except OSError:
            info = None  # gone, or a broken link: reading it says which
        if info is not None and stat.S_ISDIR(info.st_mode):
            problems.append(Problem(display_path(papers_dir / name), None,
                                    "a folder inside papers/ is not read; paper files sit directly in "
                                    f"{PAPERS_DIR}/: move its files up, or the folder out of the content",
                                    "warning"))
            continue
        if not (name.endswith(".md") and len(name) > 3):
            problems.append(Problem(display_path(papers_dir / name), None,
                                    "not a paper file, so it is not read; a paper file is named "
                                    "<slug>.md: rename it, or move it out of papers/", "warning"))
            continue
        stamp = (info.st_size, info.st_mtime_ns, info.st_ino) if info is not None else (0, 0, 0)
        paper = read_cache.get(name, stamp) if read_cache is not None and info is not None else None
        if paper is None:
            count = len(problems)
            paper = read_paper_file(papers_dir / name, problems, today, slugs, f"{folder}/{name}")
            if read_cache is not None and info is not None and paper is not None and len(problems) == count:
                read_cache.put(name, stamp, info.st_mtime, paper)
        if paper is not None:
            papers.append(paper)
    return papers


def _check_across_papers(papers: list[PaperFile], taxonomy: Taxonomy, problems: list[Problem]) -> None:
    first_with_id: dict[str, Paper] = {}
    theme_slugs = [t.slug for t in taxonomy.themes]
    for read in papers:
        paper = read.paper
        other = first_with_id.setdefault(paper.id, paper)
        if other is not paper:
            problems.append(Problem(paper.path, read.key_lines.get("id", 1),
                                    f"duplicate id {paper.id!r}, also in {other.path}; each paper needs its "
                                    "own id: merge the two files if they are one paper, or change one id"))
        for pin in paper.pinned_themes:
            if pin in theme_slugs:
                continue
            if not taxonomy.exists:
                fix = f"{taxonomy.path} is missing: create it with a theme {pin!r}, or remove the pin"
            elif not theme_slugs:
                fix = f"{taxonomy.path} has no themes: add a theme {pin!r}, or remove the pin"
            else:
                close = difflib.get_close_matches(pin, theme_slugs, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                fix = f"{hint}known themes: {', '.join(theme_slugs)}"
            # No line: tests/test_build.py expects `path: message` here.
            problems.append(Problem(paper.path, None, f"theme {pin!r} in `themes:` does not exist; {fix}"))


def _check_rules(papers: list[PaperFile], taxonomy: Taxonomy, problems: list[Problem], matchers: Matchers) -> None:
    """Warn about each phrase that matches no paper: a misspelling, or a rule for nothing."""
    if not papers or not taxonomy.themes:
        return
    rules = [(theme.slug, phrase) for theme in taxonomy.themes for phrase in theme.match]
    matcher = matchers.matcher(tuple(phrase for _, phrase in rules))
    unmatched = set(range(len(rules)))
    for record in papers:  # usually every phrase has matched long before the last paper
        if not unmatched:
            return
        unmatched -= matcher.find(record.paper.title) | matcher.find(record.paper.abstract)
    for number in sorted(unmatched):
        slug, phrase = rules[number]
        problems.append(Problem(taxonomy.path, taxonomy.phrase_lines.get((slug, phrase)),
                                f"theme {slug!r}: phrase {phrase!r} matches no paper's title or "
                                "abstract; check its spelling, or remove it", "warning", drift=True))
