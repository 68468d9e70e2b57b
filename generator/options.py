"""The site's options: one declaration, from which come the plugin's options in
mkdocs.yml (generator.engine.plugin), their defaults, README's list of them
(tests/test_options.py compares), and the SiteOptions every stage reads.

Each field made with `option(default, doc)` is a plugin option, under its own name:

    plugins:
      - digest:
          paper_url: papers/{slug}/

The fields without a doc come from mkdocs.yml's own settings (site_name, site_url),
from where mkdocs.yml is (config_dir), or from the content folder (home_text).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def option(default: Any, doc: str) -> Any:
    """A plugin option: its default, and a line of README saying what it is."""
    return dataclasses.field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class SiteOptions:
    site_name: str = "Research digest"  # mkdocs.yml's site_name
    site_url: str = ""  # mkdocs.yml's site_url; feeds need it
    config_dir: Path | None = None  # mkdocs.yml's folder: templates_dir is relative to it
    home_text: str = ""  # the curator's own content/index.md, as HTML: the home page's text

    intro: str = option("", "the feeds' description; the home page's text without content/index.md")
    # URL formats; {slug} is the paper's, theme's or author's slug
    home_url: str = option("", "the home page")
    themes_url: str = option("themes/", "the themes index")
    theme_url: str = option("themes/{slug}/", "a theme's page")
    paper_url: str = option("papers/{slug}/", "a paper's page")
    archive_url: str = option("archive/", "the archive by date")
    author_url: str = option("authors/{slug}/", "an author's page")
    authors_url: str = option("authors/", "the authors index")
    theme_bib: str = option("themes/{slug}/papers.bib", "a theme's papers as BibTeX")
    # Feed paths
    feed_rss: str = option("feed.xml", "the digest's feeds")
    feed_atom: str = option("atom.xml", "")
    theme_feed_rss: str = option("themes/{slug}/feed.xml", "a theme's feeds")
    theme_feed_atom: str = option("themes/{slug}/atom.xml", "")
    author_feed_rss: str = option("authors/{slug}/feed.xml", "an author's feeds")
    author_feed_atom: str = option("authors/{slug}/atom.xml", "")
    opml: str = option("feeds.opml", "every feed, to subscribe to all at once")
    # Daily editions: the papers added on one day; {date} is YYYY-MM-DD
    editions_url: str = option("editions/", "the editions index")
    edition_url: str = option("editions/{date}/", "a day's edition")
    editions_rss: str = option("editions.xml", "the feed of editions, an item a day")
    editions_atom: str = option("editions-atom.xml", "")
    theme_editions_rss: str = option("themes/{slug}/editions.xml", "a theme's editions")
    theme_editions_atom: str = option("themes/{slug}/editions-atom.xml", "")
    # Editions by email (digest email): the server and its password come from the environment
    email_from: str = option("", 'the sender, like "Digest <digest@example.org>"')
    email_subscribers: str = option("subscribers.yml", "who gets the editions, relative to mkdocs.yml")
    email_ledger: str = option("email-ledger.jsonl", "what was delivered, relative to mkdocs.yml")
    email_unsubscribe: str = option("", 'a mailto: or https: address; "" = mailto: the sender')
    feed_items: int = option(50, "items per feed, in whole days: the newest day always in full")
    feed_id_authority: str = option("", 'the domain in item ids (tag:...); "" = the host of site_url')
    # Sizes
    latest: int = option(10, 'papers under "Latest additions" on the home page')
    related: int = option(5, "related papers per paper page")
    search_bundle: int = option(10_000, "older papers per search bundle (Pagefind's memory grows faster than that)")
    templates_dir: str = option("templates", "the site's own templates, relative to mkdocs.yml")
    stamp_pages: bool = option(True, "stamp paper, theme, author and edition pages from one render")

    def site_templates(self) -> Path | None:
        """The folder of the site's own templates, if the site is known."""
        return self.config_dir / self.templates_dir if self.config_dir is not None else None


def plugin_options() -> list[dataclasses.Field[Any]]:
    """The fields of SiteOptions that are plugin options, in README's order."""
    return [f for f in dataclasses.fields(SiteOptions) if "doc" in f.metadata]


# Options that must name one page or file per slug, and URLs that must be directory URLs.
SLUG_FORMATS = ("paper_url", "theme_url", "author_url", "theme_bib", "theme_feed_rss", "theme_feed_atom",
                "author_feed_rss", "author_feed_atom", "theme_editions_rss", "theme_editions_atom")


def readme_block() -> str:
    """The options as README lists them: mkdocs.yml's plugin section, every option at
    its default, with its doc as a comment (options without a doc share the line above's)."""
    lines = ["plugins:", "  - digest:"]
    for f in plugin_options():
        value = f"{f.default!r}".replace("'", '"') if f.default == "" else str(f.default)
        value = value.lower() if isinstance(f.default, bool) else value  # YAML's spelling
        line = f"      {f.name}: {value}"
        doc = f.metadata["doc"]
        lines.append(f"{line:<46} # {doc}" if doc else line)
    return "\n".join(lines) + "\n"
