"""Helpers for the fault tests (tests/test_faults_*.py): digests to break, snapshots of
folders, `digest` run as a separate process (so that it can be killed)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from generator.content import load_digest
from generator.synthetic import synthetic_papers, write_papers
from tests.conftest import MKDOCS_YML, REPO


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder (hidden ones too), by relative path."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make_digest(root: Path, papers: int = 60, seed: int = 1) -> Path:
    """A project of synthetic papers made from the bundled ones."""
    (root / "content" / "papers").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    write_papers(root / "content", synthetic_papers(load_digest(REPO / "content").papers, papers, seed=seed))
    return root


def listing_text(count: int, seed: int = 7) -> str:
    """A pasted listing of `count` papers: a title line, then an abstract line."""
    papers = synthetic_papers(load_digest(REPO / "content").papers, count, seed=seed)
    return "".join(f"{p.title}\n{' '.join(p.abstract.split())}\n" for p in papers)


def digest_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator.cli", *args]


def run_digest(project: Path, *args: str, env: dict[str, str] | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(digest_command(*args), cwd=project, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def start_digest(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(digest_command(*args), cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **(env or {})})


def leftovers(project: Path) -> list[str]:
    """Temporary folders and files a run may leave behind it, anywhere in the project but .cache/."""
    found = []
    for path in project.rglob("*"):
        parts = path.relative_to(project).parts
        if parts[0] == ".cache":
            continue
        name = path.name
        if (".building-" in name or ".old-" in name or ".importing-" in name or ".replaced-" in name
                or name.endswith(".tmp")):
            found.append(path.relative_to(project).as_posix())
    return sorted(found)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
