"""Two runs at once in one digest: `digest build`, `import`, `update` and `email send`
take the lock in .cache/digest/ (engine/lock.py), so a second run waits for the first,
and what they leave is what one run alone leaves."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faulttools import leftovers, listing_text, make_digest, run_digest, start_digest, tree


@pytest.fixture(scope="module")
def digest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built digest and, beside it, a listing to import: the base each test copies."""
    root = make_digest(tmp_path_factory.mktemp("base") / "digest", papers=40)
    (root.parent / "listing.txt").write_text(listing_text(30), encoding="utf-8")
    return root


def copy(digest: Path, tmp_path: Path, name: str) -> Path:
    shutil.copytree(digest, tmp_path / name)
    return tmp_path / name


def test_two_builds_at_once_leave_the_site_one_build_leaves(digest: Path, tmp_path: Path) -> None:
    alone, together = copy(digest, tmp_path, "alone"), copy(digest, tmp_path, "together")
    assert run_digest(alone, "build", "-q").returncode == 0
    first = start_digest(together, "build", "-q")
    holds = f"{first.pid} digest build"  # what the lock file says of its holder (engine/lock.py)
    lock = together / ".cache" / "digest" / "lock"
    deadline = time.monotonic() + 60
    while not (lock.is_file() and lock.read_text(encoding="utf-8").startswith(holds)):
        assert first.poll() is None and time.monotonic() < deadline, "the first build never took the lock"
        time.sleep(0.01)
    runs = [first, start_digest(together, "build", "-q")]  # the second starts while the first holds the lock
    results = [(run.wait(timeout=300), run.communicate()[1]) for run in runs]
    assert [code for code, _ in results] == [0, 0], results
    assert f"waiting for another digest run (`digest build`, process {first.pid})" in results[1][1]
    assert "waiting" not in results[0][1]
    assert tree(together / "site") == tree(alone / "site")
    assert tree(together / "content") == tree(alone / "content")
    assert leftovers(together) == []


def test_two_imports_at_once_add_each_paper_once(digest: Path, tmp_path: Path) -> None:
    alone, together = copy(digest, tmp_path, "alone"), copy(digest, tmp_path, "together")
    listing = str(digest.parent / "listing.txt")
    args = ("import", "listing", listing, "--added", "2026-11-27")
    assert run_digest(alone, *args).returncode == 0
    runs = [start_digest(together, *args) for _ in range(2)]
    results = [(run.wait(timeout=120), run.communicate()[1]) for run in runs]
    assert [code for code, _ in results] == [0, 0], results
    summaries = sorted(err.strip().splitlines()[-1] for _, err in results)
    assert summaries == ["0 added, 0 merged, 30 already present", "30 added, 0 merged, 0 already present"]
    assert tree(together / "content") == tree(alone / "content")
    assert leftovers(together) == []


HOLD = """\
import sys, time
from pathlib import Path
from generator.engine.lock import exclusive
with exclusive(Path(sys.argv[1]), "digest build"):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_run_that_cannot_get_the_lock_in_time_refuses_and_changes_nothing(digest: Path, tmp_path: Path) -> None:
    project = copy(digest, tmp_path, "busy")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(project / "mkdocs.yml")], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        before = tree(project / "content")
        started = time.monotonic()
        result = run_digest(project, "import", "listing", str(digest.parent / "listing.txt"),
                            env={"DIGEST_LOCK_WAIT": "1"})
        assert result.returncode == 1
        assert time.monotonic() - started < 30
        assert f"waiting for another digest run (`digest build`, process {holder.pid}) to finish, at most 1 s" \
            in result.stderr
        assert (f"error: another digest run (`digest build`, process {holder.pid}) still holds "
                ".cache/digest/lock after 1 s; `digest import` did nothing.") in result.stderr
        assert "Traceback" not in result.stderr
        assert tree(project / "content") == before
    finally:
        holder.send_signal(signal.SIGKILL)  # a killed holder's lock goes with it
        holder.wait()
    result = run_digest(project, "import", "listing", str(digest.parent / "listing.txt"),
                        env={"DIGEST_LOCK_WAIT": "0"})
    assert result.returncode == 0, result.stderr
    assert "waiting" not in result.stderr
