"""Reading and writing content/: the only module that touches the content files.

    content/
      papers/<slug>.md   YAML front matter + the abstract as the body
      themes.yml         the taxonomy (optional)

`load_digest` reads and validates everything, collects every problem, and raises
one ContentError listing them all; it returns a Digest only when nothing is wrong.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Problem
from .model import LINK_KINDS, Digest, Link, Paper, Theme
from .slugs import is_valid_slug

try:  # libyaml is several times faster on thousands of files
    _Loader: Any = yaml.CSafeLoader
    _Dumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper

PAPERS_DIR = "papers"
THEMES_FILE = "themes.yml"

# Front matter keys in the order files are written; README documents each.
PAPER_KEYS = ("id", "title", "authors", "published", "added", "links", "themes", "source")
REQUIRED_KEYS = ("id", "title", "added")
THEME_KEYS = ("slug", "title", "description", "match")

# Added dates up to this far ahead are accepted: a curator east of UTC may be a day ahead.
FUTURE_TOLERANCE = dt.timedelta(days=1)


# --------------------------------------------------------------------------- reading


def load_digest(content_dir: Path, *, today: dt.date | None = None) -> Digest:
    """Read and validate content_dir; raise ContentError naming every problem."""
    digest, problems = check_content(content_dir, today=today)
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    return digest


def check_content(content_dir: Path, *, today: dt.date | None = None) -> tuple[Digest, list[Problem]]:
    """Read content_dir; return what could be read and every problem found."""
    problems: list[Problem] = []
    if not content_dir.is_dir():
        problems.append(Problem(str(content_dir), None,
                                "content folder not found; run `digest import listing FILE` "
                                "or point `content_dir` in mkdocs.yml at your content"))
        return Digest(papers=(), themes=()), problems
    themes = _read_themes(content_dir, problems)
    papers = _read_papers(content_dir, problems, today or dt.date.today())
    _check_across_papers(papers, themes, problems)
    problems.sort(key=lambda p: (p.path, p.line or 0, p.message))
    return Digest(papers=tuple(sorted(papers, key=lambda p: (p.added, p.slug))), themes=tuple(themes)), problems


def _display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def _read_papers(content_dir: Path, problems: list[Problem], today: dt.date) -> list[Paper]:
    papers_dir = content_dir / PAPERS_DIR
    if not papers_dir.is_dir():
        return []
    papers = []
    for path in sorted(papers_dir.glob("*.md")):
        paper = read_paper(path, problems, today)
        if paper is not None:
            papers.append(paper)
    return papers


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line number where the body starts) or None."""
    match = re.match(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", text, re.S | re.M)
    if not match:
        return None
    front = match.group(1)
    body_line = text.count("\n", 0, match.end()) + 1
    return front, text[match.end():], body_line


def _key_line(front: str, key: str) -> int | None:
    """The file line of a top-level key in front matter (line 1 is the opening ---)."""
    for number, line in enumerate(front.splitlines(), start=2):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return number
    return None


def read_paper(path: Path, problems: list[Problem], today: dt.date) -> Paper | None:
    where = _display_path(path)
    slug = path.stem
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(where, None, f"not UTF-8 text ({exc.reason} at byte {exc.start}); "
                                             "save the file as UTF-8"))
        return None
    except OSError as exc:
        problems.append(Problem(where, None, f"cannot read the file ({exc.strerror}); check its permissions"))
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    parts = split_front_matter(text)
    if parts is None:
        problems.append(Problem(where, 1, "no front matter; start the file with a line '---', "
                                          "the YAML fields, then another '---' line"))
        return None
    front, body, body_line = parts
    try:
        meta = yaml.load(front, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(where, line, f"invalid YAML in front matter ({reason}); "
                                             "quote values that contain ':' or start with a special character"))
        return None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problems.append(Problem(where, 2, "front matter must be a mapping of `key: value` lines"))
        return None

    def problem(key: str | None, message: str, severity: str = "error") -> None:
        line = _key_line(front, key) if key else None
        problems.append(Problem(where, line or (1 if key else None), message, severity))

    count_before = sum(1 for p in problems if p.severity == "error")

    if not is_valid_slug(slug):
        problem(None, f"file name {path.name!r} is not a valid slug; rename it to lowercase "
                      "letters, digits and single hyphens, like 'my-paper.md'")
    for key in meta:
        if key not in PAPER_KEYS:
            close = difflib.get_close_matches(str(key), PAPER_KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(PAPER_KEYS)}"
            problem(str(key), f"unknown key {key!r} is ignored; {hint}", "warning")
    for key in REQUIRED_KEYS:
        if meta.get(key) in (None, ""):
            problem(None if key not in meta else key, f"missing required key {key!r}; add a line `{key}: ...` "
                                                       "to the front matter")

    paper_id = meta.get("id")
    if paper_id is not None and not isinstance(paper_id, str):
        problem("id", f"'id' must be a string, got {paper_id!r}; quote it, like id: \"{paper_id}\"")
    elif isinstance(paper_id, str) and (not paper_id.strip() or any(c.isspace() for c in paper_id)):
        problem("id", f"'id' must be one word without spaces, got {paper_id!r}")

    title = meta.get("title")
    if title is not None and not isinstance(title, str):
        problem("title", f"'title' must be text, got {title!r}; quote it")
        title = None
    elif isinstance(title, str):
        title = " ".join(title.split())

    abstract = body.strip()
    if not abstract:
        problems.append(Problem(where, body_line, "the abstract is empty; write it below the closing '---'"))

    added = _read_date(meta, "added", problem)
    if added is not None and added > today + FUTURE_TOLERANCE:
        problem("added", f"'added' is {added.isoformat()}, in the future; use the day the paper "
                         f"entered the digest (today is {today.isoformat()})")
    published = _read_date(meta, "published", problem)

    authors = meta.get("authors") or []
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        problem("authors", "'authors' must be a list of names, one `- Name` line each")
        authors = []

    links = _read_links(meta.get("links"), problem)

    pins = meta.get("themes") or []
    if isinstance(pins, str):
        pins = [pins]
    if not isinstance(pins, list) or not all(isinstance(t, str) for t in pins):
        problem("themes", "'themes' must be a list of theme slugs, like [llm-reasoning]")
        pins = []

    source = meta.get("source") or ""
    if not isinstance(source, str):
        problem("source", "'source' must be text")
        source = ""

    if sum(1 for p in problems if p.severity == "error") > count_before:
        return None
    assert isinstance(paper_id, str) and isinstance(title, str) and added is not None
    return Paper(
        id=paper_id.strip(), slug=slug, title=title, abstract=abstract, added=added,
        published=published, authors=tuple(" ".join(a.split()) for a in authors),
        links=links, pinned_themes=tuple(pins), source=source, path=where,
    )


def _read_date(meta: dict[str, Any], key: str, problem: Any) -> dt.date | None:
    value = meta.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problem(key, f"{key!r} must be a date like 2026-11-26, got {value!r}")
    return None


def _read_links(raw: Any, problem: Any) -> tuple[Link, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problem("links", f"'links' must be a mapping of kind to URL; kinds: {', '.join(LINK_KINDS)}")
        return ()
    links = []
    for kind, value in raw.items():
        if kind not in LINK_KINDS:
            problem("links", f"unknown link kind {kind!r}; use one of: {', '.join(LINK_KINDS)}")
            continue
        urls = value if isinstance(value, list) else [value]
        for url in urls:
            if not isinstance(url, str) or not re.match(r"https?://[^\s<>\"']+\Z", url):
                problem("links", f"link {kind!r} must be an http(s) URL, got {url!r}")
                continue
            links.append(Link(kind, url))
    return tuple(links)


def _read_themes(content_dir: Path, problems: list[Problem]) -> list[Theme]:
    path = content_dir / THEMES_FILE
    if not path.exists():
        return []
    where = _display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(where, None, f"cannot read the taxonomy ({exc}); save it as UTF-8 text"))
        return []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(where, mark.line + 1 if mark else None,
                                f"invalid YAML ({getattr(exc, 'problem', exc)}); fix the syntax"))
        return []
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        problems.append(Problem(where, 1, "expected a top-level key `themes:` holding a list of themes"))
        return []

    theme_nodes = _mapping_value(root, "themes")
    themes: list[Theme] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(data["themes"]):
        node = theme_nodes.value[index] if theme_nodes is not None else None
        line = node.start_mark.line + 1 if node is not None else None

        def key_line(key: str, node: Any = node, line: int | None = line) -> int | None:
            value = _mapping_value(node, key)
            return value.start_mark.line + 1 if value is not None else line

        if not isinstance(item, dict):
            problems.append(Problem(where, line, "each theme must be a mapping with slug, title, "
                                                 "description and match"))
            continue
        for key in item:
            if key not in THEME_KEYS:
                close = difflib.get_close_matches(str(key), THEME_KEYS, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(THEME_KEYS)}"
                problems.append(Problem(where, key_line(key), f"unknown key {key!r} is ignored; {hint}",
                                        "warning"))
        slug = item.get("slug")
        title = item.get("title")
        if not isinstance(slug, str) or not is_valid_slug(slug):
            problems.append(Problem(where, key_line("slug"), f"theme slug must be lowercase letters, digits "
                                                              f"and hyphens, got {slug!r}"))
            continue
        if slug in seen:
            problems.append(Problem(where, key_line("slug"), f"duplicate theme slug {slug!r} (first on line "
                                                              f"{seen[slug]}); give each theme its own slug"))
            continue
        seen[slug] = key_line("slug") or 0
        if not isinstance(title, str) or not title.strip():
            problems.append(Problem(where, key_line("title"), f"theme {slug!r} needs a `title:`"))
            continue
        description = item.get("description") or ""
        match = item.get("match") or []
        if isinstance(match, str):
            match = [match]
        if not isinstance(match, list) or not all(isinstance(m, str) and m.strip() for m in match):
            problems.append(Problem(where, key_line("match"), f"theme {slug!r}: `match` must be a list of "
                                                               "phrases"))
            continue
        if not match:
            problems.append(Problem(where, key_line("match") or line,
                                    f"theme {slug!r} has no match rules; list phrases under `match:` "
                                    "(papers can still be pinned to it in front matter)", "warning"))
        themes.append(Theme(slug=slug, title=" ".join(title.split()),
                            description=" ".join(str(description).split()),
                            match=tuple(" ".join(m.split()) for m in match)))
    return themes


def _mapping_value(node: Any, key: str) -> Any:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if getattr(key_node, "value", None) == key:
            return value_node
    return None


def _check_across_papers(papers: list[Paper], themes: list[Theme], problems: list[Problem]) -> None:
    first_with_id: dict[str, Paper] = {}
    theme_slugs = [t.slug for t in themes]
    for paper in papers:
        other = first_with_id.setdefault(paper.id, paper)
        if other is not paper:
            problems.append(Problem(paper.path, 2, f"duplicate id {paper.id!r}, also in {other.path}; "
                                                   "each paper needs its own id: merge the two files"))
        for pin in paper.pinned_themes:
            if pin not in theme_slugs:
                known = ", ".join(theme_slugs) if theme_slugs else "none: content/themes.yml is missing"
                problems.append(Problem(paper.path, None, f"theme {pin!r} in `themes:` does not exist; "
                                                          f"known themes: {known}"))


# --------------------------------------------------------------------------- writing


def paper_text(paper: Paper) -> str:
    """The file content for a paper: YAML front matter in a fixed key order, then the abstract."""
    meta: dict[str, Any] = {"id": paper.id, "title": paper.title}
    if paper.authors:
        meta["authors"] = list(paper.authors)
    if paper.published:
        meta["published"] = paper.published
    meta["added"] = paper.added
    if paper.links:
        links: dict[str, Any] = {}
        for kind in LINK_KINDS:
            urls = paper.links_of(kind)
            if urls:
                links[kind] = urls[0] if len(urls) == 1 else list(urls)
        meta["links"] = links
    if paper.pinned_themes:
        meta["themes"] = list(paper.pinned_themes)
    if paper.source:
        meta["source"] = paper.source
    front = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{front}---\n{paper.abstract.strip()}\n"


def write_atomic(path: Path, text: str) -> None:
    """Write text to path so that a crash leaves either the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
