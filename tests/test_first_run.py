"""The `digest` command as a first run meets it: no arguments, --version, imports that add
nothing, a file given to the wrong importer, and --dry-run (issue 23, point 5)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from generator.cli import build_parser, main
from tests.conftest import MKDOCS_YML, REPO
from tests.test_import import LISTING, snapshot

FIXTURES = REPO / "tests" / "fixtures"


def digest(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True,
                          cwd=cwd or REPO)


def test_digest_alone_prints_every_command_and_what_it_does() -> None:
    result = digest()
    assert result.returncode == 0, result.stderr
    commands = next(a for a in build_parser()._actions if a.dest == "command")
    listed = {choice.dest: choice.help for choice in commands._choices_actions}  # type: ignore[attr-defined]
    assert set(listed) == {"build", "serve", "check", "themes", "new", "update", "email", "import"}
    lines = result.stdout.splitlines()
    for name, help_text in listed.items():
        assert help_text and any(line.split()[:1] == [name] and help_text.split()[0] in line for line in lines), name


def test_version() -> None:
    result = digest("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"digest (research-digest) {version('research-digest')}"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("importer, text", [
    ("arxiv", (FIXTURES / "arxiv_api_empty.xml").read_text(encoding="utf-8")),
    ("hf-daily", "[]"),
])
def test_an_import_of_a_response_without_papers_says_so(project: Path, capsys: pytest.CaptureFixture[str],
                                                         importer: str, text: str) -> None:
    source = project / "response.txt"
    source.write_text(text, encoding="utf-8")
    assert main(["import", importer, str(source)]) == 0
    assert capsys.readouterr().err == f"{source}: the response holds no papers; nothing was imported\n"
    assert snapshot(project / "content") == {}


@pytest.mark.parametrize("fixture, importer", [
    ("arxiv_api.xml", "digest import arxiv FILE"),
    ("arxiv_rss.xml", "digest import arxiv FILE"),
    ("hf_daily.json", "digest import hf-daily FILE"),
])
def test_a_listing_import_of_another_format_names_the_importer(project: Path, capsys: pytest.CaptureFixture[str],
                                                               fixture: str, importer: str) -> None:
    assert main(["import", "listing", str(FIXTURES / fixture)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"error: {FIXTURES / fixture}:1: this is ") and f"`{importer}`" in error, error
    assert snapshot(project / "content") == {}


def test_a_listing_whose_first_title_starts_with_a_tag_is_a_listing(project: Path) -> None:
    listing = project / "listing.txt"
    listing.write_text("<think> Tokens Are All You Need\nWe study reasoning traces.\n", encoding="utf-8")
    assert main(["import", "listing", str(listing), "--added", "2026-11-26"]) == 0
    assert sorted(snapshot(project / "content")) == ["papers/think-tokens-are-all-you-need.md"]


def test_import_dry_run_shows_what_would_be_added_and_writes_nothing(project: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    listing = project / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    assert main(["import", "listing", str(listing), "--added", "2026-11-26", "--dry-run"]) == 0
    dry = capsys.readouterr()
    assert dry.out.splitlines() == ["would add first-paper-a-study", "would add second-paper"]
    assert dry.err == "2 added, 0 merged, 0 already present (dry run: nothing written)\n"
    assert snapshot(project / "content") == {}
    # The real import adds exactly those.
    assert main(["import", "listing", str(listing), "--added", "2026-11-26"]) == 0
    assert sorted(snapshot(project / "content")) == ["papers/first-paper-a-study.md", "papers/second-paper.md"]
