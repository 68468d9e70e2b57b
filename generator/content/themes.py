"""The taxonomy: content/themes.yml, a list of themes with their match rules."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from ..model import Theme
from ..slugs import slug_problem, slugify
from ..text import one_line
from .files import THEMES_FILE, display_path, mapping_value, parse_yaml, read_utf8

THEME_KEYS = ("slug", "title", "description", "match")


@dataclass
class Taxonomy:
    path: str
    exists: bool = False
    themes: list[Theme] = field(default_factory=list)
    phrase_lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (slug, phrase) -> line


def read_themes(content_dir: Path, problems: list[Problem]) -> Taxonomy:
    path = content_dir / THEMES_FILE
    where = display_path(path)
    taxonomy = Taxonomy(where)
    if not path.exists():
        return taxonomy
    taxonomy.exists = True
    text = read_utf8(path, where, "the taxonomy", problems)
    if text is None:
        return taxonomy
    parsed = parse_yaml(text, where, problems)
    if parsed is None:
        return taxonomy
    root, data = parsed
    if data is None:
        return taxonomy
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        problems.append(Problem(where, 1, "expected a top-level key `themes:` holding a list of themes; start "
                                          "the file with `themes:` and list each theme under it as `- slug: ...`"))
        return taxonomy

    theme_nodes = mapping_value(root, "themes")
    seen: dict[str, int] = {}
    for index, item in enumerate(data["themes"]):
        node = theme_nodes.value[index] if theme_nodes is not None else None
        line = node.start_mark.line + 1 if node is not None else None

        def key_line(key: str, node: Any = node, line: int | None = line) -> int | None:
            value = mapping_value(node, key)
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
        match_node = mapping_value(node, "match")
        for i, phrase in enumerate(phrases):
            phrase_node = match_node.value[i] if isinstance(match_node, yaml.SequenceNode) else match_node
            taxonomy.phrase_lines.setdefault(
                (slug, phrase), phrase_node.start_mark.line + 1 if phrase_node is not None else line or 1)
        taxonomy.themes.append(Theme(slug=slug, title=one_line(title),
                                     description=one_line(str(description)), match=phrases))
    return taxonomy
