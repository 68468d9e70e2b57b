"""Automatic themes a subscriber can keep: a digest without themes.yml grows day by day,
and every theme URL and feed path it ever published still answers; the recorded themes
(content/themes.auto.yml) make a fresh clone build the same site."""

from __future__ import annotations

import filecmp
import json
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup

from tests.conftest import MKDOCS_YML, REPO, paper_file
from tests.sitetools import BuiltSite

DAYS = ("2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26")
FIRST_DAY = 150  # then the rest of the bundled papers over the other days


def digest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=project,
                          capture_output=True, text=True)


def published(site: Path) -> tuple[set[str], set[str], dict[str, list[str]]]:
    """(theme URLs, theme feed paths, each paper's themes) the site publishes, from its data."""
    themes = json.loads((site / "themes.json").read_text(encoding="utf-8"))["themes"]
    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))["papers"]
    base = "https://digest.example.org/"
    urls = {t["url"].removeprefix(base) for t in themes}
    feeds = {url.removeprefix(base) for t in themes for url in t["feeds"].values()}
    return urls, feeds, {p["id"]: p["themes"] for p in papers}


def add_papers(project: Path, files: list[Path], day: str) -> None:
    for path in files:
        text = re.sub(r"^added: .*$", f"added: {day}", path.read_text(encoding="utf-8"), count=1, flags=re.M)
        (project / "content" / "papers" / path.name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The bundled papers in a fixed shuffle, no taxonomy, built after each of four days."""
    project = tmp_path_factory.mktemp("grown") / "project"
    (project / "content" / "papers").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    files = sorted((REPO / "content" / "papers").glob("*.md"))
    random.Random(18).shuffle(files)
    per_day = [files[:FIRST_DAY]]
    rest = files[FIRST_DAY:]
    per_day += [rest[i::len(DAYS) - 1] for i in range(len(DAYS) - 1)]
    days = []
    for day, batch in zip(DAYS, per_day):
        add_papers(project, batch, day)
        result = digest(project, "build", "-q")
        assert result.returncode == 0, result.stderr
        days.append(published(project / "site"))
    return {"project": project, "days": days}


def test_every_theme_url_and_feed_ever_published_still_answers(grown: dict[str, Any]) -> None:
    site = BuiltSite(grown["project"] / "site")
    live_urls, _, _ = grown["days"][-1]
    for urls, feeds, _ in grown["days"]:
        for url in urls:
            page = site.file_for(url)
            assert page is not None, f"{url} is gone"
            if url not in live_urls:  # a redirect to a live theme's page
                soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
                refresh = soup.find("meta", attrs={"http-equiv": "refresh"})
                target = site.resolve(url, refresh["content"].split("url=", 1)[1])
                assert target is not None and target[0] in live_urls, url
                assert soup.find("link", rel="canonical")["href"].endswith(target[0])
        for path in feeds:
            feed = feedparser.parse((site.root / path).read_bytes())
            assert not feed.bozo and feed.entries, path


def test_most_first_day_papers_keep_exactly_their_themes(grown: dict[str, Any]) -> None:
    first, last = grown["days"][0][2], grown["days"][-1][2]
    same = [paper for paper, themes in first.items() if last[paper] == themes]
    assert len(first) == FIRST_DAY
    assert len(same) >= 0.8 * len(first), f"{len(same)} of {len(first)} kept their themes"
    # ... and no first-day theme URL was lost on the way.
    assert grown["days"][0][0] <= set.union(*(urls for urls, _, _ in grown["days"][1:])) | grown["days"][0][0]


def test_a_fresh_clone_builds_the_grown_site_byte_for_byte(grown: dict[str, Any],
                                                          tmp_path: Path) -> None:
    project = grown["project"]
    assert (project / "content" / "themes.auto.yml").is_file()
    clone = tmp_path / "clone"
    shutil.copytree(project / "content", clone / "content")
    shutil.copy(project / "mkdocs.yml", clone / "mkdocs.yml")
    result = digest(clone, "build", "-q")
    assert result.returncode == 0, result.stderr
    comparison = filecmp.dircmp(project / "site", clone / "site")
    assert same_tree(comparison), "the clone's site differs"
    assert (clone / "content" / "themes.auto.yml").read_bytes() == (project / "content" / "themes.auto.yml").read_bytes()


def same_tree(comparison: filecmp.dircmp[str]) -> bool:
    _, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right, comparison.common_files, shallow=False)
    if comparison.left_only or comparison.right_only or mismatch or errors:
        return False
    return all(same_tree(sub) for sub in comparison.subdirs.values())


# --------------------------------------------------------------------------- themes that go

PAPERS = {
    f"graph-{n}": paper_file(f"Graph neural networks for molecules {n}",
                             "Message passing graph neural networks predict molecular properties; "
                             f"we study graph attention and molecular graphs, variant {n}.", id=f"g{n}")
    for n in range(6)
} | {
    f"speech-{n}": paper_file(f"Streaming speech recognition {n}",
                              "Streaming speech recognition with transducers lowers latency; "
                              f"we study acoustic models and speech encoders, variant {n}.", id=f"s{n}")
    for n in range(6)
}


def recorded(project: Path) -> dict[str, Any]:
    data = yaml.safe_load((project / "content" / "themes.auto.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_a_theme_that_goes_redirects_and_its_feeds_carry_its_successor(make_project: Callable[..., Path]) -> None:
    project = make_project(PAPERS)
    assert digest(project, "build", "-q").returncode == 0
    themes = {t["slug"]: t["papers"] for t in recorded(project)["themes"]}
    assert len(themes) == 2, themes
    speech = next(slug for slug, papers in themes.items() if papers[0].startswith("speech"))
    old_feed = feedparser.parse((project / "site" / "themes" / speech / "atom.xml").read_bytes())

    # A curator's theme now takes the speech papers: the automatic one retires.
    (project / "content" / "themes.yml").write_text(yaml.safe_dump({"themes": [
        {"slug": "speech", "title": "Speech", "match": ["speech recognition"]}]}), encoding="utf-8")
    result = digest(project, "build", "-q")
    assert result.returncode == 0, result.stderr
    assert [(r["slug"], r["successor"]) for r in recorded(project)["retired"]] == [(speech, "speech")]
    site = BuiltSite(project / "site")
    page = BeautifulSoup(site.file_for(f"themes/{speech}/").read_text(encoding="utf-8"), "html.parser")
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=../speech/"
    assert page.find("link", rel="canonical")["href"] == "https://digest.example.org/themes/speech/"
    for name in ("atom.xml", "feed.xml"):
        feed = feedparser.parse((project / "site" / "themes" / speech / name).read_bytes())
        assert not feed.bozo
        assert {e.id for e in feed.entries} == {f"tag:digest.example.org,2026:paper/s{n}" for n in range(6)}
    assert feedparser.parse((project / "site" / "themes" / speech / "atom.xml").read_bytes()).feed.id \
        == old_feed.feed.id  # the same feed to a reader
    assert speech not in (project / "site" / "feeds.opml").read_text(encoding="utf-8")  # not announced anew
    report = digest(project, "themes", "report")
    assert f"redirect {speech} -> speech" in report.stdout


def test_recluster_prints_what_it_would_change_and_writes_only_when_asked(make_project: Callable[..., Path]) -> None:
    project = make_project(PAPERS)
    suggested = digest(project, "themes", "suggest", "--write")  # records without a build
    assert suggested.returncode == 0 and suggested.stdout.startswith("# A draft taxonomy")
    assert len(recorded(project)["themes"]) == 2
    assert digest(project, "build", "-q").returncode == 0
    before = (project / "content" / "themes.auto.yml").read_bytes()
    result = digest(project, "themes", "recluster")
    assert result.returncode == 0, result.stderr
    assert "kept" in result.stdout and "nothing written" in result.stderr
    assert (project / "content" / "themes.auto.yml").read_bytes() == before
    assert digest(project, "themes", "recluster", "--write").returncode == 0
    assert recorded(project)["themes"] == yaml.safe_load(before)["themes"]  # the same papers: the same themes


@pytest.mark.parametrize("text, line, message", [
    ("themes:\n- slug: a\n  title: [unclosed\n", 3, "invalid YAML"),
    ("themes:\n- slug: Not A Slug\n  title: X\n  papers: []\n", 2, "`slug` must be a theme's slug"),
    ("themes:\n- slug: a\n  title: A\n  papers: 3\n", 4, "theme 'a': `papers` must be a list of paper slugs"),
    ("themes:\n- slug: a\n  title: A\n- slug: a\n  title: B\n", 4, "theme 'a' is recorded twice"),
])
def test_a_broken_record_names_its_line(make_project: Callable[..., Path], text: str, line: int,
                                        message: str) -> None:
    project = make_project(PAPERS)
    (project / "content" / "themes.auto.yml").write_text(text, encoding="utf-8")
    for command in (("check",), ("build", "-q")):
        result = digest(project, *command)
        assert result.returncode == 1
        assert f"content/themes.auto.yml:{line}: {message}" in result.stderr, result.stderr
