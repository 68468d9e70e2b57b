"""`digest build` on small sites: validation first, atomic publishing, size that stays flat."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.content import load_digest
from generator.synthetic import synthetic_papers, write_papers
from tests.conftest import MKDOCS_YML, REPO, mkdocs_build, paper_file
from tests.sitetools import BuiltSite

THEMES = [
    {"slug": "graphs", "title": "Graphs", "description": "Graph learning.", "match": ["graph"]},
    {"slug": "speech", "title": "Speech", "description": "Speech recognition.", "match": ["speech", "asr"]},
]
PAPERS = {
    "graph-networks": paper_file("Graph Networks", "We study graph networks on molecules."),
    "speech-models": paper_file("Speech Models", "Streaming speech recognition (ASR) for graph-free audio.",
                                added="2026-11-21"),
    "pinned": paper_file("Something Else", "No rule matches this abstract.", themes=["speech"]),
}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def digest_build(project: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(project)
    return main(["build", "-q"])


def test_build_publishes_a_complete_site(make_project: Callable[..., Path],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(PAPERS, THEMES)
    assert digest_build(project, monkeypatch) == 0
    site = BuiltSite(project / "site")
    assert sorted(site.urls_under("papers/")) == [f"papers/{s}/" for s in sorted(PAPERS)]
    assert sorted(site.urls_under("themes/")) == ["themes/graphs/", "themes/speech/"]
    speech = {t for t in site.internal_links("themes/speech/", article_only=True) if t.startswith("papers/")}
    assert speech == {"papers/speech-models/", "papers/pinned/"}
    why = " ".join(site.article("papers/pinned/").select_one(".digest-why").get_text(" ").split())
    assert why == "Speech : chosen by the curator"
    why = " ".join(site.article("papers/speech-models/").select_one(".digest-why").get_text(" ").split())
    assert why == "Speech : matched speech , asr"
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".site")]
    assert leftovers == []


def test_the_digest_command_exits_with_its_code_and_all_its_output(make_project: Callable[..., Path]) -> None:
    # The command leaves the heap to the system at exit (generator.cli.run): its code
    # and its last words must still come out.
    project = make_project(PAPERS, THEMES)
    done = subprocess.run([sys.executable, "-m", "generator.cli", "build"], cwd=project,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    pages = sum(1 for _ in (project / "site").rglob("index.html"))
    assert done.stderr.rstrip().endswith(f"Built {pages} pages into site")
    (project / "content" / "papers" / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    failed = subprocess.run([sys.executable, "-m", "generator.cli", "build"], cwd=project,
                            capture_output=True, text=True)
    assert failed.returncode == 1
    assert "broken.md" in failed.stderr


def test_bad_content_fails_with_every_problem_and_keeps_the_previous_site(
        make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(PAPERS, THEMES)
    assert digest_build(project, monkeypatch) == 0
    before = tree(project / "site")
    papers = project / "content" / "papers"
    (papers / "bad-date.md").write_text(paper_file("Bad Date", "Text.", added="yesterday"))
    (papers / "no-title.md").write_text("---\nid: no-title\nadded: 2026-11-20\n---\nText.\n")
    (papers / "bad-pin.md").write_text(paper_file("Bad Pin", "Text.", themes=["nope"]))
    capsys.readouterr()
    assert digest_build(project, monkeypatch) == 1
    err = capsys.readouterr().err
    assert "content/papers/bad-date.md:4: 'added' must be a date like 2026-11-26, got 'yesterday'" in err
    assert "content/papers/no-title.md: missing required key 'title'; add a line `title: ...` to the front matter" in err
    assert ("content/papers/bad-pin.md: theme 'nope' in `themes:` does not exist; "
            "known themes: graphs, speech") in err
    assert "Traceback" not in err
    assert tree(project / "site") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_a_template_error_keeps_the_previous_site(make_project: Callable[..., Path],
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(PAPERS, THEMES)
    assert digest_build(project, monkeypatch) == 0
    before = tree(project / "site")
    (project / "templates").mkdir()
    (project / "templates" / "paper.html").write_text("<h1>{{ paper.title }}</h1>\n{{ paper.no_such_field }}\n")
    assert digest_build(project, monkeypatch) == 1
    err = capsys.readouterr().err
    assert "templates/paper.html:2: template error while rendering papers/" in err
    assert "'no_such_field'" in err
    assert tree(project / "site") == before


def test_a_site_template_overrides_the_default_by_name(make_project: Callable[..., Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(PAPERS, THEMES)
    (project / "templates").mkdir()
    (project / "templates" / "archive.html").write_text("<h1>Every paper</h1><p>{{ months | length }} month</p>\n")
    assert digest_build(project, monkeypatch) == 0
    article = BuiltSite(project / "site").article("archive/")
    assert article.h1.get_text() == "Every paper"
    assert article.p.get_text() == "1 month"


def test_a_missing_config_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 1
    assert capsys.readouterr().err.strip() == (
        "error: mkdocs.yml: not found; run digest in the folder that holds mkdocs.yml, "
        "or pass -f path/to/mkdocs.yml")


def median_paper_page(site: BuiltSite) -> float:
    """The median size of the pages of papers in one theme: a paper in two automatic themes
    has a longer page (chips, feeds, reasons), and a large digest has more such papers."""
    return statistics.median(site.pages[u].stat().st_size for u in site.urls_under("papers/")
                             if len(site.article(u).select(".digest-why > li")) == 1)


def test_a_paper_page_is_the_same_size_in_a_digest_of_20_or_2000(
        make_project: Callable[..., Path], tmp_path: Path) -> None:
    sample = sorted(load_digest(REPO / "content").papers, key=lambda p: p.slug)
    # A small digest is a focused one: drawn from a few topics, so that its papers have
    # five related papers each, as in the large one. What is compared is then the page's
    # structure (navigation, head, theme chrome), the part that could grow with the digest.
    sources = {20: sample[100:106], 2000: sample}
    sizes = {}
    for count, papers in sources.items():
        project = make_project({}, name=f"size-{count}")
        write_papers(project / "content", synthetic_papers(papers, count, seed=7))
        result = mkdocs_build(project, project / "site")
        assert result.returncode == 0, result.stderr
        site = BuiltSite(project / "site")
        related = [len(site.article(u).select("#related > li")) for u in site.urls_under("papers/")]
        assert statistics.median(related) == 5
        sizes[count] = median_paper_page(site)
    assert abs(sizes[2000] - sizes[20]) / sizes[20] < 0.05, sizes


def test_generated_pages_skip_mkdocs_markdown_pass(make_project: Callable[..., Path],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Their HTML comes from the plan; setting up Markdown for each cost 0.2 ms a page.
    from mkdocs.structure.pages import Page

    converted: list[str] = []
    markdown_pass = Page.render

    def counted(page: Page, config: Any, files: Any) -> None:
        converted.append(page.file.src_uri)
        markdown_pass(page, config, files)

    monkeypatch.setattr(Page, "render", counted)
    project = make_project(PAPERS, THEMES)
    (project / "content" / "about.md").write_text("# About\n\nThe curator's own page.\n")
    assert digest_build(project, monkeypatch) == 0
    site = BuiltSite(project / "site")
    assert sorted(site.urls_under("papers/")) == [f"papers/{s}/" for s in sorted(PAPERS)]
    # The curator's page and the three in the navigation; no paper or theme page.
    assert sorted(converted) == ["about.md", "archive.md", "index.md", "themes.md"]


def test_two_builds_of_the_bundled_digest_are_byte_identical(
        bundled_site: BuiltSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fixture built with plain `mkdocs build`; this is `digest build`, in-process.
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # restored afterwards
    monkeypatch.chdir(REPO)
    assert main(["build", "-q", "-d", str(tmp_path / "again")]) == 0
    again = tree(tmp_path / "again")
    assert sorted(again) == sorted(tree(bundled_site.root))
    assert again == tree(bundled_site.root)


def test_a_build_killed_midway_leaves_the_previous_site(make_project: Callable[..., Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    sample = load_digest(REPO / "content").papers
    project = make_project({}, name="killed")
    write_papers(project / "content", synthetic_papers(sample, 300, seed=1))
    assert digest_build(project, monkeypatch) == 0
    before = tree(project / "site")
    # New content, so that a build that got to the end would change site/.
    (project / "content" / "papers" / "a-new-paper.md").write_text(paper_file("A New Paper", "Fresh."))
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "build", "-q"], cwd=project,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    # Kill it once MkDocs has started writing pages into its staging folder.
    while not any(project.glob(".site.building-*/papers")) and time.monotonic() < deadline:
        time.sleep(0.02)
    process.kill()
    assert process.wait() == -9, "the build ended before it could be killed"
    assert tree(project / "site") == before
    assert digest_build(project, monkeypatch) == 0  # the next build clears what the killed one left
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_content_warnings_are_shown_and_fail_a_strict_build(make_project: Callable[..., Path],
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    papers = dict(PAPERS, typo=paper_file("Typo", "A speech paper.", tittle="x"))
    project = make_project(papers, THEMES)
    assert digest_build(project, monkeypatch) == 1  # strict: true in the fixture's mkdocs.yml
    err = capsys.readouterr().err
    assert "content/papers/typo.md:5: unknown key 'tittle' is ignored; did you mean 'title'?" in err
    assert not (project / "site").exists()
    (project / "mkdocs.yml").write_text(MKDOCS_YML.replace("strict: true\n", ""))
    assert digest_build(project, monkeypatch) == 0
    assert "unknown key 'tittle'" in capsys.readouterr().err


def test_a_phrase_that_matches_no_paper_now_does_not_fail_a_strict_build(
        make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # A daily digest drifts: a paper goes, and a rule matches nothing for a while. That is for
    # `digest check` and `digest themes report`, not a reason to stop publishing.
    themes = [dict(THEMES[0], match=[*THEMES[0]["match"], "hypergraph sheaves"])] + THEMES[1:]
    project = make_project(PAPERS, themes)
    assert digest_build(project, monkeypatch) == 0  # strict: true in the fixture's mkdocs.yml
    assert "hypergraph sheaves" not in capsys.readouterr().err
    assert main(["themes", "report"]) == 0
    assert "phrase 'hypergraph sheaves' matches no paper" in capsys.readouterr().out


def test_a_warm_build_renders_only_changed_pages_and_equals_a_clean_build(
        make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    sample = load_digest(REPO / "content").papers
    # Not strict: 80 synthetic papers leave some of the bundled theme phrases unmatched (warnings).
    project = make_project({}, name="daily", mkdocs_yml=MKDOCS_YML.replace("strict: true\n", ""))
    write_papers(project / "content", synthetic_papers(sample, 80, seed=5))
    (project / "content" / "themes.yml").write_text((REPO / "content" / "themes.yml").read_text())
    (project / "content" / "about.md").write_text("# About\n\nA page of the curator's own.\n")
    assert digest_build(project, monkeypatch) == 0
    site = project / "site"
    before = {p: p.stat().st_mtime_ns for p in site.rglob("index.html")}

    papers = project / "content" / "papers"
    (papers / "fresh-graph-paper.md").write_text(paper_file(
        "Fresh Graph Paper", "We fine-tune a causal discovery model on graphs.", added="2026-11-27"))
    removed = sorted(papers.glob("*.md"))[0]
    removed.unlink()
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert digest_build(project, monkeypatch) == 0
    warm = tree(site)
    rerendered = [p for p, mtime in before.items() if p.exists() and p.stat().st_mtime_ns != mtime]
    kept = [p for p, mtime in before.items() if p.exists() and p.stat().st_mtime_ns == mtime]
    assert kept, "every page was rendered again"
    assert len(rerendered) < len(before) / 2
    assert not (site / "papers" / removed.stem).exists()
    assert (site / "papers" / "fresh-graph-paper" / "index.html").is_file()
    # The search index is written afresh: the curator's page is in it, the removed paper
    # is not, the new one is.
    searched = {page["url"]: page for page in BuiltSite(site).search_pages()}
    assert searched["about/"]["meta"]["title"] == "About"
    assert searched["about/"]["content"] == "About. A page of the curator's own."
    assert f"papers/{removed.stem}/" not in searched
    assert searched["papers/fresh-graph-paper/"]["content"] == "We fine-tune a causal discovery model on graphs."

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(project)
    assert main(["build", "-q", "--clean"]) == 0
    assert tree(site) == warm


def test_materials_search_plugin_beside_the_digest_fails_a_strict_build(
        make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(PAPERS, THEMES, mkdocs_yml=MKDOCS_YML.replace("plugins:\n", "plugins:\n  - search\n"))
    assert digest_build(project, monkeypatch) == 1
    assert ("digest: remove `search` from `plugins` in mkdocs.yml: the digest writes its own search index "
            "(Pagefind), and Material's would index every page a second time") in capsys.readouterr().err


def test_a_warm_build_renders_again_the_pages_that_show_an_edited_title(
        make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # Paper pages are rendered only when their inputs change (generator/rendering/pages.py, _paper_pages):
    # a title shown in other papers' related lists is one of their inputs.
    papers = {
        "graph-networks": paper_file("Graph Networks", "We study graph networks on molecules."),
        "graph-pooling": paper_file("Graph Pooling", "We study pooling in graph networks on molecules."),
        "speech-models": paper_file("Speech Models", "Streaming speech recognition (ASR) for audio."),
    }
    project = make_project(papers, THEMES)
    assert digest_build(project, monkeypatch) == 0
    site = project / "site"
    shown_on = site / "papers" / "graph-networks" / "index.html"
    unrelated = site / "papers" / "speech-models" / "index.html"
    mtimes = shown_on.stat().st_mtime_ns, unrelated.stat().st_mtime_ns
    assert "Graph Pooling" in BuiltSite(site).article("papers/graph-networks/").find(id="related").get_text()

    source = project / "content" / "papers" / "graph-pooling.md"
    source.write_text(source.read_text().replace("title: Graph Pooling", "title: Graph Readout"))
    assert digest_build(project, monkeypatch) == 0
    related = BuiltSite(site).article("papers/graph-networks/").find(id="related").get_text()
    assert "Graph Readout" in related and "Graph Pooling" not in related
    assert shown_on.stat().st_mtime_ns != mtimes[0]
    assert unrelated.stat().st_mtime_ns == mtimes[1]
    warm = tree(site)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["build", "-q", "--clean"]) == 0
    assert tree(site) == warm


def test_a_plain_mkdocs_build_into_site_makes_the_next_build_a_full_one(
        make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # The record of the last `digest build` no longer says what site/ holds: pages it
    # took as unchanged would keep the plain build's HTML.
    project = make_project(PAPERS, THEMES)
    source = project / "content" / "papers" / "graph-networks.md"
    first = source.read_text()
    assert digest_build(project, monkeypatch) == 0
    source.write_text(first.replace("title: Graph Networks", "title: Graph Readout"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert mkdocs_build(project, project / "site").returncode == 0
    assert "Graph Readout" in (project / "site" / "papers" / "graph-networks" / "index.html").read_text()
    source.write_text(first)

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert digest_build(project, monkeypatch) == 0
    assert "Graph Readout" not in (project / "site" / "papers" / "graph-networks" / "index.html").read_text()
    warm = tree(project / "site")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["build", "-q", "--clean"]) == 0
    assert tree(project / "site") == warm


def test_a_run_of_warm_builds_equals_clean_builds_at_every_step(
        make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # From the third build on, a warm build starts from the site before the previous
    # one (kept in .cache/digest/), brought up to date with site/ by copying what
    # differs: it must still end up equal to a clean build.
    project = make_project(PAPERS, THEMES)
    (project / "content" / "about.md").write_text("# About\n\nFirst words.\n")
    papers = project / "content" / "papers"
    edits: list[Callable[[], None]] = [
        lambda: None,
        lambda: (papers / "graph-pooling.md").write_text(paper_file("Graph Pooling", "Pooling graph networks.")),
        lambda: (papers / "graph-networks.md").write_text(
            (papers / "graph-networks.md").read_text().replace("Graph Networks", "Graph Nets")),
        lambda: (project / "content" / "about.md").write_text("# About\n\nOther words.\n"),
        lambda: (papers / "graph-pooling.md").unlink(),
        lambda: None,
    ]
    for step, edit in enumerate(edits):
        edit()
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        assert digest_build(project, monkeypatch) == 0, step
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        assert main(["build", "-q", "--clean", "-d", str(project / "clean")]) == 0
        assert tree(project / "site") == tree(project / "clean"), f"after edit {step}"
        assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []
    assert any((project / ".cache" / "digest").glob("spare-*")), "no site was kept for the next build"


def build_and_compare(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm `digest build`, then a clean one elsewhere: the two sites are the same."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert digest_build(project, monkeypatch) == 0
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["build", "-q", "--clean", "-d", str(project / "clean")]) == 0
    assert tree(project / "site") == tree(project / "clean")


def test_the_older_papers_search_bundle_is_kept_until_they_change(
        make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # Papers added before the newest paper's month are searched in a bundle of their own
    # (pagefind-archive/), which a warm build keeps while they stay the same.
    papers = {
        "old-graphs": paper_file("Old Graphs", "Graph networks, in October.", added="2026-10-02"),
        "old-speech": paper_file("Old Speech", "Speech recognition (ASR), in October.", added="2026-10-30"),
        "new-graphs": paper_file("New Graphs", "Graph networks, in November.", added="2026-11-01"),
    }
    project = make_project(papers, THEMES)
    site, content = project / "site", project / "content" / "papers"

    def archived() -> dict[str, str]:
        return {page["url"]: page["content"] for page in BuiltSite(site).search_pages("pagefind-archive")}

    build_and_compare(project, monkeypatch)
    assert archived() == {"papers/old-graphs/": "Graph networks, in October.",
                          "papers/old-speech/": "Speech recognition (ASR), in October."}
    urls = {page["url"] for page in BuiltSite(site).search_pages()}
    assert {"papers/old-graphs/", "papers/old-speech/", "papers/new-graphs/", "themes/graphs/"} <= urls
    assert "mergeIndex" in (site / "assets" / "digest-search.js").read_text()
    made = {p: p.stat().st_mtime_ns for p in (site / "pagefind-archive").rglob("*") if p.is_file()}

    (content / "newer.md").write_text(paper_file("Newer Speech", "More ASR.", added="2026-11-20"))
    build_and_compare(project, monkeypatch)
    assert {p: p.stat().st_mtime_ns for p in (site / "pagefind-archive").rglob("*") if p.is_file()} == made  # kept
    assert "papers/newer/" in {page["url"] for page in BuiltSite(site).search_pages()}

    (content / "old-speech.md").write_text(paper_file("Old Speech", "Edited in November.", added="2026-10-30"))
    build_and_compare(project, monkeypatch)
    assert archived()["papers/old-speech/"] == "Edited in November."

    for name in ("old-graphs.md", "old-speech.md"):
        (content / name).unlink()
    build_and_compare(project, monkeypatch)
    assert not (site / "pagefind-archive").exists()
    assert "mergeIndex" not in (site / "assets" / "digest-search.js").read_text()


def test_each_older_papers_bundle_is_kept_until_its_own_papers_change(
        make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # With search_bundle: 1, each older paper is a bundle of its own, oldest first.
    papers = {
        "sep-graphs": paper_file("Sep Graphs", "Graph networks, in September.", added="2026-09-02"),
        "oct-speech": paper_file("Oct Speech", "Speech recognition (ASR), in October.", added="2026-10-30"),
        "nov-graphs": paper_file("Nov Graphs", "Graph networks, in November.", added="2026-11-01"),
    }
    project = make_project(papers, THEMES, mkdocs_yml=MKDOCS_YML.replace(
        "  - digest\n", "  - digest:\n      search_bundle: 1\n"))
    site, content = project / "site", project / "content" / "papers"

    def bundles() -> dict[str, list[str]]:
        return {folder.name: sorted(page["url"] for page in BuiltSite(site).search_pages(folder.name))
                for folder in sorted(site.glob("pagefind-archive*"))}

    def made(bundle: str) -> dict[Path, int]:
        return {p: p.stat().st_mtime_ns for p in (site / bundle).rglob("*") if p.is_file()}

    build_and_compare(project, monkeypatch)
    assert bundles() == {"pagefind-archive": ["papers/sep-graphs/"], "pagefind-archive-2": ["papers/oct-speech/"]}
    script = (site / "assets" / "digest-search.js").read_text()
    assert "../pagefind-archive/" in script and "../pagefind-archive-2/" in script
    first, second = made("pagefind-archive"), made("pagefind-archive-2")

    (content / "oct-speech.md").write_text(paper_file("Oct Speech", "Edited in November.", added="2026-10-30"))
    build_and_compare(project, monkeypatch)
    assert made("pagefind-archive") == first  # kept: its paper is the same
    assert made("pagefind-archive-2") != second
    assert [p["content"] for p in BuiltSite(site).search_pages("pagefind-archive-2")] == ["Edited in November."]

    (content / "sep-graphs.md").unlink()
    build_and_compare(project, monkeypatch)
    assert bundles() == {"pagefind-archive": ["papers/oct-speech/"]}
    assert "../pagefind-archive-2/" not in (site / "assets" / "digest-search.js").read_text()
