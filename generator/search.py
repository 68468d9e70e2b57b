"""Search: a Pagefind index of the site, built beside MkDocs' own work (IndexJob).

Pagefind (a Rust tool) splits its index by word into chunks and keeps each page's text
in a fragment of its own, so a reader's browser downloads the chunks for the words
typed and the fragments of the results shown, not the whole index at once.

- the digest's pages are one small document each, made from the site plan: the title
  and the plain text the plan gives for search (a paper's abstract); no rendered page
  is read again;
- the curator's own pages (any other page in the content folder) are indexed from
  their Markdown converted with the site's extensions (generator/plugin.py), in the
  element Material puts a page's content in: not its header, navigation and footer.

Pagefind runs as its command-line tool over a temporary folder of those documents.
Its Python API (a long-running service) was tried first and left: its reader waits
0.1 s for each answer, one answer per page (1,000 s for 10,000 papers), and a service
that is stopped can leave the last files it wrote empty; the command finishes writing
before it exits.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError
from .pipeline import SitePlan

SEARCH_DIR = "pagefind"  # the bundle's folder in the site
ARTICLE = "article.md-content__inner"  # Material's element for a page's own content


@dataclass(frozen=True)
class SearchRecord:
    url: str  # site-relative, like "papers/some-slug/"
    title: str  # plain text
    text: str  # plain text, like a paper's abstract


def search_records(plan: SitePlan) -> list[SearchRecord]:
    """One record per planned page, in a fixed order."""
    return [SearchRecord(url=page.url, title=page.title, text=page.search_text)
            for _, page in sorted(plan.pages.items())]


def record_document(record: SearchRecord, language: str) -> str:
    """The page Pagefind reads for a record. Pagefind takes the first heading as the
    title, searches it (and ranks a match there first) and shows it above the excerpt;
    data-pagefind-ignore keeps it out of the text the excerpt is cut from."""
    return (f'<!DOCTYPE html><html lang="{html.escape(language)}"><head><meta charset="utf-8"></head><body>'
            f'<article class="md-content__inner"><h1 data-pagefind-ignore>{html.escape(record.title)}</h1>'
            f"<p>{html.escape(_shown_as_written(record.text))}</p></article></body></html>")


def _shown_as_written(text: str) -> str:
    """The text, whitespace collapsed, for Pagefind's excerpts. Pagefind's script escapes
    `<` and `>` of a text before it marks the words found in it, but not `&`, so a word
    like `&lt;b&gt;` or `&copy` would show as characters. Such words get their `&`
    escaped; a word the browser shows as written (`R&D`) is kept, and found."""
    return " ".join(word.replace("&", "&amp;") if "&" in word and html.unescape(word) != word else word
                    for word in text.split())


class IndexJob:
    """Pagefind running over the documents of a site, started as soon as they are
    known, so that it works while MkDocs writes the pages; `finish` waits for it."""

    def __init__(self, records: Sequence[SearchRecord], html_pages: Sequence[tuple[str, str]],
                 language: str) -> None:
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is None:
            raise BuildError("search: Pagefind's program is missing; reinstall research-digest "
                             "(it depends on pagefind[bin])")
        self._work = Path(tempfile.mkdtemp(prefix="digest-search-"))
        source, self._output = self._work / "pages", self._work / "index"
        documents = [(r.url, record_document(r, language)) for r in records] + list(html_pages)
        for url, document in documents:
            path = Path(source, url, "index.html")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(document, encoding="utf-8")
        self._process = subprocess.Popen(
            [str(binary), "--site", str(source), "--output-path", str(self._output), "--root-selector", ARTICLE,
             "--force-language", language, "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def finish(self, folder: Path) -> None:
        """Wait for Pagefind, then put the index at `folder`."""
        try:
            self.wait()
            self.install(folder)
        finally:
            self.cancel()

    def wait(self) -> None:
        output, _ = self._process.communicate()
        if self._process.returncode != 0:
            raise BuildError(f"search: Pagefind failed:\n{output}")

    def install(self, folder: Path) -> None:
        """Put the finished index at `folder`, replacing what was there."""
        shutil.rmtree(folder, ignore_errors=True)
        shutil.move(str(self._output), folder)

    def cancel(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self._work, ignore_errors=True)


def write_index(folder: Path, records: Sequence[SearchRecord], html_pages: Sequence[tuple[str, str]],
                language: str) -> None:
    """Write a fresh index into `folder`. `html_pages` are (url, HTML) pairs."""
    IndexJob(records, html_pages, language).finish(folder)
