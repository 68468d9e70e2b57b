"""A curator's own digest: `digest new`, then `digest update` from the sources in mkdocs.yml
(served by a local HTTP server replaying saved arXiv and Hugging Face responses), then
`digest build`."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml

from generator.cli import main
from generator.importing import fetch
from tests.sitetools import BuiltSite

FIXTURES = Path(__file__).parent / "fixtures"


class Replay(http.server.BaseHTTPRequestHandler):
    """Answers /api/query with the saved arXiv response and /api/daily_papers with the saved
    Hugging Face one; `mode` makes it answer with nothing, or fail."""

    mode = "papers"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.mode == "fail" and self.path.startswith("/api/daily_papers"):
            self.send_error(500, "broken")
            return
        if self.path.startswith("/api/query"):
            name = "arxiv_api_empty.xml" if self.mode == "empty" else "arxiv_api.xml"
            body, kind = (FIXTURES / name).read_bytes(), "application/atom+xml"
        else:
            body = b"[]" if self.mode == "empty" else (FIXTURES / "hf_daily.json").read_bytes()
            kind = "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def replay(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Replay]]:
    handler = type("Handler", (Replay,), {"mode": "papers"})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv(fetch.ARXIV_API_VARIABLE, f"{root}/api/query")
    monkeypatch.setenv(fetch.HF_DAILY_API_VARIABLE, f"{root}/api/daily_papers")
    monkeypatch.setattr(fetch, "LIMITER", fetch.RateLimiter(0))  # no need to be polite to ourselves
    monkeypatch.setattr(fetch, "BACKOFF", 0.0)
    yield handler
    server.shutdown()
    server.server_close()


@pytest.fixture
def digest_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "causal"
    assert main(["new", str(folder), "--name", "Causal ML", "--url", "https://example.org/causal/"]) == 0
    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"][0]["digest"]["sources"] = [{"arxiv": "cat:cs.LG"}, {"hf_daily": True}]
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


def build(folder: Path) -> BuiltSite:
    result = subprocess.run([sys.executable, "-m", "generator.cli", "build", "-q"], cwd=folder,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return BuiltSite(folder / "site")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_new_digest_builds_empty_and_valid(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    assert main(["new", str(folder), "--name", "Causal: ML #1", "--url", "https://example.org/causal"]) == 0
    assert {".gitignore", "mkdocs.yml", ".github/workflows/pages.yml", ".github/workflows/daily.yml",
            "content/index.md", "content/papers/.gitkeep"} <= set(snapshot(folder))
    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Causal: ML #1" and config["site_url"] == "https://example.org/causal/"
    assert config["plugins"][0]["digest"]["intro"].startswith("A digest of new papers in Causal: ML #1,")
    site = build(folder)
    home = site.article("")
    assert "No papers yet" in home.get_text()
    assert home.h1.get_text() == "Causal: ML #1"
    assert "Edit this text in content/index.md" in home.select_one(".digest-intro").get_text()
    for path in ("feed.xml", "atom.xml", "editions.xml"):
        feed = feedparser.parse((site.root / path).read_bytes())
        assert not feed.bozo and feed.entries == [], path
    assert main(["new", str(folder)]) == 1  # not over an existing digest


def test_the_curators_index_md_is_the_home_pages_text(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    assert main(["new", str(folder), "--name", "Causal ML", "--url", "https://example.org/causal/"]) == 0
    (folder / "content" / "index.md").write_text(
        "# Causal machine learning\n\nPapers on *causal* inference, picked by [me](https://example.org/me).\n",
        encoding="utf-8")
    site = build(folder)
    home = site.article("")
    assert [h1.get_text() for h1 in home.find_all("h1")] == ["Causal machine learning"]  # theirs, not ours too
    intro = home.select_one(".digest-intro")
    assert intro.em.get_text() == "causal" and intro.a["href"] == "https://example.org/me"
    assert "No papers yet" in home.get_text()  # the digest's own part of the page follows


def test_update_imports_every_source_then_the_build_has_papers_and_automatic_themes(
        digest_dir: Path, replay: type[Replay]) -> None:
    assert main(["update", "--date", "2026-11-20"]) == 0
    papers = sorted((digest_dir / "content" / "papers").glob("*.md"))
    assert len(papers) >= 4
    site = build(digest_dir)
    themes = json.loads((site.root / "themes.json").read_text(encoding="utf-8"))["themes"]
    assert themes and all(t["automatic"] for t in themes)
    assert (digest_dir / "content" / "themes.auto.yml").is_file()
    feed = feedparser.parse((site.root / "feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == len(papers)
    assert main(["update", "--date", "2026-11-20"]) == 0  # again: nothing new, nothing changed
    assert sorted((digest_dir / "content" / "papers").glob("*.md")) == papers


def test_a_day_with_nothing_new_is_no_error(digest_dir: Path, replay: type[Replay],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    replay.mode = "empty"
    before = snapshot(digest_dir / "content")
    assert main(["update", "--date", "2026-11-21"]) == 0
    assert "nothing new for 2026-11-21" in capsys.readouterr().err
    assert snapshot(digest_dir / "content") == before


def test_a_failing_source_fails_the_run_and_changes_nothing(digest_dir: Path, replay: type[Replay],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    replay.mode = "fail"  # arXiv answers, Hugging Face fails: nothing of either is written
    before = snapshot(digest_dir / "content")
    assert main(["update", "--date", "2026-11-20"]) == 1
    error = capsys.readouterr().err
    assert "hf-daily:" in error and "nothing was imported" in error
    assert snapshot(digest_dir / "content") == before


def test_a_bad_source_entry_is_named(digest_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = yaml.safe_load((digest_dir / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"][0]["digest"]["sources"] = [{"arxiv": "cat:cs.LG", "maxresults": 5}]
    (digest_dir / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    assert main(["update", "--date", "2026-11-20"]) == 1
    assert "source 1 (arxiv): unknown key 'maxresults'" in capsys.readouterr().err
