"""Paper files: content/papers/<slug>.md, YAML front matter and the abstract as the body.

Each front matter key has a reader in FIELDS (as Pelican's METADATA_PROCESSORS):
it takes the raw value and reports what is wrong with it; `read_paper_file` checks
the file as a whole (its name, front matter, required and unknown keys) and makes
the Paper when no reader reported an error.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from ..identifiers import is_arxiv_id
from ..model import LINK_KINDS, Link, Paper
from ..slugs import slug_problem, slugify
from ..text import one_line, printable
from .files import Loader, display_path, read_utf8, split_front_matter, yaml_error

# Added dates up to this far ahead are accepted: a curator east of UTC may be a day ahead.
FUTURE_TOLERANCE = dt.timedelta(days=1)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A top-level key at the start of a front matter line.
_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")


@dataclass(frozen=True)
class PaperFile:
    """A paper as read, with the lines of its keys for messages about it and other files."""

    paper: Paper
    key_lines: dict[str, int]


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


def read_paper(path: Path, problems: list[Problem], today: dt.date) -> Paper | None:
    """One paper file; problems are appended to `problems`, None when it has an error."""
    read = read_paper_file(path, problems, today, set())
    return read.paper if read is not None else None


@dataclass
class _Front:
    """One file's front matter, as its field readers see it."""

    where: str  # the file, for messages
    text: str  # the front matter as written
    lines: dict[str, int]  # each top-level key's line in the file
    problems: list[Problem]
    today: dt.date

    def problem(self, key: str | None, message: str, severity: str = "error") -> None:
        # A key's own line; none for a key that is missing (tests/test_build.py expects `path: message`).
        self.problems.append(Problem(self.where, self.lines.get(key) if key else None, message, severity))


def read_paper_file(path: Path, problems: list[Problem], today: dt.date, slugs: set[str],
                    where: str | None = None) -> PaperFile | None:
    """The file's paper, or None when it has an error; problems are appended to `problems`.
    `slugs` are the valid slugs of the folder, for the fix of a file name that is not one."""
    where = where or display_path(path)
    slug = path.stem
    text = read_utf8(path, where, "the file", problems)
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
    front_text, body, body_line = parts
    try:
        meta = yaml.load(front_text, Loader=Loader)
    except yaml.YAMLError as exc:
        line, reason = yaml_error(exc)
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
    lines, repeated = _key_lines(front_text)
    front = _Front(where, front_text, lines, problems, today)

    for key, line, earlier in repeated:
        problems.append(Problem(where, line, f"key {key!r} appears twice (also on line {earlier}) and only "
                                             "the last one counts; keep one"))
    for key in meta:
        if key not in FIELDS:
            close = difflib.get_close_matches(str(key), PAPER_KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(PAPER_KEYS)}"
            front.problem(str(key), f"unknown key {key!r} is ignored; {hint}", "warning")
    for key in REQUIRED_KEYS:
        if key not in meta:
            front.problem(None, f"missing required key {key!r}; add a line `{key}: ...` to the front matter")
        elif meta[key] is None or meta[key] == "":
            front.problem(key, f"{key!r} is empty; write its value after `{key}:`")

    values = {key: read(meta.get(key), key, front) for key, read in FIELDS.items()}
    abstract = printable(body).strip()
    if not abstract:
        problems.append(Problem(where, body_line, "the abstract is empty; write it below the closing '---'"))

    if sum(1 for p in problems if p.severity == "error") > count_before:
        return None
    paper = Paper(slug=slug, abstract=abstract, path=where,
                  **{attribute: values[key] for key, attribute in ATTRIBUTES.items()})
    return PaperFile(paper, lines)


# --------------------------------------------------------------------------- field readers
# Each takes the key's value (None when the key is absent), the key and the front
# matter, reports what is wrong through front.problem, and returns the Paper's value.


def _read_id(value: Any, key: str, front: _Front) -> str | None:
    if value is not None and not isinstance(value, str):
        written = _value_text(front.text, front.lines[key]) if key in front.lines else str(value)
        front.problem(key, f"'id' must be text, got {value!r}; quote it, like id: \"{written}\"")
        return None
    if isinstance(value, str) and value and (not value.strip() or any(c.isspace() for c in value)):
        front.problem(key, f"'id' must be one word without spaces, got {value!r}; use the arXiv id, "
                           "the DOI or a slug, like id: \"2401.01234\"")
    return value.strip() if isinstance(value, str) else None


def _read_title(value: Any, key: str, front: _Front) -> str | None:
    if value is not None and not isinstance(value, str):
        front.problem(key, f"'title' must be text, got {value!r}; write it in double quotes, "
                           "like title: \"My paper\"")
        return None
    if not isinstance(value, str):
        return None
    title = one_line(value)
    if not title and value:  # only spaces or control characters; "" is reported as empty
        front.problem(key, "'title' is empty; write its value after `title:`")
    return title


def _read_date(value: Any, key: str, front: _Front) -> dt.date | None:
    if value is None or value == "":
        return None
    text = value.strip() if isinstance(value, str) else None
    if text is not None and _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            front.problem(key, f"{key!r} must be a date like 2026-11-26, got {text!r}, which is not a day of "
                               "the calendar; check the month and the day")
            return None
    front.problem(key, f"{key!r} must be a date like 2026-11-26, got {value!r}; write the day as YYYY-MM-DD")
    return None


def _read_added(value: Any, key: str, front: _Front) -> dt.date | None:
    added = _read_date(value, key, front)
    if added is not None and added > front.today + FUTURE_TOLERANCE:
        front.problem(key, f"'added' is {added.isoformat()}, in the future; use the day the paper "
                           f"entered the digest (today is {front.today.isoformat()})")
    return added


def _list_of(what: str, example: str, one_lines: bool = True) -> Callable[[Any, str, _Front], tuple[str, ...]]:
    """A reader of an optional list of texts, each made one line (empty ones dropped) unless
    `one_lines` is false; one value alone counts as a list of one."""
    def read(value: Any, key: str, front: _Front) -> tuple[str, ...]:
        items = value or []
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            front.problem(key, f"{key!r} must be a list of {what}; write it like {key}: {example}")
            return ()
        if not one_lines:
            return tuple(items)
        return tuple(text for text in (one_line(item) for item in items) if text)
    return read


def _read_text(value: Any, key: str, front: _Front) -> str | None:
    """An optional one-line text field; numbers are refused, since YAML would have changed them."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        front.problem(key, f"{key!r} must be text, got {value!r}; write it in double quotes, "
                           f"like {key}: \"{value}\"")
        return None
    return one_line(value) or None


def _read_source(value: Any, key: str, front: _Front) -> str:
    return _read_text(value, key, front) or ""


def _read_arxiv(value: Any, key: str, front: _Front) -> str | None:
    arxiv = _read_text(value, key, front)
    if arxiv is not None and not is_arxiv_id(arxiv):
        front.problem(key, f"'arxiv' must be an arXiv id without version, like \"2401.01234\", got {arxiv!r}")
    return arxiv


def _read_doi(value: Any, key: str, front: _Front) -> str | None:
    doi = _read_text(value, key, front)
    if doi is not None and not re.fullmatch(r"10\.\d{4,9}/\S+", doi):
        front.problem(key, f"'doi' must be a DOI like 10.1000/xyz123 (without https://doi.org/), got {doi!r}")
    return doi


def _read_links(value: Any, key: str, front: _Front) -> tuple[Link, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        front.problem(key, "'links' must be a mapping of kind to URL; write one `kind: URL` line under "
                           f"`links:`, kinds: {', '.join(LINK_KINDS)}")
        return ()
    links = []
    for kind, urls in value.items():
        if kind not in LINK_KINDS:
            close = difflib.get_close_matches(str(kind), LINK_KINDS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            front.problem(key, f"unknown link kind {kind!r}; {hint}use one of: {', '.join(LINK_KINDS)}")
            continue
        for url in urls if isinstance(urls, list) else [urls]:
            if not isinstance(url, str) or not re.match(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+\Z", url):
                front.problem(key, f"link {kind!r} must be an http(s) URL, got {url!r}; write the full "
                                   "address, starting with https://")
                continue
            links.append(Link(kind, url))
    return tuple(links)


# Front matter keys, in the order files are written (README documents each), and their readers.
FIELDS: dict[str, Callable[[Any, str, _Front], Any]] = {
    "id": _read_id,
    "title": _read_title,
    "authors": _list_of("names", "[Ada Lovelace, Alan Turing]"),
    "published": _read_date,
    "added": _read_added,
    "links": _read_links,
    "arxiv": _read_arxiv,
    "doi": _read_doi,
    "categories": _list_of("arXiv categories, primary first", "[cs.LG, stat.ML]"),
    "journal_ref": _read_text,
    "themes": _list_of("theme slugs", "[llm-reasoning]", one_lines=False),  # checked against the taxonomy
    "source": _read_source,
}
PAPER_KEYS = tuple(FIELDS)
REQUIRED_KEYS = ("id", "title", "added")
# The Paper attribute each key's value becomes.
ATTRIBUTES = {key: "pinned_themes" if key == "themes" else key for key in FIELDS}
