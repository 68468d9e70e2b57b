"""The daily workflow that `digest new` writes, run as GitHub would run its steps: the same
commands, in order, in a clone of the digest's repository, against saved arXiv and Hugging
Face responses (a local HTTP server) and a local SMTP server; and the workflows linted."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.cli.scaffold import daily_workflow
from tests.conftest import REPO
from tests.test_email import Inbox, smtp  # noqa: F401 - the fixture, shared
from tests.test_new_digest import Replay

SUBSCRIBERS = "- email: reader@example.org\n- email: graphs@example.org\n  themes: []\n"


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout


def test_the_daily_workflow_updates_commits_builds_and_sends(tmp_path: Path,
                                                             smtp: Callable[..., tuple[Inbox, int]]) -> None:  # noqa: F811
    origin, work = tmp_path / "origin.git", tmp_path / "digest"
    assert main(["new", str(work), "--name", "Causal ML", "--url", "https://example.org/causal/"]) == 0
    config = yaml.safe_load((work / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"][0]["digest"]["sources"] = [{"arxiv": "cat:cs.LG"}, {"hf_daily": True}]
    (work / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    git(work, "init", "-q", "-b", "main")
    git(work, "add", ".")
    git(work, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "A new digest")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "-u", "origin", "main")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(type("H", (Replay,), {})))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    inbox, port = smtp(Inbox())
    root = f"http://127.0.0.1:{server.server_address[1]}"
    env = dict(os.environ, DIGEST_ARXIV_API=f"{root}/api/query", DIGEST_HF_DAILY_API=f"{root}/api/daily_papers",
               DIGEST_SMTP_HOST="127.0.0.1", DIGEST_SMTP_PORT=str(port), DIGEST_SMTP_SECURITY="none",
               DIGEST_SUBSCRIBERS=SUBSCRIBERS,
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    try:
        workflow = yaml.safe_load((work / ".github" / "workflows" / "daily.yml").read_text(encoding="utf-8"))
        ran = []
        for step in workflow["jobs"]["update"]["steps"]:
            if "run" not in step or step["run"].startswith("pip install"):
                continue  # actions (checkout, Python, the Pages upload), and the install: this test runs installed
            condition = step.get("if", "")
            if condition == "env.DIGEST_SMTP_HOST != ''" and not env["DIGEST_SMTP_HOST"]:
                continue
            assert condition in ("", "env.DIGEST_SMTP_HOST != ''"), condition
            done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=work, env=env, capture_output=True, text=True)
            assert done.returncode == 0, (step["name"], done.stdout, done.stderr)
            ran.append(step["name"])
    finally:
        server.shutdown()
        server.server_close()

    assert ran == ["Import the day's papers", "Build", "Commit the new papers and the recorded themes",
                   "Send the day's edition"]
    pushed = git(origin, "log", "--format=%s", "main")
    assert pushed.splitlines()[0].startswith("Email ledger of") and "Papers of" in pushed
    files = git(origin, "ls-tree", "-r", "--name-only", "main")
    assert "content/themes.auto.yml" in files and "email-ledger.jsonl" in files
    assert sum(1 for f in files.splitlines() if f.startswith("content/papers/") and f.endswith(".md")) >= 4
    assert "subscribers.yml" not in files  # ignored: the addresses never reach the repository
    assert (work / "site" / "index.html").is_file() and list((work / "site" / "papers").iterdir())
    assert sorted(r[0] for r, _ in inbox.received) == ["graphs@example.org", "reader@example.org"]


actionlint = shutil.which("actionlint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.skipif(actionlint is None, reason="the workflow lint needs actionlint: pip install '.[test]'")
def test_the_workflows_pass_actionlint(tmp_path: Path) -> None:
    assert main(["new", str(tmp_path / "d"), "--name", "X", "--url", "https://example.org/x/"]) == 0
    files = [*sorted((REPO / ".github" / "workflows").glob("*.yml")),
             *sorted((tmp_path / "d" / ".github" / "workflows").glob("*.yml"))]
    result = subprocess.run([str(actionlint), *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(f.name == "daily.yml" for f in files)


def test_this_repositorys_daily_workflow_is_the_one_digest_new_writes() -> None:
    # The same steps (tested above), but the tool installed from this checkout, as README says.
    ours = (REPO / ".github" / "workflows" / "daily.yml").read_text(encoding="utf-8")
    assert ours == daily_workflow("pip install .")


def test_update_without_sources_is_a_quiet_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    # This repository's digest is curated by hand: its daily run updates nothing, then builds.
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    before = sorted(p.read_bytes() for p in (tmp_path / "content").rglob("*") if p.is_file())
    monkeypatch.chdir(tmp_path)
    assert main(["update", "--date", "2026-11-20"]) == 0
    assert "no `sources` under the digest plugin, so nothing to update" in capsys.readouterr().err
    assert sorted(p.read_bytes() for p in (tmp_path / "content").rglob("*") if p.is_file()) == before
