"""Text to HTML for the templates: dates, math, paragraphs, teasers. Pure functions;
every one escapes its text, so a title or abstract is never markup."""

from __future__ import annotations

import datetime as dt
import functools
import re

from markupsafe import Markup, escape

from ..text import split_paragraphs

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
TEASER_LENGTH = 220


def human_date(day: dt.date | None) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


def month_label(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


# Display math $$...$$, and inline math as pandoc reads it: $ then a non-space, ...,
# a non-space then $, not followed by a digit, so "$5 and $10" stays text.
_MATH = re.compile(r"\$\$(?=\S)([^$\n]{1,500}?)(?<=\S)\$\$"
                   r"|(?<![\\$\w])\$(?=\S)([^$\n]{1,500}?)(?<=\S)\$(?!\d)")


@functools.lru_cache(maxsize=1 << 16)  # a title is shown on many pages: mark it up once
def math_markup(text: str) -> Markup:
    """Text as escaped HTML, with each $...$ marked up for the math renderer the way
    pymdownx.arithmatex does (generic mode). The TeX stays escaped text inside the
    span: without the renderer's script the page shows it as written."""
    if "$" not in text:  # most texts: no math to look for
        return escape(text)
    out = []
    position = 0
    for math in _MATH.finditer(text):
        out.append(escape(text[position:math.start()]))
        if math.group(1) is not None:
            out.append(Markup('<span class="arithmatex">\\[{}\\]</span>').format(math.group(1)))
        else:
            out.append(Markup('<span class="arithmatex">\\({}\\)</span>').format(math.group(2)))
        position = math.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def paragraphs(text: str) -> Markup:
    """Plain text to escaped HTML paragraphs (blank lines separate them), math marked up."""
    return Markup("\n").join(Markup("<p>{}</p>").format(math_markup(p)) for p in split_paragraphs(text))


_SENTENCE = re.compile(r"(.{40,}?[.!?])(\s|$)")  # the first sentence, 40 characters or more


@functools.lru_cache(maxsize=1 << 16)  # a paper's card appears on several pages
def teaser(text: str, length: int = TEASER_LENGTH) -> str:
    """The first sentence, or the first `length` characters cut at a word."""
    # Only the start is shown: flatten the whitespace of a prefix, not of the whole
    # abstract (which took longer than the rest of a card). Flattened, a prefix of the
    # text is a prefix of the flat text; longer than `length`, it decides the same teaser.
    flat = " ".join(text[: 2 * length].split())
    if len(flat) <= length and len(text) > 2 * length:  # cut, and it was mostly whitespace
        flat = " ".join(text.split())
    match = _SENTENCE.match(flat)
    if match and len(match.group(1)) <= length:
        return match.group(1)
    if len(flat) <= length:
        return flat
    return flat[:length].rsplit(" ", 1)[0].rstrip(",;:") + "…"
