"""`digest check`: every content problem as `path:line: what is wrong; what to do`, exact text.

Each test writes a small project (tests/conftest.py make_project), runs the real
command in it and compares stderr line by line. Errors exit 1; warnings alone exit 1
under strict (mkdocs.yml's, or --strict), as the build fails, and 0 without.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.content import check_content, load_digest
from generator.errors import ContentError
from generator.synthetic import synthetic_papers
from tests.conftest import MKDOCS_YML, REPO, paper_file

QUOTE_HINT = ("put a value that contains ': ' or ' #', or starts with one of [ { * & ! | > ' \" % @ `, "
              "in double quotes")
GOOD = paper_file("Graph Networks", "We study graph networks.", id="good")
THEMES = [{"slug": "graphs", "title": "Graphs", "description": "Graph learning.", "match": ["graph"]},
          {"slug": "speech", "title": "Speech", "match": ["speech"]}]

Checker = Callable[..., tuple[int, list[str]]]


@pytest.fixture
def check(make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> Checker:
    """check(papers={name: text or bytes}, themes=list or text or None, *arguments) -> (exit code, stderr
    lines). The project's mkdocs.yml sets `strict: true`, as the bundled one does."""

    def run(papers: dict[str, str | bytes], themes: Any = None, *args: str) -> tuple[int, list[str]]:
        project = make_project({})
        for name, text in papers.items():
            path = project / "content" / "papers" / name
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        if isinstance(themes, list):
            (project / "content" / "themes.yml").write_text(yaml.safe_dump({"themes": themes}, sort_keys=False))
        elif isinstance(themes, str):
            (project / "content" / "themes.yml").write_text(themes, encoding="utf-8")
        monkeypatch.chdir(project)
        capsys.readouterr()
        code = main(["check", *args])
        return code, capsys.readouterr().err.splitlines()

    return run


def front(*lines: str, body: str = "An abstract.") -> str:
    return "---\n" + "".join(f"{line}\n" for line in lines) + f"---\n{body}\n"


# --------------------------------------------------------------------------- clean content


def test_clean_content_passes(check: Checker) -> None:
    assert check({"good.md": GOOD}, THEMES[:1]) == (0, ["1 papers, 1 themes: OK"])


UNKNOWN_KEY = front('id: "x"', "title: Graph X", "autors: [Ada]", "added: 2026-11-20", body="We study graphs.")
UNKNOWN_KEY_WARNING = "content/papers/x.md:4: warning: unknown key 'autors' is ignored; did you mean 'authors'?"


def test_a_warning_fails_check_under_strict_as_it_fails_the_build(check: Checker) -> None:
    strict_failure = ("0 error(s), 1 warning(s); strict (mkdocs.yml, or --strict): the build fails on the 1 "
                      "warning(s) too; fix them, or set `strict: false` in mkdocs.yml "
                      "(`--no-strict` checks as if it were)")
    assert check({"x.md": UNKNOWN_KEY}) == (1, [UNKNOWN_KEY_WARNING, strict_failure])  # mkdocs.yml: strict


def test_no_strict_lets_warnings_pass(check: Checker) -> None:
    assert check({"x.md": UNKNOWN_KEY}, None, "--no-strict") == (
        0, [UNKNOWN_KEY_WARNING, "1 papers, 1 themes (0 curated, 1 automatic): OK (1 warning(s))"])


@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("content", ["unknown key", "drift", "clean"])
def test_check_fails_exactly_when_the_build_fails(make_project: Callable[..., Path], strict: bool,
                                                  content: str) -> None:
    # The real `digest build` and `digest check`, on one project; mkdocs.yml's `strict` decides both.
    papers = {"x": UNKNOWN_KEY if content == "unknown key" else GOOD}
    themes = [{"slug": "graphs", "title": "Graphs", "match": ["graph", "sheaf" if content == "drift" else "graphs"]}]
    config = MKDOCS_YML.replace("strict: true", f"strict: {str(strict).lower()}")
    project = make_project(papers, themes, mkdocs_yml=config)
    results = [subprocess.run([sys.executable, "-m", "generator.cli", command, *extra], cwd=project,
                              capture_output=True, text=True).returncode
               for command, extra in (("check", []), ("build", ["-q"]))]
    assert results[0] == results[1], results
    assert results[0] == (1 if strict and content == "unknown key" else 0)


def test_check_counts_the_automatic_themes_the_build_makes(check: Checker) -> None:
    # No themes.yml: every theme is automatic (the issue saw "0 themes" here).
    papers = {f"{p.slug}.md": paper_file(p.title, p.abstract, id=p.id, added=p.added.isoformat())
              for p in synthetic_papers(load_digest(REPO / "content").papers, 60)}
    code, err = check(papers)
    assert code == 0
    *_, summary = err
    found = re.fullmatch(r"60 papers, (\d+) themes \(0 curated, (\d+) automatic\): OK", summary)
    assert found is not None, summary
    assert found[1] == found[2] and int(found[2]) >= 2


# --------------------------------------------------------------------------- unreadable files


def test_invalid_yaml_names_its_line(check: Checker) -> None:
    code, err = check({"bad.md": front('id: "bad"', "title: Causality: a study", "added: 2026-11-20")})
    assert code == 1
    assert err == [
        "content/papers/bad.md:3: invalid YAML in front matter (mapping values are not allowed in this "
        f"context); {QUOTE_HINT}",
        "1 error(s), 0 warning(s)",
    ]


def test_an_unclosed_quote_or_bracket_names_the_line_where_it_opens(check: Checker) -> None:
    code, err = check({
        "quote.md": front('id: "q"', 'title: "Causality', "added: 2026-11-20"),
        "bracket.md": front('id: "b"', "title: Fine", "authors: [Ada, Alan", "added: 2026-11-20"),
    })
    assert code == 1
    assert err == [
        "content/papers/bracket.md:4: invalid YAML in front matter (while parsing a flow sequence, did not "
        "find expected ',' or ']'); close the bracket on that line; a value holding ',' or ']' goes in "
        "double quotes",
        "content/papers/quote.md:3: invalid YAML in front matter (while scanning a quoted scalar, found "
        "unexpected end of stream); close the quote on that line",
        "2 error(s), 0 warning(s)",
    ]


def test_missing_or_unclosed_front_matter_and_a_list_for_front_matter(check: Checker) -> None:
    code, err = check({
        "none.md": "Just an abstract.\n",
        "open.md": '---\nid: "open"\ntitle: Open\nAn abstract.\n',
        "list.md": front("- a", "- b"),
    })
    assert code == 1
    assert err == [
        "content/papers/list.md:2: front matter must be a mapping; write one `key: value` line per field, "
        "like `title: My paper`",
        "content/papers/none.md:1: no front matter; start the file with a line '---', the YAML fields, "
        "then another '---' line",
        "content/papers/open.md:1: the front matter is not closed; add a line '---' after its last field, "
        "before the abstract",
        "3 error(s), 0 warning(s)",
    ]


def test_a_file_that_is_not_utf8_names_the_line_of_the_bad_byte(check: Checker) -> None:
    latin1 = front('id: "cafe"', "title: Café", "added: 2026-11-20").encode("latin-1")
    code, err = check({"cafe.md": latin1})
    assert code == 1
    assert err == ["content/papers/cafe.md:3: not UTF-8 text (byte 0xe9); save the file as UTF-8",
                   "1 error(s), 0 warning(s)"]


# --------------------------------------------------------------------------- required fields


def test_missing_and_empty_title_and_empty_abstract(check: Checker) -> None:
    code, err = check({
        "no-title.md": front('id: "a"', "added: 2026-11-20"),
        "empty-title.md": front('id: "b"', 'title: ""', "added: 2026-11-20"),
        "blank-title.md": front('id: "c"', 'title: "  \\x01 "', "added: 2026-11-20"),
        "no-abstract.md": front('id: "d"', "title: D", "added: 2026-11-20", body="\n   "),
    })
    assert code == 1
    assert err == [
        "content/papers/blank-title.md:3: 'title' is empty; write its value after `title:`",
        "content/papers/empty-title.md:3: 'title' is empty; write its value after `title:`",
        "content/papers/no-abstract.md:6: the abstract is empty; write it below the closing '---'",
        "content/papers/no-title.md: missing required key 'title'; add a line `title: ...` to the front matter",
        "4 error(s), 0 warning(s)",
    ]


def test_ids_must_be_one_word_of_text(check: Checker) -> None:
    code, err = check({
        "number.md": front("id: 2401.01230", "title: Number", "added: 2026-11-20"),
        "spaces.md": front("id: a b", "title: Spaces", "added: 2026-11-20"),
    })
    assert code == 1
    assert err == [
        "content/papers/number.md:2: 'id' must be text, got 2401.0123; quote it, like id: \"2401.01230\"",
        "content/papers/spaces.md:2: 'id' must be one word without spaces, got 'a b'; use the arXiv id, the "
        "DOI or a slug, like id: \"2401.01234\"",
        "2 error(s), 0 warning(s)",
    ]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(("written", "message"), [
    ("26/11/2026", "got '26/11/2026'; write the day as YYYY-MM-DD"),
    ("yesterday", "got 'yesterday'; write the day as YYYY-MM-DD"),
    ("2026-1-5", "got '2026-1-5'; write the day as YYYY-MM-DD"),
    ("20261126", "got 20261126; write the day as YYYY-MM-DD"),
    ("2026-W48-4", "got '2026-W48-4'; write the day as YYYY-MM-DD"),
    # A time of day has a time zone that could move the day: only the day is accepted.
    ("2026-11-26T10:00:00", "got '2026-11-26T10:00:00'; write the day as YYYY-MM-DD"),
    ("2026-02-30", "got '2026-02-30', which is not a day of the calendar; check the month and the day"),
])
def test_dates_must_be_yyyy_mm_dd(check: Checker, written: str, message: str) -> None:
    code, err = check({
        "added.md": front('id: "a"', "title: A", f"added: {written}"),
        "published.md": front('id: "p"', "title: P", f"published: {written}", "added: 2026-11-20"),
    })
    assert code == 1
    assert err == [f"content/papers/added.md:4: 'added' must be a date like 2026-11-26, {message}",
                   f"content/papers/published.md:4: 'published' must be a date like 2026-11-26, {message}",
                   "2 error(s), 0 warning(s)"]


def test_quoted_dates_are_dates(check: Checker) -> None:
    assert check({"a.md": front('id: "a"', "title: A", 'added: "2026-11-20"', "published: '2025-01-31'")})[0] == 0


def test_an_added_date_more_than_a_day_ahead_is_an_error(check: Checker) -> None:
    code, err = check({"future.md": front('id: "f"', "title: F", "added: 2999-01-01")})
    assert code == 1
    assert err == [f"content/papers/future.md:4: 'added' is 2999-01-01, in the future; use the day the paper "
                   f"entered the digest (today is {dt.date.today().isoformat()})",
                   "1 error(s), 0 warning(s)"]


def test_the_future_tolerance_is_one_day(make_project: Callable[..., Path]) -> None:
    project = make_project({"tomorrow": paper_file("T", "Text.", added="2026-11-27"),
                            "later": paper_file("L", "Text.", added="2026-11-28")})
    _, problems = check_content(project / "content", today=dt.date(2026, 11, 26))
    assert [(Path(p.path).name, p.line, p.message) for p in problems] == [
        ("later.md", 4, "'added' is 2026-11-28, in the future; use the day the paper entered the digest "
                        "(today is 2026-11-26)")]


# --------------------------------------------------------------------------- across papers


def test_two_files_with_one_id(check: Checker) -> None:
    code, err = check({"first.md": paper_file("First", "Text.", id="same"),
                       "second.md": paper_file("Second", "Text.", id="same")})
    assert code == 1
    assert err == ["content/papers/second.md:2: duplicate id 'same', also in content/papers/first.md; each paper "
                   "needs its own id: merge the two files if they are one paper, or change one id",
                   "1 error(s), 0 warning(s)"]


def case_sensitive(folder: Path) -> bool:
    probe = folder / "Case.probe"
    probe.write_text("")
    try:
        return not (folder / "case.probe").exists()
    finally:
        probe.unlink()


def test_two_files_claiming_one_slug(check: Checker, tmp_path: Path) -> None:
    """A slug is a file name, so two files can only claim one slug through names that differ in
    case or accents. Only the valid name is a paper; the other is an error naming it."""
    if not case_sensitive(tmp_path):
        pytest.skip("x.md and X.md are one file here")
    code, err = check({"x.md": paper_file("X", "Text.", id="x1"), "X.md": paper_file("X too", "Text.", id="x2"),
                       "cafe.md": paper_file("Cafe", "Text.", id="c1"),
                       "café.md": paper_file("Café", "Text.", id="c2")})
    assert code == 1
    invalid = "is not lowercase ASCII letters and digits in words joined by single hyphens"
    assert err == [
        f"content/papers/X.md:1: file name 'X.md' {invalid}; its slug would be 'x', which x.md already has: "
        "merge the two papers into x.md, or give this one another name",
        f"content/papers/café.md:1: file name 'café.md' {invalid}; its slug would be 'cafe', which cafe.md "
        "already has: merge the two papers into cafe.md, or give this one another name",
        "2 error(s), 0 warning(s)",
    ]


def test_file_names_must_be_valid_slugs(check: Checker) -> None:
    long_name = "a" * 95
    code, err = check({"My Paper.md": paper_file("Mine", "Text.", id="m"),
                       "index.md": paper_file("Index", "Text.", id="i"),
                       "con.md": paper_file("Con", "Text.", id="c"),
                       f"{long_name}.md": paper_file("Long", "Text.", id="l")})
    assert code == 1
    reserved = "is a reserved name (a page of the site's own, or a device name on Windows)"
    assert err == [
        "content/papers/My Paper.md:1: file name 'My Paper.md' is not lowercase ASCII letters and digits in "
        "words joined by single hyphens; rename it to 'my-paper.md'",
        f"content/papers/{long_name}.md:1: file name '{long_name}.md' is 95 characters long, over the limit "
        f"of 88; rename it to '{'a' * 80}.md'",
        f"content/papers/con.md:1: file name 'con.md' {reserved}; rename it to 'paper-con.md'",
        f"content/papers/index.md:1: file name 'index.md' {reserved}; rename it to 'paper-index.md'",
        "4 error(s), 0 warning(s)",
    ]


def test_files_that_are_not_papers_are_warned_about_never_silently_skipped(check: Checker) -> None:
    code, err = check({"good.md": GOOD, "notes.txt": "x", "draft.MD": GOOD, ".hidden.md.swp": "x"}, None,
                      "--no-strict")
    assert code == 0
    warning = ("warning: not a paper file, so it is not read; a paper file is named <slug>.md: rename it, "
               "or move it out of papers/")
    assert err == [f"content/papers/draft.MD: {warning}", f"content/papers/notes.txt: {warning}",
                   "1 papers, 1 themes (0 curated, 1 automatic): OK (2 warning(s))"]


# --------------------------------------------------------------------------- keys


def test_unknown_keys_are_warnings_naming_the_closest_key(check: Checker) -> None:
    code, err = check({"x.md": front('id: "x"', "title: X", "autors: [Ada]", "foo: bar", "added: 2026-11-20")},
                      None, "--no-strict")
    assert code == 0
    assert err == [
        "content/papers/x.md:4: warning: unknown key 'autors' is ignored; did you mean 'authors'?",
        "content/papers/x.md:5: warning: unknown key 'foo' is ignored; known keys: id, title, authors, "
        "published, added, links, arxiv, doi, categories, journal_ref, themes, source",
        "1 papers, 1 themes (0 curated, 1 automatic): OK (2 warning(s))",
    ]


def test_a_misspelt_required_key_is_an_error_and_a_hint(check: Checker) -> None:
    code, err = check({"x.md": front('id: "x"', "tittle: X", "added: 2026-11-20")})
    assert code == 1
    assert err == [
        "content/papers/x.md: missing required key 'title'; add a line `title: ...` to the front matter",
        "content/papers/x.md:3: warning: unknown key 'tittle' is ignored; did you mean 'title'?",
        "1 error(s), 1 warning(s)",
    ]


def test_a_key_written_twice_is_an_error(check: Checker) -> None:
    code, err = check({"x.md": front('id: "x"', "title: First", "title: Second", "added: 2026-11-20")})
    assert code == 1
    assert err == ["content/papers/x.md:4: key 'title' appears twice (also on line 3) and only the last one "
                   "counts; keep one", "1 error(s), 0 warning(s)"]


def test_links_must_be_web_addresses_of_known_kinds(check: Checker) -> None:
    code, err = check({"x.md": front('id: "x"', "title: X", "added: 2026-11-20", "links:",
                                     "  code: javascript:alert(1)", "  cod: https://example.org/")})
    assert code == 1
    assert err == [
        "content/papers/x.md:5: link 'code' must be an http(s) URL, got 'javascript:alert(1)'; write the full "
        "address, starting with https://",
        "content/papers/x.md:5: unknown link kind 'cod'; did you mean 'code'? use one of: arxiv, pdf, code, "
        "project, data",
        "2 error(s), 0 warning(s)",
    ]


# --------------------------------------------------------------------------- theme pins


def test_a_pin_naming_no_theme_lists_the_known_ones(check: Checker) -> None:
    code, err = check({"x.md": paper_file("Graph X", "Speech.", themes=["grahps", "cooking"])}, THEMES)
    assert code == 1
    assert err == [
        "content/papers/x.md: theme 'cooking' in `themes:` does not exist; known themes: graphs, speech",
        "content/papers/x.md: theme 'grahps' in `themes:` does not exist; did you mean 'graphs'? known themes: "
        "graphs, speech",
        "2 error(s), 0 warning(s)",
    ]


def test_a_pin_without_a_taxonomy(check: Checker) -> None:
    code, err = check({"x.md": paper_file("X", "Text.", themes=["graphs"])})
    assert code == 1
    assert err == ["content/papers/x.md: theme 'graphs' in `themes:` does not exist; content/themes.yml is "
                   "missing: create it with a theme 'graphs', or remove the pin", "1 error(s), 0 warning(s)"]


# --------------------------------------------------------------------------- themes.yml


def test_taxonomy_errors_and_warnings(check: Checker) -> None:
    taxonomy = """\
themes:
  - slug: graphs
    title: Graphs
    match: [graph, hypergraph sheaves]
  - slug: graphs
    title: Graphs again
    match: [graph]
  - slug: empty
    title: Pinned only
  - slug: ../etc
    title: Escape Attempt
  - slug: index
    title: Index theory
  - slug: no-title
    mach: [graph]
  - title: No slug
"""
    code, err = check({"good.md": GOOD}, taxonomy)
    assert code == 1
    hint = "pick a slug of lowercase ASCII words joined by hyphens, like"
    assert err == [
        "content/themes.yml:4: warning: theme 'graphs': phrase 'hypergraph sheaves' matches no paper's title "
        "or abstract; check its spelling, or remove it",
        "content/themes.yml:5: duplicate theme slug 'graphs' (first on line 2); give each theme its own slug",
        "content/themes.yml:8: warning: theme 'empty' has no match rules; list phrases under `match:` (papers "
        "can still be pinned to it in front matter)",
        "content/themes.yml:10: theme slug '../etc' is not lowercase ASCII letters and digits in words joined by "
        f"single hyphens; {hint} 'escape-attempt'",
        "content/themes.yml:12: theme slug 'index' is a reserved name (a page of the site's own, or a device "
        f"name on Windows); {hint} 'index-theory'",
        "content/themes.yml:14: theme 'no-title' needs a `title:`; add a line `title: ...` under its slug",
        "content/themes.yml:15: warning: unknown key 'mach' is ignored; did you mean 'match'?",
        "content/themes.yml:16: a theme has no `slug:`; add one, like slug: no-slug",
        "5 error(s), 3 warning(s)",
    ]


def test_each_phrase_is_matched_against_titles_and_abstracts(check: Checker) -> None:
    themes = [{"slug": "graphs", "title": "Graphs",
               "match": ["graph network", "molecule", "Diffusion Model", "sheaf"]}]
    papers = {"a.md": paper_file("Graph Networks", "On molecules and diffusion-models.", id="a")}
    code, err = check(papers, themes)
    assert code == 0
    assert err == ["content/themes.yml:8: warning: theme 'graphs': phrase 'sheaf' matches no paper's title or "
                   "abstract; check its spelling, or remove it", "1 papers, 1 themes: OK (1 warning(s))"]


def test_rules_are_not_judged_while_a_paper_cannot_be_read(check: Checker) -> None:
    """The phrase may match just the paper that failed: no misleading warning."""
    code, err = check({"good.md": GOOD, "bad.md": front('id: "b"', "title: Sheaves", "added: yesterday")},
                      [{"slug": "sheaves", "title": "Sheaves", "match": ["sheaves"]}])
    assert code == 1
    assert err == ["content/papers/bad.md:4: 'added' must be a date like 2026-11-26, got 'yesterday'; write the "
                   "day as YYYY-MM-DD", "1 error(s), 0 warning(s)"]


def test_invalid_taxonomy_yaml(check: Checker) -> None:
    code, err = check({"good.md": GOOD}, "themes:\n  - slug: a\n    title: A: B\n")
    assert code == 1
    assert err == [f"content/themes.yml:3: invalid YAML (mapping values are not allowed in this context); "
                   f"{QUOTE_HINT}", "1 error(s), 0 warning(s)"]


def test_a_taxonomy_without_a_themes_list(check: Checker) -> None:
    code, err = check({"good.md": GOOD}, "- slug: a\n")
    assert code == 1
    assert err == ["content/themes.yml:1: expected a top-level key `themes:` holding a list of themes; start the "
                   "file with `themes:` and list each theme under it as `- slug: ...`",
                   "1 error(s), 0 warning(s)"]


# --------------------------------------------------------------------------- the loaded records


def test_control_characters_are_dropped_on_reading(make_project: Callable[..., Path]) -> None:
    project = make_project({"x": front('id: "x"', 'title: "A\\x01B\\e[1m C\\x0cD"', "added: 2026-11-20",
                                       body="One\x07 two\x0bthree\x85four \u202eRTL \u200bzero")})
    paper = load_digest(project / "content").papers[0]
    assert paper.title == "AB[1m C D"
    assert paper.abstract == "One two three four \u202eRTL \u200bzero"


def test_load_digest_raises_with_every_problem(make_project: Callable[..., Path]) -> None:
    project = make_project({"a": front('id: "a"', "added: 2026-11-20"), "b": GOOD})
    with pytest.raises(ContentError) as caught:
        load_digest(project / "content")
    assert [p.message for p in caught.value.problems] == [
        "missing required key 'title'; add a line `title: ...` to the front matter"]
