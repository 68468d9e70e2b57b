"""What reading paper files and themes.yml shares: UTF-8 text, YAML that keeps dates as
text, front matter, and the line a YAML error is to be fixed on."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

PAPERS_DIR = "papers"  # in the content folder: one file per paper
THEMES_FILE = "themes.yml"  # in the content folder: the taxonomy
AUTO_THEMES_FILE = "themes.auto.yml"  # in the content folder: the recorded automatic themes

try:  # libyaml is several times faster on thousands of files
    BaseLoader: Any = yaml.CSafeLoader
    Dumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    BaseLoader = yaml.SafeLoader
    Dumper = yaml.SafeDumper


class Loader(BaseLoader):  # type: ignore[misc]
    """The safe loader, except that dates stay text: PyYAML would turn 2026-02-30 into a
    ValueError with no line, and 2026-11-26T23:00-05:00 into another day in UTC."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in BaseLoader.yaml_implicit_resolvers.items()
}

# What fixes most YAML syntax errors in a one-line value.
_QUOTE_HINT = ("put a value that contains ': ' or ' #', or starts with one of [ { * & ! | > ' \" % @ `, "
               "in double quotes")


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def read_utf8(path: Path, where: str, what: str, problems: list[Problem]) -> str | None:
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


def yaml_error(exc: yaml.YAMLError) -> tuple[int | None, str]:
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


def mapping_value(node: Any, key: str) -> Any:
    """The YAML node of a key's value in a mapping node (for its line), or None."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if getattr(key_node, "value", None) == key:
            return value_node
    return None


def parse_yaml(text: str, where: str, problems: list[Problem]) -> tuple[Any, Any] | None:
    """(node tree, data) of a YAML file (themes.yml, themes.auto.yml), the node tree for
    the lines of its keys; None, with a problem naming the line, when it is not YAML."""
    try:
        return yaml.compose(text, Loader=Loader), yaml.load(text, Loader=Loader)
    except yaml.YAMLError as exc:
        line, reason = yaml_error(exc)
        problems.append(Problem(where, line + 1 if line is not None else 1, f"invalid YAML {reason}"))
    except ValueError as exc:
        problems.append(Problem(where, 1, f"invalid value ({exc}); remove the '!!' tag"))
    return None
