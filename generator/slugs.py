"""Slugs and title keys: pure functions over strings.

A slug is a file name (content/papers/<slug>.md) and a URL segment
(papers/<slug>/, themes/<slug>/), so it is the one place where text from a
title or a taxonomy could reach the file system. `is_valid_slug` is the rule
every slug must pass before it is used in a path: lowercase ASCII letters and
digits in hyphen-separated words, bounded length, and no reserved name. Such a
slug cannot hold '/', '\\', '.', a drive letter or a device name, so it can only
ever name a file inside its own folder.
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

MAX_SLUG_LENGTH = 80
# unique_slug may append "-2", "-3", ...: room for that beyond MAX_SLUG_LENGTH.
MAX_SUFFIX_LENGTH = 8
# Names a slug may not take: they would collide with the site's own pages
# ("index": papers/index.md would become the URL papers/) or with device names
# Windows reserves in every folder, whatever the extension (con.md is CON).
RESERVED_SLUGS = frozenset(
    {"index", "feed", "atom", "assets", "search", "themes", "papers", "archive",
     "con", "prn", "aux", "nul"}
    | {f"com{n}" for n in range(1, 10)}
    | {f"lpt{n}" for n in range(1, 10)}
)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _visible(text: str) -> str:
    """NFKC text without invisible characters: a control or format character (zero-width
    space, BOM, bidi override) between two letters must not split one word in two, since
    the page shows them as one. Controls that are whitespace separate words, as spaces do."""
    return "".join(" " if c.isspace() else c for c in unicodedata.normalize("NFKC", text)
                   if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf", "Cs"))


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """A readable ASCII slug: "Schrödinger's Cat: A Study" -> "schrodingers-cat-a-study".

    Cut at a word boundary so that no slug exceeds max_length. Never empty and never
    a reserved name: those get a "paper" prefix. Always passes is_valid_slug.
    """
    ascii_text = unidecode(_visible(text)).lower()
    ascii_text = ascii_text.replace("'", "")
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:  # one very long word
        slug = words[0][:max_length]
    if not slug or slug in RESERVED_SLUGS:
        slug = f"paper-{slug}" if slug else "paper"
    return slug


def unique_slug(base: str, taken: set[str]) -> str:
    """base, or base-2, base-3, ... : the first one not taken (deterministic)."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def title_key(title: str) -> str:
    """The form two titles share when they name the same paper: case, spacing,
    punctuation and accents are ignored."""
    ascii_text = unidecode(_visible(title)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text))


def slug_problem(slug: str) -> str | None:
    """What is wrong with slug as a file name and URL segment, or None if it is fine."""
    if len(slug) > MAX_SLUG_LENGTH + MAX_SUFFIX_LENGTH:
        return f"is {len(slug)} characters long, over the limit of {MAX_SLUG_LENGTH + MAX_SUFFIX_LENGTH}"
    if not _SLUG.fullmatch(slug):
        return "is not lowercase ASCII letters and digits in words joined by single hyphens"
    if slug in RESERVED_SLUGS:
        return "is a reserved name (a page of the site's own, or a device name on Windows)"
    return None


def is_valid_slug(slug: str) -> bool:
    return slug_problem(slug) is None
