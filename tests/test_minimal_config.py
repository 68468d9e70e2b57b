"""A minimal mkdocs.yml (site_name, site_url, plugins: [digest]) builds the digest's own site:
Material set up by the plugin, the search in the header, nothing from another host; another
theme, or a missing content folder, stops with what to do (issue 23, point 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import paper_file
from tests.sitetools import BuiltSite

MINIMAL = "site_name: Minimal digest\nsite_url: https://minimal.example.org/\nplugins: [digest]\n"


def digest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=project, capture_output=True, text=True)


def minimal_project(root: Path, mkdocs_yml: str = MINIMAL) -> Path:
    papers = root / "docs" / "papers"  # MkDocs' default docs_dir
    papers.mkdir(parents=True)
    for i in range(1, 4):
        (papers / f"graph-paper-{i}.md").write_text(paper_file(f"Graph Paper {i}", "We study graph networks."))
    (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def minimal_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    project = minimal_project(tmp_path_factory.mktemp("minimal"))
    result = digest(project, "build")
    assert result.returncode == 0, result.stderr
    assert "digest: mkdocs.yml sets no `theme`; building with Material" in result.stderr
    return BuiltSite(project / "site", project / "docs")


def test_a_minimal_config_builds_with_material_and_the_search_box(minimal_site: BuiltSite) -> None:
    for url in ("", "papers/graph-paper-1/", "archive/"):
        soup = minimal_site.soup(url)
        assert soup.select_one("header.md-header") is not None, url  # Material's header
        assert soup.select_one("header.md-header pagefind-modal-trigger") is not None, url  # the search box
        assert soup.title.get_text(strip=True).endswith("Minimal digest")


def test_a_minimal_config_loads_nothing_from_another_host(minimal_site: BuiltSite) -> None:
    for url in minimal_site.pages:
        soup = minimal_site.soup(url)
        sources = [tag.get("src") for tag in soup.find_all("script")] + \
                  [tag.get("href") for tag in soup.find_all("link", rel="stylesheet")]
        for source in filter(None, sources):
            assert not urlsplit(source).netloc, f"{url}: {source}"


def test_another_theme_is_refused_with_what_to_write(tmp_path: Path) -> None:
    project = minimal_project(tmp_path, MINIMAL + "theme: readthedocs\n")
    result = digest(project, "build")
    assert result.returncode == 1
    assert ("digest: the theme is 'readthedocs'; the digest's pages need Material for MkDocs: set "
            "`theme: {name: material, font: false}` in mkdocs.yml") in result.stderr
    assert not (project / "site").exists()


def test_a_missing_content_folder_says_to_create_it(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(MINIMAL, encoding="utf-8")
    for command in ("build", "serve"):
        result = digest(tmp_path, command)
        assert result.returncode == 1, command
        assert result.stderr == (
            "error: mkdocs.yml: the content folder docs/ (`docs_dir`, default `docs`) does not exist; create it "
            "(mkdir -p docs/papers) and import papers into it, or start a digest with `digest new DIR`; if your "
            "content is elsewhere, point `docs_dir` in mkdocs.yml at it\n"), command
    result = digest(tmp_path, "check")
    assert result.returncode == 1
    assert "docs: content folder not found; create it (with papers/ inside)" in result.stderr
    assert "digest new DIR" in result.stderr
    assert not (tmp_path / "site").exists()
