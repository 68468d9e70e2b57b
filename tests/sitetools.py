"""Reading a built site the way a browser would: pages, links, anchors, the search index."""

from __future__ import annotations

import gzip
import json
import posixpath
import re
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup


class BuiltSite:
    def __init__(self, root: Path, content_dir: Path | None = None) -> None:
        self.root = root
        self.content_dir = content_dir

    @cached_property
    def pages(self) -> dict[str, Path]:
        """Site-relative directory URL ("papers/x/", "" for home) -> its index.html."""
        found = {}
        for path in sorted(self.root.rglob("*.html")):
            rel = path.relative_to(self.root).as_posix()
            if rel.endswith("index.html"):
                found[rel[: -len("index.html")]] = path
            else:
                found[rel] = path
        return found

    def soup(self, url: str) -> BeautifulSoup:
        return self._soups(url)

    def _soups(self, url: str) -> BeautifulSoup:
        cache = self.__dict__.setdefault("_soup_cache", {})
        if url not in cache:
            cache[url] = BeautifulSoup(self.pages[url].read_text(encoding="utf-8"), "html.parser")
        return cache[url]

    def article(self, url: str) -> BeautifulSoup:
        """The page's own content, without Material's header, nav and footer."""
        article = self.soup(url).select_one("article.md-content__inner")
        assert article is not None, f"{url} has no article"
        return article

    def urls_under(self, prefix: str) -> list[str]:
        return [u for u in self.pages if u.startswith(prefix) and u != prefix and u.count("/") == prefix.count("/") + 1]

    def resolve(self, page_url: str, href: str) -> tuple[str, str] | None:
        """(target path relative to the site root, fragment) for an internal href; None if external."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:", "data:")):
            return None
        path = unquote(parts.path)
        if path.startswith("/"):  # root-relative, as on 404.html (site_url's path is "/" in tests)
            page_url, path = "", "." + path
        if not path:
            target = page_url
        else:
            base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
            target = posixpath.normpath(posixpath.join(base, path))
            if target == ".":
                target = ""
            elif path.endswith("/") and not target.endswith("/"):
                target += "/"
        return target, parts.fragment

    def file_for(self, target: str) -> Path | None:
        candidate = self.root / target
        if target == "" or target.endswith("/"):
            candidate = candidate / "index.html"
        elif candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def internal_links(self, url: str, *, article_only: bool = False) -> list[str]:
        """Site-relative targets of the page's <a href> links that stay on the site."""
        scope = self.article(url) if article_only else self.soup(url)
        targets = []
        for a in scope.find_all("a", href=True):
            resolved = self.resolve(url, a["href"])
            if resolved is not None:
                targets.append(resolved[0])
        return targets

    def ids(self, url: str) -> set[str]:
        return {tag["id"] for tag in self.soup(url).find_all(id=True)}

    def search_bundles(self) -> list[Path]:
        """The site's Pagefind bundles: the first, and the older papers' if there are some."""
        return [path for path in [self.root / "pagefind", *sorted(self.root.glob("pagefind-archive*"))]
                if path.is_dir()]

    def search_pages(self, bundle: str | None = None) -> list[dict[str, Any]]:
        """The pages in the site's Pagefind bundles (or in the one named), as its script
        reads them: one fragment per page (gzip, a signature, then JSON with url, content
        and meta), by url. Pagefind writes each url from the site's root ("/papers/x/"; its
        script puts it under the folder the site is served from); here they are
        site-relative, like `pages`."""
        pages = []
        for bundle_dir in self.search_bundles() if bundle is None else [self.root / bundle]:
            for path in (bundle_dir / "fragment").glob("*.pf_fragment"):
                data = gzip.decompress(path.read_bytes())
                assert data.startswith(b"pagefind_dcd"), path
                page = json.loads(data[len(b"pagefind_dcd"):])
                assert page["url"].startswith("/"), page["url"]
                pages.append(dict(page, url=page["url"][1:]))
        return sorted(pages, key=lambda page: page["url"])

    def search_page_count(self) -> int:
        """How many pages the bundles say they hold (all languages)."""
        return sum(language["page_count"] for bundle in self.search_bundles()
                   for language in json.loads((bundle / "pagefind-entry.json").read_text(
                       encoding="utf-8"))["languages"].values())


def as_indexed(text: str) -> str:
    """A plain text as Pagefind keeps it for a page: whitespace collapsed, zero-width spaces
    dropped (it splits words at them), and a full stop after a text that ends in a word."""
    text = " ".join(text.replace("\u200b", "").split())
    return text + "." if re.search(r"[\w'\")$*]$", text) else text
