"""Slugs and title keys: pure functions over strings."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

MAX_SLUG_LENGTH = 80
# Names a slug may not take: they would collide with the site's own pages or
# with names some file systems reserve.
RESERVED_SLUGS = frozenset(
    {"index", "feed", "atom", "assets", "search", "themes", "papers", "archive",
     "con", "prn", "aux", "nul", "com1", "lpt1"}
)


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """A readable ASCII slug: "Schrödinger's Cat: A Study" -> "schrodingers-cat-a-study".

    Cut at a word boundary so that no slug exceeds max_length. Never empty and never
    a reserved name: those get a "paper" prefix.
    """
    ascii_text = unidecode(unicodedata.normalize("NFKC", text)).lower()
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
    ascii_text = unidecode(unicodedata.normalize("NFKC", title)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text))


def is_valid_slug(slug: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)) and len(slug) <= MAX_SLUG_LENGTH + 8
