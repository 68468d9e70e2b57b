"""The "trending papers" listing: a pasted page of title/abstract line pairs.

Lines before the first paper are page chrome ("Get trending papers in your email
inbox ..."); the first title may carry a button label glued to its front
("SubscribeSupervised In-Context ..."). Blank lines are ignored.
"""

from __future__ import annotations

import re

from ..errors import ImportError_
from .links import extract_links
from .records import ImportedPaper

_CHROME = re.compile(r"^get trending papers in your email inbox", re.IGNORECASE)
# A button label glued to the first title: "SubscribeSupervised" -> "Supervised".
_GLUED_LABEL = re.compile(r"^Subscribe(?=[A-Z0-9])")


def parse_listing(text: str, source: str) -> list[ImportedPaper]:
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
    while lines and _CHROME.match(lines[0][1]):
        lines.pop(0)
    if not lines:
        raise ImportError_(f"{source}: no papers found; expected a title line followed by an "
                           "abstract line for each paper")
    if len(lines) % 2:
        number, line = lines[-1]
        raise ImportError_(f"{source}:{number}: a title without an abstract ({line[:60]!r}); "
                           "each paper needs a title line then one abstract line")
    papers = []
    for (title_line, title), (_, abstract) in zip(lines[0::2], lines[1::2]):
        if title_line == lines[0][0]:
            title = _GLUED_LABEL.sub("", title)
        title = " ".join(title.split())
        papers.append(ImportedPaper(title=title, abstract=abstract, links=extract_links(abstract),
                                    line=title_line))
    return papers
