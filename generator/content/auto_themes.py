"""The recorded automatic themes: content/themes.auto.yml.

`digest build` (and `digest themes suggest --write`, `digest themes recluster --write`)
writes the automatic themes of the build here, with their papers, so that the next
build, on any machine, starts from them: a theme keeps its slug, title, page and
feeds as the digest grows (analysis/history.py). Committed with the content.

    themes:                       # live automatic themes, in the site's order
      - slug: causal-discovery
        title: Causal discovery and time series
        description: Papers on ...
        papers: [paper-slug, ...]   # the papers it is the first theme of
        also: [paper-slug, ...]     # ... the second (a paper sits in up to two)
    retired:                      # gone: their URLs redirect, their feeds carry the successor's
      - slug: old-theme
        title: Old theme
        successor: causal-discovery

Titles and descriptions may be edited by hand; slugs are URLs.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from ..model import Membership, RecordedTheme, RecordedThemes, RetiredTheme, Theme
from ..slugs import slug_problem
from ..text import one_line
from .files import AUTO_THEMES_FILE, Dumper, display_path, mapping_value, parse_yaml, read_utf8
from .writing import write_atomic

THEME_KEYS = ("slug", "title", "description", "papers", "also")
RETIRED_KEYS = ("slug", "title", "successor")
HEADER = """\
# The automatic themes of this digest, recorded by `digest build` so that each keeps its
# page and feeds as papers are added: commit this file with the content. Titles and
# descriptions may be edited; slugs are URLs. `digest themes recluster` starts over.
"""


def read_recorded(content_dir: Path, problems: list[Problem]) -> RecordedThemes:
    """The recorded automatic themes, or none when the file is missing; problems name the line."""
    path = content_dir / AUTO_THEMES_FILE
    if not path.exists():
        return RecordedThemes()
    where = display_path(path)
    text = read_utf8(path, where, "the recorded automatic themes", problems)
    if text is None:
        return RecordedThemes()
    parsed = parse_yaml(text, where, problems)
    if parsed is None:
        return RecordedThemes()
    root, data = parsed
    if data is None:
        return RecordedThemes()
    fix = ("delete the file to record the automatic themes afresh at the next `digest build` "
           "(their URLs may change), or restore it from git")
    if not isinstance(data, dict) or not isinstance(data.get("themes", []), list) \
            or not isinstance(data.get("retired", []), list):
        problems.append(Problem(where, 1, f"expected `themes:` and `retired:` lists; {fix}"))
        return RecordedThemes()
    for key in data:
        if key not in ("themes", "retired"):
            problems.append(Problem(where, _line(root, key) or 1, f"unknown key {key!r} is ignored", "warning"))
    themes = [_theme(item, node, where, problems, fix)
              for item, node in _items(data.get("themes") or [], mapping_value(root, "themes"))]
    retired = [_retired(item, node, where, problems, fix)
               for item, node in _items(data.get("retired") or [], mapping_value(root, "retired"))]
    seen: dict[str, int] = {}
    for entry, node in [*zip(themes, _nodes(root, "themes")), *zip(retired, _nodes(root, "retired"))]:
        if entry is None:
            continue
        line = node.start_mark.line + 1 if node is not None else 1
        if entry.slug in seen:
            problems.append(Problem(where, line, f"theme {entry.slug!r} is recorded twice (also on line "
                                                 f"{seen[entry.slug]}); keep one"))
        seen.setdefault(entry.slug, line)
    return RecordedThemes(themes=tuple(t for t in themes if t is not None),
                          retired=tuple(r for r in retired if r is not None))


def _theme(item: Any, node: Any, where: str, problems: list[Problem], fix: str) -> RecordedTheme | None:
    fields = _fields(item, node, THEME_KEYS, where, problems, fix)
    if fields is None:
        return None
    lists = {}
    for key in ("papers", "also"):
        papers = item.get(key) or []
        if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
            problems.append(Problem(where, _line(node, key), f"theme {fields[0]!r}: `{key}` must be a list "
                                                            f"of paper slugs; {fix}"))
            return None
        lists[key] = tuple(papers)
    return RecordedTheme(slug=fields[0], title=fields[1], description=one_line(str(item.get("description") or "")),
                         papers=lists["papers"], also=lists["also"])


def _retired(item: Any, node: Any, where: str, problems: list[Problem], fix: str) -> RetiredTheme | None:
    fields = _fields(item, node, RETIRED_KEYS, where, problems, fix)
    if fields is None:
        return None
    successor = item.get("successor") or ""
    if not isinstance(successor, str) or (successor and slug_problem(successor) is not None):
        problems.append(Problem(where, _line(node, "successor"), f"retired theme {fields[0]!r}: `successor` must "
                                                                f"be a theme's slug, got {successor!r}; {fix}"))
        return None
    return RetiredTheme(slug=fields[0], title=fields[1], successor=successor)


def _fields(item: Any, node: Any, keys: Sequence[str], where: str, problems: list[Problem],
            fix: str) -> tuple[str, str] | None:
    """(slug, title) of an entry, checked; None with a problem when either is wrong."""
    line = node.start_mark.line + 1 if node is not None else 1
    if not isinstance(item, dict):
        problems.append(Problem(where, line, f"each entry must be a mapping with `slug:` and `title:`; {fix}"))
        return None
    for key in item:
        if key not in keys:
            close = difflib.get_close_matches(str(key), keys, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(keys)}"
            problems.append(Problem(where, _line(node, key) or line, f"unknown key {key!r} is ignored; {hint}",
                                    "warning"))
    slug, title = item.get("slug"), item.get("title")
    if not isinstance(slug, str) or slug_problem(slug) is not None:
        problems.append(Problem(where, _line(node, "slug") or line, f"`slug` must be a theme's slug (lowercase "
                                                                    f"words joined by hyphens), got {slug!r}; {fix}"))
        return None
    if not isinstance(title, str) or not one_line(title):
        problems.append(Problem(where, _line(node, "title") or line, f"theme {slug!r} needs a `title:`; write one, "
                                                                     f"or {fix}"))
        return None
    return slug, one_line(title)


def _line(node: Any, key: str) -> int | None:
    value = mapping_value(node, key)
    return value.start_mark.line + 1 if value is not None else None


def _nodes(root: Any, key: str) -> list[Any]:
    value = mapping_value(root, key)
    return list(value.value) if isinstance(value, yaml.SequenceNode) else []


def _items(items: list[Any], sequence: Any) -> list[tuple[Any, Any]]:
    nodes = list(sequence.value) if isinstance(sequence, yaml.SequenceNode) else []
    return [(item, nodes[i] if i < len(nodes) else None) for i, item in enumerate(items)]


def recorded_text(themes: Sequence[Theme], memberships: dict[str, tuple[Membership, ...]],
                  retired: Sequence[RetiredTheme]) -> str:
    """The file for these automatic themes (in the site's order, each with its papers by
    slug, as their first theme or their second) and the retired ones (by slug): the same
    themes, the same bytes."""
    first: dict[str, list[str]] = {t.slug: [] for t in themes}
    second: dict[str, list[str]] = {t.slug: [] for t in themes}
    for paper, held in sorted(memberships.items()):
        for position, membership in enumerate(held):
            if membership.theme in first:
                (first if position == 0 else second)[membership.theme].append(paper)
    entries = []
    for theme in themes:
        entry: dict[str, Any] = {"slug": theme.slug, "title": theme.title, "description": theme.description,
                                 "papers": first[theme.slug]}
        if second[theme.slug]:
            entry["also"] = second[theme.slug]
        entries.append(entry)
    data = {"themes": entries, "retired": [{"slug": r.slug, "title": r.title, "successor": r.successor}
                                           for r in sorted(retired, key=lambda r: r.slug)]}
    return HEADER + yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100,
                              default_flow_style=False)


def write_recorded(content_dir: Path, themes: Sequence[Theme], memberships: dict[str, tuple[Membership, ...]],
                   retired: Sequence[RetiredTheme]) -> bool:
    """Record these automatic themes if that changes the file (a digest that never had
    any gets no file); whether it did."""
    path = content_dir / AUTO_THEMES_FILE
    if not themes and not retired and not path.exists():
        return False
    text = recorded_text(themes, memberships, retired)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    write_atomic(path, text)
    return True
