"""The "trending papers" listing: a pasted page of title/abstract line pairs.

Lines before the first paper are page chrome ("Get trending papers in your email
inbox ..."); the first title may carry a button label glued to its front
("SubscribeSupervised In-Context ..."). Blank lines are ignored, wherever they are.

Lines end in LF, CRLF or CR; nothing else ends a line, so a form feed or a
Unicode line separator scraped into an abstract stays inside it (str.splitlines
would split there and shift every later pair). A leading byte-order mark is dropped.

When the lines do not pair up (an odd count), the error names the line where
pairing broke, found from the shape of the lines: a title is a short line, an
abstract a long one of sentences.
"""

from __future__ import annotations

import json
import math
import re

from ..errors import ImportError_
from .links import extract_links
from .records import ImportedPaper

_CHROME = re.compile(r"^get trending papers in your email inbox", re.IGNORECASE)
# A button label glued to the first title: "SubscribeSupervised" -> "Supervised".
_GLUED_LABEL = re.compile(r"^Subscribe(?=[A-Z0-9])")
_LINE_END = re.compile(r"\r\n|\r|\n")
# Longer than any title: real titles stay under about 150 characters, abstracts over 600.
ABSTRACT_LENGTH = 300
_PAIRING = "each paper is a title line then one abstract line"


def parse_listing(text: str, source: str) -> list[ImportedPaper]:
    text = text.removeprefix("\ufeff")
    _refuse_other_formats(text, source)
    numbered = enumerate(_LINE_END.split(text), start=1)
    lines = [(number, line.strip()) for number, line in numbered if line.strip()]
    while lines and _CHROME.match(lines[0][1]):
        lines.pop(0)
    if not lines:
        raise ImportError_(f"{source}: no papers found; expected a title line followed by an "
                           "abstract line for each paper")
    if len(lines) % 2:
        raise ImportError_(f"{source}:{_pairing_break(lines)}")
    papers = []
    for (title_line, title), (_, abstract) in zip(lines[0::2], lines[1::2]):
        if title_line == lines[0][0]:
            title = _GLUED_LABEL.sub("", title)
        title = " ".join(title.split())
        papers.append(ImportedPaper(title=title, abstract=abstract, links=extract_links(abstract),
                                    line=title_line))
    return papers


# How a markup document starts: an XML declaration, a doctype, a comment, or the root of a
# web page or a feed. Not any "<": a paper's title may start with one ("<think> tokens ...").
MARKUP_START = re.compile(r"<(?:\?xml|!doctype|!--|html\b|(?:\w+:)?(?:feed|rss|rdf)\b)", re.IGNORECASE)


def _refuse_other_formats(text: str, source: str) -> None:
    """A file that is plainly another importer's (XML, JSON) would pair its lines into
    nonsense papers, or fail with a pairing error that hides the real mistake."""
    start = text.lstrip()[:2000]
    if MARKUP_START.match(start):
        if re.search(r"<(?:\w+:)?(?:feed|rss|rdf:RDF)\b", start):
            raise ImportError_(f"{source}:1: this is an Atom or RSS feed (an arXiv API response or announcement "
                               "feed), not a pasted listing; import it with `digest import arxiv FILE`")
        raise ImportError_(f"{source}:1: this is XML or HTML, not a pasted listing; a listing is the page's "
                           "text (select all, copy, paste into a text file): a title line then an abstract "
                           "line per paper")
    if start.startswith(("{", "[")):
        try:
            json.loads(text)
        except ValueError:
            return
        raise ImportError_(f"{source}:1: this is JSON, not a pasted listing; a Hugging Face daily-papers "
                           "response imports with `digest import hf-daily FILE`")


def _pairing_break(lines: list[tuple[int, str]]) -> str:
    """`line: message` for an odd number of lines: where is a title or an abstract missing?

    Paired in order, the pairs before the missing line are (title, abstract) and the
    ones after it are flipped, (abstract, next title): the first pair whose "title"
    is over twice as long as its "abstract" is just after the break. Either that line is an
    abstract whose title is missing, or the pair before it holds two titles (an
    abstract is missing) — told apart by whether the line between looks more like
    the title after it or the abstract. With no flipped pair the odd line is the
    last: a title without its abstract, or an abstract after a pair of two titles.
    """
    for first in range(0, len(lines) - 1, 2):
        (number, in_title_slot), (_, in_abstract_slot) = lines[first], lines[first + 1]
        if len(in_title_slot) <= 2 * len(in_abstract_slot):
            continue  # two titles of about one length are not a flipped pair
        # A flipped pair: in_title_slot is an abstract, in_abstract_slot the next title.
        if first >= 2:
            between_no, between = lines[first - 1]
            if _closer(between, title=in_abstract_slot, abstract=in_title_slot):
                return _expected_abstract(between_no, between, lines[first - 2][0])
        return _expected_title(number, in_title_slot)
    number, line = lines[-1]
    if len(line) >= ABSTRACT_LENGTH:
        # The odd line out is an abstract at the end: some pair before it holds two titles.
        for first in range(0, len(lines) - 1, 2):
            (title_no, title), (second_no, second) = lines[first], lines[first + 1]
            if _closer(second, title=title, abstract=line):
                return _expected_abstract(second_no, second, title_no)
        return _expected_title(number, line)
    return (f"{number}: a title without an abstract ({line[:60]!r}); "
            "each paper needs a title line then one abstract line")


def _expected_title(number: int, line: str) -> str:
    return (f"{number}: expected a title, found what looks like an abstract ({_snippet(line)}); "
            f"{_PAIRING} — is a title or an abstract missing just above?")


def _expected_abstract(number: int, line: str, title_number: int) -> str:
    return (f"{number}: expected an abstract, found what looks like a title ({_snippet(line)}); "
            f"{_PAIRING} — is the abstract of the title on line {title_number} missing?")


def _closer(line: str, *, title: str, abstract: str) -> bool:
    """Is line closer in length to title than to abstract (on a log scale: ratios count)?"""
    size = math.log(len(line) + 1)
    return abs(size - math.log(len(title) + 1)) < abs(size - math.log(len(abstract) + 1))


def _snippet(line: str, length: int = 60) -> str:
    return repr(line if len(line) <= length else line[:length].rstrip() + "…")
