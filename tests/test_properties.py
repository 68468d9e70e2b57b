"""Properties over any text (hypothesis): slugs, title keys, the listing parser, the
file format and the HTML filters hold for every input, not just the examples.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from generator.analysis.clustering import _term_pattern
from generator.analysis.tfidf import indexed_text as relating_text
from generator.analysis.tfidf import tfidf_matrix
from generator.content.papers import read_paper
from generator.content.writing import paper_file_text as paper_text
from generator.errors import Problem
from generator.importing.listing import MARKUP_START, parse_listing
from generator.model import Paper
from generator.phrases import PhraseMatcher, phrase_pattern, phrase_words
from generator.rendering.markup import paragraphs, teaser
from generator.slugs import MAX_SLUG_LENGTH, RESERVED_SLUGS, is_valid_slug, slugify, title_key, unique_slug
from generator.text import one_line, printable

# Any text a scraper could hand over: every code point but lone surrogates (no UTF-8 file holds them).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)))
# One line of a listing: no line end inside, something left after strip().
LINE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), min_size=1).filter(
    lambda s: s.strip())


@given(TEXT)
@example("../../etc/passwd")
@example("CON")
@example("index")
@example("🎉🎉")
@example("x" * 500)
@example("Ⅻ ﬁ ǅ İ")  # NFKC and case-folding oddities
def test_slugify_is_always_a_valid_bounded_unreserved_slug(text: str) -> None:
    slug = slugify(text)
    assert is_valid_slug(slug)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert slug not in RESERVED_SLUGS
    assert slugify(text) == slug  # deterministic


@pytest.mark.parametrize(("title", "slug"), [
    ("Schrödinger's Cat: A Study", "schrodingers-cat-a-study"),
    ("Ελληνικά και 中文 titles", "ellenika-kai-zhong-wen-titles"),
    ("Ünïcödé — “quotes” & dashes", "unicode-quotes-dashes"),
    ("../../etc/passwd", "etc-passwd"),
    ("CON", "paper-con"),
    ("index", "paper-index"),
    ("....", "paper"),
    ("🎉🎉", "paper"),
    ("", "paper"),
])
def test_slug_examples(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_a_long_title_is_cut_at_a_word() -> None:
    slug = slugify("Attention " * 100)
    assert len(slug) <= MAX_SLUG_LENGTH and slug.endswith("-attention") and slug.startswith("attention-")


@given(TEXT, st.sets(st.text(alphabet="abc-2", max_size=12), max_size=30))
def test_unique_slug_is_free_valid_and_deterministic(text: str, taken: set[str]) -> None:
    base = slugify(text)
    taken = taken | {base, f"{base}-2"}
    slug = unique_slug(base, taken)
    assert slug not in taken and is_valid_slug(slug) and slug.startswith(base)
    assert unique_slug(base, set(taken)) == slug


@given(TEXT)
def test_title_key_is_idempotent(text: str) -> None:
    key = title_key(text)
    assert title_key(key) == key
    assert key == key.strip() and "  " not in key


@given(TEXT)
def test_invisible_characters_never_split_a_word(text: str) -> None:
    spread = "\u200b".join(text)  # a zero-width space between every character
    assert title_key(spread) == title_key(text)
    assert slugify(spread) == slugify(text)


def is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def listing_text(pairs: list[tuple[str, str]], line_end: str) -> str:
    return "".join(f"{title}{line_end}{abstract}{line_end}" for title, abstract in pairs)


@given(st.lists(st.tuples(LINE, LINE), min_size=1, max_size=8), st.sampled_from(["\n", "\r\n", "\r"]))
@example(pairs=[("<", "0")], line_end="\n")  # once refused as XML
def test_the_listing_parser_round_trips_any_pairs(pairs: list[tuple[str, str]], line_end: str) -> None:
    first = pairs[0][0].strip()
    # What the format gives a meaning to at the top: page chrome, a glued button label, a byte-order mark.
    assume(not re.match(r"get trending papers in your email inbox", first, re.IGNORECASE))
    assume(not re.match(r"Subscribe[A-Z0-9]", first) and not first.startswith("\ufeff"))
    assume(not MARKUP_START.match(first))  # an XML or HTML document is refused: another importer's
    text = listing_text(pairs, line_end)
    assume(not is_json(text))  # ... and so is JSON ("[1" then "]")
    papers = parse_listing(text, "x.txt")
    assert [(p.title, p.abstract) for p in papers] == [(" ".join(t.split()), a.strip()) for t, a in pairs]


@given(st.lists(st.tuples(LINE, LINE), min_size=1, max_size=6), st.integers(min_value=0))
def test_one_line_missing_is_always_an_error_naming_a_line_of_the_file(pairs: list[tuple[str, str]],
                                                                       which: int) -> None:
    lines = [line for pair in pairs for line in pair]
    del lines[which % len(lines)]
    text = "".join(f"{line}\n" for line in lines)
    assume(not re.match(r"get trending papers in your email inbox", lines[0].strip(), re.IGNORECASE))
    try:
        parse_listing(text, "x.txt")
    except Exception as exc:  # noqa: BLE001 - the type is checked just below
        assert type(exc).__name__ == "ImportError_"
        number = int(re.match(r"x\.txt:(\d+): ", str(exc)).group(1))  # type: ignore[union-attr]
        assert 1 <= number <= len(lines)
    else:
        raise AssertionError("an odd number of lines was accepted")


@settings(max_examples=200)
@given(LINE, TEXT.filter(lambda s: printable(s).strip()), st.lists(LINE, max_size=3))
@example("---", "---\ntitle: not this\n---\nbody", [])
@example("Title: with colon # and hash", "\ufeffAbstract", ["- dash", "'quote"])
@example("\u2028\u0085 line separators", "a\u2029b\x0cc", ["\x1b[31m"])
def test_a_paper_file_reads_back_as_written(tmp_path_factory: pytest.TempPathFactory, title: str,
                                            abstract: str, authors: list[str]) -> None:
    """Nothing lost: whatever an importer hands over is read back the same, up to the
    documented cleaning (control characters dropped, spaces in one-line fields collapsed)."""
    assume(one_line(title) and all(one_line(a) for a in authors))
    paper = Paper(id="some-id", slug="some-slug", title=title, abstract=abstract, added=dt.date(2026, 11, 20),
                  authors=tuple(authors))
    path = tmp_path_factory.mktemp("paper") / "some-slug.md"
    path.write_text(paper_text(paper), encoding="utf-8", newline="\n")
    problems: list[Problem] = []
    read = read_paper(path, problems, dt.date(2026, 11, 26))
    assert [str(p) for p in problems] == []
    assert read is not None
    assert read.title == one_line(title)
    assert read.abstract == printable(abstract.strip()).strip()
    assert read.authors == tuple(one_line(a) for a in authors)


def without_paragraph_tags(html: str) -> str:
    return html.replace("<p>", "").replace("</p>", "")


def without_math_spans(html: str) -> str:
    """Our one piece of markup, the math renderer's span around $...$ (TeX escaped inside),
    turned back into the dollars it came from."""
    html = re.sub(r'<span class="arithmatex">\\\[(.*?)\\\]</span>', r"$$\1$$", html)
    return re.sub(r'<span class="arithmatex">\\\((.*?)\\\)</span>', r"$\1$", html)


@given(TEXT)
@example("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>")
@example("</p><p>")
@example("$0$ and $$x<y$$")
def test_paragraphs_never_make_markup_from_text(text: str) -> None:
    html = paragraphs(text)
    assert isinstance(html, Markup)
    inner = without_math_spans(without_paragraph_tags(str(html)))
    assert "<" not in inner and ">" not in inner
    # Unescaped, the paragraphs hold exactly the words of the text.
    assert Markup(inner).unescape().split() == text.split()


@given(TEXT)
@example("<script>alert(1)</script> " * 20)
def test_teaser_is_plain_text_that_templates_escape(text: str) -> None:
    short = teaser(text)
    assert not isinstance(short, Markup)  # so autoescaping escapes it
    assert "<" not in str(escape(short))
    assert " ".join(text.split()).startswith(short.removesuffix("…"))  # a cut, never new text


# --------------------------------------------------------------------------- phrase matching

# Few letters, so that random phrases and texts share words often; plural endings,
# hyphens, punctuation, an accent, an underscore and a digit for the edges.
_PIECES = st.sampled_from(list("abcs -,.é_3+") + ["ab", "es", "s ", "-s", "3d"])


@given(phrase=st.lists(_PIECES, min_size=1, max_size=6).map("".join).filter(lambda p: bool(phrase_words(p))),
       text=st.lists(_PIECES, max_size=20).map("".join))
@settings(max_examples=400, deadline=None)
def test_the_phrase_matcher_agrees_with_the_phrase_pattern(phrase: str, text: str) -> None:
    expected = phrase_pattern(phrase).search(text) is not None
    assert (0 in PhraseMatcher([phrase]).find(text)) == expected


# --------------------------------------------------------------------------- terms and their forms in the text

# Term words as TF-IDF makes them (a letter, then letters, digits, hyphens), few letters
# so that texts hold them often; texts add capitals, the Kelvin sign and long s (which
# match k and s ignoring case), an accent and an underscore (word characters).
_TERM_WORD = st.sampled_from(["ab", "abs", "ba", "a-b", "b3"])
_TEXT_PIECES = st.sampled_from(list("abAB ,-_3éKſs\n") + ["ab", "AB", "a-b", "B3"])


@given(term=st.lists(_TERM_WORD, min_size=1, max_size=3).map(" ".join),
       text=st.lists(_TEXT_PIECES, max_size=24).map("".join))
@settings(max_examples=400, deadline=None)
def test_the_term_pattern_finds_what_its_definition_finds(term: str, text: str) -> None:
    words = r"[\s-]+".join(re.escape(w) for w in term.split())
    definition = re.compile(rf"(?<![\w-]){words}(?![\w-])", re.IGNORECASE)
    found = [(m.start(), m.group()) for m in _term_pattern(term).finditer(text)]
    assert found == [(m.start(), m.group()) for m in definition.finditer(text)]


@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=6))
@settings(max_examples=100, deadline=None)
@example([("START start", "Start. STARTS\nSTART"), ("", "")])  # the word that marks where a paper starts
def test_tfidf_terms_are_scikit_learns_for_any_text(texts: list[tuple[str, str]]) -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    papers = [Paper(id=str(i), slug=f"p{i}", title=title, abstract=abstract, added=dt.date(2026, 1, 1))
              for i, (title, abstract) in enumerate(texts)]
    _, terms = tfidf_matrix(papers)
    vectorizer = CountVectorizer(ngram_range=(1, 2), stop_words="english",
                                 token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b")
    try:
        expected = list(vectorizer.fit(relating_text(p) for p in papers).get_feature_names_out())
    except ValueError:  # "empty vocabulary"
        expected = []
    assert terms == expected


# --------------------------------------------------------------------------- relative links

_SEGMENT = st.sampled_from(["papers", "themes", "a", "b", "x-y"])


@given(here=st.lists(_SEGMENT, max_size=3), there=st.lists(_SEGMENT, max_size=3),
       file=st.sampled_from(["", "feed.xml"]), fragment=st.sampled_from(["", "why"]))
def test_relative_links_resolve_to_their_target(here: list[str], there: list[str], file: str,
                                               fragment: str) -> None:
    from urllib.parse import urljoin

    from generator.rendering.urls import relative_href

    from_url = "".join(f"{s}/" for s in here)
    to_url = "".join(f"{s}/" for s in there) + file + (f"#{fragment}" if fragment else "")
    href = relative_href(from_url, to_url)
    assert urljoin("https://h.org/site/" + from_url, href) == "https://h.org/site/" + (to_url or "")
