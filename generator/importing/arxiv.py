"""arXiv: API responses (Atom) and announcement feeds (RSS 2.0 and Atom).

- API (https://info.arxiv.org/help/api/user-manual.html): one Atom <entry> per
  paper version, its <id> the abs URL with a version; arXiv-only metadata lives
  in the arxiv namespace (primary_category, comment, journal_ref, doi). A failed
  query still answers with a feed: one entry whose id is under /api/errors.
- Announcement feeds (https://info.arxiv.org/help/rss_specifications.html):
  items with guid/id `oai:arXiv.org:<id>v<N>`, a description starting with
  "arXiv:<id>v<N> Announce Type: new \\nAbstract: ...", authors as ONE
  comma-separated dc:creator, and arxiv:DOI / arxiv:journal_reference.

Only the standard library parses: a DOCTYPE is refused up front, since arXiv never
sends one and it is what entity-expansion attacks need.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..errors import ImportError_
from ..identifiers import bare_arxiv_id
from ..model import Link
from .links import extract_links
from .records import ImportedPaper

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
DC = "http://purl.org/dc/elements/1.1/"

# An arXiv category (cs.LG, hep-th, cond-mat.stat-mech); the API also lists ACM (I.2.6) and
# MSC (68T05) classes as <category>, which are not arXiv categories.
_CATEGORY = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?$")
# The head of an announcement's description: "arXiv:2401.01234v1 Announce Type: new \nAbstract: ".
_ANNOUNCE_HEAD = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*\S+\s*(?:Abstract:\s*)?", re.IGNORECASE)
_ERROR_ID = re.compile(r"^https?://(?:export\.)?arxiv\.org/api/errors", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DOI_HOSTS = ("doi.org", "dx.doi.org")


def split_arxiv_id(raw: str) -> str | None:
    """The arXiv id without version from an id, abs/pdf URL or oai identifier, else None:
    "http://arxiv.org/abs/2401.01234v2" -> "2401.01234", "oai:arXiv.org:hep-th/9901001v2" ->
    "hep-th/9901001"."""
    text = raw.strip()
    text = re.sub(r"^oai:arxiv\.org:", "", text, flags=re.IGNORECASE)
    parts = urlsplit(text)
    if parts.scheme in ("http", "https"):
        text = re.sub(r"^/(?:abs|pdf)/", "", parts.path).removesuffix(".pdf")
    return bare_arxiv_id(text)


def paper_links(arxiv_id: str | None, texts: Iterable[str], extra: Iterable[Link] = ()) -> tuple[Link, ...]:
    """arXiv abs and pdf first, then `extra`, then links found in `texts`. Links to arXiv in the
    text are other papers (citations), and DOI links belong in the doi field: both are dropped."""
    links: list[Link] = []
    if arxiv_id:
        links += [Link("arxiv", f"https://arxiv.org/abs/{arxiv_id}"), Link("pdf", f"https://arxiv.org/pdf/{arxiv_id}")]
    links += list(extra)
    for text in texts:
        for link in extract_links(text):
            host = (urlsplit(link.url).hostname or "").removeprefix("www.")
            if link.kind in ("arxiv", "pdf") or host in _DOI_HOSTS:
                continue
            links.append(link)
    seen: set[str] = set()
    unique = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            unique.append(link)
    return tuple(unique)


def collapse(text: str | None) -> str:
    """arXiv hard-wraps titles and abstracts: one line, single spaces."""
    return " ".join((text or "").split())


def parse_arxiv(text: str, source: str) -> list[ImportedPaper]:
    """Papers from an arXiv API response or announcement feed (RSS 2.0 or Atom), in input order.

    Every version an API response lists becomes a record (2312.09876v1 and v3 give two records
    with the same id); merging keeps one."""
    root = _parse_xml(text, source)
    if root.tag == f"{{{ATOM}}}feed":
        return [_atom_entry(entry, number, source)
                for number, entry in enumerate(root.findall(f"{{{ATOM}}}entry"), start=1)]
    if root.tag == "rss":
        channel = root.find("channel")
        items = channel.findall("item") if channel is not None else []
        return [_rss_item(item, number, source) for number, item in enumerate(items, start=1)]
    raise ImportError_(f"{source}:1: the root element is <{_local(root.tag)}>, not an Atom <feed> or RSS <rss>; "
                       "expected an arXiv API response or announcement feed")


# --------------------------------------------------------------------------- XML


def _parse_xml(text: str, source: str) -> ET.Element:
    text = text.removeprefix("\ufeff")
    stripped = text.strip()
    if not stripped:
        raise ImportError_(f"{source}: the file is empty; expected an arXiv API response or announcement feed")
    if stripped.startswith("Rate exceeded"):  # arXiv's throttling answer is plain text, not a feed
        raise ImportError_(f"{source}: arXiv answered 'Rate exceeded.' instead of a feed; "
                           "wait a few minutes and fetch again")
    doctype = _DOCTYPE.search(text)
    if doctype:
        line = text.count("\n", 0, doctype.start()) + 1
        raise ImportError_(f"{source}:{line}: the document declares a DOCTYPE or entity, which arXiv never "
                           "sends; refusing it (entities can expand without bound); use the file arXiv returned")
    try:
        return ET.fromstring(text)
    except ET.ParseError as error:
        line, column = error.position
        reason = str(error).split(": line ")[0]
        raise ImportError_(f"{source}:{line}: malformed XML at line {line}, column {column + 1}: {reason}; "
                           "expected an arXiv API response or announcement feed as downloaded") from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text(parent: ET.Element, *tags: str) -> str | None:
    """Collapsed text of the first child with one of these tags that has any, else None."""
    for tag in tags:
        for child in parent.findall(tag):
            value = collapse(child.text)
            if value:
                return value
    return None


def _arxiv(name: str) -> str:
    return f"{{{ARXIV}}}{name}"


def _categories(terms: Iterable[str | None]) -> tuple[str, ...]:
    """arXiv categories in the given order (primary first), without duplicates or ACM/MSC classes."""
    out: list[str] = []
    for term in terms:
        term = (term or "").strip()
        if _CATEGORY.match(term) and term not in out:
            out.append(term)
    return tuple(out)


def _date(value: str | None, what: str, source: str, number: int) -> dt.date | None:
    """The calendar date as written: "2024-01-02T18:59:59-05:00" -> 2024-01-02 (no zone shift)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ImportError_(f"{source}: entry {number}: <{what}> {value!r} is not an ISO date like "
                           "2024-01-02T18:59:59Z; the file may be damaged, fetch it again") from None


def _rfc822_date(value: str | None, source: str, number: int) -> dt.date | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError):
        raise ImportError_(f"{source}: item {number}: <pubDate> {value!r} is not an RFC 822 date like "
                           "'Fri, 23 Feb 2024 00:00:00 -0500'; the file may be damaged, fetch it again") from None


def _required_id(raw: str | None, source: str, number: int, what: str) -> str:
    arxiv_id = split_arxiv_id(raw or "")
    if arxiv_id is None:
        raise ImportError_(f"{source}: {what} {number}: {raw!r} is not an arXiv id or abs URL "
                           "(like http://arxiv.org/abs/2401.01234v2 or oai:arXiv.org:2401.01234v1)")
    return arxiv_id


def _authors_from_creators(parent: ET.Element) -> tuple[str, ...]:
    # Feeds put every author in one comma-separated dc:creator.
    names: list[str] = []
    for creator in parent.findall(f"{{{DC}}}creator"):
        names += [collapse(name) for name in (creator.text or "").split(",") if collapse(name)]
    return tuple(names)


# --------------------------------------------------------------------------- entries


def _atom_entry(entry: ET.Element, number: int, source: str) -> ImportedPaper:
    raw_id = _text(entry, f"{{{ATOM}}}id") or ""
    if _ERROR_ID.match(raw_id):
        message = _text(entry, f"{{{ATOM}}}summary") or raw_id
        raise ImportError_(f"{source}: arXiv returned an error: {message}; check the query")
    if raw_id.lower().startswith("oai:"):
        return _announcement(entry, number, source, atom=True)

    arxiv_id = _required_id(raw_id, source, number, "entry")
    title = _text(entry, f"{{{ATOM}}}title")
    if not title:
        raise ImportError_(f"{source}: entry {number} ({arxiv_id}) has no <title>; the file may be damaged")
    abstract = _text(entry, f"{{{ATOM}}}summary") or ""
    primary = entry.find(_arxiv("primary_category"))
    terms = [primary.get("term") if primary is not None else None]
    terms += [c.get("term") for c in entry.findall(f"{{{ATOM}}}category")]
    doi = _text(entry, _arxiv("doi"))
    if doi is None:  # the API also gives the DOI as a link titled "doi"
        for link in entry.findall(f"{{{ATOM}}}link"):
            if link.get("title") == "doi" and "doi.org/" in link.get("href", ""):
                doi = link.get("href", "").split("doi.org/", 1)[1] or None
    # Authors often put code and project links in the comment ("Code: https://github.com/...").
    comment = _text(entry, _arxiv("comment")) or ""
    return ImportedPaper(
        title=title,
        abstract=abstract,
        id=arxiv_id,
        authors=tuple(name for a in entry.findall(f"{{{ATOM}}}author")
                      if (name := _text(a, f"{{{ATOM}}}name"))),
        links=paper_links(arxiv_id, [abstract, comment]),
        line=number,
        published=_date(_text(entry, f"{{{ATOM}}}published"), "published", source, number),
        arxiv=arxiv_id,
        doi=doi,
        categories=_categories(terms),
        journal_ref=_text(entry, _arxiv("journal_ref")),
    )


def _announcement(entry: ET.Element, number: int, source: str, *, atom: bool) -> ImportedPaper:
    """One paper of an announcement feed: an Atom <entry> or an RSS <item>."""
    ns = f"{{{ATOM}}}" if atom else ""
    what = "entry" if atom else "item"
    # The oai identifier carries the version; the abs link is the fallback.
    raw_id = _text(entry, f"{ns}id" if atom else "guid") or ""
    if not split_arxiv_id(raw_id):
        link = entry.find(f"{ns}link")
        if link is not None:
            raw_id = link.get("href", "") if atom else collapse(link.text) or raw_id
    arxiv_id = _required_id(raw_id, source, number, what)
    title = _text(entry, f"{ns}title")
    if not title:
        raise ImportError_(f"{source}: {what} {number} ({arxiv_id}) has no <title>; the file may be damaged")
    abstract = _ANNOUNCE_HEAD.sub("", collapse(_text(entry, f"{ns}summary", "description")))
    if atom:
        terms = [c.get("term") for c in entry.findall(f"{ns}category")]
        published = _date(_text(entry, f"{ns}published"), "published", source, number)
        authors = tuple(name for a in entry.findall(f"{ns}author") if (name := _text(a, f"{ns}name")))
    else:
        terms = [c.text for c in entry.findall("category")]
        published = _rfc822_date(_text(entry, "pubDate"), source, number)
        authors = ()
    return ImportedPaper(
        title=title,
        abstract=abstract,
        id=arxiv_id,
        authors=authors or _authors_from_creators(entry),
        links=paper_links(arxiv_id, [abstract]),
        line=number,
        published=published,
        arxiv=arxiv_id,
        # The feeds spell these arxiv:DOI and arxiv:journal_reference; accept the API's names too.
        doi=_text(entry, _arxiv("DOI"), _arxiv("doi")),
        categories=_categories(terms),
        journal_ref=_text(entry, _arxiv("journal_reference"), _arxiv("journal_ref")),
    )


def _rss_item(item: ET.Element, number: int, source: str) -> ImportedPaper:
    return _announcement(item, number, source, atom=False)


__all__ = ["parse_arxiv", "split_arxiv_id", "paper_links", "collapse"]
