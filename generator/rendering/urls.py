"""Links between the site's pages, and absolute URLs for feeds, data and citations."""

from __future__ import annotations


def relative_href(from_url: str, to_url: str) -> str:
    """A link from the page at from_url (a directory URL like "papers/x/", or "" for
    home) to to_url (a directory URL, or a file like "themes/y/feed.xml").

    Plain string work: posixpath.relpath asks the OS for the current folder on
    every call, and a build makes tens of links per page.
    """
    path, _, fragment = to_url.partition("#")
    here = from_url.split("/")[:-1]  # "papers/x/" -> ["papers", "x"]; "" -> []
    there = path.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    rel = "../" * (len(here) - common) + "/".join(there[common:])
    return (rel or "./") + (f"#{fragment}" if fragment else "")


def absolute_url(site_url: str, path: str) -> str:
    """A site-relative path under site_url, keeping any sub-path of site_url
    ("https://x.org/digest/" + "papers/a/"); "" when site_url is not set."""
    base = site_url.strip()
    return base.rstrip("/") + "/" + path.lstrip("/") if base else ""
