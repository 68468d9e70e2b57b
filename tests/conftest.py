"""Shared fixtures: real sites built with real MkDocs, read back with real parsers.

- `bundled_site`: the repository's own digest (193 papers), built once per session
  with plain `mkdocs build --strict`, the way a curator without our CLI would.
- `hostile`: tests/hostile/content (titles and abstracts made of markup, scripts,
  entities, control characters...), built once per session the same way; read by
  tests/test_hostile.py and served to the browser by tests/test_browser.py.
- `make_project`: writes a content tree from dicts plus an mkdocs.yml, for small
  sites that a test builds itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sitetools import BuiltSite

REPO = Path(__file__).resolve().parent.parent
HOSTILE_CORPUS = REPO / "tests" / "hostile" / "content"

MKDOCS_YML = """\
site_name: Test digest
site_url: https://digest.example.org/
docs_dir: content
site_dir: site
strict: true
theme:
  name: material
  font: false
nav:
  - Home: index.md
  - Themes: themes.md
  - Archive: archive.md
plugins:
  - digest
"""


def mkdocs_build(project: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(project / "mkdocs.yml"),
         "-d", str(site_dir)],
        capture_output=True, text=True, cwd=project,
    )


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    site_dir = tmp_path_factory.mktemp("bundled") / "site"
    result = mkdocs_build(REPO, site_dir)
    assert result.returncode == 0, result.stderr
    return BuiltSite(site_dir, REPO / "content")


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    project = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(HOSTILE_CORPUS, project / "content")
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return BuiltSite(project / "site", project / "content")


def paper_file(title: str, abstract: str, *, id: str | None = None, added: str = "2026-11-20",
               **fields: Any) -> str:
    meta: dict[str, Any] = {"id": id or title.lower().replace(" ", "-"), "title": title, "added": added}
    meta.update(fields)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    return f"---\n{front}---\n{abstract}\n"


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """make_project(papers={slug: file text}, themes=[...] or None, mkdocs_yml=...) -> project dir."""

    def make(papers: dict[str, str], themes: list[dict[str, Any]] | None = None,
             mkdocs_yml: str = MKDOCS_YML, name: str = "project") -> Path:
        project = tmp_path / name
        (project / "content" / "papers").mkdir(parents=True)
        (project / "mkdocs.yml").write_text(textwrap.dedent(mkdocs_yml), encoding="utf-8")
        for slug, text in papers.items():
            (project / "content" / "papers" / f"{slug}.md").write_text(text, encoding="utf-8")
        if themes is not None:
            (project / "content" / "themes.yml").write_text(
                yaml.safe_dump({"themes": themes}, sort_keys=False), encoding="utf-8")
        return project

    return make


# Where the browser tests leave their screenshots (tests/test_browser.py).
SCREENSHOTS = Path(os.environ.get("DIGEST_SCREENSHOTS", REPO / "test-screenshots"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say where the browser tests left their screenshots."""
    shots = sorted(SCREENSHOTS.glob("*.png")) if SCREENSHOTS.is_dir() else []
    if shots:
        terminalreporter.write_line(f"screenshots ({len(shots)}): {SCREENSHOTS}")
