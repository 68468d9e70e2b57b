"""Plain text as the whole tool treats it: pure helpers over strings.

Titles and abstracts come from scraped pages and APIs. Characters no page or feed
can hold (C0 and C1 control characters other than tab and line breaks, DEL, lone
surrogates, U+FFFE and U+FFFF) are dropped, or become a space where they are
whitespace (form feed, NEL). Zero-width and right-to-left characters are printable
text and are kept.
"""

from __future__ import annotations

import re

_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def printable(text: str) -> str:
    """text without the characters no page or feed can hold; whitespace ones become a space."""
    return _UNPRINTABLE.sub(lambda m: " " if m.group().isspace() else "", text)


def one_line(text: str) -> str:
    """A title or name: printable, on one line, spaces collapsed."""
    return " ".join(printable(text).split())


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of a plain text (blank lines separate them), each on one line."""
    return [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip()]
