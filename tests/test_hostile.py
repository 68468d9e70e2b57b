"""Broken and hostile input: listings that do not pair up, titles that aim at paths, an import
that fails midway, and hostile text built into a real site, where nothing may become markup.

Listings and paths: a listing with any line ends, a byte-order mark and stray blank
lines imports as if it were clean; one that does not pair up names the line where
pairing broke; no title can make the import write outside content/papers/; an import
that fails midway leaves content/ as it was.

The site:

tests/hostile/content holds titles, abstracts, authors and theme names made of
HTML, Markdown, Jinja, YAML-looking lines, control, zero-width and right-to-left
characters, math, entities and BibTeX-breaking braces. Two sites are built with
real MkDocs:

- the hostile one;
- a control, the same corpus with every character that means something in HTML,
  Markdown, Jinja or BibTeX swapped for a lookalike that means nothing anywhere
  (`<` -> `‹`, `{` -> `⦃`, ...). The swaps keep every word, so themes, related
  papers and slugs come out the same.

Every page, feed and index must have the same structure in both, element for
element and attribute for attribute: content cannot add an element, an attribute,
a link or a script. Then the literal text is checked: each title reads in its
page's <h1>, feed items and JSON exactly as written, with only the control
characters no page or feed can hold dropped (generator.text.printable).
"""

from __future__ import annotations

import copy
import errno
import html
import json
import os
import re
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag
from unidecode import unidecode

from generator.cli import main
from generator.content import check_content, load_digest
from generator.content.files import split_front_matter
from generator.content.writing import create_files, paper_path
from generator.errors import ImportError_
from generator.importing.links import extract_links
from generator.importing.listing import parse_listing
from generator.slugs import is_valid_slug
from tests.conftest import HOSTILE_CORPUS, MKDOCS_YML, mkdocs_build, paper_file
from tests.sitetools import BuiltSite, as_indexed

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

CORPUS = HOSTILE_CORPUS
SITE_URL = "https://digest.example.org/"

# Markup characters and lookalikes that are no markup anywhere. None is a word character
# (so words, and with them themes and related papers, stay the same) and each
# transliterates to punctuation as its original does (so author slugs stay the same).
LOOKALIKES = {
    "<": "‹", ">": "›", "&": "﹠", '"': "“", "'": "‘", "{": "⦃", "}": "⦄", "[": "⁅", "]": "⁆",
    "(": "⁽", ")": "⁾", "!": "¡", "#": "♯", "|": "¦", "*": "⁎", "`": "‵", "$": "¤", "%": "٪",
    "=": "゠", "\\": "﹨", "@": "﹫",
}
_NEUTRAL = str.maketrans(LOOKALIKES)

# Attributes whose value is text for people (a title, a label), not structure.
# ("term": an Atom category's value, the theme's title, as in RSS.)
TEXT_ATTRIBUTES = {"title", "aria-label", "alt", "content", "value", "placeholder", "label", "term"}
# Elements that content must never add, whatever the control site holds.
FORBIDDEN = {"textarea", "iframe", "object", "embed", "base", "style", "frame", "applet"}


def neutral(text: str) -> str:
    text = re.sub(r"-{3,}", lambda m: "‒" * len(m.group()), text.translate(_NEUTRAL))
    return re.sub(r"^[ \t]+", "", text, flags=re.M)  # no indented code blocks either


def shown(text: str) -> str:
    """What the site shows of a title: control characters (Unicode category Cc) dropped,
    or a space where they are whitespace; then spaces collapsed."""
    kept = "".join(" " if c.isspace() else c for c in text
                   if c.isspace() or unicodedata.category(c) != "Cc")
    return " ".join(kept.split())


def papers_of(content: Path) -> dict[str, tuple[dict[str, Any], str]]:
    """slug -> (front matter, body) of every paper file."""
    found = {}
    for path in sorted((content / "papers").glob("*.md")):
        parts = split_front_matter(path.read_text(encoding="utf-8"))
        assert parts is not None, path
        found[path.stem] = (yaml.safe_load(parts[0]), parts[1])
    return found


def make_control(target: Path) -> None:
    """The corpus with every markup character swapped for its lookalike."""
    (target / "papers").mkdir(parents=True)
    for slug, (meta, body) in papers_of(CORPUS).items():
        for key in ("title", "source"):
            if key in meta:
                meta[key] = neutral(meta[key])
        meta["authors"] = [neutral(a) for a in meta.get("authors", [])]
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
        (target / "papers" / f"{slug}.md").write_text(f"---\n{front}---\n{neutral(body)}", encoding="utf-8")
    taxonomy = yaml.safe_load((CORPUS / "themes.yml").read_text(encoding="utf-8"))
    for theme in taxonomy["themes"]:
        theme["title"], theme["description"] = neutral(theme["title"]), neutral(theme["description"])
    (target / "themes.yml").write_text(yaml.safe_dump(taxonomy, sort_keys=False, allow_unicode=True),
                                       encoding="utf-8")


def build_control(root: Path) -> BuiltSite:
    """The control site, built as conftest's `hostile` is."""
    project = root / "project"
    project.mkdir()
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    make_control(project / "content")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return BuiltSite(project / "site", project / "content")


@pytest.fixture(scope="module")
def control(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_control(tmp_path_factory.mktemp("control"))


CORPUS_PAPERS = papers_of(CORPUS)
TITLES = {slug: shown(meta["title"]) for slug, (meta, _) in CORPUS_PAPERS.items()}


def files(site: BuiltSite, pattern: str) -> list[str]:
    """The site's own files: not its assets, nor the search index (whose files are named
    by a hash of what they hold; test_search_index_holds_text_as_written reads it)."""
    return sorted(p.relative_to(site.root).as_posix() for p in site.root.rglob(pattern)
                  if not p.relative_to(site.root).as_posix().startswith(("assets/", "pagefind/")))


def is_math_markup(tag: Any) -> bool:
    """Our own markup for math ($...$ in the corpus, ¤...¤ in the control): the span that
    hands TeX to the renderer, and the renderer's scripts, served from the site."""
    if tag.name == "span" and "arithmatex" in tag.get("class", []):
        return True
    return tag.name == "script" and any(tag.get("src", "").endswith(name)
                                        for name in ("assets/digest-math.js", "assets/mathjax/tex-svg.js"))


def html_skeleton(markup: str) -> list[tuple[str, tuple[tuple[str, str], ...], str]]:
    """Every element in order: (name, attributes, script text); text attributes by name only."""
    soup = BeautifulSoup(markup, "html.parser")
    skeleton = []
    for tag in soup.find_all(True):
        if is_math_markup(tag):
            continue
        attributes = tuple(sorted(
            (name, "…" if name in TEXT_ATTRIBUTES else " ".join(value) if isinstance(value, list) else value)
            for name, value in tag.attrs.items()))
        skeleton.append((tag.name, attributes, tag.get_text() if tag.name == "script" else ""))
    return skeleton


def xml_skeleton(data: bytes) -> list[Any]:
    """Every XML element (and the HTML inside `type="html"` text) by name and attributes."""
    root = ET.fromstring(data)
    # An RSS item's <description> is escaped HTML, like an Atom summary of type="html".
    html_texts = {id(d) for item in root.iter("item") for d in item.findall("description")}
    skeleton: list[Any] = []
    for element in root.iter():
        attributes = tuple(sorted((k, "…" if k in TEXT_ATTRIBUTES | {"text"} else v)
                                  for k, v in element.attrib.items()))
        skeleton.append((element.tag, attributes))
        if element.get("type") == "html" or id(element) in html_texts:
            skeleton.append(html_skeleton(element.text or ""))
    return skeleton


# --------------------------------------------------------------------------- listings


ABSTRACT = ("We study how graph networks learn on molecules. Our method improves on strong baselines by a wide "
            "margin across five benchmarks, and we release the code. ") * 3
PAIRING = "each paper is a title line then one abstract line"


def listing(*lines: str) -> str:
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [
    "First paper\r\nThe first abstract.\r\nSecond paper\r\nThe second abstract.\r\n",
    "\ufeffFirst paper\nThe first abstract.\nSecond paper\nThe second abstract.\n",
    "First paper\rThe first abstract.\rSecond paper\rThe second abstract.",
    "\n\nFirst paper\n\n\nThe first abstract.\n  \t\nSecond paper\nThe second abstract.\n\n\n\n",
    "\ufeffFirst paper\r\n\r\nThe first abstract.\r\n\r\nSecond paper\nThe second abstract.\r\n\r\n",
], ids=["crlf", "bom", "cr", "blank-lines", "all-at-once"])
def test_line_ends_a_bom_and_blank_lines_change_nothing(text: str) -> None:
    papers = parse_listing(text, "x.txt")
    assert [(p.title, p.abstract) for p in papers] == [("First paper", "The first abstract."),
                                                       ("Second paper", "The second abstract.")]


def test_only_line_ends_end_a_line() -> None:
    """A form feed or a Unicode line separator scraped into an abstract must not shift every later pair."""
    text = listing("First paper", "One\x0ctwo\u2028three\x85four.", "Second paper", "Two.")
    assert [p.abstract for p in parse_listing(text, "x.txt")] == ["One\x0ctwo\u2028three\x85four.", "Two."]


@pytest.mark.parametrize(("lines", "message"), [
    (["Title one", ABSTRACT, "Title two", ABSTRACT, ABSTRACT, "Title four", ABSTRACT],
     f"x.txt:5: expected a title, found what looks like an abstract ({ABSTRACT[:60].rstrip() + '…'!r}); "
     f"{PAIRING} — is a title or an abstract missing just above?"),
    (["Title one", ABSTRACT, "Title two", "Title three", ABSTRACT, "Title four", ABSTRACT],
     f"x.txt:4: expected an abstract, found what looks like a title ('Title three'); {PAIRING} — is the "
     "abstract of the title on line 3 missing?"),
    (["Title one", ABSTRACT, "Title two", ABSTRACT, "Title three", "Title four", ABSTRACT],
     f"x.txt:6: expected an abstract, found what looks like a title ('Title four'); {PAIRING} — is the "
     "abstract of the title on line 5 missing?"),
    ([ABSTRACT, "Title two", ABSTRACT],
     f"x.txt:1: expected a title, found what looks like an abstract ({ABSTRACT[:60].rstrip() + '…'!r}); "
     f"{PAIRING} — is a title or an abstract missing just above?"),
    (["Title one", ABSTRACT, "Title two", ABSTRACT, ABSTRACT],
     f"x.txt:5: expected a title, found what looks like an abstract ({ABSTRACT[:60].rstrip() + '…'!r}); "
     f"{PAIRING} — is a title or an abstract missing just above?"),
    (["Title one", ABSTRACT, "Dangling title"],
     "x.txt:3: a title without an abstract ('Dangling title'); each paper needs a title line then one "
     "abstract line"),
], ids=["missing-title", "missing-abstract", "missing-abstract-late", "first-title-missing",
        "abstract-at-the-end", "title-at-the-end"])
def test_a_listing_that_does_not_pair_up_names_the_line_where_pairing_broke(lines: list[str],
                                                                            message: str) -> None:
    with pytest.raises(ImportError_) as caught:
        parse_listing(listing(*lines), "x.txt")
    assert str(caught.value) == message


def test_blank_lines_do_not_move_the_line_named() -> None:
    text = "Title one\r\n\r\n" + ABSTRACT + "\r\n\r\nTitle two\r\nTitle three\r\n" + ABSTRACT + "\r\n"
    with pytest.raises(ImportError_) as caught:
        parse_listing(text, "x.txt")
    assert str(caught.value).startswith(
        "x.txt:6: expected an abstract, found what looks like a title ('Title three')")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder inside tmp_path, so a test can watch everything beside it too."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    monkeypatch.chdir(project)
    return project


def run_import(path: Path) -> int:
    return main(["import", "listing", str(path), "--added", "2026-11-26"])


def test_a_listing_that_is_not_utf8_is_refused_naming_the_line(project: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "cp1252.txt"
    path.write_bytes(b"\xef\xbb\xbfFirst\r\nAbstract.\r\n\r\nSecond \x93quoted\x94\r\nAbstract.\r\n")
    assert run_import(path) == 1
    assert capsys.readouterr().err.strip() == (f"error: {path}:4: not UTF-8 (byte 0x93); convert the file to "
                                               "UTF-8 and import again")
    assert not (project / "content").exists()


HOSTILE_TITLES = ["../../etc/passwd", "/abs", "C:\\Windows\\win.ini", "CON", "index", "....", "🎉🎉", "\u200b",
                  "nul.txt", "~/.ssh/id_rsa", "%2e%2e%2fescape", "x" * 500, "Papers", "themes/../../up"]


def everything_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def test_no_title_can_make_the_import_write_outside_content_papers(project: Path) -> None:
    source = project / "listing.txt"
    source.write_text(listing(*[line for title in HOSTILE_TITLES for line in (title, f"About {title!r}.")]),
                      encoding="utf-8")
    before = everything_under(project.parent)
    assert run_import(source) == 0
    created = everything_under(project.parent) - before
    papers = {name for name in created if name.startswith(f"{project.name}/content/papers/")}
    lock = {f"{project.name}/.cache", f"{project.name}/.cache/digest", f"{project.name}/.cache/digest/lock"}
    assert created - papers == {f"{project.name}/content", f"{project.name}/content/papers"} | lock
    names = sorted(Path(name).name for name in papers)
    assert all(name.endswith(".md") and is_valid_slug(name[:-3]) for name in names), names
    assert len(names) == len(HOSTILE_TITLES)
    assert "paper.md" in names and "paper-2.md" in names  # "....", "🎉🎉": no word at all
    assert "paper-con.md" in names and "paper-index.md" in names
    digest = load_digest(project / "content")
    assert sorted(p.title for p in digest.papers) == sorted(HOSTILE_TITLES)
    assert run_import(source) == 0  # and again: nothing new
    assert everything_under(project.parent) - before == created


def test_a_listing_of_hostile_titles_imports_once(project: Path) -> None:
    source = project / "listing.txt"
    titles = ["Zero\u200bwidth title", "Control \x01 title", "Right-to-left \u202etitle"]
    source.write_text(listing(*[line for title in titles for line in (title, "An abstract.")]), encoding="utf-8")
    assert run_import(source) == 0
    first = everything_under(project / "content")
    assert run_import(source) == 0
    assert everything_under(project / "content") == first


def test_an_import_that_fails_midway_leaves_content_as_it_was(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    papers = project / "content" / "papers"
    papers.mkdir(parents=True)
    present = paper_file("Already here", "Kept as it is.", id="already-here")
    (papers / "already-here.md").write_text(present, encoding="utf-8")
    source = project / "listing.txt"
    source.write_text(listing("One", "First.", "Two", "Second.", "Three", "Third.", "Already here", "Again."),
                      encoding="utf-8")
    real_replace = os.replace
    calls = []

    def failing_replace(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    assert run_import(source) == 1
    assert len(calls) == 2
    assert capsys.readouterr().err.strip() == (
        "error: content/papers: cannot write (No space left on device); nothing was imported: fix the cause "
        "and import again")
    assert sorted(p.name for p in papers.iterdir()) == ["already-here.md"]  # no temporary file, no new paper
    assert (papers / "already-here.md").read_text(encoding="utf-8") == present


def test_new_files_never_replace_existing_ones(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("mine")
    with pytest.raises(FileExistsError):
        create_files({tmp_path / "b.md": "new", tmp_path / "a.md": "theirs"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]
    assert (tmp_path / "a.md").read_text() == "mine"


def test_links_in_abstracts_are_web_addresses_only() -> None:
    abstract = ('<a href="javascript:alert(1)">x</a> ![](http://evil/x.png) [x](javascript:alert(1)) '
                'https://ok.example/a\x1b[31m and https://quote.example/"onmouseover="alert(1) and '
                "<https://angle.example/b> and data:text/html,<script>alert(1)</script>")
    assert [link.url for link in extract_links(abstract)] == [
        "https://ok.example/a", "https://quote.example/", "https://angle.example/b"]


def test_a_slug_that_could_leave_the_papers_folder_is_refused(tmp_path: Path) -> None:
    for slug in ("../x", "/abs", "a/b", "index", "con", "", "x" * 100, "A"):
        with pytest.raises(ValueError):
            paper_path(tmp_path, slug)
    assert paper_path(tmp_path, "ok-slug") == tmp_path / "papers" / "ok-slug.md"


# --------------------------------------------------------------------------- the corpus itself


def test_the_corpus_is_valid_content_with_no_warning() -> None:
    digest, problems = check_content(CORPUS)
    assert [str(p) for p in problems] == []
    assert len(digest.papers) == len(CORPUS_PAPERS) == 12
    # The control corpus must differ only in markup characters.
    for original, lookalike in LOOKALIKES.items():
        assert not re.match(r"\w", lookalike)
        ascii_form = unidecode(unicodedata.normalize("NFKC", lookalike))
        assert ascii_form and not any(c.isalnum() for c in ascii_form)
        assert (ascii_form == "'") == (original == "'")  # slugify drops apostrophes only


def test_both_sites_have_the_same_files(hostile: BuiltSite, control: BuiltSite) -> None:
    assert files(hostile, "*") == files(control, "*")


# --------------------------------------------------------------------------- pages


def test_every_page_has_the_structure_of_the_control_site(hostile: BuiltSite, control: BuiltSite) -> None:
    pages = files(hostile, "*.html")
    assert len(pages) > 20
    for page in pages:
        ours = html_skeleton((hostile.root / page).read_text(encoding="utf-8"))
        theirs = html_skeleton((control.root / page).read_text(encoding="utf-8"))
        assert ours == theirs, page


def all_tags(site: BuiltSite) -> Iterator[tuple[str, Tag]]:
    for page in files(site, "*.html"):
        for tag in BeautifulSoup((site.root / page).read_text(encoding="utf-8"), "html.parser").find_all(True):
            yield page, tag


def test_no_script_handler_frame_or_javascript_link_anywhere(hostile: BuiltSite) -> None:
    for page, tag in all_tags(hostile):
        assert tag.name not in FORBIDDEN, (page, str(tag)[:200])
        assert tag.name != "meta" or not tag.get("http-equiv"), (page, str(tag))
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            assert not name.lower().startswith("on"), (page, name, value)
            assert "javascript:" not in re.sub(r"\s", "", value).lower(), (page, name, value)
            assert "alert(" not in value or name in TEXT_ATTRIBUTES, (page, name, value)
        if tag.name == "script":
            src = tag.get("src")
            if src:
                assert re.fullmatch(r"(/|(\.\./)*)(assets/(javascripts/[\w.]+|digest-math|digest-search|mathjax/tex-svg)"
                                    r"|pagefind/pagefind-component-ui)\.js", src), (page, src)
            assert "alert" not in tag.get_text(), page
        if tag.name == "img":
            assert re.fullmatch(r"(/|(\.\./)*)assets/[\w./-]+", tag.get("src", "")), (page, str(tag))


def test_each_title_is_the_literal_text_of_its_page_heading(hostile: BuiltSite) -> None:
    for slug, title in TITLES.items():
        heading = copy.copy(hostile.article(f"papers/{slug}/").find("h1"))  # the soup is shared
        assert heading is not None, slug
        # The only elements a heading may hold are our math spans; as TeX they read as written.
        for span in heading.find_all(True):
            assert is_math_markup(span) and span.find(True) is None, slug
            span.replace_with(f"${span.get_text()[2:-2]}$")
        assert heading.get_text() == title, slug
        assert hostile.soup(f"papers/{slug}/").title.get_text() == f"{title} - Test digest", slug


def test_control_characters_are_dropped_and_everything_printable_is_kept(hostile: BuiltSite) -> None:
    assert TITLES["control-characters"] == "Control characters [31mred[0m DEL and a bell in a title"
    assert TITLES["invisible-and-bidi"] == "Zero\u200bwidth, a BOM\ufeff and a right-to-left \u202eoverride"
    abstract = hostile.article("papers/control-characters/").select_one(".digest-abstract").get_text()
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", abstract)
    assert "[31m red [0m" in abstract


def test_jinja_in_content_is_never_evaluated(hostile: BuiltSite) -> None:
    article = hostile.article("papers/jinja-syntax/")
    assert article.h1.get_text() == "{{ 7*7 }} {{ config }} {% raw %} Jinja in a title"
    text = article.get_text()
    assert "49" not in text
    assert "{{ config.site_name }}" in text and "{# hidden #}" in text and "{% endraw %}" in text
    theme = hostile.article("themes/markup-theme/").h1.get_text()
    assert theme == "\" onmouseover=\"alert(1) {{ 7*7 }} # Markup theme"


def test_markdown_in_content_stays_text(hostile: BuiltSite) -> None:
    article = hostile.article("papers/markdown-structure/")
    assert article.h1.get_text() == TITLES["markdown-structure"]
    abstract = article.select_one(".digest-abstract")
    assert [t.name for t in abstract.find_all(True)] == ["p"] * len(abstract.find_all("p"))
    text = abstract.get_text()
    assert "# A heading in an abstract" in text and "| a | b |" in text and "![](http://evil/x.png)" in text


def test_a_right_to_left_override_in_a_title_cannot_spill_into_the_text_after_it(hostile: BuiltSite) -> None:
    spills = []
    for page in files(hostile, "*.html"):
        article = BeautifulSoup((hostile.root / page).read_text(encoding="utf-8"), "html.parser").select_one(
            "article")
        if article is None:
            continue
        for text in article.find_all(string=lambda s: "\u202e" in s):
            holder = text.parent
            if holder.name in ("h1", "p", "li", "pre", "code", "div") and holder.find(True) is None:
                continue  # alone in its block: the override ends with the block
            chain = [holder]
            while chain[-1] is not article:  # up to the article: <html dir="ltr"> isolates nothing
                chain.append(chain[-1].parent)
            isolated = any(a.name == "bdi" or a.has_attr("dir") for a in chain[:-1])
            if not isolated:
                spills.append((page, holder.name, holder.get("class")))
    assert spills == []


# --------------------------------------------------------------------------- feeds, indexes, data


def feed_files(site: BuiltSite) -> list[str]:
    return [f for f in files(site, "*.xml") if not f.startswith("sitemap")] + files(site, "*.opml")


def test_edition_items_hold_each_title_as_the_text_of_its_link(hostile: BuiltSite) -> None:
    for feed in [f for f in feed_files(hostile) if "editions" in f and f.endswith(".xml")]:
        parsed = feedparser.parse((hostile.root / feed).read_bytes())
        assert parsed.bozo == 0 and parsed.entries, feed
        for entry in parsed.entries:
            summary = BeautifulSoup(entry.summary, "html.parser")
            assert {t.name for t in summary.find_all(True)} <= {"h3", "ul", "li", "a"}, feed
            for link in summary.find_all("a"):
                slug = link["href"].rstrip("/").rsplit("/", 1)[1]
                assert link.get_text() == TITLES[slug], (feed, slug)


def test_feeds_are_valid_xml_with_the_structure_of_the_control_site(hostile: BuiltSite,
                                                                     control: BuiltSite) -> None:
    feeds = feed_files(hostile)
    assert "feed.xml" in feeds and "themes/script-theme/atom.xml" in feeds
    for feed in feeds:
        data = (hostile.root / feed).read_bytes()
        if feed.endswith(".xml"):
            assert feedparser.parse(data).bozo == 0, feed
        assert xml_skeleton(data) == xml_skeleton((control.root / feed).read_bytes()), feed


def test_atom_items_hold_each_title_as_text_and_each_abstract_as_paragraphs(hostile: BuiltSite) -> None:
    for feed in [f for f in feed_files(hostile) if f.endswith("atom.xml") and "editions" not in f]:
        parsed = feedparser.parse((hostile.root / feed).read_bytes())
        assert parsed.bozo == 0, feed
        assert parsed.feed.title_detail.type == "text/plain"
        for entry in parsed.entries:
            slug = entry.link.rstrip("/").rsplit("/", 1)[1]
            assert entry.title_detail.type == "text/plain", (feed, slug)
            assert entry.title == TITLES[slug], (feed, slug)
            summary = BeautifulSoup(entry.summary, "html.parser")
            assert {t.name for t in summary.find_all(True)} <= {"p"}, (feed, slug)


def feed_texts(parsed: Any) -> Iterator[tuple[str, str, str]]:
    """(where, type, value) for the texts a reader shows of a parsed feed."""
    for key in ("title_detail", "subtitle_detail"):
        if key in parsed.feed:
            yield f"feed.{key}", parsed.feed[key].type, parsed.feed[key].value
    for i, entry in enumerate(parsed.entries):
        yield f"entries[{i}].title", entry.title_detail.type, entry.title_detail.value


def test_rss_readers_see_each_title_and_description_as_text(hostile: BuiltSite) -> None:
    wrong = []
    for feed in [f for f in feed_files(hostile) if f.endswith("feed.xml")]:
        for where, kind, value in feed_texts(feedparser.parse((hostile.root / feed).read_bytes())):
            if kind == "text/html" and BeautifulSoup(value, "html.parser").find(True) is not None:
                wrong.append((feed, where, value[:80]))
    assert wrong == []


def test_search_index_holds_text_as_written(hostile: BuiltSite, control: BuiltSite) -> None:
    ours, theirs = hostile.search_pages(), control.search_pages()
    assert [p["url"] for p in ours] == [p["url"] for p in theirs]
    assert hostile.search_page_count() == len(ours)
    pages = {p["url"]: p for p in ours}
    for slug, (_, body) in CORPUS_PAPERS.items():
        page = pages[f"papers/{slug}/"]
        # Plain text: Pagefind's result template escapes the title; its script escapes the
        # excerpt's < and > and adds only <mark>. Words an HTML parser would read as an
        # entity have their & escaped, so that they too show as written.
        assert page["meta"] == {"title": TITLES[slug]}, slug
        words = [w.replace("&", "&amp;") if html.unescape(w) != w else w for w in shown(body).split()]
        assert page["content"] == as_indexed(" ".join(words)), slug
    assert pages["papers/script-tags/"]["meta"]["title"].startswith("<script>alert(1)</script>")
    assert "&amp;lt;script&amp;gt;" in pages["papers/entities/"]["content"]



def test_json_data_holds_each_title_as_written(hostile: BuiltSite) -> None:
    papers = json.loads((hostile.root / "papers.json").read_text(encoding="utf-8"))["papers"]
    assert {p["slug"]: p["title"] for p in papers} == TITLES


def test_sitemap_lists_only_pages_of_the_site(hostile: BuiltSite) -> None:
    root = ET.fromstring((hostile.root / "sitemap.xml").read_bytes())
    locations = [loc.text or "" for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locations
    for location in locations:
        assert location.startswith(SITE_URL)
        assert location[len(SITE_URL):] in hostile.pages, location


def test_bibtex_files_hold_one_entry_per_paper(hostile: BuiltSite) -> None:
    for bib in files(hostile, "*.bib"):
        text = (hostile.root / bib).read_text(encoding="utf-8")
        entries = re.findall(r"^@\w+\{", text, re.M)
        theme = bib.split("/")[1]
        members = hostile.internal_links(f"themes/{theme}/", article_only=True)
        assert len(entries) == len({m for m in members if m.startswith("papers/")}), bib
        depth = 0
        for char in re.sub(r"\\.", "", text):  # escaped characters do not count
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, bib
        assert depth == 0, bib


def test_math_reaches_the_renderer_as_escaped_text(hostile: BuiltSite) -> None:
    article = hostile.article("papers/math/")
    spans = [span.get_text() for span in article.select("span.arithmatex")]
    assert spans[:2] == [r"\(x^2\)", r"\(\alpha < \beta\)"]  # the title
    assert r"\(x^2 < y_1\)" in spans and r"\(a_{ij} & b\)" in spans and r"\[\sum_i a_i\]" in spans
    assert all(not span.find(True) for span in article.select("span.arithmatex"))  # text only
    scripts = [s["src"] for s in hostile.soup("papers/math/").find_all("script", src=True)]
    assert "../../assets/mathjax/tex-svg.js" in scripts
    assert (hostile.root / "assets" / "mathjax" / "tex-svg.js").is_file()
    # A page without math does not load the renderer.
    plain = [s["src"] for s in hostile.soup("papers/script-tags/").find_all("script", src=True)]
    assert not any("mathjax" in src for src in plain)
