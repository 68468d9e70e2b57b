"""Reading and writing content/: the only module that touches the content files.

    content/
      papers/<slug>.md   YAML front matter + the abstract as the body
      themes.yml         the taxonomy (optional)

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
  become a space where they are whitespace (form feed, NEL). Zero-width and
  right-to-left characters are printable text and are kept.
- Dates are YYYY-MM-DD and nothing else: a time of day (whose time zone could
  move the day) or a week date is an error, never a guess.
"""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import hashlib
import os
import pickle
import re
import stat
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Problem
from .model import LINK_KINDS, Digest, Link, Paper, Theme
from .phrases import phrase_matcher
from .slugs import slug_problem, slugify

try:  # libyaml is several times faster on thousands of files
    _BaseLoader: Any = yaml.CSafeLoader
    _Dumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper


class _Loader(_BaseLoader):  # type: ignore[misc]
    """The safe loader, except that dates stay text: PyYAML would turn 2026-02-30 into a
    ValueError with no line, and 2026-11-26T23:00-05:00 into another day in UTC."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

PAPERS_DIR = "papers"
THEMES_FILE = "themes.yml"

# Front matter keys in the order files are written; README documents each.
PAPER_KEYS = ("id", "title", "authors", "published", "added", "links", "arxiv", "doi", "categories",
              "journal_ref", "themes", "source")
REQUIRED_KEYS = ("id", "title", "added")
THEME_KEYS = ("slug", "title", "description", "match")

# Added dates up to this far ahead are accepted: a curator east of UTC may be a day ahead.
FUTURE_TOLERANCE = dt.timedelta(days=1)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# What fixes most YAML syntax errors in a one-line value.
_QUOTE_HINT = ("put a value that contains ': ' or ' #', or starts with one of [ { * & ! | > ' \" % @ `, "
               "in double quotes")
# Characters that no page or feed can hold (see the module docstring).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A top-level key at the start of a front matter line.
_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")


def printable(text: str) -> str:
    """text without the characters no page or feed can hold; whitespace ones become a space."""
    return _UNPRINTABLE.sub(lambda m: " " if m.group().isspace() else "", text)


def one_line(text: str) -> str:
    """A title or name: printable, on one line, spaces collapsed."""
    return " ".join(printable(text).split())


# --------------------------------------------------------------------------- reading


def load_digest(content_dir: Path, *, today: dt.date | None = None,
                warnings: list[Problem] | None = None, cache_file: Path | None = None) -> Digest:
    """Read and validate content_dir; raise ContentError naming every problem.

    Warnings (an unknown key, a phrase that matches nothing) do not stop a build:
    pass a list to receive them. With a cache_file, papers whose files have not
    changed since the last build are taken from it instead of read again.
    """
    digest, problems = check_content(content_dir, today=today, cache_file=cache_file)
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    if warnings is not None:
        warnings.extend(problems)
    return digest


def check_content(content_dir: Path, *, today: dt.date | None = None,
                  cache_file: Path | None = None) -> tuple[Digest, list[Problem]]:
    """Read content_dir; return what could be read and every problem found."""
    problems: list[Problem] = []
    if not content_dir.is_dir():
        problems.append(Problem(str(content_dir), None,
                                "content folder not found; run `digest import listing FILE` "
                                "or point `content_dir` in mkdocs.yml at your content"))
        return Digest(papers=(), themes=()), problems
    taxonomy = _read_themes(content_dir, problems)
    known = ReadCache(cache_file) if cache_file is not None else None
    papers = _read_papers(content_dir, problems, today or dt.date.today(), known)
    if known is not None:
        known.save()
    # A phrase may match only a paper that could not be read: judge the rules on all papers or none.
    every_paper_read = not any(p.severity == "error" for p in problems if p.path != taxonomy.path)
    _check_across_papers(papers, taxonomy, problems)
    if every_paper_read:
        _check_rules(papers, taxonomy, problems)
    problems.sort(key=lambda p: (p.path, p.line or 0, p.message))
    ordered = tuple(sorted((p.paper for p in papers), key=lambda p: (p.added, p.slug)))
    return Digest(papers=ordered, themes=tuple(taxonomy.themes)), problems


def _display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


@dataclass(frozen=True)
class _PaperFile:
    """A paper as read, with the lines of its keys for messages about it and other files."""

    paper: Paper
    key_lines: dict[str, int]


@dataclass
class _Taxonomy:
    path: str
    exists: bool = False
    themes: list[Theme] = field(default_factory=list)
    phrase_lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (slug, phrase) -> line


class ReadCache:
    """Papers read by an earlier build, each kept while its file's size, modification
    time and inode stay the same. Only files that read without any problem are kept.
    A file changed in the last two seconds is not kept: a second write within the
    file system's clock tick could leave all three the same (git's "racy" files)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.changed = False
        self.entries: dict[str, tuple[tuple[int, int, int], _PaperFile]] = {}
        self.used: set[str] = set()
        self.version = _reader_version()
        try:
            with path.open("rb") as file:
                version, entries = pickle.load(file)
            if version == self.version:
                self.entries = entries
        except Exception:  # missing, or written by another version: read everything again
            self.entries = {}

    def get(self, name: str, stamp: tuple[int, int, int]) -> _PaperFile | None:
        """The paper read from the file of this name in papers/, if its stamp is the same."""
        entry = self.entries.get(name)
        if entry is None or entry[0] != stamp:
            return None
        self.used.add(name)
        return entry[1]

    def put(self, name: str, stamp: tuple[int, int, int], mtime: float, paper: _PaperFile) -> None:
        if mtime < time.time() - 2:
            self.entries[name] = (stamp, paper)
            self.used.add(name)
            self.changed = True

    def save(self) -> None:
        """Write the entries this read used, when any of them is new. The entries of files
        edited, renamed or removed since are dropped then, not on their own: they match
        no file, and writing 10,000 entries again only to drop one took 0.16-0.37 s, in
        the `digest serve` rebuild right after every edit (the edited file, too new to
        keep, is kept at the next rebuild)."""
        if not self.changed:
            return
        kept = {name: self.entries[name] for name in sorted(self.used)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("wb") as file:
            pickle.dump((self.version, kept), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


def _reader_version() -> str:
    """Papers read by other code are read again."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("content.py", "model.py", "slugs.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def _read_papers(content_dir: Path, problems: list[Problem], today: dt.date,
                 known: ReadCache | None = None) -> list[_PaperFile]:
    papers_dir = content_dir / PAPERS_DIR
    if not papers_dir.is_dir():
        return []
    # Names, not Paths: making, comparing and testing 10,000 Paths took most of a cached read.
    # (Sorted names are sorted Paths: all are in one folder.)
    names = sorted(os.listdir(papers_dir))
    base = os.fspath(papers_dir)
    folder = _display_path(papers_dir)  # once: relpath asks the OS for the current folder
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
            problems.append(Problem(_display_path(papers_dir / name), None,
                                    "a folder inside papers/ is not read; paper files sit directly in "
                                    f"{PAPERS_DIR}/: move its files up, or the folder out of the content",
                                    "warning"))
            continue
        if not (name.endswith(".md") and len(name) > 3):
            problems.append(Problem(_display_path(papers_dir / name), None,
                                    "not a paper file, so it is not read; a paper file is named "
                                    "<slug>.md: rename it, or move it out of papers/", "warning"))
            continue
        stamp = (info.st_size, info.st_mtime_ns, info.st_ino) if info is not None else (0, 0, 0)
        paper = known.get(name, stamp) if known is not None and info is not None else None
        if paper is None:
            count = len(problems)
            paper = _read_paper(papers_dir / name, problems, today, slugs, f"{folder}/{name}")
            if known is not None and info is not None and paper is not None and len(problems) == count:
                known.put(name, stamp, info.st_mtime, paper)
        if paper is not None:
            papers.append(paper)
    return papers


def _read_utf8(path: Path, where: str, what: str, problems: list[Problem]) -> str | None:
    """The file's text, or None with a problem naming the line of a byte that is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(where, None, f"cannot read {what} ({exc.strerror}); check its permissions"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(where, line, f"not UTF-8 text (byte {data[exc.start]:#04x}); "
                                             "save the file as UTF-8"))
        return None


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line number where the body starts) or None."""
    match = re.match(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", text, re.S | re.M)
    if not match:
        return None
    front = match.group(1)
    body_line = text.count("\n", 0, match.end()) + 1
    return front, text[match.end():], body_line


def _key_lines(front: str) -> tuple[dict[str, int], list[tuple[str, int, int]]]:
    """({key: file line} of top-level front matter keys, [(key, line, earlier line)] repeated).

    Line 1 is the opening ---. Top-level keys are the lines starting in column 0
    with `name:`; values of block scalars and lists are indented or start with '-'.
    """
    lines: dict[str, int] = {}
    repeated = []
    for number, line in enumerate(front.splitlines(), start=2):
        match = _TOP_KEY.match(line)
        if match:
            key = match.group(1)
            if key in lines:
                repeated.append((key, number, lines[key]))
            lines[key] = number
    return lines, repeated


def _value_text(front: str, line: int) -> str:
    """The text after `key:` on a front matter line, as written."""
    text = front.splitlines()[line - 2]
    return text.split(":", 1)[1].strip()


def _yaml_error(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """(0-based line, "what is wrong; what to do") for a YAML syntax error.

    An unclosed quote or bracket is reported by PyYAML where it gave up (often the
    end of the text); the line where it was opened is the one to fix.
    """
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context", None) or ""
    context_mark = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
    line = mark.line if mark is not None else None
    if "quoted scalar" in context:
        fix = "close the quote on that line"
    elif "flow sequence" in context or "flow mapping" in context:
        fix = "close the bracket on that line; a value holding ',' or ']' goes in double quotes"
    else:
        return line, f"({problem}); {_QUOTE_HINT}"
    if context_mark is not None:
        line = context_mark.line
    return line, f"({context}, {problem}); {fix}"


def read_paper(path: Path, problems: list[Problem], today: dt.date) -> Paper | None:
    """One paper file; problems are appended to `problems`, None when it has an error."""
    read = _read_paper(path, problems, today, set())
    return read.paper if read is not None else None


def _read_paper(path: Path, problems: list[Problem], today: dt.date, slugs: set[str],
                where: str | None = None) -> _PaperFile | None:
    where = where or _display_path(path)
    slug = path.stem
    text = _read_utf8(path, where, "the file", problems)
    if text is None:
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    count_before = sum(1 for p in problems if p.severity == "error")

    name_problem = slug_problem(slug)
    if name_problem is not None:
        suggestion = slugify(slug)
        if suggestion in slugs:
            fix = (f"its slug would be {suggestion!r}, which {suggestion}.md already has: merge the two "
                   f"papers into {suggestion}.md, or give this one another name")
        else:
            fix = f"rename it to {suggestion + '.md'!r}"
        problems.append(Problem(where, 1, f"file name {path.name!r} {name_problem}; {fix}"))

    parts = split_front_matter(text)
    if parts is None:
        if re.match(r"---[ \t]*\r?\n", text):
            message = "the front matter is not closed; add a line '---' after its last field, before the abstract"
        else:
            message = ("no front matter; start the file with a line '---', the YAML fields, "
                       "then another '---' line")
        problems.append(Problem(where, 1, message))
        return None
    front, body, body_line = parts
    try:
        meta = yaml.load(front, Loader=_Loader)
    except yaml.YAMLError as exc:
        line, reason = _yaml_error(exc)
        problems.append(Problem(where, line + 2 if line is not None else 1,
                                f"invalid YAML in front matter {reason}"))
        return None
    except ValueError as exc:  # an explicit tag with a bad value, like !!int x
        problems.append(Problem(where, 2, f"invalid value in front matter ({exc}); remove the '!!' tag"))
        return None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problems.append(Problem(where, 2, "front matter must be a mapping; write one `key: value` line "
                                          "per field, like `title: My paper`"))
        return None
    lines, repeated = _key_lines(front)

    def problem(key: str | None, message: str, severity: str = "error") -> None:
        # A key's own line; none for a key that is missing (tests/test_build.py expects `path: message`).
        problems.append(Problem(where, lines.get(key) if key else None, message, severity))

    for key, line, earlier in repeated:
        problems.append(Problem(where, line, f"key {key!r} appears twice (also on line {earlier}) and only "
                                             "the last one counts; keep one"))
    for key in meta:
        if key not in PAPER_KEYS:
            close = difflib.get_close_matches(str(key), PAPER_KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(PAPER_KEYS)}"
            problem(str(key), f"unknown key {key!r} is ignored; {hint}", "warning")
    for key in REQUIRED_KEYS:
        if key not in meta:
            problem(None, f"missing required key {key!r}; add a line `{key}: ...` to the front matter")
        elif meta[key] is None or meta[key] == "":
            problem(key, f"{key!r} is empty; write its value after `{key}:`")

    paper_id = meta.get("id")
    if paper_id is not None and not isinstance(paper_id, str):
        written = _value_text(front, lines["id"]) if "id" in lines else str(paper_id)
        problem("id", f"'id' must be text, got {paper_id!r}; quote it, like id: \"{written}\"")
    elif isinstance(paper_id, str) and paper_id and (not paper_id.strip() or any(c.isspace() for c in paper_id)):
        problem("id", f"'id' must be one word without spaces, got {paper_id!r}; use the arXiv id, "
                      "the DOI or a slug, like id: \"2401.01234\"")

    title = meta.get("title")
    if title is not None and not isinstance(title, str):
        problem("title", f"'title' must be text, got {title!r}; write it in double quotes, "
                         "like title: \"My paper\"")
        title = None
    elif isinstance(title, str):
        title = one_line(title)
        if not title and meta["title"]:  # only spaces or control characters; "" is reported above
            problem("title", "'title' is empty; write its value after `title:`")

    abstract = printable(body).strip()
    if not abstract:
        problems.append(Problem(where, body_line, "the abstract is empty; write it below the closing '---'"))

    added = _read_date(meta, "added", problem)
    if added is not None and added > today + FUTURE_TOLERANCE:
        problem("added", f"'added' is {added.isoformat()}, in the future; use the day the paper "
                         f"entered the digest (today is {today.isoformat()})")
    published = _read_date(meta, "published", problem)

    authors = _read_list(meta, "authors", problem, "'authors' must be a list of names; write it like "
                                                   "authors: [Ada Lovelace, Alan Turing]")

    links = _read_links(meta.get("links"), lambda message: problem("links", message))

    pins = _read_list(meta, "themes", problem,
                      "'themes' must be a list of theme slugs; write it like themes: [llm-reasoning]")

    source = _read_text(meta, "source", problem) or ""
    arxiv = _read_text(meta, "arxiv", problem)
    if arxiv is not None and not re.fullmatch(r"\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7}", arxiv):
        problem("arxiv", f"'arxiv' must be an arXiv id without version, like \"2401.01234\", got {arxiv!r}")
    doi = _read_text(meta, "doi", problem)
    if doi is not None and not re.fullmatch(r"10\.\d{4,9}/\S+", doi):
        problem("doi", f"'doi' must be a DOI like 10.1000/xyz123 (without https://doi.org/), got {doi!r}")
    journal_ref = _read_text(meta, "journal_ref", problem)
    categories = _read_list(meta, "categories", problem, "'categories' must be a list of arXiv categories, "
                                                         "primary first; write it like categories: [cs.LG, stat.ML]")

    if sum(1 for p in problems if p.severity == "error") > count_before:
        return None
    assert isinstance(paper_id, str) and isinstance(title, str) and added is not None
    paper = Paper(
        id=paper_id.strip(), slug=slug, title=title, abstract=abstract, added=added,
        published=published, authors=tuple(name for name in (one_line(a) for a in authors) if name),
        links=links, pinned_themes=tuple(pins), source=source, path=where,
        arxiv=arxiv, doi=doi, categories=tuple(one_line(c) for c in categories if one_line(c)),
        journal_ref=journal_ref,
    )
    return _PaperFile(paper, lines)


def _read_list(meta: Mapping[str, Any], key: str, problem: Callable[..., None], message: str) -> list[str]:
    """An optional list of text; one value alone counts as a list of one."""
    value = meta.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problem(key, message)
        return []
    return value


def _read_text(meta: Mapping[str, Any], key: str, problem: Callable[..., None]) -> str | None:
    """An optional one-line text field; numbers are refused, since YAML would have changed them."""
    value = meta.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        problem(key, f"{key!r} must be text, got {value!r}; write it in double quotes, like {key}: \"{value}\"")
        return None
    return one_line(value) or None


def _read_date(meta: Mapping[str, Any], key: str, problem: Callable[..., None]) -> dt.date | None:
    value = meta.get(key)
    if value is None or value == "":
        return None
    text = value.strip() if isinstance(value, str) else None
    if text is not None and _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            problem(key, f"{key!r} must be a date like 2026-11-26, got {text!r}, which is not a day of "
                         "the calendar; check the month and the day")
            return None
    problem(key, f"{key!r} must be a date like 2026-11-26, got {value!r}; write the day as YYYY-MM-DD")
    return None


def _read_links(raw: Any, problem: Callable[[str], None]) -> tuple[Link, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problem(f"'links' must be a mapping of kind to URL; write one `kind: URL` line under `links:`, "
                f"kinds: {', '.join(LINK_KINDS)}")
        return ()
    links = []
    for kind, value in raw.items():
        if kind not in LINK_KINDS:
            close = difflib.get_close_matches(str(kind), LINK_KINDS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problem(f"unknown link kind {kind!r}; {hint}use one of: {', '.join(LINK_KINDS)}")
            continue
        urls = value if isinstance(value, list) else [value]
        for url in urls:
            if not isinstance(url, str) or not re.match(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+\Z", url):
                problem(f"link {kind!r} must be an http(s) URL, got {url!r}; write the full address, "
                        "starting with https://")
                continue
            links.append(Link(kind, url))
    return tuple(links)


def _read_themes(content_dir: Path, problems: list[Problem]) -> _Taxonomy:
    path = content_dir / THEMES_FILE
    where = _display_path(path)
    taxonomy = _Taxonomy(where)
    if not path.exists():
        return taxonomy
    taxonomy.exists = True
    text = _read_utf8(path, where, "the taxonomy", problems)
    if text is None:
        return taxonomy
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        line, reason = _yaml_error(exc)
        problems.append(Problem(where, line + 1 if line is not None else 1, f"invalid YAML {reason}"))
        return taxonomy
    except ValueError as exc:
        problems.append(Problem(where, 1, f"invalid value ({exc}); remove the '!!' tag"))
        return taxonomy
    if data is None:
        return taxonomy
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        problems.append(Problem(where, 1, "expected a top-level key `themes:` holding a list of themes; start "
                                          "the file with `themes:` and list each theme under it as `- slug: ...`"))
        return taxonomy

    theme_nodes = _mapping_value(root, "themes")
    seen: dict[str, int] = {}
    for index, item in enumerate(data["themes"]):
        node = theme_nodes.value[index] if theme_nodes is not None else None
        line = node.start_mark.line + 1 if node is not None else None

        def key_line(key: str, node: Any = node, line: int | None = line) -> int | None:
            value = _mapping_value(node, key)
            return value.start_mark.line + 1 if value is not None else line

        if not isinstance(item, dict):
            problems.append(Problem(where, line, "each theme must be a mapping; write it as `- slug: ...` followed "
                                                 "by indented `title:`, `description:` and `match:` lines"))
            continue
        for key in item:
            if key not in THEME_KEYS:
                close = difflib.get_close_matches(str(key), THEME_KEYS, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(THEME_KEYS)}"
                problems.append(Problem(where, key_line(key), f"unknown key {key!r} is ignored; {hint}",
                                        "warning"))
        slug = item.get("slug")
        title = item.get("title")
        named = title if isinstance(title, str) and title.strip() else slug if isinstance(slug, str) else ""
        suggestion = slugify(named) if named else "causal-discovery"
        if slug is None or slug == "":
            problems.append(Problem(where, line, f"a theme has no `slug:`; add one, like slug: {suggestion}"))
            continue
        wrong = slug_problem(slug) if isinstance(slug, str) else "is not text"
        if wrong is not None:
            problems.append(Problem(where, key_line("slug"), f"theme slug {slug!r} {wrong}; pick a slug of "
                                                              f"lowercase ASCII words joined by hyphens, like "
                                                              f"{suggestion!r}"))
            continue
        if slug in seen:
            problems.append(Problem(where, key_line("slug"), f"duplicate theme slug {slug!r} (first on line "
                                                              f"{seen[slug]}); give each theme its own slug"))
            continue
        seen[slug] = key_line("slug") or 0
        if not isinstance(title, str) or not one_line(title):
            problems.append(Problem(where, key_line("title"), f"theme {slug!r} needs a `title:`; add a line "
                                                               "`title: ...` under its slug"))
            continue
        description = item.get("description") or ""
        match = item.get("match") or []
        if isinstance(match, str):
            match = [match]
        if not isinstance(match, list) or not all(isinstance(m, str) and one_line(m) for m in match):
            problems.append(Problem(where, key_line("match"), f"theme {slug!r}: `match` must be a list of "
                                                               "phrases; write one `- phrase` line each under "
                                                               "`match:`"))
            continue
        if not match:
            problems.append(Problem(where, key_line("match") or line,
                                    f"theme {slug!r} has no match rules; list phrases under `match:` "
                                    "(papers can still be pinned to it in front matter)", "warning"))
        phrases = tuple(one_line(m) for m in match)
        match_node = _mapping_value(node, "match")
        for i, phrase in enumerate(phrases):
            phrase_node = match_node.value[i] if isinstance(match_node, yaml.SequenceNode) else match_node
            taxonomy.phrase_lines.setdefault(
                (slug, phrase), phrase_node.start_mark.line + 1 if phrase_node is not None else line or 1)
        taxonomy.themes.append(Theme(slug=slug, title=one_line(title),
                                     description=one_line(str(description)), match=phrases))
    return taxonomy


def _mapping_value(node: Any, key: str) -> Any:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if getattr(key_node, "value", None) == key:
            return value_node
    return None


def _check_across_papers(papers: list[_PaperFile], taxonomy: _Taxonomy, problems: list[Problem]) -> None:
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


def _check_rules(papers: list[_PaperFile], taxonomy: _Taxonomy, problems: list[Problem]) -> None:
    """Warn about each phrase that matches no paper: a misspelling, or a rule for nothing."""
    if not papers or not taxonomy.themes:
        return
    rules = [(theme.slug, phrase) for theme in taxonomy.themes for phrase in theme.match]
    matcher = phrase_matcher(tuple(phrase for _, phrase in rules))
    unmatched = set(range(len(rules)))
    for record in papers:  # usually every phrase has matched long before the last paper
        if not unmatched:
            return
        unmatched -= matcher.find(record.paper.title) | matcher.find(record.paper.abstract)
    for number in sorted(unmatched):
        slug, phrase = rules[number]
        problems.append(Problem(taxonomy.path, taxonomy.phrase_lines.get((slug, phrase)),
                                f"theme {slug!r}: phrase {phrase!r} matches no paper's title or "
                                "abstract; check its spelling, or remove it", "warning"))


# --------------------------------------------------------------------------- writing


def paper_path(content_dir: Path, slug: str) -> Path:
    """Where a paper's file lives. A slug that is not valid could name a path outside
    papers/ (or a reserved name): refuse it rather than write there."""
    wrong = slug_problem(slug)
    if wrong is not None:
        raise ValueError(f"slug {slug!r} {wrong}")
    return content_dir / PAPERS_DIR / f"{slug}.md"


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
    for key in ("arxiv", "doi"):
        if getattr(paper, key):
            meta[key] = getattr(paper, key)
    if paper.categories:
        meta["categories"] = list(paper.categories)
    if paper.journal_ref:
        meta["journal_ref"] = paper.journal_ref
    if paper.pinned_themes:
        meta["themes"] = list(paper.pinned_themes)
    if paper.source:
        meta["source"] = paper.source
    front = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{front}---\n{paper.abstract.strip()}\n"


def _write_temp(path: Path, text: str) -> Path:
    """text in a hidden temporary file beside path, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, text: str) -> None:
    """Write text to path so that a crash leaves either the old file or the new one."""
    tmp = _write_temp(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def create_files(files: Mapping[Path, str], updates: Mapping[Path, str] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
    """Create new files, and replace existing ones, all together or not at all.

    Every file is first written to a temporary file beside it; only when all of
    them are on disk are they renamed into place. If anything fails, the
    temporary files are removed, files already created are removed and files
    already replaced get their old bytes back, so the folder is left as it was.
    Refuses (FileExistsError) to create a file that exists: `files` are new
    files only; `updates` names the files to replace.
    """
    updates = dict(updates or {})
    for path in files:
        if path.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    originals = {path: path.read_bytes() for path in updates}
    temps: dict[Path, Path] = {}
    done: list[Path] = []
    everything = {**files, **updates}
    try:
        for number, (path, text) in enumerate(everything.items(), start=1):
            temps[path] = _write_temp(path, text)
            if progress is not None:
                progress(number, len(everything))
        for path, tmp in temps.items():
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        for path in done:
            if path in originals:
                path.write_bytes(originals[path])
            else:
                path.unlink(missing_ok=True)
        raise
