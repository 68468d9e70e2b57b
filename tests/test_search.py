"""IndexJob: Pagefind's service, fed through its protocol, makes the search bundle.

Small record sets, real Pagefind; a stand-in program (PAGEFIND_BINARY_PATH) plays a
Pagefind that stops early or answers nonsense.
"""

from __future__ import annotations

import gzip
import json
import os
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.content import load_digest
from generator.engine import search
from generator.engine.search import IndexJob, SearchRecord, paper_records, search_records, write_index
from generator.errors import BuildError
from generator.options import SiteOptions
from generator.pipeline import plan_site
from tests.conftest import REPO

ABOUT = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body>'
         '<article class="md-content__inner"><h1>About this digest</h1><p>Curated by the lab.</p>'
         '</article></body></html>')


def records(count: int) -> list[SearchRecord]:
    home = SearchRecord(url="", title="Research digest", text="Papers on causal reasoning, read weekly.")
    empty = SearchRecord(url="archive/", title="Archive", text="")  # no text: Pagefind leaves it out
    return [home, empty] + [SearchRecord(url=f"papers/paper-{n}/", title=f"Paper {n} on topic {n % 7}",
                                         text=f"An abstract about graphs, number {n}, and causal effects {n % 5}.")
                            for n in range(count)]


def bundle(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def fragments(folder: Path) -> dict[str, dict[str, object]]:
    """The bundle's pages by URL (each fragment is gzip of "pagefind_dcd" and JSON)."""
    pages = {}
    for path in (folder / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        page = json.loads(data[len(b"pagefind_dcd"):])
        pages[page["url"]] = page
    return pages


def pagefind_children() -> list[int]:
    """This process's child processes running Pagefind (Linux), or `nice` about to."""
    children = [int(pid) for task in Path("/proc/self/task").iterdir()
                for pid in (task / "children").read_text().split()]
    return [pid for pid in children if Path(f"/proc/{pid}/comm").read_text().strip() in ("pagefind", "nice")]


def job_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("digest-search-")]


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The folder tempfile makes its folders in, for this test alone."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def fake_pagefind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    program = tmp_path / "pagefind"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))


def index_error(tmp_path: Path, temp_dir: Path) -> str:
    """The BuildError of indexing three records, after checking that it left no
    temporary folder and no thread behind."""
    with pytest.raises(BuildError) as error:
        write_index(tmp_path / "index", records(3), [], "en")
    assert list(temp_dir.iterdir()) == []
    assert job_threads() == []
    return str(error.value)


def test_the_same_records_give_the_same_bytes(tmp_path: Path, temp_dir: Path) -> None:
    write_index(tmp_path / "a", records(60), [("about/", ABOUT)], "en")
    write_index(tmp_path / "b", records(60), [("about/", ABOUT)], "en")
    first, second = bundle(tmp_path / "a"), bundle(tmp_path / "b")
    assert first == second
    assert {"pagefind.js", "pagefind-component-ui.js", "pagefind-entry.json", "wasm.en.pagefind"} <= set(first)
    entry = json.loads(first["pagefind-entry.json"])
    assert entry["languages"]["en"]["page_count"] == 62  # the papers, home and about: not the empty archive
    assert list(temp_dir.iterdir()) == []


def test_pages_have_the_urls_of_the_site(tmp_path: Path, temp_dir: Path) -> None:
    write_index(tmp_path / "index", records(2), [("about/", ABOUT)], "en")
    pages = fragments(tmp_path / "index")
    assert sorted(pages) == ["/", "/about/", "/papers/paper-0/", "/papers/paper-1/"]
    assert pages["/papers/paper-1/"]["meta"] == {"title": "Paper 1 on topic 1"}
    assert pages["/papers/paper-1/"]["content"] == "An abstract about graphs, number 1, and causal effects 1."
    assert pages["/about/"]["content"] == "About this digest. Curated by the lab."


def test_an_error_answer_from_pagefind_is_a_build_error(tmp_path: Path, temp_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "ARTICLE", "article[")  # a selector Pagefind cannot parse
    with pytest.raises(BuildError) as error:
        write_index(tmp_path / "index", records(3), [], "en")
    message = str(error.value)
    assert message.startswith("search: Pagefind could not index /: Task join error: ")
    assert "\nPagefind printed:\n" in message and "panicked" in message
    assert not (tmp_path / "index").exists()
    assert list(temp_dir.iterdir()) == []
    assert pagefind_children() == [] and job_threads() == []


def test_pagefind_stopping_early_is_a_build_error(tmp_path: Path, temp_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pagefind(tmp_path, monkeypatch, "echo 'out of memory' >&2\nexit 3")
    assert index_error(tmp_path, temp_dir) == ("search: Pagefind stopped (exit status 3) before it made the index\n"
                                               "Pagefind printed:\nout of memory")


def test_an_answer_out_of_protocol_is_a_build_error(tmp_path: Path, temp_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pagefind(tmp_path, monkeypatch, "printf 'Running Pagefind v9,'\nexec cat >/dev/null")
    assert index_error(tmp_path, temp_dir) == ("search: Pagefind's answer is not in the form research-digest knows: "
                                               "b'Running Pagefind v9'")


def test_cancel_mid_run_leaves_no_process_thread_or_folder(tmp_path: Path, temp_dir: Path) -> None:
    job = IndexJob("en")
    job.add(records(3000))  # several seconds of Pagefind's work
    job.close()
    assert len(pagefind_children()) == 1 and len(list(temp_dir.iterdir())) == 1
    job.cancel()
    assert pagefind_children() == []
    assert list(temp_dir.iterdir()) == []
    assert job_threads() == []
    with pytest.raises(BuildError, match="^search: the index was cancelled before it was made$"):
        job.wait()
    job.cancel()  # again: nothing left to do


# Pagefind started from one thread while another multiplies matrices (an archive
# bundle's job while NMF fits topics): started with a fork, this hung the whole process.
STARTS_BESIDE_BLAS = """
import os, threading
import numpy as np
from generator.engine.search import IndexJob
def multiply():
    matrix = np.random.default_rng(0).random((600, 600))
    while True:
        matrix @ matrix
threading.Thread(target=multiply, daemon=True).start()
def start_and_cancel():
    for _ in range(30):
        IndexJob("en").cancel()
starter = threading.Thread(target=start_and_cancel, daemon=True)
starter.start()
starter.join(timeout=60)
print("hung" if starter.is_alive() else "started", flush=True)
os._exit(0)
"""


def test_pagefind_starts_while_another_thread_multiplies_matrices(temp_dir: Path) -> None:
    result = subprocess.run([sys.executable, "-c", STARTS_BESIDE_BLAS], cwd=REPO, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "TMPDIR": str(temp_dir)})
    assert result.stdout == "started\n", result.stderr


def test_pagefind_runs_at_a_lower_priority(temp_dir: Path) -> None:
    job = IndexJob("en")
    try:
        (child,) = pagefind_children()
        while Path(f"/proc/{child}/comm").read_text().strip() != "pagefind":
            time.sleep(0.01)  # `nice` has yet to start it
        assert os.getpriority(os.PRIO_PROCESS, child) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    finally:
        job.cancel()


def test_cancel_before_the_last_document_leaves_nothing(temp_dir: Path) -> None:
    job = IndexJob("en")
    job.add(records(5))  # and no close: its writer waits for more
    job.cancel()
    assert pagefind_children() == [] and job_threads() == [] and list(temp_dir.iterdir()) == []


def test_a_job_removes_the_folders_of_killed_builds_and_no_other(tmp_path: Path) -> None:
    ended = subprocess.Popen(["true"])  # a process that has ended: its id names no process
    ended.wait()
    scratch = tmp_path / "scratch"
    abandoned = [scratch / f"digest-search-{ended.pid}-ab12_x", scratch / "digest-search-k2j4h_xy"]
    living = [scratch / f"digest-search-{os.getpid()}-cd34_y", scratch / "digest-search-1-ef56_z",  # init
              scratch / "other-folder"]
    for folder in abandoned + living:
        (folder / "index").mkdir(parents=True)

    job = IndexJob("en", scratch=scratch)
    job.cancel()

    assert sorted(p.name for p in scratch.iterdir()) == sorted(p.name for p in living)


def test_the_papers_records_known_early_are_the_planned_pages_records() -> None:
    options = SiteOptions(site_url="https://example.org/", paper_url="p/{slug}/")
    digest = load_digest(REPO / "content")
    plan = plan_site(REPO / "content", options)
    early = paper_records(digest.papers, options)
    assert len(early) == 193
    records = search_records(plan, first=early)
    assert records[:193] == early
    assert sorted(records, key=lambda r: r.url) == sorted(search_records(plan), key=lambda r: r.url)
